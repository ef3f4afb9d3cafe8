/* The alert store: a bounded queue, one writer thread, one SQLite database per interface.
 * See alert_store.h. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "alert_store.h"

#include "../core/cond_wait.h"
#include "../core/log.h"
#include "../core/probe.h"
#include "alert_json.h"
#include "alert_schema.h"
#include "alert_types.h"

#include <errno.h>
#include <lauxlib.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Rows waiting for the writer; beyond this, rows are dropped and counted. */
#define QUEUE_MAX 16384
/* The writer commits what came every WRITE_INTERVAL_MS, or at once when this many rows
 * wait: one transaction for many rows, and no wake-up call (a futex system call on the
 * capture thread) per row. Readers that need the rows flush first. */
#define WAKE_ROWS         1024
#define WRITE_INTERVAL_MS 100
/* Retention runs at open and then at this interval. */
#define RETENTION_INTERVAL_S 600
/* Limits of a query: run time, and the size of one value. */
#define QUERY_MAX_MS          5000
#define QUERY_MAX_VALUE_BYTES (16 << 20)

struct store_db {
    sqlite3 *db;
    sqlite3_stmt *insert[ALERT_ENTITY_MAX]; /* prepared on first use */
    int64_t rows;                           /* rows in every table */
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work, written;
    struct alert_row *head, *tail;
    uint32_t queued;
    uint64_t enqueued, committed; /* counts rows handed over / processed: flush waits */
    bool running, stop;
    pthread_t thread;
    uint64_t drops[PROBE_MAX_IFACES][3]; /* host, flow, other */
    struct store_db dbs[PROBE_MAX_IFACES];
    int num_dbs;
    uint32_t max_rows, retention_days;
    char data_dir[4096];
    time_t next_retention;
} S = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .work = PTHREAD_COND_INITIALIZER,
    .written = PTHREAD_COND_INITIALIZER,
};

void alert_row_free(struct alert_row *r)
{
    if (!r)
        return;
    free(r->json);
    free(r->subtype);
    free(r->entity_val);
    free(r->name);
    free(r);
}

char *alert_store_path(int ifid, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%d/alerts/alerts.sqlite", S.data_dir, ifid);
    return buf;
}

static int drop_class(int entity)
{
    return entity == ALERT_ENTITY_HOST ? 0 : entity == ALERT_ENTITY_FLOW ? 1 : 2;
}

void alert_store_drops(int ifid, uint64_t *host, uint64_t *flow, uint64_t *other)
{
    *host = *flow = *other = 0;
    if (ifid < 0 || ifid >= PROBE_MAX_IFACES)
        return;
    pthread_mutex_lock(&S.lock);
    *host = S.drops[ifid][0];
    *flow = S.drops[ifid][1];
    *other = S.drops[ifid][2];
    pthread_mutex_unlock(&S.lock);
}

bool alert_store_enqueue(struct alert_row *r)
{
    r->next = NULL;
    pthread_mutex_lock(&S.lock);
    bool ok = S.running && !S.stop && S.queued < QUEUE_MAX && r->ifid >= 0 && r->ifid < S.num_dbs &&
              S.dbs[r->ifid].db;
    if (ok) {
        if (S.tail)
            S.tail->next = r;
        else
            S.head = r;
        S.tail = r;
        S.queued++;
        S.enqueued++;
        if (S.queued == WAKE_ROWS)
            pthread_cond_signal(&S.work);
    } else if (r->ifid >= 0 && r->ifid < PROBE_MAX_IFACES) {
        S.drops[r->ifid][drop_class(r->entity)]++;
    }
    pthread_mutex_unlock(&S.lock);
    if (!ok)
        alert_row_free(r);
    return ok;
}

void alert_store_flush(void)
{
    pthread_mutex_lock(&S.lock);
    uint64_t target = S.enqueued;
    if (S.committed < target)
        pthread_cond_signal(&S.work); /* now, not at the next interval */
    while (S.running && S.committed < target)
        pthread_cond_wait(&S.written, &S.lock);
    pthread_mutex_unlock(&S.lock);
}

/* ---- writing ---------------------------------------------------------------------- */

