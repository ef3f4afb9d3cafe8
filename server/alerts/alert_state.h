/* Engaged alerts, alert caches and flow/host scores of one interface. The state hangs
 * off struct iface (ifc->alerts) and belongs to the interface's owner thread: every
 * function here runs there (bindings reach it through iface_call).
 *
 * Life cycle (ntopng's OtherAlertableEntity): an alert is engaged by
 * alerts_engage(entity, value, key, periodicity, ...) while its condition holds; engaging
 * an engaged key does nothing. alerts_release() ends it: the alert leaves memory and is
 * written to the store with tstamp_end. Flow alerts add their score to the flow's hosts
 * until the flow is freed (ntopng's rule); a flow is written to the store once per check
 * event whose alerts changed its predominant alert (alerts_flow_emit). */
#ifndef NTOP_ALERT_STATE_H
#define NTOP_ALERT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct iface;
struct flow;
struct host;

struct engaged_alert {
    char *key; /* the check's key within its entity and periodicity */
    int periodicity;
    uint32_t alert_id;
    uint32_t score;
    char *subtype, *json;
    char *ip, *name; /* optional extras of storeTriggeredAlert */
    uint16_t port;
    int64_t tstamp;     /* engaged at (wall clock seconds) */
    int64_t tstamp_end; /* set on release */
    bool refreshed;     /* host alerts: triggered again in the current checks run */
    bool in_host_score; /* its score is part of the host's score (host.triggerAlert) */
};

/* An alerted entity: the interface, a local network, a host, or an external one. */
struct alert_entity_state {
    struct alert_entity_state *next; /* hash chain */
    int type;                        /* enum alert_entity */
    char *value;                     /* ntopng's entity value */
    int network_id;                  /* networks */
    struct host *host;               /* hosts: borrowed, cleared when the host goes */
    struct engaged_alert **alerts;
    uint32_t num_alerts, cap_alerts;
    struct alert_cache_entry *cache;
    bool external; /* made by triggerExternalAlert */
};

/* What a flow's alerts did (struct flow's `alerts`, NULL for flows never alerted). */
struct flow_alert_info {
    uint8_t map[16]; /* bit per flow alert id: raised at most once per flow */
    uint32_t score;  /* sum of its alerts' scores */
    uint32_t cli_score, srv_score;
    struct host *cli_credited, *srv_credited; /* hosts whose score holds ours */
    /* ntopng's predominant alert: the highest-scored, the first of equal ones. It and its
     * message (malloc'd, NULL for none) are what the flow's stored row shows. */
    uint16_t predominant_alert, predominant_score;
    char *predominant_msg;
};

/* Creates / frees an interface's state. Freeing releases every engaged alert (written
 * with tstamp_end = now) so nothing engaged is lost at shutdown. Call the free before the
 * host table goes. */
struct alert_state *alert_state_new(void);
void alert_state_free(struct iface *ifc);

/* The entity (created when `create`); NULL when absent or out of memory. External
 * entities (triggerExternalAlert) are apart from the probe's own, as in ntopng. */
struct alert_entity_state *alerts_entity(struct iface *ifc, int type, const char *value,
                                         bool external, bool create);

/* ntopng's entity values: the interface id ("0"), a local network's CIDR, a host key
 * ("ip" or "ip@vlan"). Into buf; buf. */
char *alerts_iface_value(const struct iface *ifc, char *buf, size_t len);
char *alerts_network_value(const struct iface *ifc, int network_id, char *buf, size_t len);
char *alerts_host_value(const struct host *h, char *buf, size_t len);

/* Engages an alert. Returns the engaged alert (owned by the state) when it was not
 * engaged yet, NULL when that key was already engaged (nothing changes) or on memory
 * shortage. */
struct engaged_alert *alerts_engage(struct iface *ifc, struct alert_entity_state *e,
                                    const char *key, int periodicity, uint32_t score,
                                    uint32_t alert_id, const char *subtype, const char *json);

