/* containers.c — `vessel run`, `create`, `start`, `stop`, `kill`, `rm`,
 * `ps`, `logs`, `wait`, `inspect` and `container cleanup`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../basic/cleanup.h"
#include "../../basic/fs-util.h"
#include "../../engine/engine.h"
#include "../../engine/fsops.h"
#include "../../engine/spec.h"
#include "../../image/distribution.h"
#include "../../image/reference.h"
#include "../../runtime/config.h"
#include "cli.h"
#include "format.h"

static int
engine_open (vs_cli *cli, vs_engine *e, vs_error *err)
{
  return vs_engine_open (e, cli->root, cli->runroot, false, err);
}

/* ---- run / create flags ---- */

static int
strv_push (char ***v, const char *s)
{
  size_t n = 0;
  char **nv;
  while (*v && (*v)[n])
    n++;
  nv = realloc (*v, (n + 2) * sizeof *nv);
  if (nv == NULL)
    return -ENOMEM;
  nv[n] = strdup (s);
  nv[n + 1] = NULL;
  *v = nv;
  return nv[n] ? 0 : -ENOMEM;
}

static int
add_mount (vs_run_req *r, const char *type, const char *src, const char *dst, bool ro, const char *opts)
{
  vs_mount_req *nm = realloc (r->mounts, (r->n_mounts + 1) * sizeof *nm);
  if (nm == NULL)
    return -ENOMEM;
  r->mounts = nm;
  nm[r->n_mounts++] = (vs_mount_req) {
    .type = strdup (type), .source = src ? strdup (src) : NULL, .target = dst ? strdup (dst) : NULL,
    .readonly = ro, .options = opts ? strdup (opts) : NULL,
  };
  return 0;
}

/* -v SRC:DST[:OPTS] or -v DST (an anonymous volume). */
static int
parse_volume (vs_run_req *r, const char *spec)
{
  _cleanup_free_ char *copy = strdup (spec);
  char *parts[3] = { 0 }, *p = copy;
  size_t n = 0;
  bool ro = false;

  if (copy == NULL)
    return cli_usage ("run", "out of memory");
  for (char *t = strsep (&p, ":"); t && n < 3; t = strsep (&p, ":"))
    parts[n++] = t;
  if (p != NULL || n == 0 || parts[0][0] == '\0')
    return cli_usage ("run", "-v `%s`: expected [SOURCE:]DESTINATION[:ro|rw]", spec);
  if (n == 1)
    {
      char name[65];
      unsigned char rnd[16];
      if (getentropy (rnd, sizeof rnd) < 0)
        return cli_usage ("run", "-v: no randomness");
      for (size_t i = 0; i < 16; i++)
        snprintf (name + 2 * i, 3, "%02x", rnd[i]);
      if (add_mount (r, "volume", name, parts[0], false, NULL) < 0)
        return cli_usage ("run", "out of memory");
      r->mounts[r->n_mounts - 1].anonymous = true;
      return 0;
    }
  if (n == 3)
    {
      _cleanup_free_ char *o = strdup (parts[2]);
      char *save = NULL;
      for (char *t = o ? strtok_r (o, ",", &save) : NULL; t; t = strtok_r (NULL, ",", &save))
        if (strcmp (t, "ro") == 0)
          ro = true;
        else if (strcmp (t, "rw") != 0 && strcmp (t, "z") != 0 && strcmp (t, "Z") != 0)
          return cli_usage ("run", "-v `%s`: unknown option `%s`", spec, t);
    }
  if (parts[1][0] != '/')
    return cli_usage ("run", "-v `%s`: the destination must be an absolute path", spec);
  if (parts[0][0] == '/')
    return add_mount (r, "bind", parts[0], parts[1], ro, NULL) < 0 ? cli_usage ("run", "out of memory") : 0;
  return add_mount (r, "volume", parts[0], parts[1], ro, NULL) < 0 ? cli_usage ("run", "out of memory") : 0;
}

