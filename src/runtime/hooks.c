/* hooks.c — fork, feed the state, wait with a deadline. */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"

static int
run_one (const struct rt_hook *h, const char *kind, const char *state_json, vs_error *err)
{
  _cleanup_close_ int pidfd = -1;
  int fds[2], status, r;
  pid_t pid;

  if (pipe2 (fds, O_CLOEXEC) < 0)
    return vs_fail (err, errno, "run %s hook `%s`: pipe", kind, h->path);
  pid = fork ();
  if (pid < 0)
    {
      close (fds[0]);
      close (fds[1]);
      return vs_fail (err, errno, "run %s hook `%s`: fork", kind, h->path);
    }
  if (pid == 0)
    {
      char *default_args[] = { h->path, NULL };
      char *empty_env[] = { NULL };
      sigset_t all;
      sigemptyset (&all);
      sigprocmask (SIG_SETMASK, &all, NULL);
      if (dup2 (fds[0], STDIN_FILENO) < 0)
        _exit (127);
      execve (h->path, h->args && h->args[0] ? h->args : default_args, h->env ? h->env : empty_env);
      dprintf (STDERR_FILENO, "vessel-runtime: exec %s hook `%s`: %s\n", kind, h->path, strerror (errno));
      _exit (127);
    }
  close (fds[0]);
  /* A hook that does not read its stdin must not block us: ignore EPIPE. */
  {
    struct sigaction sa = { .sa_handler = SIG_IGN }, old;
    sigaction (SIGPIPE, &sa, &old);
    vs_write_all (fds[1], state_json, strlen (state_json));
    sigaction (SIGPIPE, &old, NULL);
  }
  close (fds[1]);

  pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (h->timeout > 0 && pidfd >= 0)
    {
      struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
      do
        r = poll (&pfd, 1, h->timeout * 1000);
      while (r < 0 && errno == EINTR);
      if (r == 0)
        {
          kill (pid, SIGKILL);
          waitpid (pid, NULL, 0);
          return vs_fail (err, 0, "%s hook `%s` timed out after %d s", kind, h->path, h->timeout);
        }
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return vs_fail (err, errno, "wait for %s hook `%s`", kind, h->path);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (WIFSIGNALED (status))
    return vs_fail (err, 0, "%s hook `%s` killed by signal %d", kind, h->path, WTERMSIG (status));
  return vs_fail (err, 0, "%s hook `%s` exited with status %d", kind, h->path, WEXITSTATUS (status));
}

int
rt_hooks_run (const struct rt_hook *hooks, size_t n, const char *kind, const char *state_json, vs_error *err)
{
  for (size_t i = 0; i < n; i++)
    {
      int r = run_one (&hooks[i], kind, state_json, err);
      if (r < 0)
        return r;
    }
  return 0;
}
