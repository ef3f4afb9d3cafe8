/* Local networks given with -m, and the per-network counters of an interface. */
#ifndef NTOP_NETLIST_H
#define NTOP_NETLIST_H

#include "ipaddr.h"

#include <stdbool.h>
#include <stdint.h>

#define NETLIST_MAX 64

struct local_net {
    struct ipaddr base; /* masked */
    int bits;
    char name[64]; /* "192.168.1.0/24" or the alias given as CIDR=alias */
};

struct netlist {
    int count;
    struct local_net nets[NETLIST_MAX];
};

/* Parses "CIDR[=alias][,CIDR...]" and appends; returns 0 or -1 with a message in err. */
int netlist_parse(struct netlist *nl, const char *spec, char *err, size_t errlen);

/* Index of the most specific network containing `a`, or -1. */
int netlist_find(const struct netlist *nl, const struct ipaddr *a);

/* Parses "a.b.c.d/n" or "x::/n" into a masked base and prefix length; 0 or -1. */
int cidr_parse(const char *s, struct ipaddr *base, int *bits);

/* True when `a` is inside base/bits. */
bool cidr_contains(const struct ipaddr *base, int bits, const struct ipaddr *a);

#endif
