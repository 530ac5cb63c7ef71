/* process.c — the container process's identity: executable lookup, rlimits,
 * personality, user and groups, capabilities, no_new_privs, umask. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"

static const char *
env_get (char **env, const char *name)
{
  size_t n = strlen (name);
  for (char **e = env; e && *e; e++)
    if (strncmp (*e, name, n) == 0 && (*e)[n] == '=')
      return *e + n + 1;
  return NULL;
}

static int
check_exec (const char *path)
{
  struct stat st;
  if (stat (path, &st) < 0)
    return -errno;
  if (!S_ISREG (st.st_mode))
    return -EACCES;
  if (access (path, X_OK) < 0)
    return -errno;
  return 0;
}

/* chdir into process.cwd and make sure it is inside the root: a cwd that
 * resolves outside (an inherited fd, CVE-2024-21626) shows as unreachable. */
static int
enter_cwd (const char *cwd, vs_error *err)
{
  char buf[PATH_MAX];
  if (chdir (cwd) < 0)
    return vs_fail (err, errno, "process.cwd `%s`", cwd);
  if (getcwd (buf, sizeof buf) == NULL || buf[0] != '/')
    return vs_fail (err, ENOENT, "process.cwd `%s`: outside the container root", cwd);
  return 0;
}

int
rt_process_resolve (const struct rt_process *proc, char **ret_path, vs_error *err)
{
  const char *name = proc->args[0];
  const char *path_env;
  int r, first_err = -ENOENT;

  if (strchr (name, '/'))
    {
      /* relative names are looked up from the cwd, as execve does */
      if ((r = enter_cwd (proc->cwd, err)) < 0)
        return r;
      if ((r = check_exec (name)) < 0)
        return vs_fail (err, -r, "exec `%s`", name);
      *ret_path = strdup (name);
      return *ret_path ? 0 : vs_fail (err, ENOMEM, "exec");
    }
  path_env = env_get (proc->env, "PATH");
  if (path_env == NULL)
    path_env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const char *p = path_env; ; )
    {
      const char *end = strchrnul (p, ':');
      char cand[PATH_MAX];
      int len = (int) (end - p);
      snprintf (cand, sizeof cand, "%.*s%s%s", len, p, len ? "/" : "", name);
      r = check_exec (cand);
      if (r == 0)
        {
          if ((r = enter_cwd (proc->cwd, err)) < 0)
            return r;
          *ret_path = strdup (cand);
          return *ret_path ? 0 : vs_fail (err, ENOMEM, "exec");
        }
      if (r != -ENOENT && r != -ENOTDIR)
        first_err = r;
      if (*end == '\0')
        break;
      p = end + 1;
    }
  if (first_err == -ENOENT)
    return vs_fail (err, 0, "exec: `%s`: executable file not found in $PATH", name);
  return vs_fail (err, -first_err, "exec `%s`", name);
}

/* Capabilities this process can still hand out.  A config that asks for
 * one our own bounding set lacks (a restricted host) fails with the name of
 * it, as crun does: the process would silently not get what it asked for. */
static uint64_t
available_caps (void)
{
  uint64_t m = 0;
  int last = (int) cap_max_bits () - 1;
  char buf[2048];
  const char *p;

  /* one read instead of a prctl per capability (41 system calls) */
  if (vs_read_small_at (AT_FDCWD, "/proc/self/status", 0, buf, sizeof buf) > 0
      && (p = strstr (buf, "\nCapBnd:\t")) != NULL)
    return strtoull (p + 9, NULL, 16);
  for (int c = 0; c <= last && c < 64; c++)
    if (prctl (PR_CAPBSET_READ, c, 0, 0, 0) == 1)
      m |= 1ULL << c;
  return m;
}

