/* ops.h — operations on running containers, through vessel-runtime and the
 * container's cgroups and /proc: exec, top (process list), pause/unpause,
 * and resource statistics. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "../basic/error.h"
#include "engine.h"

/* ---- exec ---- */

typedef struct vs_exec_req
{
  char **args;          /* command and arguments (NULL-terminated) */
  char **env;           /* KEY=VALUE, replacing the container's KEY */
  const char *user;     /* NAME|UID[:GROUP|GID] in the container; NULL: the container's */
  const char *workdir;  /* absolute; NULL: the container's */
  bool detach;          /* return once it runs; stdio is /dev/null */
  bool interactive;     /* pass stdin (else /dev/null) */
} vs_exec_req;

/* Run a process in a running container.  Foreground: stdio is passed
 * straight through and *code is its exit status.  Failures fill err and
 * return negative with *code as docker: 125 (no such or not running
 * container, bad request), 126 (cannot invoke), 127 (command not found). */
int vs_container_exec (vs_engine *e, const char *what, const vs_exec_req *req, int *code, vs_error *err);
/* The OCI process of such an exec (the container's own, with the request's
 * args, env, directory and user), for callers that run it themselves. */
int vs_container_exec_process (vs_engine *e, const vs_container *c, const vs_exec_req *req, json_t **ret,
                               vs_error *err);

/* The runtime's last error in its json --log file, or "" when it logged none. */
void vs_runtime_log_error (const char *path, char *msg, size_t len);

/* ---- top ---- */

typedef struct vs_proc
{
  int pid, ppid;
  unsigned uid;
  char state;           /* R, S, D, T, Z ... from /proc/PID/stat */
  int tty_nr;           /* 0: none */
  uint64_t cpu_ticks;   /* utime + stime (clock ticks) */
  uint64_t start_ticks; /* since boot (clock ticks) */
  char *cmd;            /* command line, or [comm] */
} vs_proc;

void vs_procs_free (vs_proc *p, size_t n);
/* The container's processes (from the runtime's pid list, details from /proc). */
int vs_container_top (vs_engine *e, const char *what, vs_proc **ret, size_t *n, vs_error *err);
/* `ps ARGS` filtered to the container's processes (the runtime's table). */
int vs_container_top_ps (vs_engine *e, const char *what, char **ps_args, char **out, vs_error *err);

/* ---- pause ---- */

/* Freeze (pause) or thaw every process of a running container. */
int vs_container_pause (vs_engine *e, const char *what, bool pause, vs_error *err);
/* Whether the cgroup of a container's init (pid) is frozen: what the
 * runtime's `state` reports as "paused", read without running it (no fork:
 * every container lookup asks). */
bool vs_container_frozen (int pid);

/* ---- stats ---- */

typedef struct vs_psi
{
  bool present;
  double some_avg10, full_avg10;
} vs_psi;

typedef struct vs_stats
{
  char id[65];
  char *name;
  int pid;
  int64_t when_ns;          /* CLOCK_MONOTONIC at the sample */
  int64_t cpu_ns;           /* cumulative CPU time, -1 unknown */
  int64_t mem_usage;        /* without inactive file pages (as docker) */
  int64_t mem_raw_usage;    /* the cgroup's own number */
  int64_t mem_cache;        /* page cache (file) */
  int64_t mem_anon;         /* anonymous (rss) */
  int64_t mem_limit;        /* the cgroup's limit, or the host's memory */
  int64_t blk_read, blk_write;
  int64_t pids;
  bool has_net;             /* own network namespace: rx/tx below */
  int64_t net_rx, net_tx;
  vs_psi psi_cpu, psi_memory, psi_io;
} vs_stats;

void vs_stats_free (vs_stats *s);
/* One sample of a running (or paused) container's resources, now. */
int vs_container_stats (vs_engine *e, const char *what, vs_stats *s, vs_error *err);
