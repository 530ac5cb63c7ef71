/* main.c — vessel: global options, then dispatch to a command. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../basic/cleanup.h"
#include "../../version.h"
#include "../../engine/engine.h"
#include "../../basic/json-util.h"
#include "cli.h"
#include "format.h"

typedef struct
{
  const char *name;
  vs_cmd_fn fn;
  const char *help;
} command;

static const command commands[] = {
  { "run", cmd_run, "create and start a container from an image" },
  { "create", cmd_create, "create a container" },
  { "start", cmd_start, "start containers" },
  { "stop", cmd_stop, "stop containers (stop signal, then SIGKILL)" },
  { "restart", cmd_restart, "restart containers" },
  { "kill", cmd_kill, "send a signal to containers" },
  { "rm", cmd_rm, "remove containers" },
  { "ps", cmd_ps, "list containers" },
  { "logs", cmd_logs, "show a container's output (also after rm)" },
  { "wait", cmd_wait, "wait for containers to stop; print their exit codes" },
  { "inspect", cmd_inspect, "show containers or images as JSON" },
  { "exec", cmd_exec, "run a command in a running container" },
  { "attach", cmd_attach, "attach the terminal to a running container" },
  { "top", cmd_top, "show the processes of a container" },
  { "pause", cmd_pause, "freeze every process of containers" },
  { "unpause", cmd_unpause, "thaw paused containers" },
  { "stats", cmd_stats, "show containers' resource use (CPU, memory, I/O, pids)" },
  { "pull", cmd_pull, "pull an image from a registry" },
  { "push", cmd_push, "push an image to a registry" },
  { "login", cmd_login, "store credentials for a registry" },
  { "logout", cmd_logout, "remove stored credentials for a registry" },
  { "images", cmd_images, "list images" },
  { "history", cmd_history, "show the history of an image" },
  { "tag", cmd_tag, "give an image another name" },
  { "rmi", cmd_rmi, "remove images" },
  { "save", cmd_save, "write images to a docker-archive tar or an OCI layout" },
  { "load", cmd_load, "read images from a docker-archive tar or an OCI layout" },
  { "import", cmd_import, "make an image from a rootfs tarball" },
  { "diff", cmd_diff, "show a container's changed files" },
  { "commit", cmd_commit, "make an image from a container's changes" },
  { "cp", cmd_cp, "copy files between a container and the host" },
  { "export", cmd_export, "write a container's file system as a tar" },
  { "rename", cmd_rename, "rename a container" },
  { "info", cmd_info, "show engine-wide information" },
};

/* `vessel image X` */
static const command image_commands[] = {
  { "pull", cmd_pull, "pull an image from a registry" },
  { "push", cmd_push, "push an image to a registry" },
  { "ls", cmd_images, "list images" },
  { "list", cmd_images, NULL },
  { "inspect", cmd_image_inspect, "show an image's details as JSON" },
  { "history", cmd_history, "show the history of an image" },
  { "tag", cmd_tag, "give an image another name" },
  { "rm", cmd_rmi, "remove images" },
  { "prune", cmd_image_prune, "remove dangling (-a: unused) images" },
  { "check", cmd_image_check, "find and remove orphans in the image store" },
  { "save", cmd_save, "write images to an archive" },
  { "load", cmd_load, "read images from an archive" },
  { "import", cmd_import, "make an image from a rootfs tarball" },
};

static const command container_commands[] = {
  { "run", cmd_run, "create and start a container" },
  { "create", cmd_create, "create a container" },
  { "start", cmd_start, "start containers" },
  { "stop", cmd_stop, "stop containers" },
  { "restart", cmd_restart, "restart containers" },
  { "kill", cmd_kill, "send a signal to containers" },
  { "rm", cmd_rm, "remove containers" },
  { "ls", cmd_ps, "list containers" },
  { "ps", cmd_ps, NULL },
  { "logs", cmd_logs, "show a container's output" },
  { "wait", cmd_wait, "wait for containers to stop" },
  { "inspect", cmd_container_inspect, "show containers as JSON" },
  { "exec", cmd_exec, "run a command in a running container" },
  { "attach", cmd_attach, "attach the terminal to a running container" },
  { "top", cmd_top, "show the processes of a container" },
  { "pause", cmd_pause, "freeze every process of containers" },
  { "unpause", cmd_unpause, "thaw paused containers" },
  { "stats", cmd_stats, "show containers' resource use" },
  { "diff", cmd_diff, "show a container's changed files" },
  { "commit", cmd_commit, "make an image from a container's changes" },
  { "cp", cmd_cp, "copy files between a container and the host" },
  { "export", cmd_export, "write a container's file system as a tar" },
  { "rename", cmd_rename, "rename a container" },
  { "prune", cmd_container_prune, "remove all stopped containers" },
  { "cleanup", cmd_container_cleanup, NULL },
};

