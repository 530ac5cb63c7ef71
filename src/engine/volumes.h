/* volumes.h — docker's local volumes:
 *
 *   <root>/volumes/<name>/_data          what containers mount (spec.c makes it on `run -v name:/p`)
 *   <root>/volumes/<name>/volume.json    {"CreatedAt", "Labels", "Options"} (absent for volumes
 *                                        that `run` made: then the folder's time is used)
 *
 * A volume is in use while a container's run request (its JSON in the
 * database) lists it in Mounts with Type "volume".  Anonymous volumes are
 * the ones `run -v /path` makes: 32 hex digits. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine.h"

/* docker's rule for local volume names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
bool vs_volume_name_valid (const char *name);
/* Anonymous volumes (`-v /path`) carry a marker file made with them; a
 * named volume never counts as one, whatever its name looks like. */
bool vs_volume_is_anonymous (vs_engine *e, const char *name);

/* Create (name NULL: 64 random hex digits); an existing volume is kept as
 * it is (docker).  labels and opts: KEY=VALUE, NULL-terminated, may be NULL.
 * *ret_name (malloc'd) receives the name. */
int vs_volume_create (vs_engine *e, const char *name, char *const *labels, char *const *opts, char **ret_name,
                      vs_error *err);
/* Names, sorted (NULL-terminated, free with rt_strv_free). */
int vs_volume_list (vs_engine *e, char ***ret, size_t *n, vs_error *err);
/* docker's inspect object (new reference), or NULL with "No such volume: X". */
json_t *vs_volume_inspect (vs_engine *e, const char *name, vs_error *err);
/* Ids of the containers that use the volume (NULL-terminated, may be empty). */
int vs_volume_users (vs_engine *e, const char *name, char ***ret, vs_error *err);
/* Remove; refused while a container uses it; force: a missing one is not an error. */
int vs_volume_remove (vs_engine *e, const char *name, bool force, vs_error *err);
/* Remove the unused volumes (all: named ones too, else anonymous only):
 * their names and the bytes they held. */
int vs_volumes_prune (vs_engine *e, bool all, char ***ret, int64_t *reclaimed, vs_error *err);
/* rm -v: remove the anonymous volumes a run request (JSON) lists that no
 * other container uses.  Best effort. */
void vs_volumes_remove_anonymous (vs_engine *e, const char *request);
