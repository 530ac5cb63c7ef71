/* unpack.h — apply one layer tarball (plain, gzip or zstd) to a snapshot
 * folder, safely, turning OCI whiteouts into overlayfs whiteouts.
 *
 * Every path is resolved inside the snapshot (openat2 RESOLVE_IN_ROOT for
 * the parent folder, non-following *at() calls for the last component):
 * a name whose ".." climbs above the root is refused; absolute names and
 * symlinks in the tree (absolute or relative) are resolved as the container
 * will see them, so nothing is ever written, linked, changed or removed
 * outside the snapshot.  A hardlink target must be inside the snapshot; a
 * hardlink to a symlink links the symlink itself.
 *   - ".wh.NAME"         -> character device 0:0 named NAME (overlay whiteout)
 *   - ".wh..wh..opq"     -> xattr trusted.overlay.opaque="y" on its folder
 *                           (user.overlay.opaque when rootless and refused)
 *   - other ".wh..wh.*"  -> skipped (aufs metadata)
 * In flat mode (apply_whiteouts false) ".wh.NAME" removes NAME and
 * ".wh..wh..opq" removes what is under its folder that this layer did not
 * write (before or after the marker).
 * An entry replaces an existing non-directory; a directory over a directory
 * keeps its content and takes the new metadata; anything else over a
 * directory removes it first.
 * Modes (setuid, setgid, sticky), owners, mtimes (folders' once their content
 * is in), xattrs, device nodes, fifos, hardlinks and sparse files are kept.
 * Xattrs the file system cannot store, security.* ones the kernel refuses and
 * trusted.* ones when rootless are skipped; trusted.overlay.* from the
 * archive is always dropped.
 * A hostile or broken entry fails the whole unpack with an error naming the
 * entry (`layer entry "../x": path leaves the snapshot`); the caller removes
 * the half-made snapshot. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

#include "../basic/error.h"

/* Where the layer bytes come from when not straight from the fd: a layer
 * still being downloaded is read as it grows.  Returns bytes read, 0 at the
 * end, or -errno (with msg filled). */
typedef ssize_t (*vs_unpack_read_fn) (void *user, void *buf, size_t len, char *msg, size_t msglen);

typedef struct vs_unpack_opts
{
  vs_unpack_read_fn read;   /* NULL: read(fd); else fd is only pread for the first bytes */
  void *read_user;
  bool rootless;          /* refuse device nodes (other than whiteouts); owners the
                             kernel refuses (EPERM/EINVAL) are left as they are */
  bool apply_whiteouts;   /* false: apply into a flat tree (import/export of a full rootfs):
                             ".wh.X" deletes X instead of making a whiteout */
} vs_unpack_opts;

typedef struct vs_unpack_stats
{
  uint64_t bytes;   /* sum of regular file sizes written */
  uint64_t entries;
} vs_unpack_stats;

/* Read the archive from fd (a tar — ustar, pax or GNU — compressed with
 * none/gzip/zstd) and apply it under the open directory dirfd.
 * diff_id, when not NULL, receives the sha256 of the whole uncompressed
 * stream ("sha256:<hex>", computed in the same single pass) so the caller
 * can check it against the image config.  opts and stats may be NULL. */
int vs_unpack_layer (int fd, int dirfd, const vs_unpack_opts *opts, char diff_id[72],
                     vs_unpack_stats *stats, vs_error *err);
