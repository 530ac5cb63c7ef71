/* container.c — create, run, start, kill, delete, state and list: the parent
 * side that prepares host fds, clones the init and drives it (spawn.h). */
#include "container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "../basic/log.h"
#include "../basic/unix-fd.h"
#include "cgroup-resources.h"
#include "cgroup.h"
#include "config.h"
#include "foreground.h"
#include "hooks.h"
#include "netns.h"
#include "seccomp.h"
#include "spawn.h"
#include "state.h"

/* ---- signals ---- */

static const struct { const char *name; int sig; } signal_table[] = {
  { "HUP", SIGHUP },   { "INT", SIGINT },     { "QUIT", SIGQUIT }, { "ILL", SIGILL },   { "TRAP", SIGTRAP },
  { "ABRT", SIGABRT }, { "IOT", SIGIOT },     { "BUS", SIGBUS },   { "FPE", SIGFPE },   { "KILL", SIGKILL },
  { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },   { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
  { "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },   { "TTOU", SIGTTOU }, { "URG", SIGURG },   { "XCPU", SIGXCPU },
  { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO },
  { "POLL", SIGPOLL }, { "PWR", SIGPWR },     { "SYS", SIGSYS },
};

int
rt_signal_parse (const char *s)
{
  char *end;
  long n;

  if (s == NULL || *s == '\0')
    return -1;
  n = strtol (s, &end, 10);
  if (*end == '\0')
    return (n > 0 && n <= SIGRTMAX) ? (int) n : -1;
  if (strncasecmp (s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < ARRAY_SIZE (signal_table); i++)
    if (strcasecmp (s, signal_table[i].name) == 0)
      return signal_table[i].sig;
  if (strncasecmp (s, "RTMIN", 5) == 0 || strncasecmp (s, "RTMAX", 5) == 0)
    {
      bool min = strncasecmp (s, "RTMIN", 5) == 0;
      long off = 0;
      if (s[5] != '\0')
        {
          off = strtol (s + 5, &end, 10);
          if (*end != '\0' || off < -64 || off > 64)
            return -1;
        }
      n = min ? SIGRTMIN + off : SIGRTMAX + off;
      return (n >= SIGRTMIN && n <= SIGRTMAX) ? (int) n : -1;
    }
  return -1;
}

/* ---- helpers ---- */

static void
now_rfc3339 (char *buf, size_t size)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  /* not strftime: it loads the time zone (/etc/localtime) on every call */
  snprintf (buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
            tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

static int
write_pid_file (const char *path, pid_t pid, vs_error *err)
{
  char buf[32], dir[PATH_MAX];
  const char *slash = strrchr (path, '/');
  int n = snprintf (buf, sizeof buf, "%d", pid);
  _cleanup_close_ int dfd = -1;

  if (slash)
    snprintf (dir, sizeof dir, "%.*s", (int) (slash - path) ?: 1, path);
  else
    strcpy (dir, ".");
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return vs_fail (err, errno, "--pid-file `%s`", path);
  if (vs_write_file_atomic_at (dfd, slash ? slash + 1 : path, buf, (size_t) n, 0644, err) < 0)
    return vs_wrap (err, -1, "--pid-file");
  return 0;
}

static int
write_id_map (pid_t pid, const char *file, const struct rt_idmap *maps, size_t n, vs_error *err)
{
  char path[64], buf[4096];
  size_t len = 0;
  snprintf (path, sizeof path, "/proc/%d/%s", pid, file);
  for (size_t i = 0; i < n && len < sizeof buf - 64; i++)
    len += (size_t) snprintf (buf + len, sizeof buf - len, "%u %u %u\n", maps[i].container_id, maps[i].host_id,
                              maps[i].size);
  if (vs_write_file_at (AT_FDCWD, path, buf, len, 0, err) < 0)
    return vs_wrap (err, -1, "linux.%s", strcmp (file, "uid_map") == 0 ? "uidMappings" : "gidMappings");
  return 0;
}

static int
write_id_maps (const struct rt_config *cfg, pid_t pid, vs_error *err)
{
  if (write_id_map (pid, "uid_map", cfg->uid_mappings, cfg->n_uid_mappings, err) < 0
      || write_id_map (pid, "gid_map", cfg->gid_mappings, cfg->n_gid_mappings, err) < 0)
    return -1;
  return 0;
}

/* Wait (up to timeout_ms) until the process behind pidfd has exited. */
static bool
wait_pidfd (int pidfd, int timeout_ms)
{
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  int r;
  do
    r = poll (&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  return r > 0;
}

static void
kill_all_in_cgroup (json_t *doc, int sig)
{
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (rt_cgroup_pids (doc, &pids, &n) == 0)
    for (size_t i = 0; i < n; i++)
      kill (pids[i], sig);
}

/* An ERROR message from the init: its text is already complete. */
static int
sync_error (vs_error *err, const struct rt_sync_msg *m)
{
  vs_fail (err, 0, "%s", m->text);
  err->code = m->value;
  return m->value > 0 ? -m->value : -EINVAL;
}

/* ---- spawning ---- */

struct spawned
{
  struct rt_config *cfg;
  struct rt_state st;
  char bundle[PATH_MAX];
  pid_t pid;
  int pidfd;
  int sync_fd;
  int pty_master;
};

static void
spawned_release (struct spawned *s)
{
  if (s->pidfd >= 0)
    close (s->pidfd);
  if (s->sync_fd >= 0)
    close (s->sync_fd);
  if (s->pty_master >= 0)
    close (s->pty_master);
  rt_state_close (&s->st);
  rt_config_free (s->cfg);
  s->cfg = NULL;
  s->pidfd = s->sync_fd = s->pty_master = -1;
}

/* Undo a failed create: the process, its cgroups and its state go. */
static void
spawned_abort (struct spawned *s)
{
  vs_error ignored;
  if (s->pid > 0)
    {
      if (s->pidfd >= 0)
        syscall (SYS_pidfd_send_signal, s->pidfd, SIGKILL, NULL, 0);
      else
        kill (s->pid, SIGKILL);
      waitpid (s->pid, NULL, 0);
    }
  if (s->st.doc)
    rt_cgroup_destroy (s->st.doc, &ignored);
  if (s->st.dirfd >= 0)
    rt_state_destroy (&s->st, &ignored);
  spawned_release (s);
}

static char *
state_json_for_hooks (struct spawned *s, const char *status)
{
  return rt_hook_state_json (s->cfg, json_string_value (json_object_get (s->st.doc, "id")), s->bundle, status,
                             s->pid);
}

static int
validate (const struct rt_create_opts *o, const struct rt_config *cfg, enum rt_spawn_mode mode, vs_error *err)
{
  struct stat st;
  const struct rt_namespace *userns = rt_config_namespace (cfg, CLONE_NEWUSER);

  if (cfg->process == NULL)
    return vs_fail (err, 0, "config.json: process: missing");
  if (cfg->root_path == NULL)
    return vs_fail (err, 0, "config.json: root: missing");
  if (stat (cfg->root_path, &st) < 0)
    return vs_fail (err, errno, "config.json: root.path `%s`", cfg->root_path);
  if (!S_ISDIR (st.st_mode))
    return vs_fail (err, ENOTDIR, "config.json: root.path `%s`", cfg->root_path);
  if (userns && userns->path == NULL && (cfg->n_uid_mappings == 0 || cfg->n_gid_mappings == 0))
    return vs_fail (err, 0, "config.json: linux.uidMappings and gidMappings are required with a new user namespace");
  if (cfg->process->terminal && o->console_socket == NULL && (mode == RT_SPAWN_CREATE || o->detach))
    return vs_fail (err, 0, "process.terminal needs --console-socket when the runtime does not stay attached");
  if (!cfg->process->terminal && o->console_socket)
    return vs_fail (err, 0, "--console-socket given but process.terminal is false");
  return 0;
}

static int
open_namespaces (const struct rt_config *cfg, int *fds, vs_error *err)
{
  for (size_t i = 0; i < cfg->n_namespaces; i++)
    {
      const struct rt_namespace *ns = &cfg->namespaces[i];
      int type;
      fds[i] = -1;
      if (ns->path == NULL)
        continue;
      fds[i] = open (ns->path, O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0)
        return vs_fail (err, errno, "config.json: linux.namespaces[%zu].path `%s`", i, ns->path);
      type = ioctl (fds[i], NS_GET_NSTYPE);
      if (type < 0)
        return vs_fail (err, 0, "config.json: linux.namespaces[%zu].path `%s`: not a namespace", i, ns->path);
      if (type != ns->type)
        return vs_fail (err, 0, "config.json: linux.namespaces[%zu].path `%s`: not a %s namespace", i, ns->path,
                        rt_namespace_name (ns->type));
    }
  return 0;
}

static int
apply_resources (json_t *doc, const struct rt_config *cfg, vs_error *err)
{
  json_t *res = json_object_get (json_object_get (cfg->json, "linux"), "resources");
  struct rt_cg_target t;
  const struct rt_cg_ops *ops;
  json_t *devs;
  int r;
  if (res == NULL || json_is_null (res))
    return 0;
  ops = rt_cg_ops_for (doc, &t);
  devs = json_object_get (res, "devices");
  if (json_array_size (devs) == 0 || cfg->n_devices == 0)
    return ops->apply (&t, res, err);
  /* linux.devices are allowed in the device cgroup too, after the config's rules */
  res = json_deep_copy (res);
  devs = json_object_get (res, "devices");
  for (size_t i = 0; i < cfg->n_devices; i++)
    {
      char type[2] = { cfg->devices[i].type == 'p' ? 'c' : cfg->devices[i].type, '\0' };
      if (type[0] == 'u')
        type[0] = 'c';
      json_array_append_new (devs, json_pack ("{s:b, s:s, s:I, s:I, s:s}", "allow", 1, "type", type, "major",
                                              (json_int_t) cfg->devices[i].major, "minor",
                                              (json_int_t) cfg->devices[i].minor, "access", "rwm"));
    }
  r = ops->apply (&t, res, err);
  json_decref (res);
  return r;
}

/* The host fds made for the child: its copies live on, ours go. */
static void
close_child_fds (struct rt_spawn *sp, int *ns_fds, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (ns_fds[i] >= 0)
      close (ns_fds[i]);
  if (sp->fifo_fd >= 0)
    close (sp->fifo_fd);
  if (sp->console_fd >= 0)
    close (sp->console_fd);
  if (sp->seccomp_listener_fd >= 0)
    close (sp->seccomp_listener_fd);
  if (sp->netns_fd >= 0)
    close (sp->netns_fd);
  sp->fifo_fd = sp->console_fd = sp->seccomp_listener_fd = sp->netns_fd = -1;
}

static void
seccomp_prog_free (rt_seccomp_prog *p)
{
  free (p->filter);
}

/* Whether the init's network namespace can be made ahead, on a thread
 * (netns.h): a new one, with no user namespace to own it, and no namespace
 * joined by path or made by unshare (those take the stage-1 path). */
static bool
netns_ahead (const struct rt_config *cfg)
{
  bool net = false;
  for (size_t i = 0; i < cfg->n_namespaces; i++)
    {
      const struct rt_namespace *ns = &cfg->namespaces[i];
      if (ns->path || ns->type == CLONE_NEWUSER || ns->type == CLONE_NEWTIME)
        return false;
      net |= ns->type == CLONE_NEWNET;
    }
  return net;
}

/* Create the container and bring its init to READY (create), or to its
 * execve (run).  On failure nothing is left: no process, no cgroup, no
 * state folder. */
static int
spawn (const struct rt_create_opts *o, enum rt_spawn_mode mode, struct spawned *s, vs_error *err)
{
  struct rt_spawn sp = { .id = o->id, .mode = mode, .no_pivot = o->no_pivot, .preserve_fds = o->preserve_fds,
                         .sync_fd = -1, .parent_sync_fd = -1, .fifo_fd = -1, .console_fd = -1,
                         .seccomp_listener_fd = -1, .netns_fd = -1, .cgroupfs_mount = -1, .cgroupfs_fd = -1 };
  struct rt_netns_prep netns __attribute__ ((cleanup (rt_netns_prep_clear))) = { .fd = -1 };
  rt_seccomp_prog seccomp_prog __attribute__ ((cleanup (seccomp_prog_free))) = { 0 };
  int ns_fds[16];
  int sv[2] = { -1, -1 };
  bool need_stage1 = false, v1_made;
  int clone_flags = 0, r;
  char created[64];
  struct rt_sync_msg m;
  long child;

  memset (s, 0, sizeof *s);
  s->st.dirfd = -1;
  s->pidfd = s->sync_fd = s->pty_master = -1;
  for (size_t i = 0; i < ARRAY_SIZE (ns_fds); i++)
    ns_fds[i] = -1;

  /* First of all: none of our own fds (nor the network namespace thread's)
   * may land on a preserved number, so the empty ones are held. */
  for (int fd = 3; fd < 3 + o->preserve_fds; fd++)
    if (fcntl (fd, F_GETFD) < 0)
      {
        int null = open ("/dev/null", O_RDWR);
        if (null >= 0 && null != fd)
          {
            dup2 (null, fd);
            close (null);
          }
      }
  if (realpath (o->bundle ? o->bundle : ".", s->bundle) == NULL)
    return vs_fail (err, errno, "bundle `%s`", o->bundle ? o->bundle : ".");
  if ((r = rt_config_load (s->bundle, &s->cfg, err)) < 0)
    return r;
  if ((r = validate (o, s->cfg, mode, err)) < 0)
    goto fail;
  if (s->cfg->n_namespaces > ARRAY_SIZE (ns_fds))
    {
      r = vs_fail (err, 0, "config.json: linux.namespaces: too many entries");
      goto fail;
    }
  if (netns_ahead (s->cfg))
    rt_netns_prep_start (&netns);
  if ((r = rt_state_create (o->root, o->id, &s->st, err)) < 0)
    {
      rt_config_free (s->cfg);
      s->cfg = NULL;
      return r;
    }
  now_rfc3339 (created, sizeof created);
  json_object_set_new (s->st.doc, "ociVersion", json_string (s->cfg->oci_version));
  json_object_set_new (s->st.doc, "id", json_string (o->id));
  json_object_set_new (s->st.doc, "pid", json_integer (0));
  json_object_set_new (s->st.doc, "creating", json_true ());
  json_object_set_new (s->st.doc, "bundle", json_string (s->bundle));
  json_object_set_new (s->st.doc, "rootfs", json_string (s->cfg->root_path));
  json_object_set_new (s->st.doc, "created", json_string (created));
  json_object_set_new (s->st.doc, "owner", json_string (getuid () == 0 ? "root" : ""));
  if (s->cfg->annotations)
    json_object_set (s->st.doc, "annotations", s->cfg->annotations);
  {
    json_t *hooks = json_object_get (s->cfg->json, "hooks"), *saved = json_object ();
    json_object_set (saved, "poststart", json_object_get (hooks, "poststart"));
    json_object_set (saved, "poststop", json_object_get (hooks, "poststop"));
    json_object_set_new (s->st.doc, "hooks", saved);
  }
  /* The cgroup folders are planned and saved before any exists, so that a
   * runtime killed from here on leaves a state that `delete --force` can
   * clean completely.  The v2 one is made now (the child is born in it);
   * the v1 ones too while a network namespace is being made on the other
   * CPU, else after clone, while the child mounts. */
  if ((r = rt_cgroup_plan (s->st.doc, s->cfg->cgroups_path, o->id, err)) < 0
      || (r = rt_state_save (&s->st, err)) < 0 || (r = rt_cgroup_make (s->st.doc, true, err)) < 0
      || (netns.started
          && ((r = rt_cgroup_make (s->st.doc, false, err)) < 0 || (r = apply_resources (s->st.doc, s->cfg, err)) < 0)))
    goto fail;
  v1_made = netns.started;

  /* Host-side fds the init needs, all opened before it exists. */
  if (mode == RT_SPAWN_CREATE)
    {
      if (mkfifoat (s->st.dirfd, "exec.fifo", 0600) < 0)
        {
          r = vs_fail (err, errno, "create exec.fifo");
          goto fail;
        }
      sp.fifo_fd = openat (s->st.dirfd, "exec.fifo", O_RDWR | O_CLOEXEC);
      if (sp.fifo_fd < 0)
        {
          r = vs_fail (err, errno, "open exec.fifo");
          goto fail;
        }
    }
  if (o->console_socket)
    {
      sp.console_fd = vs_unix_connect (o->console_socket);
      if (sp.console_fd < 0)
        {
          r = vs_fail (err, -sp.console_fd, "--console-socket `%s`", o->console_socket);
          goto fail;
        }
    }
  {
    json_t *sc = json_object_get (json_object_get (s->cfg->json, "linux"), "seccomp");
    const char *listener = json_string_value (json_object_get (sc, "listenerPath"));
    if (listener && *listener && rt_seccomp_wants_listener (sc))
      {
        sp.seccomp_listener_fd = vs_unix_connect (listener);
        if (sp.seccomp_listener_fd < 0)
          {
            r = vs_fail (err, -sp.seccomp_listener_fd, "config.json: linux.seccomp.listenerPath `%s`", listener);
            goto fail;
          }
      }
    else if (rt_seccomp_wants_listener (sc))
      {
        r = vs_fail (err, 0, "config.json: linux.seccomp: SCMP_ACT_NOTIFY needs listenerPath");
        goto fail;
      }
    /* compiled here, on the host, where the cache is: the init only loads it */
    else if (sc && (r = rt_seccomp_compile (sc, o->root, &seccomp_prog, err)) < 0)
      goto fail;
    if (seccomp_prog.filter)
      sp.seccomp_bpf = &seccomp_prog;
  }
  if ((r = open_namespaces (s->cfg, ns_fds, err)) < 0)
    goto fail;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    {
      r = vs_fail (err, errno, "socketpair");
      goto fail;
    }
  if ((r = rt_netns_prep_finish (&netns, &sp.netns_fd, err)) < 0)
    goto fail;

  sp.cfg = s->cfg;
  sp.state_dirfd = s->st.dirfd;
  sp.bundle = s->bundle;
  sp.ns_fds = ns_fds;
  sp.sync_fd = sv[1];
  sp.parent_sync_fd = sv[0];
  for (size_t i = 0; i < s->cfg->n_namespaces; i++)
    {
      int t = s->cfg->namespaces[i].type;
      if (ns_fds[i] >= 0 || t == CLONE_NEWTIME)
        need_stage1 = true;
      if (ns_fds[i] < 0 && t == CLONE_NEWUSER)
        sp.new_userns = true;
      if (ns_fds[i] < 0 && t != CLONE_NEWCGROUP && !(t == CLONE_NEWNET && sp.netns_fd >= 0))
        clone_flags |= t;
    }
  if (need_stage1)
    clone_flags = 0;

  /* cgroups: the v2 folder is joined at birth through
   * clone3(CLONE_INTO_CGROUP), the v1 ones by the child itself once they
   * exist (CGROUPS): a task that moves itself by writing 0 to `tasks` takes no
   * global lock, while moving another process (cgroup.procs) takes the
   * threadgroup rwsem for writing, which waits a full RCU grace period
   * (5 to 15 ms here) unless another move happened just before.  We move
   * it only when a user namespace denies the child the host's cgroupfs. */
  sp.state_doc = s->st.doc;
  sp.host_mntns = rt_config_namespace (s->cfg, CLONE_NEWNS) == NULL;
  /* the v1 /sys/fs/cgroup tree is ours to build, meanwhile (CGROUPFS) */
  sp.cgroupfs_mount = rt_cgroupfs_mount_index (s->cfg);
  /* The child can move itself only while it still sees the host's cgroupfs
   * as host root: not from a user namespace or a joined mount namespace.
   * A joined mount namespace gets the rootfs set up inside it, as runc does. */
  sp.cgroup_self = rt_config_namespace (s->cfg, CLONE_NEWUSER) == NULL
                   && (sp.host_mntns || rt_config_namespace (s->cfg, CLONE_NEWNS)->path == NULL);
  child = -1;
  if (!need_stage1)
    {
      const char *v2 = json_string_value (json_object_get (s->st.doc, "cgroupV2Path"));
      _cleanup_close_ int v2fd = v2 ? open (v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
      if (v2fd >= 0)
        {
          struct clone_args ca = { .flags = (uint64_t) clone_flags | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
                                   .cgroup = (uint64_t) v2fd };
          child = syscall (SYS_clone3, &ca, sizeof ca);
          if (child == 0)
            {
              sp.cgroup_skip_v2 = true;
              rt_init_main (&sp, false);
            }
          if (child > 0)
            sp.cgroup_skip_v2 = true;
        }
    }
  if (child < 0)
    child = syscall (SYS_clone, clone_flags | SIGCHLD, NULL, NULL, NULL, NULL);
  if (child < 0)
    {
      r = vs_fail (err, errno, "clone the container init");
      goto fail;
    }
  if (child == 0)
    rt_init_main (&sp, need_stage1);

  close (sv[1]);
  sv[1] = -1;
  s->sync_fd = sv[0];
  sv[0] = -1;
  if (need_stage1)
    {
      pid_t stage1 = (pid_t) child;
      for (;;)
        {
          if ((r = rt_sync_recv (s->sync_fd, &m, NULL)) < 0)
            {
              waitpid (stage1, NULL, 0);
              r = vs_fail (err, -r, "container init exited early");
              goto fail;
            }
          if (m.type == RT_SYNC_ERROR)
            {
              waitpid (stage1, NULL, 0);
              r = sync_error (err, &m);
              goto fail;
            }
          if (m.type == RT_SYNC_NEED_MAPS)
            {
              if ((r = write_id_maps (s->cfg, stage1, err)) < 0)
                {
                  kill (stage1, SIGKILL);
                  waitpid (stage1, NULL, 0);
                  goto fail;
                }
              rt_sync_send (s->sync_fd, RT_SYNC_MAPS_DONE, 0, NULL);
              continue;
            }
          if (m.type == RT_SYNC_PID)
            {
              s->pid = m.value;
              break;
            }
        }
      waitpid (stage1, NULL, 0);
    }
  else
    {
      s->pid = (pid_t) child;
      if (sp.new_userns && (r = write_id_maps (s->cfg, s->pid, err)) < 0)
        goto fail;
    }
  s->pidfd = (int) syscall (SYS_pidfd_open, s->pid, 0);
  /* The child mounts meanwhile; it joins its cgroups, limits in force,
   * when it reads CGROUPS (before a cgroup mount or after its mounts), and
   * waits for GO (state saved) before hooks and its execve. */
  if ((!v1_made
       && ((r = rt_cgroup_make (s->st.doc, false, err)) < 0 || (r = apply_resources (s->st.doc, s->cfg, err)) < 0))
      || (!sp.cgroup_self && (r = rt_cgroup_add_pid (s->st.doc, s->pid, sp.cgroup_skip_v2, err)) < 0))
    goto fail;
  rt_sync_send (s->sync_fd, RT_SYNC_CGROUPS, 0, NULL);
  if (sp.cgroupfs_mount >= 0)
    {
      _cleanup_close_ int tree = rt_cgroupfs_prepare (s->cfg, sp.cgroupfs_mount, s->st.doc);
      struct rt_sync_msg msg = { .type = RT_SYNC_CGROUPFS };
      /* without a tree the child builds it itself */
      if (tree < 0 || vs_send_fd (s->sync_fd, tree, &msg, sizeof msg) < 0)
        rt_sync_send (s->sync_fd, RT_SYNC_CGROUPFS, 0, NULL);
    }
  json_object_set_new (s->st.doc, "pid", json_integer (s->pid));
  json_object_set_new (s->st.doc, "pidStartTime", json_integer ((json_int_t) rt_proc_start_time (s->pid)));
  /* From now on the status comes from the process; we hold the lock until
   * the container is ready, so nobody sees it half made. */
  json_object_del (s->st.doc, "creating");
  if ((r = rt_state_update (&s->st, err)) < 0)
    goto fail;
  if (s->cfg->process->has_oom_score_adj)
    {
      char path[64], val[16];
      int n = snprintf (val, sizeof val, "%d", s->cfg->process->oom_score_adj);
      snprintf (path, sizeof path, "/proc/%d/oom_score_adj", s->pid);
      if ((r = vs_write_file_at (AT_FDCWD, path, val, (size_t) n, 0, err)) < 0)
        {
          vs_wrap (err, r, "process.oomScoreAdj");
          goto fail;
        }
    }
  rt_sync_send (s->sync_fd, RT_SYNC_GO, s->pid, NULL);

  for (;;)
    {
      int fd = -1;
      if ((r = rt_sync_recv (s->sync_fd, &m, &fd)) < 0)
        {
          /* run: the socket closes on a successful execve; any error came first */
          if (mode == RT_SPAWN_RUN && r == -EPIPE)
            break;
          r = vs_fail (err, -r, "container init exited before it was ready");
          goto fail;
        }
      if (m.type == RT_SYNC_ERROR)
        {
          r = sync_error (err, &m);
          goto fail;
        }
      if (m.type == RT_SYNC_PTY)
        {
          if (s->pty_master >= 0)
            close (s->pty_master);
          s->pty_master = fd;
          continue;
        }
      if (fd >= 0)
        close (fd);
      if (m.type == RT_SYNC_HOOKS)
        {
          /* "created", as runc and crun pass it and the validation suite expects */
          _cleanup_free_ char *state = state_json_for_hooks (s, "created");
          if ((r = rt_hooks_run (s->cfg->hooks[RT_HOOK_PRESTART], s->cfg->n_hooks[RT_HOOK_PRESTART], "prestart",
                                 state ?: "{}", err)) < 0
              || (r = rt_hooks_run (s->cfg->hooks[RT_HOOK_CREATE_RUNTIME], s->cfg->n_hooks[RT_HOOK_CREATE_RUNTIME],
                                    "createRuntime", state ?: "{}", err)) < 0)
            goto fail;
          rt_sync_send (s->sync_fd, RT_SYNC_HOOKS_DONE, 0, NULL);
          continue;
        }
      if (m.type == RT_SYNC_READY)
        break;
    }
  close_child_fds (&sp, ns_fds, ARRAY_SIZE (ns_fds));
  return 0;

fail:
  close_child_fds (&sp, ns_fds, ARRAY_SIZE (ns_fds));
  if (sv[0] >= 0)
    close (sv[0]);
  if (sv[1] >= 0)
    close (sv[1]);
  spawned_abort (s);
  return r < 0 ? r : -EINVAL;
}

/* Tell the init it may outlive us and wait for its ACK (create). */
static int
release (struct spawned *s, int type, vs_error *err)
{
  struct rt_sync_msg m;
  int r;
  rt_sync_send (s->sync_fd, type, 0, NULL);
  if ((r = rt_sync_recv (s->sync_fd, &m, NULL)) < 0)
    return vs_fail (err, -r, "container init exited before it started");
  if (m.type == RT_SYNC_ERROR)
    return sync_error (err, &m);
  if (m.type != RT_SYNC_ACK)
    return vs_fail (err, 0, "container init: unexpected message %d", m.type);
  return 0;
}

int
rt_container_create (const struct rt_create_opts *o, vs_error *err)
{
  struct spawned s;
  int r;

  if ((r = spawn (o, RT_SPAWN_CREATE, &s, err)) < 0)
    return r;
  if ((o->pid_file && (r = write_pid_file (o->pid_file, s.pid, err)) < 0)
      || (r = release (&s, RT_SYNC_RELEASE, err)) < 0)
    {
      spawned_abort (&s);
      return r;
    }
  spawned_release (&s);
  return 0;
}

static void
run_poststart (const struct rt_config *cfg, const char *state_json)
{
  vs_error e;
  if (cfg->n_hooks[RT_HOOK_POSTSTART]
      && rt_hooks_run (cfg->hooks[RT_HOOK_POSTSTART], cfg->n_hooks[RT_HOOK_POSTSTART], "poststart", state_json, &e) < 0)
    vs_log (VS_LOG_WARN, "%s", e.msg);
}

static int destroy_locked (struct rt_state *st, vs_error *err);

int
rt_container_run (const struct rt_create_opts *o, int *ret_status, vs_error *err)
{
  struct spawned s;
  sigset_t mask, old;
  int r;

  *ret_status = 0;
  sigemptyset (&mask);
  if (!o->detach)
    rt_foreground_signals (&mask);
  sigprocmask (SIG_BLOCK, &mask, &old);

  /* spawn returns once the process has exec'd */
  if ((r = spawn (o, RT_SPAWN_RUN, &s, err)) < 0)
    goto out;
  if (o->pid_file && (r = write_pid_file (o->pid_file, s.pid, err)) < 0)
    {
      spawned_abort (&s);
      goto out;
    }
  {
    _cleanup_free_ char *state = state_json_for_hooks (&s, "running");
    run_poststart (s.cfg, state ?: "{}");
  }
  if (o->detach)
    {
      spawned_release (&s);
      goto out;
    }
  /* Let other commands (state, kill, ps) in while we wait. */
  flock (s.st.dirfd, LOCK_UN);
  *ret_status = rt_foreground_wait (s.pid, &s.pty_master, &mask);
  {
    struct rt_state st;
    vs_error e;
    spawned_release (&s);
    if (rt_state_open (o->root, o->id, &st, &e) == 0 && destroy_locked (&st, &e) < 0)
      vs_log (VS_LOG_WARN, "%s", e.msg);
  }
out:
  sigprocmask (SIG_SETMASK, &old, NULL);
  return r;
}

int
rt_container_start (const char *root, const char *id, vs_error *err)
{
  struct rt_state st;
  const char *status;
  _cleanup_close_ int fifo = -1;
  int r;

  if ((r = rt_state_open (root, id, &st, err)) < 0)
    return r;
  status = rt_state_status (&st);
  if (strcmp (status, "created") != 0)
    {
      r = vs_fail (err, 0, "cannot start container `%s`: it is %s, not created", id, status);
      goto out;
    }
  fifo = openat (st.dirfd, "exec.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0)
    {
      r = vs_fail (err, errno, "start container `%s`: its init is not waiting", id);
      goto out;
    }
  if (write (fifo, "0", 1) != 1)
    {
      r = vs_fail (err, errno, "start container `%s`", id);
      goto out;
    }
  unlinkat (st.dirfd, "exec.fifo", 0);
  /* The init holds the fifo until its execve closes it: poll with no events
   * waits for POLLERR (no reader left), so poststart runs after the
   * process started, as the spec requires. */
  {
    struct pollfd p = { .fd = fifo, .events = 0 };
    while (poll (&p, 1, -1) < 0 && errno == EINTR)
      ;
  }
  {
    json_t *hooks = json_object_get (json_object_get (st.doc, "hooks"), "poststart");
    if (json_array_size (hooks) > 0)
      {
        struct rt_hook *h = NULL;
        size_t n = 0;
        json_t *o = rt_state_oci (&st);
        _cleanup_free_ char *state = json_dumps (o, JSON_COMPACT);
        json_decref (o);
        if (rt_hooks_parse (hooks, "hooks.poststart", &h, &n, err) == 0
            && rt_hooks_run (h, n, "poststart", state ?: "{}", err) < 0)
          vs_log (VS_LOG_WARN, "%s", err->msg);
        rt_hooks_free (h, n);
        vs_error_clear (err);
      }
  }
  r = 0;
out:
  rt_state_close (&st);
  return r;
}

int
rt_container_kill (const char *root, const char *id, int sig, bool all, vs_error *err)
{
  struct rt_state st;
  _cleanup_close_ int pidfd = -1;
  const char *status;
  int r;

  if ((r = rt_state_open (root, id, &st, err)) < 0)
    return r;
  pidfd = rt_state_pidfd (&st);
  status = rt_state_status (&st);
  /* the spec: only a created or running (or paused) container takes signals */
  if (pidfd < 0 || strcmp (status, "stopped") == 0)
    {
      r = vs_fail (err, 0, "cannot kill container `%s`: it is not running", id);
      goto out;
    }
  if (all)
    kill_all_in_cgroup (st.doc, sig);
  if (syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 && !(all && errno == ESRCH))
    {
      r = vs_fail (err, errno, "send signal %d to container `%s`", sig, id);
      goto out;
    }
  r = 0;
out:
  rt_state_close (&st);
  return r;
}

/* Kill what is left, remove cgroups, run poststop hooks, drop the state. */
static int
destroy_locked (struct rt_state *st, vs_error *err)
{
  _cleanup_close_ int pidfd = rt_state_pidfd (st);
  json_t *hooks = json_object_get (json_object_get (st->doc, "hooks"), "poststop");
  int r = 0;

  if (pidfd >= 0)
    {
      kill_all_in_cgroup (st->doc, SIGKILL);
      syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
      /* a frozen cgroup must thaw before its tasks can take the signal */
      if (rt_cgroup_is_frozen (st->doc))
        {
          struct rt_cg_target t;
          vs_error e;
          if (rt_cg_ops_for (st->doc, &t)->freeze (&t, false, &e) < 0)
            vs_log (VS_LOG_WARN, "%s", e.msg);
        }
      wait_pidfd (pidfd, 10000);
    }
  kill_all_in_cgroup (st->doc, SIGKILL);
  if (rt_cgroup_destroy (st->doc, err) < 0)
    vs_log (VS_LOG_WARN, "%s", err->msg);
  if (json_array_size (hooks) > 0)
    {
      struct rt_hook *h = NULL;
      size_t n = 0;
      vs_error e;
      json_t *o = rt_state_oci (st);
      _cleanup_free_ char *state = NULL;
      json_object_set_new (o, "status", json_string ("stopped"));
      state = json_dumps (o, JSON_COMPACT);
      json_decref (o);
      if (rt_hooks_parse (hooks, "hooks.poststop", &h, &n, &e) == 0
          && rt_hooks_run (h, n, "poststop", state ?: "{}", &e) < 0)
        vs_log (VS_LOG_WARN, "%s", e.msg);
      rt_hooks_free (h, n);
    }
  r = rt_state_destroy (st, err);
  return r;
}

int
rt_container_delete (const char *root, const char *id, bool force, vs_error *err)
{
  struct rt_state st;
  const char *status;
  int r;

  if ((r = rt_state_open (root, id, &st, err)) < 0)
    {
      /* as runc: forcing the delete of a container that is gone succeeds,
       * so engines can clean up after a failed create without noise */
      if (force && r == -ENOENT)
        {
          vs_error_clear (err);
          return 0;
        }
      return r;
    }
  status = rt_state_status (&st);
  /* The spec: deleting a container that is not stopped is an error (runc
   * quietly kills a created one; we follow the spec, --force kills). */
  if (!force && strcmp (status, "stopped") != 0)
    {
      r = vs_fail (err, 0, "cannot delete container `%s` that is %s: stop it first or use --force", id, status);
      rt_state_close (&st);
      return r;
    }
  return destroy_locked (&st, err);
}

int
rt_container_state (const char *root, const char *id, json_t **ret, vs_error *err)
{
  struct rt_state st;
  int r;
  if ((r = rt_state_open (root, id, &st, err)) < 0)
    return r;
  *ret = rt_state_oci (&st);
  rt_state_close (&st);
  return 0;
}

int
rt_container_list (const char *root, json_t **ret, vs_error *err)
{
  DIR *d = opendir (root);
  json_t *arr = json_array ();

  *ret = arr;
  if (d == NULL)
    return errno == ENOENT ? 0 : vs_fail (err, errno, "open runtime root `%s`", root);
  for (struct dirent *de; (de = readdir (d)) != NULL;)
    {
      struct rt_state st;
      vs_error e;
      json_t *o;
      if (de->d_name[0] == '.' || rt_state_open (root, de->d_name, &st, &e) < 0)
        continue;
      o = rt_state_oci (&st);
      json_object_set_new (o, "pid", json_integer (json_object_get (o, "pid") ? rt_state_pid (&st) : 0));
      json_object_set_new (o, "rootfs", json_string (rt_state_get_str (&st, "rootfs") ?: ""));
      json_object_set_new (o, "created", json_string (rt_state_get_str (&st, "created") ?: ""));
      json_object_set_new (o, "owner", json_string (rt_state_get_str (&st, "owner") ?: ""));
      json_array_append_new (arr, o);
      rt_state_close (&st);
    }
  closedir (d);
  return 0;
}