/* --mount type=bind,source=/a,target=/b,readonly */
static int
parse_mount (vs_run_req *r, const char *spec)
{
  _cleanup_free_ char *copy = strdup (spec);
  const char *type = "volume", *src = NULL, *dst = NULL;
  _cleanup_free_ char *opts = NULL;
  bool ro = false;
  char *save = NULL;

  if (copy == NULL)
    return cli_usage ("run", "out of memory");
  for (char *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
    {
      char *v = strchr (t, '=');
      if (v)
        *v++ = '\0';
      if (strcmp (t, "type") == 0 && v)
        type = v;
      else if ((strcmp (t, "source") == 0 || strcmp (t, "src") == 0) && v)
        src = v;
      else if ((strcmp (t, "target") == 0 || strcmp (t, "destination") == 0 || strcmp (t, "dst") == 0) && v)
        dst = v;
      else if (strcmp (t, "readonly") == 0 || strcmp (t, "ro") == 0)
        ro = v == NULL || strcmp (v, "true") == 0 || strcmp (v, "1") == 0;
      else if (strcmp (t, "tmpfs-size") == 0 && v)
        {
          char *o = NULL;
          if (asprintf (&o, "%s%ssize=%s", opts ? opts : "", opts ? "," : "", v) < 0)
            return cli_usage ("run", "out of memory");
          free (opts);
          opts = o;
        }
      else if (strcmp (t, "tmpfs-mode") == 0 && v)
        {
          char *o = NULL;
          if (asprintf (&o, "%s%smode=%s", opts ? opts : "", opts ? "," : "", v) < 0)
            return cli_usage ("run", "out of memory");
          free (opts);
          opts = o;
        }
      else
        return cli_usage ("run", "--mount `%s`: unknown field `%s`", spec, t);
    }
  if (strcmp (type, "bind") != 0 && strcmp (type, "volume") != 0 && strcmp (type, "tmpfs") != 0)
    return cli_usage ("run", "--mount `%s`: type must be bind, volume or tmpfs", spec);
  if (dst == NULL)
    return cli_usage ("run", "--mount `%s`: target is required", spec);
  if (strcmp (type, "tmpfs") != 0 && src == NULL)
    return cli_usage ("run", "--mount `%s`: source is required", spec);
  return add_mount (r, type, src, dst, ro, opts) < 0 ? cli_usage ("run", "out of memory") : 0;
}

static int
parse_env_file (vs_run_req *r, const char *path)
{
  FILE *f = fopen (path, "re");
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  if (f == NULL)
    return cli_usage ("run", "--env-file `%s`: %s", path, strerror (errno));
  while ((n = getline (&line, &cap, f)) >= 0)
    {
      line[strcspn (line, "\r\n")] = '\0';
      char *s = line + strspn (line, " \t");
      if (*s == '\0' || *s == '#')
        continue;
      if (strchr (s, '=') == NULL)
        {
          const char *v = getenv (s);
          char *kv = NULL;
          if (v == NULL)
            continue;
          if (asprintf (&kv, "%s=%s", s, v) < 0 || strv_push (&r->env, kv) < 0)
            {
              free (kv);
              break;
            }
          free (kv);
        }
      else if (strv_push (&r->env, s) < 0)
        break;
    }
  free (line);
  fclose (f);
  return 0;
}

enum
{
  O_RM = 1000, O_NAME, O_ENVFILE, O_MOUNT, O_TMPFS, O_READONLY, O_ENTRYPOINT, O_INIT, O_RESTART, O_MEMSWAP,
  O_CPUS, O_PIDS, O_ULIMIT, O_CAPADD, O_CAPDROP, O_PRIV, O_SECOPT, O_DEVICE, O_SHM, O_STOPSIG, O_STOPTIME,
  O_LOGOPT, O_NET, O_PULL, O_PLATFORM, O_TLS, O_LOGDRIVER, O_DETACHKEYS,
};

static const struct option run_opts[] = {
  { "detach", no_argument, NULL, 'd' },      { "interactive", no_argument, NULL, 'i' },
  { "tty", no_argument, NULL, 't' },         { "rm", no_argument, NULL, O_RM },
  { "name", required_argument, NULL, O_NAME }, { "env", required_argument, NULL, 'e' },
  { "env-file", required_argument, NULL, O_ENVFILE }, { "workdir", required_argument, NULL, 'w' },
  { "user", required_argument, NULL, 'u' },  { "volume", required_argument, NULL, 'v' },
  { "mount", required_argument, NULL, O_MOUNT }, { "tmpfs", required_argument, NULL, O_TMPFS },
  { "read-only", no_argument, NULL, O_READONLY }, { "entrypoint", required_argument, NULL, O_ENTRYPOINT },
  { "hostname", required_argument, NULL, 'h' }, { "init", no_argument, NULL, O_INIT },
  { "restart", required_argument, NULL, O_RESTART }, { "memory", required_argument, NULL, 'm' },
  { "memory-swap", required_argument, NULL, O_MEMSWAP }, { "cpus", required_argument, NULL, O_CPUS },
  { "cpu-shares", required_argument, NULL, 'c' }, { "pids-limit", required_argument, NULL, O_PIDS },
  { "ulimit", required_argument, NULL, O_ULIMIT }, { "cap-add", required_argument, NULL, O_CAPADD },
  { "cap-drop", required_argument, NULL, O_CAPDROP }, { "privileged", no_argument, NULL, O_PRIV },
  { "security-opt", required_argument, NULL, O_SECOPT }, { "device", required_argument, NULL, O_DEVICE },
  { "shm-size", required_argument, NULL, O_SHM }, { "label", required_argument, NULL, 'l' },
  { "stop-signal", required_argument, NULL, O_STOPSIG }, { "stop-timeout", required_argument, NULL, O_STOPTIME },
  { "log-opt", required_argument, NULL, O_LOGOPT }, { "log-driver", required_argument, NULL, O_LOGDRIVER },
  { "network", required_argument, NULL, O_NET }, { "net", required_argument, NULL, O_NET },
  { "pull", required_argument, NULL, O_PULL }, { "platform", required_argument, NULL, O_PLATFORM },
  { "tls-verify", optional_argument, NULL, O_TLS }, { "detach-keys", required_argument, NULL, O_DETACHKEYS },
  { NULL, 0, NULL, 0 },
};

typedef struct run_flags
{
  bool detach, interactive, tty;
  const char *pull;        /* missing, always, never */
  const char *platform;
  int tls_verify;
  const char *detach_keys; /* NULL: ctrl-p,ctrl-q */
} run_flags;

static int
parse_bytes_flag (const char *cmd, const char *flag, const char *v, int64_t *out)
{
  int64_t b = vs_parse_bytes (v);
  if (b < 0)
    return cli_usage (cmd, "invalid %s `%s`: expected a size like 512m or 1g", flag, v);
  *out = b;
  return 0;
}

static int
parse_int_flag (const char *cmd, const char *flag, const char *v, int64_t lo, int64_t *out)
{
  char *end;
  errno = 0;
  long long x = strtoll (v, &end, 10);
  if (errno || *end || end == v || x < lo)
    return cli_usage (cmd, "invalid %s `%s`: expected an integer >= %lld", flag, v, (long long) lo);
  *out = x;
  return 0;
}

/* Parse run/create flags into req; returns 0, or an exit code. optind ends at the image. */
static int
parse_run (const char *cmd, int argc, char **argv, vs_run_req *req, run_flags *f)
{
  int opt, r = 0;
  int64_t x;

  req->stop_timeout = -1;
  f->tls_verify = -1;
  opterr = 0;
  while (r == 0 && (opt = getopt_long (argc, argv, "+die:w:u:v:h:m:c:l:t", run_opts, NULL)) != -1)
    switch (opt)
      {
      case 'd': f->detach = true; break;
      case 'i': f->interactive = true; break;
      case 't': f->tty = true; break;
      case O_RM: req->auto_remove = true; break;
      case O_NAME: free (req->name); req->name = strdup (optarg); break;
      case 'e':
        if (strchr (optarg, '=') == NULL)
          {
            const char *v = getenv (optarg);
            _cleanup_free_ char *kv = NULL;
            if (v && asprintf (&kv, "%s=%s", optarg, v) > 0)
              strv_push (&req->env, kv);
          }
        else
          strv_push (&req->env, optarg);
        break;
      case O_ENVFILE: r = parse_env_file (req, optarg); break;
      case 'w': free (req->workdir); req->workdir = strdup (optarg); break;
      case 'u': free (req->user); req->user = strdup (optarg); break;
      case 'v': r = parse_volume (req, optarg); break;
      case O_MOUNT: r = parse_mount (req, optarg); break;
      case O_TMPFS:
        {
          _cleanup_free_ char *copy = strdup (optarg);
          char *opts = copy ? strchr (copy, ':') : NULL;
          if (opts)
            *opts++ = '\0';
          if (copy == NULL || copy[0] != '/')
            r = cli_usage (cmd, "--tmpfs `%s`: expected an absolute path[:options]", optarg);
          else
            add_mount (req, "tmpfs", NULL, copy, false, opts);
          break;
        }
      case O_READONLY: req->read_only = true; break;
      case O_ENTRYPOINT:
        rt_strv_free (req->entrypoint);
        req->entrypoint = NULL;
        strv_push (&req->entrypoint, optarg);
        req->entrypoint_set = true;
        break;
      case 'h': free (req->hostname); req->hostname = strdup (optarg); break;
      case O_INIT: req->init = true; break;
      case O_RESTART:
        if (strcmp (optarg, "no") != 0 && strcmp (optarg, "always") != 0 && strcmp (optarg, "unless-stopped") != 0
            && strncmp (optarg, "on-failure", 10) != 0)
          r = cli_usage (cmd, "invalid restart policy `%s`: no, always, unless-stopped or on-failure[:N]", optarg);
        else if (strncmp (optarg, "on-failure", 10) == 0 && optarg[10] != '\0'
                 && (optarg[10] != ':' || parse_int_flag (cmd, "--restart", optarg + 11, 0, &x) != 0))
          r = EXIT_ENGINE;
        else
          {
            free (req->restart);
            req->restart = strdup (optarg);
          }
        break;
      case 'm': r = parse_bytes_flag (cmd, "--memory", optarg, &req->memory); break;
      case O_MEMSWAP:
        if (strcmp (optarg, "-1") == 0)
          req->memory_swap = -1;
        else
          r = parse_bytes_flag (cmd, "--memory-swap", optarg, &req->memory_swap);
        break;
      case O_CPUS:
        {
          char *end;
          double c = strtod (optarg, &end);
          if (*end || end == optarg || c <= 0 || c > 4096)
            r = cli_usage (cmd, "invalid --cpus `%s`: expected a positive number", optarg);
          req->cpu_quota = (int64_t) (c * 100000);
          req->cpu_period = 100000;
          break;
        }
      case 'c': r = parse_int_flag (cmd, "--cpu-shares", optarg, 2, &req->cpu_shares); break;
      case O_PIDS: r = parse_int_flag (cmd, "--pids-limit", optarg, -1, &req->pids_limit); break;
      case O_ULIMIT: strv_push (&req->ulimits, optarg); break;
      case O_CAPADD: strv_push (&req->cap_add, optarg); break;
      case O_CAPDROP: strv_push (&req->cap_drop, optarg); break;
      case O_PRIV: req->privileged = true; break;
      case O_SECOPT:
        if (strncmp (optarg, "seccomp=", 8) == 0 || strncmp (optarg, "seccomp:", 8) == 0)
          {
            free (req->seccomp);
            req->seccomp = strdup (optarg + 8);
          }
        else if (strcmp (optarg, "no-new-privileges") == 0 || strcmp (optarg, "no-new-privileges:true") == 0
                 || strcmp (optarg, "no-new-privileges=true") == 0)
          req->no_new_privs = true;
        else if (strcmp (optarg, "no-new-privileges:false") == 0 || strcmp (optarg, "no-new-privileges=false") == 0)
          req->no_new_privs = false;
        else
          r = cli_usage (cmd, "--security-opt `%s`: supported are seccomp=PROFILE|unconfined and no-new-privileges",
                         optarg);
        break;
      case O_DEVICE: strv_push (&req->devices, optarg); break;
      case O_SHM: r = parse_bytes_flag (cmd, "--shm-size", optarg, &req->shm_size); break;
      case 'l': strv_push (&req->labels, optarg); break;
      case O_STOPSIG: free (req->stop_signal); req->stop_signal = strdup (optarg); break;
      case O_STOPTIME:
        r = parse_int_flag (cmd, "--stop-timeout", optarg, 0, &x);
        req->stop_timeout = (int) x;
        break;
      case O_LOGOPT:
        if (strncmp (optarg, "max-size=", 9) == 0)
          r = parse_bytes_flag (cmd, "--log-opt max-size", optarg + 9, &req->log_max_size);
        else if (strncmp (optarg, "max-file=", 9) == 0)
          {
            r = parse_int_flag (cmd, "--log-opt max-file", optarg + 9, 1, &x);
            req->log_max_file = (int) x;
          }
        else
          r = cli_usage (cmd, "--log-opt `%s`: supported are max-size and max-file", optarg);
        break;
      case O_LOGDRIVER:
        if (strcmp (optarg, "json-file") != 0)
          r = cli_usage (cmd, "--log-driver `%s`: only json-file is supported", optarg);
        break;
      case O_NET:
        if (strcmp (optarg, "none") != 0 && strcmp (optarg, "host") != 0)
          r = cli_usage (cmd, "--network `%s`: only none and host are supported for now", optarg);
        free (req->network);
        req->network = strdup (optarg);
        break;
      case O_PULL:
        if (strcmp (optarg, "missing") != 0 && strcmp (optarg, "always") != 0 && strcmp (optarg, "never") != 0)
          r = cli_usage (cmd, "--pull `%s`: missing, always or never", optarg);
        f->pull = optarg;
        break;
      case O_PLATFORM: f->platform = optarg; break;
      case O_TLS:
        if ((f->tls_verify = cli_parse_bool (optarg)) < 0)
          r = cli_usage (cmd, "--tls-verify `%s`: expected true or false", optarg);
        break;
      case O_DETACHKEYS:
        {
          char keys[CLI_DETACH_KEYS_MAX];
          size_t nk;
          if (cli_parse_detach_keys (optarg, keys, &nk) < 0)
            r = cli_usage (cmd, "--detach-keys `%s`: expected keys like ctrl-p,ctrl-q", optarg);
          f->detach_keys = optarg;
          break;
        }
      default:
        r = cli_usage (cmd, "unknown flag `%s` (see vessel %s --help)", argv[optind - 1], cmd);
      }
  if (r != 0)
    return r;
  req->tty = f->tty;
  req->open_stdin = f->interactive;
  if (f->tty)
    cli_terminal_size (&req->console_height, &req->console_width);
  if (f->detach && req->auto_remove && req->restart && strcmp (req->restart, "no") != 0)
    return cli_usage (cmd, "--restart and --rm cannot be used together");
  if (optind >= argc)
    return cli_usage (cmd, "requires at least 1 argument: IMAGE [COMMAND] [ARG...]");
  req->image = strdup (argv[optind]);
  for (int i = optind + 1; i < argc; i++)
    strv_push (&req->cmd, argv[i]);
  return 0;
}

/* Pull an image for run/create (docker prints this on stderr). */
static int
pull_for_run (vs_cli *cli, const char *image, const run_flags *f, vs_error *err)
{
  vs_store *s = NULL;
  vs_ref ref = { 0 };
  _cleanup_free_ char *fam = NULL;
  char id[72];
  int r = vs_ref_parse (image, &ref, err);
  if (r < 0)
    return r;
  {
    _cleanup_free_ char *name = vs_ref_name (&ref);
    fam = name ? vs_ref_familiar (name) : NULL;
  }
  fprintf (stderr, "Unable to find image '%s' locally\n", fam ? fam : image);
  vs_transfer_opts o = { .platform = f->platform };
  o.registry.tls_verify = cli_tls_verify (ref.registry, f->tls_verify);
  vs_ref_free (&ref);
  r = vs_store_open (cli->root, true, &s, err);
  if (r == 0)
    r = vs_image_pull (s, image, &o, id, err);
  vs_store_close (s);
  return r;
}

/* Create, pulling the image first when it is missing (docker's --pull
 * missing).  On success the engine e is left open for the caller.  With
 * to_start, the caller starts it next with e (its monitor starts meanwhile). */
static int
create_from_flags (vs_cli *cli, vs_engine *e, vs_run_req *req, const run_flags *f, bool to_start, char id[65],
                   vs_error *err)
{
  int (*create) (vs_engine *, const vs_run_req *, char[65], vs_error *)
      = to_start ? vs_container_create_to_start : vs_container_create;
  int r;

  if (f->pull && strcmp (f->pull, "always") == 0 && (r = pull_for_run (cli, req->image, f, err)) < 0)
    return r;
  /* run -d: the monitor starts first, while the engine opens */
  r = to_start ? vs_engine_open_to_run (e, cli->root, cli->runroot, req, err) : engine_open (cli, e, err);
  if (r < 0)
    return r;
  r = create (e, req, id, err);
  if (r == -ENOENT && strncmp (err->msg, "no such image", 13) == 0 && !(f->pull && strcmp (f->pull, "never") == 0))
    {
      vs_engine_close (e); /* the pull takes the store for itself */
      r = pull_for_run (cli, req->image, f, err);
      if (r < 0)
        return r;
      r = engine_open (cli, e, err);
      if (r < 0)
        return r;
      r = create (e, req, id, err);
    }
  if (r < 0)
    vs_engine_close (e);
  return r;
}

int
cmd_create (vs_cli *cli, int argc, char **argv)
{
  vs_run_req req = { 0 };
  run_flags f = { 0 };
  vs_error err = { 0 };
  vs_engine e;
  char id[65];
  int r = parse_run ("create", argc, argv, &req, &f);

  if (r == 0)
    {
      r = create_from_flags (cli, &e, &req, &f, false, id, &err);
      if (r < 0)
        r = cli_error (&err);
      else
        {
          vs_engine_close (&e);
          printf ("%s\n", id);
        }
    }
  vs_run_req_free (&req);
  return r;
}

/* ---- logs ---- */

typedef struct log_opts
{
  bool follow, timestamps;
  long tail;            /* -1: all */
  int64_t since, until; /* epoch ns, 0: none */
} log_opts;

static int64_t
parse_time_ns (const char *s)
{
  struct tm tm = { 0 };
  char *end;
  long long secs;
  long ns = 0;

  /* RFC 3339 (the json-file's own stamps) */
  end = strptime (s, "%Y-%m-%dT%H:%M:%S", &tm);
  if (end)
    {
      if (*end == '.')
        {
          char frac[10] = "000000000";
          size_t i = 0;
          for (end++; *end >= '0' && *end <= '9'; end++)
            if (i < 9)
              frac[i++] = *end;
          ns = strtol (frac, NULL, 10);
        }
      return (int64_t) timegm (&tm) * 1000000000 + ns;
    }
  /* durations: 10s, 5m, 2h; or a unix timestamp */
  secs = strtoll (s, &end, 10);
  if (end == s)
    return -1;
  if (*end == '\0')
    return secs * 1000000000LL;
  int64_t mult = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : -1;
  if (mult < 0 || end[1] != '\0')
    return -1;
  return ((int64_t) time (NULL) - secs * mult) * 1000000000LL;
}

/* Print the entries of one json-file from offset; returns the new offset. */
static off_t
print_log (const char *path, off_t from, const log_opts *o, long skip)
{
  FILE *f = fopen (path, "re");
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  off_t pos = from;
  long count = 0;

  if (f == NULL)
    return from;
  if (fseeko (f, from, SEEK_SET) < 0)
    {
      fclose (f);
      return from;
    }
  while ((n = getline (&line, &cap, f)) > 0)
    {
      if (line[n - 1] != '\n')
        break; /* a half-written entry: next time */
      pos += n;
      if (count++ < skip)
        continue;
      json_t *j = json_loadb (line, (size_t) n, 0, NULL);
      const char *log = json_string_value (json_object_get (j, "log"));
      const char *stream = json_string_value (json_object_get (j, "stream"));
      const char *t = json_string_value (json_object_get (j, "time"));
      int64_t when = t ? parse_time_ns (t) : 0;
      if (log && (o->since == 0 || when >= o->since) && (o->until == 0 || when <= o->until))
        {
          FILE *out = stream && strcmp (stream, "stderr") == 0 ? stderr : stdout;
          if (o->timestamps && t)
            fprintf (out, "%s ", t);
          fputs (log, out);
          fflush (out);
        }
      json_decref (j);
    }
  free (line);
  fclose (f);
  return pos;
}

static long
count_lines (const char *path)
{
  FILE *f = fopen (path, "re");
  long n = 0;
  int c;
  if (f == NULL)
    return 0;
  while ((c = getc_unlocked (f)) != EOF)
    n += c == '\n';
  fclose (f);
  return n;
}

/* Print a container's log (rotated files first); with follow, keep going
 * until the container's monitor is gone. */
static int
show_logs (vs_cli *cli, const char *id, const log_opts *o, vs_error *err)
{
  vs_engine e;
  _cleanup_free_ char *path = NULL;
  off_t pos = 0;
  struct stat st;
  ino_t ino = 0;
  long total = 0, skip = 0;
  int r;

  int mpid = -1, pidfd = -1;
  r = engine_open (cli, &e, err);
  if (r < 0)
    return r;
  path = vs_container_log_path (&e, id);
  if (o->follow)
    mpid = vs_container_monitor_pid (&e, id, NULL);
  vs_engine_close (&e);
  if (path == NULL)
    return vs_fail (err, ENOMEM, "logs");
  /* rotated files: FILE.N ... FILE.1, oldest first */
  char older[PATH_MAX];
  int maxn = 0;
  for (int i = 1; i < 100; i++)
    {
      snprintf (older, sizeof older, "%s.%d", path, i);
      if (access (older, F_OK) < 0)
        break;
      maxn = i;
    }
  if (o->tail >= 0)
    {
      for (int i = maxn; i >= 1; i--)
        {
          snprintf (older, sizeof older, "%s.%d", path, i);
          total += count_lines (older);
        }
      total += count_lines (path);
    }
  skip = o->tail >= 0 && total > o->tail ? total - o->tail : 0;
  for (int i = maxn; i >= 1; i--)
    {
      long here;
      snprintf (older, sizeof older, "%s.%d", path, i);
      here = o->tail >= 0 ? count_lines (older) : 0;
      print_log (older, 0, o, skip);
      skip = skip > here ? skip - here : 0;
    }
  if (stat (path, &st) == 0)
    ino = st.st_ino;
  pos = print_log (path, 0, o, skip);
  if (!o->follow)
    return 0;
  /* follow while the monitor lives: its pid once, then cheap checks (a
     pidfd, so a reused pid cannot fool us), the file only when it grew */
  if (mpid > 0)
    pidfd = (int) syscall (SYS_pidfd_open, mpid, 0);
  for (int delay = 1000;; delay = delay < 20000 ? delay * 2 : 20000)
    {
      bool alive = pidfd >= 0;
      if (pidfd >= 0)
        {
          struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
          alive = poll (&pfd, 1, 0) == 0;
        }
      if (stat (path, &st) == 0 && (st.st_ino != ino || st.st_size < pos))
        {
          ino = st.st_ino; /* rotated: the new file from its start */
          pos = 0;
        }
      if (stat (path, &st) == 0 && st.st_size > pos)
        {
          pos = print_log (path, pos, o, 0);
          delay = 1000;
        }
      if (!alive)
        break;
      if (pidfd >= 0)
        {
          /* sleep until the monitor ends or the next look at the file */
          struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
          poll (&pfd, 1, delay / 1000);
        }
      else
        usleep ((useconds_t) delay);
    }
  pos = print_log (path, pos, o, 0);
  if (pidfd >= 0)
    close (pidfd);
  return 0;
}

/* Find a container, or a removed one whose log is kept: its id. */
static int
log_target (vs_cli *cli, const char *what, char id[65], vs_error *err)
{
  vs_engine e;
  vs_container c;
  int r = engine_open (cli, &e, err);
  if (r < 0)
    return r;
  r = vs_container_get (&e, what, &c, err);
  if (r == 0)
    {
      snprintf (id, 65, "%s", c.id);
      vs_container_free (&c);
    }
  else if (r == -ENOENT && vs_container_log_find (&e, what, id) == 0)
    r = 0;
  vs_engine_close (&e);
  return r;
}

/* `logs --prune`: forget the logs of removed containers. */
static int
prune_logs (vs_cli *cli, vs_error *err)
{
  vs_engine e;
  size_t n = 0;
  int r = engine_open (cli, &e, err);
  if (r < 0)
    return r;
  r = vs_container_logs_prune (&e, &n, err);
  vs_engine_close (&e);
  if (r == 0)
    printf ("Removed the logs of %zu removed containers\n", n);
  return r;
}

int
cmd_logs (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "follow", no_argument, NULL, 'f' },     { "timestamps", no_argument, NULL, 't' },
    { "tail", required_argument, NULL, 'n' }, { "since", required_argument, NULL, 'S' },
    { "until", required_argument, NULL, 'U' }, { "prune", no_argument, NULL, 'P' },
    { NULL, 0, NULL, 0 },
  };
  log_opts o = { .tail = -1 };
  bool prune = false;
  vs_error err = { 0 };
  char id[65];
  int opt, r;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+ftn:", opts, NULL)) != -1)
    switch (opt)
      {
      case 'f': o.follow = true; break;
      case 't': o.timestamps = true; break;
      case 'n':
        if (strcmp (optarg, "all") == 0)
          o.tail = -1;
        else
          {
            char *end;
            o.tail = strtol (optarg, &end, 10);
            if (*end || end == optarg || o.tail < 0)
              return cli_usage ("logs", "--tail `%s`: expected a number or all", optarg);
          }
        break;
      case 'S':
        if ((o.since = parse_time_ns (optarg)) < 0)
          return cli_usage ("logs", "--since `%s`: expected a timestamp or a duration like 10m", optarg);
        break;
      case 'U':
        if ((o.until = parse_time_ns (optarg)) < 0)
          return cli_usage ("logs", "--until `%s`: expected a timestamp or a duration like 10m", optarg);
        break;
      case 'P': prune = true; break;
      default: return cli_usage ("logs", "unknown flag `%s`", argv[optind - 1]);
      }
  if (prune)
    return prune_logs (cli, &err) < 0 ? cli_error (&err) : 0;
  if (argc - optind != 1)
    return cli_usage ("logs", "expected exactly one CONTAINER");
  r = log_target (cli, argv[optind], id, &err);
  if (r < 0)
    return cli_error (&err);
  r = show_logs (cli, id, &o, &err);
  return r < 0 ? cli_error (&err) : 0;
}

