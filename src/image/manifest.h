/* manifest.h — OCI and Docker v2 schema-2 manifests, indexes (manifest
 * lists) and image configs: parse, validate, pick a platform, and build. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../basic/error.h"

#define VS_MT_OCI_MANIFEST    "application/vnd.oci.image.manifest.v1+json"
#define VS_MT_OCI_INDEX       "application/vnd.oci.image.index.v1+json"
#define VS_MT_OCI_CONFIG      "application/vnd.oci.image.config.v1+json"
#define VS_MT_OCI_LAYER       "application/vnd.oci.image.layer.v1.tar"
#define VS_MT_OCI_LAYER_GZIP  "application/vnd.oci.image.layer.v1.tar+gzip"
#define VS_MT_OCI_LAYER_ZSTD  "application/vnd.oci.image.layer.v1.tar+zstd"
#define VS_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define VS_MT_DOCKER_LIST     "application/vnd.docker.distribution.manifest.list.v2+json"
#define VS_MT_DOCKER_CONFIG   "application/vnd.docker.container.image.v1+json"
#define VS_MT_DOCKER_LAYER    "application/vnd.docker.image.rootfs.diff.tar.gzip"
/* What a registry is asked for, in an Accept header. */
#define VS_MANIFEST_ACCEPT VS_MT_OCI_MANIFEST ", " VS_MT_OCI_INDEX ", " VS_MT_DOCKER_MANIFEST ", " VS_MT_DOCKER_LIST

typedef struct vs_descriptor
{
  char *media_type;
  char *digest;        /* validated "sha256:<hex>" */
  int64_t size;        /* >= 0 */
  char *platform_os;   /* index entries only (else NULL) */
  char *platform_arch;
  char *platform_variant;
} vs_descriptor;

typedef struct vs_manifest
{
  char *media_type;    /* VS_MT_OCI_MANIFEST or VS_MT_DOCKER_MANIFEST */
  vs_descriptor config;
  vs_descriptor *layers;
  size_t n_layers;
} vs_manifest;

typedef struct vs_index
{
  char *media_type;
  vs_descriptor *manifests;
  size_t n_manifests;
} vs_index;

typedef struct vs_history
{
  int64_t created;     /* seconds since the epoch, 0 when absent */
  char *created_by;
  char *comment;
  bool empty_layer;
} vs_history;

/* The parts of an image config the store and engine use; `raw` keeps the
 * whole JSON for inspect. */
typedef struct vs_image_config
{
  char *os, *arch, *variant;
  int64_t created;
  char *author;
  char **diff_ids;     /* rootfs.diff_ids, validated */
  size_t n_diff_ids;
  vs_history *history;
  size_t n_history;
  /* config.* (Cmd, Entrypoint, Env, WorkingDir, User, ...) as JSON text or NULL */
  char *container_config_json;
} vs_image_config;

/* Which kind of document the bytes are: from the mediaType field, else
 * from its shape ("manifests" → index, "layers" → manifest).  The
 * Content-Type a registry sent, when given, must agree (parameters and case
 * are ignored; a generic one such as application/json says nothing; without
 * a mediaType in the body it picks OCI or Docker).  Schema 1 is refused.
 * Returns a static media type string or NULL with err filled (names the
 * media types). */
const char *vs_manifest_kind (const char *data, size_t len, const char *content_type, vs_error *err);

/* The parsers fill *out on success; on failure it is left zeroed (nothing
 * to free).  Errors name the document and the field:
 *   manifest: layers[1].digest: invalid digest "sha256:12": ... */
int vs_manifest_parse (const char *data, size_t len, vs_manifest *m, vs_error *err);
void vs_manifest_free (vs_manifest *m);
static inline void
vs_manifest_freep (vs_manifest *m)
{
  vs_manifest_free (m);
}
#define _cleanup_manifest_ __attribute__ ((cleanup (vs_manifest_freep)))
int vs_index_parse (const char *data, size_t len, vs_index *ix, vs_error *err);
void vs_index_free (vs_index *ix);
/* The entry for os/arch[/variant] (platform "linux/amd64", "linux/arm64/v8"),
 * or NULL with an error listing the platforms the index has.  Without a
 * variant, an entry with none or with the arch's default (arm64 v8, arm v7,
 * amd64 v1) is preferred, else the first of that os/arch; an explicit
 * variant also matches an entry without one when it is the default.
 * uname spellings (x86_64, aarch64) are accepted for arch. */
const vs_descriptor *vs_index_pick (const vs_index *ix, const char *platform, vs_error *err);
int vs_image_config_parse (const char *data, size_t len, vs_image_config *c, vs_error *err);
void vs_image_config_free (vs_image_config *c);
static inline void
vs_image_config_freep (vs_image_config *c)
{
  vs_image_config_free (c);
}
#define _cleanup_image_config_ __attribute__ ((cleanup (vs_image_config_freep)))

/* The host's platform as "linux/amd64" etc. (static). */
const char *vs_platform_default (void);

/* chain_id[i] = sha256(chain_id[i-1] + " " + diff_id[i]), chain_id[0] = diff_id[0]
 * (the OCI rule).  out must hold n strings of VS_DIGEST_LEN+1; see digest.h. */
void vs_chain_ids (char *const *diff_ids, size_t n, char (*out)[72]);

/* Serialize an OCI manifest (for import/commit/push): returns malloc'd JSON,
 * compact, keys in a fixed order (schemaVersion, mediaType — m->media_type
 * or OCI's when NULL — config, layers; descriptors mediaType, digest, size),
 * or NULL when out of memory or a descriptor lacks its media type or digest. */
char *vs_manifest_build (const vs_manifest *m);