static int exec_sql(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        log_error("alert store: %s: %s", msg ? msg : sqlite3_errstr(rc), sql);
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

#define COMMON_COLS "alert_id, alert_status, interface_id, tstamp, tstamp_end, severity, score"

/* The INSERT of each entity: the common columns (bound 1..7), then its own. */
static const char *insert_sql(int entity)
{
    switch (entity) {
    case ALERT_ENTITY_FLOW:
        return "INSERT INTO flow_alerts (" COMMON_COLS
               ", counter, json, ip_version, cli_ip, srv_ip, cli_port, srv_port, vlan_id, "
               "is_cli_attacker, is_cli_victim, is_srv_attacker, is_srv_victim, proto, "
               "l7_proto, l7_master_proto, l7_cat, cli_name, srv_name, cli2srv_bytes, "
               "srv2cli_bytes, cli2srv_pkts, srv2cli_pkts, first_seen, alerts_map, "
               "flow_risk_bitmap) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
               "?,?,?,?,?)";
    case ALERT_ENTITY_HOST:
        return "INSERT INTO host_alerts (" COMMON_COLS
               ", granularity, counter, json, ip_version, ip, vlan_id, name) "
               "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    case ALERT_ENTITY_NETWORK:
        return "INSERT INTO network_alerts (" COMMON_COLS
               ", granularity, counter, json, local_network_id, name, alias) "
               "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
    case ALERT_ENTITY_INTERFACE:
        return "INSERT INTO interface_alerts (" COMMON_COLS
               ", granularity, counter, json, ifid, subtype, name) "
               "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
    case ALERT_ENTITY_MAC:
        return "INSERT INTO mac_alerts (" COMMON_COLS
               ", granularity, counter, json, address, name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
    case ALERT_ENTITY_SNMP_DEVICE:
        return "INSERT INTO snmp_alerts (" COMMON_COLS
               ", granularity, counter, json, ip, name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
    case ALERT_ENTITY_USER:
        return "INSERT INTO user_alerts (" COMMON_COLS
               ", granularity, counter, json, user) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
    case ALERT_ENTITY_SYSTEM:
        return "INSERT INTO system_alerts (" COMMON_COLS
               ", granularity, counter, json, name) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
    case ALERT_ENTITY_AM_HOST:
        return "INSERT INTO active_monitoring_alerts (" COMMON_COLS
               ", counter, json, resolved_name) VALUES (?,?,?,?,?,?,?,?,?,?)";
    default:
        return NULL;
    }
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void bind_flow(sqlite3_stmt *st, const struct alert_row *r, int i)
{
    const struct alert_flow_cols *f = r->flow;
    const struct flow_alert_type *t = flow_alert_type_get(r->alert_id);
    char *json = alert_json(t ? t->name : "unknown", "flow", f->message);
    char cli[IPADDR_STRLEN], srv[IPADDR_STRLEN];
    /* ntopng's hex of the 128-bit map, most significant byte first (one table lookup per
     * nibble: 16 snprintf calls were a tenth of the writer's cost per alert) */
    static const char hex[] = "0123456789abcdef";
    char map[33];
    for (int b = 0; b < 16; b++) {
        map[2 * b] = hex[f->alerts_map[15 - b] >> 4];
        map[2 * b + 1] = hex[f->alerts_map[15 - b] & 15];
    }
    map[32] = '\0';
    sqlite3_bind_int(st, i++, 1);
    if (json)
        sqlite3_bind_text(st, i++, json, -1, free);
    else
        sqlite3_bind_null(st, i++);
    sqlite3_bind_int(st, i++, f->cli.ver);
    bind_text(st, i++, ipaddr_str(&f->cli, cli, sizeof(cli)));
    bind_text(st, i++, ipaddr_str(&f->srv, srv, sizeof(srv)));
    sqlite3_bind_int(st, i++, f->cli_port);
    sqlite3_bind_int(st, i++, f->srv_port);
    sqlite3_bind_int(st, i++, f->vlan_id);
    sqlite3_bind_int(st, i++, f->is_cli_attacker);
    sqlite3_bind_int(st, i++, f->is_cli_victim);
    sqlite3_bind_int(st, i++, f->is_srv_attacker);
    sqlite3_bind_int(st, i++, f->is_srv_victim);
    sqlite3_bind_int(st, i++, f->proto);
    sqlite3_bind_int(st, i++, f->l7_proto);
    sqlite3_bind_int(st, i++, f->l7_master_proto);
    sqlite3_bind_int(st, i++, f->l7_cat);
    bind_text(st, i++, f->cli_name);
    bind_text(st, i++, f->srv_name);
    sqlite3_bind_int64(st, i++, (sqlite3_int64)f->cli2srv_bytes);
    sqlite3_bind_int64(st, i++, (sqlite3_int64)f->srv2cli_bytes);
    sqlite3_bind_int64(st, i++, (sqlite3_int64)f->cli2srv_pkts);
    sqlite3_bind_int64(st, i++, (sqlite3_int64)f->srv2cli_pkts);
    sqlite3_bind_int64(st, i++, f->first_seen);
    bind_text(st, i++, map);
    sqlite3_bind_int64(st, i++, (sqlite3_int64)f->flow_risk_bitmap);
}

static void bind_row(sqlite3_stmt *st, const struct alert_row *r)
{
    int i = 1;
    sqlite3_bind_int64(st, i++, r->alert_id);
    sqlite3_bind_int(st, i++, 0); /* historical */
    sqlite3_bind_int(st, i++, r->ifid);
    sqlite3_bind_int64(st, i++, r->tstamp);
    sqlite3_bind_int64(st, i++, r->tstamp_end);
    sqlite3_bind_int(st, i++, alert_score_to_severity(r->score));
    sqlite3_bind_int64(st, i++, r->score);
    if (r->entity == ALERT_ENTITY_FLOW) {
        bind_flow(st, r, i);
        return;
    }
    if (r->entity != ALERT_ENTITY_AM_HOST)
        sqlite3_bind_int(st, i++, r->granularity);
    sqlite3_bind_int(st, i++, 1); /* counter */
    bind_text(st, i++, r->json);
    switch (r->entity) {
    case ALERT_ENTITY_HOST:
        sqlite3_bind_int(st, i++, r->ip_version);
        bind_text(st, i++, r->entity_val);
        sqlite3_bind_int(st, i++, r->vlan_id);
        bind_text(st, i++, r->name);
        break;
    case ALERT_ENTITY_NETWORK:
        sqlite3_bind_int(st, i++, r->local_network_id);
        bind_text(st, i++, r->entity_val);
        bind_text(st, i++, r->name);
        break;
    case ALERT_ENTITY_INTERFACE:
        sqlite3_bind_int(st, i++, r->ifid);
        bind_text(st, i++, r->subtype);
        bind_text(st, i++, r->name);
        break;
    case ALERT_ENTITY_MAC:
    case ALERT_ENTITY_SNMP_DEVICE:
        bind_text(st, i++, r->entity_val);
        bind_text(st, i++, r->name);
        break;
    default: /* user, system, active monitoring: the entity value */
        bind_text(st, i++, r->entity_val);
        break;
    }
}

static void write_row(struct store_db *d, const struct alert_row *r)
{
    const char *sql = insert_sql(r->entity);
    if (!sql || (r->entity == ALERT_ENTITY_FLOW && !r->flow))
        return;
    sqlite3_stmt **st = &d->insert[r->entity];
    if (!*st && sqlite3_prepare_v2(d->db, sql, -1, st, NULL) != SQLITE_OK) {
        log_error("alert store: %s", sqlite3_errmsg(d->db));
        return;
    }
    bind_row(*st, r);
    if (sqlite3_step(*st) == SQLITE_DONE)
        d->rows++;
    else
        log_error("alert store: insert into %s: %s", alert_entity_table(r->entity),
                  sqlite3_errmsg(d->db));
    sqlite3_reset(*st);
    sqlite3_clear_bindings(*st);
}

/* The table whose oldest row is the oldest of all, and the oldest tstamp of the others. */
static int oldest_table(sqlite3 *db, int64_t *next_oldest)
{
    int best = -1;
    int64_t best_ts = INT64_MAX;
    *next_oldest = INT64_MAX;
    for (int t = 0; alert_schema_tables[t]; t++) {
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT tstamp FROM %s ORDER BY tstamp, rowid LIMIT 1",
                 alert_schema_tables[t]);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
            continue;
        if (sqlite3_step(st) == SQLITE_ROW) {
            int64_t ts = sqlite3_column_int64(st, 0);
            if (ts < best_ts) {
                *next_oldest = best_ts;
                best_ts = ts;
                best = t;
            } else if (ts < *next_oldest) {
                *next_oldest = ts;
            }
        }
        sqlite3_finalize(st);
    }
    return best;
}

/* Deletes the oldest rows (by tstamp, across the tables) beyond max_rows. */
static void prune_excess(struct store_db *d)
{
    while (d->rows > (int64_t)S.max_rows) {
        int64_t bound;
        int t = oldest_table(d->db, &bound);
        if (t < 0)
            break;
        char sql[256];
        snprintf(sql, sizeof(sql),
                 "DELETE FROM %s WHERE rowid IN (SELECT rowid FROM %s WHERE tstamp <= ? "
                 "ORDER BY tstamp, rowid LIMIT ?)",
                 alert_schema_tables[t], alert_schema_tables[t]);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
            break;
        sqlite3_bind_int64(st, 1, bound);
        sqlite3_bind_int64(st, 2, d->rows - (int64_t)S.max_rows);
        int rc = sqlite3_step(st);
        int n = sqlite3_changes(d->db);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE || n == 0)
            break;
        d->rows -= n;
    }
}

