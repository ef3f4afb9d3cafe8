/* libntopclient: call the Lua API of ntop-probe sensors over gRPC.
 *
 * Every function of the probe's Lua API (ntop.*, interface.*, flow.*, host.*, network.*) is
 * the unary rpc "/ntop.v1.<Namespace>/<name>" (proto/ntop/v1/value.proto): arguments and
 * results travel as Lua values, and the call's context (selected interface, current host,
 * flow or network) travels with every call, since the probe keeps no per-client state.
 *
 *     struct ntop_client *c;
 *     if (ntop_client_new("sensor1:5741", NULL, &c) != 0) ...
 *     struct ntop_value args[] = {NTOP_INTEGER(0)};
 *     struct ntop_result res;
 *     if (ntop_client_call(c, "interface", "getNetworkStats", args, 1, NULL, &res) == 0)
 *         ... res.values[0] ...
 *     else
 *         fprintf(stderr, "%s: %s\n", ntop_status_name(res.status), res.message);
 *     ntop_result_clear(&res);
 *     ntop_client_free(c);
 *
 * Conventions (every prototype repeats the parts that apply to it):
 * - Library functions return 0 or a negative NTOP_E* code (ntop_strerror() names it); calls
 *   return a gRPC-style status (NTOP_STATUS_*, 0 = OK) with its message in the result.
 * - "borrowed" arguments are only read during the call; "moves" means the function takes
 *   ownership of a heap node in every case, failure included; "owned by" says who frees.
 * - Threads: a client may be used by any number of threads at once; values, results and
 *   contexts are plain data owned by one thread at a time.
 */
#ifndef NTOPCLIENT_H
#define NTOPCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NTOP_CLIENT_VERSION      "0.1.0"
#define NTOP_CLIENT_DEFAULT_PORT 5741

/* ---- Errors -------------------------------------------------------------------------------- */

/* Errors of the library functions: name, value, message (one table, like libuv's). */
#define NTOP_ERRNO_MAP(XX)                                                                         \
    XX(EINVAL, -1, "invalid argument")                                                             \
    XX(ENOMEM, -2, "out of memory")                                                                \
    XX(ELIMIT, -3, "value nested too deeply or with too many elements")                            \
    XX(EUNREACHABLE, -4, "probe unreachable")                                                      \
    XX(ETIMEDOUT, -5, "timed out")                                                                 \
    XX(ETLS, -6, "cannot read the TLS CA file (PEM)")

enum ntop_errno {
#define NTOP_ERRNO_ENUM(name, value, msg) NTOP_##name = (value),
    NTOP_ERRNO_MAP(NTOP_ERRNO_ENUM)
#undef NTOP_ERRNO_ENUM
};

/* Message of a negative NTOP_E* code ("unknown error" otherwise). Static string; any thread. */
const char *ntop_strerror(int err);

/* Outcome of a call: the gRPC status codes. The probe maps Lua errors as follows: "bad
 * argument ..." -> INVALID_ARGUMENT, unknown function -> UNIMPLEMENTED, missing context ->
 * FAILED_PRECONDITION, any other Lua error -> UNKNOWN; the message is the Lua error text.
 * Security: no or an unknown API token -> UNAUTHENTICATED; a function or interface the user
 * may not use -> PERMISSION_DENIED; too many failed tokens from this address ->
 * RESOURCE_EXHAUSTED; the probe cannot check tokens (Redis down) -> UNAVAILABLE. */
enum ntop_status {
    NTOP_STATUS_OK = 0,
    NTOP_STATUS_CANCELLED = 1,
    NTOP_STATUS_UNKNOWN = 2,
    NTOP_STATUS_INVALID_ARGUMENT = 3,
    NTOP_STATUS_DEADLINE_EXCEEDED = 4,
    NTOP_STATUS_NOT_FOUND = 5,
    NTOP_STATUS_ALREADY_EXISTS = 6,
    NTOP_STATUS_PERMISSION_DENIED = 7,
    NTOP_STATUS_RESOURCE_EXHAUSTED = 8,
    NTOP_STATUS_FAILED_PRECONDITION = 9,
    NTOP_STATUS_ABORTED = 10,
    NTOP_STATUS_OUT_OF_RANGE = 11,
    NTOP_STATUS_UNIMPLEMENTED = 12,
    NTOP_STATUS_INTERNAL = 13,
    NTOP_STATUS_UNAVAILABLE = 14,
    NTOP_STATUS_DATA_LOSS = 15,
    NTOP_STATUS_UNAUTHENTICATED = 16,
};