/* ---- run / start ---- */

/* The monitor of an attached container is done: its exit code, and the
 * cleanup it left to us. */
static int
collect_exit (vs_cli *cli, const char *id)
{
  vs_error err = { 0 };
  vs_engine e;
  vs_container c;
  int code = 0;

  cli_sig_proxy_stop ();
  if (engine_open (cli, &e, &err) < 0)
    return cli_error (&err);
  if (vs_container_get (&e, id, &c, &err) == 0)
    {
      code = c.exit_code;
      vs_container_free (&c);
      /* the monitor left the cleanup to us (we are attached): unmount, and
         remove with --rm */
      if (vs_container_cleanup (&e, id, &err) < 0)
        fprintf (stderr, "Error: %s\n", err.msg);
      vs_container_unmark_attached (&e, id);
    }
  else if (vs_container_removed_exit (&e, id, &code) < 0)
    code = 125;
  vs_engine_close (&e);
  return code;
}

/* Follow a started container's output until its monitor is done; its exit code. */
static int
attach_until_exit (vs_cli *cli, const char *id)
{
  log_opts o = { .follow = true, .tail = -1 };
  vs_error err = { 0 };

  if (show_logs (cli, id, &o, &err) < 0)
    return cli_error (&err);
  return collect_exit (cli, id);
}

