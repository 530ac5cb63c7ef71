/* exec.c — a new process in every namespace and cgroup of a container, with
 * the same capabilities, no_new_privs, rlimits and seccomp filter as its
 * configuration gives (or as --process says). */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "../basic/unix-fd.h"
#include "cgroup.h"
#include "config.h"
#include "foreground.h"
#include "seccomp.h"
#include "spawn.h"
#include "state.h"

/* The exec'd process as a config: the container's config.json with its
 * process replaced, so the parser checks it and names bad fields. */
static int
exec_config (const struct rt_exec_opts *o, const struct rt_state *st, struct rt_config **ret, vs_error *err)
{
  const char *bundle = rt_state_get_str (st, "bundle");
  _cleanup_free_ char *text = NULL, *out = NULL;
  json_t *doc, *proc;
  json_error_t jerr;
  char path[4096];
  int r;

  snprintf (path, sizeof path, "%s/config.json", bundle ? bundle : ".");
  if ((r = vs_read_file_at (AT_FDCWD, path, &text, NULL, err)) < 0)
    return vs_wrap (err, r, "exec: read the container's config");
  doc = json_loads (text, 0, &jerr);
  if (doc == NULL)
    return vs_fail (err, 0, "exec: %s: %s", path, jerr.text);
  if (o->process_file)
    {
      proc = strcmp (o->process_file, "-") == 0 ? json_loadf (stdin, 0, &jerr) : json_load_file (o->process_file, 0, &jerr);
      if (proc == NULL || !json_is_object (proc))
        {
          json_decref (proc);
          json_decref (doc);
          return vs_fail (err, 0, "exec: --process `%s`: %s", o->process_file, proc ? "not a JSON object" : jerr.text);
        }
    }
  else
    {
      json_t *args = json_array (), *caps, *env;
      proc = json_deep_copy (json_object_get (doc, "process"));
      if (proc == NULL)
        proc = json_pack ("{s:s}", "cwd", "/");
      for (char **a = o->args; a && *a; a++)
        json_array_append_new (args, json_string (*a));
      json_object_set_new (proc, "args", args);
      json_object_set_new (proc, "terminal", json_boolean (o->tty));
      env = json_object_get (proc, "env");
      if (!json_is_array (env))
        json_object_set_new (proc, "env", env = json_array ());
      for (char **e = o->env; e && *e; e++)
        json_array_append_new (env, json_string (*e));
      if (o->cwd)
        json_object_set_new (proc, "cwd", json_string (o->cwd));
      if (o->user)
        {
          unsigned long uid, gid = 0;
          char *end;
          uid = strtoul (o->user, &end, 10);
          if (end == o->user || (*end && *end != ':') || (*end == ':' && (gid = strtoul (end + 1, &end, 10), *end)))
            {
              json_decref (proc);
              json_decref (doc);
              return vs_fail (err, 0, "exec: --user `%s`: expected UID[:GID]", o->user);
            }
          json_object_set_new (proc, "user", json_pack ("{s:I, s:I}", "uid", (json_int_t) uid, "gid", (json_int_t) gid));
        }
      if (o->no_new_privs)
        json_object_set_new (proc, "noNewPrivileges", json_true ());
      /* --cap adds to bounding, effective and permitted: never inheritable
       * or ambient (CVE-2022-29162). */
      caps = json_object_get (proc, "capabilities");
      if (o->caps && *o->caps)
        {
          static const char *const sets[] = { "bounding", "effective", "permitted" };
          if (!json_is_object (caps))
            json_object_set_new (proc, "capabilities", caps = json_object ());
          for (size_t i = 0; i < 3; i++)
            {
              json_t *set = json_object_get (caps, sets[i]);
              if (!json_is_array (set))
                json_object_set_new (caps, sets[i], set = json_array ());
              for (char **c = o->caps; *c; c++)
                json_array_append_new (set, json_string (*c));
            }
        }
    }
  json_object_set_new (doc, "process", proc);
  out = json_dumps (doc, JSON_COMPACT);
  json_decref (doc);
  if (out == NULL)
    return vs_fail (err, ENOMEM, "exec");
  return rt_config_parse (out, strlen (out), bundle, ret, err);
}

struct exec_child
{
  const struct rt_config *cfg;
  json_t *state_doc;
  int pidfd, sync_fd, console_fd;
  int ns_flags;
  bool skip_v2, detach;
  int preserve_fds;
};

