/* foreground.c — a runtime that stays attached: forwards signals to the
 * container process, copies its pty, and returns its exit status. */
#include "foreground.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"

/* Foreground: forward signals, copy the pty, return the exit status. */
int
rt_foreground_wait (pid_t pid, int *pty_master, const sigset_t *mask)
{
  _cleanup_close_ int sfd = signalfd (-1, mask, SFD_CLOEXEC);
  struct termios saved;
  bool raw = false, stdin_open = true;
  int status = -1;
  char buf[8192];

  if (*pty_master >= 0 && isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0)
    {
      struct termios t = saved;
      struct winsize ws;
      cfmakeraw (&t);
      tcsetattr (STDIN_FILENO, TCSANOW, &t);
      raw = true;
      if (ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
        ioctl (*pty_master, TIOCSWINSZ, &ws);
    }
  for (;;)
    {
      struct pollfd p[3] = { { .fd = sfd, .events = POLLIN },
                             { .fd = *pty_master, .events = POLLIN },
                             { .fd = (*pty_master >= 0 && stdin_open) ? STDIN_FILENO : -1, .events = POLLIN } };
      if (status >= 0 && *pty_master < 0)
        break;
      if (poll (p, 3, status >= 0 ? 100 : -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (p[1].revents)
        {
          ssize_t n = read (*pty_master, buf, sizeof buf);
          if (n > 0)
            vs_write_all (STDOUT_FILENO, buf, (size_t) n);
          else if (n == 0 || errno != EINTR)
            {
              close (*pty_master);
              *pty_master = -1;
            }
        }
      else if (status >= 0)
        {
          /* exited and the pty is drained */
          if (*pty_master >= 0)
            {
              close (*pty_master);
              *pty_master = -1;
            }
        }
      if (p[2].revents)
        {
          ssize_t n = read (STDIN_FILENO, buf, sizeof buf);
          if (n > 0)
            vs_write_all (*pty_master, buf, (size_t) n);
          else
            stdin_open = false;
        }
      if (p[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sfd, &si, sizeof si) != sizeof si)
            continue;
          if (si.ssi_signo == SIGCHLD)
            {
              int ws;
              pid_t w;
              while ((w = waitpid (-1, &ws, WNOHANG)) > 0)
                if (w == pid)
                  status = WIFEXITED (ws) ? WEXITSTATUS (ws) : 128 + WTERMSIG (ws);
            }
          else if (si.ssi_signo == SIGWINCH)
            {
              struct winsize w;
              if (*pty_master >= 0 && ioctl (STDIN_FILENO, TIOCGWINSZ, &w) == 0)
                ioctl (*pty_master, TIOCSWINSZ, &w);
            }
          else
            kill (pid, (int) si.ssi_signo);
        }
    }
  if (raw)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  return status;
}

void
rt_foreground_signals (sigset_t *mask)
{
  static const int forwarded[] = { SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
  sigemptyset (mask);
  for (size_t i = 0; i < ARRAY_SIZE (forwarded); i++)
    sigaddset (mask, forwarded[i]);
}
