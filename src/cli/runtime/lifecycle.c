/* lifecycle.c — `start`, `kill` and `delete`. */
#include <getopt.h>
#include <string.h>

#include "../../runtime/container.h"
#include "cli.h"

int
verb_start (struct rt_cli *g, int argc, char **argv)
{
  vs_error err = { 0 };
  if (argc != 2)
    return cli_usage_error ("start", "expected exactly one container id");
  return rt_container_start (g->root, argv[1], &err) < 0 ? cli_fail (&err) : 0;
}

int
verb_kill (struct rt_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "all", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 } };
  vs_error err = { 0 };
  bool all = false;
  int c, sig = 15;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long_only (argc, argv, "+a", opts, NULL)) != -1)
    if (c == 'a')
      all = true;
    else
      return cli_usage_error ("kill", "unknown option `%s`", argv[optind - 1]);
  if (optind >= argc || argc - optind > 2)
    return cli_usage_error ("kill", "usage: kill [--all] ID [SIGNAL]");
  if (argc - optind == 2 && (sig = rt_signal_parse (argv[optind + 1])) < 0)
    return cli_usage_error ("kill", "unknown signal `%s`", argv[optind + 1]);
  return rt_container_kill (g->root, argv[optind], sig, all, &err) < 0 ? cli_fail (&err) : 0;
}

int
verb_delete (struct rt_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
  vs_error err = { 0 };
  bool force = false;
  int c;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long_only (argc, argv, "+f", opts, NULL)) != -1)
    if (c == 'f')
      force = true;
    else
      return cli_usage_error ("delete", "unknown option `%s`", argv[optind - 1]);
  if (argc - optind != 1)
    return cli_usage_error ("delete", "expected exactly one container id");
  return rt_container_delete (g->root, argv[optind], force, &err) < 0 ? cli_fail (&err) : 0;
}
