/* ntop.* bindings, category system: directories, product and host information, uptime,
 * platform tests and msleep. */
#include "api_path.h"
#include "api_util.h"

#include "../core/probe.h"

#include <limits.h>
#include <ndpi_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifndef NTOP_PROBE_VERSION
#define NTOP_PROBE_VERSION "0.0.0"
#endif

/* ntopng caps ntop.msleep at one minute; so do we. */
#define MSLEEP_MAX_MS 60000.0

/* t[key] = dir .. suffix */
static void set_path(lua_State *L, const char *key, const char *dir, const char *suffix)
{
    lua_pushfstring(L, "%s%s", dir, suffix);
    lua_setfield(L, -2, key);
}

/* ntop.getDirs(): the probe's real directories under ntopng's key names. installdir holds
 * scripts/lua/modules; workingdir is the data directory, which ntopng also uses as the
 * default pcapdir; etcdir is the system's, as in ntopng on Linux. */
static int ntop_get_dirs(lua_State *L)
{
    struct probe *p = api_probe(L);
    char bindir[sizeof(p->exe_path)];
    snprintf(bindir, sizeof(bindir), "%s", p->exe_path);
    char *slash = strrchr(bindir, '/');
    if (slash)
        *slash = '\0';
    /* <prefix>/bin/../share, as main() derives the install dir. */
    char share[sizeof(bindir) + 16], real[PATH_MAX];
    snprintf(share, sizeof(share), "%s/../share", bindir);
    const char *sharedir = realpath(share, real) ? real : share;

    /* Absolute real paths, as the fs functions' confinement (api_path.h) sees them: a
     * relative -d would otherwise be read relative to the data dir itself. */
    char install[PATH_MAX], data[PATH_MAX];
    api_path_abs(p->install_dir, install);
    api_path_abs(p->data_dir, data);

    lua_newtable(L);
    api_set_str(L, "bindir", bindir);
    api_set_str(L, "installdir", install);
    api_set_str(L, "workingdir", data);
    set_path(L, "scriptdir", install, "/scripts");
    set_path(L, "httpdocsdir", install, "/httpdocs");
    set_path(L, "callbacksdir", install, "/scripts/callbacks");
    api_set_str(L, "pcapdir", data);
    api_set_str(L, "etcdir", "/etc");
    api_set_str(L, "sharedir", sharedir);
    return 1;
}

static int64_t uptime_s(const struct probe *p)
{
    /* As ntopng: whole seconds since start, plus one (never 0). */
    return (int64_t)((probe_mono_ns() - p->start_mono_ns) / 1000000000u) + 1;
}

/* ntop.getUptime() */
static int ntop_get_uptime(lua_State *L)
{
    lua_pushinteger(L, uptime_s(api_probe(L)));
    return 1;
}

