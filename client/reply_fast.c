/* The fast path of reply decoding: the serialized ntop.v1.Reply read in place into C values,
 * without protobuf-c unpacking the whole message first (for a 10,000-host page that was a
 * third of the decoding). Values, tables and entries are read by hand; a Records is read into
 * protobuf-c structs (in an arena; its packed arrays decoded into one buffer, its bytes
 * pointing into the message) and converted by ntop_records_from_wire like an unpacked one, its
 * table cells (nested values, rare) unpacked one by one.
 *
 * Only the encoding protobuf-c itself writes is taken: anything else that is valid protobuf
 * (unpacked repeated scalars, a field given twice, a wire type that protobuf-c would
 * convert) and anything refused (limits, malformed records, bad keys) makes it give up with
 * nothing kept, and the caller decodes the message the slow way, which gives the result or
 * the error it always gave. Every read is bounds-checked against its enclosing length. */
#include "client_internal.h"
#include "wire_read.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct fast {
    const struct wire_limits *lim;
    uint32_t elements;
    struct wire_arena arena; /* Records structs of the value being converted */
};

static int value_read(struct fast *f, struct rd r, struct ntop_value *out, uint32_t depth);

/* ---- Records: protobuf-c structs from the wire ---- */

/* A column's packed fields, between column_scan and column_fill. */
struct packed {
    struct rd all, integers, numbers, lengths;
};

/* Reads column c's fields and counts: bytes point into the message, packed fields are kept in
 * *pk for column_fill. */
static int column_scan(struct rd r, Ntop__V1__Column *c, struct packed *pk)
{
    bool seen[5] = {false};
    uint32_t field, wt;
    int rc;
    ntop__v1__column__init(c);
    pk->all = r;
    while ((rc = rd_key(&r, &field, &wt)) == 0) {
        struct rd sub;
        if (field >= 1 && field <= 6 && wt != 2)
            return GIVE_UP; /* unpacked scalars: protobuf-c's business */
        if (field >= 1 && field <= 5) {
            if (seen[field - 1] || rd_len(&r, &sub) != 0)
                return GIVE_UP; /* a field given twice: merged or replaced by protobuf-c */
            seen[field - 1] = true;
            ProtobufCBinaryData bytes = {(size_t)(sub.end - sub.p), (uint8_t *)sub.p};
            switch (field) {
            case 1:
                c->types = bytes;
                break;
            case 2:
                pk->integers = sub;
                break;
            case 3:
                pk->numbers = sub;
                break;
            case 4:
                pk->lengths = sub;
                break;
            default:
                c->string_data = bytes;
                break;
            }
        } else if (field == 6) {
            if (rd_len(&r, &sub) != 0)
                return GIVE_UP;
            c->n_tables++;
        } else if (rd_skip(&r, wt) != 0) {
            return GIVE_UP;
        }
    }
    if (rc != 1 || packed_count(pk->integers, &c->n_integers) != 0 ||
        packed_count(pk->lengths, &c->n_string_lengths) != 0 ||
        (pk->numbers.end - pk->numbers.p) % 8 != 0)
        return GIVE_UP;
    c->n_numbers = (size_t)(pk->numbers.end - pk->numbers.p) / 8;
    return 0;
}

/* Bytes of column c's arrays in the scratch buffer (8-byte ones, then lengths). */
static size_t column_wide(const Ntop__V1__Column *c)
{
    return (c->n_integers + c->n_numbers + c->n_tables) * 8;
}

