/* Table.records (value.proto) into C values. A 10,000-host page is ~300,000 entries: they
 * and every string (each key once, values, row keys) go to one shared block (block.c)
 * instead of one allocation each, and the rows are filled in one pass with the column
 * cursors in locals. The columns are checked first (wire_records_check), so the loop reads
 * no further than the checked arrays. */
#include "client_internal.h"
#include "wire_records.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Entries go to the block as seven 16-byte units written with streaming stores, composed in
 * registers: a page's ~35 MB of entries is far bigger than the caches, and plain stores
 * would read every line from memory before writing it. An entry is 14 machine words, the
 * key's 7 then the value's 7 (the layout is checked here). */
_Static_assert(sizeof(struct ntop_value) == 7 * sizeof(uint64_t) &&
                   offsetof(struct ntop_entry, value) == sizeof(struct ntop_value) &&
                   offsetof(struct ntop_value, integer) == 8 &&
                   offsetof(struct ntop_value, string.len) == 16 &&
                   offsetof(struct ntop_value, string.block_) == 24 &&
                   offsetof(struct ntop_value, string.tag_) == 32,
               "entries are the 14 words written below");

#if defined(__SSE2__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <emmintrin.h>

/* dst = {key: the words kw (16-aligned), value: the words v}. dst is 16-aligned (the block
 * is, and entries are 112 bytes). */
static inline void entry_put(struct ntop_entry *dst, const uint64_t *kw, const uint64_t v[7])
{
    __m128i *d = (__m128i *)dst;
    _mm_stream_si128(d + 0, _mm_load_si128((const __m128i *)kw));
    _mm_stream_si128(d + 1, _mm_load_si128((const __m128i *)(kw + 2)));
    _mm_stream_si128(d + 2, _mm_load_si128((const __m128i *)(kw + 4)));
    _mm_stream_si128(d + 3, _mm_set_epi64x((long long)v[0], (long long)kw[6]));
    _mm_stream_si128(d + 4, _mm_set_epi64x((long long)v[2], (long long)v[1]));
    _mm_stream_si128(d + 5, _mm_set_epi64x((long long)v[4], (long long)v[3]));
    _mm_stream_si128(d + 6, _mm_set_epi64x((long long)v[6], (long long)v[5]));
}

static inline void entries_done(void)
{
    _mm_sfence(); /* the streamed entries visible to any thread the value goes to */
}
#else
static inline void entry_put(struct ntop_entry *dst, const uint64_t *kw, const uint64_t v[7])
{
    memcpy(&dst->key, kw, sizeof(dst->key));
    memcpy(&dst->value, v, sizeof(dst->value));
}

static inline void entries_done(void) {}
#endif

/* One column while rows are filled. */
struct column {
    _Alignas(16) uint64_t key[8]; /* the column's key (a shared string) as entry words */
    const uint8_t *types;         /* NULL: no values */
    const int64_t *integers;
    const double *numbers;
    const uint32_t *lengths;
    const uint8_t *bytes;
    Ntop__V1__Value **tables;
};

struct build {
    struct ntop_block *block;
    struct ntop_entry *entries; /* the next free entries */
    char *strings;              /* the next free string bytes */
    size_t refs;                /* references to the block handed out */
};

/* s[0..len) copied into the block, NUL-terminated: the shared string *out (one reference). */
static void share_copy(struct ntop_value *out, struct build *b, const void *s, size_t len)
{
    char *p = b->strings;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    b->strings += len + 1;
    ntop_string_share(out, b->block, p, len);
    b->refs++;
}

/* Row `row` into *out: a table of the cells it has, its entries next in the block. Values
 * are counted in *elements by the caller, except tables (from_wire counts those). */
