/* volumes.c — local volumes (see volumes.h). */
#include "volumes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "../image/digest.h"
#include "../runtime/config.h"
#include "fsops.h"
#include "../basic/json-util.h"

bool
vs_volume_name_valid (const char *n)
{
  if (!((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z') || (n[0] >= '0' && n[0] <= '9')))
    return false;
  return strlen (n) >= 2 && strlen (n) <= 255
         && strspn (n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen (n);
}

bool
vs_volume_is_anonymous (vs_engine *e, const char *n)
{
  char p[PATH_MAX];
  snprintf (p, sizeof p, "%s/volumes/%s/anonymous", e->root, n);
  return vs_volume_name_valid (n) && access (p, F_OK) == 0;
}

static char *
vol_path (vs_engine *e, const char *name, const char *leaf)
{
  char *p = NULL;
  if (asprintf (&p, "%s/volumes%s%s%s%s", e->root, name ? "/" : "", name ? name : "", leaf ? "/" : "",
                leaf ? leaf : "")
      < 0)
    return NULL;
  return p;
}

static bool
vol_exists (vs_engine *e, const char *name)
{
  _cleanup_free_ char *p = vol_path (e, name, "_data");
  struct stat st;
  return p && vs_volume_name_valid (name) && lstat (p, &st) == 0 && S_ISDIR (st.st_mode);
}

static json_t *
kv_object (char *const *v)
{
  json_t *o = json_object ();
  for (; v && *v; v++)
    {
      const char *eq = strchr (*v, '=');
      _cleanup_free_ char *k = eq ? strndup (*v, (size_t) (eq - *v)) : strdup (*v);
      if (k)
        json_object_set_new (o, k, json_string (eq ? eq + 1 : ""));
    }
  return o;
}

static void
rfc3339 (time_t t, char *buf, size_t len)
{
  struct tm tm;
  gmtime_r (&t, &tm);
  strftime (buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
vs_volume_create (vs_engine *e, const char *name, char *const *labels, char *const *opts, char **ret_name,
                  vs_error *err)
{
  _cleanup_free_ char *data = NULL, *meta = NULL, *text = NULL;
  _cleanup_json_ json_t *j = NULL;
  char gen[65], created[64];
  int r;

  if (name == NULL)
    {
      unsigned char rnd[32];
      if (getrandom (rnd, sizeof rnd, 0) != sizeof rnd)
        return vs_fail (err, errno, "create a volume name");
      for (size_t i = 0; i < 32; i++)
        snprintf (gen + 2 * i, 3, "%02x", rnd[i]);
      name = gen;
    }
  if (!vs_volume_name_valid (name))
    {
      char shown[100];
      vs_printable (name, shown, sizeof shown);
      return vs_fail (err, 0,
                      "create %s: \"%s\" includes invalid characters for a local volume name, only "
                      "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use "
                      "absolute path",
                      shown, shown);
    }
  for (char *const *o = opts; o && *o; o++)
    if (strchr (*o, '=') == NULL)
      return vs_fail (err, 0, "create %s: option `%s`: expected KEY=VALUE", name, *o);
  data = vol_path (e, name, "_data");
  meta = vol_path (e, name, "volume.json");
  if (data == NULL || meta == NULL)
    return vs_fail (err, ENOMEM, "create volume %s", name);
  if (!vol_exists (e, name))
    {
      r = vs_mkdir_p (data, 0755, err);
      if (r < 0)
        return vs_wrap (err, r, "create volume %s", name);
      rfc3339 (time (NULL), created, sizeof created);
      j = json_pack ("{s:s, s:o, s:o}", "CreatedAt", created, "Labels", kv_object (labels), "Options",
                     opts && *opts ? kv_object (opts) : json_null ());
      text = j ? json_dumps (j, JSON_COMPACT) : NULL;
      if (text == NULL)
        return vs_fail (err, ENOMEM, "create volume %s", name);
      r = vs_write_file_atomic_at (AT_FDCWD, meta, text, strlen (text), 0600, err);
      if (r < 0)
        return vs_wrap (err, r, "create volume %s", name);
    }
  if (ret_name && (*ret_name = strdup (name)) == NULL)
    return vs_fail (err, ENOMEM, "create volume %s", name);
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
vs_volume_list (vs_engine *e, char ***ret, size_t *n, vs_error *err)
{
  _cleanup_free_ char *dir = vol_path (e, NULL, NULL);
  DIR *d;
  struct dirent *de;
  char **v = calloc (1, sizeof *v);
  size_t k = 0;

  if (dir == NULL || v == NULL)
    {
      free (v);
      return vs_fail (err, ENOMEM, "list volumes");
    }
  d = opendir (dir);
  if (d == NULL && errno != ENOENT)
    {
      free (v);
      return vs_fail (err, errno, "list volumes: %s", dir);
    }
  while (d && (de = readdir (d)) != NULL)
    {
      if (!vol_exists (e, de->d_name))
        continue;
      char **nv = realloc (v, (k + 2) * sizeof *nv);
      if (nv == NULL || (nv[k] = strdup (de->d_name)) == NULL)
        {
          if (nv)
            v = nv;
          v[k] = NULL;
          rt_strv_free (v);
          closedir (d);
          return vs_fail (err, ENOMEM, "list volumes");
        }
      v = nv;
      v[++k] = NULL;
    }
  if (d)
    closedir (d);
  qsort (v, k, sizeof *v, cmp_str);
  *ret = v;
  *n = k;
  return 0;
}

json_t *
vs_volume_inspect (vs_engine *e, const char *name, vs_error *err)
{
  _cleanup_free_ char *data = vol_path (e, name, "_data"), *meta = vol_path (e, name, "volume.json"),
                      *text = NULL;
  _cleanup_json_ json_t *m = NULL;
  vs_error ignore;
  size_t len;
  char created[64];
  struct stat st;

  if (data == NULL || meta == NULL)
    {
      vs_fail (err, ENOMEM, "volume %s", name);
      return NULL;
    }
  if (!vol_exists (e, name))
    {
      char shown[100];
      vs_fail (err, 0, "get %s: no such volume", vs_printable (name, shown, sizeof shown));
      err->code = ENOENT;
      return NULL;
    }
  if (vs_read_file_at (AT_FDCWD, meta, &text, &len, &ignore) == 0)
    m = json_loadb (text, len, 0, NULL);
  if (!json_is_object (m) || !json_is_string (json_object_get (m, "CreatedAt")))
    {
      rfc3339 (stat (data, &st) == 0 ? st.st_mtime : 0, created, sizeof created);
      json_decref (m);
      m = json_pack ("{s:s}", "CreatedAt", created);
    }
  json_t *labels = json_object_get (m, "Labels"), *opts = json_object_get (m, "Options");
  return json_pack ("{s:s, s:s, s:O, s:s, s:s, s:O, s:s}", "CreatedAt",
                    json_string_value (json_object_get (m, "CreatedAt")), "Driver", "local", "Labels",
                    json_is_object (labels) ? labels : json_null (), "Mountpoint", data, "Name", name, "Options",
                    json_is_object (opts) ? opts : json_null (), "Scope", "local");
}

int
vs_volume_users (vs_engine *e, const char *name, char ***ret, vs_error *err)
{
  sqlite3 *db = vs_store_db (e->store);
  sqlite3_stmt *st = NULL;
  char **v = calloc (1, sizeof *v);
  size_t k = 0;

  if (v == NULL)
    return vs_fail (err, ENOMEM, "volume %s", name);
  if (sqlite3_prepare_v2 (db, "SELECT id, request FROM containers ORDER BY created, id", -1, &st, NULL) != SQLITE_OK)
    {
      free (v);
      return vs_fail (err, 0, "volume %s: container database: %s", name, sqlite3_errmsg (db));
    }
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      json_t *rq = json_loads ((const char *) sqlite3_column_text (st, 1), 0, NULL), *m;
      size_t i;
      bool uses = false;
      json_array_foreach (json_object_get (rq, "Mounts"), i, m)
      {
        const char *type = json_string_value (json_object_get (m, "Type"));
        const char *src = json_string_value (json_object_get (m, "Source"));
        if (type && src && strcmp (type, "volume") == 0 && strcmp (src, name) == 0)
          uses = true;
      }
      json_decref (rq);
      if (!uses)
        continue;
      char **nv = realloc (v, (k + 2) * sizeof *nv);
      if (nv == NULL || (nv[k] = strdup ((const char *) sqlite3_column_text (st, 0))) == NULL)
        {
          if (nv)
            v = nv;
          v[k] = NULL;
          rt_strv_free (v);
          sqlite3_finalize (st);
          return vs_fail (err, ENOMEM, "volume %s", name);
        }
      v = nv;
      v[++k] = NULL;
    }
  sqlite3_finalize (st);
  *ret = v;
  return 0;
}

static int
remove_dir (vs_engine *e, const char *name, vs_error *err)
{
  _cleanup_free_ char *dir = vol_path (e, name, NULL);
  if (dir == NULL)
    return vs_fail (err, ENOMEM, "remove volume %s", name);
  int r = vs_rm_rf_at (AT_FDCWD, dir, err);
  return r < 0 ? vs_wrap (err, r, "remove %s", name) : 0;
}

int
vs_volume_remove (vs_engine *e, const char *name, bool force, vs_error *err)
{
  char **users = NULL;
  char shown[100];
  int r;

  vs_printable (name, shown, sizeof shown);
  if (!vol_exists (e, name))
    {
      if (force)
        return 0;
      vs_fail (err, 0, "get %s: no such volume", shown);
      err->code = ENOENT;
      return -ENOENT;
    }
  r = vs_volume_users (e, name, &users, err);
  if (r < 0)
    return r;
  if (users[0])
    {
      char list[800] = "";
      for (char **u = users; *u; u++)
        snprintf (list + strlen (list), sizeof list - strlen (list), "%s%s", u == users ? "" : ", ", *u);
      rt_strv_free (users);
      return vs_fail (err, 0, "remove %s: volume is in use - [%s]", shown, list);
    }
  rt_strv_free (users);
  return remove_dir (e, name, err);
}

int
vs_volumes_prune (vs_engine *e, bool all, char ***ret, int64_t *reclaimed, vs_error *err)
{
  char **names = NULL, **out;
  size_t n = 0, k = 0;
  int r = vs_volume_list (e, &names, &n, err);

  *reclaimed = 0;
  if (r < 0)
    return r;
  out = calloc (n + 1, sizeof *out);
  if (out == NULL)
    {
      rt_strv_free (names);
      return vs_fail (err, ENOMEM, "prune volumes");
    }
  for (size_t i = 0; i < n && r == 0; i++)
    {
      char **users = NULL;
      if (!all && !vs_volume_is_anonymous (e, names[i]))
        continue;
      r = vs_volume_users (e, names[i], &users, err);
      if (r < 0)
        break;
      bool used = users[0] != NULL;
      rt_strv_free (users);
      if (used)
        continue;
      _cleanup_free_ char *data = vol_path (e, names[i], "_data");
      int64_t size = data ? vs_tree_size (data) : 0;
      r = remove_dir (e, names[i], err);
      if (r == 0)
        {
          out[k++] = TAKE_PTR (names[i]);
          *reclaimed += size;
        }
    }
  /* names[] has holes where taken: free the rest one by one */
  for (size_t i = 0; i < n; i++)
    free (names[i]);
  free (names);
  *ret = out;
  return r;
}

void
vs_volumes_remove_anonymous (vs_engine *e, const char *request)
{
  json_t *rq = json_loads (request ? request : "", 0, NULL), *m;
  size_t i;
  json_array_foreach (json_object_get (rq, "Mounts"), i, m)
  {
    const char *type = json_string_value (json_object_get (m, "Type"));
    const char *src = json_string_value (json_object_get (m, "Source"));
    vs_error ignore;
    if (type && src && strcmp (type, "volume") == 0 && json_is_true (json_object_get (m, "Anonymous"))
        && vs_volume_is_anonymous (e, src))
      (void) vs_volume_remove (e, src, true, &ignore);
  }
  json_decref (rq);
}
