/* Path confinement for the file-system bindings: every path a script gives is resolved
 * against the real file system and must land inside the probe's data directory (read and
 * write) or its install directory (read only). Relative paths are relative to the data
 * directory. Applies to every caller, in-probe scripts and remote ones alike.
 *
 * Resolution: the longest existing prefix of the path goes through realpath() (so '..'
 * and symlinks are resolved as the kernel would), the missing rest is appended as is and
 * may not contain '..' nor start with a dangling symlink. The result is then checked
 * against realpath() of the two roots. Callers that create or remove entries re-open the
 * resolved parent and act with *at() calls and O_NOFOLLOW, so a symlink put in place after
 * the check is not followed at the last step. */
#ifndef NTOP_API_PATH_H
#define NTOP_API_PATH_H

#include <stdbool.h>
#include <stddef.h>

struct probe;

enum api_path_mode {
    API_PATH_READ,         /* data or install directory; symlinks followed */
    API_PATH_WRITE,        /* data directory only, not inside the install directory */
    API_PATH_WRITE_NOLAST, /* as WRITE, but the last component is not followed (unlink,
                              rmdir act on a symlink itself); never a root itself */
};

/* The message of a refusal, returned by api_path_resolve in *why. */
#define API_PATH_OUTSIDE "path outside the probe's directories"

/* Resolves `path` (`len` bytes, NUL bytes refused) for `mode` into out[outlen], an
 * absolute path without symlinks (except the last component with _NOLAST). Returns 0, or
 * -1 with *why pointing to a static message. Any thread. */
int api_path_resolve(const struct probe *p, const char *path, size_t len, enum api_path_mode mode,
                     char *out, size_t outlen, const char **why);

/* `dir` as an absolute path without symlinks: realpath() when it exists, else joined to the
 * current directory when relative, else as given. Returns out (PATH_MAX bytes). So
 * ntop.getDirs() names the directories the way the confinement sees them. Any thread. */
const char *api_path_abs(const char *dir, char *out);

/* Whether `abs` (an absolute, resolved path) is `root` or below it. */
bool api_path_within(const char *abs, const char *root);

#endif