static int record_fill(struct ntop_value *out, struct column *cols, size_t nk, size_t row,
                       struct build *b, const struct wire_limits *lim, uint32_t depth,
                       uint32_t *elements, char *err, size_t errlen)
{
    struct ntop_entry *e = b->entries;
    size_t n = 0;
    int rc = 0;
    for (size_t j = 0; j < nk && rc == 0; j++) {
        struct column *c = &cols[j];
        const uint8_t t = c->types ? c->types[row] : WIRE_CELL_NONE;
        uint64_t v[7] = {0}; /* the value's words: type, then the union */
        switch (t) {
        case WIRE_CELL_NONE:
            continue;
        case WIRE_CELL_FALSE:
        case WIRE_CELL_TRUE:
            v[0] = NTOP_TBOOLEAN;
            v[1] = t == WIRE_CELL_TRUE; /* the bool's byte, the rest zero */
            break;
        case WIRE_CELL_INTEGER:
            v[0] = NTOP_TINTEGER;
            v[1] = (uint64_t)*c->integers++;
            break;
        case WIRE_CELL_NUMBER:
            v[0] = NTOP_TNUMBER;
            memcpy(&v[1], c->numbers++, sizeof(double));
            break;
        case WIRE_CELL_STRING: {
            const uint32_t len = *c->lengths++;
            char *p = b->strings;
            if (len)
                memcpy(p, c->bytes, len);
            p[len] = '\0';
            b->strings += len + 1;
            c->bytes += len;
            /* ntop_string_share's fields: data, len, block_, tag_ */
            v[0] = NTOP_TSTRING;
            v[1] = (uintptr_t)p;
            v[2] = len;
            v[3] = (uintptr_t)b->block;
            v[4] = ntop_string_tag(b->block, p);
            b->refs++;
            break;
        }
        default: { /* WIRE_CELL_TABLE: any Value */
            struct ntop_value tv;
            rc = ntop_value_from_wire_at(&tv, *c->tables++, lim, depth + 1, elements, err, errlen);
            if (rc != 0)
                continue; /* tv is nil: the entry is not kept */
            memcpy(v, &tv, sizeof(v));
            break;
        }
        }
        entry_put(&e[n++], c->key, v);
    }
    memset(out, 0, sizeof(*out));
    out->type = NTOP_TTABLE;
    if (n) {
        ntop_table_share(out, b->block, e);
        out->table.n_entries = n;
        b->entries += n;
        b->refs += 1 + n; /* the table and its keys */
    }
    return rc;
}

/* A row key (any cell but none) into *out. */
static int row_key(struct ntop_value *out, const struct wire_cell_value *k, struct build *b,
                   const struct wire_limits *lim, uint32_t depth, uint32_t *elements, char *err,
                   size_t errlen)
{
    memset(out, 0, sizeof(*out));
    switch (k->kind) {
    case WIRE_CELL_FALSE:
    case WIRE_CELL_TRUE:
        out->type = NTOP_TBOOLEAN;
        out->boolean = k->kind == WIRE_CELL_TRUE;
        return 0;
    case WIRE_CELL_INTEGER:
        out->type = NTOP_TINTEGER;
        out->integer = k->integer;
        return 0;
    case WIRE_CELL_NUMBER:
        if (isnan(k->number)) {
            snprintf(err, errlen, "record without a valid key");
            return NTOP_EINVAL;
        }
        out->type = NTOP_TNUMBER;
        out->number = k->number;
        ntop_normalize_key(out);
        return 0;
    case WIRE_CELL_STRING:
        share_copy(out, b, k->string, k->len);
        return 0;
    case WIRE_CELL_TABLE:
        return ntop_value_from_wire_at(out, k->table, lim, depth, elements, err, errlen);
    default:
        snprintf(err, errlen, "records cell without a value");
        return NTOP_EINVAL;
    }
}

