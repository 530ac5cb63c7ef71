/* state.h — a container's state on disk under the runtime root.
 *
 * <root>/<id>/ holds state.json (written atomically) and, while the
 * container is created but not started, exec.fifo.  Every command takes a
 * flock on the folder, so commands on one container are serialized. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../basic/error.h"

struct rt_state
{
  int dirfd;      /* locked state folder */
  char *dir;      /* its path */
  json_t *doc;    /* state.json */
};

/* A container id: [A-Za-z0-9_+.-], no leading '.', at most 1024 bytes. */
int rt_state_check_id (const char *id, vs_error *err);
/* Create <root>/<id> exclusively and lock it.  EEXIST → "already exists". */
int rt_state_create (const char *root, const char *id, struct rt_state *st, vs_error *err);
/* Open and lock an existing container and read its state.json. */
int rt_state_open (const char *root, const char *id, struct rt_state *st, vs_error *err);
int rt_state_save (struct rt_state *st, vs_error *err);
/* Save again, in place: one write into the existing state.json, padded
   with spaces to its old length (still one JSON document).  For a save
   made under the folder's lock, which every reader takes: no new file
   (an inode, and a scan of recently freed ones on ext4 without journal). */
int rt_state_update (struct rt_state *st, vs_error *err);
/* Remove the folder (and close). */
int rt_state_destroy (struct rt_state *st, vs_error *err);
void rt_state_close (struct rt_state *st);

/* Accessors on the document. */
const char *rt_state_get_str (const struct rt_state *st, const char *key);
pid_t rt_state_pid (const struct rt_state *st);
/* "creating", "created", "running", "paused" or "stopped", from the live system. */
const char *rt_state_status (const struct rt_state *st);
/* A pidfd for the init process if it is still the same process, else -1. */
int rt_state_pidfd (const struct rt_state *st);
/* The spec's state object (ociVersion, id, status, pid, bundle, annotations). */
json_t *rt_state_oci (const struct rt_state *st);

/* Process start time (field 22 of /proc/<pid>/stat), 0 when gone. */
unsigned long long rt_proc_start_time (pid_t pid);
/* Whether /proc/<pid> is a zombie or absent. */
bool rt_proc_is_dead (pid_t pid);
