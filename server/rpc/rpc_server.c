/* The gRPC server: life cycle, the polling threads, the per-call state machine and the
 * pool of Lua workers. See rpc_server.h.
 *
 * RPC_POLLERS threads ("rpc-poll-N") take turns at the one completion queue: the poller
 * with the turn (the leader) handles every event, and runs a call whose RECV it gets
 * itself, so a tiny call costs no hand-off between threads. It gives the turn away first
 * when other calls are under way, and a call that runs longer than RPC_TURN_STEAL_MS loses
 * it to a waiting poller (see take_turn).
 *
 * A call (struct rpc_call) goes through:
 *   accept   grpc_server_request_call(tag NEW), RPC_PENDING_ACCEPT of them outstanding
 *   NEW      request the next call; a call its metadata refuses (blocked peer, no or a
 *            malformed token) is answered at once, its message never read; else start
 *            RECV_CLOSE_ON_SERVER (tag CLOSE: tells us when the client cancels or the
 *            deadline passes) and RECV_MESSAGE (tag RECV)
 *   RECV     take a free worker (a Lua state) from the pool and run the call on this thread:
 *            rpc_dispatch(), then one batch SEND_INITIAL_METADATA + SEND_MESSAGE +
 *            SEND_STATUS_FROM_SERVER (tag SEND); then run the queued calls, if any, before
 *            giving the worker back and polling again.
 *            No free worker (RPC_WORKERS calls running): queue the call for the next worker
 *            that finishes; when the queue is full, answer RESOURCE_EXHAUSTED at once.
 *   SEND, CLOSE   drop their reference
 * There is one poller more than workers, so while every worker runs a long call one thread
 * still has the turn (2 ms after the last long call began): new calls are accepted, queued
 * or refused as busy, and cancellations seen.
 * Taking a worker and queueing happen under one lock, and a worker is given back only with
 * the queue empty: a queued call always has a worker coming for it.
 * Every outstanding batch, the queue and the running thread hold one reference each; the
 * last one frees the call. A call's receive batches are started once, by the thread that
 * got its NEW; its one send batch by the thread that runs it (or that answers it without
 * running it). gRPC lets a send batch and a receive batch start at the same time, so no
 * lock is needed for them. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "rpc_server.h"

#include "../core/cond_wait.h"
#include "../core/log.h"
#include "../core/probe.h"
#include "../core/redis.h"
#include "../core/users.h"
#include "rpc_auth.h"
#include "rpc_dispatch.h"
#include "rpc_listen.h"
#include "rpc_tls.h"

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum tag_kind { TAG_NEW, TAG_RECV, TAG_CLOSE, TAG_SEND };

struct rpc_call;

struct call_tag {
    struct rpc_call *call;
    enum tag_kind kind;
};

struct rpc_call {
    struct rpc_server *srv;
    grpc_call *call;
    grpc_call_details details;
    grpc_metadata_array request_md;
    grpc_byte_buffer *request;  /* RECV_MESSAGE; NULL when the client sent none */
    grpc_byte_buffer *response; /* SEND_MESSAGE, kept until SEND completes */
    size_t request_len;         /* bytes counted in the queue */
    int close_cancelled;        /* RECV_CLOSE_ON_SERVER's answer (CQ thread) */
    atomic_int cancelled;       /* the same, for the thread running the call */
    atomic_int refs;
    struct call_tag t_new, t_recv, t_close, t_send;
    struct rpc_call *next; /* worker queue */
};

/* A Lua worker from the pool, lent to the thread that runs a call. */
struct worker_slot {
    struct rpc_worker *w;
    struct user_identity user; /* the caller of the call being processed */
    struct worker_slot *next_free;
};

struct poller {
    struct rpc_server *srv;
    pthread_t thread;
    bool started;
};

struct rpc_server {
    struct probe *probe;
    bool no_auth;                /* --rpc-no-auth: every call runs unrestricted */
    struct rpc_limiter *limiter; /* failed authentications per peer */
    grpc_server *server;
    grpc_completion_queue *cq;
    bool pollers_started;
    char shutdown_tag; /* its address tags grpc_server_shutdown_and_notify */
    atomic_int stopping;
    atomic_int shutdown_seen; /* the shutdown tag came back */
    atomic_int cq_shut;       /* grpc_completion_queue_shutdown called */
    atomic_int live_calls;
    atomic_int awaiting_recv; /* calls whose RECV_MESSAGE has not come back */

