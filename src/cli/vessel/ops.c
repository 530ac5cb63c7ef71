/* ops.c — `vessel exec`, `top`, `pause`, `unpause` and `stats`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../basic/cleanup.h"
#include "../../basic/process.h"
#include "../../basic/fs-util.h"
#include "../../basic/unix-fd.h"
#include "../../engine/engine.h"
#include "../../engine/ops.h"
#include "cli.h"
#include "format.h"

static int
strv_add (char ***v, size_t *n, const char *s)
{
  char **nv = realloc (*v, (*n + 2) * sizeof *nv);
  if (nv == NULL)
    return -ENOMEM;
  nv[*n] = strdup (s);
  nv[*n + 1] = NULL;
  *v = nv;
  if (nv[*n] == NULL)
    return -ENOMEM;
  (*n)++;
  return 0;
}

static void
strv_free (char **v)
{
  for (char **p = v; p && *p; p++)
    free (*p);
  free (v);
}

/* ---- exec ---- */

static int
env_file (const char *path, char ***env, size_t *n)
{
  FILE *f = fopen (path, "re");
  char *line = NULL;
  size_t cap = 0;
  if (f == NULL)
    return cli_usage ("exec", "--env-file `%s`: %s", path, strerror (errno));
  while (getline (&line, &cap, f) >= 0)
    {
      line[strcspn (line, "\r\n")] = '\0';
      char *s = line + strspn (line, " \t");
      if (*s == '\0' || *s == '#')
        continue;
      if (strchr (s, '=') == NULL)
        {
          const char *v = getenv (s);
          _cleanup_free_ char *kv = NULL;
          if (v && asprintf (&kv, "%s=%s", s, v) > 0)
            strv_add (env, n, kv);
        }
      else
        strv_add (env, n, s);
    }
  free (line);
  fclose (f);
  return 0;
}

/* exec -dt: a process that holds the pty master, reads and drops what the
 * process writes, and ends with it (when its last slave fd closes). */
static void
hold_terminal (int master)
{
  if (vs_fork_detached () != 0)
    return;
  if (dup2 (master, 3) == 3)
    {
      char buf[4096];
      syscall (SYS_close_range, 4, ~0U, 0);
      for (;;)
        {
          ssize_t n = read (3, buf, sizeof buf);
          if (n > 0 || (n < 0 && errno == EINTR))
            continue;
          break;
        }
    }
  _exit (0);
}

/* exec -t: `vessel-runtime exec --console-socket` run from here (no
 * monitor): the pty master comes over our socket, we relay it (raw mode,
 * detach keys, resizes) and pass the process's exit status through.  With
 * -d the process is left running on its terminal, held by hold_terminal. */
