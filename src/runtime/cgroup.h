/* cgroup.h — placing a container in its cgroup on v1, hybrid and v2 hosts.
 *
 * The layout is read from /proc/self/mountinfo and /proc/self/cgroup.  The
 * folders made for a container are recorded in its state ("cgroupPaths"),
 * so that later commands (kill --all, pause, delete) act on exactly those. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../basic/error.h"

enum rt_cgroup_layout { RT_CGROUP_V1, RT_CGROUP_HYBRID, RT_CGROUP_V2 };

struct rt_cgroup_hier
{
  char *mountpoint;  /* /sys/fs/cgroup/memory, /sys/fs/cgroup/unified, ... */
  char *controllers; /* "memory", "cpu,cpuacct", "name=systemd"; "" for v2 */
  char *own_path;    /* this process's cgroup in it */
  bool v2;
};

struct rt_cgroup_hosts
{
  enum rt_cgroup_layout layout;
  struct rt_cgroup_hier *h;
  size_t n;
};

/* Read the host's layout from the given files (tests pass fake ones). */
int rt_cgroup_detect_from (const char *mountinfo, const char *self_cgroup, struct rt_cgroup_hosts *ret, vs_error *err);
int rt_cgroup_detect (struct rt_cgroup_hosts *ret, vs_error *err);
void rt_cgroup_hosts_free (struct rt_cgroup_hosts *hosts);

/* The folder for a container in one hierarchy: cgroupsPath absolute, relative
 * to our own cgroup, or /vessel-<id> when none is given (one level: no shared
 * parent to make and remove around every container).  Parent folders are
 * made as needed, and never removed: that is for whoever chose them. */
int rt_cgroup_dir_for (const struct rt_cgroup_hier *h, const char *cgroups_path, const char *id,
                       char **ret, vs_error *err);

/* Decide the container's folders and record them in doc (cgroupPaths,
 * freezerPath, cgroupV2Path, cpusetPath, cgroupLayout); nothing is made yet,
 * so the caller can save the plan before any folder exists. */
int rt_cgroup_plan (json_t *doc, const char *cgroups_path, const char *id, vs_error *err);
/* The planned folder under a hierarchy's mountpoint, or NULL. */
const char *rt_cgroup_planned (json_t *doc, const char *mountpoint);
/* Make the planned folders: the cgroup2 one (v2 true) or all the others. */
int rt_cgroup_make (json_t *doc, bool v2, vs_error *err);
/* Move pid into every recorded folder through cgroup.procs (skip the v2 one
 * when the process was born there with CLONE_INTO_CGROUP). */
int rt_cgroup_add_pid (json_t *doc, pid_t pid, bool skip_v2, vs_error *err);
/* Called by a single-threaded process to move itself: writing "0" to a v1
 * `tasks` file migrates one thread without the global threadgroup lock, so
 * it avoids the RCU synchronization (milliseconds) that cgroup.procs costs. */
int rt_cgroup_join_self (json_t *doc, bool skip_v2, vs_error *err);
/* Remove every folder recorded in doc (children first).  Missing is fine. */
int rt_cgroup_destroy (json_t *doc, vs_error *err);
/* Every pid in the container's cgroup (from the first recorded hierarchy). */
int rt_cgroup_pids (json_t *doc, pid_t **ret, size_t *ret_n);
bool rt_cgroup_is_frozen (json_t *doc);