static const command system_commands[] = {
  { "df", cmd_system_df, "show disk use" },
  { "info", cmd_info, "show engine-wide information" },
  { "prune", cmd_system_prune, "remove stopped containers, unused images, logs (and volumes)" },
};

static const command volume_commands[] = {
  { "create", cmd_volume_create, "create a volume" },
  { "ls", cmd_volume_ls, "list volumes" },
  { "list", cmd_volume_ls, NULL },
  { "inspect", cmd_volume_inspect, "show volumes as JSON" },
  { "rm", cmd_volume_rm, "remove volumes" },
  { "remove", cmd_volume_rm, NULL },
  { "prune", cmd_volume_prune, "remove unused (anonymous; -a: all) volumes" },
};

int
cli_error (const vs_error *err)
{
  fprintf (stderr, "Error: %s\n", err->msg[0] ? err->msg : "unknown error");
  return EXIT_ENGINE;
}

int
cli_usage (const char *cmd, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  fprintf (stderr, "Error: %s%s%s\n", cmd ? cmd : "", cmd ? ": " : "", msg);
  return EXIT_ENGINE;
}

int
cli_store (vs_cli *cli, bool exclusive, vs_store **ret, vs_error *err)
{
  int r = vs_store_open (cli->root, exclusive, ret, err);
  if (r == 0 && (r = vs_engine_guard_images (*ret, err)) < 0)
    {
      vs_store_close (*ret);
      *ret = NULL;
    }
  return r;
}

int
cli_inspect (const char *cmd, const char *kind, int argc, char **argv,
             json_t *(*get) (void *user, const char *name, vs_error *err), void *user)
{
  static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
  _cleanup_format_ vs_format *fmt = NULL;
  _cleanup_json_ json_t *all = json_array ();
  vs_error err = { 0 };
  int opt, rc = 0;

  optind = 0;
  opterr = 0;
  /* flags may follow the names, as with docker */
  while ((opt = getopt_long (argc, argv, "f:", opts, NULL)) != -1)
    {
      if (opt != 'f')
        return cli_usage (cmd, "unknown flag `%s`", argv[optind - 1]);
      vs_format_free (fmt);
      fmt = NULL;
      if (vs_format_new (optarg, &fmt, &err) < 0)
        return cli_error (&err);
    }
  if (argc - optind < 1)
    return cli_usage (cmd, "expected at least one %s", kind);
  for (int i = optind; i < argc; i++)
    {
      json_t *j = get (user, argv[i], &err);
      if (j == NULL)
        {
          rc = cli_error (&err);
          continue;
        }
      if (fmt && vs_format_render (fmt, j, stdout, &err) < 0)
        rc = cli_error (&err);
      if (fmt)
        json_decref (j);
      else
        json_array_append_new (all, j);
    }
  if (fmt == NULL)
    {
      char *text = json_dumps (all, JSON_INDENT (4) | JSON_PRESERVE_ORDER);
      if (text)
        puts (text);
      free (text);
    }
  return rc;
}

static void
usage (FILE *out)
{
  fprintf (out, "usage: vessel [--root DIR] [--runroot DIR] [--debug] COMMAND [ARGS]\n\n"
                "A container engine: images, containers, networks.\n\ncommands:\n");
  for (size_t i = 0; i < ARRAY_SIZE (commands); i++)
    fprintf (out, "  %-9s %s\n", commands[i].name, commands[i].help);
  fprintf (out, "  container manage containers (see vessel container --help)\n"
                "  image     manage images (see vessel image --help)\n"
                "  system    df: disk use\n"
                "  version   print the version\n\n"
                "The OCI runtime is `vessel-runtime` (see vessel-runtime --help).\n");
}

