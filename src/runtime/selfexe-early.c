/* selfexe-early.c — re-exec through a read-only overlay, from the runtime's
 * entry point, before the C library starts (selfexe.h).
 *
 * Every process that enters a container must run from a file the container
 * cannot write (CVE-2019-5736), so create, run and exec re-execute the
 * runtime once.  Starting the C library costs 0.3 ms on a virtual machine
 * (glibc asks cpuid about every cache level, and each cpuid traps to the
 * hypervisor); the first image would pay that only to exec again.  So the
 * entry point (vs_runtime_entry, linked with -e) looks at argv first and,
 * for those commands, makes the overlay and execs straight away.
 *
 * Code here may run before glibc has relocated the static-pie binary or set
 * up TLS: no libc calls, no stack protector, no sanitizer, no pointer
 * tables in static data (they are relocated later), raw system calls only.
 * The Makefile compiles this file with those flags.  The glibc side
 * (selfexe.c) calls rt_selfexe_overlay_exec too when the entry did not. */
#include "selfexe.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define PATH_CAP 4096

#if defined(__x86_64__)
static inline long
sc6 (long n, long a, long b, long c, long d, long e, long f)
{
  register long r10 __asm__ ("r10") = d;
  register long r8 __asm__ ("r8") = e;
  register long r9 __asm__ ("r9") = f;
  long ret;
  __asm__ volatile ("syscall"
                    : "=a"(ret)
                    : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                    : "rcx", "r11", "memory");
  return ret;
}
#else
/* elsewhere there is no early entry: only selfexe.c calls in, with libc up */
#include <unistd.h>
static inline long
sc6 (long n, long a, long b, long c, long d, long e, long f)
{
  long r = syscall (n, a, b, c, d, e, f);
  return r < 0 ? -errno : r;
}
#endif

#define SC(n, a, b, c, d, e, f) sc6 ((n), (long) (a), (long) (b), (long) (c), (long) (d), (long) (e), (long) (f))

static bool
seq (const char *a, const char *b)
{
  while (*a && *a == *b)
    a++, b++;
  return *a == *b;
}

/* s begins with p: returns what follows, or NULL */
static const char *
after (const char *s, const char *p)
{
  while (*p)
    if (*s++ != *p++)
      return NULL;
  return s;
}

/* Append s at out[*len] (capacity cap, kept NUL-terminated), escaping ':'
   and '\\' for lowerdir when escape is set.  False when it does not fit. */
static bool
put (char *out, size_t cap, size_t *len, const char *s, bool escape)
{
  for (; *s; s++)
    {
      if (escape && (*s == ':' || *s == '\\'))
        {
          if (*len + 2 >= cap)
            return false;
          out[(*len)++] = '\\';
        }
      if (*len + 1 >= cap)
        return false;
      out[(*len)++] = *s;
    }
  out[*len] = '\0';
  return true;
}

static void
put_u64 (char *out, size_t cap, size_t *len, uint64_t v)
{
  char d[24];
  int n = 0;
  do
    d[n++] = (char) ('0' + v % 10);
  while ((v /= 10) != 0);
  while (n > 0 && *len + 1 < cap)
    out[(*len)++] = d[--n];
  out[*len] = '\0';
}

static void
close_fd (long fd)
{
  if (fd >= 0)
    SC (SYS_close, fd, 0, 0, 0, 0, 0);
}

/* mkdir -p for the overlay's empty layer (the runtime root may not exist yet) */
static bool
mkdir_p (char *path)
{
  long r = SC (SYS_mkdirat, AT_FDCWD, path, 0700, 0, 0, 0);
  if (r == 0 || r == -EEXIST)
    return true;
  if (r != -ENOENT)
    return false;
  for (char *p = path + 1; *p; p++)
    if (*p == '/')
      {
        *p = '\0';
        r = SC (SYS_mkdirat, AT_FDCWD, path, 0700, 0, 0, 0);
        *p = '/';
        if (r < 0 && r != -EEXIST)
          return false;
      }
  r = SC (SYS_mkdirat, AT_FDCWD, path, 0700, 0, 0, 0);
  return r == 0 || r == -EEXIST;
}

/* The overlay's options: the binary's folder on top (nothing in the empty
   layer can mask it), then <root>/.exe-lower.  base gets the file name. */
