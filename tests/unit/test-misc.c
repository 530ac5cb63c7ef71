/* test-misc.c — signal names, container ids, cgroup layout detection and
 * paths, path resolution clamped inside a root, file helpers, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/basic/error.h"
#include "unit-util.h"
#include "../../src/basic/fs-util.h"
#include "../../src/basic/safe-path.h"
#include "../../src/runtime/cgroup.h"
#include "../../src/runtime/container.h"
#include "../../src/runtime/state.h"

/* ------------------------------------------------------------ helpers */

static ino_t
ino_of (const char *path)
{
  struct stat st;
  if (stat (path, &st) < 0)
    fail_msg ("stat %s: %s", path, strerror (errno));
  return st.st_ino;
}

static void
assert_fd_is (int fd, const char *path)
{
  struct stat a, b;
  assert_true (fd >= 0);
  assert_int_equal (fstat (fd, &a), 0);
  if (stat (path, &b) < 0)
    fail_msg ("expected object %s does not exist: %s", path, strerror (errno));
  if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
    fail_msg ("fd resolves to inode %lu, expected %s (inode %lu)", (unsigned long) a.st_ino, path,
              (unsigned long) b.st_ino);
}

/* Run fn(arg) in a child so that a sanitizer abort fails only this check.
 * Returns false if the child did not exit normally; *out gets its result. */
static bool
run_isolated (int (*fn) (const char *), const char *arg, int *out)
{
  int p[2];
  pid_t pid;
  int status, r = 0;
  assert_int_equal (pipe (p), 0);
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      close (p[0]);
      r = fn (arg);
      if (write (p[1], &r, sizeof r) != sizeof r)
        _exit (3);
      _exit (0);
    }
  close (p[1]);
  ssize_t n = read (p[0], &r, sizeof r);
  close (p[0]);
  assert_int_equal (waitpid (pid, &status, 0), pid);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0 || n != sizeof r)
    return false;
  *out = r;
  return true;
}

/* ------------------------------------------------------------ signals */

static void
test_signal_parse (void **state)
{
  (void) state;
  assert_int_equal (rt_signal_parse ("KILL"), SIGKILL);
  assert_int_equal (rt_signal_parse ("SIGKILL"), SIGKILL);
  assert_int_equal (rt_signal_parse ("sigterm"), SIGTERM);
  assert_int_equal (rt_signal_parse ("term"), SIGTERM);
  assert_int_equal (rt_signal_parse ("SigHup"), SIGHUP);
  assert_int_equal (rt_signal_parse ("USR1"), SIGUSR1);
  assert_int_equal (rt_signal_parse ("WINCH"), SIGWINCH);
  assert_int_equal (rt_signal_parse ("9"), 9);
  assert_int_equal (rt_signal_parse ("15"), SIGTERM);
  assert_int_equal (rt_signal_parse ("1"), 1);
  assert_int_equal (rt_signal_parse ("64"), SIGRTMAX);

  assert_int_equal (rt_signal_parse ("RTMIN"), SIGRTMIN);
  assert_int_equal (rt_signal_parse ("RTMIN+1"), SIGRTMIN + 1);
  assert_int_equal (rt_signal_parse ("SIGRTMIN+3"), SIGRTMIN + 3);
  assert_int_equal (rt_signal_parse ("rtmin+2"), SIGRTMIN + 2);
  assert_int_equal (rt_signal_parse ("RTMAX"), SIGRTMAX);
  assert_int_equal (rt_signal_parse ("RTMAX-1"), SIGRTMAX - 1);
  assert_int_equal (rt_signal_parse ("SIGRTMAX-2"), SIGRTMAX - 2);
  assert_int_equal (rt_signal_parse ("RTMAX-" "30"), SIGRTMAX - 30);
  assert_int_equal (rt_signal_parse ("RTMIN+30"), SIGRTMIN + 30);

  /* Not signals: 0 is "check only", not a signal to deliver. */
  assert_int_equal (rt_signal_parse ("0"), -1);
  assert_int_equal (rt_signal_parse ("65"), -1);
  assert_int_equal (rt_signal_parse ("-9"), -1);
  assert_int_equal (rt_signal_parse ("99999999999999999999999"), -1);
  assert_int_equal (rt_signal_parse ("NOPE"), -1);
  assert_int_equal (rt_signal_parse ("SIGNOPE"), -1);
  assert_int_equal (rt_signal_parse ("SIG"), -1);
  assert_int_equal (rt_signal_parse (""), -1);
  assert_int_equal (rt_signal_parse (NULL), -1);
  assert_int_equal (rt_signal_parse ("9x"), -1);
  assert_int_equal (rt_signal_parse ("KILLX"), -1);
  assert_int_equal (rt_signal_parse ("SIGRTMIN+99"), -1);
  assert_int_equal (rt_signal_parse ("RTMIN-1"), -1);
  assert_int_equal (rt_signal_parse ("RTMAX+1"), -1);
  assert_int_equal (rt_signal_parse ("RTMIN+1x"), -1);
  assert_int_equal (rt_signal_parse ("RTMAX-99999999999999999999"), -1);
}

static int
signal_parse_wrapper (const char *s)
{
  return rt_signal_parse (s);
}

/* A huge offset must be rejected, not overflow (signed overflow is UB and
 * aborts under UBSan), so each case runs in a child. */
static void
test_signal_parse_huge_offset (void **state)
{
  (void) state;
  static const char *const cases[] = { "RTMIN+9223372036854775807", "RTMAX+9223372036854775807",
                                       "RTMIN-9223372036854775808", "SIGRTMIN+99999999999999999999" };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      int r = 0;
      if (!run_isolated (signal_parse_wrapper, cases[i], &r))
        fail_msg ("rt_signal_parse(\"%s\") crashed (undefined behaviour)", cases[i]);
      if (r != -1)
        fail_msg ("rt_signal_parse(\"%s\") = %d, expected -1", cases[i], r);
    }
}

