/* The time budget of a check script run (--check-timeout-ms) without a Lua hook on every
 * run. Lua 5.4 with a count hook set sends every VM instruction through the hook's
 * bookkeeping: +60% on the built-in scripts. Instead a watchdog thread looks at the
 * engines' deadlines a few times per budget, and signals the capture thread of a run that
 * is over it; the signal handler sets the hook there (lua_sethook may be called from a
 * signal handler: lua.c's SIGINT does the same) and the hook ends the script with an
 * error at its next instruction. Signals are only ever sent to a script that overran. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "check_engine_priv.h"

#include "../core/cond_wait.h"
#include "../core/cpu_affinity.h"
#include "../core/log.h"
#include "../core/probe.h"

#include <errno.h>
#include <lauxlib.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

/* SIGURG: ignored by default, so a stray one can do no harm. */
#define BUDGET_SIGNAL SIGURG
/* Deadlines are looked at every quarter of the shortest budget, at most this often. */
#define MIN_PERIOD_MS 1
#define MAX_PERIOD_MS 100

_Static_assert(sizeof(pthread_t) == sizeof(unsigned long), "pthread_t is an unsigned long");

/* The engine whose script this thread is running (read by the signal handler). */
static _Thread_local struct check_engine *volatile running_engine;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct check_engine *engines[PROBE_MAX_IFACES];
    int count;
    bool thread_running, stop;
    pthread_t thread;
} W = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    struct check_engine *e = (struct check_engine *)lua_ctx_of(L);
    uint64_t deadline = atomic_load_explicit(&e->run_deadline_ns, memory_order_relaxed);
    if (!deadline || probe_mono_ns() < deadline)
        return;
    e->timed_out = true;
    luaL_error(L, "interrupted: ran over its budget of %d ms (--check-timeout-ms)",
               (int)e->ifc->probe->opt.check_timeout_ms);
}

static void on_budget_signal(int sig)
{
    (void)sig;
    int saved = errno;
    struct check_engine *e = running_engine;
    if (e)
        lua_sethook(e->L, budget_hook, LUA_MASKCOUNT, 1);
    errno = saved;
}

void check_budget_begin(struct check_engine *e)
{
    atomic_store_explicit(&e->runner, (unsigned long)pthread_self(), memory_order_relaxed);
    uint64_t deadline = probe_mono_ns() + (uint64_t)e->ifc->probe->opt.check_timeout_ms * 1000000u;
    atomic_store_explicit(&e->run_deadline_ns, deadline, memory_order_release);
    e->timed_out = false;
    running_engine = e;
    atomic_signal_fence(memory_order_seq_cst);
}

void check_budget_end(struct check_engine *e)
{
    running_engine = NULL;
    atomic_signal_fence(memory_order_seq_cst);
    atomic_store_explicit(&e->run_deadline_ns, 0, memory_order_release);
    /* Set by a signal that came just before the end, or by the last overrun. */
    lua_sethook(e->L, NULL, 0, 0);
}

static uint32_t period_ms(void)
{
    uint32_t ms = MAX_PERIOD_MS;
    for (int i = 0; i < W.count; i++) {
        uint32_t quarter = W.engines[i]->ifc->probe->opt.check_timeout_ms / 4;
        if (quarter < ms)
            ms = quarter;
    }
    return ms < MIN_PERIOD_MS ? MIN_PERIOD_MS : ms;
}

static void *watchdog_main(void *arg)
{
    /* Started from a capture thread: off its core, with the probe's other threads. */
    const struct probe *p = arg;
    if (p->opt.other_cpus.count > 0 && cpu_bind_self_to_list(&p->opt.other_cpus) != 0)
        log_warning("checks: cannot bind the scripts' watchdog to --other-cpu-affinity: %s",
                    strerror(errno));
    pthread_mutex_lock(&W.lock);
    while (!W.stop) {
        cond_wait_ms(&W.wake, &W.lock, period_ms());
        uint64_t now = probe_mono_ns();
        for (int i = 0; i < W.count; i++) {
            struct check_engine *e = W.engines[i];
            uint64_t deadline = atomic_load_explicit(&e->run_deadline_ns, memory_order_acquire);
            if (!deadline || now < deadline || deadline == e->signalled_deadline)
                continue;
            /* The runner is alive while its deadline is set: it clears it before it ends. */
            e->signalled_deadline = deadline;
            pthread_kill((pthread_t)atomic_load_explicit(&e->runner, memory_order_relaxed),
                         BUDGET_SIGNAL);
        }
    }
    pthread_mutex_unlock(&W.lock);
    return NULL;
}

static void install_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_budget_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(BUDGET_SIGNAL, &sa, NULL) != 0)
        log_error("checks: cannot install the script budget's signal handler: %s", strerror(errno));
}

int check_budget_watch(struct check_engine *e)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install_handler);
    pthread_mutex_lock(&W.lock);
    int rc = 0;
    if (W.count == PROBE_MAX_IFACES) {
        rc = -1;
    } else {
        W.engines[W.count++] = e;
        if (!W.thread_running) {
            W.stop = false;
            if (pthread_create(&W.thread, NULL, watchdog_main, e->ifc->probe) == 0) {
                pthread_setname_np(W.thread, "check-budget");
                W.thread_running = true;
            } else {
                W.count--;
                rc = -1;
            }
        }
        pthread_cond_signal(&W.wake); /* the period may be shorter now */
    }
    pthread_mutex_unlock(&W.lock);
    return rc;
}

void check_budget_unwatch(struct check_engine *e)
{
    pthread_mutex_lock(&W.lock);
    for (int i = 0; i < W.count; i++)
        if (W.engines[i] == e) {
            W.engines[i] = W.engines[--W.count];
            break;
        }
    bool join = W.count == 0 && W.thread_running;
    if (join) {
        W.stop = true;
        W.thread_running = false;
        pthread_cond_signal(&W.wake);
    }
    pthread_mutex_unlock(&W.lock);
    if (join)
        pthread_join(W.thread, NULL);
}
