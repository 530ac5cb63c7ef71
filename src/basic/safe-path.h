/* safe-path.h — resolve and create paths inside a root without ever leaving it.
 *
 * Every path that a container image or config controls goes through here:
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) keeps ".." and symlinks
 * (absolute or relative) clamped to the root, so a swapped or hostile link
 * can never make a mount, mknod or write land on the host. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* openat2 inside rootfd.  Returns an fd or -errno (err filled). */
int vs_open_in_root (int rootfd, const char *path, int flags, mode_t mode, vs_error *err);

/* Open path inside rootfd, creating missing parents as directories and the
 * last component as a directory (leaf_is_file false) or an empty file.
 * Returns an O_PATH fd to the final object. */
int vs_mkdir_in_root (int rootfd, const char *path, bool leaf_is_file, vs_error *err);

/* Open the parent of path inside rootfd (created if missing) and return its
 * fd; *ret_base points into path at the last component. */
int vs_open_parent_in_root (int rootfd, const char *path, const char **ret_base, vs_error *err);

/* Read a small regular file inside rootfd (symlinks resolved inside it):
 * a device, fifo or anything but a regular file, or one over max bytes, is
 * refused (a container could otherwise make the host open its devices).
 * *ret is NUL-terminated and malloc'd.  -ENOENT when it is not there. */
int vs_read_file_in_root (int rootfd, const char *path, size_t max, char **ret, vs_error *err);

/* Lexical check for a plain relative name: no '/', not "." or "..". */
bool vs_is_plain_name (const char *name);
