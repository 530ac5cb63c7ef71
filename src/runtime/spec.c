/* spec.c — a default OCI config: sh in ./rootfs with a hardened profile. */
#include "spec.h"

#include <unistd.h>

json_t *
rt_json_strings (const char *const *v)
{
  json_t *a = json_array ();
  for (; *v; v++)
    json_array_append_new (a, json_string (*v));
  return a;
}

static json_t *
mount_entry (const char *dest, const char *type, const char *src, const char *const *opts)
{
  json_t *m = json_pack ("{s:s, s:s, s:s}", "destination", dest, "type", type, "source", src);
  if (opts)
    json_object_set_new (m, "options", rt_json_strings (opts));
  return m;
}

json_t *
rt_spec_default (bool rootless)
{
  static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
  static const char *const masked[] = { "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                        "/proc/sched_debug", "/sys/firmware", "/proc/scsi", NULL };
  static const char *const ro[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL };
  static const char *const args[] = { "sh", NULL };
  static const char *const env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                     "TERM=xterm", NULL };
  static const char *const o_dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
  static const char *const o_pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL };
  static const char *const o_pts_rl[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL };
  static const char *const o_shm[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL };
  static const char *const o_mq[] = { "nosuid", "noexec", "nodev", NULL };
  static const char *const o_sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const o_sys_rl[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const o_cg[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
  json_t *spec, *process, *linux_, *mounts, *ns;

  process = json_pack ("{s:b, s:{s:i, s:i}, s:o, s:o, s:s, s:{s:o, s:o, s:o}, s:[{s:s, s:i, s:i}], s:b}",
                       "terminal", 1, "user", "uid", 0, "gid", 0, "args", rt_json_strings (args), "env", rt_json_strings (env),
                       "cwd", "/", "capabilities", "bounding", rt_json_strings (caps), "effective", rt_json_strings (caps),
                       "permitted", rt_json_strings (caps), "rlimits", "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024,
                       "noNewPrivileges", 1);
  mounts = json_array ();
  json_array_append_new (mounts, mount_entry ("/proc", "proc", "proc", NULL));
  json_array_append_new (mounts, mount_entry ("/dev", "tmpfs", "tmpfs", o_dev));
  json_array_append_new (mounts, mount_entry ("/dev/pts", "devpts", "devpts", rootless ? o_pts_rl : o_pts));
  json_array_append_new (mounts, mount_entry ("/dev/shm", "tmpfs", "shm", o_shm));
  json_array_append_new (mounts, mount_entry ("/dev/mqueue", "mqueue", "mqueue", o_mq));
  if (rootless)
    json_array_append_new (mounts, mount_entry ("/sys", "none", "/sys", o_sys_rl));
  else
    {
      json_array_append_new (mounts, mount_entry ("/sys", "sysfs", "sysfs", o_sys));
      json_array_append_new (mounts, mount_entry ("/sys/fs/cgroup", "cgroup", "cgroup", o_cg));
    }
  ns = json_array ();
  json_array_append_new (ns, json_pack ("{s:s}", "type", "pid"));
  if (!rootless)
    json_array_append_new (ns, json_pack ("{s:s}", "type", "network"));
  json_array_append_new (ns, json_pack ("{s:s}", "type", "ipc"));
  json_array_append_new (ns, json_pack ("{s:s}", "type", "uts"));
  json_array_append_new (ns, json_pack ("{s:s}", "type", "mount"));
  json_array_append_new (ns, json_pack ("{s:s}", "type", "cgroup"));
  if (rootless)
    json_array_append_new (ns, json_pack ("{s:s}", "type", "user"));
  linux_ = json_pack ("{s:o, s:o, s:o}", "namespaces", ns, "maskedPaths", rt_json_strings (masked), "readonlyPaths",
                      rt_json_strings (ro));
  if (rootless)
    {
      json_object_set_new (linux_, "uidMappings",
                           json_pack ("[{s:i, s:i, s:i}]", "containerID", 0, "hostID", (int) getuid (), "size", 1));
      json_object_set_new (linux_, "gidMappings",
                           json_pack ("[{s:i, s:i, s:i}]", "containerID", 0, "hostID", (int) getgid (), "size", 1));
    }
  else
    json_object_set_new (linux_, "resources",
                         json_pack ("{s:[{s:b, s:s}]}", "devices", "allow", 0, "access", "rwm"));
  spec = json_pack ("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion", "1.2.0", "process", process, "root",
                    "path", "rootfs", "readonly", 1, "hostname", "vessel", "mounts", mounts, "linux", linux_);
  return spec;
}
