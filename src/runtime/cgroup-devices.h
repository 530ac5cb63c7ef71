/* cgroup-devices.h — linux.resources.devices on cgroup v2: an eBPF program
 * (BPF_PROG_TYPE_CGROUP_DEVICE) built from the rule list and attached to the
 * container's cgroup, replacing any program attached there before. */
#pragma once

#include <jansson.h>
#include <stddef.h>
#include <linux/bpf.h>

#include "../basic/error.h"

/* Translate the rules (the config's, then the defaults every container
 * gets) into instructions.  The last matching rule decides; no match allows,
 * so a list that starts with a deny-all denies what it does not allow. */
int rt_devices_bpf_build (json_t *rules, const char *const *extra_allow, struct bpf_insn **ret, size_t *ret_n,
                          vs_error *err);
/* Load the program and attach it to the cgroup2 folder dir. */
int rt_devices_bpf_apply (const char *dir, json_t *rules, const char *const *extra_allow, vs_error *err);
