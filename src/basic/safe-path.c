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

bool
vs_is_plain_name (const char *name)
{
  return name[0] != '\0' && strchr (name, '/') == NULL && strcmp (name, ".") != 0
         && strcmp (name, "..") != 0;
}

int
vs_mkdir_in_root (int rootfd, const char *path, bool leaf_is_file, vs_error *err)
{
  char prefix[PATH_MAX];
  size_t plen = 0;
  const char *p = path;
  _cleanup_close_ int cur = -1;

  cur = sys_openat2 (rootfd, ".", O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT);
  if (cur < 0)
    return vs_fail (err, errno, "open container root");

  while (*p)
    {
      const char *end;
      size_t clen;
      char comp[NAME_MAX + 1];
      bool last;
      int nfd;

      while (*p == '/')
        p++;
      if (*p == '\0')
        break;
      end = strchrnul (p, '/');
      clen = (size_t) (end - p);
      if (clen > NAME_MAX || plen + clen + 2 >= sizeof prefix)
        return vs_fail (err, ENAMETOOLONG, "resolve `%s` inside the container root", path);
      memcpy (comp, p, clen);
      comp[clen] = '\0';
      prefix[plen++] = '/';
      memcpy (prefix + plen, comp, clen);
      plen += clen;
      prefix[plen] = '\0';
      p = end;
      while (*p == '/')
        p++;
      last = (*p == '\0');

      nfd = sys_openat2 (rootfd, prefix + 1, O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
      if (nfd < 0 && errno == ENOENT && vs_is_plain_name (comp))
        {
          /* Create the missing component under the already-resolved parent:
           * comp is one plain name, so this cannot leave the root. */
          if (last && leaf_is_file)
            {
              int f = openat (cur, comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
              if (f < 0 && errno != EEXIST)
                return vs_fail (err, errno, "create file `%s` inside the container root", prefix);
              if (f >= 0)
                close (f);
            }
          else if (mkdirat (cur, comp, 0755) < 0 && errno != EEXIST)
            return vs_fail (err, errno, "create directory `%s` inside the container root", prefix);
          nfd = sys_openat2 (rootfd, prefix + 1, O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
        }
      if (nfd < 0)
        return vs_fail (err, errno, "resolve `%s` inside the container root", prefix);
      close (cur);
      cur = nfd;
      if (!last)
        {
          struct stat st;
          if (fstat (cur, &st) < 0)
            return vs_fail (err, errno, "stat `%s` inside the container root", prefix);
          if (!S_ISDIR (st.st_mode))
            return vs_fail (err, ENOTDIR, "resolve `%s` inside the container root", prefix);
        }
    }
  return TAKE_FD (cur);
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
