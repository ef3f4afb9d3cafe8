/* Table.records (value.proto) into C values. A 10,000-host page is ~300,000 entries: they
 * and every string (each key once, values, row keys) go to one shared block (block.c)
 * instead of one allocation each, and the rows are filled in one pass with the column
 * cursors in locals. The columns are checked first (wire_records_check), so the loop reads
 * no further than the checked arrays. */
#include "client_internal.h"
#include "wire_records.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Entries are built in a small buffer on the stack and copied to the block with streaming
 * stores: a page's ~35 MB of entries is far bigger than the caches, and plain stores would
 * read every line from memory before writing it. */
#define STAGE_ENTRIES 32

#if defined(__SSE2__) && !defined(NTOP_NO_STREAM)
#include <emmintrin.h>
_Static_assert(sizeof(struct ntop_entry) % 16 == 0, "entries are whole 16-byte units");

static inline void entries_copy(struct ntop_entry *dst, const struct ntop_entry *src, size_t n)
{
    const __m128i *s = (const __m128i *)src;
    __m128i *d = (__m128i *)dst; /* 16-aligned: the block is, and entries are 16-byte units */
    for (size_t i = 0; i < n * sizeof(*dst) / 16; i++)
        _mm_stream_si128(d + i, _mm_load_si128(s + i));
}

static inline void entries_done(void)
{
    _mm_sfence(); /* the streamed entries visible to any thread the value goes to */
}
#else
static inline void entries_copy(struct ntop_entry *dst, const struct ntop_entry *src, size_t n)
{
    memcpy(dst, src, n * sizeof(*dst));
}

static inline void entries_done(void) {}
#endif

/* One column while rows are filled. */
struct column {
    const uint8_t *types; /* NULL: no values */
    const int64_t *integers;
    const double *numbers;
    const uint32_t *lengths;
    const uint8_t *bytes;
    Ntop__V1__Value **tables;
    struct ntop_value key; /* the column's key, shared: copied into each entry */
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
    _Alignas(16) struct ntop_entry stage[STAGE_ENTRIES];
    size_t n = 0, k = 0; /* entries in the row, of them still in stage */
    int rc = 0;
    for (size_t j = 0; j < nk && rc == 0; j++) {
        struct column *c = &cols[j];
        const uint8_t t = c->types ? c->types[row] : WIRE_CELL_NONE;
        if (t == WIRE_CELL_NONE)
            continue;
        struct ntop_value *v = &stage[k].value;
        memset(v, 0, sizeof(*v));
        switch (t) {
        case WIRE_CELL_FALSE:
        case WIRE_CELL_TRUE:
            v->type = NTOP_TBOOLEAN;
            v->boolean = t == WIRE_CELL_TRUE;
            break;
        case WIRE_CELL_INTEGER:
            v->type = NTOP_TINTEGER;
            v->integer = *c->integers++;
            break;
        case WIRE_CELL_NUMBER:
            v->type = NTOP_TNUMBER;
            v->number = *c->numbers++;
            break;
        case WIRE_CELL_STRING: {
            const uint32_t len = *c->lengths++;
            share_copy(v, b, c->bytes, len);
            c->bytes += len;
            break;
        }
        default: /* WIRE_CELL_TABLE: any Value */
            rc = ntop_value_from_wire_at(v, *c->tables++, lim, depth + 1, elements, err, errlen);
            if (rc != 0)
                continue; /* v is nil: the entry is not kept */
            break;
        }
        stage[k++].key = c->key;
        n++;
        if (k == STAGE_ENTRIES) {
            entries_copy(e + n - k, stage, k);
            k = 0;
        }
    }
    entries_copy(e + n - k, stage, k);
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
        /* the key's one reference here; each entry's copy is counted in record_fill */
        share_copy(&cols[j].key, &b, rec->keys[j].data, rec->keys[j].len);
        b.refs--;
    }
    int rc = records_fill(out, rec, cols, &b, lim, depth, elements, err, errlen);
    entries_done();
    free(cols);
    /* the references handed out keep the block; none: freed here */
    ntop_block_release(b.block, NTOP_BLOCK_BUILDING - b.refs);
    return rc;
}
