/* init.c — the container's first process, from clone() to execve().
 *
 * Sanitizers: this code runs under ASan like the rest, but after pivot_root
 * a sanitizer report could not symbolize (the host's /proc/self/maps paths
 * are gone) and LeakSanitizer never runs because we leave by execve or
 * _exit.  That is expected: the parent side is fully covered. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "cgroup.h"
#include "hooks.h"
#include "seccomp.h"

int
rt_sync_send (int fd, int type, int value, const char *text)
{
  struct rt_sync_msg m = { .type = type, .value = value };
  if (text)
    snprintf (m.text, sizeof m.text, "%s", text);
  while (send (fd, &m, sizeof m, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return -errno;
  return 0;
}

int
rt_sync_recv (int fd, struct rt_sync_msg *m, int *ret_fd)
{
  struct msghdr msg = { 0 };
  struct iovec iov = { .iov_base = m, .iov_len = sizeof *m };
  union { char buf[CMSG_SPACE (sizeof (int))]; struct cmsghdr align; } u;
  ssize_t n;

  if (ret_fd)
    *ret_fd = -1;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof u.buf;
  do
    n = recvmsg (fd, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -errno;
  if (n == 0)
    return -EPIPE;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        int got;
        memcpy (&got, CMSG_DATA (c), sizeof got);
        if (ret_fd)
          *ret_fd = got;
        else
          close (got);
      }
  if ((size_t) n < offsetof (struct rt_sync_msg, text))
    return -EBADMSG;
  m->text[sizeof m->text - 1] = '\0';
  return 0;
}

char *
rt_hook_state_json (const struct rt_config *cfg, const char *id, const char *bundle, const char *status, pid_t pid)
{
  json_t *o = json_pack ("{s:s, s:s, s:s, s:i, s:s}", "ociVersion", cfg->oci_version, "id", id, "status", status,
                         "pid", (int) pid, "bundle", bundle);
  char *s;
  if (o == NULL)
    return NULL;
  if (cfg->annotations)
    json_object_set (o, "annotations", cfg->annotations);
  s = json_dumps (o, JSON_COMPACT);
  json_decref (o);
  return s;
}

/* Wait until the runtime has sent `type` (once per conversation).  The
 * runtime sends as soon as it can, the child reads when it must, so other
 * messages may come first: they are noted and not read again. */
static int
await_msg (struct rt_spawn *sp, int type, vs_error *err)
{
  while (!(sp->got & (1u << type)))
    {
      struct rt_sync_msg m;
      int fd = -1, r = rt_sync_recv (sp->sync_fd, &m, &fd);
      if (r < 0)
        return vs_fail (err, -r, "container init: lost the runtime");
      if (m.type == RT_SYNC_CGROUPFS && sp->cgroupfs_fd < 0)
        sp->cgroupfs_fd = fd;
      else if (fd >= 0)
        close (fd);
      if (m.type <= 0 || m.type >= 32)
        return vs_fail (err, 0, "container init: unexpected message %d (wanted %d)", m.type, type);
      if (m.type == RT_SYNC_GO)
        sp->host_pid = m.value;
      sp->got |= 1u << m.type;
    }
  return 0;
}

static int
write_time_offsets (const struct rt_config *cfg, vs_error *err)
{
  json_t *offs = json_object_get (json_object_get (cfg->json, "linux"), "timeOffsets");
  char buf[256];
  size_t len = 0;
  const char *clock;
  json_t *v;

  if (!json_is_object (offs))
    return 0;
  json_object_foreach (offs, clock, v)
    {
      if (strcmp (clock, "monotonic") != 0 && strcmp (clock, "boottime") != 0)
        return vs_fail (err, 0, "config.json: linux.timeOffsets.%s: unknown clock", clock);
      len += (size_t) snprintf (buf + len, sizeof buf - len, "%s %lld %lld\n", clock,
                                (long long) json_integer_value (json_object_get (v, "secs")),
                                (long long) json_integer_value (json_object_get (v, "nanosecs")));
    }
  if (len && vs_write_file_at (AT_FDCWD, "/proc/self/timens_offsets", buf, len, 0, err) < 0)
    return vs_wrap (err, -1, "linux.timeOffsets");
  return 0;
}

