/* defaults.c — docker's default security settings as C tables.
 *
 * The seccomp tables follow the behaviour of moby's default profile
 * (github.com/moby/profiles/seccomp v0.2.3): deny with EPERM, allow a long
 * list of ordinary syscalls, a few with argument checks, and groups that
 * need a capability or a given architecture.  The lists are grouped here
 * by topic; the JSON written is one rule per condition, like docker's. */
#include "defaults.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "../basic/cleanup.h"

/* ---- capabilities ---- */

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE 40
#endif

#define CAPNAME(c) [c] = #c
static const char *const cap_names[] = {
  CAPNAME (CAP_CHOWN),           CAPNAME (CAP_DAC_OVERRIDE),   CAPNAME (CAP_DAC_READ_SEARCH),
  CAPNAME (CAP_FOWNER),          CAPNAME (CAP_FSETID),         CAPNAME (CAP_KILL),
  CAPNAME (CAP_SETGID),          CAPNAME (CAP_SETUID),         CAPNAME (CAP_SETPCAP),
  CAPNAME (CAP_LINUX_IMMUTABLE), CAPNAME (CAP_NET_BIND_SERVICE), CAPNAME (CAP_NET_BROADCAST),
  CAPNAME (CAP_NET_ADMIN),       CAPNAME (CAP_NET_RAW),        CAPNAME (CAP_IPC_LOCK),
  CAPNAME (CAP_IPC_OWNER),       CAPNAME (CAP_SYS_MODULE),     CAPNAME (CAP_SYS_RAWIO),
  CAPNAME (CAP_SYS_CHROOT),      CAPNAME (CAP_SYS_PTRACE),     CAPNAME (CAP_SYS_PACCT),
  CAPNAME (CAP_SYS_ADMIN),       CAPNAME (CAP_SYS_BOOT),       CAPNAME (CAP_SYS_NICE),
  CAPNAME (CAP_SYS_RESOURCE),    CAPNAME (CAP_SYS_TIME),       CAPNAME (CAP_SYS_TTY_CONFIG),
  CAPNAME (CAP_MKNOD),           CAPNAME (CAP_LEASE),          CAPNAME (CAP_AUDIT_WRITE),
  CAPNAME (CAP_AUDIT_CONTROL),   CAPNAME (CAP_SETFCAP),        CAPNAME (CAP_MAC_OVERRIDE),
  CAPNAME (CAP_MAC_ADMIN),       CAPNAME (CAP_SYSLOG),         CAPNAME (CAP_WAKE_ALARM),
  CAPNAME (CAP_BLOCK_SUSPEND),   CAPNAME (CAP_AUDIT_READ),     CAPNAME (CAP_PERFMON),
  CAPNAME (CAP_BPF),             CAPNAME (CAP_CHECKPOINT_RESTORE),
};
#undef CAPNAME
_Static_assert (ARRAY_SIZE (cap_names) <= 64, "capability masks are 64 bits");

static const char *const docker_caps[] = {
  "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",      "CAP_MKNOD",
  "CAP_NET_RAW", "CAP_SETGID",      "CAP_SETUID",           "CAP_SETFCAP",     "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",           "CAP_SYS_CHROOT",       "CAP_KILL",        "CAP_AUDIT_WRITE",
  NULL,
};

/* The number of a capability named with or without "CAP_", any case; -1 if none. */
static int
cap_number (const char *name)
{
  if (name == NULL)
    return -1;
  if (strncasecmp (name, "CAP_", 4) == 0)
    name += 4;
  for (size_t i = 0; i < ARRAY_SIZE (cap_names); i++)
    if (cap_names[i] && strcasecmp (cap_names[i] + 4, name) == 0)
      return (int) i;
  return -1;
}

const char *
vs_cap_canonical (const char *name)
{
  int n = cap_number (name);
  return n < 0 ? NULL : cap_names[n];
}

/* The highest capability both the kernel and the table know. */
static int
cap_last (void)
{
  int last = (int) ARRAY_SIZE (cap_names) - 1, k;
  FILE *f = fopen ("/proc/sys/kernel/cap_last_cap", "re");
  if (f == NULL)
    return last;
  if (fscanf (f, "%d", &k) == 1 && k >= 0 && k < last)
    last = k;
  fclose (f);
  return last;
}

