/* ntop.* bindings, category fs: ntopng's file-system calls, confined to the probe's
 * directories (api_path.h): the data directory (read and write) and the install directory
 * (read only). Relative paths are relative to the data directory.
 *
 * Results follow ntopng (booleans, -1 for a missing file's time, an empty table for a
 * directory that cannot be read); a path outside the directories (or with a NUL byte, a
 * dangling symlink, ...) gives nil, message instead, so `if ntop.exists(p)` reads the same
 * and a script that wants to know can tell a refusal from a missing file. A wrong argument
 * type raises. */
#define _GNU_SOURCE /* O_PATH */
#include "api_path.h"
#include "api_util.h"

#include "../core/probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ntopng's CONST_DEFAULT_DIR_MODE and CONST_DEFAULT_FILE_MODE. */
#define FS_DIR_MODE  0700
#define FS_FILE_MODE 0600
/* rmdir does not descend deeper than this (bounds the stack and open descriptors). */
#define FS_MAX_DEPTH 128

/* The path argument: a string (numbers are not converted, as in ntopng). */
static const char *fs_check_path(lua_State *L, int arg, size_t *len)
{
    if (lua_type(L, arg) != LUA_TSTRING)
        luaL_typeerror(L, arg, "string");
    return lua_tolstring(L, arg, len);
}

/* Resolves argument `arg` into out[PATH_MAX]; on refusal pushes nil, message and returns
 * false (the binding then returns 2). */
static bool fs_resolve(lua_State *L, int arg, enum api_path_mode mode, char *out)
{
    size_t len;
    const char *path = fs_check_path(L, arg, &len);
    const char *why = NULL;
    if (api_path_resolve(api_probe(L), path, len, mode, out, PATH_MAX, &why) == 0)
        return true;
    lua_pushnil(L);
    lua_pushstring(L, why);
    return false;
}

/* The read-only queries on path argument 1 (stat(), symlinks followed). */
enum fs_query { FS_EXISTS, FS_IS_DIR, FS_NOT_EMPTY, FS_LAST_CHANGE };

/* Pushes query q's answer, nil, message when the path is refused (then returns 2). */
static int fs_query(lua_State *L, enum fs_query q)
{
    char path[PATH_MAX];
    if (!fs_resolve(L, 1, API_PATH_READ, path))
        return 2;
    struct stat st;
    const bool found = stat(path, &st) == 0;
    switch (q) {
    case FS_EXISTS:
        lua_pushboolean(L, found);
        break;
    case FS_IS_DIR:
        lua_pushboolean(L, found && S_ISDIR(st.st_mode));
        break;
    case FS_NOT_EMPTY:
        lua_pushboolean(L, found && st.st_size > 0);
        break;
    case FS_LAST_CHANGE:
        lua_pushinteger(L, found ? (lua_Integer)st.st_mtime : -1);
        break;
    }
    return 1;
}

/* ntop.exists(path): whether path exists (symlinks followed). */
static int ntop_exists(lua_State *L)
{
    return fs_query(L, FS_EXISTS);
}

/* ntop.isdir(path): whether path is a directory. */
static int ntop_isdir(lua_State *L)
{
    return fs_query(L, FS_IS_DIR);
}

/* ntop.notEmptyFile(path): whether path exists with a size > 0 (as ntopng, a directory
 * counts by its st_size). */
static int ntop_not_empty_file(lua_State *L)
{
    return fs_query(L, FS_NOT_EMPTY);
}

/* ntop.fileLastChange(path): the modification time in epoch seconds, -1 when missing. */
static int ntop_file_last_change(lua_State *L)
{
    return fs_query(L, FS_LAST_CHANGE);
}

/* A DIR* in a userdata: closed by the GC if a Lua allocation raises while it is open. */
static int fs_dir_gc(lua_State *L)
{
    DIR **box = lua_touserdata(L, 1);
    if (*box) {
        closedir(*box);
        *box = NULL;
    }
    return 0;
}

