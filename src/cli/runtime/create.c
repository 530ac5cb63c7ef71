/* create.c — `create` and `run`: parse flags, seal ourselves, spawn. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../../runtime/container.h"
#include "../../runtime/selfexe.h"
#include "cli.h"

static int
parse_create (const char *verb, bool allow_detach, int argc, char **argv, struct rt_create_opts *o)
{
  static const struct option opts[] = {
    { "bundle", required_argument, NULL, 'b' },     { "pid-file", required_argument, NULL, 'p' },
    { "console-socket", required_argument, NULL, 'c' }, { "no-pivot", no_argument, NULL, 'P' },
    { "preserve-fds", required_argument, NULL, 'f' }, { "detach", no_argument, NULL, 'd' },
    { "no-new-keyring", no_argument, NULL, 'k' },   { "no-subreaper", no_argument, NULL, 's' },
    { "keep", no_argument, NULL, 'K' },             { NULL, 0, NULL, 0 },
  };
  int c;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long_only (argc, argv, "+b:d", opts, NULL)) != -1)
    switch (c)
      {
      case 'b': o->bundle = optarg; break;
      case 'p': o->pid_file = optarg; break;
      case 'c': o->console_socket = optarg; break;
      case 'P': o->no_pivot = true; break;
      case 'k': case 's': case 'K': break; /* accepted for runc compatibility */
      case 'f':
        {
          char *end;
          long n = strtol (optarg, &end, 10);
          if (*end || n < 0 || n > 1 << 16)
            return cli_usage_error (verb, "--preserve-fds: expected a count, got `%s`", optarg);
          o->preserve_fds = (int) n;
          break;
        }
      case 'd':
        if (!allow_detach)
          return cli_usage_error (verb, "unknown option `%s`", argv[optind - 1]);
        o->detach = true;
        break;
      default:
        return cli_usage_error (verb, "unknown option `%s`", argv[optind - 1]);
      }
  if (optind != argc - 1)
    return cli_usage_error (verb, "expected exactly one container id");
  o->id = argv[optind];
  return 0;
}

int
verb_create (struct rt_cli *g, int argc, char **argv)
{
  struct rt_create_opts o = { .root = g->root };
  vs_error err = { 0 };

  if (parse_create ("create", false, argc, argv, &o) != 0)
    return 1;
  if (rt_selfexe_ensure_sealed (g->argv0, g->root, &err) < 0 || rt_container_create (&o, &err) < 0)
    return cli_fail (&err);
  return 0;
}

int
verb_run (struct rt_cli *g, int argc, char **argv)
{
  struct rt_create_opts o = { .root = g->root };
  vs_error err = { 0 };
  int status = 0;

  if (parse_create ("run", true, argc, argv, &o) != 0)
    return 1;
  if (rt_selfexe_ensure_sealed (g->argv0, g->root, &err) < 0 || rt_container_run (&o, &status, &err) < 0)
    return cli_fail (&err);
  return status;
}