/* A growable NULL-terminated vector of strdup'ed strings. */
struct strv
{
  char **v;
  size_t n, cap;
  bool oom;
};

static void
strv_push (struct strv *s, const char *str)
{
  if (s->oom)
    return;
  if (s->n + 2 > s->cap)
    {
      size_t ncap = s->cap ? s->cap * 2 : 16;
      char **nv = realloc (s->v, ncap * sizeof *nv);
      if (nv == NULL)
        {
          s->oom = true;
          return;
        }
      s->v = nv;
      s->cap = ncap;
    }
  if ((s->v[s->n] = strdup (str)) == NULL)
    {
      s->oom = true;
      return;
    }
  s->v[++s->n] = NULL;
}

/* The vector, or NULL (everything freed) when an allocation failed. */
static char **
strv_finish (struct strv *s)
{
  if (!s->oom && s->v == NULL)
    {
      s->v = calloc (1, sizeof *s->v);
      s->oom = s->v == NULL;
    }
  if (s->oom)
    {
      for (size_t i = 0; i < s->n; i++)
        free (s->v[i]);
      free (s->v);
      return NULL;
    }
  return s->v;
}

char **
vs_default_caps (void)
{
  struct strv s = { 0 };
  for (const char *const *p = docker_caps; *p; p++)
    strv_push (&s, *p);
  return strv_finish (&s);
}

char **
vs_all_caps (void)
{
  struct strv s = { 0 };
  int last = cap_last ();
  for (int i = 0; i <= last; i++)
    if (cap_names[i])
      strv_push (&s, cap_names[i]);
  return strv_finish (&s);
}

/* Check one --cap-add/--cap-drop list: the capabilities as a mask, and
 * whether it holds "ALL". */
static int
caps_mask (char *const *names, const char *opt, int last, uint64_t *mask, bool *all, vs_error *err)
{
  *mask = 0;
  *all = false;
  for (; names && *names; names++)
    {
      int n;
      if (strcasecmp (*names, "ALL") == 0)
        {
          *all = true;
          continue;
        }
      n = cap_number (*names);
      if (n < 0)
        return vs_fail (err, 0, "%s: `%s`: unknown capability", opt, *names);
      if (n > last)
        return vs_fail (err, 0, "%s: `%s`: capability not supported by the running kernel", opt, cap_names[n]);
      *mask |= UINT64_C (1) << n;
    }
  return 0;
}

int
vs_caps_apply (char ***caps, char *const *add, char *const *drop, vs_error *err)
{
  struct strv s = { 0 };
  uint64_t add_mask, drop_mask, have = 0;
  bool add_all, drop_all;
  int last = cap_last (), r;
  char **res;

  if ((r = caps_mask (drop, "--cap-drop", last, &drop_mask, &drop_all, err)) < 0
      || (r = caps_mask (add, "--cap-add", last, &add_mask, &add_all, err)) < 0)
    return r;

  if (add_all)
    {
      /* everything but the capabilities dropped by name: docker ignores a
       * drop of ALL here */
      for (int i = 0; i <= last; i++)
        if (cap_names[i] && !(drop_mask & (UINT64_C (1) << i)))
          strv_push (&s, cap_names[i]);
    }
  else
    {
      if (!drop_all)
        for (char **p = *caps; p && *p; p++)
          {
            int n = cap_number (*p);
            if (n < 0)
              strv_push (&s, *p); /* not ours to judge: the runtime will */
            else if (!(drop_mask & (UINT64_C (1) << n)) && !(have & (UINT64_C (1) << n)))
              {
                strv_push (&s, cap_names[n]);
                have |= UINT64_C (1) << n;
              }
          }
      for (char *const *p = add; p && *p; p++)
        {
          int n = cap_number (*p);
          if (n >= 0 && !(have & (UINT64_C (1) << n)))
            {
              strv_push (&s, cap_names[n]);
              have |= UINT64_C (1) << n;
            }
        }
    }
  res = strv_finish (&s);
  if (res == NULL)
    return vs_fail (err, ENOMEM, "apply --cap-add/--cap-drop");
  for (char **p = *caps; p && *p; p++)
    free (*p);
  free (*caps);
  *caps = res;
  return 0;
}

