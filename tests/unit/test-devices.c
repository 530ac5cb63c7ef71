/* test-devices.c — the cgroup v2 eBPF device filter: built, loaded into the
 * kernel, attached to a real cgroup2 folder and enforced on a child. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>
#include <cmocka.h>

#include "../../src/runtime/cgroup-devices.h"

static void
test_build_shapes (void **state)
{
  (void) state;
  struct bpf_insn *p = NULL;
  size_t n = 0;
  vs_error err = { 0 };
  json_t *rules = json_loads ("[{\"allow\":false,\"access\":\"rwm\"},"
                              "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}]", 0, NULL);
  static const char *const extra[] = { "c *:* m", NULL };

  assert_int_equal (rt_devices_bpf_build (rules, extra, &p, &n, &err), 0);
  /* 6 loads, then from the last rule: c *:* m: 1+3+2, c 1:3 rw: 1+3+1+1+2,
   * deny-all: 2, and nothing after it (it always decides) */
  assert_int_equal (n, 6 + 6 + 8 + 2);
  assert_int_equal (p[n - 2].imm, 0);
  assert_int_equal (p[n - 1].code, BPF_JMP | BPF_EXIT);
  free (p);
  json_decref (rules);

  rules = json_loads ("[{\"allow\":true,\"type\":\"x\"}]", 0, NULL);
  assert_true (rt_devices_bpf_build (rules, NULL, &p, &n, &err) < 0);
  assert_non_null (strstr (err.msg, "linux.resources.devices[0].type"));
  json_decref (rules);
}

/* In a child placed in a fresh cgroup2 folder with the filter attached:
 * 0 when /dev/null opens and /dev/zero is refused with EPERM. */
static void
test_enforced (void **state)
{
  (void) state;
  const char *root = NULL;
  struct statfs sfs;
  char dir[256], procs[300];
  vs_error err = { 0 };
  pid_t pid;
  int status;

  if (statfs ("/sys/fs/cgroup/unified", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    root = "/sys/fs/cgroup/unified";
  else if (statfs ("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    root = "/sys/fs/cgroup";
  if (root == NULL || geteuid () != 0)
    skip ();
  snprintf (dir, sizeof dir, "%s/vessel-unit-dev-%d", root, (int) getpid ());
  assert_int_equal (mkdir (dir, 0755), 0);

  json_t *rules = json_loads ("[{\"allow\":false,\"access\":\"rwm\"},"
                              "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}]", 0, NULL);
  int r = rt_devices_bpf_apply (dir, rules, NULL, &err);
  json_decref (rules);
  if (r < 0)
    {
      rmdir (dir);
      fail_msg ("%s", err.msg);
    }
  /* applying again replaces the program instead of stacking a second one */
  rules = json_loads ("[{\"allow\":false,\"access\":\"rwm\"},"
                      "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}]", 0, NULL);
  r = rt_devices_bpf_apply (dir, rules, NULL, &err);
  json_decref (rules);
  assert_int_equal (r, 0);

  pid = fork ();
  if (pid == 0)
    {
      int fd;
      snprintf (procs, sizeof procs, "%s/cgroup.procs", dir);
      fd = open (procs, O_WRONLY);
      if (fd < 0 || write (fd, "0", 1) != 1)
        _exit (10);
      close (fd);
      fd = open ("/dev/null", O_RDWR);
      if (fd < 0)
        _exit (11);
      close (fd);
      fd = open ("/dev/zero", O_RDONLY);
      if (fd >= 0)
        _exit (12);
      _exit (errno == EPERM ? 0 : 13);
    }
  assert_true (pid > 0);
  assert_int_equal (waitpid (pid, &status, 0), pid);
  rmdir (dir);
  assert_true (WIFEXITED (status));
  assert_int_equal (WEXITSTATUS (status), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_build_shapes),
    cmocka_unit_test (test_enforced),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
