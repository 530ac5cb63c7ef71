/* netns.h — a new network namespace made on a helper thread.
 *
 * Making a network namespace is the dearest part of clone() (0.5 ms here:
 * every pernet subsystem initializes).  It depends on nothing else the
 * runtime prepares, so a thread makes it while the runtime writes state and
 * cgroups, and the init joins it with setns() instead of CLONE_NEWNET.
 * Only for a namespace owned by the host's user namespace: a new user
 * namespace must own its network namespace, so that path keeps the flag. */
#pragma once

#include <pthread.h>
#include <stdbool.h>

#include "../basic/error.h"

struct rt_netns_prep
{
  pthread_t thread;
  bool started;
  int fd;    /* the namespace, once made */
  int error; /* errno of the step that failed */
};

/* Start making one.  Never fails: if no thread can start, finish reports
 * "not made" and the caller creates it in clone() as before. */
void rt_netns_prep_start (struct rt_netns_prep *p);
/* Wait for it: *ret_fd is the namespace (the caller owns it), or -1 when
 * no thread ran.  A namespace the kernel refused is an error naming why. */
int rt_netns_prep_finish (struct rt_netns_prep *p, int *ret_fd, vs_error *err);
/* Join and close whatever is left (failure paths). */
void rt_netns_prep_clear (struct rt_netns_prep *p);