/* ------------------------------------------------------------ ids */

static void
test_state_check_id (void **state)
{
  (void) state;
  vs_error err = { 0 };
  char big[1026];

  assert_int_equal (rt_state_check_id ("abc", &err), 0);
  assert_int_equal (rt_state_check_id ("a", &err), 0);
  assert_int_equal (rt_state_check_id ("My-Container_1.2+x", &err), 0);
  assert_int_equal (rt_state_check_id ("0123456789", &err), 0);
  assert_int_equal (rt_state_check_id ("a.", &err), 0);

  memset (big, 'x', 1024);
  big[1024] = '\0';
  assert_int_equal (rt_state_check_id (big, &err), 0);

  static const char *const bad[] = { "", ".hidden", ".", "..", "../x", "a/b", "/abs", "a b", "a\nb",
                                     "tab\t", "semi;colon", "x:y", "star*", "é" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      memset (&err, 0, sizeof err);
      int r = rt_state_check_id (bad[i], &err);
      if (r >= 0)
        fail_msg ("id \"%s\" was accepted", bad[i]);
      assert_int_equal (r, -EINVAL);
      assert_msg_contains (err, "invalid container id");
    }

  memset (big, 'x', 1025);
  big[1025] = '\0';
  assert_int_equal (rt_state_check_id (big, &err), -EINVAL);
  assert_msg_contains (err, "invalid container id");
}

/* ------------------------------------------------------------ cgroups */

struct cg_fixture
{
  char dir[64];
  char mountinfo[128];
  char self[128];
};

static void
cg_write (struct cg_fixture *f, const char *mountinfo, const char *self)
{
  strcpy (f->dir, "/tmp/vessel-test-cg-XXXXXX");
  assert_non_null (mkdtemp (f->dir));
  snprintf (f->mountinfo, sizeof f->mountinfo, "%s/mountinfo", f->dir);
  snprintf (f->self, sizeof f->self, "%s/cgroup", f->dir);
  write_text (f->mountinfo, mountinfo);
  write_text (f->self, self);
}

static void
cg_cleanup (struct cg_fixture *f)
{
  rm_tree (f->dir);
}

#define MI_BASE                                                                                       \
  "22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro\n"                 \
  "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"                    \
  "24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw\n"                    \
  "26 24 0:24 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755,inode64\n"

#define MI_V1                                                                                         \
  "27 26 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:5 - cgroup cgroup "    \
  "rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd\n"                          \
  "30 26 0:28 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:8 - cgroup cgroup "     \
  "rw,cpuset\n"                                                                                       \
  "31 26 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:9 - cgroup "       \
  "cgroup rw,cpu,cpuacct\n"                                                                           \
  "32 26 0:30 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup "    \
  "rw,memory\n"                                                                                       \
  "33 26 0:31 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:11 - "        \
  "cgroup cgroup rw,net_cls,net_prio\n"

#define SELF_V1                                                                                       \
  "12:rdma:/\n"                                                                                       \
  "10:net_cls,net_prio:/\n"                                                                           \
  "5:memory:/user.slice/user-1000.slice/session-2.scope\n"                                            \
  "4:cpu,cpuacct:/user.slice\n"                                                                       \
  "3:cpuset:/\n"                                                                                      \
  "1:name=systemd:/user.slice/user-1000.slice/session-2.scope\n"

static const struct rt_cgroup_hier *
find_hier (const struct rt_cgroup_hosts *h, const char *controllers)
{
  for (size_t i = 0; i < h->n; i++)
    if (strcmp (h->h[i].controllers, controllers) == 0)
      return &h->h[i];
  fail_msg ("no hierarchy with controllers \"%s\"", controllers);
  return NULL;
}

static void
assert_hier (const struct rt_cgroup_hosts *h, const char *controllers, const char *mountpoint,
             const char *own, bool v2)
{
  const struct rt_cgroup_hier *x = find_hier (h, controllers);
  assert_string_equal (x->mountpoint, mountpoint);
  assert_string_equal (x->own_path, own);
  assert_int_equal (x->v2, v2);
}

static void
test_cgroup_detect_v1 (void **state)
{
  (void) state;
  struct cg_fixture f;
  struct rt_cgroup_hosts h;
  vs_error err = { 0 };

  cg_write (&f, MI_BASE MI_V1, SELF_V1);
  int r = rt_cgroup_detect_from (f.mountinfo, f.self, &h, &err);
  if (r < 0)
    fail_msg ("detect failed: %s", err.msg);
  assert_int_equal (h.layout, RT_CGROUP_V1);
  /* rdma has no mount and is skipped */
  assert_int_equal (h.n, 5);
  assert_hier (&h, "net_cls,net_prio", "/sys/fs/cgroup/net_cls,net_prio", "/", false);
  assert_hier (&h, "memory", "/sys/fs/cgroup/memory", "/user.slice/user-1000.slice/session-2.scope", false);
  assert_hier (&h, "cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct", "/user.slice", false);
  /* "cpuset" must not be confused with "cpu" */
  assert_hier (&h, "cpuset", "/sys/fs/cgroup/cpuset", "/", false);
  assert_hier (&h, "name=systemd", "/sys/fs/cgroup/systemd", "/user.slice/user-1000.slice/session-2.scope", false);
  /* in /proc/self/cgroup order */
  assert_string_equal (h.h[0].controllers, "net_cls,net_prio");
  assert_string_equal (h.h[4].controllers, "name=systemd");
  rt_cgroup_hosts_free (&h);
  assert_int_equal (h.n, 0);
  assert_null (h.h);
  cg_cleanup (&f);
}

