/* archive.h — images in and out of the store as files: save (docker-archive
 * tar, OCI layout directory, oci-archive tar), load (any of those), and
 * import (a rootfs tarball becomes a one-layer image).
 *
 * Layers that come in uncompressed (docker-archive layers, imported
 * rootfs tarballs) are stored as they are, media type
 * application/vnd.oci.image.layer.v1.tar: the blob digest is the diff_id,
 * nothing is recompressed, and saving them as docker-archive is a copy.
 * Layers of OCI layouts are stored as the layout has them.  Compressed
 * layers are decompressed on the fly when a docker-archive is written.
 *
 * A load stores every blob and snapshot first and adds the image rows only
 * when all of them are there: a failed load leaves no image, only orphans,
 * which it removes before returning (vs_store_check). */
#pragma once

#include <stddef.h>

#include "../basic/error.h"
#include "store.h"

typedef enum vs_archive_format
{
  VS_ARCHIVE_DOCKER,   /* docker-archive: manifest.json, <hex>.json, <hex>/layer.tar, repositories */
  VS_ARCHIVE_OCI,      /* oci-archive: a tar of an OCI layout */
  VS_ARCHIVE_OCI_DIR,  /* an OCI layout directory */
} vs_archive_format;

/* One image to save and the canonical names to record for it (NULL or
 * empty: saved untagged, as docker does for an image given by id). */
typedef struct vs_save_item
{
  const vs_image *img;
  char *const *names;  /* NULL-terminated, may be NULL */
} vs_save_item;

/* Write the images to fd: a file or pipe for the tar formats, an open
 * (empty) directory for VS_ARCHIVE_OCI_DIR. */
int vs_archive_save (vs_store *s, const vs_save_item *items, size_t n, vs_archive_format fmt, int fd,
                     vs_error *err);

/* What a load added: an id and the canonical names it got. */
typedef struct vs_loaded
{
  char id[72];
  char **names;        /* NULL-terminated */
} vs_loaded;

/* Load path: an OCI layout directory, or a file (NULL: stdin) holding a
 * docker-archive or oci-archive tar (optionally gzip/zstd compressed).
 * The store must be open exclusively. */
int vs_archive_load (vs_store *s, const char *path, vs_loaded **ret, size_t *n, vs_error *err);
void vs_loaded_free (vs_loaded *l, size_t n);

typedef struct vs_import_opts
{
  char *const *changes;  /* Dockerfile instructions: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER,
                            VOLUME, WORKDIR, STOPSIGNAL (NULL-terminated, may be NULL) */
  const char *message;   /* history comment, may be NULL */
  const char *name;      /* canonical name to give the image, may be NULL */
  const char *source;    /* where the tarball came from, for the default comment */
} vs_import_opts;

/* Make a one-layer image from the rootfs tarball read from fd (plain,
 * gzip or zstd); id receives the new image id. */
int vs_archive_import (vs_store *s, int fd, const vs_import_opts *opts, char id[72], vs_error *err);

/* Apply one Dockerfile instruction (as import's changes) to the "config"
 * object of an image config (for commit).  Errors start with "import: ". */
struct json_t;
int vs_archive_apply_change (struct json_t *config, const char *change, vs_error *err);

/* Now as an image config's "created" (RFC 3339, nanoseconds, UTC); *now
 * gets the seconds. */
#include <time.h>
void vs_rfc3339_now (char *buf, size_t len, time_t *now);
