/* spec.h — the default config.json that `vessel-runtime spec` writes. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

/* runc-compatible defaults; rootless maps the caller's uid/gid to root. */
json_t *rt_spec_default (bool rootless);
