/* spawn.h — the contract between the runtime parent (container.c) and the
 * container's init (init.c, mount.c, process.c, terminal.c).
 *
 * The parent prepares every host-side fd and the cgroup folders, clones,
 * and then drives the child through a SOCK_SEQPACKET conversation:
 *
 *   child → parent                 parent → child
 *   [PID, NEED_MAPS]  (stage-1 only) [MAPS_DONE]
 *                                    CGROUPS (folders made, limits applied; pid
 *                                     moved in when the child cannot move itself)
 *                                    [CGROUPFS with the /sys/fs/cgroup tree, detached]
 *                                    GO (state saved, maps written; value = host pid)
 *   [HOOKS]  (mounts done)           [HOOKS_DONE] (prestart + createRuntime ran)
 *   [PTY with the master fd]  (run in the foreground with a terminal)
 *   create:  READY (process prepared) RELEASE
 *            ACK (no longer dies with us), then exec.fifo
 *   run:     the socket closes on execve: nothing to wait for in between
 *   ERROR "message"  at any point: the child then exits.
 *
 * The parent sends as soon as it can, the child reads only when it must
 * (and notes what came first): CGROUPS before a cgroup mount or after its
 * mounts, GO before hooks and its execve (at once with a user namespace,
 * for the maps).  HOOKS is sent only when there are such hooks.  Every
 * message the child waits for costs a wake-up on the other CPU. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"

enum rt_sync_type
{
  RT_SYNC_GO = 1,
  RT_SYNC_CGROUPS,
  RT_SYNC_MAPS_DONE,
  RT_SYNC_HOOKS_DONE,
  RT_SYNC_RELEASE,
  RT_SYNC_CGROUPFS,
  RT_SYNC_PID = 100,
  RT_SYNC_NEED_MAPS,
  RT_SYNC_HOOKS,
  RT_SYNC_PTY,
  RT_SYNC_READY,
  RT_SYNC_ACK,
  RT_SYNC_ERROR,
};

struct rt_sync_msg
{
  int type;
  int value;
  char text[1024];
};

enum rt_spawn_mode { RT_SPAWN_CREATE, RT_SPAWN_RUN };

struct rt_spawn
{
  const struct rt_config *cfg;
  const char *id;
  const char *bundle;
  enum rt_spawn_mode mode;
  bool no_pivot;
  int preserve_fds;

  int sync_fd;        /* the child's end */
  int parent_sync_fd; /* the parent's end (closed in the child) */
  int fifo_fd;        /* exec.fifo opened O_RDWR (create mode), else -1 */
  int console_fd;     /* connected --console-socket, or -1 */
  int state_dirfd;    /* the locked state folder: the child must not hold the lock */
  int *ns_fds;        /* per cfg->namespaces[i]: fd of `path`, or -1 */
  bool new_userns;
  bool host_mntns;    /* no mount namespace: no mounts at all, chroot into the rootfs */
  json_t *state_doc;  /* cgroup folders to join (read-only copy in the child) */
  bool cgroup_self;   /* the child moves itself into its cgroups (at once) */
  bool cgroup_skip_v2; /* born in the v2 cgroup already (CLONE_INTO_CGROUP) */
  bool cgroup_joined;  /* the child is in its cgroups (and cgroup namespace) */
  pid_t host_pid;     /* the init's pid on the host, learnt from GO */
  unsigned got;       /* the parent's messages read so far (bit per type) */
  int netns_fd;       /* a network namespace made ahead to join (netns.h), or -1 */
  int seccomp_listener_fd; /* connected linux.seccomp.listenerPath, or -1 */
  int cgroupfs_mount;     /* index of the cgroup mount the runtime builds (CGROUPFS), or -1 */
  int cgroupfs_fd;        /* that tree, detached, once received (-1: build it here) */
  void *seccomp;      /* scmp_filter_ctx built in the child, or NULL */
  void *seccomp_bpf;  /* or the compiled program, made by the parent (rt_seccomp_prog) */
};

int rt_sync_send (int fd, int type, int value, const char *text);
/* Report err to the runtime (or stderr when it is gone) and _exit(status). */
_Noreturn void rt_sync_fail (int sync_fd, const vs_error *err, int status);
/* Receive one message (and an attached fd, if any).  EOF → -EPIPE. */
int rt_sync_recv (int fd, struct rt_sync_msg *m, int *ret_fd);

/* The child side: never returns.  stage1 is set when namespaces must be
 * joined or a pid/time namespace made by unshare before the final fork. */
_Noreturn void rt_init_main (struct rt_spawn *sp, bool stage1);

/* Pieces of the child, in the order init.c calls them. */
/* Wait for CGROUPS, join the cgroups, make the cgroup namespace: once. */
int rt_init_join_cgroups (struct rt_spawn *sp, vs_error *err);
/* Wait for CGROUPFS (when the runtime announced it): sets cgroupfs_fd. */
int rt_init_await_cgroupfs (struct rt_spawn *sp, vs_error *err);
int rt_rootfs_setup (struct rt_spawn *sp, int *ret_rootfd, vs_error *err);
/* The index of the first cgroup mount when rt_rootfs_setup mounts it last
   (after /dev's nodes): the mounts after it all have clean absolute
   destinations, none of them nested with it, and it is not under /dev.
   Else n_mounts: all go in order. */
size_t rt_mount_cgroup_deferred (const struct rt_config *cfg);
int rt_terminal_setup (struct rt_spawn *sp, int rootfd, vs_error *err);
/* A pty from the container's devpts (rootfd: its root), sized per process. */
int rt_terminal_open (int rootfd, const struct rt_process *proc, int *ret_master, int *ret_slave, vs_error *err);
/* Send the master to the console socket, or to the runtime over sync_fd. */
int rt_terminal_handout (int master, int console_fd, int sync_fd, vs_error *err);
/* The slave becomes stdin/out/err and the controlling terminal. */
int rt_terminal_make_stdio (int slave, vs_error *err);
int rt_rootfs_pivot (struct rt_spawn *sp, int rootfd, vs_error *err);
int rt_rootfs_finish (struct rt_spawn *sp, vs_error *err);
/* The runtime's half of a v1 or hybrid cgroup mount (cgroupfs_mount): the
 * whole tree, a tmpfs with a bind of the container's folder per hierarchy,
 * made detached while the child mounts the rest; the child attaches it with
 * one move_mount.  Returns the tree's fd, or -1 (the child builds it). */
int rt_cgroupfs_prepare (const struct rt_config *cfg, int mount_index, json_t *state_doc);
/* Which mount the runtime may build so: a cgroup mount, v1 or hybrid host,
 * no user namespace; else -1. */
int rt_cgroupfs_mount_index (const struct rt_config *cfg);
/* Bind the object behind src_fd onto the open target fd. */
int rt_mount_bind_fd (int src_fd, int target_fd, const char *what, vs_error *err);
int rt_process_resolve (const struct rt_process *proc, char **ret_path, vs_error *err);
int rt_process_finalize (const struct rt_config *cfg, vs_error *err);

/* State JSON as hooks receive it. */
char *rt_hook_state_json (const struct rt_config *cfg, const char *id, const char *bundle, const char *status,
                          pid_t pid);