static int
exec_tty (vs_cli *cli, const char *what, const vs_exec_req *req, const cli_attach_opts *ao_in, int *code,
          vs_error *err)
{
  _cleanup_free_ char *dir = NULL;
  json_t *proc = NULL;
  char id[65], procpath[PATH_MAX], logpath[PATH_MAX], sockpath[PATH_MAX], rtroot[PATH_MAX], runtime[4096];
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  cli_attach_opts ao = *ao_in;
  _cleanup_close_ int lfd = -1, dirfd = -1, pidfd = -1, conn = -1, master = -1;
  vs_container c;
  vs_engine e;
  int r, fd, status;
  pid_t pid;

  *code = EXIT_ENGINE;
  r = vs_engine_open (&e, cli->root, cli->runroot, false, err);
  if (r < 0)
    return r;
  r = vs_container_get (&e, what, &c, err);
  if (r == 0)
    {
      snprintf (id, sizeof id, "%s", c.id);
      if (strcmp (c.status, "paused") == 0)
        r = vs_fail (err, 0, "container %s is paused, unpause the container before exec", c.id);
      else if (strcmp (c.status, "running") != 0)
        r = vs_fail (err, 0, "container %s is not running", c.id);
      /* the container's process with the request's args, env, cwd and
         user, then a terminal of our size */
      if (r == 0 && (r = vs_container_exec_process (&e, &c, req, &proc, err)) < 0)
        *code = EXIT_CANNOT_INVOKE;
      vs_container_free (&c);
    }
  if (r == 0)
    {
      unsigned short rows, cols;
      json_object_set_new (proc, "terminal", json_true ());
      json_object_del (proc, "consoleSize");
      if (cli_terminal_size (&rows, &cols))
        json_object_set_new (proc, "consoleSize",
                             json_pack ("{s:i, s:i}", "height", (int) rows, "width", (int) cols));
    }
  if (r == 0 && (dir = vs_container_path (&e, id, NULL)) == NULL)
    r = vs_fail (err, ENOMEM, "exec");
  snprintf (rtroot, sizeof rtroot, "%s/runtime", e.runroot);
  snprintf (runtime, sizeof runtime, "%s", e.runtime);
  vs_engine_close (&e);
  if (r < 0)
    {
      json_decref (proc);
      return r;
    }

  snprintf (procpath, sizeof procpath, "%s/exec-XXXXXX", dir);
  snprintf (logpath, sizeof logpath, "%s/exec-log-XXXXXX", dir);
  fd = mkstemp (procpath);
  if (fd < 0)
    {
      json_decref (proc);
      return vs_fail (err, errno, "exec in container %s: create %s", what, procpath);
    }
  r = json_dumpfd (proc, fd, JSON_COMPACT);
  json_decref (proc);
  close (fd);
  fd = mkstemp (logpath);
  if (fd >= 0)
    close (fd);
  else
    logpath[0] = '\0';
  /* the console socket: CTRDIR/exec-console-PID.sock, through the
     directory's fd when the path is too long for a socket address */
  dirfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  snprintf (sockpath, sizeof sockpath, "%s/exec-console-%d.sock", dir, (int) getpid ());
  if (strlen (sockpath) < sizeof sa.sun_path)
    snprintf (sa.sun_path, sizeof sa.sun_path, "%s", sockpath);
  else
    snprintf (sa.sun_path, sizeof sa.sun_path, "/proc/%d/fd/%d/exec-console-%d.sock", (int) getpid (), dirfd,
              (int) getpid ());
  unlink (sockpath);
  lfd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  mode_t old = umask (0177);
  if (r < 0 || lfd < 0 || dirfd < 0 || bind (lfd, (struct sockaddr *) &sa, sizeof sa) < 0 || listen (lfd, 1) < 0)
    {
      umask (old);
      r = vs_fail (err, r < 0 ? EIO : errno, "exec in container %s: console socket %s", what, sockpath);
      goto out;
    }
  umask (old);

  pid = fork ();
  if (pid < 0)
    {
      r = vs_fail (err, errno, "exec in container %s: fork", what);
      goto out;
    }
  if (pid == 0)
    {
      const char *argv[16];
      size_t n = 0;
      int devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
      if (devnull >= 0)
        dup2 (devnull, STDIN_FILENO);
      argv[n++] = runtime;
      argv[n++] = "--root";
      argv[n++] = rtroot;
      if (logpath[0])
        {
          argv[n++] = "--log";
          argv[n++] = logpath;
          argv[n++] = "--log-format";
          argv[n++] = "json";
        }
      argv[n++] = "exec";
      if (req->detach)
        argv[n++] = "--detach";
      argv[n++] = "--process";
      argv[n++] = procpath;
      argv[n++] = "--console-socket";
      argv[n++] = sa.sun_path;
      argv[n++] = id;
      argv[n] = NULL;
      execv (argv[0], (char *const *) argv);
      dprintf (STDERR_FILENO, "Error: exec: cannot run %s: %s\n", argv[0], strerror (errno));
      _exit (EXIT_CANNOT_INVOKE);
    }
  pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  /* the master, unless the runtime fails first */
  for (int step = 0; step < 2 && master < 0;)
    {
      struct pollfd p[2] = { { .fd = conn >= 0 ? conn : lfd, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
      if (poll (p, 2, -1) < 0 && errno != EINTR)
        break;
      if (p[0].revents == 0 && p[1].revents)
        break;
      if (p[0].revents == 0)
        continue;
      if (conn < 0)
        {
          conn = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC);
          if (conn < 0)
            break;
          step++;
        }
      else
        {
          char data[64];
          vs_recv_fd (conn, data, sizeof data, &master);
          step++;
          if (master < 0)
            break;
        }
    }
  unlink (sockpath);
  if (master >= 0 && req->detach)
    hold_terminal (master); /* then the runtime's status: the process started, or why not */
  else if (master >= 0)
    {
      ao.raw_peer = true;
      ao.pidfd = pidfd;
      r = cli_attach_relay (master, &ao);
      if (r == 1)
        {
          /* detached: the process runs on; its runtime stays with it */
          *code = 0;
          r = 0;
          goto out_files;
        }
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      {
        status = EXIT_ENGINE << 8;
        break;
      }
  *code = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  r = 0;
  if (*code != 0 && logpath[0])
    {
      char msg[1024];
      vs_runtime_log_error (logpath, msg, sizeof msg);
      if (msg[0])
        {
          /* the runtime failed, not the process (it said why on stderr) */
          *code = strstr (msg, "not found") || strstr (msg, "No such file") ? EXIT_NOT_FOUND : EXIT_CANNOT_INVOKE;
        }
    }
out_files:
  unlink (procpath);
  if (logpath[0])
    unlink (logpath);
  return r;
out:
  unlink (sockpath);
  unlink (procpath);
  if (logpath[0])
    unlink (logpath);
  return r;
}

int
cmd_exec (vs_cli *cli, int argc, char **argv)
{
  enum { O_ENVFILE = 1000, O_PRIV, O_DETACHKEYS };
  static const struct option opts[] = {
    { "detach", no_argument, NULL, 'd' },      { "interactive", no_argument, NULL, 'i' },
    { "tty", no_argument, NULL, 't' },         { "env", required_argument, NULL, 'e' },
    { "env-file", required_argument, NULL, O_ENVFILE }, { "user", required_argument, NULL, 'u' },
    { "workdir", required_argument, NULL, 'w' }, { "privileged", no_argument, NULL, O_PRIV },
    { "detach-keys", required_argument, NULL, O_DETACHKEYS }, { NULL, 0, NULL, 0 },
  };
  vs_exec_req req = { 0 };
  cli_attach_opts ao = { .pidfd = -1 };
  const char *keys = "ctrl-p,ctrl-q";
  char **env = NULL;
  size_t nenv = 0;
  bool tty = false;
  vs_error err = { 0 };
  vs_engine e;
  int opt, r = 0, code = EXIT_ENGINE;

  opterr = 0;
  while (r == 0 && (opt = getopt_long (argc, argv, "+die:u:w:t", opts, NULL)) != -1)
    switch (opt)
      {
      case 'd': req.detach = true; break;
      case 'i': req.interactive = true; break;
      case 't': tty = true; break;
      case 'e':
        if (strchr (optarg, '=') == NULL)
          {
            const char *v = getenv (optarg);
            _cleanup_free_ char *kv = NULL;
            if (v && asprintf (&kv, "%s=%s", optarg, v) > 0)
              strv_add (&env, &nenv, kv);
          }
        else
          strv_add (&env, &nenv, optarg);
        break;
      case O_ENVFILE: r = env_file (optarg, &env, &nenv); break;
      case 'u': req.user = optarg; break;
      case 'w': req.workdir = optarg; break;
      case O_PRIV: r = cli_usage ("exec", "--privileged is not supported"); break;
      case O_DETACHKEYS: keys = optarg; break;
      default:
        r = cli_usage ("exec", "unknown flag `%s`", argv[optind - 1]);
      }
  if (r == 0 && cli_parse_detach_keys (keys, ao.detach_keys, &ao.n_detach_keys) < 0)
    r = cli_usage ("exec", "--detach-keys `%s`: expected keys like ctrl-p,ctrl-q", keys);
  if (r == 0 && argc - optind < 2)
    r = cli_usage ("exec", "requires at least 2 arguments: CONTAINER COMMAND [ARG...]");
  if (r != 0)
    {
      strv_free (env);
      return r;
    }
  req.env = env;
  req.args = argv + optind + 1;
  if (tty)
    {
      if (req.interactive && !req.detach && !isatty (STDIN_FILENO))
        {
          strv_free (env);
          fprintf (stderr, "the input device is not a TTY\n");
          return 1;
        }
      ao.tty = true;
      ao.send_stdin = req.interactive;
      r = exec_tty (cli, argv[optind], &req, &ao, &code, &err);
      strv_free (env);
      if (r < 0)
        fprintf (stderr, "Error: %s\n", err.msg);
      return code;
    }
  r = vs_engine_open (&e, cli->root, cli->runroot, false, &err);
  if (r == 0)
    {
      /* the store is not needed while the process runs: look up, then run */
      r = vs_container_exec (&e, argv[optind], &req, &code, &err);
      vs_engine_close (&e);
    }
  strv_free (env);
  if (r < 0)
    {
      fprintf (stderr, "Error: %s\n", err.msg);
      return code ? code : EXIT_ENGINE;
    }
  return code;
}

/* ---- top ---- */

static void
fmt_tty (int tty_nr, char *buf, size_t len)
{
  unsigned major = ((unsigned) tty_nr >> 8) & 0xfff;
  unsigned minor = ((unsigned) tty_nr & 0xff) | (((unsigned) tty_nr >> 12) & 0xfff00);
  if (tty_nr == 0)
    snprintf (buf, len, "?");
  else if (major >= 136 && major <= 143)
    snprintf (buf, len, "pts/%u", minor + (major - 136) * 256);
  else if (major == 4)
    snprintf (buf, len, minor < 64 ? "tty%u" : "ttyS%u", minor < 64 ? minor : minor - 64);
  else
    snprintf (buf, len, "?");
}

static time_t
boot_time (void)
{
  FILE *f = fopen ("/proc/stat", "re");
  char line[256];
  long long bt = 0;
  if (f == NULL)
    return 0;
  while (fgets (line, sizeof line, f))
    if (sscanf (line, "btime %lld", &bt) == 1)
      break;
  fclose (f);
  return (time_t) bt;
}

int
cmd_top (vs_cli *cli, int argc, char **argv)
{
  vs_error err = { 0 };
  vs_engine e;
  int r;

  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf ("usage: vessel top CONTAINER [ps OPTIONS]\n\nDisplay the running processes of a container.\n");
      return 0;
    }
  if (argc < 2)
    return cli_usage ("top", "requires at least 1 argument: CONTAINER [ps OPTIONS]");
  if (argv[1][0] == '-')
    return cli_usage ("top", "unknown flag `%s`", argv[1]);
  if ((r = vs_engine_open (&e, cli->root, cli->runroot, false, &err)) < 0)
    return cli_error (&err);
  if (argc > 2)
    {
      char *out = NULL;
      r = vs_container_top_ps (&e, argv[1], argv + 2, &out, &err);
      vs_engine_close (&e);
      if (r < 0)
        return cli_error (&err);
      fputs (out, stdout);
      free (out);
      return 0;
    }
  vs_proc *p = NULL;
  size_t n = 0;
  r = vs_container_top (&e, argv[1], &p, &n, &err);
  vs_engine_close (&e);
  if (r < 0)
    return cli_error (&err);

  long hz = sysconf (_SC_CLK_TCK);
  time_t now = time (NULL), boot = boot_time ();
  struct tm tnow;
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&text, &len);
  localtime_r (&now, &tnow);
  fprintf (out, "UID\tPID\tPPID\tC\tSTIME\tTTY\tTIME\tCMD\n");
  for (size_t i = 0; i < n; i++)
    {
      char user[64], stime[32], tty[32], cputime[32];
      struct passwd pw, *res = NULL;
      char pwbuf[1024];
      if (getpwuid_r (p[i].uid, &pw, pwbuf, sizeof pwbuf, &res) == 0 && res)
        snprintf (user, sizeof user, "%s", res->pw_name);
      else
        snprintf (user, sizeof user, "%u", p[i].uid);
      time_t start = boot + (time_t) (p[i].start_ticks / (uint64_t) hz);
      struct tm ts;
      localtime_r (&start, &ts);
      if (ts.tm_year == tnow.tm_year && ts.tm_yday == tnow.tm_yday)
        strftime (stime, sizeof stime, "%H:%M", &ts);
      else if (ts.tm_year == tnow.tm_year)
        strftime (stime, sizeof stime, "%b%d", &ts);
      else
        strftime (stime, sizeof stime, "%Y", &ts);
      fmt_tty (p[i].tty_nr, tty, sizeof tty);
      uint64_t secs = p[i].cpu_ticks / (uint64_t) hz;
      if (secs >= 86400)
        snprintf (cputime, sizeof cputime, "%llu-%02llu:%02llu:%02llu", (unsigned long long) (secs / 86400),
                  (unsigned long long) (secs % 86400 / 3600), (unsigned long long) (secs % 3600 / 60),
                  (unsigned long long) (secs % 60));
      else
        snprintf (cputime, sizeof cputime, "%02llu:%02llu:%02llu", (unsigned long long) (secs / 3600),
                  (unsigned long long) (secs % 3600 / 60), (unsigned long long) (secs % 60));
      /* ps's C: CPU time over the time it has run, in percent */
      double elapsed = (double) (now - start);
      int c = elapsed > 0 ? (int) ((double) p[i].cpu_ticks / (double) hz * 100.0 / elapsed) : 0;
      if (c > 99)
        c = 99;
      for (char *s = p[i].cmd; *s; s++)
        if (*s == '\t' || *s == '\n')
          *s = ' ';
      fprintf (out, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\n", user, p[i].pid, p[i].ppid, c, stime, tty, cputime, p[i].cmd);
    }
  fclose (out);
  vs_print_columns (text, stdout);
  free (text);
  vs_procs_free (p, n);
  return 0;
}

/* ---- pause, unpause ---- */

static int
pause_cmd (vs_cli *cli, int argc, char **argv, bool pause)
{
  const char *name = pause ? "pause" : "unpause";
  int rc = 0;
  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf ("usage: vessel %s CONTAINER [CONTAINER...]\n", name);
      return 0;
    }
  if (argc < 2)
    return cli_usage (name, "requires at least 1 argument: CONTAINER [CONTAINER...]");
  for (int i = 1; i < argc; i++)
    if (argv[i][0] == '-')
      return cli_usage (name, "unknown flag `%s`", argv[i]);
  for (int i = 1; i < argc; i++)
    {
      vs_engine e;
      vs_error err = { 0 };
      int r = vs_engine_open (&e, cli->root, cli->runroot, false, &err);
      if (r == 0)
        {
          r = vs_container_pause (&e, argv[i], pause, &err);
          vs_engine_close (&e);
        }
      if (r < 0)
        rc = cli_error (&err);
      else
        printf ("%s\n", argv[i]);
    }
  return rc;
}

