/* spec.c — the OCI config of a container: image config + run request +
 * docker's defaults. */
#include "spec.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "../basic/safe-path.h"
#include "../runtime/config.h"
#include "../runtime/spec.h"
#include "defaults.h"
#include "volumes.h"
#include "../basic/json-util.h"

static void
strvp (char ***v)
{
  rt_strv_free (*v);
}
#define _cleanup_strv_ __attribute__ ((cleanup (strvp)))

int64_t
vs_parse_bytes (const char *s)
{
  char *end;
  double v;
  int64_t mult = 1;

  if (s == NULL || *s == '\0' || *s == '-')
    return -1;
  errno = 0;
  v = strtod (s, &end);
  if (errno || end == s || v < 0)
    return -1;
  switch (tolower ((unsigned char) *end))
    {
    case '\0': break;
    case 'b': mult = 1; end++; break;
    case 'k': mult = INT64_C (1) << 10; end++; break;
    case 'm': mult = INT64_C (1) << 20; end++; break;
    case 'g': mult = INT64_C (1) << 30; end++; break;
    case 't': mult = INT64_C (1) << 40; end++; break;
    default: return -1;
    }
  if (*end == 'b' || *end == 'B')
    end++;
  if (*end != '\0' || v * (double) mult > 9.0e18)
    return -1;
  return (int64_t) (v * (double) mult);
}

/* The JSON array of strings in a config.* field, or NULL. */
static json_t *
cfg_array (json_t *cc, const char *key)
{
  json_t *v = cc ? json_object_get (cc, key) : NULL;
  return json_is_array (v) ? v : NULL;
}

static const char *
cfg_string (json_t *cc, const char *key)
{
  json_t *v = cc ? json_object_get (cc, key) : NULL;
  return json_is_string (v) && json_string_value (v)[0] ? json_string_value (v) : NULL;
}

static json_t *
strv_json (char *const *v)
{
  json_t *a = json_array ();
  for (; v && *v; v++)
    json_array_append_new (a, json_string (*v));
  return a;
}

/* The text of the first copy of `rel` in the image's layers, top first
 * ("etc/passwd"), read inside each layer's folder (symlinks there cannot
 * reach the host) and only when it is a small regular file; NULL when the
 * top-most layer that has something at rel holds anything else (a
 * whiteout hides lower copies). */
static char *
layer_file (vs_engine *e, const vs_image *img, const char *rel)
{
  for (size_t i = img->n_layers; i-- > 0;)
    {
      _cleanup_free_ char *dir = vs_store_snapshot_path (e->store, img->layers[i].chain_id);
      _cleanup_close_ int dfd = dir ? open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
      char *text = NULL;
      vs_error err;
      int r;
      if (dfd < 0)
        return NULL;
      r = vs_read_file_in_root (dfd, rel, 1 << 20, &text, &err);
      if (r == 0)
        return text;
      if (r != -ENOENT)
        return NULL;
    }
  return NULL;
}

/* Look a user or group name up in the image's passwd/group file: field 3
 * (uid or gid) and, for passwd, field 4 (primary gid).  -1 when absent. */
static int
lookup_id (vs_engine *e, const vs_image *img, const char *file, const char *name, long *id, long *gid)
{
  _cleanup_free_ char *text = layer_file (e, img, file);

  if (text == NULL)
    return -1;
  for (char *line = strtok (text, "\n"); line; line = strtok (NULL, "\n"))
    {
      char *f[5] = { 0 };
      char *save = NULL, *p = line;
      size_t n = 0;
      for (char *t = strsep (&p, ":"); t && n < 5; t = strsep (&p, ":"))
        f[n++] = t;
      (void) save;
      if (n >= 3 && strcmp (f[0], name) == 0)
        {
          *id = strtol (f[2], NULL, 10);
          if (gid && n >= 4)
            *gid = strtol (f[3], NULL, 10);
          return 0;
        }
    }
  return -1;
}

static bool
all_digits (const char *s)
{
  return *s && strspn (s, "0123456789") == strlen (s);
}

