/* Writing Table.records (value.proto) straight to protobuf wire bytes, without Lua and
 * without protobuf-c structures: a producer that knows its columns up front (e.g. the host
 * lists) adds cells row by row, then packs one Value { table { records } }. Integers stay
 * integers (sint64) and floats stay floats (double), as wire_from_lua sends them; decoding is
 * the ordinary Table.records path (wire_lua.c, client/convert.c). Also the few helpers to
 * frame such bytes inside an ordinary Value (wire_put_*). No Lua here. */
#ifndef NTOP_WIRE_COLUMNS_H
#define NTOP_WIRE_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growing byte buffer; `oom` once an allocation failed (later writes are dropped). */
struct wire_buf {
    uint8_t *p;
    size_t len, cap;
    bool oom;
};

void wire_buf_free(struct wire_buf *b);
void wire_put_bytes(struct wire_buf *b, const void *data, size_t len);
void wire_put_varint(struct wire_buf *b, uint64_t v);
size_t wire_varint_size(uint64_t v);
/* A field's key: (field << 3) | wire type (0 varint, 1 64-bit, 2 length-delimited). */
static inline void wire_put_tag(struct wire_buf *b, uint32_t field, uint32_t type)
{
    wire_put_varint(b, ((uint64_t)field << 3) | type);
}
/* Values: ntop.v1.Value with one kind set. */
void wire_put_value_int(struct wire_buf *b, int64_t v);
void wire_put_value_string(struct wire_buf *b, const char *s, size_t len);
/* A length-delimited field whose content is already encoded. */
void wire_put_message(struct wire_buf *b, uint32_t field, const uint8_t *data, size_t len);

struct wire_column_build {
    uint8_t *types; /* one per row: enum wire_cell */
    struct wire_buf integers, numbers, lengths, data;
    bool used;
};

/* ncols named columns (keys borrowed until packing) and, with row_keys, one more column of
 * map keys at index ncols. */
struct wire_records_build {
    const char *const *keys;
    size_t ncols, nrows;
    bool row_keys;
    struct wire_column_build *cols;
};

/* 0, or -1 when out of memory (nothing to free then). */
int wire_records_init(struct wire_records_build *b, const char *const *keys, size_t ncols,
                      size_t nrows, bool row_keys);
void wire_records_free(struct wire_records_build *b);

/* One cell of row `row` in column `col`; each cell at most once, rows in increasing order
 * within a column. */
void wire_records_integer(struct wire_records_build *b, size_t col, size_t row, int64_t v);
void wire_records_number(struct wire_records_build *b, size_t col, size_t row, double v);
void wire_records_boolean(struct wire_records_build *b, size_t col, size_t row, bool v);
void wire_records_string(struct wire_records_build *b, size_t col, size_t row, const char *s,
                         size_t len);

/* The size of what wire_records_pack_value appends. */
size_t wire_records_value_size(const struct wire_records_build *b);

/* Appends Value { table { records } } to out (columns without any cell are left out, with
 * their keys). 0, or -1 when out of memory. */
int wire_records_pack_value(struct wire_records_build *b, struct wire_buf *out);

#endif
