/* test-cgroup.c — the v1 and v2 drivers for linux.resources, freezing and
 * statistics, pointed at fake cgroup trees in a temp dir.
 *
 * A fake tree is plain files.  Where the order or every value of repeated
 * writes matters (devices rules, memsw after limit, period before quota),
 * the files are symlinks to one FIFO read by a thread that keeps all the
 * bytes in the order they were written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/basic/error.h"
#include "unit-util.h"
#include "../../src/runtime/cgroup-resources.h"
#include "../../src/runtime/cgroup.h"

/* ------------------------------------------------------------ helpers */

struct fake
{
  char base[PATH_MAX];  /* temp dir */
  char v2[PATH_MAX];    /* base/unified/ctr */
  json_t *v1_dirs;      /* controller → base/<ctrl>/ctr */
};

static const char *const v2_files[] = {
  "cgroup.freeze", "cgroup.events", "memory.max", "memory.swap.max", "memory.low", "cpu.weight", "cpu.max",
  "cpu.idle", "cpuset.cpus", "cpuset.mems", "pids.max", "io.weight", "io.max", "hugetlb.2MB.max", NULL,
};

static const struct { const char *ctrl; const char *files[16]; } v1_layout[] = {
  { "memory", { "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes",
                "memory.kmem.tcp.limit_in_bytes", "memory.swappiness", "memory.oom_control", NULL } },
  { "cpu", { "cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.rt_period_us", "cpu.rt_runtime_us", NULL } },
  { "cpuacct", { NULL } },
  { "cpuset", { "cpuset.cpus", "cpuset.mems", NULL } },
  { "pids", { "pids.max", NULL } },
  { "blkio", { "blkio.weight", "blkio.leaf_weight", "blkio.weight_device", "blkio.throttle.read_bps_device",
               "blkio.throttle.write_bps_device", "blkio.throttle.read_iops_device",
               "blkio.throttle.write_iops_device", NULL } },
  { "devices", { "devices.allow", "devices.deny", NULL } },
  { "freezer", { "freezer.state", NULL } },
  { "net_cls", { "net_cls.classid", NULL } },
  { "net_prio", { "net_prio.ifpriomap", NULL } },
  { "hugetlb", { "hugetlb.2MB.limit_in_bytes", NULL } },
};

#define assert_file(dir, file, want)                                                                    \
  do                                                                                                    \
    {                                                                                                   \
      const char *got_ = read_text (pathf ("%s/%s", (dir), (file)));                                    \
      if (got_ == NULL)                                                                                 \
        fail_msg ("%s/%s does not exist", (dir), (file));                                               \
      if (strcmp (got_, (want)) != 0)                                                                   \
        fail_msg ("%s: got \"%s\", expected \"%s\"", (file), got_, (want));                            \
    }                                                                                                   \
  while (0)

static json_t *
J (const char *text)
{
  json_error_t je;
  json_t *v = json_loads (text, 0, &je);
  if (v == NULL)
    fail_msg ("bad JSON in test: %s: %s", text, je.text);
  return v;
}

static int
fake_setup (void **state)
{
  struct fake *f = calloc (1, sizeof *f);
  assert_non_null (f);
  strcpy (f->base, "/tmp/vessel-test-cgroup-XXXXXX");
  assert_non_null (mkdtemp (f->base));
  assert_int_equal (mkdir (pathf ("%s/unified", f->base), 0755), 0);
  snprintf (f->v2, sizeof f->v2, "%s/unified/ctr", f->base);
  assert_int_equal (mkdir (f->v2, 0755), 0);
  for (size_t i = 0; v2_files[i]; i++)
    write_text (pathf ("%s/%s", f->v2, v2_files[i]), "");
  f->v1_dirs = json_object ();
  for (size_t i = 0; i < sizeof v1_layout / sizeof v1_layout[0]; i++)
    {
      char *d = pathf ("%s/%s", f->base, v1_layout[i].ctrl);
      assert_int_equal (mkdir (d, 0755), 0);
      d = pathf ("%s/%s/ctr", f->base, v1_layout[i].ctrl);
      assert_int_equal (mkdir (d, 0755), 0);
      json_object_set_new (f->v1_dirs, v1_layout[i].ctrl, json_string (d));
      for (size_t k = 0; v1_layout[i].files[k]; k++)
        write_text (pathf ("%s/%s", d, v1_layout[i].files[k]), "");
    }
  *state = f;
  return 0;
}

static int
fake_teardown (void **state)
{
  struct fake *f = *state;
  rm_tree (f->base);
  json_decref (f->v1_dirs);
  free (f);
  return 0;
}

static const char *
v1d (struct fake *f, const char *ctrl)
{
  return json_string_value (json_object_get (f->v1_dirs, ctrl));
}

static struct rt_cg_target
v2_target (struct fake *f)
{
  return (struct rt_cg_target){ .v2 = true, .v2_dir = f->v2, .v1_dirs = NULL };
}

