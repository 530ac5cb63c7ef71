/* engine.c — container records, rootfs, and the lifecycle through
 * vessel-monitor and vessel-runtime (see engine.h). */
#include "engine.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "../basic/json-util.h"
#include "../basic/process.h"
#include "../image/db.h"
#include "../image/digest.h"
#include "../image/manifest.h"
#include "../image/reference.h"
#include "../runtime/cgroup.h"
#include "../runtime/config.h"
#include "initlayer.h"
#include "ops.h"
#include "spec.h"
#include "volumes.h"

static const char schema[] =
  "CREATE TABLE IF NOT EXISTS containers ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, image TEXT NOT NULL, image_id TEXT NOT NULL,"
  "  command TEXT NOT NULL, created INTEGER NOT NULL, request TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS container_logs ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL, removed INTEGER, exit_code INTEGER);";

static int
db_fail (vs_engine *e, vs_error *err, const char *what)
{
  return vs_fail (err, 0, "container database %s/vessel.db: %s: %s", e->root, what,
                  sqlite3_errmsg (vs_store_db (e->store)));
}

/* Prepare sql and bind the text arguments (NULL-terminated list). */
#define db_prepare(e, st, err, ...) vs_db_prepare (vs_store_db ((e)->store), "container database", (st), (err), __VA_ARGS__)

static bool store_image_in_use (void *store, const char *image_id);
static void prestart_drop (vs_engine *e);

/* A program next to this one, unless the environment names it. */
static void
find_tool (char out[4096], const char *env, const char *name)
{
  const char *v = getenv (env);
  char self[4096];
  ssize_t n;
  if (v && *v)
    {
      snprintf (out, 4096, "%s", v);
      return;
    }
  n = readlink ("/proc/self/exe", self, sizeof self - 1);
  if (n > 0)
    {
      self[n] = '\0';
      char *slash = strrchr (self, '/');
      if (slash)
        *slash = '\0';
      snprintf (out, 4096, "%s/%s", self, name);
      if (access (out, X_OK) == 0)
        return;
    }
  snprintf (out, 4096, "%s", name);
}

static void
engine_init (vs_engine *e, const char *root, const char *runroot)
{
  ssize_t n;

  memset (e, 0, sizeof *e);
  e->pre.fd = -1;
  e->root = root;
  e->runroot = runroot;
  find_tool (e->runtime, "VESSEL_RUNTIME", "vessel-runtime");
  find_tool (e->monitor, "VESSEL_MONITOR", "vessel-monitor");
  n = readlink ("/proc/self/exe", e->self, sizeof e->self - 1);
  e->self[n > 0 ? n : 0] = '\0';
}

static int
engine_open_store (vs_engine *e, bool exclusive, vs_error *err)
{
  char what[PATH_MAX + 32];
  int r = vs_store_open (e->root, exclusive, &e->store, err);

  if (r < 0)
    return r;
  snprintf (what, sizeof what, "container database %s/vessel.db", e->root);
  r = vs_db_ensure_schema (vs_store_db (e->store), what, 2, schema, err);
  if (r < 0)
    {
      vs_engine_close (e);
      return r;
    }
  vs_store_set_in_use (e->store, store_image_in_use, e->store);
  return 0;
}

int
vs_engine_open (vs_engine *e, const char *root, const char *runroot, bool exclusive, vs_error *err)
{
  engine_init (e, root, runroot);
  return engine_open_store (e, exclusive, err);
}

static void prestart (vs_engine *e, const vs_run_req *req);
static void prestart_abandon (vs_engine *e);

int
vs_engine_open_to_run (vs_engine *e, const char *root, const char *runroot, const struct vs_run_req *req, vs_error *err)
{
  int r;

  engine_init (e, root, runroot);
  prestart (e, req);
  r = engine_open_store (e, false, err);
  if (r < 0)
    prestart_abandon (e);
  return r;
}

void
vs_engine_close (vs_engine *e)
{
  prestart_drop (e);
  vs_store_close (e->store);
  e->store = NULL;
}

void
vs_run_req_free (vs_run_req *r)
{
  rt_strv_free (r->cmd);
  rt_strv_free (r->entrypoint);
  rt_strv_free (r->env);
  rt_strv_free (r->cap_add);
  rt_strv_free (r->cap_drop);
  rt_strv_free (r->labels);
  rt_strv_free (r->ulimits);
  rt_strv_free (r->devices);
  for (size_t i = 0; i < r->n_mounts; i++)
    {
      free (r->mounts[i].type);
      free (r->mounts[i].source);
      free (r->mounts[i].target);
      free (r->mounts[i].options);
    }
  free (r->mounts);
  free (r->image);
  free (r->name);
  free (r->workdir);
  free (r->user);
  free (r->hostname);
  free (r->network);
  free (r->seccomp);
  free (r->restart);
  free (r->stop_signal);
  memset (r, 0, sizeof *r);
}

void
vs_container_free (vs_container *c)
{
  if (c == NULL)
    return;
  free (c->name);
  free (c->image);
  free (c->command);
  free (c->status);
  free (c->started_at);
  free (c->finished_at);
  free (c->request);
  free (c->error);
  memset (c, 0, sizeof *c);
}

void
vs_containers_free (vs_container *c, size_t n)
{
  for (size_t i = 0; i < n; i++)
    vs_container_free (&c[i]);
  free (c);
}

static char *
ctr_path (vs_engine *e, const char *id, const char *leaf)
{
  char *p = NULL;
  if (asprintf (&p, "%s/containers/%s%s%s", e->root, id, leaf ? "/" : "", leaf ? leaf : "") < 0)
    return NULL;
  return p;
}

char *
vs_container_log_path (vs_engine *e, const char *id)
{
  char *p = NULL;
  if (asprintf (&p, "%s/logs/%s.log", e->root, id) < 0)
    return NULL;
  return p;
}

/* ---- the request as JSON (stored, and shown by inspect) ---- */

static json_t *
strv_json (char *const *v)
{
  json_t *a = json_array ();
  for (; v && *v; v++)
    json_array_append_new (a, json_string (*v));
  return a;
}

static json_t *
req_json (const vs_run_req *r)
{
  json_t *mounts = json_array ();
  for (size_t i = 0; i < r->n_mounts; i++)
    json_array_append_new (mounts, json_pack ("{s:s, s:s?, s:s, s:b, s:s?, s:b}", "Type", r->mounts[i].type, "Source",
                                              r->mounts[i].source, "Destination", r->mounts[i].target, "ReadOnly",
                                              r->mounts[i].readonly, "Options", r->mounts[i].options, "Anonymous",
                                              r->mounts[i].anonymous));
  json_t *j = json_pack ("{s:s, s:o, s:o, s:b, s:o, s:s?, s:s?, s:s?, s:s, s:b, s:b, s:b, s:b, s:b, s:s?, s:o, s:o,"
                    " s:o, s:o, s:s, s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:I, s:i}",
                    "Image", r->image, "Cmd", r->cmd ? strv_json (r->cmd) : json_null (), "Entrypoint",
                    r->entrypoint_set ? strv_json (r->entrypoint) : json_null (), "EntrypointSet", r->entrypoint_set,
                    "Env", strv_json (r->env), "WorkingDir", r->workdir, "User", r->user, "Hostname", r->hostname,
                    "NetworkMode", r->network ? r->network : "host", "ReadonlyRootfs", r->read_only, "Privileged",
                    r->privileged, "NoNewPrivileges", r->no_new_privs, "AutoRemove", r->auto_remove, "Init", r->init,
                    "Seccomp", r->seccomp, "CapAdd", strv_json (r->cap_add), "CapDrop", strv_json (r->cap_drop),
                    "Mounts", mounts, "Labels", strv_json (r->labels), "RestartPolicy",
                    r->restart ? r->restart : "no", "StopSignal", r->stop_signal ? r->stop_signal : "SIGTERM",
                    "StopTimeout", r->stop_timeout, "Memory", (json_int_t) r->memory, "MemorySwap",
                    (json_int_t) r->memory_swap, "ShmSize", (json_int_t) r->shm_size, "PidsLimit",
                    (json_int_t) r->pids_limit, "CpuQuota", (json_int_t) r->cpu_quota, "CpuPeriod",
                    (json_int_t) r->cpu_period, "CpuShares", (json_int_t) r->cpu_shares, "Ulimits",
                    strv_json (r->ulimits), "Devices", strv_json (r->devices), "LogMaxSize",
                    (json_int_t) r->log_max_size, "LogMaxFile", r->log_max_file);
  if (j)
    {
      json_object_set_new (j, "Tty", json_boolean (r->tty));
      json_object_set_new (j, "OpenStdin", json_boolean (r->open_stdin));
    }
  return j;
}