static void prune_retention(struct store_db *d, time_t now)
{
    int64_t cutoff = (int64_t)now - (int64_t)S.retention_days * 86400;
    for (int t = 0; alert_schema_tables[t]; t++) {
        char sql[128];
        snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE tstamp < %lld", alert_schema_tables[t],
                 (long long)cutoff);
        if (exec_sql(d->db, sql) == 0)
            d->rows -= sqlite3_changes(d->db);
    }
}

static int64_t count_rows(sqlite3 *db)
{
    int64_t n = 0;
    for (int t = 0; alert_schema_tables[t]; t++) {
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", alert_schema_tables[t]);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
            continue;
        if (sqlite3_step(st) == SQLITE_ROW)
            n += sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return n;
}

/* Writes a batch (freeing it): one transaction per database it touches. */
static void write_batch(struct alert_row *r)
{
    bool in_tx[PROBE_MAX_IFACES] = {false};
    while (r) {
        struct alert_row *next = r->next;
        struct store_db *d = &S.dbs[r->ifid];
        if (!in_tx[r->ifid])
            in_tx[r->ifid] = exec_sql(d->db, "BEGIN") == 0;
        write_row(d, r);
        alert_row_free(r);
        r = next;
    }
    for (int i = 0; i < S.num_dbs; i++) {
        if (!in_tx[i])
            continue;
        prune_excess(&S.dbs[i]);
        exec_sql(S.dbs[i].db, "COMMIT");
    }
}

static void maintain(void)
{
    time_t now = time(NULL);
    if (now < S.next_retention)
        return;
    S.next_retention = now + RETENTION_INTERVAL_S;
    for (int i = 0; i < S.num_dbs; i++)
        if (S.dbs[i].db)
            prune_retention(&S.dbs[i], now);
}

static void *writer_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&S.lock);
    for (;;) {
        /* Woken by a full batch, a flush or stop; else every interval. */
        if (S.queued < WAKE_ROWS && !S.stop)
            cond_wait_ms(&S.work, &S.lock, WRITE_INTERVAL_MS);
        struct alert_row *batch = S.head;
        uint32_t n = S.queued;
        bool stop = S.stop;
        S.head = S.tail = NULL;
        S.queued = 0;
        pthread_mutex_unlock(&S.lock);

        write_batch(batch);
        maintain();

        pthread_mutex_lock(&S.lock);
        S.committed += n;
        pthread_cond_broadcast(&S.written);
        if (stop && !S.head)
            break;
    }
    pthread_mutex_unlock(&S.lock);
    return NULL;
}

