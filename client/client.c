/* The client: a gRPC channel per target and the raw unary call, with reconnection. */
#include "client_internal.h"

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/support/time.h>

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A gRPC channel shared by the calls that hold a reference to it. */
struct chan {
    grpc_channel *channel;
    unsigned refs; /* the client's, while it is current, plus one per user */
};

struct ntop_client {
    pthread_mutex_t lock; /* guards current and the refs of every chan */
    struct chan *current;
    struct ntop_client_options opts;
    char *target;
    char *auth_header; /* "Token <token>", or NULL */
    bool tls;
    char *tls_ca_pem;      /* NULL: gRPC's default roots */
    char *tls_server_name; /* NULL: the target's host */
};

/* ---- errors and names ---- */

const char *ntop_strerror(int err)
{
    switch (err) {
#define NTOP_STRERROR_CASE(name, value, msg)                                                       \
    case NTOP_##name:                                                                              \
        return msg;
        NTOP_ERRNO_MAP(NTOP_STRERROR_CASE)
#undef NTOP_STRERROR_CASE
    case 0:
        return "success";
    default:
        return "unknown error";
    }
}

const char *ntop_status_name(int status)
{
    static const char *const names[] = {
        "OK",
        "CANCELLED",
        "UNKNOWN",
        "INVALID_ARGUMENT",
        "DEADLINE_EXCEEDED",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED",
        "FAILED_PRECONDITION",
        "ABORTED",
        "OUT_OF_RANGE",
        "UNIMPLEMENTED",
        "INTERNAL",
        "UNAVAILABLE",
        "DATA_LOSS",
        "UNAUTHENTICATED",
    };
    if (status < 0 || (size_t)status >= sizeof(names) / sizeof(names[0]))
        return "UNKNOWN_STATUS";
    return names[status];
}

/* ---- options and construction ---- */

void ntop_client_options_init(struct ntop_client_options *opts)
{
    *opts = (struct ntop_client_options){
        .deadline_ms = 30000,
        .connect_timeout_ms = 5000,
        .retries = 1,
        .max_request_bytes = 4u << 20,
        .max_reply_bytes = 64u << 20,
        .max_depth = 64,
        .max_elements = 4u << 20,
    };
}

const struct ntop_client_options *ntop_client_options(const struct ntop_client *c)
{
    return &c->opts;
}

struct wire_limits ntop_client_limits(const struct ntop_client *c)
{
    return (struct wire_limits){.max_depth = c->opts.max_depth,
                                .max_elements = c->opts.max_elements};
}

/* "host" -> "host:5741", "::1" -> "[::1]:5741"; URIs and "host:port" unchanged. NULL when the
 * target is empty or its port is not a number. */
static char *normalize_target(const char *t)
{
    size_t len = strlen(t);
    if (len == 0)
        return NULL;
    if (strncmp(t, "unix:", 5) == 0 || strncmp(t, "unix-abstract:", 14) == 0 ||
        strncmp(t, "ipv4:", 5) == 0 || strncmp(t, "ipv6:", 5) == 0 || strncmp(t, "dns:", 4) == 0 ||
        strstr(t, "://"))
        return ntop_strndup(t, len);
    const char *port = NULL;
    int add_port = 0, brackets = 0;
    if (t[0] == '[') {
        const char *end = strchr(t, ']');
        if (!end || end == t + 1 || (end[1] && end[1] != ':'))
            return NULL;
        port = end[1] ? end + 2 : NULL;
        add_port = !port;
    } else {
        const char *colon = strchr(t, ':');
        if (!colon) {
            add_port = 1;
        } else if (strchr(colon + 1, ':')) {
            brackets = add_port = 1; /* a bare IPv6 address */
        } else {
            if (colon == t)
                return NULL;
            port = colon + 1;
        }
    }
    if (port) {
        if (!*port || strlen(port) > 5)
            return NULL;
        for (const char *p = port; *p; p++)
            if (!isdigit((unsigned char)*p))
                return NULL;
        if (atoi(port) > 65535)
            return NULL;
    }
    char *out = malloc(len + 16);
    if (out && add_port)
        snprintf(out, len + 16, "%s%s%s:%d", brackets ? "[" : "", t, brackets ? "]" : "",
                 NTOP_CLIENT_DEFAULT_PORT);
    else if (out)
        memcpy(out, t, len + 1);
    return out;
}