/* "user", "uid", "user:group", "uid:gid" → uid/gid, as docker resolves them. */
static int
resolve_user (vs_engine *e, const vs_image *img, const char *spec, long *uid, long *gid, vs_error *err)
{
  _cleanup_free_ char *copy = strdup (spec ? spec : "");
  char *group = copy ? strchr (copy, ':') : NULL;

  *uid = 0;
  *gid = 0;
  if (copy == NULL)
    return vs_fail (err, ENOMEM, "user");
  if (group)
    *group++ = '\0';
  if (*copy == '\0')
    ;
  else if (all_digits (copy))
    {
      *uid = strtol (copy, NULL, 10);
      long pg = -1;
      char name[32];
      (void) name;
      /* the primary group of a numeric user is found by uid, else 0 */
      _cleanup_free_ char *text = layer_file (e, img, "etc/passwd");
      if (text)
        for (char *line = strtok (text, "\n"); line; line = strtok (NULL, "\n"))
          {
            char *f[4] = { 0 }, *p = line;
            size_t n = 0;
            for (char *t = strsep (&p, ":"); t && n < 4; t = strsep (&p, ":"))
              f[n++] = t;
            if (n == 4 && all_digits (f[2]) && strtol (f[2], NULL, 10) == *uid)
              {
                pg = strtol (f[3], NULL, 10);
                break;
              }
          }
      *gid = pg >= 0 ? pg : 0;
    }
  else if (lookup_id (e, img, "etc/passwd", copy, uid, gid) < 0)
    return vs_fail (err, 0, "unable to find user %s: no matching entries in passwd file", copy);
  if (group && *group)
    {
      if (all_digits (group))
        *gid = strtol (group, NULL, 10);
      else if (lookup_id (e, img, "etc/group", group, gid, NULL) < 0)
        return vs_fail (err, 0, "unable to find group %s: no matching entries in group file", group);
    }
  return 0;
}

static json_t *
bind_entry (const char *dest, const char *src, bool ro)
{
  return json_pack ("{s:s, s:s, s:s, s:[s, s, s]}", "destination", dest, "type", "bind", "source", src, "options",
                    "rbind", "rprivate", ro ? "ro" : "rw");
}

/* Drop the default mount at dest (a user mount replaces it). */
static void
drop_mount (json_t *mounts, const char *dest)
{
  for (size_t i = 0; i < json_array_size (mounts);)
    {
      const char *d = json_string_value (json_object_get (json_array_get (mounts, i), "destination"));
      if (d && strcmp (d, dest) == 0)
        json_array_remove (mounts, i);
      else
        i++;
    }
}

static int
add_user_mounts (vs_engine *e, const vs_run_req *req, json_t *mounts, vs_error *err)
{
  for (size_t i = 0; i < req->n_mounts; i++)
    {
      const vs_mount_req *m = &req->mounts[i];
      if (m->target == NULL || m->target[0] != '/')
        return vs_fail (err, 0, "invalid mount config: the destination `%s` must be an absolute path",
                        m->target ? m->target : "");
      drop_mount (mounts, m->target);
      if (strcmp (m->type, "bind") == 0)
        {
          struct stat st;
          if (m->source == NULL || m->source[0] != '/')
            return vs_fail (err, 0, "invalid mount config: bind source `%s` must be an absolute path",
                            m->source ? m->source : "");
          if (stat (m->source, &st) < 0)
            return vs_fail (err, errno, "invalid mount config: bind source path `%s`", m->source);
          json_array_append_new (mounts, bind_entry (m->target, m->source, m->readonly));
        }
      else if (strcmp (m->type, "volume") == 0)
        {
          _cleanup_free_ char *dir = NULL;
          int r;
          if (m->source == NULL || !vs_volume_name_valid (m->source))
            return vs_fail (err, 0,
                            "create %s: \"%s\" includes invalid characters for a local volume name, only "
                            "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, "
                            "use absolute path",
                            m->source ? m->source : "", m->source ? m->source : "");
          if (asprintf (&dir, "%s/volumes/%s/_data", e->root, m->source) < 0)
            return vs_fail (err, ENOMEM, "volume %s", m->source);
          r = vs_mkdir_p (dir, 0755, err);
          if (r < 0)
            return vs_wrap (err, r, "volume %s", m->source);
          if (m->anonymous)
            {
              /* the marker that lets rm -v, --rm and prune take it (and
                 only it) with the container */
              char marker[PATH_MAX];
              snprintf (marker, sizeof marker, "%s/volumes/%s/anonymous", e->root, m->source);
              if ((r = vs_write_file_at (AT_FDCWD, marker, "", 0, 0600, err)) < 0)
                return r;
            }
          json_array_append_new (mounts, bind_entry (m->target, dir, m->readonly));
        }
      else if (strcmp (m->type, "tmpfs") == 0)
        {
          json_t *o = json_array ();
          json_array_append_new (o, json_string ("nosuid"));
          json_array_append_new (o, json_string ("nodev"));
          if (m->options && *m->options)
            {
              _cleanup_free_ char *copy = strdup (m->options);
              char *save = NULL;
              for (char *t = copy ? strtok_r (copy, ",", &save) : NULL; t; t = strtok_r (NULL, ",", &save))
                json_array_append_new (o, json_string (t));
            }
          json_array_append_new (mounts, json_pack ("{s:s, s:s, s:s, s:o}", "destination", m->target, "type", "tmpfs",
                                                    "source", "tmpfs", "options", o));
        }
      else
        return vs_fail (err, 0, "invalid mount config: unknown type `%s`", m->type);
    }
  return 0;
}

