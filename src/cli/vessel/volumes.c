/* volumes.c — `vessel volume create|ls|inspect|rm|prune`, as docker's. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../basic/cleanup.h"
#include "../../engine/engine.h"
#include "../../engine/volumes.h"
#include "../../runtime/config.h"
#include "cli.h"
#include "format.h"

static int
push (char ***v, const char *s)
{
  size_t k = 0;
  while (*v && (*v)[k])
    k++;
  char **nv = realloc (*v, (k + 2) * sizeof *nv);
  if (nv == NULL)
    return -ENOMEM;
  *v = nv;
  if ((nv[k] = strdup (s)) == NULL)
    return -ENOMEM;
  nv[k + 1] = NULL;
  return 0;
}

static int
open_engine (vs_cli *cli, vs_engine *e, vs_error *err)
{
  return vs_engine_open (e, cli->root, cli->runroot, false, err);
}

int
cmd_volume_create (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "driver", required_argument, NULL, 'd' }, { "label", required_argument, NULL, 'l' },
    { "opt", required_argument, NULL, 'o' },    { "name", required_argument, NULL, 'n' },
    { NULL, 0, NULL, 0 },
  };
  char **labels = NULL, **o = NULL;
  const char *name = NULL;
  _cleanup_free_ char *made = NULL;
  vs_error err = { 0 };
  vs_engine e;
  int opt, r = 0;

  opterr = 0;
  while (r == 0 && (opt = getopt_long (argc, argv, "+d:l:o:", opts, NULL)) != -1)
    switch (opt)
      {
      case 'd':
        if (strcmp (optarg, "local") != 0)
          r = cli_usage ("volume create", "--driver `%s`: only the local driver exists", optarg);
        break;
      case 'l':
        if (push (&labels, optarg) < 0)
          r = cli_usage ("volume create", "out of memory");
        break;
      case 'o':
        if (push (&o, optarg) < 0)
          r = cli_usage ("volume create", "out of memory");
        break;
      case 'n': name = optarg; break;
      default: r = cli_usage ("volume create", "unknown flag `%s`", argv[optind - 1]);
      }
  if (r == 0 && argc - optind > 1)
    r = cli_usage ("volume create", "at most one NAME");
  if (r == 0 && argc - optind == 1)
    {
      if (name && strcmp (name, argv[optind]) != 0)
        r = cli_usage ("volume create", "conflicting options: either specify --name or provide positional arg, "
                                        "not both");
      name = argv[optind];
    }
  if (r == 0 && (r = open_engine (cli, &e, &err)) == 0)
    {
      r = vs_volume_create (&e, name, labels, o, &made, &err);
      vs_engine_close (&e);
      r = r < 0 ? cli_error (&err) : 0;
    }
  else if (r < 0)
    r = cli_error (&err);
  rt_strv_free (labels);
  rt_strv_free (o);
  if (r == 0)
    printf ("%s\n", made);
  return r;
}

int
cmd_volume_ls (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "quiet", no_argument, NULL, 'q' }, { "format", required_argument, NULL, 'f' },
    { "filter", required_argument, NULL, 'F' }, { NULL, 0, NULL, 0 },
  };
  bool quiet = false;
  const char *format = NULL;
  char **names = NULL;
  size_t n = 0;
  vs_format *fmt = NULL;
  vs_error err = { 0 };
  vs_engine e;
  int opt, r;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+qf:", opts, NULL)) != -1)
    switch (opt)
      {
      case 'q': quiet = true; break;
      case 'f': format = optarg; break;
      case 'F': return cli_usage ("volume ls", "--filter is not supported");
      default: return cli_usage ("volume ls", "unknown flag `%s`", argv[optind - 1]);
      }
  if (argc != optind)
    return cli_usage ("volume ls", "takes no arguments");
  if (format && (r = vs_format_new (format, &fmt, &err)) < 0)
    return cli_error (&err);
  if ((r = open_engine (cli, &e, &err)) < 0)
    {
      vs_format_free (fmt);
      return cli_error (&err);
    }
  r = vs_volume_list (&e, &names, &n, &err);
  if (r == 0 && quiet)
    for (size_t i = 0; i < n; i++)
      printf ("%s\n", names[i]);
  else if (r == 0 && fmt)
    {
      if (vs_format_is_table (fmt))
        vs_format_header (fmt, (const char *const[]) { "Name", "VOLUME NAME", NULL }, stdout);
      for (size_t i = 0; r == 0 && i < n; i++)
        {
          json_t *j = vs_volume_inspect (&e, names[i], &err);
          if (j == NULL)
            continue;
          r = vs_format_render (fmt, j, stdout, &err);
          json_decref (j);
        }
    }
  else if (r == 0)
    {
      printf ("%-10s%s\n", "DRIVER", "VOLUME NAME");
      for (size_t i = 0; i < n; i++)
        printf ("%-10s%s\n", "local", names[i]);
    }
  vs_engine_close (&e);
  vs_format_free (fmt);
  rt_strv_free (names);
  return r < 0 ? cli_error (&err) : 0;
}

static json_t *
volume_get (void *engine, const char *name, vs_error *err)
{
  return vs_volume_inspect (engine, name, err);
}

int
cmd_volume_inspect (vs_cli *cli, int argc, char **argv)
{
  vs_error err = { 0 };
  vs_engine e;
  int rc;
  if (open_engine (cli, &e, &err) < 0)
    return cli_error (&err);
  rc = cli_inspect ("volume inspect", "VOLUME", argc, argv, volume_get, &e);
  vs_engine_close (&e);
  return rc;
}

int
cmd_volume_rm (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
  bool force = false;
  vs_error err = { 0 };
  vs_engine e;
  int opt, r, rc = 0;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+f", opts, NULL)) != -1)
    {
      if (opt != 'f')
        return cli_usage ("volume rm", "unknown flag `%s`", argv[optind - 1]);
      force = true;
    }
  if (argc - optind < 1)
    return cli_usage ("volume rm", "expected at least one VOLUME");
  if ((r = open_engine (cli, &e, &err)) < 0)
    return cli_error (&err);
  for (int i = optind; i < argc; i++)
    {
      if (vs_volume_remove (&e, argv[i], force, &err) < 0)
        rc = cli_error (&err);
      else
        printf ("%s\n", argv[i]);
    }
  vs_engine_close (&e);
  return rc;
}

int
cmd_volume_prune (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' }, { "force", no_argument, NULL, 'f' },
    { "filter", required_argument, NULL, 'F' }, { NULL, 0, NULL, 0 },
  };
  bool all = false, force = false;
  char **names = NULL, line[16], sz[32];
  int64_t bytes = 0;
  vs_error err = { 0 };
  vs_engine e;
  int opt, r;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+af", opts, NULL)) != -1)
    switch (opt)
      {
      case 'a': all = true; break;
      case 'f': force = true; break;
      case 'F': return cli_usage ("volume prune", "--filter is not supported");
      default: return cli_usage ("volume prune", "unknown flag `%s`", argv[optind - 1]);
      }
  if (argc != optind)
    return cli_usage ("volume prune", "takes no arguments");
  if (!force)
    {
      fprintf (stderr, "WARNING! This will remove %s local volumes not used by at least one container.\n"
                       "Are you sure you want to continue? [y/N] ",
               all ? "all" : "anonymous");
      if (fgets (line, sizeof line, stdin) == NULL || (line[0] != 'y' && line[0] != 'Y'))
        return 0;
    }
  if ((r = open_engine (cli, &e, &err)) < 0)
    return cli_error (&err);
  r = vs_volumes_prune (&e, all, &names, &bytes, &err);
  vs_engine_close (&e);
  if (names && names[0])
    {
      printf ("Deleted Volumes:\n");
      for (char **p = names; *p; p++)
        printf ("%s\n", *p);
      putchar ('\n');
    }
  rt_strv_free (names);
  if (r < 0)
    return cli_error (&err);
  cli_human_size (sz, sizeof sz, bytes);
  printf ("Total reclaimed space: %s\n", sz);
  return 0;
}
