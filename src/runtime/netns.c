/* netns.c — a new network namespace made on a helper thread (netns.h). */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

/* Only system calls here: the main thread keeps using malloc meanwhile, and
 * it joins this thread before it clones, so no lock is held across clone. */
static void *
make_netns (void *arg)
{
  struct rt_netns_prep *p = arg;
  if (unshare (CLONE_NEWNET) < 0)
    p->error = errno;
  else if ((p->fd = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
    p->error = errno;
  return NULL;
}

void
rt_netns_prep_start (struct rt_netns_prep *p)
{
  pthread_attr_t attr;
  p->fd = -1;
  p->error = 0;
  p->started = false;
  if (pthread_attr_init (&attr) != 0)
    return;
  pthread_attr_setstacksize (&attr, 64 * 1024);
  p->started = pthread_create (&p->thread, &attr, make_netns, p) == 0;
  pthread_attr_destroy (&attr);
}

int
rt_netns_prep_finish (struct rt_netns_prep *p, int *ret_fd, vs_error *err)
{
  *ret_fd = -1;
  if (!p->started)
    return 0;
  pthread_join (p->thread, NULL);
  p->started = false;
  if (p->fd < 0)
    return vs_fail (err, p->error, "create network namespace");
  *ret_fd = p->fd;
  p->fd = -1;
  return 0;
}

void
rt_netns_prep_clear (struct rt_netns_prep *p)
{
  if (p->started)
    pthread_join (p->thread, NULL);
  p->started = false;
  if (p->fd >= 0)
    close (p->fd);
  p->fd = -1;
}