    pthread_mutex_t poll_lock; /* everything below */
    pthread_cond_t poll_cond;
    struct poller *leader;   /* the poller that has the turn, NULL: nobody */
    bool leader_in_call;     /* the leader runs a call, since leader_call_ms */
    uint64_t leader_call_ms; /* now_ms() */
    bool has_standby;
    bool standby_asleep; /* waits without a timeout: the leader wakes it */
    bool cq_done;        /* the queue is shut down and empty: pollers end */

    pthread_mutex_t lock; /* queue, queued, queued_bytes, free_slots, workers_stop */
    struct rpc_call *head, *tail;
    int queued;
    size_t queued_bytes;
    struct worker_slot *free_slots; /* last given back first: its state is warm */
    bool workers_stop;
    struct worker_slot slots[RPC_WORKERS];
    struct poller pollers[RPC_POLLERS];
};

/* ---- calls ---- */

static void call_unref(struct rpc_call *c)
{
    if (atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    struct rpc_server *s = c->srv;
    if (c->call)
        grpc_call_unref(c->call);
    grpc_call_details_destroy(&c->details);
    grpc_metadata_array_destroy(&c->request_md);
    if (c->request)
        grpc_byte_buffer_destroy(c->request);
    if (c->response)
        grpc_byte_buffer_destroy(c->response);
    free(c);
    atomic_fetch_sub(&s->live_calls, 1);
}

/* Starts a batch that holds its own reference until its tag comes back. */
static bool start_batch(struct rpc_call *c, const grpc_op *ops, size_t n, struct call_tag *tag)
{
    atomic_fetch_add(&c->refs, 1);
    grpc_call_error e = grpc_call_start_batch(c->call, ops, n, tag, NULL);
    if (e != GRPC_CALL_OK) {
        log_warning("rpc: cannot start a batch: %s", grpc_call_error_to_string(e));
        call_unref(c); /* never the last reference: the caller holds one */
        return false;
    }
    return true;
}

static void request_call(struct rpc_server *s)
{
    struct rpc_call *c = calloc(1, sizeof(*c));
    if (!c) {
        log_error("rpc: out of memory: one fewer call slot");
        return;
    }
    c->srv = s;
    grpc_call_details_init(&c->details);
    grpc_metadata_array_init(&c->request_md);
    c->t_new = (struct call_tag){c, TAG_NEW};
    c->t_recv = (struct call_tag){c, TAG_RECV};
    c->t_close = (struct call_tag){c, TAG_CLOSE};
    c->t_send = (struct call_tag){c, TAG_SEND};
    atomic_init(&c->refs, 1);
    atomic_init(&c->cancelled, 0);
    atomic_fetch_add(&s->live_calls, 1);
    grpc_call_error e = grpc_server_request_call(s->server, &c->call, &c->details, &c->request_md,
                                                 s->cq, s->cq, &c->t_new);
    if (e != GRPC_CALL_OK) {
        log_error("rpc: cannot accept calls: %s", grpc_call_error_to_string(e));
        call_unref(c);
    }
}

/* The reply: initial metadata, the message when OK, the status. Takes r->body. */
static void send_result(struct rpc_call *c, struct rpc_result *r)
{
    grpc_op ops[3];
    size_t n = 0;
    memset(ops, 0, sizeof(ops));
    ops[n++].op = GRPC_OP_SEND_INITIAL_METADATA;
    if (r->status == RPC_STATUS_OK) {
        grpc_slice body = grpc_slice_new(r->body, r->body_len, free);
        r->body = NULL;
        c->response = grpc_raw_byte_buffer_create(&body, 1);
        grpc_slice_unref(body);
        ops[n].op = GRPC_OP_SEND_MESSAGE;
        ops[n++].data.send_message.send_message = c->response;
    }
    grpc_slice details = grpc_empty_slice();
    if (r->message) {
        /* Cut long texts at a UTF-8 character boundary. */
        size_t len = strlen(r->message);
        if (len >= RPC_MAX_STATUS_MSG) {
            len = RPC_MAX_STATUS_MSG - 1;
            while (len > 0 && ((unsigned char)r->message[len] & 0xc0) == 0x80)
                len--;
        }
        details = grpc_slice_from_copied_buffer(r->message, len);
    }
    ops[n].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
    ops[n].data.send_status_from_server.status = (grpc_status_code)r->status;
    ops[n++].data.send_status_from_server.status_details = r->message ? &details : NULL;
    start_batch(c, ops, n, &c->t_send);
    grpc_slice_unref(details); /* not retained past start_batch */
}

static void send_status(struct rpc_call *c, enum rpc_status status, const char *message)
{
    struct rpc_result r = {.status = status, .message = (char *)message};
    send_result(c, &r);
}

/* ---- running a call ---- */

static bool deadline_passed(const struct rpc_call *c)
{
    gpr_timespec d = c->details.deadline;
    if (d.clock_type == GPR_TIMESPAN)
        return false;
    return gpr_time_cmp(d, gpr_now(d.clock_type)) < 0;
}

/* The call's API token (see rpc_auth.h): 1 found, 0 none, -1 malformed. */
static int call_token(const struct rpc_call *c, char *token)
{
    int found = 0;
    for (size_t i = 0; i < c->request_md.count; i++) {
        const grpc_metadata *m = &c->request_md.metadata[i];
        int rc = rpc_auth_token_from_entry(
            (const char *)GRPC_SLICE_START_PTR(m->key), GRPC_SLICE_LENGTH(m->key),
            (const char *)GRPC_SLICE_START_PTR(m->value), GRPC_SLICE_LENGTH(m->value), token);
        if (rc < 0)
            return -1;
        if (rc > 0)
            found = 1;
    }
    return found;
}

static uint64_t now_ms(void)
{
    gpr_timespec t = gpr_now(GPR_CLOCK_MONOTONIC);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* Who calls: the token is checked before the request is even looked at. Returns the user
 * (NULL with --rpc-no-auth), or NULL after answering the call with the refusal. */
/* What the metadata alone decides: a blocked peer, a missing or malformed token. OK with
 * the token in `token`, else the refusal with its message. */
static enum rpc_status check_metadata(struct rpc_server *s, const struct rpc_call *c,
                                      const char *key, char *token, char *msg, size_t msglen)
{
    int wait = rpc_limiter_blocked(s->limiter, key, now_ms());
    if (wait > 0) {
        snprintf(msg, msglen, "too many failed authentications from this address: retry in %d s",
                 wait);
        return RPC_STATUS_RESOURCE_EXHAUSTED;
    }
    int has = call_token(c, token);
    if (has > 0)
        return RPC_STATUS_OK;
    snprintf(msg, msglen,
             has < 0 ? "malformed API token metadata: send 'authorization: Token <token>' "
                       "or 'x-ntop-token: <token>'"
                     : "no API token: send the metadata 'authorization: Token <token>' "
                       "(ntoplua-shell --token or NTOP_TOKEN)");
    if (has < 0)
        rpc_limiter_failure(s->limiter, key, now_ms());
    return RPC_STATUS_UNAUTHENTICATED;
}

static void call_peer_key(const struct rpc_call *c, char *key, size_t len)
{
    char *peer = grpc_call_get_peer(c->call);
    rpc_peer_key(peer, key, len);
    gpr_free(peer);
}

/* At NEW, before the message is read: a call the metadata already refuses is answered
 * without receiving its body (up to the request-size limit otherwise). true when refused
 * (the status is on its way). */
static bool refuse_before_body(struct rpc_call *c)
{
    struct rpc_server *s = c->srv;
    if (s->no_auth)
        return false;
    char key[96], msg[256], token[RPC_TOKEN_MAX + 1];
    call_peer_key(c, key, sizeof(key));
    enum rpc_status status = check_metadata(s, c, key, token, msg, sizeof(msg));
    if (status == RPC_STATUS_OK)
        return false;
    log_debug("rpc: refused a call from %s before its message: %s", key, msg);
    send_status(c, status, msg);
    return true;
}

static const struct user_identity *authenticate(struct worker_slot *ws, struct rpc_call *c,
                                                bool *refused)
{
    struct rpc_server *s = c->srv;
    *refused = false;
    if (s->no_auth)
        return NULL;
    char key[96];
    call_peer_key(c, key, sizeof(key));

    char msg[256];
    char token[RPC_TOKEN_MAX + 1];
    /* Again: the peer may have been blocked while the message came. */
    enum rpc_status status = check_metadata(s, c, key, token, msg, sizeof(msg));
    if (status == RPC_STATUS_OK) {
        enum users_status us = users_identity_for_token(token, &ws->user);
        if (us == USERS_OK) {
            rpc_limiter_success(s->limiter, key);
        } else if (us == USERS_UNAVAILABLE) {
            status = RPC_STATUS_UNAVAILABLE;
            snprintf(msg, sizeof(msg), "cannot check the API token now: Redis is unavailable");
        } else {
            status = RPC_STATUS_UNAUTHENTICATED;
            snprintf(msg, sizeof(msg), "unknown API token");
            rpc_limiter_failure(s->limiter, key, now_ms());
        }
    }
    if (status == RPC_STATUS_OK)
        return &ws->user;
    log_debug("rpc: refused a call from %s: %s", key, msg);
    send_status(c, status, msg);
    *refused = true;
    return NULL;
}

static void process(struct worker_slot *ws, struct rpc_call *c)
{
    /* A call the client gave up on is not run; gRPC has already told the client. */
    if (atomic_load(&c->cancelled) || deadline_passed(c))
        return;
    bool refused;
    const struct user_identity *user = authenticate(ws, c, &refused);
    if (refused)
        return;
    /* The path as a C string; one with a NUL byte or too long to be ours matches nothing. */
    char method[256];
    size_t mlen = GRPC_SLICE_LENGTH(c->details.method);
    const uint8_t *mp = GRPC_SLICE_START_PTR(c->details.method);
    if (mlen >= sizeof(method) || memchr(mp, '\0', mlen))
        mlen = 0;
    memcpy(method, mp, mlen);
    method[mlen] = '\0';

    grpc_byte_buffer_reader reader;
    if (!grpc_byte_buffer_reader_init(&reader, c->request)) {
        send_status(c, RPC_STATUS_INTERNAL, "cannot read the request (compression?)");
        return;
    }
    grpc_slice body = grpc_byte_buffer_reader_readall(&reader);
    grpc_byte_buffer_reader_destroy(&reader);
    grpc_byte_buffer_destroy(c->request);
    c->request = NULL;

    struct rpc_result r;
    rpc_dispatch(ws->w, method, GRPC_SLICE_START_PTR(body), GRPC_SLICE_LENGTH(body), user, &r);
    grpc_slice_unref(body);
    /* A call cut short by the shutdown (ntop.msleep wakes up for it) has no result: it ends
     * UNAVAILABLE like the calls the server cancels, whichever comes first. */
    if (atomic_load(&c->srv->stopping) || c->srv->probe->shutdown_requested)
        send_status(c, RPC_STATUS_UNAVAILABLE, "the probe is shutting down");
    else
        send_result(c, &r);
    rpc_result_free(&r);
}

/* Runs `c` (its RECV reference is ours) with the worker `ws`, then the queued calls, then
 * gives the worker back: under the lock, and only with the queue empty. */
static void run_calls(struct rpc_server *s, struct worker_slot *ws, struct rpc_call *c)
{
    bool stop = false;
    for (;;) {
        /* Stopping: grpc_server_cancel_all_calls has cancelled the queued calls. */
        if (!stop)
            process(ws, c);
        call_unref(c);
        pthread_mutex_lock(&s->lock);
        c = s->head;
        if (!c) {
            ws->next_free = s->free_slots;
            s->free_slots = ws;
            pthread_mutex_unlock(&s->lock);
            return;
        }
        s->head = c->next;
        if (!s->head)
            s->tail = NULL;
        s->queued--;
        s->queued_bytes -= c->request_len;
        stop = s->workers_stop;
        pthread_mutex_unlock(&s->lock);
    }
}

/* A request arrived (the RECV reference is ours): run it here with a free worker, else
 * queue it for the next worker to finish, else answer at once. */
static void on_request(struct rpc_server *s, struct rpc_call *c)
{
    c->request_len = grpc_byte_buffer_length(c->request);
    pthread_mutex_lock(&s->lock);
    struct worker_slot *ws = s->workers_stop ? NULL : s->free_slots;
    if (ws) {
        s->free_slots = ws->next_free;
        pthread_mutex_unlock(&s->lock);
        run_calls(s, ws, c);
        return;
    }
    if (s->workers_stop || s->queued >= RPC_QUEUE_MAX ||
        s->queued_bytes + c->request_len > RPC_QUEUE_MAX_BYTES) {
        bool stop = s->workers_stop;
        pthread_mutex_unlock(&s->lock);
        send_status(c, stop ? RPC_STATUS_UNAVAILABLE : RPC_STATUS_RESOURCE_EXHAUSTED,
                    stop ? "the probe is shutting down"
                         : "the probe is busy: too many calls queued");
        call_unref(c);
        return;
    }
    c->next = NULL;
    if (s->tail)
        s->tail->next = c;
    else
        s->head = c;
    s->tail = c;
    s->queued++;
    s->queued_bytes += c->request_len;
    pthread_mutex_unlock(&s->lock);
}

/* ---- the completion queue ---- */

static void on_new(struct rpc_call *c, bool ok)
{
    struct rpc_server *s = c->srv;
    if (!ok) { /* the server is shutting down: no call came */
        call_unref(c);
        return;
    }
    if (atomic_load(&s->stopping)) {
        grpc_call_cancel_with_status(c->call, GRPC_STATUS_UNAVAILABLE, "the probe is shutting down",
                                     NULL);
        call_unref(c);
        return;
    }
    request_call(s);
    if (refuse_before_body(c)) {
        call_unref(c); /* the accept reference; the send batch holds its own */
        return;
    }

    grpc_op close_op = {.op = GRPC_OP_RECV_CLOSE_ON_SERVER};
    close_op.data.recv_close_on_server.cancelled = &c->close_cancelled;
    start_batch(c, &close_op, 1, &c->t_close);
    grpc_op recv_op = {.op = GRPC_OP_RECV_MESSAGE};
    recv_op.data.recv_message.recv_message = &c->request;
    atomic_fetch_add(&s->awaiting_recv, 1);
    start_batch(c, &recv_op, 1, &c->t_recv);
    call_unref(c); /* the accept reference */
}

static void on_event(struct call_tag *tag, bool ok)
{
    struct rpc_call *c = tag->call;
    switch (tag->kind) {
    case TAG_NEW:
        on_new(c, ok);
        return;
    case TAG_RECV:
        atomic_fetch_sub(&c->srv->awaiting_recv, 1);
        if (ok && c->request) {
            on_request(c->srv, c);
            return;
        }
        /* No message: the client cancelled, went away, or half-closed without one (an
         * oversized message is refused by gRPC itself with RESOURCE_EXHAUSTED). */
        if (ok && !atomic_load(&c->cancelled))
            send_status(c, RPC_STATUS_INVALID_ARGUMENT, "no request message");
        call_unref(c);
        return;
    case TAG_CLOSE:
        if (c->close_cancelled)
            atomic_store(&c->cancelled, 1);
        call_unref(c);
        return;
    case TAG_SEND:
        call_unref(c);
        return;
    }
}

/* Once the shutdown tag is back and the last call is freed, shut the queue down (once):
 * every poller then gets GRPC_QUEUE_SHUTDOWN and ends. Each poller checks after each event
 * it handled, so whichever thread frees the last call or sees the tag does it. */
static void maybe_shut_cq(struct rpc_server *s)
{
    if (atomic_load(&s->shutdown_seen) && atomic_load(&s->live_calls) == 0 &&
        !atomic_exchange(&s->cq_shut, 1))
        grpc_completion_queue_shutdown(s->cq);
}

/* Taking turns at the queue. One poller at a time (the leader) waits in
 * grpc_completion_queue_next: gRPC would otherwise wake another of its waiting threads
 * after every event. The leader runs a call it receives itself, without giving the turn
 * away, so a tiny call wakes no other thread; only when more calls are under way (several
 * clients) does it give the turn to a waiting poller first, so that two cores work.
 * One waiting poller (the standby) looks every RPC_TURN_STEAL_MS while calls come: when
 * the leader has been running one call for that long, the standby takes the turn and the
 * leader waits for one once its call is done. After a quiet second the standby sleeps
 * until the next call's leader wakes it. */
#define RPC_TURN_STEAL_MS 2
#define RPC_TURN_QUIET_MS 1000

/* Waits for the turn: false when the queue is shut down (the poller ends). */
static bool take_turn(struct rpc_server *s, struct poller *me)
{
    pthread_mutex_lock(&s->poll_lock);
    bool standby = false, got = false;
    for (;;) {
        if (s->cq_done)
            break;
        uint64_t now = now_ms();
        if (!s->leader || (s->leader_in_call && now - s->leader_call_ms >= RPC_TURN_STEAL_MS)) {
            /* A leader in its call finds out when the call is done. */
            s->leader = me;
            s->leader_in_call = false;
            got = true;
            break;
        }
        if (!s->has_standby)
            s->has_standby = standby = true;
        if (standby && now - s->leader_call_ms < RPC_TURN_QUIET_MS) {
            cond_wait_ms(&s->poll_cond, &s->poll_lock, RPC_TURN_STEAL_MS);
        } else {
            if (standby)
                s->standby_asleep = true;
            pthread_cond_wait(&s->poll_cond, &s->poll_lock);
            if (standby)
                s->standby_asleep = false;
        }
    }
    if (standby) {
        s->has_standby = false;
        pthread_cond_broadcast(&s->poll_cond); /* someone else stands by */
    }
    pthread_mutex_unlock(&s->poll_lock);
    return got;
}

static void give_turn(struct rpc_server *s, struct poller *me)
{
    pthread_mutex_lock(&s->poll_lock);
    if (s->leader == me)
        s->leader = NULL;
    pthread_cond_signal(&s->poll_cond);
    pthread_mutex_unlock(&s->poll_lock);
}

static void end_turns(struct rpc_server *s)
{
    pthread_mutex_lock(&s->poll_lock);
    s->cq_done = true;
    pthread_cond_broadcast(&s->poll_cond);
    pthread_mutex_unlock(&s->poll_lock);
}

/* The leader starts running a call: the standby starts watching. */
static void call_begins(struct rpc_server *s)
{
    pthread_mutex_lock(&s->poll_lock);
    s->leader_in_call = true;
    s->leader_call_ms = now_ms();
    if (s->standby_asleep)
        pthread_cond_broadcast(&s->poll_cond);
    pthread_mutex_unlock(&s->poll_lock);
}

/* The call is done: true when `me` still has the turn. */
static bool call_ends(struct rpc_server *s, struct poller *me)
{
    pthread_mutex_lock(&s->poll_lock);
    bool kept = s->leader == me;
    if (kept)
        s->leader_in_call = false;
    pthread_mutex_unlock(&s->poll_lock);
    return kept;
}

static void *poller_main(void *arg)
{
    struct poller *p = arg;
    struct rpc_server *s = p->srv;
    while (take_turn(s, p)) {
        for (;;) {
            /* Once stopping, wake up now and then (a safety net: see maybe_shut_cq). */
            gpr_timespec deadline = atomic_load(&s->stopping)
                                        ? gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                                                       gpr_time_from_millis(20, GPR_TIMESPAN))
                                        : gpr_inf_future(GPR_CLOCK_MONOTONIC);
            grpc_event ev = grpc_completion_queue_next(s->cq, deadline, NULL);
            if (ev.type == GRPC_QUEUE_SHUTDOWN) {
                end_turns(s);
                return NULL;
            }
            if (ev.type == GRPC_OP_COMPLETE) {
                if (ev.tag == &s->shutdown_tag) {
                    atomic_store(&s->shutdown_seen, 1);
                } else {
                    struct call_tag *tag = ev.tag;
                    if (tag->kind != TAG_RECV) {
                        on_event(tag, ev.success != 0);
                    } else if (atomic_load(&s->awaiting_recv) > 1) {
                        /* More calls are coming: give the turn away now, so that another
                         * thread (core) works beside this one. */
                        give_turn(s, p);
                        on_event(tag, ev.success != 0);
                        maybe_shut_cq(s);
                        break;
                    } else {
                        call_begins(s);
                        on_event(tag, ev.success != 0);
                        if (!call_ends(s, p)) {
                            maybe_shut_cq(s);
                            break;
                        }
                    }
                }
            }
            maybe_shut_cq(s);
        }
    }
    return NULL;
}

/* ---- life cycle ---- */

/* Waits for the shutdown tag and every call, then drains and destroys the queue. For a
 * server whose pollers never ran (start failed half-way). */
static void drain_cq(struct rpc_server *s)
{
    grpc_completion_queue_shutdown(s->cq);
    for (;;) {
        grpc_event ev =
            grpc_completion_queue_next(s->cq, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
        if (ev.type == GRPC_QUEUE_SHUTDOWN)
            break;
    }
}

static void destroy(struct rpc_server *s)
{
    if (s->server) {
        if (!s->pollers_started) {
            /* Never served: shut it down here, with nobody else on the queue; a call that
             * arrived anyway is answered UNAVAILABLE, not run. */
            atomic_store(&s->stopping, 1);
            s->workers_stop = true;
            grpc_server_shutdown_and_notify(s->server, s->cq, &s->shutdown_tag);
            grpc_server_cancel_all_calls(s->server);
            for (;;) {
                grpc_event ev =
                    grpc_completion_queue_next(s->cq, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
                if (ev.type == GRPC_OP_COMPLETE && ev.tag == &s->shutdown_tag)
                    break;
                if (ev.type == GRPC_OP_COMPLETE)
                    on_event(ev.tag, ev.success != 0);
            }
            drain_cq(s);
        }
        grpc_server_destroy(s->server);
    }
    if (s->cq)
        grpc_completion_queue_destroy(s->cq);
    for (int i = 0; i < RPC_WORKERS; i++)
        rpc_worker_free(s->slots[i].w);
    rpc_limiter_free(s->limiter);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->poll_cond);
    pthread_mutex_destroy(&s->poll_lock);
    free(s);
    grpc_shutdown_blocking();
}

/* Plaintext, or TLS with the checked --rpc-tls-cert/--rpc-tls-key; NULL with err. */
static grpc_server_credentials *server_credentials(const struct probe_options *o, char *err,
                                                   size_t errlen)
{
    if (!o->rpc_tls_cert && !o->rpc_tls_key)
        return grpc_insecure_server_credentials_create();
    struct rpc_tls tls;
    if (rpc_tls_load(&tls, o->rpc_tls_cert, o->rpc_tls_key, err, errlen) != 0)
        return NULL;
    grpc_ssl_pem_key_cert_pair pair = {.private_key = tls.key_pem, .cert_chain = tls.cert_pem};
    grpc_ssl_server_credentials_options *so =
        grpc_ssl_server_credentials_create_options_using_config(
            GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE,
            grpc_ssl_server_certificate_config_create(NULL, &pair, 1));
    grpc_server_credentials *creds = grpc_ssl_server_credentials_create_with_options(so);
    rpc_tls_clear(&tls);
    if (!creds)
        snprintf(err, errlen, "gRPC refused the TLS certificate or key");
    return creds;
}

static int add_ports(struct rpc_server *s, const char *const *addrs, int naddrs, int *ports,
                     char *err, size_t errlen)
{
    grpc_server_credentials *creds = server_credentials(&s->probe->opt, err, errlen);
    if (!creds)
        return -1;
    int rc = 0;
    for (int i = 0; i < naddrs && rc == 0; i++) {
        if (rpc_listen_precheck(addrs[i], err, errlen) != 0) {
            rc = -1;
            break;
        }
        rpc_log_capture_begin();
        ports[i] = grpc_server_add_http2_port(s->server, addrs[i], creds);
        const char *grpc_msg = rpc_log_capture_end();
        if (ports[i] == 0) {
            rpc_listen_explain(addrs[i], grpc_msg, err, errlen);
            rc = -1;
        }
    }
    grpc_server_credentials_release(creds);
    return rc;
}

int rpc_server_check(const struct probe *p, const char *const *addrs, int naddrs, char *err,
                     size_t errlen)
{
    if (p->opt.rpc_no_auth) {
        for (int i = 0; i < naddrs; i++) {
            if (!rpc_listen_is_local(addrs[i])) {
                snprintf(err, errlen,
                         "--rpc-no-auth refused: %s can be reached from other hosts; without "
                         "authentication listen on 127.0.0.1, [::1] or unix:PATH only",
                         addrs[i]);
                return -1;
            }
        }
    }
    if (p->opt.rpc_tls_cert || p->opt.rpc_tls_key) {
        struct rpc_tls tls;
        if (rpc_tls_load(&tls, p->opt.rpc_tls_cert, p->opt.rpc_tls_key, err, errlen) != 0)
            return -1;
        rpc_tls_clear(&tls);
    }
    return 0;
}

/* What the log says about authentication once the server runs. */
static void log_auth_state(const struct probe *p)
{
    if (p->opt.rpc_no_auth) {
        log_warning("rpc: AUTHENTICATION IS OFF (--rpc-no-auth): every local caller may call "
                    "every function, write and admin ones included");
    } else {
        char err[256];
        redisReply *r = redis_command(err, sizeof(err), "HLEN ntopng.api_tokens");
        if (!r)
            log_warning("rpc: cannot count the API tokens (%s): calls are refused until Redis "
                        "answers",
                        err);
        else if (r->type == REDIS_REPLY_INTEGER && r->integer == 0)
            log_warning("rpc: no API token exists yet, so every call will be refused; create an "
                        "administrator and its token with: ntop-probe --create-admin NAME");
        if (r)
            freeReplyObject(r);
    }
    if (p->opt.rpc_allow_exec)
        log_warning("rpc: --rpc-allow-exec: administrators may run commands remotely");
}

struct rpc_server *rpc_server_start(struct probe *p, const char *const *addrs, int naddrs,
                                    char *err, size_t errlen)
{
    int ports[RPC_MAX_LISTEN] = {0};
    if (naddrs <= 0 || naddrs > RPC_MAX_LISTEN) {
        snprintf(err, errlen, "between 1 and %d --rpc-listen addresses", RPC_MAX_LISTEN);
        return NULL;
    }
    if (rpc_server_check(p, addrs, naddrs, err, errlen) != 0)
        return NULL;
    rpc_log_install();
    grpc_init();
    struct rpc_server *s = calloc(1, sizeof(*s));
    if (!s) {
        grpc_shutdown_blocking();
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->poll_lock, NULL);
    pthread_cond_init(&s->poll_cond, NULL);
    s->probe = p;
    s->no_auth = p->opt.rpc_no_auth;
    s->limiter = rpc_limiter_new();
    atomic_init(&s->stopping, 0);
    atomic_init(&s->shutdown_seen, 0);
    atomic_init(&s->cq_shut, 0);
    atomic_init(&s->live_calls, 0);
    atomic_init(&s->awaiting_recv, 0);

    grpc_arg args[] = {
        {.type = GRPC_ARG_INTEGER,
         .key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH,
         .value.integer = RPC_MAX_REQUEST                                             },
        {.type = GRPC_ARG_INTEGER,
         .key = GRPC_ARG_MAX_SEND_MESSAGE_LENGTH,
         .value.integer = (int)RPC_MAX_REPLY + 1024                                   },
        {.type = GRPC_ARG_INTEGER,
         .key = GRPC_ARG_MAX_CONCURRENT_STREAMS,
         .value.integer = RPC_MAX_STREAMS                                             },
 /* A second probe on the same port must fail, not share it. */
        {.type = GRPC_ARG_INTEGER, .key = GRPC_ARG_ALLOW_REUSEPORT, .value.integer = 0},
    };
    grpc_channel_args channel_args = {.num_args = sizeof(args) / sizeof(args[0]), .args = args};
    if (!s->limiter) {
        snprintf(err, errlen, "out of memory");
        destroy(s);
        return NULL;
    }
    s->server = grpc_server_create(&channel_args, NULL);
    s->cq = grpc_completion_queue_create_for_next(NULL);
    grpc_server_register_completion_queue(s->server, s->cq, NULL);

    if (add_ports(s, addrs, naddrs, ports, err, errlen) != 0)
        goto fail;
    for (int i = 0; i < RPC_WORKERS; i++) {
        s->slots[i].w = rpc_worker_new(p);
        if (!s->slots[i].w) {
            snprintf(err, errlen, "cannot create the Lua state of an RPC worker");
            goto fail;
        }
        s->slots[i].next_free = s->free_slots;
        s->free_slots = &s->slots[i];
    }

    grpc_server_start(s->server);
    for (int i = 0; i < RPC_PENDING_ACCEPT; i++)
        request_call(s);
    for (int i = 0; i < RPC_POLLERS; i++) {
        struct poller *pl = &s->pollers[i];
        pl->srv = s;
        /* All or none: with fewer pollers than RPC_WORKERS + 1, busy workers could leave
         * nobody to accept calls. */
        if (pthread_create(&pl->thread, NULL, poller_main, pl) != 0) {
            snprintf(err, errlen, "cannot start the RPC threads");
            goto fail;
        }
        pl->started = true;
        s->pollers_started = true;
        char name[16];
        snprintf(name, sizeof(name), "rpc-poll-%d", i);
        pthread_setname_np(pl->thread, name);
    }
    for (int i = 0; i < naddrs; i++) {
        char shown[512];
        rpc_listen_display(addrs[i], ports[i], shown, sizeof(shown));
        log_normal("rpc: listening on %s", shown);
    }
    if (p->opt.rpc_tls_cert)
        log_normal("rpc: TLS with the certificate in %s", p->opt.rpc_tls_cert);
    log_auth_state(p);
    return s;

fail:
    if (s->pollers_started) {
        rpc_server_stop(s);
        return NULL;
    }
    destroy(s);
    return NULL;
}

void rpc_server_stop(struct rpc_server *s)
{
    if (!s)
        return;
    atomic_store(&s->stopping, 1);
    grpc_server_shutdown_and_notify(s->server, s->cq, &s->shutdown_tag);
    grpc_server_cancel_all_calls(s->server);

    pthread_mutex_lock(&s->lock);
    s->workers_stop = true;
    pthread_mutex_unlock(&s->lock);
    for (int i = 0; i < RPC_POLLERS; i++)
        if (s->pollers[i].started)
            pthread_join(s->pollers[i].thread, NULL);
    destroy(s);
    log_normal("rpc: stopped");
}