/* Decodes column c's packed fields into arrays taken from *wide and *narrow. */
static int column_fill(Ntop__V1__Column *c, struct packed *pk, uint8_t **wide, uint8_t **narrow)
{
    c->integers = (int64_t *)*wide;
    c->numbers = (double *)(c->integers + c->n_integers);
    c->tables = (Ntop__V1__Value **)(c->numbers + c->n_numbers);
    for (size_t i = 0; i < c->n_tables; i++)
        c->tables[i] = NULL; /* first: records_free_tables reads them on any failure */
    *wide += column_wide(c);
    c->string_lengths = (uint32_t *)*narrow;
    *narrow += c->n_string_lengths * 4;
    for (size_t i = 0; i < c->n_integers; i++) {
        uint64_t v;
        if (rd_varint(&pk->integers, &v) != 0)
            return GIVE_UP;
        c->integers[i] = (int64_t)(v >> 1) ^ -(int64_t)(v & 1); /* zigzag */
    }
    if (c->n_numbers)
        memcpy(c->numbers, pk->numbers.p, c->n_numbers * 8);
    for (size_t i = 0; i < c->n_string_lengths; i++) {
        uint64_t v;
        if (rd_varint(&pk->lengths, &v) != 0 || v > UINT32_MAX)
            return GIVE_UP;
        c->string_lengths[i] = (uint32_t)v;
    }
    /* table cells: unpacked one by one (rare: nested tables inside records) */
    for (size_t i = 0; i < c->n_tables;) {
        struct rd sub;
        uint32_t field, wt;
        if (rd_key(&pk->all, &field, &wt) != 0)
            return GIVE_UP;
        if (field != 6) {
            if (rd_skip(&pk->all, wt) != 0)
                return GIVE_UP;
            continue;
        }
        if (rd_len(&pk->all, &sub) != 0 ||
            !(c->tables[i] = ntop__v1__value__unpack(NULL, (size_t)(sub.end - sub.p), sub.p)))
            return GIVE_UP;
        i++;
    }
    return 0;
}

/* Frees the table cells unpacked so far. */
static void records_free_tables(Ntop__V1__Records *rec)
{
    for (size_t j = 0; j <= rec->n_columns; j++) {
        const Ntop__V1__Column *c = j < rec->n_columns ? rec->columns[j] : rec->row_keys;
        for (size_t i = 0; c && c->tables && i < c->n_tables; i++) /* NULL: not unpacked */
            if (c->tables[i])
                ntop__v1__value__free_unpacked(c->tables[i], NULL);
    }
}

static int records_read(struct fast *f, struct rd r, struct ntop_value *out, uint32_t depth)
{
    Ntop__V1__Records rec;
    ntop__v1__records__init(&rec);
    struct rd scan = r;
    uint32_t field, wt;
    size_t nk = 0, nc = 0;
    bool has_count = false, keyed = false;
    int rc;
    while ((rc = rd_key(&scan, &field, &wt)) == 0) { /* first: how many keys and columns */
        struct rd sub;
        if (field == 1 || field == 2 || field == 4) {
            if (wt != 2 || rd_len(&scan, &sub) != 0 || (field == 4 && keyed))
                return GIVE_UP;
            nk += field == 1;
            nc += field == 2;
            keyed = keyed || field == 4;
        } else if (field == 3) {
            uint64_t v;
            if (wt != 0 || has_count || rd_varint(&scan, &v) != 0 || v > UINT32_MAX)
                return GIVE_UP;
            rec.count = (uint32_t)v;
            has_count = true;
        } else if (rd_skip(&scan, wt) != 0) {
            return GIVE_UP;
        }
    }
    if (rc != 1 || nk != nc)
        return GIVE_UP;
    struct packed *pk = NULL;
    uint8_t *scratch = NULL;
    if ((nk && (!(rec.keys = wire_arena_alloc(&f->arena, nk * sizeof(*rec.keys))) ||
                !(rec.columns = wire_arena_alloc(&f->arena, nk * sizeof(*rec.columns))))) ||
        (keyed && !(rec.row_keys = wire_arena_alloc(&f->arena, sizeof(*rec.row_keys)))) ||
        !(pk = wire_arena_alloc(&f->arena, (nk + 1) * sizeof(*pk))))
        return GIVE_UP;
    if (keyed)
        ntop__v1__column__init(rec.row_keys);
    rc = GIVE_UP;
    while (rd_key(&r, &field, &wt) == 0) {
        struct rd sub;
        if (field == 1) {
            if (rd_len(&r, &sub) != 0)
                goto out;
            rec.keys[rec.n_keys++] =
                (ProtobufCBinaryData){(size_t)(sub.end - sub.p), (uint8_t *)sub.p};
        } else if (field == 2 || field == 4) {
            Ntop__V1__Column *c =
                field == 4 ? rec.row_keys : wire_arena_alloc(&f->arena, sizeof(*c));
            if (!c || rd_len(&r, &sub) != 0)
                goto out;
            if (field == 2)
                rec.columns[rec.n_columns++] = c;
            if (column_scan(sub, c, &pk[field == 4 ? nk : rec.n_columns - 1]) != 0)
                goto out;
        } else if (rd_skip(&r, wt) != 0) {
            goto out;
        }
    }
    /* the packed arrays, all columns in one buffer (not zeroed: every element is written) */
    size_t wide = 0, narrow = 0;
    for (size_t j = 0; j <= nk; j++) {
        const Ntop__V1__Column *c = j < nk ? rec.columns[j] : rec.row_keys;
        wide += c ? column_wide(c) : 0;
        narrow += c ? c->n_string_lengths * 4 : 0;
    }
    if (!(scratch = malloc(wide + narrow + 1)))
        goto out;
    uint8_t *w = scratch, *n = scratch + wide;
    for (size_t j = 0; j <= nk; j++) {
        Ntop__V1__Column *c = j < nk ? rec.columns[j] : rec.row_keys;
        if (c && column_fill(c, &pk[j], &w, &n) != 0)
            goto out;
    }
    char err[128];
    rc = ntop_records_from_wire(out, &rec, f->lim, depth, &f->elements, err, sizeof(err));
out:
    records_free_tables(&rec);
    free(scratch);
    return rc == 0 ? 0 : GIVE_UP;
}