/* ---- paths ---- */

static const char *const masked_paths[] = {
  "/proc/asound",       "/proc/acpi",        "/proc/interrupts", "/proc/kcore",
  "/proc/keys",         "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
  "/proc/sched_debug",  "/proc/scsi",        "/sys/firmware",    "/sys/devices/virtual/powercap",
  NULL,
};

static const char *const readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

const char *const *
vs_default_masked_paths (void)
{
  return masked_paths;
}

const char *const *
vs_default_readonly_paths (void)
{
  return readonly_paths;
}

/* ---- mounts ---- */

/* Append every string of a NULL-terminated list; false when out of memory. */
static bool
append_strings (json_t *arr, const char *const *v)
{
  bool ok = arr != NULL;
  for (; ok && v && *v; v++)
    ok = json_array_append_new (arr, json_string (*v)) == 0;
  return ok;
}

static bool
add_mount (json_t *mounts, const char *dest, const char *type, const char *src, const char *const *opts)
{
  json_t *m = json_pack ("{s:s, s:s, s:s, s:[]}", "destination", dest, "type", type, "source", src, "options");
  if (m == NULL || !append_strings (json_object_get (m, "options"), opts))
    {
      json_decref (m);
      return false;
    }
  return json_array_append_new (mounts, m) == 0;
}

json_t *
vs_default_mounts (int64_t shm_size)
{
  static const char *const o_proc[] = { "nosuid", "noexec", "nodev", NULL };
  static const char *const o_dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
  static const char *const o_pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL };
  static const char *const o_sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const o_cgroup[] = { "ro", "nosuid", "noexec", "nodev", NULL };
  static const char *const o_mqueue[] = { "nosuid", "noexec", "nodev", NULL };
  char size[32];
  const char *o_shm[] = { "nosuid", "noexec", "nodev", "mode=1777", size, NULL };
  json_t *mounts = json_array ();
  bool ok;

  snprintf (size, sizeof size, "size=%" PRId64, shm_size > 0 ? shm_size : VS_DEFAULT_SHM_SIZE);
  ok = mounts != NULL && add_mount (mounts, "/proc", "proc", "proc", o_proc)
       && add_mount (mounts, "/dev", "tmpfs", "tmpfs", o_dev)
       && add_mount (mounts, "/dev/pts", "devpts", "devpts", o_pts)
       && add_mount (mounts, "/sys", "sysfs", "sysfs", o_sys)
       && add_mount (mounts, "/sys/fs/cgroup", "cgroup", "cgroup", o_cgroup)
       && add_mount (mounts, "/dev/mqueue", "mqueue", "mqueue", o_mqueue)
       && add_mount (mounts, "/dev/shm", "tmpfs", "shm", o_shm);
  if (!ok)
    {
      json_decref (mounts);
      return NULL;
    }
  return mounts;
}

/* ---- seccomp ---- */

