/* main.c — vessel-monitor: one small process per container.
 *
 * It creates and starts the container through the OCI runtime, owns the
 * pipes of the container's stdout and stderr and copies them into the
 * json-file log, reaps the init (as child subreaper) and records its exit
 * in CTRDIR/state.json, restarts it by policy, and finally deletes the
 * runtime's state and runs the exit command.
 *
 * Interactive containers (see attach.h for the protocol): with --terminal
 * the runtime gets --console-socket CTRDIR/console.sock and hands us the
 * pty master, which is then the container's output (logged as "stdout")
 * and input; with --stdin (no terminal) the container's stdin is a pipe
 * instead of /dev/null.  Either way we listen on CTRDIR/attach.sock:
 * every attached client gets the output live and may send input and window
 * sizes.  The foreground CLI does not race the container's first output or
 * input: it is a client from the start, handed to us as --attach-fd before
 * `create` runs (no waiting for a connection, nothing to buffer).
 *
 * The container's root filesystem (--rootfs, an overlay with the options
 * --rootfs-options) is mounted in a private mount namespace of the
 * monitor, never in the host's: the runtime, run from here, sees it; the
 * host's mount table does not grow with every container (each new mount
 * namespace copies the whole table), and the mount goes with the monitor
 * however it ends.  The engine reaches it through /proc/MONITOR/root.
 *
 * With vessel-runtime (the one next to us) the monitor does not exec it to
 * start the container: the same code is linked in, and a forked child runs
 * `run --detach` itself.  That saves a program start (0.7 ms of the 10 a
 * detached container takes here).  The container's init is then a fork of
 * the monitor, so the monitor runs from a read-only overlay of itself
 * (CVE-2019-5736), re-executed there from its entry point before libc
 * starts (vs_monitor_early).  kill, delete and any other runtime are
 * exec'd as programs.
 *
 * Memory: one per container, so everything is fixed-size and static; no
 * stdio streams, no heap in steady state. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../runtime/container.h"
#include "../runtime/selfexe.h"
#include "../basic/log.h"
#include "../basic/cleanup.h"
#include "../basic/error.h"
#include "../basic/fs-util.h"
#include "attach.h"
#include "logfile.h"

#define MAX_EXIT_ARGS 256
#define BACKOFF_START_MS 100
#define BACKOFF_MAX_MS 10000
/* A run this long resets the backoff (docker does the same). */
#define BACKOFF_RESET_MS 10000
#define DRAIN_MS 1000
#define MAX_CLIENTS 16
/* A client that takes no output for this long is dropped (the container
 * must not stall on a stuck terminal). */
#define CLIENT_SEND_TIMEOUT_S 5

enum restart_policy { RESTART_NO, RESTART_ALWAYS, RESTART_UNLESS_STOPPED, RESTART_ON_FAILURE };

struct monitor
{
  /* command line */
  const char *runtime, *runtime_root, *bundle, *id, *dir, *log_path, *stop_signal;
  const char *rootfs, *rootfs_options; /* --rootfs PATH --rootfs-options OPTS */
  uint64_t log_max_size;
  unsigned log_max_file;
  enum restart_policy policy;
  long max_retries; /* on-failure:N; -1 unlimited */
  int sync_fd;
  bool wait_go; /* --wait-go: set up, then start only after a byte on --sync-fd */
  bool terminal, open_stdin; /* --terminal, --stdin */
  int attach_arg_fd;         /* --attach-fd: the first client */
  const char *exit_argv[MAX_EXIT_ARGS + 1];
  size_t exit_argc;

  /* the runtime's state of the container, where the init's pid is read;
     the runtime's log, a memfd the runtime opens as /proc/MONITOR/fd/N */
  char runtime_state_path[PATH_MAX], runtime_log_path[64];

  int dir_fd, sig_fd, null_fd, runtime_log_fd;
  /* the runtime's real path (for its read-only overlay, CVE-2019-5736;
     empty: unknown), and the runtime opened through that overlay ahead of
     the first start (rt_selfexe_overlay_open) with its marker; -1 after it */
  char runtime_real[PATH_MAX];
  long runtime_exe_fd;
  char runtime_mark[RT_SELFEXE_MARK_LEN];
  bool inproc; /* `run` by the linked-in runtime (we run from its overlay) */
  int result_fd; /* its child's "done" byte, written ahead of its exit (-1: none) */
  int out_r, out_w, err_r, err_w;
  int master;                /* the pty master (--terminal) */
  int in_r, in_w;            /* the stdin pipe (--stdin without --terminal) */
  int listen_fd;             /* CTRDIR/attach.sock */
  int console_fd;            /* CTRDIR/console.sock during create, then the runtime's connection */
  bool console_accepted;
  bool console_received;     /* the master came (it may be closed again by now: the init can be gone) */
  int clients[MAX_CLIENTS];
  size_t pending_off, pending_len; /* input not yet taken by the container */
  bool close_stdin_after;    /* 'c' came behind pending input */
  vs_logfile log;
  bool log_failed; /* reported once */

  /* children */
  pid_t helper_pid;  /* the runtime command being waited for */
  bool helper_done;
  int helper_status;
  pid_t init_pid;
  bool starting;     /* between `run --detach` and reading the init's pid */
  bool init_exited;
  int init_status;

  bool stop_requested;
  bool stop_sent;   /* the stop signal went to this run's init */
  unsigned restart_count;
  char started_at[VS_LOG_TIME_LEN];
  char finished_at[VS_LOG_TIME_LEN];
  struct timespec started_mono;
};

static vs_logstream out_stream = { .name = "stdout" };
static vs_logstream err_stream = { .name = "stderr" };
static char client_msg[VS_ATTACH_IN_MAX];
static char pending[VS_ATTACH_IN_MAX];

/* ------------------------------------------------------------------------
 * Small helpers */