/* ---- generic values ---- */

/* Table t (its bytes) into *out, an empty table. On failure out may hold what was converted:
 * the caller clears it. */
static int table_read(struct fast *f, struct rd r, struct ntop_value *out, uint32_t depth)
{
    out->type = NTOP_TTABLE;
    if (depth >= f->lim->max_depth)
        return GIVE_UP;
    struct rd scan = r, records = {0};
    size_t na = 0, ne = 0, nrec = 0;
    uint32_t field, wt;
    int rc;
    while ((rc = rd_key(&scan, &field, &wt)) == 0) {
        struct rd sub;
        if (field >= 1 && field <= 3) {
            if (wt != 2 || rd_len(&scan, &sub) != 0)
                return GIVE_UP;
            na += field == 1;
            ne += field == 2;
            nrec += field == 3;
            if (field == 3)
                records = sub;
        } else if (rd_skip(&scan, wt) != 0) {
            return GIVE_UP;
        }
    }
    if (rc != 1 || nrec > 1 || (nrec && (na || ne)) || na + ne > f->lim->max_elements)
        return GIVE_UP;
    if (nrec) {
        /* the Records structs live only while converting: the arena is per records */
        struct wire_arena saved = f->arena;
        f->arena = (struct wire_arena){0};
        rc = records_read(f, records, out, depth);
        wire_arena_free(&f->arena);
        f->arena = saved;
        return rc;
    }
    if ((na && !(out->table.array = calloc(na, sizeof(*out->table.array)))) ||
        (ne && !(out->table.entries = calloc(ne, sizeof(*out->table.entries)))))
        return GIVE_UP;
    out->table.cap_array = na;
    out->table.cap_entries = ne;
    while ((rc = rd_key(&r, &field, &wt)) == 0) {
        struct rd sub;
        if (field == 1) {
            if (rd_len(&r, &sub) != 0 ||
                value_read(f, sub, &out->table.array[out->table.n_array], depth + 1) != 0)
                return GIVE_UP;
            out->table.n_array++;
        } else if (field == 2) {
            struct rd key = {0}, val = {0};
            bool has_val;
            if (rd_len(&r, &sub) != 0 || rd_entry(sub, &key, &val, &has_val) != 0)
                return GIVE_UP;
            struct ntop_entry *d = &out->table.entries[out->table.n_entries];
            if (value_read(f, key, &d->key, depth + 1) != 0)
                return GIVE_UP;
            if (d->key.type == NTOP_TNIL || (d->key.type == NTOP_TNUMBER && isnan(d->key.number)) ||
                (has_val ? value_read(f, val, &d->value, depth + 1)
                         : (memset(&d->value, 0, sizeof(d->value)),
                            ++f->elements > f->lim->max_elements ? GIVE_UP : 0)) != 0) {
                ntop_value_clear(&d->key);
                return GIVE_UP;
            }
            if (d->value.type == NTOP_TNIL) { /* t[k] = nil stores nothing */
                ntop_value_clear(&d->key);
                continue;
            }
            ntop_normalize_key(&d->key);
            out->table.n_entries++;
        } else if (rd_skip(&r, wt) != 0) {
            return GIVE_UP;
        }
    }
    return rc == 1 ? 0 : GIVE_UP;
}

