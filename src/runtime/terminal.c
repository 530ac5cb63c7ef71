/* terminal.c — the container's pty: made from the container's own devpts,
 * the master handed out over --console-socket (or to `run`), the slave
 * becoming stdio, controlling terminal and /dev/console. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/safe-path.h"
#include "../basic/unix-fd.h"

int
rt_terminal_open (int rootfd, const struct rt_process *proc, int *ret_master, int *ret_slave, vs_error *err)
{
  _cleanup_close_ int master = -1, slave = -1;
  struct stat st;
  int unlock = 0;

  master = vs_open_in_root (rootfd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, 0, err);
  if (master < 0)
    return vs_wrap (err, master, "process.terminal: the container needs a devpts at /dev/pts");
  if (fstat (master, &st) < 0 || !S_ISCHR (st.st_mode) || major (st.st_rdev) != 5 || minor (st.st_rdev) != 2)
    return vs_fail (err, 0, "process.terminal: /dev/pts/ptmx is not a pty multiplexer");
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return vs_fail (err, errno, "process.terminal: unlock pty");
  slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return vs_fail (err, errno, "process.terminal: open pty peer");
  if (proc->console_height || proc->console_width)
    {
      struct winsize ws = { .ws_row = proc->console_height, .ws_col = proc->console_width };
      if (ioctl (slave, TIOCSWINSZ, &ws) < 0)
        return vs_fail (err, errno, "process.consoleSize");
    }
  *ret_master = TAKE_FD (master);
  *ret_slave = TAKE_FD (slave);
  return 0;
}

int
rt_terminal_handout (int master, int console_fd, int sync_fd, vs_error *err)
{
  int r;
  if (console_fd >= 0)
    r = vs_send_fd (console_fd, master, "/dev/ptmx", strlen ("/dev/ptmx"));
  else
    {
      struct rt_sync_msg m = { .type = RT_SYNC_PTY };
      r = vs_send_fd (sync_fd, master, &m, sizeof m);
    }
  if (r < 0)
    return vs_fail (err, -r, "process.terminal: send the pty master to the console socket");
  return 0;
}

int
rt_terminal_make_stdio (int slave, vs_error *err)
{
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (slave, fd) < 0)
      return vs_fail (err, errno, "process.terminal: make the pty stdio");
  if (ioctl (0, TIOCSCTTY, 0) < 0)
    return vs_fail (err, errno, "process.terminal: set controlling terminal");
  return 0;
}

int
rt_terminal_setup (struct rt_spawn *sp, int rootfd, vs_error *err)
{
  _cleanup_close_ int master = -1, slave = -1, console = -1;
  int r;

  if ((r = rt_terminal_open (rootfd, sp->cfg->process, &master, &slave, err)) < 0)
    return r;
  /* /dev/console is the pty we just made, bound by fd (CVE-2025-52565). */
  console = vs_mkdir_in_root (rootfd, "/dev/console", true, err);
  if (console < 0)
    return vs_wrap (err, console, "process.terminal: /dev/console");
  if ((r = rt_mount_bind_fd (slave, console, "/dev/console", err)) < 0)
    return r;
  if ((r = rt_terminal_handout (master, sp->console_fd, sp->sync_fd, err)) < 0)
    return r;
  if (sp->console_fd >= 0)
    {
      close (sp->console_fd);
      sp->console_fd = -1;
    }
  return rt_terminal_make_stdio (slave, err);
}
