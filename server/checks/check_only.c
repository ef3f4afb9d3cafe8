/* A script's conditions ("-- @only: COND" lines at its top, doc/checks.md), tested in C
 * before the engine enters Lua: a built-in flow script that only looks at DNS flows costs
 * nothing on the others. A condition may only skip runs in which the script would do
 * nothing, so alerts are the same with or without it (builtin_checks_same_alerts). */
#include "check_engine_priv.h"

#include "../alerts/alert_state.h"
#include "../alerts/alert_types.h"
#include "../core/dpi.h"
#include "../core/flow.h"
#include "../core/host.h"
#include "../core/log.h"

#include <ctype.h>
#include <ndpi_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ONLY_TAG "@only:"

static const struct {
    const char *word;
    enum check_only bit;
} only_words[] = {
    {"new_risks",   ONLY_NEW_RISKS  },
    {"blacklisted", ONLY_BLACKLISTED},
    {"contacts",    ONLY_CONTACTS   },
    {"new_flows",   ONLY_NEW_FLOWS  },
};

static bool is_flow_kind(enum check_kind k)
{
    return k == CK_FLOW_DETECTED || k == CK_FLOW_PERIODIC || k == CK_FLOW_END;
}

/* l7=DNS,DHCP: the names, each kept. */
static int parse_l7(struct check_script *s, char *list)
{
    for (char *name = strtok(list, ","); name; name = strtok(NULL, ",")) {
        if (s->num_l7 == CHECK_ONLY_MAX_L7 || !*name)
            return -1;
        if (!(s->l7[s->num_l7] = strdup(name)))
            return -1;
        s->num_l7++;
    }
    s->only |= ONLY_L7;
    return s->num_l7 ? 0 : -1;
}

/* new_flows>=N: N from 1 to 1,000,000. */
static int parse_new_flows_min(struct check_script *s, const char *n)
{
    char *end;
    long v = strtol(n, &end, 10);
    if (end == n || *end || v < 1 || v > 1000000)
        return -1;
    s->only |= ONLY_NEW_FLOWS;
    s->new_flows_min = (uint32_t)v;
    return 0;
}

static int parse_cond(struct check_script *s, char *cond)
{
    if (strncmp(cond, "l7=", 3) == 0)
        return parse_l7(s, cond + 3);
    if (strncmp(cond, "new_flows>=", 11) == 0)
        return parse_new_flows_min(s, cond + 11);
    for (size_t i = 0; i < sizeof(only_words) / sizeof(only_words[0]); i++)
        if (strcmp(cond, only_words[i].word) == 0) {
            s->only |= only_words[i].bit;
            if (only_words[i].bit == ONLY_NEW_FLOWS)
                s->new_flows_min = 1;
            return 0;
        }
    return -1;
}

static bool cond_fits(uint32_t only, enum check_kind kind)
{
    uint32_t flow_bits = ONLY_L7 | ONLY_NEW_RISKS;
    /* new_flows remembers the last minute run: minute host scripts only. */
    uint32_t host_bits = ONLY_BLACKLISTED | ONLY_CONTACTS | ONLY_NEW_FLOWS;
    if (is_flow_kind(kind))
        return !(only & ~flow_bits);
    if (kind == CK_HOST + PERIOD_MINUTE)
        return !(only & ~host_bits);
    return only == 0;
}

/* Whether protocol `id`'s name, up to a dot, is one of the script's. */
static bool l7_name_listed(struct check_engine *e, const struct check_script *s, uint16_t id)
{
    const char *name = ndpi_get_proto_name(e->ifc->ndpi, id);
    size_t len = strcspn(name, ".");
    for (int i = 0; i < s->num_l7; i++)
        if (strlen(s->l7[i]) == len && strncmp(s->l7[i], name, len) == 0)
            return true;
    return false;
}

/* The answer for every protocol id, once: the test is then a lookup for every flow (it
 * was a name lookup and string compares, for each flow and each l7= script). */