static bool
ns_is_new (const struct rt_config *cfg, const struct rt_spawn *sp, int type)
{
  for (size_t i = 0; i < cfg->n_namespaces; i++)
    if (cfg->namespaces[i].type == type)
      return sp->ns_fds[i] < 0;
  return false;
}

/* Stage 1: join namespaces by path, make the ones unshare can make, then
 * fork the real init (CLONE_PARENT: it becomes the runtime's child). */
static int
stage1 (struct rt_spawn *sp, pid_t *ret_child, vs_error *err)
{
  const struct rt_config *cfg = sp->cfg;
  int flags = 0, r;
  long child;

  /* The user namespace first: it owns the others we may join. */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < cfg->n_namespaces; i++)
      {
        int t = cfg->namespaces[i].type;
        if (sp->ns_fds[i] < 0 || (pass == 0) != (t == CLONE_NEWUSER))
          continue;
        if (setns (sp->ns_fds[i], t) < 0)
          return vs_fail (err, errno, "join %s namespace `%s`", rt_namespace_name (t), cfg->namespaces[i].path);
      }
  if (sp->new_userns)
    {
      if (unshare (CLONE_NEWUSER) < 0)
        return vs_fail (err, errno, "create user namespace");
      if ((r = rt_sync_send (sp->sync_fd, RT_SYNC_NEED_MAPS, 0, NULL)) < 0)
        return vs_fail (err, -r, "container init: talk to the runtime");
      if ((r = await_msg (sp, RT_SYNC_MAPS_DONE, err)) < 0)
        return r;
      if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
        return vs_fail (err, errno, "become root in the user namespace");
    }
  for (size_t i = 0; i < cfg->n_namespaces; i++)
    {
      int t = cfg->namespaces[i].type;
      if (sp->ns_fds[i] < 0 && t != CLONE_NEWUSER && t != CLONE_NEWCGROUP)
        flags |= t;
    }
  if (flags && unshare (flags) < 0)
    return vs_fail (err, errno, "create namespaces (flags %#x)", flags);
  if ((flags & CLONE_NEWTIME) && (r = write_time_offsets (cfg, err)) < 0)
    return r;

  child = syscall (SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
  if (child < 0)
    return vs_fail (err, errno, "fork the container init");
  *ret_child = (pid_t) child;
  return 0;
}

int
rt_init_await_cgroupfs (struct rt_spawn *sp, vs_error *err)
{
  return await_msg (sp, RT_SYNC_CGROUPFS, err);
}

int
rt_init_join_cgroups (struct rt_spawn *sp, vs_error *err)
{
  int r;

  if (sp->cgroup_joined)
    return 0;
  if ((r = await_msg (sp, RT_SYNC_CGROUPS, err)) < 0
      || (sp->cgroup_self && (r = rt_cgroup_join_self (sp->state_doc, sp->cgroup_skip_v2, err)) < 0))
    return r;
  if (ns_is_new (sp->cfg, sp, CLONE_NEWCGROUP) && unshare (CLONE_NEWCGROUP) < 0)
    return vs_fail (err, errno, "create cgroup namespace");
  sp->cgroup_joined = true;
  return 0;
}

static int
load_seccomp (struct rt_spawn *sp, vs_error *err)
{
  _cleanup_free_ char *state = NULL;
  int r;
  if (sp->seccomp_bpf)
    {
      r = rt_seccomp_load_prog (sp->seccomp_bpf, err);
      sp->seccomp_bpf = NULL; /* loaded once */
      return r;
    }
  if (sp->seccomp_listener_fd >= 0)
    {
      json_t *st = json_pack ("{s:s, s:s, s:s, s:i, s:s}", "ociVersion", sp->cfg->oci_version, "id", sp->id, "status",
                              "creating", "pid", (int) sp->host_pid, "bundle", sp->bundle);
      json_t *msg = json_pack ("{s:s, s:[s], s:i, s:s, s:o}", "ociVersion", sp->cfg->oci_version, "fds", "seccompFd",
                               "pid", (int) sp->host_pid, "metadata",
                               json_string_value (json_object_get (json_object_get (json_object_get (sp->cfg->json,
                                                                                                   "linux"),
                                                                                    "seccomp"),
                                                                   "listenerMetadata"))
                                 ?: "",
                               "state", st);
      state = msg ? json_dumps (msg, JSON_COMPACT) : NULL;
      json_decref (msg);
    }
  r = rt_seccomp_load (sp->seccomp, sp->seccomp_listener_fd, state ?: "{}", err);
  seccomp_release (sp->seccomp);
  sp->seccomp = NULL;
  return r;
}

