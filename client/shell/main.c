/* ntoplua-shell: runs ntopng-style Lua scripts, or a REPL, against remote ntop-probe sensors.
 *
 *   ntoplua-shell --probe sensor1:5741 script.lua arg1 arg2
 *   ntoplua-shell --probe sensor1:5741 --probe sensor2:5741       (REPL)
 *
 * The first probe's ntop, interface, flow, host and network tables are globals; every probe is
 * in the global `probes` (in --probe order) and the module in the global `ntopclient`. */
#include "lua_ntopclient.h"
#include "shell.h"

#include <getopt.h>
#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROG "ntoplua-shell"

struct shell_args {
    const char **probes;
    int nprobes;
    const char **exec; /* -e chunks, in order */
    int nexec;
    bool json, interactive;
    long long deadline_ms, connect_timeout_ms;
    const char *token;           /* --token; NULL: the module reads NTOP_TOKEN */
    bool tls;                    /* --tls */
    const char *tls_ca;          /* --tls-ca FILE */
    const char *tls_server_name; /* --tls-server-name NAME */
    int argc, script;            /* argv index of the script, 0 when none */
    char **argv;
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROG " [options] [script.lua [args...]]\n"
            "\n"
            "Runs Lua 5.4 scripts written for ntopng's Lua API, or an interactive prompt,\n"
            "against remote ntop-probe sensors (ntop-probe --rpc-listen).\n"
            "\n"
            "  -p, --probe HOST:PORT      a probe to connect to (repeatable; port 5741 by\n"
            "                             default; also [v6addr]:port and unix:/path); the\n"
            "                             first one's ntop, interface, flow, host and network\n"
            "                             tables become globals, all are in `probes`\n"
            "  -d, --deadline MS          time allowed to each remote call (default 30000)\n"
            "      --connect-timeout MS   time allowed to connect (default 5000)\n"
            "  -t, --token TOKEN          API token of your user on the probes (default: the\n"
            "                             environment's NTOP_TOKEN; ntop-probe --create-admin\n"
            "                             NAME prints one); prefer NTOP_TOKEN, since command\n"
            "                             lines are visible to other local users\n"
            "      --tls                  connect with TLS, verifying the probe's certificate\n"
            "                             against the system's CA roots\n"
            "      --tls-ca FILE          verify against the CA certificate(s) in FILE (PEM)\n"
            "                             instead; implies --tls\n"
            "      --tls-server-name NAME the name the certificate must carry when it is not\n"
            "                             the probe's host name (implies --tls); there is no\n"
            "                             option that skips verification\n"
            "  -j, --json                 print results (and tprint) as JSON\n"
            "  -e CHUNK                   run the Lua CHUNK (repeatable, before the script)\n"
            "  -i                         enter the prompt after running the script\n"
            "  -V, --version              print the version and exit\n"
            "  -h, --help                 this help\n"
            "\n"
            "With a script, " PROG " runs it with `arg` set and exits non-zero when it fails;\n"
            "the values it returns are printed. Without one it starts a prompt on a terminal\n"
            "(history in ~/.ntoplua_history, TAB completes names such as interface.getH),\n"
            "or runs standard input. The module: ntopclient.connect, connect_all, call_all,\n"
            "install (see client/ntopclient.h and client/lua_ntopclient.c).\n"
            "\n"
            "Example:\n"
            "  " PROG " -p 127.0.0.1:5741 -e 'tprint(interface.getStats().stats)'\n");
}

void shell_error(const char *msg)
{
    fprintf(stderr, PROG ": %s\n", msg);
    fflush(stderr);
}

static long long parse_ms(const char *s, const char *opt)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v <= 0 || v > INT_MAX) {
        fprintf(stderr, PROG ": %s: a positive number of milliseconds expected, got '%s'\n", opt,
                s);
        exit(2);
    }
    return v;
}