/* A container in our foreground without a terminal: signals sent to us
 * go to it (docker's --sig-proxy, on by default). */
static void
proxy_signals_to (vs_engine *e, const char *id)
{
  /* the monitor records both before it reports the start */
  int init = 0, monitor = vs_container_monitor_pid (e, id, &init);
  if (init > 0)
    cli_sig_proxy_start (init, monitor);
}

/* Until the container's monitor (and its exit command) is gone. */
static void
wait_monitor_gone (vs_cli *cli, const char *id)
{
  vs_error err = { 0 };
  vs_engine e;
  int pid, pidfd;

  if (engine_open (cli, &e, &err) < 0)
    return;
  pid = vs_container_monitor_pid (&e, id, NULL);
  vs_engine_close (&e);
  if (pid <= 0)
    return;
  pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pidfd >= 0)
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      while (poll (&p, 1, -1) < 0 && errno == EINTR)
        ;
      close (pidfd);
      return;
    }
  while (kill (pid, 0) == 0)
    usleep (10000);
}

/* Detached from a container we ran in the foreground: it runs on, and the
 * monitor's exit command cleans up after it. */
static int
detach_owner (vs_cli *cli, const char *id)
{
  vs_error err = { 0 };
  vs_engine e;

  if (engine_open (cli, &e, &err) < 0)
    return cli_error (&err);
  vs_container_unmark_attached (&e, id);
  /* it ended while we were still marked: the cleanup is ours */
  if (vs_container_monitor_pid (&e, id, NULL) < 0 && vs_container_cleanup (&e, id, &err) < 0)
    fprintf (stderr, "Error: %s\n", err.msg);
  vs_engine_close (&e);
  return 0;
}

