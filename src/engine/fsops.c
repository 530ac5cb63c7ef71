/* fsops.c — diff, commit, cp, export, rename and container prune (see fsops.h). */
#include "fsops.h"

#include "../image/lazy-libs.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "../basic/safe-path.h"
#include "../image/archive.h"
#include "../image/digest.h"
#include "../image/manifest.h"
#include "../runtime/config.h"
#include "../basic/json-util.h"

static void
dirp (DIR **d)
{
  if (*d)
    closedir (*d);
}
#define _cleanup_dir_ __attribute__ ((cleanup (dirp)))

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The names in an open directory (not "." or ".."), sorted; NULL-terminated. */
static int
sorted_names (int dfd, char ***ret, size_t *n)
{
  int fd = fcntl (dfd, F_DUPFD_CLOEXEC, 3);
  _cleanup_dir_ DIR *d = NULL;
  char **v = NULL;
  size_t k = 0, cap = 0;
  struct dirent *de;

  if (fd < 0)
    return -errno;
  d = fdopendir (fd);
  if (d == NULL)
    {
      int e = errno;
      close (fd);
      return -e;
    }
  rewinddir (d);
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (k + 2 > cap)
        {
          cap = cap ? cap * 2 : 16;
          char **nv = realloc (v, cap * sizeof *nv);
          if (nv == NULL)
            {
              rt_strv_free (v);
              return -ENOMEM;
            }
          v = nv;
        }
      if ((v[k] = strdup (de->d_name)) == NULL)
        {
          rt_strv_free (v);
          return -ENOMEM;
        }
      v[++k] = NULL;
    }
  if (errno)
    {
      int e = errno;
      rt_strv_free (v);
      return -e;
    }
  if (v == NULL && (v = calloc (1, sizeof *v)) == NULL)
    return -ENOMEM;
  qsort (v, k, sizeof *v, cmp_str);
  *ret = v;
  *n = k;
  return 0;
}

static bool
is_whiteout (const struct stat *st)
{
  return S_ISCHR (st->st_mode) && major (st->st_rdev) == 0 && minor (st->st_rdev) == 0;
}

static bool
is_opaque (int fd)
{
  char v[4];
  ssize_t n = fgetxattr (fd, "trusted.overlay.opaque", v, sizeof v);
  if (n < 0)
    n = fgetxattr (fd, "user.overlay.opaque", v, sizeof v);
  return n == 1 && v[0] == 'y';
}

/* The runtime's mount points: an empty folder or file at a mount
 * destination in the upper dir was made for a mount, not by the container
 * (nothing the container writes there can land below its mount). */