/* The status's gRPC name: "INVALID_ARGUMENT" for 3 and so on, "UNKNOWN_STATUS" for codes
 * outside 0..16. Static string; any thread. */
const char *ntop_status_name(int status);

/* ---- Values: a Lua value as a C tree ------------------------------------------------------- */

enum ntop_type {
    NTOP_TNIL = 0,
    NTOP_TBOOLEAN,
    NTOP_TINTEGER, /* a Lua integer: stays an integer end to end */
    NTOP_TNUMBER,  /* a Lua float: stays a float, even 1.0 */
    NTOP_TSTRING,  /* bytes; may contain NULs */
    NTOP_TTABLE,
};

struct ntop_entry;

/* A value owns its string bytes and table contents. Values made by the ntop_value_new_*
 * constructors are heap nodes (ntop_value_free); values inside tables, results and arrays
 * are released with ntop_value_clear. A zeroed struct is nil.
 * Ownership: string bytes and table arrays are released only by ntop_value_clear (never free()
 * or realloc() them yourself): results decoded from the probe keep the strings and record
 * entries of one list of records in one shared block, freed when its last value is cleared.
 * Values move by struct copy (then nil the source, as ntop_table_set does); to keep a string
 * beyond its result, move it out or ntop_value_copy it. A kept value keeps its whole block
 * alive; the memory of the last large block freed is kept for the next decoded page. */
struct ntop_value {
    enum ntop_type type;
    union {
        bool boolean;
        int64_t integer;
        double number;
        struct {
            char *data; /* len bytes, then a NUL that len does not count */
            size_t len;
            void *block_;   /* internal: the shared block holding data, or NULL (own bytes) */
            uintptr_t tag_; /* internal: checks block_ */
        } string;
        struct {
            struct ntop_value *array;   /* keys 1..n_array, in order (nil allowed inside) */
            struct ntop_entry *entries; /* every other key, no nil keys, no duplicates */
            size_t n_array, n_entries;
            size_t cap_array, cap_entries; /* internal: allocated sizes, or the shared
                                            * block holding entries (decoded records) */
        } table;
    };
};

struct ntop_entry {
    struct ntop_value key;
    struct ntop_value value;
};

/* Value literals for call arguments. They own nothing (NTOP_STRING borrows `s`): never pass
 * them to ntop_value_clear, and keep `s` alive while the value is used. */
#define NTOP_NIL        ((struct ntop_value){.type = NTOP_TNIL})
#define NTOP_BOOLEAN(b) ((struct ntop_value){.type = NTOP_TBOOLEAN, .boolean = (b)})
#define NTOP_INTEGER(i) ((struct ntop_value){.type = NTOP_TINTEGER, .integer = (i)})
#define NTOP_NUMBER(d)  ((struct ntop_value){.type = NTOP_TNUMBER, .number = (d)})
#define NTOP_STRING(s)  ntop_string_ref(s)

/* The value of NTOP_STRING: borrows s (NUL-terminated, not copied). */
static inline struct ntop_value ntop_string_ref(const char *s)
{
    struct ntop_value v = {.type = NTOP_TSTRING};
    v.string.data = (char *)s;
    v.string.len = strlen(s);
    return v;
}

/* Constructors: a new heap node owned by the caller (ntop_value_free, or move it into a table);
 * NULL when out of memory. String constructors copy their bytes. Any thread. */
struct ntop_value *ntop_value_new_nil(void);
struct ntop_value *ntop_value_new_boolean(bool b);
struct ntop_value *ntop_value_new_integer(int64_t i);
struct ntop_value *ntop_value_new_number(double d);
struct ntop_value *ntop_value_new_string(const char *s);                 /* borrowed s */
struct ntop_value *ntop_value_new_lstring(const void *data, size_t len); /* borrowed data */
struct ntop_value *ntop_value_new_table(void);