/* Releases an engaged alert at `when`: it is written to the store and handed to the
 * caller, who frees it with engaged_alert_free. NULL when not engaged. An entity left
 * with no alerts and no cache is dropped. */
struct engaged_alert *alerts_release(struct iface *ifc, struct alert_entity_state *e,
                                     const char *key, int periodicity, int64_t when);
void engaged_alert_free(struct engaged_alert *a);

/* Releases every engaged alert of the interface (interface.releaseEngagedAlerts). Returns
 * how many. */
uint32_t alerts_release_all(struct iface *ifc, int64_t when);

/* Calls fn for every entity (any order). fn must not engage or release. */
void alerts_foreach_entity(struct iface *ifc, void (*fn)(struct alert_entity_state *e, void *ud),
                           void *ud);

/* Alert caches (get/setCachedAlertValue): "" when unset. */
const char *alerts_cache_get(struct alert_entity_state *e, const char *key, int periodicity);
int alerts_cache_set(struct iface *ifc, struct alert_entity_state *e, const char *key,
                     const char *value, int periodicity);

/* Engaged alerts of the interface by entity type and severity group (ntopng's
 * num_alerts_engaged* counters); whether an external alert was ever raised. */
uint32_t alerts_num_engaged(struct iface *ifc, int entity_type);
bool alerts_has_external(struct iface *ifc);
void alerts_set_external_seen(struct iface *ifc);

/* --- flows ---------------------------------------------------------------------- */

/* Raises flow alert `alert_id` on f: once per flow and type (ntopng's alerts map). The
 * client and server scores add to the flow and to its hosts' scores until the flow is
 * freed; the alert becomes the predominant one when it outscores it (keeping `message`,
 * may be NULL). Nothing is written: see alerts_flow_emit. Returns 1 when raised, 0 when
 * f already had that alert, -1 on a bad id or memory shortage. */
int alerts_flow_raise(struct flow *f, unsigned alert_id, uint16_t cli_score, uint16_t srv_score,
                      const char *message);

/* The flow's predominant alert id (FLOW_ALERT_NORMAL, 0, when not alerted). */
uint16_t alerts_flow_predominant(const struct flow *f);

/* ntopng's FlowChecksExecutor: after the checks of one flow event (detection, a periodic
 * update, the end), when the predominant alert is not `predominant_before`, writes one
 * row: the predominant alert's id and message, the flow's total score, and the map of
 * every alert raised on the flow so far. */
void alerts_flow_emit(struct iface *ifc, struct flow *f, uint16_t predominant_before);

/* ntopng's "flow risk" check: raises the alert of every nDPI risk of f->risk that ntopng
 * maps to a flow alert, with nDPI's client/server score split. Returns how many were
 * raised now. */
int alerts_flow_raise_risks(struct iface *ifc, struct flow *f);

/* Takes the flow's score back from its hosts and frees its alert info. Called when a flow
 * is freed (any flow: a no-op for flows never alerted). */
void alerts_flow_freed(struct flow *f);

/* --- hosts ------------------------------------------------------------------------ */

/* host.triggerAlert: engages (or refreshes) the host's custom-script alert (host alert
 * 24) with `score` (all of it as client score, ntopng's CLIENT_FULL_RISK_PERCENTAGE) and
 * `message`. Returns 1 when newly engaged, 0 when refreshed, -1 on memory shortage. */
int alerts_host_trigger(struct iface *ifc, struct host *h, uint32_t score, const char *message);

/* Around one run of a host's checks (for the checks engine): alerts not triggered again
 * between begin and end are released at end, as ntopng's host checks do. */
void alerts_host_checks_begin(struct iface *ifc, struct host *h);
void alerts_host_checks_end(struct iface *ifc, struct host *h);

/* A host is going away: its engaged alerts are released (written) and forgotten. */
void alerts_host_freed(struct iface *ifc, struct host *h);

#endif
