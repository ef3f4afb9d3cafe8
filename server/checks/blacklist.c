/* The blacklist: entries sorted by (prefix length, family, address), so a lookup masks the
 * address once per distinct prefix length and binary-searches that run. */
#include "blacklist.h"

#include "../core/netlist.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bl_entry {
    struct ipaddr base; /* masked */
    int bits;
};

static struct bl_entry *entries;
static size_t num_entries;
/* Distinct prefix lengths, longest first, with where their run starts and ends. */
static struct {
    int bits;
    size_t start, end;
} runs[2 * 129];
static size_t num_runs;

static int cmp_entry(const void *pa, const void *pb)
{
    const struct bl_entry *a = pa, *b = pb;
    if (a->bits != b->bits)
        return b->bits - a->bits;
    return ipaddr_cmp(&a->base, &b->base);
}

int blacklist_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return -1;
    }
    char line[512];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = line;
        while (isspace((unsigned char)*s))
            s++;
        char *e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1]))
            *--e = '\0';
        if (!*s)
            continue;
        struct bl_entry en;
        if (cidr_parse(s, &en.base, &en.bits) != 0) {
            snprintf(err, errlen, "%s:%d: '%s' is not an IP address or CIDR network", path, lineno,
                     s);
            rc = -1;
            break;
        }
        /* Prefix lengths are relative to the family: keep the families in separate runs. */
        if (en.base.ver == 6)
            en.bits += 200;
        struct bl_entry *grown = realloc(entries, (num_entries + 1) * sizeof(*entries));
        if (!grown) {
            snprintf(err, errlen, "%s: out of memory", path);
            rc = -1;
            break;
        }
        entries = grown;
        entries[num_entries++] = en;
    }
    fclose(f);
    if (rc != 0) {
        blacklist_free();
        return rc;
    }
    if (num_entries > 1)
        qsort(entries, num_entries, sizeof(*entries), cmp_entry);
    for (size_t i = 0; i < num_entries; i++) {
        if (num_runs == 0 || runs[num_runs - 1].bits != entries[i].bits) {
            runs[num_runs].bits = entries[i].bits;
            runs[num_runs].start = i;
            num_runs++;
        }
        runs[num_runs - 1].end = i + 1;
    }
    return 0;
}

bool blacklist_contains(const struct ipaddr *ip)
{
    for (size_t r = 0; r < num_runs; r++) {
        int bits = runs[r].bits;
        if ((bits >= 200) != (ip->ver == 6))
            continue;
        struct bl_entry key = {.base = *ip, .bits = bits};
        ipaddr_mask(&key.base, bits >= 200 ? bits - 200 : bits);
        if (bsearch(&key, entries + runs[r].start, runs[r].end - runs[r].start, sizeof(key),
                    cmp_entry))
            return true;
    }
    return false;
}

size_t blacklist_size(void)
{
    return num_entries;
}

void blacklist_free(void)
{
    free(entries);
    entries = NULL;
    num_entries = num_runs = 0;
}