/* docker's names: adjective_noun. */
static void
random_name (char *buf, size_t len)
{
  static const char *const adj[] = { "brave", "calm", "eager", "fond", "gentle", "happy", "jolly", "keen",
                                     "lucid", "merry", "nifty", "proud", "quiet", "sharp", "tender", "vivid",
                                     "witty", "zealous", "bold", "crisp" };
  static const char *const noun[] = { "babbage", "curie", "darwin", "euler", "fermat", "gauss", "hopper",
                                      "hypatia", "kepler", "lovelace", "noether", "pascal", "ritchie", "shannon",
                                      "thompson", "turing", "wozniak", "yalow", "bell", "knuth" };
  unsigned r[2] = { 0, 0 };
  if (getrandom (r, sizeof r, 0) < 0)
    r[0] = (unsigned) time (NULL), r[1] = (unsigned) getpid ();
  snprintf (buf, len, "%s_%s", adj[r[0] % ARRAY_SIZE (adj)], noun[r[1] % ARRAY_SIZE (noun)]);
}

static bool
valid_name (const char *n)
{
  if (!((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z') || (n[0] >= '0' && n[0] <= '9')))
    return false;
  return strspn (n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen (n)
         && strlen (n) < 128;
}

static void
image_freep (vs_image *i)
{
  vs_image_free (i);
}
static void
config_freep (vs_image_config *c)
{
  vs_image_config_free (c);
}

static int
new_id (char id[65], vs_error *err)
{
  unsigned char rnd[32];

  if (getrandom (rnd, sizeof rnd, 0) != sizeof rnd)
    return vs_fail (err, errno, "make a container id");
  for (size_t i = 0; i < 32; i++)
    snprintf (id + 2 * i, 3, "%02x", rnd[i]);
  return 0;
}

/* A new container's folder (and the folders of all containers and logs). */
static int
make_folder (vs_engine *e, const char *dir, vs_error *err)
{
  char sub[PATH_MAX];
  int r;

  snprintf (sub, sizeof sub, "%s/containers", e->root);
  if ((r = vs_mkdir_top (sub, 0700, err)) < 0)
    return r;
  if (mkdir (dir, 0700) < 0)
    return vs_fail (err, errno, "create %s", dir);
  snprintf (sub, sizeof sub, "%s/logs", e->root);
  if ((r = vs_mkdir_p (sub, 0700, err)) < 0)
    (void) rmdir (dir);
  return r;
}

/* Its overlay's upper and work folders, and the mount point (for a
   container no monitor waits for: vessel-monitor makes them itself). */
static int
make_subfolders (const char *dir, vs_error *err)
{
  static const char *const subs[] = { "upper", "work", "rootfs" };
  char sub[PATH_MAX];

  for (size_t i = 0; i < ARRAY_SIZE (subs); i++)
    {
      snprintf (sub, sizeof sub, "%s/%s", dir, subs[i]);
      if (mkdir (sub, 0755) < 0)
        return vs_fail (err, errno, "create %s", sub);
    }
  return 0;
}

static void prestart_options (vs_engine *e, const vs_image *img);

static int
create (vs_engine *e, const vs_run_req *req, bool start, char id[65], vs_error *err)
{
  __attribute__ ((cleanup (image_freep))) vs_image img = { 0 };
  __attribute__ ((cleanup (config_freep))) vs_image_config cfg = { 0 };
  _cleanup_free_ char *cfgtext = NULL, *dir = NULL, *cmdline = NULL, *reqtext = NULL, *cfgpath = NULL;
  _cleanup_json_ json_t *spec = NULL, *args = NULL, *rj = NULL;
  char name[160], created[32];
  size_t len = 0;
  int r;

  /* `run -d`: the monitor started with the engine's open made the folder
     (or starts now: after a pull) */
  if (start && e->pre.pid <= 0)
    prestart (e, req);
  if (start && e->pre.pid > 0)
    {
      memcpy (id, e->pre.id, 65);
      dir = ctr_path (e, id, NULL);
      if (dir == NULL)
        {
          prestart_abandon (e);
          return vs_fail (err, ENOMEM, "container");
        }
    }
  if (req->name && !valid_name (req->name))
    r = vs_fail (err, 0, "invalid container name `%s`: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", req->name);
  else
    r = vs_store_image_get (e->store, req->image, &img, err);
  for (size_t i = 0; r == 0 && i < img.n_layers; i++)
    if (!vs_store_snapshot_exists (e->store, img.layers[i].chain_id))
      r = vs_fail (err, ENOENT, "image %s: layer %s is not unpacked (pull it again)", req->image,
                   img.layers[i].blob);
  if (r == 0 && dir == NULL)
    {
      r = new_id (id, err);
      if (r == 0 && (dir = ctr_path (e, id, NULL)) == NULL)
        r = vs_fail (err, ENOMEM, "container");
      if (r == 0 && (r = make_folder (e, dir, err)) == 0 && (r = make_subfolders (dir, err)) < 0)
        {
          vs_error ignore;
          (void) vs_rm_rf_at (AT_FDCWD, dir, &ignore);
        }
      if (r < 0)
        {
          free (dir);
          dir = NULL;
        }
    }
  if (r == 0)
    {
      rj = req_json (req);
      if (rj == NULL || json_object_set_new (rj, "ImageID", json_string (img.id)) < 0)
        r = vs_fail (err, ENOMEM, "container");
    }
  /* its monitor mounts the overlay while we go on */
  if (r == 0 && start)
    prestart_options (e, &img);
  if (r == 0)
    {
      r = vs_store_blob_read (e->store, img.id, 4u << 20, &cfgtext, &len, err);
      if (r == 0)
        r = vs_image_config_parse (cfgtext, len, &cfg, err);
      if (r < 0)
        r = vs_wrap (err, r, "image %s", req->image);
    }
  if (r == 0 && req->name)
    snprintf (name, sizeof name, "%s", req->name);
  else if (r == 0)
    {
      /* docker's style of name, free in this store (a number when the
         pairs run short) */
      for (int tries = 0;; tries++)
        {
          _cleanup_stmt_ sqlite3_stmt *st = NULL;
          random_name (name, sizeof name);
          if (tries >= 8)
            {
              size_t l = strlen (name);
              snprintf (name + l, sizeof name - l, "_%.6s", id);
            }
          r = db_prepare (e, &st, err, "SELECT 1 FROM containers WHERE name = ?", name, NULL);
          if (r < 0 || sqlite3_step (st) != SQLITE_ROW || tries >= 9)
            break;
        }
    }

  /* the name is taken in the database first: two runs racing for it fail cleanly */
  if (r == 0)
    {
      _cleanup_stmt_ sqlite3_stmt *st = NULL;
      char existing[80] = "";
      r = db_prepare (e, &st, err, "SELECT id FROM containers WHERE name = ?", name, NULL);
      if (r == 0 && sqlite3_step (st) == SQLITE_ROW)
        {
          snprintf (existing, sizeof existing, "%s", (const char *) sqlite3_column_text (st, 0));
          r = vs_fail (err, 0,
                       "Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to"
                       " remove (or rename) that container to be able to reuse that name.",
                       name, existing);
        }
    }

  if (r == 0)
    r = vs_engine_spec (e, req, &img, &cfg, dir, id, name, &spec, &args, err);
  if (r == 0)
    {
      cfgpath = ctr_path (e, id, "config.json");
      char *text = json_dumps (spec, JSON_COMPACT);
      if (cfgpath == NULL || text == NULL)
        r = vs_fail (err, ENOMEM, "container config");
      else
        r = vs_write_file_atomic_at (AT_FDCWD, cfgpath, text, strlen (text), 0600, err);
      free (text);
    }
  if (r == 0)
    {
      cmdline = json_dumps (args, JSON_COMPACT);
      reqtext = json_dumps (rj, JSON_COMPACT);
      if (cmdline == NULL || reqtext == NULL)
        r = vs_fail (err, ENOMEM, "container");
    }
  if (r == 0)
    {
      _cleanup_stmt_ sqlite3_stmt *st = NULL;
      snprintf (created, sizeof created, "%lld", (long long) time (NULL));
      r = db_prepare (e, &st, err,
                      "INSERT INTO containers (id, name, image, image_id, command, created, request)"
                      " VALUES (?,?,?,?,?,?,?)",
                      id, name, req->image, img.id, cmdline, created, reqtext, NULL);
      if (r == 0 && sqlite3_step (st) != SQLITE_DONE)
        r = sqlite3_errcode (vs_store_db (e->store)) == SQLITE_CONSTRAINT
                ? vs_fail (err, 0, "Conflict. The container name \"/%s\" is already in use", name)
                : db_fail (e, err, "add container");
    }
  if (r == 0 && start && req->attached)
    r = vs_container_mark_attached (e, id, err);
  /* a new container has no leftovers to clear and nobody else knows its
     id: its monitor starts it now, while we return to the caller's start */
  if (r == 0 && start && e->pre.pid > 0 && send (e->pre.fd, "g", 1, MSG_NOSIGNAL) == 1)
    {
      e->pre.go = true;
      snprintf (e->pre.name, sizeof e->pre.name, "%s", name);
    }
  if (r < 0)
    prestart_drop (e);
  if (r < 0 && dir)
    {
      vs_error ignore;
      (void) vs_rm_rf_at (AT_FDCWD, dir, &ignore);
    }
  return r;
}

int
vs_container_create (vs_engine *e, const vs_run_req *req, char id[65], vs_error *err)
{
  return create (e, req, false, id, err);
}

int
vs_container_create_to_start (vs_engine *e, const vs_run_req *req, char id[65], vs_error *err)
{
  return create (e, req, true, id, err);
}

#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

/* ---- state ---- */

static bool
pid_alive (int pid)
{
  return pid > 0 && (kill (pid, 0) == 0 || errno == EPERM);
}

/* The monitor's state of the container (its state.json), or NULL. */
static json_t *
monitor_state (vs_engine *e, const char *id)
{
  _cleanup_free_ char *path = ctr_path (e, id, "state.json"), *text = NULL;
  vs_error ignore;
  size_t len;

  if (path == NULL || vs_read_file_at (AT_FDCWD, path, &text, &len, &ignore) < 0)
    return NULL;
  return json_loadb (text, len, 0, NULL);
}

/* pid, the monitor of container id recorded in its state, when it still
   runs (checked against its command line); else -1. */
static int
monitor_alive (int pid, const char *id)
{
  char proc[64], cmd[512];
  ssize_t n;

  if (!pid_alive (pid))
    return -1;
  snprintf (proc, sizeof proc, "/proc/%d/cmdline", pid);
  n = vs_read_small_at (AT_FDCWD, proc, 0, cmd, sizeof cmd);
  if (n <= 0)
    return -1;
  for (ssize_t i = 0; i < n; i++)
    if (cmd[i] == '\0')
      cmd[i] = ' ';
  return strstr (cmd, id) ? pid : -1;
}

/* The monitor's pid when it still runs, and the init's it recorded (0 when
   not running).  It records them in state.json before the container is
   reported started. */
static int
monitor_pids (vs_engine *e, const char *id, int *init_pid)
{
  _cleanup_json_ json_t *j = monitor_state (e, id);
  if (init_pid)
    *init_pid = j ? (int) json_integer_value (json_object_get (j, "pid")) : 0;
  return j ? monitor_alive ((int) json_integer_value (json_object_get (j, "monitor_pid")), id) : -1;
}

static int
monitor_pid (vs_engine *e, const char *id)
{
  return monitor_pids (e, id, NULL);
}

/* Fill the live fields of c from the monitor's state.json. */
static void
reconcile (vs_engine *e, vs_container *c)
{
  json_t *j = monitor_state (e, c->id);
  int mpid;

  free (c->status);
  c->status = NULL;
  if (j == NULL)
    {
      c->status = strdup ("created");
      return;
    }
  const char *st = json_string_value (json_object_get (j, "status"));
  c->status = strdup (st ? st : "created");
  c->pid = (int) json_integer_value (json_object_get (j, "pid"));
  c->exit_code = (int) json_integer_value (json_object_get (j, "exit_code"));
  c->restart_count = (int) json_integer_value (json_object_get (j, "restart_count"));
  if (json_is_string (json_object_get (j, "started_at")))
    c->started_at = strdup (json_string_value (json_object_get (j, "started_at")));
  if (json_is_string (json_object_get (j, "finished_at")))
    c->finished_at = strdup (json_string_value (json_object_get (j, "finished_at")));
  if (json_is_string (json_object_get (j, "error")))
    c->error = strdup (json_string_value (json_object_get (j, "error")));
  mpid = (int) json_integer_value (json_object_get (j, "monitor_pid"));
  json_decref (j);
  if (c->status && (strcmp (c->status, "running") == 0 || strcmp (c->status, "restarting") == 0)
      && monitor_alive (mpid, c->id) < 0)
    {
      /* the monitor is gone (kill -9): the truth is the init process */
      if (strcmp (c->status, "running") == 0 && pid_alive (c->pid))
        return;
      free (c->status);
      c->status = strdup ("exited");
      c->exit_code = 255;
      c->pid = 0;
    }
  if (c->status && strcmp (c->status, "running") != 0)
    c->pid = 0;
  /* the monitor does not know about pause: the runtime's freezer does */
  if (c->status && strcmp (c->status, "running") == 0 && vs_container_frozen (c->pid))
    {
      free (c->status);
      c->status = strdup ("paused");
    }
}

static int
load_row (vs_engine *e, sqlite3_stmt *st, vs_container *c)
{
  (void) e;
  memset (c, 0, sizeof *c);
  snprintf (c->id, sizeof c->id, "%s", (const char *) sqlite3_column_text (st, 0));
  c->name = strdup ((const char *) sqlite3_column_text (st, 1));
  c->image = strdup ((const char *) sqlite3_column_text (st, 2));
  snprintf (c->image_id, sizeof c->image_id, "%s", (const char *) sqlite3_column_text (st, 3));
  c->command = strdup ((const char *) sqlite3_column_text (st, 4));
  c->created = sqlite3_column_int64 (st, 5);
  c->request = strdup ((const char *) sqlite3_column_text (st, 6));
  if (c->name == NULL || c->image == NULL || c->command == NULL || c->request == NULL)
    return -ENOMEM;
  reconcile (e, c);
  return 0;
}

#define ROW_COLS "id, name, image, image_id, command, created, request"

int
vs_container_get (vs_engine *e, const char *what, vs_container *c, vs_error *err)
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL;
  _cleanup_free_ char *prefix = NULL;
  int r, rc;

  memset (c, 0, sizeof *c);
  r = db_prepare (e, &st, err, "SELECT " ROW_COLS " FROM containers WHERE name = ?1 OR id = ?1", what, NULL);
  if (r < 0)
    return r;
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW && strlen (what) >= 1 && strspn (what, "0123456789abcdef") == strlen (what))
    {
      sqlite3_finalize (st);
      st = NULL;
      if (asprintf (&prefix, "%s%%", what) < 0)
        return vs_fail (err, ENOMEM, "container %s", what);
      r = db_prepare (e, &st, err, "SELECT " ROW_COLS " FROM containers WHERE id LIKE ?", prefix, NULL);
      if (r < 0)
        return r;
      rc = sqlite3_step (st);
      if (rc == SQLITE_ROW)
        {
          vs_container tmp;
          if (load_row (e, st, &tmp) < 0)
            return vs_fail (err, ENOMEM, "container %s", what);
          if (sqlite3_step (st) == SQLITE_ROW)
            {
              vs_container_free (&tmp);
              return vs_fail (err, 0, "multiple containers match the id prefix `%s`", what);
            }
          *c = tmp;
          return 0;
        }
    }
  if (rc != SQLITE_ROW)
    {
      vs_fail (err, 0, "No such container: %s", what);
      err->code = ENOENT;
      return -ENOENT;
    }
  if (load_row (e, st, c) < 0)
    return vs_fail (err, ENOMEM, "container %s", what);
  return 0;
}

int
vs_container_list (vs_engine *e, bool all, vs_container **ret, size_t *n, vs_error *err)
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL;
  vs_container *v = NULL;
  size_t count = 0;
  int r = db_prepare (e, &st, err, "SELECT " ROW_COLS " FROM containers ORDER BY created DESC, id", NULL);

  while (r == 0 && sqlite3_step (st) == SQLITE_ROW)
    {
      vs_container *nv = realloc (v, (count + 1) * sizeof *nv);
      if (nv == NULL)
        {
          r = vs_fail (err, ENOMEM, "list containers");
          break;
        }
      v = nv;
      if (load_row (e, st, &v[count]) < 0)
        {
          vs_container_free (&v[count]);
          r = vs_fail (err, ENOMEM, "list containers");
          break;
        }
      if (!all && strcmp (v[count].status, "running") != 0 && strcmp (v[count].status, "restarting") != 0
          && strcmp (v[count].status, "paused") != 0)
        vs_container_free (&v[count]);
      else
        count++;
    }
  if (r < 0)
    {
      vs_containers_free (v, count);
      return r;
    }
  *ret = v;
  *n = count;
  return 0;
}

static bool
store_image_in_use (void *store, const char *image_id)
{
  sqlite3_stmt *st = NULL;
  bool used = true; /* on doubt, in use */
  if (sqlite3_prepare_v2 (vs_store_db (store), "SELECT 1 FROM containers WHERE image_id = ? LIMIT 1", -1, &st, NULL)
      == SQLITE_OK)
    {
      sqlite3_bind_text (st, 1, image_id, -1, SQLITE_TRANSIENT);
      used = sqlite3_step (st) != SQLITE_DONE;
    }
  sqlite3_finalize (st);
  return used;
}

bool
vs_engine_image_in_use (void *engine, const char *image_id)
{
  return store_image_in_use (((vs_engine *) engine)->store, image_id);
}

int
vs_engine_guard_images (vs_store *s, vs_error *err)
{
  char *msg = NULL;
  if (sqlite3_exec (vs_store_db (s), schema, NULL, NULL, &msg) != SQLITE_OK)
    {
      int r = vs_fail (err, 0, "container database %s/vessel.db: %s", vs_store_root (s), msg ? msg : "error");
      sqlite3_free (msg);
      return r;
    }
  vs_store_set_in_use (s, store_image_in_use, s);
  return 0;
}

/* ---- running things ---- */

/* Run a program and wait; stderr captured into msg (last line). */
static int
run_prog (char *const argv[], char *msg, size_t msglen)
{
  int p[2], status;
  pid_t pid;
  char buf[4096];
  size_t got = 0;

  if (pipe2 (p, O_CLOEXEC) < 0)
    return -errno;
  pid = fork ();
  if (pid < 0)
    {
      int e = errno;
      close (p[0]);
      close (p[1]);
      return -e;
    }
  if (pid == 0)
    {
      int devnull = open ("/dev/null", O_RDWR);
      dup2 (devnull, 0);
      dup2 (devnull, 1);
      dup2 (p[1], 2);
      execv (argv[0], argv);
      _exit (127);
    }
  close (p[1]);
  for (;;)
    {
      ssize_t n = read (p[0], buf + got, sizeof buf - 1 - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (size_t) n;
      if (got == sizeof buf - 1)
        got = 0; /* keep the end */
    }
  close (p[0]);
  buf[got] = '\0';
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return -errno;
  if (msg)
    {
      char *end = buf + strlen (buf);
      while (end > buf && (end[-1] == '\n' || end[-1] == ' '))
        *--end = '\0';
      char *last = strrchr (buf, '\n');
      snprintf (msg, msglen, "%s", last ? last + 1 : buf);
    }
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static int
runtime (vs_engine *e, char *msg, size_t msglen, ...)
{
  char rtroot[PATH_MAX];
  char *argv[16];
  size_t n = 0;
  va_list ap;
  const char *a;

  snprintf (rtroot, sizeof rtroot, "%s/runtime", e->runroot);
  argv[n++] = e->runtime;
  argv[n++] = (char *) "--root";
  argv[n++] = rtroot;
  va_start (ap, msglen);
  while ((a = va_arg (ap, const char *)) != NULL && n < ARRAY_SIZE (argv) - 1)
    argv[n++] = (char *) a;
  va_end (ap);
  argv[n] = NULL;
  return run_prog (argv, msg, msglen);
}

/* `runtime delete --force ID` when the runtime still knows the container
   (its monitor, which deletes it, was killed); else nothing to do. */
static void
runtime_delete (vs_engine *e, const char *id)
{
  char rtstate[PATH_MAX];
  snprintf (rtstate, sizeof rtstate, "%s/runtime/%s", e->runroot, id);
  if (access (rtstate, F_OK) == 0)
    (void) runtime (e, NULL, 0, "delete", "--force", id, NULL);
}

static bool
is_mounted (const char *path)
{
  struct stat a, b;
  _cleanup_free_ char *parent = NULL;
  if (stat (path, &a) < 0 || asprintf (&parent, "%s/..", path) < 0 || stat (parent, &b) < 0)
    return false;
  return a.st_dev != b.st_dev;
}

/* The overlay's options for container id (name) of image img: the image's
   init layer and snapshots (top first) under the container's upper. */
static int
overlay_options (vs_engine *e, const char *id, const char *name, const vs_image *img, char **ret, vs_error *err)
{
  _cleanup_free_ char *upper = ctr_path (e, id, "upper"), *work = ctr_path (e, id, "work"), *lower = NULL;
  int r;

  if (upper == NULL || work == NULL)
    return vs_fail (err, ENOMEM, "container %s", name);
  if (img->n_layers > 0 && (r = vs_init_layer (e->store, img, &lower, err)) < 0)
    return vs_wrap (err, r, "container %s", name);
  for (size_t i = img->n_layers; i-- > 0;)
    {
      _cleanup_free_ char *p = vs_store_snapshot_path (e->store, img->layers[i].chain_id);
      char *nl = NULL;
      if (p == NULL || asprintf (&nl, "%s%s%s", lower ? lower : "", lower ? ":" : "", p) < 0)
        return vs_fail (err, ENOMEM, "container %s", name);
      free (lower);
      lower = nl;
    }
  if (lower == NULL)
    {
      /* an image without layers: an empty lower */
      lower = ctr_path (e, id, "empty");
      if (lower == NULL)
        return vs_fail (err, ENOMEM, "container %s", name);
      (void) mkdir (lower, 0755);
    }
  if (asprintf (ret, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work) < 0)
    return vs_fail (err, ENOMEM, "container %s", name);
  return 0;
}

/* The same for container c, its image read from the store. */
static int
rootfs_options (vs_engine *e, const vs_container *c, char **ret, vs_error *err)
{
  vs_image img;
  int r = vs_store_image_get (e->store, c->image_id, &img, err);

  if (r < 0)
    return vs_wrap (err, r, "container %s", c->name);
  r = overlay_options (e, c->id, c->name, &img, ret, err);
  vs_image_free (&img);
  return r;
}

static int
umount_rootfs (vs_engine *e, const char *id)
{
  _cleanup_free_ char *rootfs = ctr_path (e, id, "rootfs");
  if (rootfs && is_mounted (rootfs) && umount2 (rootfs, MNT_DETACH) < 0)
    return -errno;
  return 0;
}

static json_t *
request_of (const vs_container *c)
{
  return json_loads (c->request, 0, NULL);
}

void
vs_container_stdio_flags (const vs_container *c, bool *tty, bool *open_stdin)
{
  _cleanup_json_ json_t *rq = c->request ? request_of (c) : NULL;
  *tty = json_is_true (json_object_get (rq, "Tty"));
  *open_stdin = json_is_true (json_object_get (rq, "OpenStdin"));
}

/* Start the monitor of container id (vessel-monitor) with its request rq
 * and overlay options: its own session, no terminal, stdio on /dev/null, a
 * socket to us as fd 3, on which it answers "ok PID" or "error MESSAGE"
 * (with wait_go it waits for a byte on it first, and ends quietly at EOF;
 * ropts NULL: the options come first, as a message on that socket),
 * attach_fd (or -1) as fd 4.  posix_spawn (vfork: this process's memory is
 * not copied).  It stays our child, without a second fork to make it a
 * daemon (0.3 ms of every start): once we exit it is init's, and a monitor
 * that ends before us (a failed start, a foreground run) is reaped by
 * start or waits as a zombie until we exit.  A long-lived caller that
 * starts many containers reaps them itself. */
static int
spawn_monitor (vs_engine *e, const char *id, const char *name, json_t *rq, const char *ropts, int attach_fd,
               bool wait_go, pid_t *ret_pid, int *ret_fd, vs_error *err)
{
  _cleanup_free_ char *dir = ctr_path (e, id, NULL), *logp = vs_container_log_path (e, id),
                      *rootfs = ctr_path (e, id, "rootfs");
  const char *restart = json_string_value (json_object_get (rq, "RestartPolicy"));
  const char *stopsig = json_string_value (json_object_get (rq, "StopSignal"));
  char rtroot[PATH_MAX], size[32], files[16], *argv[56];
  int sv[2], afd, r;
  size_t n = 0;

  if (dir == NULL || logp == NULL || rootfs == NULL)
    return vs_fail (err, ENOMEM, "start container %s", name);
  snprintf (rtroot, sizeof rtroot, "%s/runtime", e->runroot);
  snprintf (size, sizeof size, "%lld", (long long) json_integer_value (json_object_get (rq, "LogMaxSize")));
  snprintf (files, sizeof files, "%d", (int) json_integer_value (json_object_get (rq, "LogMaxFile")));
  /* messages: the overlay's options (without ropts) and "g" from us; the
     monitor's "ok PID" or "error MESSAGE" */
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return vs_fail (err, errno, "start container %s: socketpair", name);
  /* the attach client goes to the monitor's fd 4: out of the way of the
     dup2s first */
  afd = attach_fd >= 0 ? fcntl (attach_fd, F_DUPFD_CLOEXEC, 5) : -1;
  argv[n++] = e->monitor;
  argv[n++] = (char *) "--runtime";
  argv[n++] = e->runtime;
  argv[n++] = (char *) "--runtime-root";
  argv[n++] = rtroot;
  argv[n++] = (char *) "--bundle";
  argv[n++] = dir;
  argv[n++] = (char *) "--id";
  argv[n++] = (char *) id;
  argv[n++] = (char *) "--dir";
  argv[n++] = dir;
  argv[n++] = (char *) "--log";
  argv[n++] = logp;
  argv[n++] = (char *) "--sync-fd";
  argv[n++] = (char *) "3";
  argv[n++] = (char *) "--rootfs";
  argv[n++] = rootfs;
  if (ropts)
    {
      argv[n++] = (char *) "--rootfs-options";
      argv[n++] = (char *) ropts;
    }
  if (size[0] != '0')
    {
      argv[n++] = (char *) "--log-max-size";
      argv[n++] = size;
    }
  if (files[0] != '0')
    {
      argv[n++] = (char *) "--log-max-file";
      argv[n++] = files;
    }
  if (restart && strcmp (restart, "no") != 0)
    {
      argv[n++] = (char *) "--restart";
      argv[n++] = (char *) restart;
    }
  if (stopsig)
    {
      argv[n++] = (char *) "--stop-signal";
      argv[n++] = (char *) stopsig;
    }
  if (json_is_true (json_object_get (rq, "Tty")))
    argv[n++] = (char *) "--terminal";
  if (json_is_true (json_object_get (rq, "OpenStdin")))
    argv[n++] = (char *) "--stdin";
  if (afd >= 0)
    {
      argv[n++] = (char *) "--attach-fd";
      argv[n++] = (char *) "4";
    }
  if (wait_go)
    argv[n++] = (char *) "--wait-go";
  /* afterwards: `vessel container cleanup ID` unmounts (and removes with --rm) */
  const char *exitcmd[] = { e->self, "--root", e->root, "--runroot", e->runroot, "container", "cleanup", id };
  for (size_t k = 0; k < ARRAY_SIZE (exitcmd); k++)
    {
      argv[n++] = (char *) "--exit-command";
      argv[n++] = (char *) exitcmd[k];
    }
  argv[n] = NULL;
  {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, all;
    sigemptyset (&none);
    sigfillset (&all);
    posix_spawn_file_actions_init (&fa);
    posix_spawnattr_init (&at);
    posix_spawn_file_actions_adddup2 (&fa, sv[1], 3);
    if (afd >= 0)
      posix_spawn_file_actions_adddup2 (&fa, afd, 4);
    posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDWR, 0);
    posix_spawn_file_actions_adddup2 (&fa, 0, 1);
    posix_spawn_file_actions_adddup2 (&fa, 0, 2);
    posix_spawn_file_actions_addclosefrom_np (&fa, afd >= 0 ? 5 : 4);
    posix_spawnattr_setflags (&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setsigmask (&at, &none);
    posix_spawnattr_setsigdefault (&at, &all);
    r = posix_spawn (ret_pid, argv[0], &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy (&fa);
    posix_spawnattr_destroy (&at);
  }
  close (sv[1]);
  if (afd >= 0)
    close (afd);
  if (r != 0)
    {
      close (sv[0]);
      return vs_fail (err, r, "start the monitor %s of container %s", e->monitor, name);
    }
  *ret_fd = sv[0];
  return 0;
}

/* A monitor started with a container's creation that will not be told to
   go (the creation failed, or no start followed): it ends at EOF, with
   nothing started; the log file it opened goes too. */
static void
prestart_drop (vs_engine *e)
{
  _cleanup_free_ char *logp = NULL;

  if (e->pre.pid <= 0)
    return;
  close (e->pre.fd);
  e->pre.fd = -1;
  if (e->pre.go)
    {
      /* started: it lives on */
      e->pre.pid = 0;
      e->pre.go = false;
      return;
    }
  while (waitpid (e->pre.pid, NULL, 0) < 0 && errno == EINTR)
    ;
  logp = vs_container_log_path (e, e->pre.id);
  if (logp)
    unlink (logp);
  e->pre.pid = 0;
}

/* The prestarted monitor of container id, handed over to the caller (its
   pid, and its socket in *fd); 0 when there is none. */
static pid_t
prestart_take (vs_engine *e, const char *id, int *fd)
{
  pid_t pid = e->pre.pid;

  if (pid <= 0 || strcmp (e->pre.id, id) != 0)
    return 0;
  *fd = e->pre.fd;
  e->pre.pid = 0;
  e->pre.fd = -1;
  e->pre.go = false;
  return pid;
}

/* The same, and the folder it made goes too: its container has no record. */
static void
prestart_abandon (vs_engine *e)
{
  _cleanup_free_ char *dir = NULL;
  vs_error ignore;

  if (e->pre.pid <= 0)
    return;
  dir = ctr_path (e, e->pre.id, NULL);
  prestart_drop (e);
  if (dir)
    (void) vs_rm_rf_at (AT_FDCWD, dir, &ignore);
}

/* A new container for `run -d` of req: its id, and its monitor started
   now, to wait for vs_container_start.  Its program loads and its setup
   (about 1.5 ms) overlap the rest of the creation, starting with the
   container's folder: the monitor touches it only once it has the options
   (prestart_options), and then makes the overlay's folders in it itself.
   Best effort: without it, start spawns one. */
static void
prestart (vs_engine *e, const vs_run_req *req)
{
  _cleanup_json_ json_t *rq = req_json (req);
  _cleanup_free_ char *dir = NULL;
  vs_error ignore;
  char id[65];

  if (rq == NULL || new_id (id, &ignore) < 0 || (dir = ctr_path (e, id, NULL)) == NULL
      || spawn_monitor (e, id, id, rq, NULL, -1, true, &e->pre.pid, &e->pre.fd, &ignore) < 0)
    {
      e->pre.pid = 0;
      e->pre.fd = -1;
      return;
    }
  snprintf (e->pre.id, sizeof e->pre.id, "%s", id);
  if (make_folder (e, dir, &ignore) < 0)
    prestart_drop (e);
}

/* The prestarted monitor's overlay options, for image img: it mounts
   while we go on.  Should it be gone, start reads its error; without the
   options, start spawns another monitor and says why. */
static void
prestart_options (vs_engine *e, const vs_image *img)
{
  _cleanup_free_ char *ropts = NULL;
  vs_error ignore;

  if (e->pre.pid <= 0)
    return;
  if (overlay_options (e, e->pre.id, e->pre.id, img, &ropts, &ignore) < 0)
    prestart_drop (e);
  else
    (void) send (e->pre.fd, ropts, strlen (ropts), MSG_NOSIGNAL);
}

static int ctr_lock (vs_engine *e, const char *id);
static void wait_monitor (vs_engine *e, const char *id, int ms);

/* The monitor's answer to a start: one line, "ok PID" or "error MESSAGE"
 * (then -ENOEXEC, with *code 125, 126 or 127 as docker). */
static int
start_answer (vs_engine *e, pid_t spawned, int syncfd, const char *id, const char *name, bool lock_on_error,
              int *code, vs_error *err)
{
  _cleanup_close_ int lock = -1;
  char line[1200];
  size_t got = 0;

  for (;;)
    {
      struct pollfd pfd = { .fd = syncfd, .events = POLLIN };
      int pr = poll (&pfd, 1, 60000);
      if (pr <= 0)
        break;
      ssize_t k = read (syncfd, line + got, sizeof line - 1 - got);
      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        break;
      got += (size_t) k;
      if (memchr (line, '\n', got) || got == sizeof line - 1)
        break;
    }
  close (syncfd);
  line[got] = '\0';
  line[strcspn (line, "\n")] = '\0';
  if (strncmp (line, "ok ", 3) == 0)
    {
      *code = 0;
      return 0;
    }
  /* the monitor of a run that failed is still tearing it down: let it
     finish, under the lock (a failed first run ends the monitor without
     its exit command), so that neither the caller's cleanup nor another
     start meets it half way */
  if (lock_on_error)
    lock = ctr_lock (e, id);
  wait_monitor (e, id, 10000);
  (void) waitpid (spawned, NULL, WNOHANG);
  {
    const char *msg = strncmp (line, "error ", 6) == 0 ? line + 6 : line[0] ? line : "the monitor exited";
    if (strstr (msg, "not found") || strstr (msg, "No such file"))
      *code = 127;
    else if (strstr (msg, "ermission denied") || strstr (msg, "not executable") || strstr (msg, "xec format"))
      *code = 126;
    vs_fail (err, 0, "start container %s: %s", name, msg);
  }
  return -ENOEXEC;
}

int
vs_container_start (vs_engine *e, const char *what, int *code, vs_error *err)
{
  return vs_container_start_attached (e, what, -1, code, err);
}

int
vs_container_start_attached (vs_engine *e, const char *what, int attach_fd, int *code, vs_error *err)
{
  vs_container c;
  _cleanup_json_ json_t *rq = NULL;
  _cleanup_free_ char *stopped = NULL, *state = NULL, *ropts = NULL;
  _cleanup_close_ int lock = -1;
  int syncfd = -1, r;
  pid_t spawned;

  *code = 125;
  /* started by its creation: only its answer is left */
  if (e->pre.go && attach_fd < 0 && (spawned = prestart_take (e, what, &syncfd)) > 0)
    return start_answer (e, spawned, syncfd, what, e->pre.name, true, code, err);
  r = vs_container_get (e, what, &c, err);
  if (r < 0)
    return r;
  /* under the container's lock, as it is now (a concurrent rm or start) */
  /* the monitor of an earlier run records its end and cleans up (taking
     the lock) before a new one may start: wait for it outside the lock */
  wait_monitor (e, c.id, 10000);
  lock = ctr_lock (e, c.id);
  vs_container_free (&c);
  if (lock < 0)
    return lock == -ENOENT ? vs_fail (err, 0, "No such container: %s", what)
                           : vs_fail (err, -lock, "lock container %s", what);
  r = vs_container_get (e, what, &c, err);
  if (r < 0)
    return r;
  if (strcmp (c.status, "running") == 0 || strcmp (c.status, "restarting") == 0 || strcmp (c.status, "paused") == 0)
    {
      vs_container_free (&c);
      return 0; /* docker: starting a running container is a no-op */
    }
  rq = request_of (&c);
  stopped = ctr_path (e, c.id, "stopped");
  state = ctr_path (e, c.id, "state.json");
  if (rq == NULL || stopped == NULL || state == NULL)
    {
      vs_container_free (&c);
      return vs_fail (err, ENOMEM, "start container");
    }
  /* an old run's leftovers in the runtime (a monitor killed with -9) */
  runtime_delete (e, c.id);
  unlink (stopped);
  unlink (state);
  /* the monitor mounts it in its own mount namespace (vessel-monitor);
     one left on the host by an older vessel goes first */
  umount_rootfs (e, c.id);
  /* its monitor started with its creation and waits (the go it was sent
     there failed: it is gone, and its error is read below) */
  if (attach_fd < 0 && (spawned = prestart_take (e, c.id, &syncfd)) > 0)
    (void) send (syncfd, "g", 1, MSG_NOSIGNAL);
  else
    {
      prestart_drop (e);
      r = rootfs_options (e, &c, &ropts, err);
      if (r == 0)
        r = spawn_monitor (e, c.id, c.name, rq, ropts, attach_fd, false, &spawned, &syncfd, err);
      if (r < 0)
        {
          vs_container_free (&c);
          return r;
        }
    }
  r = start_answer (e, spawned, syncfd, c.id, c.name, false, code, err);
  vs_container_free (&c);
  return r;
}

/* Wait until the container's state leaves running/restarting, up to ms (-1 forever). */
static int
wait_stopped (vs_engine *e, const char *id, int ms, vs_container *out, vs_error *err)
{
  for (int waited = 0;; waited += 20)
    {
      vs_container c;
      int r = vs_container_get (e, id, &c, err);
      if (r < 0)
        return r;
      if (strcmp (c.status, "running") != 0 && strcmp (c.status, "restarting") != 0 && strcmp (c.status, "paused") != 0)
        {
          if (out)
            *out = c;
          else
            vs_container_free (&c);
          return 0;
        }
      vs_container_free (&c);
      if (ms >= 0 && waited >= ms)
        return -ETIMEDOUT;
      usleep (20000);
    }
}

static int
mark_stopped (vs_engine *e, const char *id)
{
  _cleanup_free_ char *p = ctr_path (e, id, "stopped");
  vs_error ignore;
  return p ? vs_write_file_at (AT_FDCWD, p, "", 0, 0600, &ignore) : -ENOMEM;
}

int
vs_container_kill (vs_engine *e, const char *what, const char *signal, vs_error *err)
{
  vs_container c;
  char msg[512] = "";
  int r = vs_container_get (e, what, &c, err);
  if (r < 0)
    return r;
  if (strcmp (c.status, "running") != 0 && strcmp (c.status, "restarting") != 0 && strcmp (c.status, "paused") != 0)
    {
      r = vs_fail (err, 0, "cannot kill container %s: container %.12s is not running", what, c.id);
      vs_container_free (&c);
      return r;
    }
  mark_stopped (e, c.id);
  r = runtime (e, msg, sizeof msg, "kill", c.id, signal ? signal : "KILL", NULL);
  if (strcmp (c.status, "paused") == 0)
    (void) runtime (e, NULL, 0, "resume", c.id, NULL); /* as docker: the signal is handled once thawed */
  if (r != 0)
    {
      /* it may have ended meanwhile */
      vs_container now;
      if (vs_container_get (e, c.id, &now, err) == 0 && strcmp (now.status, "running") != 0)
        r = 0;
      else
        r = vs_fail (err, 0, "kill container %s: %s", what, msg[0] ? msg : "the runtime failed");
      vs_container_free (&now);
    }
  vs_container_free (&c);
  return r;
}

int
vs_container_stop (vs_engine *e, const char *what, int timeout, vs_error *err)
{
  vs_container c;
  _cleanup_json_ json_t *rq = NULL;
  int r = vs_container_get (e, what, &c, err);
  if (r < 0)
    return r;
  if (strcmp (c.status, "running") != 0 && strcmp (c.status, "restarting") != 0 && strcmp (c.status, "paused") != 0)
    {
      mark_stopped (e, c.id);
      vs_container_free (&c);
      return 0; /* docker: stopping a stopped container succeeds */
    }
  rq = request_of (&c);
  if (timeout < 0)
    {
      json_t *t = json_object_get (rq, "StopTimeout");
      timeout = json_is_integer (t) && json_integer_value (t) >= 0 ? (int) json_integer_value (t) : 10;
    }
  const char *sig = json_string_value (json_object_get (rq, "StopSignal"));
  mark_stopped (e, c.id);
  vs_store_unlock (e->store); /* up to the timeout: keep no lock */
  (void) runtime (e, NULL, 0, "kill", c.id, sig ? sig : "TERM", NULL);
  if (strcmp (c.status, "paused") == 0)
    (void) runtime (e, NULL, 0, "resume", c.id, NULL);
  r = wait_stopped (e, c.id, timeout * 1000, NULL, err);
  if (r == -ETIMEDOUT)
    {
      (void) runtime (e, NULL, 0, "kill", "--all", c.id, "KILL", NULL);
      r = wait_stopped (e, c.id, 10000, NULL, err);
      if (r == -ETIMEDOUT)
        r = vs_fail (err, ETIMEDOUT, "stop container %s: it did not end after SIGKILL", what);
    }
  vs_container_free (&c);
  return r;
}

int
vs_container_removed_exit (vs_engine *e, const char *id, int *code)
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL;
  vs_error ignore;
  if (db_prepare (e, &st, &ignore, "SELECT exit_code FROM container_logs WHERE id = ?", id, NULL) < 0
      || sqlite3_step (st) != SQLITE_ROW)
    return -ENOENT;
  *code = sqlite3_column_int (st, 0);
  return 0;
}

int
vs_container_wait (vs_engine *e, const char *what, int *code, vs_error *err)
{
  vs_container c;
  char id[65];
  int r = vs_container_get (e, what, &c, err);
  if (r < 0)
    return r;
  snprintf (id, sizeof id, "%s", c.id);
  vs_container_free (&c);
  vs_store_unlock (e->store); /* waiting may take long: keep no lock */
  r = wait_stopped (e, id, -1, &c, err);
  if (r == -ENOENT && vs_container_removed_exit (e, id, code) == 0)
    return 0; /* removed meanwhile (--rm): its exit code was kept */
  if (r < 0)
    return r;
  *code = c.exit_code;
  vs_container_free (&c);
  return 0;
}

int
vs_container_monitor_pid (vs_engine *e, const char *id, int *init_pid)
{
  return monitor_pids (e, id, init_pid);
}

/* Wait for the monitor to be gone (it records the exit, then cleans up). */
static void
wait_monitor (vs_engine *e, const char *id, int ms)
{
  int pid;
  /* the monitor's exit command runs in the monitor's own process: not itself */
  for (int waited = 0; waited < ms && (pid = monitor_pid (e, id)) > 0 && pid != getpid (); waited += 2)
    usleep (2000);
}

/* The container's own lock: start, remove and cleanup take it, so that two
 * commands never set up and tear down the same container at once.  It is
 * a flock on the container's folder, which goes with it: a command that
 * got the lock after a removal finds no container.  -ENOENT when gone. */
static int
ctr_lock (vs_engine *e, const char *id)
{
  _cleanup_free_ char *p = ctr_path (e, id, NULL);
  int fd;
  if (p == NULL)
    return -ENOMEM;
  fd = open (p, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -errno;
  while (flock (fd, LOCK_EX) < 0)
    if (errno != EINTR)
      {
        int r = -errno;
        close (fd);
        return r;
      }
  return fd;
}

/* Tear down a stopped container whose monitor is gone: runtime state,
 * rootfs mount, folder, then its row (its log stays).  Lock held. */
/* Our cgroup parent (VS_CGROUP_PARENT) in every hierarchy, once no
   container is left in it (rmdir fails while one is): a host without
   containers keeps nothing of ours.  The runtime makes it again. */
static void
cgroup_parent_drop (void)
{
  struct rt_cgroup_hosts hosts;
  vs_error ignore;

  if (rt_cgroup_detect (&hosts, &ignore) < 0)
    return;
  for (size_t i = 0; i < hosts.n; i++)
    {
      char p[PATH_MAX];
      snprintf (p, sizeof p, "%s" VS_CGROUP_PARENT, hosts.h[i].mountpoint);
      (void) rmdir (p);
    }
  rt_cgroup_hosts_free (&hosts);
}

static int
remove_locked (vs_engine *e, const vs_container *c, bool volumes, vs_error *err)
{
  _cleanup_free_ char *dir = ctr_path (e, c->id, NULL);
  char now[32], code[16];
  int r;

  runtime_delete (e, c->id);
  cgroup_parent_drop ();
  r = umount_rootfs (e, c->id);
  if (r < 0)
    return vs_fail (err, -r, "remove container %s: unmount its rootfs", c->name);
  /* the folder first: a row without a folder is harmless (rm again), a
     folder without a row would be an orphan */
  if (dir && (r = vs_rm_rf_at (AT_FDCWD, dir, err)) < 0 && r != -ENOENT)
    return r;
  {
    _cleanup_stmt_ sqlite3_stmt *st = NULL, *lg = NULL;
    snprintf (now, sizeof now, "%lld", (long long) time (NULL));
    snprintf (code, sizeof code, "%d", c->exit_code);
    r = db_prepare (e, &st, err, "DELETE FROM containers WHERE id = ?", c->id, NULL);
    if (r == 0 && sqlite3_step (st) != SQLITE_DONE)
      r = db_fail (e, err, "remove container");
    /* the log stays, findable by name, until `logs --prune` */
    if (r == 0)
      r = db_prepare (e, &lg, err,
                      "INSERT OR REPLACE INTO container_logs (id, name, removed, exit_code) VALUES (?,?,?,?)", c->id,
                      c->name, now, code, NULL);
    if (r == 0 && sqlite3_step (lg) != SQLITE_DONE)
      r = db_fail (e, err, "keep the log of container");
  }
  if (r == 0 && volumes)
    vs_volumes_remove_anonymous (e, c->request); /* rm -v, --rm */
  return r;
}

int
vs_container_remove (vs_engine *e, const char *what, bool force, bool volumes, vs_error *err)
{
  vs_container c;
  char id[65];
  int r = vs_container_get (e, what, &c, err), lock;

  if (r < 0)
    return r;
  snprintf (id, sizeof id, "%s", c.id);
  if (strcmp (c.status, "running") == 0 || strcmp (c.status, "restarting") == 0 || strcmp (c.status, "paused") == 0)
    {
      if (!force)
        {
          r = vs_fail (err, 0,
                       "cannot remove container \"%s\": container is running: stop the container before removing"
                       " or force remove",
                       what);
          vs_container_free (&c);
          return r;
        }
      mark_stopped (e, c.id);
      (void) runtime (e, NULL, 0, "kill", "--all", c.id, "KILL", NULL);
      if (strcmp (c.status, "paused") == 0)
        (void) runtime (e, NULL, 0, "resume", c.id, NULL);
      (void) wait_stopped (e, c.id, 10000, NULL, err);
    }
  vs_container_free (&c);
  /* never under the lock: the monitor's exit command (cleanup) takes it */
  wait_monitor (e, id, 10000);
  lock = ctr_lock (e, id);
  if (lock == -ENOENT)
    return 0; /* removed meanwhile (the monitor's --rm cleanup) */
  if (lock < 0)
    return vs_fail (err, -lock, "lock container %s", what);
  /* as it is now: gone, started again, or with its final exit code */
  r = vs_container_get (e, id, &c, err);
  if (r == -ENOENT)
    r = 0;
  else if (r == 0)
    {
      if (strcmp (c.status, "running") == 0 || strcmp (c.status, "restarting") == 0)
        r = vs_fail (err, 0, "cannot remove container \"%s\": it was started again meanwhile", what);
      else
        r = remove_locked (e, &c, volumes, err);
      vs_container_free (&c);
    }
  close (lock);
  return r;
}

int
vs_container_cleanup (vs_engine *e, const char *id, vs_error *err)
{
  vs_container c;
  _cleanup_json_ json_t *rq = NULL;
  int lock = ctr_lock (e, id), r;

  if (lock == -ENOENT)
    return 0; /* removed already */
  if (lock < 0)
    return vs_fail (err, -lock, "lock container %s", id);
  r = vs_container_get (e, id, &c, err);
  if (r == -ENOENT)
    r = 0;
  else if (r == 0)
    {
      if (strcmp (c.status, "running") != 0 && strcmp (c.status, "restarting") != 0
          && strcmp (c.status, "paused") != 0)
        {
          umount_rootfs (e, c.id);
          rq = request_of (&c);
          if (json_is_true (json_object_get (rq, "AutoRemove")))
            r = remove_locked (e, &c, true, err);
          else
            cgroup_parent_drop ();
        }
      vs_container_free (&c);
    }
  close (lock);
  return r;
}

json_t *
vs_container_inspect (vs_engine *e, const vs_container *c)
{
  json_t *rq = request_of (c), *args = json_loads (c->command, 0, NULL);
  _cleanup_free_ char *logp = vs_container_log_path (e, c->id), *rootfs = ctr_path (e, c->id, "rootfs");
  char created[64];
  struct tm tm;
  time_t t = (time_t) c->created;
  bool running = strcmp (c->status, "running") == 0 || strcmp (c->status, "paused") == 0;

  gmtime_r (&t, &tm);
  strftime (created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!json_is_array (args))
    {
      json_decref (args);
      args = json_array ();
    }
  json_t *path = json_array_size (args) ? json_incref (json_array_get (args, 0)) : json_string ("");
  json_t *rest = json_array ();
  for (size_t i = 1; i < json_array_size (args); i++)
    json_array_append (rest, json_array_get (args, i));
  json_t *j = json_pack (
    "{s:s, s:s, s:o, s:o, s:{s:s, s:b, s:b, s:b, s:b, s:b, s:i, s:i, s:s, s:s, s:s}, s:s, s:s, s:i, s:s,"
    " s:{s:s, s:{s:s}}, s:s, s:O}",
    "Id", c->id, "Created", created, "Path", path, "Args", rest, "State", "Status", c->status, "Running", running,
    "Paused", strcmp (c->status, "paused") == 0, "Restarting", strcmp (c->status, "restarting") == 0, "OOMKilled", 0,
    "Dead", strcmp (c->status, "dead") == 0, "Pid", c->pid, "ExitCode", c->exit_code, "Error",
    c->error ? c->error : "", "StartedAt", c->started_at ? c->started_at : "0001-01-01T00:00:00Z", "FinishedAt",
    c->finished_at ? c->finished_at : "0001-01-01T00:00:00Z", "Image", c->image_id, "Name", "", "RestartCount",
    c->restart_count, "LogPath", logp ? logp : "", "GraphDriver", "Name", "overlay", "Data", "MergedDir",
    rootfs ? rootfs : "", "Driver", "overlay", "Config", rq ? rq : json_null ());
  json_decref (args);
  if (j)
    {
      char name[200];
      snprintf (name, sizeof name, "/%s", c->name);
      json_object_set_new (j, "Name", json_string (name));
      json_t *cfg = json_object_get (j, "Config");
      if (json_is_object (cfg))
        json_object_set_new (cfg, "Image", json_string (c->image));
    }
  json_decref (rq);
  return j;
}

int
vs_container_log_find (vs_engine *e, const char *what, char id[65])
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL;
  _cleanup_free_ char *prefix = NULL;
  vs_error ignore;
  /* an id prefix is hex only: LIKE must never see '%' or '_' from the user */
  bool hex = strlen (what) >= 3 && strspn (what, "0123456789abcdef") == strlen (what);
  if (asprintf (&prefix, "%s%%", hex ? what : "-") < 0
      || db_prepare (e, &st, &ignore,
                     "SELECT id FROM container_logs WHERE name = ?1 OR id = ?1 OR id LIKE ?2"
                     " ORDER BY removed DESC LIMIT 1",
                     what, prefix, NULL)
             < 0
      || sqlite3_step (st) != SQLITE_ROW)
    return -ENOENT;
  snprintf (id, 65, "%s", (const char *) sqlite3_column_text (st, 0));
  return 0;
}

int
vs_container_logs_prune (vs_engine *e, size_t *n, vs_error *err)
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL, *del = NULL;
  int r = db_prepare (e, &st, err, "SELECT id FROM container_logs", NULL);
  *n = 0;
  while (r == 0 && sqlite3_step (st) == SQLITE_ROW)
    {
      _cleanup_free_ char *p = vs_container_log_path (e, (const char *) sqlite3_column_text (st, 0));
      char older[PATH_MAX];
      if (p == NULL)
        return vs_fail (err, ENOMEM, "prune logs");
      unlink (p);
      for (int i = 1; i < 100; i++)
        {
          snprintf (older, sizeof older, "%s.%d", p, i);
          if (unlink (older) < 0)
            break;
        }
      (*n)++;
    }
  if (r == 0)
    r = db_prepare (e, &del, err, "DELETE FROM container_logs", NULL);
  if (r == 0 && sqlite3_step (del) != SQLITE_DONE)
    r = db_fail (e, err, "prune logs");
  return r;
}

/* ---- for fsops.c and volumes.c (diff, commit, cp, export, rm -v) ---- */

char *
vs_container_path (vs_engine *e, const char *id, const char *leaf)
{
  return ctr_path (e, id, leaf);
}

/* An fd of the container's merged root: while its monitor runs, the overlay
 * in the monitor's mount namespace (mounting the same upper twice is
 * undefined); else the overlay mounted in a private mount namespace of this
 * process. */
int
vs_container_rootfs_open (vs_engine *e, const vs_container *c, vs_error *err)
{
  _cleanup_free_ char *rootfs = ctr_path (e, c->id, "rootfs"), *opts = NULL;
  int pid = monitor_pid (e, c->id), fd, r;

  if (rootfs == NULL)
    return vs_fail (err, ENOMEM, "container %s", c->name);
  if (pid > 0)
    {
      char path[PATH_MAX + 32];
      struct statfs sfs;
      snprintf (path, sizeof path, "/proc/%d/root%s", pid, rootfs);
      fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd >= 0 && fstatfs (fd, &sfs) == 0 && sfs.f_type == OVERLAYFS_SUPER_MAGIC)
        return fd;
      if (fd >= 0)
        close (fd);
    }
  /* Running without its monitor (killed): its overlay lives on only in the
     container's namespace, and a second mount of the same upper would break
     the running one. */
  if (c->status
      && (strcmp (c->status, "running") == 0 || strcmp (c->status, "paused") == 0
          || strcmp (c->status, "restarting") == 0))
    return vs_fail (err, 0, "container %s: its monitor is gone; its files cannot be reached while it runs (rm -f it)",
                    c->name);
  if (!is_mounted (rootfs))
    {
      if (unshare (CLONE_NEWNS) < 0)
        return vs_fail (err, errno, "container %s: make a private mount namespace", c->name);
      if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return vs_fail (err, errno, "container %s: make the mounts private", c->name);
      if ((r = rootfs_options (e, c, &opts, err)) < 0)
        return r;
      if (mount ("overlay", rootfs, "overlay", 0, opts) < 0)
        return vs_fail (err, errno, "mount the overlay rootfs of container %s at %s", c->name, rootfs);
    }
  fd = open (rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return vs_fail (err, errno, "container %s: open %s", c->name, rootfs);
  return fd;
}

int
vs_container_mark_attached (vs_engine *e, const char *id, vs_error *err)
{
  _cleanup_free_ char *p = ctr_path (e, id, "attached");
  char pid[32];
  if (p == NULL)
    return vs_fail (err, ENOMEM, "container %s", id);
  snprintf (pid, sizeof pid, "%d\n", (int) getpid ());
  return vs_write_file_atomic_at (AT_FDCWD, p, pid, strlen (pid), 0600, err);
}

void
vs_container_unmark_attached (vs_engine *e, const char *id)
{
  _cleanup_free_ char *p = ctr_path (e, id, "attached");
  if (p)
    unlink (p);
}
