/* initlayer.c — the mount points an image lacks, in a layer of their own. */
#include "initlayer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "../image/digest.h"

/* What the runtime mounts on (spec.c): folders at the root, files in /etc. */
static const char *const root_dirs[] = { "proc", "dev", "sys" };
static const char *const etc_files[] = { "hostname", "hosts", "resolv.conf" };

enum entry { ABSENT, FOLDER, OTHER };

static bool
is_whiteout (const struct stat *st)
{
  return S_ISCHR (st->st_mode) && major (st->st_rdev) == 0 && minor (st->st_rdev) == 0;
}

static bool
is_opaque (const char *dir)
{
  char v[2];
  return (getxattr (dir, "trusted.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y')
         || (getxattr (dir, "user.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y');
}

/* What the image shows at NAME (parent NULL) or at PARENT/NAME, merged as
 * overlayfs does: the topmost layer that has it wins; a whiteout hides it;
 * a parent that is opaque, a whiteout or no folder ends the search. */
static enum entry
image_entry (char *const *layers, size_t n, const char *parent, const char *name)
{
  char path[PATH_MAX];
  struct stat st;

  for (size_t i = 0; i < n; i++)
    {
      bool opaque = false;
      if (parent)
        {
          snprintf (path, sizeof path, "%s/%s", layers[i], parent);
          if (lstat (path, &st) < 0)
            continue;
          if (!S_ISDIR (st.st_mode))
            return ABSENT;
          opaque = is_opaque (path);
          snprintf (path, sizeof path, "%s/%s/%s", layers[i], parent, name);
        }
      else
        snprintf (path, sizeof path, "%s/%s", layers[i], name);
      if (lstat (path, &st) == 0)
        return is_whiteout (&st) ? ABSENT : S_ISDIR (st.st_mode) ? FOLDER : OTHER;
      if (opaque)
        return ABSENT;
    }
  return ABSENT;
}

/* Make in dirfd what the image (layers, top first) lacks. */
static int
fill (int dirfd, char *const *layers, size_t n, const char *where, vs_error *err)
{
  enum entry etc = image_entry (layers, n, NULL, "etc");

  for (size_t i = 0; i < ARRAY_SIZE (root_dirs); i++)
    if (image_entry (layers, n, NULL, root_dirs[i]) == ABSENT && mkdirat (dirfd, root_dirs[i], 0755) < 0)
      return vs_fail (err, errno, "init layer %s: make /%s", where, root_dirs[i]);
  if (etc == OTHER)
    return 0; /* a symlink: the runtime resolves it in the rootfs */
  for (size_t i = 0; i < ARRAY_SIZE (etc_files); i++)
    if (image_entry (layers, n, "etc", etc_files[i]) == ABSENT)
      {
        char rel[64];
        int fd;
        if (mkdirat (dirfd, "etc", 0755) < 0 && errno != EEXIST)
          return vs_fail (err, errno, "init layer %s: make /etc", where);
        snprintf (rel, sizeof rel, "etc/%s", etc_files[i]);
        fd = openat (dirfd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
          return vs_fail (err, errno, "init layer %s: make /%s", where, rel);
        close (fd);
      }
  return 0;
}

int
vs_init_layer (vs_store *s, const vs_image *img, char **ret, vs_error *err)
{
  _cleanup_free_ char *path = NULL, *tmp = NULL;
  char **layers = NULL;
  _cleanup_close_ int dirfd = -1;
  int r = 0;

  *ret = NULL;
  if (img->n_layers == 0)
    return vs_fail (err, EINVAL, "init layer: an image without layers");
  {
    /* snapshots/<hex>-init, made as snapshots/.tmp-init-<pid>-<hex> (a
       temp the store's gc knows) */
    _cleanup_free_ char *top = vs_store_snapshot_path (s, img->layers[img->n_layers - 1].chain_id);
    const char *hex = top ? strrchr (top, '/') : NULL;
    if (hex == NULL || asprintf (&path, "%s-init", top) < 0
        || asprintf (&tmp, "%.*s/.tmp-init-%d-%s", (int) (hex - top), top, (int) getpid (), hex + 1) < 0)
      return vs_fail (err, ENOMEM, "init layer");
  }
  /* the usual case: made by an earlier container of the image */
  if (access (path, F_OK) == 0)
    {
      *ret = TAKE_PTR (path);
      return 0;
    }
  layers = calloc (img->n_layers, sizeof *layers);
  if (layers == NULL)
    return vs_fail (err, ENOMEM, "init layer");
  for (size_t i = 0; i < img->n_layers && r == 0; i++)
    if ((layers[i] = vs_store_snapshot_path (s, img->layers[img->n_layers - 1 - i].chain_id)) == NULL)
      r = vs_fail (err, ENOMEM, "init layer");
  /* made aside and renamed: a concurrent start sees all of it or none */
  if (r == 0 && mkdir (tmp, 0755) < 0)
    r = vs_fail (err, errno, "init layer: make %s", tmp);
  if (r == 0 && (dirfd = open (tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
    r = vs_fail (err, errno, "init layer: open %s", tmp);
  if (r == 0)
    r = fill (dirfd, layers, img->n_layers, path, err);
  if (r == 0 && renameat2 (AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) < 0 && errno != EEXIST)
    r = vs_fail (err, errno, "init layer: rename %s to %s", tmp, path);
  if (access (tmp, F_OK) == 0)
    {
      vs_error ignore;
      (void) vs_rm_rf_at (AT_FDCWD, tmp, &ignore); /* another start made it first, or we failed */
    }
  for (size_t i = 0; i < img->n_layers; i++)
    free (layers[i]);
  free (layers);
  if (r == 0)
    *ret = TAKE_PTR (path);
  return r;
}
