/* json-util.h — scope-bound jansson references. */
#pragma once

#include <jansson.h>

/* A json_t reference dropped at the end of the scope (jansson's json_decrefp). */
#define _cleanup_json_ __attribute__ ((cleanup (json_decrefp)))