static void
warn (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
static void
warn (const char *fmt, ...)
{
  char buf[1400];
  va_list ap;
  int n = snprintf (buf, sizeof buf, "vessel-monitor: ");

  va_start (ap, fmt);
  vsnprintf (buf + n, sizeof buf - (size_t) n - 1, fmt, ap);
  va_end (ap);
  n = (int) strlen (buf);
  buf[n++] = '\n';
  if (write (STDERR_FILENO, buf, (size_t) n) < 0)
    return;
}

static int64_t
mono_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
usage (void)
{
  static const char text[] =
    "usage: vessel-monitor --runtime PATH --runtime-root DIR --bundle DIR --id ID --dir CTRDIR --log FILE\n"
    "                      [--log-max-size BYTES] [--log-max-file N]\n"
    "                      [--restart no|always|unless-stopped|on-failure[:N]]\n"
    "                      [--sync-fd N [--wait-go]] [--exit-command ARG]... [--stop-signal SIG]\n"
    "                      [--terminal] [--stdin] [--attach-fd N]\n"
    "                      [--rootfs PATH --rootfs-options OVERLAY-OPTIONS]\n";
  if (write (STDERR_FILENO, text, sizeof text - 1) < 0)
    return;
}

static int
parse_u64 (const char *s, uint64_t *ret, bool suffixes)
{
  char *end;
  unsigned long long v;
  uint64_t mult = 1;

  if (s[0] < '0' || s[0] > '9')
    return -EINVAL;
  errno = 0;
  v = strtoull (s, &end, 10);
  if (errno != 0)
    return -EINVAL;
  if (suffixes && *end != '\0' && end[1] == '\0')
    {
      switch (*end)
        {
        case 'k': case 'K': mult = 1ULL << 10; break;
        case 'm': case 'M': mult = 1ULL << 20; break;
        case 'g': case 'G': mult = 1ULL << 30; break;
        default: return -EINVAL;
        }
      end++;
    }
  if (*end != '\0' || v > UINT64_MAX / mult)
    return -EINVAL;
  *ret = (uint64_t) v * mult;
  return 0;
}

static int
parse_restart (struct monitor *m, const char *s)
{
  uint64_t n;

  m->max_retries = -1;
  if (strcmp (s, "no") == 0)
    m->policy = RESTART_NO;
  else if (strcmp (s, "always") == 0)
    m->policy = RESTART_ALWAYS;
  else if (strcmp (s, "unless-stopped") == 0)
    m->policy = RESTART_UNLESS_STOPPED;
  else if (strcmp (s, "on-failure") == 0)
    m->policy = RESTART_ON_FAILURE;
  else if (strncmp (s, "on-failure:", 11) == 0 && parse_u64 (s + 11, &n, false) == 0 && n <= INT_MAX)
    {
      m->policy = RESTART_ON_FAILURE;
      m->max_retries = (long) n;
    }
  else
    return -EINVAL;
  return 0;
}

/* --name VALUE or --name=VALUE at argv[*i]. */
static bool
take (const char *name, int argc, char **argv, int *i, const char **value)
{
  const char *a = argv[*i];
  size_t n = strlen (name);

  if (strncmp (a, "--", 2) != 0 || strncmp (a + 2, name, n) != 0)
    return false;
  if (a[2 + n] == '=')
    {
      *value = a + 3 + n;
      return true;
    }
  if (a[2 + n] != '\0')
    return false;
  if (*i + 1 >= argc)
    {
      warn ("option `--%s` needs a value", name);
      exit (125);
    }
  *value = argv[++*i];
  return true;
}

static int
parse_args (struct monitor *m, int argc, char **argv)
{
  const char *v, *restart = NULL;

  for (int i = 1; i < argc; i++)
    {
      uint64_t n;
      if (take ("runtime", argc, argv, &i, &m->runtime) || take ("runtime-root", argc, argv, &i, &m->runtime_root)
          || take ("bundle", argc, argv, &i, &m->bundle) || take ("id", argc, argv, &i, &m->id)
          || take ("dir", argc, argv, &i, &m->dir) || take ("log", argc, argv, &i, &m->log_path)
          || take ("stop-signal", argc, argv, &i, &m->stop_signal) || take ("restart", argc, argv, &i, &restart)
          || take ("rootfs", argc, argv, &i, &m->rootfs) || take ("rootfs-options", argc, argv, &i, &m->rootfs_options))
        continue;
      if (take ("log-max-size", argc, argv, &i, &v))
        {
          if (parse_u64 (v, &m->log_max_size, true) < 0)
            return warn ("--log-max-size: expected a size in bytes, got `%s`", v), -EINVAL;
        }
      else if (take ("log-max-file", argc, argv, &i, &v))
        {
          if (parse_u64 (v, &n, false) < 0 || n < 1 || n > 1000)
            return warn ("--log-max-file: expected a count from 1 to 1000, got `%s`", v), -EINVAL;
          m->log_max_file = (unsigned) n;
        }
      else if (take ("sync-fd", argc, argv, &i, &v))
        {
          if (parse_u64 (v, &n, false) < 0 || n > INT_MAX || fcntl ((int) n, F_GETFD) < 0)
            return warn ("--sync-fd: `%s` is not an open file descriptor", v), -EINVAL;
          m->sync_fd = (int) n;
        }
      else if (take ("attach-fd", argc, argv, &i, &v))
        {
          if (parse_u64 (v, &n, false) < 0 || n > INT_MAX || fcntl ((int) n, F_GETFD) < 0)
            return warn ("--attach-fd: `%s` is not an open file descriptor", v), -EINVAL;
          m->attach_arg_fd = (int) n;
        }
      else if (strcmp (argv[i], "--terminal") == 0)
        m->terminal = true;
      else if (strcmp (argv[i], "--stdin") == 0)
        m->open_stdin = true;
      else if (take ("exit-command", argc, argv, &i, &v))
        {
          if (m->exit_argc == MAX_EXIT_ARGS)
            return warn ("--exit-command: more than %d arguments", MAX_EXIT_ARGS), -E2BIG;
          m->exit_argv[m->exit_argc++] = v;
        }
      else if (strcmp (argv[i], "--wait-go") == 0)
        m->wait_go = true;
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          usage ();
          exit (0);
        }
      else
        return warn ("unknown argument `%s`", argv[i]), usage (), -EINVAL;
    }
  if (!m->runtime || !m->runtime_root || !m->bundle || !m->id || !m->dir || !m->log_path)
    return warn ("--runtime, --runtime-root, --bundle, --id, --dir and --log are required"), usage (), -EINVAL;
  if (m->wait_go && m->sync_fd < 0)
    return warn ("--wait-go needs --sync-fd"), usage (), -EINVAL;
  if (!m->rootfs != !m->rootfs_options && !(m->rootfs && m->wait_go))
    return warn ("--rootfs and --rootfs-options go together (or the options come first on --sync-fd with --wait-go)"),
           usage (), -EINVAL;
  if (restart && parse_restart (m, restart) < 0)
    return warn ("--restart: expected no, always, unless-stopped or on-failure[:N], got `%s`", restart), -EINVAL;
  if (m->stop_signal[0] == '\0' || strspn (m->stop_signal, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-")
                                      != strlen (m->stop_signal))
    return warn ("--stop-signal: invalid signal `%s`", m->stop_signal), -EINVAL;
  if (strlen (m->dir) + 32 >= PATH_MAX)
    return warn ("--dir: path too long"), -ENAMETOOLONG;
  if (strlen (m->runtime_root) + strlen (m->id) + 16 >= PATH_MAX)
    return warn ("--runtime-root and --id: path too long"), -ENAMETOOLONG;
  snprintf (m->runtime_state_path, sizeof m->runtime_state_path, "%s/%s/state.json", m->runtime_root, m->id);
  return 0;
}

/* ------------------------------------------------------------------------
 * Children */

/* Undo what the monitor changed for itself before a child execs. */
static void
reset_signals (void)
{
  sigset_t all;
  sigemptyset (&all);
  sigprocmask (SIG_SETMASK, &all, NULL);
  signal (SIGPIPE, SIG_DFL);
  signal (SIGHUP, SIG_DFL);
}

/* `run --detach [--console-socket S] --bundle B ID` by the linked-in
 * runtime, in the forked child, which it ends; errors go to the runtime's
 * log as the program writes them. */
static _Noreturn void
run_linked (struct monitor *m, const char *const *args)
{
  struct rt_create_opts o = { .root = m->runtime_root, .id = m->id, .bundle = m->bundle, .detach = true };
  vs_error err = { 0 };
  int status = 0;

  for (; *args; args++)
    if (strcmp (*args, "--console-socket") == 0 && args[1])
      o.console_socket = *++args;
  (void) vs_log_init (m->runtime_log_path, true, false);
  if (rt_container_run (&o, &status, &err) < 0)
    {
      vs_log (VS_LOG_ERROR, "%s", err.msg[0] ? err.msg : "unknown error");
      _exit (1);
    }
  if (status == 0 && m->result_fd >= 0)
    {
      ssize_t w = write (m->result_fd, "", 1);
      (void) w; /* without it, the monitor reads our exit status */
    }
  _exit (status);
}

/* Run RUNTIME --root R --log /proc/MONITOR/fd/LOG --log-format json ARGS...
 * with the given fds as stdio (-1: /dev/null for stdin and stdout, the
 * monitor's own stderr for stderr). */
static pid_t
spawn_runtime (struct monitor *m, int fd0, int fd1, int fd2, const char *const *args, vs_error *err)
{
  const char *argv[24], *cmd = args[0], *const *cmd_args = args;
  size_t n = 0;
  pid_t pid;

  argv[n++] = m->runtime;
  argv[n++] = "--root";
  argv[n++] = m->runtime_root;
  argv[n++] = "--log";
  argv[n++] = m->runtime_log_path;
  argv[n++] = "--log-format";
  argv[n++] = "json";
  for (; *args && n < ARRAY_SIZE (argv) - 1; args++)
    argv[n++] = *args;
  argv[n] = NULL;

  pid = fork ();
  if (pid < 0)
    return vs_fail (err, errno, "fork for `%s %s`", m->runtime, cmd);
  if (pid == 0)
    {
      reset_signals ();
      if (fd0 < 0)
        fd0 = m->null_fd;
      if (fd1 < 0)
        fd1 = m->null_fd;
      if (dup2 (fd0, 0) < 0 || dup2 (fd1, 1) < 0 || (fd2 >= 0 && dup2 (fd2, 2) < 0))
        _exit (125);
      if (m->inproc && strcmp (cmd, "run") == 0)
        run_linked (m, cmd_args);
      /* Commands that enter the container run the runtime from a read-only
         overlay of it (CVE-2019-5736), which it would otherwise make itself
         by executing once more. */
      if (strcmp (cmd, "run") == 0 || strcmp (cmd, "create") == 0 || strcmp (cmd, "exec") == 0)
        {
          rt_selfexe_overlay_execfd (m->runtime_exe_fd, m->runtime_mark, (char **) argv, environ);
          if (m->runtime_real[0])
            rt_selfexe_overlay_exec (m->runtime_real, (char **) argv, environ, m->runtime_root);
        }
      execv (m->runtime, (char *const *) argv);
      {
        char msg[PATH_MAX + 64];
        int len = snprintf (msg, sizeof msg, "vessel-monitor: exec `%s`: %s\n", m->runtime, strerror (errno));
        if (len > 0 && write (STDERR_FILENO, msg, (size_t) len) < 0)
          _exit (127);
      }
      _exit (127);
    }
  return pid;
}

static int
exit_code_of (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 255;
}

/* Reap every child that has exited: the runtime command being waited for,
 * the container's init, and anything else reparented to us (ignored). */
static void
reap (struct monitor *m)
{
  for (;;)
    {
      int status;
      /* while `run --detach` starts the container and the init's pid is
         not known yet, only the runtime is reaped: an init that is gone
         already stays a zombie until its pid is read */
      if (m->starting && m->helper_pid <= 0)
        return;
      pid_t pid = m->starting ? waitpid (m->helper_pid, &status, WNOHANG) : waitpid (-1, &status, WNOHANG);
      if (pid <= 0)
        {
          if (pid < 0 && errno == EINTR)
            continue;
          return;
        }
      if (pid == m->helper_pid)
        {
          m->helper_done = true;
          m->helper_status = status;
          m->helper_pid = 0;
        }
      else if (m->init_pid > 0 && pid == m->init_pid)
        {
          m->init_exited = true;
          m->init_status = status;
        }
    }
}

/* ------------------------------------------------------------------------
 * Attach clients */

/* CTRDIR/name as a unix socket path for process pid (0: ourselves): the
 * path itself, or through /proc/PID/fd/DIRFD when it is too long. */
static void
sock_path (struct monitor *m, const char *name, pid_t pid, char *buf, size_t len)
{
  if (strlen (m->dir) + 1 + strlen (name) < len)
    snprintf (buf, len, "%s/%s", m->dir, name);
  else if (pid == 0)
    snprintf (buf, len, "/proc/self/fd/%d/%s", m->dir_fd, name);
  else
    snprintf (buf, len, "/proc/%d/fd/%d/%s", (int) pid, m->dir_fd, name);
}

/* Listen on CTRDIR/name (mode 0600), non-blocking. */
static int
listen_at (struct monitor *m, const char *name, int type, vs_error *err)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  mode_t old;
  int r;

  if (fd < 0)
    return vs_fail (err, errno, "socket for `%s/%s`", m->dir, name);
  sock_path (m, name, 0, sa.sun_path, sizeof sa.sun_path);
  unlinkat (m->dir_fd, name, 0);
  old = umask (0177);
  r = bind (fd, (struct sockaddr *) &sa, sizeof sa);
  umask (old);
  if (r < 0 || listen (fd, 8) < 0)
    {
      r = vs_fail (err, errno, "listen on `%s/%s`", m->dir, name);
      close (fd);
      return r;
    }
  return fd;
}