static int l7_index(struct check_engine *e, struct check_script *s)
{
    uint32_t n = dpi_num_protocols(e->ifc);
    if (!(s->l7_ids = calloc(n ? n : 1, 1)))
        return -1;
    s->num_l7_ids = n;
    for (uint32_t id = 0; id < n; id++)
        s->l7_ids[id] = l7_name_listed(e, s, (uint16_t)id);
    return 0;
}

int check_only_parse(struct check_engine *e, struct check_script *s, const char *path,
                     enum check_kind kind)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0; /* loaded already: nothing to say about it here */
    char line[512];
    int rc = 0;
    /* Only the comment block at the top. */
    while (rc == 0 && fgets(line, sizeof(line), fp) && strncmp(line, "--", 2) == 0) {
        char *p = line + 2;
        while (*p == ' ')
            p++;
        if (strncmp(p, ONLY_TAG, strlen(ONLY_TAG)) != 0)
            continue;
        p += strlen(ONLY_TAG);
        for (char *end = p + strlen(p); end > p && isspace((unsigned char)end[-1]);)
            *--end = '\0';
        while (*p == ' ')
            p++;
        if (parse_cond(s, p) != 0) {
            log_error("%s: check %s: unknown condition \"%s\" in its " ONLY_TAG
                      " line: it runs without conditions",
                      e->ifc->name, path, p);
            rc = -1;
        }
    }
    fclose(fp);
    if (rc == 0 && !cond_fits(s->only, kind)) {
        log_error("%s: check %s: its " ONLY_TAG " conditions do not apply to its directory: it "
                  "runs without conditions",
                  e->ifc->name, path);
        rc = -1;
    }
    if (rc == 0 && (s->only & ONLY_L7) && l7_index(e, s) != 0) {
        log_error("%s: check %s: out of memory: it runs without conditions", e->ifc->name, path);
        rc = -1;
    }
    if (rc != 0)
        check_only_free(s);
    return rc;
}

void check_only_free(struct check_script *s)
{
    for (int i = 0; i < s->num_l7; i++)
        free(s->l7[i]);
    s->num_l7 = 0;
    free(s->l7_ids);
    s->l7_ids = NULL;
    s->num_l7_ids = 0;
    s->only = 0;
    s->new_flows_min = 0;
}

/* What flow.l7_proto_name() starts with ("DNS" for "DNS.Google"): ndpi_protocol2name
 * names the master first when there is one that differs from the application. */
static bool l7_matches(struct check_engine *e, const struct check_script *s, const struct flow *f)
{
    uint16_t id = f->ndpi_master != NDPI_PROTOCOL_UNKNOWN && f->ndpi_master != f->ndpi_app
                      ? f->ndpi_master
                      : f->ndpi_app;
    if (id < s->num_l7_ids)
        return s->l7_ids[id];
    return l7_name_listed(e, s, id);
}

/* flow.triggerRiskAlerts() would raise something: a risk mapped to an alert the flow has
 * not raised yet. */
static bool has_new_risks(const struct flow *f)
{
    for (uint64_t r = f->risk >> 1; r; r &= r - 1) {
        unsigned risk = (unsigned)__builtin_ctzll(r) + 1;
        const struct flow_alert_type *t = flow_alert_type_for_risk(risk);
        if (t && !(f->alerts && (f->alerts->map[t->id / 8] & (1u << (t->id % 8)))))
            return true;
    }
    return false;
}

bool check_only_pass(struct check_engine *e, const struct check_script *s)
{
    uint32_t only = s->only;
    if (!only)
        return true;
    const struct flow *f = e->ctx.flow;
    const struct host *h = e->ctx.host;
    if ((only & ONLY_L7) && !(f && l7_matches(e, s, f)))
        return false;
    if ((only & ONLY_NEW_RISKS) && !(f && has_new_risks(f)))
        return false;
    if ((only & ONLY_BLACKLISTED) && !(h && h->blacklisted))
        return false;
    if ((only & ONLY_CONTACTS) && !(h && e->host_new_unanswered))
        return false;
    if ((only & ONLY_NEW_FLOWS) && !(h && (h->check_new_cli_flows >= s->new_flows_min ||
                                           h->check_new_srv_flows >= s->new_flows_min ||
                                           h->check_prev_new_flows >= s->new_flows_min)))
        return false;
    return true;
}
