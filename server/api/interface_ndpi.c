/* interface.* nDPI: per-protocol statistics and the protocol/category catalogue. */
#include "api_util.h"
#include "push_ndpi.h"

#include "../core/iface.h"

#include <ndpi/ndpi_api.h>

static void push_traffic_keys(lua_State *L, const struct traffic *t)
{
    api_set_uint(L, "packets.sent", t->pkts_sent);
    api_set_uint(L, "packets.rcvd", t->pkts_rcvd);
    api_set_uint(L, "bytes.sent", t->bytes_sent);
    api_set_uint(L, "bytes.rcvd", t->bytes_rcvd);
}

void push_iface_ndpi(lua_State *L, struct iface *ifc)
{
    struct ndpi_detection_module_struct *nd = ifc->ndpi;
    lua_newtable(L);
    for (uint32_t id = 0; id < ifc->l7_size; id++) {
        const struct l7_counters *c = &ifc->l7[id];
        if (c->t.bytes_sent + c->t.bytes_rcvd == 0)
            continue; /* ntopng omits protocols without traffic */
        lua_newtable(L);
        api_set_str(L, "breed",
                    ndpi_get_proto_breed_name(nd, ndpi_get_proto_breed(nd, (uint16_t)id)));
        push_traffic_keys(L, &c->t);
        api_set_uint(L, "duration", c->duration);
        api_set_uint(L, "num_flows", c->num_flows);
        lua_setfield(L, -2, ndpi_get_proto_name(nd, (uint16_t)id));
    }
    lua_setfield(L, -2, "ndpi");

    lua_newtable(L);
    for (uint32_t id = 0; id < ifc->l7_num_categories; id++) {
        const char *name = ndpi_category_get_name(nd, (ndpi_protocol_category_t)id);
        if (!name || !*name)
            continue;
        const struct l7_counters *c = &ifc->categories[id];
        lua_newtable(L);
        api_set_int(L, "category", id);
        api_set_uint(L, "bytes", c->t.bytes_sent + c->t.bytes_rcvd);
        api_set_uint(L, "bytes.sent", c->t.bytes_sent);
        api_set_uint(L, "bytes.rcvd", c->t.bytes_rcvd);
        api_set_uint(L, "duration", c->duration);
        lua_setfield(L, -2, name);
    }
    lua_setfield(L, -2, "ndpi_categories");
}

static int interface_get_ndpi_stats(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    lua_newtable(L);
    push_iface_ndpi(L, ifc);
    return 1;
}

static int interface_get_ndpi_proto_name(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    lua_Integer id = luaL_checkinteger(L, 1);
    if (id == 65535) {
        lua_pushstring(L, "Host-to-Host Contact");
        return 1;
    }
    if (id < 0 || id >= (lua_Integer)ifc->l7_size) {
        lua_pushstring(L, "Unknown");
        return 1;
    }
    lua_pushstring(L, ndpi_get_proto_name(ifc->ndpi, (uint16_t)id));
    return 1;
}

static int interface_get_ndpi_proto_id(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    const char *name = luaL_checkstring(L, 1);
    lua_pushinteger(L, ndpi_get_proto_by_name(ifc->ndpi, name));
    return 1;
}

static int interface_get_ndpi_category_name(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    lua_Integer id = luaL_checkinteger(L, 1);
    const char *name = NULL;
    if (id >= 0 && id < (lua_Integer)ifc->l7_num_categories)
        name = ndpi_category_get_name(ifc->ndpi, (ndpi_protocol_category_t)id);
    if (name && *name)
        lua_pushstring(L, name);
    else
        lua_pushfstring(L, "Invalid category %d", (int)id);
    return 1;
}

/* DNS and DHCP keep a network running; ntopng calls them critical. */
static bool is_critical_protocol(uint16_t id)
{
    return id == NDPI_PROTOCOL_DNS || id == NDPI_PROTOCOL_DHCP;
}

static int interface_get_ndpi_protocols(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    lua_Integer category = luaL_optinteger(L, 1, -1);
    bool skip_critical = api_opt_bool(L, 2, false);
    if (category >= (lua_Integer)ifc->l7_num_categories)
        return 0;
    lua_newtable(L);
    uint32_t n = ndpi_get_num_supported_protocols(ifc->ndpi);
    for (uint32_t id = 0; id < n; id++) {
        if (skip_critical && is_critical_protocol((uint16_t)id))
            continue;
        if (category >= 0 &&
            ndpi_get_proto_category(ifc->ndpi, (ndpi_protocol){0, (uint16_t)id, 0}) != category)
            continue;
        const char *name = ndpi_get_proto_name(ifc->ndpi, (uint16_t)id);
        if (!name || !*name)
            continue;
        lua_pushfstring(L, "%d", (int)id); /* ntopng returns the ids as strings */
        lua_setfield(L, -2, name);
    }
    return 1;
}

static int interface_get_ndpi_categories(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    lua_newtable(L);
    for (uint32_t id = 0; id < ifc->l7_num_categories; id++) {
        const char *name = ndpi_category_get_name(ifc->ndpi, (ndpi_protocol_category_t)id);
        if (!name || !*name)
            continue;
        lua_pushfstring(L, "%d", (int)id);
        lua_setfield(L, -2, name);
    }
    return 1;
}

static const struct api_binding interface_ndpi_bindings[] = {
    {"getnDPICategories",   interface_get_ndpi_categories,    API_READ, API_CTX_IFACE},
    {"getnDPICategoryName", interface_get_ndpi_category_name, API_READ, API_CTX_IFACE},
    {"getnDPIProtoId",      interface_get_ndpi_proto_id,      API_READ, API_CTX_IFACE},
    {"getnDPIProtoName",    interface_get_ndpi_proto_name,    API_READ, API_CTX_IFACE},
    {"getnDPIProtocols",    interface_get_ndpi_protocols,     API_READ, API_CTX_IFACE},
    {"getnDPIStats",        interface_get_ndpi_stats,         API_READ, API_CTX_IFACE},
};

const struct api_table api_interface_ndpi = API_TABLE("interface", "ndpi", interface_ndpi_bindings);
