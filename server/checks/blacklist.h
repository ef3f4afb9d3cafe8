/* --blacklist FILE: IP addresses and CIDR networks, one per line ('#' starts a comment).
 * Loaded once at start; hosts are flagged when created (host.is_blacklisted). */
#ifndef NTOP_BLACKLIST_H
#define NTOP_BLACKLIST_H

#include "../core/ipaddr.h"

#include <stdbool.h>
#include <stddef.h>

/* Loads the file; 0, or -1 with "FILE:LINE: ..." in err. Main thread, before capture. */
int blacklist_load(const char *path, char *err, size_t errlen);

/* True when `ip` is listed or inside a listed network. Any thread after the load. */
bool blacklist_contains(const struct ipaddr *ip);

/* Number of entries loaded. */
size_t blacklist_size(void);

void blacklist_free(void);

#endif