static int
detach_keys_of (const char *spec, cli_attach_opts *ao)
{
  if (cli_parse_detach_keys (spec ? spec : "ctrl-p,ctrl-q", ao->detach_keys, &ao->n_detach_keys) < 0)
    return cli_usage ("attach", "--detach-keys `%s`: expected keys like ctrl-p,ctrl-q", spec);
  return 0;
}

/* run -i/-t, start -a on a container with a terminal or an open stdin:
 * start it with one end of a socketpair as the monitor's first attach
 * client (so not a byte is missed), relay, and return its exit code (0
 * when detached by the keys).  The container marked "attached": we clean
 * up after it, as attach_until_exit. */
static int
start_attached (vs_cli *cli, const char *id, bool tty, bool interactive, const char *detach_keys, bool is_run)
{
  cli_attach_opts ao = { .tty = tty, .send_stdin = interactive, .close_stdin = interactive, .pidfd = -1 };
  vs_error err = { 0 };
  vs_engine e;
  int sv[2], code = EXIT_ENGINE, r;

  if ((r = detach_keys_of (detach_keys, &ao)) != 0)
    return r;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    {
      vs_fail (&err, errno, "start container %s: attach socket", id);
      return cli_error (&err);
    }
  r = engine_open (cli, &e, &err);
  if (r == 0)
    {
      r = vs_container_mark_attached (&e, id, &err);
      if (r == 0)
        r = vs_container_start_attached (&e, id, sv[1], &code, &err);
      if (r == 0 && !tty)
        proxy_signals_to (&e, id);
      if (r < 0 && is_run && code != 125)
        {
          vs_error ignore;
          vs_container_cleanup (&e, id, &ignore);
        }
      else if (r < 0)
        vs_container_unmark_attached (&e, id);
      vs_engine_close (&e);
    }
  close (sv[1]);
  if (r < 0)
    {
      close (sv[0]);
      fprintf (stderr, "Error: %s\n", err.msg);
      return code ? code : EXIT_ENGINE;
    }
  r = cli_attach_relay (sv[0], &ao);
  close (sv[0]);
  if (r == 1)
    return detach_owner (cli, id);
  wait_monitor_gone (cli, id);
  return collect_exit (cli, id);
}