static void
drop_client (struct monitor *m, int i)
{
  close (m->clients[i]);
  m->clients[i] = -1;
}

static void
add_client (struct monitor *m, int fd)
{
  struct timeval tv = { .tv_sec = CLIENT_SEND_TIMEOUT_S };

  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (m->clients[i] < 0)
      {
        m->clients[i] = fd;
        return;
      }
  close (fd); /* full */
}

/* Output of the container to every client (type 'o' or 'e'). */
static void
broadcast (struct monitor *m, char type, const char *data, size_t len)
{
  struct iovec iov[2] = { { .iov_base = &type, .iov_len = 1 }, { .iov_base = (void *) data, .iov_len = len } };
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };

  for (int i = 0; i < MAX_CLIENTS; i++)
    {
      ssize_t n;
      if (m->clients[i] < 0)
        continue;
      do
        n = sendmsg (m->clients[i], &msg, MSG_NOSIGNAL);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        drop_client (m, i); /* gone, or stuck for CLIENT_SEND_TIMEOUT_S */
    }
}

/* Where input goes: the pty master or the stdin pipe (-1: nowhere). */
static int
input_fd (struct monitor *m)
{
  return m->terminal ? m->master : m->in_w;
}

static void
close_stdin (struct monitor *m)
{
  if (m->pending_len > m->pending_off)
    {
      m->close_stdin_after = true;
      return;
    }
  if (m->in_w >= 0)
    close (m->in_w);
  m->in_w = -1;
}

