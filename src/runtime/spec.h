/* spec.h — the default config.json that `vessel-runtime spec` writes. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

/* runc-compatible defaults; rootless maps the caller's uid/gid to root. */
json_t *rt_spec_default (bool rootless);

/* A JSON array of the strings in a NULL-terminated list. */
json_t *rt_json_strings (const char *const *v);
