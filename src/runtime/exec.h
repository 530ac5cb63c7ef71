/* exec.h — running another process inside a running container. */
#pragma once

#include <stdbool.h>

#include "../basic/error.h"

struct rt_exec_opts
{
  const char *root, *id;
  const char *process_file;   /* --process: a JSON process object ("-" = stdin) */
  char **args;                /* command and arguments (when no --process) */
  char **env;                 /* --env K=V, appended to the config's */
  char **caps;                /* --cap, added to bounding/effective/permitted */
  const char *cwd, *user;     /* --cwd, --user uid[:gid] */
  const char *console_socket, *pid_file;
  bool tty, detach, no_new_privs;
  int preserve_fds;
};

/* Foreground: the process's exit status (128+N for a signal) in *ret_status. */
int rt_container_exec (const struct rt_exec_opts *o, int *ret_status, vs_error *err);