static struct rt_cg_target
v1_target (struct fake *f)
{
  return (struct rt_cg_target){ .v2 = false, .v2_dir = NULL, .v1_dirs = f->v1_dirs };
}

/* Apply resources (JSON text) with the driver; returns its result. */
static int
apply (const struct rt_cg_ops *ops, const struct rt_cg_target *t, const char *res, vs_error *err)
{
  json_t *r = J (res);
  int ret;
  memset (err, 0, sizeof *err);
  ret = ops->apply (t, r, err);
  json_decref (r);
  return ret;
}

static void
apply_ok (const struct rt_cg_ops *ops, const struct rt_cg_target *t, const char *res)
{
  vs_error err;
  if (apply (ops, t, res, &err) < 0)
    fail_msg ("apply %s failed: %s", res, err.msg);
}

/* Apply must fail with a one-line message containing every needle. */
static void
apply_fails (const struct rt_cg_ops *ops, const struct rt_cg_target *t, const char *res, const char *needle1,
             const char *needle2)
{
  vs_error err;
  if (apply (ops, t, res, &err) >= 0)
    fail_msg ("apply %s succeeded, expected an error naming %s", res, needle1);
  assert_one_line (err);
  assert_msg_contains (err, needle1);
  if (needle2)
    assert_msg_contains (err, needle2);
}

/* ---- the write log: files symlinked to one FIFO, read by a thread ---- */

#define LOG_END "@@END@@"

struct wlog
{
  char fifo[PATH_MAX];
  char buf[16384];
  size_t len;
  int fd; /* O_RDWR: the FIFO always has a reader (no EPIPE) and never EOF */
  pthread_t th;
};

