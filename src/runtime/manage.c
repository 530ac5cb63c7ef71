/* manage.c — operations on a live container's cgroups: pause and resume,
 * update, stats and process lists. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-resources.h"
#include "cgroup.h"
#include "container.h"
#include "state.h"

static int
open_live (const char *root, const char *id, struct rt_state *st, const char *verb, vs_error *err)
{
  int r = rt_state_open (root, id, st, err);
  if (r < 0)
    return r;
  if (strcmp (rt_state_status (st), "stopped") == 0)
    {
      r = vs_fail (err, 0, "cannot %s container `%s`: it is stopped", verb, id);
      rt_state_close (st);
      return r;
    }
  return 0;
}

int
rt_container_pause (const char *root, const char *id, bool pause, vs_error *err)
{
  struct rt_state st;
  struct rt_cg_target t;
  const struct rt_cg_ops *ops;
  const char *status;
  int r;

  if ((r = open_live (root, id, &st, pause ? "pause" : "resume", err)) < 0)
    return r;
  status = rt_state_status (&st);
  if (pause && strcmp (status, "running") != 0 && strcmp (status, "created") != 0)
    r = vs_fail (err, 0, "cannot pause container `%s`: it is %s", id, status);
  else if (!pause && strcmp (status, "paused") != 0)
    r = vs_fail (err, 0, "cannot resume container `%s`: it is %s, not paused", id, status);
  else
    {
      ops = rt_cg_ops_for (st.doc, &t);
      r = ops->freeze (&t, pause, err);
    }
  rt_state_close (&st);
  return r;
}

int
rt_container_update (const char *root, const char *id, json_t *resources, vs_error *err)
{
  struct rt_state st;
  struct rt_cg_target t;
  const struct rt_cg_ops *ops;
  int r;

  if ((r = open_live (root, id, &st, "update", err)) < 0)
    return r;
  ops = rt_cg_ops_for (st.doc, &t);
  r = ops->apply (&t, resources, err);
  rt_state_close (&st);
  return r;
}

int
rt_container_stats (const char *root, const char *id, json_t **ret, vs_error *err)
{
  struct rt_state st;
  struct rt_cg_target t;
  const struct rt_cg_ops *ops;
  int r;

  if ((r = open_live (root, id, &st, "read stats of", err)) < 0)
    return r;
  ops = rt_cg_ops_for (st.doc, &t);
  *ret = json_pack ("{s:s, s:s, s:o}", "type", "stats", "id", id, "data", ops->stats (&t));
  rt_state_close (&st);
  return 0;
}

int
rt_container_pids (const char *root, const char *id, pid_t **ret, size_t *ret_n, vs_error *err)
{
  struct rt_state st;
  int r;

  if ((r = open_live (root, id, &st, "list processes of", err)) < 0)
    return r;
  if (rt_cgroup_pids (st.doc, ret, ret_n) < 0)
    r = vs_fail (err, errno, "read the processes of container `%s`", id);
  rt_state_close (&st);
  return r;
}
