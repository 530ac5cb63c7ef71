/* main.c — vessel-runtime: global options, then dispatch to one verb. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../basic/cleanup.h"
#include "../../basic/log.h"
#include "../../version.h"
#include "cli.h"

static const struct { const char *name; rt_verb_fn fn; const char *help; } verbs[] = {
  { "create", verb_create, "create a container from a bundle" },
  { "start", verb_start, "start the process of a created container" },
  { "run", verb_run, "create and start a container" },
  { "state", verb_state, "print the state of a container as JSON" },
  { "kill", verb_kill, "send a signal to the container's init (or all its processes)" },
  { "delete", verb_delete, "delete a container and everything it holds" },
  { "list", verb_list, "list containers" },
  { "spec", verb_spec, "write a default config.json" },
  { "exec", verb_exec, "run another process in a running container" },
  { "ps", verb_ps, "list the processes of a container" },
  { "pause", verb_pause, "freeze every process of a container" },
  { "resume", verb_resume, "thaw a paused container" },
  { "update", verb_update, "change the resource limits of a running container" },
  { "events", verb_events, "print resource statistics (--stats: once)" },
  { "features", verb_features, "print what this runtime supports, as JSON" },
};

int
cli_fail (const vs_error *err)
{
  vs_log (VS_LOG_ERROR, "%s", err->msg[0] ? err->msg : "unknown error");
  return 1;
}

int
cli_usage_error (const char *verb, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  vs_log (VS_LOG_ERROR, "%s%s%s", verb ? verb : "", verb ? ": " : "", msg);
  return 1;
}

void
cli_print_json (void *json)
{
  char *s = json_dumps (json, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  if (s)
    {
      puts (s);
      free (s);
    }
}

static void
usage (FILE *out)
{
  fprintf (out, "usage: vessel-runtime [--root DIR] [--log FILE] [--log-format text|json] [--debug] COMMAND [ARGS]\n\n"
                "An OCI runtime: runs containers from bundles (config.json + rootfs).\n\ncommands:\n");
  for (size_t i = 0; i < ARRAY_SIZE (verbs); i++)
    fprintf (out, "  %-8s %s\n", verbs[i].name, verbs[i].help);
}

/* "--name value" or "--name=value" (also with a single dash, as runc allows). */
static bool
take_value (const char *name, int argc, char **argv, int *i, const char **out)
{
  const char *a = argv[*i];
  size_t n = strlen (name);
  if (a[0] == '-' && a[1] == '-')
    a += 2;
  else if (a[0] == '-')
    a += 1;
  else
    return false;
  if (strncmp (a, name, n) != 0)
    return false;
  if (a[n] == '=')
    {
      *out = a + n + 1;
      return true;
    }
  if (a[n] == '\0' && *i + 1 < argc)
    {
      *out = argv[++*i];
      return true;
    }
  return false;
}

static bool
is_flag (const char *a, const char *name)
{
  if (a[0] == '-' && a[1] == '-')
    a += 2;
  else if (a[0] == '-')
    a += 1;
  else
    return false;
  return strcmp (a, name) == 0 || (strncmp (a, name, strlen (name)) == 0 && a[strlen (name)] == '=');
}

int
main (int argc, char **argv)
{
  struct rt_cli g = { .root = "/run/vessel-runtime", .argv0 = argv };
  const char *log_format = "text", *v;
  bool systemd = false;
  int i;

  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      const char *a = argv[i];
      if (take_value ("root", argc, argv, &i, &g.root) || take_value ("log", argc, argv, &i, &g.log)
          || take_value ("log-format", argc, argv, &i, &log_format) || take_value ("criu", argc, argv, &i, &v))
        continue;
      if (is_flag (a, "rootless"))
        {
          if (strchr (a, '=') == NULL && i + 1 < argc && (strcmp (argv[i + 1], "true") == 0
                                                          || strcmp (argv[i + 1], "false") == 0
                                                          || strcmp (argv[i + 1], "auto") == 0))
            i++;
          continue;
        }
      if (is_flag (a, "debug"))
        g.debug = true;
      else if (is_flag (a, "systemd-cgroup"))
        systemd = true;
      else if (strcmp (a, "-v") == 0 || is_flag (a, "version"))
        {
          printf ("vessel-runtime version %s\nspec: 1.2.0\n", VESSEL_VERSION);
          return 0;
        }
      else if (strcmp (a, "-h") == 0 || is_flag (a, "help"))
        {
          usage (stdout);
          return 0;
        }
      else
        {
          vs_log_init (NULL, false, false);
          return cli_usage_error (NULL, "unknown global option `%s`", a);
        }
    }
  if (strcmp (log_format, "json") != 0 && strcmp (log_format, "text") != 0)
    return cli_usage_error (NULL, "--log-format: expected text or json, got `%s`", log_format);
  g.log_json = strcmp (log_format, "json") == 0;
  if (vs_log_init (g.log, g.log_json, g.debug) < 0)
    {
      fprintf (stderr, "vessel-runtime: --log `%s`: %s\n", g.log, strerror (errno));
      return 1;
    }
  if (systemd)
    return cli_usage_error (NULL, "--systemd-cgroup is not supported: vessel-runtime manages cgroupfs directly");
  if (i >= argc)
    {
      usage (stderr);
      return 1;
    }
  for (size_t k = 0; k < ARRAY_SIZE (verbs); k++)
    if (strcmp (argv[i], verbs[k].name) == 0)
      return verbs[k].fn (&g, argc - i, argv + i);
  return cli_usage_error (NULL, "unknown command `%s` (see --help)", argv[i]);
}
