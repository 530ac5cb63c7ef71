/* selfexe.c — re-exec the runtime from a file the container cannot write. */
#include "selfexe.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/* Names the file we re-executed through the overlay ("dev:ino"), for the
   new image to recognise it; taken out of the environment at once. */
#define OVERLAY_MARK "_VESSEL_RUNTIME_OVERLAY"

/* Already safe: a sealed memfd, or the detached read-only overlay we made
   (the marker names exactly this file, on a read-only overlay). */
static bool
exe_is_safe (int fd)
{
  struct statfs sfs;
  struct stat st;
  char want[64];
  const char *mark = getenv (OVERLAY_MARK);
  int seals = fcntl (fd, F_GET_SEALS);
  bool ours;

  if (seals >= 0 && (seals & SEALS) == SEALS)
    return true;
  ours = mark && fstat (fd, &st) == 0
         && snprintf (want, sizeof want, "%llu:%llu", (unsigned long long) st.st_dev, (unsigned long long) st.st_ino)
                < (int) sizeof want
         && strcmp (mark, want) == 0 && fstatfs (fd, &sfs) == 0 && sfs.f_type == OVERLAYFS_SUPER_MAGIC
         && (sfs.f_flags & ST_RDONLY);
  unsetenv (OVERLAY_MARK);
  return ours;
}

/* Appends s to out (of size cap at *len) with lowerdir's escapes for ':' and '\\'. */
static bool
append_escaped (char *out, size_t cap, size_t *len, const char *s)
{
  for (; *s; s++)
    {
      if ((*s == ':' || *s == '\\') && *len + 1 < cap)
        out[(*len)++] = '\\';
      if (*len + 1 >= cap)
        return false;
      out[(*len)++] = *s;
    }
  out[*len] = '\0';
  return true;
}

/* A read-only overlay of the binary's own folder, never attached to any
   mount tree (fsopen/fsmount): the binary is opened through it and run,
   with no copy and its page cache shared.  An overlay of lower layers only
   (the binary's folder over an empty one in the runtime root) cannot be
   written, and a detached mount cannot be reached or remounted from inside
   a container.  Returns an fd, or -1 (then a memfd copy is used). */
static int
overlay_exe (int src, const char *root)
{
  char self[PATH_MAX], dir[PATH_MAX], empty[PATH_MAX], opt[3 * PATH_MAX];
  _cleanup_close_ int fsfd = -1, mnt = -1;
  size_t len = 0;
  ssize_t n;

  n = readlink ("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0 || (size_t) n >= sizeof self - 1)
    return -1;
  self[n] = '\0';
  if (self[0] != '/' || strchr (self, ',') || strstr (self, " (deleted)"))
    return -1;
  if (snprintf (empty, sizeof empty, "%s/.exe-lower", root) >= (int) sizeof empty || strchr (empty, ','))
    return -1;
  if (mkdir (empty, 0700) < 0 && errno != EEXIST)
    {
      vs_error ignore;
      if (vs_mkdir_p (empty, 0700, &ignore) < 0)
        return -1;
    }
  {
    struct stat a, b;
    /* the path must still name the file that runs */
    if (stat (self, &a) < 0 || fstat (src, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
      return -1;
  }
  snprintf (dir, sizeof dir, "%s", self);
  /* the binary's folder on top, so nothing in the other one can mask it */
  if (!append_escaped (opt, sizeof opt, &len, dirname (dir)) || len + 2 >= sizeof opt)
    return -1;
  opt[len++] = ':';
  if (!append_escaped (opt, sizeof opt, &len, empty))
    return -1;
  fsfd = (int) syscall (SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
  if (fsfd < 0)
    return -1;
  if (syscall (SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "lowerdir", opt, 0) < 0
      || (syscall (SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "xino", "off", 0), false)
      || syscall (SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  mnt = (int) syscall (SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
  if (mnt < 0)
    return -1;
  const char *base = strrchr (self, '/') + 1;
  int fd = openat (mnt, base, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  struct stat st;
  char mark[64];
  if (fd >= 0 && (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode)))
    {
      close (fd);
      return -1;
    }
  if (fd >= 0)
    {
      snprintf (mark, sizeof mark, "%llu:%llu", (unsigned long long) st.st_dev, (unsigned long long) st.st_ino);
      if (setenv (OVERLAY_MARK, mark, 1) < 0)
        {
          close (fd);
          return -1;
        }
    }
  return fd;
}

int
rt_selfexe_ensure_sealed (char **argv, const char *root, vs_error *err)
{
  _cleanup_close_ int src = -1, mfd = -1, ofd = -1;
  struct stat st;
  off_t off = 0;

  src = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (src < 0)
    return vs_fail (err, errno, "open /proc/self/exe");
  if (exe_is_safe (src))
    return 0;
  ofd = overlay_exe (src, root);
  if (ofd >= 0)
    {
      fexecve (ofd, argv, environ);
      unsetenv (OVERLAY_MARK); /* fall through to the copy */
    }
  if (fstat (src, &st) < 0)
    return vs_fail (err, errno, "stat /proc/self/exe");
  mfd = memfd_create ("vessel-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (mfd < 0 && errno == EINVAL)
    mfd = memfd_create ("vessel-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return vs_fail (err, errno, "memfd_create for the sealed runtime copy");
  while (off < st.st_size)
    {
      ssize_t n = sendfile (mfd, src, NULL, (size_t) (st.st_size - off));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return vs_fail (err, n < 0 ? errno : EIO, "copy the runtime into a memfd");
      off += n;
    }
  if (fcntl (mfd, F_ADD_SEALS, SEALS) < 0)
    return vs_fail (err, errno, "seal the runtime copy");
  fexecve (mfd, argv, environ);
  return vs_fail (err, errno, "re-exec the runtime from its sealed copy");
}
