/* libntopclient internals shared by the library's files, the Lua module and the tests. Not
 * installed; nothing here is exported from libntopclient.so. */
#ifndef NTOP_CLIENT_INTERNAL_H
#define NTOP_CLIENT_INTERNAL_H

#include "ntopclient.h"
#include "ntop/v1/value.pb-c.h"
#include "wire_check.h"
#include "wire_lua.h"

#include <stddef.h>
#include <stdint.h>

#define NTOP_PATH_MAX 192 /* "/ntop.v1.<Ns>/<name>" */

/* Writes "/ntop.v1.<Ns>/<name>" (namespace with its first letter upper-cased) into buf.
 * ns and name must be Lua identifiers. 0 or NTOP_EINVAL. */
int ntop_method_path(char *buf, size_t len, const char *ns, const char *name);

/* The raw call: sends the serialized ntop.v1.Call req (borrowed) to `path` and waits for the
 * reply, reconnecting and retrying as the client's options say. Returns the status. On OK,
 * *reply (malloc'd, owned by the caller, NULL when empty) holds the serialized ntop.v1.Reply;
 * otherwise *message (malloc'd, owned by the caller) says why. Any thread, many at once. */
int ntop_client_call_raw(struct ntop_client *c, const char *path, const void *req, size_t req_len,
                         uint8_t **reply, size_t *reply_len, char **message);

/* Like ntop_client_wait_ready; when the probe is unreachable, reason (reason_len bytes, may be
 * NULL) receives gRPC's explanation ("Connection refused", "DNS resolution failed"). */
int ntop_client_wait_ready_reason(struct ntop_client *c, int64_t timeout_ms, char *reason,
                                  size_t reason_len);

/* The client's options (borrowed from c). */
const struct ntop_client_options *ntop_client_options(const struct ntop_client *c);

/* The wire limits of the client's options. */
struct wire_limits ntop_client_limits(const struct ntop_client *c);

/* wire_check_message (proto/wire_check.h) as a client status: NTOP_ELIMIT past a limit,
 * NTOP_EINVAL when malformed, NTOP_ENOMEM. */
int ntop_wire_check(const uint8_t *buf, size_t len, const struct wire_limits *lim, char *err,
                    size_t errlen);

/* ---- C values <-> wire (convert.c) ---- */

/* The wire form of v (borrowed; strings are borrowed from v too, so v must outlive the result)
 * built in the arena. NULL with a message in err past a limit or out of memory. */
Ntop__V1__Value *ntop_value_to_wire(const struct ntop_value *v, struct wire_arena *arena,
                                    const struct wire_limits *lim, uint32_t *elements, char *err,
                                    size_t errlen);

/* Converts the wire value w (borrowed) into *out (overwritten, owned by the caller). 0, or
 * NTOP_ELIMIT / NTOP_EINVAL / NTOP_ENOMEM with *out nil and a message in err. */
int ntop_value_from_wire(struct ntop_value *out, const Ntop__V1__Value *w,
                         const struct wire_limits *lim, uint32_t *elements, char *err,
                         size_t errlen);

/* ntop_value_from_wire for a value `depth` tables down (for records.c). */
int ntop_value_from_wire_at(struct ntop_value *out, const Ntop__V1__Value *w,
                            const struct wire_limits *lim, uint32_t depth, uint32_t *elements,
                            char *err, size_t errlen);

/* A float key with an integer value becomes that integer, as in Lua (2.0 is the key 2). */
void ntop_normalize_key(struct ntop_value *k);

/* Table.records (records.c) into *out, an empty table `depth` tables down: the records' entries
 * and strings in one shared block. 0, or NTOP_EINVAL / NTOP_ELIMIT / NTOP_ENOMEM with a
 * message in err and what was converted counted in out (the caller clears it). */
int ntop_records_from_wire(struct ntop_value *out, const Ntop__V1__Records *rec,
                           const struct wire_limits *lim, uint32_t depth, uint32_t *elements,
                           char *err, size_t errlen);

