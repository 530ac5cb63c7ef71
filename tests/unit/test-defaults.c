/* test-defaults.c — the engine's docker defaults: capabilities with
 * --cap-add/--cap-drop, masked and read-only paths, default mounts, and the
 * seccomp profile, checked through the runtime's own config and seccomp
 * parsers and, in a forked child, by loading the filter and calling the
 * syscalls it gates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/basic/cleanup.h"
#include "../../src/basic/error.h"
#include "../../src/engine/defaults.h"
#include "../../src/runtime/config.h"
#include "../../src/runtime/seccomp.h"
#include "unit-util.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif

static size_t
strv_len (char *const *v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

static bool
strv_has (char *const *v, const char *s)
{
  for (; v && *v; v++)
    if (strcmp (*v, s) == 0)
      return true;
  return false;
}

/* The caps as one space-separated string (static buffer), for comparisons. */
static const char *
strv_join (char *const *v)
{
  static char buf[2048];
  buf[0] = '\0';
  for (; v && *v; v++)
    {
      if (buf[0])
        strcat (buf, " ");
      strcat (buf, *v);
    }
  return buf;
}

static int
kernel_cap_last (void)
{
  int n = -1;
  FILE *f = fopen ("/proc/sys/kernel/cap_last_cap", "r");
  if (f)
    {
      if (fscanf (f, "%d", &n) != 1)
        n = -1;
      fclose (f);
    }
  return n;
}

/* ---- capabilities ---- */

static void
test_default_caps (void **state)
{
  (void) state;
  char **caps = vs_default_caps ();
  assert_non_null (caps);
  assert_string_equal (strv_join (caps), "CAP_CHOWN CAP_DAC_OVERRIDE CAP_FSETID CAP_FOWNER CAP_MKNOD CAP_NET_RAW "
                                         "CAP_SETGID CAP_SETUID CAP_SETFCAP CAP_SETPCAP CAP_NET_BIND_SERVICE "
                                         "CAP_SYS_CHROOT CAP_KILL CAP_AUDIT_WRITE");
  rt_strv_free (caps);
}

static void
test_all_caps (void **state)
{
  (void) state;
  char **caps = vs_all_caps ();
  int last = kernel_cap_last ();
  assert_non_null (caps);
  assert_string_equal (caps[0], "CAP_CHOWN");
  assert_true (strv_has (caps, "CAP_SYS_ADMIN"));
  assert_true (strv_has (caps, "CAP_AUDIT_READ")); /* 37: every kernel since 3.16 */
  if (last >= 0)
    assert_int_equal (strv_len (caps), (size_t) (last < 40 ? last + 1 : 41));
  rt_strv_free (caps);
}

static void
test_cap_canonical (void **state)
{
  (void) state;
  assert_string_equal (vs_cap_canonical ("net_admin"), "CAP_NET_ADMIN");
  assert_string_equal (vs_cap_canonical ("cap_sys_admin"), "CAP_SYS_ADMIN");
  assert_string_equal (vs_cap_canonical ("CAP_CHOWN"), "CAP_CHOWN");
  assert_string_equal (vs_cap_canonical ("Checkpoint_Restore"), "CAP_CHECKPOINT_RESTORE");
  assert_null (vs_cap_canonical ("CAP_"));
  assert_null (vs_cap_canonical ("ALL"));
  assert_null (vs_cap_canonical ("CAP_FLY"));
  assert_null (vs_cap_canonical (NULL));
}

/* Apply add/drop (NULL-terminated literal lists) to docker's defaults and
 * return the result joined. */
#define APPLY(add, drop)                                                                                        \
  ({                                                                                                            \
    char **c_ = vs_default_caps ();                                                                             \
    vs_error e_ = { 0 };                                                                                        \
    int r_ = vs_caps_apply (&c_, add, drop, &e_);                                                               \
    if (r_ < 0)                                                                                                 \
      fail_msg ("vs_caps_apply: %s", e_.msg);                                                                   \
    static char out_[2048];                                                                                     \
    snprintf (out_, sizeof out_, "%s", strv_join (c_));                                                         \
    rt_strv_free (c_);                                                                                          \
    out_;                                                                                                       \
  })
#define LIST(...) ((char *const[]){ __VA_ARGS__, NULL })