static int clamp_int(int64_t v)
{
    return v > INT_MAX ? INT_MAX : v < 0 ? 0 : (int)v;
}

static int clamp_size(size_t v)
{
    return v > INT_MAX ? INT_MAX : (int)v;
}

/* ---- channels ---- */

/* A new channel to the target, with one reference (the caller's). */
static struct chan *chan_new(struct ntop_client *c)
{
    int64_t connect_ms = c->opts.connect_timeout_ms > 100 ? c->opts.connect_timeout_ms : 100;
    grpc_arg args[] = {
        {GRPC_ARG_INTEGER,
         GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH,                     {.integer = clamp_size(c->opts.max_reply_bytes)}  },
        {GRPC_ARG_INTEGER,
         GRPC_ARG_MAX_SEND_MESSAGE_LENGTH,                        {.integer = clamp_size(c->opts.max_request_bytes)}},
 /* Reconnect quickly after a probe restart, and never wait longer for a TCP connection
  * than a call would wait for it. */
        {GRPC_ARG_INTEGER, GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, {.integer = 100}                                  },
        {GRPC_ARG_INTEGER, GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,     {.integer = 2000}                                 },
        {GRPC_ARG_INTEGER, GRPC_ARG_MIN_RECONNECT_BACKOFF_MS,     {.integer = clamp_int(connect_ms)}                },
 /* Its own connections: a replacement channel must not inherit a failed one's. */
        {GRPC_ARG_INTEGER, GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL,    {.integer = 1}                                    },
 /* The name the certificate must carry: checked, not skipped. Keep it last. */
        {GRPC_ARG_STRING,  GRPC_SSL_TARGET_NAME_OVERRIDE_ARG,     {.string = c->tls_server_name}                    },
    };
    grpc_channel_args chargs = {sizeof(args) / sizeof(args[0]), args};
    if (!c->tls_server_name)
        chargs.num_args--; /* the name override is the last argument */
    struct chan *ch = calloc(1, sizeof(*ch));
    grpc_channel_credentials *creds = NULL;
    if (ch && c->tls)
        creds = grpc_ssl_credentials_create(c->tls_ca_pem, NULL, NULL, NULL);
    else if (ch)
        creds = grpc_insecure_credentials_create();
    if (creds) {
        ch->channel = grpc_channel_create(c->target, creds, &chargs);
        grpc_channel_credentials_release(creds);
    }
    if (!ch || !ch->channel) {
        free(ch);
        return NULL;
    }
    ch->refs = 1;
    return ch;
}

/* The current channel, with a reference for the caller (chan_put). */
static struct chan *chan_get(struct ntop_client *c)
{
    pthread_mutex_lock(&c->lock);
    struct chan *ch = c->current;
    ch->refs++;
    pthread_mutex_unlock(&c->lock);
    return ch;
}

static void chan_put(struct ntop_client *c, struct chan *ch)
{
    pthread_mutex_lock(&c->lock);
    int last = --ch->refs == 0;
    pthread_mutex_unlock(&c->lock);
    if (last) {
        grpc_channel_destroy(ch->channel);
        free(ch);
    }
}

/* Replaces the failed channel old (the caller holds a reference, given up here) with a fresh
 * one, unless another thread did already; returns the current channel with a reference. gRPC
 * keeps a channel in TRANSIENT_FAILURE while it retries in the background, so watching it
 * cannot tell a probe that came back from one still down; a fresh channel shows at once. */
