#include "wire_records.h"

#include <stdio.h>

int wire_column_check(const Ntop__V1__Column *c, size_t count, size_t *cells, char *err,
                      size_t errlen)
{
    *cells = 0;
    if (!c)
        return 0;
    if (c->types.len != count) {
        snprintf(err, errlen, "records column with %zu types for %zu records", c->types.len, count);
        return -1;
    }
    size_t n[7] = {0};
    for (size_t i = 0; i < count; i++) {
        uint8_t t = c->types.data[i];
        if (t > WIRE_CELL_TABLE) {
            snprintf(err, errlen, "records column with an unknown type %u", t);
            return -1;
        }
        n[t]++;
    }
    uint64_t bytes = 0;
    for (size_t i = 0; i < c->n_string_lengths; i++)
        bytes += c->string_lengths[i];
    if (n[WIRE_CELL_INTEGER] != c->n_integers || n[WIRE_CELL_NUMBER] != c->n_numbers ||
        n[WIRE_CELL_STRING] != c->n_string_lengths || bytes != c->string_data.len ||
        n[WIRE_CELL_TABLE] != c->n_tables) {
        snprintf(err, errlen, "records column whose values do not match its types");
        return -1;
    }
    *cells = count - n[WIRE_CELL_NONE];
    return 0;
}

int wire_records_check(const Ntop__V1__Records *r, size_t *cells, char *err, size_t errlen)
{
    *cells = 0;
    if (r->n_columns != r->n_keys) {
        snprintf(err, errlen, "records with %zu columns for %zu keys", r->n_columns, r->n_keys);
        return -1;
    }
    for (size_t j = 0; j < r->n_columns; j++) {
        size_t n;
        if (wire_column_check(r->columns[j], r->count, &n, err, errlen) != 0)
            return -1;
        *cells += n;
    }
    if (r->row_keys) {
        size_t n;
        if (wire_column_check(r->row_keys, r->count, &n, err, errlen) != 0)
            return -1;
        if (n != r->count) {
            snprintf(err, errlen, "record without a valid key");
            return -1;
        }
    }
    return 0;
}