int
cmd_pause (vs_cli *cli, int argc, char **argv)
{
  return pause_cmd (cli, argc, argv, true);
}

int
cmd_unpause (vs_cli *cli, int argc, char **argv)
{
  return pause_cmd (cli, argc, argv, false);
}

/* ---- stats ---- */

static volatile sig_atomic_t stats_stop;

static void
on_stop (int sig)
{
  (void) sig;
  stats_stop = 1;
}

/* docker's units.BytesSize: binary units, 4 significant digits */
static void
bin_size (char *buf, size_t len, int64_t bytes)
{
  static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
  double v = (double) (bytes < 0 ? 0 : bytes);
  size_t u = 0;
  while (v >= 1024 && u + 1 < ARRAY_SIZE (units))
    {
      v /= 1024;
      u++;
    }
  snprintf (buf, len, "%.4g%s", v, units[u]);
}

static json_t *
psi_json (const vs_psi *p)
{
  return json_pack ("{s:f, s:f}", "some_avg10", p->some_avg10, "full_avg10", p->full_avg10);
}

static void
psi_text (const vs_psi *p, char *buf, size_t len)
{
  if (p->present)
    snprintf (buf, len, "%.2f/%.2f", p->some_avg10, p->full_avg10);
  else
    snprintf (buf, len, "-");
}