static void *
wlog_reader (void *p)
{
  struct wlog *l = p;
  for (;;)
    {
      ssize_t n = read (l->fd, l->buf + l->len, sizeof l->buf - 1 - l->len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return NULL;
      l->len += (size_t) n;
      l->buf[l->len] = '\0';
      if (strstr (l->buf, LOG_END) || l->len >= sizeof l->buf - 1)
        return NULL;
    }
}

static void
wlog_start (struct fake *f, struct wlog *l)
{
  memset (l, 0, sizeof *l);
  snprintf (l->fifo, sizeof l->fifo, "%s/log.fifo", f->base);
  assert_int_equal (mkfifo (l->fifo, 0600), 0);
  l->fd = open (l->fifo, O_RDWR | O_CLOEXEC);
  assert_true (l->fd >= 0);
  assert_int_equal (pthread_create (&l->th, NULL, wlog_reader, l), 0);
}

/* Replace dir/file with a symlink to the log. */
static void
wlog_capture (struct wlog *l, const char *dir, const char *file)
{
  char *p = pathf ("%s/%s", dir, file);
  unlink (p);
  assert_int_equal (symlink (l->fifo, p), 0);
}

/* Everything written, in order (the end marker stripped). */
static const char *
wlog_stop (struct wlog *l)
{
  int fd = open (l->fifo, O_WRONLY | O_CLOEXEC);
  char *end;
  assert_true (fd >= 0);
  assert_int_equal (write (fd, LOG_END, strlen (LOG_END)), (ssize_t) strlen (LOG_END));
  close (fd);
  assert_int_equal (pthread_join (l->th, NULL), 0);
  close (l->fd);
  end = strstr (l->buf, LOG_END);
  if (end)
    *end = '\0';
  unlink (l->fifo);
  return l->buf;
}

/* ------------------------------------------------------------ conversions */

static void
test_shares_to_weight (void **state)
{
  (void) state;
  assert_int_equal (rt_cg_shares_to_weight (2), 1);
  assert_int_equal (rt_cg_shares_to_weight (1024), 39);
  assert_int_equal (rt_cg_shares_to_weight (262144), 10000);
  /* clamped to the v1 range */
  assert_int_equal (rt_cg_shares_to_weight (1), 1);
  assert_int_equal (rt_cg_shares_to_weight (1000000), 10000);
  assert_int_equal (rt_cg_shares_to_weight (0), 0);
}

static void
test_blkio_to_io_weight (void **state)
{
  (void) state;
  assert_int_equal (rt_cg_blkio_to_io_weight (10), 1);
  assert_int_equal (rt_cg_blkio_to_io_weight (1000), 10000);
  assert_int_equal (rt_cg_blkio_to_io_weight (500), 1 + 490 * 9999 / 990);
  assert_int_equal (rt_cg_blkio_to_io_weight (0), 0);
}

/* ------------------------------------------------------------ v2 apply */

static void
test_v2_memory (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v2_target (f);

  apply_ok (&rt_cg_v2_ops, &t, "{\"memory\":{\"limit\":104857600,\"swap\":209715200,\"reservation\":52428800}}");
  assert_file (f->v2, "memory.max", "104857600");
  /* spec swap is memory+swap: v2 gets the swap part alone */
  assert_file (f->v2, "memory.swap.max", "104857600");
  assert_file (f->v2, "memory.low", "52428800");

  apply_ok (&rt_cg_v2_ops, &t, "{\"memory\":{\"limit\":-1,\"swap\":-1,\"reservation\":-1}}");
  assert_file (f->v2, "memory.max", "max");
  assert_file (f->v2, "memory.swap.max", "max");
  assert_file (f->v2, "memory.low", "max");

  /* swap equal to the limit: no swap at all */
  apply_ok (&rt_cg_v2_ops, &t, "{\"memory\":{\"limit\":4096000,\"swap\":4096000}}");
  assert_file (f->v2, "memory.swap.max", "0");

  apply_fails (&rt_cg_v2_ops, &t, "{\"memory\":{\"limit\":200,\"swap\":100}}", "linux.resources.memory.swap", NULL);
  apply_fails (&rt_cg_v2_ops, &t, "{\"memory\":{\"swap\":100}}", "linux.resources.memory.swap", NULL);
}

static void
test_v2_cpu (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v2_target (f);

  apply_ok (&rt_cg_v2_ops, &t, "{\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,"
                               "\"cpus\":\"0-1\",\"mems\":\"0\"}}");
  assert_file (f->v2, "cpu.weight", "39");
  assert_file (f->v2, "cpu.max", "50000 100000");
  assert_file (f->v2, "cpuset.cpus", "0-1");
  assert_file (f->v2, "cpuset.mems", "0");

  apply_ok (&rt_cg_v2_ops, &t, "{\"cpu\":{\"shares\":2,\"quota\":-1,\"period\":100000}}");
  assert_file (f->v2, "cpu.weight", "1");
  assert_file (f->v2, "cpu.max", "max 100000");

  apply_ok (&rt_cg_v2_ops, &t, "{\"cpu\":{\"shares\":262144,\"quota\":25000}}");
  assert_file (f->v2, "cpu.weight", "10000");
  assert_file (f->v2, "cpu.max", "25000 100000");

  /* empty cpus/mems strings are "unset": nothing written */
  write_text (pathf ("%s/cpuset.cpus", f->v2), "keep");
  apply_ok (&rt_cg_v2_ops, &t, "{\"cpu\":{\"cpus\":\"\"}}");
  assert_file (f->v2, "cpuset.cpus", "keep");
}

static void
test_v2_pids (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v2_target (f);

  apply_ok (&rt_cg_v2_ops, &t, "{\"pids\":{\"limit\":42}}");
  assert_file (f->v2, "pids.max", "42");
  apply_ok (&rt_cg_v2_ops, &t, "{\"pids\":{\"limit\":0}}");
  assert_file (f->v2, "pids.max", "max");
  apply_ok (&rt_cg_v2_ops, &t, "{\"pids\":{\"limit\":7}}");
  apply_ok (&rt_cg_v2_ops, &t, "{\"pids\":{\"limit\":-1}}");
  assert_file (f->v2, "pids.max", "max");
}

static void
test_v2_io (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v2_target (f);
  struct wlog l;
  char want[64];

  apply_ok (&rt_cg_v2_ops, &t, "{\"blockIO\":{\"weight\":500}}");
  snprintf (want, sizeof want, "default %llu", rt_cg_blkio_to_io_weight (500));
  assert_file (f->v2, "io.weight", want);
  apply_ok (&rt_cg_v2_ops, &t, "{\"blockIO\":{\"weight\":1000}}");
  assert_file (f->v2, "io.weight", "default 10000");

  /* every throttle is its own io.max line, in order */
  wlog_start (f, &l);
  wlog_capture (&l, f->v2, "io.max");
  wlog_capture (&l, f->v2, "io.weight");
  apply_ok (&rt_cg_v2_ops, &t,
            "{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":16,\"weight\":10}],"
            "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
            "\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":2097152}],"
            "\"throttleReadIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":100}],"
            "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":200}]}}");
  assert_string_equal (wlog_stop (&l), "8:16 1"
                                       "8:0 rbps=1048576"
                                       "8:0 wbps=2097152"
                                       "8:0 riops=100"
                                       "8:0 wiops=200");

  apply_fails (&rt_cg_v2_ops, &t, "{\"blockIO\":{\"throttleReadBpsDevice\":[{\"rate\":1}]}}",
               "linux.resources.blockIO.throttleReadBpsDevice[0]", "major");
}

static void
test_v2_hugetlb_unified (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v2_target (f);

  apply_ok (&rt_cg_v2_ops, &t, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}");
  assert_file (f->v2, "hugetlb.2MB.max", "4194304");

  write_text (pathf ("%s/memory.high", f->v2), "");
  write_text (pathf ("%s/cpu.max.burst", f->v2), "");
  apply_ok (&rt_cg_v2_ops, &t, "{\"unified\":{\"memory.high\":\"123456\",\"cpu.max.burst\":\"1000\"}}");
  assert_file (f->v2, "memory.high", "123456");
  assert_file (f->v2, "cpu.max.burst", "1000");

  apply_fails (&rt_cg_v2_ops, &t, "{\"hugepageLimits\":[{\"pageSize\":\"../2MB\",\"limit\":1}]}",
               "linux.resources.hugepageLimits[0]", NULL);
}

