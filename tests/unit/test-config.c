/* test-config.c — rt_config_parse: every field of a valid config.json, and
 * bad inputs whose error message must name the offending field.
 *
 * JSON is written with single quotes for readability; J() turns them into
 * double quotes.  The leak test runs last: LeakSanitizer then also accounts
 * for every error path exercised before it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<sanitizer/lsan_interface.h>)
#include <sanitizer/lsan_interface.h>
#define HAVE_LSAN_INTERFACE 1
#endif
#endif

#include "../../src/basic/error.h"
#include "../../src/runtime/config.h"
#include "../../src/runtime/spawn.h"

/* Replace ' by " in a copy of s (the caller frees). */
static char *
J (const char *s)
{
  char *c = strdup (s);
  assert_non_null (c);
  for (char *p = c; *p; p++)
    if (*p == '\'')
      *p = '"';
  return c;
}

static struct rt_config *
parse_ok (const char *sq_json, const char *bundle)
{
  char *text = J (sq_json);
  struct rt_config *cfg = NULL;
  vs_error err = { 0 };
  int r = rt_config_parse (text, strlen (text), bundle, &cfg, &err);
  free (text);
  if (r < 0)
    fail_msg ("rt_config_parse failed (%d): %s", r, err.msg);
  assert_int_equal (r, 0);
  assert_non_null (cfg);
  return cfg;
}

/* Parse text (already with real quotes) and expect failure naming `needle`. */
static void
expect_fail_raw (const char *text, const char *needle)
{
  struct rt_config *cfg = NULL;
  vs_error err = { 0 };
  int r = rt_config_parse (text, strlen (text), "/bundle", &cfg, &err);
  if (r >= 0)
    {
      rt_config_free (cfg);
      fail_msg ("expected failure containing \"%s\" for: %s", needle, text);
    }
  assert_true (r < 0);
  assert_null (cfg);
  if (strstr (err.msg, needle) == NULL)
    fail_msg ("error message \"%s\" does not contain \"%s\"", err.msg, needle);
  /* Every parse error is attributed to the file. */
  assert_true (strncmp (err.msg, "config.json", 11) == 0);
}

/* The minimal valid document, with `patch` merged into it (recursively for
 * objects; arrays and scalars replace). */
#define BASE "{'ociVersion':'1.0.2','root':{'path':'rootfs'},'process':{'args':['sh'],'cwd':'/'}}"

/* Which cgroup mount the init mounts last (rt_mount_cgroup_deferred). */
static size_t
deferred_of (const char *sq_mounts)
{
  char doc[2048];
  struct rt_config *cfg;
  size_t i;

  snprintf (doc, sizeof doc, "{'ociVersion':'1.0.2','root':{'path':'rootfs'},'process':{'args':['sh'],'cwd':'/'},"
                             "'mounts':%s}", sq_mounts);
  cfg = parse_ok (doc, "/b");
  i = rt_mount_cgroup_deferred (cfg);
  if (i == cfg->n_mounts)
    i = SIZE_MAX;
  rt_config_free (cfg);
  return i;
}

#define M(dest, type) "{'destination':'" dest "','type':'" type "','source':'" type "'}"
#define BIND(dest) "{'destination':'" dest "','type':'bind','source':'/etc/hosts','options':['rbind']}"

static void
test_cgroup_mount_deferred (void **state)
{
  (void) state;
  /* docker's order: everything after /sys/fs/cgroup lies elsewhere */
  assert_int_equal (deferred_of ("[" M ("/proc", "proc") "," M ("/dev", "tmpfs") "," M ("/sys", "sysfs") ","
                                 M ("/sys/fs/cgroup", "cgroup") "," M ("/dev/mqueue", "mqueue") "," BIND ("/etc/hosts") "]"),
                    3);
  assert_int_equal (deferred_of ("[" M ("/sys/fs/cgroup", "cgroup2") "]"), 0);
  /* a later mount under it, over it, or holding it: in order */
  assert_int_equal (deferred_of ("[" M ("/sys/fs/cgroup", "cgroup") "," M ("/sys/fs/cgroup/x", "tmpfs") "]"), SIZE_MAX);
  assert_int_equal (deferred_of ("[" M ("/sys/fs/cgroup", "cgroup") "," M ("/sys", "sysfs") "]"), SIZE_MAX);
  assert_int_equal (deferred_of ("[" M ("/sys/fs/cgroup", "cgroup") "," BIND ("/sys/fs/cgroup") "]"), SIZE_MAX);
  assert_int_equal (deferred_of ("[" M ("/sys/fs/cgroup", "cgroup") "," BIND ("/") "]"), SIZE_MAX);
  /* a path that is not clean, theirs or its: in order */
  assert_int_equal (deferred_of ("[" M ("/sys/fs/cgroup", "cgroup") "," M ("/sys//fs", "tmpfs") "]"), SIZE_MAX);
  assert_int_equal (deferred_of ("[" M ("/sys/fs/cgroup", "cgroup") "," M ("/a/../sys/fs", "tmpfs") "]"), SIZE_MAX);
  assert_int_equal (deferred_of ("[" M ("/sys/fs/cgroup/", "cgroup") "," M ("/dev/mqueue", "mqueue") "]"), SIZE_MAX);
  /* a prefix that is not a parent does not count */
  assert_int_equal (deferred_of ("[" M ("/sys/fs/cgroup", "cgroup") "," M ("/sys/fs/cgroupx", "tmpfs") "]"), 0);
  /* under /dev it would meet the device nodes made after the mounts */
  assert_int_equal (deferred_of ("[" M ("/dev/cgroup", "cgroup") "," M ("/run", "tmpfs") "]"), SIZE_MAX);
  /* no cgroup mount */
  assert_int_equal (deferred_of ("[" M ("/proc", "proc") "]"), SIZE_MAX);
}

static void
expect_fail_patch (const char *sq_patch, const char *needle)
{
  char *base = J (BASE), *patch = J (sq_patch), *text;
  json_error_t jerr;
  json_t *b = json_loads (base, 0, &jerr), *p = json_loads (patch, 0, &jerr);
  if (p == NULL)
    fail_msg ("bad test patch %s: %s", patch, jerr.text);
  assert_non_null (b);
  assert_int_equal (json_object_update_recursive (b, p), 0);
  text = json_dumps (b, JSON_COMPACT);
  assert_non_null (text);
  expect_fail_raw (text, needle);
  free (text);
  free (base);
  free (patch);
  json_decref (b);
  json_decref (p);
}

