/* selfexe.c — re-exec the runtime from a file the container cannot write:
 * the check, and the sealed memfd copy when no overlay can be made. */
#include "selfexe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../basic/cleanup.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/* Already safe: a sealed memfd, or the detached read-only overlay we made
   (the marker names exactly this file, on a read-only overlay). */
static bool
exe_is_safe (int fd)
{
  struct statfs sfs;
  struct stat st;
  char want[64];
  const char *mark = getenv (RT_SELFEXE_MARK);
  int seals = fcntl (fd, F_GET_SEALS);
  bool ours;

  if (seals >= 0 && (seals & SEALS) == SEALS)
    return true;
  ours = mark && fstat (fd, &st) == 0
         && snprintf (want, sizeof want, "%llu:%llu", (unsigned long long) st.st_dev, (unsigned long long) st.st_ino)
                < (int) sizeof want
         && strcmp (mark, want) == 0 && fstatfs (fd, &sfs) == 0 && sfs.f_type == OVERLAYFS_SUPER_MAGIC
         && (sfs.f_flags & ST_RDONLY);
  unsetenv (RT_SELFEXE_MARK);
  return ours;
}

bool
rt_selfexe_running_safe (void)
{
  _cleanup_close_ int fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && exe_is_safe (fd);
}

int
rt_selfexe_ensure_sealed (char **argv, const char *root, vs_error *err)
{
  _cleanup_close_ int src = -1, mfd = -1;
  struct stat st;
  off_t off = 0;

  src = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (src < 0)
    return vs_fail (err, errno, "open /proc/self/exe");
  if (exe_is_safe (src))
    return 0;
  /* usually done already at the entry point, before libc started */
  rt_selfexe_overlay_exec (NULL, argv, environ, root);
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
