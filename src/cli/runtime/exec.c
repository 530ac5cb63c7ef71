/* exec.c — `exec`: runc's flags, then rt_container_exec. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../../runtime/exec.h"
#include "../../runtime/selfexe.h"
#include "cli.h"

static int
push (char ***v, size_t *n, char *s)
{
  char **nv = realloc (*v, (*n + 2) * sizeof *nv);
  if (nv == NULL)
    return -1;
  nv[(*n)++] = s;
  nv[*n] = NULL;
  *v = nv;
  return 0;
}

int
verb_exec (struct rt_cli *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "process", required_argument, NULL, 'p' },     { "tty", no_argument, NULL, 't' },
    { "detach", no_argument, NULL, 'd' },            { "pid-file", required_argument, NULL, 'P' },
    { "cwd", required_argument, NULL, 'w' },         { "env", required_argument, NULL, 'e' },
    { "user", required_argument, NULL, 'u' },        { "cap", required_argument, NULL, 'c' },
    { "no-new-privs", no_argument, NULL, 'n' },      { "console-socket", required_argument, NULL, 'C' },
    { "preserve-fds", required_argument, NULL, 'f' }, { "additional-gids", required_argument, NULL, 'g' },
    { "process-label", required_argument, NULL, 'L' }, { "apparmor", required_argument, NULL, 'A' },
    { "cgroup", required_argument, NULL, 'G' },      { "ignore-paused", no_argument, NULL, 'I' },
    { NULL, 0, NULL, 0 },
  };
  struct rt_exec_opts o = { .root = g->root };
  char **env = NULL, **caps = NULL;
  size_t nenv = 0, ncaps = 0;
  vs_error err = { 0 };
  int c, status = 0, ret = 1;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long_only (argc, argv, "+p:tdw:e:u:c:", opts, NULL)) != -1)
    switch (c)
      {
      case 'p': o.process_file = optarg; break;
      case 't': o.tty = true; break;
      case 'd': o.detach = true; break;
      case 'P': o.pid_file = optarg; break;
      case 'w': o.cwd = optarg; break;
      case 'u': o.user = optarg; break;
      case 'n': o.no_new_privs = true; break;
      case 'C': o.console_socket = optarg; break;
      case 'L': case 'A': case 'G': case 'I': case 'g': break; /* accepted, no effect here */
      case 'e':
        if (strchr (optarg, '=') == NULL)
          {
            ret = cli_usage_error ("exec", "--env `%s`: expected KEY=VALUE", optarg);
            goto out;
          }
        push (&env, &nenv, optarg);
        break;
      case 'c': push (&caps, &ncaps, optarg); break;
      case 'f':
        {
          char *end;
          long n = strtol (optarg, &end, 10);
          if (*end || n < 0 || n > 1 << 16)
            {
              ret = cli_usage_error ("exec", "--preserve-fds: expected a count, got `%s`", optarg);
              goto out;
            }
          o.preserve_fds = (int) n;
          break;
        }
      default:
        ret = cli_usage_error ("exec", "unknown option `%s`", argv[optind - 1]);
        goto out;
      }
  if (optind >= argc)
    {
      ret = cli_usage_error ("exec", "usage: exec [OPTIONS] ID [COMMAND [ARGS...]] (or --process FILE)");
      goto out;
    }
  o.id = argv[optind];
  o.args = argv + optind + 1;
  if (o.process_file == NULL && o.args[0] == NULL)
    {
      ret = cli_usage_error ("exec", "no command given (and no --process)");
      goto out;
    }
  o.env = env;
  o.caps = caps;
  if (rt_selfexe_ensure_sealed (g->argv0, g->root, &err) < 0 || rt_container_exec (&o, &status, &err) < 0)
    ret = cli_fail (&err);
  else
    ret = status;
out:
  free (env);
  free (caps);
  return ret;
}
