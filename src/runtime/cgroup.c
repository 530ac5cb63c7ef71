/* cgroup.c — cgroup layout detection, placement and removal. */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"

void
rt_cgroup_hosts_free (struct rt_cgroup_hosts *hosts)
{
  for (size_t i = 0; i < hosts->n; i++)
    {
      free (hosts->h[i].mountpoint);
      free (hosts->h[i].controllers);
      free (hosts->h[i].own_path);
    }
  free (hosts->h);
  hosts->h = NULL;
  hosts->n = 0;
}

/* Does the list `have` contain every token of the list `want`?  Both split
 * at any character of seps ("," for mount options, " \n" for controllers). */
static bool
list_contains_all (const char *have, const char *want, const char *seps)
{
  for (const char *w = want + strspn (want, seps); *w; w += strspn (w, seps))
    {
      size_t n = strcspn (w, seps);
      bool found = false;
      for (const char *h = have + strspn (have, seps); *h && !found; h += strspn (h, seps))
        {
          size_t m = strcspn (h, seps);
          found = m == n && strncmp (h, w, n) == 0;
          h += m;
        }
      if (!found)
        return false;
      w += n;
    }
  return true;
}

struct cg_mount { char *mountpoint, *superopts, *root; bool v2; };

static int
read_mounts (const char *mountinfo, struct cg_mount **ret, size_t *ret_n, vs_error *err)
{
  _cleanup_free_ char *text = NULL;
  struct cg_mount *mounts = NULL;
  size_t n = 0;
  char *save = NULL;
  int r;

  if ((r = vs_read_file_at (AT_FDCWD, mountinfo, &text, NULL, err)) < 0)
    return r;
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *fields[16] = { 0 }, *sep, *s2 = NULL;
      int nf = 0;
      char *dash = strstr (line, " - ");
      if (dash == NULL)
        continue;
      *dash = '\0';
      for (char *f = strtok_r (line, " ", &s2); f && nf < 16; f = strtok_r (NULL, " ", &s2))
        fields[nf++] = f;
      if (nf < 5)
        continue;
      sep = dash + 3;
      char *fstype = strtok_r (sep, " ", &s2);
      strtok_r (NULL, " ", &s2); /* source */
      char *superopts = strtok_r (NULL, " ", &s2);
      if (fstype == NULL || superopts == NULL)
        continue;
      if (strcmp (fstype, "cgroup") != 0 && strcmp (fstype, "cgroup2") != 0)
        continue;
      struct cg_mount *nm = realloc (mounts, (n + 1) * sizeof *nm);
      if (nm == NULL)
        break;
      mounts = nm;
      mounts[n].mountpoint = strdup (fields[4]);
      mounts[n].superopts = strdup (superopts);
      /* root: "/" on the host, a sub-cgroup when a nested engine bound one
       * in, "/.." paths inside a cgroup namespace */
      mounts[n].root = strdup (fields[3]);
      mounts[n].v2 = strcmp (fstype, "cgroup2") == 0;
      n++;
    }
  *ret = mounts;
  *ret_n = n;
  return 0;
}