static void
test_v2_errors (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v2_target (f);

  apply_fails (&rt_cg_v2_ops, &t, "{\"memory\":{\"swappiness\":10}}", "linux.resources.memory.swappiness", "v2");
  apply_fails (&rt_cg_v2_ops, &t, "{\"memory\":{\"disableOOMKiller\":true}}",
               "linux.resources.memory.disableOOMKiller", "v2");
  apply_fails (&rt_cg_v2_ops, &t, "{\"cpu\":{\"realtimeRuntime\":1000}}", "linux.resources.cpu.realtime", NULL);
  apply_fails (&rt_cg_v2_ops, &t, "{\"cpu\":{\"realtimePeriod\":1000}}", "linux.resources.cpu.realtime", NULL);
  apply_fails (&rt_cg_v2_ops, &t, "{\"network\":{\"classID\":1}}", "linux.resources.network", NULL);
  apply_fails (&rt_cg_v2_ops, &t, "{\"unified\":{\"../escape\":\"1\"}}", "linux.resources.unified.../escape",
               NULL);
  assert_false (exists (pathf ("%s/unified/escape", f->base)));
  apply_fails (&rt_cg_v2_ops, &t, "{\"unified\":{\"a/b\":\"1\"}}", "linux.resources.unified.a/b", NULL);
  apply_fails (&rt_cg_v2_ops, &t, "{\"unified\":{\"memory.high\":5}}", "linux.resources.unified.memory.high",
               "string");
  apply_fails (&rt_cg_v2_ops, &t, "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}",
               "linux.resources.devices", NULL);
  apply_fails (&rt_cg_v2_ops, &t, "{\"memory\":[]}", "linux.resources.memory", "object");
  apply_fails (&rt_cg_v2_ops, &t, "[]", "linux.resources", NULL);
}

/* A file the kernel would not have (its controller is not enabled in the
 * parent's subtree_control) is an error naming the field and the file; the
 * driver must not invent it. */
static void
test_v2_missing_file (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v2_target (f);

  unlink (pathf ("%s/pids.max", f->v2));
  apply_fails (&rt_cg_v2_ops, &t, "{\"pids\":{\"limit\":10}}", "linux.resources.pids.limit", "pids.max");
  assert_false (exists (pathf ("%s/pids.max", f->v2)));

  unlink (pathf ("%s/hugetlb.2MB.max", f->v2));
  apply_fails (&rt_cg_v2_ops, &t, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}",
               "linux.resources.hugepageLimits[0]", "hugetlb.2MB.max");
  assert_false (exists (pathf ("%s/hugetlb.2MB.max", f->v2)));

  apply_fails (&rt_cg_v2_ops, &t, "{\"unified\":{\"memory.nonexistent\":\"1\"}}",
               "linux.resources.unified.memory.nonexistent", "memory.nonexistent");
  assert_false (exists (pathf ("%s/memory.nonexistent", f->v2)));
}

/* ------------------------------------------------------------ v1 apply */