/* Allowed for everyone, by topic. */
static const char *const sys_files[] = {
  "open", "openat", "openat2", "creat", "close", "close_range", "read", "readv", "pread64", "preadv", "preadv2",
  "write", "writev", "pwrite64", "pwritev", "pwritev2", "lseek", "_llseek", "dup", "dup2", "dup3", "fcntl",
  "fcntl64", "flock", "fsync", "fdatasync", "sync", "syncfs", "sync_file_range", "fallocate", "fadvise64",
  "fadvise64_64", "readahead", "truncate", "truncate64", "ftruncate", "ftruncate64", "copy_file_range",
  "sendfile", "sendfile64", "splice", "tee", "vmsplice", "cachestat", "name_to_handle_at", NULL,
};
static const char *const sys_fs_tree[] = {
  "stat", "stat64", "lstat", "lstat64", "fstat", "fstat64", "fstatat64", "newfstatat", "statx", "statfs",
  "statfs64", "fstatfs", "fstatfs64", "access", "faccessat", "faccessat2", "chdir", "fchdir", "getcwd", "mkdir",
  "mkdirat", "rmdir", "mknod", "mknodat", "link", "linkat", "symlink", "symlinkat", "unlink", "unlinkat",
  "rename", "renameat", "renameat2", "readlink", "readlinkat", "getdents", "getdents64", "chmod", "fchmod",
  "fchmodat", "fchmodat2", "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32", "umask",
  "utime", "utimes", "utimensat", "utimensat_time64", "futimesat", "listmount", "statmount", NULL,
};
static const char *const sys_xattr[] = {
  "getxattr", "lgetxattr", "fgetxattr", "getxattrat", "setxattr", "lsetxattr", "fsetxattr", "setxattrat",
  "listxattr", "llistxattr", "flistxattr", "listxattrat", "removexattr", "lremovexattr", "fremovexattr",
  "removexattrat", NULL,
};
static const char *const sys_events[] = {
  "poll", "ppoll", "ppoll_time64", "select", "_newselect", "pselect6", "pselect6_time64", "epoll_create",
  "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_wait", "epoll_wait_old", "epoll_pwait", "epoll_pwait2",
  "eventfd", "eventfd2", "signalfd", "signalfd4", "timerfd_create", "timerfd_settime", "timerfd_settime64",
  "timerfd_gettime", "timerfd_gettime64", "inotify_init", "inotify_init1", "inotify_add_watch",
  "inotify_rm_watch", "fanotify_mark", "pipe", "pipe2", "ioctl", NULL,
};
static const char *const sys_aio[] = {
  "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
  "ioprio_get", "ioprio_set", NULL,
};
static const char *const sys_memory[] = {
  "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync", "mlock", "mlock2",
  "mlockall", "munlock", "munlockall", "remap_file_pages", "membarrier", "memfd_create", "memfd_secret",
  "pkey_alloc", "pkey_free", "pkey_mprotect", "map_shadow_stack", "mseal", NULL,
};
static const char *const sys_process[] = {
  "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "waitpid", "getpid",
  "getppid", "gettid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid", "getpriority", "setpriority",
  "getrlimit", "setrlimit", "ugetrlimit", "prlimit64", "getrusage", "prctl", "set_tid_address",
  "get_robust_list", "set_robust_list", "get_thread_area", "set_thread_area", "futex", "futex_time64",
  "futex_wait", "futex_wake", "futex_waitv", "futex_requeue", "rseq", "restart_syscall", "pidfd_open",
  "pidfd_send_signal", "process_mrelease", "capget", "capset", "seccomp", "landlock_create_ruleset",
  "landlock_add_rule", "landlock_restrict_self", "uname", "sysinfo", "getrandom", "getcpu", "riscv_hwprobe",
  "uretprobe", NULL,
};
static const char *const sys_sched[] = {
  "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getattr", "sched_setattr", "sched_getparam",
  "sched_setparam", "sched_getscheduler", "sched_setscheduler", "sched_get_priority_min",
  "sched_get_priority_max", "sched_rr_get_interval", "sched_rr_get_interval_time64", NULL,
};
static const char *const sys_creds[] = {
  "getuid", "getuid32", "geteuid", "geteuid32", "getgid", "getgid32", "getegid", "getegid32", "getresuid",
  "getresuid32", "getresgid", "getresgid32", "getgroups", "getgroups32", "setuid", "setuid32", "setgid",
  "setgid32", "setreuid", "setreuid32", "setregid", "setregid32", "setresuid", "setresuid32", "setresgid",
  "setresgid32", "setfsuid", "setfsuid32", "setfsgid", "setfsgid32", "setgroups", "setgroups32", NULL,
};
static const char *const sys_signals[] = {
  "kill", "tkill", "tgkill", "pause", "alarm", "sigaltstack", "sigprocmask", "sigreturn", "rt_sigaction",
  "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigsuspend", "rt_sigtimedwait",
  "rt_sigtimedwait_time64", "rt_sigqueueinfo", "rt_tgsigqueueinfo", NULL,
};
static const char *const sys_time[] = {
  "time", "times", "gettimeofday", "nanosleep", "clock_gettime", "clock_gettime64", "clock_getres",
  "clock_getres_time64", "clock_nanosleep", "clock_nanosleep_time64", "clock_adjtime", "clock_adjtime64",
  "adjtimex", "getitimer", "setitimer", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
  "timer_gettime64", "timer_settime", "timer_settime64", NULL,
};
static const char *const sys_net[] = {
  "socketpair", "socketcall", "bind", "listen", "connect", "accept", "accept4", "shutdown", "getsockname",
  "getpeername", "getsockopt", "setsockopt", "send", "sendto", "sendmsg", "sendmmsg", "recv", "recvfrom",
  "recvmsg", "recvmmsg", "recvmmsg_time64", NULL,
};
static const char *const sys_ipc[] = {
  "ipc", "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop", "semtimedop_time64", "semctl",
  "shmget", "shmat", "shmdt", "shmctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedsend_time64",
  "mq_timedreceive", "mq_timedreceive_time64", "mq_notify", "mq_getsetattr", NULL,
};
static const char *const *const sys_everyone[] = {
  sys_files, sys_fs_tree, sys_xattr, sys_events, sys_aio, sys_memory, sys_process,
  sys_sched, sys_creds, sys_signals, sys_time, sys_net, sys_ipc,
};