static void
expect_fail (const char *sq_json, const char *needle)
{
  char *text = J (sq_json);
  expect_fail_raw (text, needle);
  free (text);
}

/* ---------------------------------------------------------------- valid */

static const char full_config[] =
  "{"
  " 'ociVersion': '1.0.2-dev',"
  " 'vesselFutureField': {'nested': [1, 2, {'x': null}]},"
  " 'root': {'path': 'rootfs', 'readonly': true, 'unknownRootField': 1},"
  " 'hostname': 'box',"
  " 'domainname': 'example.org',"
  " 'process': {"
  "   'terminal': true,"
  "   'consoleSize': {'height': 24, 'width': 80},"
  "   'user': {'uid': 1000, 'gid': 100, 'umask': 18, 'additionalGids': [5, 10, 4294967294],"
  "            'username': 'ignored'},"
  "   'args': ['/bin/sh', '-c', 'echo hi'],"
  "   'env': ['PATH=/usr/bin:/bin', 'TERM=xterm'],"
  "   'cwd': '/home/user',"
  "   'capabilities': {"
  "     'bounding': ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],"
  "     'effective': ['CAP_KILL'],"
  "     'inheritable': [],"
  "     'permitted': ['CAP_CHOWN', 'CAP_SYS_ADMIN'],"
  "     'ambient': ['CAP_NET_BIND_SERVICE']"
  "   },"
  "   'rlimits': ["
  "     {'type': 'RLIMIT_NOFILE', 'hard': 4096, 'soft': 1024},"
  "     {'type': 'RLIMIT_CORE', 'hard': -1, 'soft': 0}"
  "   ],"
  "   'oomScoreAdj': -500,"
  "   'noNewPrivileges': true,"
  "   'apparmorProfile': 'ignored', 'selinuxLabel': 'ignored', 'ioPriority': {'class': 'IOPRIO_CLASS_IDLE'}"
  " },"
  " 'mounts': ["
  "   {'destination': '/proc', 'type': 'proc', 'source': 'proc'},"
  "   {'destination': '/dev', 'type': 'tmpfs', 'source': 'tmpfs',"
  "    'options': ['nosuid', 'strictatime', 'mode=755', 'size=65536k']},"
  "   {'destination': '/data', 'source': '/host/data', 'options': ['rbind', 'rro', 'rprivate', 'nodev']},"
  "   {'destination': '/b', 'type': 'bind', 'source': '/x',"
  "    'options': ['ro', 'rw', 'suid', 'exec', 'slave'], 'uidMappings': []},"
  "   {'destination': '/m', 'type': 'mqueue', 'source': 'mqueue',"
  "    'options': ['nosuid', 'noexec', 'nodev', 'suid', 'remount', 'runbindable', 'tmpcopyup', 'defaults']}"
  " ],"
  " 'hooks': {"
  "   'prestart': [{'path': '/usr/bin/netns-hook', 'args': ['netns-hook', 'up'], 'env': ['A=1'], 'timeout': 5}],"
  "   'createRuntime': [{'path': '/bin/cr1'}, {'path': '/bin/cr2', 'timeout': 30}],"
  "   'createContainer': [],"
  "   'startContainer': [{'path': '/bin/sc'}],"
  "   'poststart': [{'path': '/bin/ps'}],"
  "   'poststop': [{'path': '/bin/cleanup', 'args': ['cleanup']}],"
  "   'someFutureHook': [{'path': 'relative-but-ignored'}]"
  " },"
  " 'linux': {"
  "   'namespaces': ["
  "     {'type': 'pid'}, {'type': 'network', 'path': '/proc/1234/ns/net'}, {'type': 'mount'},"
  "     {'type': 'ipc'}, {'type': 'uts'}, {'type': 'user'}, {'type': 'cgroup'}"
  "   ],"
  "   'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}],"
  "   'gidMappings': [{'containerID': 0, 'hostID': 200000, 'size': 1},"
  "                   {'containerID': 1, 'hostID': 4294967295, 'size': 1}],"
  "   'sysctl': {'net.ipv4.ip_forward': '1', 'kernel.msgmax': '8192'},"
  "   'maskedPaths': ['/proc/kcore', '/proc/keys', '/sys/firmware'],"
  "   'readonlyPaths': ['/proc/sys', '/proc/sysrq-trigger'],"
  "   'devices': ["
  "     {'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229, 'fileMode': 438, 'uid': 0, 'gid': 5},"
  "     {'path': '/dev/sda', 'type': 'b', 'major': 8, 'minor': 0},"
  "     {'path': '/dev/pipe', 'type': 'p'},"
  "     {'path': '/dev/u', 'type': 'u', 'major': 1, 'minor': 3, 'uid': 1000}"
  "   ],"
  "   'rootfsPropagation': 'rslave',"
  "   'personality': {'domain': 'LINUX32', 'flags': []},"
  "   'cgroupsPath': '/vessel/test-ctr',"
  "   'resources': {'memory': {'limit': 1048576}},"
  "   'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW'},"
  "   'intelRdt': {'closID': 'x'},"
  "   'mountLabel': 'ignored'"
  " },"
  " 'annotations': {'org.example.key': 'value', 'io.vessel.other': ''}"
  "}";

static const char *
sysctl_value (const struct rt_config *cfg, const char *key)
{
  for (size_t i = 0; i < cfg->n_sysctl; i++)
    if (strcmp (cfg->sysctl[i].key, key) == 0)
      return cfg->sysctl[i].value;
  return NULL;
}

static void
test_full_top_level (void **state)
{
  (void) state;
  struct rt_config *cfg = parse_ok (full_config, "/var/lib/bundles/b1");

  assert_string_equal (cfg->oci_version, "1.0.2-dev");
  assert_string_equal (cfg->root_path, "/var/lib/bundles/b1/rootfs");
  assert_true (cfg->root_readonly);
  assert_string_equal (cfg->hostname, "box");
  assert_string_equal (cfg->domainname, "example.org");
  assert_non_null (cfg->json);
  assert_true (json_is_object (json_object_get (json_object_get (cfg->json, "linux"), "resources")));

  assert_non_null (cfg->annotations);
  assert_int_equal (json_object_size (cfg->annotations), 2);
  assert_string_equal (json_string_value (json_object_get (cfg->annotations, "org.example.key")), "value");
  assert_string_equal (json_string_value (json_object_get (cfg->annotations, "io.vessel.other")), "");
  /* borrowed from the document */
  assert_ptr_equal (cfg->annotations, json_object_get (cfg->json, "annotations"));
  rt_config_free (cfg);
}