int
rt_cgroup_detect_from (const char *mountinfo, const char *self_cgroup, struct rt_cgroup_hosts *ret, vs_error *err)
{
  _cleanup_free_ char *text = NULL;
  struct cg_mount *mounts = NULL;
  size_t nm = 0;
  char *save = NULL;
  bool have_v1 = false, have_v2 = false;
  int r;

  memset (ret, 0, sizeof *ret);
  if ((r = read_mounts (mountinfo, &mounts, &nm, err)) < 0)
    return r;
  if ((r = vs_read_file_at (AT_FDCWD, self_cgroup, &text, NULL, err)) < 0)
    goto out;
  ret->h = calloc (nm + 1, sizeof *ret->h);
  if (ret->h == NULL)
    {
      r = vs_fail (err, ENOMEM, "cgroups");
      goto out;
    }
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *c1 = strchr (line, ':'), *c2;
      if (c1 == NULL || (c2 = strchr (c1 + 1, ':')) == NULL)
        continue;
      *c2 = '\0';
      const char *ctrls = c1 + 1, *path = c2 + 1;
      bool v2 = *ctrls == '\0';
      for (size_t i = 0; i < nm; i++)
        {
          if (mounts[i].v2 != v2 || mounts[i].mountpoint == NULL)
            continue;
          if (!v2 && !list_contains_all (mounts[i].superopts, ctrls, ","))
            continue;
          struct rt_cgroup_hier *h = &ret->h[ret->n++];
          h->mountpoint = TAKE_PTR (mounts[i].mountpoint);
          h->controllers = strdup (ctrls);
          {
            /* /proc/self/cgroup paths are from the hierarchy's root; the
             * mount shows the subtree at mounts[i].root. */
            const char *root = mounts[i].root ? mounts[i].root : "/";
            size_t rl = strlen (root);
            if (rl > 1 && strncmp (path, root, rl) == 0 && (path[rl] == '/' || path[rl] == '\0'))
              h->own_path = strdup (path[rl] ? path + rl : "/");
            else
              h->own_path = strdup (path);
          }
          h->v2 = v2;
          if (v2)
            have_v2 = true;
          else
            have_v1 = true;
          break;
        }
    }
  if (ret->n == 0)
    {
      r = vs_fail (err, ENOENT, "find any cgroup hierarchy in `%s`", mountinfo);
      rt_cgroup_hosts_free (ret);
      goto out;
    }
  ret->layout = have_v1 ? (have_v2 ? RT_CGROUP_HYBRID : RT_CGROUP_V1) : RT_CGROUP_V2;
  r = 0;
out:
  for (size_t i = 0; i < nm; i++)
    {
      free (mounts[i].mountpoint);
      free (mounts[i].superopts);
      free (mounts[i].root);
    }
  free (mounts);
  return r;
}

/* Where a hierarchy is mounted by convention: cgroup2 at /sys/fs/cgroup or
 * /sys/fs/cgroup/unified, a v1 one at /sys/fs/cgroup/<controllers> (or
 * <name> for name=<name>).  NULL when that place is not such a mount. */