static struct chan *chan_renew(struct ntop_client *c, struct chan *old)
{
    struct chan *fresh = chan_new(c);
    pthread_mutex_lock(&c->lock);
    struct chan *cur = c->current;
    if (cur == old && fresh) {
        c->current = cur = fresh;
        fresh->refs++; /* the client's; the caller's reference on old keeps it above 0 */
        old->refs--;   /* the client's old reference */
        fresh = NULL;
    } else {
        cur->refs++;
    }
    pthread_mutex_unlock(&c->lock);
    if (fresh) /* another thread replaced it first */
        chan_put(c, fresh);
    chan_put(c, old); /* the caller's */
    return cur;
}

/* ---- construction ---- */

/* The whole PEM file, or NULL. */
static char *read_pem(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (size_t n; buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0;) {
        len += n;
        if (len + 1 == cap) {
            char *bigger = cap < (8u << 20) ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) {
        buf[len] = '\0';
        if (!strstr(buf, "-----BEGIN CERTIFICATE-----")) {
            free(buf);
            buf = NULL;
        }
    }
    return buf;
}

static int token_ok(const char *t)
{
    for (; *t; t++)
        if ((unsigned char)*t <= ' ' || (unsigned char)*t >= 0x7f)
            return 0;
    return 1;
}

/* Copies the security settings into c. 0 or an NTOP_E* code. */
static int set_security(struct ntop_client *c, const struct ntop_client_security *sec)
{
    if (!sec)
        return 0;
    if (sec->token && *sec->token) {
        if (!token_ok(sec->token) || strlen(sec->token) > 1024)
            return NTOP_EINVAL;
        size_t n = strlen(sec->token) + 7;
        if (!(c->auth_header = malloc(n)))
            return NTOP_ENOMEM;
        snprintf(c->auth_header, n, "Token %s", sec->token);
    }
    c->tls = sec->tls || sec->tls_ca_file || sec->tls_server_name;
    if (sec->tls_ca_file && !(c->tls_ca_pem = read_pem(sec->tls_ca_file)))
        return NTOP_ETLS;
    if (sec->tls_server_name &&
        !(c->tls_server_name = ntop_strndup(sec->tls_server_name, strlen(sec->tls_server_name))))
        return NTOP_ENOMEM;
    return 0;
}

static void free_security(struct ntop_client *c)
{
    free(c->auth_header);
    free(c->tls_ca_pem);
    free(c->tls_server_name);
}

int ntop_client_new(const char *target, const struct ntop_client_options *opts,
                    struct ntop_client **out)
{
    return ntop_client_new_secure(target, opts, NULL, out);
}

int ntop_client_new_secure(const char *target, const struct ntop_client_options *opts,
                           const struct ntop_client_security *sec, struct ntop_client **out)
{
    *out = NULL;
    if (!target)
        return NTOP_EINVAL;
    struct ntop_client *c = calloc(1, sizeof(*c));
    if (!c)
        return NTOP_ENOMEM;
    int src = set_security(c, sec);
    if (src != 0) {
        free_security(c);
        free(c);
        return src;
    }
    if (opts)
        c->opts = *opts;
    else
        ntop_client_options_init(&c->opts);
    if (c->opts.retries < 0 || c->opts.max_depth == 0 || c->opts.max_elements == 0 ||
        c->opts.max_request_bytes == 0 || c->opts.max_reply_bytes == 0) {
        free_security(c);
        free(c);
        return NTOP_EINVAL;
    }
    if (!(c->target = normalize_target(target))) {
        free_security(c);
        free(c);
        return NTOP_EINVAL;
    }
    grpc_init();
    pthread_mutex_init(&c->lock, NULL);
    if (!(c->current = chan_new(c))) {
        ntop_client_free(c);
        return NTOP_ENOMEM;
    }
    *out = c;
    return 0;
}

void ntop_client_free(struct ntop_client *c)
{
    if (!c)
        return;
    if (c->current)
        chan_put(c, c->current);
    pthread_mutex_destroy(&c->lock);
    free(c->target);
    free_security(c);
    free(c);
    grpc_shutdown();
}

const char *ntop_client_target(const struct ntop_client *c)
{
    return c->target;
}

/* ---- connection ---- */

static gpr_timespec after_ms(int64_t ms)
{
    return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(ms, GPR_TIMESPAN));
}

