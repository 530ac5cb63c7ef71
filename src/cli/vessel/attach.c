/* attach.c — the terminal side of `run -i/-t`, `start -a`, `attach` and
 * `exec -it`: relay our stdin and stdout to a container, in raw mode when
 * it has a terminal, with docker's detach keys and window resizes.
 *
 * Two kinds of peers: a monitor's attach socket (framed messages, see
 * src/monitor/attach.h) or a pty master received from the runtime (exec
 * -it, raw bytes). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "../../basic/cleanup.h"
#include "../../basic/fs-util.h"
#include "../../monitor/attach.h"
#include "cli.h"

/* ---- raw mode, restored on every way out ---- */

static struct termios saved_tty;
static volatile sig_atomic_t tty_raw;
static const int restore_signals[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
static struct sigaction old_actions[ARRAY_SIZE (restore_signals)];

static void
tty_restore (void)
{
  if (tty_raw)
    {
      tcsetattr (STDIN_FILENO, TCSADRAIN, &saved_tty);
      tty_raw = 0;
    }
}

static void
restore_and_die (int sig)
{
  tty_restore ();
  signal (sig, SIG_DFL);
  raise (sig);
}

static void
tty_make_raw (void)
{
  struct termios t;
  struct sigaction sa = { .sa_handler = restore_and_die };

  if (tcgetattr (STDIN_FILENO, &saved_tty) < 0)
    return;
  sigemptyset (&sa.sa_mask);
  for (size_t i = 0; i < ARRAY_SIZE (restore_signals); i++)
    sigaction (restore_signals[i], &sa, &old_actions[i]);
  t = saved_tty;
  cfmakeraw (&t);
  if (tcsetattr (STDIN_FILENO, TCSADRAIN, &t) == 0)
    tty_raw = 1;
}

static void
tty_unmake_raw (void)
{
  tty_restore ();
  for (size_t i = 0; i < ARRAY_SIZE (restore_signals); i++)
    sigaction (restore_signals[i], &old_actions[i], NULL);
}

/* ---- --sig-proxy ---- */

static const int proxied_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
static struct sigaction proxy_old[ARRAY_SIZE (proxied_signals)];
static volatile sig_atomic_t proxy_pidfd = -1;

static void
proxy_signal (int sig)
{
  int saved = errno;
  if (proxy_pidfd >= 0)
    syscall (SYS_pidfd_send_signal, (int) proxy_pidfd, sig, NULL, 0);
  errno = saved;
}

/* The ppid of pid from /proc, or -1. */
static int
parent_of (int pid)
{
  char path[64], buf[512];
  int ppid = -1;
  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  if (vs_read_small_at (AT_FDCWD, path, 0, buf, sizeof buf) <= 0)
    return -1;
  /* "pid (comm) state ppid ...": comm may hold anything, so from its last ')' */
  const char *p = strrchr (buf, ')');
  if (p == NULL || sscanf (p + 1, " %*c %d", &ppid) != 1)
    return -1;
  return ppid;
}

void
cli_sig_proxy_start (int pid, int parent)
{
  struct sigaction sa = { .sa_handler = proxy_signal, .sa_flags = SA_RESTART };
  int fd;

  if (pid <= 0 || proxy_pidfd >= 0 || (fd = (int) syscall (SYS_pidfd_open, pid, 0)) < 0)
    return;
  /* the pidfd pins the process; it is the container's only while its
     parent is the container's monitor, or the monitor's child that made
     it and is still exiting (else the pid was reused) */
  int pp = parent_of (pid);
  if (pp != parent && (pp <= 1 || parent_of (pp) != parent))
    {
      close (fd);
      return;
    }
  proxy_pidfd = fd;
  sigemptyset (&sa.sa_mask);
  for (size_t i = 0; i < ARRAY_SIZE (proxied_signals); i++)
    sigaction (proxied_signals[i], &sa, &proxy_old[i]);
}

void
cli_sig_proxy_stop (void)
{
  int fd = proxy_pidfd;
  if (fd < 0)
    return;
  for (size_t i = 0; i < ARRAY_SIZE (proxied_signals); i++)
    sigaction (proxied_signals[i], &proxy_old[i], NULL);
  proxy_pidfd = -1;
  close (fd);
}

bool
cli_terminal_size (unsigned short *rows, unsigned short *cols)
{
  struct winsize ws;

  if (ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) < 0 && ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) < 0)
    return false;
  if (ws.ws_row == 0 || ws.ws_col == 0)
    return false;
  *rows = ws.ws_row;
  *cols = ws.ws_col;
  return true;
}

