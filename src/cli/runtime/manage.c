/* manage.c — `ps`, `pause`, `resume`, `update`, `events` and `features`. */
#include <errno.h>
#include <getopt.h>
#include <sys/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../basic/cleanup.h"
#include "../../runtime/container.h"
#include "../../runtime/seccomp.h"
#include "../../runtime/spec.h"
#include "../../version.h"
#include "cli.h"

int
verb_pause (struct rt_cli *g, int argc, char **argv)
{
  vs_error err = { 0 };
  if (argc != 2)
    return cli_usage_error ("pause", "expected exactly one container id");
  return rt_container_pause (g->root, argv[1], true, &err) < 0 ? cli_fail (&err) : 0;
}

int
verb_resume (struct rt_cli *g, int argc, char **argv)
{
  vs_error err = { 0 };
  if (argc != 2)
    return cli_usage_error ("resume", "expected exactly one container id");
  return rt_container_pause (g->root, argv[1], false, &err) < 0 ? cli_fail (&err) : 0;
}

int
verb_ps (struct rt_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
  const char *format = "table";
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  vs_error err = { 0 };
  int c;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long_only (argc, argv, "+f:", opts, NULL)) != -1)
    if (c == 'f')
      format = optarg;
    else
      return cli_usage_error ("ps", "unknown option `%s`", argv[optind - 1]);
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return cli_usage_error ("ps", "--format: expected table or json, got `%s`", format);
  if (optind >= argc)
    return cli_usage_error ("ps", "usage: ps [--format table|json] ID [ps options]");
  if (rt_container_pids (g->root, argv[optind], &pids, &n, &err) < 0)
    return cli_fail (&err);
  if (strcmp (format, "json") == 0)
    {
      json_t *arr = json_array ();
      for (size_t i = 0; i < n; i++)
        json_array_append_new (arr, json_integer (pids[i]));
      char *s = json_dumps (arr, JSON_COMPACT);
      puts (s ? s : "[]");
      free (s);
      json_decref (arr);
      return 0;
    }
  /* table: the host's ps (default -ef), keeping the header and our pids */
  {
    char cmd[4096] = "ps";
    size_t len = 2;
    FILE *p;
    char line[8192];
    int pid_col = -1, rc;
    bool header = true;
    if (optind + 1 >= argc)
      len += (size_t) snprintf (cmd + len, sizeof cmd - len, " -ef");
    for (int i = optind + 1; i < argc; i++)
      {
        /* only plain option words reach the shell */
        if (strspn (argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-,=_") != strlen (argv[i]))
          return cli_usage_error ("ps", "unsupported ps option `%s`", argv[i]);
        len += (size_t) snprintf (cmd + len, sizeof cmd - len, " %s", argv[i]);
      }
    p = popen (cmd, "r");
    if (p == NULL)
      return cli_usage_error ("ps", "run `%s`: %s", cmd, strerror (errno));
    while (fgets (line, sizeof line, p))
      {
        if (header)
          {
            char copy[8192], *save = NULL;
            int col = 0;
            snprintf (copy, sizeof copy, "%s", line);
            for (char *t = strtok_r (copy, " \t\n", &save); t; t = strtok_r (NULL, " \t\n", &save), col++)
              if (strcmp (t, "PID") == 0)
                pid_col = col;
            fputs (line, stdout);
            header = false;
            if (pid_col < 0)
              {
                pclose (p);
                return cli_usage_error ("ps", "the ps output has no PID column");
              }
            continue;
          }
        {
          char copy[8192], *save = NULL, *t;
          int col = 0;
          long pid = -1;
          snprintf (copy, sizeof copy, "%s", line);
          for (t = strtok_r (copy, " \t\n", &save); t; t = strtok_r (NULL, " \t\n", &save), col++)
            if (col == pid_col)
              {
                pid = strtol (t, NULL, 10);
                break;
              }
          for (size_t i = 0; i < n; i++)
            if (pids[i] == pid)
              {
                fputs (line, stdout);
                break;
              }
        }
      }
    rc = pclose (p);
    return (rc == 0) ? 0 : 1;
  }
}

static int
set_int (json_t *res, const char *group, const char *key, const char *val, const char *flag)
{
  char *end;
  long long v;
  json_t *g;
  if (strcmp (val, "-1") == 0)
    v = -1;
  else
    {
      errno = 0;
      v = strtoll (val, &end, 10);
      if (errno || *end || end == val)
        return cli_usage_error ("update", "--%s: expected a number, got `%s`", flag, val);
    }
  g = json_object_get (res, group);
  if (g == NULL)
    json_object_set_new (res, group, g = json_object ());
  json_object_set_new (g, key, json_integer (v));
  return 0;
}

int
verb_update (struct rt_cli *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "resources", required_argument, NULL, 'r' },   { "memory", required_argument, NULL, 'm' },
    { "memory-swap", required_argument, NULL, 's' }, { "memory-reservation", required_argument, NULL, 'R' },
    { "kernel-memory", required_argument, NULL, 'k' }, { "kernel-memory-tcp", required_argument, NULL, 'K' },
    { "cpu-shares", required_argument, NULL, 'S' },  { "cpu-quota", required_argument, NULL, 'Q' },
    { "cpu-period", required_argument, NULL, 'P' },  { "cpu-rt-period", required_argument, NULL, 'T' },
    { "cpu-rt-runtime", required_argument, NULL, 'U' }, { "cpuset-cpus", required_argument, NULL, 'c' },
    { "cpuset-mems", required_argument, NULL, 'M' }, { "pids-limit", required_argument, NULL, 'p' },
    { "blkio-weight", required_argument, NULL, 'b' }, { NULL, 0, NULL, 0 },
  };
  json_t *res = json_object ();
  const char *file = NULL;
  vs_error err = { 0 };
  int c, ret = 0;

  optind = 1;
  opterr = 0;
  while (ret == 0 && (c = getopt_long_only (argc, argv, "+r:", opts, NULL)) != -1)
    switch (c)
      {
      case 'r': file = optarg; break;
      case 'm': ret = set_int (res, "memory", "limit", optarg, "memory"); break;
      case 's': ret = set_int (res, "memory", "swap", optarg, "memory-swap"); break;
      case 'R': ret = set_int (res, "memory", "reservation", optarg, "memory-reservation"); break;
      case 'k': ret = set_int (res, "memory", "kernel", optarg, "kernel-memory"); break;
      case 'K': ret = set_int (res, "memory", "kernelTCP", optarg, "kernel-memory-tcp"); break;
      case 'S': ret = set_int (res, "cpu", "shares", optarg, "cpu-shares"); break;
      case 'Q': ret = set_int (res, "cpu", "quota", optarg, "cpu-quota"); break;
      case 'P': ret = set_int (res, "cpu", "period", optarg, "cpu-period"); break;
      case 'T': ret = set_int (res, "cpu", "realtimePeriod", optarg, "cpu-rt-period"); break;
      case 'U': ret = set_int (res, "cpu", "realtimeRuntime", optarg, "cpu-rt-runtime"); break;
      case 'p': ret = set_int (res, "pids", "limit", optarg, "pids-limit"); break;
      case 'b': ret = set_int (res, "blockIO", "weight", optarg, "blkio-weight"); break;
      case 'c': case 'M':
        {
          json_t *cpu = json_object_get (res, "cpu");
          if (cpu == NULL)
            json_object_set_new (res, "cpu", cpu = json_object ());
          json_object_set_new (cpu, c == 'c' ? "cpus" : "mems", json_string (optarg));
          break;
        }
      default:
        ret = cli_usage_error ("update", "unknown option `%s`", argv[optind - 1]);
      }
  if (ret == 0 && optind != argc - 1)
    ret = cli_usage_error ("update", "expected exactly one container id");
  if (ret == 0 && file)
    {
      json_error_t jerr;
      json_t *r = strcmp (file, "-") == 0 ? json_loadf (stdin, 0, &jerr) : json_load_file (file, 0, &jerr);
      if (r == NULL || !json_is_object (r))
        ret = cli_usage_error ("update", "--resources `%s`: %s", file, r ? "not a JSON object" : jerr.text);
      else
        json_object_update (res, r); /* the file first, flags on top */
      json_decref (r);
    }
  if (ret == 0 && rt_container_update (g->root, argv[optind], res, &err) < 0)
    ret = cli_fail (&err);
  json_decref (res);
  return ret;
}