/* Write pending input as far as the container takes it. */
static void
flush_input (struct monitor *m)
{
  int fd = input_fd (m);

  while (m->pending_off < m->pending_len)
    {
      ssize_t n;
      if (fd < 0)
        break;
      n = write (fd, pending + m->pending_off, m->pending_len - m->pending_off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n <= 0)
        break; /* the container cannot take it: dropped */
      m->pending_off += (size_t) n;
    }
  m->pending_off = m->pending_len = 0;
  if (m->close_stdin_after)
    {
      m->close_stdin_after = false;
      close_stdin (m);
    }
}

/* One message from client i.  While input is pending, clients are not
 * read: the order of their messages holds and the container's pace rules. */
static void
client_message (struct monitor *m, int i)
{
  ssize_t n = recv (m->clients[i], client_msg, sizeof client_msg, MSG_DONTWAIT);

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0)
    {
      drop_client (m, i);
      return;
    }
  switch (client_msg[0])
    {
    case VS_ATTACH_STDIN:
      if (m->open_stdin && n > 1)
        {
          memcpy (pending, client_msg + 1, (size_t) n - 1);
          m->pending_off = 0;
          m->pending_len = (size_t) n - 1;
          flush_input (m);
        }
      break;
    case VS_ATTACH_CLOSE_STDIN:
      if (!m->terminal)
        close_stdin (m);
      break;
    case VS_ATTACH_RESIZE:
      if (m->master >= 0 && (size_t) n >= 1 + sizeof (struct vs_attach_resize))
        {
          struct vs_attach_resize rs;
          memcpy (&rs, client_msg + 1, sizeof rs);
          struct winsize ws = { .ws_row = rs.rows, .ws_col = rs.cols };
          if (ioctl (m->master, TIOCSWINSZ, &ws) < 0)
            warn ("resize the terminal of `%s`: %s", m->id, strerror (errno));
        }
      break;
    default:
      break;
    }
}

static void
accept_client (struct monitor *m)
{
  int fd = accept4 (m->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (fd >= 0)
    add_client (m, fd);
}

/* Receive one fd from sock (SCM_RIGHTS); -1 when none came. */
static int
recv_one_fd (int sock)
{
  char data[64];
  struct iovec iov = { .iov_base = data, .iov_len = sizeof data };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  int fd = -1;

  if (recvmsg (sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT) < 0)
    return -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len >= CMSG_LEN (sizeof (int)))
      memcpy (&fd, CMSG_DATA (c), sizeof fd);
  return fd;
}

/* The runtime connects to the console socket during create and sends the
 * pty master over it. */
static void
console_event (struct monitor *m)
{
  if (!m->console_accepted)
    {
      int fd = accept4 (m->console_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0)
        return;
      close (m->console_fd);
      unlinkat (m->dir_fd, "console.sock", 0);
      m->console_fd = fd;
      m->console_accepted = true;
      return;
    }
  int master = recv_one_fd (m->console_fd);
  if (master < 0 && errno == EAGAIN)
    return;
  close (m->console_fd);
  m->console_fd = -1;
  if (master >= 0)
    {
      if (m->master >= 0)
        close (m->master);
      fcntl (master, F_SETFL, O_NONBLOCK);
      m->master = master;
      m->console_received = true;
    }
}

/* ------------------------------------------------------------------------
 * Event loop */

static void
log_error_once (struct monitor *m, const vs_error *err)
{
  if (!m->log_failed)
    warn ("%s", err->msg);
  m->log_failed = true;
}

/* Read what is there on one pipe (or the pty master) into the log and to
 * the clients; at EOF close it and flush the partial line.  *fd becomes -1
 * at EOF (EIO on a pty master: every slave is closed). */
static void
pump (struct monitor *m, int *fd, vs_logstream *s, char type)
{
  vs_error err = { 0 };

  for (int rounds = 0; rounds < 16; rounds++)
    {
      size_t avail;
      char *dst = vs_logstream_space (s, &avail);
      ssize_t n = read (*fd, dst, avail);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN)
            return;
          n = 0; /* treat as EOF */
        }
      if (n == 0)
        {
          close (*fd);
          *fd = -1;
          if (vs_logstream_flush (s, &m->log, &err) < 0)
            log_error_once (m, &err);
          return;
        }
      broadcast (m, type, dst, (size_t) n);
      if (vs_logstream_commit (s, &m->log, (size_t) n, &err) < 0)
        log_error_once (m, &err);
    }
}

static void request_stop (struct monitor *m);

static void
handle_signals (struct monitor *m)
{
  struct signalfd_siginfo si[8];

  for (;;)
    {
      ssize_t n = read (m->sig_fd, si, sizeof si);
      if (n <= 0)
        break;
      for (size_t i = 0; i < (size_t) n / sizeof si[0]; i++)
        if (si[i].ssi_signo == SIGTERM || si[i].ssi_signo == SIGINT)
          request_stop (m);
    }
  /* SIGCHLD may be coalesced: reap whatever is there every time. */
  reap (m);
}