static int
add_devices (const vs_run_req *req, json_t *linux_, vs_error *err)
{
  json_t *devs = json_array (), *rules = json_object_get (json_object_get (linux_, "resources"), "devices");
  for (char **d = req->devices; d && *d; d++)
    {
      _cleanup_free_ char *copy = strdup (*d);
      char *host = copy, *ctr = NULL, *perm = NULL;
      struct stat st;
      if (copy == NULL)
        {
          json_decref (devs);
          return vs_fail (err, ENOMEM, "--device");
        }
      if ((ctr = strchr (host, ':')) != NULL)
        {
          *ctr++ = '\0';
          if ((perm = strchr (ctr, ':')) != NULL)
            *perm++ = '\0';
        }
      if (stat (host, &st) < 0 || !(S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode)))
        {
          int e = errno;
          json_decref (devs);
          return vs_fail (err, e ? e : ENODEV, "--device `%s`: not a device", host);
        }
      json_array_append_new (devs, json_pack ("{s:s, s:s, s:I, s:I, s:i, s:i, s:i}", "path", ctr && *ctr ? ctr : host,
                                              "type", S_ISCHR (st.st_mode) ? "c" : "b", "major",
                                              (json_int_t) major (st.st_rdev), "minor",
                                              (json_int_t) minor (st.st_rdev), "fileMode", (int) (st.st_mode & 07777),
                                              "uid", 0, "gid", 0));
      if (json_is_array (rules))
        json_array_append_new (rules, json_pack ("{s:b, s:s, s:I, s:I, s:s}", "allow", 1, "type",
                                                 S_ISCHR (st.st_mode) ? "c" : "b", "major",
                                                 (json_int_t) major (st.st_rdev), "minor",
                                                 (json_int_t) minor (st.st_rdev), "access", perm ? perm : "rwm"));
    }
  json_object_set_new (linux_, "devices", devs);
  return 0;
}

static int
add_rlimits (const vs_run_req *req, json_t *process, vs_error *err)
{
  json_t *rl = json_array ();
  struct rlimit cur;
  bool have_nofile = false;

  for (char **u = req->ulimits; u && *u; u++)
    {
      char name[64], *eq = strchr (*u, '='), *end;
      long long soft, hard;
      if (eq == NULL || (size_t) (eq - *u) >= sizeof name - 8)
        {
          json_decref (rl);
          return vs_fail (err, 0, "--ulimit `%s`: expected NAME=SOFT[:HARD]", *u);
        }
      snprintf (name, sizeof name, "RLIMIT_%.*s", (int) (eq - *u), *u);
      for (char *c = name; *c; c++)
        *c = (char) toupper ((unsigned char) *c);
      errno = 0;
      soft = strtoll (eq + 1, &end, 10);
      hard = *end == ':' ? strtoll (end + 1, &end, 10) : soft;
      if (errno || *end != '\0' || soft < 0 || hard < soft)
        {
          json_decref (rl);
          return vs_fail (err, 0, "--ulimit `%s`: expected NAME=SOFT[:HARD] with SOFT <= HARD", *u);
        }
      have_nofile |= strcmp (name, "RLIMIT_NOFILE") == 0;
      json_array_append_new (rl, json_pack ("{s:s, s:I, s:I}", "type", name, "soft", (json_int_t) soft, "hard",
                                            (json_int_t) hard));
    }
  /* the engine's own open-file limits, as a daemon's children inherit them */
  if (!have_nofile && getrlimit (RLIMIT_NOFILE, &cur) == 0)
    json_array_append_new (rl, json_pack ("{s:s, s:I, s:I}", "type", "RLIMIT_NOFILE", "soft",
                                          (json_int_t) cur.rlim_cur, "hard", (json_int_t) cur.rlim_max));
  json_object_set_new (process, "rlimits", rl);
  return 0;
}

