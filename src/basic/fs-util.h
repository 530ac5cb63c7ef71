/* fs-util.h — whole-file I/O, atomic replacement and directory helpers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Read a whole file (NUL-terminated).  *ret must be freed. */
int vs_read_file_at (int dirfd, const char *path, char **ret, size_t *ret_len, vs_error *err);
/* Read a small file (a pid, a /proc line) into buf, NUL-terminated: at most
 * size - 1 bytes, in one read.  flags are added to O_RDONLY | O_CLOEXEC.
 * Returns the length, or -errno. */
ssize_t vs_read_small_at (int dirfd, const char *path, int flags, char *buf, size_t size);
/* Write data to an existing or new file (O_TRUNC). */
int vs_write_file_at (int dirfd, const char *path, const void *data, size_t len, mode_t mode, vs_error *err);
/* Write to "name.tmp" then rename over name: readers never see half a file. */
int vs_write_file_atomic_at (int dirfd, const char *name, const void *data, size_t len, mode_t mode, vs_error *err);
/* mkdir -p on the host (not for container paths: see safe-path.h). */
int vs_mkdir_p (const char *path, mode_t mode, vs_error *err);
/* mkdir -p, then mark the folder as the top of its own hierarchies for
 * ext4's Orlov allocator (chattr +T): each subfolder made in it (one per
 * container) goes to a block group of its own choosing instead of the
 * parent's.  On ext4 without a journal every new inode first skips the
 * inodes its group freed in the last minute, one by one: containers just
 * removed would slow down each one made after them.  Where the flag is not
 * supported it is left alone. */
int vs_mkdir_top (const char *path, mode_t mode, vs_error *err);
/* Remove a directory tree without following symlinks. */
int vs_rm_rf_at (int dirfd, const char *name, vs_error *err);
/* Mark every fd >= min close-on-exec (close_range, or /proc/self/fd where
 * close_range is missing or filtered). */
int vs_cloexec_from (int min);
/* Write all bytes, retrying on EINTR and short writes. */
int vs_write_all (int fd, const void *data, size_t len);