static void cq_destroy(grpc_completion_queue *cq)
{
    grpc_completion_queue_shutdown(cq);
    while (grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type !=
           GRPC_QUEUE_SHUTDOWN)
        ;
    grpc_completion_queue_destroy(cq);
}

/* Waits until the channel *chp is READY (0), a connection attempt failed
 * (NTOP_EUNREACHABLE) or the deadline passed (NTOP_ETIMEDOUT). A channel that failed before
 * is replaced first (*chp then changes): the probe may be back. */
static int wait_ready(struct ntop_client *c, struct chan **chp, gpr_timespec deadline)
{
    grpc_connectivity_state st = grpc_channel_check_connectivity_state((*chp)->channel, 1);
    if (st == GRPC_CHANNEL_READY)
        return 0;
    if (st == GRPC_CHANNEL_TRANSIENT_FAILURE) {
        *chp = chan_renew(c, *chp);
        st = grpc_channel_check_connectivity_state((*chp)->channel, 1);
    }
    grpc_completion_queue *cq = grpc_completion_queue_create_for_next(NULL);
    int rc;
    for (;;) {
        if (st == GRPC_CHANNEL_READY) {
            rc = 0;
            break;
        }
        if (st == GRPC_CHANNEL_TRANSIENT_FAILURE || st == GRPC_CHANNEL_SHUTDOWN) {
            rc = NTOP_EUNREACHABLE;
            break;
        }
        grpc_channel_watch_connectivity_state((*chp)->channel, st, deadline, cq, NULL);
        grpc_event ev = grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (!ev.success) { /* the deadline passed with no change */
            rc = NTOP_ETIMEDOUT;
            break;
        }
        st = grpc_channel_check_connectivity_state((*chp)->channel, 1);
    }
    cq_destroy(cq);
    return rc;
}

/* ---- the call ---- */

static char *slice_strdup(grpc_slice s)
{
    return ntop_strndup((const char *)GRPC_SLICE_START_PTR(s), GRPC_SLICE_LENGTH(s));
}