/* /etc/hostname, /etc/hosts and /etc/resolv.conf for the container. */
static int
write_etc (const char *ctrdir, const char *hostname, bool host_net, json_t *mounts, vs_error *err)
{
  char path[PATH_MAX];
  _cleanup_free_ char *hosts = NULL, *resolv = NULL;
  size_t len = 0;
  vs_error ignore;
  int r;

  snprintf (path, sizeof path, "%s/hostname", ctrdir);
  {
    _cleanup_free_ char *line = NULL;
    if (asprintf (&line, "%s\n", hostname) < 0)
      return vs_fail (err, ENOMEM, "hostname");
    if ((r = vs_write_file_at (AT_FDCWD, path, line, strlen (line), 0644, err)) < 0)
      return r;
  }
  json_array_append_new (mounts, bind_entry ("/etc/hostname", path, false));
  snprintf (path, sizeof path, "%s/hosts", ctrdir);
  if (host_net && vs_read_file_at (AT_FDCWD, "/etc/hosts", &hosts, &len, &ignore) == 0)
    r = vs_write_file_at (AT_FDCWD, path, hosts, len, 0644, err);
  else
    {
      free (hosts);
      hosts = NULL;
      if (asprintf (&hosts, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t%s\n",
                    hostname)
          < 0)
        return vs_fail (err, ENOMEM, "hosts");
      r = vs_write_file_at (AT_FDCWD, path, hosts, strlen (hosts), 0644, err);
    }
  if (r < 0)
    return r;
  json_array_append_new (mounts, bind_entry ("/etc/hosts", path, false));
  snprintf (path, sizeof path, "%s/resolv.conf", ctrdir);
  if (host_net && vs_read_file_at (AT_FDCWD, "/etc/resolv.conf", &resolv, &len, &ignore) == 0)
    r = vs_write_file_at (AT_FDCWD, path, resolv, len, 0644, err);
  else
    r = vs_write_file_at (AT_FDCWD, path, "", 0, 0644, err);
  if (r < 0)
    return r;
  json_array_append_new (mounts, bind_entry ("/etc/resolv.conf", path, false));
  return 0;
}

/* A profile in docker's format (as --security-opt seccomp=FILE takes)
 * becomes an OCI linux.seccomp for this container: archMap picks this
 * machine's architectures, and a rule's includes/excludes (capabilities,
 * architectures, minimum kernel) decide whether it applies, as docker
 * decides; the runtime would otherwise apply every rule to everyone. */
static bool
strv_has (char *const *v, const char *s)
{
  for (; v && *v; v++)
    if (strcasecmp (*v, s) == 0)
      return true;
  return false;
}

static bool
json_list_has (json_t *a, const char *s)
{
  size_t i;
  json_t *v;
  json_array_foreach (a, i, v)
    if (json_is_string (v) && strcasecmp (json_string_value (v), s) == 0)
      return true;
  return false;
}

static bool
kernel_at_least (const char *want)
{
  struct utsname u;
  int wa = 0, wb = 0, ha = 0, hb = 0;
  if (want == NULL || sscanf (want, "%d.%d", &wa, &wb) < 1 || uname (&u) < 0 || sscanf (u.release, "%d.%d", &ha, &hb) < 1)
    return true;
  return ha > wa || (ha == wa && hb >= wb);
}

