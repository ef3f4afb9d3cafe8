/* flow.* of a flow check: the application protocol nDPI gave the current flow. */
#include "api_util.h"

#include "../core/dpi.h"
#include "../core/flow.h"
#include "../core/iface.h"

static int flow_l7_master_proto(lua_State *L)
{
    lua_pushinteger(L, lua_ctx_of(L)->flow->ndpi_master);
    return 1;
}

static int flow_l7_proto(lua_State *L)
{
    lua_pushinteger(L, lua_ctx_of(L)->flow->ndpi_app);
    return 1;
}

/* "TLS.Google", "DNS", "Unknown" (ndpi_protocol2name, as ntopng). */
static int flow_l7_proto_name(lua_State *L)
{
    char buf[64];
    struct iface *ifc = lua_ctx_iface(L);
    lua_pushstring(L, dpi_flow_proto_name(ifc, lua_ctx_of(L)->flow, buf, sizeof(buf)));
    return 1;
}

static const struct api_binding flow_ndpi_bindings[] = {
    {"l7_master_proto", flow_l7_master_proto, API_READ, API_CTX_FLOW},
    {"l7_proto",        flow_l7_proto,        API_READ, API_CTX_FLOW},
    {"l7_proto_name",   flow_l7_proto_name,   API_READ, API_CTX_FLOW},
};

const struct api_table api_flow_ndpi = API_TABLE("flow", "ndpi", flow_ndpi_bindings);