static bool
overlay_options (const char *self, const char *root, char *opt, size_t cap, const char **base)
{
  char dir[PATH_CAP], empty[PATH_CAP];
  size_t n = 0, len = 0, slash = 0;

  for (size_t i = 0; self[i]; i++)
    if (self[i] == '/')
      slash = i;
  if (!put (dir, sizeof dir, &n, self, false))
    return false;
  dir[slash == 0 ? 1 : slash] = '\0';
  *base = self + slash + 1;
  n = 0;
  if (!put (empty, sizeof empty, &n, root, false) || !put (empty, sizeof empty, &n, "/.exe-lower", false))
    return false;
  for (size_t i = 0; empty[i]; i++)
    if (empty[i] == ',')
      return false;
  if (!mkdir_p (empty))
    return false;
  return put (opt, cap, &len, dir, true) && put (opt, cap, &len, ":", false) && put (opt, cap, &len, empty, true);
}

long
rt_selfexe_overlay_open (const char *path, const char *root, char mark[RT_SELFEXE_MARK_LEN])
{
  char self[PATH_CAP], opt[3 * PATH_CAP];
  const char *base = NULL;
  struct stat a, b, st;
  long n = 0, src = -1, fsfd = -1, mnt = -1, fd = -1;
  size_t len = 0;

  if (path)
    {
      while (path[n] && n < (long) sizeof self - 1)
        {
          self[n] = path[n];
          n++;
        }
      if (path[n])
        return -1;
    }
  else
    n = SC (SYS_readlinkat, AT_FDCWD, "/proc/self/exe", self, sizeof self - 1, 0, 0);
  if (n <= 0 || (size_t) n >= sizeof self - 1)
    return -1;
  self[n] = '\0';
  if (self[0] != '/' || after (self + n - (n >= 10 ? 10 : n), " (deleted)"))
    return -1;
  for (long i = 0; i < n; i++)
    if (self[i] == ',')
      return -1;
  if (!overlay_options (self, root, opt, sizeof opt, &base))
    return -1;
  /* the path must still name the file that runs (or is to run) */
  src = SC (SYS_openat, AT_FDCWD, path ? path : "/proc/self/exe", O_RDONLY | O_CLOEXEC, 0, 0, 0);
  if (src < 0)
    return -1;
  if (SC (SYS_newfstatat, AT_FDCWD, self, &a, 0, 0, 0) < 0 || SC (SYS_fstat, src, &b, 0, 0, 0, 0) < 0
      || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
    goto out;
  fsfd = SC (SYS_fsopen, "overlay", FSOPEN_CLOEXEC, 0, 0, 0, 0);
  if (fsfd < 0 || SC (SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "lowerdir", opt, 0, 0) < 0)
    goto out;
  SC (SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "xino", "off", 0, 0);
  if (SC (SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0, 0) < 0)
    goto out;
  mnt = SC (SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID, 0, 0, 0);
  if (mnt < 0)
    goto out;
  fd = SC (SYS_openat, mnt, base, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0, 0, 0);
  if (fd < 0 || SC (SYS_fstat, fd, &st, 0, 0, 0, 0) < 0 || !S_ISREG (st.st_mode))
    goto out;
  put (mark, RT_SELFEXE_MARK_LEN, &len, RT_SELFEXE_MARK "=", false);
  put_u64 (mark, RT_SELFEXE_MARK_LEN, &len, st.st_dev);
  put (mark, RT_SELFEXE_MARK_LEN, &len, ":", false);
  put_u64 (mark, RT_SELFEXE_MARK_LEN, &len, st.st_ino);
  /* the open file holds the detached mount */
  close_fd (mnt);
  close_fd (fsfd);
  close_fd (src);
  return fd;
out:
  close_fd (fd);
  close_fd (mnt);
  close_fd (fsfd);
  close_fd (src);
  return -1;
}

void
rt_selfexe_overlay_execfd (long fd, const char *mark, char **argv, char **envp)
{
  size_t nenv = 0;

  while (envp[nenv])
    nenv++;
  if (fd < 0 || nenv >= 4096)
    return;
  char *env[nenv + 2];
  size_t k = 0;
  for (size_t i = 0; i < nenv; i++)
    if (!after (envp[i], RT_SELFEXE_MARK "="))
      env[k++] = envp[i];
  env[k++] = (char *) mark;
  env[k] = NULL;
  SC (SYS_execveat, fd, "", argv, env, AT_EMPTY_PATH, 0);
}

void
rt_selfexe_overlay_exec (const char *path, char **argv, char **envp, const char *root)
{
  char mark[RT_SELFEXE_MARK_LEN];
  long fd = rt_selfexe_overlay_open (path, root, mark);

  rt_selfexe_overlay_execfd (fd, mark, argv, envp);
  close_fd (fd);
}

/* Before libc: the runtime's global flags (as main.c reads them) and its
   command.  Only create, run and exec enter containers. */
void vs_runtime_early (long *sp);
void
vs_runtime_early (long *sp)
{
  int argc = (int) sp[0];
  char **argv = (char **) (sp + 1), **envp = argv + argc + 1;
  const char *root = "/run/vessel-runtime", *v;
  int i;

  for (char **e = envp; *e; e++)
    if (after (*e, RT_SELFEXE_MARK "="))
      return; /* the second image: selfexe.c checks the mark */
  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      const char *a = argv[i] + (argv[i][1] == '-' ? 2 : 1);
      if ((v = after (a, "root=")) != NULL)
        root = v;
      else if (seq (a, "root") && i + 1 < argc)
        root = argv[++i];
      else if (seq (a, "log") || seq (a, "log-format") || seq (a, "criu"))
        i++;
      else if (seq (a, "rootless"))
        {
          if (i + 1 < argc && (seq (argv[i + 1], "true") || seq (argv[i + 1], "false") || seq (argv[i + 1], "auto")))
            i++;
        }
      else if (!after (a, "log=") && !after (a, "log-format=") && !after (a, "criu=") && !after (a, "rootless=")
               && !seq (a, "debug") && !seq (a, "systemd-cgroup"))
        return; /* help, version or a mistake: main says which */
    }
  if (i < argc && (seq (argv[i], "create") || seq (argv[i], "run") || seq (argv[i], "exec")))
    rt_selfexe_overlay_exec (NULL, argv, envp, root);
}

