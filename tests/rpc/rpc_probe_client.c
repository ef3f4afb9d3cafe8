/* rpc_probe_client: a minimal gRPC C-core client for ntop-probe's RPC tests, independent
 * of the server code and of libntopclient. It sends one ntop.v1.Call (or raw bytes) to one
 * method path and prints the status and the decoded Reply as flat "path = type:value"
 * lines, the same format tests/rpc/flatten.lua prints inside the probe.
 *
 *   rpc_probe_client [options] TARGET METHOD [ARG...]
 *
 * TARGET: unix:/path, HOST:PORT or [IPv6]:PORT. METHOD: "/ntop.v1.Ntop/md5" or "ntop.md5".
 * ARG: nil | true | false | i:INT | f:FLOAT | s:TEXT | x:HEX (bytes) | big:N (N bytes 'a')
 *      | table:N (array 1..N) | deep:N (N nested tables, encoded without recursion).
 * Options:
 *   --ifid N            Context.ifid (default 0, the first interface; -1 = none)
 *   --no-context        send no Context at all
 *   --no-message        send no request message at all (only headers, then half-close)
 *   --raw-hex HEX       send these bytes as the request body instead of a Call
 *   --raw-size N        send N zero bytes as the request body (larger than argv allows)
 *   --deadline-ms N     call deadline (default 20000)
 *   --cancel-after-ms N cancel the call N ms after starting it
 *   --repeat N          make the call N times on one channel; exit 1 when any status
 *                       differs from the first; prints the last answer
 *   --parallel N        N calls in flight at once on one connection; prints the count
 *                       per status
 *   --metadata KEY=VALUE  send this metadata with every call (repeatable, at most 8), e.g.
 *                       "authorization=Token abc" or "x-ntop-token=abc"
 *   --tls-ca FILE       TLS, verifying the server against the CA certificate in FILE
 *   --tls-server-name N the name the server certificate must carry
 *   --fuzz N [--seed S] N calls with random and mutated bodies over a few methods; prints
 *                       the count per status; exit 1 on UNAVAILABLE, INTERNAL or a
 *                       deadline (a crashed or stuck server)
 * Exit: 0 once an answer is printed (whatever its status), 1 as above, 2 usage, 3 setup. */
#include "ntop/v1/value.pb-c.h"

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/time.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client_values.h"

struct answer {
    grpc_status_code status;
    char *message; /* malloc'd */
    uint8_t *body; /* malloc'd Reply bytes, NULL when none */
    size_t len;
};

