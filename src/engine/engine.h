/* engine.h — containers from images: records, rootfs, OCI config, and the
 * lifecycle through vessel-monitor and vessel-runtime (daemonless, as podman).
 *
 *   <root>/vessel.db                 containers table (beside the images')
 *   <root>/containers/<id>/          config.json (bundle), rootfs/ (overlay
 *                                    mount), upper/, work/, and the monitor's
 *                                    files: state.json (with the monitor's pid)
 *   <root>/logs/<id>.log             json-file log, kept after rm until pruned
 *   <runroot>/runtime                vessel-runtime's state
 *
 * The monitor owns a running container's truth (state.json); the database
 * holds what was asked for.  Every read reconciles the two: a monitor that
 * is gone without recording an exit makes the container "exited" with
 * status 255 (docker's code for an unknown end). */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../basic/error.h"
#include "../image/store.h"

typedef struct vs_engine
{
  const char *root;       /* <root> */
  const char *runroot;    /* runtime state parent */
  vs_store *store;        /* open (exclusive for changes) */
  char runtime[4096];     /* vessel-runtime path */
  char monitor[4096];     /* vessel-monitor path */
  char self[4096];        /* vessel, for the monitor's exit command */
  struct
  {
    pid_t pid;            /* 0: none */
    int fd;
    char id[65];          /* its container, whose folder it made */
    bool go;              /* told to start (by vs_container_create_to_start) */
    char name[160];       /* then: its container's name */
  } pre;                  /* a monitor started ahead for `run -d` (vs_engine_open_to_run) */
} vs_engine;

struct vs_run_req;
int vs_engine_open (vs_engine *e, const char *root, const char *runroot, bool exclusive, vs_error *err);
/* The same for `run -d` of req: first the new container's folder and its
   monitor, which gets ready (two program loads, its mount namespace) while
   the engine opens and vs_container_create_to_start makes the container;
   it waits for the overlay's options, then for the start.  Best effort:
   without it, the monitor starts later.  vs_engine_close ends a monitor
   that was never told to go, and removes its folder. */
int vs_engine_open_to_run (vs_engine *e, const char *root, const char *runroot, const struct vs_run_req *req,
                           vs_error *err);
void vs_engine_close (vs_engine *e);

/* What `run`/`create` asked for (docker's flags, parsed). */
typedef struct vs_mount_req
{
  char *type;       /* "bind", "volume", "tmpfs" */
  char *source;     /* host path, volume name, or NULL */
  char *target;
  bool readonly;
  char *options;    /* tmpfs options, or NULL */
  bool anonymous;   /* a volume made for this container (`-v /path`) */
} vs_mount_req;

typedef struct vs_run_req
{
  char *image;              /* as given */
  char *name;               /* NULL: generated */
  char **cmd;               /* NULL: the image's */
  char **entrypoint;        /* NULL: the image's; {""} clears */
  bool entrypoint_set;
  char **env;               /* KEY=VALUE */
  char *workdir, *user, *hostname;
  char *network;            /* "none" or "host" (default host) */
  bool read_only, privileged, no_new_privs, auto_remove, init;
  char *seccomp;            /* NULL default, "unconfined", or a profile path */
  char **cap_add, **cap_drop;
  vs_mount_req *mounts;
  size_t n_mounts;
  char **labels;            /* KEY=VALUE */
  char *restart;            /* "no", "always", "unless-stopped", "on-failure[:N]" */
  char *stop_signal;
  int stop_timeout;         /* seconds, -1: 10 */
  int64_t memory, memory_swap, shm_size, pids_limit;
  int64_t cpu_quota, cpu_period, cpu_shares;
  char **ulimits;           /* "nofile=1024:2048" */
  char **devices;           /* "/dev/fuse[:/dev/fuse[:rwm]]" */
  int64_t log_max_size;     /* bytes, 0: unlimited */
  int log_max_file;
  bool tty;                 /* -t: process.terminal (docker's Config.Tty) */
  bool open_stdin;          /* -i: stdin kept open (docker's Config.OpenStdin) */
  unsigned short console_height, console_width; /* -t: the CLI's terminal, 0: unknown */
  bool attached;            /* create_to_start: the caller waits in the foreground
                               (vs_container_mark_attached, before it starts) */
} vs_run_req;

void vs_run_req_free (vs_run_req *r);

/* A container as `ps` and `inspect` see it. */
typedef struct vs_container
{
  char id[65];
  char *name;
  char *image;              /* as given */
  char image_id[72];
  char *command;            /* for ps: the command line */
  int64_t created;
  char *status;             /* created, running, paused, restarting, exited, dead */
  int exit_code;
  int pid;
  char *started_at, *finished_at;  /* RFC3339Nano or NULL */
  int restart_count;
  char *request;            /* the run request as JSON (inspect) */
  char *error;              /* the start error, if any */
} vs_container;