/* Wait for one round of events, at most timeout_ms (-1: no limit). */
static void
loop_once (struct monitor *m, int timeout_ms)
{
  enum { P_SIG, P_OUT, P_ERR, P_MASTER, P_IN, P_LISTEN, P_CONSOLE, P_CLIENT0 };
  bool waiting = m->pending_off < m->pending_len;
  struct pollfd p[P_CLIENT0 + MAX_CLIENTS] = {
    [P_SIG] = { .fd = m->sig_fd, .events = POLLIN },
    [P_OUT] = { .fd = m->out_r, .events = POLLIN },
    [P_ERR] = { .fd = m->err_r, .events = POLLIN },
    [P_MASTER] = { .fd = m->master, .events = POLLIN | (waiting && m->terminal ? POLLOUT : 0) },
    [P_IN] = { .fd = waiting && !m->terminal ? m->in_w : -1, .events = POLLOUT },
    [P_LISTEN] = { .fd = m->listen_fd, .events = POLLIN },
    [P_CONSOLE] = { .fd = m->console_fd, .events = POLLIN },
  };
  nfds_t n = P_CLIENT0;
  int r;

  /* the common case (no terminal, no stdin): the three fds as ever */
  if (m->listen_fd >= 0 || m->master >= 0 || m->console_fd >= 0 || m->attach_arg_fd >= 0)
    for (int i = 0; i < MAX_CLIENTS; i++)
      p[n++] = (struct pollfd) { .fd = waiting ? -1 : m->clients[i], .events = POLLIN };
  else
    n = P_MASTER;
  r = poll (p, n, timeout_ms);
  if (r < 0)
    {
      if (errno != EINTR)
        warn ("poll: %s", strerror (errno));
      return;
    }
  if (p[P_OUT].revents)
    pump (m, &m->out_r, &out_stream, VS_ATTACH_STDOUT);
  if (p[P_ERR].revents)
    pump (m, &m->err_r, &err_stream, VS_ATTACH_STDERR);
  if (n == P_MASTER)
    goto signals;
  if (p[P_MASTER].revents & (POLLIN | POLLHUP | POLLERR))
    pump (m, &m->master, &out_stream, VS_ATTACH_STDOUT);
  if ((p[P_MASTER].revents & POLLOUT) || p[P_IN].revents)
    flush_input (m);
  if (p[P_CONSOLE].revents)
    console_event (m);
  if (p[P_LISTEN].revents)
    accept_client (m);
  for (int i = 0; i < MAX_CLIENTS && m->pending_off == m->pending_len; i++)
    if (p[P_CLIENT0 + i].revents && m->clients[i] == p[P_CLIENT0 + i].fd)
      client_message (m, i);
signals:
  if (p[P_SIG].revents)
    handle_signals (m);
}

/* Run a runtime command to its end while the logs keep flowing. */
static int
run_runtime (struct monitor *m, int fd0, int fd1, int fd2, const char *const *args, vs_error *err)
{
  pid_t pid = spawn_runtime (m, fd0, fd1, fd2, args, err);

  if (pid < 0)
    return pid;
  m->helper_pid = pid;
  m->helper_done = false;
  reap (m); /* it may be gone already */
  while (!m->helper_done)
    loop_once (m, -1);
  return m->helper_status;
}

/* `run` by the linked-in runtime: its child says it is done (the init
 * runs, its pid is in the runtime's state) a byte ahead of its exit, which
 * is reaped later; without the byte, its exit status tells. */
static int
run_linked_start (struct monitor *m, int fd0, int fd1, int fd2, const char *const *args, vs_error *err)
{
  int res[2];
  ssize_t k;
  pid_t pid;
  char c;

  if (pipe2 (res, O_CLOEXEC) < 0)
    return run_runtime (m, fd0, fd1, fd2, args, err);
  m->result_fd = res[1];
  pid = spawn_runtime (m, fd0, fd1, fd2, args, err);
  m->result_fd = -1;
  close (res[1]);
  if (pid < 0)
    {
      close (res[0]);
      return pid;
    }
  m->helper_pid = pid;
  m->helper_done = false;
  while ((k = read (res[0], &c, 1)) < 0 && errno == EINTR)
    ;
  close (res[0]);
  if (k == 1)
    return 0;
  reap (m);
  while (!m->helper_done)
    loop_once (m, -1);
  return m->helper_status;
}

static void
request_stop (struct monitor *m)
{
  vs_error err = { 0 };

  m->stop_requested = true;
  if (m->init_pid > 0 && !m->init_exited)
    {
      m->stop_sent = true;
      const char *args[] = { "kill", m->id, m->stop_signal, NULL };
      if (spawn_runtime (m, -1, -1, -1, args, &err) < 0)
        warn ("%s", err.msg);
      /* reaped (and ignored) by reap() */
    }
}

/* ------------------------------------------------------------------------
 * State and messages */