/* ---- detach keys ---- */

int
cli_parse_detach_keys (const char *spec, char keys[CLI_DETACH_KEYS_MAX], size_t *n)
{
  _cleanup_free_ char *copy = strdup (spec);
  char *save = NULL;

  *n = 0;
  if (copy == NULL)
    return -ENOMEM;
  for (char *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
    {
      char c;
      if (*n == CLI_DETACH_KEYS_MAX)
        return -EINVAL;
      if (strncmp (t, "ctrl-", 5) == 0 && t[5] != '\0' && t[6] == '\0')
        {
          char k = t[5];
          if (k >= 'a' && k <= 'z')
            c = (char) (k - 'a' + 1);
          else if (k >= 'A' && k <= 'Z')
            c = (char) (k - 'A' + 1);
          else if (strchr ("@[\\]^_", k))
            c = (char) (k & 0x1f);
          else
            return -EINVAL;
        }
      else if (t[0] != '\0' && t[1] == '\0')
        c = t[0];
      else
        return -EINVAL;
      keys[(*n)++] = c;
    }
  return 0;
}

/* Filter in[0..len) through the detach keys into out (room for len +
 * nkeys); true when the whole sequence came (the rest is not sent). */
static bool
detach_filter (const char *keys, size_t nkeys, size_t *matched, const char *in, size_t len, char *out,
               size_t *outlen)
{
  size_t o = 0;

  for (size_t i = 0; i < len; i++)
    {
      char c = in[i];
      if (nkeys && c == keys[*matched])
        {
          if (++*matched == nkeys)
            {
              *outlen = o;
              return true;
            }
          continue;
        }
      if (*matched)
        {
          /* not the sequence after all: what was held goes out */
          memcpy (out + o, keys, *matched);
          o += *matched;
          *matched = 0;
          if (nkeys && c == keys[0])
            {
              *matched = 1;
              continue;
            }
        }
      out[o++] = c;
    }
  *outlen = o;
  return false;
}

/* ---- the relay ---- */

int
cli_attach_connect (const char *ctrdir)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  _cleanup_close_ int dirfd = -1;
  int fd;

  if (strlen (ctrdir) + 1 + strlen (VS_ATTACH_SOCK) < sizeof sa.sun_path)
    snprintf (sa.sun_path, sizeof sa.sun_path, "%s/%s", ctrdir, VS_ATTACH_SOCK);
  else
    {
      /* too long for a socket address: through the directory's fd */
      dirfd = open (ctrdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (dirfd < 0)
        return -errno;
      snprintf (sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", dirfd, VS_ATTACH_SOCK);
    }
  fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  if (connect (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      int e = errno;
      close (fd);
      return -e;
    }
  return fd;
}

static void
send_resize (int peer, bool framed)
{
  unsigned short rows, cols;

  if (!cli_terminal_size (&rows, &cols))
    return;
  if (framed)
    {
      char msg[1 + sizeof (struct vs_attach_resize)];
      struct vs_attach_resize rs = { .rows = rows, .cols = cols };
      msg[0] = VS_ATTACH_RESIZE;
      memcpy (msg + 1, &rs, sizeof rs);
      send (peer, msg, sizeof msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    }
  else
    {
      struct winsize ws = { .ws_row = rows, .ws_col = cols };
      ioctl (peer, TIOCSWINSZ, &ws);
    }
}

/* What the peer says: false at its end.  Framed: one message; raw: what
 * the pty master has. */
static bool
peer_output (int peer, bool framed, char *buf, size_t size)
{
  ssize_t n;

  if (framed)
    n = recv (peer, buf, size, MSG_DONTWAIT);
  else
    n = read (peer, buf, size);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false; /* EOF, or EIO: the pty's last slave is closed */
  if (!framed)
    vs_write_all (STDOUT_FILENO, buf, (size_t) n);
  else if (n > 1)
    vs_write_all (buf[0] == VS_ATTACH_STDERR ? STDERR_FILENO : STDOUT_FILENO, buf + 1, (size_t) n - 1);
  return true;
}

/* Hand pending input to the peer without blocking (its output must keep
 * flowing meanwhile): 1 all taken, 0 would block, -1 the peer is gone. */
static int
flush_input (int peer, bool framed, const char *buf, size_t *off, size_t len, bool *close_pending)
{
  while (*off < len)
    {
      size_t chunk = len - *off;
      ssize_t n;
      if (framed)
        {
          char type = VS_ATTACH_STDIN;
          if (chunk > VS_ATTACH_IN_MAX - 1)
            chunk = VS_ATTACH_IN_MAX - 1;
          struct iovec iov[2] = { { .iov_base = &type, .iov_len = 1 },
                                  { .iov_base = (void *) (buf + *off), .iov_len = chunk } };
          struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
          n = sendmsg (peer, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
          if (n > 0)
            n--;
        }
      else
        n = write (peer, buf + *off, chunk);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return 0;
      if (n < 0)
        return -1;
      *off += (size_t) n;
    }
  if (*close_pending)
    {
      char c = VS_ATTACH_CLOSE_STDIN;
      if (send (peer, &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno == EAGAIN)
        return 0;
      *close_pending = false;
    }
  return 1;
}

int
cli_attach_relay (int peer, const cli_attach_opts *o)
{
  static char in[4096], out[VS_ATTACH_OUT_MAX > 65536 ? VS_ATTACH_OUT_MAX : 65536];
  static char pend[sizeof in + CLI_DETACH_KEYS_MAX];
  size_t pend_len = 0, pend_off = 0, matched = 0;
  bool stdin_open = o->send_stdin, framed = !o->raw_peer, detached = false, close_pending = false;
  sigset_t winch, old;
  _cleanup_close_ int sfd = -1;
  int r = 0;

  if (o->tty && o->send_stdin && isatty (STDIN_FILENO))
    tty_make_raw ();
  if (!framed)
    fcntl (peer, F_SETFL, fcntl (peer, F_GETFL) | O_NONBLOCK);
  sigemptyset (&winch);
  sigaddset (&winch, SIGWINCH);
  if (o->tty)
    {
      sigprocmask (SIG_BLOCK, &winch, &old);
      sfd = signalfd (-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
      send_resize (peer, framed);
    }

  while (!detached)
    {
      bool waiting = pend_off < pend_len || close_pending;
      struct pollfd p[4] = {
        { .fd = peer, .events = POLLIN | (waiting ? POLLOUT : 0) },
        { .fd = stdin_open && !waiting ? STDIN_FILENO : -1, .events = POLLIN },
        { .fd = sfd, .events = POLLIN },
        { .fd = o->pidfd, .events = POLLIN },
      };
      if (poll (p, 4, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          r = -errno;
          break;
        }
      if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && !peer_output (peer, framed, out, sizeof out))
        break;
      if (p[3].revents)
        {
          /* exec: the runtime is done; what the pty still holds, then out */
          struct pollfd q = { .fd = peer, .events = POLLIN };
          while (poll (&q, 1, 0) > 0 && peer_output (peer, framed, out, sizeof out))
            ;
          break;
        }
      if (p[2].revents)
        {
          struct signalfd_siginfo si;
          while (read (sfd, &si, sizeof si) > 0)
            ;
          send_resize (peer, framed);
        }
      if (p[1].revents)
        {
          ssize_t n = read (STDIN_FILENO, in, sizeof in);
          if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
          if (n <= 0)
            {
              stdin_open = false;
              close_pending = framed && o->close_stdin;
            }
          else
            {
              detached = detach_filter (o->detach_keys, o->n_detach_keys, &matched, in, (size_t) n, pend,
                                        &pend_len);
              pend_off = 0;
            }
        }
      if ((pend_off < pend_len || close_pending)
          && flush_input (peer, framed, pend, &pend_off, pend_len, &close_pending) < 0)
        pend_off = pend_len = 0, close_pending = false; /* the peer is gone: its EOF ends us */
      if (pend_off >= pend_len)
        pend_off = pend_len = 0;
    }
  if (o->tty)
    sigprocmask (SIG_SETMASK, &old, NULL);
  tty_unmake_raw ();
  if (r < 0)
    return r;
  return detached ? 1 : 0;
}
