/* config.h — the OCI runtime-spec config.json (Linux), parsed and checked.
 *
 * Parsing turns JSON into plain C structures and rejects wrong types with an
 * error naming the field ("process.args[1]: expected a string").  Unknown
 * fields are ignored, as the spec requires.  The raw JSON stays attached
 * for the parts later modules read themselves (linux.resources, seccomp). */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../basic/error.h"

enum rt_hook_kind
{
  RT_HOOK_PRESTART,
  RT_HOOK_CREATE_RUNTIME,
  RT_HOOK_CREATE_CONTAINER,
  RT_HOOK_START_CONTAINER,
  RT_HOOK_POSTSTART,
  RT_HOOK_POSTSTOP,
  RT_HOOK_KINDS
};

struct rt_hook
{
  char *path;
  char **args; /* NULL-terminated, may be NULL */
  char **env;  /* NULL-terminated, may be NULL */
  int timeout; /* seconds, 0 = none */
};

struct rt_mount
{
  char *destination;
  char *type;
  char *source;
  unsigned long flags;        /* MS_* for mount(2) */
  unsigned long clear_flags;  /* MS_* explicitly cleared (rw, suid, ...) */
  unsigned long propagation;  /* MS_PRIVATE/SHARED/SLAVE/UNBINDABLE (| MS_REC) */
  bool bind;                  /* bind or rbind */
  bool recursive_ro;          /* "rro": read-only for every submount */
  char *data;                 /* options the filesystem interprets */
};

struct rt_idmap
{
  uint32_t container_id, host_id, size;
};

struct rt_namespace
{
  int type;   /* CLONE_NEW* */
  char *path; /* join this one instead of making a new one */
};

struct rt_rlimit
{
  int resource;
  uint64_t soft, hard;
};

struct rt_device
{
  char *path;
  char type; /* 'c', 'b', 'u', 'p' */
  int64_t major, minor;
  mode_t mode;
  bool has_mode;
  uid_t uid;
  gid_t gid;
  bool has_uid, has_gid;
};

enum rt_cap_set { RT_CAP_BOUNDING, RT_CAP_EFFECTIVE, RT_CAP_INHERITABLE, RT_CAP_PERMITTED, RT_CAP_AMBIENT, RT_CAP_SETS };

struct rt_process
{
  bool terminal;
  unsigned short console_height, console_width;
  uid_t uid;
  gid_t gid;
  gid_t *additional_gids;
  size_t n_additional_gids;
  mode_t umask;
  bool has_umask;
  char **args; /* NULL-terminated, at least one */
  char **env;  /* NULL-terminated */
  char *cwd;
  uint64_t caps[RT_CAP_SETS];
  bool has_caps;
  struct rt_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  int oom_score_adj;
  bool has_oom_score_adj;
};

struct rt_sysctl
{
  char *key, *value;
};

struct rt_config
{
  json_t *json; /* the whole document (owned) */
  char *oci_version;
  char *root_path; /* absolute: joined with the bundle when relative */
  bool root_readonly;
  char *hostname;
  char *domainname;
  struct rt_mount *mounts;
  size_t n_mounts;
  struct rt_process *process; /* NULL when absent (allowed for create only by spec; we require it) */
  struct rt_hook *hooks[RT_HOOK_KINDS];
  size_t n_hooks[RT_HOOK_KINDS];
  struct rt_namespace *namespaces;
  size_t n_namespaces;
  struct rt_idmap *uid_mappings, *gid_mappings;
  size_t n_uid_mappings, n_gid_mappings;
  struct rt_sysctl *sysctl;
  size_t n_sysctl;
  char **masked_paths, **readonly_paths;
  size_t n_masked_paths, n_readonly_paths;
  struct rt_device *devices;
  size_t n_devices;
  unsigned long rootfs_propagation; /* 0 = default */
  bool has_personality;
  unsigned long personality;
  char *cgroups_path;
  json_t *annotations; /* borrowed from json, may be NULL */
};

/* Parse a config.json text.  bundle is used to make root.path absolute. */
int rt_config_parse (const char *text, size_t len, const char *bundle, struct rt_config **ret, vs_error *err);
/* Read <bundle>/config.json and parse it. */
int rt_config_load (const char *bundle, struct rt_config **ret, vs_error *err);
void rt_config_free (struct rt_config *cfg);

/* Namespace helpers. */
const struct rt_namespace *rt_config_namespace (const struct rt_config *cfg, int type);
int rt_namespace_type_from_name (const char *name);
const char *rt_namespace_name (int type);

/* Parse one hooks array (used for hooks saved in the state). */
int rt_hooks_parse (json_t *arr, const char *field, struct rt_hook **ret, size_t *ret_n, vs_error *err);
void rt_hooks_free (struct rt_hook *hooks, size_t n);
extern const char *const rt_hook_names[RT_HOOK_KINDS];

/* Mount options: fill flags/data of m from an options array (exposed for tests). */
int rt_mount_parse_options (struct rt_mount *m, json_t *options, const char *field, vs_error *err);

void rt_strv_free (char **v);

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