static _Noreturn void
child_fail (struct exec_child *c, vs_error *err, int status)
{
  rt_sync_fail (c->sync_fd, err, status);
}

/* The process that will exec: already in every namespace and cgroup. */
static _Noreturn void
exec_process (struct exec_child *c)
{
  const struct rt_config *cfg = c->cfg;
  _cleanup_free_ char *exe = NULL;
  scmp_filter_ctx filter = NULL;
  vs_error err = { 0 };
  int r;

  if (rt_config_namespace (cfg, CLONE_NEWUSER) && (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0))
    {
      vs_fail (&err, errno, "exec: become root in the container's user namespace");
      child_fail (c, &err, 1);
    }
  if (cfg->process->terminal)
    {
      _cleanup_close_ int master = -1, slave = -1;
      if (setsid () < 0 || rt_terminal_open (AT_FDCWD, cfg->process, &master, &slave, &err) < 0
          || rt_terminal_handout (master, c->console_fd, c->sync_fd, &err) < 0
          || rt_terminal_make_stdio (slave, &err) < 0)
        child_fail (c, &err, 1);
    }
  if (rt_process_resolve (cfg->process, &exe, &err) < 0)
    child_fail (c, &err, 127);
  if ((r = vs_cloexec_from (3 + c->preserve_fds)) < 0)
    {
      vs_fail (&err, -r, "mark inherited fds close-on-exec");
      child_fail (c, &err, 1);
    }
  if ((r = rt_seccomp_build (json_object_get (json_object_get (cfg->json, "linux"), "seccomp"), &filter, &err)) < 0)
    child_fail (c, &err, 1);
  if (filter && !cfg->process->no_new_privileges && (r = rt_seccomp_load (filter, -1, NULL, &err)) < 0)
    child_fail (c, &err, 1);
  if (rt_process_finalize (cfg, &err) < 0)
    child_fail (c, &err, 1);
  if (filter && cfg->process->no_new_privileges && rt_seccomp_load (filter, -1, NULL, &err) < 0)
    child_fail (c, &err, 1);
  prctl (PR_SET_PDEATHSIG, 0);
  execve (exe, cfg->process->args, cfg->process->env);
  r = errno;
  vs_fail (&err, r, "exec `%s`", cfg->process->args[0]);
  child_fail (c, &err, r == ENOENT ? 127 : 126);
}

/* Stage 1: join the cgroups (as host root) and every namespace at once
 * through the init's pidfd, then fork into the pid namespace. */
