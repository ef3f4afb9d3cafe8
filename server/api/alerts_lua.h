/* Shared pieces of the alert bindings (interface_alerts.c, network_alerts.c, ...): the
 * Lua shape of an alert, argument checks, and running on the interface's owner thread. */
#ifndef NTOP_ALERTS_LUA_H
#define NTOP_ALERTS_LUA_H

#include "../alerts/alert_state.h"
#include "api_util.h"

/* Pushes ntopng's table of an entity alert (OtherAlertableEntity::luaAlert): alert_id,
 * subtype, entity_id, entity_val, score, severity, name, tstamp, tstamp_end, granularity,
 * json, ip, port. */
void alerts_push_alert(lua_State *L, const struct alert_entity_state *e,
                       const struct engaged_alert *a);

/* Periodicity argument: an integer 0..5 (ntopng's ScriptPeriodicity), or raises. */
int alerts_check_periodicity(lua_State *L, int arg);

/* Optional periodicity filter: -1 when absent or nil. */
int alerts_opt_periodicity(lua_State *L, int arg);

/* Pushes the alerts of e (all periodicities, or one) as items idx+1.. of the table on
 * top; returns the new idx. Filters: alert_type < 0 and severity < 0 mean any. */
int alerts_push_entity_alerts(lua_State *L, const struct alert_entity_state *e, int periodicity,
                              int64_t alert_type, int severity, int idx);

/* storeTriggeredAlert(key, periodicity, score, alert_type, subtype, json [, ip, name,
 * port]) and releaseTriggeredAlert(key, periodicity, when) on an entity, from argument
 * `arg` on: push the alert table, or nil when nothing changed. network_id: the local
 * network of a network entity, else -1. */
int alerts_lua_store_triggered(lua_State *L, struct iface *ifc, int type, const char *value,
                               bool external, int network_id, int arg);
int alerts_lua_release_triggered(lua_State *L, struct iface *ifc, int type, const char *value,
                                 bool external, int arg);

/* Runs fn(L) on the owner thread of the selected interface, as the registry does for
 * interface bindings: for bindings of other namespaces that touch interface state (the
 * network entity's alerts). Errors are re-raised on the calling thread. */
int alerts_lua_on_owner(lua_State *L, lua_CFunction fn);

#endif
