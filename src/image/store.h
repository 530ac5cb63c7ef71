/* store.h — the image store under <root>:
 *
 *   <root>/images/oci-layout, blobs/sha256/<hex>   content-addressed blobs (OCI layout)
 *   <root>/images/ingest/<hex>                      partial downloads (resumed)
 *   <root>/snapshots/<chain-id hex>/                one unpacked layer each (overlay lowerdir)
 *   <root>/snapshots/<chain-id hex>-init/           the engine's mount points for the images
 *                                                   whose top layer it is (engine/initlayer.h);
 *                                                   vs_store_check removes it with the layer
 *   <root>/vessel.db                                SQLite (WAL): images, names, layers
 *   <root>/store.lock                               flock: shared to read, exclusive to change
 *
 * A blob becomes visible only after it was written to a temp file, fsynced,
 * its digest verified, and renamed.  A snapshot is unpacked into
 * snapshots/.tmp-<hex>-<pid> and renamed when complete.  Image rows are
 * written in one transaction after every blob and snapshot they refer to
 * exists, so a store killed at any moment holds at worst orphans, which
 * vs_store_check (run by every changing command) removes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../basic/error.h"
#include "unpack.h"

typedef struct vs_store vs_store;

/* exclusive: take the store lock for changes (pull, rmi, tag, load...). */
int vs_store_open (const char *root, bool exclusive, vs_store **ret, vs_error *err);
void vs_store_close (vs_store *s);
static inline void
vs_store_closep (vs_store **s)
{
  vs_store_close (*s);
}
#define _cleanup_store_ __attribute__ ((cleanup (vs_store_closep)))
const char *vs_store_root (const vs_store *s);
/* Give up the store lock but keep the database open: for a command that
 * only reads container rows while it waits a long time (wait, exec,
 * stop), so that pulls and rmi are not held up meanwhile. */
void vs_store_unlock (vs_store *s);
/* The SQLite handle, for the engine's own tables in the same database. */
struct sqlite3 *vs_store_db (vs_store *s);

/* ---- blobs ---- */
bool vs_store_blob_exists (vs_store *s, const char *digest);
/* <root>/images/blobs/sha256/<hex> (malloc'd). */
char *vs_store_blob_path (vs_store *s, const char *digest);
int vs_store_blob_open (vs_store *s, const char *digest, int *ret_fd, int64_t *ret_size, vs_error *err);
/* Read a small blob (manifest, config) whole, at most max bytes. */
int vs_store_blob_read (vs_store *s, const char *digest, size_t max, char **data, size_t *len, vs_error *err);
/* Store bytes; out (may be NULL) receives their digest; when expect is not
 * NULL the bytes must hash to it. */
int vs_store_blob_put (vs_store *s, const void *data, size_t len, const char *expect, char out[72], vs_error *err);
/* Open (creating) the ingest file for digest: *have = bytes already there. */
int vs_store_ingest_open (vs_store *s, const char *digest, int *ret_fd, int64_t *have, vs_error *err);
/* fsync, hash, compare with digest, rename into blobs.  A mismatch removes
 * the ingest file and fails naming both digests. */
int vs_store_ingest_commit (vs_store *s, const char *digest, int fd, vs_error *err);
/* Copy a whole stream (fd) into the store, computing its digest. */
int vs_store_blob_put_fd (vs_store *s, int fd, const char *expect, char out[72], int64_t *size, vs_error *err);

/* ---- snapshots ---- */
bool vs_store_snapshot_exists (vs_store *s, const char *chain_id);
/* <root>/snapshots/<hex> (malloc'd) */
char *vs_store_snapshot_path (vs_store *s, const char *chain_id);
/* Unpack layer blob `blob` (whose uncompressed digest must be diff_id) as
 * snapshot chain_id, unless it exists.  *size (may be NULL) = bytes unpacked. */
int vs_store_snapshot_make (vs_store *s, const char *chain_id, const char *blob, const char *diff_id,
                            int64_t *size, vs_error *err);

/* The same, reading the layer through read_fn while it is still being
 * downloaded (fd: the partial blob file, for its first bytes). */
int vs_store_snapshot_make_stream (vs_store *s, const char *chain_id, const char *blob, const char *diff_id, int fd,
                                   vs_unpack_read_fn read_fn, void *user, int64_t *size, vs_error *err);

/* Remove snapshot chain_id when no image refers to it (a failed pull's). */
void vs_store_snapshot_drop_unused (vs_store *s, const char *chain_id);

/* Unpacked size of the snapshot chain_id as recorded for any image, or -1. */
int64_t vs_store_layer_size (vs_store *s, const char *chain_id);

/* ---- images ---- */
typedef struct vs_image_layer
{
  char blob[72];       /* compressed layer blob */
  char diff_id[72];
  char chain_id[72];
  char *media_type;
  int64_t blob_size;
  int64_t size;        /* unpacked bytes */
} vs_image_layer;

typedef struct vs_image
{
  char id[72];             /* the config digest, as docker */
  char manifest[72];       /* manifest digest */
  char *manifest_type;
  char **names;            /* canonical "registry/repo:tag", NULL-terminated */
  char **repo_digests;     /* "registry/repo@sha256:..." (index or manifest), NULL-terminated */
  int64_t created;         /* from the config */
  int64_t size;            /* sum of unpacked layer sizes */
  vs_image_layer *layers;
  size_t n_layers;
} vs_image;

void vs_image_free (vs_image *img);
void vs_images_free (vs_image *imgs, size_t n);
static inline void
vs_image_freep (vs_image *img)
{
  vs_image_free (img);
}
#define _cleanup_image_ __attribute__ ((cleanup (vs_image_freep)))

/* Record an image whose blobs and snapshots are all present, in one
 * transaction: name (may be NULL) moves to it from any other image;
 * repo_digest (may be NULL) is added; extra_blob (an index, may be NULL)
 * is kept alive with it. */
int vs_store_image_add (vs_store *s, const vs_image *img, const char *name, const char *repo_digest,
                        const char *extra_blob, vs_error *err);
/* Find by canonical or short name ("busybox"), "name@digest", full id, or
 * unique id prefix (>= 3 hex).  -ENOENT with "no such image: X". */
int vs_store_image_get (vs_store *s, const char *what, vs_image *img, vs_error *err);
int vs_store_image_list (vs_store *s, vs_image **ret, size_t *n, vs_error *err);
/* Add name (canonical) to image id. */
int vs_store_tag (vs_store *s, const char *id, const char *name, vs_error *err);
/* Remove one name; 1 when it was the image's last name. */
int vs_store_untag (vs_store *s, const char *name, vs_error *err);
/* Delete an image's rows (names, digests, layers). */
int vs_store_image_delete (vs_store *s, const char *id, vs_error *err);
/* Whether a container uses image id: the engine registers a checker. */
typedef bool (*vs_image_in_use_fn) (void *user, const char *id);
void vs_store_set_in_use (vs_store *s, vs_image_in_use_fn fn, void *user);
bool vs_store_image_in_use (vs_store *s, const char *id);

/* Remove what no image refers to: blobs, snapshots, half-made snapshots,
 * stale ingest files (only with all=true, else kept for resume).
 * Counts what it removed. */
typedef struct vs_check_report
{
  size_t blobs, snapshots, temps;
  int64_t bytes;
} vs_check_report;
int vs_store_check (vs_store *s, bool drop_ingest, vs_check_report *rep, vs_error *err);

/* Disk use: blobs and snapshots, in bytes (st_blocks based). */
int vs_store_disk_use (vs_store *s, int64_t *blobs, int64_t *snapshots, vs_error *err);
