/* seccomp.c — OCI seccomp profile → libseccomp filter. */
#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "../basic/log.h"
#include "../basic/unix-fd.h"

const char *const rt_seccomp_actions[] = {
  "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
  "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL,
};
const char *const rt_seccomp_operators[] = {
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};
const char *const rt_seccomp_archs[] = {
  "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",
  "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
  "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
  "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", NULL,
};
const char *const rt_seccomp_flags[] = {
  "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", NULL,
};

static int
parse_action (const char *name, json_t *errno_ret, const char *field, uint32_t *ret, vs_error *err)
{
  uint32_t code = EPERM;
  if (errno_ret && json_is_integer (errno_ret))
    code = (uint32_t) json_integer_value (errno_ret);
  else if (errno_ret && !json_is_null (errno_ret))
    return vs_fail (err, 0, "config.json: %s: errnoRet must be an integer", field);
  if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *ret = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_KILL") == 0 || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *ret = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *ret = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *ret = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
    *ret = SCMP_ACT_ERRNO (code);
  else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
    *ret = SCMP_ACT_TRACE (code);
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *ret = SCMP_ACT_LOG;
  else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    *ret = SCMP_ACT_NOTIFY;
  else
    return vs_fail (err, 0, "config.json: %s: unknown seccomp action `%s`", field, name);
  return 0;
}