/* One row: docker's strings and the exact numbers. */
static json_t *
stats_row (const vs_stats *s, const vs_stats *prev, bool no_trunc)
{
  char id[65], cpu[32], mem[64], memp[32], net[64], blk[64], pids[32], a[32], b[32], pc[32], pm[32], pio[32];
  double cpu_pct = 0;
  if (prev && s->when_ns > prev->when_ns && s->cpu_ns >= prev->cpu_ns && prev->cpu_ns >= 0)
    cpu_pct = (double) (s->cpu_ns - prev->cpu_ns) * 100.0 / (double) (s->when_ns - prev->when_ns);
  snprintf (id, sizeof id, "%.*s", no_trunc ? 64 : 12, s->id);
  snprintf (cpu, sizeof cpu, "%.2f%%", cpu_pct);
  bin_size (a, sizeof a, s->mem_usage);
  bin_size (b, sizeof b, s->mem_limit);
  snprintf (mem, sizeof mem, "%s / %s", a, b);
  snprintf (memp, sizeof memp, "%.2f%%", s->mem_limit > 0 ? (double) s->mem_usage * 100.0 / (double) s->mem_limit : 0.0);
  if (s->has_net)
    {
      cli_human_size (a, sizeof a, s->net_rx);
      cli_human_size (b, sizeof b, s->net_tx);
      snprintf (net, sizeof net, "%s / %s", a, b);
    }
  else
    snprintf (net, sizeof net, "--");
  cli_human_size (a, sizeof a, s->blk_read);
  cli_human_size (b, sizeof b, s->blk_write);
  snprintf (blk, sizeof blk, "%s / %s", a, b);
  snprintf (pids, sizeof pids, "%lld", (long long) s->pids);
  psi_text (&s->psi_cpu, pc, sizeof pc);
  psi_text (&s->psi_memory, pm, sizeof pm);
  psi_text (&s->psi_io, pio, sizeof pio);
  json_t *row = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
                           " s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                           "ID", id, "Container", s->name, "Name", s->name, "CPUPerc", cpu, "MemUsage", mem, "MemPerc",
                           memp, "NetIO", net, "BlockIO", blk, "PIDs", pids, "CPUPressure", pc, "MemPressure", pm,
                           "IOPressure", pio, "id", s->id, "cpu_ns", (json_int_t) s->cpu_ns, "cpu_percent", cpu_pct,
                           "memory_bytes", (json_int_t) s->mem_usage, "memory_usage_raw", (json_int_t) s->mem_raw_usage,
                           "memory_cache_bytes", (json_int_t) s->mem_cache, "memory_anon_bytes",
                           (json_int_t) s->mem_anon, "memory_limit", (json_int_t) s->mem_limit, "blkio_read",
                           (json_int_t) s->blk_read, "blkio_write", (json_int_t) s->blk_write, "pids",
                           (json_int_t) s->pids);
  if (row == NULL)
    return NULL;
  json_object_set_new (row, "name", json_string (s->name));
  if (s->has_net)
    {
      json_object_set_new (row, "net_rx", json_integer (s->net_rx));
      json_object_set_new (row, "net_tx", json_integer (s->net_tx));
    }
  if (s->psi_cpu.present || s->psi_memory.present || s->psi_io.present)
    {
      json_t *psi = json_object ();
      if (s->psi_cpu.present)
        json_object_set_new (psi, "cpu", psi_json (&s->psi_cpu));
      if (s->psi_memory.present)
        json_object_set_new (psi, "memory", psi_json (&s->psi_memory));
      if (s->psi_io.present)
        json_object_set_new (psi, "io", psi_json (&s->psi_io));
      json_object_set_new (row, "psi", psi);
    }
  return row;
}