static int
dispatch (vs_cli *cli, const char *group, const command *cmds, size_t n, int argc, char **argv)
{
  if (argc < 1 || strcmp (argv[0], "--help") == 0 || strcmp (argv[0], "-h") == 0)
    {
      FILE *out = argc < 1 ? stderr : stdout;
      fprintf (out, "usage: vessel %s COMMAND [ARGS]\n\ncommands:\n", group);
      for (size_t i = 0; i < n; i++)
        if (cmds[i].help)
          fprintf (out, "  %-9s %s\n", cmds[i].name, cmds[i].help);
      return argc < 1 ? EXIT_ENGINE : 0;
    }
  for (size_t i = 0; i < n; i++)
    if (strcmp (argv[0], cmds[i].name) == 0)
      {
        optind = 0; /* reset getopt for the command's own parser */
        return cmds[i].fn (cli, argc, argv);
      }
  fprintf (stderr, "Error: unknown command `vessel %s %s` (see vessel %s --help)\n", group, argv[0], group);
  return EXIT_ENGINE;
}

int
main (int argc, char **argv)
{
  vs_cli cli = { .root = getenv ("VESSEL_ROOT"), .runroot = getenv ("VESSEL_RUNROOT") };
  int i = 1;

  if (cli.root == NULL || cli.root[0] == '\0')
    cli.root = "/var/lib/vessel";
  if (cli.runroot == NULL || cli.runroot[0] == '\0')
    cli.runroot = "/run/vessel";
  for (; i < argc && argv[i][0] == '-'; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--root") == 0 && i + 1 < argc)
        cli.root = argv[++i];
      else if (strncmp (a, "--root=", 7) == 0)
        cli.root = a + 7;
      else if (strcmp (a, "--runroot") == 0 && i + 1 < argc)
        cli.runroot = argv[++i];
      else if (strncmp (a, "--runroot=", 10) == 0)
        cli.runroot = a + 10;
      else if (strcmp (a, "--debug") == 0 || strcmp (a, "-D") == 0)
        cli.debug = true;
      else if (strcmp (a, "--version") == 0 || strcmp (a, "-v") == 0)
        {
          printf ("vessel version %s\n", VESSEL_VERSION);
          return 0;
        }
      else if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0)
        {
          usage (stdout);
          return 0;
        }
      else
        return cli_usage (NULL, "unknown flag `%s` (see vessel --help)", a);
    }
  if (i >= argc)
    {
      usage (stderr);
      return EXIT_ENGINE;
    }
  if (cli.root[0] != '/')
    return cli_usage (NULL, "--root `%s`: must be an absolute path", cli.root);
  if (cli.runroot[0] != '/')
    return cli_usage (NULL, "--runroot `%s`: must be an absolute path", cli.runroot);
  argc -= i;
  argv += i;
  if (strcmp (argv[0], "version") == 0)
    {
      printf ("vessel version %s\n", VESSEL_VERSION);
      return 0;
    }
  if (strcmp (argv[0], "help") == 0)
    {
      usage (stdout);
      return 0;
    }
  if (strcmp (argv[0], "image") == 0)
    return dispatch (&cli, "image", image_commands, ARRAY_SIZE (image_commands), argc - 1, argv + 1);
  if (strcmp (argv[0], "container") == 0)
    return dispatch (&cli, "container", container_commands, ARRAY_SIZE (container_commands), argc - 1, argv + 1);
  if (strcmp (argv[0], "volume") == 0)
    return dispatch (&cli, "volume", volume_commands, ARRAY_SIZE (volume_commands), argc - 1, argv + 1);
  if (strcmp (argv[0], "system") == 0)
    return dispatch (&cli, "system", system_commands, ARRAY_SIZE (system_commands), argc - 1, argv + 1);
  for (size_t k = 0; k < ARRAY_SIZE (commands); k++)
    if (strcmp (argv[0], commands[k].name) == 0)
      {
        optind = 0;
        return commands[k].fn (&cli, argc, argv);
      }
  fprintf (stderr, "Error: unknown command `%s` (see vessel --help)\n", argv[0]);
  return EXIT_ENGINE;
}
