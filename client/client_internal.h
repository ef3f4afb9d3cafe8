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

/* Context <-> wire. to_wire borrows ctx's strings (NULL ctx = default); from_wire copies. */
void ntop_context_to_wire(Ntop__V1__Context *w, const struct ntop_context *ctx);
int ntop_context_from_wire(struct ntop_context *ctx, const Ntop__V1__Context *w);

/* Allocation helpers with the NUL-terminated copy the public API promises. */
char *ntop_strndup(const char *s, size_t len);
int ntop_string_init(struct ntop_value *v, const void *data, size_t len);

#endif
