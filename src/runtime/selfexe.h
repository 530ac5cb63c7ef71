/* selfexe.h — run the runtime from a sealed in-memory copy of itself.
 *
 * CVE-2019-5736: a container process that can reach the runtime through
 * /proc/<pid>/exe could overwrite the host binary.  Before a command that
 * enters a container we re-execute from a sealed memfd, so /proc/self/exe
 * names a read-only anonymous copy, never the file on the host. */
#pragma once

#include <stdbool.h>

#include "../basic/error.h"

/* Whether this process already runs from a sealed copy. */
bool rt_selfexe_is_sealed (void);
/* Re-exec from a sealed memfd unless already sealed.  Only returns on error. */
int rt_selfexe_ensure_sealed (char **argv, vs_error *err);