/* ---- life cycle ------------------------------------------------------------------- */

static int mkdir_p(const char *path)
{
    char buf[4200];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0750) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0750) != 0 && errno != EEXIST ? -1 : 0;
}

static int open_db(int ifid, struct store_db *d)
{
    char path[4200], dir[4200];
    snprintf(dir, sizeof(dir), "%s/%d/alerts", S.data_dir, ifid);
    if (mkdir_p(dir) != 0) {
        log_error("alert store: cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    alert_store_path(ifid, path, sizeof(path));
    if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        log_error("alert store: cannot open %s: %s", path,
                  d->db ? sqlite3_errmsg(d->db) : "out of memory");
        sqlite3_close(d->db);
        d->db = NULL;
        return -1;
    }
    sqlite3_busy_timeout(d->db, 5000);
    /* WAL: queries on read-only connections never block the writer, nor it them. */
    if (exec_sql(d->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") != 0 ||
        exec_sql(d->db, alert_schema_sql) != 0) {
        sqlite3_close(d->db);
        d->db = NULL;
        return -1;
    }
    d->rows = count_rows(d->db);
    prune_retention(d, time(NULL));
    exec_sql(d->db, "BEGIN");
    prune_excess(d);
    exec_sql(d->db, "COMMIT");
    return 0;
}

int alert_store_start(struct probe *p)
{
    snprintf(S.data_dir, sizeof(S.data_dir), "%s", p->data_dir);
    S.max_rows = p->opt.max_stored_alerts;
    S.retention_days = p->opt.alerts_retention_days;
    S.num_dbs = p->num_ifaces;
    S.next_retention = time(NULL) + RETENTION_INTERVAL_S;
    int failed = 0;
    for (int i = 0; i < S.num_dbs; i++)
        if (open_db(i, &S.dbs[i]) != 0)
            failed++;
    S.stop = false;
    if (pthread_create(&S.thread, NULL, writer_main, NULL) != 0) {
        log_error("alert store: cannot start the writer thread");
        alert_store_stop();
        return -1;
    }
    pthread_setname_np(S.thread, "alert-writer");
    pthread_mutex_lock(&S.lock);
    S.running = true;
    pthread_mutex_unlock(&S.lock);
    return failed ? -1 : 0;
}

void alert_store_stop(void)
{
    pthread_mutex_lock(&S.lock);
    bool running = S.running;
    S.stop = true;
    pthread_cond_signal(&S.work);
    pthread_mutex_unlock(&S.lock);
    if (running)
        pthread_join(S.thread, NULL);
    pthread_mutex_lock(&S.lock);
    S.running = false;
    pthread_cond_broadcast(&S.written);
    pthread_mutex_unlock(&S.lock);
    for (int i = 0; i < S.num_dbs; i++) {
        struct store_db *d = &S.dbs[i];
        for (int e = 0; e < ALERT_ENTITY_MAX; e++)
            sqlite3_finalize(d->insert[e]);
        if (d->db)
            sqlite3_close(d->db);
        memset(d, 0, sizeof(*d));
    }
    S.num_dbs = 0;
}

/* ---- queries ---------------------------------------------------------------------- */

/* Only what a SELECT needs: reading tables, calling functions, recursive CTEs. */
static int authorize_select(void *ud, int action, const char *a, const char *b, const char *c,
                            const char *d)
{
    (void)ud, (void)a, (void)b, (void)c, (void)d;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    default:
        return SQLITE_DENY;
    }
}

static int query_deadline(void *ud)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > ((struct timespec *)ud)->tv_sec; /* non-zero interrupts */
}