/* Allowed from kernel 4.8 on (ptrace no longer bypasses seccomp). */
static const char *const sys_ptrace[] = { "ptrace", "process_vm_readv", "process_vm_writev", NULL };
static const char *const *const sys_from_4_8[] = { sys_ptrace };

enum arch
{
  ARCH_OTHER,
  ARCH_AMD64,
  ARCH_X86,
  ARCH_ARM64,
  ARCH_ARM,
  ARCH_S390X,
  ARCH_S390,
  ARCH_PPC64LE,
  ARCH_RISCV64,
  ARCH_LOONG64,
};
#define ON(a) (1u << (a))

/* Allowed only on some architectures. */
static const struct
{
  unsigned arches;
  const char *const *names;
} arch_groups[] = {
  { ON (ARCH_AMD64), (const char *const[]){ "arch_prctl", NULL } },
  { ON (ARCH_AMD64) | ON (ARCH_X86), (const char *const[]){ "modify_ldt", NULL } },
  { ON (ARCH_ARM64) | ON (ARCH_ARM),
    (const char *const[]){ "set_tls", "cacheflush", "breakpoint", "arm_fadvise64_64", "arm_sync_file_range",
                           "sync_file_range2", NULL } },
  { ON (ARCH_PPC64LE), (const char *const[]){ "swapcontext", "sync_file_range2", NULL } },
  { ON (ARCH_S390X) | ON (ARCH_S390),
    (const char *const[]){ "s390_runtime_instr", "s390_pci_mmio_read", "s390_pci_mmio_write", NULL } },
  { ON (ARCH_RISCV64), (const char *const[]){ "riscv_flush_icache", NULL } },
};

/* Allowed only with a capability. */
static const struct
{
  const char *cap;
  const char *const *names;
} cap_groups[] = {
  { "CAP_DAC_READ_SEARCH", (const char *const[]){ "open_by_handle_at", NULL } },
  { "CAP_SYS_ADMIN",
    (const char *const[]){ "mount", "mount_setattr", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount",
                           "fspick", "umount", "umount2", "unshare", "setns", "clone", "clone3", "sethostname",
                           "setdomainname", "quotactl", "quotactl_fd", "fanotify_init", "lookup_dcookie",
                           "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules", "syslog", "bpf",
                           "perf_event_open", NULL } },
  { "CAP_SYS_BOOT", (const char *const[]){ "reboot", NULL } },
  { "CAP_SYS_CHROOT", (const char *const[]){ "chroot", NULL } },
  { "CAP_SYS_MODULE", (const char *const[]){ "init_module", "finit_module", "delete_module", NULL } },
  { "CAP_SYS_PACCT", (const char *const[]){ "acct", NULL } },
  { "CAP_SYS_PTRACE",
    (const char *const[]){ "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "pidfd_getfd",
                           "kcmp", NULL } },
  { "CAP_SYS_RAWIO", (const char *const[]){ "ioperm", "iopl", NULL } },
  { "CAP_SYS_TIME", (const char *const[]){ "settimeofday", "stime", "clock_settime", "clock_settime64", NULL } },
  { "CAP_SYS_TTY_CONFIG", (const char *const[]){ "vhangup", NULL } },
  { "CAP_SYS_NICE",
    (const char *const[]){ "mbind", "get_mempolicy", "set_mempolicy", "set_mempolicy_home_node", NULL } },
  { "CAP_SYSLOG", (const char *const[]){ "syslog", NULL } },
  { "CAP_BPF", (const char *const[]){ "bpf", NULL } },
  { "CAP_PERFMON", (const char *const[]){ "perf_event_open", NULL } },
};