static void
test_full_process (void **state)
{
  (void) state;
  struct rt_config *cfg = parse_ok (full_config, "/b");
  const struct rt_process *p = cfg->process;

  assert_non_null (p);
  assert_true (p->terminal);
  assert_int_equal (p->console_height, 24);
  assert_int_equal (p->console_width, 80);
  assert_int_equal (p->uid, 1000);
  assert_int_equal (p->gid, 100);
  assert_true (p->has_umask);
  assert_int_equal (p->umask, 022);
  assert_int_equal (p->n_additional_gids, 3);
  assert_int_equal (p->additional_gids[0], 5);
  assert_int_equal (p->additional_gids[1], 10);
  assert_int_equal (p->additional_gids[2], 4294967294u);

  assert_string_equal (p->args[0], "/bin/sh");
  assert_string_equal (p->args[1], "-c");
  assert_string_equal (p->args[2], "echo hi");
  assert_null (p->args[3]);
  assert_string_equal (p->env[0], "PATH=/usr/bin:/bin");
  assert_string_equal (p->env[1], "TERM=xterm");
  assert_null (p->env[2]);
  assert_string_equal (p->cwd, "/home/user");

  assert_true (p->has_caps);
  assert_int_equal (p->caps[RT_CAP_BOUNDING],
                    (1ULL << CAP_CHOWN) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE));
  assert_int_equal (p->caps[RT_CAP_EFFECTIVE], 1ULL << CAP_KILL);
  assert_int_equal (p->caps[RT_CAP_INHERITABLE], 0);
  assert_int_equal (p->caps[RT_CAP_PERMITTED], (1ULL << CAP_CHOWN) | (1ULL << CAP_SYS_ADMIN));
  assert_int_equal (p->caps[RT_CAP_AMBIENT], 1ULL << CAP_NET_BIND_SERVICE);

  assert_int_equal (p->n_rlimits, 2);
  assert_int_equal (p->rlimits[0].resource, RLIMIT_NOFILE);
  assert_int_equal (p->rlimits[0].hard, 4096);
  assert_int_equal (p->rlimits[0].soft, 1024);
  assert_int_equal (p->rlimits[1].resource, RLIMIT_CORE);
  assert_int_equal (p->rlimits[1].hard, UINT64_MAX); /* -1 = unlimited */
  assert_int_equal (p->rlimits[1].soft, 0);

  assert_true (p->has_oom_score_adj);
  assert_int_equal (p->oom_score_adj, -500);
  assert_true (p->no_new_privileges);
  rt_config_free (cfg);
}

static void
test_full_mounts (void **state)
{
  (void) state;
  struct rt_config *cfg = parse_ok (full_config, "/b");
  const struct rt_mount *m = cfg->mounts;

  assert_int_equal (cfg->n_mounts, 5);

  assert_string_equal (m[0].destination, "/proc");
  assert_string_equal (m[0].type, "proc");
  assert_string_equal (m[0].source, "proc");
  assert_int_equal (m[0].flags, 0);
  assert_int_equal (m[0].clear_flags, 0);
  assert_int_equal (m[0].propagation, 0);
  assert_false (m[0].bind);
  assert_false (m[0].recursive_ro);
  assert_null (m[0].data);

  assert_string_equal (m[1].destination, "/dev");
  assert_string_equal (m[1].type, "tmpfs");
  assert_int_equal (m[1].flags, MS_NOSUID | MS_STRICTATIME);
  assert_int_equal (m[1].clear_flags, 0);
  assert_false (m[1].bind);
  assert_string_equal (m[1].data, "mode=755,size=65536k");

  /* rbind without a type: a recursive bind; rro is read-only everywhere */
  assert_string_equal (m[2].destination, "/data");
  assert_null (m[2].type);
  assert_string_equal (m[2].source, "/host/data");
  assert_true (m[2].bind);
  assert_true (m[2].recursive_ro);
  assert_int_equal (m[2].flags, MS_REC | MS_RDONLY | MS_NODEV);
  assert_int_equal (m[2].propagation, MS_PRIVATE | MS_REC);
  assert_null (m[2].data);

  /* type "bind" makes a bind mount; later options override earlier ones */
  assert_string_equal (m[3].destination, "/b");
  assert_true (m[3].bind);
  assert_false (m[3].recursive_ro);
  assert_int_equal (m[3].flags & (MS_RDONLY | MS_NOSUID | MS_NOEXEC | MS_REC), 0);
  assert_int_equal (m[3].clear_flags, MS_RDONLY | MS_NOSUID | MS_NOEXEC);
  assert_int_equal (m[3].propagation, MS_SLAVE);
  assert_null (m[3].data);

  /* nosuid then suid: cleared; tmpcopyup/defaults accepted and dropped */
  assert_string_equal (m[4].destination, "/m");
  assert_int_equal (m[4].flags, MS_NOEXEC | MS_NODEV | MS_REMOUNT);
  assert_int_equal (m[4].clear_flags, MS_NOSUID);
  assert_int_equal (m[4].propagation, MS_UNBINDABLE | MS_REC);
  assert_false (m[4].bind);
  assert_null (m[4].data);
  rt_config_free (cfg);
}