static bool
stopped_by_user (struct monitor *m)
{
  return faccessat (m->dir_fd, "stopped", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* status "running": pid; "exited" and "restarting": exit_code (and error). */
static void
write_state (struct monitor *m, const char *status, int exit_code, const char *error)
{
  static char buf[8192];
  vs_error err = { 0 };
  int n;

  if (strcmp (status, "running") == 0)
    n = snprintf (buf, sizeof buf,
                  "{\"status\":\"running\",\"pid\":%d,\"monitor_pid\":%d,\"started_at\":\"%s\",\"restart_count\":%u}\n",
                  (int) m->init_pid, (int) getpid (), m->started_at, m->restart_count);
  else
    {
      n = snprintf (buf, sizeof buf, "{\"status\":\"%s\",\"monitor_pid\":%d,\"exit_code\":%d,", status,
                    (int) getpid (), exit_code);
      if (error)
        {
          n += snprintf (buf + n, sizeof buf - (size_t) n, "\"error\":\"");
          vs_json_escape (buf + n, sizeof buf - (size_t) n - 256, error, strlen (error));
          n += (int) strlen (buf + n);
          n += snprintf (buf + n, sizeof buf - (size_t) n, "\",");
        }
      if (m->started_at[0])
        n += snprintf (buf + n, sizeof buf - (size_t) n, "\"started_at\":\"%s\",", m->started_at);
      n += snprintf (buf + n, sizeof buf - (size_t) n, "\"finished_at\":\"%s\",\"restart_count\":%u}\n",
                     m->finished_at, m->restart_count);
    }
  if (vs_write_file_atomic_at (m->dir_fd, "state.json", buf, (size_t) n, 0644, &err) < 0)
    warn ("%s", err.msg);
}

/* Decode the JSON string starting after the opening quote at s into out
 * (one line: newlines become spaces). */
static void
json_unescape (const char *s, char *out, size_t outsz)
{
  size_t o = 0;

  for (; *s && *s != '"' && o + 4 < outsz; s++)
    {
      unsigned c = (unsigned char) *s;
      if (c == '\\' && s[1])
        {
          s++;
          switch (*s)
            {
            case 'n': case 'r': case 't': c = ' '; break;
            case 'b': case 'f': c = ' '; break;
            case 'u':
              {
                char hex[5] = { 0 };
                memcpy (hex, s + 1, strnlen (s + 1, 4));
                c = (unsigned) strtoul (hex, NULL, 16);
                s += strlen (hex);
                if (c < 0x20)
                  c = ' ';
                else if (c >= 0xd800 && c <= 0xdfff)
                  c = 0xfffd;
                break;
              }
            default: c = (unsigned char) *s; break;
            }
        }
      if (c < 0x80)
        out[o++] = (char) c;
      else if (c < 0x800)
        {
          out[o++] = (char) (0xc0 | (c >> 6));
          out[o++] = (char) (0x80 | (c & 0x3f));
        }
      else
        {
          out[o++] = (char) (0xe0 | (c >> 12));
          out[o++] = (char) (0x80 | ((c >> 6) & 0x3f));
          out[o++] = (char) (0x80 | (c & 0x3f));
        }
    }
  out[o] = '\0';
}

/* The last error-level message the runtime logged after offset. */
static bool
runtime_error_since (struct monitor *m, off_t offset, char *out, size_t outsz)
{
  static char buf[16384];
  struct stat st;
  ssize_t n;
  char *line, *found = NULL;

  if (fstat (m->runtime_log_fd, &st) < 0 || st.st_size <= offset)
    return false;
  /* Only the tail matters: the error is the runtime's last words. */
  if (st.st_size - offset > (off_t) sizeof buf - 1)
    offset = st.st_size - (off_t) sizeof buf + 1;
  n = pread (m->runtime_log_fd, buf, sizeof buf - 1, offset);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  for (line = buf; line && *line; )
    {
      char *next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      if (strstr (line, "\"level\":\"error\"") && strstr (line, "\"msg\":\""))
        found = line;
      line = next;
    }
  if (found == NULL)
    return false;
  json_unescape (strstr (found, "\"msg\":\"") + 7, out, outsz);
  return out[0] != '\0';
}

/* docker's codes for a process that could not be started. */
static int
start_failure_code (const char *msg)
{
  if (strcasestr (msg, "not found") || strcasestr (msg, "no such file"))
    return 127;
  if (strcasestr (msg, "permission denied") || strcasestr (msg, "not executable")
      || strcasestr (msg, "exec format error"))
    return 126;
  return 125;
}

static void
sync_send (struct monitor *m, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void
sync_send (struct monitor *m, const char *fmt, ...)
{
  char buf[1200];
  va_list ap;
  int n;

  if (m->sync_fd < 0)
    return;
  va_start (ap, fmt);
  n = vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  if (n >= (int) sizeof buf)
    {
      n = (int) sizeof buf;
      buf[n - 1] = '\n';
    }
  if (n > 0 && vs_write_all (m->sync_fd, buf, (size_t) n) < 0)
    warn ("write to --sync-fd: %s", strerror (errno));
  close (m->sync_fd);
  m->sync_fd = -1;
}

/* ------------------------------------------------------------------------
 * The container */

/* The init's pid from the runtime's state of the container: its top-level
 * "pid", the first such key (the id and the bundle come before it; a quote
 * inside a JSON string is escaped, so `"pid":` is a key).  No pid file: one
 * file fewer to make per start. */
static int
read_init_pid (struct monitor *m, vs_error *err)
{
  static char buf[4096];
  ssize_t n = vs_read_small_at (AT_FDCWD, m->runtime_state_path, 0, buf, sizeof buf);
  const char *key;
  long pid;
  char *end;

  if (n <= 0)
    return vs_fail (err, n < 0 ? (int) -n : EINVAL, "read `%s`", m->runtime_state_path);
  key = strstr (buf, "\"pid\":");
  if (key == NULL)
    return vs_fail (err, EINVAL, "`%s`: no pid", m->runtime_state_path);
  pid = strtol (key + 6, &end, 10);
  if (pid <= 0 || pid > INT_MAX || (*end != ',' && *end != '}'))
    return vs_fail (err, EINVAL, "`%s`: pid is not a pid", m->runtime_state_path);
  m->init_pid = (pid_t) pid;
  return 0;
}

/* Where this start's messages begin in the runtime's log, which is emptied
 * once it has grown past 64 KiB. */
static off_t
runtime_log_start (struct monitor *m)
{
  struct stat st;
  if (fstat (m->runtime_log_fd, &st) < 0)
    return 0;
  if (st.st_size > 65536 && ftruncate (m->runtime_log_fd, 0) == 0)
    return 0;
  return st.st_size;
}

/* `run --detach`: create and start in one runtime process (the init, left
   behind, is ours as subreaper).  On failure msg holds the runtime's message. */
static int
start_container (struct monitor *m, char *msg, size_t msgsz)
{
  char console[sizeof ((struct sockaddr_un *) 0)->sun_path];
  const char *run[] = { "run", "--detach", "--bundle", m->bundle, m->id, NULL, NULL, NULL };
  vs_error err = { 0 };
  off_t log_off = runtime_log_start (m);
  int status;

  m->init_pid = 0;
  m->init_exited = false;
  m->stop_sent = false;
  m->starting = true;
  vs_log_format_time (m->started_at, NULL);
  clock_gettime (CLOCK_MONOTONIC, &m->started_mono);

  if (m->terminal)
    {
      /* the runtime connects to CTRDIR/console.sock and sends the master */
      if (m->master >= 0)
        close (m->master);
      m->master = -1;
      m->console_accepted = false;
      m->console_received = false;
      m->console_fd = listen_at (m, "console.sock", SOCK_STREAM, &err);
      if (m->console_fd < 0)
        {
          status = -1;
          goto failed;
        }
      sock_path (m, "console.sock", getpid (), console, sizeof console);
      run[4] = "--console-socket";
      run[5] = console;
      run[6] = m->id;
      /* the container's stdio is the pty; the runtime's own: /dev/null */
      status = run_runtime (m, -1, -1, -1, run, &err);
      /* it sent the master before it exited: take it now */
      for (int i = 0; i < 2 && m->console_fd >= 0; i++)
        console_event (m);
      if (m->console_fd >= 0)
        close (m->console_fd);
      m->console_fd = -1;
      unlinkat (m->dir_fd, "console.sock", 0);
      if (status == 0 && !m->console_received)
        {
          status = -1;
          vs_fail (&err, 0, "the runtime handed over no terminal for `%s`", m->id);
          goto failed;
        }
    }
  else
    /* The runtime hands its stdio to the container: our pipes. */
    status = (m->inproc ? run_linked_start : run_runtime) (m, m->open_stdin ? m->in_r : -1, m->out_w, m->err_w,
                                                             run, &err);
  if (m->runtime_exe_fd >= 0)
    {
      /* used once: a restart opens it again (the mount goes with it) */
      close ((int) m->runtime_exe_fd);
      m->runtime_exe_fd = -1;
    }
  if (status != 0)
    goto failed;
  if (read_init_pid (m, &err) < 0)
    {
      status = -1;
      goto failed;
    }
  m->starting = false;
  reap (m); /* an init that is gone already */
  return 0;

failed:
  m->starting = false;
  reap (m);
  if (status < 0 && err.msg[0])
    snprintf (msg, msgsz, "%s", err.msg);
  else if (!runtime_error_since (m, log_off, msg, msgsz))
    snprintf (msg, msgsz, "runtime `%s` run failed with %s %d", m->runtime,
              WIFSIGNALED (status) ? "signal" : "exit status",
              WIFSIGNALED (status) ? WTERMSIG (status) : WEXITSTATUS (status));
  return -1;
}

static void
delete_container (struct monitor *m)
{
  const char *args[] = { "delete", "--force", m->id, NULL };
  vs_error err = { 0 };
  int status = run_runtime (m, -1, -1, -1, args, &err);

  if (status < 0)
    warn ("%s", err.msg);
  else if (status != 0)
    warn ("runtime delete of `%s` failed with status %d", m->id, exit_code_of (status));
  m->init_pid = 0;
}

static bool
should_restart (struct monitor *m, int exit_code)
{
  if (m->stop_requested || m->policy == RESTART_NO || stopped_by_user (m))
    return false;
  if (m->policy == RESTART_ON_FAILURE)
    return exit_code != 0 && (m->max_retries < 0 || m->restart_count < (unsigned long) m->max_retries);
  return true;
}

/* The container is gone for good: stop writing into our pipes and read
 * them until every writer is gone, or for DRAIN_MS. */
static void
drain (struct monitor *m)
{
  int64_t deadline = mono_ms () + DRAIN_MS;
  vs_error err = { 0 };

  if (m->out_w >= 0)
    close (m->out_w);
  if (m->err_w >= 0)
    close (m->err_w);
  m->out_w = m->err_w = -1;
  m->pending_off = m->pending_len = 0;
  while (m->out_r >= 0 || m->err_r >= 0 || m->master >= 0)
    {
      int64_t left = deadline - mono_ms ();
      if (left <= 0)
        break;
      loop_once (m, (int) left);
    }
  if (vs_logstream_flush (&out_stream, &m->log, &err) < 0 || vs_logstream_flush (&err_stream, &m->log, &err) < 0)
    log_error_once (m, &err);
}

/* Sleep ms while the logs flow; false when a stop came meanwhile. */
static bool
backoff_wait (struct monitor *m, int ms)
{
  int64_t deadline = mono_ms () + ms;

  while (!m->stop_requested)
    {
      int64_t left = deadline - mono_ms ();
      if (left <= 0)
        return !stopped_by_user (m);
      loop_once (m, (int) left);
    }
  return false;
}

/* ------------------------------------------------------------------------
 * Setup */

/* --wait-go without --rootfs-options: the engine sends them as soon as it
   knows the image; EOF: it gave up (-ECANCELED). */
static int
recv_rootfs_options (struct monitor *m, vs_error *err)
{
  static char opts[65536];
  ssize_t n;

  while ((n = recv (m->sync_fd, opts, sizeof opts, MSG_TRUNC)) < 0 && errno == EINTR)
    ;
  if (n == 0)
    return -ECANCELED;
  if (n < 0)
    return vs_fail (err, errno, "read the overlay options of container %s", m->id);
  if ((size_t) n >= sizeof opts || memchr (opts, '\0', (size_t) n))
    return vs_fail (err, E2BIG, "the overlay options of container %s", m->id);
  opts[n] = '\0';
  m->rootfs_options = opts;
  return 0;
}

static int
make_folder (struct monitor *m, const char *path, vs_error *err)
{
  if (mkdir (path, 0755) < 0 && errno != EEXIST)
    return vs_fail (err, errno, "container %s: create %s", m->id, path);
  return 0;
}

/* With the options from the engine, the overlay's upper and work folders
   and the mount point are ours to make (while the engine writes the rest). */
static int
make_overlay_folders (struct monitor *m, vs_error *err)
{
  static const char *const keys[] = { "upperdir=", "workdir=" };
  char path[PATH_MAX];
  int r;

  for (size_t i = 0; i < ARRAY_SIZE (keys); i++)
    {
      size_t k = strlen (keys[i]), n;
      const char *v = NULL;
      /* the last one counts, as for overlayfs */
      for (const char *p = m->rootfs_options; p; p = strchr (p, ','), p = p ? p + 1 : NULL)
        if (strncmp (p, keys[i], k) == 0)
          v = p + k;
      if (v == NULL)
        continue;
      n = strcspn (v, ",");
      if (n == 0 || n >= sizeof path)
        return vs_fail (err, ENAMETOOLONG, "container %s: overlay option %.*s", m->id, (int) k - 1, keys[i]);
      memcpy (path, v, n);
      path[n] = '\0';
      if ((r = make_folder (m, path, err)) < 0)
        return r;
    }
  return make_folder (m, m->rootfs, err);
}

static int
setup (struct monitor *m, vs_error *err)
{
  sigset_t mask;
  int p[2];
  int r;

  /* Nothing the engine left open reaches the runtime or the container. */
  if ((r = vs_cloexec_from (3)) < 0)
    return vs_fail (err, -r, "mark inherited file descriptors close-on-exec");
  if (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    return vs_fail (err, errno, "become child subreaper");
  signal (SIGPIPE, SIG_IGN);
  signal (SIGHUP, SIG_IGN);
  sigemptyset (&mask);
  sigaddset (&mask, SIGCHLD);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGINT);
  if (sigprocmask (SIG_BLOCK, &mask, NULL) < 0)
    return vs_fail (err, errno, "block signals");
  m->sig_fd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (m->sig_fd < 0)
    return vs_fail (err, errno, "signalfd");
  /* the runtime's log lives in memory: only its errors matter, and they
     are recorded in state.json */
  m->runtime_log_fd = memfd_create ("vessel-runtime-log", MFD_CLOEXEC);
  if (m->runtime_log_fd < 0)
    return vs_fail (err, errno, "memfd_create for the runtime's log");
  snprintf (m->runtime_log_path, sizeof m->runtime_log_path, "/proc/%d/fd/%d", (int) getpid (), m->runtime_log_fd);
  /* another runtime: the first start is then a fork and an exec (with
     --wait-go, this overlay is made before we are told to start) */
  if (!m->inproc && realpath (m->runtime, m->runtime_real))
    m->runtime_exe_fd = rt_selfexe_overlay_open (m->runtime_real, m->runtime_root, m->runtime_mark);

  m->null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (m->null_fd < 0)
    return vs_fail (err, errno, "open `/dev/null`");
  if (pipe2 (p, O_CLOEXEC) < 0)
    return vs_fail (err, errno, "create stdout pipe");
  m->out_r = p[0];
  m->out_w = p[1];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return vs_fail (err, errno, "create stderr pipe");
  m->err_r = p[0];
  m->err_w = p[1];
  fcntl (m->out_r, F_SETFL, O_NONBLOCK);
  fcntl (m->err_r, F_SETFL, O_NONBLOCK);
  if (m->open_stdin && !m->terminal)
    {
      if (pipe2 (p, O_CLOEXEC) < 0)
        return vs_fail (err, errno, "create stdin pipe");
      m->in_r = p[0];
      m->in_w = p[1];
      fcntl (m->in_w, F_SETFL, O_NONBLOCK);
    }
  if (m->rootfs)
    {
      if (unshare (CLONE_NEWNS) < 0)
        return vs_fail (err, errno, "make a mount namespace for container %s", m->id);
      /* slave: host mounts and unmounts still reach the container's binds */
      if (mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
        return vs_fail (err, errno, "make the mounts of container %s private", m->id);
    }
  /* Up to here nothing needs the container's folders: a monitor started
     ahead gets the options only once the engine has made them. */
  if (m->rootfs && m->rootfs_options == NULL
      && ((r = recv_rootfs_options (m, err)) < 0 || (r = make_overlay_folders (m, err)) < 0))
    return r;
  m->dir_fd = open (m->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (m->dir_fd < 0)
    return vs_fail (err, errno, "open container directory `%s`", m->dir);
  if (m->rootfs && mount ("overlay", m->rootfs, "overlay", 0, m->rootfs_options) < 0)
    return vs_fail (err, errno, "mount the overlay rootfs of container %s at %s", m->id, m->rootfs);
  if (m->terminal || m->open_stdin)
    {
      m->listen_fd = listen_at (m, VS_ATTACH_SOCK, SOCK_SEQPACKET, err);
      if (m->listen_fd < 0)
        return m->listen_fd;
    }
  if (m->attach_arg_fd >= 0)
    add_client (m, m->attach_arg_fd);
  return vs_logfile_open (&m->log, m->log_path, m->log_max_size, m->log_max_file, err);
}

/* The engine's CLI that started the container in the foreground writes its
 * pid to CTRDIR/attached: while it lives it cleans up itself (without the
 * cost of another process); when it died, the exit command does. */
static bool
attached_cli_alive (struct monitor *m)
{
  char buf[32];
  long pid;
  if (m->dir_fd < 0 || vs_read_small_at (m->dir_fd, "attached", O_NOFOLLOW, buf, sizeof buf) <= 0)
    return false;
  pid = strtol (buf, NULL, 10);
  return pid > 1 && (kill ((pid_t) pid, 0) == 0 || errno == EPERM);
}

static int
run_exit_command (struct monitor *m)
{
  if (m->exit_argc == 0 || attached_cli_alive (m))
    return 0;
  m->exit_argv[m->exit_argc] = NULL;
  vs_logfile_close (&m->log);
  reset_signals ();
  prctl (PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
  execvp (m->exit_argv[0], (char *const *) m->exit_argv);
  warn ("exec exit command `%s`: %s", m->exit_argv[0], strerror (errno));
  return 1;
}

int
main (int argc, char **argv)
{
  static struct monitor m = {
    .stop_signal = "TERM", .log_max_file = 1, .policy = RESTART_NO, .max_retries = -1,
    .sync_fd = -1, .result_fd = -1, .dir_fd = -1, .sig_fd = -1, .null_fd = -1, .runtime_log_fd = -1, .runtime_exe_fd = -1,
    .out_r = -1, .out_w = -1, .err_r = -1, .err_w = -1, .log = { .fd = -1 },
    .attach_arg_fd = -1, .master = -1, .in_r = -1, .in_w = -1, .listen_fd = -1, .console_fd = -1,
  };
  vs_error err = { 0 };
  char msg[sizeof err.msg];
  int backoff_ms = BACKOFF_START_MS, r;
  bool first = true;

  for (int i = 0; i < MAX_CLIENTS; i++)
    m.clients[i] = -1;
  if (parse_args (&m, argc, argv) < 0)
    return 125;
  /* re-executed from our overlay at the entry (vs_monitor_early): the
     runtime is the one linked in */
  m.inproc = rt_selfexe_running_safe ();
  if ((r = setup (&m, &err)) < 0)
    {
      if (r == -ECANCELED)
        return 0;
      warn ("%s", err.msg);
      sync_send (&m, "error %s\n", err.msg);
      return 125;
    }
  if (m.wait_go)
    {
      /* the engine started us while it finished the container's files:
         its byte says they are all there; EOF, that it gave up */
      char go;
      ssize_t k;
      while ((k = read (m.sync_fd, &go, 1)) < 0 && errno == EINTR)
        ;
      if (k != 1)
        return 0;
    }

  for (;;)
    {
      int exit_code;
      const char *error = NULL;
      bool restart;

      if (start_container (&m, msg, sizeof msg) < 0)
        {
          vs_log_format_time (m.finished_at, NULL);
          exit_code = start_failure_code (msg);
          error = msg;
          if (first)
            {
              /* recorded first: the engine waits for this monitor */
              write_state (&m, "exited", exit_code, msg);
              sync_send (&m, "error %s\n", msg);
              drain (&m);
              delete_container (&m);
              if (m.listen_fd >= 0)
                unlinkat (m.dir_fd, VS_ATTACH_SOCK, 0);
              return 1;
            }
          warn ("restart of `%s` failed: %s", m.id, msg);
        }
      else
        {
          /* recorded before the engine hears of it: `run -d` then `ps`
             sees it running */
          write_state (&m, "running", 0, NULL);
          if (first)
            sync_send (&m, "ok %d\n", (int) m.init_pid);
          first = false;
          if (m.stop_requested && !m.stop_sent)
            request_stop (&m); /* a stop that came during create/start */
          while (!m.init_exited)
            loop_once (&m, -1);
          exit_code = exit_code_of (m.init_status);
          vs_log_format_time (m.finished_at, NULL);
          struct timespec now;
          clock_gettime (CLOCK_MONOTONIC, &now);
          if ((now.tv_sec - m.started_mono.tv_sec) * 1000 >= BACKOFF_RESET_MS)
            backoff_ms = BACKOFF_START_MS;
        }

      restart = should_restart (&m, exit_code);
      if (!restart)
        {
          drain (&m);
          write_state (&m, "exited", exit_code, error);
          delete_container (&m);
          break;
        }
      write_state (&m, "restarting", exit_code, error);
      delete_container (&m);
      if (!backoff_wait (&m, backoff_ms))
        {
          drain (&m);
          write_state (&m, "exited", exit_code, error);
          break;
        }
      backoff_ms = backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff_ms * 2;
      m.restart_count++;
    }
  /* Orphans the delete killed: do not leave zombies to the exit command. */
  reap (&m);
  if (m.listen_fd >= 0)
    {
      close (m.listen_fd);
      unlinkat (m.dir_fd, VS_ATTACH_SOCK, 0);
    }
  return run_exit_command (&m);
}