typedef struct sample
{
  vs_stats *v;
  size_t n;
} sample;

static void
sample_free (sample *s)
{
  for (size_t i = 0; i < s->n; i++)
    vs_stats_free (&s->v[i]);
  free (s->v);
  s->v = NULL;
  s->n = 0;
}

/* Stats of the named containers (all running ones when none are named).
 * strict: a named container that is not running is an error. */
static int
take_sample (vs_cli *cli, char **names, int nnames, bool strict, sample *out, vs_error *err)
{
  vs_engine e;
  vs_container *list = NULL;
  size_t nlist = 0;
  int r = vs_engine_open (&e, cli->root, cli->runroot, false, err);
  memset (out, 0, sizeof *out);
  if (r < 0)
    return r;
  if (nnames == 0 && (r = vs_container_list (&e, false, &list, &nlist, err)) < 0)
    {
      vs_engine_close (&e);
      return r;
    }
  size_t want = nnames ? (size_t) nnames : nlist;
  out->v = calloc (want + 1, sizeof *out->v);
  if (out->v == NULL)
    r = vs_fail (err, ENOMEM, "stats");
  for (size_t i = 0; r == 0 && i < want; i++)
    {
      const char *what = nnames ? names[i] : list[i].id;
      vs_error one = { 0 };
      int k = vs_container_stats (&e, what, &out->v[out->n], &one);
      if (k == 0)
        out->n++;
      else
        {
          vs_stats_free (&out->v[out->n]);
          if (strict && nnames)
            {
              *err = one;
              r = k;
            }
        }
    }
  vs_containers_free (list, nlist);
  vs_engine_close (&e);
  if (r < 0)
    sample_free (out);
  return r;
}