static void
test_cgroup_detect_hybrid (void **state)
{
  (void) state;
  struct cg_fixture f;
  struct rt_cgroup_hosts h;
  vs_error err = { 0 };

  cg_write (&f,
            MI_BASE "28 26 0:26 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:6 - cgroup2 "
                    "cgroup2 rw,nsdelegate\n" MI_V1,
            SELF_V1 "0::/user.slice/user-1000.slice/session-2.scope\n");
  int r = rt_cgroup_detect_from (f.mountinfo, f.self, &h, &err);
  if (r < 0)
    fail_msg ("detect failed: %s", err.msg);
  assert_int_equal (h.layout, RT_CGROUP_HYBRID);
  assert_int_equal (h.n, 6);
  assert_hier (&h, "", "/sys/fs/cgroup/unified", "/user.slice/user-1000.slice/session-2.scope", true);
  assert_hier (&h, "memory", "/sys/fs/cgroup/memory", "/user.slice/user-1000.slice/session-2.scope", false);
  assert_hier (&h, "cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct", "/user.slice", false);
  assert_hier (&h, "name=systemd", "/sys/fs/cgroup/systemd", "/user.slice/user-1000.slice/session-2.scope", false);
  rt_cgroup_hosts_free (&h);
  cg_cleanup (&f);
}

static void
test_cgroup_detect_v2 (void **state)
{
  (void) state;
  struct cg_fixture f;
  struct rt_cgroup_hosts h;
  vs_error err = { 0 };

  cg_write (&f,
            "22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw\n"
            "24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw\n"
            "25 24 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
            "rw,nsdelegate,memory_recursiveprot\n"
            "40 22 0:40 / /run/user/1000 rw,nosuid,nodev,relatime shared:300 - tmpfs tmpfs rw,size=1600k\n",
            "0::/user.slice/user-1000.slice/user@1000.service/app.slice/vte-spawn-1.scope\n");
  int r = rt_cgroup_detect_from (f.mountinfo, f.self, &h, &err);
  if (r < 0)
    fail_msg ("detect failed: %s", err.msg);
  assert_int_equal (h.layout, RT_CGROUP_V2);
  assert_int_equal (h.n, 1);
  assert_string_equal (h.h[0].mountpoint, "/sys/fs/cgroup");
  assert_string_equal (h.h[0].controllers, "");
  assert_string_equal (h.h[0].own_path, "/user.slice/user-1000.slice/user@1000.service/app.slice/vte-spawn-1.scope");
  assert_true (h.h[0].v2);
  rt_cgroup_hosts_free (&h);
  cg_cleanup (&f);
}

static void
test_cgroup_detect_errors (void **state)
{
  (void) state;
  struct cg_fixture f;
  struct rt_cgroup_hosts h;
  vs_error err = { 0 };

  /* no cgroup filesystem at all */
  cg_write (&f, MI_BASE, "0::/\n");
  assert_int_equal (rt_cgroup_detect_from (f.mountinfo, f.self, &h, &err), -ENOENT);
  assert_msg_contains (err, "find any cgroup hierarchy");
  assert_int_equal (h.n, 0);
  cg_cleanup (&f);

  /* missing files */
  assert_int_equal (rt_cgroup_detect_from ("/nonexistent/mountinfo", "/proc/self/cgroup", &h, &err), -ENOENT);
  assert_msg_contains (err, "/nonexistent/mountinfo");
  cg_write (&f, MI_BASE MI_V1, SELF_V1);
  assert_int_equal (rt_cgroup_detect_from (f.mountinfo, "/nonexistent/cgroup", &h, &err), -ENOENT);
  assert_msg_contains (err, "/nonexistent/cgroup");
  cg_cleanup (&f);
}

/* Without a cgroup namespace (Docker on v1, or bind-mounted hierarchies),
 * the hierarchy is mounted at a sub-cgroup: mountinfo's root field is
 * /docker/abc and /proc/self/cgroup says /docker/abc.  The process's cgroup
 * *inside the mount* is then "/", not /docker/abc (runc subtracts the root). */
static void
test_cgroup_detect_mount_root (void **state)
{
  (void) state;
  struct cg_fixture f;
  struct rt_cgroup_hosts h;
  vs_error err = { 0 };

  cg_write (&f,
            "700 600 0:30 /docker/abc /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime master:10 - cgroup "
            "cgroup rw,memory\n"
            "701 600 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid,nodev,noexec,relatime master:9 - "
            "cgroup cgroup rw,cpu,cpuacct\n",
            "5:memory:/docker/abc/sub\n4:cpu,cpuacct:/docker/abc\n");
  int r = rt_cgroup_detect_from (f.mountinfo, f.self, &h, &err);
  cg_cleanup (&f);
  if (r < 0)
    fail_msg ("detect failed: %s", err.msg);
  /* copy out and free first, so that a failed assertion does not leak */
  char cpu_own[256] = "", mem_own[256] = "";
  size_t n = h.n;
  enum rt_cgroup_layout layout = h.layout;
  for (size_t i = 0; i < h.n; i++)
    {
      if (strcmp (h.h[i].controllers, "cpu,cpuacct") == 0)
        snprintf (cpu_own, sizeof cpu_own, "%s", h.h[i].own_path);
      if (strcmp (h.h[i].controllers, "memory") == 0)
        snprintf (mem_own, sizeof mem_own, "%s", h.h[i].own_path);
    }
  rt_cgroup_hosts_free (&h);
  assert_int_equal (layout, RT_CGROUP_V1);
  assert_int_equal (n, 2);
  assert_string_equal (cpu_own, "/");
  assert_string_equal (mem_own, "/sub");
}