static void
test_full_hooks (void **state)
{
  (void) state;
  struct rt_config *cfg = parse_ok (full_config, "/b");

  assert_int_equal (cfg->n_hooks[RT_HOOK_PRESTART], 1);
  const struct rt_hook *h = &cfg->hooks[RT_HOOK_PRESTART][0];
  assert_string_equal (h->path, "/usr/bin/netns-hook");
  assert_string_equal (h->args[0], "netns-hook");
  assert_string_equal (h->args[1], "up");
  assert_null (h->args[2]);
  assert_string_equal (h->env[0], "A=1");
  assert_null (h->env[1]);
  assert_int_equal (h->timeout, 5);

  assert_int_equal (cfg->n_hooks[RT_HOOK_CREATE_RUNTIME], 2);
  assert_string_equal (cfg->hooks[RT_HOOK_CREATE_RUNTIME][0].path, "/bin/cr1");
  assert_null (cfg->hooks[RT_HOOK_CREATE_RUNTIME][0].args);
  assert_null (cfg->hooks[RT_HOOK_CREATE_RUNTIME][0].env);
  assert_int_equal (cfg->hooks[RT_HOOK_CREATE_RUNTIME][0].timeout, 0);
  assert_string_equal (cfg->hooks[RT_HOOK_CREATE_RUNTIME][1].path, "/bin/cr2");
  assert_int_equal (cfg->hooks[RT_HOOK_CREATE_RUNTIME][1].timeout, 30);

  assert_int_equal (cfg->n_hooks[RT_HOOK_CREATE_CONTAINER], 0);
  assert_int_equal (cfg->n_hooks[RT_HOOK_START_CONTAINER], 1);
  assert_string_equal (cfg->hooks[RT_HOOK_START_CONTAINER][0].path, "/bin/sc");
  assert_int_equal (cfg->n_hooks[RT_HOOK_POSTSTART], 1);
  assert_string_equal (cfg->hooks[RT_HOOK_POSTSTART][0].path, "/bin/ps");
  assert_int_equal (cfg->n_hooks[RT_HOOK_POSTSTOP], 1);
  assert_string_equal (cfg->hooks[RT_HOOK_POSTSTOP][0].path, "/bin/cleanup");
  assert_string_equal (cfg->hooks[RT_HOOK_POSTSTOP][0].args[0], "cleanup");

  assert_string_equal (rt_hook_names[RT_HOOK_CREATE_RUNTIME], "createRuntime");
  assert_string_equal (rt_hook_names[RT_HOOK_POSTSTOP], "poststop");
  rt_config_free (cfg);
}

static void
test_full_linux (void **state)
{
  (void) state;
  struct rt_config *cfg = parse_ok (full_config, "/b");
  const struct rt_namespace *ns;

  assert_int_equal (cfg->n_namespaces, 7);
  assert_int_equal (cfg->namespaces[0].type, CLONE_NEWPID);
  assert_null (cfg->namespaces[0].path);
  assert_int_equal (cfg->namespaces[1].type, CLONE_NEWNET);
  assert_string_equal (cfg->namespaces[1].path, "/proc/1234/ns/net");
  ns = rt_config_namespace (cfg, CLONE_NEWNET);
  assert_ptr_equal (ns, &cfg->namespaces[1]);
  assert_non_null (rt_config_namespace (cfg, CLONE_NEWNS));
  assert_non_null (rt_config_namespace (cfg, CLONE_NEWIPC));
  assert_non_null (rt_config_namespace (cfg, CLONE_NEWUTS));
  assert_non_null (rt_config_namespace (cfg, CLONE_NEWUSER));
  assert_non_null (rt_config_namespace (cfg, CLONE_NEWCGROUP));
  assert_null (rt_config_namespace (cfg, CLONE_NEWTIME));
  assert_null (rt_config_namespace (cfg, CLONE_NEWPID)->path);

  assert_int_equal (rt_namespace_type_from_name ("time"), CLONE_NEWTIME);
  assert_int_equal (rt_namespace_type_from_name ("network"), CLONE_NEWNET);
  assert_int_equal (rt_namespace_type_from_name ("net"), -1);
  assert_string_equal (rt_namespace_name (CLONE_NEWNS), "mount");
  assert_string_equal (rt_namespace_name (CLONE_NEWUSER), "user");

  assert_int_equal (cfg->n_uid_mappings, 1);
  assert_int_equal (cfg->uid_mappings[0].container_id, 0);
  assert_int_equal (cfg->uid_mappings[0].host_id, 100000);
  assert_int_equal (cfg->uid_mappings[0].size, 65536);
  assert_int_equal (cfg->n_gid_mappings, 2);
  assert_int_equal (cfg->gid_mappings[0].host_id, 200000);
  assert_int_equal (cfg->gid_mappings[0].size, 1);
  assert_int_equal (cfg->gid_mappings[1].container_id, 1);
  assert_int_equal (cfg->gid_mappings[1].host_id, 4294967295u);

  assert_int_equal (cfg->n_sysctl, 2);
  assert_string_equal (sysctl_value (cfg, "net.ipv4.ip_forward"), "1");
  assert_string_equal (sysctl_value (cfg, "kernel.msgmax"), "8192");

  assert_int_equal (cfg->n_masked_paths, 3);
  assert_string_equal (cfg->masked_paths[0], "/proc/kcore");
  assert_string_equal (cfg->masked_paths[2], "/sys/firmware");
  assert_null (cfg->masked_paths[3]);
  assert_int_equal (cfg->n_readonly_paths, 2);
  assert_string_equal (cfg->readonly_paths[1], "/proc/sysrq-trigger");
  assert_null (cfg->readonly_paths[2]);

  assert_int_equal (cfg->n_devices, 4);
  const struct rt_device *d = cfg->devices;
  assert_string_equal (d[0].path, "/dev/fuse");
  assert_int_equal (d[0].type, 'c');
  assert_int_equal (d[0].major, 10);
  assert_int_equal (d[0].minor, 229);
  assert_true (d[0].has_mode);
  assert_int_equal (d[0].mode, 0666);
  assert_true (d[0].has_uid);
  assert_int_equal (d[0].uid, 0);
  assert_true (d[0].has_gid);
  assert_int_equal (d[0].gid, 5);
  assert_string_equal (d[1].path, "/dev/sda");
  assert_int_equal (d[1].type, 'b');
  assert_int_equal (d[1].major, 8);
  assert_int_equal (d[1].minor, 0);
  assert_false (d[1].has_mode);
  assert_false (d[1].has_uid);
  assert_false (d[1].has_gid);
  assert_int_equal (d[2].type, 'p');
  assert_int_equal (d[3].type, 'u');
  assert_true (d[3].has_uid);
  assert_int_equal (d[3].uid, 1000);
  assert_false (d[3].has_gid);

  assert_int_equal (cfg->rootfs_propagation, MS_SLAVE | MS_REC);
  assert_true (cfg->has_personality);
  assert_int_equal (cfg->personality, PER_LINUX32);
  assert_string_equal (cfg->cgroups_path, "/vessel/test-ctr");
  rt_config_free (cfg);
}