static _Noreturn void
exec_stage1 (struct exec_child *c)
{
  vs_error err = { 0 };
  sigset_t none;
  long child;

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (rt_cgroup_join_self (c->state_doc, c->skip_v2, &err) < 0)
    child_fail (c, &err, 1);
  if (c->ns_flags && setns (c->pidfd, c->ns_flags) < 0)
    {
      vs_fail (&err, errno, "exec: join the container's namespaces");
      child_fail (c, &err, 1);
    }
  child = syscall (SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
  if (child < 0)
    {
      vs_fail (&err, errno, "exec: fork into the container");
      child_fail (c, &err, 1);
    }
  if (child == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      exec_process (c);
    }
  rt_sync_send (c->sync_fd, RT_SYNC_PID, (int) child, NULL);
  _exit (0);
}

int
rt_container_exec (const struct rt_exec_opts *o, int *ret_status, vs_error *err)
{
  struct rt_state st;
  struct rt_config *cfg = NULL;
  struct exec_child c = { .pidfd = -1, .sync_fd = -1, .console_fd = -1, .preserve_fds = o->preserve_fds,
                          .detach = o->detach };
  _cleanup_close_ int pidfd = -1, master = -1;
  int sv[2] = { -1, -1 };
  const char *status;
  struct rt_sync_msg m;
  sigset_t mask, old;
  pid_t pid = 0;
  long child = -1;
  int r;

  *ret_status = 0;
  if ((r = rt_state_open (o->root, o->id, &st, err)) < 0)
    return r;
  status = rt_state_status (&st);
  if (strcmp (status, "running") != 0 && strcmp (status, "created") != 0)
    {
      r = vs_fail (err, 0, "cannot exec in container `%s`: it is %s", o->id, status);
      goto out;
    }
  pidfd = rt_state_pidfd (&st);
  if (pidfd < 0)
    {
      r = vs_fail (err, 0, "cannot exec in container `%s`: its init is gone", o->id);
      goto out;
    }
  if ((r = exec_config (o, &st, &cfg, err)) < 0)
    goto out;
  if (cfg->process->terminal && o->console_socket == NULL && o->detach)
    {
      r = vs_fail (err, 0, "exec --tty --detach needs --console-socket");
      goto out;
    }
  if (o->console_socket)
    {
      if (!cfg->process->terminal)
        {
          r = vs_fail (err, 0, "exec: --console-socket given without --tty");
          goto out;
        }
      c.console_fd = vs_unix_connect (o->console_socket);
      if (c.console_fd < 0)
        {
          r = vs_fail (err, -c.console_fd, "--console-socket `%s`", o->console_socket);
          goto out;
        }
    }
  for (size_t i = 0; i < cfg->n_namespaces; i++)
    c.ns_flags |= cfg->namespaces[i].type;
  c.cfg = cfg;
  c.state_doc = st.doc;
  c.pidfd = pidfd;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    {
      r = vs_fail (err, errno, "socketpair");
      goto out;
    }
  c.sync_fd = sv[1];

  sigemptyset (&mask);
  if (!o->detach)
    rt_foreground_signals (&mask);
  sigprocmask (SIG_BLOCK, &mask, &old);
  {
    const char *v2 = json_string_value (json_object_get (st.doc, "cgroupV2Path"));
    _cleanup_close_ int v2fd = v2 ? open (v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (v2fd >= 0)
      {
        struct clone_args ca = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t) v2fd };
        child = syscall (SYS_clone3, &ca, sizeof ca);
        if (child == 0)
          {
            close (sv[0]);
            close (st.dirfd);
            c.skip_v2 = true;
            exec_stage1 (&c);
          }
      }
  }
  if (child < 0)
    {
      child = syscall (SYS_clone, SIGCHLD, NULL, NULL, NULL, NULL);
      if (child == 0)
        {
          close (sv[0]);
          close (st.dirfd);
          exec_stage1 (&c);
        }
    }
  close (sv[1]);
  sv[1] = -1;
  if (child < 0)
    {
      r = vs_fail (err, errno, "exec: fork");
      goto unblock;
    }
  /* stage 1 reports the pid (or an error), then exits */
  r = rt_sync_recv (sv[0], &m, NULL);
  waitpid ((pid_t) child, NULL, 0);
  if (r < 0 || m.type == RT_SYNC_ERROR)
    {
      r = r < 0 ? vs_fail (err, -r, "exec: the helper process died") : vs_fail (err, 0, "%s", m.text);
      goto unblock;
    }
  pid = m.value;
  /* then the process itself: a pty master, an error, or EOF once it exec'd */
  for (;;)
    {
      int fd = -1;
      r = rt_sync_recv (sv[0], &m, &fd);
      if (r == -EPIPE)
        {
          r = 0;
          break;
        }
      if (r < 0)
        {
          r = vs_fail (err, -r, "exec: talk to the process");
          break;
        }
      if (m.type == RT_SYNC_PTY)
        {
          if (master >= 0)
            close (master);
          master = fd;
          continue;
        }
      if (fd >= 0)
        close (fd);
      if (m.type == RT_SYNC_ERROR)
        {
          vs_fail (err, 0, "%s", m.text);
          err->code = m.value;
          r = -1;
          waitpid (pid, NULL, 0);
          pid = 0;
          break;
        }
    }
  if (r < 0)
    goto unblock;
  if (o->pid_file)
    {
      char buf[32];
      int n = snprintf (buf, sizeof buf, "%d", pid);
      if ((r = vs_write_file_atomic_at (AT_FDCWD, o->pid_file, buf, (size_t) n, 0644, err)) < 0)
        {
          kill (pid, SIGKILL);
          goto unblock;
        }
    }
  if (!o->detach)
    {
      flock (st.dirfd, LOCK_UN);
      *ret_status = rt_foreground_wait (pid, &master, &mask);
    }
unblock:
  sigprocmask (SIG_SETMASK, &old, NULL);
out:
  if (sv[0] >= 0)
    close (sv[0]);
  if (sv[1] >= 0)
    close (sv[1]);
  if (c.console_fd >= 0)
    close (c.console_fd);
  rt_config_free (cfg);
  rt_state_close (&st);
  return r;
}
