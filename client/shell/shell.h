/* ntoplua-shell: a Lua 5.4 interpreter with the ntopclient module preloaded. */
#ifndef NTOP_SHELL_H
#define NTOP_SHELL_H

#include <lua.h>
#include <stdbool.h>

/* Prints the n values at first.. on stdout, one after the other: tables pretty-printed with
 * sorted keys (or all values as JSON when json is set, through dkjson). Top-level strings are
 * printed as they are, like print() does. Runs Lua code: call it in a protected context. */
void shell_print_values(lua_State *L, int first, int n, bool json);

/* Installs the pretty printer as the global tprint(v) (JSON when json is set). */
void shell_open_print(lua_State *L, bool json);

/* The interactive loop on a terminal: readline, history in ~/.ntoplua_history, completion of
 * global names, namespaces and function names. Returns the exit status. */
int shell_repl(lua_State *L, bool json);

/* Calls the function below its nargs arguments at the top of the stack, as lua_pcall does;
 * reports an error (with a traceback) on stderr. Returns the lua_pcall status. */
int shell_docall(lua_State *L, int nargs, int nres);

/* Prints the values above `top` (shell_print_values, protected) and drops them. */
int shell_print_returned(lua_State *L, int top, bool json);

/* Prints "ntoplua-shell: msg" on stderr. */
void shell_error(const char *msg);

#endif
