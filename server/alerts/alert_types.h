/* ntopng's alert model as data: entities, severities, periodicities, the flow alert types
 * (FlowAlertTypeEnum ids, categories, default scores) and the nDPI risk <-> flow alert
 * mapping. Pure functions and constant tables: any thread. */
#ifndef NTOP_ALERT_TYPES_H
#define NTOP_ALERT_TYPES_H

#include <stdbool.h>
#include <stdint.h>

/* ntopng's AlertEntity ids (alert_entities.lua). */
enum alert_entity {
    ALERT_ENTITY_INTERFACE = 0,
    ALERT_ENTITY_HOST = 1,
    ALERT_ENTITY_NETWORK = 2,
    ALERT_ENTITY_SNMP_DEVICE = 3,
    ALERT_ENTITY_FLOW = 4,
    ALERT_ENTITY_MAC = 5,
    ALERT_ENTITY_HOST_POOL = 6,
    ALERT_ENTITY_USER = 7,
    ALERT_ENTITY_AM_HOST = 8,
    ALERT_ENTITY_SYSTEM = 9,
    ALERT_ENTITY_OTHER = 15,
    ALERT_ENTITY_MAX = 16,
};

/* ntopng's AlertLevel. */
enum alert_severity {
    ALERT_SEV_NONE = 0,
    ALERT_SEV_DEBUG,
    ALERT_SEV_INFO,
    ALERT_SEV_NOTICE,
    ALERT_SEV_WARNING,
    ALERT_SEV_ERROR,
    ALERT_SEV_CRITICAL,
    ALERT_SEV_ALERT,
    ALERT_SEV_EMERGENCY,
};

/* ntopng's SCORE_LEVEL_* thresholds (nDPI's NDPI_SCORE_RISK_* values). */
enum alert_score_level {
    ALERT_SCORE_INFO = 1,
    ALERT_SCORE_NOTICE = 10,
    ALERT_SCORE_WARNING = 50,
    ALERT_SCORE_ERROR = 100,
    ALERT_SCORE_CRITICAL = 200,
    ALERT_SCORE_EMERGENCY = 250,
};

/* ntopng's cap on one flow's score (SCORE_MAX_VALUE). */
#define ALERT_SCORE_MAX 500

/* ScriptPeriodicity: 0 aperiodic, 1 minute, 2 five minutes, 3 hour, 4 day, 5 (unnamed). */
#define ALERT_NUM_PERIODICITIES 6

/* ntopng's alert categories (AlertCategory). */
enum alert_category {
    ALERT_CAT_OTHER = 0,
    ALERT_CAT_SECURITY = 1,
    ALERT_CAT_INTERNALS = 2,
    ALERT_CAT_NETWORK = 3,
    ALERT_CAT_SYSTEM = 4,
    ALERT_CAT_IDS_IPS = 5,
};

/* Flow alert ids used by the probe itself (FlowAlertTypeEnum). */
#define FLOW_ALERT_NORMAL            0
#define FLOW_ALERT_CUSTOM_LUA_SCRIPT 87
#define FLOW_ALERT_MAX_ID            127 /* the per-flow alert bitmap holds ids 0..127 */

/* Host alert ids (HostAlertTypeEnum). */
#define HOST_ALERT_CUSTOM_LUA_SCRIPT 24

struct flow_alert_type {
    uint16_t id;
    uint8_t category;
    uint16_t score;   /* default score of non-risk alerts; see flow_alert_default_score */
    uint8_t risk;     /* nDPI risk the alert stands for, 0 for none */
    const char *name; /* ntopng's check / alert key name */
};

/* Utils::mapScoreToSeverity / mapSeverityToScore. */
enum alert_severity alert_score_to_severity(uint64_t score);
uint32_t alert_severity_to_score(enum alert_severity sev);

/* Utils::periodicityToSeconds: 0 for aperiodic and unknown. */
int alert_periodicity_seconds(int periodicity);

/* The alert store table of an entity ("host_alerts", ...); NULL when ntopng's store has
 * none (host pools, ASNs, ...). */
const char *alert_entity_table(int entity);

/* The flow alert type registered with `id` (ntopng community build), NULL otherwise. */
const struct flow_alert_type *flow_alert_type_get(unsigned id);

/* The flow alert type raised for nDPI risk `risk`, NULL when ntopng raises none. */
const struct flow_alert_type *flow_alert_type_for_risk(unsigned risk);

/* ntop.getFlowAlertScore: the fixed score of a check's alert, or nDPI's score of the risk
 * a risk alert stands for (as FlowAlertsLoader registers them). */
uint16_t flow_alert_default_score(const struct flow_alert_type *t);

/* nDPI's client/server split of a risk's score (ndpi_risk2score); returns the sum. */
uint16_t flow_risk_score(unsigned risk, uint16_t *cli, uint16_t *srv);

/* Walks the registered flow alert types in id order; `i` from 0; NULL at the end. */
const struct flow_alert_type *flow_alert_type_at(unsigned i);

#endif