static DIR **fs_push_dir_box(lua_State *L)
{
    DIR **box = lua_newuserdatauv(L, sizeof(DIR *), 0);
    *box = NULL;
    if (luaL_newmetatable(L, "ntop.fs.dir")) {
        lua_pushcfunction(L, fs_dir_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    return box;
}

/* ntop.readdir(path): {name = name} for every entry not starting with '.', as ntopng; an
 * empty table when the directory cannot be read. */
static int ntop_readdir(lua_State *L)
{
    char path[PATH_MAX];
    if (!fs_resolve(L, 1, API_PATH_READ, path))
        return 2;
    DIR **box = fs_push_dir_box(L);
    lua_newtable(L);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 && !(*box = fdopendir(fd)))
        close(fd);
    struct dirent *e;
    while (*box && (e = readdir(*box)) != NULL) {
        if (e->d_name[0] == '\0' || e->d_name[0] == '.')
            continue;
        lua_pushstring(L, e->d_name);
        lua_pushvalue(L, -1);
        lua_rawset(L, -3);
    }
    if (*box) {
        closedir(*box);
        *box = NULL;
    }
    return 1;
}

/* ntop.listReports(): {name = ""} for every entry of <workingdir>/reports that is not a
 * directory (as ntopng); an empty table when there is no such directory. */
static int ntop_list_reports(lua_State *L)
{
    char path[PATH_MAX];
    const char *why;
    if (api_path_resolve(api_probe(L), "reports", 7, API_PATH_READ, path, sizeof(path), &why) !=
        0) {
        lua_newtable(L);
        return 1;
    }
    DIR **box = fs_push_dir_box(L);
    lua_newtable(L);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 && !(*box = fdopendir(fd)))
        close(fd);
    struct dirent *e;
    struct stat st;
    while (*box && (e = readdir(*box)) != NULL) {
        if (fstatat(dirfd(*box), e->d_name, &st, 0) != 0 || S_ISDIR(st.st_mode))
            continue;
        lua_pushliteral(L, "");
        lua_setfield(L, -2, e->d_name);
    }
    if (*box) {
        closedir(*box);
        *box = NULL;
    }
    return 1;
}

/* Opens the directory holding the resolved `path` (no symlinks in it by construction;
 * O_NOFOLLOW catches one swapped in since) and points *last at the last component. */
static int fs_open_parent(char *path, const char **last)
{
    char *slash = strrchr(path, '/');
    *last = slash + 1;
    if (slash == path)
        return open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    *slash = '\0';
    int fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    *slash = '/';
    return fd;
}

/* ntop.mkdir(path): creates path and its missing parents (mode 0700, as ntopng's
 * mkdir_tree); true when created or already there ("" is true, nothing to do). */
static int ntop_mkdir(lua_State *L)
{
    char path[PATH_MAX];
    size_t len;
    struct stat st;
    fs_check_path(L, 1, &len);
    if (len == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    if (!fs_resolve(L, 1, API_PATH_WRITE, path))
        return 2;
    if (stat(path, &st) == 0) { /* ntopng: anything already there is success */
        lua_pushboolean(L, 1);
        return 1;
    }
    /* Walk from "/" without following symlinks: the resolved path has none, so one found
     * now was put there after the check. */
    int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    bool ok = fd >= 0;
    for (char *c = path + 1; ok && *c;) {
        char *end = strchr(c, '/');
        if (end)
            *end = '\0';
        int next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT) {
            if (mkdirat(fd, c, FS_DIR_MODE) == 0) /* as ntopng: the mode despite umask */
                (void)fchmodat(fd, c, FS_DIR_MODE, AT_SYMLINK_NOFOLLOW);
            next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        close(fd);
        fd = next;
        ok = fd >= 0;
        if (!end)
            break;
        *end = '/';
        c = end + 1;
    }
    if (fd >= 0)
        close(fd);
    lua_pushboolean(L, ok);
    return 1;
}

/* Removes `name` in dirfd: files and symlinks are unlinked (never followed), directories
 * emptied then removed. 0 or -1. */
static int fs_remove_tree_at(int dirfd, const char *name, int depth)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return unlinkat(dirfd, name, 0);
    if (depth >= FS_MAX_DEPTH)
        return -1;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        rc = fs_remove_tree_at(fd, e->d_name, depth + 1);
    }
    closedir(d);
    return rc == 0 ? unlinkat(dirfd, name, AT_REMOVEDIR) : -1;
}