static void
test_minimal_defaults (void **state)
{
  (void) state;
  struct rt_config *cfg = parse_ok ("{'ociVersion':'1.0.0','process':{'args':['true'],'cwd':'/'}}", "/b");

  assert_string_equal (cfg->oci_version, "1.0.0");
  assert_null (cfg->root_path);
  assert_false (cfg->root_readonly);
  assert_null (cfg->hostname);
  assert_int_equal (cfg->n_mounts, 0);
  assert_non_null (cfg->process);
  assert_false (cfg->process->terminal);
  assert_int_equal (cfg->process->uid, 0);
  assert_int_equal (cfg->process->gid, 0);
  assert_false (cfg->process->has_umask);
  assert_false (cfg->process->has_caps);
  assert_false (cfg->process->has_oom_score_adj);
  assert_false (cfg->process->no_new_privileges);
  assert_int_equal (cfg->process->n_rlimits, 0);
  assert_int_equal (cfg->process->n_additional_gids, 0);
  /* env defaults to an empty list, never NULL */
  assert_non_null (cfg->process->env);
  assert_null (cfg->process->env[0]);
  for (int k = 0; k < RT_HOOK_KINDS; k++)
    assert_int_equal (cfg->n_hooks[k], 0);
  assert_int_equal (cfg->n_namespaces, 0);
  assert_int_equal (cfg->n_uid_mappings, 0);
  assert_int_equal (cfg->n_sysctl, 0);
  assert_int_equal (cfg->n_masked_paths, 0);
  assert_int_equal (cfg->n_devices, 0);
  assert_int_equal (cfg->rootfs_propagation, 0);
  assert_false (cfg->has_personality);
  assert_null (cfg->cgroups_path);
  assert_null (cfg->annotations);
  rt_config_free (cfg);

  /* process may be absent; explicit nulls are the same as absent */
  cfg = parse_ok ("{'ociVersion':'1.0.0','process':null,'mounts':null,'linux':null,'hooks':null,"
                  "'annotations':null,'hostname':null}", NULL);
  assert_null (cfg->process);
  assert_int_equal (cfg->n_mounts, 0);
  assert_null (cfg->annotations);
  assert_null (cfg->hostname);
  rt_config_free (cfg);

  /* personality without a domain is LINUX */
  cfg = parse_ok ("{'ociVersion':'1.0.0','linux':{'personality':{}}}", NULL);
  assert_true (cfg->has_personality);
  assert_int_equal (cfg->personality, PER_LINUX);
  rt_config_free (cfg);
}

static void
test_root_path (void **state)
{
  (void) state;
  struct rt_config *cfg;

  cfg = parse_ok ("{'ociVersion':'1','root':{'path':'rootfs'}}", "/srv/bundle");
  assert_string_equal (cfg->root_path, "/srv/bundle/rootfs");
  rt_config_free (cfg);

  cfg = parse_ok ("{'ociVersion':'1','root':{'path':'sub/dir/rootfs'}}", "/srv/bundle");
  assert_string_equal (cfg->root_path, "/srv/bundle/sub/dir/rootfs");
  rt_config_free (cfg);

  cfg = parse_ok ("{'ociVersion':'1','root':{'path':'/abs/rootfs'}}", "/srv/bundle");
  assert_string_equal (cfg->root_path, "/abs/rootfs");
  rt_config_free (cfg);

  /* without a bundle a relative path stays as given */
  cfg = parse_ok ("{'ociVersion':'1','root':{'path':'rootfs'}}", NULL);
  assert_string_equal (cfg->root_path, "rootfs");
  rt_config_free (cfg);

  expect_fail ("{'ociVersion':'1','root':{'path':''}}", "root.path: missing");
  expect_fail ("{'ociVersion':'1','root':{}}", "root.path: missing");
  expect_fail ("{'ociVersion':'1','root':'rootfs'}", "root: expected an object");
  expect_fail ("{'ociVersion':'1','root':{'path':'r','readonly':'yes'}}", "root.readonly: expected true or false");
}

static void
test_mount_options_direct (void **state)
{
  (void) state;
  struct rt_mount m;
  vs_error err = { 0 };
  json_error_t jerr;
  json_t *opts;

  memset (&m, 0, sizeof m);
  opts = json_loads ("[\"noatime\",\"nodiratime\",\"relatime\",\"sync\",\"dirsync\",\"mand\",\"uid=5\","
                     "\"newinstance\",\"rshared\"]",
                     0, &jerr);
  assert_non_null (opts);
  assert_int_equal (rt_mount_parse_options (&m, opts, "mounts[7].options", &err), 0);
  assert_int_equal (m.flags, MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK);
  assert_int_equal (m.clear_flags, 0);
  assert_int_equal (m.propagation, MS_SHARED | MS_REC);
  assert_string_equal (m.data, "uid=5,newinstance");
  free (m.data);
  json_decref (opts);

  /* the inverse options clear and are remembered in clear_flags */
  memset (&m, 0, sizeof m);
  opts = json_loads ("[\"noatime\",\"atime\",\"sync\",\"async\",\"mand\",\"nomand\",\"nodev\",\"dev\","
                     "\"relatime\",\"norelatime\",\"strictatime\",\"nostrictatime\",\"nodiratime\",\"diratime\","
                     "\"unbindable\",\"bind\"]",
                     0, &jerr);
  assert_non_null (opts);
  assert_int_equal (rt_mount_parse_options (&m, opts, "mounts[0].options", &err), 0);
  assert_int_equal (m.flags, 0);
  assert_int_equal (m.clear_flags, MS_NOATIME | MS_SYNCHRONOUS | MS_MANDLOCK | MS_NODEV | MS_RELATIME
                                     | MS_STRICTATIME | MS_NODIRATIME);
  assert_int_equal (m.propagation, MS_UNBINDABLE);
  assert_true (m.bind);
  assert_int_equal (m.flags & MS_REC, 0); /* plain bind is not recursive */
  assert_null (m.data);
  json_decref (opts);

  memset (&m, 0, sizeof m);
  opts = json_loads ("[\"ro\", 7]", 0, &jerr);
  assert_true (rt_mount_parse_options (&m, opts, "mounts[2].options", &err) < 0);
  assert_non_null (strstr (err.msg, "mounts[2].options[1]: expected a string"));
  free (m.data);
  json_decref (opts);

  memset (&m, 0, sizeof m);
  opts = json_string ("ro");
  assert_true (rt_mount_parse_options (&m, opts, "mounts[3].options", &err) < 0);
  assert_non_null (strstr (err.msg, "mounts[3].options: expected an array of strings"));
  json_decref (opts);
}

