/* config.c — config.json → struct rt_config, naming the field on every error. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "../basic/log.h"

const char *const rt_hook_names[RT_HOOK_KINDS] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

void
rt_strv_free (char **v)
{
  if (v == NULL)
    return;
  for (char **p = v; *p; p++)
    free (*p);
  free (v);
}

/* ---- typed getters: absent is fine, a wrong type names the field ---- */

static int
type_error (vs_error *err, const char *path, const char *what)
{
  return vs_fail (err, 0, "config.json: %s: expected %s", path, what);
}

static int
get_string (json_t *obj, const char *key, const char *parent, char **out, vs_error *err)
{
  json_t *v = json_object_get (obj, key);
  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_string (v))
    {
      char path[256];
      snprintf (path, sizeof path, "%s%s%s", parent, *parent ? "." : "", key);
      return type_error (err, path, "a string");
    }
  *out = strdup (json_string_value (v));
  return *out ? 0 : vs_fail (err, ENOMEM, "config.json");
}

static int
get_bool (json_t *obj, const char *key, const char *parent, bool *out, vs_error *err)
{
  json_t *v = json_object_get (obj, key);
  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_boolean (v))
    {
      char path[256];
      snprintf (path, sizeof path, "%s%s%s", parent, *parent ? "." : "", key);
      return type_error (err, path, "true or false");
    }
  *out = json_is_true (v);
  return 0;
}

/* Integer in [min, max]; *present tells whether it was given. */
static int
get_int (json_t *obj, const char *key, const char *parent, long long min, long long max,
         long long *out, bool *present, vs_error *err)
{
  json_t *v = json_object_get (obj, key);
  char path[256];
  if (present)
    *present = false;
  if (v == NULL || json_is_null (v))
    return 0;
  snprintf (path, sizeof path, "%s%s%s", parent, *parent ? "." : "", key);
  if (!json_is_integer (v))
    return type_error (err, path, "an integer");
  if (json_integer_value (v) < min || json_integer_value (v) > max)
    return vs_fail (err, 0, "config.json: %s: %lld is out of range [%lld, %lld]", path,
                    (long long) json_integer_value (v), min, max);
  *out = json_integer_value (v);
  if (present)
    *present = true;
  return 0;
}

static int
strv_from_json (json_t *arr, const char *path, char ***out, vs_error *err)
{
  size_t i, n;
  char **v;

  if (arr == NULL || json_is_null (arr))
    return 0;
  if (!json_is_array (arr))
    return type_error (err, path, "an array of strings");
  n = json_array_size (arr);
  v = calloc (n + 1, sizeof *v);
  if (v == NULL)
    return vs_fail (err, ENOMEM, "config.json: %s", path);
  for (i = 0; i < n; i++)
    {
      json_t *s = json_array_get (arr, i);
      if (!json_is_string (s))
        {
          rt_strv_free (v);
          return vs_fail (err, 0, "config.json: %s[%zu]: expected a string", path, i);
        }
      v[i] = strdup (json_string_value (s));
      if (v[i] == NULL)
        {
          rt_strv_free (v);
          return vs_fail (err, ENOMEM, "config.json: %s", path);
        }
    }
  *out = v;
  return 0;
}