static void
test_v1_memory (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v1_target (f);
  const char *mem = v1d (f, "memory");
  struct wlog l;

  apply_ok (&rt_cg_v1_ops, &t, "{\"memory\":{\"limit\":104857600,\"swap\":209715200,\"reservation\":52428800,"
                               "\"swappiness\":60,\"disableOOMKiller\":true}}");
  assert_file (mem, "memory.limit_in_bytes", "104857600");
  assert_file (mem, "memory.memsw.limit_in_bytes", "209715200");
  assert_file (mem, "memory.soft_limit_in_bytes", "52428800");
  assert_file (mem, "memory.swappiness", "60");
  assert_file (mem, "memory.oom_control", "1");

  /* the limit goes first, then memsw (which must stay >= limit) */
  wlog_start (f, &l);
  wlog_capture (&l, mem, "memory.limit_in_bytes");
  wlog_capture (&l, mem, "memory.memsw.limit_in_bytes");
  apply_ok (&rt_cg_v1_ops, &t, "{\"memory\":{\"limit\":111,\"swap\":222}}");
  assert_string_equal (wlog_stop (&l), "111222");

  /* when the limit cannot be written first (the new limit is above the
   * current memsw), memsw is raised first, then the limit is retried */
  unlink (pathf ("%s/memory.limit_in_bytes", mem));
  unlink (pathf ("%s/memory.memsw.limit_in_bytes", mem));
  assert_int_equal (mkdir (pathf ("%s/memory.limit_in_bytes", mem), 0755), 0); /* writes fail */
  write_text (pathf ("%s/memory.memsw.limit_in_bytes", mem), "");
  apply_fails (&rt_cg_v1_ops, &t, "{\"memory\":{\"limit\":333,\"swap\":444}}", "linux.resources.memory.limit",
               NULL);
  assert_file (mem, "memory.memsw.limit_in_bytes", "444");
  /* without swap the failed limit is the error */
  write_text (pathf ("%s/memory.memsw.limit_in_bytes", mem), "");
  apply_fails (&rt_cg_v1_ops, &t, "{\"memory\":{\"limit\":333}}", "linux.resources.memory.limit", NULL);
  assert_file (mem, "memory.memsw.limit_in_bytes", "");

  /* -1 is written as is: v1's "unlimited" */
  rmdir (pathf ("%s/memory.limit_in_bytes", mem));
  write_text (pathf ("%s/memory.limit_in_bytes", mem), "");
  apply_ok (&rt_cg_v1_ops, &t, "{\"memory\":{\"limit\":-1}}");
  assert_file (mem, "memory.limit_in_bytes", "-1");

  /* swappiness is range-checked before anything reaches the kernel */
  write_text (pathf ("%s/memory.swappiness", mem), "");
  apply_fails (&rt_cg_v1_ops, &t, "{\"memory\":{\"swappiness\":101}}", "linux.resources.memory.swappiness", "101");
  assert_file (mem, "memory.swappiness", "");
  apply_fails (&rt_cg_v1_ops, &t, "{\"memory\":{\"swappiness\":-2}}", "linux.resources.memory.swappiness", NULL);
  apply_ok (&rt_cg_v1_ops, &t, "{\"memory\":{\"swappiness\":0}}");
  assert_file (mem, "memory.swappiness", "0");

  /* disableOOMKiller false leaves oom_control alone */
  write_text (pathf ("%s/memory.oom_control", mem), "");
  apply_ok (&rt_cg_v1_ops, &t, "{\"memory\":{\"disableOOMKiller\":false}}");
  assert_file (mem, "memory.oom_control", "");
}

static void
test_v1_cpu (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v1_target (f);
  const char *cpu = v1d (f, "cpu"), *cpuset = v1d (f, "cpuset");
  struct wlog l;

  apply_ok (&rt_cg_v1_ops, &t, "{\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0\","
                               "\"mems\":\"0\",\"realtimePeriod\":1000000,\"realtimeRuntime\":950000}}");
  assert_file (cpu, "cpu.shares", "512");
  assert_file (cpu, "cpu.cfs_quota_us", "50000");
  assert_file (cpu, "cpu.cfs_period_us", "100000");
  assert_file (cpu, "cpu.rt_period_us", "1000000");
  assert_file (cpu, "cpu.rt_runtime_us", "950000");
  assert_file (cpuset, "cpuset.cpus", "0");
  assert_file (cpuset, "cpuset.mems", "0");

  /* period before quota: a quota above the old period must not be refused */
  wlog_start (f, &l);
  wlog_capture (&l, cpu, "cpu.cfs_period_us");
  wlog_capture (&l, cpu, "cpu.cfs_quota_us");
  apply_ok (&rt_cg_v1_ops, &t, "{\"cpu\":{\"quota\":300000,\"period\":250000}}");
  assert_string_equal (wlog_stop (&l), "250000300000");
}

static void
test_v1_pids_blkio (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v1_target (f);
  const char *pids = v1d (f, "pids"), *blk = v1d (f, "blkio");
  struct wlog l;

  apply_ok (&rt_cg_v1_ops, &t, "{\"pids\":{\"limit\":100}}");
  assert_file (pids, "pids.max", "100");
  apply_ok (&rt_cg_v1_ops, &t, "{\"pids\":{\"limit\":-1}}");
  assert_file (pids, "pids.max", "max");
  apply_ok (&rt_cg_v1_ops, &t, "{\"pids\":{\"limit\":0}}");
  assert_file (pids, "pids.max", "max");

  apply_ok (&rt_cg_v1_ops, &t,
            "{\"blockIO\":{\"weight\":300,\"leafWeight\":200,"
            "\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":500}],"
            "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
            "\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":2097152}],"
            "\"throttleReadIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":100}],"
            "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":200}]}}");
  assert_file (blk, "blkio.weight", "300");
  assert_file (blk, "blkio.leaf_weight", "200");
  assert_file (blk, "blkio.weight_device", "8:0 500");
  assert_file (blk, "blkio.throttle.read_bps_device", "8:0 1048576");
  assert_file (blk, "blkio.throttle.write_bps_device", "8:0 2097152");
  assert_file (blk, "blkio.throttle.read_iops_device", "8:0 100");
  assert_file (blk, "blkio.throttle.write_iops_device", "8:0 200");

  /* two devices: two writes, one line each */
  wlog_start (f, &l);
  wlog_capture (&l, blk, "blkio.throttle.read_bps_device");
  apply_ok (&rt_cg_v1_ops, &t, "{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1},"
                               "{\"major\":8,\"minor\":16,\"rate\":2}]}}");
  assert_string_equal (wlog_stop (&l), "8:0 18:16 2");

  apply_fails (&rt_cg_v1_ops, &t, "{\"blockIO\":{\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0}]}}",
               "linux.resources.blockIO.throttleWriteIOPSDevice[0]", "rate");
}