/* Decodes the serialized ntop.v1.Reply buf[0..len) into res (values and context; res as
 * ntop_client_call filled it before the call: status OK, the context sent): checked against
 * lim first, then unpacked and converted. Returns the status; a refused reply leaves no values
 * and a message. */
int ntop_reply_decode(const uint8_t *buf, size_t len, const struct wire_limits *lim,
                      struct ntop_result *res);

/* The fast path of ntop_reply_decode (reply_fast.c), after the pre-check: the reply read in
 * place. 0 with res's values and context set, or -1 with res untouched when the reply needs
 * the slow path (an encoding protobuf-c does not write, or any error). */
int ntop_reply_fast(const uint8_t *buf, size_t len, const struct wire_limits *lim,
                    struct ntop_result *res);

/* Context <-> wire. to_wire borrows ctx's strings (NULL ctx = default); from_wire copies. */
void ntop_context_to_wire(Ntop__V1__Context *w, const struct ntop_context *ctx);
int ntop_context_from_wire(struct ntop_context *ctx, const Ntop__V1__Context *w);

/* ---- shared blocks (block.c) ---- */

/* The references a block starts with while it is being filled: values cleared during the
 * build cannot free it. The builder then drops NTOP_BLOCK_BUILDING minus the references it
 * handed out (ntop_block_release), which frees a block nobody took. */
#define NTOP_BLOCK_BUILDING (SIZE_MAX / 2)

struct ntop_block;

/* A block with `size` bytes of data (ntop_block_data, aligned for any type). NULL: no memory. */
struct ntop_block *ntop_block_new(size_t size);
void *ntop_block_data(struct ntop_block *b);

/* Drops n references; the last frees the block. Any thread. */
void ntop_block_release(struct ntop_block *b, size_t n);

/* Makes *v the string data[0..len) (NUL-terminated, inside b), holding one reference to b
 * (taken by the caller). ntop_string_block: the block of a shared string, else NULL. */
void ntop_string_share(struct ntop_value *v, struct ntop_block *b, char *data, size_t len);
static inline struct ntop_block *ntop_string_block(const struct ntop_value *v);

/* Makes *t an empty table whose entries are filled in place at `entries` (inside b, room
 * counted by the caller), holding one reference to b. ntop_table_block: the block of such a
 * table, else NULL. ntop_table_own: gives such a table entries of its own before it grows
 * (0 or NTOP_ENOMEM; 0 for other tables). */
void ntop_table_share(struct ntop_value *t, struct ntop_block *b, struct ntop_entry *entries);
static inline struct ntop_block *ntop_table_block(const struct ntop_value *t);
int ntop_table_own(struct ntop_value *t);

/* The tags: the block's address mixed with the data's, so that only ntop_string_share and
 * ntop_table_share make values that read as shared (inline: clearing a page checks 600,000). */
#define NTOP_STRING_SALT ((uintptr_t)0x5a3c96e1b2d4f807ull)
#define NTOP_TABLE_SALT  ((uintptr_t)0xc3a5e1f00f1e5a3cull)

/* The tag of a string whose bytes `data` are in block b. */
static inline uintptr_t ntop_string_tag(const struct ntop_block *b, const char *data)
{
    return (uintptr_t)b ^ (uintptr_t)data ^ NTOP_STRING_SALT;
}

static inline struct ntop_block *ntop_string_block(const struct ntop_value *v)
{
    uintptr_t b = (uintptr_t)v->string.block_;
    return b && v->string.tag_ == ntop_string_tag((struct ntop_block *)b, v->string.data)
               ? (struct ntop_block *)b
               : NULL;
}

static inline struct ntop_block *ntop_table_block(const struct ntop_value *t)
{
    uintptr_t b = t->table.cap_array;
    return !t->table.array && b &&
                   t->table.cap_entries == (b ^ (uintptr_t)t->table.entries ^ NTOP_TABLE_SALT)
               ? (struct ntop_block *)b
               : NULL;
}

/* Allocation helpers with the NUL-terminated copy the public API promises. */
char *ntop_strndup(const char *s, size_t len);
int ntop_string_init(struct ntop_value *v, const void *data, size_t len);

#endif