static void answer_free(struct answer *a)
{
    free(a->message);
    free(a->body);
    memset(a, 0, sizeof(*a));
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* One unary call in flight: everything its single batch points to. */
struct pending {
    grpc_call *call;
    grpc_byte_buffer *req, *resp;
    grpc_metadata_array initial_md, trailing_md;
    grpc_status_code status;
    grpc_slice details;
    grpc_call_error start_error;
};

#define MAX_METADATA 8
static grpc_metadata metadata[MAX_METADATA];
static size_t num_metadata;

static void call_start(grpc_channel *ch, grpc_completion_queue *cq, const char *method,
                       const struct buf *body, long deadline_ms, struct pending *p)
{
    memset(p, 0, sizeof(*p));
    gpr_timespec deadline =
        gpr_time_add(gpr_now(GPR_CLOCK_REALTIME), gpr_time_from_millis(deadline_ms, GPR_TIMESPAN));
    grpc_slice path = grpc_slice_from_copied_string(method);
    p->call =
        grpc_channel_create_call(ch, NULL, GRPC_PROPAGATE_DEFAULTS, cq, path, NULL, deadline, NULL);
    grpc_slice_unref(path);
    if (body) {
        grpc_slice payload = grpc_slice_from_copied_buffer((const char *)body->data, body->len);
        p->req = grpc_raw_byte_buffer_create(&payload, 1);
        grpc_slice_unref(payload);
    }
    grpc_metadata_array_init(&p->initial_md);
    grpc_metadata_array_init(&p->trailing_md);
    p->status = GRPC_STATUS_UNKNOWN;
    p->details = grpc_empty_slice();

    grpc_op ops[6];
    size_t n = 0;
    memset(ops, 0, sizeof(ops));
    ops[n].data.send_initial_metadata.count = num_metadata;
    ops[n].data.send_initial_metadata.metadata = num_metadata ? metadata : NULL;
    ops[n++].op = GRPC_OP_SEND_INITIAL_METADATA;
    if (p->req) {
        ops[n].op = GRPC_OP_SEND_MESSAGE;
        ops[n++].data.send_message.send_message = p->req;
    }
    ops[n++].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
    ops[n].op = GRPC_OP_RECV_INITIAL_METADATA;
    ops[n++].data.recv_initial_metadata.recv_initial_metadata = &p->initial_md;
    ops[n].op = GRPC_OP_RECV_MESSAGE;
    ops[n++].data.recv_message.recv_message = &p->resp;
    ops[n].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
    ops[n].data.recv_status_on_client.trailing_metadata = &p->trailing_md;
    ops[n].data.recv_status_on_client.status = &p->status;
    ops[n++].data.recv_status_on_client.status_details = &p->details;
    p->start_error = grpc_call_start_batch(p->call, ops, n, p, NULL);
}

/* Waits for the call (its tag is p) and moves the answer into a. */
static void call_finish(grpc_completion_queue *cq, struct pending *p, struct answer *a)
{
    memset(a, 0, sizeof(*a));
    if (p->start_error != GRPC_CALL_OK) {
        a->status = GRPC_STATUS_INTERNAL;
        a->message = strdup(grpc_call_error_to_string(p->start_error));
    } else {
        grpc_completion_queue_pluck(cq, p, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        a->status = p->status;
        size_t n = GRPC_SLICE_LENGTH(p->details);
        a->message = malloc(n + 1);
        memcpy(a->message, GRPC_SLICE_START_PTR(p->details), n);
        a->message[n] = '\0';
        grpc_byte_buffer_reader reader;
        if (p->resp && grpc_byte_buffer_reader_init(&reader, p->resp)) {
            grpc_slice all = grpc_byte_buffer_reader_readall(&reader);
            a->len = GRPC_SLICE_LENGTH(all);
            a->body = malloc(a->len ? a->len : 1);
            memcpy(a->body, GRPC_SLICE_START_PTR(all), a->len);
            grpc_slice_unref(all);
            grpc_byte_buffer_reader_destroy(&reader);
        }
    }
    if (p->resp)
        grpc_byte_buffer_destroy(p->resp);
    if (p->req)
        grpc_byte_buffer_destroy(p->req);
    grpc_slice_unref(p->details);
    grpc_metadata_array_destroy(&p->initial_md);
    grpc_metadata_array_destroy(&p->trailing_md);
    grpc_call_unref(p->call);
}

/* One unary call in one batch, cancelled after cancel_ms when that is > 0. */
static void call_once(grpc_channel *ch, grpc_completion_queue *cq, const char *method,
                      const struct buf *body, long deadline_ms, long cancel_ms, struct answer *a)
{
    struct pending p;
    call_start(ch, cq, method, body, deadline_ms, &p);
    if (cancel_ms > 0 && p.start_error == GRPC_CALL_OK) {
        sleep_ms(cancel_ms);
        grpc_call_cancel(p.call, NULL);
    }
    call_finish(cq, &p, a);
}

static const char *status_name(grpc_status_code s)
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
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static void print_answer(const struct answer *a)
{
    printf("status = %d %s\n", (int)a->status, status_name(a->status));
    if (a->message && *a->message)
        printf("message = %s\n", a->message);
    if (a->status != GRPC_STATUS_OK)
        return;
    Ntop__V1__Reply *r = ntop__v1__reply__unpack(NULL, a->len, a->body);
    if (!r) {
        printf("reply = undecodable (%zu bytes)\n", a->len);
        return;
    }
    if (r->context) {
        printf("context.ifid = %d\n", r->context->ifid);
        if (r->context->has_network)
            printf("context.network = %d\n", r->context->network);
    }
    printf("results = %zu\n", r->n_results);
    for (size_t i = 0; i < r->n_results; i++) {
        char prefix[32];
        snprintf(prefix, sizeof(prefix), "%zu", i + 1);
        print_flat(prefix, r->results[i]);
    }
    ntop__v1__reply__free_unpacked(r, NULL);
}

/* "ntop.md5" -> "/ntop.v1.Ntop/md5"; a path stays as it is. */
static void method_path(const char *m, char *out, size_t outlen)
{
    const char *dot = strchr(m, '.');
    if (m[0] == '/' || !dot) {
        snprintf(out, outlen, "%s", m);
        return;
    }
    snprintf(out, outlen, "/ntop.v1.%c%.*s/%s", m[0] >= 'a' && m[0] <= 'z' ? m[0] - 32 : m[0],
             (int)(dot - m - 1), m + 1, dot + 1);
}

/* ---- fuzzing ---- */

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int fuzz(grpc_channel *ch, grpc_completion_queue *cq, const struct buf *tmpl, int n)
{
    static const char *const methods[] = {
        "/ntop.v1.Ntop/md5",         "/ntop.v1.Interface/getStats",
        "/ntop.v1.Ntop/bitmapSet",   "/ntop.v1.Interface/getHostInfo",
        "/ntop.v1.Interface/select", "/ntop.v1.Interface/getFlowsInfo",
    };
    int counts[17] = {0};
    int bad = 0;
    for (int i = 0; i < n; i++) {
        struct buf b = {0};
        size_t len;
        switch (rng() % 4) {
        case 0: /* random bytes */
            len = rng() % 64;
            for (size_t k = 0; k < len; k++)
                buf_byte(&b, (uint8_t)rng());
            break;
        case 1: /* the template with a few bytes changed */
            buf_put(&b, tmpl->data, tmpl->len);
            for (int k = 0, flips = 1 + (int)(rng() % 3); k < flips && b.len; k++)
                b.data[rng() % b.len] = (uint8_t)rng();
            break;
        case 2: /* the template cut short */
            buf_put(&b, tmpl->data, tmpl->len ? rng() % tmpl->len : 0);
            break;
        default: /* the template and garbage */
            buf_put(&b, tmpl->data, tmpl->len);
            for (size_t k = 0, extra = 1 + rng() % 16; k < extra; k++)
                buf_byte(&b, (uint8_t)rng());
            break;
        }
        struct answer a;
        call_once(ch, cq, methods[rng() % (sizeof(methods) / sizeof(methods[0]))], &b, 10000, 0,
                  &a);
        counts[(unsigned)a.status < 17 ? a.status : GRPC_STATUS_UNKNOWN]++;
        if (a.status == GRPC_STATUS_UNAVAILABLE || a.status == GRPC_STATUS_INTERNAL ||
            a.status == GRPC_STATUS_DEADLINE_EXCEEDED) {
            if (bad++ < 5)
                fprintf(stderr, "fuzz call %d: %s: %s\n", i, status_name(a.status), a.message);
        }
        answer_free(&a);
        free(b.data);
    }
    for (int s = 0; s < 17; s++)
        if (counts[s])
            printf("fuzz %s = %d\n", status_name((grpc_status_code)s), counts[s]);
    return bad ? 1 : 0;
}

/* n calls in flight at once on one connection; prints the count per status. */
static void parallel(grpc_channel *ch, grpc_completion_queue *cq, const char *method,
                     const struct buf *body, long deadline_ms, int n)
{
    struct pending *p = calloc((size_t)n, sizeof(*p));
    int counts[17] = {0};
    char busy[256] = "";
    for (int i = 0; i < n; i++)
        call_start(ch, cq, method, body, deadline_ms, &p[i]);
    for (int i = 0; i < n; i++) {
        struct answer a;
        call_finish(cq, &p[i], &a);
        counts[(unsigned)a.status < 17 ? a.status : GRPC_STATUS_UNKNOWN]++;
        if (a.status == GRPC_STATUS_RESOURCE_EXHAUSTED)
            snprintf(busy, sizeof(busy), "%s", a.message);
        answer_free(&a);
    }
    for (int s = 0; s < 17; s++)
        if (counts[s])
            printf("parallel %s = %d\n", status_name((grpc_status_code)s), counts[s]);
    if (*busy)
        printf("parallel message = %s\n", busy);
    free(p);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: rpc_probe_client [--ifid N] [--no-context] [--no-message] [--raw-hex HEX] "
            "[--raw-size N] "
            "[--deadline-ms N] [--cancel-after-ms N] [--repeat N] [--parallel N] [--fuzz N] "
            "[--seed S] [--metadata K=V] [--tls-ca FILE [--tls-server-name N]] TARGET METHOD "
            "[ARG...]\n");
}

int main(int argc, char **argv)
{
    int ifid = 0, repeat = 1, nfuzz = 0, nparallel = 0;
    bool context = true, message = true;
    long deadline_ms = 20000, cancel_ms = 0;
    const char *raw_hex = NULL, *tls_ca = NULL, *tls_name = NULL;
    long raw_size = -1;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--no-context") == 0) {
            context = false;
            continue;
        }
        if (strcmp(o, "--no-message") == 0) {
            message = false;
            continue;
        }
        if (i + 1 >= argc) {
            usage();
            return 2;
        }
        const char *v = argv[++i];
        if (strcmp(o, "--ifid") == 0)
            ifid = atoi(v);
        else if (strcmp(o, "--raw-hex") == 0)
            raw_hex = v;
        else if (strcmp(o, "--raw-size") == 0)
            raw_size = atol(v);
        else if (strcmp(o, "--deadline-ms") == 0)
            deadline_ms = atol(v);
        else if (strcmp(o, "--cancel-after-ms") == 0)
            cancel_ms = atol(v);
        else if (strcmp(o, "--repeat") == 0)
            repeat = atoi(v);
        else if (strcmp(o, "--parallel") == 0)
            nparallel = atoi(v);
        else if (strcmp(o, "--fuzz") == 0)
            nfuzz = atoi(v);
        else if (strcmp(o, "--metadata") == 0 && strchr(v, '=') && num_metadata < MAX_METADATA) {
            const char *eq = strchr(v, '=');
            metadata[num_metadata].key = grpc_slice_from_copied_buffer(v, (size_t)(eq - v));
            metadata[num_metadata++].value = grpc_slice_from_copied_string(eq + 1);
        } else if (strcmp(o, "--tls-ca") == 0)
            tls_ca = v;
        else if (strcmp(o, "--tls-server-name") == 0)
            tls_name = v;
        else if (strcmp(o, "--seed") == 0)
            rng_state = strtoull(v, NULL, 0) | 1;
        else {
            usage();
            return 2;
        }
    }
    if (argc - i < 2) {
        usage();
        return 2;
    }
    const char *target = argv[i++];
    char method[256];
    method_path(argv[i++], method, sizeof(method));

    struct buf body = {0};
    if (raw_size >= 0) {
        body.len = (size_t)raw_size;
        body.data = calloc(1, body.len + 1);
        if (!body.data) {
            fprintf(stderr, "out of memory for --raw-size\n");
            return 2;
        }
    } else if (raw_hex) {
        if (hex_decode(raw_hex, &body) != 0) {
            fprintf(stderr, "bad --raw-hex\n");
            return 2;
        }
    } else if (encode_call(argv + i, argc - i, context, ifid, &body) != 0) {
        return 2;
    }

    grpc_init();
    grpc_arg args[] = {
        {.type = GRPC_ARG_INTEGER,
         .key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH,
         .value.integer = 80 * 1024 * 1024                                                      },
 /* Each client process is its own connection; no subchannel sharing. */
        {.type = GRPC_ARG_INTEGER, .key = GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, .value.integer = 1},
    };
    grpc_channel_args cargs = {.num_args = 2, .args = args};
    grpc_channel_credentials *creds = grpc_insecure_credentials_create();
    char *ca_pem = NULL;
    if (tls_ca) {
        FILE *f = fopen(tls_ca, "rb");
        ca_pem = calloc(1, 1 << 20);
        size_t n = f && ca_pem ? fread(ca_pem, 1, (1 << 20) - 1, f) : 0;
        if (f)
            fclose(f);
        if (n == 0) {
            fprintf(stderr, "cannot read --tls-ca %s\n", tls_ca);
            return 3;
        }
        grpc_channel_credentials_release(creds);
        creds = grpc_ssl_credentials_create(ca_pem, NULL, NULL, NULL);
        if (tls_name) {
            args[1] = (grpc_arg){.type = GRPC_ARG_STRING,
                                 .key = GRPC_SSL_TARGET_NAME_OVERRIDE_ARG,
                                 .value.string = (char *)tls_name};
        }
    }
    grpc_channel *ch = grpc_channel_create(target, creds, &cargs);
    grpc_channel_credentials_release(creds);
    grpc_completion_queue *cq = grpc_completion_queue_create_for_pluck(NULL);
    int rc = 0;

    if (nfuzz > 0) {
        rc = fuzz(ch, cq, &body, nfuzz);
    } else if (nparallel > 0) {
        parallel(ch, cq, method, &body, deadline_ms, nparallel);
    } else {
        struct answer a = {0};
        grpc_status_code first = GRPC_STATUS_OK;
        for (int k = 0; k < repeat; k++) {
            answer_free(&a);
            call_once(ch, cq, method, message ? &body : NULL, deadline_ms, cancel_ms, &a);
            if (k == 0)
                first = a.status;
            else if (a.status != first) {
                fprintf(stderr, "call %d: status %s, first was %s (%s)\n", k, status_name(a.status),
                        status_name(first), a.message);
                rc = 1;
            }
        }
        print_answer(&a);
        answer_free(&a);
    }
    fflush(stdout);

    grpc_channel_destroy(ch);
    grpc_completion_queue_shutdown(cq);
    while (grpc_completion_queue_pluck(cq, NULL, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type !=
           GRPC_QUEUE_SHUTDOWN)
        ;
    grpc_completion_queue_destroy(cq);
    free(body.data);
    free(ca_pem);
    for (size_t k = 0; k < num_metadata; k++) {
        grpc_slice_unref(metadata[k].key);
        grpc_slice_unref(metadata[k].value);
    }
    grpc_shutdown_blocking();
    return rc;
}