static int
parse_op (const char *name, enum scmp_compare *ret)
{
  static const struct { const char *n; enum scmp_compare op; } ops[] = {
    { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
    { "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  };
  for (size_t i = 0; i < ARRAY_SIZE (ops); i++)
    if (strcmp (ops[i].n, name) == 0)
      {
        *ret = ops[i].op;
        return 0;
      }
  return -1;
}

static uint32_t
arch_token (const char *name)
{
  char buf[64];
  size_t i;
  if (strncmp (name, "SCMP_ARCH_", 10) == 0)
    name += 10;
  for (i = 0; name[i] && i < sizeof buf - 1; i++)
    buf[i] = (char) ((name[i] >= 'A' && name[i] <= 'Z') ? name[i] - 'A' + 'a' : name[i]);
  buf[i] = '\0';
  return seccomp_arch_resolve_name (buf);
}

/* Add one syscall rule; conditions on a repeated argument index become
 * separate rules (OR), as runc does, otherwise one rule (AND). */
static int
add_rule (scmp_filter_ctx ctx, uint32_t action, int nr, json_t *args, const char *field, vs_error *err)
{
  struct scmp_arg_cmp cmps[6];
  size_t n = 0, i;
  bool repeated = false;
  unsigned int seen = 0;
  json_t *a;
  int r;

  if (args && !json_is_null (args) && !json_is_array (args))
    return vs_fail (err, 0, "config.json: %s.args: expected an array", field);
  json_array_foreach (args, i, a)
    {
      json_t *idx = json_object_get (a, "index"), *val = json_object_get (a, "value"),
             *val2 = json_object_get (a, "valueTwo"), *op = json_object_get (a, "op");
      enum scmp_compare cmp;
      if (n >= ARRAY_SIZE (cmps))
        return vs_fail (err, 0, "config.json: %s.args: at most 6 conditions", field);
      if (!json_is_integer (idx) || json_integer_value (idx) < 0 || json_integer_value (idx) > 5)
        return vs_fail (err, 0, "config.json: %s.args[%zu].index: expected 0 to 5", field, i);
      if (!json_is_string (op) || parse_op (json_string_value (op), &cmp) < 0)
        return vs_fail (err, 0, "config.json: %s.args[%zu].op: unknown operator `%s`", field, i,
                        json_is_string (op) ? json_string_value (op) : "(missing)");
      if (seen & (1u << json_integer_value (idx)))
        repeated = true;
      seen |= 1u << json_integer_value (idx);
      cmps[n++] = (struct scmp_arg_cmp){ .arg = (unsigned int) json_integer_value (idx), .op = cmp,
                                         .datum_a = (scmp_datum_t) json_integer_value (val),
                                         .datum_b = (scmp_datum_t) json_integer_value (val2) };
    }
  if (repeated)
    {
      for (i = 0; i < n; i++)
        if ((r = seccomp_rule_add_exact_array (ctx, action, nr, 1, &cmps[i])) < 0
            && (r = seccomp_rule_add_array (ctx, action, nr, 1, &cmps[i])) < 0)
          return vs_fail (err, -r, "config.json: %s: add seccomp rule", field);
      return 0;
    }
  r = seccomp_rule_add_exact_array (ctx, action, nr, (unsigned int) n, cmps);
  if (r < 0)
    r = seccomp_rule_add_array (ctx, action, nr, (unsigned int) n, cmps);
  if (r < 0 && r != -EEXIST)
    return vs_fail (err, -r, "config.json: %s: add seccomp rule", field);
  return 0;
}

bool
rt_seccomp_wants_listener (json_t *seccomp)
{
  json_t *rules = json_object_get (seccomp, "syscalls"), *rule;
  size_t i;
  const char *def = json_string_value (json_object_get (seccomp, "defaultAction"));
  if (def && strcmp (def, "SCMP_ACT_NOTIFY") == 0)
    return true;
  json_array_foreach (rules, i, rule)
    {
      const char *a = json_string_value (json_object_get (rule, "action"));
      if (a && strcmp (a, "SCMP_ACT_NOTIFY") == 0)
        return true;
    }
  return false;
}

int
rt_seccomp_build (json_t *sc, scmp_filter_ctx *ret, vs_error *err)
{
  scmp_filter_ctx ctx;
  json_t *v, *rule;
  uint32_t def;
  size_t i;
  int r;

  *ret = NULL;
  if (sc == NULL || json_is_null (sc))
    return 0;
  if (!json_is_object (sc))
    return vs_fail (err, 0, "config.json: linux.seccomp: expected an object");
  v = json_object_get (sc, "defaultAction");
  if (!json_is_string (v))
    return vs_fail (err, 0, "config.json: linux.seccomp.defaultAction: missing");
  if ((r = parse_action (json_string_value (v), json_object_get (sc, "defaultErrnoRet"), "linux.seccomp.defaultAction",
                         &def, err)) < 0)
    return r;
  ctx = seccomp_init (def);
  if (ctx == NULL)
    return vs_fail (err, ENOMEM, "seccomp_init");
  /* libseccomp would set no_new_privs itself; that is process.noNewPrivileges' call */
  seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  /* A binary tree of syscall numbers instead of a chain of comparisons
     (libseccomp >= 2.5; older ones keep the chain).  Besides each syscall's
     cost under the filter, the kernel runs the filter once per syscall
     number and architecture when it is loaded, to cache the ones always
     allowed: for docker's profile that walk went from ~0.3 ms to a few us. */
  (void) seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

  json_array_foreach (json_object_get (sc, "architectures"), i, v)
    {
      uint32_t a = json_is_string (v) ? arch_token (json_string_value (v)) : 0;
      if (a == 0)
        {
          r = vs_fail (err, 0, "config.json: linux.seccomp.architectures[%zu]: unknown architecture `%s`", i,
                       json_is_string (v) ? json_string_value (v) : "?");
          goto fail;
        }
      if ((r = seccomp_arch_add (ctx, a)) < 0 && r != -EEXIST)
        {
          r = vs_fail (err, -r, "config.json: linux.seccomp.architectures[%zu]: add `%s`", i, json_string_value (v));
          goto fail;
        }
    }
  json_array_foreach (json_object_get (sc, "flags"), i, v)
    {
      const char *f = json_string_value (v);
      if (f && strcmp (f, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
        continue; /* the init is single-threaded */
      if (f && strcmp (f, "SECCOMP_FILTER_FLAG_LOG") == 0)
        r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_LOG, 1);
      else if (f && strcmp (f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
        r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_SSB, 1);
      else
        {
          r = vs_fail (err, 0, "config.json: linux.seccomp.flags[%zu]: unknown flag `%s`", i, f ? f : "?");
          goto fail;
        }
      if (r < 0)
        {
          r = vs_fail (err, -r, "config.json: linux.seccomp.flags[%zu]: `%s` not supported here", i, f);
          goto fail;
        }
    }
  /* Rules matching the default action are redundant and libseccomp rejects them. */
  json_array_foreach (json_object_get (sc, "syscalls"), i, rule)
    {
      char field[64];
      uint32_t action;
      json_t *names = json_object_get (rule, "names"), *name;
      size_t k;
      snprintf (field, sizeof field, "linux.seccomp.syscalls[%zu]", i);
      v = json_object_get (rule, "action");
      if (!json_is_string (v))
        {
          r = vs_fail (err, 0, "config.json: %s.action: missing", field);
          goto fail;
        }
      if ((r = parse_action (json_string_value (v), json_object_get (rule, "errnoRet"), field, &action, err)) < 0)
        goto fail;
      if (action == def)
        continue;
      if (!json_is_array (names))
        {
          r = vs_fail (err, 0, "config.json: %s.names: expected an array of syscall names", field);
          goto fail;
        }
      json_array_foreach (names, k, name)
        {
          int nr = json_is_string (name) ? seccomp_syscall_resolve_name (json_string_value (name)) : __NR_SCMP_ERROR;
          if (nr == __NR_SCMP_ERROR)
            {
              vs_debug ("seccomp: syscall `%s` unknown to libseccomp, skipped",
                        json_is_string (name) ? json_string_value (name) : "?");
              continue;
            }
          if ((r = add_rule (ctx, action, nr, json_object_get (rule, "args"), field, err)) < 0)
            goto fail;
        }
    }
  *ret = ctx;
  return 0;
fail:
  seccomp_release (ctx);
  return r;
}

int
rt_seccomp_load (scmp_filter_ctx ctx, int listener_fd, const char *state_json, vs_error *err)
{
  int r = seccomp_load (ctx);
  if (r < 0)
    return vs_fail (err, -r, "load the seccomp filter");
  if (listener_fd >= 0)
    {
      int nfd = seccomp_notify_fd (ctx);
      if (nfd < 0)
        return vs_fail (err, -nfd, "linux.seccomp.listenerPath: get the notify fd");
      r = vs_send_fd (listener_fd, nfd, state_json, strlen (state_json));
      close (nfd);
      if (r < 0)
        return vs_fail (err, -r, "linux.seccomp.listenerPath: send the notify fd");
    }
  return 0;
}

/* ---- compiled filters, cached ---- */

static uint64_t
fnv1a (const char *s, size_t n)
{
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++)
    {
      h ^= (unsigned char) s[i];
      h *= 1099511628211ULL;
    }
  return h;
}

static unsigned int
prog_flags (json_t *sc)
{
  unsigned int flags = 0;
  size_t i;
  json_t *v;
  json_array_foreach (json_object_get (sc, "flags"), i, v)
    {
      const char *f = json_string_value (v);
      if (f && strcmp (f, "SECCOMP_FILTER_FLAG_LOG") == 0)
        flags |= SECCOMP_FILTER_FLAG_LOG;
      else if (f && strcmp (f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
        flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    }
  return flags;
}

#define CACHE_MAGIC "VSBPF2\n" /* 2: binary tree (SCMP_FLTATR_CTL_OPTIMIZE) */

/* Read a cached program for key; 0 when found, -1 otherwise. */
static int
cache_read (const char *path, const char *key, size_t keylen, rt_seccomp_prog *ret)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  struct stat st;
  _cleanup_free_ char *buf = NULL;
  uint32_t klen, flags, n;
  size_t off = sizeof CACHE_MAGIC - 1;

  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_uid != geteuid () || st.st_size > (8 << 20)
      || (size_t) st.st_size < off + 12)
    return -1;
  buf = malloc ((size_t) st.st_size);
  if (buf == NULL || read (fd, buf, (size_t) st.st_size) != st.st_size || memcmp (buf, CACHE_MAGIC, off) != 0)
    return -1;
  memcpy (&klen, buf + off, 4);
  off += 4;
  if (klen != keylen || off + klen + 8 > (size_t) st.st_size || memcmp (buf + off, key, keylen) != 0)
    return -1;
  off += klen;
  memcpy (&flags, buf + off, 4);
  memcpy (&n, buf + off + 4, 4);
  off += 8;
  if (n == 0 || n > BPF_MAXINSNS || off + (size_t) n * sizeof (struct sock_filter) != (size_t) st.st_size)
    return -1;
  ret->filter = malloc ((size_t) n * sizeof (struct sock_filter));
  if (ret->filter == NULL)
    return -1;
  memcpy (ret->filter, buf + off, (size_t) n * sizeof (struct sock_filter));
  ret->len = (unsigned short) n;
  ret->flags = flags;
  return 0;
}

/* Store a program for key (best effort: a failure only costs the next compile). */
static void
cache_write (const char *dir, const char *path, const char *key, size_t keylen, const rt_seccomp_prog *p)
{
  char tmp[PATH_MAX];
  uint32_t klen = (uint32_t) keylen, flags = p->flags, n = p->len;
  int fd;

  if (mkdir (dir, 0700) < 0 && errno != EEXIST)
    return;
  snprintf (tmp, sizeof tmp, "%s.%d.tmp", path, (int) getpid ());
  fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return;
  if (vs_write_all (fd, CACHE_MAGIC, sizeof CACHE_MAGIC - 1) < 0 || vs_write_all (fd, &klen, 4) < 0
      || vs_write_all (fd, key, keylen) < 0 || vs_write_all (fd, &flags, 4) < 0 || vs_write_all (fd, &n, 4) < 0
      || vs_write_all (fd, p->filter, (size_t) n * sizeof (struct sock_filter)) < 0 || rename (tmp, path) < 0)
    unlink (tmp);
  close (fd);
}

int
rt_seccomp_compile (json_t *sc, const char *cache_dir, rt_seccomp_prog *ret, vs_error *err)
{
  _cleanup_free_ char *json = NULL, *key = NULL;
  const struct scmp_version *ver = seccomp_version ();
  char dir[PATH_MAX], path[PATH_MAX];
  scmp_filter_ctx ctx = NULL;
  struct stat st;
  int r, mfd;

  memset (ret, 0, sizeof *ret);
  if (sc == NULL || json_is_null (sc) || rt_seccomp_wants_listener (sc))
    return 0;
  /* libseccomp's output depends on its version and on what the kernel
     supports (its "API level", found by probing): the kernel's build
     stands for the latter, so a cache hit costs no probing at all */
  struct utsname u;
  if (uname (&u) < 0)
    memset (&u, 0, sizeof u);
  json = json_dumps (sc, JSON_COMPACT | JSON_SORT_KEYS);
  if (json == NULL
      || asprintf (&key, "%s\nlibseccomp %u.%u.%u kernel %s %s", json, ver->major, ver->minor, ver->micro, u.release,
                   u.version)
             < 0)
    return vs_fail (err, ENOMEM, "seccomp");
  snprintf (dir, sizeof dir, "%s/.seccomp-cache", cache_dir);
  snprintf (path, sizeof path, "%s/%016llx", dir, (unsigned long long) fnv1a (key, strlen (key)));
  if (cache_dir && cache_read (path, key, strlen (key), ret) == 0)
    return 0;

  if ((r = rt_seccomp_build (sc, &ctx, err)) < 0)
    return r;
  mfd = memfd_create ("seccomp-bpf", MFD_CLOEXEC);
  if (mfd < 0)
    {
      seccomp_release (ctx);
      return vs_fail (err, errno, "seccomp: memfd for the compiled filter");
    }
  r = seccomp_export_bpf (ctx, mfd);
  seccomp_release (ctx);
  if (r < 0 || fstat (mfd, &st) < 0 || st.st_size <= 0 || st.st_size % sizeof (struct sock_filter) != 0
      || st.st_size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    {
      close (mfd);
      return vs_fail (err, r < 0 ? -r : EINVAL, "seccomp: compile the filter");
    }
  ret->len = (unsigned short) (st.st_size / sizeof (struct sock_filter));
  ret->filter = malloc ((size_t) st.st_size);
  if (ret->filter == NULL || pread (mfd, ret->filter, (size_t) st.st_size, 0) != st.st_size)
    {
      close (mfd);
      free (ret->filter);
      ret->filter = NULL;
      return vs_fail (err, EIO, "seccomp: read the compiled filter");
    }
  close (mfd);
  ret->flags = prog_flags (sc);
  if (cache_dir)
    cache_write (dir, path, key, strlen (key), ret);
  return 0;
}

int
rt_seccomp_load_prog (const rt_seccomp_prog *p, vs_error *err)
{
  struct sock_fprog prog = { .len = p->len, .filter = p->filter };
  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog) < 0)
    return vs_fail (err, errno, "load the seccomp filter");
  return 0;
}
