/* safe-path.c — path resolution clamped inside a root (openat2). */
#include "safe-path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

static int
sys_openat2 (int dirfd, const char *path, int flags, mode_t mode, unsigned long long resolve)
{
  struct open_how how = { .flags = (unsigned long long) flags, .mode = mode, .resolve = resolve };
  int fd;
  do
    fd = (int) syscall (SYS_openat2, dirfd, path, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

int
vs_open_in_root (int rootfd, const char *path, int flags, mode_t mode, vs_error *err)
{
  const char *rel = path;
  int fd;

  while (*rel == '/')
    rel++;
  if (*rel == '\0')
    rel = ".";
  fd = sys_openat2 (rootfd, rel, flags | O_CLOEXEC, (flags & O_CREAT) ? mode : 0,
                    RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (fd < 0)
    return vs_fail (err, errno, "open `%s` inside the container root", path);
  return fd;
}

int
vs_read_file_in_root (int rootfd, const char *path, size_t max, char **ret, vs_error *err)
{
  char proc[64];
  struct stat st;
  int pfd, fd;
  char *buf;
  size_t got = 0;

  pfd = vs_open_in_root (rootfd, path, O_PATH | O_NOFOLLOW, 0, err);
  if (pfd < 0)
    return pfd;
  if (fstat (pfd, &st) < 0 || !S_ISREG (st.st_mode) || (size_t) st.st_size > max)
    {
      int e = errno;
      close (pfd);
      if (e == 0 || S_ISREG (st.st_mode))
        return vs_fail (err, EFBIG, "`%s` inside the container root: not a regular file of at most %zu bytes", path,
                        max);
      return vs_fail (err, e, "`%s` inside the container root", path);
    }
  /* reopen the very inode that was checked */
  snprintf (proc, sizeof proc, "/proc/self/fd/%d", pfd);
  fd = open (proc, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  close (pfd);
  if (fd < 0)
    return vs_fail (err, errno, "open `%s` inside the container root", path);
  buf = malloc (max + 1);
  if (buf == NULL)
    {
      close (fd);
      return vs_fail (err, ENOMEM, "read `%s`", path);
    }
  for (;;)
    {
      ssize_t n = read (fd, buf + got, max - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (size_t) n;
      if (got == max)
        break;
    }
  close (fd);
  buf[got] = '\0';
  *ret = buf;
  return 0;
}

bool
vs_is_plain_name (const char *name)
{
  return name[0] != '\0' && strchr (name, '/') == NULL && strcmp (name, ".") != 0
         && strcmp (name, "..") != 0;
}

/* Resolve path (a writable copy) inside rootfd, creating what is missing:
 * first try the whole path, and only on ENOENT make the parent, then the
 * last component under the already-resolved parent fd. */
static int
mkdir_in_root_at (int rootfd, char *path, bool leaf_is_file, int depth, vs_error *err)
{
  _cleanup_close_ int parent = -1;
  char *slash, *base;
  struct stat st;
  int fd;

  fd = sys_openat2 (rootfd, *path ? path : ".", O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (fd >= 0 || errno != ENOENT)
    {
      if (fd < 0)
        return vs_fail (err, errno, "resolve `/%s` inside the container root", path);
      return fd;
    }
  if (depth > 255)
    return vs_fail (err, ELOOP, "resolve `/%s` inside the container root", path);
  slash = strrchr (path, '/');
  base = slash ? slash + 1 : path;
  if (!vs_is_plain_name (base))
    return vs_fail (err, ENOENT, "resolve `/%s` inside the container root", path);
  if (slash)
    {
      *slash = '\0';
      parent = mkdir_in_root_at (rootfd, path, false, depth + 1, err);
      *slash = '/';
    }
  else
    parent = sys_openat2 (rootfd, ".", O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT);
  if (parent < 0)
    return parent == -1 ? vs_fail (err, errno, "open container root") : parent;
  if (fstat (parent, &st) < 0 || !S_ISDIR (st.st_mode))
    return vs_fail (err, ENOTDIR, "resolve `/%s` inside the container root", path);
  /* base is one plain name under a resolved parent: this cannot leave the root. */
  if (leaf_is_file)
    {
      int f = openat (parent, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (f < 0 && errno != EEXIST)
        return vs_fail (err, errno, "create file `/%s` inside the container root", path);
      if (f >= 0)
        close (f);
    }
  else if (mkdirat (parent, base, 0755) < 0 && errno != EEXIST)
    return vs_fail (err, errno, "create directory `/%s` inside the container root", path);
  /* Re-resolve from the root: an EEXIST race or a dangling symlink gets the
   * same clamped resolution as everything else. */
  fd = sys_openat2 (rootfd, path, O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (fd < 0 && errno == ENOENT)
    {
      /* A dangling symlink (images often have /var/run -> ../run with no
       * /run): make its target, read as a path inside the root, as runc does. */
      char link[PATH_MAX], target[PATH_MAX];
      ssize_t n = readlinkat (parent, base, link, sizeof link - 1);
      if (n <= 0)
        return vs_fail (err, ENOENT, "resolve `/%s` inside the container root", path);
      link[n] = '\0';
      if (link[0] == '/')
        snprintf (target, sizeof target, "%s", link + 1);
      else
        snprintf (target, sizeof target, "%.*s%s%s", slash ? (int) (slash - path) : 0, path, slash ? "/" : "", link);
      int tfd = mkdir_in_root_at (rootfd, target, leaf_is_file, depth + 1, err);
      if (tfd < 0)
        return tfd;
      close (tfd);
      fd = sys_openat2 (rootfd, path, O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    }
  if (fd < 0)
    return vs_fail (err, errno, "resolve `/%s` inside the container root", path);
  return fd;
}

int
vs_mkdir_in_root (int rootfd, const char *path, bool leaf_is_file, vs_error *err)
{
  char buf[PATH_MAX];
  const char *p = path;
  size_t len;

  while (*p == '/')
    p++;
  len = strlen (p);
  while (len > 0 && p[len - 1] == '/')
    len--;
  if (len >= sizeof buf)
    return vs_fail (err, ENAMETOOLONG, "resolve `%s` inside the container root", path);
  memcpy (buf, p, len);
  buf[len] = '\0';
  return mkdir_in_root_at (rootfd, buf, leaf_is_file, 0, err);
}

int
vs_open_parent_in_root (int rootfd, const char *path, const char **ret_base, vs_error *err)
{
  char parent[PATH_MAX];
  const char *base;
  size_t len = strlen (path);

  while (len > 1 && path[len - 1] == '/')
    len--;
  if (len >= sizeof parent)
    return vs_fail (err, ENAMETOOLONG, "resolve `%s` inside the container root", path);
  memcpy (parent, path, len);
  parent[len] = '\0';
  base = memrchr (path, '/', len);
  base = base ? base + 1 : path;
  parent[base - path] = '\0';
  *ret_base = base;
  if (!vs_is_plain_name (base))
    return vs_fail (err, EINVAL, "resolve `%s` inside the container root: not a file name", path);
  return vs_mkdir_in_root (rootfd, parent, false, err);
}