/* Frees the heap node v and everything it owns. NULL is fine. */
void ntop_value_free(struct ntop_value *v);

/* Frees what v owns (string bytes, table contents) and leaves v nil; v itself is not freed.
 * For values inside tables, result arrays or on the stack. NULL is fine. */
void ntop_value_clear(struct ntop_value *v);

/* Deep copy of src (borrowed) into *dst (overwritten, not cleared first; owned by the caller
 * afterwards). 0, or NTOP_ENOMEM / NTOP_ELIMIT (nesting over 64 levels) with *dst nil. */
int ntop_value_copy(struct ntop_value *dst, const struct ntop_value *src);

/* Deep equality with Lua's rules (integer 1 == float 1.0; tables compare by contents, the
 * entries in any order). Both borrowed. */
bool ntop_value_equal(const struct ntop_value *a, const struct ntop_value *b);

/* Appends v at index n_array + 1 of table t. Moves v (NULL gives NTOP_ENOMEM, so constructor
 * calls can be nested). 0, NTOP_EINVAL when t is not a table, NTOP_ENOMEM. */
int ntop_table_append(struct ntop_value *t, struct ntop_value *v);

/* t[key] = v with Lua's rules: a float key with an integer value becomes that integer, an
 * existing key is replaced, a nil v removes the key. Moves key and v (NULL: NTOP_ENOMEM).
 * 0, NTOP_EINVAL for a non-table t, a nil or NaN key; NTOP_ENOMEM. Linear in the table size. */
int ntop_table_set(struct ntop_value *t, struct ntop_value *key, struct ntop_value *v);

/* t[key] = v for a string key (borrowed, copied). Moves v. As ntop_table_set. */
int ntop_table_set_field(struct ntop_value *t, const char *key, struct ntop_value *v);

/* t[key]: a value borrowed from t (valid until t changes), or NULL when t is not a table or
 * has no such key. Linear in the number of entries. */
const struct ntop_value *ntop_table_get(const struct ntop_value *t, const struct ntop_value *key);
const struct ntop_value *ntop_table_get_field(const struct ntop_value *t, const char *key);
const struct ntop_value *ntop_table_get_index(const struct ntop_value *t, int64_t i);

/* ---- Context ------------------------------------------------------------------------------- */

/* What a call runs against. The probe returns the context after each call (interface.select()
 * changes ifid); pass it to the next call to continue from there. */
struct ntop_context {
    int32_t ifid;     /* selected interface; 0 = the first (default), -1 = none */
    char *host;       /* current host "ip[@vlan]" for host.* calls, or NULL */
    char *flow;       /* current flow key for flow.* calls, or NULL */
    int32_t network;  /* current local network id, when has_network */
    bool has_network; /* false: no current network */
};

#define NTOP_CONTEXT_DEFAULT ((struct ntop_context){.ifid = 0})

/* Deep copy of src (borrowed; NULL = the default) into *dst (overwritten; owned by the caller,
 * release with ntop_context_clear). 0 or NTOP_ENOMEM (then *dst is the default). */
int ntop_context_copy(struct ntop_context *dst, const struct ntop_context *src);

/* Frees host and flow of an owned context (from a result or ntop_context_copy) and resets it to
 * the default. Not for contexts whose strings the caller borrowed from elsewhere. */
void ntop_context_clear(struct ntop_context *ctx);

/* ---- Client -------------------------------------------------------------------------------- */

struct ntop_client;

struct ntop_client_options {
    int64_t deadline_ms;        /* time allowed to one call, from start to reply; default
                                 * 30000; <= 0: no deadline */
    int64_t connect_timeout_ms; /* how long a call waits for a connection (first connect or a
                                 * reconnect after the probe restarted); default 5000 */
    int retries;                /* attempts added when a call on an established connection
                                 * fails with UNAVAILABLE (the probe restarted under it): the
                                 * call is sent again once reconnected, so a call may run twice
                                 * on the probe; default 1; 0 disables */
    size_t max_request_bytes;   /* default 4 MiB, the probe's limit */
    size_t max_reply_bytes;     /* default 64 MiB */
    uint32_t max_depth;         /* table nesting in arguments and results; default 64 */
    uint32_t max_elements;      /* values in one message; default 4 Mi */
};