static bool only_blanks(const char *s)
{
    for (; *s; s++)
        if (*s != ';' && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

int alert_store_query(lua_State *L, int ifid, const char *sql, bool limit_rows, char *err,
                      size_t errlen)
{
    char path[4200];
    struct stat sb;
    if (ifid < 0 || stat(alert_store_path(ifid, path, sizeof(path)), &sb) != 0) {
        snprintf(err, errlen, "no alert store for interface %d", ifid);
        return 0;
    }
    /* Read what was raised before the query. */
    alert_store_flush();

    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int ret = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open the alert store: %s",
                 db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(db, 2000);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, QUERY_MAX_VALUE_BYTES);
    sqlite3_set_authorizer(db, authorize_select, NULL);
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += QUERY_MAX_MS / 1000;
    sqlite3_progress_handler(db, 10000, query_deadline, &deadline);

    const char *tail = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
        if (sqlite3_errcode(db) == SQLITE_AUTH)
            snprintf(err, errlen, "only SELECT statements are allowed (%s)", sqlite3_errmsg(db));
        else
            snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        goto out;
    }
    if (!st) {
        snprintf(err, errlen, "empty query");
        goto out;
    }
    if (tail && !only_blanks(tail)) {
        snprintf(err, errlen, "one statement only");
        goto out;
    }
    if (!sqlite3_stmt_readonly(st) || sqlite3_stmt_isexplain(st)) {
        snprintf(err, errlen, "only SELECT statements are allowed");
        goto out;
    }

    int max = limit_rows ? ALERT_QUERY_LIMITED_ROWS : ALERT_QUERY_MAX_ROWS;
    int ncol = sqlite3_column_count(st);
    lua_newtable(L);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == max) {
            if (limit_rows)
                break;
            lua_pop(L, 1);
            snprintf(err, errlen, "more than %d rows: add a LIMIT", ALERT_QUERY_MAX_ROWS);
            goto out;
        }
        lua_createtable(L, 0, ncol);
        for (int c = 0; c < ncol; c++) {
            const unsigned char *v = sqlite3_column_text(st, c);
            if (!v)
                continue;
            lua_pushlstring(L, (const char *)v, (size_t)sqlite3_column_bytes(st, c));
            lua_setfield(L, -2, sqlite3_column_name(st, c));
        }
        lua_rawseti(L, -2, ++n);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        lua_pop(L, 1);
        snprintf(err, errlen, "%s",
                 rc == SQLITE_INTERRUPT ? "query took too long (over 5 s)" : sqlite3_errmsg(db));
        goto out;
    }
    ret = 1;
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ret;
}
