/* cgroup-resources.c — the v1 and v2 drivers for linux.resources, freezing
 * and statistics. */
#include "cgroup-resources.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "cgroup-devices.h"
#include "cgroup.h"

/* ---- small helpers ---- */

static int
write_file (const char *dir, const char *file, const char *value, const char *field, vs_error *err)
{
  char path[PATH_MAX];
  int r;
  if (dir == NULL)
    return vs_fail (err, 0, "config.json: %s: the host has no cgroup controller for it", field);
  snprintf (path, sizeof path, "%s/%s", dir, file);
  /* cgroup files exist or the controller is missing: never create one */
  _cleanup_close_ int fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return vs_fail (err, 0, "config.json: %s: this host's cgroups have no `%s`", field, file);
  if (fd < 0)
    return vs_fail (err, errno, "config.json: %s: open `%s`", field, path);
  if ((r = vs_write_all (fd, value, strlen (value))) < 0)
    return vs_fail (err, -r, "config.json: %s: write `%s` to `%s`", field, value, path);
  return 0;
}

static bool
get_i64 (json_t *o, const char *key, long long *out)
{
  json_t *v = json_object_get (o, key);
  if (!json_is_integer (v))
    return false;
  *out = (long long) json_integer_value (v);
  return true;
}

static void
fmt_i64 (char *buf, size_t n, long long v)
{
  snprintf (buf, n, "%lld", v);
}

/* -1 or any negative value means unlimited. */
static void
fmt_max (char *buf, size_t n, long long v)
{
  if (v < 0)
    snprintf (buf, n, "max");
  else
    snprintf (buf, n, "%lld", v);
}

static const char *
v1_dir (const struct rt_cg_target *t, const char *ctrl)
{
  return json_string_value (json_object_get (t->v1_dirs, ctrl));
}

static int
check_type (json_t *v, bool (*is) (const json_t *), const char *field, const char *what, vs_error *err)
{
  if (v && !json_is_null (v) && !is (v))
    return vs_fail (err, 0, "config.json: %s: expected %s", field, what);
  return 0;
}

static bool is_object (const json_t *v) { return json_is_object (v); }
static bool is_array (const json_t *v) { return json_is_array (v); }

