/* hooks.h — running OCI lifecycle hooks with the state on stdin and a timeout. */
#pragma once

#include <stddef.h>

#include "../basic/error.h"
#include "config.h"

/* Run each hook in order; stop at the first failure (exit status != 0,
 * signal, or timeout).  state_json is written to each hook's stdin. */
int rt_hooks_run (const struct rt_hook *hooks, size_t n, const char *kind, const char *state_json, vs_error *err);
