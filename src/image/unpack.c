/* unpack.c — apply one layer tarball to a snapshot folder, safely.
 *
 * One pass over the data, two libarchive readers chained in memory:
 *   outer: the fd, filters gzip/zstd (or none), format "raw" — it yields the
 *          uncompressed byte stream, block by block;
 *   inner: format tar, fed by a read callback that pulls the outer's blocks,
 *          hashes them (EVP sha256) and hands the same buffer on unchanged.
 * Every uncompressed byte goes through the callback exactly once, so the
 * hash is the diff_id; after the tar end marker the rest of the stream
 * (padding) is drained into the hash too.  No pipe, no thread, no copy.
 *
 * Paths.  A name is cleaned lexically first (leading '/', "." and empty
 * components dropped, ".." pops one component; popping above the root is
 * refused).  The parent folder is then opened with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS) from the snapshot fd — symlinks in the tree, even
 * absolute or full of "..", are resolved as the container will see them and
 * never leave the snapshot — and the last component is only ever touched with
 * *at() calls that do not follow it (O_NOFOLLOW, O_EXCL, AT_SYMLINK_NOFOLLOW,
 * linkat without AT_SYMLINK_FOLLOW).  Missing parents are made 0755 one
 * component at a time under an already-resolved parent.  The parent fd of the
 * previous entry (or the folder the previous entry made) is kept: tar
 * entries come folder by folder, so most entries cost no path walk.  The
 * cache is dropped whenever anything is removed, since a removal is the only
 * way a path already resolved can change meaning.
 *
 * Overwrite rules are docker's: an entry replaces an existing non-directory;
 * a directory over a directory keeps its content and takes the new metadata;
 * anything else over a directory removes that directory first.
 *
 * Whiteouts.  Snapshot mode (apply_whiteouts): ".wh.NAME" becomes the
 * overlayfs whiteout (character device 0:0) NAME; ".wh..wh..opq" sets
 * trusted.overlay.opaque=y on its folder (user.overlay.opaque when rootless
 * and the kernel refuses trusted.*).  Flat mode: ".wh.NAME" removes NAME;
 * ".wh..wh..opq" removes everything under its folder that this layer did not
 * write (the set of written paths and their ancestors is kept for that).
 * Other ".wh..wh." names (aufs metadata) are skipped.
 *
 * Metadata.  Regular files: data, then fchown, then fchmod (chown clears
 * setuid bits), then xattrs (chown and write clear security.capability),
 * then times.  Directory times are set at the end, once their content is in.
 * Sparse files: data blocks are written at their offsets and the file is
 * truncated to its size, so holes stay holes.  Extended attributes the file
 * system cannot hold (ENOTSUP) are skipped, as are security.* ones the
 * kernel refuses, trusted.* ones when rootless, user.* ones on links and
 * nodes (the kernel never allows them there); trusted.overlay.* from the
 * archive is always dropped: only this code decides what overlayfs sees.
 * When rootless, owners the kernel refuses (EPERM/EINVAL) are left as they
 * are, and device nodes other than whiteouts are refused. */
#include "unpack.h"

#include "digest.h"
#include "lazy-libs.h"
#include <isa-l/igzip_lib.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "../basic/safe-path.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"
#define WH_META ".wh..wh."

/* An entry handler removed what stood in its way (and with it the cached
 * parent fd): resolve the parent again and retry. */
#define RETRY 1

/* ---- a set of relative paths (flat mode: what this layer wrote) ---- */

typedef struct pathset
{
  char **slots;
  size_t cap, n;
} pathset;

static uint64_t
hash_str (const char *s, size_t len)
{
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char) s[i]) * 1099511628211ULL;
  return h;
}

static bool
pathset_has_len (const pathset *ps, const char *s, size_t len)
{
  if (ps->cap == 0)
    return false;
  for (size_t i = hash_str (s, len) & (ps->cap - 1);; i = (i + 1) & (ps->cap - 1))
    {
      const char *k = ps->slots[i];
      if (k == NULL)
        return false;
      if (strncmp (k, s, len) == 0 && k[len] == '\0')
        return true;
    }
}

static bool
pathset_has (const pathset *ps, const char *s)
{
  return pathset_has_len (ps, s, strlen (s));
}

static void
pathset_put (pathset *ps, char *k)
{
  size_t i = hash_str (k, strlen (k)) & (ps->cap - 1);
  while (ps->slots[i] != NULL)
    i = (i + 1) & (ps->cap - 1);
  ps->slots[i] = k;
  ps->n++;
}

static int
pathset_add_len (pathset *ps, const char *s, size_t len)
{
  char *k;

  if (pathset_has_len (ps, s, len))
    return 0;
  if ((ps->n + 1) * 2 > ps->cap)
    {
      pathset old = *ps;
      size_t cap = old.cap ? old.cap * 2 : 256;
      ps->slots = calloc (cap, sizeof *ps->slots);
      if (ps->slots == NULL)
        {
          *ps = old;
          return -ENOMEM;
        }
      ps->cap = cap;
      ps->n = 0;
      for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i])
          pathset_put (ps, old.slots[i]);
      free (old.slots);
    }
  k = strndup (s, len);
  if (k == NULL)
    return -ENOMEM;
  pathset_put (ps, k);
  return 0;
}