int
verb_events (struct rt_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "stats", no_argument, NULL, 's' },
                                        { "interval", required_argument, NULL, 'i' }, { NULL, 0, NULL, 0 } };
  bool once = false;
  long interval = 5;
  vs_error err = { 0 };
  int c;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long_only (argc, argv, "+", opts, NULL)) != -1)
    if (c == 's')
      once = true;
    else if (c == 'i')
      {
        char *end;
        interval = strtol (optarg, &end, 10);
        if (*end == 's')
          end++;
        if (*end || interval <= 0)
          return cli_usage_error ("events", "--interval: expected seconds, got `%s`", optarg);
      }
    else
      return cli_usage_error ("events", "unknown option `%s`", argv[optind - 1]);
  if (optind != argc - 1)
    return cli_usage_error ("events", "expected exactly one container id");
  for (;;)
    {
      json_t *st = NULL;
      char *s;
      if (rt_container_stats (g->root, argv[optind], &st, &err) < 0)
        return cli_fail (&err);
      s = json_dumps (st, JSON_COMPACT);
      puts (s ? s : "{}");
      fflush (stdout);
      free (s);
      json_decref (st);
      if (once)
        return 0;
      sleep ((unsigned int) interval);
    }
}

int
verb_features (struct rt_cli *g, int argc, char **argv)
{
  static const char *const hooks[] = { "prestart", "createRuntime", "createContainer", "startContainer",
                                       "poststart", "poststop", NULL };
  static const char *const mount_opts[] = {
    "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "mand", "noatime", "nodev",
    "nodiratime", "noexec", "nomand", "norelatime", "nostrictatime", "nosuid", "private", "rbind", "relatime",
    "remount", "ro", "rprivate", "rro", "rshared", "rslave", "runbindable", "rw", "shared", "slave",
    "strictatime", "suid", "sync", "tmpcopyup", "unbindable", NULL,
  };
  static const char *const namespaces[] = { "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL };
  json_t *caps = json_array (), *f;
  (void) g;
  (void) argv;
  if (argc != 1)
    return cli_usage_error ("features", "takes no arguments");
  for (int c = 0; c <= 40; c++)
    {
      char *name = cap_to_name ((cap_value_t) c);
      if (name)
        {
          /* libcap says "cap_chown": the spec says "CAP_CHOWN" */
          for (char *p = name; *p; p++)
            if (*p >= 'a' && *p <= 'z')
              *p = (char) (*p - 'a' + 'A');
          json_array_append_new (caps, json_string (name));
          cap_free (name);
        }
    }
  f = json_pack ("{s:s, s:s, s:o, s:o, s:{s:o, s:o, s:{s:b, s:b, s:b, s:b, s:b}, s:{s:b, s:o, s:o, s:o, s:o, s:o},"
                 " s:{s:b}, s:{s:b}, s:{s:b}, s:{s:{s:b}}}, s:{s:s}}",
                 "ociVersionMin", "1.0.0", "ociVersionMax", "1.2.0", "hooks", rt_json_strings (hooks), "mountOptions",
                 rt_json_strings (mount_opts), "linux", "namespaces", rt_json_strings (namespaces), "capabilities", caps, "cgroup",
                 "v1", 1, "v2", 1, "systemd", 0, "systemdUser", 0, "rdma", 0, "seccomp", "enabled", 1, "actions",
                 rt_json_strings (rt_seccomp_actions), "operators", rt_json_strings (rt_seccomp_operators), "archs",
                 rt_json_strings (rt_seccomp_archs), "knownFlags", rt_json_strings (rt_seccomp_flags), "supportedFlags",
                 rt_json_strings (rt_seccomp_flags), "apparmor", "enabled", 0, "selinux", "enabled", 0, "intelRdt",
                 "enabled", 0, "mountExtensions", "idmap", "enabled", 0, "annotations",
                 "org.opencontainers.runtime-spec.features", "vessel-runtime " VESSEL_VERSION);
  cli_print_json (f);
  json_decref (f);
  return 0;
}