static void
test_caps_add_drop (void **state)
{
  (void) state;
  const char *defaults = "CAP_CHOWN CAP_DAC_OVERRIDE CAP_FSETID CAP_FOWNER CAP_MKNOD CAP_NET_RAW CAP_SETGID "
                         "CAP_SETUID CAP_SETFCAP CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_SYS_CHROOT CAP_KILL "
                         "CAP_AUDIT_WRITE";
  char expect[2048];

  /* nothing to do */
  assert_string_equal (APPLY (NULL, NULL), defaults);
  assert_string_equal (APPLY (LIST (NULL), LIST (NULL)), defaults);
  /* add: any case, with or without the prefix, appended once */
  snprintf (expect, sizeof expect, "%s CAP_NET_ADMIN CAP_SYS_PTRACE", defaults);
  assert_string_equal (APPLY (LIST ("net_admin", "Cap_Sys_Ptrace", "CAP_NET_ADMIN", "chown"), NULL), expect);
  /* drop */
  assert_string_equal (APPLY (NULL, LIST ("chown", "CAP_KILL", "audit_WRITE", "sys_admin")),
                       "CAP_DAC_OVERRIDE CAP_FSETID CAP_FOWNER CAP_MKNOD CAP_NET_RAW CAP_SETGID CAP_SETUID "
                       "CAP_SETFCAP CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_SYS_CHROOT");
  /* drop before add: in both lists means kept */
  assert_string_equal (APPLY (LIST ("kill"), LIST ("kill", "net_raw")),
                       "CAP_CHOWN CAP_DAC_OVERRIDE CAP_FSETID CAP_FOWNER CAP_MKNOD CAP_SETGID CAP_SETUID "
                       "CAP_SETFCAP CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_SYS_CHROOT CAP_AUDIT_WRITE CAP_KILL");
  /* --cap-drop ALL --cap-add X: just X */
  assert_string_equal (APPLY (LIST ("sys_admin"), LIST ("ALL")), "CAP_SYS_ADMIN");
  assert_string_equal (APPLY (LIST ("net_bind_service", "setuid"), LIST ("all")), "CAP_NET_BIND_SERVICE CAP_SETUID");
  assert_string_equal (APPLY (NULL, LIST ("ALL")), "");
  /* --cap-add ALL: everything but what is dropped by name */
  {
    char **all = vs_all_caps ();
    const char *got = APPLY (LIST ("ALL"), LIST ("net_raw", "mknod"));
    assert_non_null (all);
    assert_null (strstr (got, "CAP_NET_RAW"));
    assert_null (strstr (got, "CAP_MKNOD"));
    assert_non_null (strstr (got, "CAP_SYS_ADMIN"));
    size_t words = 1;
    for (const char *p = got; *p; p++)
      words += *p == ' ';
    assert_int_equal (words, strv_len (all) - 2);
    /* as docker: add ALL wins over drop ALL */
    snprintf (expect, sizeof expect, "%s", strv_join (all));
    assert_string_equal (APPLY (LIST ("all"), LIST ("ALL")), expect);
    rt_strv_free (all);
  }
}

static void
test_caps_apply_empty_start (void **state)
{
  (void) state;
  char **caps = NULL;
  vs_error err = { 0 };
  assert_int_equal (vs_caps_apply (&caps, LIST ("bpf", "perfmon"), NULL, &err), 0);
  assert_string_equal (strv_join (caps), "CAP_BPF CAP_PERFMON");
  rt_strv_free (caps);
  caps = NULL;
  assert_int_equal (vs_caps_apply (&caps, NULL, NULL, &err), 0);
  assert_non_null (caps);
  assert_null (caps[0]);
  rt_strv_free (caps);
}

