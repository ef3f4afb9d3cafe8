#include "netlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cidr_parse(const char *s, struct ipaddr *base, int *bits)
{
    char buf[IPADDR_STRLEN + 8];
    if (strlen(s) >= sizeof(buf))
        return -1;
    strcpy(buf, s);
    char *slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    if (ipaddr_parse(buf, base) != 0)
        return -1;
    int width = base->ver == 4 ? 32 : 128;
    int n = width;
    if (slash) {
        char *end;
        long v = strtol(slash + 1, &end, 10);
        if (*end != '\0' || end == slash + 1 || v < 0 || v > width)
            return -1;
        n = (int)v;
    }
    ipaddr_mask(base, n);
    *bits = n;
    return 0;
}

bool cidr_contains(const struct ipaddr *base, int bits, const struct ipaddr *a)
{
    if (a->ver != base->ver)
        return false;
    struct ipaddr m = *a;
    ipaddr_mask(&m, bits);
    return memcmp(m.b, base->b, 16) == 0;
}

int netlist_parse(struct netlist *nl, const char *spec, char *err, size_t errlen)
{
    char *copy = strdup(spec);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        if (!*tok)
            continue;
        if (nl->count >= NETLIST_MAX) {
            snprintf(err, errlen, "too many local networks (at most %d)", NETLIST_MAX);
            rc = -1;
            break;
        }
        char *alias = strchr(tok, '=');
        if (alias)
            *alias++ = '\0';
        struct local_net *ln = &nl->nets[nl->count];
        if (cidr_parse(tok, &ln->base, &ln->bits) != 0) {
            snprintf(err, errlen, "invalid network '%s' (expected CIDR such as 192.168.1.0/24)",
                     tok);
            rc = -1;
            break;
        }
        if (alias && *alias) {
            snprintf(ln->name, sizeof(ln->name), "%s", alias);
        } else {
            char ip[IPADDR_STRLEN];
            snprintf(ln->name, sizeof(ln->name), "%s/%d", ipaddr_str(&ln->base, ip, sizeof(ip)),
                     ln->bits);
        }
        nl->count++;
    }
    free(copy);
    return rc;
}

int netlist_find(const struct netlist *nl, const struct ipaddr *a)
{
    int best = -1, best_bits = -1;
    for (int i = 0; i < nl->count; i++) {
        const struct local_net *ln = &nl->nets[i];
        if (ln->bits > best_bits && cidr_contains(&ln->base, ln->bits, a)) {
            best = i;
            best_bits = ln->bits;
        }
    }
    return best;
}