/* The removals below: op on the path's last component in its parent directory (opened
 * without following symlinks); true when op succeeds, false otherwise (also for nil, as
 * ntopng), nil, message when the path is refused. */
static int fs_remove(lua_State *L, bool (*op)(int pfd, const char *last))
{
    char path[PATH_MAX];
    const char *last;
    if (lua_isnoneornil(L, 1)) {
        lua_pushboolean(L, 0);
        return 1;
    }
    if (!fs_resolve(L, 1, API_PATH_WRITE_NOLAST, path))
        return 2;
    int pfd = fs_open_parent(path, &last);
    bool ok = pfd >= 0 && op(pfd, last);
    if (pfd >= 0)
        close(pfd);
    lua_pushboolean(L, ok);
    return 1;
}

static bool remove_dir_tree(int pfd, const char *last)
{
    struct stat st;
    return fstatat(pfd, last, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
           fs_remove_tree_at(pfd, last, 0) == 0;
}

static bool remove_file(int pfd, const char *last)
{
    return unlinkat(pfd, last, 0) == 0;
}

/* ntop.rmdir(path): removes the directory path and everything in it; true on success,
 * false otherwise (also for nil, as ntopng). Unlike ntopng, symlinks inside are removed,
 * not followed, and a symlink given as path is not a directory (false). */
static int ntop_rmdir(lua_State *L)
{
    return fs_remove(L, remove_dir_tree);
}

/* ntop.unlink(path): deletes a file (a symlink itself, not its target); true on success,
 * false otherwise (also for nil, as ntopng). */
static int ntop_unlink(lua_State *L)
{
    return fs_remove(L, remove_file);
}

/* ntop.setDefaultFilePermissions(path): chmod 0600 (ntopng's default file mode); returns
 * nothing, as ntopng (nil, message when refused). */
static int ntop_set_default_file_permissions(lua_State *L)
{
    char path[PATH_MAX];
    if (!fs_resolve(L, 1, API_PATH_WRITE, path))
        return 2;
    (void)fchmodat(AT_FDCWD, path, FS_FILE_MODE, AT_SYMLINK_NOFOLLOW);
    return 0;
}

/* ntop.getCurrentScriptsDir(): the directory of the script set the probe runs,
 * <installdir>/scripts (ntopng answers <workingdir>/scripts, where it assembles its plugin
 * scripts; the probe has no such copy). */
static int ntop_get_current_scripts_dir(lua_State *L)
{
    char install[PATH_MAX];
    lua_pushfstring(L, "%s/scripts", api_path_abs(api_probe(L)->install_dir, install));
    return 1;
}

static const struct api_binding ntop_fs_bindings[] = {
    {"exists",                    ntop_exists,                       API_READ,  API_CTX_NONE},
    {"fileLastChange",            ntop_file_last_change,             API_READ,  API_CTX_NONE},
    {"getCurrentScriptsDir",      ntop_get_current_scripts_dir,      API_READ,  API_CTX_NONE},
    {"isdir",                     ntop_isdir,                        API_READ,  API_CTX_NONE},
    {"listReports",               ntop_list_reports,                 API_READ,  API_CTX_NONE},
    {"mkdir",                     ntop_mkdir,                        API_ADMIN, API_CTX_NONE},
    {"notEmptyFile",              ntop_not_empty_file,               API_READ,  API_CTX_NONE},
    {"readdir",                   ntop_readdir,                      API_READ,  API_CTX_NONE},
    {"rmdir",                     ntop_rmdir,                        API_ADMIN, API_CTX_NONE},
    {"setDefaultFilePermissions", ntop_set_default_file_permissions, API_ADMIN, API_CTX_NONE},
    {"unlink",                    ntop_unlink,                       API_ADMIN, API_CTX_NONE},
};

const struct api_table api_ntop_fs = API_TABLE("ntop", "fs", ntop_fs_bindings);