static void
test_caps_apply_errors (void **state)
{
  (void) state;
  char **caps = vs_default_caps (), **before = caps;
  vs_error err = { 0 };

  assert_int_equal (vs_caps_apply (&caps, LIST ("net_admin", "CAP_FLY"), NULL, &err), -EINVAL);
  assert_msg_contains (err, "--cap-add");
  assert_msg_contains (err, "CAP_FLY");
  assert_msg_contains (err, "unknown capability");
  assert_one_line (err);
  assert_ptr_equal (caps, before);

  vs_error_clear (&err);
  assert_int_equal (vs_caps_apply (&caps, LIST ("kill"), LIST ("chown", "wheel"), &err), -EINVAL);
  assert_msg_contains (err, "--cap-drop");
  assert_msg_contains (err, "`wheel`");
  assert_ptr_equal (caps, before);

  vs_error_clear (&err);
  assert_int_equal (vs_caps_apply (&caps, LIST (""), NULL, &err), -EINVAL);
  assert_msg_contains (err, "unknown capability");

  vs_error_clear (&err);
  assert_int_equal (vs_caps_apply (&caps, LIST ("ALLL"), NULL, &err), -EINVAL);
  assert_msg_contains (err, "`ALLL`");

  /* untouched by the failures */
  assert_int_equal (strv_len (caps), 14);
  rt_strv_free (caps);
}

/* ---- paths and mounts ---- */

static size_t
clist_len (const char *const *v)
{
  size_t n = 0;
  while (v[n])
    n++;
  return n;
}

static bool
clist_has (const char *const *v, const char *s)
{
  for (; *v; v++)
    if (strcmp (*v, s) == 0)
      return true;
  return false;
}

