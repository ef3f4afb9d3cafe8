#include "wire_columns.h"

#include "wire_records.h"

#include <stdlib.h>
#include <string.h>

/* Wire types and the field numbers of value.proto used here. */
enum { WT_VARINT = 0, WT_LEN = 2 };
enum { VALUE_INTEGER = 3, VALUE_STRING = 5, VALUE_TABLE = 6 };
enum { TABLE_RECORDS = 3 };
enum { RECORDS_KEYS = 1, RECORDS_COLUMNS = 2, RECORDS_COUNT = 3, RECORDS_ROW_KEYS = 4 };
enum {
    COLUMN_TYPES = 1,
    COLUMN_INTEGERS = 2,
    COLUMN_NUMBERS = 3,
    COLUMN_STRING_LENGTHS = 4,
    COLUMN_STRING_DATA = 5,
};

void wire_buf_free(struct wire_buf *b)
{
    free(b->p);
    *b = (struct wire_buf){0};
}

static bool reserve(struct wire_buf *b, size_t more)
{
    if (b->oom)
        return false;
    if (b->len + more <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more)
        cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void wire_put_bytes(struct wire_buf *b, const void *data, size_t len)
{
    if (len && reserve(b, len)) {
        memcpy(b->p + b->len, data, len);
        b->len += len;
    }
}

void wire_put_varint(struct wire_buf *b, uint64_t v)
{
    if (!reserve(b, 10))
        return;
    while (v >= 0x80) {
        b->p[b->len++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    b->p[b->len++] = (uint8_t)v;
}

size_t wire_varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

void wire_put_message(struct wire_buf *b, uint32_t field, const uint8_t *data, size_t len)
{
    wire_put_tag(b, field, WT_LEN);
    wire_put_varint(b, len);
    wire_put_bytes(b, data, len);
}

void wire_put_value_int(struct wire_buf *b, int64_t v)
{
    wire_put_tag(b, VALUE_INTEGER, WT_VARINT);
    wire_put_varint(b, zigzag(v));
}

void wire_put_value_string(struct wire_buf *b, const char *s, size_t len)
{
    wire_put_message(b, VALUE_STRING, (const uint8_t *)s, len);
}

int wire_records_init(struct wire_records_build *b, const char *const *keys, size_t ncols,
                      size_t nrows, bool row_keys)
{
    *b = (struct wire_records_build){
        .keys = keys, .ncols = ncols, .nrows = nrows, .row_keys = row_keys};
    size_t n = ncols + 1;
    b->cols = calloc(n, sizeof(*b->cols));
    if (!b->cols)
        return -1;
    for (size_t j = 0; j < n; j++) {
        if (!(b->cols[j].types = calloc(nrows ? nrows : 1, 1))) {
            wire_records_free(b);
            return -1;
        }
    }
    return 0;
}

void wire_records_free(struct wire_records_build *b)
{
    if (!b->cols)
        return;
    for (size_t j = 0; j <= b->ncols; j++) {
        struct wire_column_build *c = &b->cols[j];
        free(c->types);
        wire_buf_free(&c->integers);
        wire_buf_free(&c->numbers);
        wire_buf_free(&c->lengths);
        wire_buf_free(&c->data);
    }
    free(b->cols);
    b->cols = NULL;
}

/* A column's first cell of a kind sizes its buffer for every row (small values: a typical
 * size per row), so filling it rarely reallocates and copies. */
static void presize(struct wire_buf *buf, size_t nrows, size_t per_row)
{
    if (!buf->cap)
        reserve(buf, nrows * per_row);
}

void wire_records_integer(struct wire_records_build *b, size_t col, size_t row, int64_t v)
{
    struct wire_column_build *c = &b->cols[col];
    presize(&c->integers, b->nrows, 3);
    c->types[row] = WIRE_CELL_INTEGER;
    c->used = true;
    wire_put_varint(&c->integers, zigzag(v));
}

void wire_records_number(struct wire_records_build *b, size_t col, size_t row, double v)
{
    struct wire_column_build *c = &b->cols[col];
    c->types[row] = WIRE_CELL_NUMBER;
    c->used = true;
    presize(&c->numbers, b->nrows, 8);
    uint64_t bits;
    memcpy(&bits, &v, 8);
    uint8_t le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (uint8_t)(bits >> (8 * i));
    wire_put_bytes(&c->numbers, le, 8);
}

void wire_records_boolean(struct wire_records_build *b, size_t col, size_t row, bool v)
{
    b->cols[col].types[row] = v ? WIRE_CELL_TRUE : WIRE_CELL_FALSE;
    b->cols[col].used = true;
}

void wire_records_string(struct wire_records_build *b, size_t col, size_t row, const char *s,
                         size_t len)
{
    struct wire_column_build *c = &b->cols[col];
    c->types[row] = WIRE_CELL_STRING;
    c->used = true;
    presize(&c->lengths, b->nrows, 1);
    presize(&c->data, b->nrows, len + 4);
    wire_put_varint(&c->lengths, len);
    wire_put_bytes(&c->data, s, len);
}

static size_t field_size(size_t len)
{
    return 1 + wire_varint_size(len) + len; /* field numbers here are all under 16 */
}

static size_t column_size(const struct wire_column_build *c, size_t nrows)
{
    size_t n = nrows ? field_size(nrows) : 0;
    const struct wire_buf *parts[] = {&c->integers, &c->numbers, &c->lengths, &c->data};
    for (size_t i = 0; i < 4; i++)
        if (parts[i]->len)
            n += field_size(parts[i]->len);
    return n;
}

static void put_column(struct wire_buf *out, uint32_t field, const struct wire_column_build *c,
                       size_t nrows)
{
    wire_put_tag(out, field, WT_LEN);
    wire_put_varint(out, column_size(c, nrows));
    if (nrows)
        wire_put_message(out, COLUMN_TYPES, c->types, nrows);
    const struct {
        uint32_t field;
        const struct wire_buf *b;
    } parts[] = {
        {COLUMN_INTEGERS,       &c->integers},
        {COLUMN_NUMBERS,        &c->numbers },
        {COLUMN_STRING_LENGTHS, &c->lengths },
        {COLUMN_STRING_DATA,    &c->data    },
    };
    for (size_t i = 0; i < 4; i++)
        if (parts[i].b->len)
            wire_put_message(out, parts[i].field, parts[i].b->p, parts[i].b->len);
}

static size_t records_size(const struct wire_records_build *b)
{
    size_t rec = 0;
    for (size_t j = 0; j < b->ncols; j++) {
        if (!b->cols[j].used)
            continue;
        rec += field_size(strlen(b->keys[j]));
        rec += field_size(column_size(&b->cols[j], b->nrows));
    }
    if (b->nrows)
        rec += 1 + wire_varint_size(b->nrows);
    if (b->row_keys)
        rec += field_size(column_size(&b->cols[b->ncols], b->nrows));
    return rec;
}

size_t wire_records_value_size(const struct wire_records_build *b)
{
    return field_size(field_size(records_size(b)));
}

int wire_records_pack_value(struct wire_records_build *b, struct wire_buf *out)
{
    for (size_t j = 0; j <= b->ncols; j++) {
        const struct wire_column_build *c = &b->cols[j];
        if (c->integers.oom || c->numbers.oom || c->lengths.oom || c->data.oom)
            return -1;
    }
    size_t rec = records_size(b);
    size_t table = field_size(rec);
    if (!reserve(out, field_size(table)))
        return -1;

    wire_put_tag(out, VALUE_TABLE, WT_LEN);
    wire_put_varint(out, table);
    wire_put_tag(out, TABLE_RECORDS, WT_LEN);
    wire_put_varint(out, rec);
    for (size_t j = 0; j < b->ncols; j++)
        if (b->cols[j].used)
            wire_put_message(out, RECORDS_KEYS, (const uint8_t *)b->keys[j], strlen(b->keys[j]));
    for (size_t j = 0; j < b->ncols; j++)
        if (b->cols[j].used)
            put_column(out, RECORDS_COLUMNS, &b->cols[j], b->nrows);
    if (b->nrows) {
        wire_put_tag(out, RECORDS_COUNT, WT_VARINT);
        wire_put_varint(out, b->nrows);
    }
    if (b->row_keys)
        put_column(out, RECORDS_ROW_KEYS, &b->cols[b->ncols], b->nrows);
    return out->oom ? -1 : 0;
}
