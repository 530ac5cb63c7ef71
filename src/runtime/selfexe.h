/* selfexe.h — run the runtime from a copy of itself that cannot be written.
 *
 * CVE-2019-5736: a container process that can reach the runtime through
 * /proc/<pid>/exe could overwrite the host binary.  Before a command that
 * enters a container we re-execute through a private read-only overlay of
 * the binary (no copy), or else from a sealed memfd copy, so /proc/self/exe
 * never names a file that can be written. */
#pragma once

#include <stdbool.h>

#include "../basic/error.h"

/* The environment entry naming the file we re-executed through the overlay
   ("dev:ino"), for the new image to recognise it; removed at once there. */
#define RT_SELFEXE_MARK "_VESSEL_RUNTIME_OVERLAY"

/* Whether this process runs from a file no container can write: a sealed
   memfd, or the overlay made for it (the mark is checked, then removed
   from the environment). */
bool rt_selfexe_running_safe (void);
/* Re-exec through the overlay (its empty layer made in ROOT) or a sealed
   memfd, unless already so.  Only returns on error. */
int rt_selfexe_ensure_sealed (char **argv, const char *root, vs_error *err);
/* Exec argv through a fresh read-only overlay of the binary at path (an
   absolute path with no symlink in its last part), or of the running one
   (path NULL), with RT_SELFEXE_MARK added to envp.  The monitor starts the
   runtime so, and the runtime then need not re-exec itself.  Returns only
   when that cannot be done.  Safe before the C library starts
   (selfexe-early.c). */
void rt_selfexe_overlay_exec (const char *path, char **argv, char **envp, const char *root);
/* Its two halves, for a caller that prepares ahead (the monitor, before it
   is told to start): the binary opened through the overlay (O_CLOEXEC; the
   open file holds the detached mount) and the marker entry for envp, or -1;
   then the exec (returns only when it fails). */
#define RT_SELFEXE_MARK_LEN 80
long rt_selfexe_overlay_open (const char *path, const char *root, char mark[RT_SELFEXE_MARK_LEN]);
void rt_selfexe_overlay_execfd (long fd, const char *mark, char **argv, char **envp);
