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

/* Names for `features`. */
extern const char *const rt_seccomp_actions[];
extern const char *const rt_seccomp_operators[];
extern const char *const rt_seccomp_archs[];
extern const char *const rt_seccomp_flags[];
