/* defaults.h — docker's default container security settings, for the
 * engine to write into a container's OCI config.json: the seccomp profile
 * (gated by the container's capabilities, as docker does), the capability
 * set with --cap-add / --cap-drop, masked and read-only paths, and the
 * default mounts.
 *
 * Capability lists are ordinary NULL-terminated string vectors (each string
 * and the array from malloc); free them with rt_strv_free (runtime/config.h).
 * Functions returning a new object return NULL only when out of memory. */
#pragma once

#include <jansson.h>
#include <stdint.h>

#include "../basic/error.h"

/* 64 MiB, docker's default --shm-size. */
#define VS_DEFAULT_SHM_SIZE (INT64_C (64) * 1024 * 1024)

/* The linux.seccomp object equivalent to docker's default profile for the
 * architecture this binary was built for.  caps is the container's final
 * capability set (NULL-terminated "CAP_*" names, NULL = none): groups of
 * syscalls gated by a capability (mount and unshare by CAP_SYS_ADMIN,
 * ptrace by CAP_SYS_PTRACE, ...) are allowed only when it is present. */
json_t *vs_default_seccomp (char *const *caps);
/* The same for another machine (a uname -m name: "x86_64", "aarch64",
 * "s390x", ...; NULL = the build's own), so tests can check every table. */
json_t *vs_default_seccomp_for (char *const *caps, const char *machine);

/* docker's 14 default capabilities. */
char **vs_default_caps (void);
/* Every capability the running kernel knows (--privileged): 0 up to
 * /proc/sys/kernel/cap_last_cap, as far as this table has names. */
char **vs_all_caps (void);
/* --cap-add / --cap-drop on *caps, as docker ≥ 20.10 does: names with or
 * without "CAP_", any case; "ALL" in add gives every capability but those
 * dropped by name, "ALL" in drop (without add ALL) gives just the added
 * ones, otherwise drop first, then add.  add and drop are NULL-terminated, NULL = empty.  On
 * success *caps is replaced (the old vector freed); on failure (an unknown
 * capability, one the kernel lacks) it is left alone and err names it. */
int vs_caps_apply (char ***caps, char *const *add, char *const *drop, vs_error *err);
/* The canonical "CAP_*" name of a capability given as "net_admin",
 * "CAP_NET_ADMIN", ...; NULL when it is no capability. */
const char *vs_cap_canonical (const char *name);

/* linux.maskedPaths and linux.readonlyPaths (NULL-terminated, static). */
const char *const *vs_default_masked_paths (void);
const char *const *vs_default_readonly_paths (void);

/* docker's default mounts: /proc, /dev, /dev/pts, /sys, /sys/fs/cgroup,
 * /dev/mqueue, /dev/shm (size=shm_size bytes; <= 0 means 64 MiB). */
json_t *vs_default_mounts (int64_t shm_size);