/* A capability libcap does not know is skipped with a warning, not fatal
 * (as runc and crun do); the known ones in the same list still count. */
static void
test_unknown_capability_skipped (void **state)
{
  (void) state;
  struct rt_config *cfg = parse_ok ("{'ociVersion':'1','process':{'args':['x'],'cwd':'/',"
                                    "'capabilities':{'bounding':['CAP_NOT_A_REAL_ONE','CAP_KILL']}}}", NULL);
  assert_true (cfg->process->has_caps);
  assert_int_equal (cfg->process->caps[RT_CAP_BOUNDING], 1ULL << CAP_KILL);
  assert_int_equal (cfg->process->caps[RT_CAP_EFFECTIVE], 0);
  rt_config_free (cfg);
}

/* The spec types rlimits hard/soft as uint64: RLIM_INFINITY written as
 * 18446744073709551615 (as Go-based tools emit it) must parse. */
static void
test_rlimit_uint64_max (void **state)
{
  (void) state;
  struct rt_config *cfg = NULL;
  vs_error err = { 0 };
  char *text = J ("{'ociVersion':'1','process':{'args':['x'],'cwd':'/',"
                  "'rlimits':[{'type':'RLIMIT_CORE','hard':18446744073709551615,'soft':9223372036854775808}]}}");
  int r = rt_config_parse (text, strlen (text), NULL, &cfg, &err);
  free (text);
  if (r < 0)
    fail_msg ("uint64 rlimit rejected: %s", err.msg);
  assert_int_equal (cfg->process->n_rlimits, 1);
  assert_int_equal (cfg->process->rlimits[0].hard, UINT64_MAX);
  assert_int_equal (cfg->process->rlimits[0].soft, 9223372036854775808ULL);
  rt_config_free (cfg);
}

static void
test_unknown_fields_ignored (void **state)
{
  (void) state;
  /* Unknown keys everywhere, of every JSON type, must not change anything. */
  struct rt_config *a = parse_ok ("{'ociVersion':'1.0.2','root':{'path':'r'},"
                                  "'process':{'args':['x'],'cwd':'/'},"
                                  "'mounts':[{'destination':'/t','type':'tmpfs'}],"
                                  "'linux':{'namespaces':[{'type':'pid'}]}}",
                                  "/b");
  struct rt_config *b = parse_ok ("{'zzz':[1,'a',{}],'ociVersion':'1.0.2','root':{'path':'r','what':null},"
                                  "'process':{'args':['x'],'cwd':'/','scheduler':{'policy':'SCHED_OTHER'},"
                                  "'user':{'extra':true}},"
                                  "'mounts':[{'destination':'/t','type':'tmpfs','gidMappings':[],'n':1.5}],"
                                  "'linux':{'namespaces':[{'type':'pid','x':1}],'newThing':{'a':[]},"
                                  "'timeOffsets':{}},'solaris':{},'windows':{'x':1},'vm':null,"
                                  "'hooks':{'bogus':42}}",
                                  "/b");
  assert_string_equal (a->root_path, b->root_path);
  assert_string_equal (a->process->args[0], b->process->args[0]);
  assert_int_equal (b->n_mounts, 1);
  assert_string_equal (b->mounts[0].type, "tmpfs");
  assert_int_equal (b->mounts[0].flags, a->mounts[0].flags);
  assert_int_equal (b->n_namespaces, 1);
  assert_int_equal (b->namespaces[0].type, CLONE_NEWPID);
  for (int k = 0; k < RT_HOOK_KINDS; k++)
    assert_int_equal (b->n_hooks[k], 0);
  rt_config_free (a);
  rt_config_free (b);
}

static void
test_load_from_bundle (void **state)
{
  (void) state;
  char dir[] = "/tmp/vessel-test-config-XXXXXX", path[PATH_MAX];
  char *text = J ("{'ociVersion':'1.0.2','root':{'path':'rootfs'},'process':{'args':['a'],'cwd':'/'}}");
  struct rt_config *cfg = NULL;
  vs_error err = { 0 };
  FILE *f;

  assert_non_null (mkdtemp (dir));
  snprintf (path, sizeof path, "%s/config.json", dir);
  f = fopen (path, "w");
  assert_non_null (f);
  fputs (text, f);
  fclose (f);
  free (text);

  assert_int_equal (rt_config_load (dir, &cfg, &err), 0);
  char want[PATH_MAX];
  snprintf (want, sizeof want, "%s/rootfs", dir);
  assert_string_equal (cfg->root_path, want);
  rt_config_free (cfg);

  unlink (path);
  cfg = NULL;
  assert_int_equal (rt_config_load (dir, &cfg, &err), -ENOENT);
  assert_null (cfg);
  assert_non_null (strstr (err.msg, "config.json"));
  assert_int_equal (err.code, ENOENT);
  rmdir (dir);
}

/* ---------------------------------------------------------------- invalid */

static void
test_bad_json (void **state)
{
  (void) state;
  expect_fail ("{\n 'ociVersion': '1.0.2',\n 'process': oops\n}", "line 3");
  expect_fail ("{\n 'ociVersion': '1.0.2',\n", "invalid JSON");
  expect_fail ("", "invalid JSON");
  expect_fail ("{'ociVersion':'1','ociVersion':'2'}", "invalid JSON"); /* duplicate keys */
  expect_fail ("[1, 2]", "expected a JSON object at the top level");
  expect_fail ("'just a string'", "invalid JSON at line 1");
  expect_fail ("{}", "ociVersion: missing");
  expect_fail ("{'process':{'args':['sh'],'cwd':'/'}}", "ociVersion: missing");
  expect_fail ("{'ociVersion':1}", "ociVersion: expected a string");
  expect_fail ("{'ociVersion':'1','hostname':5}", "hostname: expected a string");
}

