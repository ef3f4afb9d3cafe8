/* nDPI statistics tables in ntopng's shape, shared by interface.getStats/getnDPIStats. */
#ifndef NTOP_PUSH_NDPI_H
#define NTOP_PUSH_NDPI_H

#include <lua.h>

struct iface;

/* Sets t.ndpi and t.ndpi_categories on the table at the top of the stack. Owner thread. */
void push_iface_ndpi(lua_State *L, struct iface *ifc);

#endif
