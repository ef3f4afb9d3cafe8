/* A bounded, iterative walk over a serialized Call or Reply before protobuf-c unpacks it
 * (protobuf-c recurses once per nested message, with no depth limit). Shared by the probe's
 * RPC bridge and the client library. */
#ifndef NTOP_WIRE_CHECK_H
#define NTOP_WIRE_CHECK_H

#include "wire_lua.h"

#include <stddef.h>
#include <stdint.h>

enum {
    WIRE_CHECK_OK = 0,
    WIRE_CHECK_MALFORMED = -1,
    WIRE_CHECK_TOO_DEEP = -2,
    WIRE_CHECK_TOO_MANY = -3,
    WIRE_CHECK_NOMEM = -4,
};

/* Checks buf[0..len) against lim: well-formed fields, table nesting, value count. Returns
 * WIRE_CHECK_OK or a negative WIRE_CHECK_* with a message in err. Any thread. */
int wire_check_message(const uint8_t *buf, size_t len, const struct wire_limits *lim, char *err,
                       size_t errlen);

#endif