static char *
conventional_mount (const char *ctrls, bool v2)
{
  struct statfs sfs;
  char *p = NULL;

  if (v2)
    {
      static const char *const places[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
      for (size_t i = 0; i < ARRAY_SIZE (places); i++)
        if (statfs (places[i], &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
          return strdup (places[i]);
      return NULL;
    }
  if (strchr (ctrls, '/') || strcmp (ctrls, "..") == 0
      || asprintf (&p, "/sys/fs/cgroup/%s", strncmp (ctrls, "name=", 5) == 0 ? ctrls + 5 : ctrls) < 0)
    return NULL;
  if (statfs (p, &sfs) < 0 || sfs.f_type != CGROUP_SUPER_MAGIC)
    {
      free (p);
      return NULL;
    }
  return p;
}

/* The layout from /proc/self/cgroup alone when every hierarchy in it sits
 * at its conventional place and shows the whole tree (our own cgroup is a
 * folder in it).  Reading mountinfo costs time in proportion to the
 * host's mounts, and a host running a thousand containers has thousands
 * of them.  0, or -1 when the long way must decide. */
static int
detect_conventional (struct rt_cgroup_hosts *ret)
{
  _cleanup_free_ char *text = NULL;
  char *save = NULL;
  bool have_v1 = false, have_v2 = false;
  size_t lines = 1;
  vs_error ignore;

  memset (ret, 0, sizeof *ret);
  if (vs_read_file_at (AT_FDCWD, "/proc/self/cgroup", &text, NULL, &ignore) < 0)
    return -1;
  for (const char *c = text; *c; c++)
    lines += *c == '\n';
  ret->h = calloc (lines + 1, sizeof *ret->h);
  if (ret->h == NULL)
    return -1;
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *c1 = strchr (line, ':'), *c2;
      struct stat st;
      if (c1 == NULL || (c2 = strchr (c1 + 1, ':')) == NULL)
        goto slow;
      *c2 = '\0';
      const char *ctrls = c1 + 1, *path = c2 + 1;
      bool v2 = *ctrls == '\0';
      char *mp = conventional_mount (ctrls, v2), *own = NULL;
      if (mp == NULL || path[0] != '/' || strstr (path, "/..") || asprintf (&own, "%s%s", mp, path) < 0)
        {
          free (mp);
          goto slow;
        }
      bool whole_tree = stat (own, &st) == 0 && S_ISDIR (st.st_mode);
      free (own);
      struct rt_cgroup_hier *h = &ret->h[ret->n++];
      h->mountpoint = mp;
      h->controllers = strdup (ctrls);
      h->own_path = strdup (path);
      h->v2 = v2;
      if (!whole_tree || h->controllers == NULL || h->own_path == NULL)
        goto slow;
      if (v2)
        have_v2 = true;
      else
        have_v1 = true;
    }
  if (ret->n == 0)
    goto slow;
  ret->layout = have_v1 ? (have_v2 ? RT_CGROUP_HYBRID : RT_CGROUP_V1) : RT_CGROUP_V2;
  return 0;
slow:
  rt_cgroup_hosts_free (ret);
  memset (ret, 0, sizeof *ret);
  return -1;
}

int
rt_cgroup_detect (struct rt_cgroup_hosts *ret, vs_error *err)
{
  if (detect_conventional (ret) == 0)
    return 0;
  return rt_cgroup_detect_from ("/proc/self/mountinfo", "/proc/self/cgroup", ret, err);
}

int
rt_cgroup_dir_for (const struct rt_cgroup_hier *h, const char *cgroups_path, const char *id, char **ret,
                   vs_error *err)
{
  int n;
  if (cgroups_path && strstr (cgroups_path, ".."))
    return vs_fail (err, 0, "linux.cgroupsPath: `%s` must not contain `..`", cgroups_path);
  if (cgroups_path == NULL || *cgroups_path == '\0')
    n = asprintf (ret, "%s/vessel-%s", h->mountpoint, id);
  else if (cgroups_path[0] == '/')
    n = asprintf (ret, "%s%s", h->mountpoint, cgroups_path);
  else
    n = asprintf (ret, "%s%s/%s", h->mountpoint, strcmp (h->own_path, "/") == 0 ? "" : h->own_path,
                  cgroups_path);
  if (n < 0)
    {
      *ret = NULL;
      return vs_fail (err, ENOMEM, "cgroup path");
    }
  return 0;
}

/* New v1 cpuset folders start empty: copy cpus and mems from the parent. */
static void
cpuset_inherit (const char *dir)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    {
      char path[PATH_MAX], ppath[PATH_MAX];
      _cleanup_free_ char *cur = NULL, *parent = NULL;
      vs_error e;
      snprintf (path, sizeof path, "%s/%s", dir, files[i]);
      if (vs_read_file_at (AT_FDCWD, path, &cur, NULL, &e) < 0 || (cur[0] != '\n' && cur[0] != '\0'))
        continue;
      snprintf (ppath, sizeof ppath, "%s/../%s", dir, files[i]);
      if (vs_read_file_at (AT_FDCWD, ppath, &parent, NULL, &e) < 0)
        continue;
      vs_write_file_at (AT_FDCWD, path, parent, strlen (parent), 0644, &e);
    }
}

/* mkdir -p below an existing mount point; new cpuset folders get the
 * parent's cpus and mems, without which no task could join them.  A parent
 * folder we make also gets clone_children, so that its next children are
 * born with them: a write of cpuset.cpus checks every sibling and rebuilds
 * the scheduler's domains, slower with every container beside it. */
static int
mkdir_cgroup (char *dir, bool cpuset, int depth, vs_error *err)
{
  /* A parent may go between its mkdir and ours: an engine removes its
     empty parent when its last container stops (vessel's /vessel). */
  for (int tries = 0; mkdir (dir, 0755) < 0; tries++)
    {
      char *slash = strrchr (dir, '/');
      int r;
      if (errno == EEXIST)
        return 0;
      if (errno != ENOENT || slash == NULL || slash == dir || depth > 64 || tries == 8)
        return vs_fail (err, errno, "create cgroup `%s`", dir);
      *slash = '\0';
      r = mkdir_cgroup (dir, cpuset, depth + 1, err);
      *slash = '/';
      if (r < 0)
        return r;
    }
  if (cpuset)
    {
      cpuset_inherit (dir);
      if (depth > 0)
        {
          char path[PATH_MAX];
          vs_error e;
          snprintf (path, sizeof path, "%s/cgroup.clone_children", dir);
          (void) vs_write_file_at (AT_FDCWD, path, "1", 1, 0644, &e);
        }
    }
  return 0;
}

int
rt_cgroup_plan (json_t *doc, const char *cgroups_path, const char *id, vs_error *err)
{
  struct rt_cgroup_hosts hosts;
  json_t *paths = json_array ();
  int r = 0;

  if ((r = rt_cgroup_detect (&hosts, err)) < 0)
    {
      json_decref (paths);
      return r;
    }
  json_t *controllers = json_object ();
  json_object_set_new (doc, "cgroupPaths", paths);
  json_object_set_new (doc, "cgroupControllers", controllers);
  json_object_set_new (doc, "cgroupLayout", json_integer (hosts.layout));
  for (size_t i = 0; i < hosts.n; i++)
    {
      _cleanup_free_ char *dir = NULL;
      const struct rt_cgroup_hier *h = &hosts.h[i];

      if ((r = rt_cgroup_dir_for (h, cgroups_path, id, &dir, err)) < 0)
        break;
      json_array_append_new (paths, json_string (dir));
      if (h->v2)
        {
          json_object_set_new (doc, "cgroupV2Path", json_string (dir));
          json_object_set_new (doc, "cgroupV2Mount", json_string (h->mountpoint));
        }
      else
        {
          char ctrls[256], *save = NULL;
          snprintf (ctrls, sizeof ctrls, "%s", h->controllers);
          for (char *c = strtok_r (ctrls, ",", &save); c; c = strtok_r (NULL, ",", &save))
            json_object_set_new (controllers, c, json_string (dir));
        }
      if (!h->v2 && list_contains_all (h->controllers, "freezer", ","))
        json_object_set_new (doc, "freezerPath", json_string (dir));
      if (!h->v2 && list_contains_all (h->controllers, "cpuset", ","))
        json_object_set_new (doc, "cpusetPath", json_string (dir));
      if (h->v2 && hosts.layout == RT_CGROUP_V2)
        json_object_set_new (doc, "freezerPath", json_string (dir));
    }
  rt_cgroup_hosts_free (&hosts);
  return r;
}

/* v2: controllers must be enabled in every ancestor's subtree_control for
 * the container's folder to have their files. */
static int
enable_v2_controllers (const char *mount, const char *dir, vs_error *err)
{
  _cleanup_free_ char *avail = NULL;
  char path[PATH_MAX], want[512] = "";
  size_t ml = strlen (mount), wl = 0;
  char *save = NULL;

  snprintf (path, sizeof path, "%s/cgroup.controllers", mount);
  if (vs_read_file_at (AT_FDCWD, path, &avail, NULL, err) < 0)
    return -1;
  /* Nothing to write when the parent delegates them all already: a write to
     cgroup.subtree_control first drains the offline cgroups of the whole
     subtree (a walk over every container's cgroup). */
  {
    _cleanup_free_ char *parent = NULL, *enabled = NULL;
    vs_error ignored;
    char *slash;
    snprintf (path, sizeof path, "%s", dir);
    slash = strrchr (path, '/');
    if (slash && asprintf (&parent, "%.*s/cgroup.subtree_control", (int) (slash - path), path) > 0
        && vs_read_file_at (AT_FDCWD, parent, &enabled, NULL, &ignored) == 0
        && list_contains_all (enabled, avail, " \n"))
      return 0;
  }
  for (char *c = strtok_r (avail, " \n", &save); c; c = strtok_r (NULL, " \n", &save))
    wl += (size_t) snprintf (want + wl, sizeof want - wl, "%s+%s", wl ? " " : "", c);
  if (wl == 0)
    return 0;
  snprintf (path, sizeof path, "%s", dir);
  /* walk mount, mount/a, mount/a/b ... up to the parent of dir */
  for (char *p = path + ml; (p = strchr (p + 1, '/')) != NULL;)
    {
      char file[PATH_MAX];
      vs_error ignored;
      *p = '\0';
      snprintf (file, sizeof file, "%s/cgroup.subtree_control", path);
      /* a controller the parent cannot delegate is left out, not fatal */
      vs_write_file_at (AT_FDCWD, file, want, wl, 0644, &ignored);
      *p = '/';
    }
  {
    char file[PATH_MAX];
    vs_error ignored;
    snprintf (file, sizeof file, "%s/cgroup.subtree_control", mount);
    vs_write_file_at (AT_FDCWD, file, want, wl, 0644, &ignored);
  }
  return 0;
}

const char *
rt_cgroup_planned (json_t *doc, const char *mountpoint)
{
  json_t *paths = json_object_get (doc, "cgroupPaths"), *p;
  size_t i, ml = strlen (mountpoint);
  json_array_foreach (paths, i, p)
    {
      const char *dir = json_string_value (p);
      if (dir && strncmp (dir, mountpoint, ml) == 0 && (dir[ml] == '/' || dir[ml] == '\0'))
        return dir;
    }
  return NULL;
}

int
rt_cgroup_make (json_t *doc, bool v2, vs_error *err)
{
  const char *cpuset = json_string_value (json_object_get (doc, "cpusetPath"));
  const char *v2path = json_string_value (json_object_get (doc, "cgroupV2Path"));
  json_t *paths = json_object_get (doc, "cgroupPaths"), *p;
  size_t i;

  json_array_foreach (paths, i, p)
    {
      char dir[PATH_MAX];
      int r;
      if (v2 != (v2path && strcmp (v2path, json_string_value (p)) == 0))
        continue;
      snprintf (dir, sizeof dir, "%s", json_string_value (p));
      if ((r = mkdir_cgroup (dir, cpuset && strcmp (cpuset, dir) == 0, 0, err)) < 0)
        return r;
      if (v2)
        enable_v2_controllers (json_string_value (json_object_get (doc, "cgroupV2Mount")), dir, err);
    }
  return 0;
}

static int
write_each (json_t *doc, const char *v1_file, const char *v2_file, const char *value, bool skip_v2, vs_error *err)
{
  const char *v2 = json_string_value (json_object_get (doc, "cgroupV2Path"));
  json_t *paths = json_object_get (doc, "cgroupPaths"), *p;
  size_t i;

  json_array_foreach (paths, i, p)
    {
      const char *dir = json_string_value (p);
      bool is_v2 = v2 && strcmp (dir, v2) == 0;
      char file[PATH_MAX];
      int r;
      if (is_v2 && skip_v2)
        continue;
      snprintf (file, sizeof file, "%s/%s", dir, is_v2 ? v2_file : v1_file);
      if ((r = vs_write_file_at (AT_FDCWD, file, value, strlen (value), 0644, err)) < 0)
        return vs_wrap (err, r, "join cgroup");
    }
  return 0;
}

int
rt_cgroup_add_pid (json_t *doc, pid_t pid, bool skip_v2, vs_error *err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%d", pid);
  return write_each (doc, "cgroup.procs", "cgroup.procs", buf, skip_v2, err);
}

int
rt_cgroup_join_self (json_t *doc, bool skip_v2, vs_error *err)
{
  return write_each (doc, "tasks", "cgroup.procs", "0", skip_v2, err);
}

/* rmdir a cgroup and its children, retrying while exiting tasks drain. */
static int
rmdir_cgroup (const char *dir, vs_error *err)
{
  if (rmdir (dir) == 0 || errno == ENOENT)
    return 0;
  if (errno == ENOTEMPTY || errno == EEXIST)
    {
      /* sub-cgroups made inside the container go first */
      DIR *d = opendir (dir);
      if (d == NULL)
        return errno == ENOENT ? 0 : vs_fail (err, errno, "open cgroup `%s`", dir);
      for (struct dirent *de; (de = readdir (d)) != NULL;)
        {
          char sub[PATH_MAX];
          if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
            continue;
          snprintf (sub, sizeof sub, "%s/%s", dir, de->d_name);
          if (rmdir_cgroup (sub, err) < 0)
            {
              closedir (d);
              return -1;
            }
        }
      closedir (d);
    }
  for (int attempt = 0; attempt < 500; attempt++)
    {
      if (rmdir (dir) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY)
        break;
      struct timespec ts = { 0, 2 * 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
  return vs_fail (err, errno, "remove cgroup `%s`", dir);
}

int
rt_cgroup_destroy (json_t *doc, vs_error *err)
{
  json_t *paths = json_object_get (doc, "cgroupPaths"), *p;
  size_t i;
  int ret = 0;

  json_array_foreach (paths, i, p)
    {
      const char *dir = json_string_value (p);
      if (dir == NULL)
        continue;
      if (rmdir_cgroup (dir, err) < 0)
        ret = -1;
    }
  return ret;
}

int
rt_cgroup_pids (json_t *doc, pid_t **ret, size_t *ret_n)
{
  json_t *paths = json_object_get (doc, "cgroupPaths");
  _cleanup_free_ char *text = NULL;
  char path[PATH_MAX];
  pid_t *pids = NULL;
  size_t n = 0;
  vs_error e;

  *ret = NULL;
  *ret_n = 0;
  if (json_array_size (paths) == 0)
    return 0;
  snprintf (path, sizeof path, "%s/cgroup.procs", json_string_value (json_array_get (paths, 0)));
  if (vs_read_file_at (AT_FDCWD, path, &text, NULL, &e) < 0)
    return -1;
  for (char *p = text; *p;)
    {
      char *end;
      long v = strtol (p, &end, 10);
      if (end == p)
        break;
      pid_t *np = realloc (pids, (n + 1) * sizeof *np);
      if (np == NULL)
        break;
      pids = np;
      pids[n++] = (pid_t) v;
      p = end;
      while (*p == '\n')
        p++;
    }
  *ret = pids;
  *ret_n = n;
  return 0;
}

bool
rt_cgroup_is_frozen (json_t *doc)
{
  const char *dir = json_string_value (json_object_get (doc, "freezerPath"));
  _cleanup_free_ char *text = NULL;
  char path[PATH_MAX];
  vs_error e;

  if (dir == NULL)
    return false;
  if (json_integer_value (json_object_get (doc, "cgroupLayout")) == RT_CGROUP_V2)
    {
      snprintf (path, sizeof path, "%s/cgroup.freeze", dir);
      return vs_read_file_at (AT_FDCWD, path, &text, NULL, &e) == 0 && text[0] == '1';
    }
  snprintf (path, sizeof path, "%s/freezer.state", dir);
  return vs_read_file_at (AT_FDCWD, path, &text, NULL, &e) == 0 && strncmp (text, "FROZEN", 6) == 0;
}