int
cmd_attach (vs_cli *cli, int argc, char **argv)
{
  enum { A_DETACHKEYS = 1000, A_NOSTDIN, A_SIGPROXY };
  static const struct option opts[] = {
    { "detach-keys", required_argument, NULL, A_DETACHKEYS },
    { "no-stdin", no_argument, NULL, A_NOSTDIN },
    { "sig-proxy", optional_argument, NULL, A_SIGPROXY },
    { NULL, 0, NULL, 0 },
  };
  cli_attach_opts ao = { .pidfd = -1 };
  const char *keys = NULL;
  bool no_stdin = false, tty = false, open_stdin = false;
  _cleanup_free_ char *dir = NULL;
  vs_error err = { 0 };
  vs_engine e;
  vs_container c;
  char id[65];
  int opt, r, fd;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+h", opts, NULL)) != -1)
    switch (opt)
      {
      case A_DETACHKEYS: keys = optarg; break;
      case A_NOSTDIN: no_stdin = true; break;
      case A_SIGPROXY: break;
      case 'h':
        printf ("usage: vessel attach [--detach-keys KEYS] [--no-stdin] CONTAINER\n\n"
                "Attach our terminal to a running container's input and output\n"
                "(detach with ctrl-p ctrl-q).\n");
        return 0;
      default: return cli_usage ("attach", "unknown flag `%s`", argv[optind - 1]);
      }
  if (argc - optind != 1)
    return cli_usage ("attach", "expected exactly one CONTAINER");
  if ((r = detach_keys_of (keys, &ao)) != 0)
    return r;
  if (engine_open (cli, &e, &err) < 0)
    return cli_error (&err);
  if (vs_container_get (&e, argv[optind], &c, &err) < 0)
    {
      vs_engine_close (&e);
      return cli_error (&err);
    }
  snprintf (id, sizeof id, "%s", c.id);
  vs_container_stdio_flags (&c, &tty, &open_stdin);
  r = strcmp (c.status, "running") == 0 || strcmp (c.status, "restarting") == 0 || strcmp (c.status, "paused") == 0;
  vs_container_free (&c);
  dir = vs_container_path (&e, id, NULL);
  vs_engine_close (&e);
  if (!r)
    {
      fprintf (stderr, "Error: You cannot attach to a stopped container, start it first\n");
      return EXIT_ENGINE;
    }
  if (!tty && !open_stdin)
    {
      /* no attach socket: its output from now on, from the log */
      log_opts o = { .follow = true, .tail = 0 };
      if (show_logs (cli, id, &o, &err) < 0)
        return cli_error (&err);
    }
  else
    {
      fd = dir ? cli_attach_connect (dir) : -ENOMEM;
      if (fd < 0)
        {
          vs_fail (&err, -fd, "attach to container %s: connect to its monitor", argv[optind]);
          return cli_error (&err);
        }
      ao.tty = tty;
      ao.send_stdin = open_stdin && !no_stdin;
      r = cli_attach_relay (fd, &ao);
      close (fd);
      if (r == 1)
        return 0;
      wait_monitor_gone (cli, id);
    }
  if (engine_open (cli, &e, &err) < 0)
    return cli_error (&err);
  int code = 0;
  if (vs_container_get (&e, id, &c, &err) == 0)
    {
      code = c.exit_code;
      vs_container_free (&c);
    }
  else if (vs_container_removed_exit (&e, id, &code) < 0)
    code = 0;
  vs_engine_close (&e);
  return code;
}

int
cmd_run (vs_cli *cli, int argc, char **argv)
{
  vs_run_req req = { 0 };
  run_flags f = { 0 };
  vs_error err = { 0 };
  vs_engine e;
  char id[65];
  int code = EXIT_ENGINE, r = parse_run ("run", argc, argv, &req, &f);

  if (r != 0)
    {
      vs_run_req_free (&req);
      return r;
    }
  if (f.tty && f.interactive && !f.detach && !isatty (STDIN_FILENO))
    {
      vs_run_req_free (&req);
      fprintf (stderr, "the input device is not a TTY\n");
      return 1;
    }
  /* started with its creation (its monitor first), unless a terminal or
     stdin is to be attached from the start */
  bool to_start = f.detach || !(f.interactive || f.tty);
  req.attached = !f.detach;
  r = create_from_flags (cli, &e, &req, &f, to_start, id, &err);
  vs_run_req_free (&req);
  if (r < 0)
    return cli_error (&err);
  if (!to_start)
    {
      vs_engine_close (&e);
      return start_attached (cli, id, f.tty, f.interactive, f.detach_keys, true);
    }
  r = vs_container_start (&e, id, &code, &err);
  if (r < 0 && code != 125)
    {
      /* docker leaves such a container behind (Created); --rm removes it */
      vs_error ignore;
      vs_container_cleanup (&e, id, &ignore);
    }
  if (r == 0 && !f.detach)
    proxy_signals_to (&e, id);
  vs_engine_close (&e);
  if (r < 0)
    {
      fprintf (stderr, "Error: %s\n", err.msg);
      return code;
    }
  if (f.detach)
    {
      printf ("%s\n", id);
      return 0;
    }
  return attach_until_exit (cli, id);
}

