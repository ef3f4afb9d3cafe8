/* Engaged alerts and scores of an interface (see alert_state.h). Owner thread only. */
#include "alert_state.h"

#include "../core/iface.h"
#include "../core/probe.h"
#include "alert_json.h"
#include "alert_store.h"
#include "alert_types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUCKETS 4096 /* a power of two */

struct alert_cache_entry {
    struct alert_cache_entry *next;
    char *key;
    int periodicity;
    char *value;
};

struct alert_state {
    struct alert_entity_state *buckets[BUCKETS];
    uint32_t num_entities;
    uint32_t num_host_entities;
    bool external_seen;
};

static uint32_t hash_entity(int type, bool external, const char *value)
{
    uint32_t h = 2166136261u ^ (uint32_t)type ^ (external ? 0x80000000u : 0);
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h & (BUCKETS - 1);
}

struct alert_state *alert_state_new(void)
{
    return calloc(1, sizeof(struct alert_state));
}

char *alerts_iface_value(const struct iface *ifc, char *buf, size_t len)
{
    snprintf(buf, len, "%d", ifc->id);
    return buf;
}

char *alerts_network_value(const struct iface *ifc, int network_id, char *buf, size_t len)
{
    const struct local_net *n = &ifc->probe->local_nets.nets[network_id];
    char a[IPADDR_STRLEN];
    snprintf(buf, len, "%s/%d", ipaddr_str(&n->base, a, sizeof(a)), n->bits);
    return buf;
}