static void
test_cgroup_dir_for (void **state)
{
  (void) state;
  struct rt_cgroup_hier v2 = { .mountpoint = (char *) "/sys/fs/cgroup",
                               .controllers = (char *) "",
                               .own_path = (char *) "/user.slice/session-2.scope",
                               .v2 = true };
  struct rt_cgroup_hier mem = { .mountpoint = (char *) "/sys/fs/cgroup/memory",
                                .controllers = (char *) "memory",
                                .own_path = (char *) "/",
                                .v2 = false };
  vs_error err = { 0 };
  char *dir = NULL;

  /* absolute: under the mount point, whatever our own cgroup is */
  assert_int_equal (rt_cgroup_dir_for (&v2, "/machine/ctr1", "ctr1", &dir, &err), 0);
  assert_string_equal (dir, "/sys/fs/cgroup/machine/ctr1");
  free (dir);
  assert_int_equal (rt_cgroup_dir_for (&mem, "/machine/ctr1", "ctr1", &dir, &err), 0);
  assert_string_equal (dir, "/sys/fs/cgroup/memory/machine/ctr1");
  free (dir);

  /* relative: under our own cgroup */
  assert_int_equal (rt_cgroup_dir_for (&v2, "mine/ctr1", "ctr1", &dir, &err), 0);
  assert_string_equal (dir, "/sys/fs/cgroup/user.slice/session-2.scope/mine/ctr1");
  free (dir);
  assert_int_equal (rt_cgroup_dir_for (&mem, "mine/ctr1", "ctr1", &dir, &err), 0);
  assert_string_equal (dir, "/sys/fs/cgroup/memory/mine/ctr1");
  free (dir);

  /* absent or empty: /vessel-<id> */
  assert_int_equal (rt_cgroup_dir_for (&v2, NULL, "ctr1", &dir, &err), 0);
  assert_string_equal (dir, "/sys/fs/cgroup/vessel-ctr1");
  free (dir);
  assert_int_equal (rt_cgroup_dir_for (&mem, "", "c2", &dir, &err), 0);
  assert_string_equal (dir, "/sys/fs/cgroup/memory/vessel-c2");
  free (dir);

  /* `..` would leave the hierarchy or our subtree: rejected */
  static const char *const bad[] = { "/a/../../etc", "../escape", "x/../../y", "..", "/..", "a/.." };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      dir = (char *) "untouched";
      memset (&err, 0, sizeof err);
      int r = rt_cgroup_dir_for (&v2, bad[i], "ctr1", &dir, &err);
      if (r >= 0)
        fail_msg ("cgroupsPath \"%s\" was accepted", bad[i]);
      assert_int_equal (r, -EINVAL);
      assert_msg_contains (err, "linux.cgroupsPath");
      assert_msg_contains (err, "..");
      assert_string_equal (dir, "untouched");
    }
}

/* ------------------------------------------------------------ safe paths */

/* base/
 *   outside/secret              the "host": must never be touched
 *   root/                       the container root
 *     etc/hostname
 *     sub/deeper/up -> ../../../../../..
 *     evil_abs -> /etc
 *     evil_rel -> ../../..
 *     evil_out -> <base>/outside (a host path: dangling inside the root)
 *     evil_outrel -> ../outside
 *     filelink -> /etc/hostname
 *     dangle -> /etc/<unique leaf>
 *     dangle_creat -> /etc/<unique creat> */
struct tree
{
  char base[64];
  char root[128];
  char outside[128];
  int rootfd;
  char uniq[64]; /* a name unique to this run, for host-side checks */
};

static int
tree_setup (void **state)
{
  struct tree *t = calloc (1, sizeof *t);
  assert_non_null (t);
  strcpy (t->base, "/tmp/vessel-test-root-XXXXXX");
  assert_non_null (mkdtemp (t->base));
  snprintf (t->root, sizeof t->root, "%s/root", t->base);
  snprintf (t->outside, sizeof t->outside, "%s/outside", t->base);
  snprintf (t->uniq, sizeof t->uniq, "vessel-unit-%d", (int) getpid ());
  assert_int_equal (mkdir (t->root, 0755), 0);
  assert_int_equal (mkdir (t->outside, 0755), 0);
  write_text (pathf ("%s/secret", t->outside), "host secret\n");
  assert_int_equal (mkdir (pathf ("%s/etc", t->root), 0755), 0);
  write_text (pathf ("%s/etc/hostname", t->root), "container\n");
  assert_int_equal (mkdir (pathf ("%s/sub", t->root), 0755), 0);
  assert_int_equal (mkdir (pathf ("%s/sub/deeper", t->root), 0755), 0);
  assert_int_equal (symlink ("../../../../../..", pathf ("%s/sub/deeper/up", t->root)), 0);
  assert_int_equal (symlink ("/etc", pathf ("%s/evil_abs", t->root)), 0);
  assert_int_equal (symlink ("../../..", pathf ("%s/evil_rel", t->root)), 0);
  assert_int_equal (symlink (t->outside, pathf ("%s/evil_out", t->root)), 0);
  assert_int_equal (symlink ("../outside", pathf ("%s/evil_outrel", t->root)), 0);
  assert_int_equal (symlink ("/etc/hostname", pathf ("%s/filelink", t->root)), 0);
  assert_int_equal (symlink (pathf ("/etc/%s-leaf", t->uniq), pathf ("%s/dangle", t->root)), 0);
  assert_int_equal (symlink (pathf ("/etc/%s-creat", t->uniq), pathf ("%s/dangle_creat", t->root)), 0);
  t->rootfd = open (t->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true (t->rootfd >= 0);
  *state = t;
  return 0;
}

static int
tree_teardown (void **state)
{
  struct tree *t = *state;
  close (t->rootfd);
  rm_tree (t->base);
  /* in case a test failed by escaping */
  rmdir (pathf ("/etc/%s", t->uniq));
  unlink (pathf ("/etc/%s-leaf", t->uniq));
  unlink (pathf ("/etc/%s-creat", t->uniq));
  unlink (pathf ("/etc/%s-file", t->uniq));
  rmdir (pathf ("/%s-made", t->uniq));
  free (t);
  return 0;
}

/* Nothing outside the root changed: the host's /etc, /, /tmp and base. */
static void
assert_nothing_outside (struct tree *t)
{
  static const char *const sfx[] = { "", "-leaf", "-creat", "-file", "-made", "-up", "-dd" };
  for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++)
    {
      const char *dirs[] = { "/etc", "", "/tmp", t->base, t->outside };
      for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++)
        if (exists (pathf ("%s/%s%s", dirs[d], t->uniq, sfx[i])))
          fail_msg ("escaped the root: %s/%s%s was created", dirs[d], t->uniq, sfx[i]);
    }
  assert_string_equal (read_text (pathf ("%s/secret", t->outside)), "host secret\n");
  DIR *dir = opendir (t->outside);
  assert_non_null (dir);
  int n = 0;
  for (struct dirent *de; (de = readdir (dir)) != NULL;)
    n++;
  closedir (dir);
  assert_int_equal (n, 3); /* ., .., secret */
}

