/* selfexe.c — sealed memfd copy of /proc/self/exe and re-exec. */
#include "selfexe.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../basic/cleanup.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

bool
rt_selfexe_is_sealed (void)
{
  _cleanup_close_ int fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  int seals;
  if (fd < 0)
    return false;
  seals = fcntl (fd, F_GET_SEALS);
  return seals >= 0 && (seals & SEALS) == SEALS;
}

int
rt_selfexe_ensure_sealed (char **argv, vs_error *err)
{
  _cleanup_close_ int src = -1, mfd = -1;
  struct stat st;
  off_t off = 0;

  src = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (src < 0)
    return vs_fail (err, errno, "open /proc/self/exe");
  {
    int seals = fcntl (src, F_GET_SEALS);
    if (seals >= 0 && (seals & SEALS) == SEALS)
      return 0;
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