static bool
placeholder (char *const *dests, int dfd, const char *name, const char *path, const struct stat *st)
{
  bool dest = false;
  for (char *const *d = dests; d && *d && !dest; d++)
    dest = strcmp (*d, path) == 0;
  if (!dest)
    return false;
  if (S_ISREG (st->st_mode))
    return st->st_size == 0;
  if (S_ISDIR (st->st_mode))
    {
      char **names = NULL;
      size_t n = 0;
      int sub = openat (dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      bool empty = sub >= 0 && sorted_names (sub, &names, &n) == 0 && n == 0;
      if (sub >= 0)
        close (sub);
      rt_strv_free (names);
      return empty;
    }
  return false;
}

/* Whether a folder of the upper dir holds anything but mount points. */
static bool
has_real_children (char *const *dests, int dfd, const char *path)
{
  char **names = NULL;
  size_t n = 0;
  bool real = false;
  if (sorted_names (dfd, &names, &n) < 0)
    return true;
  for (size_t i = 0; i < n && !real; i++)
    {
      char p[PATH_MAX];
      struct stat st;
      snprintf (p, sizeof p, "%s/%s", path, names[i]);
      real = fstatat (dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0 || !placeholder (dests, dfd, names[i], p, &st);
    }
  rt_strv_free (names);
  return real;
}

/* The mount destinations of the container's config.json. */
static char **
mount_dests (vs_engine *e, const char *id)
{
  _cleanup_free_ char *path = vs_container_path (e, id, "config.json"), *text = NULL;
  char **v = calloc (1, sizeof *v);
  vs_error ignore;
  size_t len, k = 0, i;
  json_t *j, *m;

  if (v == NULL || path == NULL || vs_read_file_at (AT_FDCWD, path, &text, &len, &ignore) < 0)
    return v;
  j = json_loadb (text, len, 0, NULL);
  json_array_foreach (json_object_get (j, "mounts"), i, m)
  {
    const char *d = json_string_value (json_object_get (m, "destination"));
    char **nv;
    if (d == NULL || (nv = realloc (v, (k + 2) * sizeof *nv)) == NULL)
      continue;
    v = nv;
    if ((v[k] = strdup (d)) != NULL)
      k++;
    v[k] = NULL;
  }
  json_decref (j);
  return v;
}

/* ---- diff ---- */

typedef struct differ
{
  char **lowers;  /* snapshot paths, top first */
  size_t n_lowers;
  char **dests;   /* mount destinations (placeholders are no changes) */
  vs_change *v;
  size_t n, cap;
  char **changed_dirs;  /* folders recorded (or visited as changed) */
  size_t n_changed, cap_changed;
} differ;

static int
add_change (differ *d, char kind, const char *path)
{
  if (d->n == d->cap)
    {
      size_t cap = d->cap ? d->cap * 2 : 32;
      vs_change *nv = realloc (d->v, cap * sizeof *nv);
      if (nv == NULL)
        return -ENOMEM;
      d->v = nv;
      d->cap = cap;
    }
  d->v[d->n].kind = kind;
  d->v[d->n].path = strdup (path);
  if (d->v[d->n].path == NULL)
    return -ENOMEM;
  d->n++;
  return 0;
}

static bool
dir_changed (differ *d, const char *path)
{
  for (size_t i = d->n_changed; i-- > 0;)
    if (strcmp (d->changed_dirs[i], path) == 0)
      return true;
  return false;
}

static int
mark_dir (differ *d, const char *path)
{
  if (d->n_changed == d->cap_changed)
    {
      size_t cap = d->cap_changed ? d->cap_changed * 2 : 32;
      char **nv = realloc (d->changed_dirs, cap * sizeof *nv);
      if (nv == NULL)
        return -ENOMEM;
      d->changed_dirs = nv;
      d->cap_changed = cap;
    }
  if ((d->changed_dirs[d->n_changed] = strdup (path)) == NULL)
    return -ENOMEM;
  d->n_changed++;
  return 0;
}

/* The path in the topmost lower layer that has it (not a whiteout). */
static bool
lower_stat (differ *d, const char *path, struct stat *st)
{
  for (size_t i = 0; i < d->n_lowers; i++)
    {
      char p[PATH_MAX];
      snprintf (p, sizeof p, "%s%s", d->lowers[i], path);
      if (lstat (p, st) == 0)
        return !is_whiteout (st);
    }
  return false;
}

static int
diff_walk (differ *d, int dfd, const char *dir)
{
  char **names = NULL;
  size_t n = 0;
  int r = sorted_names (dfd, &names, &n);
  if (r < 0)
    return r;
  for (size_t i = 0; r == 0 && i < n; i++)
    {
      char path[PATH_MAX];
      struct stat st, lst;
      char kind = 'A';
      bool skip = false;
      int sub = -1;

      snprintf (path, sizeof path, "%s/%s", dir, names[i]);
      if (fstatat (dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
        {
          r = -errno;
          break;
        }
      if (placeholder (d->dests, dfd, names[i], path, &st))
        continue;
      if (S_ISDIR (st.st_mode))
        {
          sub = openat (dfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub < 0)
            {
              r = -errno;
              break;
            }
        }
      if (is_whiteout (&st))
        kind = 'D';
      else if (sub >= 0 && is_opaque (sub) && lower_stat (d, path, &lst))
        kind = 'D';
      else if (lower_stat (d, path, &lst))
        {
          kind = 'C';
          /* a folder only copied up because of what is under it */
          if (S_ISDIR (st.st_mode) && S_ISDIR (lst.st_mode) && st.st_mode == lst.st_mode
              && st.st_uid == lst.st_uid && st.st_gid == lst.st_gid
              && ((st.st_mtim.tv_sec == lst.st_mtim.tv_sec && st.st_mtim.tv_nsec == lst.st_mtim.tv_nsec)
                  || !has_real_children (d->dests, sub, path)))
            skip = true;
        }
      if (!skip && S_ISDIR (st.st_mode))
        r = mark_dir (d, path);
      if (r == 0 && !skip && (kind == 'A' || kind == 'D') && strcmp (dir, "") != 0 && !dir_changed (d, dir))
        {
          r = add_change (d, 'C', dir);
          if (r == 0)
            r = mark_dir (d, dir);
        }
      if (r == 0 && !skip)
        r = add_change (d, kind, path);
      if (r == 0 && sub >= 0)
        r = diff_walk (d, sub, path);
      if (sub >= 0)
        close (sub);
    }
  rt_strv_free (names);
  return r;
}

void
vs_changes_free (vs_change *c, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (c[i].path);
  free (c);
}

static int
image_lowers (vs_engine *e, const char *image_id, char ***ret, size_t *n, vs_error *err)
{
  _cleanup_image_ vs_image img = { 0 };
  char **v;
  int r = vs_store_image_get (e->store, image_id, &img, err);
  if (r < 0)
    return r;
  v = calloc (img.n_layers + 1, sizeof *v);
  if (v == NULL)
    return vs_fail (err, ENOMEM, "image %s", image_id);
  for (size_t i = 0; i < img.n_layers; i++)
    if ((v[i] = vs_store_snapshot_path (e->store, img.layers[img.n_layers - 1 - i].chain_id)) == NULL)
      {
        rt_strv_free (v);
        return vs_fail (err, ENOMEM, "image %s", image_id);
      }
  *ret = v;
  *n = img.n_layers;
  return 0;
}

int
vs_container_diff (vs_engine *e, const char *what, vs_change **ret, size_t *n, vs_error *err)
{
  _cleanup_container_ vs_container c = { 0 };
  _cleanup_free_ char *upper = NULL;
  _cleanup_close_ int fd = -1;
  differ d = { 0 };
  int r = vs_container_get (e, what, &c, err);

  if (r < 0)
    return r;
  upper = vs_container_path (e, c.id, "upper");
  if (upper == NULL)
    return vs_fail (err, ENOMEM, "diff container %s", what);
  r = image_lowers (e, c.image_id, &d.lowers, &d.n_lowers, err);
  if (r < 0)
    return vs_wrap (err, r, "diff container %s", what);
  d.dests = mount_dests (e, c.id);
  fd = open (upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    r = vs_fail (err, errno, "diff container %s: open %s", what, upper);
  else if ((r = diff_walk (&d, fd, "")) < 0)
    r = vs_fail (err, -r, "diff container %s: read %s", what, upper);
  rt_strv_free (d.lowers);
  rt_strv_free (d.dests);
  for (size_t i = 0; i < d.n_changed; i++)
    free (d.changed_dirs[i]);
  free (d.changed_dirs);
  if (r < 0)
    {
      vs_changes_free (d.v, d.n);
      return r;
    }
  *ret = d.v;
  *n = d.n;
  return 0;
}

/* ---- tar writing ---- */

typedef struct link_seen
{
  dev_t dev;
  ino_t ino;
  char *name;
} link_seen;

typedef struct tarw
{
  struct archive *a;
  bool layer;          /* overlay whiteouts and opaque folders as OCI whiteouts */
  char **skip;         /* layer: mount destinations whose placeholders are left out */
  link_seen *links;
  size_t n_links;
  const char *what;    /* for errors: "export container x" */
  vs_error *err;
} tarw;

static int
tar_open (tarw *t, int fd, const char *what, bool layer, vs_error *err)
{
  memset (t, 0, sizeof *t);
  t->what = what;
  t->err = err;
  t->layer = layer;
  t->a = archive_write_new ();
  if (t->a == NULL || archive_write_set_format_pax_restricted (t->a) != ARCHIVE_OK
      || archive_write_add_filter_none (t->a) != ARCHIVE_OK
      || archive_write_set_bytes_in_last_block (t->a, 1) != ARCHIVE_OK
      || archive_write_open_fd (t->a, fd) != ARCHIVE_OK)
    return vs_fail (err, ENOMEM, "%s: start the tar", what);
  return 0;
}

static int
tar_close (tarw *t, int r)
{
  if (r == 0 && archive_write_close (t->a) != ARCHIVE_OK)
    r = vs_fail (t->err, archive_errno (t->a) > 0 ? archive_errno (t->a) : 0, "%s: finish the tar: %s", t->what,
                 archive_error_string (t->a) ? archive_error_string (t->a) : "error");
  if (t->a)
    archive_write_free (t->a);
  for (size_t i = 0; i < t->n_links; i++)
    free (t->links[i].name);
  free (t->links);
  t->a = NULL;
  return r;
}

static int
tar_fail (tarw *t, const char *name)
{
  return vs_fail (t->err, archive_errno (t->a) > 0 ? archive_errno (t->a) : 0, "%s: write \"%s\": %s", t->what,
                  name, archive_error_string (t->a) ? archive_error_string (t->a) : "error");
}

/* A zero-size marker (whiteout, opaque) entry. */
static int
tar_marker (tarw *t, const char *name)
{
  struct archive_entry *en = archive_entry_new ();
  int r = 0;
  if (en == NULL)
    return vs_fail (t->err, ENOMEM, "%s", t->what);
  archive_entry_set_pathname (en, name);
  archive_entry_set_filetype (en, AE_IFREG);
  archive_entry_set_perm (en, 0);
  archive_entry_set_size (en, 0);
  archive_entry_set_mtime (en, 0, 0);
  if (archive_write_header (t->a, en) != ARCHIVE_OK)
    r = tar_fail (t, name);
  archive_entry_free (en);
  return r;
}

static void
add_xattrs (struct archive_entry *en, int fd)
{
  char list[8192], val[65536];
  ssize_t n = flistxattr (fd, list, sizeof list);
  for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t) strlen (list + i) + 1)
    {
      const char *k = list + i;
      ssize_t vl;
      if (strncmp (k, "trusted.overlay.", 16) == 0 || strncmp (k, "user.overlay.", 13) == 0)
        continue;
      vl = fgetxattr (fd, k, val, sizeof val);
      if (vl >= 0)
        archive_entry_xattr_add_entry (en, k, val, (size_t) vl);
    }
}

static int tar_obj (tarw *t, int pathfd, const char *arcname);

static int
tar_children (tarw *t, int dfd, const char *prefix)
{
  char **names = NULL;
  size_t n = 0;
  int r = sorted_names (dfd, &names, &n);
  if (r < 0)
    return vs_fail (t->err, -r, "%s: read folder \"%s\"", t->what, prefix[0] ? prefix : "/");
  for (size_t i = 0; r == 0 && i < n; i++)
    {
      char arc[PATH_MAX];
      int fd;
      if ((size_t) snprintf (arc, sizeof arc, "%s%s%s", prefix, prefix[0] ? "/" : "", names[i]) >= sizeof arc)
        {
          r = vs_fail (t->err, ENAMETOOLONG, "%s: \"%s/%s\"", t->what, prefix, names[i]);
          break;
        }
      if (t->skip)
        {
          char abs[PATH_MAX + 1];
          struct stat st;
          snprintf (abs, sizeof abs, "/%s", arc);
          if (fstatat (dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0 && placeholder (t->skip, dfd, names[i], abs, &st))
            continue;
        }
      fd = openat (dfd, names[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        {
          if (errno == ENOENT)
            continue; /* removed meanwhile (a running container) */
          r = vs_fail (t->err, errno, "%s: open \"%s\"", t->what, arc);
          break;
        }
      r = tar_obj (t, fd, arc);
      close (fd);
    }
  rt_strv_free (names);
  return r;
}

/* Reopen an O_PATH fd for reading (regular files and folders only). */
static int
reopen (int pathfd, bool dir)
{
  char p[64];
  snprintf (p, sizeof p, "/proc/self/fd/%d", pathfd);
  return open (p, O_RDONLY | O_CLOEXEC | O_NOCTTY | (dir ? O_DIRECTORY : O_NONBLOCK));
}

/* One object (pathfd: O_PATH, not followed) and, for a folder, what is under it. */
static int
tar_obj (tarw *t, int pathfd, const char *arcname)
{
  struct archive_entry *en = NULL;
  _cleanup_close_ int fd = -1;
  struct stat st;
  int r = 0;

  if (fstatat (pathfd, "", &st, AT_EMPTY_PATH) < 0)
    return vs_fail (t->err, errno, "%s: stat \"%s\"", t->what, arcname);
  if (S_ISSOCK (st.st_mode))
    return 0; /* tar has no sockets */
  if (t->layer && is_whiteout (&st))
    {
      char name[PATH_MAX];
      const char *slash = strrchr (arcname, '/');
      snprintf (name, sizeof name, "%.*s%s.wh.%s", slash ? (int) (slash - arcname) : 0, arcname, slash ? "/" : "",
                slash ? slash + 1 : arcname);
      return tar_marker (t, name);
    }
  if (S_ISREG (st.st_mode) || S_ISDIR (st.st_mode))
    {
      fd = reopen (pathfd, S_ISDIR (st.st_mode));
      if (fd < 0)
        return vs_fail (t->err, errno, "%s: open \"%s\"", t->what, arcname);
    }
  en = archive_entry_new ();
  if (en == NULL)
    return vs_fail (t->err, ENOMEM, "%s", t->what);
  archive_entry_copy_stat (en, &st);
  archive_entry_set_pathname (en, arcname);
  if (S_ISLNK (st.st_mode))
    {
      char target[PATH_MAX + 1];
      ssize_t n = readlinkat (pathfd, "", target, sizeof target - 1);
      if (n < 0)
        {
          archive_entry_free (en);
          return vs_fail (t->err, errno, "%s: read link \"%s\"", t->what, arcname);
        }
      target[n] = '\0';
      archive_entry_set_symlink (en, target);
    }
  if (fd >= 0)
    add_xattrs (en, fd);
  if (!S_ISDIR (st.st_mode) && st.st_nlink > 1)
    {
      for (size_t i = 0; i < t->n_links; i++)
        if (t->links[i].dev == st.st_dev && t->links[i].ino == st.st_ino)
          {
            archive_entry_set_hardlink (en, t->links[i].name);
            archive_entry_set_size (en, 0);
            r = archive_write_header (t->a, en) != ARCHIVE_OK ? tar_fail (t, arcname) : 0;
            archive_entry_free (en);
            return r;
          }
      link_seen *nl = realloc (t->links, (t->n_links + 1) * sizeof *nl);
      if (nl == NULL || (nl[t->n_links].name = strdup (arcname)) == NULL)
        {
          if (nl)
            t->links = nl;
          archive_entry_free (en);
          return vs_fail (t->err, ENOMEM, "%s", t->what);
        }
      nl[t->n_links].dev = st.st_dev;
      nl[t->n_links].ino = st.st_ino;
      t->links = nl;
      t->n_links++;
    }
  if (!S_ISREG (st.st_mode))
    archive_entry_set_size (en, 0);
  if (archive_write_header (t->a, en) != ARCHIVE_OK)
    r = tar_fail (t, arcname);
  archive_entry_free (en);
  if (r == 0 && S_ISREG (st.st_mode))
    {
      static char buf[1 << 16];
      int64_t left = st.st_size;
      while (r == 0 && left > 0)
        {
          ssize_t n = read (fd, buf, sizeof buf);
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            r = vs_fail (t->err, errno, "%s: read \"%s\"", t->what, arcname);
          else if (n == 0)
            {
              /* shrank meanwhile: pad with zeros, the header said st_size */
              memset (buf, 0, sizeof buf);
              n = left < (int64_t) sizeof buf ? (ssize_t) left : (ssize_t) sizeof buf;
            }
          if (r == 0)
            {
              if (n > left)
                n = (ssize_t) left;
              if (archive_write_data (t->a, buf, (size_t) n) < 0)
                r = tar_fail (t, arcname);
              left -= n;
            }
        }
    }
  if (r == 0 && S_ISDIR (st.st_mode))
    {
      if (t->layer && is_opaque (fd))
        {
          char name[PATH_MAX];
          snprintf (name, sizeof name, "%s/.wh..wh..opq", arcname);
          r = tar_marker (t, name);
        }
      if (r == 0)
        r = tar_children (t, fd, arcname);
    }
  return r;
}

/* ---- the merged view ---- */

int
vs_container_export (vs_engine *e, const char *what, int out, vs_error *err)
{
  _cleanup_container_ vs_container c = { 0 };
  _cleanup_close_ int root = -1;
  char msg[200];
  tarw t;
  int r = vs_container_get (e, what, &c, err);

  if (r < 0)
    return r;
  root = vs_container_rootfs_open (e, &c, err);
  if (root < 0)
    return vs_wrap (err, root, "export");
  snprintf (msg, sizeof msg, "export container %s", what);
  r = tar_open (&t, out, msg, false, err);
  if (r == 0)
    r = tar_children (&t, root, "");
  return tar_close (&t, r);
}

/* ---- cp ---- */

static int
tmpfile_in (const char *dir, vs_error *err)
{
  int fd = open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      _cleanup_free_ char *tmpl = NULL;
      if (asprintf (&tmpl, "%s/.tmp-cp-XXXXXX", dir) < 0)
        return vs_fail (err, ENOMEM, "copy");
      fd = mkostemp (tmpl, O_CLOEXEC);
      if (fd >= 0)
        unlink (tmpl);
    }
  if (fd < 0)
    return vs_fail (err, errno, "copy: make a temp file in %s", dir);
  return fd;
}

/* The last component of a path ("" for "/"); *contents: it ends in "/.". */
static void
split_src (const char *src, char *base, size_t len, bool *contents, bool *dir_wanted)
{
  size_t l = strlen (src);
  *contents = (l >= 2 && strcmp (src + l - 2, "/.") == 0) || strcmp (src, ".") == 0;
  *dir_wanted = l > 1 && src[l - 1] == '/';
  while (l > 1 && (src[l - 1] == '/' || (src[l - 1] == '.' && src[l - 2] == '/')))
    l--;
  size_t s = l;
  while (s > 0 && src[s - 1] != '/')
    s--;
  snprintf (base, len, "%.*s", (int) (l - s), src + s);
}

/* Tar src (pathfd, O_PATH) as name (or its contents when contents) into fd. */
static int
tar_source (int out, int pathfd, const char *name, bool contents, const char *what, vs_error *err)
{
  tarw t;
  int r = tar_open (&t, out, what, false, err);
  if (r == 0)
    {
      if (contents)
        {
          int dfd = reopen (pathfd, true);
          if (dfd < 0)
            r = vs_fail (err, errno, "%s: not a directory", what);
          else
            {
              r = tar_children (&t, dfd, "");
              close (dfd);
            }
        }
      else
        r = tar_obj (&t, pathfd, name);
    }
  return tar_close (&t, r);
}

/* cp of a folder's content ("SRC/."): make DEST under *dirfd and move
 * *dirfd into it. */
static int
enter_new_dir (int *dirfd, const char *name, mode_t mode, const char *msg, const char *dest, vs_error *err)
{
  int sub;
  if (mkdirat (*dirfd, name, mode) < 0 && errno != EEXIST)
    return vs_fail (err, errno, "%s: create %s", msg, dest);
  sub = openat (*dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (sub < 0)
    return vs_fail (err, errno, "%s: open %s", msg, dest);
  close (*dirfd);
  *dirfd = sub;
  return 0;
}

static int
unpack_into (int in, int dirfd, const char *what, vs_error *err)
{
  vs_unpack_opts o = { .apply_whiteouts = false };
  int r = vs_unpack_layer (in, dirfd, &o, NULL, NULL, err);
  return r < 0 ? vs_wrap (err, r, "%s", what) : 0;
}

/* cp: name under sfd (or its content) into target, as a tar spooled in a
   temporary file under the engine's root. */
static int
copy_through_tar (vs_engine *e, int sfd, const char *name, bool contents, int target, const char *msg,
                  vs_error *err)
{
  _cleanup_close_ int tmp = tmpfile_in (e->root, err);
  int r;

  if (tmp < 0)
    return tmp;
  r = tar_source (tmp, sfd, name, contents, msg, err);
  if (r == 0 && lseek (tmp, 0, SEEK_SET) < 0)
    r = vs_fail (err, errno, "%s: rewind", msg);
  if (r == 0)
    r = unpack_into (tmp, target, msg, err);
  return r;
}

int
vs_container_copy_from (vs_engine *e, const char *what, const char *src, const char *dest, bool follow,
                        vs_error *err)
{
  _cleanup_container_ vs_container c = { 0 };
  _cleanup_close_ int root = -1, sfd = -1, target = -1;
  char base[NAME_MAX + 1], msg[PATH_MAX + 200], name[NAME_MAX + 1];
  bool contents, dir_wanted;
  struct stat st, dst;
  int r = vs_container_get (e, what, &c, err);

  if (r < 0)
    return r;
  snprintf (msg, sizeof msg, "copy %s:%s", what, src);
  if (src[0] == '\0')
    return vs_fail (err, 0, "%s: empty source path", msg);
  root = vs_container_rootfs_open (e, &c, err);
  if (root < 0)
    return vs_wrap (err, root, "copy");
  split_src (src, base, sizeof base, &contents, &dir_wanted);
  sfd = vs_open_in_root (root, src, O_PATH | (follow || dir_wanted || contents ? 0 : O_NOFOLLOW), 0, err);
  if (sfd < 0)
    return vs_fail (err, err->code, "Could not find the file %s in container %s", src, what);
  if (fstatat (sfd, "", &st, AT_EMPTY_PATH) < 0)
    return vs_fail (err, errno, "%s", msg);
  if ((dir_wanted || contents) && !S_ISDIR (st.st_mode))
    return vs_fail (err, ENOTDIR, "%s", msg);
  if (base[0] == '\0')
    contents = true; /* "/" */

  if (strcmp (dest, "-") == 0)
    {
      if (isatty (STDOUT_FILENO))
        return vs_fail (err, 0, "%s: cowardly refusing to write a tar to a terminal", msg);
      return tar_source (STDOUT_FILENO, sfd, base, contents, msg, err);
    }

  /* where on the host: DEST itself (a folder) or its parent */
  if (stat (dest, &dst) == 0 && S_ISDIR (dst.st_mode))
    {
      target = open (dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      snprintf (name, sizeof name, "%s", base);
    }
  else if (errno == ENOENT || (stat (dest, &dst) == 0 && !S_ISDIR (dst.st_mode)))
    {
      bool exists = stat (dest, &dst) == 0;
      bool dslash = dest[strlen (dest) - 1] == '/';
      char dbase[NAME_MAX + 1], parent[PATH_MAX];
      bool dc, dw;
      if (exists && S_ISDIR (st.st_mode))
        return vs_fail (err, 0, "%s: cannot copy a directory to the file %s", msg, dest);
      if (!exists && dslash && !S_ISDIR (st.st_mode))
        return vs_fail (err, ENOENT, "%s: destination directory %s", msg, dest);
      split_src (dest, dbase, sizeof dbase, &dc, &dw);
      snprintf (parent, sizeof parent, "%s", dest);
      {
        size_t l = strlen (parent);
        while (l > 1 && parent[l - 1] == '/')
          parent[--l] = '\0';
        char *slash = strrchr (parent, '/');
        if (slash == NULL)
          snprintf (parent, sizeof parent, ".");
        else if (slash == parent)
          parent[1] = '\0';
        else
          *slash = '\0';
      }
      target = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (target < 0)
        return vs_fail (err, errno, "%s: destination %s", msg, parent);
      /* the folder's content goes into a new DEST */
      if (contents && (r = enter_new_dir (&target, dbase, st.st_mode & 07777, msg, dest, err)) < 0)
        return r;
      snprintf (name, sizeof name, "%s", dbase);
    }
  else
    return vs_fail (err, errno, "%s: destination %s", msg, dest);
  if (target < 0)
    return vs_fail (err, errno, "%s: destination %s", msg, dest);

  return copy_through_tar (e, sfd, name, contents, target, msg, err);
}

int
vs_container_copy_to (vs_engine *e, const char *what, const char *src, const char *dest, bool follow,
                      vs_error *err)
{
  _cleanup_container_ vs_container c = { 0 };
  _cleanup_close_ int root = -1, sfd = -1, target = -1, dfd = -1;
  char base[NAME_MAX + 1], dbase[NAME_MAX + 1], msg[PATH_MAX + 200], name[NAME_MAX + 1], parent[PATH_MAX];
  bool contents = false, dir_wanted = false, dc, dw, stream = strcmp (src, "-") == 0;
  struct stat st = { 0 }, dst;
  int r = vs_container_get (e, what, &c, err);

  if (r < 0)
    return r;
  snprintf (msg, sizeof msg, "copy to %s:%s", what, dest);
  if (dest[0] == '\0')
    return vs_fail (err, 0, "%s: empty destination path", msg);
  if (!stream)
    {
      split_src (src, base, sizeof base, &contents, &dir_wanted);
      sfd = open (src, O_PATH | O_CLOEXEC | (follow || dir_wanted || contents ? 0 : O_NOFOLLOW));
      if (sfd < 0 || fstatat (sfd, "", &st, AT_EMPTY_PATH) < 0)
        return vs_fail (err, errno, "%s: source %s", msg, src);
      if ((dir_wanted || contents) && !S_ISDIR (st.st_mode))
        return vs_fail (err, ENOTDIR, "%s: source %s", msg, src);
      if (base[0] == '\0')
        contents = true;
    }
  else if (isatty (STDIN_FILENO))
    return vs_fail (err, 0, "%s: the tar to copy comes from stdin, but stdin is a terminal", msg);
  root = vs_container_rootfs_open (e, &c, err);
  if (root < 0)
    return vs_wrap (err, root, "copy");

  /* inside the container, symlinks resolved in its root */
  dfd = vs_open_in_root (root, dest, O_PATH, 0, err);
  if (dfd >= 0 && fstatat (dfd, "", &dst, AT_EMPTY_PATH) == 0 && S_ISDIR (dst.st_mode))
    {
      target = vs_open_in_root (root, dest, O_RDONLY | O_DIRECTORY, 0, err);
      snprintf (name, sizeof name, "%s", base);
      if (target >= 0 && contents)
        name[0] = '\0';
    }
  else
    {
      bool exists = dfd >= 0;
      if (stream)
        return vs_fail (err, exists ? ENOTDIR : ENOENT, "%s: the destination must be a directory", msg);
      if (!exists && err->code != ENOENT)
        return vs_fail (err, err->code, "%s", msg);
      if (exists && S_ISDIR (st.st_mode))
        return vs_fail (err, 0, "%s: cannot copy a directory to a file", msg);
      if (!exists && dest[strlen (dest) - 1] == '/' && !S_ISDIR (st.st_mode))
        return vs_fail (err, ENOENT, "%s: destination directory", msg);
      split_src (dest, dbase, sizeof dbase, &dc, &dw);
      snprintf (parent, sizeof parent, "%s", dest);
      {
        size_t l = strlen (parent);
        while (l > 1 && parent[l - 1] == '/')
          parent[--l] = '\0';
        char *slash = strrchr (parent, '/');
        if (slash == NULL || slash == parent)
          snprintf (parent, sizeof parent, "/");
        else
          *slash = '\0';
      }
      if (dbase[0] == '\0')
        return vs_fail (err, EINVAL, "%s", msg);
      target = vs_open_in_root (root, parent, O_RDONLY | O_DIRECTORY, 0, err);
      if (target < 0)
        return vs_fail (err, err->code, "%s: destination directory %s", msg, parent);
      /* the folder's content goes into a new DEST */
      if (contents && (r = enter_new_dir (&target, dbase, st.st_mode & 07777, msg, dest, err)) < 0)
        return r;
      snprintf (name, sizeof name, "%s", dbase);
    }
  if (target < 0)
    return vs_fail (err, err->code, "%s", msg);
  if (stream)
    return unpack_into (STDIN_FILENO, target, msg, err);
  return copy_through_tar (e, sfd, name, contents, target, msg, err);
}

/* ---- commit ---- */

/* Env: KEY=VALUE entries of add replace those of the same key in env. */
static void
merge_env (json_t *env, json_t *add)
{
  size_t i;
  json_t *v;
  json_array_foreach (add, i, v)
  {
    const char *s = json_string_value (v), *eq = s ? strchr (s, '=') : NULL;
    size_t kl = eq ? (size_t) (eq - s) + 1 : (s ? strlen (s) : 0);
    if (s == NULL)
      continue;
    for (size_t k = 0; k < json_array_size (env); k++)
      {
        const char *o = json_string_value (json_array_get (env, k));
        if (o && strncmp (o, s, kl) == 0 && (eq || o[kl] == '=' || o[kl] == '\0'))
          {
            json_array_remove (env, k);
            break;
          }
      }
    json_array_append (env, v);
  }
}

/* The container's config as docker commits it: the image's, with what
 * `run` asked for over it. */
static void
container_config (json_t *cfg, const char *request)
{
  _cleanup_json_ json_t *rq = json_loads (request, 0, NULL);
  json_t *v;
  if (!json_is_object (rq))
    return;
  if (json_is_array (v = json_object_get (rq, "Cmd")))
    json_object_set (cfg, "Cmd", v);
  if (json_is_true (json_object_get (rq, "EntrypointSet")) && json_is_array (v = json_object_get (rq, "Entrypoint")))
    {
      if (json_array_size (v) == 1 && strcmp (json_string_value (json_array_get (v, 0)) ?: "", "") == 0)
        json_object_set_new (cfg, "Entrypoint", json_null ());
      else
        json_object_set (cfg, "Entrypoint", v);
    }
  if (json_is_array (v = json_object_get (rq, "Env")) && json_array_size (v))
    {
      json_t *env = json_object_get (cfg, "Env");
      if (!json_is_array (env))
        json_object_set_new (cfg, "Env", env = json_array ());
      merge_env (env, v);
    }
  if (json_is_string (v = json_object_get (rq, "WorkingDir")) && json_string_length (v))
    json_object_set (cfg, "WorkingDir", v);
  if (json_is_string (v = json_object_get (rq, "User")) && json_string_length (v))
    json_object_set (cfg, "User", v);
  if (json_is_array (v = json_object_get (rq, "Labels")) && json_array_size (v))
    {
      json_t *labels = json_object_get (cfg, "Labels"), *l;
      size_t i;
      if (!json_is_object (labels))
        json_object_set_new (cfg, "Labels", labels = json_object ());
      json_array_foreach (v, i, l)
      {
        const char *s = json_string_value (l), *eq = s ? strchr (s, '=') : NULL;
        if (s == NULL)
          continue;
        _cleanup_free_ char *k = eq ? strndup (s, (size_t) (eq - s)) : strdup (s);
        if (k)
          json_object_set_new (labels, k, json_string (eq ? eq + 1 : ""));
      }
    }
}

static int
ingest_tmpfile (vs_store *s, vs_error *err)
{
  _cleanup_free_ char *dir = NULL;
  if (asprintf (&dir, "%s/images/ingest", vs_store_root (s)) < 0)
    return vs_fail (err, ENOMEM, "commit");
  (void) mkdir (dir, 0700);
  return tmpfile_in (dir, err);
}

int
vs_container_commit (vs_engine *e, const char *what, const vs_commit_opts *o, char id[72], vs_error *err)
{
  _cleanup_container_ vs_container c = { 0 };
  _cleanup_image_ vs_image parent = { 0 };
  _cleanup_free_ char *upper = NULL, *ptext = NULL, *config_txt = NULL, *mjson = NULL, *createdby = NULL;
  _cleanup_free_ vs_image_layer *layers = NULL;
  _cleanup_free_ vs_descriptor *descs = NULL;
  _cleanup_free_ char **diff_ids = NULL;
  _cleanup_free_ char (*chains)[72] = NULL;
  _cleanup_json_ json_t *config = NULL;
  _cleanup_close_ int tmp = -1, ufd = -1;
  char msg[200], created[64], blob[72], config_digest[72], manifest_digest[72];
  int64_t blob_size = 0, usize = 0;
  size_t plen = 0, n;
  time_t now;
  tarw t;
  vs_image img = { 0 };
  json_t *cfg, *rootfs, *hist;
  int r = vs_container_get (e, what, &c, err);

  if (r < 0)
    return r;
  snprintf (msg, sizeof msg, "commit container %s", what);
  r = vs_store_image_get (e->store, c.image_id, &parent, err);
  if (r == 0)
    r = vs_store_blob_read (e->store, parent.id, 16u << 20, &ptext, &plen, err);
  if (r < 0)
    return vs_wrap (err, r, "%s", msg);
  config = json_loadb (ptext, plen, 0, NULL);
  if (!json_is_object (config))
    return vs_fail (err, 0, "%s: the config of image %s is not a JSON object", msg, parent.id);

  /* the config first: a bad --change fails before any work */
  cfg = json_object_get (config, "config");
  if (!json_is_object (cfg))
    json_object_set_new (config, "config", cfg = json_object ());
  container_config (cfg, c.request);
  for (char *const *ch = o->changes; ch && *ch; ch++)
    if ((r = vs_archive_apply_change (cfg, *ch, err)) < 0)
      {
        if (strncmp (err->msg, "import: ", 8) == 0)
          memmove (err->msg, err->msg + 8, strlen (err->msg + 8) + 1);
        return vs_wrap (err, r, "commit");
      }

  /* the layer: the upper dir as a tar, stored uncompressed as import does */
  upper = vs_container_path (e, c.id, "upper");
  if (upper == NULL)
    return vs_fail (err, ENOMEM, "%s", msg);
  ufd = open (upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (ufd < 0)
    return vs_fail (err, errno, "%s: open %s", msg, upper);
  tmp = ingest_tmpfile (e->store, err);
  if (tmp < 0)
    return tmp;
  r = tar_open (&t, tmp, msg, true, err);
  t.skip = mount_dests (e, c.id);
  if (r == 0)
    r = tar_children (&t, ufd, "");
  rt_strv_free (t.skip);
  r = tar_close (&t, r);
  if (r < 0)
    return r;
  if (lseek (tmp, 0, SEEK_SET) < 0)
    return vs_fail (err, errno, "%s: rewind the layer", msg);
  r = vs_store_blob_put_fd (e->store, tmp, NULL, blob, &blob_size, err);
  if (r < 0)
    goto fail;

  /* layers, diff_ids, chain ids */
  n = parent.n_layers + 1;
  layers = calloc (n, sizeof *layers);
  descs = calloc (n, sizeof *descs);
  diff_ids = calloc (n, sizeof *diff_ids);
  chains = calloc (n, sizeof *chains);
  if (layers == NULL || descs == NULL || diff_ids == NULL || chains == NULL)
    {
      r = vs_fail (err, ENOMEM, "%s", msg);
      goto fail;
    }
  for (size_t i = 0; i < parent.n_layers; i++)
    {
      layers[i] = parent.layers[i];
      diff_ids[i] = parent.layers[i].diff_id;
    }
  diff_ids[n - 1] = blob;
  vs_chain_ids (diff_ids, n, chains);
  r = vs_store_snapshot_make (e->store, chains[n - 1], blob, blob, &usize, err);
  if (r < 0)
    {
      r = vs_wrap (err, r, "%s", msg);
      goto fail;
    }
  if (usize < 0)
    usize = 0;
  snprintf (layers[n - 1].blob, sizeof layers[n - 1].blob, "%s", blob);
  snprintf (layers[n - 1].diff_id, sizeof layers[n - 1].diff_id, "%s", blob);
  snprintf (layers[n - 1].chain_id, sizeof layers[n - 1].chain_id, "%s", chains[n - 1]);
  layers[n - 1].media_type = (char *) VS_MT_OCI_LAYER;
  layers[n - 1].blob_size = blob_size;
  layers[n - 1].size = usize;

  /* the config */
  vs_rfc3339_now (created, sizeof created, &now);
  {
    json_t *args = json_loads (c.command, 0, NULL), *a;
    size_t i, len = 0;
    json_array_foreach (args, i, a)
      len += strlen (json_string_value (a) ?: "") + 1;
    createdby = calloc (1, len + 1);
    json_array_foreach (args, i, a)
    {
      if (createdby == NULL)
        break;
      if (i)
        strcat (createdby, " ");
      strcat (createdby, json_string_value (a) ?: "");
    }
    json_decref (args);
  }
  json_object_set_new (config, "created", json_string (created));
  if (o->author)
    json_object_set_new (config, "author", json_string (o->author));
  json_object_set_new (config, "container", json_string (c.id));
  rootfs = json_object_get (config, "rootfs");
  if (!json_is_object (rootfs))
    json_object_set_new (config, "rootfs", rootfs = json_pack ("{s:s, s:[]}", "type", "layers", "diff_ids"));
  if (!json_is_array (json_object_get (rootfs, "diff_ids")))
    json_object_set_new (rootfs, "diff_ids", json_array ());
  json_array_append_new (json_object_get (rootfs, "diff_ids"), json_string (blob));
  hist = json_object_get (config, "history");
  if (!json_is_array (hist))
    json_object_set_new (config, "history", hist = json_array ());
  {
    json_t *h = json_pack ("{s:s, s:s}", "created", created, "created_by", createdby ? createdby : "");
    if (h && o->author)
      json_object_set_new (h, "author", json_string (o->author));
    if (h && o->message)
      json_object_set_new (h, "comment", json_string (o->message));
    json_array_append_new (hist, h);
  }
  config_txt = json_dumps (config, JSON_COMPACT);
  if (config_txt == NULL)
    {
      r = vs_fail (err, ENOMEM, "%s: the image config", msg);
      goto fail;
    }
  r = vs_store_blob_put (e->store, config_txt, strlen (config_txt), NULL, config_digest, err);
  if (r < 0)
    goto fail;
  for (size_t i = 0; i < n; i++)
    descs[i] = (vs_descriptor) { .media_type = layers[i].media_type ? layers[i].media_type : (char *) VS_MT_OCI_LAYER,
                                 .digest = layers[i].blob,
                                 .size = layers[i].blob_size };
  {
    vs_manifest m = { .media_type = (char *) VS_MT_OCI_MANIFEST,
                      .config = { .media_type = (char *) VS_MT_OCI_CONFIG, .digest = config_digest,
                                  .size = (int64_t) strlen (config_txt) },
                      .layers = descs, .n_layers = n };
    mjson = vs_manifest_build (&m);
  }
  if (mjson == NULL)
    {
      r = vs_fail (err, ENOMEM, "%s: build the manifest", msg);
      goto fail;
    }
  r = vs_store_blob_put (e->store, mjson, strlen (mjson), NULL, manifest_digest, err);
  if (r < 0)
    goto fail;
  snprintf (img.id, sizeof img.id, "%s", config_digest);
  snprintf (img.manifest, sizeof img.manifest, "%s", manifest_digest);
  img.manifest_type = (char *) VS_MT_OCI_MANIFEST;
  img.created = now;
  for (size_t i = 0; i < n; i++)
    img.size += layers[i].size > 0 ? layers[i].size : 0;
  img.layers = layers;
  img.n_layers = n;
  r = vs_store_image_add (e->store, &img, o->name, NULL, NULL, err);
  if (r < 0)
    goto fail;
  snprintf (id, 72, "%s", config_digest);
  return 0;

fail:
  {
    vs_error ignore;
    (void) vs_store_check (e->store, false, NULL, &ignore);
  }
  return r;
}

/* ---- rename, prune ---- */

static bool
valid_name (const char *n)
{
  if (!((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z') || (n[0] >= '0' && n[0] <= '9')))
    return false;
  return strspn (n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen (n)
         && strlen (n) < 128;
}

int
vs_container_rename (vs_engine *e, const char *what, const char *name, vs_error *err)
{
  _cleanup_container_ vs_container c = { 0 };
  sqlite3 *db = vs_store_db (e->store);
  sqlite3_stmt *st = NULL;
  char shown[100];
  int r, rc;

  if (name[0] == '/')
    name++;
  vs_printable (name, shown, sizeof shown);
  if (name[0] == '\0')
    return vs_fail (err, 0, "Neither old nor new names may be empty");
  if (!valid_name (name))
    return vs_fail (err, 0, "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", shown);
  r = vs_container_get (e, what, &c, err);
  if (r < 0)
    return r;
  if (strcmp (c.name, name) == 0)
    return vs_fail (err, 0, "Renaming a container with the same name as its current name");
  if (sqlite3_prepare_v2 (db, "SELECT id FROM containers WHERE name = ?", -1, &st, NULL) != SQLITE_OK)
    return vs_fail (err, 0, "rename container %s: %s", what, sqlite3_errmsg (db));
  sqlite3_bind_text (st, 1, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      r = vs_fail (err, 0,
                   "Error when allocating new name: Conflict. The container name \"/%s\" is already in use by "
                   "container \"%s\". You have to remove (or rename) that container to be able to reuse that name.",
                   name, (const char *) sqlite3_column_text (st, 0));
      sqlite3_finalize (st);
      return r;
    }
  sqlite3_finalize (st);
  if (sqlite3_prepare_v2 (db, "UPDATE containers SET name = ? WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
    return vs_fail (err, 0, "rename container %s: %s", what, sqlite3_errmsg (db));
  sqlite3_bind_text (st, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, c.id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (st);
  sqlite3_finalize (st);
  if (rc == SQLITE_CONSTRAINT)
    return vs_fail (err, 0, "Error when allocating new name: Conflict. The container name \"/%s\" is already in use",
                    name);
  if (rc != SQLITE_DONE)
    return vs_fail (err, 0, "rename container %s: %s", what, sqlite3_errmsg (db));
  return 0;
}

static int64_t
tree_size_at (int dfd)
{
  char **names = NULL;
  size_t n = 0;
  int64_t sum = 0;
  if (sorted_names (dfd, &names, &n) < 0)
    return 0;
  for (size_t i = 0; i < n; i++)
    {
      struct stat st;
      if (fstatat (dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
        continue;
      if (S_ISREG (st.st_mode))
        sum += st.st_size;
      else if (S_ISDIR (st.st_mode))
        {
          int sub = openat (dfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub >= 0)
            {
              sum += tree_size_at (sub);
              close (sub);
            }
        }
    }
  rt_strv_free (names);
  return sum;
}

int64_t
vs_tree_size (const char *path)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int64_t sum;
  if (fd < 0)
    return 0;
  sum = tree_size_at (fd);
  close (fd);
  return sum;
}

void
vs_container_sizes (vs_engine *e, const vs_container *c, int64_t *rw, int64_t *rootfs)
{
  _cleanup_free_ char *upper = vs_container_path (e, c->id, "upper");
  vs_image img = { 0 };
  vs_error ignore;

  *rw = upper ? vs_tree_size (upper) : 0;
  *rootfs = *rw;
  if (vs_store_image_get (e->store, c->image_id, &img, &ignore) == 0)
    {
      *rootfs += img.size;
      vs_image_free (&img);
    }
}

int
vs_containers_prune (vs_engine *e, char ***ret, int64_t *reclaimed, vs_error *err)
{
  vs_container *v = NULL;
  size_t n = 0, k = 0;
  char **ids;
  int r = vs_container_list (e, true, &v, &n, err);

  *reclaimed = 0;
  if (r < 0)
    return r;
  ids = calloc (n + 1, sizeof *ids);
  if (ids == NULL)
    {
      vs_containers_free (v, n);
      return vs_fail (err, ENOMEM, "prune containers");
    }
  for (size_t i = 0; i < n && r == 0; i++)
    {
      if (strcmp (v[i].status, "running") == 0 || strcmp (v[i].status, "restarting") == 0
          || strcmp (v[i].status, "paused") == 0)
        continue;
      _cleanup_free_ char *upper = vs_container_path (e, v[i].id, "upper");
      int64_t size = upper ? vs_tree_size (upper) : 0;
      r = vs_container_remove (e, v[i].id, false, false, err);
      if (r == -ENOENT || (r < 0 && strstr (err->msg, "container is running")))
        r = 0; /* removed, or started, meanwhile */
      else if (r == 0)
        {
          if ((ids[k] = strdup (v[i].id)) == NULL)
            r = vs_fail (err, ENOMEM, "prune containers");
          else
            k++;
          *reclaimed += size;
        }
    }
  vs_containers_free (v, n);
  *ret = ids;
  return r;
}
