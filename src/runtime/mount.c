/* mount.c — the container's root filesystem: mounts, devices, pivot_root,
 * masked and read-only paths, sysctls.  Every destination is resolved
 * inside the rootfs (safe-path.h) and mounted onto the resolved fd, so no
 * symlink in the image can redirect a mount to the host (CVE-2021-30465). */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "../basic/safe-path.h"
#include "cgroup.h"

#define FD_PATH(buf, fd) (snprintf ((buf), sizeof (buf), "/proc/self/fd/%d", (fd)), (buf))

static bool
in_userns (const struct rt_config *cfg)
{
  return rt_config_namespace (cfg, CLONE_NEWUSER) != NULL;
}

static void
attr_from_flags (unsigned long set, unsigned long clear, struct mount_attr *a)
{
  static const struct { unsigned long ms; uint64_t attr; } map[] = {
    { MS_RDONLY, MOUNT_ATTR_RDONLY }, { MS_NOSUID, MOUNT_ATTR_NOSUID }, { MS_NODEV, MOUNT_ATTR_NODEV },
    { MS_NOEXEC, MOUNT_ATTR_NOEXEC }, { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
  };
  memset (a, 0, sizeof *a);
  for (size_t i = 0; i < ARRAY_SIZE (map); i++)
    {
      if (set & map[i].ms)
        a->attr_set |= map[i].attr;
      if (clear & map[i].ms)
        a->attr_clr |= map[i].attr;
    }
  if (set & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME))
    {
      a->attr_clr |= MOUNT_ATTR__ATIME;
      a->attr_set |= (set & MS_NOATIME) ? MOUNT_ATTR_NOATIME
                     : (set & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME : MOUNT_ATTR_RELATIME;
    }
}

/* Bind `source` (a host path, or the fd src_fd when >= 0) onto the open
 * destination fd, with attributes applied before the mount becomes visible. */
static int
bind_onto (const char *source, int src_fd, int target_fd, bool recursive, unsigned long set,
           unsigned long clear, bool recursive_attrs, const char *what, vs_error *err)
{
  _cleanup_close_ int tree = -1;
  struct mount_attr attr;
  unsigned int ot = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);

  tree = src_fd >= 0 ? open_tree (src_fd, "", ot | AT_EMPTY_PATH) : open_tree (AT_FDCWD, source, ot);
  if (tree < 0)
    return vs_fail (err, errno, "%s: open `%s` for bind mount", what, source);
  attr_from_flags (set, clear, &attr);
  if ((attr.attr_set || attr.attr_clr)
      && mount_setattr (tree, "", AT_EMPTY_PATH | (recursive_attrs ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    return vs_fail (err, errno, "%s: set mount options on `%s`", what, source);
  if (move_mount (tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return vs_fail (err, errno, "%s: bind mount `%s`", what, source);
  return 0;
}

int
rt_mount_bind_fd (int src_fd, int target_fd, const char *what, vs_error *err)
{
  return bind_onto ("(fd)", src_fd, target_fd, false, 0, 0, false, what, err);
}

static int
set_propagation (int rootfd, const char *dest, unsigned long prop, const char *what, vs_error *err)
{
  _cleanup_close_ int fd = -1;
  char p[64];
  if (prop == 0)
    return 0;
  fd = vs_open_in_root (rootfd, dest, O_PATH, 0, err);
  if (fd < 0)
    return vs_wrap (err, fd, "%s", what);
  if (mount (NULL, FD_PATH (p, fd), NULL, prop, NULL) < 0)
    return vs_fail (err, errno, "%s: set propagation on `%s`", what, dest);
  return 0;
}

/* Refuse to mount procfs or sysfs over a symlink (CVE-2019-16884 family). */
static int
check_not_symlink (int rootfd, const char *dest, const char *what, vs_error *err)
{
  _cleanup_close_ int parent = -1;
  const char *base;
  struct stat st;
  parent = vs_open_parent_in_root (rootfd, dest, &base, err);
  if (parent < 0)
    return vs_wrap (err, parent, "%s", what);
  if (fstatat (parent, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
    return vs_fail (err, 0, "%s: destination `%s` is a symlink", what, dest);
  return 0;
}

/* Co-mounted controllers ("cpu,cpuacct") get a link per name in dirfd. */
static int
link_comounted (int dirfd, const char *name)
{
  char names[256], *save = NULL;
  if (strchr (name, ',') == NULL)
    return 0;
  snprintf (names, sizeof names, "%s", name);
  for (char *t = strtok_r (names, ",", &save); t; t = strtok_r (NULL, ",", &save))
    if (symlinkat (name, dirfd, t) < 0 && errno != EEXIST)
      return -errno;
  return 0;
}

int
rt_cgroupfs_mount_index (const struct rt_config *cfg)
{
  if (in_userns (cfg) || rt_config_namespace (cfg, CLONE_NEWNS) == NULL)
    return -1;
  for (size_t i = 0; i < cfg->n_mounts; i++)
    if (strcmp (cfg->mounts[i].type, "cgroup") == 0 || strcmp (cfg->mounts[i].type, "cgroup2") == 0)
      return cfg->mounts[i].bind ? -1 : (int) i;
  return -1;
}

int
rt_cgroupfs_prepare (const struct rt_config *cfg, int mount_index, json_t *state_doc)
{
  const struct rt_mount *m = &cfg->mounts[mount_index];
  struct rt_cgroup_hosts hosts;
  struct mount_attr attr;
  _cleanup_close_ int fs = -1;
  int tree = -1;
  vs_error ignored;
  bool ok = false;

  if (rt_cgroup_detect (&hosts, &ignored) < 0)
    return -1;
  if (hosts.layout == RT_CGROUP_V2)
    goto out;
  fs = fsopen ("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0 || fsconfig (fs, FSCONFIG_SET_STRING, "mode", "755", 0) < 0
      || fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    goto out;
  attr_from_flags (m->flags & ~MS_RDONLY, 0, &attr);
  tree = fsmount (fs, FSMOUNT_CLOEXEC, (unsigned int) attr.attr_set);
  if (tree < 0)
    goto out;
  attr_from_flags (m->flags, 0, &attr);
  for (size_t i = 0; i < hosts.n; i++)
    {
      const char *name = strrchr (hosts.h[i].mountpoint, '/') + 1, *dir = rt_cgroup_planned (state_doc, hosts.h[i].mountpoint);
      _cleanup_close_ int sub = -1;
      if (dir == NULL || mkdirat (tree, name, 0755) < 0)
        goto out;
      sub = open_tree (AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
      /* a clone joins the source's peer group: a slave of it instead, so
         nothing mounted under it in the container reaches the host */
      attr.propagation = MS_SLAVE;
      if (sub < 0 || mount_setattr (sub, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0
          || move_mount (sub, "", tree, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        goto out;
      if (link_comounted (tree, name) < 0)
        goto out;
    }
  if (m->flags & MS_RDONLY)
    {
      struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
      if (mount_setattr (tree, "", AT_EMPTY_PATH, &ro, sizeof ro) < 0)
        goto out;
    }
  ok = true;
out:
  rt_cgroup_hosts_free (&hosts);
  if (!ok && tree >= 0)
    {
      close (tree);
      tree = -1;
    }
  return tree;
}

static int
mount_cgroup (struct rt_spawn *sp, int rootfd, const struct rt_mount *m, const char *what, vs_error *err)
{
  const struct rt_config *cfg = sp->cfg;
  struct rt_cgroup_hosts hosts;
  _cleanup_close_ int target = -1, top = -1;
  bool cgroupns = rt_config_namespace (cfg, CLONE_NEWCGROUP) != NULL;
  unsigned long flags = m->flags & ~MS_RDONLY;
  char p[64];
  int r;

  if ((r = rt_init_join_cgroups (sp, err)) < 0)
    return r;
  /* the tree the runtime made meanwhile, when it did */
  if (sp->cgroupfs_mount >= 0 && m == &cfg->mounts[sp->cgroupfs_mount] && (r = rt_init_await_cgroupfs (sp, err)) < 0)
    return r;
  if (sp->cgroupfs_fd >= 0)
    {
      _cleanup_close_ int tree = TAKE_FD (sp->cgroupfs_fd);
      target = vs_mkdir_in_root (rootfd, m->destination, false, err);
      if (target < 0)
        return vs_wrap (err, target, "%s", what);
      if (move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return vs_fail (err, errno, "%s: mount the cgroup tree on `%s`", what, m->destination);
      return 0;
    }
  if ((r = rt_cgroup_detect (&hosts, err)) < 0)
    return vs_wrap (err, r, "%s", what);
  target = vs_mkdir_in_root (rootfd, m->destination, false, err);
  if (target < 0)
    {
      rt_cgroup_hosts_free (&hosts);
      return vs_wrap (err, target, "%s", what);
    }
  if (hosts.layout == RT_CGROUP_V2)
    {
      if (cgroupns)
        r = mount ("cgroup2", FD_PATH (p, target), "cgroup2", m->flags, NULL) < 0
              ? vs_fail (err, errno, "%s: mount cgroup2 on `%s`", what, m->destination) : 0;
      else
        {
          char src[PATH_MAX];
          snprintf (src, sizeof src, "%s%s", hosts.h[0].mountpoint, hosts.h[0].own_path);
          r = bind_onto (src, -1, target, true, m->flags, 0, true, what, err);
        }
      rt_cgroup_hosts_free (&hosts);
      return r;
    }

  /* v1 and hybrid: a tmpfs holding one folder per hierarchy. */
  if (mount ("tmpfs", FD_PATH (p, target), "tmpfs", flags, "mode=755") < 0)
    {
      rt_cgroup_hosts_free (&hosts);
      return vs_fail (err, errno, "%s: mount tmpfs on `%s`", what, m->destination);
    }
  top = vs_open_in_root (rootfd, m->destination, O_PATH, 0, err);
  if (top < 0)
    {
      rt_cgroup_hosts_free (&hosts);
      return vs_wrap (err, top, "%s", what);
    }
  for (size_t i = 0; i < hosts.n && r == 0; i++)
    {
      const struct rt_cgroup_hier *h = &hosts.h[i];
      const char *name = strrchr (h->mountpoint, '/') + 1;
      char dest[PATH_MAX], src[PATH_MAX];
      _cleanup_close_ int sub = -1;

      snprintf (dest, sizeof dest, "%s/%s", m->destination, name);
      sub = vs_mkdir_in_root (rootfd, dest, false, err);
      if (sub < 0)
        {
          r = vs_wrap (err, sub, "%s", what);
          break;
        }
      /* A bind of the container's folder as planned on the host, also with
         a cgroup namespace: mountinfo shows its root relative to the
         namespace ("/"), as a fresh mount's.  A fresh v1 mount would drain
         the offline cgroups of the whole v2 hierarchy first
         (cgroup1_get_tree), a walk over every container's cgroup on the
         host, nine times per container. */
      const char *planned = rt_cgroup_planned (sp->state_doc, h->mountpoint);
      if (planned)
        snprintf (src, sizeof src, "%s", planned);
      else if (cgroupns)
        {
          /* our own path reads "/" now: that would be the host's root */
          r = vs_fail (err, 0, "%s: no cgroup of this container in `%s`", what, h->mountpoint);
          break;
        }
      else
        snprintf (src, sizeof src, "%s%s", h->mountpoint, h->own_path);
      r = bind_onto (src, -1, sub, false, m->flags, 0, false, what, err);
      if (r == 0 && (r = link_comounted (top, name)) < 0)
        r = vs_fail (err, -r, "%s: link the names of `%s` in `%s`", what, name, m->destination);
    }
  rt_cgroup_hosts_free (&hosts);
  if (r == 0 && (m->flags & MS_RDONLY)
      && mount (NULL, FD_PATH (p, top), NULL, MS_REMOUNT | flags | MS_RDONLY, "mode=755") < 0)
    return vs_fail (err, errno, "%s: make `%s` read-only", what, m->destination);
  return r;
}

static int
mount_one (struct rt_spawn *sp, int rootfd, size_t idx, vs_error *err)
{
  const struct rt_mount *m = &sp->cfg->mounts[idx];
  _cleanup_close_ int target = -1;
  char what[64], p[64];
  int r;

  snprintf (what, sizeof what, "mounts[%zu]", idx);
  if (m->bind)
    {
      char src[PATH_MAX];
      struct stat st;
      if (m->source == NULL)
        return vs_fail (err, 0, "config.json: %s.source: missing for a bind mount", what);
      if (m->source[0] == '/')
        snprintf (src, sizeof src, "%s", m->source);
      else
        snprintf (src, sizeof src, "%s/%s", sp->bundle, m->source);
      if (stat (src, &st) < 0)
        return vs_fail (err, errno, "%s.source `%s`", what, m->source);
      target = vs_mkdir_in_root (rootfd, m->destination, !S_ISDIR (st.st_mode), err);
      if (target < 0)
        return vs_wrap (err, target, "%s", what);
      r = bind_onto (src, -1, target, (m->flags & MS_REC) != 0, m->flags, m->clear_flags, m->recursive_ro, what, err);
      if (r < 0)
        return r;
      return set_propagation (rootfd, m->destination, m->propagation, what, err);
    }
  if (strcmp (m->type, "cgroup") == 0 || strcmp (m->type, "cgroup2") == 0)
    return mount_cgroup (sp, rootfd, m, what, err);

  bool is_proc = strcmp (m->type, "proc") == 0, is_sys = strcmp (m->type, "sysfs") == 0;
  if ((is_proc || is_sys) && (r = check_not_symlink (rootfd, m->destination, what, err)) < 0)
    return r;
  target = vs_mkdir_in_root (rootfd, m->destination, false, err);
  if (target < 0)
    return vs_wrap (err, target, "%s", what);
  if (mount (m->source ?: m->type, FD_PATH (p, target), m->type, m->flags & ~MS_REMOUNT, m->data) < 0)
    {
      int e = errno;
      /* sysfs needs its own network namespace inside a user namespace: bind the host's. */
      if (is_sys && e == EPERM && in_userns (sp->cfg))
        r = bind_onto ("/sys", -1, target, true, m->flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, true, what, err);
      else
        r = vs_fail (err, e, "%s: mount %s on `%s`", what, m->type, m->destination);
      if (r < 0)
        return r;
    }
  if (is_proc)
    {
      /* Verify that what is now at the destination really is a procfs. */
      struct statfs sfs;
      _cleanup_close_ int check = vs_open_in_root (rootfd, m->destination, O_PATH | O_DIRECTORY, 0, err);
      if (check < 0 || fstatfs (check, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
        return vs_fail (err, 0, "%s: `%s` is not a procfs after mounting it", what, m->destination);
    }
  return set_propagation (rootfd, m->destination, m->propagation, what, err);
}

struct default_dev { const char *path; unsigned int major, minor; };
static const struct default_dev default_devs[] = {
  { "/dev/null", 1, 3 },    { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
  { "/dev/random", 1, 8 },  { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static int
make_device (struct rt_spawn *sp, int rootfd, const char *path, char type, unsigned int major, unsigned int minor,
             mode_t mode, uid_t uid, gid_t gid, vs_error *err)
{
  _cleanup_close_ int parent = -1;
  const char *base;
  struct stat st;

  parent = vs_open_parent_in_root (rootfd, path, &base, err);
  if (parent < 0)
    return vs_wrap (err, parent, "create device `%s`", path);
  if (fstatat (parent, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (S_ISDIR (st.st_mode))
        return vs_fail (err, EISDIR, "create device `%s`", path);
      if (unlinkat (parent, base, 0) < 0)
        return vs_fail (err, errno, "replace `%s`", path);
    }
  if (in_userns (sp->cfg))
    {
      /* mknod is not allowed in a user namespace: bind the host's node. */
      _cleanup_close_ int f = openat (parent, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (f < 0)
        return vs_fail (err, errno, "create `%s`", path);
      close (f);
      f = openat (parent, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (f < 0)
        return vs_fail (err, errno, "open `%s`", path);
      return bind_onto (path, -1, f, false, 0, 0, false, "linux.devices", err);
    }
  mode_t ftype = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
  if (mknodat (parent, base, ftype | (mode & 07777), makedev (major, minor)) < 0)
    return vs_fail (err, errno, "mknod `%s`", path);
  if (fchownat (parent, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return vs_fail (err, errno, "chown `%s`", path);
  return 0;
}

static int
setup_dev (struct rt_spawn *sp, int rootfd, vs_error *err)
{
  const struct rt_config *cfg = sp->cfg;
  static const struct { const char *target, *path; } links[] = {
    { "/proc/self/fd", "/dev/fd" },      { "/proc/self/fd/0", "/dev/stdin" },
    { "/proc/self/fd/1", "/dev/stdout" }, { "/proc/self/fd/2", "/dev/stderr" },
  };
  int r;

  for (size_t i = 0; i < ARRAY_SIZE (default_devs); i++)
    {
      bool overridden = false;
      for (size_t k = 0; k < cfg->n_devices; k++)
        if (strcmp (cfg->devices[k].path, default_devs[i].path) == 0)
          overridden = true;
      if (!overridden
          && (r = make_device (sp, rootfd, default_devs[i].path, 'c', default_devs[i].major, default_devs[i].minor,
                               0666, 0, 0, err)) < 0)
        return r;
    }
  for (size_t k = 0; k < cfg->n_devices; k++)
    {
      const struct rt_device *d = &cfg->devices[k];
      if ((r = make_device (sp, rootfd, d->path, d->type, (unsigned int) d->major, (unsigned int) d->minor,
                            d->has_mode ? d->mode : 0666, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, err)) < 0)
        return vs_wrap (err, r, "linux.devices[%zu]", k);
    }
  for (size_t i = 0; i < ARRAY_SIZE (links); i++)
    {
      _cleanup_close_ int parent = -1;
      const char *base;
      parent = vs_open_parent_in_root (rootfd, links[i].path, &base, err);
      if (parent < 0)
        return r = parent;
      if (symlinkat (links[i].target, parent, base) < 0 && errno != EEXIST)
        return vs_fail (err, errno, "symlink `%s`", links[i].path);
    }
  /* /dev/ptmx follows the container's own devpts instance. */
  {
    _cleanup_close_ int pts = vs_open_in_root (rootfd, "/dev/pts", O_PATH | O_DIRECTORY, 0, err);
    if (pts >= 0)
      {
        _cleanup_close_ int dev = vs_open_in_root (rootfd, "/dev", O_PATH | O_DIRECTORY, 0, err);
        if (dev < 0)
          return dev;
        unlinkat (dev, "ptmx", 0);
        if (symlinkat ("pts/ptmx", dev, "ptmx") < 0)
          return vs_fail (err, errno, "symlink `/dev/ptmx`");
      }
  }
  return 0;
}

/* One of a and b (clean absolute paths) is the other or lies under it. */
static bool
nested (const char *a, const char *b)
{
  size_t la = strlen (a), lb = strlen (b), n = la < lb ? la : lb;
  const char *longer = la < lb ? b : a;
  return strncmp (a, b, n) == 0 && (longer[n] == '\0' || longer[n] == '/' || n == 1);
}

static bool
clean_path (const char *p)
{
  size_t n = strlen (p);
  return p[0] == '/' && !strstr (p, "//") && !strstr (p, "/./") && !strstr (p, "..") && (n == 1 || p[n - 1] != '/')
         && !(n >= 2 && strcmp (p + n - 2, "/.") == 0);
}

size_t
rt_mount_cgroup_deferred (const struct rt_config *cfg)
{
  size_t i;

  for (i = 0; i < cfg->n_mounts; i++)
    if (!cfg->mounts[i].bind && cfg->mounts[i].type
        && (strcmp (cfg->mounts[i].type, "cgroup") == 0 || strcmp (cfg->mounts[i].type, "cgroup2") == 0))
      break;
  if (i == cfg->n_mounts || !clean_path (cfg->mounts[i].destination) || nested (cfg->mounts[i].destination, "/dev"))
    return cfg->n_mounts;
  for (size_t j = i + 1; j < cfg->n_mounts; j++)
    if (!clean_path (cfg->mounts[j].destination) || nested (cfg->mounts[i].destination, cfg->mounts[j].destination))
      return cfg->n_mounts;
  return i;
}

int
rt_rootfs_setup (struct rt_spawn *sp, int *ret_rootfd, vs_error *err)
{
  const struct rt_config *cfg = sp->cfg;
  _cleanup_close_ int rootfd = -1;
  unsigned long prop = (cfg->rootfs_propagation & MS_PRIVATE) ? MS_PRIVATE : MS_SLAVE;
  int r;

  if (mount (NULL, "/", NULL, MS_REC | prop, NULL) < 0)
    return vs_fail (err, errno, "make / %s in the container's mount namespace",
                    prop == MS_PRIVATE ? "private" : "slave");
  if (mount (cfg->root_path, cfg->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
    return vs_fail (err, errno, "bind mount root.path `%s`", cfg->root_path);
  rootfd = open (cfg->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return vs_fail (err, errno, "open root.path `%s`", cfg->root_path);

  /* The cgroup mount waits for the runtime's cgroups: the mounts that
     neither lie under it nor hold it, and /dev, go first. */
  size_t later = rt_mount_cgroup_deferred (cfg);
  for (size_t i = 0; i < cfg->n_mounts; i++)
    if (i != later && (r = mount_one (sp, rootfd, i, err)) < 0)
      return r;
  if ((r = setup_dev (sp, rootfd, err)) < 0)
    return r;
  if (later < cfg->n_mounts && (r = mount_one (sp, rootfd, later, err)) < 0)
    return r;
  /* A cwd missing from the image is made, as runc does. */
  {
    _cleanup_close_ int cwd = vs_mkdir_in_root (rootfd, cfg->process->cwd, false, err);
    if (cwd < 0)
      return vs_wrap (err, cwd, "process.cwd");
  }
  *ret_rootfd = TAKE_FD (rootfd);
  return 0;
}

int
rt_rootfs_pivot (struct rt_spawn *sp, int rootfd, vs_error *err)
{
  if (fchdir (rootfd) < 0)
    return vs_fail (err, errno, "chdir to root.path `%s`", sp->cfg->root_path);
  if (sp->no_pivot)
    {
      if (mount (".", "/", NULL, MS_MOVE, NULL) < 0)
        return vs_fail (err, errno, "move root.path onto / (--no-pivot)");
      if (chroot (".") < 0)
        return vs_fail (err, errno, "chroot (--no-pivot)");
    }
  else
    {
      if (syscall (SYS_pivot_root, ".", ".") < 0)
        return vs_fail (err, errno, "pivot_root to `%s`", sp->cfg->root_path);
      if (umount2 (".", MNT_DETACH) < 0)
        return vs_fail (err, errno, "detach the old root");
    }
  if (chdir ("/") < 0)
    return vs_fail (err, errno, "chdir /");
  return 0;
}

static bool
has_ns (const struct rt_config *cfg, int type)
{
  return rt_config_namespace (cfg, type) != NULL;
}

/* Only namespaced sysctls may be set, as runc allows. */
static int
check_sysctl (const struct rt_config *cfg, const char *key, vs_error *err)
{
  static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                     "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced" };
  if (strstr (key, "..") || strchr (key, '/') || key[0] == '.' || key[0] == '\0')
    return vs_fail (err, 0, "config.json: linux.sysctl: invalid key `%s`", key);
  for (size_t i = 0; i < ARRAY_SIZE (ipc); i++)
    if (strcmp (key, ipc[i]) == 0)
      return has_ns (cfg, CLONE_NEWIPC) ? 0
                                         : vs_fail (err, 0, "config.json: linux.sysctl: `%s` needs an ipc namespace", key);
  if (strncmp (key, "fs.mqueue.", 10) == 0)
    return has_ns (cfg, CLONE_NEWIPC) ? 0
                                       : vs_fail (err, 0, "config.json: linux.sysctl: `%s` needs an ipc namespace", key);
  if (strncmp (key, "net.", 4) == 0)
    return has_ns (cfg, CLONE_NEWNET) ? 0
                                       : vs_fail (err, 0, "config.json: linux.sysctl: `%s` needs a network namespace", key);
  if (strcmp (key, "kernel.hostname") == 0 || strcmp (key, "kernel.domainname") == 0)
    return has_ns (cfg, CLONE_NEWUTS) ? 0
                                       : vs_fail (err, 0, "config.json: linux.sysctl: `%s` needs a uts namespace", key);
  return vs_fail (err, 0, "config.json: linux.sysctl: `%s` is not namespaced and cannot be set in a container", key);
}

static int
apply_sysctls (const struct rt_config *cfg, vs_error *err)
{
  _cleanup_close_ int procfd = -1;
  struct statfs sfs;
  int r;

  if (cfg->n_sysctl == 0)
    return 0;
  procfd = open ("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (procfd < 0 || fstatfs (procfd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return vs_fail (err, 0, "config.json: linux.sysctl: the container has no /proc mounted");
  for (size_t i = 0; i < cfg->n_sysctl; i++)
    {
      char path[PATH_MAX];
      _cleanup_close_ int fd = -1;
      if ((r = check_sysctl (cfg, cfg->sysctl[i].key, err)) < 0)
        return r;
      snprintf (path, sizeof path, "sys/%s", cfg->sysctl[i].key);
      for (char *c = path + 4; *c; c++)
        if (*c == '.')
          *c = '/';
      /* Never leave procfs on the way (CVE-2025-52881): no symlinks, no
       * mount crossings, and the file opened must itself be on procfs. */
      struct open_how how = { .flags = O_WRONLY | O_CLOEXEC,
                              .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV };
      fd = (int) syscall (SYS_openat2, procfd, path, &how, sizeof how);
      if (fd < 0)
        return vs_fail (err, errno, "config.json: linux.sysctl: open `/proc/%s`", path);
      if (fstatfs (fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
        return vs_fail (err, 0, "config.json: linux.sysctl: `/proc/%s` is not on procfs", path);
      if ((r = vs_write_all (fd, cfg->sysctl[i].value, strlen (cfg->sysctl[i].value))) < 0)
        return vs_fail (err, -r, "config.json: linux.sysctl: set `%s` to `%s`", cfg->sysctl[i].key,
                        cfg->sysctl[i].value);
    }
  return 0;
}

static int
mask_paths (const struct rt_config *cfg, vs_error *err)
{
  _cleanup_close_ int devnull = -1;
  struct stat nst;

  if (cfg->n_masked_paths == 0)
    return 0;
  /* The mask source is the container's /dev/null, which we made; it is
   * verified to really be the null device, so a node swapped for a symlink
   * or another file cannot turn masking into a writable bind (CVE-2025-31133). */
  devnull = vs_open_in_root (AT_FDCWD, "/dev/null", O_PATH | O_NOFOLLOW, 0, err);
  if (devnull < 0)
    return vs_wrap (err, devnull, "linux.maskedPaths");
  if (fstat (devnull, &nst) < 0 || !S_ISCHR (nst.st_mode) || nst.st_rdev != makedev (1, 3))
    return vs_fail (err, 0, "linux.maskedPaths: /dev/null in the container is not the null device");
  for (size_t i = 0; i < cfg->n_masked_paths; i++)
    {
      _cleanup_close_ int fd = -1;
      struct stat st;
      char p[64];
      fd = vs_open_in_root (AT_FDCWD, cfg->masked_paths[i], O_PATH | O_NOFOLLOW, 0, err);
      if (fd < 0)
        {
          if (fd == -ENOENT || fd == -ELOOP)
            continue; /* nothing there (or a symlink): nothing to mask */
          return vs_wrap (err, fd, "linux.maskedPaths[%zu]", i);
        }
      if (fstat (fd, &st) < 0)
        return vs_fail (err, errno, "linux.maskedPaths[%zu]: stat `%s`", i, cfg->masked_paths[i]);
      if (S_ISLNK (st.st_mode))
        continue; /* never follow a link the image controls */
      if (S_ISDIR (st.st_mode))
        {
          if (mount ("tmpfs", FD_PATH (p, fd), "tmpfs", MS_RDONLY, NULL) < 0)
            return vs_fail (err, errno, "linux.maskedPaths[%zu]: mask `%s`", i, cfg->masked_paths[i]);
        }
      else if (bind_onto ("/dev/null", devnull, fd, false, 0, 0, false, "linux.maskedPaths", err) < 0)
        return vs_wrap (err, -1, "mask `%s`", cfg->masked_paths[i]);
    }
  return 0;
}

static int
readonly_paths (const struct rt_config *cfg, vs_error *err)
{
  for (size_t i = 0; i < cfg->n_readonly_paths; i++)
    {
      _cleanup_close_ int fd = vs_open_in_root (AT_FDCWD, cfg->readonly_paths[i], O_PATH | O_NOFOLLOW, 0, err);
      if (fd < 0)
        {
          if (fd == -ENOENT || fd == -ELOOP)
            continue;
          return vs_wrap (err, fd, "linux.readonlyPaths[%zu]", i);
        }
      if (bind_onto (cfg->readonly_paths[i], fd, fd, true, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, true,
                     "linux.readonlyPaths", err) < 0)
        return -1;
    }
  return 0;
}

int
rt_rootfs_finish (struct rt_spawn *sp, vs_error *err)
{
  const struct rt_config *cfg = sp->cfg;
  int r;

  if ((r = apply_sysctls (cfg, err)) < 0)
    return r;
  if ((r = mask_paths (cfg, err)) < 0)
    return r;
  if ((r = readonly_paths (cfg, err)) < 0)
    return r;
  if (cfg->hostname && *cfg->hostname)
    {
      if (!has_ns (cfg, CLONE_NEWUTS))
        return vs_fail (err, 0, "config.json: hostname: setting it needs a new uts namespace");
      if (sethostname (cfg->hostname, strlen (cfg->hostname)) < 0)
        return vs_fail (err, errno, "config.json: hostname: set `%s`", cfg->hostname);
    }
  if (cfg->domainname && *cfg->domainname)
    {
      if (!has_ns (cfg, CLONE_NEWUTS))
        return vs_fail (err, 0, "config.json: domainname: setting it needs a new uts namespace");
      if (setdomainname (cfg->domainname, strlen (cfg->domainname)) < 0)
        return vs_fail (err, errno, "config.json: domainname: set `%s`", cfg->domainname);
    }
  if (cfg->rootfs_propagation && mount (NULL, "/", NULL, cfg->rootfs_propagation, NULL) < 0)
    return vs_fail (err, errno, "config.json: linux.rootfsPropagation: apply to /");
  if (cfg->root_readonly)
    {
      struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
      if (mount_setattr (AT_FDCWD, "/", 0, &attr, sizeof attr) < 0)
        return vs_fail (err, errno, "config.json: root.readonly: remount / read-only");
    }
  return 0;
}
