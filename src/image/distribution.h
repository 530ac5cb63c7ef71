/* distribution.h — moving images between the store and a registry:
 * pull (manifest or index → platform → config → layers in parallel →
 * snapshots → one transaction) and push (blobs with HEAD skip and
 * cross-repository mounts, then the manifest). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "../basic/error.h"
#include "registry.h"
#include "store.h"

/* What a pull or push reports as it goes, per layer (index i of n). */
typedef struct vs_transfer_events
{
  void (*start) (void *user, size_t n);
  void (*layer) (void *user, size_t i, const char *digest, int64_t size, const char *status);
  void (*bytes) (void *user, size_t i, int64_t done, int64_t total);
  void (*message) (void *user, const char *line);
  void *user;
} vs_transfer_events;

typedef struct vs_transfer_opts
{
  const char *platform;          /* NULL: vs_platform_default () */
  vs_registry_opts registry;
  int parallel;                  /* layers at once, 0: 4 */
  const vs_transfer_events *events; /* may be NULL */
} vs_transfer_opts;

/* Pull `reference` into the store and name it.  id receives the image id. */
int vs_image_pull (vs_store *s, const char *reference, const vs_transfer_opts *o, char id[72], vs_error *err);
/* Push image `what` (name or id) to `reference` (defaults to what). */
int vs_image_push (vs_store *s, const char *what, const char *reference, const vs_transfer_opts *o,
                   char digest[72], vs_error *err);
/* The host to connect to for a reference's registry ("docker.io" →
 * "registry-1.docker.io"). */
const char *vs_registry_endpoint (const char *registry);
