/* state.c — state folder, lock and status of one container. */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "cgroup.h"

int
rt_state_check_id (const char *id, vs_error *err)
{
  size_t n = strlen (id);
  if (n == 0 || n > 1024 || id[0] == '.')
    return vs_fail (err, 0, "invalid container id `%s`", id);
  for (const char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
          || *p == '_' || *p == '+' || *p == '-' || *p == '.'))
      return vs_fail (err, 0, "invalid container id `%s`: only letters, digits and _+-. are allowed", id);
  return 0;
}

/* -ENOENT with a message that does not repeat strerror */
static int
not_found (vs_error *err, const char *id)
{
  vs_fail (err, 0, "container `%s` does not exist", id);
  err->code = ENOENT;
  return -ENOENT;
}

static int
lock_dir (struct rt_state *st, const char *id, vs_error *err)
{
  while (flock (st->dirfd, LOCK_EX) < 0)
    if (errno != EINTR)
      return vs_fail (err, errno, "lock container `%s`", id);
  return 0;
}

int
rt_state_create (const char *root, const char *id, struct rt_state *st, vs_error *err)
{
  int r;

  st->dirfd = -1;
  st->doc = NULL;
  if ((r = rt_state_check_id (id, err)) < 0)
    return r;
  /* each container's folder in a block group of its own (vs_mkdir_top) */
  if ((r = vs_mkdir_top (root, 0700, err)) < 0)
    return r;
  if (asprintf (&st->dir, "%s/%s", root, id) < 0)
    {
      st->dir = NULL;
      return vs_fail (err, ENOMEM, "container `%s`", id);
    }
  if (mkdir (st->dir, 0700) < 0)
    {
      r = errno == EEXIST ? vs_fail (err, 0, "container `%s` already exists", id)
                          : vs_fail (err, errno, "create state folder `%s`", st->dir);
      free (st->dir);
      st->dir = NULL;
      return r;
    }
  st->dirfd = open (st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (st->dirfd < 0)
    {
      r = vs_fail (err, errno, "open state folder `%s`", st->dir);
      rmdir (st->dir);
      free (st->dir);
      st->dir = NULL;
      return r;
    }
  if ((r = lock_dir (st, id, err)) < 0)
    return r;
  st->doc = json_object ();
  return st->doc ? 0 : vs_fail (err, ENOMEM, "container `%s`", id);
}

int
rt_state_open (const char *root, const char *id, struct rt_state *st, vs_error *err)
{
  _cleanup_free_ char *text = NULL;
  json_error_t jerr;
  size_t len;
  int r;

  st->dirfd = -1;
  st->doc = NULL;
  st->dir = NULL;
  if ((r = rt_state_check_id (id, err)) < 0)
    return r;
  if (asprintf (&st->dir, "%s/%s", root, id) < 0)
    {
      st->dir = NULL;
      return vs_fail (err, ENOMEM, "container `%s`", id);
    }
  st->dirfd = open (st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (st->dirfd < 0)
    {
      r = errno == ENOENT ? not_found (err, id) : vs_fail (err, errno, "open state of container `%s`", id);
      rt_state_close (st);
      return r;
    }
  if ((r = lock_dir (st, id, err)) < 0)
    {
      rt_state_close (st);
      return r;
    }
  /* A delete may have removed the folder while we waited for its lock. */
  {
    struct stat sb;
    if (fstat (st->dirfd, &sb) < 0 || sb.st_nlink == 0)
      {
        rt_state_close (st);
        return not_found (err, id);
      }
  }
  r = vs_read_file_at (st->dirfd, "state.json", &text, &len, err);
  if (r == -ENOENT)
    {
      /* A create killed before its first save: an empty, stopped container. */
      st->doc = json_pack ("{s:s}", "id", id);
      return 0;
    }
  if (r < 0)
    {
      rt_state_close (st);
      return vs_wrap (err, r, "container `%s`", id);
    }
  st->doc = json_loadb (text, len, 0, &jerr);
  if (st->doc == NULL || !json_is_object (st->doc))
    {
      rt_state_close (st);
      return vs_fail (err, 0, "container `%s`: state.json is corrupt: %s", id, jerr.text);
    }
  return 0;
}

int
rt_state_save (struct rt_state *st, vs_error *err)
{
  _cleanup_free_ char *text = json_dumps (st->doc, JSON_COMPACT);
  if (text == NULL)
    return vs_fail (err, ENOMEM, "serialize state");
  return vs_write_file_atomic_at (st->dirfd, "state.json", text, strlen (text), 0600, err);
}

int
rt_state_update (struct rt_state *st, vs_error *err)
{
  _cleanup_free_ char *text = json_dumps (st->doc, JSON_COMPACT), *buf = NULL;
  _cleanup_close_ int fd = -1;
  struct stat sb;
  size_t len, size;

  if (text == NULL)
    return vs_fail (err, ENOMEM, "serialize state");
  fd = openat (st->dirfd, "state.json", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &sb) < 0 || !S_ISREG (sb.st_mode))
    return rt_state_save (st, err);
  len = strlen (text);
  size = (size_t) sb.st_size > len ? (size_t) sb.st_size : len;
  /* a write of one page is never cut short by a kill; larger, rename */
  if (size > 4096)
    return rt_state_save (st, err);
  buf = malloc (size);
  if (buf == NULL)
    return vs_fail (err, ENOMEM, "serialize state");
  memcpy (buf, text, len);
  memset (buf + len, ' ', size - len);
  if (pwrite (fd, buf, size, 0) != (ssize_t) size)
    return vs_fail (err, errno ? errno : EIO, "write state of container `%s`",
                    json_string_value (json_object_get (st->doc, "id")));
  return 0;
}

void
rt_state_close (struct rt_state *st)
{
  if (st->dirfd >= 0)
    close (st->dirfd);
  st->dirfd = -1;
  json_decref (st->doc);
  st->doc = NULL;
  free (st->dir);
  st->dir = NULL;
}

int
rt_state_destroy (struct rt_state *st, vs_error *err)
{
  int r = 0;
  if (st->dir)
    {
      char *slash = strrchr (st->dir, '/');
      _cleanup_close_ int parent = -1;
      *slash = '\0';
      parent = open (st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      *slash = '/';
      if (parent < 0)
        r = vs_fail (err, errno, "open runtime root of `%s`", st->dir);
      else
        r = vs_rm_rf_at (parent, slash + 1, err);
    }
  rt_state_close (st);
  return r;
}

const char *
rt_state_get_str (const struct rt_state *st, const char *key)
{
  return json_string_value (json_object_get (st->doc, key));
}

pid_t
rt_state_pid (const struct rt_state *st)
{
  return (pid_t) json_integer_value (json_object_get (st->doc, "pid"));
}

static int
read_stat (pid_t pid, char *buf, size_t size)
{
  char path[64];
  ssize_t n;

  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  n = vs_read_small_at (AT_FDCWD, path, 0, buf, size);
  return n < 0 ? (int) n : n == 0 ? -EIO : 0;
}

unsigned long long
rt_proc_start_time (pid_t pid)
{
  char buf[1024], *p;
  unsigned long long t = 0;

  if (pid <= 0 || read_stat (pid, buf, sizeof buf) < 0)
    return 0;
  p = strrchr (buf, ')');
  if (p == NULL)
    return 0;
  /* after ") " comes field 3 (state); start time is field 22 */
  p += 2;
  for (int field = 3; field < 22 && p; field++)
    {
      p = strchr (p, ' ');
      if (p)
        p++;
    }
  if (p)
    t = strtoull (p, NULL, 10);
  return t;
}

bool
rt_proc_is_dead (pid_t pid)
{
  char buf[1024], *p;
  if (pid <= 0 || read_stat (pid, buf, sizeof buf) < 0)
    return true;
  p = strrchr (buf, ')');
  return p == NULL || p[1] == '\0' || p[2] == 'Z' || p[2] == 'X';
}

/* The recorded pid still names the process we started? */
static bool
init_alive (const struct rt_state *st)
{
  pid_t pid = rt_state_pid (st);
  unsigned long long want = (unsigned long long) json_integer_value (json_object_get (st->doc, "pidStartTime"));
  if (pid <= 0 || rt_proc_is_dead (pid))
    return false;
  return rt_proc_start_time (pid) == want;
}

/* The recorded pid still names the process we started, alive or a zombie
 * not yet reaped by its new parent? */
static bool
init_exists (const struct rt_state *st)
{
  pid_t pid = rt_state_pid (st);
  unsigned long long want = (unsigned long long) json_integer_value (json_object_get (st->doc, "pidStartTime"));
  return pid > 0 && rt_proc_start_time (pid) == want;
}

int
rt_state_pidfd (const struct rt_state *st)
{
  pid_t pid = rt_state_pid (st);
  int fd;
  if (pid <= 0)
    return -1;
  fd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (fd < 0)
    return -1;
  /* Re-check after pinning the pid: the pidfd now refers to one process.
   * A zombie still counts: signalling it is harmless, and an exited init
   * whose parent has not reaped it yet still needs its cgroup cleaned. */
  if (!init_exists (st))
    {
      close (fd);
      return -1;
    }
  return fd;
}

const char *
rt_state_status (const struct rt_state *st)
{
  struct stat sb;
  if (rt_state_pid (st) <= 0)
    return json_object_get (st->doc, "creating") ? "creating" : "stopped";
  if (!init_alive (st))
    return "stopped";
  if (rt_cgroup_is_frozen (st->doc))
    return "paused";
  if (fstatat (st->dirfd, "exec.fifo", &sb, 0) == 0)
    return "created";
  return "running";
}

json_t *
rt_state_oci (const struct rt_state *st)
{
  const char *status = rt_state_status (st);
  json_t *o = json_object ();
  json_t *ann = json_object_get (st->doc, "annotations");

  json_object_set_new (o, "ociVersion", json_string (rt_state_get_str (st, "ociVersion") ?: "1.2.0"));
  json_object_set_new (o, "id", json_string (rt_state_get_str (st, "id") ?: ""));
  json_object_set_new (o, "status", json_string (status));
  if (strcmp (status, "stopped") != 0 && rt_state_pid (st) > 0)
    json_object_set_new (o, "pid", json_integer (rt_state_pid (st)));
  json_object_set_new (o, "bundle", json_string (rt_state_get_str (st, "bundle") ?: ""));
  if (ann && json_object_size (ann) > 0)
    json_object_set (o, "annotations", ann);
  return o;
}