/* Fills *opts with the defaults above. */
void ntop_client_options_init(struct ntop_client_options *opts);

/* Creates a client for `target`: "host:port", "host" (port 5741), "[v6addr]:port",
 * "unix:/path", or any gRPC target URI (borrowed). opts (borrowed, NULL = defaults) is copied.
 * The connection is made lazily and remade as needed: this neither connects nor fails when the
 * probe is down (see ntop_client_wait_ready). Each call first waits up to connect_timeout_ms
 * for a connection: a probe that restarted is reached again by the next call, a probe that is
 * down fails the call at once with UNAVAILABLE and gRPC's reason ("Connection refused"). *out
 * is owned by the caller (ntop_client_free). 0, NTOP_EINVAL (empty or malformed target, bad
 * options), NTOP_ENOMEM. Any thread. Not for use across fork(). */
int ntop_client_new(const char *target, const struct ntop_client_options *opts,
                    struct ntop_client **out);

/* How to reach a probe that authenticates its callers (ntop-probe without --rpc-no-auth) or
 * serves TLS (--rpc-tls-cert). Every string is borrowed by ntop_client_new_secure (copied). */
struct ntop_client_security {
    const char *token;           /* the user's API token (ntop-probe --create-admin prints
                                  * one), sent with every call as the metadata
                                  * "authorization: Token <token>"; NULL or "": none */
    bool tls;                    /* connect with TLS and verify the probe's certificate */
    const char *tls_ca_file;     /* PEM file of the CA(s) the certificate must chain to (sets
                                  * tls); NULL: the system's roots */
    const char *tls_server_name; /* the name the certificate must carry, when it is not the
                                  * target's host (a test certificate, an address target);
                                  * NULL: the target's host. Verification is never skipped. */
};

/* ntop_client_new with a token and/or TLS (sec borrowed, NULL = neither, as ntop_client_new).
 * Errors as ntop_client_new, plus NTOP_ETLS when tls_ca_file cannot be read or holds no PEM
 * certificate, and NTOP_EINVAL for a token with spaces or control characters. A TLS handshake
 * that fails (unknown CA, wrong name, a plaintext probe) fails each call with UNAVAILABLE and
 * gRPC's reason. Any thread. */
int ntop_client_new_secure(const char *target, const struct ntop_client_options *opts,
                           const struct ntop_client_security *sec, struct ntop_client **out);

/* Closes the connection and frees c. No call on c may be running or start afterwards. NULL is
 * fine. */
void ntop_client_free(struct ntop_client *c);

/* The target as given to ntop_client_new, port added (borrowed from c, lives as long as c). */
const char *ntop_client_target(const struct ntop_client *c);

/* Connects now if needed and waits up to timeout_ms for the connection. 0 when connected,
 * NTOP_EUNREACHABLE when the attempt failed (refused, no route, name not found),
 * NTOP_ETIMEDOUT when it is still pending. Any thread. */
int ntop_client_wait_ready(struct ntop_client *c, int64_t timeout_ms);

/* The outcome of a call. Owned by the caller once a call filled it: ntop_result_clear. */
struct ntop_result {
    int status;                  /* NTOP_STATUS_* */
    char *message;               /* NULL when OK; else the error (the Lua error text for errors
                                  * raised by the probe), NUL-terminated */
    struct ntop_value *values;   /* the function's results */
    size_t count;                /* number of results */
    struct ntop_context context; /* the context after the call (the one sent when it failed) */
};

/* Calls ns.name(args...) on the probe, e.g. ns "interface", name "getStats". args (nargs
 * values, NULL when 0) and ctx (NULL = the default context) are borrowed. *res is overwritten,
 * filled in every case and owned by the caller afterwards (ntop_result_clear). Returns
 * res->status. Blocks up to the deadline; any thread, many at once. */
int ntop_client_call(struct ntop_client *c, const char *ns, const char *name,
                     const struct ntop_value *args, size_t nargs, const struct ntop_context *ctx,
                     struct ntop_result *res);

/* Frees everything *res owns and leaves it empty (status OK, no values). NULL is fine. */
void ntop_result_clear(struct ntop_result *res);

#ifdef __cplusplus
}
#endif

#endif
