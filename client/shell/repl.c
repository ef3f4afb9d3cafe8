/* The interactive prompt: GNU readline with history and completion, evaluation like lua.c
 * (an expression prints its values, a statement runs, an incomplete chunk asks for more). */
#include "lua_ntopclient.h"
#include "shell.h"

#include <lauxlib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#define HISTORY_FILE "/.ntoplua_history"
#define HISTORY_MAX  1000

static lua_State *repl_L; /* for the completion callbacks (one prompt per process) */

/* ---- Ctrl-C while a chunk runs: stop it at the next Lua instruction (as lua.c does) ---- */

static void interrupted_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted!");
}

static void on_sigint(int sig)
{
    signal(sig, SIG_DFL); /* a second Ctrl-C ends the process */
    lua_sethook(repl_L, interrupted_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* ---- completion ---- */

static const char *const lua_keywords[] = {
    "and",      "break",  "do",   "else", "elseif", "end",   "false", "for",
    "function", "goto",   "if",   "in",   "local",  "nil",   "not",   "or",
    "repeat",   "return", "then", "true", "until",  "while", NULL};

struct candidates {
    char **items;
    size_t n, cap;
    int last_type; /* Lua type of the single candidate */
};

static struct candidates cands;

static void cand_add(const char *prefix, size_t plen, const char *name, int type)
{
    if (cands.n == cands.cap) {
        size_t cap = cands.cap ? cands.cap * 2 : 64;
        char **items = realloc(cands.items, cap * sizeof(*items));
        if (!items)
            return;
        cands.items = items;
        cands.cap = cap;
    }
    size_t len = strlen(name);
    char *s = malloc(plen + len + 1);
    if (!s)
        return;
    memcpy(s, prefix, plen);
    memcpy(s + plen, name, len + 1);
    cands.items[cands.n++] = s;
    cands.last_type = type;
}

static void cands_clear(void)
{
    for (size_t i = 0; i < cands.n; i++)
        free(cands.items[i]);
    cands.n = 0;
}

/* Adds the string keys of the table at idx that start with partial (methods only: functions). */
static void add_keys(lua_State *L, int idx, const char *prefix, size_t plen, const char *partial,
                     int methods)
{
    size_t len = strlen(partial);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) == LUA_TSTRING && (!methods || lua_type(L, -1) == LUA_TFUNCTION)) {
            const char *k = lua_tostring(L, -2);
            if (strncmp(k, partial, len) == 0 && strcspn(k, " .:-()[]") == strlen(k))
                cand_add(prefix, plen, k, lua_type(L, -1));
        }
        lua_pop(L, 1);
    }
}

/* Adds the names a value at idx offers after "." or ":": its keys, its metatable's __index
 * table (string methods), a probe's namespaces and methods. */
static void add_fields(lua_State *L, int idx, const char *prefix, size_t plen, const char *partial,
                       int methods)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TTABLE)
        add_keys(L, idx, prefix, plen, partial, methods);
    if (luaL_testudata(L, idx, NTOPCLIENT_PROBE_MT)) {
        lua_getiuservalue(L, idx, 1);
        add_keys(L, lua_gettop(L), prefix, plen, partial, methods);
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, idx, "__index") != LUA_TNIL) {
        if (lua_type(L, -1) == LUA_TTABLE)
            add_keys(L, lua_gettop(L), prefix, plen, partial, methods);
        else if (lua_getupvalue(L, -1, 1) && lua_type(L, -1) == LUA_TTABLE) /* probe methods */
            add_keys(L, lua_gettop(L), prefix, plen, partial, methods);
        lua_settop(L, idx);
    }
}

/* Protected: (text) -> builds cands for text, e.g. "interface.getH", "string.fo", "pri". */
static int complete_k(lua_State *L)
{
    const char *text = lua_tostring(L, 1);
    const char *sep = strpbrk(text, ".:") ? text + strlen(text) : NULL;
    while (sep && sep > text && sep[-1] != '.' && sep[-1] != ':')
        sep--;
    if (!sep) { /* a global name or a keyword */
        lua_pushglobaltable(L);
        add_keys(L, lua_gettop(L), "", 0, text, 0);
        for (int i = 0; lua_keywords[i]; i++)
            if (strncmp(lua_keywords[i], text, strlen(text)) == 0)
                cand_add("", 0, lua_keywords[i], LUA_TNIL);
        return 0;
    }
    /* Walk the path before the last separator from the globals: raw reads only (no __index
     * side effects), except a probe's fields, which its own __index serves. */
    lua_pushglobaltable(L);
    const char *p = text;
    while (p < sep - 1) {
        size_t n = strcspn(p, ".:");
        if (p + n > sep - 1)
            n = (size_t)(sep - 1 - p);
        lua_pushlstring(L, p, n);
        if (lua_type(L, -2) == LUA_TTABLE)
            lua_rawget(L, -2);
        else if (luaL_testudata(L, -2, NTOPCLIENT_PROBE_MT))
            lua_gettable(L, -2);
        else
            return 0;
        lua_remove(L, -2);
        p += n + 1;
    }
    add_fields(L, -1, text, (size_t)(sep - text), sep, sep[-1] == ':');
    return 0;
}