/* One attempt: returns the status; *reply or *message as ntop_client_call_raw. */
static int attempt(struct chan *ch, const char *auth_header, const char *path, const void *req,
                   size_t req_len, gpr_timespec deadline, uint8_t **reply, size_t *reply_len,
                   char **message)
{
    grpc_completion_queue *cq = grpc_completion_queue_create_for_next(NULL);
    grpc_slice method = grpc_slice_from_copied_string(path);
    grpc_call *call = grpc_channel_create_call(ch->channel, NULL, GRPC_PROPAGATE_DEFAULTS, cq,
                                               method, NULL, deadline, NULL);
    grpc_slice_unref(method);
    grpc_slice body = grpc_slice_from_copied_buffer(req, req_len);
    grpc_byte_buffer *send = grpc_raw_byte_buffer_create(&body, 1);
    grpc_slice_unref(body);

    grpc_metadata_array initial, trailing;
    grpc_metadata_array_init(&initial);
    grpc_metadata_array_init(&trailing);
    grpc_byte_buffer *recv = NULL;
    grpc_status_code status = GRPC_STATUS_UNKNOWN;
    grpc_slice details = grpc_empty_slice();
    grpc_op ops[6];
    memset(ops, 0, sizeof(ops));
    ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
    grpc_metadata auth = {.key = grpc_slice_from_static_string("authorization")};
    if (auth_header) {
        auth.value = grpc_slice_from_copied_string(auth_header);
        ops[0].data.send_initial_metadata.count = 1;
        ops[0].data.send_initial_metadata.metadata = &auth;
    }
    ops[1].op = GRPC_OP_SEND_MESSAGE;
    ops[1].data.send_message.send_message = send;
    ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
    ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
    ops[3].data.recv_initial_metadata.recv_initial_metadata = &initial;
    ops[4].op = GRPC_OP_RECV_MESSAGE;
    ops[4].data.recv_message.recv_message = &recv;
    ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
    ops[5].data.recv_status_on_client.trailing_metadata = &trailing;
    ops[5].data.recv_status_on_client.status = &status;
    ops[5].data.recv_status_on_client.status_details = &details;

    int rc;
    grpc_call_error err = grpc_call_start_batch(call, ops, 6, (void *)1, NULL);
    if (err != GRPC_CALL_OK) {
        rc = NTOP_STATUS_INTERNAL;
        *message =
            ntop_strndup(grpc_call_error_to_string(err), strlen(grpc_call_error_to_string(err)));
    } else {
        grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        rc = (int)status;
        if (status != GRPC_STATUS_OK) {
            *message = slice_strdup(details);
        } else if (!recv) {
            rc = NTOP_STATUS_INTERNAL;
            *message = ntop_strndup("the probe answered without a reply message", 42);
        } else {
            grpc_byte_buffer_reader rd;
            grpc_slice all = grpc_empty_slice();
            if (grpc_byte_buffer_reader_init(&rd, recv)) {
                all = grpc_byte_buffer_reader_readall(&rd);
                grpc_byte_buffer_reader_destroy(&rd);
            }
            *reply_len = GRPC_SLICE_LENGTH(all);
            *reply = *reply_len ? malloc(*reply_len) : NULL;
            if (*reply)
                memcpy(*reply, GRPC_SLICE_START_PTR(all), *reply_len);
            else if (*reply_len)
                rc = NTOP_STATUS_RESOURCE_EXHAUSTED;
            grpc_slice_unref(all);
        }
    }
    if (rc != NTOP_STATUS_OK && !*message)
        *message = ntop_strndup("out of memory", 13);
    if (recv)
        grpc_byte_buffer_destroy(recv);
    grpc_byte_buffer_destroy(send);
    grpc_slice_unref(details);
    if (auth_header)
        grpc_slice_unref(auth.value);
    grpc_metadata_array_destroy(&initial);
    grpc_metadata_array_destroy(&trailing);
    grpc_call_unref(call);
    cq_destroy(cq);
    return rc;
}

static gpr_timespec earlier(gpr_timespec a, gpr_timespec b)
{
    return gpr_time_cmp(a, b) < 0 ? a : b;
}

/* What to check when a connection failed in a way TLS explains, or NULL. */
static const char *tls_hint(const struct ntop_client *c, const char *reason)
{
    if (!reason)
        return NULL;
    if (c->tls && (strstr(reason, "andshake") || strstr(reason, "Peer name") ||
                   strstr(reason, "certificate")))
        return c->tls_ca_pem
                   ? " (TLS: the probe's certificate does not chain to the CA file given or does "
                     "not carry the expected name: check --tls-ca and --tls-server-name)"
                   : " (TLS: the probe's certificate was checked against the system's CA roots: "
                     "give its CA with --tls-ca, and --tls-server-name when its name differs)";
    if (!c->tls && (strstr(reason, "Socket closed") || strstr(reason, "Connection reset") ||
                    strstr(reason, "Broken pipe") || strstr(reason, "FRAME_SIZE_ERROR")))
        return " (is the probe serving TLS? then connect with --tls / tls = true)";
    return NULL;
}

/* Appends the hint to the heap string *message. */
static void add_tls_hint(const struct ntop_client *c, char **message)
{
    const char *hint = tls_hint(c, *message);
    if (!hint)
        return;
    size_t n = strlen(*message) + strlen(hint) + 1;
    char *p = malloc(n);
    if (!p)
        return;
    snprintf(p, n, "%s%s", *message, hint);
    free(*message);
    *message = p;
}