/* First line of /proc/device-tree/model (boards such as a Raspberry Pi), or NULL. */
static const char *hw_model(char *buf, size_t len)
{
    FILE *f = fopen("/proc/device-tree/model", "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, len - 1, f);
    fclose(f);
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return buf[0] ? buf : NULL;
}

/* The zone name: $TZ, else what /etc/localtime links to below ".../zoneinfo/". */
static const char *zoneinfo(char *buf, size_t len)
{
    const char *tz = getenv("TZ");
    if (tz && *tz) {
        snprintf(buf, len, "%s", tz[0] == ':' ? tz + 1 : tz);
        return buf;
    }
    ssize_t n = readlink("/etc/localtime", buf, len - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    char *z = strstr(buf, "zoneinfo/");
    if (!z)
        return NULL;
    memmove(buf, z + strlen("zoneinfo/"), strlen(z + strlen("zoneinfo/")) + 1);
    return buf[0] ? buf : NULL;
}

/* ntop.getInfo([verbose]): ntopng's keys that have a true value here. Not set, because
 * they do not exist for the probe: revision/git (no release metadata), http(s)_port (no
 * web server), copyright/authors/license (not stated by the project yet), jemalloc and the
 * Pro/edition/licence keys, version.rrd/redis/httpd/curl/geoip/zmq. */
static int ntop_get_info(lua_State *L)
{
    struct probe *p = api_probe(L);
    bool verbose = api_opt_bool(L, 1, true);
    struct utsname u;
    char buf[512];

    lua_newtable(L);
    api_set_str(L, "product", "ntop-probe");
    api_set_bool(L, "oem", false);
    api_set_str(L, "version", NTOP_PROBE_VERSION);
    api_set_int(L, "pid", (int64_t)getpid());
    if (uname(&u) == 0) {
        lua_pushfstring(L, "%s %s", u.sysname, u.release);
        lua_setfield(L, -2, "OS");
        lua_pushfstring(L, "%s %s [%s]", u.sysname, u.release, u.machine);
        lua_setfield(L, -2, "platform");
    }
    api_set_str(L, "hw_model", hw_model(buf, sizeof(buf)));
    api_set_int(L, "bits", (int64_t)sizeof(void *) * 8);
    api_set_int(L, "uptime", uptime_s(p));
    api_set_str(L, "command_line", p->command_line);
    tzset();
    api_set_str(L, "tzname", tzname[0]);
    api_set_str(L, "zoneinfo", zoneinfo(buf, sizeof(buf)));
    api_set_int(L, "timezone", (int64_t)timezone); /* seconds west of UTC */
    if (verbose) {
        api_set_str(L, "version.lua", LUA_RELEASE);
        api_set_str(L, "version.ndpi", ndpi_revision());
    }
    return 1;
}

/* The system this was built for, for ntopng's isLinux, isWindows and isFreeBSD. */
#if defined(__linux__)
#define BUILT_FOR "linux"
#elif defined(_WIN32)
#define BUILT_FOR "windows"
#elif defined(__FreeBSD__)
#define BUILT_FOR "freebsd"
#else
#define BUILT_FOR "other"
#endif

static int push_built_for(lua_State *L, const char *os)
{
    lua_pushboolean(L, strcmp(BUILT_FOR, os) == 0);
    return 1;
}

static int ntop_is_linux(lua_State *L)
{
    return push_built_for(L, "linux");
}

static int ntop_is_windows(lua_State *L)
{
    return push_built_for(L, "windows");
}

static int ntop_is_freebsd(lua_State *L)
{
    return push_built_for(L, "freebsd");
}

/* ntop.msleep(ms): sleeps ms milliseconds (fractions allowed), at most one minute as in
 * ntopng. Negative or NaN raises. Wakes early when the probe is shutting down. */
static int ntop_msleep(lua_State *L)
{
    double ms = luaL_checknumber(L, 1);
    luaL_argcheck(L, ms >= 0, 1, "expected a duration >= 0 ms");
    if (ms > MSLEEP_MAX_MS)
        ms = MSLEEP_MAX_MS;
    const struct probe *p = lua_ctx_of(L)->probe;
    uint64_t end = probe_mono_ns() + (uint64_t)(ms * 1e6);
    for (;;) {
        uint64_t now = probe_mono_ns();
        if (now >= end || (p && p->shutdown_requested))
            break;
        uint64_t left = end - now, slice = 100000000u; /* check for shutdown every 100 ms */
        if (left < slice)
            slice = left;
        struct timespec ts = {(time_t)(slice / 1000000000u), (long)(slice % 1000000000u)};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static const struct api_binding ntop_system_bindings[] = {
    {"getDirs",   ntop_get_dirs,   API_READ, API_CTX_NONE},
    {"getInfo",   ntop_get_info,   API_READ, API_CTX_NONE},
    {"getUptime", ntop_get_uptime, API_READ, API_CTX_NONE},
    {"isFreeBSD", ntop_is_freebsd, API_READ, API_CTX_NONE},
    {"isLinux",   ntop_is_linux,   API_READ, API_CTX_NONE},
    {"isWindows", ntop_is_windows, API_READ, API_CTX_NONE},
    {"msleep",    ntop_msleep,     API_READ, API_CTX_NONE},
};

const struct api_table api_ntop_system = API_TABLE("ntop", "system", ntop_system_bindings);
