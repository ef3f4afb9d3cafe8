/* Every binding table, by namespace. Each file under server/api/ defines one table at its
 * end; this list is the only place that names them all (like Lua's linit.c). */
#include "../lua/registry.h"

#define TABLES(X)                                                                                  \
    X(api_ntop_system)                                                                             \
    X(api_ntop_time)                                                                               \
    X(api_ntop_log)                                                                                \
    X(api_ntop_net)                                                                                \
    X(api_ntop_bitmap)                                                                             \
    X(api_ntop_misc)                                                                               \
    X(api_ntop_ndpi)                                                                               \
    X(api_ntop_cache)                                                                              \
    X(api_ntop_fs)                                                                                 \
    X(api_ntop_exec)                                                                               \
    X(api_ntop_netio)                                                                              \
    X(api_ntop_users)                                                                              \
    X(api_ntop_cache_list)                                                                         \
    X(api_ntop_cache_server)                                                                       \
    X(api_ntop_luacache)                                                                           \
    X(api_ntop_prefs)                                                                              \
    X(api_ntop_checks)                                                                             \
    X(api_ntop_alerts)                                                                             \
    X(api_interface_ifaces)                                                                        \
    X(api_interface_stats)                                                                         \
    X(api_interface_hosts)                                                                         \
    X(api_interface_host_lists)                                                                    \
    X(api_interface_flows)                                                                         \
    X(api_interface_macs)                                                                          \
    X(api_interface_ndpi)                                                                          \
    X(api_interface_networks)                                                                      \
    X(api_interface_alerts)                                                                        \
    X(api_flow_flows)                                                                              \
    X(api_flow_ndpi)                                                                               \
    X(api_flow_alerts)                                                                             \
    X(api_host_hosts)                                                                              \
    X(api_host_ndpi)                                                                               \
    X(api_host_checks)                                                                             \
    X(api_host_alerts)                                                                             \
    X(api_host_contacts)                                                                           \
    X(api_network_networks)                                                                        \
    X(api_network_alerts)

#define DECLARE(t) extern const struct api_table t;
TABLES(DECLARE)
#undef DECLARE

#define ADDRESS(t) &t,
const struct api_table *const api_all_tables[] = {TABLES(ADDRESS) NULL};
#undef ADDRESS