static void
test_v1_devices (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v1_target (f);
  const char *dev = v1d (f, "devices");
  struct wlog l;

  wlog_start (f, &l);
  wlog_capture (&l, dev, "devices.allow");
  wlog_capture (&l, dev, "devices.deny");
  apply_ok (&rt_cg_v1_ops, &t, "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                               "{\"allow\":true,\"type\":\"c\",\"major\":4,\"minor\":64,\"access\":\"rw\"},"
                               "{\"allow\":false,\"type\":\"b\",\"major\":8,\"access\":\"m\"},"
                               "{\"allow\":true,\"type\":\"c\",\"minor\":-1,\"major\":-1,\"access\":\"r\"}]}");
  /* the config's rules, in order, then the defaults every container gets */
  assert_string_equal (wlog_stop (&l), "a"
                                       "c 4:64 rw"
                                       "b 8:* m"
                                       "c *:* r"
                                       "c *:* m"
                                       "b *:* m"
                                       "c 1:3 rwm"
                                       "c 1:5 rwm"
                                       "c 1:7 rwm"
                                       "c 1:8 rwm"
                                       "c 1:9 rwm"
                                       "c 5:0 rwm"
                                       "c 5:1 rwm"
                                       "c 5:2 rwm"
                                       "c 136:* rwm"
                                       "c 10:200 rwm");

  apply_fails (&rt_cg_v1_ops, &t, "{\"devices\":[{\"access\":\"rwm\"}]}", "linux.resources.devices[0].allow", NULL);
  apply_fails (&rt_cg_v1_ops, &t, "{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}",
               "linux.resources.devices[0].type", NULL);
  apply_fails (&rt_cg_v1_ops, &t, "{\"devices\":[{\"allow\":true},{\"allow\":true,\"type\":\"c\",\"access\":\"rwx\"}]}",
               "linux.resources.devices[1].access", NULL);
  apply_fails (&rt_cg_v1_ops, &t, "{\"devices\":{}}", "linux.resources.devices", "array");
}

static void
test_v1_net_hugetlb (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v1_target (f);
  struct wlog l;

  apply_ok (&rt_cg_v1_ops, &t, "{\"network\":{\"classID\":1048577}}");
  assert_file (v1d (f, "net_cls"), "net_cls.classid", "1048577");

  wlog_start (f, &l);
  wlog_capture (&l, v1d (f, "net_prio"), "net_prio.ifpriomap");
  apply_ok (&rt_cg_v1_ops, &t, "{\"network\":{\"priorities\":[{\"name\":\"eth0\",\"priority\":5},"
                               "{\"name\":\"lo\",\"priority\":2}]}}");
  assert_string_equal (wlog_stop (&l), "eth0 5lo 2");
  apply_fails (&rt_cg_v1_ops, &t, "{\"network\":{\"priorities\":[{\"name\":\"eth0\"}]}}",
               "linux.resources.network.priorities[0]", NULL);

  apply_ok (&rt_cg_v1_ops, &t, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":8388608}]}");
  assert_file (v1d (f, "hugetlb"), "hugetlb.2MB.limit_in_bytes", "8388608");

  /* hybrid without a v1 hugetlb: the unified folder's v2 file */
  json_object_del (f->v1_dirs, "hugetlb");
  t.v2_dir = f->v2;
  apply_ok (&rt_cg_v1_ops, &t, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":2097152}]}");
  assert_file (f->v2, "hugetlb.2MB.max", "2097152");

  /* unified on a hybrid host goes to the cgroup2 folder; none on pure v1 */
  write_text (pathf ("%s/memory.high", f->v2), "");
  apply_ok (&rt_cg_v1_ops, &t, "{\"unified\":{\"memory.high\":\"1000\"}}");
  assert_file (f->v2, "memory.high", "1000");
  t.v2_dir = NULL;
  apply_fails (&rt_cg_v1_ops, &t, "{\"unified\":{\"memory.high\":\"1000\"}}", "linux.resources.unified", NULL);
}

static void
test_v1_missing_controller (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v1_target (f);

  /* a controller the host does not mount at all */
  json_object_del (f->v1_dirs, "net_cls");
  apply_fails (&rt_cg_v1_ops, &t, "{\"network\":{\"classID\":1}}", "linux.resources.network.classID", NULL);
  json_object_del (f->v1_dirs, "memory");
  apply_fails (&rt_cg_v1_ops, &t, "{\"memory\":{\"limit\":1000000}}", "linux.resources.memory.limit", NULL);
  json_object_del (f->v1_dirs, "pids");
  apply_fails (&rt_cg_v1_ops, &t, "{\"pids\":{\"limit\":5}}", "linux.resources.pids.limit", NULL);
  json_object_del (f->v1_dirs, "hugetlb");
  apply_fails (&rt_cg_v1_ops, &t, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}",
               "linux.resources.hugepageLimits[0]", NULL);

  /* a recorded folder that is gone: an error naming the field and file */
  json_object_set_new (f->v1_dirs, "cpu", json_string (pathf ("%s/cpu/gone", f->base)));
  apply_fails (&rt_cg_v1_ops, &t, "{\"cpu\":{\"shares\":100}}", "linux.resources.cpu.shares", "cpu.shares");
  assert_false (exists (pathf ("%s/cpu/gone", f->base)));

  /* a file the controller does not have: not invented */
  unlink (pathf ("%s/cpu.rt_runtime_us", v1d (f, "cpuset")));
  unlink (pathf ("%s/memory.kmem.tcp.limit_in_bytes", pathf ("%s/memory/ctr", f->base)));
  json_object_set_new (f->v1_dirs, "memory", json_string (pathf ("%s/memory/ctr", f->base)));
  apply_fails (&rt_cg_v1_ops, &t, "{\"memory\":{\"kernelTCP\":1000}}", "linux.resources.memory.kernelTCP",
               "memory.kmem.tcp.limit_in_bytes");
  assert_false (exists (pathf ("%s/memory/ctr/memory.kmem.tcp.limit_in_bytes", f->base)));
}

