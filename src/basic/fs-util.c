/* fs-util.c — whole-file I/O, atomic replacement and directory helpers. */
#include "fs-util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

int
vs_write_all (int fd, const void *data, size_t len)
{
  const char *p = data;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return -errno;
        }
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

int
vs_read_file_at (int dirfd, const char *path, char **ret, size_t *ret_len, vs_error *err)
{
  _cleanup_close_ int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC);
  _cleanup_free_ char *buf = NULL;
  size_t len = 0, cap = 0;

  if (fd < 0)
    return vs_fail (err, errno, "open `%s`", path);
  for (;;)
    {
      ssize_t n;
      if (cap - len < 4096)
        {
          size_t ncap = cap ? cap * 2 : 8192;
          char *nbuf = realloc (buf, ncap + 1);
          if (nbuf == NULL)
            return vs_fail (err, ENOMEM, "read `%s`", path);
          buf = nbuf;
          cap = ncap;
        }
      n = read (fd, buf + len, cap - len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return vs_fail (err, errno, "read `%s`", path);
        }
      if (n == 0)
        break;
      len += (size_t) n;
    }
  buf[len] = '\0';
  if (ret_len)
    *ret_len = len;
  *ret = TAKE_PTR (buf);
  return 0;
}

ssize_t
vs_read_small_at (int dirfd, const char *path, int flags, char *buf, size_t size)
{
  _cleanup_close_ int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | flags);
  ssize_t n;

  if (fd < 0)
    return -errno;
  do
    n = read (fd, buf, size - 1);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -errno;
  buf[n] = '\0';
  return n;
}

int
vs_write_file_at (int dirfd, const char *path, const void *data, size_t len, mode_t mode, vs_error *err)
{
  _cleanup_close_ int fd = openat (dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  int r;

  if (fd < 0)
    return vs_fail (err, errno, "open `%s` for writing", path);
  r = vs_write_all (fd, data, len);
  if (r < 0)
    return vs_fail (err, -r, "write `%s`", path);
  return 0;
}

int
vs_write_file_atomic_at (int dirfd, const char *name, const void *data, size_t len, mode_t mode, vs_error *err)
{
  char tmp[PATH_MAX];
  int r;

  if ((size_t) snprintf (tmp, sizeof tmp, "%s.tmp", name) >= sizeof tmp)
    return vs_fail (err, ENAMETOOLONG, "write `%s`", name);
  /* The temporary name is created exclusively and never followed: a
   * planted "name.tmp" symlink cannot redirect the write. */
  _cleanup_close_ int fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0 && errno == EEXIST)
    {
      unlinkat (dirfd, tmp, 0);
      fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    }
  if (fd < 0)
    return vs_fail (err, errno, "create `%s`", tmp);
  r = vs_write_all (fd, data, len);
  if (r < 0)
    {
      unlinkat (dirfd, tmp, 0);
      return vs_fail (err, -r, "write `%s`", tmp);
    }
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      r = vs_fail (err, errno, "rename `%s` to `%s`", tmp, name);
      unlinkat (dirfd, tmp, 0);
      return r;
    }
  return 0;
}

int
vs_mkdir_p (const char *path, mode_t mode, vs_error *err)
{
  char buf[PATH_MAX];
  size_t len = strlen (path);

  if (len == 0 || len >= sizeof buf)
    return vs_fail (err, ENAMETOOLONG, "create directory `%s`", path);
  /* the usual case: the parent exists (or all of it does) */
  if (mkdir (path, mode) == 0 || errno == EEXIST)
    return 0;
  if (errno != ENOENT)
    return vs_fail (err, errno, "create directory `%s`", path);
  memcpy (buf, path, len + 1);
  for (char *p = buf + 1; ; p++)
    {
      if (*p == '/' || *p == '\0')
        {
          char saved = *p;
          *p = '\0';
          if (mkdir (buf, mode) < 0 && errno != EEXIST)
            return vs_fail (err, errno, "create directory `%s`", buf);
          *p = saved;
          if (saved == '\0')
            break;
        }
    }
  return 0;
}

int
vs_mkdir_top (const char *path, mode_t mode, vs_error *err)
{
  _cleanup_close_ int fd = -1;
  int r = vs_mkdir_p (path, mode, err), flags;

  if (r < 0)
    return r;
  fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 && ioctl (fd, FS_IOC_GETFLAGS, &flags) == 0 && !(flags & FS_TOPDIR_FL))
    {
      flags |= FS_TOPDIR_FL;
      (void) ioctl (fd, FS_IOC_SETFLAGS, &flags);
    }
  return 0;
}

int
vs_rm_rf_at (int dir_fd, const char *name, vs_error *err)
{
  _cleanup_close_ int fd = -1;
  DIR *d;
  struct dirent *de;
  int r = 0;

  if (unlinkat (dir_fd, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR && errno != EPERM)
    return vs_fail (err, errno, "remove `%s`", name);
  fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return vs_fail (err, errno, "open directory `%s`", name);
  d = fdopendir (fd);
  if (d == NULL)
    return vs_fail (err, errno, "open directory `%s`", name);
  fd = -1; /* owned by d now */
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      r = vs_rm_rf_at (dirfd (d), de->d_name, err);
      if (r < 0)
        break;
    }
  closedir (d);
  if (r < 0)
    return r;
  if (unlinkat (dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return vs_fail (err, errno, "remove directory `%s`", name);
  return 0;
}

int
vs_cloexec_from (int min)
{
  DIR *d;
  if (syscall (SYS_close_range, (unsigned int) min, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return 0;
  d = opendir ("/proc/self/fd");
  if (d == NULL)
    return -errno;
  for (struct dirent *de; (de = readdir (d)) != NULL;)
    {
      int fd = atoi (de->d_name);
      if (de->d_name[0] < '0' || de->d_name[0] > '9' || fd < min || fd == dirfd (d))
        continue;
      int flags = fcntl (fd, F_GETFD);
      if (flags >= 0 && !(flags & FD_CLOEXEC) && fcntl (fd, F_SETFD, flags | FD_CLOEXEC) < 0)
        {
          int e = errno;
          closedir (d);
          return -e;
        }
    }
  closedir (d);
  return 0;
}