/* Value v (its bytes) into *out; nil on failure. */
static int value_read(struct fast *f, struct rd r, struct ntop_value *out, uint32_t depth)
{
    memset(out, 0, sizeof(*out));
    if (++f->elements > f->lim->max_elements)
        return GIVE_UP;
    uint32_t field, wt, kinds = 0;
    uint64_t v;
    int rc;
    while ((rc = rd_key(&r, &field, &wt)) == 0) {
        if (field < 1 || field > 6) {
            if (rd_skip(&r, wt) != 0)
                goto fail;
            continue;
        }
        /* one kind, in the wire type protobuf-c writes */
        if (kinds++ || wt != (field == 4 ? 1u : field >= 5 ? 2u : 0u))
            goto fail;
        struct rd sub;
        switch (field) {
        case 1: /* nil */
            if (rd_varint(&r, &v) != 0)
                goto fail;
            break;
        case 2:
            if (rd_varint(&r, &v) != 0)
                goto fail;
            out->type = NTOP_TBOOLEAN;
            out->boolean = v != 0;
            break;
        case 3:
            if (rd_varint(&r, &v) != 0)
                goto fail;
            out->type = NTOP_TINTEGER;
            out->integer = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
            break;
        case 4:
            if (r.end - r.p < 8)
                goto fail;
            out->type = NTOP_TNUMBER;
            memcpy(&out->number, r.p, 8);
            r.p += 8;
            break;
        case 5:
            if (rd_len(&r, &sub) != 0 || ntop_string_init(out, sub.p, (size_t)(sub.end - sub.p)))
                goto fail;
            break;
        default:
            if (rd_len(&r, &sub) != 0 || table_read(f, sub, out, depth) != 0)
                goto fail;
            break;
        }
    }
    if (rc == 1)
        return 0;
fail:
    ntop_value_clear(out);
    return GIVE_UP;
}

int ntop_reply_fast(const uint8_t *buf, size_t len, const struct wire_limits *lim,
                    struct ntop_result *res)
{
    if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__)
        return GIVE_UP; /* doubles are copied as they lie on the wire (little-endian) */
    struct fast f = {.lim = lim};
    struct rd r = {buf, buf + len}, scan = r, ctx = {0};
    uint32_t field, wt;
    size_t n = 0;
    bool has_ctx = false;
    int rc;
    while ((rc = rd_key(&scan, &field, &wt)) == 0) {
        struct rd sub;
        if (field == 1 || field == 2) {
            if (wt != 2 || rd_len(&scan, &sub) != 0 || (field == 2 && has_ctx))
                return GIVE_UP;
            n += field == 1;
            if (field == 2) {
                has_ctx = true;
                ctx = sub;
            }
        } else if (rd_skip(&scan, wt) != 0) {
            return GIVE_UP;
        }
    }
    if (rc != 1 || n > lim->max_elements)
        return GIVE_UP;
    Ntop__V1__Context *wctx = NULL;
    if (has_ctx && !(wctx = ntop__v1__context__unpack(NULL, (size_t)(ctx.end - ctx.p), ctx.p)))
        return GIVE_UP;
    struct ntop_value *values = n ? calloc(n, sizeof(*values)) : NULL;
    size_t count = 0;
    if (n && !values)
        goto fail;
    while ((rc = rd_key(&r, &field, &wt)) == 0) {
        struct rd sub;
        if (field != 1) {
            rd_skip(&r, wt); /* checked by the scan */
            continue;
        }
        if (rd_len(&r, &sub) != 0 || value_read(&f, sub, &values[count], 0) != 0)
            goto fail;
        count++;
    }
    struct ntop_context c;
    if (wctx) {
        if (ntop_context_from_wire(&c, wctx) != 0)
            goto fail;
        ntop_context_clear(&res->context);
        res->context = c;
        ntop__v1__context__free_unpacked(wctx, NULL);
    }
    res->values = values;
    res->count = count;
    return 0;
fail:
    for (size_t i = 0; i < count; i++)
        ntop_value_clear(&values[i]);
    free(values);
    if (wctx)
        ntop__v1__context__free_unpacked(wctx, NULL);
    return GIVE_UP;
}
