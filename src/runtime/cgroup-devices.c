/* cgroup-devices.c — the eBPF device filter for cgroup v2. */
#include "cgroup-devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/log.h"

struct rule { int type; int access; long long major, minor; bool allow; };

/* "c 1:3 rwm", "a", "c *:* m" → rule */
static int
parse_text_rule (const char *text, struct rule *r)
{
  char type, majs[24], mins[24], acc[8] = "rwm";
  if (strcmp (text, "a") == 0)
    {
      *r = (struct rule){ 0, 7, -1, -1, true };
      return 0;
    }
  if (sscanf (text, "%c %23[^:]:%23s %7s", &type, majs, mins, acc) < 3)
    return -1;
  r->type = type == 'c' ? BPF_DEVCG_DEV_CHAR : type == 'b' ? BPF_DEVCG_DEV_BLOCK : 0;
  r->major = strcmp (majs, "*") == 0 ? -1 : atoll (majs);
  r->minor = strcmp (mins, "*") == 0 ? -1 : atoll (mins);
  r->access = (strchr (acc, 'm') ? BPF_DEVCG_ACC_MKNOD : 0) | (strchr (acc, 'r') ? BPF_DEVCG_ACC_READ : 0)
              | (strchr (acc, 'w') ? BPF_DEVCG_ACC_WRITE : 0);
  r->allow = true;
  return 0;
}

static int
parse_json_rule (json_t *d, size_t i, struct rule *r, vs_error *err)
{
  const char *type = json_string_value (json_object_get (d, "type")) ?: "a";
  const char *access = json_string_value (json_object_get (d, "access")) ?: "rwm";
  json_t *maj = json_object_get (d, "major"), *min = json_object_get (d, "minor");
  if (!json_is_boolean (json_object_get (d, "allow")))
    return vs_fail (err, 0, "config.json: linux.resources.devices[%zu].allow: expected true or false", i);
  if (strlen (type) != 1 || strchr ("abc", type[0]) == NULL)
    return vs_fail (err, 0, "config.json: linux.resources.devices[%zu].type: must be a, b or c", i);
  if (access[strspn (access, "rwm")] != '\0')
    return vs_fail (err, 0, "config.json: linux.resources.devices[%zu].access: only r, w and m are allowed", i);
  r->type = type[0] == 'c' ? BPF_DEVCG_DEV_CHAR : type[0] == 'b' ? BPF_DEVCG_DEV_BLOCK : 0;
  r->major = json_is_integer (maj) && json_integer_value (maj) >= 0 ? json_integer_value (maj) : -1;
  r->minor = json_is_integer (min) && json_integer_value (min) >= 0 ? json_integer_value (min) : -1;
  r->access = (strchr (access, 'm') ? BPF_DEVCG_ACC_MKNOD : 0) | (strchr (access, 'r') ? BPF_DEVCG_ACC_READ : 0)
              | (strchr (access, 'w') ? BPF_DEVCG_ACC_WRITE : 0);
  if (type[0] == 'a')
    r->access = 7, r->major = r->minor = -1;
  r->allow = json_is_true (json_object_get (d, "allow"));
  return 0;
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

int
rt_devices_bpf_build (json_t *rules, const char *const *extra_allow, struct bpf_insn **ret, size_t *ret_n,
                      vs_error *err)
{
  size_t nj = json_array_size (rules), nx = 0, n = 0, cap;
  bool unconditional = false;
  struct rule *all;
  struct bpf_insn *p;

  while (extra_allow && extra_allow[nx])
    nx++;
  all = calloc (nj + nx + 1, sizeof *all);
  if (all == NULL)
    return vs_fail (err, ENOMEM, "devices filter");
  for (size_t i = 0; i < nj; i++)
    if (parse_json_rule (json_array_get (rules, i), i, &all[i], err) < 0)
      {
        free (all);
        return -EINVAL;
      }
  for (size_t i = 0; i < nx; i++)
    if (parse_text_rule (extra_allow[i], &all[nj + i]) < 0)
      {
        free (all);
        return vs_fail (err, EINVAL, "devices filter: bad default rule `%s`", extra_allow[i]);
      }
  cap = 8 + (nj + nx) * 8;
  p = calloc (cap, sizeof *p);
  if (p == NULL)
    {
      free (all);
      return vs_fail (err, ENOMEM, "devices filter");
    }
  /* r2 = type, r3 = access, r4 = major, r5 = minor (struct bpf_cgroup_dev_ctx) */
  p[n++] = INSN (BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0);
  p[n++] = INSN (BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0);
  p[n++] = INSN (BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 16);
  p[n++] = INSN (BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 0xffff);
  p[n++] = INSN (BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0);
  p[n++] = INSN (BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0);
  /* the last rule that matches decides: test them from the end */
  for (size_t k = nj + nx; k-- > 0;)
    {
      const struct rule *r = &all[k];
      size_t start = n, checks = 0;
      bool partial = r->access != 7;
      checks = (r->type ? 1 : 0) + (partial ? 3 : 0) + (r->major >= 0 ? 1 : 0) + (r->minor >= 0 ? 1 : 0);
      /* block: checks, then "r0 = allow; exit" (2 insns); a failed check jumps past the block */
      size_t block = checks + 2;
      if (r->type)
        {
          p[n] = INSN (BPF_JMP | BPF_JNE | BPF_K, 2, 0, (short) (block - (n - start) - 1), r->type);
          n++;
        }
      if (partial)
        {
          /* the requested access must be within the rule's: (r3 & ~acc) == 0 */
          p[n++] = INSN (BPF_ALU64 | BPF_MOV | BPF_X, 1, 3, 0, 0);
          p[n++] = INSN (BPF_ALU64 | BPF_AND | BPF_K, 1, 0, 0, ~r->access & 7);
          p[n] = INSN (BPF_JMP | BPF_JNE | BPF_K, 1, 0, (short) (block - (n - start) - 1), 0);
          n++;
        }
      if (r->major >= 0)
        {
          p[n] = INSN (BPF_JMP | BPF_JNE | BPF_K, 4, 0, (short) (block - (n - start) - 1), (int) r->major);
          n++;
        }
      if (r->minor >= 0)
        {
          p[n] = INSN (BPF_JMP | BPF_JNE | BPF_K, 5, 0, (short) (block - (n - start) - 1), (int) r->minor);
          n++;
        }
      p[n++] = INSN (BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, r->allow ? 1 : 0);
      p[n++] = INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
      if (checks == 0)
        {
          /* matches everything: the rules before it can never decide (and
           * the verifier refuses unreachable code) */
          unconditional = true;
          break;
        }
    }
  /* no rule matched: allowed */
  if (!unconditional)
    {
      p[n++] = INSN (BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);
      p[n++] = INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }
  free (all);
  *ret = p;
  *ret_n = n;
  return 0;
}

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int) syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