/* Every record of rec into out, after the checks. */
static int records_fill(struct ntop_value *out, const Ntop__V1__Records *rec, struct column *cols,
                        struct build *b, const struct wire_limits *lim, uint32_t depth,
                        uint32_t *elements, char *err, size_t errlen)
{
    const size_t nr = rec->count, nk = rec->n_keys;
    int rc = 0;
    if (!rec->row_keys) {
        if (nr && !(out->table.array = calloc(nr, sizeof(*out->table.array))))
            goto oom;
        out->table.cap_array = nr;
        for (size_t i = 0; i < nr && rc == 0; i++, out->table.n_array++)
            rc = record_fill(&out->table.array[i], cols, nk, i, b, lim, depth + 1, elements, err,
                             errlen);
        return rc;
    }
    if (nr && !(out->table.entries = calloc(nr, sizeof(*out->table.entries))))
        goto oom;
    out->table.cap_entries = nr;
    struct wire_column_cursor keys = {.c = rec->row_keys};
    for (size_t i = 0; i < nr && rc == 0; i++) {
        struct ntop_entry *d = &out->table.entries[out->table.n_entries];
        struct wire_cell_value k = {0};
        wire_column_next(&keys, i, &k);
        if ((rc = row_key(&d->key, &k, b, lim, depth + 1, elements, err, errlen)) != 0)
            break;
        out->table.n_entries++; /* counted even on failure: the caller clears it */
        rc = record_fill(&d->value, cols, nk, i, b, lim, depth + 1, elements, err, errlen);
    }
    return rc;
oom:
    snprintf(err, errlen, "out of memory");
    return NTOP_ENOMEM;
}

/* String bytes of column c with a NUL each. */
static size_t string_bytes(const Ntop__V1__Column *c)
{
    return c ? c->string_data.len + c->n_string_lengths : 0;
}

int ntop_records_from_wire(struct ntop_value *out, const Ntop__V1__Records *rec,
                           const struct wire_limits *lim, uint32_t depth, uint32_t *elements,
                           char *err, size_t errlen)
{
    size_t cells;
    if (wire_records_check(rec, &cells, err, errlen) != 0)
        return NTOP_EINVAL;
    const size_t nr = rec->count, nk = rec->n_keys;
    if (nr && depth + 1 >= lim->max_depth) {
        snprintf(err, errlen, "tables nested deeper than %u levels", lim->max_depth);
        return NTOP_ELIMIT;
    }
    /* Every cell and row key is a value: counted here, tables inside them by from_wire. */
    size_t values = cells + (rec->row_keys ? nr : 0), tables = 0;
    for (size_t j = 0; j < nk; j++)
        tables += rec->columns[j]->n_tables;
    tables += rec->row_keys ? rec->row_keys->n_tables : 0;
    if (nr > lim->max_elements || values - tables > lim->max_elements - *elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        return NTOP_ELIMIT;
    }
    *elements += (uint32_t)(values - tables);
    /* cells <= max_elements and the strings are inside the message: no overflow */
    size_t strings = string_bytes(rec->row_keys);
    for (size_t j = 0; j < nk; j++)
        strings += rec->keys[j].len + 1 + string_bytes(rec->columns[j]);
    struct build b = {.block = ntop_block_new(cells * sizeof(struct ntop_entry) + strings)};
    struct column *cols = calloc(nk ? nk : 1, sizeof(*cols));
    if (!b.block || !cols) {
        free(cols);
        ntop_block_release(b.block, NTOP_BLOCK_BUILDING);
        snprintf(err, errlen, "out of memory");
        return NTOP_ENOMEM;
    }
    b.entries = ntop_block_data(b.block);
    b.strings = (char *)(b.entries + cells);
    for (size_t j = 0; j < nk; j++) {
        const Ntop__V1__Column *c = rec->columns[j];
        cols[j] = (struct column){
            .types = c->types.len ? c->types.data : NULL,
            .integers = c->integers,
            .numbers = c->numbers,
            .lengths = c->string_lengths,
            .bytes = c->string_data.data,
            .tables = c->tables,
        };
        /* the key's bytes once; each entry's copy of it is counted in record_fill */
        struct ntop_value key;
        share_copy(&key, &b, rec->keys[j].data, rec->keys[j].len);
        b.refs--;
        memcpy(cols[j].key, &key, sizeof(key));
    }
    int rc = records_fill(out, rec, cols, &b, lim, depth, elements, err, errlen);
    entries_done();
    free(cols);
    /* the references handed out keep the block; none: freed here */
    ntop_block_release(b.block, NTOP_BLOCK_BUILDING - b.refs);
    return rc;
}