/* Add path and all its ancestors ("a/b/c" adds "a/b/c", "a/b", "a"). */
static int
pathset_add_tree (pathset *ps, const char *path)
{
  size_t len = strlen (path);
  while (len > 0)
    {
      if (pathset_has_len (ps, path, len))
        return 0; /* its ancestors went in with it */
      int r = pathset_add_len (ps, path, len);
      if (r < 0)
        return r;
      const char *slash = memrchr (path, '/', len);
      len = slash ? (size_t) (slash - path) : 0;
    }
  return 0;
}

static void
pathset_free (pathset *ps)
{
  for (size_t i = 0; i < ps->cap; i++)
    free (ps->slots[i]);
  free (ps->slots);
  ps->slots = NULL;
  ps->cap = ps->n = 0;
}

/* ---- state ---- */

typedef struct dir_time
{
  char *path;
  struct timespec ts[2];
} dir_time;

typedef struct unpacker
{
  int rootfd;
  bool rootless, apply_whiteouts;
  vs_error *err;

  struct archive *outer, *inner;
  struct gz_source *gz; /* gzip layers: ISA-L's inflate instead of the outer reader */
  vs_unpack_read_fn read; /* the source when not the fd */
  void *read_user;
  unsigned char *rbuf;  /* outer_read's buffer */
  vs_sha256 *md;      /* NULL when no diff_id is wanted */
  bool outer_eof;
  int outer_errno;    /* set when the outer reader failed */
  char outer_msg[512];

  char label[256];    /* the current entry's name, printable, for messages */

  char cache_path[PATH_MAX];
  int cache_fd;       /* resolved folder cache_path, or -1 */

  dir_time *dirs;
  size_t n_dirs, cap_dirs;
  pathset written;    /* flat mode only */
  vs_unpack_stats stats;
} unpacker;

static void
cache_drop (unpacker *u)
{
  if (u->cache_fd >= 0)
    close (u->cache_fd);
  u->cache_fd = -1;
}

/* Give fd (a folder at path) to the cache. */
static void
cache_set (unpacker *u, const char *path, int fd)
{
  size_t len = strlen (path);
  cache_drop (u);
  if (len >= sizeof u->cache_path)
    {
      close (fd);
      return;
    }
  memcpy (u->cache_path, path, len + 1);
  u->cache_fd = fd;
}

/* Untrusted name into a one-line, quoted-safe label. */
static void
set_label (unpacker *u, const char *name)
{
  size_t i = 0;
  for (const unsigned char *p = (const unsigned char *) name; *p && i < sizeof u->label - 4; p++)
    u->label[i++] = (*p >= 0x20 && *p < 0x7f && *p != '"') || *p >= 0x80 ? (char) *p : '?';
  if (name[i] != '\0' && i >= sizeof u->label - 4)
    {
      memcpy (u->label + i, "...", 3);
      i += 3;
    }
  u->label[i] = '\0';
}