static void
test_paths (void **state)
{
  (void) state;
  const char *const *m = vs_default_masked_paths (), *const *ro = vs_default_readonly_paths ();
  static const char *const want_masked[] = { "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
                                             "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                             "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
                                             "/sys/devices/virtual/powercap", "/proc/interrupts" };
  static const char *const want_ro[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" };
  for (size_t i = 0; i < ARRAY_SIZE (want_masked); i++)
    assert_true (clist_has (m, want_masked[i]));
  assert_int_equal (clist_len (m), ARRAY_SIZE (want_masked));
  for (size_t i = 0; i < ARRAY_SIZE (want_ro); i++)
    assert_true (clist_has (ro, want_ro[i]));
  assert_int_equal (clist_len (ro), ARRAY_SIZE (want_ro));
}

/* A config.json text with the given mounts, capabilities and seccomp object,
 * parsed by the runtime. */
static struct rt_config *
parse_config (json_t *mounts, char *const *caps, json_t *seccomp)
{
  json_t *capl = json_array (), *doc;
  struct rt_config *cfg = NULL;
  vs_error err = { 0 };
  char *text;
  int r;

  for (char *const *p = caps; p && *p; p++)
    json_array_append_new (capl, json_string (*p));
  doc = json_pack ("{s:s, s:{s:s}, s:{s:[s], s:s, s:{s:O, s:O, s:O}}, s:o, s:{s:o, s:o, s:o}}", "ociVersion",
                   "1.2.0", "root", "path", "rootfs", "process", "args", "sh", "cwd", "/", "capabilities", "bounding",
                   capl, "effective", capl, "permitted", capl, "mounts", mounts ? mounts : json_array (), "linux",
                   "seccomp", seccomp ? seccomp : json_null (), "maskedPaths", json_array (), "readonlyPaths",
                   json_array ());
  json_decref (capl);
  assert_non_null (doc);
  for (const char *const *p = vs_default_masked_paths (); *p; p++)
    json_array_append_new (json_object_get (json_object_get (doc, "linux"), "maskedPaths"), json_string (*p));
  for (const char *const *p = vs_default_readonly_paths (); *p; p++)
    json_array_append_new (json_object_get (json_object_get (doc, "linux"), "readonlyPaths"), json_string (*p));
  text = json_dumps (doc, JSON_COMPACT);
  json_decref (doc);
  assert_non_null (text);
  r = rt_config_parse (text, strlen (text), "/bundle", &cfg, &err);
  free (text);
  if (r < 0)
    fail_msg ("rt_config_parse: %s", err.msg);
  return cfg;
}

static const struct rt_mount *
find_mount (const struct rt_config *cfg, const char *dest)
{
  for (size_t i = 0; i < cfg->n_mounts; i++)
    if (strcmp (cfg->mounts[i].destination, dest) == 0)
      return &cfg->mounts[i];
  fail_msg ("no mount on %s", dest);
  return NULL;
}

static void
test_mounts (void **state)
{
  (void) state;
  json_t *mounts = vs_default_mounts (0);
  struct rt_config *cfg;
  const struct rt_mount *m;

  assert_non_null (mounts);
  assert_int_equal (json_array_size (mounts), 7);
  cfg = parse_config (mounts, NULL, NULL);
  assert_int_equal (cfg->n_mounts, 7);

  m = find_mount (cfg, "/proc");
  assert_string_equal (m->type, "proc");
  assert_int_equal (m->flags & (MS_NOSUID | MS_NOEXEC | MS_NODEV), MS_NOSUID | MS_NOEXEC | MS_NODEV);
  m = find_mount (cfg, "/dev");
  assert_string_equal (m->type, "tmpfs");
  assert_true (m->flags & MS_STRICTATIME);
  assert_non_null (strstr (m->data, "mode=755"));
  assert_non_null (strstr (m->data, "size=65536k"));
  m = find_mount (cfg, "/dev/pts");
  assert_string_equal (m->type, "devpts");
  assert_non_null (strstr (m->data, "newinstance"));
  assert_non_null (strstr (m->data, "ptmxmode=0666"));
  assert_non_null (strstr (m->data, "gid=5"));
  m = find_mount (cfg, "/sys");
  assert_string_equal (m->type, "sysfs");
  assert_true (m->flags & MS_RDONLY);
  m = find_mount (cfg, "/sys/fs/cgroup");
  assert_string_equal (m->type, "cgroup");
  assert_true (m->flags & MS_RDONLY);
  m = find_mount (cfg, "/dev/mqueue");
  assert_string_equal (m->type, "mqueue");
  m = find_mount (cfg, "/dev/shm");
  assert_string_equal (m->type, "tmpfs");
  assert_string_equal (m->source, "shm");
  assert_int_equal (m->flags & (MS_NOSUID | MS_NOEXEC | MS_NODEV), MS_NOSUID | MS_NOEXEC | MS_NODEV);
  assert_non_null (strstr (m->data, "mode=1777"));
  assert_non_null (strstr (m->data, "size=67108864"));
  assert_int_equal (cfg->n_masked_paths, 12);
  assert_int_equal (cfg->n_readonly_paths, 5);
  rt_config_free (cfg);

  mounts = vs_default_mounts (INT64_C (1) << 33);
  cfg = parse_config (mounts, NULL, NULL);
  assert_non_null (strstr (find_mount (cfg, "/dev/shm")->data, "size=8589934592"));
  rt_config_free (cfg);
}

/* ---- seccomp ---- */

/* Whether a rule with this action allows (or errors) `name`, with no argument condition. */
static bool
rule_names (json_t *sc, const char *name, const char *action, bool with_args)
{
  json_t *rule, *n;
  size_t i, k;
  json_array_foreach (json_object_get (sc, "syscalls"), i, rule)
    {
      if (strcmp (json_string_value (json_object_get (rule, "action")), action) != 0)
        continue;
      if ((json_object_get (rule, "args") != NULL) != with_args)
        continue;
      json_array_foreach (json_object_get (rule, "names"), k, n)
        if (strcmp (json_string_value (n), name) == 0)
          return true;
    }
  return false;
}

static size_t
allowed_count (json_t *sc)
{
  json_t *rule, *n;
  size_t i, k, count = 0;
  json_t *seen = json_object ();
  json_array_foreach (json_object_get (sc, "syscalls"), i, rule)
    if (strcmp (json_string_value (json_object_get (rule, "action")), "SCMP_ACT_ALLOW") == 0)
      json_array_foreach (json_object_get (rule, "names"), k, n)
        if (json_object_get (seen, json_string_value (n)) == NULL)
          {
            json_object_set_new (seen, json_string_value (n), json_true ());
            count++;
          }
  json_decref (seen);
  return count;
}

static void
test_seccomp_shape (void **state)
{
  (void) state;
  char **caps = vs_default_caps ();
  json_t *sc = vs_default_seccomp_for (caps, "x86_64"), *a;

  assert_non_null (sc);
  assert_string_equal (json_string_value (json_object_get (sc, "defaultAction")), "SCMP_ACT_ERRNO");
  assert_int_equal (json_integer_value (json_object_get (sc, "defaultErrnoRet")), EPERM);
  a = json_object_get (sc, "architectures");
  assert_int_equal (json_array_size (a), 3);
  assert_string_equal (json_string_value (json_array_get (a, 0)), "SCMP_ARCH_X86_64");
  assert_string_equal (json_string_value (json_array_get (a, 1)), "SCMP_ARCH_X86");
  assert_string_equal (json_string_value (json_array_get (a, 2)), "SCMP_ARCH_X32");
  /* ordinary syscalls, the amd64 extras, chroot (CAP_SYS_CHROOT is a default) */
  assert_true (rule_names (sc, "read", "SCMP_ACT_ALLOW", false));
  assert_true (rule_names (sc, "execve", "SCMP_ACT_ALLOW", false));
  assert_true (rule_names (sc, "arch_prctl", "SCMP_ACT_ALLOW", false));
  assert_true (rule_names (sc, "modify_ldt", "SCMP_ACT_ALLOW", false));
  assert_true (rule_names (sc, "chroot", "SCMP_ACT_ALLOW", false));
  assert_false (rule_names (sc, "set_tls", "SCMP_ACT_ALLOW", false));
  /* gated by capabilities docker does not give */
  assert_false (rule_names (sc, "mount", "SCMP_ACT_ALLOW", false));
  assert_false (rule_names (sc, "unshare", "SCMP_ACT_ALLOW", false));
  assert_false (rule_names (sc, "setns", "SCMP_ACT_ALLOW", false));
  assert_false (rule_names (sc, "clone", "SCMP_ACT_ALLOW", false));
  assert_false (rule_names (sc, "kcmp", "SCMP_ACT_ALLOW", false));
  assert_false (rule_names (sc, "reboot", "SCMP_ACT_ALLOW", false));
  assert_false (rule_names (sc, "init_module", "SCMP_ACT_ALLOW", false));
  assert_false (rule_names (sc, "bpf", "SCMP_ACT_ALLOW", false));
  assert_false (rule_names (sc, "open_by_handle_at", "SCMP_ACT_ALLOW", false));
  /* with conditions instead */
  assert_true (rule_names (sc, "clone", "SCMP_ACT_ALLOW", true));
  assert_true (rule_names (sc, "clone3", "SCMP_ACT_ERRNO", false));
  assert_true (rule_names (sc, "socket", "SCMP_ACT_ALLOW", true));
  assert_false (rule_names (sc, "socket", "SCMP_ACT_ALLOW", false));
  assert_true (rule_names (sc, "personality", "SCMP_ACT_ALLOW", true));
  /* docker's profile allows 370 syscalls with its default capabilities on amd64 */
  assert_int_equal (allowed_count (sc), 370);
  json_decref (sc);

  /* every capability: docker's 415, and no clone restriction */
  rt_strv_free (caps);
  caps = NULL;
  {
    vs_error err = { 0 };
    char *all[] = { "ALL", NULL };
    assert_int_equal (vs_caps_apply (&caps, all, NULL, &err), 0);
  }
  sc = vs_default_seccomp_for (caps, "x86_64");
  if (strv_len (caps) >= 41)
    assert_int_equal (allowed_count (sc), 415);
  assert_true (rule_names (sc, "mount", "SCMP_ACT_ALLOW", false));
  assert_true (rule_names (sc, "clone", "SCMP_ACT_ALLOW", false));
  assert_false (rule_names (sc, "clone", "SCMP_ACT_ALLOW", true));
  assert_false (rule_names (sc, "clone3", "SCMP_ACT_ERRNO", false));
  json_decref (sc);
  rt_strv_free (caps);

  /* aarch64 */
  sc = vs_default_seccomp_for (NULL, "aarch64");
  a = json_object_get (sc, "architectures");
  assert_int_equal (json_array_size (a), 2);
  assert_string_equal (json_string_value (json_array_get (a, 0)), "SCMP_ARCH_AARCH64");
  assert_string_equal (json_string_value (json_array_get (a, 1)), "SCMP_ARCH_ARM");
  assert_true (rule_names (sc, "set_tls", "SCMP_ACT_ALLOW", false));
  assert_false (rule_names (sc, "arch_prctl", "SCMP_ACT_ALLOW", false));
  assert_false (rule_names (sc, "chroot", "SCMP_ACT_ALLOW", false)); /* no CAP_SYS_CHROOT */
  json_decref (sc);

  /* s390x checks clone's flags in the second argument */
  sc = vs_default_seccomp_for (NULL, "s390x");
  {
    json_t *rule;
    size_t i;
    bool found = false;
    json_array_foreach (json_object_get (sc, "syscalls"), i, rule)
      if (strcmp (json_string_value (json_array_get (json_object_get (rule, "names"), 0)), "clone") == 0)
        {
          json_t *arg = json_array_get (json_object_get (rule, "args"), 0);
          assert_int_equal (json_integer_value (json_object_get (arg, "index")), 1);
          assert_int_equal (json_integer_value (json_object_get (arg, "value")), 0x7E020000);
          assert_string_equal (json_string_value (json_object_get (arg, "op")), "SCMP_CMP_MASKED_EQ");
          found = true;
        }
    assert_true (found);
  }
  json_decref (sc);

  /* a machine docker has no architecture list for */
  sc = vs_default_seccomp_for (NULL, "ppc64le");
  assert_null (json_object_get (sc, "architectures"));
  assert_true (rule_names (sc, "swapcontext", "SCMP_ACT_ALLOW", false));
  json_decref (sc);
}

/* Build the filter for caps the way vs-runtime does: through its config
 * parser, then rt_seccomp_build on linux.seccomp. */
static scmp_filter_ctx
build_filter (char *const *caps)
{
  json_t *sc = vs_default_seccomp (caps);
  struct rt_config *cfg;
  scmp_filter_ctx ctx = NULL;
  vs_error err = { 0 };
  int r;

  assert_non_null (sc);
  cfg = parse_config (vs_default_mounts (0), caps, sc);
  /* the runtime knows every capability name we wrote */
  for (char *const *p = caps; p && *p; p++)
    {
      cap_value_t v;
      assert_int_equal (cap_from_name (*p, &v), 0);
      assert_true (cfg->process->caps[RT_CAP_EFFECTIVE] & (UINT64_C (1) << v));
    }
  r = rt_seccomp_build (json_object_get (json_object_get (cfg->json, "linux"), "seccomp"), &ctx, &err);
  if (r < 0)
    fail_msg ("rt_seccomp_build: %s", err.msg);
  assert_non_null (ctx);
  rt_config_free (cfg);
  return ctx;
}

/* The libseccomp pseudo-code of a filter (malloc'ed). */
static char *
filter_pfc (scmp_filter_ctx ctx)
{
  int fd = memfd_create ("pfc", MFD_CLOEXEC);
  char *buf;
  off_t len;
  assert_true (fd >= 0);
  assert_int_equal (seccomp_export_pfc (ctx, fd), 0);
  len = lseek (fd, 0, SEEK_END);
  assert_true (len > 0);
  buf = calloc (1, (size_t) len + 1);
  assert_non_null (buf);
  assert_int_equal (pread (fd, buf, (size_t) len, 0), len);
  close (fd);
  return buf;
}

enum probe
{
  P_UMOUNT2,
  P_UNSHARE,
  P_CLONE3,
  P_VSOCK,
  P_ALG,
  P_UNIX,
  P_PERSONALITY_QUERY,
  P_PERSONALITY_ODD,
  P_GETPID,
  P_REBOOT,
};

/* Load the filter in a child, make one call, and return its errno (0 = it
 * succeeded). */
static int
probe (scmp_filter_ctx ctx, enum probe what)
{
  pid_t pid = fork ();
  int status;
  assert_true (pid >= 0);
  if (pid == 0)
    {
      vs_error err = { 0 };
      long r = 0;
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || rt_seccomp_load (ctx, -1, NULL, &err) < 0)
        _exit (200);
      errno = 0;
      switch (what)
        {
        case P_UMOUNT2: /* bad flags: EINVAL from the kernel before any permission check */
          r = umount2 ("/", 0x7fff0000);
          break;
        case P_UNSHARE: /* likewise: CSIGNAL bits are no unshare flags */
          r = unshare (0x1);
          break;
        case P_CLONE3: /* size 0: EINVAL from the kernel */
          r = syscall (SYS_clone3, NULL, 0);
          break;
        case P_VSOCK:
          r = socket (AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
          break;
        case P_ALG:
          r = socket (AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
          break;
        case P_UNIX:
          r = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
          break;
        case P_PERSONALITY_QUERY:
          r = personality (0xffffffff);
          break;
        case P_PERSONALITY_ODD:
          r = personality (0x0400000); /* READ_IMPLIES_EXEC */
          break;
        case P_GETPID:
          r = syscall (SYS_getpid);
          break;
        case P_REBOOT: /* bad magic: never reaches a reboot */
          r = syscall (SYS_reboot, 0, 0, 0, NULL);
          break;
        }
      _exit (r < 0 ? (errno & 0xff) : 0);
    }
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  assert_int_not_equal (WEXITSTATUS (status), 200);
  return WEXITSTATUS (status);
}

static void
test_seccomp_runtime_default (void **state)
{
  (void) state;
  char **caps = vs_default_caps ();
  scmp_filter_ctx ctx = build_filter (caps);
  char *pfc = filter_pfc (ctx);

  assert_non_null (strstr (pfc, "\"read\""));
  assert_non_null (strstr (pfc, "\"personality\""));
  assert_null (strstr (pfc, "\"mount\""));
  assert_null (strstr (pfc, "\"unshare\""));
  free (pfc);

  assert_int_equal (probe (ctx, P_GETPID), 0);
  assert_int_equal (probe (ctx, P_UMOUNT2), EPERM);
  assert_int_equal (probe (ctx, P_UNSHARE), EPERM);
  assert_int_equal (probe (ctx, P_CLONE3), ENOSYS);
  assert_int_equal (probe (ctx, P_VSOCK), EPERM);
  assert_int_equal (probe (ctx, P_ALG), EPERM);
  assert_int_equal (probe (ctx, P_UNIX), 0);
  assert_int_equal (probe (ctx, P_PERSONALITY_QUERY), 0);
  assert_int_equal (probe (ctx, P_PERSONALITY_ODD), EPERM);
  assert_int_equal (probe (ctx, P_REBOOT), EPERM);
  seccomp_release (ctx);
  rt_strv_free (caps);
}

static void
test_seccomp_runtime_sys_admin (void **state)
{
  (void) state;
  char **caps = vs_default_caps ();
  vs_error err = { 0 };
  scmp_filter_ctx ctx;
  char *pfc;

  assert_int_equal (vs_caps_apply (&caps, LIST ("sys_admin"), NULL, &err), 0);
  ctx = build_filter (caps);
  pfc = filter_pfc (ctx);
  assert_non_null (strstr (pfc, "\"mount\""));
  assert_non_null (strstr (pfc, "\"unshare\""));
  assert_non_null (strstr (pfc, "\"setns\""));
  free (pfc);

  /* allowed through: the kernel's own EINVAL comes back */
  assert_int_equal (probe (ctx, P_UMOUNT2), EINVAL);
  assert_int_equal (probe (ctx, P_UNSHARE), EINVAL);
  assert_int_equal (probe (ctx, P_CLONE3), EINVAL);
  /* still refused */
  assert_int_equal (probe (ctx, P_VSOCK), EPERM);
  assert_int_equal (probe (ctx, P_REBOOT), EPERM);
  seccomp_release (ctx);
  rt_strv_free (caps);
}

static void
test_seccomp_no_caps (void **state)
{
  (void) state;
  scmp_filter_ctx ctx = build_filter (NULL);
  char *pfc = filter_pfc (ctx);
  assert_null (strstr (pfc, "\"chroot\""));
  free (pfc);
  assert_int_equal (probe (ctx, P_GETPID), 0);
  assert_int_equal (probe (ctx, P_UMOUNT2), EPERM);
  seccomp_release (ctx);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_default_caps),
    cmocka_unit_test (test_all_caps),
    cmocka_unit_test (test_cap_canonical),
    cmocka_unit_test (test_caps_add_drop),
    cmocka_unit_test (test_caps_apply_empty_start),
    cmocka_unit_test (test_caps_apply_errors),
    cmocka_unit_test (test_paths),
    cmocka_unit_test (test_mounts),
    cmocka_unit_test (test_seccomp_shape),
    cmocka_unit_test (test_seccomp_runtime_default),
    cmocka_unit_test (test_seccomp_runtime_sys_admin),
    cmocka_unit_test (test_seccomp_no_caps),
  };
  return cmocka_run_group_tests_name ("defaults", tests, NULL, NULL);
}