int
rt_devices_bpf_apply (const char *dir, json_t *rules, const char *const *extra_allow, vs_error *err)
{
  _cleanup_free_ struct bpf_insn *insns = NULL;
  _cleanup_close_ int cg = -1, prog = -1;
  __u32 old_ids[64];
  union bpf_attr attr;
  size_t n;
  int r;

  if ((r = rt_devices_bpf_build (rules, extra_allow, &insns, &n, err)) < 0)
    return r;
  cg = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg < 0)
    return vs_fail (err, errno, "linux.resources.devices: open cgroup `%s`", dir);

  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (__u64) (uintptr_t) insns;
  attr.insn_cnt = (__u32) n;
  attr.license = (__u64) (uintptr_t) "Apache";
  prog = sys_bpf (BPF_PROG_LOAD, &attr);
  if (prog < 0 && vs_log_debug_enabled ())
    {
      /* --debug: the verifier's reasons */
      static char log[65536];
      attr.log_buf = (__u64) (uintptr_t) log;
      attr.log_size = sizeof log;
      attr.log_level = 1;
      sys_bpf (BPF_PROG_LOAD, &attr);
      vs_debug ("eBPF verifier: %s", log);
    }
  if (prog < 0)
    return vs_fail (err, errno, "linux.resources.devices: load the eBPF device filter");

  /* what is attached now, to detach once ours is in place */
  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = (__u32) cg;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (__u64) (uintptr_t) old_ids;
  attr.query.prog_cnt = ARRAY_SIZE (old_ids);
  if (sys_bpf (BPF_PROG_QUERY, &attr) < 0)
    attr.query.prog_cnt = 0;
  __u32 n_old = attr.query.prog_cnt;

  memset (&attr, 0, sizeof attr);
  attr.target_fd = (__u32) cg;
  attr.attach_bpf_fd = (__u32) prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
    return vs_fail (err, errno, "linux.resources.devices: attach the eBPF device filter to `%s`", dir);
  for (__u32 i = 0; i < n_old; i++)
    {
      _cleanup_close_ int old = -1;
      memset (&attr, 0, sizeof attr);
      attr.prog_id = old_ids[i];
      old = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
      if (old < 0)
        continue;
      memset (&attr, 0, sizeof attr);
      attr.target_fd = (__u32) cg;
      attr.attach_bpf_fd = (__u32) old;
      attr.attach_type = BPF_CGROUP_DEVICE;
      sys_bpf (BPF_PROG_DETACH, &attr);
    }
  return 0;
}