#define entry_fail(u, errnum, fmt, ...) \
  vs_fail ((u)->err, (errnum), "layer entry \"%s\": " fmt, (u)->label, ##__VA_ARGS__)

/* ---- the single pass: outer (decompress) feeds inner (tar) ---- */

/* gzip through ISA-L's inflate: about three times zlib's speed, and gzip
 * is what almost every registry layer is.  Concatenated members are read
 * one after another, as gzip(1) does. */
#define GZ_IN (256 * 1024)
#define GZ_OUT (512 * 1024)
typedef struct gz_source
{
  int fd;
  vs_unpack_read_fn read;
  void *read_user;
  bool in_eof, finished;
  struct inflate_state st;
  unsigned char in[GZ_IN];
  unsigned char out[GZ_OUT];
} gz_source;

/* Next block of the uncompressed stream: >0 bytes, 0 at the end, -1 with msg set. */
static ssize_t
gz_read (gz_source *g, const void **buf, char *msg, size_t msglen, int *err)
{
  for (;;)
    {
      if (g->finished)
        {
          /* another member follows, or the end (trailing bytes that are not
             a gzip member are ignored, as gzip -d does) */
          if (g->st.avail_in < 2 && !g->in_eof)
            goto refill;
          if (g->st.avail_in >= 2 && g->st.next_in[0] == 0x1f && g->st.next_in[1] == 0x8b)
            {
              uint8_t *next = g->st.next_in;
              uint32_t avail = g->st.avail_in;
              isal_inflate_init (&g->st);
              g->st.crc_flag = ISAL_GZIP;
              g->st.next_in = next;
              g->st.avail_in = avail;
              g->finished = false;
              continue;
            }
          return 0;
        }
      if (g->st.avail_in == 0 && !g->in_eof)
        goto refill;
      g->st.next_out = g->out;
      g->st.avail_out = GZ_OUT;
      int r = isal_inflate (&g->st);
      if (r != ISAL_DECOMP_OK)
        {
          snprintf (msg, msglen, "%s", r == ISAL_INCORRECT_CHECKSUM ? "gzip checksum mismatch" : "invalid gzip data");
          *err = EILSEQ;
          return -1;
        }
      if (g->st.block_state == ISAL_BLOCK_FINISH)
        g->finished = true;
      if (g->st.avail_out < GZ_OUT)
        {
          *buf = g->out;
          return (ssize_t) (GZ_OUT - g->st.avail_out);
        }
      if (!g->finished && g->st.avail_in == 0 && g->in_eof)
        {
          snprintf (msg, msglen, "truncated gzip input");
          *err = EILSEQ;
          return -1;
        }
      continue;
    refill:
      {
        size_t keep = g->st.avail_in;
        ssize_t n;
        if (keep)
          memmove (g->in, g->st.next_in, keep);
        if (g->read)
          {
            n = g->read (g->read_user, g->in + keep, GZ_IN - keep, msg, msglen);
            if (n < 0)
              {
                *err = (int) -n;
                return -1;
              }
          }
        else
          {
            do
              n = read (g->fd, g->in + keep, GZ_IN - keep);
            while (n < 0 && errno == EINTR);
            if (n < 0)
              {
                *err = errno;
                snprintf (msg, msglen, "%s", strerror (errno));
                return -1;
              }
          }
        if (n == 0)
          g->in_eof = true;
        g->st.next_in = g->in;
        g->st.avail_in = (uint32_t) (keep + (size_t) n);
      }
    }
}

/* The outer reader's source when the bytes come through opts->read. */
static la_ssize_t
outer_read (struct archive *a, void *data, const void **buf)
{
  unpacker *u = data;
  ssize_t n;
  if (u->rbuf == NULL && (u->rbuf = malloc (GZ_IN)) == NULL)
    {
      archive_set_error (a, ENOMEM, "out of memory");
      return -1;
    }
  n = u->read (u->read_user, u->rbuf, GZ_IN, u->outer_msg, sizeof u->outer_msg);
  if (n < 0)
    {
      u->outer_errno = (int) -n;
      archive_set_error (a, (int) -n, "%s", u->outer_msg);
      return -1;
    }
  *buf = u->rbuf;
  return (la_ssize_t) n;
}

static la_ssize_t
inner_read (struct archive *a, void *data, const void **buf)
{
  unpacker *u = data;
  size_t size;
  la_int64_t off;

  if (u->gz)
    {
      ssize_t n = gz_read (u->gz, buf, u->outer_msg, sizeof u->outer_msg, &u->outer_errno);
      if (n < 0)
        {
          archive_set_error (a, u->outer_errno, "%s", u->outer_msg);
          return -1;
        }
      if (n > 0 && u->md)
        vs_sha256_update (u->md, *buf, (size_t) n);
      return (la_ssize_t) n;
    }

  while (!u->outer_eof)
    {
      int r = archive_read_data_block (u->outer, buf, &size, &off);
      if (r == ARCHIVE_EOF)
        {
          u->outer_eof = true;
          break;
        }
      if (r < ARCHIVE_WARN)
        {
          u->outer_errno = archive_errno (u->outer) > 0 ? archive_errno (u->outer) : EIO;
          snprintf (u->outer_msg, sizeof u->outer_msg, "%s",
                    archive_error_string (u->outer) ? archive_error_string (u->outer) : "read error");
          archive_set_error (a, u->outer_errno, "%s", u->outer_msg);
          return -1;
        }
      if (size == 0)
        continue;
      if (u->md)
        vs_sha256_update (u->md, *buf, size);
      return (la_ssize_t) size;
    }
  return 0;
}

/* The message of a failed read: the decompressor's when it failed. */
static int
read_fail (unpacker *u, struct archive *a, const char *what)
{
  if (u->outer_errno)
    return vs_fail (u->err, 0, "%s: %s", what, u->outer_msg);
  const char *s = archive_error_string (a);
  return vs_fail (u->err, 0, "%s: %s", what, s ? s : "unknown libarchive error");
}

/* ---- path handling ---- */

/* Clean name into out (relative, no "." or empty components, ".." applied).
 * Returns 0, -EXDEV when ".." climbs above the root, -ENAMETOOLONG. */
static int
clean_path (const char *name, char *out, size_t size)
{
  size_t len = 0;
  const char *p = name;

  while (*p)
    {
      const char *end;
      size_t n;

      while (*p == '/')
        p++;
      if (*p == '\0')
        break;
      end = strchrnul (p, '/');
      n = (size_t) (end - p);
      if (n == 1 && p[0] == '.')
        ;
      else if (n == 2 && p[0] == '.' && p[1] == '.')
        {
          if (len == 0)
            return -EXDEV;
          char *slash = memrchr (out, '/', len);
          len = slash ? (size_t) (slash - out) : 0;
        }
      else
        {
          if (len + (len > 0) + n + 1 > size)
            return -ENAMETOOLONG;
          if (len > 0)
            out[len++] = '/';
          memcpy (out + len, p, n);
          len += n;
        }
      p = end;
    }
  out[len] = '\0';
  return 0;
}

static int
sys_openat2 (int dirfd, const char *path, int flags, unsigned long long resolve)
{
  struct open_how how = { .flags = (unsigned long long) flags, .resolve = resolve };
  int fd;
  do
    fd = (int) syscall (SYS_openat2, dirfd, path, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

static int
open_dir_in_root (int rootfd, const char *path)
{
  return sys_openat2 (rootfd, *path ? path : ".", O_PATH | O_DIRECTORY | O_CLOEXEC,
                      RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

/* Open folder path (relative, cleaned) inside the root; with create, make
 * the missing components.  Returns an fd or -errno (err filled). */
static int
resolve_dir (unpacker *u, const char *path, bool create)
{
  char prefix[PATH_MAX];
  _cleanup_close_ int cur = -1;
  const char *p;
  int fd;

  fd = open_dir_in_root (u->rootfd, path);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT || !create)
    return entry_fail (u, errno, "open folder \"%s\" inside the snapshot", path);
  /* Walk from the root, making what is missing: each mkdirat is one plain
   * name under a folder already resolved inside the root. */
  cur = open_dir_in_root (u->rootfd, "");
  if (cur < 0)
    return entry_fail (u, errno, "open the snapshot root");
  for (p = path; *p;)
    {
      const char *end = strchrnul (p, '/');
      char comp[NAME_MAX + 1];
      size_t n = (size_t) (end - p);

      if (n > NAME_MAX)
        return entry_fail (u, ENAMETOOLONG, "make folder \"%.*s\"", (int) (end - path), path);
      memcpy (comp, p, n);
      comp[n] = '\0';
      memcpy (prefix, path, (size_t) (end - path));
      prefix[end - path] = '\0';
      fd = open_dir_in_root (u->rootfd, prefix);
      if (fd < 0 && errno == ENOENT)
        {
          if (mkdirat (cur, comp, 0755) < 0 && errno != EEXIST)
            return entry_fail (u, errno, "make folder \"%s\"", prefix);
          fd = open_dir_in_root (u->rootfd, prefix);
        }
      if (fd < 0)
        return entry_fail (u, errno, "open folder \"%s\" inside the snapshot", prefix);
      close (cur);
      cur = fd;
      p = *end ? end + 1 : end;
    }
  return TAKE_FD (cur);
}

/* The parent folder of the current entry, through the cache.  Borrowed fd. */
static int
get_parent (unpacker *u, const char *parent, bool create)
{
  int fd;

  if (u->cache_fd >= 0 && strcmp (u->cache_path, parent) == 0)
    return u->cache_fd;
  fd = resolve_dir (u, parent, create);
  if (fd < 0)
    return fd;
  cache_set (u, parent, fd);
  return u->cache_fd;
}

/* Remove whatever is at pfd/base (tree or not) to make room for a new entry. */
static int
make_room (unpacker *u, int pfd, const char *base)
{
  int r;

  r = vs_rm_rf_at (pfd, base, u->err);
  cache_drop (u); /* pfd may be the cached fd: only now */
  if (r < 0)
    return vs_wrap (u->err, r, "layer entry \"%s\": replace the existing object", u->label);
  return 0;
}

/* ---- metadata ---- */

static int
entry_owner (unpacker *u, struct archive_entry *e, uid_t *uid, gid_t *gid)
{
  la_int64_t ou = archive_entry_uid (e), og = archive_entry_gid (e);
  if (ou < 0 || ou >= (la_int64_t) UINT32_MAX || og < 0 || og >= (la_int64_t) UINT32_MAX)
    return entry_fail (u, ERANGE, "owner %lld:%lld", (long long) ou, (long long) og);
  *uid = (uid_t) ou;
  *gid = (gid_t) og;
  return 0;
}

static void
entry_times (struct archive_entry *e, struct timespec ts[2])
{
  if (archive_entry_mtime_is_set (e))
    {
      ts[1].tv_sec = archive_entry_mtime (e);
      ts[1].tv_nsec = archive_entry_mtime_nsec (e);
    }
  else
    ts[1].tv_nsec = UTIME_OMIT;
  if (archive_entry_atime_is_set (e))
    {
      ts[0].tv_sec = archive_entry_atime (e);
      ts[0].tv_nsec = archive_entry_atime_nsec (e);
    }
  else
    ts[0] = ts[1];
  for (int i = 0; i < 2; i++)
    if (ts[i].tv_nsec != UTIME_OMIT && (ts[i].tv_nsec < 0 || ts[i].tv_nsec > 999999999))
      ts[i].tv_nsec = 0;
}

/* A chown failure that rootless mode leaves alone. */
static bool
chown_ignorable (unpacker *u, int e)
{
  return u->rootless && (e == EPERM || e == EINVAL);
}

/* Extended attributes, on fd (regular file, folder) or, when fd < 0, on
 * pfd/base without following it. */
static int
apply_xattrs (unpacker *u, struct archive_entry *e, int fd, int pfd, const char *base, bool link_or_node)
{
  const char *name;
  const void *value;
  size_t size;
  char proc[64 + NAME_MAX];

  if (archive_entry_xattr_reset (e) == 0)
    return 0;
  if (fd < 0)
    snprintf (proc, sizeof proc, "/proc/self/fd/%d/%s", pfd, base);
  while (archive_entry_xattr_next (e, &name, &value, &size) == ARCHIVE_OK)
    {
      int r;

      if (name == NULL || *name == '\0' || strncmp (name, "trusted.overlay.", 16) == 0
          || strncmp (name, "user.overlay.", 13) == 0)
        continue;
      r = fd >= 0 ? fsetxattr (fd, name, value, size, 0) : lsetxattr (proc, name, value, size, 0);
      if (r == 0)
        continue;
      r = errno;
      if (r == ENOTSUP || r == EOPNOTSUPP)
        continue;
      if ((r == EPERM || r == EACCES)
          && (strncmp (name, "security.", 9) == 0 || (u->rootless && strncmp (name, "trusted.", 8) == 0)
              || (link_or_node && strncmp (name, "user.", 5) == 0)))
        continue;
      return entry_fail (u, r, "set extended attribute %s", name);
    }
  return 0;
}

/* Owner, mode, xattrs and times of a link or node at pfd/base. */
static int
apply_meta_at (unpacker *u, struct archive_entry *e, int pfd, const char *base, bool is_link)
{
  struct timespec ts[2];
  uid_t uid;
  gid_t gid;
  int r;

  r = entry_owner (u, e, &uid, &gid);
  if (r < 0)
    return r;
  if (fchownat (pfd, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 && !chown_ignorable (u, errno))
    return entry_fail (u, errno, "set owner %u:%u", (unsigned) uid, (unsigned) gid);
  if (!is_link)
    {
      mode_t mode = archive_entry_perm (e) & 07777;
      if (fchmodat (pfd, base, mode, AT_SYMLINK_NOFOLLOW) < 0
          && ((errno != ENOTSUP && errno != EOPNOTSUPP) || fchmodat (pfd, base, mode, 0) < 0))
        return entry_fail (u, errno, "set mode %04o", (unsigned) mode);
    }
  r = apply_xattrs (u, e, -1, pfd, base, true);
  if (r < 0)
    return r;
  entry_times (e, ts);
  if (utimensat (pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
    return entry_fail (u, errno, "set times");
  return 0;
}

/* Owner, mode and xattrs of an open file or folder. */
static int
apply_meta_fd (unpacker *u, struct archive_entry *e, int fd)
{
  mode_t mode = archive_entry_perm (e) & 07777;
  uid_t uid;
  gid_t gid;
  int r;

  r = entry_owner (u, e, &uid, &gid);
  if (r < 0)
    return r;
  if (fchown (fd, uid, gid) < 0 && !chown_ignorable (u, errno))
    return entry_fail (u, errno, "set owner %u:%u", (unsigned) uid, (unsigned) gid);
  if (fchmod (fd, mode) < 0)
    return entry_fail (u, errno, "set mode %04o", (unsigned) mode);
  return apply_xattrs (u, e, fd, -1, NULL, false);
}

/* ---- entry kinds ---- */

static int
do_file (unpacker *u, struct archive_entry *e, int pfd, const char *base)
{
  _cleanup_close_ int fd = -1;
  struct timespec ts[2];
  la_int64_t size = archive_entry_size_is_set (e) ? archive_entry_size (e) : 0, end = 0;
  int r;

  fd = openat (pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST)
    {
      r = make_room (u, pfd, base);
      if (r < 0)
        return r;
      return RETRY; /* pfd went with the cache */
    }
  if (fd < 0)
    return entry_fail (u, errno, "create file");
  for (;;)
    {
      const void *buf;
      size_t len;
      la_int64_t off;

      r = archive_read_data_block (u->inner, &buf, &len, &off);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        {
          char what[sizeof u->label + 64];
          snprintf (what, sizeof what, "layer entry \"%s\": read data", u->label);
          return read_fail (u, u->inner, what);
        }
      for (size_t done = 0; done < len;)
        {
          ssize_t n = pwrite (fd, (const char *) buf + done, len - done, (off_t) (off + (la_int64_t) done));
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            return entry_fail (u, n < 0 ? errno : EIO, "write data");
          done += (size_t) n;
        }
      if (off + (la_int64_t) len > end)
        end = off + (la_int64_t) len;
    }
  if (size > end && ftruncate (fd, (off_t) size) < 0)
    return entry_fail (u, errno, "set size %lld", (long long) size);
  u->stats.bytes += (uint64_t) (size > end ? size : end);
  r = apply_meta_fd (u, e, fd);
  if (r < 0)
    return r;
  entry_times (e, ts);
  if (futimens (fd, ts) < 0)
    return entry_fail (u, errno, "set times");
  return 0;
}

static int
defer_dir_time (unpacker *u, const char *path, struct archive_entry *e)
{
  if (u->n_dirs == u->cap_dirs)
    {
      size_t cap = u->cap_dirs ? u->cap_dirs * 2 : 64;
      dir_time *d = reallocarray (u->dirs, cap, sizeof *d);
      if (d == NULL)
        return entry_fail (u, ENOMEM, "remember folder times");
      u->dirs = d;
      u->cap_dirs = cap;
    }
  u->dirs[u->n_dirs].path = strdup (path);
  if (u->dirs[u->n_dirs].path == NULL)
    return entry_fail (u, ENOMEM, "remember folder times");
  entry_times (e, u->dirs[u->n_dirs].ts);
  u->n_dirs++;
  return 0;
}

static int
do_dir (unpacker *u, struct archive_entry *e, const char *path, int pfd, const char *base)
{
  _cleanup_close_ int fd = -1;
  struct stat st;
  int r;

  if (*path == '\0')
    fd = openat (u->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  else
    {
      if (mkdirat (pfd, base, 0700) < 0)
        {
          if (errno != EEXIST)
            return entry_fail (u, errno, "make folder");
          if (fstatat (pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return entry_fail (u, errno, "inspect the existing object");
          if (!S_ISDIR (st.st_mode))
            {
              r = make_room (u, pfd, base);
              return r < 0 ? r : RETRY;
            }
        }
      fd = openat (pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
  if (fd < 0)
    return entry_fail (u, errno, "open folder");
  r = apply_meta_fd (u, e, fd);
  if (r < 0)
    return r;
  r = defer_dir_time (u, path, e);
  if (r < 0)
    return r;
  /* the next entries most likely live in this folder */
  cache_set (u, path, TAKE_FD (fd));
  return 0;
}

static int
do_symlink (unpacker *u, struct archive_entry *e, int pfd, const char *base)
{
  const char *target = archive_entry_symlink (e);

  if (target == NULL)
    target = archive_entry_symlink_utf8 (e);

  if (target == NULL || *target == '\0')
    return entry_fail (u, EINVAL, "symlink without a target");
  if (symlinkat (target, pfd, base) < 0)
    {
      if (errno != EEXIST)
        return entry_fail (u, errno, "make symlink");
      int r = make_room (u, pfd, base);
      return r < 0 ? r : RETRY;
    }
  return apply_meta_at (u, e, pfd, base, true);
}

static int
do_node (unpacker *u, struct archive_entry *e, int pfd, const char *base)
{
  mode_t type = archive_entry_filetype (e);
  dev_t dev = 0;

  if (type == AE_IFCHR || type == AE_IFBLK)
    {
      if (u->rootless)
        return entry_fail (u, EPERM, "device nodes are refused in rootless mode");
      dev = makedev (archive_entry_rdevmajor (e), archive_entry_rdevminor (e));
    }
  if (mknodat (pfd, base, type | 0600, dev) < 0)
    {
      if (errno != EEXIST)
        return entry_fail (u, errno, "make %s", type == AE_IFIFO ? "fifo" : "device node");
      int r = make_room (u, pfd, base);
      return r < 0 ? r : RETRY;
    }
  return apply_meta_at (u, e, pfd, base, false);
}

static int
do_hardlink (unpacker *u, const char *path, int pfd, const char *base, const char *link)
{
  char target[PATH_MAX], tparent[PATH_MAX];
  _cleanup_close_ int tpfd = -1;
  const char *tbase, *slash;
  int r;

  r = clean_path (link, target, sizeof target);
  if (r == -EXDEV)
    return entry_fail (u, 0, "hardlink target \"%s\" leaves the snapshot", link);
  if (r < 0 || *target == '\0')
    return entry_fail (u, r < 0 ? -r : EINVAL, "hardlink target \"%s\"", link);
  if (strcmp (target, path) == 0)
    return 0;
  slash = strrchr (target, '/');
  tbase = slash ? slash + 1 : target;
  snprintf (tparent, sizeof tparent, "%.*s", slash ? (int) (slash - target) : 0, target);
  tpfd = resolve_dir (u, tparent, false);
  if (tpfd < 0)
    return entry_fail (u, u->err->code, "hardlink target \"%s\"", link);
  /* no AT_SYMLINK_FOLLOW: a symlink target is linked as the symlink itself */
  if (linkat (tpfd, tbase, pfd, base, 0) < 0)
    {
      if (errno != EEXIST)
        return entry_fail (u, errno, "hardlink to \"%s\"", link);
      r = make_room (u, pfd, base);
      return r < 0 ? r : RETRY;
    }
  return 0;
}

/* ---- whiteouts ---- */

static int
do_whiteout (unpacker *u, const char *parent, const char *name)
{
  int pfd, r;

  if (!u->apply_whiteouts)
    {
      pfd = get_parent (u, parent, false);
      if (pfd < 0)
        {
          if (u->err->code != ENOENT && u->err->code != ENOTDIR)
            return pfd;
          vs_error_clear (u->err);
          return 0; /* nothing there to delete */
        }
      r = vs_rm_rf_at (pfd, name, u->err);
      cache_drop (u);
      return r < 0 ? vs_wrap (u->err, r, "layer entry \"%s\": apply whiteout", u->label) : 0;
    }
  pfd = get_parent (u, parent, true);
  if (pfd < 0)
    return pfd;
  if (mknodat (pfd, name, S_IFCHR | 0000, makedev (0, 0)) == 0)
    return 0;
  if (errno != EEXIST)
    return entry_fail (u, errno, "make whiteout \"%s\"", name);
  r = make_room (u, pfd, name);
  return r < 0 ? r : RETRY;
}

/* Flat mode: remove under fd (the folder at path, buffer of PATH_MAX) what
 * this layer did not write. */
static int
prune_unwritten (unpacker *u, int fd, char *path, size_t len)
{
  DIR *d;
  struct dirent *de;
  int r = 0;

  d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return entry_fail (u, errno, "list folder \"%s\"", path);
    }
  while (r == 0 && (de = readdir (d)) != NULL)
    {
      size_t n = strlen (de->d_name);

      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (len + 1 + n + 1 > PATH_MAX)
        {
          r = entry_fail (u, ENAMETOOLONG, "opaque folder \"%s\"", path);
          break;
        }
      if (len > 0)
        path[len] = '/';
      memcpy (path + len + (len > 0), de->d_name, n + 1);
      if (pathset_has (&u->written, path))
        {
          int sub = openat (dirfd (d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub >= 0)
            r = prune_unwritten (u, sub, path, len + (len > 0) + n);
          else if (errno != ENOTDIR && errno != ELOOP)
            r = entry_fail (u, errno, "open folder \"%s\"", path);
        }
      else
        {
          r = vs_rm_rf_at (dirfd (d), de->d_name, u->err);
          if (r < 0)
            r = vs_wrap (u->err, r, "layer entry \"%s\": apply opaque marker", u->label);
        }
      path[len] = '\0';
    }
  closedir (d);
  return r;
}

static int
do_opaque (unpacker *u, const char *parent)
{
  _cleanup_close_ int fd = -1;
  int pfd;

  if (!u->apply_whiteouts)
    {
      char path[PATH_MAX];
      pfd = resolve_dir (u, parent, false);
      if (pfd < 0)
        {
          if (u->err->code != ENOENT && u->err->code != ENOTDIR)
            return pfd;
          vs_error_clear (u->err);
          return 0;
        }
      fd = openat (pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      close (pfd);
      if (fd < 0)
        return entry_fail (u, errno, "open folder \"%s\"", parent);
      cache_drop (u);
      snprintf (path, sizeof path, "%s", parent);
      return prune_unwritten (u, TAKE_FD (fd), path, strlen (path));
    }
  pfd = get_parent (u, parent, true);
  if (pfd < 0)
    return pfd;
  fd = openat (pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return entry_fail (u, errno, "open folder \"%s\"", parent);
  if (fsetxattr (fd, "trusted.overlay.opaque", "y", 1, 0) == 0)
    return 0;
  if (u->rootless && errno == EPERM && fsetxattr (fd, "user.overlay.opaque", "y", 1, 0) == 0)
    return 0;
  return entry_fail (u, errno, "mark folder \"%s\" opaque", parent);
}

/* ---- one entry ---- */

static int
apply_entry (unpacker *u, struct archive_entry *e, const char *name)
{
  char path[PATH_MAX], parent[PATH_MAX];
  const char *base, *slash, *link;
  mode_t type;
  int r, pfd;

  r = clean_path (name, path, sizeof path);
  if (r == -EXDEV)
    return entry_fail (u, 0, "path leaves the snapshot");
  if (r < 0)
    return entry_fail (u, -r, "path");
  slash = strrchr (path, '/');
  base = slash ? slash + 1 : path;
  snprintf (parent, sizeof parent, "%.*s", slash ? (int) (slash - path) : 0, path);
  link = archive_entry_hardlink (e);
  if (link == NULL)
    link = archive_entry_hardlink_utf8 (e);
  type = archive_entry_filetype (e);

  if (strncmp (base, WH_PREFIX, strlen (WH_PREFIX)) == 0)
    {
      if (strcmp (base, WH_OPAQUE) == 0)
        return do_opaque (u, parent);
      if (strncmp (base, WH_META, strlen (WH_META)) == 0)
        return 0;
      const char *victim = base + strlen (WH_PREFIX);
      if (!vs_is_plain_name (victim))
        return entry_fail (u, EINVAL, "whiteout of an invalid name");
      for (int attempt = 0; attempt < 3; attempt++)
        {
          r = do_whiteout (u, parent, victim);
          if (r != RETRY)
            return r;
        }
      return entry_fail (u, EEXIST, "the existing object keeps coming back");
    }

  if (*path == '\0')
    {
      if (link == NULL && type == AE_IFDIR)
        return do_dir (u, e, path, u->rootfd, ".");
      return entry_fail (u, EINVAL, "only a folder can stand for the snapshot root");
    }

  /* A removal drops the cached parent (it may have been reached through what
   * was removed); the entry then starts over with a fresh resolution. */
  for (int attempt = 0;; attempt++)
    {
      pfd = get_parent (u, parent, true);
      if (pfd < 0)
        return pfd;
      if (link)
        r = do_hardlink (u, path, pfd, base, link);
      else
        switch (type)
          {
          case AE_IFREG:
            r = do_file (u, e, pfd, base);
            break;
          case AE_IFDIR:
            r = do_dir (u, e, path, pfd, base);
            break;
          case AE_IFLNK:
            r = do_symlink (u, e, pfd, base);
            break;
          case AE_IFCHR:
          case AE_IFBLK:
          case AE_IFIFO:
            r = do_node (u, e, pfd, base);
            break;
          default:
            return entry_fail (u, EINVAL, "unsupported entry type 0%o", (unsigned) type);
          }
      if (r != RETRY)
        break;
      if (attempt == 2)
        return entry_fail (u, EEXIST, "the existing object keeps coming back");
    }
  if (r < 0)
    return r;
  if (!u->apply_whiteouts && pathset_add_tree (&u->written, path) < 0)
    return entry_fail (u, ENOMEM, "remember the path");
  return 0;
}

/* ---- the layer ---- */

/* Folder times, now that their content is in, in archive order (a later
 * entry for the same folder wins; setting a folder's times does not touch
 * its parent's). */
static int
apply_dir_times (unpacker *u)
{
  for (size_t i = 0; i < u->n_dirs; i++)
    {
      const char *path = u->dirs[i].path, *slash = strrchr (path, '/');
      char parent[PATH_MAX];
      int pfd;

      set_label (u, path);
      if (*path == '\0')
        {
          if (utimensat (u->rootfd, ".", u->dirs[i].ts, 0) < 0)
            return entry_fail (u, errno, "set times");
          continue;
        }
      snprintf (parent, sizeof parent, "%.*s", slash ? (int) (slash - path) : 0, path);
      pfd = get_parent (u, parent, false);
      if (pfd < 0)
        {
          if (u->err->code != ENOENT && u->err->code != ENOTDIR)
            return pfd;
          vs_error_clear (u->err); /* removed by a later entry */
          continue;
        }
      if (utimensat (pfd, slash ? slash + 1 : path, u->dirs[i].ts, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
        return entry_fail (u, errno, "set times");
    }
  return 0;
}

static int
unpack (unpacker *u, int fd)
{
  struct archive_entry *e;
  char prev[sizeof u->label + 64] = "read layer";
  const void *buf;
  int r;

  unsigned char magic[2];
  u->inner = archive_read_new ();
  if (u->inner == NULL)
    return vs_fail (u->err, ENOMEM, "read layer");
  if (pread (fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b && lseek (fd, 0, SEEK_CUR) == 0)
    {
      u->gz = malloc (sizeof *u->gz);
      if (u->gz == NULL)
        return vs_fail (u->err, ENOMEM, "read layer");
      u->gz->fd = fd;
      u->gz->read = u->read;
      u->gz->read_user = u->read_user;
      u->gz->in_eof = u->gz->finished = false;
      isal_inflate_init (&u->gz->st);
      u->gz->st.crc_flag = ISAL_GZIP;
      u->gz->st.avail_in = 0;
      if (archive_read_support_format_tar (u->inner) != ARCHIVE_OK)
        return read_fail (u, u->inner, "set up the layer reader");
      if (archive_read_open (u->inner, u, NULL, inner_read, NULL) != ARCHIVE_OK)
        return read_fail (u, u->inner, "read layer");
      goto entries;
    }
  u->outer = archive_read_new ();
  if (u->outer == NULL)
    return vs_fail (u->err, ENOMEM, "read layer");
  /* Only the filters of OCI layers.  ARCHIVE_WARN means libarchive was built
   * without the library and will run the gzip or zstd program instead. */
  if (archive_read_support_filter_gzip (u->outer) < ARCHIVE_WARN
      || archive_read_support_filter_zstd (u->outer) < ARCHIVE_WARN
      || archive_read_support_format_raw (u->outer) != ARCHIVE_OK
      || archive_read_support_format_tar (u->inner) != ARCHIVE_OK)
    return read_fail (u, u->outer, "set up the layer reader");
  if ((u->read ? archive_read_open (u->outer, u, NULL, outer_read, NULL)
               : archive_read_open_fd (u->outer, fd, 128 * 1024)) != ARCHIVE_OK)
    {
      if (archive_filter_bytes (u->outer, -1) == 0)
        return vs_fail (u->err, 0, "read layer: the layer is empty");
      return read_fail (u, u->outer, "read layer");
    }
  r = archive_read_next_header (u->outer, &e);
  if (r == ARCHIVE_EOF)
    return vs_fail (u->err, 0, "read layer: the layer is empty");
  if (r < ARCHIVE_WARN)
    return read_fail (u, u->outer, "read layer");
  if (archive_read_open (u->inner, u, NULL, inner_read, NULL) != ARCHIVE_OK)
    return read_fail (u, u->inner, "read layer");

entries:
  for (;;)
    {
      const char *name;

      r = archive_read_next_header (u->inner, &e);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        return read_fail (u, u->inner, prev);
      name = archive_entry_pathname (e);
      if (name == NULL)
        name = archive_entry_pathname_utf8 (e);
      if (name == NULL)
        return vs_fail (u->err, EILSEQ, "%s: an entry has no usable name", prev);
      set_label (u, name);
      u->stats.entries++;
      r = apply_entry (u, e, name);
      if (r < 0)
        return r;
      snprintf (prev, sizeof prev, "read layer after entry \"%s\"", u->label);
    }
  /* Whatever follows the tar end marker is part of the stream too. */
  while ((r = (int) inner_read (u->inner, u, &buf)) > 0)
    ;
  if (r < 0)
    return vs_fail (u->err, 0, "read layer end: %s", u->outer_msg);
  return apply_dir_times (u);
}

int
vs_unpack_layer (int fd, int dirfd, const vs_unpack_opts *opts, char diff_id[72], vs_unpack_stats *stats,
                 vs_error *err)
{
  unpacker u = { .rootfd = dirfd, .err = err, .cache_fd = -1 };
  int r = 0;

  if (opts)
    {
      u.read = opts->read;
      u.read_user = opts->read_user;
      u.rootless = opts->rootless;
      u.apply_whiteouts = opts->apply_whiteouts;
    }
  if (diff_id)
    {
      diff_id[0] = '\0';
      u.md = vs_sha256_new ();
      if (u.md == NULL)
        r = vs_fail (err, ENOMEM, "read layer: set up sha256");
    }
  if (r == 0)
    r = unpack (&u, fd);
  if (r == 0 && u.md)
    {
      vs_sha256_final (u.md, diff_id);
      u.md = NULL;
      if (diff_id[0] == '\0')
        r = vs_fail (err, EIO, "read layer: finish sha256");
    }
  if (stats)
    *stats = u.stats;

  cache_drop (&u);
  for (size_t i = 0; i < u.n_dirs; i++)
    free (u.dirs[i].path);
  free (u.dirs);
  pathset_free (&u.written);
  if (u.inner)
    archive_read_free (u.inner);
  if (u.outer)
    archive_read_free (u.outer);
  free (u.gz);
  free (u.rbuf);
  vs_sha256_free (u.md);
  return r;
}