static char *generator(const char *text, int state)
{
    static size_t next;
    (void)text;
    if (state == 0)
        next = 0;
    return next < cands.n ? strdup(cands.items[next++]) : NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)start;
    (void)end;
    rl_attempted_completion_over = 1; /* never fall back to file names */
    cands_clear();
    lua_State *L = repl_L;
    int top = lua_gettop(L);
    lua_pushcfunction(L, complete_k);
    lua_pushstring(L, text);
    lua_pcall(L, 1, 0, 0);
    lua_settop(L, top);
    rl_completion_append_character = '\0';
    if (cands.n == 1)
        rl_completion_append_character =
            cands.last_type == LUA_TFUNCTION                                    ? '('
            : cands.last_type == LUA_TTABLE || cands.last_type == LUA_TUSERDATA ? '.'
                                                                                : '\0';
    return cands.n ? rl_completion_matches(text, generator) : NULL;
}

/* ---- reading and running chunks ---- */

static int incomplete(lua_State *L, int status)
{
    if (status != LUA_ERRSYNTAX)
        return 0;
    size_t len;
    const char *msg = lua_tolstring(L, -1, &len);
    return len >= 5 && strcmp(msg + len - 5, "<eof>") == 0;
}

/* Reads and compiles one chunk. 1: the function is pushed; 0: end of input; -1: a syntax
 * error (reported). */
static int read_chunk(lua_State *L)
{
    char *line = readline("> ");
    if (!line)
        return 0;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, line[0] == '=' ? line + 1 : line); /* "=expr", as Lua 5.1 had */
    free(line);
    luaL_pushresult(&b);
    const char *chunk = lua_tostring(L, -1);
    /* an expression first: its values get printed */
    const char *ret = lua_pushfstring(L, "return %s;", chunk);
    if (luaL_loadbuffer(L, ret, strlen(ret), "=stdin") == LUA_OK) {
        lua_remove(L, -2);
        if (*chunk)
            add_history(chunk);
        lua_remove(L, -2);
        return 1;
    }
    lua_pop(L, 2);
    for (;;) {
        chunk = lua_tostring(L, -1);
        int status = luaL_loadbuffer(L, chunk, strlen(chunk), "=stdin");
        if (!incomplete(L, status)) {
            if (*chunk)
                add_history(chunk);
            lua_remove(L, -2);
            if (status == LUA_OK)
                return 1;
            fprintf(stderr, "%s\n", lua_tostring(L, -1));
            lua_pop(L, 1);
            return -1;
        }
        lua_pop(L, 1);
        if (!(line = readline(">> "))) {
            lua_pop(L, 1);
            return 0;
        }
        lua_pushfstring(L, "%s\n%s", chunk, line);
        free(line);
        lua_remove(L, -2);
    }
}

static void history_path(char *buf, size_t len)
{
    const char *home = getenv("HOME");
    buf[0] = '\0';
    if (home && *home && strlen(home) + sizeof(HISTORY_FILE) <= len)
        snprintf(buf, len, "%s%s", home, HISTORY_FILE);
}

int shell_repl(lua_State *L, bool json)
{
    repl_L = L;
    char hist[4096];
    history_path(hist, sizeof(hist));
    rl_readline_name = "ntoplua";
    rl_attempted_completion_function = complete;
    rl_completer_word_break_characters = " \t\n\"\\'`@$><=;|&{(,+-*/%^~#[]";
    using_history();
    stifle_history(HISTORY_MAX);
    if (hist[0])
        read_history(hist);
    printf("ntoplua-shell %s, %s. Probes: ", NTOP_CLIENT_VERSION, LUA_RELEASE);
    lua_getglobal(L, "probes");
    int n = 0;
    for (lua_Integer i = 1; lua_type(L, -1) == LUA_TTABLE && lua_rawgeti(L, -1, i) != LUA_TNIL;
         i++, n++) {
        printf("%s%s", n ? ", " : "", luaL_tolstring(L, -1, NULL));
        lua_pop(L, 2);
    }
    lua_settop(L, 0);
    printf("%s.\n", n ? "" : "none (ntopclient.connect)");
    int rc;
    while ((rc = read_chunk(L)) != 0) {
        if (rc < 0)
            continue;
        signal(SIGINT, on_sigint);
        int status = lua_pcall(L, 0, LUA_MULTRET, 0);
        signal(SIGINT, SIG_DFL);
        lua_sethook(L, NULL, 0, 0);
        if (status == LUA_OK) {
            shell_print_returned(L, 0, json);
        } else {
            const char *msg = lua_tostring(L, -1);
            fprintf(stderr, "%s\n", msg ? msg : "(error object is not a string)");
        }
        lua_settop(L, 0);
    }
    putchar('\n');
    if (hist[0])
        write_history(hist);
    cands_clear();
    free(cands.items);
    cands.items = NULL;
    cands.cap = 0;
    clear_history();
    return 0;
}