static void
test_bad_process (void **state)
{
  (void) state;
  expect_fail_patch ("{'process':'sh'}", "process: expected an object");
  expect_fail_patch ("{'process':{'args':'sh'}}", "process.args: expected an array of strings");
  expect_fail_patch ("{'process':{'args':['sh', 1]}}", "process.args[1]: expected a string");
  expect_fail_patch ("{'process':{'args':[]}}", "process.args: must name the program to run");
  expect_fail_patch ("{'process':{'env':['A=1', null]}}", "process.env[1]: expected a string");
  expect_fail_patch ("{'process':{'cwd':'relative'}}", "process.cwd: `relative` is not an absolute path");
  expect_fail_patch ("{'process':{'cwd':null}}", "process.cwd: missing");
  expect_fail_patch ("{'process':{'terminal':'yes'}}", "process.terminal: expected true or false");
  expect_fail_patch ("{'process':{'noNewPrivileges':1}}", "process.noNewPrivileges: expected true or false");
  expect_fail_patch ("{'process':{'user':{'uid':'1000'}}}", "process.user.uid: expected an integer");
  expect_fail_patch ("{'process':{'user':{'gid':-1}}}", "process.user.gid: -1 is out of range");
  expect_fail_patch ("{'process':{'user':{'umask':512}}}", "process.user.umask: 512 is out of range");
  expect_fail_patch ("{'process':{'user':{'additionalGids':[1,-2]}}}", "process.user.additionalGids[1]");
  expect_fail_patch ("{'process':{'user':{'additionalGids':5}}}", "process.user.additionalGids: expected an array");
  expect_fail_patch ("{'process':{'user':[]}}", "process.user: expected an object");
  expect_fail_patch ("{'process':{'consoleSize':{'height':70000}}}", "process.consoleSize.height: 70000 is out of range");
  expect_fail_patch ("{'process':{'consoleSize':{'width':'80'}}}", "process.consoleSize.width: expected an integer");
  expect_fail_patch ("{'process':{'capabilities':{'bounding':'CAP_KILL'}}}",
                     "process.capabilities.bounding: expected an array");
  expect_fail_patch ("{'process':{'capabilities':{'effective':[1]}}}", "process.capabilities.effective[0]: expected a string");
  expect_fail_patch ("{'process':{'rlimits':[{'type':'RLIMIT_BOGUS','hard':1,'soft':1}]}}",
                     "process.rlimits[0].type: unknown rlimit `RLIMIT_BOGUS`");
  expect_fail_patch ("{'process':{'rlimits':[{'type':'RLIMIT_NOFILE','hard':1,'soft':1},{'hard':1}]}}",
                     "process.rlimits[1].type: missing");
  expect_fail_patch ("{'process':{'rlimits':[{'type':'RLIMIT_NOFILE','hard':'1','soft':1}]}}",
                     "process.rlimits[0]: hard and soft must be integers");
  expect_fail_patch ("{'process':{'rlimits':{}}}", "process.rlimits: expected an array");
  expect_fail_patch ("{'process':{'oomScoreAdj':1001}}", "process.oomScoreAdj: 1001 is out of range [-1000, 1000]");
  expect_fail_patch ("{'process':{'oomScoreAdj':-1001}}", "process.oomScoreAdj: -1001 is out of range");
  expect_fail_patch ("{'process':{'oomScoreAdj':1.5}}", "process.oomScoreAdj: expected an integer");
}

static void
test_bad_mounts (void **state)
{
  (void) state;
  expect_fail_patch ("{'mounts':{}}", "mounts: expected an array");
  expect_fail_patch ("{'mounts':['proc']}", "mounts[0]: expected an object");
  expect_fail_patch ("{'mounts':[{'destination':'proc','type':'proc'}]}",
                     "mounts[0].destination: `proc` is not an absolute path");
  expect_fail_patch ("{'mounts':[{'destination':'/proc','type':'proc'},{'type':'tmpfs'}]}",
                     "mounts[1].destination: missing");
  expect_fail_patch ("{'mounts':[{'destination':'/x','source':'/y'}]}",
                     "mounts[0].type: missing for a mount that is not a bind mount");
  expect_fail_patch ("{'mounts':[{'destination':'/x','type':7}]}", "mounts[0].type: expected a string");
  expect_fail_patch ("{'mounts':[{'destination':'/x','type':'tmpfs','options':['ro',false]}]}",
                     "mounts[0].options[1]: expected a string");
}

static void
test_bad_hooks (void **state)
{
  (void) state;
  expect_fail_patch ("{'hooks':[]}", "hooks: expected an object");
  expect_fail_patch ("{'hooks':{'prestart':[{'path':'bin/hook'}]}}", "hooks.prestart[0].path: must be an absolute path");
  expect_fail_patch ("{'hooks':{'poststop':[{'path':'/ok'},{'args':['x']}]}}",
                     "hooks.poststop[1].path: must be an absolute path");
  expect_fail_patch ("{'hooks':{'createRuntime':{}}}", "hooks.createRuntime: expected an array");
  expect_fail_patch ("{'hooks':{'createContainer':['/bin/x']}}", "hooks.createContainer[0]: expected an object");
  expect_fail_patch ("{'hooks':{'startContainer':[{'path':'/x','args':'x'}]}}",
                     "hooks.startContainer[0].args: expected an array");
  expect_fail_patch ("{'hooks':{'poststart':[{'path':'/x','env':[1]}]}}", "hooks.poststart[0].env[0]: expected a string");
  expect_fail_patch ("{'hooks':{'prestart':[{'path':'/x','timeout':0}]}}", "hooks.prestart[0].timeout: 0 is out of range");
  expect_fail_patch ("{'hooks':{'prestart':[{'path':'/x','timeout':'5'}]}}", "hooks.prestart[0].timeout: expected an integer");
}