/* personality(2) personas a container may switch to: PER_LINUX, PER_LINUX32,
 * UNAME26, UNAME26|PER_LINUX32, and 0xffffffff (query the current one). */
static const uint64_t personas[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };

/* Families socket(2) refuses: AF_ALG (38) and AF_VSOCK (40); 39 between them is fine. */
#define FAMILY_ALG 38
#define FAMILY_VSOCK 40

/* clone(2) flags that make namespaces: clone with any of them needs CAP_SYS_ADMIN. */
#define CLONE_NS_FLAGS                                                                                           \
  (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)

static const struct
{
  const char *machine;
  enum arch arch;
} machines[] = {
  { "x86_64", ARCH_AMD64 },   { "amd64", ARCH_AMD64 },     { "i386", ARCH_X86 },    { "i486", ARCH_X86 },
  { "i586", ARCH_X86 },       { "i686", ARCH_X86 },        { "aarch64", ARCH_ARM64 }, { "arm64", ARCH_ARM64 },
  { "arm", ARCH_ARM },        { "armv6l", ARCH_ARM },      { "armv7l", ARCH_ARM },  { "armv8l", ARCH_ARM },
  { "s390x", ARCH_S390X },    { "s390", ARCH_S390 },       { "ppc64le", ARCH_PPC64LE },
  { "riscv64", ARCH_RISCV64 }, { "loongarch64", ARCH_LOONG64 },
};

/* The architecture this binary runs as (docker goes by its own GOARCH too). */
static enum arch
build_arch (void)
{
#if defined(__x86_64__)
  return ARCH_AMD64;
#elif defined(__i386__)
  return ARCH_X86;
#elif defined(__aarch64__)
  return ARCH_ARM64;
#elif defined(__arm__)
  return ARCH_ARM;
#elif defined(__s390x__)
  return ARCH_S390X;
#elif defined(__s390__)
  return ARCH_S390;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return ARCH_PPC64LE;
#elif defined(__riscv) && __riscv_xlen == 64
  return ARCH_RISCV64;
#elif defined(__loongarch64)
  return ARCH_LOONG64;
#else
  return ARCH_OTHER;
#endif
}

static enum arch
machine_arch (const char *machine)
{
  if (machine == NULL)
    return build_arch ();
  for (size_t i = 0; i < ARRAY_SIZE (machines); i++)
    if (strcmp (machines[i].machine, machine) == 0)
      return machines[i].arch;
  return ARCH_OTHER;
}