static void
test_open_in_root_symlinks (void **state)
{
  struct tree *t = *state;
  vs_error err = { 0 };
  char want[PATH_MAX];
  snprintf (want, sizeof want, "%s/etc/hostname", t->root);
  static const char *const paths[] = { "evil_abs/hostname", "/evil_abs/hostname", "evil_rel/etc/hostname",
                                       "sub/deeper/up/etc/hostname", "/../../../etc/hostname",
                                       "etc/../../etc/hostname", "filelink", "evil_rel/evil_abs/hostname",
                                       "//etc//hostname" };

  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    {
      int fd = vs_open_in_root (t->rootfd, paths[i], O_RDONLY, 0, &err);
      if (fd < 0)
        fail_msg ("vs_open_in_root(%s): %s", paths[i], err.msg);
      assert_fd_is (fd, want);
      char buf[64] = { 0 };
      assert_int_equal (read (fd, buf, sizeof buf - 1), 10);
      assert_string_equal (buf, "container\n");
      close (fd);
    }

  /* "" and "/" are the root itself */
  int fd = vs_open_in_root (t->rootfd, "", O_RDONLY | O_DIRECTORY, 0, &err);
  assert_fd_is (fd, t->root);
  close (fd);
  fd = vs_open_in_root (t->rootfd, "///", O_PATH, 0, &err);
  assert_fd_is (fd, t->root);
  close (fd);
  /* the relative escape lands on the root */
  fd = vs_open_in_root (t->rootfd, "evil_rel", O_PATH, 0, &err);
  assert_fd_is (fd, t->root);
  close (fd);

  /* host paths do not exist inside the root */
  memset (&err, 0, sizeof err);
  assert_int_equal (vs_open_in_root (t->rootfd, "evil_out/secret", O_RDONLY, 0, &err), -ENOENT);
  assert_int_equal (err.code, ENOENT);
  assert_string_equal (err.msg, "open `evil_out/secret` inside the container root: No such file or directory");
  assert_int_equal (vs_open_in_root (t->rootfd, "evil_outrel/secret", O_RDONLY, 0, &err), -ENOENT);
  assert_int_equal (vs_open_in_root (t->rootfd, "../outside/secret", O_RDONLY, 0, &err), -ENOENT);
  assert_nothing_outside (t);
}

static void
test_open_in_root_creat_through_dangling (void **state)
{
  struct tree *t = *state;
  vs_error err = { 0 };
  /* O_CREAT follows the dangling link, resolved inside the root */
  int fd = vs_open_in_root (t->rootfd, "dangle_creat", O_WRONLY | O_CREAT, 0600, &err);
  if (fd < 0)
    fail_msg ("vs_open_in_root(O_CREAT): %s", err.msg);
  assert_fd_is (fd, pathf ("%s/etc/%s-creat", t->root, t->uniq));
  assert_int_equal (write (fd, "x", 1), 1);
  close (fd);
  assert_string_equal (read_text (pathf ("%s/etc/%s-creat", t->root, t->uniq)), "x");
  assert_nothing_outside (t);
}

static void
test_mkdir_in_root_abs_symlink (void **state)
{
  struct tree *t = *state;
  vs_error err = { 0 };
  struct stat st;

  int fd = vs_mkdir_in_root (t->rootfd, pathf ("evil_abs/%s/sub", t->uniq), false, &err);
  if (fd < 0)
    fail_msg ("vs_mkdir_in_root: %s", err.msg);
  assert_fd_is (fd, pathf ("%s/etc/%s/sub", t->root, t->uniq));
  assert_int_equal (fstat (fd, &st), 0);
  assert_true (S_ISDIR (st.st_mode));
  close (fd);

  fd = vs_mkdir_in_root (t->rootfd, pathf ("/evil_abs/%s-file", t->uniq), true, &err);
  if (fd < 0)
    fail_msg ("vs_mkdir_in_root (file): %s", err.msg);
  assert_fd_is (fd, pathf ("%s/etc/%s-file", t->root, t->uniq));
  assert_int_equal (fstat (fd, &st), 0);
  assert_true (S_ISREG (st.st_mode));
  assert_int_equal (st.st_size, 0);
  close (fd);
  assert_nothing_outside (t);
}