char *alerts_host_value(const struct host *h, char *buf, size_t len)
{
    char a[IPADDR_STRLEN];
    ipaddr_str(&h->ip, a, sizeof(a));
    if (h->vlan)
        snprintf(buf, len, "%s@%u", a, h->vlan);
    else
        snprintf(buf, len, "%s", a);
    return buf;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

void engaged_alert_free(struct engaged_alert *a)
{
    if (!a)
        return;
    free(a->key);
    free(a->subtype);
    free(a->json);
    free(a->ip);
    free(a->name);
    free(a);
}

struct alert_entity_state *alerts_entity(struct iface *ifc, int type, const char *value,
                                         bool external, bool create)
{
    struct alert_state *st = ifc->alerts;
    if (!st)
        return NULL;
    uint32_t b = hash_entity(type, external, value);
    for (struct alert_entity_state *e = st->buckets[b]; e; e = e->next)
        if (e->type == type && e->external == external && strcmp(e->value, value) == 0)
            return e;
    if (!create)
        return NULL;
    struct alert_entity_state *e = calloc(1, sizeof(*e));
    if (!e || !(e->value = strdup(value))) {
        free(e);
        return NULL;
    }
    e->type = type;
    e->external = external;
    e->network_id = -1;
    e->next = st->buckets[b];
    st->buckets[b] = e;
    st->num_entities++;
    if (type == ALERT_ENTITY_HOST && !external)
        st->num_host_entities++;
    if (external)
        st->external_seen = true;
    return e;
}

/* Drops an entity with nothing left in it. */
static void entity_drop_if_empty(struct iface *ifc, struct alert_entity_state *e)
{
    if (e->num_alerts || e->cache)
        return;
    struct alert_state *st = ifc->alerts;
    struct alert_entity_state **pp = &st->buckets[hash_entity(e->type, e->external, e->value)];
    while (*pp && *pp != e)
        pp = &(*pp)->next;
    if (!*pp)
        return;
    *pp = e->next;
    st->num_entities--;
    if (e->type == ALERT_ENTITY_HOST && !e->external)
        st->num_host_entities--;
    free(e->alerts);
    free(e->value);
    free(e);
}

static struct engaged_alert *find_alert(struct alert_entity_state *e, const char *key,
                                        int periodicity, uint32_t *index)
{
    for (uint32_t i = 0; i < e->num_alerts; i++) {
        struct engaged_alert *a = e->alerts[i];
        if (a->periodicity == periodicity && strcmp(a->key, key) == 0) {
            if (index)
                *index = i;
            return a;
        }
    }
    return NULL;
}

struct engaged_alert *alerts_engage(struct iface *ifc, struct alert_entity_state *e,
                                    const char *key, int periodicity, uint32_t score,
                                    uint32_t alert_id, const char *subtype, const char *json)
{
    (void)ifc;
    if (find_alert(e, key, periodicity, NULL))
        return NULL;
    if (e->num_alerts == e->cap_alerts) {
        uint32_t cap = e->cap_alerts ? 2 * e->cap_alerts : 4;
        struct engaged_alert **n = realloc(e->alerts, cap * sizeof(*n));
        if (!n)
            return NULL;
        e->alerts = n;
        e->cap_alerts = cap;
    }
    struct engaged_alert *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->key = strdup(key);
    a->subtype = strdup(subtype ? subtype : "");
    a->json = strdup(json ? json : "");
    if (!a->key || !a->subtype || !a->json) {
        engaged_alert_free(a);
        return NULL;
    }
    a->periodicity = periodicity;
    a->alert_id = alert_id;
    a->score = score;
    a->tstamp = (int64_t)time(NULL);
    e->alerts[e->num_alerts++] = a;
    return a;
}

/* The store row of a released alert of entity e. */
static void store_released(struct iface *ifc, const struct alert_entity_state *e,
                           const struct engaged_alert *a)
{
    const char *table = alert_entity_table(e->type);
    if (!table || e->type == ALERT_ENTITY_FLOW)
        return;
    struct alert_row *r = calloc(1, sizeof(*r));
    if (!r)
        return;
    r->ifid = ifc->id;
    r->entity = e->type;
    r->alert_id = a->alert_id;
    r->score = a->score;
    r->tstamp = a->tstamp;
    r->tstamp_end = a->tstamp_end;
    r->granularity = alert_periodicity_seconds(a->periodicity);
    r->json = dup_or_null(a->json);
    r->subtype = dup_or_null(a->subtype);
    r->name = dup_or_null(a->name);
    r->entity_val = strdup(e->value);
    r->local_network_id = e->network_id >= 0 ? e->network_id : 0;
    if (e->type == ALERT_ENTITY_INTERFACE && !r->name)
        r->name = strdup(ifc->name);
    if (e->type == ALERT_ENTITY_HOST) {
        /* host_alerts keeps the address and the VLAN apart. */
        char *at = r->entity_val ? strchr(r->entity_val, '@') : NULL;
        if (at) {
            r->vlan_id = atoi(at + 1);
            *at = '\0';
        }
        r->ip_version = r->entity_val && strchr(r->entity_val, ':') ? 6 : 4;
        if (e->host && e->host->name && !r->name)
            r->name = strdup(e->host->name);
    }
    if (e->type == ALERT_ENTITY_NETWORK && e->network_id >= 0) {
        const struct local_net *n = &ifc->probe->local_nets.nets[e->network_id];
        if (strcmp(n->name, e->value) != 0 && !r->name)
            r->name = strdup(n->name); /* the -m alias */
    }
    alert_store_enqueue(r);
}

struct engaged_alert *alerts_release(struct iface *ifc, struct alert_entity_state *e,
                                     const char *key, int periodicity, int64_t when)
{
    uint32_t i;
    struct engaged_alert *a = find_alert(e, key, periodicity, &i);
    if (!a)
        return NULL;
    e->alerts[i] = e->alerts[--e->num_alerts];
    a->tstamp_end = when;
    if (a->in_host_score && e->host && e->host->score_as_client >= a->score)
        e->host->score_as_client -= a->score;
    store_released(ifc, e, a);
    entity_drop_if_empty(ifc, e);
    return a;
}

void alerts_foreach_entity(struct iface *ifc, void (*fn)(struct alert_entity_state *e, void *ud),
                           void *ud)
{
    struct alert_state *st = ifc->alerts;
    if (!st)
        return;
    for (uint32_t b = 0; b < BUCKETS; b++)
        for (struct alert_entity_state *e = st->buckets[b], *next; e; e = next) {
            next = e->next;
            fn(e, ud);
        }
}

/* Releases every alert of e; e may be dropped. */
static uint32_t release_entity(struct iface *ifc, struct alert_entity_state *e, int64_t when)
{
    uint32_t n = 0;
    while (e->num_alerts) {
        bool last = e->num_alerts == 1 && !e->cache;
        struct engaged_alert *a = e->alerts[e->num_alerts - 1];
        engaged_alert_free(alerts_release(ifc, e, a->key, a->periodicity, when));
        n++;
        if (last)
            break; /* e is gone */
    }
    return n;
}

uint32_t alerts_release_all(struct iface *ifc, int64_t when)
{
    struct alert_state *st = ifc->alerts;
    uint32_t n = 0;
    if (!st)
        return 0;
    for (uint32_t b = 0; b < BUCKETS; b++)
        for (struct alert_entity_state *e = st->buckets[b], *next; e; e = next) {
            next = e->next;
            n += release_entity(ifc, e, when);
        }
    return n;
}

static void free_cache(struct alert_entity_state *e)
{
    for (struct alert_cache_entry *c = e->cache, *next; c; c = next) {
        next = c->next;
        free(c->key);
        free(c->value);
        free(c);
    }
    e->cache = NULL;
}

void alert_state_free(struct iface *ifc)
{
    struct alert_state *st = ifc->alerts;
    if (!st)
        return;
    alerts_release_all(ifc, (int64_t)time(NULL));
    for (uint32_t b = 0; b < BUCKETS; b++)
        for (struct alert_entity_state *e = st->buckets[b], *next; e; e = next) {
            next = e->next;
            free_cache(e);
            free(e->alerts);
            free(e->value);
            free(e);
        }
    free(st);
    ifc->alerts = NULL;
}

const char *alerts_cache_get(struct alert_entity_state *e, const char *key, int periodicity)
{
    if (e)
        for (struct alert_cache_entry *c = e->cache; c; c = c->next)
            if (c->periodicity == periodicity && strcmp(c->key, key) == 0)
                return c->value;
    return "";
}

int alerts_cache_set(struct iface *ifc, struct alert_entity_state *e, const char *key,
                     const char *value, int periodicity)
{
    (void)ifc;
    for (struct alert_cache_entry *c = e->cache; c; c = c->next)
        if (c->periodicity == periodicity && strcmp(c->key, key) == 0) {
            char *v = strdup(value);
            if (!v)
                return -1;
            free(c->value);
            c->value = v;
            return 0;
        }
    struct alert_cache_entry *c = calloc(1, sizeof(*c));
    if (!c || !(c->key = strdup(key)) || !(c->value = strdup(value))) {
        if (c)
            free(c->key);
        free(c);
        return -1;
    }
    c->periodicity = periodicity;
    c->next = e->cache;
    e->cache = c;
    return 0;
}

struct count_ud {
    int type;
    uint32_t n;
};

static void count_entity(struct alert_entity_state *e, void *ud)
{
    struct count_ud *c = ud;
    if (c->type < 0 || c->type == e->type)
        c->n += e->num_alerts;
}

uint32_t alerts_num_engaged(struct iface *ifc, int entity_type)
{
    struct count_ud c = {.type = entity_type};
    alerts_foreach_entity(ifc, count_entity, &c);
    return c.n;
}

bool alerts_has_external(struct iface *ifc)
{
    return ifc->alerts && ifc->alerts->external_seen;
}

void alerts_set_external_seen(struct iface *ifc)
{
    if (ifc->alerts)
        ifc->alerts->external_seen = true;
}

/* ---- flows ---------------------------------------------------------------------- */

/* Copies s (may be NULL) to *tail, advancing it; the copy, or NULL. */
static char *copy_to(char **tail, const char *s, size_t len)
{
    if (!s)
        return NULL;
    char *d = *tail;
    memcpy(d, s, len + 1);
    *tail += len + 1;
    return d;
}

/* The row of a flow, in one block with its columns and strings: the writer frees it, and
 * every free of the capture thread's memory there takes that thread's malloc arena lock
 * (the capture thread then waits in a futex). Its addresses are formatted and its JSON
 * built by the writer. Takes `message` (malloc'd or NULL). */
static void store_flow_alert(struct iface *ifc, const struct flow *f, unsigned alert_id,
                             uint32_t score, char *message)
{
    const char *cli_name = f->cli_host ? f->cli_host->name : NULL;
    const char *srv_name = f->srv_host ? f->srv_host->name : NULL;
    size_t cli_len = cli_name ? strlen(cli_name) : 0, srv_len = srv_name ? strlen(srv_name) : 0;
    size_t msg_len = message ? strlen(message) : 0;
    struct alert_row *r =
        calloc(1, sizeof(*r) + sizeof(struct alert_flow_cols) + cli_len + srv_len + msg_len + 3);
    if (!r) {
        free(message);
        return;
    }
    struct alert_flow_cols *c = (struct alert_flow_cols *)(r + 1);
    char *tail = (char *)(c + 1);
    r->ifid = ifc->id;
    r->entity = ALERT_ENTITY_FLOW;
    r->alert_id = alert_id;
    r->score = score;
    r->tstamp = r->tstamp_end = (int64_t)time(NULL);
    r->flow = c;
    c->message = copy_to(&tail, message, msg_len);
    free(message);
    c->cli_name = copy_to(&tail, cli_name, cli_len);
    c->srv_name = copy_to(&tail, srv_name, srv_len);
    c->cli = f->key.cli;
    c->srv = f->key.srv;
    c->cli_port = f->key.cli_port;
    c->srv_port = f->key.srv_port;
    c->vlan_id = f->key.vlan;
    c->proto = f->key.proto;
    c->l7_proto = f->ndpi_app;
    c->l7_master_proto = f->ndpi_master;
    c->l7_cat = f->ndpi_category;
    c->cli2srv_bytes = f->c2s.bytes;
    c->srv2cli_bytes = f->s2c.bytes;
    c->cli2srv_pkts = f->c2s.packets;
    c->srv2cli_pkts = f->s2c.packets;
    c->first_seen = (int64_t)(f->first_seen_us / 1000000u);
    c->flow_risk_bitmap = f->risk;
    if (f->alerts)
        memcpy(c->alerts_map, f->alerts->map, sizeof(c->alerts_map));
    alert_store_enqueue(r);
}

int alerts_flow_raise(struct flow *f, unsigned alert_id, uint16_t cli_score, uint16_t srv_score,
                      const char *message)
{
    if (alert_id == FLOW_ALERT_NORMAL || alert_id > FLOW_ALERT_MAX_ID)
        return -1;
    struct flow_alert_info *in = f->alerts;
    if (!in && !(in = f->alerts = calloc(1, sizeof(*in))))
        return -1;
    if (in->map[alert_id / 8] & (1u << (alert_id % 8)))
        return 0;

    /* ntopng's caps: each side and their sum at most ALERT_SCORE_MAX. */
    uint32_t cli = cli_score > ALERT_SCORE_MAX ? ALERT_SCORE_MAX : cli_score;
    uint32_t srv = srv_score > ALERT_SCORE_MAX ? ALERT_SCORE_MAX : srv_score;
    if (cli + srv > ALERT_SCORE_MAX)
        srv = ALERT_SCORE_MAX - cli;
    bool predominant = cli + srv > in->predominant_score || !in->predominant_alert;
    char *msg = NULL;
    if (predominant && message && !(msg = strdup(message)))
        return -1;

    in->map[alert_id / 8] |= (uint8_t)(1u << (alert_id % 8));
    in->score += cli + srv;
    in->cli_score += cli;
    in->srv_score += srv;
    /* The hosts credited first keep the whole score, even if the flow later swaps roles. */
    if (!in->cli_credited)
        in->cli_credited = f->cli_host;
    if (!in->srv_credited)
        in->srv_credited = f->srv_host;
    if (in->cli_credited)
        in->cli_credited->score_as_client += cli;
    if (in->srv_credited)
        in->srv_credited->score_as_server += srv;
    if (predominant) {
        in->predominant_alert = (uint16_t)alert_id;
        in->predominant_score = (uint16_t)(cli + srv);
        free(in->predominant_msg);
        in->predominant_msg = msg;
    }
    return 1;
}

uint16_t alerts_flow_predominant(const struct flow *f)
{
    return f->alerts ? f->alerts->predominant_alert : FLOW_ALERT_NORMAL;
}

void alerts_flow_emit(struct iface *ifc, struct flow *f, uint16_t predominant_before)
{
    struct flow_alert_info *in = f->alerts;
    if (!in || in->predominant_alert == predominant_before)
        return;
    /* The row takes the message: a later row needs a new predominant alert, and so its
     * own message. */
    char *msg = in->predominant_msg;
    in->predominant_msg = NULL;
    store_flow_alert(ifc, f, in->predominant_alert, in->score, msg);
}

int alerts_flow_raise_risks(struct iface *ifc, struct flow *f)
{
    int n = 0;
    for (unsigned risk = 1; risk < 64; risk++) {
        if (!(f->risk & ((uint64_t)1 << risk)))
            continue;
        const struct flow_alert_type *t = flow_alert_type_for_risk(risk);
        if (!t)
            continue;
        uint16_t cli, srv;
        flow_risk_score(risk, &cli, &srv);
        int rc = alerts_flow_raise(f, t->id, cli, srv, NULL);
        if (rc < 0)
            return -1;
        n += rc;
    }
    return n;
}

void alerts_flow_freed(struct flow *f)
{
    struct flow_alert_info *in = f->alerts;
    if (!in)
        return;
    if (in->cli_credited)
        in->cli_credited->score_as_client -= in->cli_score;
    if (in->srv_credited)
        in->srv_credited->score_as_server -= in->srv_score;
    free(in->predominant_msg);
    free(in);
    f->alerts = NULL;
}

/* ---- hosts ------------------------------------------------------------------------ */

#define HOST_CUSTOM_KEY        "custom_lua_script"
#define HOST_CHECK_PERIODICITY 1 /* host checks run every minute */

int alerts_host_trigger(struct iface *ifc, struct host *h, uint32_t score, const char *message)
{
    char value[IPADDR_STRLEN + 8];
    struct alert_entity_state *e = alerts_entity(
        ifc, ALERT_ENTITY_HOST, alerts_host_value(h, value, sizeof(value)), false, true);
    if (!e)
        return -1;
    e->host = h;
    struct engaged_alert *a = find_alert(e, HOST_CUSTOM_KEY, HOST_CHECK_PERIODICITY, NULL);
    if (a) {
        a->refreshed = true;
        return 0;
    }
    char *json = alert_json(HOST_CUSTOM_KEY, "host", message);
    a = alerts_engage(ifc, e, HOST_CUSTOM_KEY, HOST_CHECK_PERIODICITY, score,
                      HOST_ALERT_CUSTOM_LUA_SCRIPT, "", json);
    free(json);
    if (!a) {
        entity_drop_if_empty(ifc, e);
        return -1;
    }
    a->refreshed = true;
    a->in_host_score = true;
    h->score_as_client += score;
    return 1;
}

void alerts_host_checks_begin(struct iface *ifc, struct host *h)
{
    if (!ifc->alerts || !ifc->alerts->num_host_entities)
        return;
    char value[IPADDR_STRLEN + 8];
    struct alert_entity_state *e = alerts_entity(
        ifc, ALERT_ENTITY_HOST, alerts_host_value(h, value, sizeof(value)), false, false);
    for (uint32_t i = 0; e && i < e->num_alerts; i++)
        e->alerts[i]->refreshed = false;
}

void alerts_host_checks_end(struct iface *ifc, struct host *h)
{
    if (!ifc->alerts || !ifc->alerts->num_host_entities)
        return;
    char value[IPADDR_STRLEN + 8];
    struct alert_entity_state *e = alerts_entity(
        ifc, ALERT_ENTITY_HOST, alerts_host_value(h, value, sizeof(value)), false, false);
    if (!e)
        return;
    int64_t now = (int64_t)time(NULL);
    for (uint32_t i = e->num_alerts; i-- > 0;) {
        struct engaged_alert *a = e->alerts[i];
        if (a->refreshed)
            continue;
        bool last = e->num_alerts == 1 && !e->cache;
        engaged_alert_free(alerts_release(ifc, e, a->key, a->periodicity, now));
        if (last)
            return;
    }
}

void alerts_host_freed(struct iface *ifc, struct host *h)
{
    if (!ifc->alerts || !ifc->alerts->num_host_entities)
        return;
    char value[IPADDR_STRLEN + 8];
    struct alert_entity_state *e = alerts_entity(
        ifc, ALERT_ENTITY_HOST, alerts_host_value(h, value, sizeof(value)), false, false);
    if (!e || e->host != h)
        return;
    release_entity(ifc, e, (int64_t)time(NULL));
    e = alerts_entity(ifc, ALERT_ENTITY_HOST, value, false, false);
    if (e) { /* only its cache is left */
        e->host = NULL;
        free_cache(e);
        entity_drop_if_empty(ifc, e);
    }
}
