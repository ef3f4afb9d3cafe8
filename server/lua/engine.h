/* Lua states for scripts in the probe: libraries, the API namespaces and the module path
 * through ntopng's boilerplate (ntop.getDirs().installdir .. "/scripts/lua/modules"). */
#ifndef NTOP_ENGINE_H
#define NTOP_ENGINE_H

#include "context.h"

#include <lua.h>

/* Creates a state bound to `ctx` (borrowed; must outlive the state). NULL on failure.
 * The caller closes it with lua_close(). One thread at a time per state. */
lua_State *engine_new_state(struct lua_ctx *ctx);

/* Runs a script file with `argv` as the global `arg`. Returns 0, or -1 after printing
 * "<file>: <error>" with a traceback to stderr. */
int engine_run_file(lua_State *L, const char *path, int argc, char **argv);

#endif
