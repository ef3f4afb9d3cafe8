#include "api_path.h"

#include "../core/probe.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool api_path_within(const char *abs, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return abs[0] == '/';
    return strncmp(abs, root, n) == 0 && (abs[n] == '\0' || abs[n] == '/');
}

const char *api_path_abs(const char *dir, char *out)
{
    char cwd[PATH_MAX];
    if (realpath(dir, out))
        return out;
    if (dir[0] != '/' && getcwd(cwd, sizeof(cwd)) &&
        (size_t)snprintf(out, PATH_MAX, "%s/%s", cwd, dir) < PATH_MAX)
        return out;
    snprintf(out, PATH_MAX, "%s", dir);
    return out;
}

/* Appends "/comp" to buf[PATH_MAX] (no separator after a bare "/"); -1 when too long. */
static int path_append(char *buf, const char *comp, size_t comp_len)
{
    size_t n = strlen(buf);
    bool sep = !(n == 1 && buf[0] == '/');
    if (n + (sep ? 1 : 0) + comp_len >= PATH_MAX)
        return -1;
    if (sep)
        buf[n++] = '/';
    memcpy(buf + n, comp, comp_len);
    buf[n + comp_len] = '\0';
    return 0;
}

/* Resolves the absolute path `abs` following symlinks: realpath() of its longest existing
 * prefix, then the missing components appended. 0 or -1 with *why. */
static int resolve_follow(const char *abs, char out[PATH_MAX], const char **why)
{
    if (realpath(abs, out))
        return 0;
    if (errno == ELOOP) {
        *why = "too many levels of symbolic links";
        return -1;
    }
    if (errno != ENOENT && errno != ENOTDIR) {
        *why = "cannot resolve the path";
        return -1;
    }
    /* Shorten from the end until a prefix exists ("/" always does). */
    char prefix[PATH_MAX];
    snprintf(prefix, sizeof(prefix), "%s", abs);
    const char *rest = NULL;
    for (;;) {
        size_t n = strlen(prefix);
        while (n > 1 && prefix[n - 1] == '/')
            prefix[--n] = '\0';
        char *slash = strrchr(prefix, '/');
        if (!slash) {
            *why = "cannot resolve the path";
            return -1;
        }
        rest = abs + (slash - prefix) + 1;
        if (slash == prefix)
            prefix[1] = '\0';
        else
            *slash = '\0';
        if (realpath(prefix, out))
            break;
        if (errno != ENOENT && errno != ENOTDIR) {
            *why = errno == ELOOP ? "too many levels of symbolic links" : "cannot resolve the path";
            return -1;
        }
    }
    /* The missing part: no '..' (it would be resolved lexically, not by the kernel) and its
     * first component must not be a dangling symlink (creating through it would follow). */
    bool first = true;
    for (const char *c = rest; *c;) {
        size_t len = strcspn(c, "/");
        if (len == 2 && c[0] == '.' && c[1] == '.') {
            *why = "'..' after a missing directory";
            return -1;
        }
        if (len > 0 && !(len == 1 && c[0] == '.')) {
            if (path_append(out, c, len) != 0) {
                *why = "path too long";
                return -1;
            }
            struct stat st;
            if (first && lstat(out, &st) == 0 && S_ISLNK(st.st_mode)) {
                *why = "dangling symbolic link";
                return -1;
            }
            first = false;
        }
        c += len;
        while (*c == '/')
            c++;
    }
    return 0;
}

int api_path_resolve(const struct probe *p, const char *path, size_t len, enum api_path_mode mode,
                     char *out, size_t outlen, const char **why)
{
    char data_root[PATH_MAX], install_root[PATH_MAX], abs[PATH_MAX], res[PATH_MAX];
    bool have_data = realpath(p->data_dir, data_root) != NULL;
    bool have_install = realpath(p->install_dir, install_root) != NULL;

    if (memchr(path, '\0', len)) {
        *why = "path contains a NUL byte";
        return -1;
    }
    if (len == 0) {
        *why = "empty path";
        return -1;
    }
    if (path[0] == '/') {
        if (len >= sizeof(abs)) {
            *why = "path too long";
            return -1;
        }
        memcpy(abs, path, len + 1);
    } else {
        if (!have_data) {
            *why = "the data directory does not exist";
            return -1;
        }
        if ((size_t)snprintf(abs, sizeof(abs), "%s/%s", data_root, path) >= sizeof(abs)) {
            *why = "path too long";
            return -1;
        }
    }

    if (mode == API_PATH_WRITE_NOLAST) {
        /* Resolve the parent; keep the last component as given. */
        size_t n = strlen(abs);
        while (n > 1 && abs[n - 1] == '/')
            abs[--n] = '\0';
        char *slash = strrchr(abs, '/');
        const char *last = slash + 1;
        if (!*last || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
            *why = "path does not name an entry";
            return -1;
        }
        char last_copy[NAME_MAX + 1];
        if (strlen(last) > NAME_MAX) {
            *why = "path too long";
            return -1;
        }
        snprintf(last_copy, sizeof(last_copy), "%s", last);
        if (slash == abs)
            abs[1] = '\0';
        else
            *slash = '\0';
        if (resolve_follow(abs, res, why) != 0)
            return -1;
        if (path_append(res, last_copy, strlen(last_copy)) != 0) {
            *why = "path too long";
            return -1;
        }
    } else if (resolve_follow(abs, res, why) != 0) {
        return -1;
    }

    /* The data dir itself, maybe named through a symlink: not removable. */
    char real[PATH_MAX];
    if (mode == API_PATH_WRITE_NOLAST && have_data &&
        (strcmp(res, data_root) == 0 || (!api_path_within(res, data_root) && realpath(res, real) &&
                                         strcmp(real, data_root) == 0))) {
        *why = "cannot remove the data directory itself";
        return -1;
    }
    bool in_data = have_data && api_path_within(res, data_root);
    bool in_install = have_install && api_path_within(res, install_root);
    if (mode != API_PATH_READ && in_install) {
        *why = "the install directory is read-only";
        return -1;
    }
    if (mode == API_PATH_READ ? !(in_data || in_install) : !in_data) {
        *why = API_PATH_OUTSIDE;
        return -1;
    }
    if (strlen(res) >= outlen) {
        *why = "path too long";
        return -1;
    }
    memcpy(out, res, strlen(res) + 1);
    return 0;
}