/* ------------------------------------------------------------ freeze */

static void
test_v2_freeze (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v2_target (f);
  vs_error err = { 0 };

  write_text (pathf ("%s/cgroup.events", f->v2), "populated 1\nfrozen 1\n");
  if (rt_cg_v2_ops.freeze (&t, true, &err) < 0)
    fail_msg ("freeze: %s", err.msg);
  assert_file (f->v2, "cgroup.freeze", "1");

  write_text (pathf ("%s/cgroup.events", f->v2), "populated 1\nfrozen 0\n");
  if (rt_cg_v2_ops.freeze (&t, false, &err) < 0)
    fail_msg ("thaw: %s", err.msg);
  assert_file (f->v2, "cgroup.freeze", "0");

  /* the kernel never reports frozen: a time-out, not a hang */
  memset (&err, 0, sizeof err);
  assert_true (rt_cg_v2_ops.freeze (&t, true, &err) < 0);
  assert_one_line (err);
  assert_msg_contains (err, "frozen 1");
  assert_msg_contains (err, "cgroup.events");
}

static void
test_v1_freeze (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v1_target (f);
  const char *fz = v1d (f, "freezer");
  vs_error err = { 0 };

  write_text (pathf ("%s/freezer.state", fz), "FROZEN\n");
  if (rt_cg_v1_ops.freeze (&t, true, &err) < 0)
    fail_msg ("freeze: %s", err.msg);
  assert_file (fz, "freezer.state", "FROZEN");
  if (rt_cg_v1_ops.freeze (&t, false, &err) < 0)
    fail_msg ("thaw: %s", err.msg);
  assert_file (fz, "freezer.state", "THAWED");

  json_object_del (f->v1_dirs, "freezer");
  memset (&err, 0, sizeof err);
  assert_true (rt_cg_v1_ops.freeze (&t, true, &err) < 0);
  assert_one_line (err);
  assert_msg_contains (err, "freezer");
}

/* ------------------------------------------------------------ stats */

static long long
jint (json_t *o, const char *path)
{
  char buf[256], *save = NULL;
  json_t *v = o;
  snprintf (buf, sizeof buf, "%s", path);
  for (char *k = strtok_r (buf, ".", &save); k; k = strtok_r (NULL, ".", &save))
    v = json_object_get (v, k);
  if (!json_is_integer (v))
    fail_msg ("%s is not an integer", path);
  return (long long) json_integer_value (v);
}

static void
test_v1_stats (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v1_target (f);
  const char *mem = v1d (f, "memory");
  json_t *s;

  write_text (pathf ("%s/cpuacct.usage", v1d (f, "cpuacct")), "123456789\n");
  write_text (pathf ("%s/cpuacct.usage_user", v1d (f, "cpuacct")), "100\n");
  write_text (pathf ("%s/cpuacct.usage_sys", v1d (f, "cpuacct")), "23\n");
  write_text (pathf ("%s/cpu.stat", v1d (f, "cpu")), "nr_periods 10\nnr_throttled 3\nthrottled_time 4000\n");
  write_text (pathf ("%s/memory.usage_in_bytes", mem), "4096000\n");
  write_text (pathf ("%s/memory.max_usage_in_bytes", mem), "8192000\n");
  write_text (pathf ("%s/memory.limit_in_bytes", mem), "104857600\n");
  write_text (pathf ("%s/memory.stat", mem), "cache 4096\nrss 8192\ntotal_rss 8192\n");
  write_text (pathf ("%s/pids.current", v1d (f, "pids")), "3\n");
  write_text (pathf ("%s/pids.max", v1d (f, "pids")), "max\n");

  s = rt_cg_v1_ops.stats (&t);
  assert_non_null (s);
  assert_int_equal (jint (s, "cpu.usage.total"), 123456789);
  assert_int_equal (jint (s, "cpu.usage.user"), 100);
  assert_int_equal (jint (s, "cpu.usage.kernel"), 23);
  assert_int_equal (jint (s, "cpu.throttling.periods"), 10);
  assert_int_equal (jint (s, "cpu.throttling.throttledPeriods"), 3);
  assert_int_equal (jint (s, "memory.usage.usage"), 4096000);
  assert_int_equal (jint (s, "memory.usage.max"), 8192000);
  assert_int_equal (jint (s, "memory.usage.limit"), 104857600);
  assert_int_equal (jint (s, "memory.raw.cache"), 4096);
  assert_int_equal (jint (s, "memory.raw.rss"), 8192);
  assert_int_equal (jint (s, "pids.current"), 3);
  json_decref (s);

  /* missing files leave keys out; nothing crashes */
  json_object_clear (f->v1_dirs);
  s = rt_cg_v1_ops.stats (&t);
  assert_non_null (s);
  assert_null (json_object_get (json_object_get (s, "pids"), "current"));
  json_decref (s);
}

