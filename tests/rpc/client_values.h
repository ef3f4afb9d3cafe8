/* Values for rpc_probe_client: command-line arguments -> the bytes of an ntop.v1.Call, and
 * an ntop.v1.Value -> flat "path = type:value" lines (the format of flatten.lua). */
#ifndef NTOP_TEST_CLIENT_VALUES_H
#define NTOP_TEST_CLIENT_VALUES_H

#include "ntop/v1/value.pb-c.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer; data is malloc'd (free it). Allocation failure exits. */
struct buf {
    uint8_t *data;
    size_t len, cap;
};

void buf_put(struct buf *b, const void *p, size_t n);
void buf_byte(struct buf *b, uint8_t c);

/* Hex digits -> bytes appended to out; 0 or -1. */
int hex_decode(const char *hex, struct buf *out);

/* The Call for the ARG strings (see rpc_probe_client.c), with a Context carrying ifid
 * unless !context. 0, or -1 after a message on stderr. */
int encode_call(char **args, int nargs, bool context, int ifid, struct buf *out);

/* Prints v as "prefix = type:value" lines; tables recurse as prefix.key, keys sorted. */
void print_flat(const char *prefix, const Ntop__V1__Value *v);

#endif