static const vs_stats *
find_prev (const sample *prev, const char *id)
{
  for (size_t i = 0; i < prev->n; i++)
    if (strcmp (prev->v[i].id, id) == 0)
      return &prev->v[i];
  return NULL;
}

static void
sleep_ms (int ms)
{
  struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000L };
  while (!stats_stop && nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

int
cmd_stats (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "no-stream", no_argument, NULL, 'n' }, { "format", required_argument, NULL, 'f' },
    { "all", no_argument, NULL, 'a' },       { "no-trunc", no_argument, NULL, 'T' },
    { NULL, 0, NULL, 0 },
  };
  static const char *const headers[] = { "ID", "CONTAINER ID", "Container", "CONTAINER", "Name", "NAME",
                                         "CPUPerc", "CPU %", "MemUsage", "MEM USAGE / LIMIT", "MemPerc", "MEM %",
                                         "NetIO", "NET I/O", "BlockIO", "BLOCK I/O", "PIDs", "PIDS",
                                         "CPUPressure", "CPU PSI", "MemPressure", "MEM PSI", "IOPressure", "IO PSI",
                                         NULL };
  const char *format = "table {{.ID}}\\t{{.Name}}\\t{{.CPUPerc}}\\t{{.MemUsage}}\\t{{.MemPerc}}\\t{{.NetIO}}"
                       "\\t{{.BlockIO}}\\t{{.PIDs}}";
  bool no_stream = false, no_trunc = false;
  vs_format *fmt = NULL;
  vs_error err = { 0 };
  sample prev = { 0 }, cur = { 0 };
  int opt, r, rc = 0;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+af:", opts, NULL)) != -1)
    switch (opt)
      {
      case 'n': no_stream = true; break;
      case 'f': format = optarg; break;
      case 'a': break; /* only running containers have statistics */
      case 'T': no_trunc = true; break;
      default: return cli_usage ("stats", "unknown flag `%s`", argv[optind - 1]);
      }
  for (int i = optind; i < argc; i++)
    if (argv[i][0] == '-')
      return cli_usage ("stats", "unknown flag `%s`", argv[i]);
  if ((r = vs_format_new (format, &fmt, &err)) < 0)
    return cli_error (&err);
  char **names = argv + optind;
  int nnames = argc - optind;
  bool tty = isatty (STDOUT_FILENO);

  struct sigaction sa = { .sa_handler = on_stop };
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGPIPE, &sa, NULL);

  /* two samples for CPU %: half a second apart first, then every second */
  if ((r = take_sample (cli, names, nnames, true, &prev, &err)) < 0)
    {
      vs_format_free (fmt);
      return cli_error (&err);
    }
  for (int frame = 0; !stats_stop; frame++)
    {
      sleep_ms (frame == 0 ? 500 : 1000);
      if (stats_stop)
        break;
      r = take_sample (cli, names, nnames, frame == 0 && no_stream, &cur, &err);
      if (r < 0)
        {
          rc = cli_error (&err);
          break;
        }
      char *text = NULL;
      size_t len = 0;
      FILE *out = open_memstream (&text, &len);
      if (vs_format_is_table (fmt))
        vs_format_header (fmt, headers, out);
      for (size_t i = 0; i < cur.n && r == 0; i++)
        {
          json_t *row = stats_row (&cur.v[i], find_prev (&prev, cur.v[i].id), no_trunc);
          r = row ? vs_format_render (fmt, row, out, &err) : vs_fail (&err, ENOMEM, "stats");
          json_decref (row);
        }
      fclose (out);
      if (r < 0)
        {
          free (text);
          rc = cli_error (&err);
          break;
        }
      if (tty && !no_stream)
        fputs ("\033[2J\033[H", stdout);
      if (vs_format_is_table (fmt))
        vs_print_columns (text, stdout);
      else
        fputs (text, stdout);
      fflush (stdout);
      free (text);
      sample_free (&prev);
      prev = cur;
      memset (&cur, 0, sizeof cur);
      if (no_stream || (nnames > 0 && prev.n == 0))
        break;
    }
  sample_free (&prev);
  sample_free (&cur);
  vs_format_free (fmt);
  return rc;
}