static void
test_mkdir_in_root_rel_symlink (void **state)
{
  struct tree *t = *state;
  vs_error err = { 0 };

  int fd = vs_mkdir_in_root (t->rootfd, pathf ("evil_rel/%s-made/a/b", t->uniq), false, &err);
  if (fd < 0)
    fail_msg ("vs_mkdir_in_root: %s", err.msg);
  assert_fd_is (fd, pathf ("%s/%s-made/a/b", t->root, t->uniq));
  close (fd);

  fd = vs_mkdir_in_root (t->rootfd, pathf ("sub/deeper/up/%s-up", t->uniq), false, &err);
  if (fd < 0)
    fail_msg ("vs_mkdir_in_root: %s", err.msg);
  assert_fd_is (fd, pathf ("%s/%s-up", t->root, t->uniq));
  close (fd);

  fd = vs_mkdir_in_root (t->rootfd, pathf ("../../../%s-dd", t->uniq), false, &err);
  if (fd < 0)
    fail_msg ("vs_mkdir_in_root: %s", err.msg);
  assert_fd_is (fd, pathf ("%s/%s-dd", t->root, t->uniq));
  close (fd);
  assert_nothing_outside (t);
}

static void
test_mkdir_in_root_dangling (void **state)
{
  struct tree *t = *state;
  vs_error err = { 0 };

  /* A dangling link is followed as runc does, but read as a path inside the
   * root: its target is made there (images often ship /var/run -> ../run
   * without /run), and nothing is ever made on the host. */
  struct { const char *path; bool file; const char *made; } cases[] = {
    { "dangle", true, NULL },      /* -> /etc/<uniq>-leaf: <root>/etc/<uniq>-leaf */
    { "evil_out/x", false, NULL }, /* host path: <root><outside>/x */
    { "evil_outrel/x", true, NULL }, /* ../outside: clamped to <root>/outside/x */
  };
  cases[0].made = pathf ("%s/etc/%s-leaf", t->root, t->uniq);
  cases[1].made = pathf ("%s%s/x", t->root, t->outside);
  cases[2].made = pathf ("%s/outside/x", t->root);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct stat got, want;
      memset (&err, 0, sizeof err);
      int fd = vs_mkdir_in_root (t->rootfd, cases[i].path, cases[i].file, &err);
      if (fd < 0)
        fail_msg ("vs_mkdir_in_root(%s): %s", cases[i].path, err.msg);
      assert_int_equal (fstat (fd, &got), 0);
      close (fd);
      if (stat (cases[i].made, &want) != 0)
        fail_msg ("%s was not made at %s", cases[i].path, cases[i].made);
      assert_int_equal (got.st_ino, want.st_ino);
      assert_int_equal (S_ISREG (got.st_mode), cases[i].file);
    }
  assert_false (exists (pathf ("/etc/%s-leaf", t->uniq)));
  assert_nothing_outside (t);
}

static void
test_mkdir_in_root_existing_and_errors (void **state)
{
  struct tree *t = *state;
  vs_error err = { 0 };

  int fd = vs_mkdir_in_root (t->rootfd, "etc", false, &err);
  assert_fd_is (fd, pathf ("%s/etc", t->root));
  close (fd);
  fd = vs_mkdir_in_root (t->rootfd, "/", false, &err);
  assert_fd_is (fd, t->root);
  close (fd);
  /* an existing file asked for as a file */
  fd = vs_mkdir_in_root (t->rootfd, "etc/hostname", true, &err);
  assert_fd_is (fd, pathf ("%s/etc/hostname", t->root));
  close (fd);
  assert_string_equal (read_text (pathf ("%s/etc/hostname", t->root)), "container\n");

  /* a file in the middle */
  memset (&err, 0, sizeof err);
  assert_int_equal (vs_mkdir_in_root (t->rootfd, "etc/hostname/x", false, &err), -ENOTDIR);
  assert_msg_contains (err, "etc/hostname");
  assert_msg_contains (err, "Not a directory");
  assert_false (exists (pathf ("%s/etc/hostname/x", t->root)));

  /* parent helper */
  const char *base = NULL;
  fd = vs_open_parent_in_root (t->rootfd, "evil_abs/p1/p2/file.txt", &base, &err);
  if (fd < 0)
    fail_msg ("vs_open_parent_in_root: %s", err.msg);
  assert_fd_is (fd, pathf ("%s/etc/p1/p2", t->root));
  assert_string_equal (base, "file.txt");
  close (fd);
  assert_int_equal (vs_open_parent_in_root (t->rootfd, "etc/..", &base, &err), -EINVAL);
  assert_nothing_outside (t);
}

static void
test_is_plain_name (void **state)
{
  (void) state;
  assert_true (vs_is_plain_name ("a"));
  assert_true (vs_is_plain_name ("file.txt"));
  assert_true (vs_is_plain_name (".hidden"));
  assert_true (vs_is_plain_name ("..."));
  assert_true (vs_is_plain_name ("..a"));
  assert_true (vs_is_plain_name ("a b"));
  assert_false (vs_is_plain_name (""));
  assert_false (vs_is_plain_name ("."));
  assert_false (vs_is_plain_name (".."));
  assert_false (vs_is_plain_name ("/"));
  assert_false (vs_is_plain_name ("a/b"));
  assert_false (vs_is_plain_name ("a/"));
  assert_false (vs_is_plain_name ("/a"));
  assert_false (vs_is_plain_name ("../x"));
}

/* ------------------------------------------------------------ files */