static size_t
strv_len (char **v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

/* ---- namespaces ---- */

static const struct { const char *name; int type; } ns_table[] = {
  { "pid", CLONE_NEWPID },     { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
  { "ipc", CLONE_NEWIPC },     { "uts", CLONE_NEWUTS },     { "user", CLONE_NEWUSER },
  { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

int
rt_namespace_type_from_name (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (ns_table); i++)
    if (strcmp (ns_table[i].name, name) == 0)
      return ns_table[i].type;
  return -1;
}

const char *
rt_namespace_name (int type)
{
  for (size_t i = 0; i < ARRAY_SIZE (ns_table); i++)
    if (ns_table[i].type == type)
      return ns_table[i].name;
  return "?";
}

const struct rt_namespace *
rt_config_namespace (const struct rt_config *cfg, int type)
{
  for (size_t i = 0; i < cfg->n_namespaces; i++)
    if (cfg->namespaces[i].type == type)
      return &cfg->namespaces[i];
  return NULL;
}

/* ---- mount options ---- */

static const struct
{
  const char *name;
  unsigned long set, clear, propagation;
  bool bind, rec, rro;
} mount_opts[] = {
  { "ro", MS_RDONLY, 0, 0, false, false, false },
  { "rw", 0, MS_RDONLY, 0, false, false, false },
  { "rro", MS_RDONLY, 0, 0, false, false, true },
  { "nosuid", MS_NOSUID, 0, 0, false, false, false },
  { "suid", 0, MS_NOSUID, 0, false, false, false },
  { "nodev", MS_NODEV, 0, 0, false, false, false },
  { "dev", 0, MS_NODEV, 0, false, false, false },
  { "noexec", MS_NOEXEC, 0, 0, false, false, false },
  { "exec", 0, MS_NOEXEC, 0, false, false, false },
  { "sync", MS_SYNCHRONOUS, 0, 0, false, false, false },
  { "async", 0, MS_SYNCHRONOUS, 0, false, false, false },
  { "dirsync", MS_DIRSYNC, 0, 0, false, false, false },
  { "remount", MS_REMOUNT, 0, 0, false, false, false },
  { "mand", MS_MANDLOCK, 0, 0, false, false, false },
  { "nomand", 0, MS_MANDLOCK, 0, false, false, false },
  { "atime", 0, MS_NOATIME, 0, false, false, false },
  { "noatime", MS_NOATIME, 0, 0, false, false, false },
  { "diratime", 0, MS_NODIRATIME, 0, false, false, false },
  { "nodiratime", MS_NODIRATIME, 0, 0, false, false, false },
  { "relatime", MS_RELATIME, 0, 0, false, false, false },
  { "norelatime", 0, MS_RELATIME, 0, false, false, false },
  { "strictatime", MS_STRICTATIME, 0, 0, false, false, false },
  { "nostrictatime", 0, MS_STRICTATIME, 0, false, false, false },
  { "bind", 0, 0, 0, true, false, false },
  { "rbind", 0, 0, 0, true, true, false },
  { "private", 0, 0, MS_PRIVATE, false, false, false },
  { "rprivate", 0, 0, MS_PRIVATE | MS_REC, false, false, false },
  { "shared", 0, 0, MS_SHARED, false, false, false },
  { "rshared", 0, 0, MS_SHARED | MS_REC, false, false, false },
  { "slave", 0, 0, MS_SLAVE, false, false, false },
  { "rslave", 0, 0, MS_SLAVE | MS_REC, false, false, false },
  { "unbindable", 0, 0, MS_UNBINDABLE, false, false, false },
  { "runbindable", 0, 0, MS_UNBINDABLE | MS_REC, false, false, false },
  /* accepted and meaningless for us */
  { "tmpcopyup", 0, 0, 0, false, false, false },
  { "defaults", 0, 0, 0, false, false, false },
};

int
rt_mount_parse_options (struct rt_mount *m, json_t *options, const char *field, vs_error *err)
{
  size_t i, datalen = 0;
  _cleanup_free_ char *data = NULL;

  if (options == NULL || json_is_null (options))
    return 0;
  if (!json_is_array (options))
    return type_error (err, field, "an array of strings");
  for (i = 0; i < json_array_size (options); i++)
    {
      json_t *o = json_array_get (options, i);
      const char *s;
      size_t k;

      if (!json_is_string (o))
        return vs_fail (err, 0, "config.json: %s[%zu]: expected a string", field, i);
      s = json_string_value (o);
      for (k = 0; k < ARRAY_SIZE (mount_opts); k++)
        if (strcmp (s, mount_opts[k].name) == 0)
          break;
      if (k < ARRAY_SIZE (mount_opts))
        {
          m->flags = (m->flags & ~mount_opts[k].clear) | mount_opts[k].set;
          m->clear_flags = (m->clear_flags & ~mount_opts[k].set) | mount_opts[k].clear;
          if (mount_opts[k].propagation)
            m->propagation = mount_opts[k].propagation;
          if (mount_opts[k].bind)
            {
              m->bind = true;
              if (mount_opts[k].rec)
                m->flags |= MS_REC;
            }
          if (mount_opts[k].rro)
            m->recursive_ro = true;
          continue;
        }
      /* Anything else is for the filesystem: "mode=755", "size=64k", "newinstance". */
      size_t sl = strlen (s);
      char *nd = realloc (data, datalen + sl + 2);
      if (nd == NULL)
        return vs_fail (err, ENOMEM, "config.json: %s", field);
      data = nd;
      if (datalen)
        data[datalen++] = ',';
      memcpy (data + datalen, s, sl + 1);
      datalen += sl;
    }
  m->data = TAKE_PTR (data);
  return 0;
}

static int
parse_mounts (struct rt_config *cfg, json_t *arr, vs_error *err)
{
  size_t i, n;
  char path[64];
  int r;

  if (arr == NULL || json_is_null (arr))
    return 0;
  if (!json_is_array (arr))
    return type_error (err, "mounts", "an array");
  n = json_array_size (arr);
  cfg->mounts = calloc (n ? n : 1, sizeof *cfg->mounts);
  if (cfg->mounts == NULL)
    return vs_fail (err, ENOMEM, "config.json: mounts");
  for (i = 0; i < n; i++)
    {
      json_t *o = json_array_get (arr, i);
      struct rt_mount *m = &cfg->mounts[i];
      cfg->n_mounts = i + 1;
      snprintf (path, sizeof path, "mounts[%zu]", i);
      if (!json_is_object (o))
        return type_error (err, path, "an object");
      if ((r = get_string (o, "destination", path, &m->destination, err)) < 0
          || (r = get_string (o, "type", path, &m->type, err)) < 0
          || (r = get_string (o, "source", path, &m->source, err)) < 0)
        return r;
      if (m->destination == NULL)
        return vs_fail (err, 0, "config.json: %s.destination: missing", path);
      if (m->destination[0] != '/')
        return vs_fail (err, 0, "config.json: %s.destination: `%s` is not an absolute path", path,
                        m->destination);
      char opath[80];
      snprintf (opath, sizeof opath, "%s.options", path);
      if ((r = rt_mount_parse_options (m, json_object_get (o, "options"), opath, err)) < 0)
        return r;
      if (m->type && strcmp (m->type, "bind") == 0)
        m->bind = true;
      if (!m->bind && m->type == NULL)
        return vs_fail (err, 0, "config.json: %s.type: missing for a mount that is not a bind mount", path);
    }
  return 0;
}

/* ---- process ---- */

static int
cap_mask_from_json (json_t *arr, const char *field, uint64_t *mask, vs_error *err)
{
  size_t i;
  *mask = 0;
  if (arr == NULL || json_is_null (arr))
    return 0;
  if (!json_is_array (arr))
    return type_error (err, field, "an array of capability names");
  for (i = 0; i < json_array_size (arr); i++)
    {
      json_t *s = json_array_get (arr, i);
      cap_value_t c;
      if (!json_is_string (s))
        return vs_fail (err, 0, "config.json: %s[%zu]: expected a string", field, i);
      if (cap_from_name (json_string_value (s), &c) < 0 || c < 0 || c > 63)
        {
          /* As runc and crun do: a capability this kernel or libcap does
           * not know is skipped with a warning, not fatal. */
          vs_log (VS_LOG_WARN, "config.json: %s: unknown capability `%s` ignored", field,
                  json_string_value (s));
          continue;
        }
      *mask |= 1ULL << c;
    }
  return 0;
}

static const struct { const char *name; int resource; } rlimit_table[] = {
  { "RLIMIT_AS", RLIMIT_AS },         { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },       { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },   { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },     { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },   { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

static int
parse_process (struct rt_config *cfg, json_t *p, vs_error *err)
{
  struct rt_process *proc;
  json_t *v;
  long long n;
  bool present;
  int r;

  if (p == NULL || json_is_null (p))
    return 0;
  if (!json_is_object (p))
    return type_error (err, "process", "an object");
  proc = cfg->process = calloc (1, sizeof *proc);
  if (proc == NULL)
    return vs_fail (err, ENOMEM, "config.json: process");

  if ((r = get_bool (p, "terminal", "process", &proc->terminal, err)) < 0
      || (r = get_string (p, "cwd", "process", &proc->cwd, err)) < 0
      || (r = get_bool (p, "noNewPrivileges", "process", &proc->no_new_privileges, err)) < 0)
    return r;
  if ((r = strv_from_json (json_object_get (p, "args"), "process.args", &proc->args, err)) < 0
      || (r = strv_from_json (json_object_get (p, "env"), "process.env", &proc->env, err)) < 0)
    return r;
  if (proc->args == NULL || proc->args[0] == NULL)
    return vs_fail (err, 0, "config.json: process.args: must name the program to run");
  if (proc->env == NULL && (proc->env = calloc (1, sizeof (char *))) == NULL)
    return vs_fail (err, ENOMEM, "config.json: process.env");
  if (proc->cwd == NULL)
    return vs_fail (err, 0, "config.json: process.cwd: missing");
  if (proc->cwd[0] != '/')
    return vs_fail (err, 0, "config.json: process.cwd: `%s` is not an absolute path", proc->cwd);

  v = json_object_get (p, "consoleSize");
  if (v && !json_is_null (v))
    {
      if (!json_is_object (v))
        return type_error (err, "process.consoleSize", "an object");
      if ((r = get_int (v, "height", "process.consoleSize", 0, USHRT_MAX, &n, &present, err)) < 0)
        return r;
      proc->console_height = present ? (unsigned short) n : 0;
      if ((r = get_int (v, "width", "process.consoleSize", 0, USHRT_MAX, &n, &present, err)) < 0)
        return r;
      proc->console_width = present ? (unsigned short) n : 0;
    }

  v = json_object_get (p, "user");
  if (v && !json_is_null (v))
    {
      json_t *gids;
      if (!json_is_object (v))
        return type_error (err, "process.user", "an object");
      if ((r = get_int (v, "uid", "process.user", 0, UINT32_MAX - 1, &n, &present, err)) < 0)
        return r;
      proc->uid = present ? (uid_t) n : 0;
      if ((r = get_int (v, "gid", "process.user", 0, UINT32_MAX - 1, &n, &present, err)) < 0)
        return r;
      proc->gid = present ? (gid_t) n : 0;
      if ((r = get_int (v, "umask", "process.user", 0, 0777, &n, &proc->has_umask, err)) < 0)
        return r;
      proc->umask = (mode_t) n;
      gids = json_object_get (v, "additionalGids");
      if (gids && !json_is_null (gids))
        {
          if (!json_is_array (gids))
            return type_error (err, "process.user.additionalGids", "an array of integers");
          proc->additional_gids = calloc (json_array_size (gids) + 1, sizeof (gid_t));
          if (proc->additional_gids == NULL)
            return vs_fail (err, ENOMEM, "config.json: process.user.additionalGids");
          for (size_t i = 0; i < json_array_size (gids); i++)
            {
              json_t *g = json_array_get (gids, i);
              if (!json_is_integer (g) || json_integer_value (g) < 0 || json_integer_value (g) >= UINT32_MAX)
                return vs_fail (err, 0, "config.json: process.user.additionalGids[%zu]: expected a group id", i);
              proc->additional_gids[proc->n_additional_gids++] = (gid_t) json_integer_value (g);
            }
        }
    }

  v = json_object_get (p, "capabilities");
  if (v && !json_is_null (v))
    {
      static const char *const names[RT_CAP_SETS] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
      if (!json_is_object (v))
        return type_error (err, "process.capabilities", "an object");
      for (int s = 0; s < RT_CAP_SETS; s++)
        {
          char field[64];
          snprintf (field, sizeof field, "process.capabilities.%s", names[s]);
          if ((r = cap_mask_from_json (json_object_get (v, names[s]), field, &proc->caps[s], err)) < 0)
            return r;
        }
      proc->has_caps = true;
    }

  v = json_object_get (p, "rlimits");
  if (v && !json_is_null (v))
    {
      if (!json_is_array (v))
        return type_error (err, "process.rlimits", "an array");
      proc->rlimits = calloc (json_array_size (v) + 1, sizeof *proc->rlimits);
      if (proc->rlimits == NULL)
        return vs_fail (err, ENOMEM, "config.json: process.rlimits");
      for (size_t i = 0; i < json_array_size (v); i++)
        {
          json_t *o = json_array_get (v, i);
          _cleanup_free_ char *type = NULL;
          char field[64];
          long long hard = 0, soft = 0;
          size_t k;

          snprintf (field, sizeof field, "process.rlimits[%zu]", i);
          if (!json_is_object (o))
            return type_error (err, field, "an object");
          if ((r = get_string (o, "type", field, &type, err)) < 0)
            return r;
          if (type == NULL)
            return vs_fail (err, 0, "config.json: %s.type: missing", field);
          for (k = 0; k < ARRAY_SIZE (rlimit_table); k++)
            if (strcmp (rlimit_table[k].name, type) == 0)
              break;
          if (k == ARRAY_SIZE (rlimit_table))
            return vs_fail (err, 0, "config.json: %s.type: unknown rlimit `%s`", field, type);
          /* json integers are signed 64-bit: -1 and huge values mean unlimited */
          json_t *h = json_object_get (o, "hard"), *s = json_object_get (o, "soft");
          if ((h && !json_is_integer (h)) || (s && !json_is_integer (s)))
            return vs_fail (err, 0, "config.json: %s: hard and soft must be integers", field);
          hard = h ? json_integer_value (h) : 0;
          soft = s ? json_integer_value (s) : 0;
          proc->rlimits[proc->n_rlimits].resource = rlimit_table[k].resource;
          proc->rlimits[proc->n_rlimits].hard = (uint64_t) hard;
          proc->rlimits[proc->n_rlimits].soft = (uint64_t) soft;
          proc->n_rlimits++;
        }
    }

  if ((r = get_int (p, "oomScoreAdj", "process", -1000, 1000, &n, &proc->has_oom_score_adj, err)) < 0)
    return r;
  proc->oom_score_adj = (int) n;
  return 0;
}

/* ---- hooks ---- */

void
rt_hooks_free (struct rt_hook *hooks, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (hooks[i].path);
      rt_strv_free (hooks[i].args);
      rt_strv_free (hooks[i].env);
    }
  free (hooks);
}

int
rt_hooks_parse (json_t *arr, const char *field, struct rt_hook **ret, size_t *ret_n, vs_error *err)
{
  struct rt_hook *hooks;
  size_t i, n;
  int r;

  *ret = NULL;
  *ret_n = 0;
  if (arr == NULL || json_is_null (arr))
    return 0;
  if (!json_is_array (arr))
    return type_error (err, field, "an array");
  n = json_array_size (arr);
  hooks = calloc (n + 1, sizeof *hooks);
  if (hooks == NULL)
    return vs_fail (err, ENOMEM, "config.json: %s", field);
  for (i = 0; i < n; i++)
    {
      json_t *o = json_array_get (arr, i);
      char path[96], sub[128];
      long long t = 0;
      snprintf (path, sizeof path, "%s[%zu]", field, i);
      if (!json_is_object (o))
        {
          r = type_error (err, path, "an object");
          goto fail;
        }
      if ((r = get_string (o, "path", path, &hooks[i].path, err)) < 0)
        goto fail;
      if (hooks[i].path == NULL || hooks[i].path[0] != '/')
        {
          r = vs_fail (err, 0, "config.json: %s.path: must be an absolute path", path);
          goto fail;
        }
      snprintf (sub, sizeof sub, "%s.args", path);
      if ((r = strv_from_json (json_object_get (o, "args"), sub, &hooks[i].args, err)) < 0)
        goto fail;
      snprintf (sub, sizeof sub, "%s.env", path);
      if ((r = strv_from_json (json_object_get (o, "env"), sub, &hooks[i].env, err)) < 0)
        goto fail;
      if ((r = get_int (o, "timeout", path, 1, INT_MAX, &t, NULL, err)) < 0)
        goto fail;
      hooks[i].timeout = (int) t;
    }
  *ret = hooks;
  *ret_n = n;
  return 0;
fail:
  rt_hooks_free (hooks, n);
  return r;
}

/* ---- linux ---- */

static int
parse_idmaps (json_t *arr, const char *field, struct rt_idmap **ret, size_t *ret_n, vs_error *err)
{
  size_t n;
  if (arr == NULL || json_is_null (arr))
    return 0;
  if (!json_is_array (arr))
    return type_error (err, field, "an array");
  n = json_array_size (arr);
  *ret = calloc (n + 1, sizeof **ret);
  if (*ret == NULL)
    return vs_fail (err, ENOMEM, "config.json: %s", field);
  for (size_t i = 0; i < n; i++)
    {
      json_t *o = json_array_get (arr, i);
      char path[96];
      long long c = 0, h = 0, s = 0;
      bool pc, ph, ps;
      int r;
      snprintf (path, sizeof path, "%s[%zu]", field, i);
      if (!json_is_object (o))
        return type_error (err, path, "an object");
      if ((r = get_int (o, "containerID", path, 0, UINT32_MAX, &c, &pc, err)) < 0
          || (r = get_int (o, "hostID", path, 0, UINT32_MAX, &h, &ph, err)) < 0
          || (r = get_int (o, "size", path, 1, UINT32_MAX, &s, &ps, err)) < 0)
        return r;
      if (!pc || !ph || !ps)
        return vs_fail (err, 0, "config.json: %s: containerID, hostID and size are required", path);
      (*ret)[i] = (struct rt_idmap){ (uint32_t) c, (uint32_t) h, (uint32_t) s };
      *ret_n = i + 1;
    }
  return 0;
}

static const struct { const char *name; unsigned long flags; } propagation_table[] = {
  { "private", MS_PRIVATE },     { "rprivate", MS_PRIVATE | MS_REC },
  { "shared", MS_SHARED },       { "rshared", MS_SHARED | MS_REC },
  { "slave", MS_SLAVE },         { "rslave", MS_SLAVE | MS_REC },
  { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static int
parse_devices (struct rt_config *cfg, json_t *arr, vs_error *err)
{
  if (arr == NULL || json_is_null (arr))
    return 0;
  if (!json_is_array (arr))
    return type_error (err, "linux.devices", "an array");
  cfg->devices = calloc (json_array_size (arr) + 1, sizeof *cfg->devices);
  if (cfg->devices == NULL)
    return vs_fail (err, ENOMEM, "config.json: linux.devices");
  for (size_t i = 0; i < json_array_size (arr); i++)
    {
      json_t *o = json_array_get (arr, i);
      struct rt_device *d = &cfg->devices[i];
      _cleanup_free_ char *type = NULL;
      char path[64];
      long long n;
      int r;

      cfg->n_devices = i + 1;
      snprintf (path, sizeof path, "linux.devices[%zu]", i);
      if (!json_is_object (o))
        return type_error (err, path, "an object");
      if ((r = get_string (o, "path", path, &d->path, err)) < 0 || (r = get_string (o, "type", path, &type, err)) < 0)
        return r;
      if (d->path == NULL || d->path[0] != '/')
        return vs_fail (err, 0, "config.json: %s.path: must be an absolute path", path);
      if (type == NULL || strlen (type) != 1 || strchr ("cbup", type[0]) == NULL)
        return vs_fail (err, 0, "config.json: %s.type: must be one of c, b, u, p", path);
      d->type = type[0];
      long long maj = 0, min = 0;
      if ((r = get_int (o, "major", path, 0, UINT32_MAX, &maj, NULL, err)) < 0
          || (r = get_int (o, "minor", path, 0, UINT32_MAX, &min, NULL, err)) < 0)
        return r;
      d->major = maj;
      d->minor = min;
      if ((r = get_int (o, "fileMode", path, 0, 07777, &n, &d->has_mode, err)) < 0)
        return r;
      d->mode = (mode_t) n;
      if ((r = get_int (o, "uid", path, 0, UINT32_MAX - 1, &n, &d->has_uid, err)) < 0)
        return r;
      d->uid = (uid_t) n;
      if ((r = get_int (o, "gid", path, 0, UINT32_MAX - 1, &n, &d->has_gid, err)) < 0)
        return r;
      d->gid = (gid_t) n;
    }
  return 0;
}

static int
parse_linux (struct rt_config *cfg, json_t *l, vs_error *err)
{
  json_t *v;
  int r;

  if (l == NULL || json_is_null (l))
    return 0;
  if (!json_is_object (l))
    return type_error (err, "linux", "an object");

  v = json_object_get (l, "namespaces");
  if (v && !json_is_null (v))
    {
      if (!json_is_array (v))
        return type_error (err, "linux.namespaces", "an array");
      cfg->namespaces = calloc (json_array_size (v) + 1, sizeof *cfg->namespaces);
      if (cfg->namespaces == NULL)
        return vs_fail (err, ENOMEM, "config.json: linux.namespaces");
      for (size_t i = 0; i < json_array_size (v); i++)
        {
          json_t *o = json_array_get (v, i);
          _cleanup_free_ char *type = NULL;
          char path[64];
          int t;
          snprintf (path, sizeof path, "linux.namespaces[%zu]", i);
          if (!json_is_object (o))
            return type_error (err, path, "an object");
          if ((r = get_string (o, "type", path, &type, err)) < 0)
            return r;
          if (type == NULL || (t = rt_namespace_type_from_name (type)) < 0)
            return vs_fail (err, 0, "config.json: %s.type: unknown namespace type `%s`", path,
                            type ? type : "(missing)");
          if (rt_config_namespace (cfg, t))
            return vs_fail (err, 0, "config.json: %s: namespace `%s` is listed twice", path, type);
          cfg->namespaces[cfg->n_namespaces].type = t;
          if ((r = get_string (o, "path", path, &cfg->namespaces[cfg->n_namespaces].path, err)) < 0)
            return r;
          cfg->n_namespaces++;
        }
    }
  if ((r = parse_idmaps (json_object_get (l, "uidMappings"), "linux.uidMappings", &cfg->uid_mappings,
                         &cfg->n_uid_mappings, err)) < 0
      || (r = parse_idmaps (json_object_get (l, "gidMappings"), "linux.gidMappings", &cfg->gid_mappings,
                            &cfg->n_gid_mappings, err)) < 0)
    return r;

  v = json_object_get (l, "sysctl");
  if (v && !json_is_null (v))
    {
      const char *key;
      json_t *val;
      if (!json_is_object (v))
        return type_error (err, "linux.sysctl", "an object of strings");
      cfg->sysctl = calloc (json_object_size (v) + 1, sizeof *cfg->sysctl);
      if (cfg->sysctl == NULL)
        return vs_fail (err, ENOMEM, "config.json: linux.sysctl");
      json_object_foreach (v, key, val)
        {
          if (!json_is_string (val))
            return vs_fail (err, 0, "config.json: linux.sysctl.%s: expected a string", key);
          cfg->sysctl[cfg->n_sysctl].key = strdup (key);
          cfg->sysctl[cfg->n_sysctl].value = strdup (json_string_value (val));
          cfg->n_sysctl++;
          if (!cfg->sysctl[cfg->n_sysctl - 1].key || !cfg->sysctl[cfg->n_sysctl - 1].value)
            return vs_fail (err, ENOMEM, "config.json: linux.sysctl");
        }
    }
  if ((r = strv_from_json (json_object_get (l, "maskedPaths"), "linux.maskedPaths", &cfg->masked_paths, err)) < 0
      || (r = strv_from_json (json_object_get (l, "readonlyPaths"), "linux.readonlyPaths", &cfg->readonly_paths, err)) < 0)
    return r;
  cfg->n_masked_paths = strv_len (cfg->masked_paths);
  cfg->n_readonly_paths = strv_len (cfg->readonly_paths);
  if ((r = parse_devices (cfg, json_object_get (l, "devices"), err)) < 0)
    return r;

  {
    _cleanup_free_ char *prop = NULL;
    if ((r = get_string (l, "rootfsPropagation", "linux", &prop, err)) < 0)
      return r;
    if (prop && *prop)
      {
        size_t k;
        for (k = 0; k < ARRAY_SIZE (propagation_table); k++)
          if (strcmp (propagation_table[k].name, prop) == 0)
            break;
        if (k == ARRAY_SIZE (propagation_table))
          return vs_fail (err, 0, "config.json: linux.rootfsPropagation: unknown value `%s`", prop);
        cfg->rootfs_propagation = propagation_table[k].flags;
      }
  }

  v = json_object_get (l, "personality");
  if (v && !json_is_null (v))
    {
      _cleanup_free_ char *domain = NULL;
      if (!json_is_object (v))
        return type_error (err, "linux.personality", "an object");
      if ((r = get_string (v, "domain", "linux.personality", &domain, err)) < 0)
        return r;
      if (domain == NULL || strcmp (domain, "LINUX") == 0)
        cfg->personality = PER_LINUX;
      else if (strcmp (domain, "LINUX32") == 0)
        cfg->personality = PER_LINUX32;
      else
        return vs_fail (err, 0, "config.json: linux.personality.domain: unknown value `%s`", domain);
      cfg->has_personality = true;
    }
  if ((r = get_string (l, "cgroupsPath", "linux", &cfg->cgroups_path, err)) < 0)
    return r;
  return 0;
}

/* jansson integers are int64, but the spec types some fields (rlimits) as
 * uint64, and Go tools write RLIM_INFINITY as 18446744073709551615.  Rewrite
 * every integer literal in (INT64_MAX, UINT64_MAX] as the int64 with the same
 * bits; uint64 fields read it back unchanged, signed ones reject it. */
static char *
uint64_as_int64 (const char *text, size_t len)
{
  char *out = malloc (len * 2 + 1);
  size_t o = 0;
  bool in_str = false;

  if (out == NULL)
    return NULL;
  for (size_t i = 0; i < len;)
    {
      char c = text[i];
      if (in_str)
        {
          out[o++] = c;
          if (c == '\\' && i + 1 < len)
            out[o++] = text[++i];
          else if (c == '"')
            in_str = false;
          i++;
          continue;
        }
      if (c == '"')
        in_str = true;
      if (c >= '0' && c <= '9' && (i == 0 || strchr ("-.eE+0123456789", text[i - 1]) == NULL))
        {
          size_t j = i;
          while (j < len && text[j] >= '0' && text[j] <= '9')
            j++;
          if (j - i >= 19 && j - i <= 20 && (j >= len || strchr (".eE", text[j]) == NULL))
            {
              char num[24];
              unsigned long long v;
              char *end;
              memcpy (num, text + i, j - i);
              num[j - i] = '\0';
              errno = 0;
              v = strtoull (num, &end, 10);
              if (errno == 0 && v > (unsigned long long) INT64_MAX)
                {
                  o += (size_t) sprintf (out + o, "%lld", (long long) v);
                  i = j;
                  continue;
                }
            }
          memcpy (out + o, text + i, j - i);
          o += j - i;
          i = j;
          continue;
        }
      out[o++] = c;
      i++;
    }
  out[o] = '\0';
  return out;
}

int
rt_config_parse (const char *text, size_t len, const char *bundle, struct rt_config **ret, vs_error *err)
{
  struct rt_config *cfg;
  json_error_t jerr;
  json_t *v;
  int r;

  cfg = calloc (1, sizeof *cfg);
  if (cfg == NULL)
    return vs_fail (err, ENOMEM, "config.json");
  cfg->json = json_loadb (text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (cfg->json == NULL && strstr (jerr.text, "too big integer"))
    {
      _cleanup_free_ char *copy = uint64_as_int64 (text, len);
      if (copy)
        cfg->json = json_loadb (copy, strlen (copy), JSON_REJECT_DUPLICATES, &jerr);
    }
  if (cfg->json == NULL)
    {
      rt_config_free (cfg);
      return vs_fail (err, 0, "config.json: invalid JSON at line %d, column %d: %s", jerr.line, jerr.column,
                      jerr.text);
    }
  if (!json_is_object (cfg->json))
    {
      r = vs_fail (err, 0, "config.json: expected a JSON object at the top level");
      goto fail;
    }
  if ((r = get_string (cfg->json, "ociVersion", "", &cfg->oci_version, err)) < 0)
    goto fail;
  if (cfg->oci_version == NULL)
    {
      r = vs_fail (err, 0, "config.json: ociVersion: missing");
      goto fail;
    }
  v = json_object_get (cfg->json, "root");
  if (v && !json_is_null (v))
    {
      _cleanup_free_ char *p = NULL;
      if (!json_is_object (v))
        {
          r = type_error (err, "root", "an object");
          goto fail;
        }
      if ((r = get_string (v, "path", "root", &p, err)) < 0 || (r = get_bool (v, "readonly", "root", &cfg->root_readonly, err)) < 0)
        goto fail;
      if (p == NULL || *p == '\0')
        {
          r = vs_fail (err, 0, "config.json: root.path: missing");
          goto fail;
        }
      if (p[0] == '/' || bundle == NULL)
        cfg->root_path = TAKE_PTR (p);
      else if (asprintf (&cfg->root_path, "%s/%s", bundle, p) < 0)
        {
          cfg->root_path = NULL;
          r = vs_fail (err, ENOMEM, "config.json: root.path");
          goto fail;
        }
    }
  if ((r = get_string (cfg->json, "hostname", "", &cfg->hostname, err)) < 0
      || (r = get_string (cfg->json, "domainname", "", &cfg->domainname, err)) < 0)
    goto fail;
  if ((r = parse_mounts (cfg, json_object_get (cfg->json, "mounts"), err)) < 0)
    goto fail;
  if ((r = parse_process (cfg, json_object_get (cfg->json, "process"), err)) < 0)
    goto fail;
  v = json_object_get (cfg->json, "hooks");
  if (v && !json_is_null (v))
    {
      if (!json_is_object (v))
        {
          r = type_error (err, "hooks", "an object");
          goto fail;
        }
      for (int k = 0; k < RT_HOOK_KINDS; k++)
        {
          char field[64];
          snprintf (field, sizeof field, "hooks.%s", rt_hook_names[k]);
          if ((r = rt_hooks_parse (json_object_get (v, rt_hook_names[k]), field, &cfg->hooks[k], &cfg->n_hooks[k], err)) < 0)
            goto fail;
        }
    }
  if ((r = parse_linux (cfg, json_object_get (cfg->json, "linux"), err)) < 0)
    goto fail;
  v = json_object_get (cfg->json, "annotations");
  if (v && !json_is_null (v))
    {
      const char *k;
      json_t *val;
      if (!json_is_object (v))
        {
          r = type_error (err, "annotations", "an object of strings");
          goto fail;
        }
      json_object_foreach (v, k, val)
        if (!json_is_string (val))
          {
            r = vs_fail (err, 0, "config.json: annotations.%s: expected a string", k);
            goto fail;
          }
      cfg->annotations = v;
    }
  *ret = cfg;
  return 0;
fail:
  rt_config_free (cfg);
  return r;
}

int
rt_config_load (const char *bundle, struct rt_config **ret, vs_error *err)
{
  _cleanup_free_ char *text = NULL;
  char path[PATH_MAX];
  size_t len;
  int r;

  if ((size_t) snprintf (path, sizeof path, "%s/config.json", bundle) >= sizeof path)
    return vs_fail (err, ENAMETOOLONG, "bundle `%s`", bundle);
  r = vs_read_file_at (AT_FDCWD, path, &text, &len, err);
  if (r < 0)
    return r;
  return rt_config_parse (text, len, bundle, ret, err);
}

void
rt_config_free (struct rt_config *cfg)
{
  if (cfg == NULL)
    return;
  free (cfg->oci_version);
  free (cfg->root_path);
  free (cfg->hostname);
  free (cfg->domainname);
  for (size_t i = 0; i < cfg->n_mounts; i++)
    {
      free (cfg->mounts[i].destination);
      free (cfg->mounts[i].type);
      free (cfg->mounts[i].source);
      free (cfg->mounts[i].data);
    }
  free (cfg->mounts);
  if (cfg->process)
    {
      rt_strv_free (cfg->process->args);
      rt_strv_free (cfg->process->env);
      free (cfg->process->cwd);
      free (cfg->process->additional_gids);
      free (cfg->process->rlimits);
      free (cfg->process);
    }
  for (int k = 0; k < RT_HOOK_KINDS; k++)
    rt_hooks_free (cfg->hooks[k], cfg->n_hooks[k]);
  for (size_t i = 0; i < cfg->n_namespaces; i++)
    free (cfg->namespaces[i].path);
  free (cfg->namespaces);
  free (cfg->uid_mappings);
  free (cfg->gid_mappings);
  for (size_t i = 0; i < cfg->n_sysctl; i++)
    {
      free (cfg->sysctl[i].key);
      free (cfg->sysctl[i].value);
    }
  free (cfg->sysctl);
  rt_strv_free (cfg->masked_paths);
  rt_strv_free (cfg->readonly_paths);
  for (size_t i = 0; i < cfg->n_devices; i++)
    free (cfg->devices[i].path);
  free (cfg->devices);
  free (cfg->cgroups_path);
  json_decref (cfg->json);
  free (cfg);
}