int ntop_client_wait_ready_reason(struct ntop_client *c, int64_t timeout_ms, char *reason,
                                  size_t reason_len)
{
    struct chan *ch = chan_get(c);
    int rc = wait_ready(c, &ch, after_ms(timeout_ms > 0 ? timeout_ms : 0));
    if (rc == NTOP_EUNREACHABLE && reason) {
        /* The channel fails a call at once, without sending anything, while it cannot connect:
         * its status carries gRPC's reason. The standard health check, empty request: should
         * the probe be up by now, it answers (OK or UNIMPLEMENTED) and is reachable. */
        uint8_t *reply = NULL;
        size_t reply_len = 0;
        char *msg = NULL;
        int st = attempt(ch, NULL, "/grpc.health.v1.Health/Check", "", 0,
                         after_ms(timeout_ms > 0 ? timeout_ms : 1), &reply, &reply_len, &msg);
        if (st != NTOP_STATUS_UNAVAILABLE && st != NTOP_STATUS_DEADLINE_EXCEEDED) {
            rc = 0;
        } else {
            const char *hint = tls_hint(c, msg);
            snprintf(reason, reason_len, "%s%s", msg && *msg ? msg : "connection failed",
                     hint ? hint : "");
        }
        free(reply);
        free(msg);
    } else if (rc == NTOP_ETIMEDOUT && reason) {
        snprintf(reason, reason_len, "no connection within %lld ms", (long long)timeout_ms);
    }
    chan_put(c, ch);
    return rc;
}

int ntop_client_wait_ready(struct ntop_client *c, int64_t timeout_ms)
{
    return ntop_client_wait_ready_reason(c, timeout_ms, NULL, 0);
}

/* Replaces *message with "fmt: *message". */
static void prefix_message(char **message, const char *target, const char *what)
{
    const char *m = *message && **message ? *message : "no details";
    size_t n = strlen(target) + strlen(what) + strlen(m) + 16;
    char *p = malloc(n);
    if (!p)
        return;
    snprintf(p, n, "probe %s %s: %s", target, what, m);
    free(*message);
    *message = p;
}

int ntop_client_call_raw(struct ntop_client *c, const char *path, const void *req, size_t req_len,
                         uint8_t **reply, size_t *reply_len, char **message)
{
    *reply = NULL;
    *reply_len = 0;
    *message = NULL;
    const gpr_timespec deadline = c->opts.deadline_ms > 0 ? after_ms(c->opts.deadline_ms)
                                                          : gpr_inf_future(GPR_CLOCK_MONOTONIC);
    int status = NTOP_STATUS_UNAVAILABLE;
    struct chan *ch = chan_get(c);
    for (int tries = 0;; tries++) {
        gpr_timespec connect_by = earlier(after_ms(c->opts.connect_timeout_ms), deadline);
        int ready = wait_ready(c, &ch, connect_by);
        if (ready == NTOP_ETIMEDOUT) {
            char buf[64];
            snprintf(buf, sizeof(buf), "no connection within %lld ms",
                     (long long)c->opts.connect_timeout_ms);
            *message = ntop_strndup(buf, strlen(buf));
            break;
        }
        /* When the connection failed, the channel fails a (fail-fast) call at once, with
         * gRPC's reason (refused, unknown host); should it connect meanwhile, the call runs
         * normally. */
        status =
            attempt(ch, c->auth_header, path, req, req_len, deadline, reply, reply_len, message);
        if (ready != 0 && status == NTOP_STATUS_DEADLINE_EXCEEDED) {
            free(*message);
            *message = ntop_strndup("connection failed", 17);
            status = NTOP_STATUS_UNAVAILABLE;
        }
        if (status != NTOP_STATUS_UNAVAILABLE || ready != 0 || tries >= c->opts.retries)
            break;
        free(*message); /* the connection dropped (probe restarted): once more */
        *message = NULL;
    }
    chan_put(c, ch);
    if (status == NTOP_STATUS_UNAVAILABLE && *message)
        add_tls_hint(c, message);
    if (status == NTOP_STATUS_UNAVAILABLE)
        prefix_message(message, c->target, "unreachable");
    else if (status == NTOP_STATUS_DEADLINE_EXCEEDED)
        prefix_message(message, c->target, "did not answer in time");
    return status;
}