int
cmd_start (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "attach", no_argument, NULL, 'a' },
    { "interactive", no_argument, NULL, 'i' },
    { "detach-keys", required_argument, NULL, 'K' },
    { NULL, 0, NULL, 0 },
  };
  bool attach = false, interactive = false;
  const char *keys = NULL;
  vs_error err = { 0 };
  int opt, rc = 0;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+ai", opts, NULL)) != -1)
    switch (opt)
      {
      case 'a': attach = true; break;
      case 'i': interactive = true; break;
      case 'K': keys = optarg; break;
      default: return cli_usage ("start", "unknown flag `%s`", argv[optind - 1]);
      }
  if (argc - optind < 1)
    return cli_usage ("start", "expected at least one CONTAINER");
  for (int i = optind; i < argc; i++)
    {
      vs_engine e;
      vs_container c;
      int code = 0, r = engine_open (cli, &e, &err);
      char id[65] = "";
      bool tty = false, open_stdin = false;
      if (r == 0 && (r = vs_container_get (&e, argv[i], &c, &err)) == 0)
        {
          snprintf (id, sizeof id, "%s", c.id);
          bool running = strcmp (c.status, "running") == 0;
          vs_container_stdio_flags (&c, &tty, &open_stdin);
          vs_container_free (&c);
          if (attach && running && (tty || open_stdin))
            {
              /* docker: start -a on a running container attaches */
              char *av[] = { (char *) "attach", id, NULL };
              vs_engine_close (&e);
              optind = 0;
              return cmd_attach (cli, 2, av);
            }
          if (attach && (tty || (interactive && open_stdin)))
            {
              /* the container's terminal or stdin: through its monitor */
              vs_engine_close (&e);
              return start_attached (cli, id, tty, interactive && open_stdin, keys, false);
            }
          if (attach)
            r = vs_container_mark_attached (&e, id, &err);
          if (r == 0)
            r = vs_container_start (&e, id, &code, &err);
        }
      if (r == 0)
        vs_engine_close (&e);
      else if (e.store)
        vs_engine_close (&e);
      if (r < 0)
        {
          fprintf (stderr, "Error: %s\n", err.msg);
          rc = code ? code : EXIT_ENGINE;
          continue;
        }
      if (attach)
        return attach_until_exit (cli, id);
      printf ("%s\n", argv[i]);
    }
  return rc;
}

/* ---- stop, kill, rm, wait, cleanup ---- */

typedef int (*each_fn) (vs_engine *e, const char *what, void *user, vs_error *err);

static int
for_each (vs_cli *cli, int first, int argc, char **argv, each_fn fn, void *user, bool echo)
{
  int rc = 0;
  for (int i = first; i < argc; i++)
    {
      vs_engine e;
      vs_error err = { 0 };
      int r = engine_open (cli, &e, &err);
      if (r == 0)
        {
          r = fn (&e, argv[i], user, &err);
          vs_engine_close (&e);
        }
      if (r < 0)
        rc = cli_error (&err);
      else if (echo)
        printf ("%s\n", argv[i]);
    }
  return rc;
}

static int
do_stop (vs_engine *e, const char *what, void *user, vs_error *err)
{
  return vs_container_stop (e, what, *(int *) user, err);
}

int
cmd_stop (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "time", required_argument, NULL, 't' }, { NULL, 0, NULL, 0 } };
  int timeout = -1, opt;
  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+t:", opts, NULL)) != -1)
    {
      char *end;
      if (opt != 't')
        return cli_usage ("stop", "unknown flag `%s`", argv[optind - 1]);
      timeout = (int) strtol (optarg, &end, 10);
      if (*end || end == optarg || timeout < 0)
        return cli_usage ("stop", "--time `%s`: expected seconds", optarg);
    }
  if (argc - optind < 1)
    return cli_usage ("stop", "expected at least one CONTAINER");
  return for_each (cli, optind, argc, argv, do_stop, &timeout, true);
}

static int
do_restart (vs_engine *e, const char *what, void *user, vs_error *err)
{
  int code, r = vs_container_stop (e, what, *(int *) user, err);
  if (r == 0)
    r = vs_container_start (e, what, &code, err); /* it waits for the old run's monitor */
  return r;
}

int
cmd_restart (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "time", required_argument, NULL, 't' }, { NULL, 0, NULL, 0 } };
  int timeout = -1, opt;
  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+t:", opts, NULL)) != -1)
    {
      if (opt != 't')
        return cli_usage ("restart", "unknown flag `%s`", argv[optind - 1]);
      timeout = atoi (optarg);
    }
  if (argc - optind < 1)
    return cli_usage ("restart", "expected at least one CONTAINER");
  return for_each (cli, optind, argc, argv, do_restart, &timeout, true);
}

static int
do_kill (vs_engine *e, const char *what, void *user, vs_error *err)
{
  return vs_container_kill (e, what, user, err);
}

int
cmd_kill (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "signal", required_argument, NULL, 's' }, { NULL, 0, NULL, 0 } };
  const char *sig = "KILL";
  int opt;
  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+s:", opts, NULL)) != -1)
    {
      if (opt != 's')
        return cli_usage ("kill", "unknown flag `%s`", argv[optind - 1]);
      sig = optarg;
    }
  if (argc - optind < 1)
    return cli_usage ("kill", "expected at least one CONTAINER");
  return for_each (cli, optind, argc, argv, do_kill, (void *) sig, true);
}

struct rm_opts
{
  bool force, volumes;
};

static int
do_rm (vs_engine *e, const char *what, void *user, vs_error *err)
{
  struct rm_opts *o = user;
  return vs_container_remove (e, what, o->force, o->volumes, err);
}

int
cmd_rm (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { "volumes", no_argument, NULL, 'v' },
    { NULL, 0, NULL, 0 },
  };
  struct rm_opts o = { 0 };
  int opt;
  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+fv", opts, NULL)) != -1)
    switch (opt)
      {
      case 'f': o.force = true; break;
      case 'v': o.volumes = true; break;
      default: return cli_usage ("rm", "unknown flag `%s`", argv[optind - 1]);
      }
  if (argc - optind < 1)
    return cli_usage ("rm", "expected at least one CONTAINER");
  return for_each (cli, optind, argc, argv, do_rm, &o, true);
}

static int
do_wait (vs_engine *e, const char *what, void *user, vs_error *err)
{
  int code, r;
  (void) user;
  r = vs_container_wait (e, what, &code, err);
  if (r == 0)
    printf ("%d\n", code);
  return r;
}

int
cmd_wait (vs_cli *cli, int argc, char **argv)
{
  if (argc < 2)
    return cli_usage ("wait", "expected at least one CONTAINER");
  if (argv[1][0] == '-')
    return cli_usage ("wait", "unknown flag `%s`", argv[1]);
  return for_each (cli, 1, argc, argv, do_wait, NULL, false);
}

static int
do_cleanup (vs_engine *e, const char *what, void *user, vs_error *err)
{
  (void) user;
  return vs_container_cleanup (e, what, err);
}

int
cmd_container_cleanup (vs_cli *cli, int argc, char **argv)
{
  if (argc != 2)
    return cli_usage ("container cleanup", "expected one CONTAINER");
  return for_each (cli, 1, argc, argv, do_cleanup, NULL, false);
}

/* ---- ps, inspect ---- */

static void
status_text (const vs_container *c, char *buf, size_t len)
{
  char ago[64];
  if (strcmp (c->status, "running") == 0 || strcmp (c->status, "paused") == 0)
    {
      struct tm tm = { 0 };
      int64_t started = 0;
      if (c->started_at && strptime (c->started_at, "%Y-%m-%dT%H:%M:%S", &tm))
        started = timegm (&tm);
      cli_human_ago (ago, sizeof ago, started);
      /* "3 seconds ago" → "Up 3 seconds" */
      char *sp = strstr (ago, " ago");
      if (sp)
        *sp = '\0';
      snprintf (buf, len, "Up %s%s", strcmp (ago, "Less than a second") == 0 ? "Less than a second" : ago,
                strcmp (c->status, "paused") == 0 ? " (Paused)" : "");
    }
  else if (strcmp (c->status, "exited") == 0)
    {
      struct tm tm = { 0 };
      int64_t ended = 0;
      if (c->finished_at && strptime (c->finished_at, "%Y-%m-%dT%H:%M:%S", &tm))
        ended = timegm (&tm);
      cli_human_ago (ago, sizeof ago, ended);
      snprintf (buf, len, "Exited (%d) %s", c->exit_code, ago);
    }
  else if (strcmp (c->status, "restarting") == 0)
    snprintf (buf, len, "Restarting (%d)", c->exit_code);
  else
    snprintf (buf, len, "%c%s", c->status[0] - 32, c->status + 1);
}

