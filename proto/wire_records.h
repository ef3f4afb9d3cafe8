/* Reading Table.records (value.proto): checks a Column against its record count once, then
 * hands out its cells in row order without further bounds checks. Shared by the Lua decoder
 * (wire_lua.c) and the client's C decoder (client/convert.c); no Lua here. */
#ifndef NTOP_WIRE_RECORDS_H
#define NTOP_WIRE_RECORDS_H

#include "ntop/v1/value.pb-c.h"

#include <stddef.h>
#include <stdint.h>

enum wire_cell {
    WIRE_CELL_NONE = 0,
    WIRE_CELL_FALSE = 1,
    WIRE_CELL_TRUE = 2,
    WIRE_CELL_INTEGER = 3,
    WIRE_CELL_NUMBER = 4,
    WIRE_CELL_STRING = 5,
    WIRE_CELL_TABLE = 6,
};

struct wire_column_cursor {
    const Ntop__V1__Column *c;
    size_t integer, number, string, offset, table;
};

/* 0 when c (NULL: an empty column, every row without a value) has exactly `count` types,
 * each known, and as many integers, numbers, strings (and string bytes) and tables as its
 * types say; else -1 with a message in err. Sets *cells to the number of rows with a value. */
int wire_column_check(const Ntop__V1__Column *c, size_t count, size_t *cells, char *err,
                      size_t errlen);

/* The cell of the next row (after wire_column_check accepted the column). */
struct wire_cell_value {
    enum wire_cell kind;
    int64_t integer;
    double number;
    const uint8_t *string;
    size_t len;
    const Ntop__V1__Value *table;
};

static inline void wire_column_next(struct wire_column_cursor *cur, size_t row,
                                    struct wire_cell_value *out)
{
    const Ntop__V1__Column *c = cur->c;
    out->kind = c ? (enum wire_cell)c->types.data[row] : WIRE_CELL_NONE;
    switch (out->kind) {
    case WIRE_CELL_INTEGER:
        out->integer = c->integers[cur->integer++];
        break;
    case WIRE_CELL_NUMBER:
        out->number = c->numbers[cur->number++];
        break;
    case WIRE_CELL_STRING:
        out->len = c->string_lengths[cur->string++];
        out->string = c->string_data.data + cur->offset;
        cur->offset += out->len;
        break;
    case WIRE_CELL_TABLE:
        out->table = c->tables[cur->table++];
        break;
    default:
        break;
    }
}

/* The whole Records: as many columns as keys, each and row_keys checked against count (no
 * row key may be missing), the number of cells in *cells. 0 or -1 with a message. */
int wire_records_check(const Ntop__V1__Records *r, size_t *cells, char *err, size_t errlen);

#endif