static void parse_args(int argc, char **argv, struct shell_args *a)
{
    static const struct option longopts[] = {
        {"probe",           required_argument, NULL, 'p'},
        {"deadline",        required_argument, NULL, 'd'},
        {"connect-timeout", required_argument, NULL, 'C'},
        {"token",           required_argument, NULL, 't'},
        {"tls",             no_argument,       NULL, 'T'},
        {"tls-ca",          required_argument, NULL, 'A'},
        {"tls-server-name", required_argument, NULL, 'N'},
        {"json",            no_argument,       NULL, 'j'},
        {"version",         no_argument,       NULL, 'V'},
        {"help",            no_argument,       NULL, 'h'},
        {NULL,              0,                 NULL, 0  },
    };
    memset(a, 0, sizeof(*a));
    a->deadline_ms = 30000;
    a->connect_timeout_ms = 5000;
    a->probes = calloc((size_t)argc + 1, sizeof(*a->probes));
    a->exec = calloc((size_t)argc + 1, sizeof(*a->exec));
    if (!a->probes || !a->exec) {
        shell_error("out of memory");
        exit(1);
    }
    int c;
    /* "+": stop at the script name, so that its arguments stay its own */
    while ((c = getopt_long(argc, argv, "+p:d:t:je:iVh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            a->probes[a->nprobes++] = optarg;
            break;
        case 'd':
            a->deadline_ms = parse_ms(optarg, "--deadline");
            break;
        case 'C':
            a->connect_timeout_ms = parse_ms(optarg, "--connect-timeout");
            break;
        case 't':
            a->token = optarg;
            break;
        case 'T':
            a->tls = true;
            break;
        case 'A':
            a->tls_ca = optarg;
            break;
        case 'N':
            a->tls_server_name = optarg;
            break;
        case 'j':
            a->json = true;
            break;
        case 'e':
            a->exec[a->nexec++] = optarg;
            break;
        case 'i':
            a->interactive = true;
            break;
        case 'V':
            printf(PROG " %s (%s)\n", NTOP_CLIENT_VERSION, LUA_RELEASE);
            exit(0);
        case 'h':
            usage(stdout);
            exit(0);
        default:
            fprintf(stderr, "Try '" PROG " --help'.\n");
            exit(2);
        }
    }
    a->argc = argc;
    a->argv = argv;
    a->script = optind < argc ? optind : 0;
}

/* ---- running chunks ---- */

static int msghandler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

int shell_docall(lua_State *L, int nargs, int nres)
{
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nres, base);
    lua_remove(L, base);
    if (status != LUA_OK) {
        shell_error(lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    return status;
}

static int print_k(lua_State *L)
{
    shell_print_values(L, 1, lua_gettop(L), lua_toboolean(L, lua_upvalueindex(1)));
    return 0;
}

int shell_print_returned(lua_State *L, int top, bool json)
{
    int n = lua_gettop(L) - top;
    if (n <= 0)
        return LUA_OK;
    lua_pushboolean(L, json);
    lua_pushcclosure(L, print_k, 1);
    lua_insert(L, top + 1);
    return shell_docall(L, n, 0);
}

/* The script at a->script (or "-" / NULL: standard input) with its arguments. */
static int run_script(lua_State *L, const struct shell_args *a)
{
    const char *name = a->script ? a->argv[a->script] : "-";
    /* arg: the script at 0, its arguments at 1.., the shell's own arguments below 0 */
    int first = a->script ? a->script : a->argc;
    lua_createtable(L, a->argc - first, first + 1);
    for (int i = 0; i < a->argc; i++) {
        lua_pushstring(L, a->argv[i]);
        lua_rawseti(L, -2, i - first);
    }
    lua_setglobal(L, "arg");
    int status = luaL_loadfile(L, strcmp(name, "-") == 0 ? NULL : name);
    if (status != LUA_OK) {
        shell_error(lua_tostring(L, -1));
        lua_pop(L, 1);
        return status;
    }
    int top = lua_gettop(L) - 1, nargs = 0;
    for (int i = first + 1; a->script && i < a->argc; i++, nargs++)
        lua_pushstring(L, a->argv[i]);
    status = shell_docall(L, nargs, LUA_MULTRET);
    if (status == LUA_OK)
        shell_print_returned(L, top, a->json);
    return status;
}

/* ---- set-up ---- */

/* package.path gets the probe's Lua library (lua_utils & co.): <exe>/../share/ntop-probe. */
static void add_lualib_path(lua_State *L)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    char dir[PATH_MAX + 64];
    snprintf(dir, sizeof(dir), "%s/../share/ntop-probe/scripts/lua/modules", exe);
    if (access(dir, R_OK) != 0)
        return;
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "path");
    lua_pushfstring(L, "%s/?.lua;%s", dir, lua_tostring(L, -1));
    lua_setfield(L, -3, "path");
    lua_pop(L, 2);
}

