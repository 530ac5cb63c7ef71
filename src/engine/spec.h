/* spec.h — a container's OCI config.json from its image and the run request,
 * with docker's defaults (capabilities, seccomp, masked paths, mounts). */
#pragma once

#include <jansson.h>

#include "../basic/error.h"
#include "../image/manifest.h"
#include "../image/store.h"
#include "engine.h"

/* Every container's cgroup is VS_CGROUP_PARENT/ID in each hierarchy, as
 * docker's /docker/ID: a cgroup v1 cpuset there is born with its parent's
 * cpus and mems (the runtime gives a parent it makes clone_children), where
 * writing them into one folder among many siblings takes time in proportion
 * to their number.  The engine removes the parent once it is empty. */
#define VS_CGROUP_PARENT "/vessel"

/* Build the config.  cfg is the image's parsed config; ctrdir the
 * container's folder (hostname, hosts and resolv.conf are written there).
 * *args receives the process args (for ps and inspect). */
int vs_engine_spec (vs_engine *e, const vs_run_req *req, const vs_image *img, const vs_image_config *cfg,
                    const char *ctrdir, const char *id, const char *name, json_t **ret, json_t **args,
                    vs_error *err);

/* "10m", "1.5g", "512k", "100" → bytes; -1 when malformed. */
int64_t vs_parse_bytes (const char *s);
