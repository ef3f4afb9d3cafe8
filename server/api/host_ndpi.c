/* host.l7(): the current host's per-protocol and per-category traffic (nDPIStats::lua). */
#include "api_util.h"
#include "push_host.h"

#include "../core/iface.h"

static int host_l7(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    lua_newtable(L);
    push_host_ndpi(L, ifc, lua_ctx_of(L)->host);
    return 1;
}

static const struct api_binding host_ndpi_bindings[] = {
    {"l7", host_l7, API_READ, API_CTX_HOST},
};

const struct api_table api_host_ndpi = API_TABLE("host", "ndpi", host_ndpi_bindings);