static void
test_bad_linux (void **state)
{
  (void) state;
  expect_fail_patch ("{'linux':[]}", "linux: expected an object");
  expect_fail_patch ("{'linux':{'namespaces':{}}}", "linux.namespaces: expected an array");
  expect_fail_patch ("{'linux':{'namespaces':[{'type':'bogus'}]}}",
                     "linux.namespaces[0].type: unknown namespace type `bogus`");
  expect_fail_patch ("{'linux':{'namespaces':[{'path':'/proc/1/ns/pid'}]}}", "linux.namespaces[0].type: unknown namespace type");
  expect_fail_patch ("{'linux':{'namespaces':[{'type':'pid'},{'type':'pid','path':'/proc/1/ns/pid'}]}}",
                     "linux.namespaces[1]: namespace `pid` is listed twice");
  expect_fail_patch ("{'linux':{'namespaces':[{'type':'pid','path':5}]}}", "linux.namespaces[0].path: expected a string");
  expect_fail_patch ("{'linux':{'uidMappings':[{'containerID':0,'hostID':1000}]}}",
                     "linux.uidMappings[0]: containerID, hostID and size are required");
  expect_fail_patch ("{'linux':{'gidMappings':[{'containerID':0,'hostID':1,'size':1},{'containerID':0,'size':1}]}}",
                     "linux.gidMappings[1]: containerID, hostID and size are required");
  expect_fail_patch ("{'linux':{'uidMappings':[{'containerID':0,'hostID':1000,'size':0}]}}",
                     "linux.uidMappings[0].size: 0 is out of range");
  expect_fail_patch ("{'linux':{'uidMappings':[{'containerID':-1,'hostID':1000,'size':1}]}}",
                     "linux.uidMappings[0].containerID: -1 is out of range");
  expect_fail_patch ("{'linux':{'uidMappings':{}}}", "linux.uidMappings: expected an array");
  expect_fail_patch ("{'linux':{'devices':[{'path':'/dev/x','type':'x'}]}}",
                     "linux.devices[0].type: must be one of c, b, u, p");
  expect_fail_patch ("{'linux':{'devices':[{'path':'/dev/x','type':'cb'}]}}",
                     "linux.devices[0].type: must be one of c, b, u, p");
  expect_fail_patch ("{'linux':{'devices':[{'path':'/dev/x','type':'c'},{'path':'dev/y','type':'c'}]}}",
                     "linux.devices[1].path: must be an absolute path");
  expect_fail_patch ("{'linux':{'devices':[{'path':'/dev/x','type':'c','major':'1'}]}}",
                     "linux.devices[0].major: expected an integer");
  expect_fail_patch ("{'linux':{'devices':[{'path':'/dev/x','type':'c','fileMode':4096}]}}",
                     "linux.devices[0].fileMode: 4096 is out of range");
  expect_fail_patch ("{'linux':{'sysctl':{'a.b':1}}}", "linux.sysctl.a.b: expected a string");
  expect_fail_patch ("{'linux':{'sysctl':['a=b']}}", "linux.sysctl: expected an object");
  expect_fail_patch ("{'linux':{'maskedPaths':['/a',2]}}", "linux.maskedPaths[1]: expected a string");
  expect_fail_patch ("{'linux':{'readonlyPaths':'/proc'}}", "linux.readonlyPaths: expected an array");
  expect_fail_patch ("{'linux':{'rootfsPropagation':'sideways'}}", "linux.rootfsPropagation: unknown value `sideways`");
  expect_fail_patch ("{'linux':{'rootfsPropagation':1}}", "linux.rootfsPropagation: expected a string");
  expect_fail_patch ("{'linux':{'personality':{'domain':'WINDOWS'}}}",
                     "linux.personality.domain: unknown value `WINDOWS`");
  expect_fail_patch ("{'linux':{'personality':'LINUX'}}", "linux.personality: expected an object");
  expect_fail_patch ("{'linux':{'cgroupsPath':42}}", "linux.cgroupsPath: expected a string");
}

static void
test_bad_annotations (void **state)
{
  (void) state;
  expect_fail_patch ("{'annotations':{'ok':'1','bad':2}}", "annotations.bad: expected a string");
  expect_fail_patch ("{'annotations':{'n':null}}", "annotations.n: expected a string");
  expect_fail_patch ("{'annotations':['a']}", "annotations: expected an object");
}

/* Failures late in the document must free what was parsed before them. */
static void
test_late_failure_after_everything (void **state)
{
  (void) state;
  char *full = J (full_config);
  json_error_t jerr;
  json_t *doc = json_loads (full, 0, &jerr);
  assert_non_null (doc);
  free (full);
  json_object_set_new (doc, "annotations", json_pack ("{s:i}", "late", 1));
  char *text = json_dumps (doc, JSON_COMPACT);
  expect_fail_raw (text, "annotations.late: expected a string");
  free (text);

  /* and one in the middle of linux, after namespaces/mappings/sysctl */
  json_object_del (doc, "annotations");
  json_object_set_new (json_object_get (doc, "linux"), "rootfsPropagation", json_string ("nope"));
  text = json_dumps (doc, JSON_COMPACT);
  expect_fail_raw (text, "linux.rootfsPropagation: unknown value `nope`");
  free (text);
  json_decref (doc);
}

static void
test_free_null (void **state)
{
  (void) state;
  rt_config_free (NULL);
  rt_strv_free (NULL);
  rt_hooks_free (NULL, 0);
}

/* Runs last: parse-and-free many times, then ask LeakSanitizer right now
 * (all the earlier tests' parses and error paths are included). */
static void
test_no_leaks (void **state)
{
  (void) state;
  for (int i = 0; i < 20; i++)
    {
      struct rt_config *cfg = parse_ok (full_config, "/bundle");
      rt_config_free (cfg);
    }
#ifdef HAVE_LSAN_INTERFACE
  assert_int_equal (__lsan_do_recoverable_leak_check (), 0);
#else
  skip ();
#endif
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_full_top_level),
    cmocka_unit_test (test_full_process),
    cmocka_unit_test (test_full_mounts),
    cmocka_unit_test (test_full_hooks),
    cmocka_unit_test (test_full_linux),
    cmocka_unit_test (test_minimal_defaults),
    cmocka_unit_test (test_root_path),
    cmocka_unit_test (test_mount_options_direct),
    cmocka_unit_test (test_unknown_capability_skipped),
    cmocka_unit_test (test_rlimit_uint64_max),
    cmocka_unit_test (test_unknown_fields_ignored),
    cmocka_unit_test (test_load_from_bundle),
    cmocka_unit_test (test_bad_json),
    cmocka_unit_test (test_bad_process),
    cmocka_unit_test (test_bad_mounts),
    cmocka_unit_test (test_bad_hooks),
    cmocka_unit_test (test_bad_linux),
    cmocka_unit_test (test_bad_annotations),
    cmocka_unit_test (test_cgroup_mount_deferred),
    cmocka_unit_test (test_late_failure_after_everything),
    cmocka_unit_test (test_free_null),
    cmocka_unit_test (test_no_leaks),
  };
  return cmocka_run_group_tests_name ("config", tests, NULL, NULL);
}
