/* cgroup-resources.h — linux.resources written to cgroup v1 or v2 files.
 *
 * Two drivers behind one table of operations: v1 writes each controller's
 * files in its own hierarchy, v2 writes the unified files in one folder
 * (and enables the controllers in the parents' subtree_control).  The
 * drivers only see folders, so tests point them at fake trees. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "../basic/error.h"

struct rt_cg_target
{
  bool v2;            /* pure v2: everything in v2_dir */
  const char *v2_dir; /* the cgroup2 folder (pure v2, or hybrid's unified) */
  json_t *v1_dirs;    /* object: controller name → folder (v1 and hybrid) */
};

struct rt_cg_ops
{
  const char *name;
  int (*apply) (const struct rt_cg_target *t, json_t *resources, vs_error *err);
  int (*freeze) (const struct rt_cg_target *t, bool frozen, vs_error *err);
  json_t *(*stats) (const struct rt_cg_target *t);
};

extern const struct rt_cg_ops rt_cg_v1_ops, rt_cg_v2_ops;

/* The driver and target recorded in a container's state. */
const struct rt_cg_ops *rt_cg_ops_for (json_t *state_doc, struct rt_cg_target *ret);

/* Conversions from the spec's v1 units to v2's (kernel and runc formulas). */
unsigned long long rt_cg_shares_to_weight (unsigned long long shares);
unsigned long long rt_cg_blkio_to_io_weight (unsigned long long weight);
