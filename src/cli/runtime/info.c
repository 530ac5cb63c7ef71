/* info.c — `state`, `list` and `spec`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../basic/cleanup.h"
#include "../../basic/fs-util.h"
#include "../../runtime/container.h"
#include "../../runtime/spec.h"
#include "cli.h"

int
verb_state (struct rt_cli *g, int argc, char **argv)
{
  vs_error err = { 0 };
  json_t *st = NULL;
  if (argc != 2)
    return cli_usage_error ("state", "expected exactly one container id");
  if (rt_container_state (g->root, argv[1], &st, &err) < 0)
    return cli_fail (&err);
  cli_print_json (st);
  json_decref (st);
  return 0;
}

int
verb_list (struct rt_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
                                        { "quiet", no_argument, NULL, 'q' }, { NULL, 0, NULL, 0 } };
  const char *format = "table";
  bool quiet = false;
  vs_error err = { 0 };
  json_t *arr = NULL, *o;
  size_t i;
  int c;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long_only (argc, argv, "+f:q", opts, NULL)) != -1)
    if (c == 'f')
      format = optarg;
    else if (c == 'q')
      quiet = true;
    else
      return cli_usage_error ("list", "unknown option `%s`", argv[optind - 1]);
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return cli_usage_error ("list", "--format: expected table or json, got `%s`", format);
  if (optind != argc)
    return cli_usage_error ("list", "takes no arguments");
  if (rt_container_list (g->root, &arr, &err) < 0)
    {
      json_decref (arr);
      return cli_fail (&err);
    }
  if (quiet)
    json_array_foreach (arr, i, o) puts (json_string_value (json_object_get (o, "id")));
  else if (strcmp (format, "json") == 0)
    cli_print_json (arr);
  else
    {
      printf ("%-24s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
      json_array_foreach (arr, i, o)
        printf ("%-24s %-8lld %-10s %-40s %-32s %s\n", json_string_value (json_object_get (o, "id")),
                (long long) json_integer_value (json_object_get (o, "pid")),
                json_string_value (json_object_get (o, "status")), json_string_value (json_object_get (o, "bundle")),
                json_string_value (json_object_get (o, "created")), json_string_value (json_object_get (o, "owner")));
    }
  json_decref (arr);
  return 0;
}

int
verb_spec (struct rt_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "bundle", required_argument, NULL, 'b' },
                                        { "rootless", no_argument, NULL, 'r' }, { NULL, 0, NULL, 0 } };
  const char *bundle = ".";
  bool rootless = false;
  char path[PATH_MAX];
  _cleanup_free_ char *text = NULL;
  vs_error err = { 0 };
  json_t *spec;
  int c;

  (void) g;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long_only (argc, argv, "+b:", opts, NULL)) != -1)
    if (c == 'b')
      bundle = optarg;
    else if (c == 'r')
      rootless = true;
    else
      return cli_usage_error ("spec", "unknown option `%s`", argv[optind - 1]);
  if (optind != argc)
    return cli_usage_error ("spec", "takes no arguments");
  snprintf (path, sizeof path, "%s/config.json", bundle);
  if (access (path, F_OK) == 0)
    return cli_usage_error ("spec", "`%s` exists: remove it first", path);
  spec = rt_spec_default (rootless);
  text = json_dumps (spec, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  json_decref (spec);
  if (text == NULL)
    return cli_usage_error ("spec", "out of memory");
  {
    _cleanup_free_ char *line = NULL;
    if (asprintf (&line, "%s\n", text) < 0)
      return cli_usage_error ("spec", "out of memory");
    if (vs_write_file_at (AT_FDCWD, path, line, strlen (line), 0644, &err) < 0)
      return cli_fail (&err);
  }
  return 0;
}
