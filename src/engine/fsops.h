/* fsops.h — a container's file system from the outside, as docker's
 * diff, commit, cp, export, rename and container prune.
 *
 * The changes of a container are its overlay upper dir
 * (<root>/containers/<id>/upper): it is read directly, also while the
 * container runs (docker pauses it for a commit; vessel does not).  The
 * merged view (cp, export) is the mounted rootfs of a running container;
 * for a stopped one the overlay is mounted in a private mount namespace of
 * this process, so it vanishes with it.
 *
 * Every path inside the container is resolved inside its root
 * (openat2 RESOLVE_IN_ROOT) and every walk goes through fds with
 * O_NOFOLLOW: a symlink in the container never makes vessel read or write
 * a host file. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

typedef struct vs_change
{
  char kind;   /* 'A' added, 'C' changed, 'D' deleted */
  char *path;  /* "/etc/passwd" */
} vs_change;

/* The changes in docker's order: a depth-first walk of the upper dir, names
 * sorted in each folder, a folder before what is under it. */
int vs_container_diff (vs_engine *e, const char *what, vs_change **ret, size_t *n, vs_error *err);
void vs_changes_free (vs_change *c, size_t n);

typedef struct vs_commit_opts
{
  const char *message;      /* history comment, may be NULL */
  const char *author;       /* may be NULL */
  char *const *changes;     /* Dockerfile instructions (as import -c), may be NULL */
  const char *name;         /* canonical name, may be NULL */
} vs_commit_opts;

/* A new image: the container's image layers plus one uncompressed layer
 * made from the upper dir (overlay whiteouts as OCI ".wh." entries), its
 * config the container's with the changes applied.  The engine must be
 * open exclusively. */
int vs_container_commit (vs_engine *e, const char *what, const vs_commit_opts *o, char id[72], vs_error *err);

/* The merged file system as a tar, to fd. */
int vs_container_export (vs_engine *e, const char *what, int fd, vs_error *err);

/* docker cp CONTAINER:SRC DEST (dest "-": a tar to stdout). follow: -L. */
int vs_container_copy_from (vs_engine *e, const char *what, const char *src, const char *dest, bool follow,
                            vs_error *err);
/* docker cp SRC CONTAINER:DEST (src "-": a tar from stdin). */
int vs_container_copy_to (vs_engine *e, const char *what, const char *src, const char *dest, bool follow,
                          vs_error *err);

/* docker rename: the name rules and the "already in use" conflict. */
int vs_container_rename (vs_engine *e, const char *what, const char *name, vs_error *err);

/* Remove every container that is not running (or paused, restarting):
 * their full ids (NULL-terminated, free with rt-style loops) and the size
 * of their upper dirs. */
int vs_containers_prune (vs_engine *e, char ***ids, int64_t *reclaimed, vs_error *err);
/* Bytes of the regular files under path (not following symlinks). */
int64_t vs_tree_size (const char *path);
/* docker's SizeRw (what the container wrote: its upper layer) and
 * SizeRootFs (that plus its image's unpacked layers). */
void vs_container_sizes (vs_engine *e, const vs_container *c, int64_t *rw, int64_t *rootfs);