/* Everything the init does before it waits for start. */
static int
init_prepare (struct rt_spawn *sp, char **ret_exe, vs_error *err)
{
  const struct rt_config *cfg = sp->cfg;
  _cleanup_close_ int rootfd = -1;
  _cleanup_free_ char *state = NULL;
  int r;

  /* Only a user namespace makes us wait here, for its maps; otherwise the
   * mounts go ahead while the runtime saves state, and GO is read before
   * the hooks. */
  if (rt_config_namespace (cfg, CLONE_NEWUSER)
      && ((r = await_msg (sp, RT_SYNC_GO, err)) < 0 || setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0))
    return r < 0 ? r : vs_fail (err, errno, "become root in the user namespace");
  if (setsid () < 0)
    return vs_fail (err, errno, "setsid");
  umask (0);

  if (sp->host_mntns)
    {
      /* No mount namespace: the host's mounts are shared, so none is made
       * or changed; the process only gets the rootfs as its root (chroot). */
      if ((r = rt_init_join_cgroups (sp, err)) < 0)
        return r;
      if (chroot (cfg->root_path) < 0 || chdir ("/") < 0)
        return vs_fail (err, errno, "chroot into root.path `%s`", cfg->root_path);
      rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
  else if ((r = rt_rootfs_setup (sp, &rootfd, err)) < 0 || (r = rt_init_join_cgroups (sp, err)) < 0)
    return r;
  if (cfg->process->terminal && sp->host_mntns)
    {
      /* no /dev/console bind: that would be a mount in the host's namespace */
      _cleanup_close_ int master = -1, slave = -1;
      if ((r = rt_terminal_open (rootfd, cfg->process, &master, &slave, err)) < 0
          || (r = rt_terminal_handout (master, sp->console_fd, sp->sync_fd, err)) < 0
          || (r = rt_terminal_make_stdio (slave, err)) < 0)
        return r;
    }
  else if (cfg->process->terminal && (r = rt_terminal_setup (sp, rootfd, err)) < 0)
    return r;

  /* our pid is in the state (hooks and the seccomp agent get it), our
   * limits are in force */
  if ((r = await_msg (sp, RT_SYNC_GO, err)) < 0)
    return r;
  if (cfg->n_hooks[RT_HOOK_PRESTART] || cfg->n_hooks[RT_HOOK_CREATE_RUNTIME])
    {
      if ((r = rt_sync_send (sp->sync_fd, RT_SYNC_HOOKS, 0, NULL)) < 0)
        return vs_fail (err, -r, "container init: talk to the runtime");
      if ((r = await_msg (sp, RT_SYNC_HOOKS_DONE, err)) < 0)
        return r;
    }
  if (cfg->n_hooks[RT_HOOK_CREATE_CONTAINER])
    {
      state = rt_hook_state_json (cfg, sp->id, sp->bundle, "created", sp->host_pid);
      if ((r = rt_hooks_run (cfg->hooks[RT_HOOK_CREATE_CONTAINER], cfg->n_hooks[RT_HOOK_CREATE_CONTAINER],
                             "createContainer", state ?: "{}", err)) < 0)
        return r;
    }

  if (!sp->host_mntns && ((r = rt_rootfs_pivot (sp, rootfd, err)) < 0 || (r = rt_rootfs_finish (sp, err)) < 0))
    return r;
  if ((r = rt_process_resolve (cfg->process, ret_exe, err)) < 0)
    return r;
  /* No host fd may reach the container (CVE-2024-21626): everything past
   * stdio and --preserve-fds closes on exec; our own fds already do.
   * Done before any seccomp filter, which may not allow close_range. */
  if ((r = vs_cloexec_from (3 + sp->preserve_fds)) < 0)
    return vs_fail (err, -r, "mark inherited fds close-on-exec");
  if (sp->seccomp_bpf == NULL
      && (r = rt_seccomp_build (json_object_get (json_object_get (cfg->json, "linux"), "seccomp"),
                                (scmp_filter_ctx *) &sp->seccomp, err))
             < 0)
    return r;
  /* Without no_new_privs the filter needs CAP_SYS_ADMIN: load it while we
   * still have it; it then also covers the rest of the setup, as in runc. */
  if ((sp->seccomp || sp->seccomp_bpf) && !cfg->process->no_new_privileges && (r = load_seccomp (sp, err)) < 0)
    return r;
  return rt_process_finalize (cfg, err);
}

_Noreturn void
rt_sync_fail (int sync_fd, const vs_error *err, int status)
{
  if (rt_sync_send (sync_fd, RT_SYNC_ERROR, err->code, err->msg) < 0)
    dprintf (STDERR_FILENO, "vessel-runtime: %s\n", err->msg);
  _exit (status);
}

static _Noreturn void
init_fail (struct rt_spawn *sp, const vs_error *err, int status)
{
  rt_sync_fail (sp->sync_fd, err, status);
}

static _Noreturn void
init_child (struct rt_spawn *sp)
{
  const struct rt_config *cfg = sp->cfg;
  _cleanup_free_ char *exe = NULL;
  vs_error err = { 0 };
  int r;

  if (init_prepare (sp, &exe, &err) < 0)
    init_fail (sp, &err, 1);
  /* run: the runtime waits for our execve (or error) without a word more */
  if (sp->mode == RT_SPAWN_CREATE)
    {
      if (rt_sync_send (sp->sync_fd, RT_SYNC_READY, 0, NULL) < 0)
        _exit (1);
      if (await_msg (sp, RT_SYNC_RELEASE, &err) < 0)
        _exit (1);
    }
  /* From here on the container lives on without the runtime process. */
  prctl (PR_SET_PDEATHSIG, 0);
  if (sp->mode == RT_SPAWN_CREATE && rt_sync_send (sp->sync_fd, RT_SYNC_ACK, 0, NULL) < 0)
    _exit (1);

  if (sp->mode == RT_SPAWN_CREATE)
    {
      char c;
      ssize_t n;
      close (sp->sync_fd);
      sp->sync_fd = -1;
      do
        n = read (sp->fifo_fd, &c, 1);
      while (n < 0 && errno == EINTR);
      if (n != 1)
        _exit (1);
      /* exec.fifo stays open (O_CLOEXEC) until execve: `start` waits for it
       * to close before it runs poststart hooks. */
    }

  if (cfg->n_hooks[RT_HOOK_START_CONTAINER])
    {
      _cleanup_free_ char *state = rt_hook_state_json (cfg, sp->id, sp->bundle, "created", sp->host_pid);
      if (rt_hooks_run (cfg->hooks[RT_HOOK_START_CONTAINER], cfg->n_hooks[RT_HOOK_START_CONTAINER],
                        "startContainer", state ?: "{}", &err) < 0)
        init_fail (sp, &err, 1);
    }

  /* With no_new_privs the filter goes last, so it need not allow our setup. */
  if ((sp->seccomp || sp->seccomp_bpf) && load_seccomp (sp, &err) < 0)
    init_fail (sp, &err, 1);
  execve (exe, cfg->process->args, cfg->process->env);
  r = errno;
  vs_fail (&err, r, "exec `%s`", cfg->process->args[0]);
  init_fail (sp, &err, r == ENOENT ? 127 : 126);
}

_Noreturn void
rt_init_main (struct rt_spawn *sp, bool need_stage1)
{
  sigset_t none;
  vs_error err = { 0 };

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  close (sp->parent_sync_fd);
  /* The flock on the state folder belongs to the runtime process only. */
  close (sp->state_dirfd);
  if (sp->netns_fd >= 0)
    {
      if (setns (sp->netns_fd, CLONE_NEWNET) < 0)
        {
          vs_fail (&err, errno, "join the container's network namespace");
          init_fail (sp, &err, 1);
        }
      close (sp->netns_fd);
      sp->netns_fd = -1;
    }
  prctl (PR_SET_NAME, "vessel:init");
  /* Die with the runtime until the container is fully created. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);

  if (need_stage1)
    {
      pid_t child = 0;
      if (stage1 (sp, &child, &err) < 0)
        init_fail (sp, &err, 1);
      if (child > 0)
        {
          rt_sync_send (sp->sync_fd, RT_SYNC_PID, child, NULL);
          _exit (0);
        }
      prctl (PR_SET_PDEATHSIG, SIGKILL);
    }
  init_child (sp);
}
