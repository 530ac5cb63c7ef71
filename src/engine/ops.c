/* ops.c — exec, top, pause and stats of running containers (see ops.h). */
#include "ops.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/safe-path.h"
#include "../basic/fs-util.h"
#include "../basic/json-util.h"

/* All of fd (closed), NUL-terminated; *len its size. */
static char *
read_fd_len (int fd, size_t *len)
{
  char *buf = NULL;
  size_t got = 0;
  if (fd < 0)
    return NULL;
  for (;;)
    {
      char *nb = realloc (buf, got + 4096 + 1);
      if (nb == NULL)
        {
          free (buf);
          close (fd);
          return NULL;
        }
      buf = nb;
      ssize_t k = read (fd, buf + got, 4096);
      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        break;
      got += (size_t) k;
    }
  close (fd);
  buf[got] = '\0';
  if (len)
    *len = got;
  return buf;
}

static char *
read_small (const char *path, size_t *len)
{
  return read_fd_len (open (path, O_RDONLY | O_CLOEXEC), len);
}

/* ---- running the runtime ---- */

/* `vessel-runtime --root <runroot>/runtime ARGS...`: stdout into *out (when
 * out), the last line of stderr into msg.  Returns the exit status, or a
 * negative errno when it could not run. */
static int
rt_capture (vs_engine *e, char **out, char *msg, size_t msglen, const char *const *args)
{
  char rtroot[PATH_MAX], ebuf[4096];
  char *argv[64];
  size_t n = 0, got = 0, egot = 0;
  _cleanup_free_ char *buf = NULL;
  int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, status;
  pid_t pid;

  snprintf (rtroot, sizeof rtroot, "%s/runtime", e->runroot);
  argv[n++] = e->runtime;
  argv[n++] = (char *) "--root";
  argv[n++] = rtroot;
  for (; *args && n < ARRAY_SIZE (argv) - 1; args++)
    argv[n++] = (char *) *args;
  argv[n] = NULL;
  if (out)
    *out = NULL;
  if (msg && msglen)
    msg[0] = '\0';
  if (pipe2 (po, O_CLOEXEC) < 0)
    return -errno;
  if (pipe2 (pe, O_CLOEXEC) < 0)
    {
      int r = -errno;
      close (po[0]);
      close (po[1]);
      return r;
    }
  pid = fork ();
  if (pid < 0)
    {
      int r = -errno;
      close (po[0]);
      close (po[1]);
      close (pe[0]);
      close (pe[1]);
      return r;
    }
  if (pid == 0)
    {
      int devnull = open ("/dev/null", O_RDWR);
      dup2 (devnull, 0);
      dup2 (po[1], 1);
      dup2 (pe[1], 2);
      execv (argv[0], argv);
      _exit (127);
    }
  close (po[1]);
  close (pe[1]);
  /* stderr is small (messages); read stdout to the end, then stderr */
  for (;;)
    {
      char chunk[8192];
      ssize_t k = read (po[0], chunk, sizeof chunk);
      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        break;
      char *nb = realloc (buf, got + (size_t) k + 1);
      if (nb == NULL)
        break;
      buf = nb;
      memcpy (buf + got, chunk, (size_t) k);
      got += (size_t) k;
    }
  close (po[0]);
  for (;;)
    {
      ssize_t k = read (pe[0], ebuf + egot, sizeof ebuf - 1 - egot);
      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        break;
      egot += (size_t) k;
      if (egot == sizeof ebuf - 1)
        egot = 0;
    }
  close (pe[0]);
  ebuf[egot] = '\0';
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return -errno;
  if (msg && msglen)
    {
      char *end = ebuf + strlen (ebuf);
      while (end > ebuf && (end[-1] == '\n' || end[-1] == ' '))
        *--end = '\0';
      char *last = strrchr (ebuf, '\n');
      const char *m = last ? last + 1 : ebuf;
      if (strncmp (m, "vessel-runtime: ", 16) == 0)
        m += 16;
      snprintf (msg, msglen, "%s", m);
    }
  if (out)
    {
      if (buf == NULL)
        buf = strdup ("");
      else
        buf[got] = '\0';
      *out = TAKE_PTR (buf);
    }
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

/* The container, which must be running (paused allowed when allow_paused). */
static int
get_running (vs_engine *e, const char *what, vs_container *c, bool allow_paused, vs_error *err)
{
  int r = vs_container_get (e, what, c, err);
  if (r < 0)
    return r;
  if (strcmp (c->status, "paused") == 0 && !allow_paused)
    {
      r = vs_fail (err, 0, "container %s is paused, unpause the container first", c->id);
      vs_container_free (c);
      return r;
    }
  if (strcmp (c->status, "running") != 0 && strcmp (c->status, "paused") != 0)
    {
      r = vs_fail (err, 0, "container %s is not running", c->id);
      vs_container_free (c);
      return r;
    }
  return 0;
}

/* ---- exec ---- */

/* A file of the container's rootfs, resolved inside it (symlinks cannot
 * leave it); NULL when absent. */
static char *
rootfs_file (vs_engine *e, const vs_container *c, const char *rel)
{
  _cleanup_close_ int dfd = -1;
  char *text = NULL;
  vs_error ignore;

  dfd = vs_container_rootfs_open (e, c, &ignore);
  if (dfd < 0 || vs_read_file_in_root (dfd, rel, 1 << 20, &text, &ignore) < 0)
    return NULL;
  return text;
}

static bool
all_digits (const char *s)
{
  return *s && strspn (s, "0123456789") == strlen (s);
}

/* Find a line of a passwd/group file by name (field 1) or, when by_id, by
 * field 3; fields into f[] (copies into line). */
static bool
find_entry (const char *text, const char *key, bool by_id, char *line, size_t linelen, char *f[7])
{
  const char *p = text;
  while (p && *p)
    {
      const char *nl = strchr (p, '\n');
      size_t l = nl ? (size_t) (nl - p) : strlen (p);
      if (l < linelen)
        {
          memcpy (line, p, l);
          line[l] = '\0';
          size_t n = 0;
          char *s = line;
          for (char *t = strsep (&s, ":"); t && n < 7; t = strsep (&s, ":"))
            f[n++] = t;
          for (size_t i = n; i < 7; i++)
            f[i] = (char *) "";
          if (n >= 3 && strcmp (by_id ? f[2] : f[0], key) == 0)
            return true;
        }
      p = nl ? nl + 1 : NULL;
    }
  return false;
}

/* docker's -u: NAME|UID[:GROUP|GID] looked up in the container. */
static int
resolve_user (vs_engine *e, const vs_container *c, const char *spec, json_t **ret, vs_error *err)
{
  _cleanup_free_ char *copy = strdup (spec), *passwd = rootfs_file (e, c, "etc/passwd"),
                      *group = rootfs_file (e, c, "etc/group");
  char line[1024], *f[7];
  char *grp;
  unsigned long uid = 0, gid = 0;
  const char *uname = NULL;
  char namebuf[256] = "";
  json_t *extra = json_array ();

  if (copy == NULL)
    {
      json_decref (extra);
      return vs_fail (err, ENOMEM, "exec");
    }
  grp = strchr (copy, ':');
  if (grp)
    *grp++ = '\0';
  if (all_digits (copy))
    {
      uid = strtoul (copy, NULL, 10);
      if (passwd && find_entry (passwd, copy, true, line, sizeof line, f))
        {
          gid = strtoul (f[3], NULL, 10);
          snprintf (namebuf, sizeof namebuf, "%s", f[0]);
          uname = namebuf;
        }
    }
  else if (passwd && find_entry (passwd, copy, false, line, sizeof line, f))
    {
      uid = strtoul (f[2], NULL, 10);
      gid = strtoul (f[3], NULL, 10);
      snprintf (namebuf, sizeof namebuf, "%s", f[0]);
      uname = namebuf;
    }
  else
    {
      json_decref (extra);
      return vs_fail (err, 0, "unable to find user %s: no matching entries in passwd file", copy);
    }
  if (grp && all_digits (grp))
    gid = strtoul (grp, NULL, 10);
  else if (grp)
    {
      if (group == NULL || !find_entry (group, grp, false, line, sizeof line, f))
        {
          json_decref (extra);
          return vs_fail (err, 0, "unable to find group %s: no matching entries in group file", grp);
        }
      gid = strtoul (f[2], NULL, 10);
    }
  /* supplementary groups: those listing the user by name */
  if (uname && group && !grp)
    {
      const char *p = group;
      while (p && *p)
        {
          const char *nl = strchr (p, '\n');
          size_t l = nl ? (size_t) (nl - p) : strlen (p);
          if (l < sizeof line)
            {
              memcpy (line, p, l);
              line[l] = '\0';
              char *s = line, *fs[4] = { 0 };
              size_t n = 0;
              for (char *t = strsep (&s, ":"); t && n < 4; t = strsep (&s, ":"))
                fs[n++] = t;
              if (n == 4)
                {
                  char *save = NULL;
                  for (char *m = strtok_r (fs[3], ",", &save); m; m = strtok_r (NULL, ",", &save))
                    if (strcmp (m, uname) == 0 && strtoul (fs[2], NULL, 10) != gid)
                      json_array_append_new (extra, json_integer ((json_int_t) strtoul (fs[2], NULL, 10)));
                }
            }
          p = nl ? nl + 1 : NULL;
        }
    }
  *ret = json_pack ("{s:I, s:I, s:o}", "uid", (json_int_t) uid, "gid", (json_int_t) gid, "additionalGids", extra);
  return 0;
}

/* The exec'd process: the container's, with args, env, user and cwd. */
int
vs_container_exec_process (vs_engine *e, const vs_container *c, const vs_exec_req *req, json_t **ret, vs_error *err)
{
  char path[PATH_MAX];
  json_error_t jerr;
  _cleanup_json_ json_t *doc = NULL;
  json_t *proc, *env, *args;

  snprintf (path, sizeof path, "%s/containers/%s/config.json", e->root, c->id);
  doc = json_load_file (path, 0, &jerr);
  if (doc == NULL)
    return vs_fail (err, 0, "exec in container %s: read %s: %s", c->name, path, jerr.text);
  proc = json_deep_copy (json_object_get (doc, "process"));
  if (!json_is_object (proc))
    {
      json_decref (proc);
      proc = json_pack ("{s:s}", "cwd", "/");
    }
  args = json_array ();
  for (char **a = req->args; a && *a; a++)
    json_array_append_new (args, json_string (*a));
  json_object_set_new (proc, "args", args);
  json_object_set_new (proc, "terminal", json_false ());
  json_object_del (proc, "consoleSize");
  env = json_object_get (proc, "env");
  if (!json_is_array (env))
    json_object_set_new (proc, "env", env = json_array ());
  for (char **kv = req->env; kv && *kv; kv++)
    {
      size_t klen = strcspn (*kv, "=");
      size_t i;
      json_t *v;
      bool replaced = false;
      json_array_foreach (env, i, v)
        {
          const char *s = json_string_value (v);
          if (s && strncmp (s, *kv, klen) == 0 && s[klen] == '=')
            {
              json_array_set_new (env, i, json_string (*kv));
              replaced = true;
              break;
            }
        }
      if (!replaced)
        json_array_append_new (env, json_string (*kv));
    }
  if (req->workdir)
    {
      if (req->workdir[0] != '/')
        {
          json_decref (proc);
          return vs_fail (err, 0, "the working directory '%s' is invalid, it needs to be an absolute path",
                          req->workdir);
        }
      json_object_set_new (proc, "cwd", json_string (req->workdir));
    }
  if (req->user && req->user[0])
    {
      json_t *u = NULL;
      int r = resolve_user (e, c, req->user, &u, err);
      if (r < 0)
        {
          json_decref (proc);
          return r;
        }
      json_object_set_new (proc, "user", u);
    }
  *ret = proc;
  return 0;
}

static pid_t exec_child = -1;

static void
forward_signal (int sig, siginfo_t *info, void *ctx)
{
  (void) ctx;
  /* terminal signals reach the runtime (and the process) directly */
  if (exec_child > 0 && (info == NULL || info->si_code <= 0))
    kill (exec_child, sig);
}

void
vs_runtime_log_error (const char *path, char *msg, size_t len)
{
  FILE *f = fopen (path, "re");
  char *line = NULL;
  size_t cap = 0;
  msg[0] = '\0';
  if (f == NULL)
    return;
  while (getline (&line, &cap, f) > 0)
    {
      json_t *j = json_loads (line, 0, NULL);
      const char *lvl = json_string_value (json_object_get (j, "level"));
      const char *m = json_string_value (json_object_get (j, "msg"));
      if (lvl && m && strcmp (lvl, "error") == 0)
        snprintf (msg, len, "%s", m);
      json_decref (j);
    }
  free (line);
  fclose (f);
}

static int
exec_code (const char *msg)
{
  if (strstr (msg, "not found") || strstr (msg, "No such file"))
    return 127;
  return 126;
}

int
vs_container_exec (vs_engine *e, const char *what, const vs_exec_req *req, int *code, vs_error *err)
{
  vs_container c;
  _cleanup_json_ json_t *proc = NULL;
  char procpath[PATH_MAX], logpath[PATH_MAX], rtroot[PATH_MAX], msg[1024];
  int r, fd, status;
  pid_t pid;

  *code = 125;
  if (req->args == NULL || req->args[0] == NULL)
    return vs_fail (err, 0, "exec: no command given");
  r = vs_container_get (e, what, &c, err);
  if (r < 0)
    return r;
  if (strcmp (c.status, "paused") == 0)
    {
      r = vs_fail (err, 0, "container %s is paused, unpause the container before exec", c.id);
      vs_container_free (&c);
      return r;
    }
  if (strcmp (c.status, "running") != 0)
    {
      r = vs_fail (err, 0, "container %s is not running", c.id);
      vs_container_free (&c);
      return r;
    }
  r = vs_container_exec_process (e, &c, req, &proc, err);
  if (r < 0)
    {
      *code = 126;
      vs_container_free (&c);
      return r;
    }
  snprintf (procpath, sizeof procpath, "%s/containers/%s/exec-XXXXXX", e->root, c.id);
  snprintf (logpath, sizeof logpath, "%s/containers/%s/exec-log-XXXXXX", e->root, c.id);
  snprintf (rtroot, sizeof rtroot, "%s/runtime", e->runroot);
  fd = mkstemp (procpath);
  if (fd < 0)
    {
      r = vs_fail (err, errno, "exec in container %s: create %s", c.name, procpath);
      vs_container_free (&c);
      return r;
    }
  if (json_dumpfd (proc, fd, JSON_COMPACT) < 0)
    {
      close (fd);
      unlink (procpath);
      r = vs_fail (err, EIO, "exec in container %s: write %s", c.name, procpath);
      vs_container_free (&c);
      return r;
    }
  close (fd);
  fd = mkstemp (logpath);
  if (fd >= 0)
    close (fd);
  else
    logpath[0] = '\0';

  struct sigaction sa = { .sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART }, old[4];
  static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
  sigemptyset (&sa.sa_mask);
  vs_store_unlock (e->store); /* the process may run long: keep no lock */
  pid = fork ();
  if (pid < 0)
    {
      r = vs_fail (err, errno, "exec in container %s: fork", c.name);
      unlink (procpath);
      if (logpath[0])
        unlink (logpath);
      vs_container_free (&c);
      return r;
    }
  if (pid == 0)
    {
      char *argv[20];
      size_t n = 0;
      int devnull = open ("/dev/null", O_RDWR);
      if (req->detach)
        {
          dup2 (devnull, 0);
          dup2 (devnull, 1);
          dup2 (devnull, 2);
        }
      else if (!req->interactive)
        dup2 (devnull, 0);
      argv[n++] = e->runtime;
      argv[n++] = (char *) "--root";
      argv[n++] = rtroot;
      if (logpath[0])
        {
          argv[n++] = (char *) "--log";
          argv[n++] = logpath;
          argv[n++] = (char *) "--log-format";
          argv[n++] = (char *) "json";
        }
      argv[n++] = (char *) "exec";
      if (req->detach)
        argv[n++] = (char *) "--detach";
      argv[n++] = (char *) "--process";
      argv[n++] = procpath;
      argv[n++] = c.id;
      argv[n] = NULL;
      execv (argv[0], argv);
      dprintf (2, "Error: exec: cannot run %s: %s\n", argv[0], strerror (errno));
      _exit (126);
    }
  exec_child = pid;
  for (size_t i = 0; i < ARRAY_SIZE (sigs); i++)
    sigaction (sigs[i], &sa, &old[i]);
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      break;
  for (size_t i = 0; i < ARRAY_SIZE (sigs); i++)
    sigaction (sigs[i], &old[i], NULL);
  exec_child = -1;
  unlink (procpath);
  msg[0] = '\0';
  if (logpath[0])
    {
      vs_runtime_log_error (logpath, msg, sizeof msg);
      unlink (logpath);
    }
  r = 0;
  if (WIFEXITED (status))
    *code = WEXITSTATUS (status);
  else
    *code = 128 + WTERMSIG (status);
  if (*code != 0 && msg[0])
    {
      /* the runtime failed, not the process: docker's codes.  In the
         foreground the runtime already said why on the shared stderr. */
      *code = exec_code (msg);
      if (req->detach)
        r = vs_fail (err, 0, "exec in container %s: %s", c.name, msg);
    }
  vs_container_free (&c);
  return r < 0 ? -ENOEXEC : 0;
}

/* ---- top ---- */

void
vs_procs_free (vs_proc *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (p[i].cmd);
  free (p);
}

static int
read_proc (int pid, vs_proc *p)
{
  char path[64];
  _cleanup_free_ char *stat = NULL, *status = NULL, *cmdline = NULL;
  size_t clen = 0;
  memset (p, 0, sizeof *p);
  p->pid = pid;
  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  stat = read_small (path, NULL);
  if (stat == NULL)
    return -ENOENT;
  /* pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
     majflt cmajflt utime stime cutime cstime priority nice threads
     itrealvalue starttime */
  char *open_ = strchr (stat, '('), *close_ = strrchr (stat, ')');
  if (open_ == NULL || close_ == NULL || close_ < open_)
    return -EINVAL;
  *close_ = '\0';
  char comm[64];
  snprintf (comm, sizeof comm, "%s", open_ + 1);
  unsigned long long utime = 0, stime = 0, start = 0;
  int ppid = 0, tty = 0;
  char state = '?';
  if (sscanf (close_ + 2, "%c %d %*d %*d %d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %llu",
              &state, &ppid, &tty, &utime, &stime, &start)
      != 6)
    return -EINVAL;
  p->state = state;
  p->ppid = ppid;
  p->tty_nr = tty;
  p->cpu_ticks = utime + stime;
  p->start_ticks = start;
  snprintf (path, sizeof path, "/proc/%d/status", pid);
  status = read_small (path, NULL);
  if (status)
    {
      char *u = strstr (status, "\nUid:");
      if (u)
        p->uid = (unsigned) strtoul (u + 5, NULL, 10);
    }
  snprintf (path, sizeof path, "/proc/%d/cmdline", pid);
  cmdline = read_small (path, &clen);
  if (cmdline && clen > 0)
    {
      while (clen > 0 && cmdline[clen - 1] == '\0')
        clen--;
      for (size_t i = 0; i < clen; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      cmdline[clen] = '\0';
      p->cmd = TAKE_PTR (cmdline);
    }
  else if (asprintf (&p->cmd, "[%s]", comm) < 0)
    p->cmd = NULL;
  return p->cmd ? 0 : -ENOMEM;
}

static int
runtime_pids (vs_engine *e, const vs_container *c, int **pids, size_t *n, vs_error *err)
{
  _cleanup_free_ char *out = NULL;
  _cleanup_json_ json_t *j = NULL;
  char msg[512];
  const char *args[] = { "ps", "--format", "json", c->id, NULL };
  int r = rt_capture (e, &out, msg, sizeof msg, args);
  size_t i;
  json_t *v;

  if (r != 0)
    return vs_fail (err, r < 0 ? -r : 0, "list the processes of container %s: %s", c->name,
                    r < 0 ? "cannot run the runtime" : msg);
  j = json_loads (out, 0, NULL);
  if (!json_is_array (j))
    return vs_fail (err, 0, "list the processes of container %s: the runtime said `%s`", c->name, out);
  *pids = calloc (json_array_size (j) + 1, sizeof **pids);
  if (*pids == NULL)
    return vs_fail (err, ENOMEM, "list the processes of container %s", c->name);
  *n = 0;
  json_array_foreach (j, i, v)
    (*pids)[(*n)++] = (int) json_integer_value (v);
  return 0;
}

int
vs_container_top (vs_engine *e, const char *what, vs_proc **ret, size_t *n, vs_error *err)
{
  vs_container c;
  _cleanup_free_ int *pids = NULL;
  size_t np = 0;
  vs_proc *v;
  int r = get_running (e, what, &c, true, err);
  if (r < 0)
    return r;
  r = runtime_pids (e, &c, &pids, &np, err);
  vs_container_free (&c);
  if (r < 0)
    return r;
  v = calloc (np + 1, sizeof *v);
  if (v == NULL)
    return vs_fail (err, ENOMEM, "top");
  *n = 0;
  for (size_t i = 0; i < np; i++)
    if (read_proc (pids[i], &v[*n]) == 0)
      (*n)++;
    else
      free (v[*n].cmd);
  *ret = v;
  return 0;
}

int
vs_container_top_ps (vs_engine *e, const char *what, char **ps_args, char **out, vs_error *err)
{
  vs_container c;
  const char *args[48];
  size_t n = 0;
  char msg[512];
  int r = get_running (e, what, &c, true, err);
  if (r < 0)
    return r;
  args[n++] = "ps";
  args[n++] = c.id;
  for (char **a = ps_args; a && *a && n < ARRAY_SIZE (args) - 1; a++)
    args[n++] = *a;
  args[n] = NULL;
  r = rt_capture (e, out, msg, sizeof msg, args);
  if (r != 0)
    {
      free (*out);
      *out = NULL;
      r = vs_fail (err, r < 0 ? -r : 0, "top: container %s: %s", c.name, r < 0 ? "cannot run the runtime" : msg);
    }
  vs_container_free (&c);
  return r;
}

/* ---- pause ---- */

int
vs_container_pause (vs_engine *e, const char *what, bool pause, vs_error *err)
{
  vs_container c;
  char msg[512];
  int r = vs_container_get (e, what, &c, err);
  if (r < 0)
    return r;
  if (pause && strcmp (c.status, "paused") == 0)
    r = vs_fail (err, 0, "container %s is already paused", c.id);
  else if (!pause && strcmp (c.status, "paused") != 0)
    r = vs_fail (err, 0, "container %s is not paused", c.id);
  else if (pause && strcmp (c.status, "running") != 0)
    r = vs_fail (err, 0, "container %s is not running", c.id);
  else
    {
      const char *args[] = { pause ? "pause" : "resume", c.id, NULL };
      int rc = rt_capture (e, NULL, msg, sizeof msg, args);
      if (rc != 0)
        r = vs_fail (err, rc < 0 ? -rc : 0, "%s container %s: %s", pause ? "pause" : "unpause", what,
                     rc < 0 ? "cannot run the runtime" : msg);
    }
  vs_container_free (&c);
  return r;
}

/* ---- stats ---- */

void
vs_stats_free (vs_stats *s)
{
  free (s->name);
  s->name = NULL;
}

/* The mount point of a cgroup hierarchy: controller NULL for cgroup2. */
static bool
cg_mount (const char *controller, char *out, size_t len)
{
  FILE *f = fopen ("/proc/self/mountinfo", "re");
  char *line = NULL;
  size_t cap = 0;
  bool found = false;
  if (f == NULL)
    return false;
  while (!found && getline (&line, &cap, f) > 0)
    {
      char *sep = strstr (line, " - ");
      if (sep == NULL)
        continue;
      char fstype[32] = "", src[256] = "", opts[512] = "", mp[PATH_MAX] = "";
      if (sscanf (sep + 3, "%31s %255s %511s", fstype, src, opts) < 2)
        continue;
      if (sscanf (line, "%*s %*s %*s %*s %4095s", mp) != 1)
        continue;
      if (controller == NULL && strcmp (fstype, "cgroup2") == 0)
        found = true;
      else if (controller && strcmp (fstype, "cgroup") == 0)
        {
          char *save = NULL;
          for (char *t = strtok_r (opts, ",", &save); t; t = strtok_r (NULL, ",", &save))
            if (strcmp (t, controller) == 0)
              found = true;
        }
      if (found)
        snprintf (out, len, "%s", mp);
    }
  free (line);
  fclose (f);
  return found;
}

/* The folder of pid's cgroup for a controller (NULL: the cgroup2 one). */
static bool
cg_dir (int pid, const char *controller, char *out, size_t len)
{
  char path[64], mp[PATH_MAX];
  _cleanup_free_ char *text = NULL;
  char *save = NULL;
  snprintf (path, sizeof path, "/proc/%d/cgroup", pid);
  text = read_small (path, NULL);
  if (text == NULL || !cg_mount (controller, mp, sizeof mp))
    return false;
  for (char *l = strtok_r (text, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      char *c1 = strchr (l, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c2 == NULL)
        continue;
      *c1 = '\0';
      *c2 = '\0';
      bool match = false;
      if (controller == NULL)
        match = strcmp (l, "0") == 0 && c1[1] == '\0';
      else
        {
          char *s2 = NULL;
          for (char *t = strtok_r (c1 + 1, ",", &s2); t; t = strtok_r (NULL, ",", &s2))
            if (strcmp (t, controller) == 0)
              match = true;
        }
      if (match)
        {
          snprintf (out, len, "%s%s", mp, c2 + 1);
          return access (out, F_OK) == 0;
        }
    }
  return false;
}

bool
vs_container_frozen (int pid)
{
  char dir[PATH_MAX], path[PATH_MAX + 32];
  _cleanup_free_ char *text = NULL;
  if (pid <= 0)
    return false;
  /* what the runtime's `state` reads: the v1 freezer where it is mounted, else cgroup2's */
  if (cg_dir (pid, "freezer", dir, sizeof dir))
    {
      snprintf (path, sizeof path, "%s/freezer.state", dir);
      text = read_small (path, NULL);
      return text && strncmp (text, "FROZEN", 6) == 0;
    }
  if (cg_dir (pid, NULL, dir, sizeof dir))
    {
      snprintf (path, sizeof path, "%s/cgroup.freeze", dir);
      text = read_small (path, NULL);
      return text && text[0] == '1';
    }
  return false;
}

static void
read_blkio (int pid, vs_stats *s)
{
  char dir[PATH_MAX], path[PATH_MAX + 64];
  _cleanup_free_ char *text = NULL;
  char *save = NULL;
  s->blk_read = s->blk_write = 0;
  if (cg_dir (pid, "blkio", dir, sizeof dir))
    {
      snprintf (path, sizeof path, "%s/blkio.throttle.io_service_bytes_recursive", dir);
      text = read_small (path, NULL);
      if (text == NULL)
        {
          snprintf (path, sizeof path, "%s/blkio.throttle.io_service_bytes", dir);
          text = read_small (path, NULL);
        }
      for (char *l = text ? strtok_r (text, "\n", &save) : NULL; l; l = strtok_r (NULL, "\n", &save))
        {
          char dev[64], op[32];
          long long v;
          if (sscanf (l, "%63s %31s %lld", dev, op, &v) != 3)
            continue;
          if (strcmp (op, "Read") == 0)
            s->blk_read += v;
          else if (strcmp (op, "Write") == 0)
            s->blk_write += v;
        }
      return;
    }
  if (cg_dir (pid, NULL, dir, sizeof dir))
    {
      snprintf (path, sizeof path, "%s/io.stat", dir);
      text = read_small (path, NULL);
      for (char *l = text ? strtok_r (text, "\n", &save) : NULL; l; l = strtok_r (NULL, "\n", &save))
        {
          char *p;
          if ((p = strstr (l, "rbytes=")))
            s->blk_read += strtoll (p + 7, NULL, 10);
          if ((p = strstr (l, "wbytes=")))
            s->blk_write += strtoll (p + 7, NULL, 10);
        }
    }
}

static void
read_psi (const char *dir, const char *kind, vs_psi *psi)
{
  char path[PATH_MAX + 64];
  _cleanup_free_ char *text = NULL;
  char *p;
  snprintf (path, sizeof path, "%s/%s.pressure", dir, kind);
  memset (psi, 0, sizeof *psi);
  text = read_small (path, NULL);
  if (text == NULL || (p = strstr (text, "some avg10=")) == NULL)
    return;
  psi->present = true;
  psi->some_avg10 = strtod (p + 11, NULL);
  if ((p = strstr (text, "full avg10=")))
    psi->full_avg10 = strtod (p + 11, NULL);
}

static int64_t
host_memory (void)
{
  _cleanup_free_ char *text = read_small ("/proc/meminfo", NULL);
  char *p = text ? strstr (text, "MemTotal:") : NULL;
  return p ? strtoll (p + 9, NULL, 10) * 1024 : 0;
}

static int64_t
jint (json_t *o, const char *path)
{
  char buf[128], *save = NULL;
  snprintf (buf, sizeof buf, "%s", path);
  for (char *k = strtok_r (buf, ".", &save); k && o; k = strtok_r (NULL, ".", &save))
    o = json_object_get (o, k);
  return json_is_integer (o) ? (int64_t) json_integer_value (o) : json_is_real (o) ? (int64_t) json_real_value (o) : -1;
}

static void
read_net (int pid, vs_stats *s)
{
  char path[64];
  _cleanup_free_ char *text = NULL;
  char *save = NULL;
  int line = 0;
  snprintf (path, sizeof path, "/proc/%d/net/dev", pid);
  text = read_small (path, NULL);
  s->net_rx = s->net_tx = 0;
  for (char *l = text ? strtok_r (text, "\n", &save) : NULL; l; l = strtok_r (NULL, "\n", &save))
    {
      char *colon = strchr (l, ':');
      long long rx, tx;
      if (line++ < 2 || colon == NULL)
        continue;
      *colon = '\0';
      while (*l == ' ')
        l++;
      if (strcmp (l, "lo") == 0)
        continue;
      if (sscanf (colon + 1, "%lld %*d %*d %*d %*d %*d %*d %*d %lld", &rx, &tx) == 2)
        {
          s->net_rx += rx;
          s->net_tx += tx;
        }
    }
}

int
vs_container_stats (vs_engine *e, const char *what, vs_stats *s, vs_error *err)
{
  vs_container c;
  _cleanup_free_ char *out = NULL;
  _cleanup_json_ json_t *j = NULL, *rq = NULL;
  char msg[512], dir[PATH_MAX];
  struct timespec ts;
  int r = get_running (e, what, &c, true, err);

  memset (s, 0, sizeof *s);
  if (r < 0)
    return r;
  {
    const char *args[] = { "events", "--stats", c.id, NULL };
    int rc = rt_capture (e, &out, msg, sizeof msg, args);
    clock_gettime (CLOCK_MONOTONIC, &ts);
    if (rc != 0)
      {
        r = vs_fail (err, rc < 0 ? -rc : 0, "stats of container %s: %s", c.name,
                     rc < 0 ? "cannot run the runtime" : msg);
        vs_container_free (&c);
        return r;
      }
  }
  j = json_loads (out, 0, NULL);
  json_t *d = json_object_get (j, "data");
  if (!json_is_object (d))
    {
      r = vs_fail (err, 0, "stats of container %s: the runtime said `%.200s`", c.name, out);
      vs_container_free (&c);
      return r;
    }
  snprintf (s->id, sizeof s->id, "%s", c.id);
  s->name = strdup (c.name);
  s->pid = c.pid;
  s->when_ns = (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
  s->cpu_ns = jint (d, "cpu.usage.total");
  s->pids = jint (d, "pids.current");
  /* memory: v1 names in raw (total_*), v2 names without */
  json_t *raw = json_object_get (json_object_get (d, "memory"), "raw");
  bool v1 = json_object_get (raw, "total_cache") != NULL;
  int64_t usage = jint (d, "memory.usage.usage");
  int64_t inactive = jint (raw, v1 ? "total_inactive_file" : "inactive_file");
  s->mem_raw_usage = usage;
  s->mem_usage = usage >= 0 && inactive >= 0 && inactive < usage ? usage - inactive : usage;
  s->mem_cache = jint (raw, v1 ? "total_cache" : "file");
  s->mem_anon = jint (raw, v1 ? "total_rss" : "anon");
  int64_t limit = jint (d, "memory.usage.limit"), host = host_memory ();
  s->mem_limit = limit > 0 && (host <= 0 || limit < host) ? limit : host;
  read_blkio (c.pid, s);
  if (cg_dir (c.pid, NULL, dir, sizeof dir))
    {
      read_psi (dir, "cpu", &s->psi_cpu);
      read_psi (dir, "memory", &s->psi_memory);
      read_psi (dir, "io", &s->psi_io);
    }
  rq = json_loads (c.request, 0, NULL);
  const char *net = json_string_value (json_object_get (rq, "NetworkMode"));
  s->has_net = net && strcmp (net, "host") != 0;
  if (s->has_net)
    read_net (c.pid, s);
  vs_container_free (&c);
  return s->name ? 0 : vs_fail (err, ENOMEM, "stats");
}
