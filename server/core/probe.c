#include "probe.h"

#include "iface.h"

#include <string.h>
#include <time.h>

struct probe *the_probe;

struct iface *probe_iface(struct probe *p, int id)
{
    if (!p || id < 0 || id >= p->num_ifaces)
        return NULL;
    return p->ifaces[id];
}

bool probe_is_local(const struct probe *p, const struct ipaddr *a, int *net_id)
{
    int net = netlist_find(&p->local_nets, a);
    if (net_id)
        *net_id = net;
    if (net >= 0)
        return true;
    if (a->ver == 4) {
        if (a->b[12] == 127)
            return true;
    } else {
        if (a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80) /* fe80::/10 */
            return true;
    }
    return ipaddr_is_multicast(a) || ipaddr_is_broadcast(a);
}

uint64_t probe_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
