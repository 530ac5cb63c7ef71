/* container.h — the runtime's operations on containers: what every CLI verb
 * of vessel-runtime (and later the engine's monitor) calls. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "../basic/error.h"

struct rt_create_opts
{
  const char *root;           /* state root, e.g. /run/vessel-runtime */
  const char *id;
  const char *bundle;         /* default "." */
  const char *pid_file;       /* may be NULL */
  const char *console_socket; /* may be NULL */
  bool no_pivot;
  bool detach;                /* run only */
  int preserve_fds;
};

int rt_container_create (const struct rt_create_opts *o, vs_error *err);
/* Create and start; in the foreground wait and return the exit status
 * (128+N for a signal) in *ret_status. */
int rt_container_run (const struct rt_create_opts *o, int *ret_status, vs_error *err);
int rt_container_start (const char *root, const char *id, vs_error *err);
int rt_container_kill (const char *root, const char *id, int sig, bool all, vs_error *err);
int rt_container_delete (const char *root, const char *id, bool force, vs_error *err);
/* The spec's state object. */
int rt_container_state (const char *root, const char *id, json_t **ret, vs_error *err);
/* An array of {id, pid, status, bundle, rootfs, created, owner, annotations}. */
int rt_container_list (const char *root, json_t **ret, vs_error *err);

/* Signal by name ("KILL", "SIGKILL", "RTMIN+3") or number. -1 if unknown. */
int rt_signal_parse (const char *s);

/* Freeze or thaw every process of a running container. */
int rt_container_pause (const char *root, const char *id, bool pause, vs_error *err);
/* Apply a linux.resources object to a live container. */
int rt_container_update (const char *root, const char *id, json_t *resources, vs_error *err);
/* {"type":"stats","id":..,"data":{cpu, memory, pids, ...}} from its cgroups. */
int rt_container_stats (const char *root, const char *id, json_t **ret, vs_error *err);
/* Host pids of every process in the container. */
int rt_container_pids (const char *root, const char *id, pid_t **ret, size_t *ret_n, vs_error *err);