static int
apply_caps (const struct rt_process *proc, vs_error *err)
{
  static const cap_flag_t flags[] = { [RT_CAP_EFFECTIVE] = CAP_EFFECTIVE, [RT_CAP_INHERITABLE] = CAP_INHERITABLE,
                                      [RT_CAP_PERMITTED] = CAP_PERMITTED };
  int last = (int) cap_max_bits () - 1;
  cap_t caps;
  int r = 0;

  caps = cap_init ();
  if (caps == NULL)
    return vs_fail (err, errno, "process.capabilities");
  for (int c = 0; c <= last && c < 64; c++)
    for (int s = RT_CAP_EFFECTIVE; s <= RT_CAP_PERMITTED; s++)
      if (proc->caps[s] & (1ULL << c))
        {
          cap_value_t v = c;
          cap_set_flag (caps, flags[s], 1, &v, CAP_SET);
        }
  if (cap_set_proc (caps) < 0)
    r = vs_fail (err, errno, "process.capabilities: set effective, permitted and inheritable");
  cap_free (caps);
  if (r < 0)
    return r;
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return vs_fail (err, errno, "process.capabilities.ambient: clear");
  for (int c = 0; c <= last && c < 64; c++)
    if ((proc->caps[RT_CAP_AMBIENT] & (1ULL << c)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
      return vs_fail (err, errno, "process.capabilities.ambient: raise %s", cap_to_name (c));
  return 0;
}

int
rt_process_finalize (const struct rt_config *cfg, vs_error *err)
{
  const struct rt_process *proc = cfg->process;

  for (size_t i = 0; i < proc->n_rlimits; i++)
    {
      struct rlimit rl = { .rlim_cur = proc->rlimits[i].soft, .rlim_max = proc->rlimits[i].hard };
      if (setrlimit ((__rlimit_resource_t) proc->rlimits[i].resource, &rl) < 0)
        return vs_fail (err, errno, "process.rlimits[%zu]: set %llu/%llu", i, (unsigned long long) rl.rlim_cur,
                        (unsigned long long) rl.rlim_max);
    }
  if (cfg->has_personality && personality (cfg->personality) < 0)
    return vs_fail (err, errno, "linux.personality");

  /* read before the bounding set shrinks below */
  if (proc->has_caps)
    {
      static const char *const set_names[RT_CAP_SETS] = { "bounding", "effective", "inheritable", "permitted",
                                                          "ambient" };
      uint64_t avail = available_caps ();
      for (int set = 0; set < RT_CAP_SETS; set++)
        if (proc->caps[set] & ~avail)
          {
            int c = __builtin_ctzll (proc->caps[set] & ~avail);
            char *name = cap_to_name (c);
            for (char *q = name; q && *q; q++)
              if (*q >= 'a' && *q <= 'z')
                *q = (char) (*q - 'a' + 'A');
            int r = vs_fail (err, 0, "process.capabilities.%s: %s is not available on this host (not in the runtime's "
                             "own bounding set)", set_names[set], name ? name : "?");
            cap_free (name);
            return r;
          }
    }
  if (proc->has_caps)
    {
      int last = (int) cap_max_bits () - 1;
      for (int c = 0; c <= last; c++)
        if (c >= 64 || !(proc->caps[RT_CAP_BOUNDING] & (1ULL << c)))
          if (prctl (PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
            return vs_fail (err, errno, "process.capabilities.bounding: drop %s", cap_to_name (c));
      if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return vs_fail (err, errno, "keep capabilities across setuid");
    }
  if (setgroups (proc->n_additional_gids, proc->additional_gids) < 0
      && !(errno == EPERM && proc->n_additional_gids == 0))
    return vs_fail (err, errno, "process.user.additionalGids: setgroups");
  if (setresgid (proc->gid, proc->gid, proc->gid) < 0)
    return vs_fail (err, errno, "process.user.gid: set %u", proc->gid);
  if (setresuid (proc->uid, proc->uid, proc->uid) < 0)
    return vs_fail (err, errno, "process.user.uid: set %u", proc->uid);
  if (proc->has_caps)
    {
      int r = apply_caps (proc, err);
      if (r < 0)
        return r;
      prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0);
    }
  else
    {
      /* No capabilities in the config: the process keeps what it has, but
       * inheritable and ambient never pass from our caller into the
       * container (CVE-2022-29162 family). */
      cap_t caps = cap_get_proc ();
      int r = 0;
      if (caps == NULL || cap_clear_flag (caps, CAP_INHERITABLE) < 0 || cap_set_proc (caps) < 0)
        r = vs_fail (err, errno, "clear the inheritable capabilities");
      cap_free (caps);
      if (r < 0)
        return r;
      if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return vs_fail (err, errno, "clear the ambient capabilities");
    }
  if (proc->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return vs_fail (err, errno, "process.noNewPrivileges");
  umask (proc->has_umask ? proc->umask : 0022);
  return 0;
}