/* linux.seccomp.architectures: the native one and those it can also run. */
static const char *const *
arch_list (enum arch a)
{
  static const char *const amd64[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL };
  static const char *const arm64[] = { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", NULL };
  static const char *const s390x[] = { "SCMP_ARCH_S390X", "SCMP_ARCH_S390", NULL };
  static const char *const riscv64[] = { "SCMP_ARCH_RISCV64", NULL };
  static const char *const loong64[] = { "SCMP_ARCH_LOONGARCH64", NULL };
  switch (a)
    {
    case ARCH_AMD64:
      return amd64;
    case ARCH_ARM64:
      return arm64;
    case ARCH_S390X:
      return s390x;
    case ARCH_RISCV64:
      return riscv64;
    case ARCH_LOONG64:
      return loong64;
    default:
      return NULL; /* docker lists none: libseccomp's native one only */
    }
}

static bool
kernel_at_least (int want_major, int want_minor)
{
  struct utsname u;
  int major, minor;
  if (uname (&u) < 0 || sscanf (u.release, "%d.%d", &major, &minor) != 2)
    return false;
  return major > want_major || (major == want_major && minor >= want_minor);
}

static bool
has_cap (char *const *caps, const char *cap)
{
  for (; caps && *caps; caps++)
    {
      const char *c = vs_cap_canonical (*caps);
      if (c && strcmp (c, cap) == 0)
        return true;
    }
  return false;
}

/* A rule {names, action} whose names come from the nv NULL-terminated lists in v. */
static json_t *
rule_new (const char *action, const char *const *const *v, size_t nv)
{
  json_t *names = json_array ();
  for (size_t i = 0; i < nv; i++)
    if (!append_strings (names, v[i]))
      {
        json_decref (names);
        return NULL;
      }
  return json_pack ("{s:o, s:s}", "names", names, "action", action);
}

/* Append a new rule; false when it or the append failed. */
static bool
push (json_t *rules, json_t *rule)
{
  return json_array_append_new (rules, rule) == 0;
}

/* A rule allowing the syscall `name` when argument index compares with value. */
static json_t *
rule_arg (const char *name, unsigned index, const char *op, uint64_t value, uint64_t value2)
{
  return json_pack ("{s:[s], s:s, s:[{s:i, s:I, s:I, s:s}]}", "names", name, "action", "SCMP_ACT_ALLOW", "args",
                    "index", (int) index, "value", (json_int_t) value, "valueTwo", (json_int_t) value2, "op", op);
}

json_t *
vs_default_seccomp_for (char *const *caps, const char *machine)
{
  enum arch arch = machine_arch (machine);
  bool s390 = arch == ARCH_S390X || arch == ARCH_S390;
  const char *const *archs = arch_list (arch);
  json_t *sc, *rules;
  bool ok = true;

  rules = json_array ();
  sc = json_pack ("{s:s, s:i, s:o}", "defaultAction", "SCMP_ACT_ERRNO", "defaultErrnoRet", EPERM, "syscalls",
                  rules);
  if (sc == NULL)
    return NULL;
  if (archs)
    {
      json_t *a = json_array ();
      ok = append_strings (a, archs) && json_object_set_new (sc, "architectures", a) == 0;
    }

  ok = ok && push (rules, rule_new ("SCMP_ACT_ALLOW", sys_everyone, ARRAY_SIZE (sys_everyone)));
  if (kernel_at_least (4, 8))
    ok = ok && push (rules, rule_new ("SCMP_ACT_ALLOW", sys_from_4_8, 1));

  /* socket: every family below AF_ALG, the one between, every one above AF_VSOCK */
  ok = ok && push (rules, rule_arg ("socket", 0, "SCMP_CMP_LT", FAMILY_ALG, 0))
       && push (rules, rule_arg ("socket", 0, "SCMP_CMP_EQ", FAMILY_ALG + 1, 0))
       && push (rules, rule_arg ("socket", 0, "SCMP_CMP_GT", FAMILY_VSOCK, 0));
  for (size_t i = 0; i < ARRAY_SIZE (personas); i++)
    ok = ok && push (rules, rule_arg ("personality", 0, "SCMP_CMP_EQ", personas[i], 0));

  for (size_t i = 0; i < ARRAY_SIZE (arch_groups); i++)
    if (arch_groups[i].arches & ON (arch))
      ok = ok && push (rules, rule_new ("SCMP_ACT_ALLOW", &arch_groups[i].names, 1));
  for (size_t i = 0; i < ARRAY_SIZE (cap_groups); i++)
    if (has_cap (caps, cap_groups[i].cap))
      ok = ok && push (rules, rule_new ("SCMP_ACT_ALLOW", &cap_groups[i].names, 1));

  if (!has_cap (caps, "CAP_SYS_ADMIN"))
    {
      /* clone without namespace flags (s390 passes the flags second);
       * clone3 hides its flags in memory seccomp cannot read: ENOSYS makes
       * the C library fall back to clone */
      ok = ok && push (rules, rule_arg ("clone", s390 ? 1 : 0, "SCMP_CMP_MASKED_EQ", CLONE_NS_FLAGS, 0))
           && push (rules, json_pack ("{s:[s], s:s, s:i}", "names", "clone3", "action", "SCMP_ACT_ERRNO", "errnoRet",
                                      ENOSYS));
    }
  if (!ok)
    {
      json_decref (sc);
      return NULL;
    }
  return sc;
}

json_t *
vs_default_seccomp (char *const *caps)
{
  return vs_default_seccomp_for (caps, NULL);
}