int
cmd_ps (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },       { "quiet", no_argument, NULL, 'q' },
    { "no-trunc", no_argument, NULL, 'T' },  { "format", required_argument, NULL, 'f' },
    { "filter", required_argument, NULL, 'F' }, { "size", no_argument, NULL, 's' },
    { NULL, 0, NULL, 0 },
  };
  static const char *const headers[] = { "ID", "CONTAINER ID", "Image", "IMAGE", "Command", "COMMAND",
                                         "RunningFor", "CREATED", "Status", "STATUS", "Ports", "PORTS",
                                         "Names", "NAMES", "Size", "SIZE", NULL };
  bool all = false, quiet = false, no_trunc = false, size = false;
  const char *format = NULL;
  const char *fstatus = NULL, *fname = NULL;
  vs_format *fmt = NULL;
  vs_container *v = NULL;
  size_t n = 0;
  vs_engine e;
  vs_error err = { 0 };
  int opt, r;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+aqsf:", opts, NULL)) != -1)
    switch (opt)
      {
      case 'a': all = true; break;
      case 'q': quiet = true; break;
      case 'T': no_trunc = true; break;
      case 's': size = true; break;
      case 'f': format = optarg; break;
      case 'F':
        if (strncmp (optarg, "status=", 7) == 0)
          fstatus = optarg + 7, all = true;
        else if (strncmp (optarg, "name=", 5) == 0)
          fname = optarg + 5;
        else
          return cli_usage ("ps", "--filter `%s`: supported are status= and name=", optarg);
        break;
      default: return cli_usage ("ps", "unknown flag `%s`", argv[optind - 1]);
      }
  if (argc != optind)
    return cli_usage ("ps", "takes no arguments");
#define PS_TABLE "table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.RunningFor}}\\t{{.Status}}\\t{{.Ports}}\\t{{.Names}}"
  if (format == NULL)
    format = size ? PS_TABLE "\\t{{.Size}}" : PS_TABLE;
#undef PS_TABLE
  if ((r = vs_format_new (format, &fmt, &err)) < 0)
    return cli_error (&err);
  if ((r = engine_open (cli, &e, &err)) < 0 || (r = vs_container_list (&e, all, &v, &n, &err)) < 0)
    {
      vs_format_free (fmt);
      if (e.store)
        vs_engine_close (&e);
      return cli_error (&err);
    }
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&text, &len);
  if (!quiet && vs_format_is_table (fmt))
    vs_format_header (fmt, headers, out);
  for (size_t i = 0; i < n && r == 0; i++)
    {
      vs_container *c = &v[i];
      char id[65], status[96], created[64], cmd[256] = "";
      if ((fstatus && strcmp (c->status, fstatus) != 0) || (fname && strstr (c->name, fname) == NULL))
        continue;
      snprintf (id, sizeof id, "%.*s", no_trunc ? 64 : 12, c->id);
      if (quiet)
        {
          fprintf (out, "%s\n", id);
          continue;
        }
      status_text (c, status, sizeof status);
      cli_human_ago (created, sizeof created, c->created);
      json_t *args = json_loads (c->command, 0, NULL);
      size_t k;
      json_t *a;
      json_array_foreach (args, k, a)
        {
          size_t l = strlen (cmd);
          snprintf (cmd + l, sizeof cmd - l, "%s%s", k ? " " : "", json_string_value (a));
        }
      json_decref (args);
      char shown[64];
      if (!no_trunc && strlen (cmd) > 20)
        snprintf (shown, sizeof shown, "\"%.19s…\"", cmd);
      else
        snprintf (shown, sizeof shown, "\"%.60s\"", cmd);
      _cleanup_free_ char *fam = vs_ref_familiar (c->image);
      json_t *row = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "ID", id, "Image",
                               c->image, "Command", shown, "RunningFor", created, "Status", status, "State",
                               c->status, "Ports", "", "Names", c->name, "ExitCode", c->exit_code);
      if (size)
        {
          /* docker: "2B (virtual 1.24MB)" */
          int64_t rw, rootfs;
          char hrw[32], hroot[32], sz[80];
          vs_container_sizes (&e, c, &rw, &rootfs);
          cli_human_size (hrw, sizeof hrw, rw);
          cli_human_size (hroot, sizeof hroot, rootfs);
          snprintf (sz, sizeof sz, "%s (virtual %s)", hrw, hroot);
          json_object_set_new (row, "Size", json_string (sz));
        }
      r = vs_format_render (fmt, row, out, &err);
      json_decref (row);
    }
  fclose (out);
  vs_containers_free (v, n);
  vs_engine_close (&e);
  if (r < 0)
    {
      free (text);
      vs_format_free (fmt);
      return cli_error (&err);
    }
  if (vs_format_is_table (fmt) || quiet)
    vs_print_columns (text, stdout);
  else
    fputs (text, stdout);
  free (text);
  vs_format_free (fmt);
  return 0;
}

static json_t *
container_get (void *engine, const char *name, vs_error *err)
{
  vs_container c;
  json_t *j;
  if (vs_container_get (engine, name, &c, err) < 0)
    return NULL;
  j = vs_container_inspect (engine, &c);
  vs_container_free (&c);
  if (j == NULL)
    vs_fail (err, ENOMEM, "inspect %s", name);
  return j;
}

int
cmd_container_inspect (vs_cli *cli, int argc, char **argv)
{
  vs_error err = { 0 };
  vs_engine e;
  int rc;
  if (engine_open (cli, &e, &err) < 0)
    return cli_error (&err);
  rc = cli_inspect ("inspect", "CONTAINER", argc, argv, container_get, &e);
  vs_engine_close (&e);
  return rc;
}

/* `vessel inspect X`: a container when one has that name or id, else an image. */
int
cmd_inspect (vs_cli *cli, int argc, char **argv)
{
  vs_engine e;
  vs_container c;
  vs_error err = { 0 };
  bool container = false;
  int i = 1;

  while (i < argc && argv[i][0] == '-')
    i += (strcmp (argv[i], "-f") == 0 || strcmp (argv[i], "--format") == 0) ? 2 : 1;
  if (i < argc && engine_open (cli, &e, &err) == 0)
    {
      container = vs_container_get (&e, argv[i], &c, &err) == 0;
      if (container)
        vs_container_free (&c);
      vs_engine_close (&e);
    }
  optind = 0;
  return container ? cmd_container_inspect (cli, argc, argv) : cmd_image_inspect (cli, argc, argv);
}
