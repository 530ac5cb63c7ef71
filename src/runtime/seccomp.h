/* seccomp.h — linux.seccomp through libseccomp. */
#pragma once

#include <jansson.h>
#include <seccomp.h>
#include <stdbool.h>

#include "../basic/error.h"

/* Build the filter described by a linux.seccomp object (NULL → *ret NULL).
 * Syscall names libseccomp does not know are skipped, as runc and crun do;
 * an unknown action, architecture, flag or operator is an error naming it. */
int rt_seccomp_build (json_t *seccomp, scmp_filter_ctx *ret, vs_error *err);
/* Whether the filter uses SCMP_ACT_NOTIFY (and so needs listenerPath). */
bool rt_seccomp_wants_listener (json_t *seccomp);
/* Load it into this process.  With listener_fd >= 0, the notify fd goes
 * over that socket with state_json as the message (the spec's
 * containerProcessState). */
int rt_seccomp_load (scmp_filter_ctx ctx, int listener_fd, const char *state_json, vs_error *err);

/* A compiled filter: raw BPF, to load without libseccomp. */
typedef struct rt_seccomp_prog
{
  void *filter;           /* struct sock_filter[len], malloc'd */
  unsigned short len;
  unsigned int flags;     /* SECCOMP_FILTER_FLAG_* */
} rt_seccomp_prog;

/* Compile linux.seccomp to BPF, reusing the program compiled for the very
 * same object before: the cache in cache_dir (the runtime's own state
 * root, root-only) keys a file by a hash of the object's canonical JSON,
 * the libseccomp version and API level, and the file holds that JSON too,
 * compared byte for byte, so a hash collision can never load another
 * filter.  Compiling the ~400 rules of docker's default profile costs ten
 * milliseconds; loading the cached program costs nothing.  Filters that
 * notify a listener are not compiled here (ret->filter stays NULL). */
int rt_seccomp_compile (json_t *seccomp, const char *cache_dir, rt_seccomp_prog *ret, vs_error *err);
int rt_seccomp_load_prog (const rt_seccomp_prog *p, vs_error *err);

/* Names for `features`. */
extern const char *const rt_seccomp_actions[];
extern const char *const rt_seccomp_operators[];
extern const char *const rt_seccomp_archs[];
extern const char *const rt_seccomp_flags[];