static void
docker_profile_to_oci (json_t *prof, char *const *caps)
{
  const char *platform = vs_platform_default (), *arch = strchr (platform, '/');
  const char *native = NULL;
  arch = arch ? arch + 1 : platform;
  native = strcmp (arch, "amd64") == 0 ? "SCMP_ARCH_X86_64" : strcmp (arch, "arm64") == 0 ? "SCMP_ARCH_AARCH64" : NULL;

  json_t *map = json_object_get (prof, "archMap");
  if (json_is_array (map) && native && json_object_get (prof, "architectures") == NULL)
    {
      size_t i;
      json_t *m;
      json_array_foreach (map, i, m)
        if (strcmp (json_string_value (json_object_get (m, "architecture")) ?: "", native) == 0)
          {
            json_t *archs = json_array ();
            json_array_append_new (archs, json_string (native));
            json_array_extend (archs, json_object_get (m, "subArchitectures"));
            json_object_set_new (prof, "architectures", archs);
          }
    }
  json_object_del (prof, "archMap");
  json_t *rules = json_object_get (prof, "syscalls");
  for (size_t i = 0; json_is_array (rules) && i < json_array_size (rules);)
    {
      json_t *rule = json_array_get (rules, i), *inc = json_object_get (rule, "includes"),
             *exc = json_object_get (rule, "excludes"), *c;
      bool keep = true;
      size_t k;
      json_array_foreach (json_object_get (inc, "caps"), k, c)
        keep &= json_is_string (c) && strv_has (caps, json_string_value (c));
      if (json_array_size (json_object_get (inc, "arches")) > 0)
        keep &= json_list_has (json_object_get (inc, "arches"), arch);
      keep &= kernel_at_least (json_string_value (json_object_get (inc, "minKernel")));
      json_array_foreach (json_object_get (exc, "caps"), k, c)
        keep &= !(json_is_string (c) && strv_has (caps, json_string_value (c)));
      keep &= !json_list_has (json_object_get (exc, "arches"), arch);
      if (!keep)
        {
          json_array_remove (rules, i);
          continue;
        }
      json_object_del (rule, "includes");
      json_object_del (rule, "excludes");
      json_object_del (rule, "comment");
      if (json_is_string (json_object_get (rule, "name")) && json_object_get (rule, "names") == NULL)
        {
          json_object_set_new (rule, "names", json_pack ("[O]", json_object_get (rule, "name")));
          json_object_del (rule, "name");
        }
      i++;
    }
}

