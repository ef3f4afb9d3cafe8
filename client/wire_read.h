/* A bounds-checked reader of protobuf wire bytes, shared by the client's two reply decoders
 * (reply_fast.c into C values, lua_decode.c into Lua values). Every read stays inside its
 * span; GIVE_UP reports anything the readers leave to protobuf-c. */
#ifndef NTOP_CLIENT_WIRE_READ_H
#define NTOP_CLIENT_WIRE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A span of the message being read. */
struct rd {
    const uint8_t *p, *end;
};

#define GIVE_UP (-1)

/* A varint of at most 10 bytes whose value fits in 64 bits. */
static inline int rd_varint(struct rd *r, uint64_t *out)
{
    if (r->p < r->end && *r->p < 0x80) { /* the common one-byte case */
        *out = *r->p++;
        return 0;
    }
    uint64_t v = 0;
    for (int shift = 0; r->p < r->end && shift < 64; shift += 7) {
        uint8_t b = *r->p++;
        if (shift == 63 && b > 1)
            return GIVE_UP;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return GIVE_UP;
}

/* The next field's number and wire type; 1 at the end of the span. */
static inline int rd_key(struct rd *r, uint32_t *field, uint32_t *wt)
{
    if (r->p == r->end)
        return 1;
    uint64_t k;
    if (rd_varint(r, &k) != 0 || (k >> 3) == 0 || (k >> 3) > 0x1fffffff)
        return GIVE_UP;
    *field = (uint32_t)(k >> 3);
    *wt = (uint32_t)(k & 7);
    return 0;
}

/* A length-delimited field's bytes as *sub. */
static inline int rd_len(struct rd *r, struct rd *sub)
{
    uint64_t n;
    if (rd_varint(r, &n) != 0 || n > (uint64_t)(r->end - r->p))
        return GIVE_UP;
    sub->p = r->p;
    sub->end = r->p + n;
    r->p += n;
    return 0;
}

/* Skips an unknown field's value. */
static inline int rd_skip(struct rd *r, uint32_t wt)
{
    uint64_t v;
    struct rd sub;
    switch (wt) {
    case 0:
        return rd_varint(r, &v);
    case 1:
    case 5:
        if ((size_t)(r->end - r->p) < (wt == 1 ? 8u : 4u))
            return GIVE_UP;
        r->p += wt == 1 ? 8 : 4;
        return 0;
    case 2:
        return rd_len(r, &sub);
    default:
        return GIVE_UP;
    }
}

/* An ntop.v1.Entry: its key (required) and value (*has_val false when absent), each given
 * at most once. 0, or GIVE_UP. */
static inline int rd_entry(struct rd entry, struct rd *key, struct rd *val, bool *has_val)
{
    uint32_t field, wt;
    bool has_key = false;
    int rc;
    *has_val = false;
    while ((rc = rd_key(&entry, &field, &wt)) == 0) {
        if (field == 1 || field == 2) {
            bool *seen = field == 1 ? &has_key : has_val;
            if (wt != 2 || *seen || rd_len(&entry, field == 1 ? key : val) != 0)
                return GIVE_UP;
            *seen = true;
        } else if (rd_skip(&entry, wt) != 0) {
            return GIVE_UP;
        }
    }
    return rc == 1 && has_key ? 0 : GIVE_UP;
}

/* Number of varints in a packed region, which must end with a varint's last byte. */
static inline int packed_count(struct rd r, size_t *n)
{
    size_t k = 0;
    for (const uint8_t *p = r.p; p < r.end; p++)
        k += *p < 0x80;
    *n = k;
    return r.p == r.end || r.end[-1] < 0x80 ? 0 : GIVE_UP;
}

#endif