static void
test_v2_stats (void **state)
{
  struct fake *f = *state;
  struct rt_cg_target t = v2_target (f);
  json_t *s;

  write_text (pathf ("%s/cpu.stat", f->v2), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n"
                                            "nr_periods 7\nnr_throttled 2\n");
  write_text (pathf ("%s/memory.current", f->v2), "2048000\n");
  write_text (pathf ("%s/memory.max", f->v2), "104857600\n");
  write_text (pathf ("%s/memory.stat", f->v2), "anon 4096\nfile 8192\n");
  write_text (pathf ("%s/pids.current", f->v2), "2\n");
  write_text (pathf ("%s/pids.max", f->v2), "10\n");
  write_text (pathf ("%s/cpu.pressure", f->v2), "some avg10=0.00 avg60=0.00 avg300=0.00 total=42\n");

  s = rt_cg_v2_ops.stats (&t);
  assert_non_null (s);
  assert_int_equal (jint (s, "cpu.usage.total"), 1500000);
  assert_int_equal (jint (s, "cpu.usage.user"), 1000000);
  assert_int_equal (jint (s, "cpu.usage.kernel"), 500000);
  assert_int_equal (jint (s, "cpu.throttling.periods"), 7);
  assert_int_equal (jint (s, "memory.usage.usage"), 2048000);
  assert_int_equal (jint (s, "memory.usage.limit"), 104857600);
  assert_int_equal (jint (s, "memory.raw.anon"), 4096);
  assert_int_equal (jint (s, "memory.raw.file"), 8192);
  assert_int_equal (jint (s, "pids.current"), 2);
  assert_int_equal (jint (s, "pids.limit"), 10);
  {
    json_t *psi = json_object_get (json_object_get (s, "pressure"), "cpu");
    assert_true (json_is_string (psi));
    assert_non_null (strstr (json_string_value (psi), "total=42"));
    assert_null (json_object_get (json_object_get (s, "pressure"), "io"));
  }
  json_decref (s);
}

/* The quick reading (conventional places, no mountinfo) finds what the
 * full reading of /proc/self/mountinfo finds on this host. */
static void
test_detect_agrees_with_mountinfo (void **state)
{
  struct rt_cgroup_hosts quick, full;
  vs_error err = { 0 };
  (void) state;

  assert_int_equal (rt_cgroup_detect (&quick, &err), 0);
  assert_int_equal (rt_cgroup_detect_from ("/proc/self/mountinfo", "/proc/self/cgroup", &full, &err), 0);
  assert_int_equal (quick.layout, full.layout);
  assert_int_equal (quick.n, full.n);
  for (size_t i = 0; i < quick.n; i++)
    {
      assert_string_equal (quick.h[i].mountpoint, full.h[i].mountpoint);
      assert_string_equal (quick.h[i].controllers, full.h[i].controllers);
      assert_string_equal (quick.h[i].own_path, full.h[i].own_path);
      assert_int_equal (quick.h[i].v2, full.h[i].v2);
    }
  rt_cgroup_hosts_free (&quick);
  rt_cgroup_hosts_free (&full);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_shares_to_weight),
    cmocka_unit_test (test_blkio_to_io_weight),
    cmocka_unit_test_setup_teardown (test_v2_memory, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v2_cpu, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v2_pids, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v2_io, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v2_hugetlb_unified, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v2_errors, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v2_missing_file, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v1_memory, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v1_cpu, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v1_pids_blkio, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v1_devices, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v1_net_hugetlb, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v1_missing_controller, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v2_freeze, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v1_freeze, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v1_stats, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown (test_v2_stats, fake_setup, fake_teardown),
    cmocka_unit_test (test_detect_agrees_with_mountinfo),
  };
  return cmocka_run_group_tests_name ("cgroup", tests, NULL, NULL);
}