int
vs_engine_spec (vs_engine *e, const vs_run_req *req, const vs_image *img, const vs_image_config *cfg,
                const char *ctrdir, const char *id, const char *name, json_t **ret, json_t **ret_args,
                vs_error *err)
{
  _cleanup_json_ json_t *cc = NULL, *spec = NULL;
  _cleanup_strv_ char **caps = NULL;
  json_t *process, *linux_, *mounts, *args, *env, *entry;
  const char *cwd, *user;
  char hostname[72];
  long uid, gid;
  bool host_net = req->network == NULL || strcmp (req->network, "host") == 0;
  int r;

  (void) name;
  if (req->network && strcmp (req->network, "host") != 0 && strcmp (req->network, "none") != 0)
    return vs_fail (err, 0, "--network `%s`: only none and host are supported for now", req->network);
  if (cfg->container_config_json)
    cc = json_loads (cfg->container_config_json, 0, NULL);
  spec = rt_spec_default (false);
  if (spec == NULL)
    return vs_fail (err, ENOMEM, "container config");
  process = json_object_get (spec, "process");
  linux_ = json_object_get (spec, "linux");
  /* what can fail on bad input first, before anything is made (volumes) */
  if ((r = add_devices (req, linux_, err)) < 0)
    return r;
  {
    char cg[80];
    snprintf (cg, sizeof cg, VS_CGROUP_PARENT "/%s", id);
    json_object_set_new (linux_, "cgroupsPath", json_string (cg));
  }

  /* args: entrypoint + cmd, docker's rules */
  args = json_array ();
  entry = req->entrypoint_set ? strv_json (req->entrypoint) : json_incref (cfg_array (cc, "Entrypoint"));
  if (req->entrypoint_set && req->entrypoint && req->entrypoint[0] && req->entrypoint[0][0] == '\0')
    json_array_clear (entry);
  if (entry)
    json_array_extend (args, entry);
  if (req->cmd && req->cmd[0])
    {
      json_t *c = strv_json (req->cmd);
      json_array_extend (args, c);
      json_decref (c);
    }
  else if (!req->entrypoint_set && cfg_array (cc, "Cmd"))
    json_array_extend (args, cfg_array (cc, "Cmd"));
  json_decref (entry);
  if (json_array_size (args) == 0)
    {
      json_decref (args);
      return vs_fail (err, 0, "no command specified: the image has no Cmd or Entrypoint and none was given");
    }
  if (req->init)
    {
      json_array_insert_new (args, 0, json_string ("--"));
      json_array_insert_new (args, 0, json_string ("/dev/init"));
    }
  json_object_set (process, "args", args);
  *ret_args = args;

  /* env: the image's, then -e; PATH when neither has it; HOSTNAME */
  if (req->hostname)
    snprintf (hostname, sizeof hostname, "%s", req->hostname);
  else if (host_net)
    {
      if (gethostname (hostname, sizeof hostname) < 0)
        snprintf (hostname, sizeof hostname, "%.12s", id);
      hostname[sizeof hostname - 1] = '\0';
    }
  else
    snprintf (hostname, sizeof hostname, "%.12s", id);
  env = json_array ();
  {
    char buf[128];
    snprintf (buf, sizeof buf, "HOSTNAME=%s", hostname);
    json_array_append_new (env, json_string (buf));
  }
  json_t *ienv = cfg_array (cc, "Env");
  bool has_path = false;
  size_t k;
  json_t *v;
  json_array_foreach (ienv, k, v)
    if (json_is_string (v))
      {
        has_path |= strncmp (json_string_value (v), "PATH=", 5) == 0;
        json_array_append (env, v);
      }
  for (char **p = req->env; p && *p; p++)
    {
      size_t kl = strcspn (*p, "=");
      has_path |= strncmp (*p, "PATH=", 5) == 0;
      /* a later KEY=... replaces an earlier one */
      for (size_t i = 0; i < json_array_size (env);)
        {
          const char *s = json_string_value (json_array_get (env, i));
          if (strncmp (s, *p, kl) == 0 && s[kl] == '=')
            json_array_remove (env, i);
          else
            i++;
        }
      json_array_append_new (env, json_string (*p));
    }
  if (!has_path)
    json_array_insert_new (env, 0, json_string ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
  if (req->tty)
    {
      /* docker gives a terminal's process TERM=xterm unless it has a TERM */
      bool has_term = false;
      for (size_t i = 0; i < json_array_size (env); i++)
        has_term |= strncmp (json_string_value (json_array_get (env, i)), "TERM=", 5) == 0;
      if (!has_term)
        json_array_append_new (env, json_string ("TERM=xterm"));
    }
  json_object_set_new (process, "env", env);
  json_object_set_new (process, "terminal", json_boolean (req->tty));
  if (req->tty && req->console_height && req->console_width)
    json_object_set_new (process, "consoleSize", json_pack ("{s:i, s:i}", "height", (int) req->console_height,
                                                            "width", (int) req->console_width));

  cwd = req->workdir ? req->workdir : cfg_string (cc, "WorkingDir");
  if (cwd && cwd[0] != '/')
    return vs_fail (err, 0, "the working directory `%s` is not an absolute path", cwd);
  json_object_set_new (process, "cwd", json_string (cwd ? cwd : "/"));
  user = req->user ? req->user : cfg_string (cc, "User");
  r = resolve_user (e, img, user, &uid, &gid, err);
  if (r < 0)
    return r;
  json_object_set_new (process, "user", json_pack ("{s:I, s:I}", "uid", (json_int_t) uid, "gid", (json_int_t) gid));
  json_object_set_new (process, "noNewPrivileges", json_boolean (req->no_new_privs));
  if ((r = add_rlimits (req, process, err)) < 0)
    return r;

  /* capabilities */
  caps = req->privileged ? vs_all_caps () : vs_default_caps ();
  if (caps == NULL)
    return vs_fail (err, ENOMEM, "capabilities");
  if (req->privileged)
    {
      /* every capability this engine itself may hand on (docker: all of its own) */
      size_t o = 0;
      for (size_t i = 0; caps[i]; i++)
        {
          cap_value_t cv;
          if (cap_from_name (caps[i], &cv) == 0 && prctl (PR_CAPBSET_READ, cv) == 1)
            caps[o++] = caps[i];
          else
            free (caps[i]);
        }
      caps[o] = NULL;
    }
  if (!req->privileged && (r = vs_caps_apply (&caps, req->cap_add, req->cap_drop, err)) < 0)
    return r;
  json_object_set_new (process, "capabilities",
                       json_pack ("{s:o, s:o, s:o}", "bounding", strv_json (caps), "effective", strv_json (caps),
                                  "permitted", strv_json (caps)));

  /* mounts */
  mounts = vs_default_mounts (req->shm_size > 0 ? req->shm_size : VS_DEFAULT_SHM_SIZE);
  if (mounts == NULL)
    return vs_fail (err, ENOMEM, "mounts");
  json_object_set_new (spec, "mounts", mounts);
  if (req->privileged)
    for (size_t i = 0; i < json_array_size (mounts); i++)
      {
        json_t *m = json_array_get (mounts, i);
        const char *d = json_string_value (json_object_get (m, "destination"));
        json_t *o = json_object_get (m, "options");
        if (d && (strcmp (d, "/sys") == 0 || strcmp (d, "/sys/fs/cgroup") == 0) && json_is_array (o))
          for (size_t j = 0; j < json_array_size (o); j++)
            if (strcmp (json_string_value (json_array_get (o, j)) ?: "", "ro") == 0)
              json_array_set_new (o, j, json_string ("rw"));
      }
  if ((r = write_etc (ctrdir, hostname, host_net, mounts, err)) < 0)
    return r;
  if (req->init)
    {
      const char *tini = access ("/usr/bin/tini-static", X_OK) == 0 ? "/usr/bin/tini-static" : NULL;
      if (tini == NULL)
        return vs_fail (err, 0, "--init: no init program: install tini (its static build /usr/bin/tini-static)");
      json_array_append_new (mounts, json_pack ("{s:s, s:s, s:s, s:[s, s]}", "destination", "/dev/init", "type", "bind",
                                                "source", tini, "options", "bind", "ro"));
    }
  if ((r = add_user_mounts (e, req, mounts, err)) < 0)
    return r;

  json_object_set_new (spec, "hostname", json_string (hostname));
  json_object_set_new (json_object_get (spec, "root"), "readonly", json_boolean (req->read_only));

  /* namespaces: the default set, the network one only for "none" */
  if (host_net)
    {
      json_t *ns = json_object_get (linux_, "namespaces");
      for (size_t i = 0; i < json_array_size (ns); i++)
        if (strcmp (json_string_value (json_object_get (json_array_get (ns, i), "type")) ?: "", "network") == 0)
          {
            json_array_remove (ns, i);
            break;
          }
    }

  /* masked and read-only paths, seccomp: lifted by --privileged */
  if (req->privileged)
    {
      json_object_del (linux_, "maskedPaths");
      json_object_del (linux_, "readonlyPaths");
    }
  else
    {
      json_object_set_new (linux_, "maskedPaths", rt_json_strings (vs_default_masked_paths ()));
      json_object_set_new (linux_, "readonlyPaths", rt_json_strings (vs_default_readonly_paths ()));
    }
  if (req->privileged || (req->seccomp && strcmp (req->seccomp, "unconfined") == 0))
    ;
  else if (req->seccomp)
    {
      json_error_t je;
      json_t *prof = json_load_file (req->seccomp, 0, &je);
      if (!json_is_object (prof))
        {
          json_decref (prof);
          return vs_fail (err, 0, "--security-opt seccomp=%s: %s (line %d)", req->seccomp, je.text, je.line);
        }
      docker_profile_to_oci (prof, caps);
      json_object_set_new (linux_, "seccomp", prof);
    }
  else
    {
      json_t *sc = vs_default_seccomp (caps);
      if (sc == NULL)
        return vs_fail (err, ENOMEM, "seccomp profile");
      json_object_set_new (linux_, "seccomp", sc);
    }

  /* resources */
  json_t *res = json_object_get (linux_, "resources");
  if (req->privileged)
    json_object_set_new (res, "devices", json_pack ("[{s:b, s:s}]", "allow", 1, "access", "rwm"));
  if (req->memory > 0)
    {
      json_t *mem = json_pack ("{s:I}", "limit", (json_int_t) req->memory);
      if (req->memory_swap != 0)
        json_object_set_new (mem, "swap", json_integer (req->memory_swap));
      json_object_set_new (res, "memory", mem);
    }
  if (req->cpu_quota > 0 || req->cpu_shares > 0)
    {
      json_t *cpu = json_object ();
      if (req->cpu_quota > 0)
        {
          json_object_set_new (cpu, "quota", json_integer (req->cpu_quota));
          json_object_set_new (cpu, "period", json_integer (req->cpu_period > 0 ? req->cpu_period : 100000));
        }
      if (req->cpu_shares > 0)
        json_object_set_new (cpu, "shares", json_integer (req->cpu_shares));
      json_object_set_new (res, "cpu", cpu);
    }
  if (req->pids_limit != 0)
    json_object_set_new (res, "pids", json_pack ("{s:I}", "limit", (json_int_t) req->pids_limit));

  json_object_set_new (spec, "ociVersion", json_string ("1.0.2"));
  *ret = TAKE_PTR (spec);
  return 0;
}
