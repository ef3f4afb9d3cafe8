/* Finding and loading check scripts. Two layouts are read under each root (doc/checks.md):
 * the probe's, by category (flow/, host/, network/, interface/, system/), and ntopng's
 * callbacks tree (checks/flows/custom_flow_*_script.lua, checks/hosts/custom_host_lua_script.lua,
 * <period>/interface/, <period>/system/), so an ntopng callbacks directory works as is. */
#include "check_engine_priv.h"

#include "../core/log.h"
#include "../core/probe.h"
#include "../lua/engine.h"

#include <dirent.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const check_period_dir[PERIODS] = {"minute", "5minute", "hourly", "daily"};
const uint32_t check_period_secs[PERIODS] = {60, 300, 3600, 86400};

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_lua_file(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".lua") == 0;
}

/* Compiles one script; its globals live in a table of their own that reads through to _G,
 * so two scripts never see each other's globals (ntopng gives each one its own state). */
static void load_one(struct check_engine *e, enum check_kind kind, const char *root,
                     const char *rel)
{
    lua_State *L = e->L;
    char path[4096];
    if (snprintf(path, sizeof(path), "%s/%s", root, rel) >= (int)sizeof(path))
        return;
    if (luaL_loadfile(L, path) != LUA_OK) {
        log_error("check %s: cannot load: %s", path, lua_tostring(L, -1));
        lua_pop(L, 1);
        return;
    }
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushglobaltable(L);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_setupvalue(L, -2, 1); /* the main chunk's only upvalue is _ENV */

    struct check_script *list =
        realloc(e->scripts[kind], (size_t)(e->count[kind] + 1) * sizeof(*list));
    if (!list) {
        lua_pop(L, 1);
        return;
    }
    e->scripts[kind] = list;
    struct check_script *s = &list[e->count[kind]];
    memset(s, 0, sizeof(*s));
    s->name = strdup(rel);
    s->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    check_only_parse(e, s, path, kind);
    e->count[kind]++;
    log_info("%s: check script %s loaded", e->ifc->name, path);
}

/* Every *.lua of root/dir in name order, or only `only` when given. */
static void load_dir(struct check_engine *e, enum check_kind kind, const char *root,
                     const char *dir, const char *only)
{
    char path[4096], rel[4096];
    if (snprintf(path, sizeof(path), "%s/%s", root, dir) >= (int)sizeof(path))
        return;
    DIR *d = opendir(path);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!is_lua_file(de->d_name) || (only && strcmp(de->d_name, only) != 0))
            continue;
        char **grown = realloc(names, (n + 1) * sizeof(*names));
        if (!grown)
            break;
        names = grown;
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_names);
    for (size_t i = 0; i < n; i++) {
        if (snprintf(rel, sizeof(rel), "%s/%s", dir, names[i]) < (int)sizeof(rel))
            load_one(e, kind, root, rel);
        free(names[i]);
    }
    free(names);
}

static void load_root(struct check_engine *e, const char *root)
{
    static const struct {
        const char *dir;
        enum check_kind kind;
        const char *only; /* ntopng's file name, or NULL for every *.lua */
    } fixed[] = {
        {"flow/protocol_detected", CK_FLOW_DETECTED, NULL                                      },
        {"flow/periodic",          CK_FLOW_PERIODIC, NULL                                      },
        {"flow/end",               CK_FLOW_END,      NULL                                      },
        {"host",                   CK_HOST,          NULL                                      },
        {"checks/flows",           CK_FLOW_DETECTED, "custom_flow_protocol_detected_script.lua"},
        {"checks/flows",           CK_FLOW_PERIODIC, "custom_flow_periodic_script.lua"         },
        {"checks/flows",           CK_FLOW_END,      "custom_flow_end_script.lua"              },
        {"checks/hosts",           CK_HOST,          "custom_host_lua_script.lua"              },
    };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        load_dir(e, fixed[i].kind, root, fixed[i].dir, fixed[i].only);

    char dir[256];
    for (int p = 0; p < PERIODS; p++) {
        const char *pd = check_period_dir[p];
        snprintf(dir, sizeof(dir), "host/%s", pd); /* host/ itself: minute too */
        load_dir(e, CK_HOST + p, root, dir, NULL);
        snprintf(dir, sizeof(dir), "interface/%s", pd);
        load_dir(e, CK_INTERFACE + p, root, dir, NULL);
        snprintf(dir, sizeof(dir), "%s/interface", pd); /* ntopng's callbacks layout */
        load_dir(e, CK_INTERFACE + p, root, dir, NULL);
        snprintf(dir, sizeof(dir), "network/%s", pd);
        load_dir(e, CK_NETWORK + p, root, dir, NULL);
        /* System scripts run once for the probe: on interface 0's thread. */
        if (e->ifc->id == 0) {
            snprintf(dir, sizeof(dir), "system/%s", pd);
            load_dir(e, CK_SYSTEM + p, root, dir, NULL);
            snprintf(dir, sizeof(dir), "%s/system", pd);
            load_dir(e, CK_SYSTEM + p, root, dir, NULL);
        }
    }
}

int check_load_all(struct check_engine *e)
{
    struct probe *p = e->ifc->probe;
    e->L = engine_new_state(&e->ctx);
    if (!e->L)
        return -1;
    /* Check runs make short-lived tables and strings and keep little: the generational
     * collector frees those young objects without walking the scripts' kept state each
     * cycle. */
    lua_gc(e->L, LUA_GCGEN, 0, 0);
    if (p->opt.checks) {
        char root[4200];
        snprintf(root, sizeof(root), "%s/scripts/lua/checks", p->install_dir);
        load_root(e, root);
    }
    if (p->opt.checks_dir)
        load_root(e, p->opt.checks_dir);
    return 0;
}