unsigned long long
rt_cg_shares_to_weight (unsigned long long shares)
{
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

unsigned long long
rt_cg_blkio_to_io_weight (unsigned long long weight)
{
  if (weight == 0)
    return 0;
  return 1 + (weight - 10) * 9999 / 990;
}

/* ---- v1 ---- */

static int
v1_memory (const struct rt_cg_target *t, json_t *m, vs_error *err)
{
  const char *dir = v1_dir (t, "memory");
  char buf[64];
  long long v, limit = 0, swap = 0;
  bool has_limit = get_i64 (m, "limit", &limit), has_swap = get_i64 (m, "swap", &swap);
  int r;

  if (!json_is_object (m))
    return 0;
  if (has_limit || has_swap)
    {
      /* memsw must stay >= limit at every step: raise memsw first when the
       * new limit would exceed the current one. */
      char lbuf[32], sbuf[32];
      fmt_i64 (lbuf, sizeof lbuf, limit);
      fmt_i64 (sbuf, sizeof sbuf, swap);
      if (has_limit && (r = write_file (dir, "memory.limit_in_bytes", lbuf, "linux.resources.memory.limit", err)) < 0)
        {
          if (!has_swap)
            return r;
          if ((r = write_file (dir, "memory.memsw.limit_in_bytes", sbuf, "linux.resources.memory.swap", err)) < 0
              || (r = write_file (dir, "memory.limit_in_bytes", lbuf, "linux.resources.memory.limit", err)) < 0)
            return r;
          has_swap = false;
        }
      if (has_swap && (r = write_file (dir, "memory.memsw.limit_in_bytes", sbuf, "linux.resources.memory.swap", err)) < 0)
        return r;
    }
  if (get_i64 (m, "reservation", &v))
    {
      fmt_i64 (buf, sizeof buf, v);
      if ((r = write_file (dir, "memory.soft_limit_in_bytes", buf, "linux.resources.memory.reservation", err)) < 0)
        return r;
    }
  if (get_i64 (m, "kernel", &v))
    {
      /* kmem limits are deprecated and gone from recent kernels: ignore, as runc does */
      fmt_i64 (buf, sizeof buf, v);
      write_file (dir, "memory.kmem.limit_in_bytes", buf, "linux.resources.memory.kernel", err);
    }
  if (get_i64 (m, "kernelTCP", &v))
    {
      fmt_i64 (buf, sizeof buf, v);
      if ((r = write_file (dir, "memory.kmem.tcp.limit_in_bytes", buf, "linux.resources.memory.kernelTCP", err)) < 0)
        return r;
    }
  if (get_i64 (m, "swappiness", &v))
    {
      if (v < 0 || v > 100)
        return vs_fail (err, 0, "config.json: linux.resources.memory.swappiness: %lld is not in [0, 100]", v);
      fmt_i64 (buf, sizeof buf, v);
      if ((r = write_file (dir, "memory.swappiness", buf, "linux.resources.memory.swappiness", err)) < 0)
        return r;
    }
  if (json_is_true (json_object_get (m, "disableOOMKiller"))
      && (r = write_file (dir, "memory.oom_control", "1", "linux.resources.memory.disableOOMKiller", err)) < 0)
    return r;
  if (json_is_boolean (json_object_get (m, "useHierarchy")))
    write_file (dir, "memory.use_hierarchy", json_is_true (json_object_get (m, "useHierarchy")) ? "1" : "0",
                "linux.resources.memory.useHierarchy", err);
  return 0;
}

static int
v1_cpu (const struct rt_cg_target *t, json_t *c, vs_error *err)
{
  static const struct { const char *key, *file, *ctrl; } map[] = {
    { "shares", "cpu.shares", "cpu" },
    { "period", "cpu.cfs_period_us", "cpu" }, /* before quota */
    { "quota", "cpu.cfs_quota_us", "cpu" },
    { "realtimePeriod", "cpu.rt_period_us", "cpu" },
    { "realtimeRuntime", "cpu.rt_runtime_us", "cpu" },
    { "idle", "cpu.idle", "cpu" },
  };
  char buf[64], field[64];
  long long v;
  int r;

  if (!json_is_object (c))
    return 0;
  for (size_t i = 0; i < ARRAY_SIZE (map); i++)
    if (get_i64 (c, map[i].key, &v))
      {
        fmt_i64 (buf, sizeof buf, v);
        snprintf (field, sizeof field, "linux.resources.cpu.%s", map[i].key);
        if ((r = write_file (v1_dir (t, map[i].ctrl), map[i].file, buf, field, err)) < 0)
          return r;
      }
  if (json_is_string (json_object_get (c, "cpus")) && *json_string_value (json_object_get (c, "cpus"))
      && (r = write_file (v1_dir (t, "cpuset"), "cpuset.cpus", json_string_value (json_object_get (c, "cpus")),
                          "linux.resources.cpu.cpus", err)) < 0)
    return r;
  if (json_is_string (json_object_get (c, "mems")) && *json_string_value (json_object_get (c, "mems"))
      && (r = write_file (v1_dir (t, "cpuset"), "cpuset.mems", json_string_value (json_object_get (c, "mems")),
                          "linux.resources.cpu.mems", err)) < 0)
    return r;
  return 0;
}

static int
device_rules (json_t *arr, const char *field, const char *v1_file, const char *dir, bool v2, vs_error *err)
{
  json_t *d;
  size_t i;
  int r;
  json_array_foreach (arr, i, d)
    {
      char buf[128], f[96];
      long long maj, min, v;
      snprintf (f, sizeof f, "%s[%zu]", field, i);
      if (!get_i64 (d, "major", &maj) || !get_i64 (d, "minor", &min))
        return vs_fail (err, 0, "config.json: %s: major and minor are required", f);
      if (v2)
        {
          /* io.max: "maj:min rbps=N" etc., io.weight: "maj:min N" */
          if (!get_i64 (d, "rate", &v) && !get_i64 (d, "weight", &v))
            return vs_fail (err, 0, "config.json: %s: rate or weight is required", f);
          if (strcmp (v1_file, "io.weight") == 0)
            snprintf (buf, sizeof buf, "%lld:%lld %llu", maj, min, rt_cg_blkio_to_io_weight ((unsigned long long) v));
          else
            snprintf (buf, sizeof buf, "%lld:%lld %s=%lld", maj, min, v1_file + 7, v);
          if ((r = write_file (dir, strcmp (v1_file, "io.weight") == 0 ? "io.weight" : "io.max", buf, f, err)) < 0)
            return r;
          continue;
        }
      if (!get_i64 (d, "rate", &v) && !get_i64 (d, "weight", &v))
        return vs_fail (err, 0, "config.json: %s: rate or weight is required", f);
      snprintf (buf, sizeof buf, "%lld:%lld %lld", maj, min, v);
      if ((r = write_file (dir, v1_file, buf, f, err)) < 0)
        return r;
    }
  return 0;
}

static int
v1_blkio (const struct rt_cg_target *t, json_t *b, vs_error *err)
{
  const char *dir = v1_dir (t, "blkio");
  char buf[64];
  long long v;
  int r;
  if (!json_is_object (b))
    return 0;
  if (get_i64 (b, "weight", &v))
    {
      fmt_i64 (buf, sizeof buf, v);
      if ((r = write_file (dir, "blkio.weight", buf, "linux.resources.blockIO.weight", err)) < 0)
        return r;
    }
  if (get_i64 (b, "leafWeight", &v))
    {
      fmt_i64 (buf, sizeof buf, v);
      if ((r = write_file (dir, "blkio.leaf_weight", buf, "linux.resources.blockIO.leafWeight", err)) < 0)
        return r;
    }
  if ((r = device_rules (json_object_get (b, "weightDevice"), "linux.resources.blockIO.weightDevice",
                         "blkio.weight_device", dir, false, err)) < 0
      || (r = device_rules (json_object_get (b, "throttleReadBpsDevice"), "linux.resources.blockIO.throttleReadBpsDevice",
                            "blkio.throttle.read_bps_device", dir, false, err)) < 0
      || (r = device_rules (json_object_get (b, "throttleWriteBpsDevice"),
                            "linux.resources.blockIO.throttleWriteBpsDevice", "blkio.throttle.write_bps_device", dir,
                            false, err)) < 0
      || (r = device_rules (json_object_get (b, "throttleReadIOPSDevice"),
                            "linux.resources.blockIO.throttleReadIOPSDevice", "blkio.throttle.read_iops_device", dir,
                            false, err)) < 0
      || (r = device_rules (json_object_get (b, "throttleWriteIOPSDevice"),
                            "linux.resources.blockIO.throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", dir,
                            false, err)) < 0)
    return r;
  return 0;
}

/* After the config's own rules, the devices every container gets (as runc
 * does): mknod of anything, the default /dev nodes, ptys. */
static const char *const default_device_rules[] = {
  "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
  "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm", NULL,
};

static int
devices_v1 (const struct rt_cg_target *t, json_t *arr, vs_error *err)
{
  const char *dir = v1_dir (t, "devices");
  json_t *d;
  size_t i;
  int r;
  if (json_array_size (arr) == 0)
    return 0;
  /* two passes: every rule is checked before the first one is written */
  for (int pass = 0; pass < 2; pass++)
    json_array_foreach (arr, i, d)
    {
      char rule[96], majs[24], mins[24], field[64];
      const char *type = json_string_value (json_object_get (d, "type")) ?: "a";
      const char *access = json_string_value (json_object_get (d, "access")) ?: "rwm";
      long long maj, min;
      snprintf (field, sizeof field, "linux.resources.devices[%zu]", i);
      if (!json_is_boolean (json_object_get (d, "allow")))
        return vs_fail (err, 0, "config.json: %s.allow: expected true or false", field);
      if (strlen (type) != 1 || strchr ("abc", type[0]) == NULL)
        return vs_fail (err, 0, "config.json: %s.type: must be a, b or c", field);
      if (access[strspn (access, "rwm")] != '\0')
        return vs_fail (err, 0, "config.json: %s.access: only r, w and m are allowed", field);
      if (get_i64 (d, "major", &maj) && maj >= 0)
        fmt_i64 (majs, sizeof majs, maj);
      else
        strcpy (majs, "*");
      if (get_i64 (d, "minor", &min) && min >= 0)
        fmt_i64 (mins, sizeof mins, min);
      else
        strcpy (mins, "*");
      if (pass == 0)
        continue;
      if (type[0] == 'a')
        snprintf (rule, sizeof rule, "a");
      else
        snprintf (rule, sizeof rule, "%s %s:%s %s", type, majs, mins, access);
      if ((r = write_file (dir, json_is_true (json_object_get (d, "allow")) ? "devices.allow" : "devices.deny", rule,
                           field, err)) < 0)
        return r;
    }
  for (i = 0; default_device_rules[i]; i++)
    if ((r = write_file (dir, "devices.allow", default_device_rules[i], "linux.resources.devices", err)) < 0)
      return r;
  return 0;
}

static int
hugetlb (const char *dir, json_t *arr, bool v2, vs_error *err)
{
  json_t *h;
  size_t i;
  int r;
  json_array_foreach (arr, i, h)
    {
      const char *size = json_string_value (json_object_get (h, "pageSize"));
      char file[96], buf[32], field[64];
      long long limit;
      snprintf (field, sizeof field, "linux.resources.hugepageLimits[%zu]", i);
      if (size == NULL || !get_i64 (h, "limit", &limit) || strchr (size, '/') || strstr (size, ".."))
        return vs_fail (err, 0, "config.json: %s: pageSize and limit are required", field);
      snprintf (file, sizeof file, v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", size);
      fmt_i64 (buf, sizeof buf, limit);
      if ((r = write_file (dir, file, buf, field, err)) < 0)
        return r;
    }
  return 0;
}

static int
unified (const char *dir, json_t *u, vs_error *err)
{
  const char *key;
  json_t *v;
  int r;
  json_object_foreach (u, key, v)
    {
      char field[128];
      snprintf (field, sizeof field, "linux.resources.unified.%s", key);
      if (!json_is_string (v))
        return vs_fail (err, 0, "config.json: %s: expected a string", field);
      if (strchr (key, '/') || key[0] == '.')
        return vs_fail (err, 0, "config.json: %s: not a cgroup file name", field);
      if ((r = write_file (dir, key, json_string_value (v), field, err)) < 0)
        return r;
    }
  return 0;
}

static int
check_resources (json_t *res, vs_error *err)
{
  int r;
  if (!json_is_object (res))
    return vs_fail (err, 0, "config.json: linux.resources: expected an object");
  if ((r = check_type (json_object_get (res, "memory"), is_object, "linux.resources.memory", "an object", err)) < 0
      || (r = check_type (json_object_get (res, "cpu"), is_object, "linux.resources.cpu", "an object", err)) < 0
      || (r = check_type (json_object_get (res, "pids"), is_object, "linux.resources.pids", "an object", err)) < 0
      || (r = check_type (json_object_get (res, "blockIO"), is_object, "linux.resources.blockIO", "an object", err)) < 0
      || (r = check_type (json_object_get (res, "devices"), is_array, "linux.resources.devices", "an array", err)) < 0
      || (r = check_type (json_object_get (res, "hugepageLimits"), is_array, "linux.resources.hugepageLimits",
                          "an array", err)) < 0
      || (r = check_type (json_object_get (res, "network"), is_object, "linux.resources.network", "an object", err)) < 0
      || (r = check_type (json_object_get (res, "unified"), is_object, "linux.resources.unified", "an object", err)) < 0)
    return r;
  return 0;
}

static int
v1_apply (const struct rt_cg_target *t, json_t *res, vs_error *err)
{
  json_t *pids = json_object_get (res, "pids"), *net = json_object_get (res, "network");
  long long v;
  char buf[64];
  int r;

  if ((r = check_resources (res, err)) < 0)
    return r;
  if ((r = devices_v1 (t, json_object_get (res, "devices"), err)) < 0 || (r = v1_memory (t, json_object_get (res, "memory"), err)) < 0
      || (r = v1_cpu (t, json_object_get (res, "cpu"), err)) < 0
      || (r = v1_blkio (t, json_object_get (res, "blockIO"), err)) < 0)
    return r;
  if (get_i64 (pids, "limit", &v))
    {
      fmt_max (buf, sizeof buf, v > 0 ? v : -1);
      if ((r = write_file (v1_dir (t, "pids"), "pids.max", buf, "linux.resources.pids.limit", err)) < 0)
        return r;
    }
  if (json_array_size (json_object_get (res, "hugepageLimits")))
    {
      /* hybrid hosts may have hugetlb only in the unified hierarchy */
      const char *dir = v1_dir (t, "hugetlb");
      if ((r = hugetlb (dir ?: t->v2_dir, json_object_get (res, "hugepageLimits"), dir == NULL, err)) < 0)
        return r;
    }
  if (json_is_object (net))
    {
      json_t *p;
      size_t i;
      if (get_i64 (net, "classID", &v))
        {
          fmt_i64 (buf, sizeof buf, v);
          if ((r = write_file (v1_dir (t, "net_cls"), "net_cls.classid", buf, "linux.resources.network.classID", err)) < 0)
            return r;
        }
      json_array_foreach (json_object_get (net, "priorities"), i, p)
        {
          char rule[96];
          const char *name = json_string_value (json_object_get (p, "name"));
          if (name == NULL || !get_i64 (p, "priority", &v))
            return vs_fail (err, 0, "config.json: linux.resources.network.priorities[%zu]: name and priority required", i);
          snprintf (rule, sizeof rule, "%s %lld", name, v);
          if ((r = write_file (v1_dir (t, "net_prio"), "net_prio.ifpriomap", rule,
                               "linux.resources.network.priorities", err)) < 0)
            return r;
        }
    }
  if (json_object_size (json_object_get (res, "unified")))
    {
      if (t->v2_dir == NULL)
        return vs_fail (err, 0, "config.json: linux.resources.unified: this host has no cgroup v2 hierarchy");
      if ((r = unified (t->v2_dir, json_object_get (res, "unified"), err)) < 0)
        return r;
    }
  return 0;
}

static int
wait_for (const char *dir, const char *file, const char *want, vs_error *err)
{
  char path[PATH_MAX];
  snprintf (path, sizeof path, "%s/%s", dir, file);
  for (int i = 0; i < 2000; i++)
    {
      _cleanup_free_ char *text = NULL;
      if (vs_read_file_at (AT_FDCWD, path, &text, NULL, err) < 0)
        return -1;
      if (strstr (text, want))
        return 0;
      struct timespec ts = { 0, 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
  return vs_fail (err, ETIMEDOUT, "wait for `%s` in `%s`", want, path);
}

static int
v1_freeze (const struct rt_cg_target *t, bool frozen, vs_error *err)
{
  const char *dir = v1_dir (t, "freezer");
  int r;
  if (dir == NULL)
    return vs_fail (err, 0, "pause: the host has no freezer cgroup");
  if ((r = write_file (dir, "freezer.state", frozen ? "FROZEN" : "THAWED", "freezer", err)) < 0)
    return r;
  return wait_for (dir, "freezer.state", frozen ? "FROZEN" : "THAWED", err);
}

/* ---- stats ---- */

static long long
read_ll (const char *dir, const char *file)
{
  char path[PATH_MAX];
  _cleanup_free_ char *text = NULL;
  vs_error e;
  if (dir == NULL)
    return -1;
  snprintf (path, sizeof path, "%s/%s", dir, file);
  if (vs_read_file_at (AT_FDCWD, path, &text, NULL, &e) < 0)
    return -1;
  if (strncmp (text, "max", 3) == 0)
    return 0;
  return strtoll (text, NULL, 10);
}

/* "key value" lines into an object */
static json_t *
read_kv (const char *dir, const char *file)
{
  char path[PATH_MAX];
  _cleanup_free_ char *text = NULL;
  json_t *o = json_object ();
  vs_error e;
  char *save = NULL;
  if (dir == NULL)
    return o;
  snprintf (path, sizeof path, "%s/%s", dir, file);
  if (vs_read_file_at (AT_FDCWD, path, &text, NULL, &e) < 0)
    return o;
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *sp = strchr (line, ' ');
      if (sp == NULL)
        continue;
      *sp = '\0';
      json_object_set_new (o, line, json_integer (strtoll (sp + 1, NULL, 10)));
    }
  return o;
}

static void
set_ll (json_t *o, const char *key, long long v)
{
  if (v >= 0)
    json_object_set_new (o, key, json_integer (v));
}

/* The object at a dotted path under data ("memory.usage"), made as needed. */
static json_t *
section (json_t *data, const char *path)
{
  char buf[64], *save = NULL;
  json_t *o = data;
  snprintf (buf, sizeof buf, "%s", path);
  for (char *k = strtok_r (buf, ".", &save); k; k = strtok_r (NULL, ".", &save))
    {
      json_t *next = json_object_get (o, k);
      if (next == NULL)
        json_object_set_new (o, k, next = json_object ());
      o = next;
    }
  return o;
}

/* One number of the stats: section.key from a cgroup file (ctrl names the
 * v1 controller; NULL means the v2 folder). */
struct stat_file { const char *section, *key, *ctrl, *file; };

static void
read_stat_files (json_t *data, const struct rt_cg_target *t, const struct stat_file *f, size_t n)
{
  for (size_t i = 0; i < n; i++)
    set_ll (section (data, f[i].section), f[i].key, read_ll (f[i].ctrl ? v1_dir (t, f[i].ctrl) : t->v2_dir, f[i].file));
}

static json_t *
v1_stats (const struct rt_cg_target *t)
{
  static const struct stat_file files[] = {
    { "cpu.usage", "total", "cpuacct", "cpuacct.usage" },
    { "cpu.usage", "user", "cpuacct", "cpuacct.usage_user" },
    { "cpu.usage", "kernel", "cpuacct", "cpuacct.usage_sys" },
    { "memory.usage", "usage", "memory", "memory.usage_in_bytes" },
    { "memory.usage", "max", "memory", "memory.max_usage_in_bytes" },
    { "memory.usage", "limit", "memory", "memory.limit_in_bytes" },
    { "memory.usage", "failcnt", "memory", "memory.failcnt" },
    { "memory.swap", "usage", "memory", "memory.memsw.usage_in_bytes" },
    { "memory.swap", "limit", "memory", "memory.memsw.limit_in_bytes" },
    { "pids", "current", "pids", "pids.current" },
    { "pids", "limit", "pids", "pids.max" },
  };
  json_t *data = json_object (), *stat = read_kv (v1_dir (t, "cpu"), "cpu.stat");

  read_stat_files (data, t, files, ARRAY_SIZE (files));
  json_object_set_new (section (data, "cpu"), "throttling",
                       json_pack ("{s:O?, s:O?, s:O?}", "periods", json_object_get (stat, "nr_periods"),
                                  "throttledPeriods", json_object_get (stat, "nr_throttled"), "throttledTime",
                                  json_object_get (stat, "throttled_time")));
  json_decref (stat);
  json_object_set_new (section (data, "memory"), "raw", read_kv (v1_dir (t, "memory"), "memory.stat"));
  return data;
}

const struct rt_cg_ops rt_cg_v1_ops = { "v1", v1_apply, v1_freeze, v1_stats };

/* ---- v2 ---- */

static int
v2_apply (const struct rt_cg_target *t, json_t *res, vs_error *err)
{
  const char *dir = t->v2_dir;
  json_t *m = json_object_get (res, "memory"), *c = json_object_get (res, "cpu"), *b = json_object_get (res, "blockIO"),
         *pids = json_object_get (res, "pids");
  char buf[96];
  long long v, limit = 0, swap;
  int r;

  if ((r = check_resources (res, err)) < 0)
    return r;
  /* v2 has no devices files: the rules become an eBPF program */
  if (json_array_size (json_object_get (res, "devices")) > 0
      && (r = rt_devices_bpf_apply (dir, json_object_get (res, "devices"), default_device_rules, err)) < 0)
    return r;
  if (json_is_object (m))
    {
      bool has_limit = get_i64 (m, "limit", &limit);
      if (has_limit)
        {
          fmt_max (buf, sizeof buf, limit);
          if ((r = write_file (dir, "memory.max", buf, "linux.resources.memory.limit", err)) < 0)
            return r;
        }
      if (get_i64 (m, "swap", &swap))
        {
          /* the spec's swap is memory+swap; v2's memory.swap.max is swap alone */
          if (swap < 0)
            fmt_max (buf, sizeof buf, -1);
          else if (!has_limit || limit < 0)
            return vs_fail (err, 0, "config.json: linux.resources.memory.swap: needs memory.limit on cgroup v2");
          else if (swap < limit)
            return vs_fail (err, 0, "config.json: linux.resources.memory.swap: %lld is below memory.limit %lld", swap,
                            limit);
          else
            fmt_i64 (buf, sizeof buf, swap - limit);
          if ((r = write_file (dir, "memory.swap.max", buf, "linux.resources.memory.swap", err)) < 0)
            return r;
        }
      if (get_i64 (m, "reservation", &v))
        {
          fmt_max (buf, sizeof buf, v);
          if ((r = write_file (dir, "memory.low", buf, "linux.resources.memory.reservation", err)) < 0)
            return r;
        }
      if (get_i64 (m, "swappiness", &v))
        return vs_fail (err, 0, "config.json: linux.resources.memory.swappiness: not available on cgroup v2");
      if (json_is_true (json_object_get (m, "disableOOMKiller")))
        return vs_fail (err, 0, "config.json: linux.resources.memory.disableOOMKiller: not available on cgroup v2");
    }
  if (json_is_object (c))
    {
      long long quota = 0, period = 0;
      bool hq = get_i64 (c, "quota", &quota), hp = get_i64 (c, "period", &period);
      if (get_i64 (c, "shares", &v))
        {
          snprintf (buf, sizeof buf, "%llu", rt_cg_shares_to_weight ((unsigned long long) v));
          if ((r = write_file (dir, "cpu.weight", buf, "linux.resources.cpu.shares", err)) < 0)
            return r;
        }
      if (hq || hp)
        {
          if (hq && quota > 0)
            snprintf (buf, sizeof buf, "%lld %lld", quota, hp && period > 0 ? period : 100000);
          else
            snprintf (buf, sizeof buf, "max %lld", hp && period > 0 ? period : 100000);
          if ((r = write_file (dir, "cpu.max", buf, "linux.resources.cpu.quota", err)) < 0)
            return r;
        }
      if (get_i64 (c, "realtimeRuntime", &v) || get_i64 (c, "realtimePeriod", &v))
        return vs_fail (err, 0, "config.json: linux.resources.cpu.realtimeRuntime: not available on cgroup v2");
      if (get_i64 (c, "idle", &v))
        {
          fmt_i64 (buf, sizeof buf, v);
          if ((r = write_file (dir, "cpu.idle", buf, "linux.resources.cpu.idle", err)) < 0)
            return r;
        }
      if (json_is_string (json_object_get (c, "cpus")) && *json_string_value (json_object_get (c, "cpus"))
          && (r = write_file (dir, "cpuset.cpus", json_string_value (json_object_get (c, "cpus")),
                              "linux.resources.cpu.cpus", err)) < 0)
        return r;
      if (json_is_string (json_object_get (c, "mems")) && *json_string_value (json_object_get (c, "mems"))
          && (r = write_file (dir, "cpuset.mems", json_string_value (json_object_get (c, "mems")),
                              "linux.resources.cpu.mems", err)) < 0)
        return r;
    }
  if (get_i64 (pids, "limit", &v))
    {
      fmt_max (buf, sizeof buf, v > 0 ? v : -1);
      if ((r = write_file (dir, "pids.max", buf, "linux.resources.pids.limit", err)) < 0)
        return r;
    }
  if (json_is_object (b))
    {
      if (get_i64 (b, "weight", &v))
        {
          snprintf (buf, sizeof buf, "default %llu", rt_cg_blkio_to_io_weight ((unsigned long long) v));
          if ((r = write_file (dir, "io.weight", buf, "linux.resources.blockIO.weight", err)) < 0)
            return r;
        }
      if ((r = device_rules (json_object_get (b, "weightDevice"), "linux.resources.blockIO.weightDevice", "io.weight",
                             dir, true, err)) < 0
          || (r = device_rules (json_object_get (b, "throttleReadBpsDevice"),
                                "linux.resources.blockIO.throttleReadBpsDevice", "io.max:rbps", dir, true, err)) < 0
          || (r = device_rules (json_object_get (b, "throttleWriteBpsDevice"),
                                "linux.resources.blockIO.throttleWriteBpsDevice", "io.max:wbps", dir, true, err)) < 0
          || (r = device_rules (json_object_get (b, "throttleReadIOPSDevice"),
                                "linux.resources.blockIO.throttleReadIOPSDevice", "io.max:riops", dir, true, err)) < 0
          || (r = device_rules (json_object_get (b, "throttleWriteIOPSDevice"),
                                "linux.resources.blockIO.throttleWriteIOPSDevice", "io.max:wiops", dir, true, err)) < 0)
        return r;
    }
  if ((r = hugetlb (dir, json_object_get (res, "hugepageLimits"), true, err)) < 0)
    return r;
  if (json_is_object (json_object_get (res, "network")) && json_object_size (json_object_get (res, "network")))
    return vs_fail (err, 0, "config.json: linux.resources.network: net_cls and net_prio do not exist on cgroup v2");
  return unified (dir, json_object_get (res, "unified"), err);
}

static int
v2_freeze (const struct rt_cg_target *t, bool frozen, vs_error *err)
{
  int r = write_file (t->v2_dir, "cgroup.freeze", frozen ? "1" : "0", "freezer", err);
  if (r < 0)
    return r;
  return wait_for (t->v2_dir, "cgroup.events", frozen ? "frozen 1" : "frozen 0", err);
}

static json_t *
v2_stats (const struct rt_cg_target *t)
{
  static const struct stat_file files[] = {
    { "memory.usage", "usage", NULL, "memory.current" },
    { "memory.usage", "max", NULL, "memory.peak" },
    { "memory.usage", "limit", NULL, "memory.max" },
    { "memory.swap", "usage", NULL, "memory.swap.current" },
    { "memory.swap", "limit", NULL, "memory.swap.max" },
    { "pids", "current", NULL, "pids.current" },
    { "pids", "limit", NULL, "pids.max" },
  };
  const char *dir = t->v2_dir;
  json_t *data = json_object (), *stat = read_kv (dir, "cpu.stat"), *usage = section (data, "cpu.usage");
  long long v;

  /* cpu.stat counts microseconds; the stats say nanoseconds, as v1 does */
  if (get_i64 (stat, "usage_usec", &v))
    json_object_set_new (usage, "total", json_integer (v * 1000));
  if (get_i64 (stat, "user_usec", &v))
    json_object_set_new (usage, "user", json_integer (v * 1000));
  if (get_i64 (stat, "system_usec", &v))
    json_object_set_new (usage, "kernel", json_integer (v * 1000));
  json_object_set_new (section (data, "cpu"), "throttling",
                       json_pack ("{s:O?, s:O?}", "periods", json_object_get (stat, "nr_periods"), "throttledPeriods",
                                  json_object_get (stat, "nr_throttled")));
  json_decref (stat);
  read_stat_files (data, t, files, ARRAY_SIZE (files));
  json_object_set_new (section (data, "memory"), "raw", read_kv (dir, "memory.stat"));
  /* pressure stall information, where the kernel has it */
  {
    static const char *const kinds[] = { "cpu", "memory", "io" };
    json_t *psi = json_object ();
    for (size_t i = 0; i < ARRAY_SIZE (kinds); i++)
      {
        char file[32], path[PATH_MAX];
        _cleanup_free_ char *text = NULL;
        vs_error e;
        snprintf (file, sizeof file, "%s.pressure", kinds[i]);
        snprintf (path, sizeof path, "%s/%s", dir, file);
        if (vs_read_file_at (AT_FDCWD, path, &text, NULL, &e) == 0)
          json_object_set_new (psi, kinds[i], json_string (text));
      }
    json_object_set_new (data, "pressure", psi);
  }
  return data;
}

const struct rt_cg_ops rt_cg_v2_ops = { "v2", v2_apply, v2_freeze, v2_stats };

const struct rt_cg_ops *
rt_cg_ops_for (json_t *doc, struct rt_cg_target *t)
{
  memset (t, 0, sizeof *t);
  t->v2_dir = json_string_value (json_object_get (doc, "cgroupV2Path"));
  t->v1_dirs = json_object_get (doc, "cgroupControllers");
  t->v2 = json_integer_value (json_object_get (doc, "cgroupLayout")) == RT_CGROUP_V2;
  return t->v2 ? &rt_cg_v2_ops : &rt_cg_v1_ops;
}