void vs_container_free (vs_container *c);
static inline void
vs_container_freep (vs_container *c)
{
  vs_container_free (c);
}
#define _cleanup_container_ __attribute__ ((cleanup (vs_container_freep)))
void vs_containers_free (vs_container *c, size_t n);

/* Create a container (record, rootfs dirs, config.json); not started. */
int vs_container_create (vs_engine *e, const vs_run_req *req, char id[65], vs_error *err);
/* The same for a container that vs_container_start starts next (run -d),
   with the monitor started by vs_engine_open_to_run (or now), which is
   told to start as soon as the record is written: vs_container_start then
   only collects its answer. */
int vs_container_create_to_start (vs_engine *e, const vs_run_req *req, char id[65], vs_error *err);
/* Start it through a monitor; waits until it runs or failed to start.
 * A start failure fills err and returns -ENOEXEC (exit code in *code:
 * 125, 126 or 127, as docker). */
int vs_container_start (vs_engine *e, const char *what, int *code, vs_error *err);
/* Find by full id, unique id prefix, or name. */
int vs_container_get (vs_engine *e, const char *what, vs_container *c, vs_error *err);
int vs_container_list (vs_engine *e, bool all, vs_container **ret, size_t *n, vs_error *err);
/* Signal the container (via the runtime); marks it stopped so the restart
 * policy leaves it. */
int vs_container_kill (vs_engine *e, const char *what, const char *signal, vs_error *err);
/* stop: stop signal, wait timeout seconds (-1: the container's own), SIGKILL. */
int vs_container_stop (vs_engine *e, const char *what, int timeout, vs_error *err);
/* Wait until it is not running; *code = its exit code. */
int vs_container_wait (vs_engine *e, const char *what, int *code, vs_error *err);
/* The exit code a removed container had (kept with its log): 0 or -ENOENT. */
int vs_container_removed_exit (vs_engine *e, const char *id, int *code);
/* The pid of the container's monitor (or of its exit command), -1 when
   gone; init_pid (optional): the init's it recorded, 0 when not running. */
int vs_container_monitor_pid (vs_engine *e, const char *id, int *init_pid);
/* rm: refuses a running one unless force (then kills it). */
int vs_container_remove (vs_engine *e, const char *what, bool force, bool volumes, vs_error *err);
/* After the monitor: unmount the rootfs; remove when auto-remove was asked. */
int vs_container_cleanup (vs_engine *e, const char *id, vs_error *err);
/* A removed container whose log is kept, by name, id or id prefix: 0 or -ENOENT. */
int vs_container_log_find (vs_engine *e, const char *what, char id[65]);
/* Forget the logs of removed containers (files and records); *n removed. */
int vs_container_logs_prune (vs_engine *e, size_t *n, vs_error *err);
/* A CLI that follows the container in the foreground cleans up after it
 * itself while it lives (the monitor's exit command does when it died). */
int vs_container_mark_attached (vs_engine *e, const char *id, vs_error *err);
void vs_container_unmark_attached (vs_engine *e, const char *id);
/* Path of the container's json-file log (also for removed containers). */
char *vs_container_log_path (vs_engine *e, const char *id);
/* The container as docker inspect shows it (new reference). */
json_t *vs_container_inspect (vs_engine *e, const vs_container *c);
/* Make the image store refuse to remove images containers use (rmi, prune). */
int vs_engine_guard_images (vs_store *s, vs_error *err);
/* Whether any container uses image id (for rmi). */
bool vs_engine_image_in_use (void *engine, const char *image_id);
/* <root>/containers/<id>[/leaf] (malloc'd). */
char *vs_container_path (vs_engine *e, const char *id, const char *leaf);
/* An fd of the container's merged root filesystem (its monitor's mount, or
   one made in a private mount namespace of the caller when it is stopped). */
int vs_container_rootfs_open (vs_engine *e, const vs_container *c, vs_error *err);

/* vs_container_start, with attach_fd (>= 0: one end of a SOCK_SEQPACKET
 * socketpair; the caller keeps the other) handed to the monitor as its first
 * attach client before the container exists, so a foreground `run -i`/`-t`
 * misses no output and no input (see src/monitor/main.c for the protocol).
 * -1: as vs_container_start. */
int vs_container_start_attached (vs_engine *e, const char *what, int attach_fd, int *code, vs_error *err);
/* Whether the container was created with -t / -i (its request's Tty and
 * OpenStdin). */
void vs_container_stdio_flags (const vs_container *c, bool *tty, bool *open_stdin);