static void
test_write_read_roundtrip (void **state)
{
  struct tree *t = *state;
  vs_error err = { 0 };
  int dfd = open (t->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char *buf = NULL;
  size_t len = 0;
  struct stat st;
  mode_t old = umask (022);

  assert_true (dfd >= 0);
  const char data[] = "{\"status\":\"created\"}\n";
  assert_int_equal (vs_write_file_atomic_at (dfd, "state.json", data, sizeof data - 1, 0600, &err), 0);
  assert_int_equal (vs_read_file_at (dfd, "state.json", &buf, &len, &err), 0);
  assert_int_equal (len, sizeof data - 1);
  assert_memory_equal (buf, data, len);
  assert_int_equal (buf[len], '\0');
  free (buf);
  assert_int_equal (fstatat (dfd, "state.json", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_true (S_ISREG (st.st_mode));
  assert_int_equal (st.st_mode & 07777, 0600);
  assert_false (exists (pathf ("%s/state.json.tmp", t->base)));

  /* replacing is atomic: an open reader keeps the old complete file */
  int old_fd = openat (dfd, "state.json", O_RDONLY | O_CLOEXEC);
  assert_true (old_fd >= 0);
  ino_t old_ino = ino_of (pathf ("%s/state.json", t->base));
  assert_int_equal (vs_write_file_atomic_at (dfd, "state.json", "{}", 2, 0600, &err), 0);
  assert_int_not_equal (ino_of (pathf ("%s/state.json", t->base)), old_ino);
  char oldbuf[64] = { 0 };
  assert_int_equal (read (old_fd, oldbuf, sizeof oldbuf - 1), (ssize_t) (sizeof data - 1));
  assert_string_equal (oldbuf, data);
  close (old_fd);
  assert_int_equal (vs_read_file_at (dfd, "state.json", &buf, &len, &err), 0);
  assert_int_equal (len, 2);
  assert_string_equal (buf, "{}");
  free (buf);

  /* binary data with NULs, larger than the first read buffer */
  size_t big = 300000;
  char *blob = malloc (big);
  assert_non_null (blob);
  for (size_t i = 0; i < big; i++)
    blob[i] = (char) ((i * 131) % 251);
  assert_int_equal (vs_write_file_atomic_at (dfd, "blob", blob, big, 0644, &err), 0);
  assert_int_equal (vs_read_file_at (dfd, "blob", &buf, &len, &err), 0);
  assert_int_equal (len, big);
  assert_memory_equal (buf, blob, big);
  assert_int_equal (buf[big], '\0');
  free (buf);
  free (blob);

  /* empty file; absolute path with AT_FDCWD; ret_len may be NULL */
  assert_int_equal (vs_write_file_atomic_at (dfd, "empty", "", 0, 0644, &err), 0);
  assert_int_equal (vs_read_file_at (AT_FDCWD, pathf ("%s/empty", t->base), &buf, NULL, &err), 0);
  assert_string_equal (buf, "");
  free (buf);

  /* errors */
  memset (&err, 0, sizeof err);
  assert_int_equal (vs_read_file_at (dfd, "missing", &buf, &len, &err), -ENOENT);
  assert_string_equal (err.msg, "open `missing`: No such file or directory");
  assert_int_equal (err.code, ENOENT);
  assert_true (vs_write_file_atomic_at (dfd, "nodir/x", "a", 1, 0644, &err) < 0);
  assert_msg_contains (err, "nodir/x.tmp");
  assert_false (exists (pathf ("%s/nodir", t->base)));

  umask (old);
  close (dfd);
}

/* A stale or planted "<name>.tmp" symlink must not redirect the write. */
static void
test_write_atomic_tmp_symlink (void **state)
{
  struct tree *t = *state;
  vs_error err = { 0 };
  int dfd = open (t->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true (dfd >= 0);
  assert_int_equal (symlink (pathf ("%s/secret", t->outside), pathf ("%s/pid.tmp", t->base)), 0);
  int r = vs_write_file_atomic_at (dfd, "pid", "1234", 4, 0644, &err);
  const char *secret = read_text (pathf ("%s/secret", t->outside));
  if (secret == NULL || strcmp (secret, "host secret\n") != 0)
    fail_msg ("write went through the planted pid.tmp symlink: outside file now \"%s\"", secret ? secret : "(gone)");
  if (r == 0)
    {
      struct stat st;
      assert_int_equal (lstat (pathf ("%s/pid", t->base), &st), 0);
      assert_true (S_ISREG (st.st_mode));
      assert_string_equal (read_text (pathf ("%s/pid", t->base)), "1234");
    }
  close (dfd);
}

static void
test_rm_rf_no_follow (void **state)
{
  struct tree *t = *state;
  vs_error err = { 0 };
  int dfd = open (t->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true (dfd >= 0);

  char v[PATH_MAX];
  snprintf (v, sizeof v, "%s/victim", t->base);
  assert_int_equal (mkdir (v, 0755), 0);
  assert_int_equal (mkdir (pathf ("%s/a", v), 0755), 0);
  assert_int_equal (mkdir (pathf ("%s/a/b", v), 0755), 0);
  assert_int_equal (mkdir (pathf ("%s/empty", v), 0755), 0);
  assert_int_equal (mkdir (pathf ("%s/ro", v), 0755), 0);
  write_text (pathf ("%s/a/b/file", v), "x");
  write_text (pathf ("%s/ro/file", v), "y");
  assert_int_equal (chmod (pathf ("%s/ro", v), 0555), 0);
  assert_int_equal (symlink (t->outside, pathf ("%s/link_abs", v)), 0);
  assert_int_equal (symlink ("../outside", pathf ("%s/link_rel", v)), 0);
  assert_int_equal (symlink (pathf ("%s/secret", t->outside), pathf ("%s/a/link_file", v)), 0);
  assert_int_equal (symlink (t->outside, pathf ("%s/a/b/deep_link", v)), 0);
  assert_int_equal (mkfifo (pathf ("%s/fifo", v), 0600), 0);

  assert_int_equal (vs_rm_rf_at (dfd, "victim", &err), 0);
  assert_false (exists (v));
  assert_true (exists (t->outside));
  assert_string_equal (read_text (pathf ("%s/secret", t->outside)), "host secret\n");

  /* the name itself a symlink to a directory: only the link goes */
  assert_int_equal (symlink (t->outside, pathf ("%s/toplink", t->base)), 0);
  assert_int_equal (vs_rm_rf_at (dfd, "toplink", &err), 0);
  assert_false (exists (pathf ("%s/toplink", t->base)));
  assert_string_equal (read_text (pathf ("%s/secret", t->outside)), "host secret\n");

  /* missing is fine; a plain file is removed */
  assert_int_equal (vs_rm_rf_at (dfd, "does-not-exist", &err), 0);
  write_text (pathf ("%s/plain", t->base), "z");
  assert_int_equal (vs_rm_rf_at (dfd, "plain", &err), 0);
  assert_false (exists (pathf ("%s/plain", t->base)));
  assert_nothing_outside (t);
  close (dfd);
}

/* ------------------------------------------------------------ errors */

static void
test_error_formats (void **state)
{
  (void) state;
  vs_error err;
  char expect[1200];

  memset (&err, 0x55, sizeof err);
  assert_int_equal (vs_fail (&err, ENOENT, "open `%s`", "/x/y"), -ENOENT);
  snprintf (expect, sizeof expect, "open `/x/y`: %s", strerror (ENOENT));
  assert_string_equal (err.msg, expect);
  assert_int_equal (err.code, ENOENT);

  /* a negative errno is the same errno */
  assert_int_equal (vs_fail (&err, -EACCES, "mkdir `%s`", "d"), -EACCES);
  snprintf (expect, sizeof expect, "mkdir `d`: %s", strerror (EACCES));
  assert_string_equal (err.msg, expect);
  assert_int_equal (err.code, EACCES);

  /* no errno: no suffix, -EINVAL */
  assert_int_equal (vs_fail (&err, 0, "bad value %d in %s", 42, "field"), -EINVAL);
  assert_string_equal (err.msg, "bad value 42 in field");
  assert_int_equal (err.code, 0);

  /* wrap prepends context and keeps the code */
  assert_int_equal (vs_fail (&err, ENOENT, "open `%s`", "config.json"), -ENOENT);
  assert_int_equal (vs_wrap (&err, -ENOENT, "container `%s`", "c1"), -ENOENT);
  snprintf (expect, sizeof expect, "container `c1`: open `config.json`: %s", strerror (ENOENT));
  assert_string_equal (err.msg, expect);
  assert_int_equal (err.code, ENOENT);
  assert_int_equal (vs_wrap (&err, -ENOENT, "create"), -ENOENT);
  snprintf (expect, sizeof expect, "create: container `c1`: open `config.json`: %s", strerror (ENOENT));
  assert_string_equal (err.msg, expect);
  /* a non-negative ret still reports failure */
  assert_int_equal (vs_wrap (&err, 0, "x"), -EINVAL);
  assert_int_equal (vs_wrap (&err, 5, "y"), -EINVAL);
  assert_int_equal (strncmp (err.msg, "y: x: create: ", 14), 0);

  /* overlong messages are truncated, always terminated */
  char huge[3000];
  memset (huge, 'a', sizeof huge - 1);
  huge[sizeof huge - 1] = '\0';
  assert_int_equal (vs_fail (&err, EIO, "%s", huge), -EIO);
  assert_int_equal (strlen (err.msg), sizeof err.msg - 1);
  assert_int_equal (err.code, EIO);
  assert_int_equal (vs_wrap (&err, -EIO, "%s", huge), -EIO);
  assert_int_equal (strlen (err.msg), sizeof err.msg - 1);
  /* a message that just fits gets the errno text cut, not overflowed */
  memset (huge, 'b', sizeof err.msg - 4);
  huge[sizeof err.msg - 4] = '\0';
  vs_fail (&err, ENOENT, "%s", huge);
  assert_int_equal (strlen (err.msg), sizeof err.msg - 1);
  assert_int_equal (strncmp (err.msg + sizeof err.msg - 4, ": N", 3), 0);

  vs_error_clear (&err);
  assert_int_equal (err.code, 0);
  assert_string_equal (err.msg, "");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_signal_parse),
    cmocka_unit_test (test_signal_parse_huge_offset),
    cmocka_unit_test (test_state_check_id),
    cmocka_unit_test (test_cgroup_detect_v1),
    cmocka_unit_test (test_cgroup_detect_hybrid),
    cmocka_unit_test (test_cgroup_detect_v2),
    cmocka_unit_test (test_cgroup_detect_errors),
    cmocka_unit_test (test_cgroup_detect_mount_root),
    cmocka_unit_test (test_cgroup_dir_for),
    cmocka_unit_test_setup_teardown (test_open_in_root_symlinks, tree_setup, tree_teardown),
    cmocka_unit_test_setup_teardown (test_open_in_root_creat_through_dangling, tree_setup, tree_teardown),
    cmocka_unit_test_setup_teardown (test_mkdir_in_root_abs_symlink, tree_setup, tree_teardown),
    cmocka_unit_test_setup_teardown (test_mkdir_in_root_rel_symlink, tree_setup, tree_teardown),
    cmocka_unit_test_setup_teardown (test_mkdir_in_root_dangling, tree_setup, tree_teardown),
    cmocka_unit_test_setup_teardown (test_mkdir_in_root_existing_and_errors, tree_setup, tree_teardown),
    cmocka_unit_test (test_is_plain_name),
    cmocka_unit_test_setup_teardown (test_write_read_roundtrip, tree_setup, tree_teardown),
    cmocka_unit_test_setup_teardown (test_write_atomic_tmp_symlink, tree_setup, tree_teardown),
    cmocka_unit_test_setup_teardown (test_rm_rf_no_follow, tree_setup, tree_teardown),
    cmocka_unit_test (test_error_formats),
  };
  return cmocka_run_group_tests_name ("misc", tests, NULL, NULL);
}
