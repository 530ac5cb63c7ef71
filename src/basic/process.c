/* process.c — children that outlive their parent. */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int
vs_fork_detached (void)
{
  int status;
  pid_t pid = fork ();

  if (pid < 0)
    return -errno;
  if (pid == 0)
    {
      pid_t grandchild = fork ();
      if (grandchild != 0)
        _exit (grandchild < 0 ? 1 : 0);
      setsid ();
      int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
      if (null >= 0)
        {
          for (int fd = 0; fd < 3; fd++)
            dup2 (null, fd);
          if (null > 2)
            close (null);
        }
      return 0;
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return -errno;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0 ? 1 : -EAGAIN;
}