/* Before libc, in the monitor (src/monitor): it runs the runtime's code
   itself, in a forked child, when --runtime names the vessel-runtime next
   to it (the same code); the container's init is then a fork of the
   monitor, so the monitor too must run from the read-only overlay.  Any
   other runtime is exec'd as a program, and the monitor stays as it is. */
void vs_monitor_early (long *sp);
void
vs_monitor_early (long *sp)
{
  int argc = (int) sp[0];
  char **argv = (char **) (sp + 1), **envp = argv + argc + 1;
  const char *runtime = NULL, *root = NULL, *v;
  char self[PATH_CAP];
  long n;
  size_t slash = 0;

  for (char **e = envp; *e; e++)
    if (after (*e, RT_SELFEXE_MARK "="))
      return;
  for (int i = 1; i + 1 < argc; i++)
    if (seq (argv[i], "--runtime"))
      runtime = argv[++i];
    else if (seq (argv[i], "--runtime-root"))
      root = argv[++i];
  n = SC (SYS_readlinkat, AT_FDCWD, "/proc/self/exe", self, sizeof self - 1, 0, 0);
  if (runtime == NULL || root == NULL || n <= 0 || (size_t) n >= sizeof self - 1)
    return;
  self[n] = '\0';
  for (long i = 0; i < n; i++)
    if (self[i] == '/')
      slash = (size_t) i;
  /* runtime == dirname(self) "/vessel-runtime" */
  for (size_t i = 0; i <= slash; i++)
    if (runtime[i] != self[i])
      return;
  if ((v = after (runtime + slash + 1, "vessel-runtime")) == NULL || *v)
    return;
  rt_selfexe_overlay_exec (NULL, argv, envp, root);
}

/* The entry points: the kernel's initial stack as _start expects it, and
   %rdx (the dynamic loader's fini function, or 0) kept for it. */
#if defined(__x86_64__)
#define EARLY_ENTRY(entry, early)                                                                                      \
  __asm__ (".text\n"                                                                                                   \
           ".globl " #entry "\n"                                                                                       \
           ".type " #entry ",@function\n" #entry ":\n"                                                                 \
           "  endbr64\n"                                                                                               \
           "  mov %rsp, %rdi\n"                                                                                        \
           "  push %rdx\n"                                                                                             \
           "  sub $8, %rsp\n"                                                                                          \
           "  call " #early "\n"                                                                                       \
           "  add $8, %rsp\n"                                                                                          \
           "  pop %rdx\n"                                                                                              \
           "  jmp _start\n"                                                                                            \
           ".size " #entry ", .-" #entry "\n")
EARLY_ENTRY (vs_runtime_entry, vs_runtime_early);
EARLY_ENTRY (vs_monitor_entry, vs_monitor_early);
#endif