/* Connects the probes (module at the top of the stack) and sets `probes` and the globals of
 * the first. Raises when the first probe cannot be reached. */
static void connect_probes(lua_State *L, const struct shell_args *a)
{
    int mod = lua_gettop(L);
    lua_createtable(L, a->nprobes, 0);
    for (int i = 0; i < a->nprobes; i++) {
        for (int lazy = 0; lazy < 2; lazy++) {
            lua_getfield(L, mod, "connect");
            lua_pushstring(L, a->probes[i]);
            lua_createtable(L, 0, 3);
            lua_pushinteger(L, a->deadline_ms);
            lua_setfield(L, -2, "deadline_ms");
            lua_pushinteger(L, a->connect_timeout_ms);
            lua_setfield(L, -2, "connect_timeout_ms");
            lua_pushboolean(L, lazy);
            lua_setfield(L, -2, "lazy");
            if (a->token) {
                lua_pushstring(L, a->token);
                lua_setfield(L, -2, "token");
            }
            if (a->tls || a->tls_ca || a->tls_server_name) {
                lua_pushboolean(L, 1);
                lua_setfield(L, -2, "tls");
            }
            if (a->tls_ca) {
                lua_pushstring(L, a->tls_ca);
                lua_setfield(L, -2, "tls_ca");
            }
            if (a->tls_server_name) {
                lua_pushstring(L, a->tls_server_name);
                lua_setfield(L, -2, "tls_server_name");
            }
            lua_call(L, 2, 2);
            if (!lua_isnil(L, -2))
                break;
            if (i == 0) /* the globals' probe must answer */
                luaL_error(L, "%s", lua_tostring(L, -1));
            fprintf(stderr, PROG ": warning: %s (its calls will fail until it answers)\n",
                    lua_tostring(L, -1));
            lua_pop(L, 2);
        }
        lua_pop(L, 1);
        lua_rawseti(L, -2, i + 1);
    }
    if (a->nprobes > 0) {
        lua_getfield(L, mod, "install");
        lua_rawgeti(L, -2, 1);
        lua_call(L, 1, 0);
    }
    lua_setglobal(L, "probes");
}

static int pmain(lua_State *L)
{
    const struct shell_args *a = lua_touserdata(L, 1);
    luaL_checkversion(L);
    luaL_openlibs(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_ntopclient);
    lua_setfield(L, -2, "ntopclient");
    lua_pop(L, 1);
    add_lualib_path(L);
    shell_open_print(L, a->json);

    lua_getglobal(L, "require");
    lua_pushliteral(L, "ntopclient");
    lua_call(L, 1, 1);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "ntopclient");
    connect_probes(L, a);
    lua_pop(L, 1);

    for (int i = 0; i < a->nexec; i++) {
        int top = lua_gettop(L);
        if (luaL_loadbuffer(L, a->exec[i], strlen(a->exec[i]), "=(command line)") != LUA_OK) {
            shell_error(lua_tostring(L, -1));
            lua_pushboolean(L, 0);
            return 1;
        }
        if (shell_docall(L, 0, LUA_MULTRET) != LUA_OK) {
            lua_pushboolean(L, 0);
            return 1;
        }
        shell_print_returned(L, top, a->json);
    }
    int ok = 1;
    if (a->script || (a->nexec == 0 && !isatty(STDIN_FILENO)))
        ok = run_script(L, a) == LUA_OK;
    else if (a->nexec == 0 || a->interactive)
        ok = shell_repl(L, a->json) == 0;
    if (ok && a->script && a->interactive && isatty(STDIN_FILENO))
        ok = shell_repl(L, a->json) == 0;
    lua_pushboolean(L, ok);
    return 1;
}

int main(int argc, char **argv)
{
    struct shell_args a;
    parse_args(argc, argv, &a);
    lua_State *L = luaL_newstate();
    if (!L) {
        shell_error("cannot create the Lua state: not enough memory");
        return EXIT_FAILURE;
    }
    lua_pushcfunction(L, pmain);
    lua_pushlightuserdata(L, &a);
    int status = lua_pcall(L, 1, 1, 0);
    int ok = status == LUA_OK && lua_toboolean(L, -1);
    if (status != LUA_OK)
        shell_error(lua_tostring(L, -1));
    lua_close(L);
    free(a.probes);
    free(a.exec);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
