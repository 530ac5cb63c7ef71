/* archive.c — save, load and import of images (see archive.h). */
#include "archive.h"

#include "lazy-libs.h"
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "digest.h"
#include "manifest.h"
#include "reference.h"
#include "../basic/json-util.h"

#define SMALL_MAX (16 << 20) /* manifest.json, index.json, configs, manifests */
#define COPY_BUF (1 << 20)

#define ANN_REF_NAME "org.opencontainers.image.ref.name"
#define ANN_CONTAINERD_NAME "io.containerd.image.name"
#define MT_DOCKER_LAYER_TAR "application/vnd.docker.image.rootfs.diff.tar"

static inline void
archive_freep (struct archive **a)
{
  if (*a)
    archive_free (*a);
}
#define _cleanup_archive_ __attribute__ ((cleanup (archive_freep)))

static void
strv_free (char **v)
{
  for (char **p = v; p && *p; p++)
    free (*p);
  free (v);
}

/* Append a copy of s to the NULL-terminated *v unless it is there. */
static int
strv_add (char ***v, const char *s)
{
  size_t n = 0;
  char **nv;

  for (; *v && (*v)[n]; n++)
    if (strcmp ((*v)[n], s) == 0)
      return 0;
  nv = realloc (*v, (n + 2) * sizeof *nv);
  if (nv == NULL)
    return -ENOMEM;
  *v = nv;
  if ((nv[n] = strdup (s)) == NULL)
    return -ENOMEM;
  nv[n + 1] = NULL;
  return 0;
}

/* Read all of fd (from where it is), at most max bytes, NUL-terminated. */
static int
read_all (int fd, size_t max, char **ret, size_t *ret_len)
{
  size_t len = 0, cap = 65536;
  char *buf = malloc (cap + 1);

  if (buf == NULL)
    return -ENOMEM;
  for (;;)
    {
      ssize_t n;
      if (len == cap)
        {
          char *nb;
          if (cap >= max)
            {
              free (buf);
              return -EFBIG;
            }
          cap = cap * 2 > max ? max : cap * 2;
          nb = realloc (buf, cap + 1);
          if (nb == NULL)
            {
              free (buf);
              return -ENOMEM;
            }
          buf = nb;
        }
      n = read (fd, buf + len, cap - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          free (buf);
          return -e;
        }
      if (n == 0)
        break;
      len += (size_t) n;
    }
  buf[len] = '\0';
  *ret = buf;
  *ret_len = len;
  return 0;
}

/* Clean `path` (relative to folder `base`, "" for the top) into out:
 * components joined by '/', without empty, "." and ".." ones.  With up,
 * ".." removes a component and an absolute path starts from the top (a
 * link target inside the archive); without, both are refused.  -1 when
 * refused or when the path leaves the top; out may end up "". */
static int
path_clean (const char *base, const char *path, bool up, char *out, size_t size)
{
  _cleanup_free_ char *buf = NULL;
  char *save = NULL;
  size_t len = 0;

  if (path[0] == '/')
    {
      if (!up)
        return -1;
      base = "";
    }
  if (asprintf (&buf, "%s/%s", base, path) < 0)
    return -1;
  out[0] = '\0';
  for (char *c = strtok_r (buf, "/", &save); c; c = strtok_r (NULL, "/", &save))
    {
      size_t cl = strlen (c);
      if (strcmp (c, ".") == 0)
        continue;
      if (strcmp (c, "..") == 0)
        {
          char *slash;
          if (!up || len == 0)
            return -1;
          slash = memrchr (out, '/', len);
          len = slash ? (size_t) (slash - out) : 0;
          out[len] = '\0';
          continue;
        }
      if (len + cl + 2 > size)
        return -1;
      if (len)
        out[len++] = '/';
      memcpy (out + len, c, cl + 1);
      len += cl;
    }
  return 0;
}

/* ---- decompression ---- */

typedef int (*data_fn) (void *user, const void *buf, size_t len, vs_error *err);

/* Read fd (plain, gzip, zstd, xz or bzip2) decompressed, passing the bytes
 * to fn (may be NULL); digest and size of the decompressed stream.  With
 * rewind, start at offset 0. */
static int
decompress_fd (int fd, bool rewind, const char *what, data_fn fn, void *user, char digest[72], int64_t *size,
               vs_error *err)
{
  _cleanup_archive_ struct archive *a = archive_read_new ();
  _cleanup_free_ char *buf = malloc (COPY_BUF);
  struct archive_entry *e;
  vs_sha256 *h;
  int64_t total = 0;
  int r = 0;

  if (a == NULL || buf == NULL)
    return vs_fail (err, ENOMEM, "%s", what);
  if (rewind && lseek (fd, 0, SEEK_SET) < 0)
    return vs_fail (err, errno, "%s: rewind", what);
  archive_read_support_filter_gzip (a);
  archive_read_support_filter_zstd (a);
  archive_read_support_filter_xz (a);
  archive_read_support_filter_bzip2 (a);
  archive_read_support_format_raw (a);
  if (archive_read_open_fd (a, fd, 65536) != ARCHIVE_OK || archive_read_next_header (a, &e) != ARCHIVE_OK)
    return vs_fail (err, 0, "%s: %s", what,
                    archive_filter_bytes (a, -1) == 0 || archive_error_string (a) == NULL ? "the input is empty"
                                                                                          : archive_error_string (a));
  h = vs_sha256_new ();
  if (h == NULL)
    return vs_fail (err, ENOMEM, "%s", what);
  for (;;)
    {
      la_ssize_t n = archive_read_data (a, buf, COPY_BUF);
      if (n < 0)
        {
          r = vs_fail (err, 0, "%s: %s", what, archive_error_string (a));
          break;
        }
      if (n == 0)
        break;
      vs_sha256_update (h, buf, (size_t) n);
      total += n;
      if (fn && (r = fn (user, buf, (size_t) n, err)) < 0)
        break;
    }
  if (r < 0)
    {
      vs_sha256_free (h);
      return r;
    }
  vs_sha256_final (h, digest);
  if (size)
    *size = total;
  return 0;
}

static int
write_fd_fn (void *user, const void *buf, size_t len, vs_error *err)
{
  int r = vs_write_all (*(int *) user, buf, len);
  return r < 0 ? vs_fail (err, -r, "write temp file") : 0;
}

/* Sum of the regular file sizes in a tree (a snapshot already there). */
static int64_t tree_sum;
static int
tree_sum_fn (const char *path, const struct stat *st, int flag, struct FTW *f)
{
  (void) path, (void) f;
  if (flag == FTW_F && S_ISREG (st->st_mode))
    tree_sum += st->st_size;
  return 0;
}

static int64_t
snapshot_bytes (vs_store *s, const char *chain_id)
{
  _cleanup_free_ char *p = vs_store_snapshot_path (s, chain_id);
  tree_sum = 0;
  if (p)
    nftw (p, tree_sum_fn, 16, FTW_PHYS);
  return tree_sum;
}

/* ---- writing tar archives ---- */

typedef struct tar_out
{
  struct archive *a;
  time_t now;
} tar_out;

static int
tar_header (tar_out *t, const char *name, int64_t size, bool dir, vs_error *err)
{
  struct archive_entry *e = archive_entry_new ();
  int rc;

  if (e == NULL)
    return vs_fail (err, ENOMEM, "save: archive entry `%s`", name);
  archive_entry_set_pathname (e, name);
  archive_entry_set_filetype (e, dir ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm (e, dir ? 0755 : 0644);
  archive_entry_set_size (e, dir ? 0 : size);
  archive_entry_set_mtime (e, t->now, 0);
  rc = archive_write_header (t->a, e);
  archive_entry_free (e);
  if (rc != ARCHIVE_OK)
    return vs_fail (err, 0, "save: write archive entry `%s`: %s", name, archive_error_string (t->a));
  return 0;
}

static int
tar_write_fn (void *user, const void *buf, size_t len, vs_error *err)
{
  tar_out *t = user;
  la_ssize_t w = archive_write_data (t->a, buf, len);
  if (w < 0 || (size_t) w != len)
    return vs_fail (err, 0, "save: write archive: %s", archive_error_string (t->a));
  return 0;
}

static int
tar_add_data (tar_out *t, const char *name, const void *data, size_t len, vs_error *err)
{
  int r = tar_header (t, name, (int64_t) len, false, err);
  return r < 0 ? r : tar_write_fn (t, data, len, err);
}

/* Copy exactly size bytes of fd (from offset 0) as entry name. */
static int
tar_add_fd (tar_out *t, const char *name, int fd, int64_t size, vs_error *err)
{
  _cleanup_free_ char *buf = malloc (COPY_BUF);
  int64_t done = 0;
  int r;

  if (buf == NULL)
    return vs_fail (err, ENOMEM, "save: `%s`", name);
  if ((r = tar_header (t, name, size, false, err)) < 0)
    return r;
  while (done < size)
    {
      ssize_t n = pread (fd, buf, COPY_BUF, done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return vs_fail (err, errno, "save: read `%s`", name);
      if (n == 0)
        return vs_fail (err, 0, "save: `%s` shrank while being saved", name);
      if (n > size - done)
        n = (ssize_t) (size - done);
      if ((r = tar_write_fn (t, buf, (size_t) n, err)) < 0)
        return r;
      done += n;
    }
  return 0;
}

/* A set of names (a JSON object used for its keys). */
static bool
set_add (json_t *set, const char *name)
{
  if (json_object_get (set, name))
    return false;
  json_object_set_new (set, name, json_true ());
  return true;
}

/* ---- save: docker-archive ---- */

/* Write the layer as <diff_id hex>/layer.tar, uncompressed. */
static int
save_docker_layer (vs_store *s, tar_out *t, const vs_image *img, const vs_image_layer *l, const char *name,
                   vs_error *err)
{
  _cleanup_close_ int fd = -1;
  char dir[80], got[72];
  int64_t size;
  int r;

  snprintf (dir, sizeof dir, "%s/", vs_digest_hex (l->diff_id));
  if ((r = tar_header (t, dir, 0, true, err)) < 0)
    return r;
  if ((r = vs_store_blob_open (s, l->blob, &fd, &size, err)) < 0)
    return vs_wrap (err, r, "save: image %s", img->id);
  if (strcmp (l->blob, l->diff_id) == 0)
    return tar_add_fd (t, name, fd, size, err);
  /* compressed: once to learn the size (and check it), once to write */
  char what[120];
  snprintf (what, sizeof what, "save: decompress layer %s", l->blob);
  if ((r = decompress_fd (fd, true, what, NULL, NULL, got, &size, err)) < 0)
    return r;
  if (strcmp (got, l->diff_id) != 0)
    return vs_fail (err, 0, "save: layer %s of image %s: its content is %s, the image config says %s", l->blob,
                    img->id, got, l->diff_id);
  if ((r = tar_header (t, name, size, false, err)) < 0)
    return r;
  return decompress_fd (fd, true, what, tar_write_fn, t, got, NULL, err);
}

static int
save_docker (vs_store *s, const vs_save_item *items, size_t n, tar_out *t, vs_error *err)
{
  _cleanup_json_ json_t *manifest = json_array ();
  _cleanup_json_ json_t *repos = json_object ();
  _cleanup_json_ json_t *written = json_object ();
  int r;

  if (manifest == NULL || repos == NULL || written == NULL)
    return vs_fail (err, ENOMEM, "save");
  for (size_t i = 0; i < n; i++)
    {
      const vs_image *img = items[i].img;
      json_t *entry = json_object (), *layers = json_array (), *tags = json_array ();
      char config[80];

      json_array_append_new (manifest, entry);
      snprintf (config, sizeof config, "%s.json", vs_digest_hex (img->id));
      json_object_set_new (entry, "Config", json_string (config));
      json_object_set_new (entry, "RepoTags", tags);
      json_object_set_new (entry, "Layers", layers);
      if (set_add (written, config))
        {
          _cleanup_close_ int fd = -1;
          int64_t size;
          if ((r = vs_store_blob_open (s, img->id, &fd, &size, err)) < 0)
            return vs_wrap (err, r, "save: image %s: config", img->id);
          if ((r = tar_add_fd (t, config, fd, size, err)) < 0)
            return r;
        }
      for (size_t j = 0; j < img->n_layers; j++)
        {
          char name[96];
          snprintf (name, sizeof name, "%s/layer.tar", vs_digest_hex (img->layers[j].diff_id));
          json_array_append_new (layers, json_string (name));
          if (set_add (written, name) && (r = save_docker_layer (s, t, img, &img->layers[j], name, err)) < 0)
            return r;
        }
      for (char *const *nm = items[i].names; nm && *nm; nm++)
        {
          _cleanup_free_ char *familiar = vs_ref_familiar (*nm);
          vs_ref ref = { 0 };
          vs_error ignore;
          if (familiar == NULL)
            return vs_fail (err, ENOMEM, "save");
          if (vs_ref_parse (*nm, &ref, &ignore) < 0 || ref.tag == NULL)
            {
              vs_ref_free (&ref);
              continue;
            }
          json_array_append_new (tags, json_string (familiar));
          size_t rl = strlen (familiar) - strlen (ref.tag) - 1;
          _cleanup_free_ char *repo = strndup (familiar, rl);
          if (repo && img->n_layers > 0)
            {
              json_t *rt = json_object_get (repos, repo);
              if (rt == NULL)
                json_object_set_new (repos, repo, rt = json_object ());
              json_object_set_new (rt, ref.tag, json_string (vs_digest_hex (img->layers[img->n_layers - 1].diff_id)));
            }
          vs_ref_free (&ref);
        }
      if (json_array_size (tags) == 0)
        json_object_set_new (entry, "RepoTags", json_null ());
    }
  if (json_object_size (repos) > 0)
    {
      _cleanup_free_ char *txt = json_dumps (repos, JSON_COMPACT);
      if (txt == NULL)
        return vs_fail (err, ENOMEM, "save");
      if ((r = tar_add_data (t, "repositories", txt, strlen (txt), err)) < 0)
        return r;
    }
  _cleanup_free_ char *txt = json_dumps (manifest, JSON_COMPACT);
  if (txt == NULL)
    return vs_fail (err, ENOMEM, "save");
  return tar_add_data (t, "manifest.json", txt, strlen (txt), err);
}

/* ---- save: OCI layout (folder or tar) ---- */

typedef struct oci_out
{
  vs_store *s;
  tar_out *t;     /* a tar, or */
  int dir_fd;     /* a folder */
  json_t *written;
} oci_out;

static int
oci_file (oci_out *o, const char *name, const char *data, vs_error *err)
{
  if (o->t)
    return tar_add_data (o->t, name, data, strlen (data), err);
  return vs_write_file_at (o->dir_fd, name, data, strlen (data), 0644, err);
}

static int
oci_blob (oci_out *o, const char *digest, vs_error *err)
{
  _cleanup_free_ char *path = NULL;
  _cleanup_close_ int fd = -1, out = -1;
  char name[96];
  int64_t size;
  int r;

  snprintf (name, sizeof name, "blobs/sha256/%s", vs_digest_hex (digest));
  if (!set_add (o->written, name))
    return 0;
  if (o->t == NULL)
    {
      /* a hard link when the folder is on the store's file system */
      path = vs_store_blob_path (o->s, digest);
      if (path && linkat (AT_FDCWD, path, o->dir_fd, name, 0) == 0)
        return 0;
      if (errno == EEXIST)
        return 0;
    }
  if ((r = vs_store_blob_open (o->s, digest, &fd, &size, err)) < 0)
    return vs_wrap (err, r, "save");
  if (o->t)
    return tar_add_fd (o->t, name, fd, size, err);
  out = openat (o->dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (out < 0)
    return vs_fail (err, errno, "save: create %s", name);
  for (;;)
    {
      char buf[65536];
      ssize_t n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return vs_fail (err, errno, "save: read blob %s", digest);
      if (n == 0)
        break;
      if ((r = vs_write_all (out, buf, (size_t) n)) < 0)
        return vs_fail (err, -r, "save: write %s", name);
    }
  return 0;
}

static int
save_oci (oci_out *o, const vs_save_item *items, size_t n, vs_error *err)
{
  _cleanup_json_ json_t *index = json_pack ("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType", VS_MT_OCI_INDEX,
                                            "manifests");
  _cleanup_free_ char *index_txt = NULL;
  json_t *manifests;
  int r;

  if (index == NULL)
    return vs_fail (err, ENOMEM, "save");
  manifests = json_object_get (index, "manifests");
  if (o->t)
    {
      if ((r = oci_file (o, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", err)) < 0
          || (r = tar_header (o->t, "blobs/", 0, true, err)) < 0
          || (r = tar_header (o->t, "blobs/sha256/", 0, true, err)) < 0)
        return r;
    }
  else if ((mkdirat (o->dir_fd, "blobs", 0755) < 0 && errno != EEXIST)
           || (mkdirat (o->dir_fd, "blobs/sha256", 0755) < 0 && errno != EEXIST))
    return vs_fail (err, errno, "save: create blobs/sha256");

  for (size_t i = 0; i < n; i++)
    {
      const vs_image *img = items[i].img;
      _cleanup_free_ char *config = NULL;
      vs_image_config c = { 0 };
      size_t config_len;
      int64_t msize;
      json_t *platform = NULL;

      {
        _cleanup_close_ int fd = -1;
        if ((r = vs_store_blob_open (o->s, img->manifest, &fd, &msize, err)) < 0)
          return vs_wrap (err, r, "save: image %s: manifest", img->id);
      }
      if ((r = vs_store_blob_read (o->s, img->id, SMALL_MAX, &config, &config_len, err)) < 0)
        return vs_wrap (err, r, "save: image %s: config", img->id);
      if (vs_image_config_parse (config, config_len, &c, err) == 0 && c.os && c.arch)
        {
          platform = json_pack ("{s:s, s:s}", "architecture", c.arch, "os", c.os);
          if (platform && c.variant)
            json_object_set_new (platform, "variant", json_string (c.variant));
        }
      vs_image_config_free (&c);

      if ((r = oci_blob (o, img->manifest, err)) < 0 || (r = oci_blob (o, img->id, err)) < 0)
        return r;
      for (size_t j = 0; j < img->n_layers; j++)
        if ((r = oci_blob (o, img->layers[j].blob, err)) < 0)
          return r;

      /* one descriptor per name (the tag in ref.name, the whole name as
         containerd records it), or one without a name */
      size_t k = 0;
      do
        {
          const char *nm = items[i].names ? items[i].names[k] : NULL;
          json_t *d = json_pack ("{s:s, s:s, s:I}", "mediaType", img->manifest_type, "digest", img->manifest, "size",
                                 (json_int_t) msize);
          if (d == NULL)
            {
              json_decref (platform);
              return vs_fail (err, ENOMEM, "save");
            }
          if (platform)
            json_object_set (d, "platform", platform);
          if (nm)
            {
              vs_ref ref = { 0 };
              vs_error ignore;
              json_t *ann = json_object ();
              json_object_set_new (ann, ANN_CONTAINERD_NAME, json_string (nm));
              if (vs_ref_parse (nm, &ref, &ignore) == 0 && ref.tag)
                json_object_set_new (ann, ANN_REF_NAME, json_string (ref.tag));
              vs_ref_free (&ref);
              json_object_set_new (d, "annotations", ann);
            }
          json_array_append_new (manifests, d);
        }
      while (items[i].names && items[i].names[k] && items[i].names[++k]);
      json_decref (platform);
    }
  index_txt = json_dumps (index, JSON_COMPACT);
  if (index_txt == NULL)
    return vs_fail (err, ENOMEM, "save");
  if (o->t == NULL && (r = oci_file (o, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", err)) < 0)
    return r;
  return oci_file (o, "index.json", index_txt, err);
}

int
vs_archive_save (vs_store *s, const vs_save_item *items, size_t n, vs_archive_format fmt, int fd, vs_error *err)
{
  _cleanup_json_ json_t *written = json_object ();
  tar_out t = { .now = time (NULL) };
  int r;

  if (written == NULL)
    return vs_fail (err, ENOMEM, "save");
  if (fmt == VS_ARCHIVE_OCI_DIR)
    {
      oci_out o = { .s = s, .dir_fd = fd, .written = written };
      return save_oci (&o, items, n, err);
    }
  t.a = archive_write_new ();
  if (t.a == NULL)
    return vs_fail (err, ENOMEM, "save");
  if (archive_write_set_format_pax_restricted (t.a) != ARCHIVE_OK || archive_write_open_fd (t.a, fd) != ARCHIVE_OK)
    {
      r = vs_fail (err, 0, "save: open archive: %s", archive_error_string (t.a));
      archive_write_free (t.a);
      return r;
    }
  if (fmt == VS_ARCHIVE_DOCKER)
    r = save_docker (s, items, n, &t, err);
  else
    {
      oci_out o = { .s = s, .t = &t, .dir_fd = -1, .written = written };
      r = save_oci (&o, items, n, err);
    }
  if (archive_write_close (t.a) != ARCHIVE_OK && r == 0)
    r = vs_fail (err, 0, "save: finish archive: %s", archive_error_string (t.a));
  archive_write_free (t.a);
  return r;
}

/* ---- load: where the files come from ---- */

typedef struct link_entry
{
  char *name;
  char *target;  /* cleaned, from the top of the archive */
} link_entry;

typedef struct source
{
  const char *label;    /* the input as the user named it */
  int dir_fd;           /* the layout folder, or the extracted archive */
  bool follow;          /* follow symlinks (a folder the user gave) */
  link_entry *links;    /* links of the archive (never made on disk) */
  size_t n_links;
} source;

static void
source_free (source *src)
{
  for (size_t i = 0; i < src->n_links; i++)
    {
      free (src->links[i].name);
      free (src->links[i].target);
    }
  free (src->links);
  if (src->dir_fd >= 0)
    close (src->dir_fd);
}

/* Open the regular file `name` of the input; what says what it is for
 * the error ("config", "layer"...). */
static int
src_open (source *src, const char *name, const char *what, int *ret, int64_t *size, vs_error *err)
{
  char path[PATH_MAX], shown[100];
  struct stat st;

  vs_printable (name, shown, sizeof shown);
  if (path_clean ("", name, false, path, sizeof path) < 0 || path[0] == '\0')
    return vs_fail (err, 0, "load %s: %s `%s`: not a path inside the archive", src->label, what, shown);
  for (int hops = 0; hops < 16; hops++)
    {
      int fd = openat (src->dir_fd, path, O_RDONLY | O_CLOEXEC | (src->follow ? 0 : O_NOFOLLOW));
      const link_entry *l = NULL;
      if (fd >= 0)
        {
          if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
            {
              close (fd);
              return vs_fail (err, 0, "load %s: %s `%s`: not a regular file", src->label, what, shown);
            }
          *ret = fd;
          if (size)
            *size = st.st_size;
          return 0;
        }
      if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
        return vs_fail (err, errno, "load %s: %s `%s`", src->label, what, shown);
      for (size_t i = 0; i < src->n_links; i++)
        if (strcmp (src->links[i].name, path) == 0)
          l = &src->links[i];
      if (l == NULL)
        break;
      snprintf (path, sizeof path, "%s", l->target);
    }
  return vs_fail (err, 0, "load %s: %s `%s`: missing from the archive", src->label, what, shown);
}

static bool
src_has (source *src, const char *name)
{
  vs_error ignore;
  int fd;
  if (src_open (src, name, "", &fd, NULL, &ignore) < 0)
    return false;
  close (fd);
  return true;
}

/* Read a small file of the input whole. */
static int
src_read (source *src, const char *name, const char *what, char **data, size_t *len, vs_error *err)
{
  _cleanup_close_ int fd = -1;
  int r = src_open (src, name, what, &fd, NULL, err);
  if (r < 0)
    return r;
  r = read_all (fd, SMALL_MAX, data, len);
  if (r < 0)
    return vs_fail (err, -r, "load %s: read %s `%s`", src->label, what, name);
  return 0;
}

/* Open (making it) the folder holding `path` (a cleaned path) under top;
 * *base points to the last component. */
static int
stage_parent (int top, char *path, const char **base, int *ret)
{
  int fd = fcntl (top, F_DUPFD_CLOEXEC, 3);
  char *p = path, *slash;

  if (fd < 0)
    return -errno;
  while ((slash = strchr (p, '/')) != NULL)
    {
      int nfd, e;
      *slash = '\0';
      if (mkdirat (fd, p, 0700) < 0 && errno != EEXIST)
        nfd = -1;
      else
        nfd = openat (fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      e = errno;
      *slash = '/';
      close (fd);
      if (nfd < 0)
        return -e;
      fd = nfd;
      p = slash + 1;
    }
  *base = p;
  *ret = fd;
  return 0;
}

/* Extract the tar read from in into src->dir_fd: regular files only, links
 * remembered; an entry outside the archive fails the whole load. */
static int
stage_extract (source *src, int in, vs_error *err)
{
  _cleanup_archive_ struct archive *a = archive_read_new ();
  bool first = true;

  if (a == NULL)
    return vs_fail (err, ENOMEM, "load %s", src->label);
  archive_read_support_filter_gzip (a);
  archive_read_support_filter_zstd (a);
  archive_read_support_filter_xz (a);
  archive_read_support_filter_bzip2 (a);
  archive_read_support_format_tar (a);
  if (archive_read_open_fd (a, in, 65536) != ARCHIVE_OK)
    {
      if (archive_filter_bytes (a, -1) == 0)
        return vs_fail (err, 0, "load %s: the input is empty", src->label);
      return vs_fail (err, 0, "load %s: not a tar archive: %s", src->label, archive_error_string (a));
    }
  for (;;)
    {
      struct archive_entry *e;
      char path[PATH_MAX], shown[100];
      const char *name, *hl, *base = NULL;
      _cleanup_close_ int pfd = -1, fd = -1;
      int rc = archive_read_next_header (a, &e), r;

      if (rc == ARCHIVE_EOF)
        break;
      if (rc < ARCHIVE_WARN && first && archive_filter_bytes (a, -1) == 0)
        return vs_fail (err, 0, "load %s: the input is empty", src->label);
      if (rc < ARCHIVE_WARN)
        return vs_fail (err, 0, "load %s: %s%s", src->label, first ? "not a tar archive: " : "",
                        archive_error_string (a));
      first = false;
      name = archive_entry_pathname (e);
      vs_printable (name ? name : "", shown, sizeof shown);
      if (name == NULL || path_clean ("", name, false, path, sizeof path) < 0)
        return vs_fail (err, 0, "load %s: archive entry `%s`: its path leaves the archive (absolute or ..)",
                        src->label, shown);
      if (path[0] == '\0')
        continue;
      hl = archive_entry_hardlink (e);
      if (hl || archive_entry_filetype (e) == AE_IFLNK)
        {
          const char *target = hl ? hl : archive_entry_symlink (e);
          char cleaned[PATH_MAX], dir[PATH_MAX], tshown[100];
          link_entry *nl;
          snprintf (dir, sizeof dir, "%s", path);
          *(strrchr (dir, '/') ? strrchr (dir, '/') : dir) = '\0';
          vs_printable (target ? target : "", tshown, sizeof tshown);
          if (target == NULL || path_clean (hl ? "" : dir, target, hl == NULL, cleaned, sizeof cleaned) < 0
              || cleaned[0] == '\0')
            return vs_fail (err, 0, "load %s: archive entry `%s`: link target `%s` is outside the archive",
                            src->label, shown, tshown);
          nl = realloc (src->links, (src->n_links + 1) * sizeof *nl);
          if (nl == NULL)
            return vs_fail (err, ENOMEM, "load %s", src->label);
          src->links = nl;
          nl[src->n_links].name = strdup (path);
          nl[src->n_links].target = strdup (cleaned);
          if (nl[src->n_links++].target == NULL || nl[src->n_links - 1].name == NULL)
            return vs_fail (err, ENOMEM, "load %s", src->label);
          continue;
        }
      if (archive_entry_filetype (e) != AE_IFREG)
        continue; /* folders are made as needed; nothing else is used */
      r = stage_parent (src->dir_fd, path, &base, &pfd);
      if (r < 0)
        return vs_fail (err, -r, "load %s: archive entry `%s`", src->label, shown);
      fd = openat (pfd, base, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0)
        return vs_fail (err, errno, "load %s: archive entry `%s`", src->label, shown);
      if (archive_read_data_into_fd (a, fd) != ARCHIVE_OK)
        return vs_fail (err, 0, "load %s: archive entry `%s`: %s", src->label, shown, archive_error_string (a));
    }
  if (first)
    return vs_fail (err, 0, "load %s: an empty archive", src->label);
  return 0;
}

/* ---- load: images ---- */

typedef struct pending
{
  vs_image img;
  char **names;  /* canonical */
} pending;

typedef struct loader
{
  vs_store *s;
  source *src;
  pending *imgs;
  size_t n;
} loader;

static void
pending_free (pending *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      vs_image_free (&p[i].img);
      strv_free (p[i].names);
    }
  free (p);
}

/* A canonical name for a reference found in the input (which says where). */
static int
canonical_name (loader *L, const char *s, const char *where, char **ret, vs_error *err)
{
  vs_ref ref = { 0 };
  char shown[100];
  int r = vs_ref_parse (s, &ref, err);

  if (r < 0)
    return vs_wrap (err, r, "load %s: %s", L->src->label, where);
  if (ref.tag == NULL)
    {
      vs_ref_free (&ref);
      return vs_fail (err, 0, "load %s: %s `%s`: a name with a digest cannot name a loaded image",
                      L->src->label, where, vs_printable (s, shown, sizeof shown));
    }
  *ret = vs_ref_name (&ref);
  vs_ref_free (&ref);
  return *ret ? 0 : vs_fail (err, ENOMEM, "load %s", L->src->label);
}

/* The config and every layer blob are in the store: make the snapshots
 * and fill img (all but the manifest fields). */
static int
image_prepare (loader *L, const char *what, const vs_image_config *c, const char *config_digest,
               const vs_descriptor *layers, size_t n, vs_image *img, vs_error *err)
{
  _cleanup_free_ char (*chains)[72] = calloc (n ? n : 1, sizeof *chains);
  int r;

  memset (img, 0, sizeof *img);
  if (chains == NULL || (img->layers = calloc (n ? n : 1, sizeof *img->layers)) == NULL)
    return vs_fail (err, ENOMEM, "load %s", L->src->label);
  snprintf (img->id, sizeof img->id, "%s", config_digest);
  img->created = c->created;
  vs_chain_ids (c->diff_ids, n, chains);
  for (size_t i = 0; i < n; i++)
    {
      vs_image_layer *l = &img->layers[img->n_layers++];
      int64_t size = 0;
      snprintf (l->blob, sizeof l->blob, "%s", layers[i].digest);
      snprintf (l->diff_id, sizeof l->diff_id, "%s", c->diff_ids[i]);
      snprintf (l->chain_id, sizeof l->chain_id, "%s", chains[i]);
      l->blob_size = layers[i].size;
      if ((l->media_type = strdup (layers[i].media_type)) == NULL)
        return vs_fail (err, ENOMEM, "load %s", L->src->label);
      r = vs_store_snapshot_make (L->s, chains[i], l->blob, l->diff_id, &size, err);
      if (r < 0)
        return vs_wrap (err, r, "load %s: %s: layer %zu", L->src->label, what, i);
      l->size = size < 0 ? snapshot_bytes (L->s, chains[i]) : size;
      img->size += l->size;
    }
  return 0;
}

/* Add a prepared image (taking it) under name (may be NULL), merging with
 * one already prepared from the same config. */
static int
pending_add (loader *L, vs_image *img, const char *name, vs_error *err)
{
  pending *p = NULL, *np;

  for (size_t i = 0; i < L->n; i++)
    if (strcmp (L->imgs[i].img.id, img->id) == 0)
      p = &L->imgs[i];
  if (p == NULL)
    {
      np = realloc (L->imgs, (L->n + 1) * sizeof *np);
      if (np == NULL)
        return vs_fail (err, ENOMEM, "load %s", L->src->label);
      L->imgs = np;
      p = &np[L->n++];
      p->img = *img;
      p->names = calloc (1, sizeof *p->names);
      memset (img, 0, sizeof *img);
      if (p->names == NULL)
        return vs_fail (err, ENOMEM, "load %s", L->src->label);
    }
  else
    vs_image_free (img);
  if (name && strv_add (&p->names, name) < 0)
    return vs_fail (err, ENOMEM, "load %s", L->src->label);
  return 0;
}

static const char *
json_str (json_t *o, const char *key)
{
  return json_string_value (json_object_get (o, key));
}

/* The media type of a docker-archive layer stored as it is: uncompressed
 * when its digest is the diff_id, else by its magic number. */
static const char *
layer_type (int fd, const char *digest, const char *diff_id)
{
  unsigned char m[4] = { 0 };
  if (strcmp (digest, diff_id) == 0)
    return VS_MT_OCI_LAYER;
  if (pread (fd, m, sizeof m, 0) != (ssize_t) sizeof m)
    return NULL;
  if (m[0] == 0x1f && m[1] == 0x8b)
    return VS_MT_OCI_LAYER_GZIP;
  if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
    return VS_MT_OCI_LAYER_ZSTD;
  return NULL;
}

static int
load_docker_image (loader *L, json_t *entry, size_t idx, vs_error *err)
{
  const char *label = L->src->label, *config_name = json_str (entry, "Config");
  json_t *tags = json_object_get (entry, "RepoTags"), *layers = json_object_get (entry, "Layers");
  _cleanup_free_ char *config = NULL, *mjson = NULL;
  _cleanup_free_ vs_descriptor *descs = NULL;
  char **names = NULL, where[64], config_digest[72], manifest_digest[72];
  vs_image_config c = { 0 };
  vs_image img = { 0 };
  size_t config_len, n;
  int r;

  snprintf (where, sizeof where, "manifest.json [%zu]", idx);
  if (!json_is_object (entry))
    return vs_fail (err, 0, "load %s: %s: not an object", label, where);
  if (config_name == NULL)
    return vs_fail (err, 0, "load %s: %s: Config is missing or not a string", label, where);
  if (!json_is_array (layers))
    return vs_fail (err, 0, "load %s: %s: Layers is missing or not an array", label, where);
  if (tags && !json_is_null (tags) && !json_is_array (tags))
    return vs_fail (err, 0, "load %s: %s: RepoTags is not an array", label, where);
  n = json_array_size (layers);

  /* names first: a bad one fails before anything is stored */
  for (size_t k = 0; k < json_array_size (tags); k++)
    {
      const char *t = json_string_value (json_array_get (tags, k));
      _cleanup_free_ char *canon = NULL;
      char w[96];
      snprintf (w, sizeof w, "%s: RepoTags[%zu]", where, k);
      if (t == NULL)
        r = vs_fail (err, 0, "load %s: %s: not a string", label, w);
      else if ((r = canonical_name (L, t, w, &canon, err)) == 0 && strv_add (&names, canon) < 0)
        r = vs_fail (err, ENOMEM, "load %s", label);
      if (r < 0)
        goto out;
    }

  r = src_read (L->src, config_name, "config", &config, &config_len, err);
  if (r < 0)
    goto out;
  r = vs_image_config_parse (config, config_len, &c, err);
  if (r < 0)
    {
      r = vs_wrap (err, r, "load %s: %s: config `%s`", label, where, config_name);
      goto out;
    }
  if (c.n_diff_ids != n)
    {
      r = vs_fail (err, 0, "load %s: %s: Layers lists %zu layers, the config's rootfs.diff_ids %zu", label,
                   where, n, c.n_diff_ids);
      goto out;
    }
  r = vs_store_blob_put (L->s, config, config_len, NULL, config_digest, err);
  if (r < 0)
    goto out;
  descs = calloc (n ? n : 1, sizeof *descs);
  if (descs == NULL)
    {
      r = vs_fail (err, ENOMEM, "load %s", label);
      goto out;
    }
  for (size_t j = 0; j < n; j++)
    {
      const char *lname = json_string_value (json_array_get (layers, j));
      _cleanup_close_ int fd = -1;
      char w[96], got[72];
      snprintf (w, sizeof w, "%s: Layers[%zu]", where, j);
      if (lname == NULL)
        {
          r = vs_fail (err, 0, "load %s: %s: not a string", label, w);
          goto out;
        }
      descs[j].digest = malloc (72);
      if (descs[j].digest == NULL)
        {
          r = vs_fail (err, ENOMEM, "load %s", label);
          goto out;
        }
      if ((r = src_open (L->src, lname, "layer", &fd, NULL, err)) < 0
          || (r = vs_store_blob_put_fd (L->s, fd, NULL, descs[j].digest, &descs[j].size, err)) < 0)
        goto out;
      descs[j].media_type = (char *) layer_type (fd, descs[j].digest, c.diff_ids[j]);
      if (descs[j].media_type == NULL)
        {
          r = vs_fail (err, 0, "load %s: %s `%s`: its content is %s, the config's rootfs.diff_ids[%zu] is %s",
                       label, w, lname, descs[j].digest, j, c.diff_ids[j]);
          goto out;
        }
      if (strcmp (descs[j].media_type, VS_MT_OCI_LAYER) != 0)
        {
          /* compressed: check now, the snapshot may already exist */
          if ((r = decompress_fd (fd, true, lname, NULL, NULL, got, NULL, err)) < 0)
            {
              r = vs_wrap (err, r, "load %s: %s", label, w);
              goto out;
            }
          if (strcmp (got, c.diff_ids[j]) != 0)
            {
              r = vs_fail (err, 0, "load %s: %s `%s`: its content is %s, the config's rootfs.diff_ids[%zu] is %s",
                           label, w, lname, got, j, c.diff_ids[j]);
              goto out;
            }
        }
    }
  {
    vs_manifest m = { .media_type = (char *) VS_MT_OCI_MANIFEST,
                      .config = { .media_type = (char *) VS_MT_OCI_CONFIG, .digest = config_digest,
                                  .size = (int64_t) config_len },
                      .layers = descs, .n_layers = n };
    mjson = vs_manifest_build (&m);
    if (mjson == NULL)
      {
        r = vs_fail (err, ENOMEM, "load %s: %s: build a manifest", label, where);
        goto out;
      }
  }
  r = vs_store_blob_put (L->s, mjson, strlen (mjson), NULL, manifest_digest, err);
  if (r < 0)
    goto out;
  r = image_prepare (L, where, &c, config_digest, descs, n, &img, err);
  if (r < 0)
    goto out;
  snprintf (img.manifest, sizeof img.manifest, "%s", manifest_digest);
  img.manifest_type = strdup (VS_MT_OCI_MANIFEST);
  if (img.manifest_type == NULL)
    {
      r = vs_fail (err, ENOMEM, "load %s", label);
      goto out;
    }
  {
    char first[72];
    snprintf (first, sizeof first, "%s", img.id);
    r = pending_add (L, &img, names && names[0] ? names[0] : NULL, err);
    for (size_t k = 1; r == 0 && names && names[k]; k++)
      for (size_t i = 0; i < L->n; i++)
        if (strcmp (L->imgs[i].img.id, first) == 0 && strv_add (&L->imgs[i].names, names[k]) < 0)
          r = vs_fail (err, ENOMEM, "load %s", label);
  }
out:
  vs_image_free (&img);
  vs_image_config_free (&c);
  strv_free (names);
  for (size_t j = 0; descs && j < n; j++)
    free (descs[j].digest);
  return r;
}

static int
load_docker (loader *L, vs_error *err)
{
  _cleanup_free_ char *data = NULL;
  _cleanup_json_ json_t *root = NULL;
  json_error_t jerr;
  size_t len;
  int r = src_read (L->src, "manifest.json", "file", &data, &len, err);

  if (r < 0)
    return r;
  root = json_loadb (data, len, 0, &jerr);
  if (root == NULL)
    return vs_fail (err, 0, "load %s: manifest.json: malformed JSON: %s (line %d)", L->src->label, jerr.text,
                    jerr.line);
  if (!json_is_array (root) || json_array_size (root) == 0)
    return vs_fail (err, 0, "load %s: manifest.json: not a non-empty array of images", L->src->label);
  for (size_t i = 0; i < json_array_size (root); i++)
    if ((r = load_docker_image (L, json_array_get (root, i), i, err)) < 0)
      return r;
  return 0;
}

/* Read a small blob of the layout and check its size and digest. */
static int
oci_read_blob (loader *L, const char *digest, int64_t size, const char *what, char **data, size_t *len,
               vs_error *err)
{
  char name[96], got[72];
  int r;

  if ((r = vs_digest_check (digest, what, err)) < 0)
    return vs_wrap (err, r, "load %s", L->src->label);
  snprintf (name, sizeof name, "blobs/sha256/%s", vs_digest_hex (digest));
  if ((r = src_read (L->src, name, what, data, len, err)) < 0)
    return r;
  vs_sha256_buf (*data, *len, got);
  if (strcmp (got, digest) != 0)
    return vs_fail (err, 0, "load %s: %s %s: blob digest mismatch: its content is %s", L->src->label, what,
                    name, got);
  if (size >= 0 && (int64_t) *len != size)
    return vs_fail (err, 0, "load %s: %s %s: %zu bytes, its descriptor says %lld", L->src->label, what, name,
                    *len, (long long) size);
  return 0;
}

static int
load_oci_image (loader *L, json_t *desc, size_t idx, vs_error *err)
{
  const char *label = L->src->label, *digest = json_str (desc, "digest");
  json_t *ann = json_object_get (desc, "annotations"), *jsize = json_object_get (desc, "size");
  const char *cname = json_str (ann, ANN_CONTAINERD_NAME), *rname = json_str (ann, ANN_REF_NAME);
  _cleanup_free_ char *name = NULL, *data = NULL, *config = NULL;
  char where[64], mdigest[72];
  vs_manifest m = { 0 };
  vs_image_config c = { 0 };
  vs_image img = { 0 };
  const char *kind;
  int64_t size;
  size_t len, config_len;
  int r;

  snprintf (where, sizeof where, "index.json manifests[%zu]", idx);
  if (!json_is_object (desc) || digest == NULL || !json_is_integer (jsize) || json_integer_value (jsize) < 0)
    return vs_fail (err, 0, "load %s: %s: not a descriptor (digest, size)", label, where);
  size = json_integer_value (jsize);
  /* the name: containerd's full one, else ref.name when it is a reference
     (a bare tag like "latest" names no repository: loaded untagged) */
  if (cname || (rname && strpbrk (rname, "/:@")))
    {
      char w[96];
      snprintf (w, sizeof w, "%s: annotation %s", where, cname ? ANN_CONTAINERD_NAME : ANN_REF_NAME);
      if ((r = canonical_name (L, cname ? cname : rname, w, &name, err)) < 0)
        return r;
    }

  snprintf (mdigest, sizeof mdigest, "%s", digest);
  for (int depth = 0;; depth++)
    {
      free (data);
      data = NULL;
      if ((r = oci_read_blob (L, mdigest, size, where, &data, &len, err)) < 0)
        return r;
      kind = vs_manifest_kind (data, len, NULL, err);
      if (kind == NULL)
        return vs_wrap (err, -EINVAL, "load %s: %s %s", label, where, mdigest);
      if (strcmp (kind, VS_MT_OCI_INDEX) != 0 && strcmp (kind, VS_MT_DOCKER_LIST) != 0)
        break;
      vs_index ix = { 0 };
      const vs_descriptor *d;
      if (depth >= 4)
        return vs_fail (err, 0, "load %s: %s: indexes nested too deep", label, where);
      if ((r = vs_index_parse (data, len, &ix, err)) < 0)
        return vs_wrap (err, r, "load %s: %s %s", label, where, mdigest);
      d = vs_index_pick (&ix, vs_platform_default (), err);
      if (d == NULL)
        {
          vs_index_free (&ix);
          return vs_wrap (err, -ENOENT, "load %s: %s %s", label, where, mdigest);
        }
      snprintf (mdigest, sizeof mdigest, "%s", d->digest);
      size = d->size;
      vs_index_free (&ix);
    }
  if ((r = vs_manifest_parse (data, len, &m, err)) < 0)
    return vs_wrap (err, r, "load %s: %s %s", label, where, mdigest);
  r = oci_read_blob (L, m.config.digest, m.config.size, "config", &config, &config_len, err);
  if (r == 0 && (r = vs_image_config_parse (config, config_len, &c, err)) < 0)
    r = vs_wrap (err, r, "load %s: config %s", label, m.config.digest);
  if (r == 0 && c.n_diff_ids != m.n_layers)
    r = vs_fail (err, 0, "load %s: manifest %s lists %zu layers, its config's rootfs.diff_ids %zu", label,
                 mdigest, m.n_layers, c.n_diff_ids);
  for (size_t j = 0; r == 0 && j < m.n_layers; j++)
    {
      const vs_descriptor *d = &m.layers[j];
      _cleanup_close_ int fd = -1;
      char bname[96];
      int64_t have;
      snprintf (bname, sizeof bname, "blobs/sha256/%s", vs_digest_hex (d->digest));
      if ((r = src_open (L->src, bname, "layer", &fd, &have, err)) < 0)
        break;
      if (have != d->size)
        r = vs_fail (err, 0, "load %s: layer %s: %lld bytes, the manifest says %lld", label, bname,
                     (long long) have, (long long) d->size);
      else if ((r = vs_store_blob_put_fd (L->s, fd, d->digest, NULL, NULL, err)) < 0)
        r = vs_wrap (err, r, "load %s: layer %s", label, bname);
    }
  if (r == 0 && (r = vs_store_blob_put (L->s, config, config_len, m.config.digest, NULL, err)) < 0)
    r = vs_wrap (err, r, "load %s: config", label);
  if (r == 0 && (r = vs_store_blob_put (L->s, data, len, mdigest, NULL, err)) < 0)
    r = vs_wrap (err, r, "load %s: manifest", label);
  if (r == 0)
    r = image_prepare (L, where, &c, m.config.digest, m.layers, m.n_layers, &img, err);
  if (r == 0)
    {
      snprintf (img.manifest, sizeof img.manifest, "%s", mdigest);
      img.manifest_type = strdup (kind);
      r = img.manifest_type ? pending_add (L, &img, name, err) : vs_fail (err, ENOMEM, "load %s", label);
    }
  vs_image_free (&img);
  vs_image_config_free (&c);
  vs_manifest_free (&m);
  return r;
}

static int
load_oci (loader *L, vs_error *err)
{
  _cleanup_free_ char *data = NULL;
  _cleanup_json_ json_t *layout = NULL, *index = NULL;
  json_error_t jerr;
  json_t *manifests;
  size_t len;
  int r = src_read (L->src, "oci-layout", "file", &data, &len, err);

  if (r < 0)
    return r;
  layout = json_loadb (data, len, 0, &jerr);
  if (json_str (layout, "imageLayoutVersion") == NULL)
    return vs_fail (err, 0, "load %s: oci-layout: not an OCI layout file (no imageLayoutVersion)",
                    L->src->label);
  free (data);
  data = NULL;
  if ((r = src_read (L->src, "index.json", "file", &data, &len, err)) < 0)
    return r;
  index = json_loadb (data, len, 0, &jerr);
  if (index == NULL)
    return vs_fail (err, 0, "load %s: index.json: malformed JSON: %s (line %d)", L->src->label, jerr.text,
                    jerr.line);
  manifests = json_object_get (index, "manifests");
  if (!json_is_array (manifests) || json_array_size (manifests) == 0)
    return vs_fail (err, 0, "load %s: index.json: no manifests", L->src->label);
  for (size_t i = 0; i < json_array_size (manifests); i++)
    if ((r = load_oci_image (L, json_array_get (manifests, i), i, err)) < 0)
      return r;
  return 0;
}

void
vs_loaded_free (vs_loaded *l, size_t n)
{
  for (size_t i = 0; l && i < n; i++)
    strv_free (l[i].names);
  free (l);
}

int
vs_archive_load (vs_store *s, const char *path, vs_loaded **ret, size_t *n, vs_error *err)
{
  source src = { .label = path ? path : "stdin", .dir_fd = -1 };
  loader L = { .s = s, .src = &src };
  _cleanup_free_ char *stage = NULL;
  vs_loaded *out = NULL;
  struct stat st;
  int r = 0;

  if (path && stat (path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      src.follow = true;
      src.dir_fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (src.dir_fd < 0)
        r = vs_fail (err, errno, "load %s", path);
    }
  else
    {
      /* a tar: extracted under snapshots/.tmp-*, which vs_store_check
         removes should this process die before it does */
      _cleanup_close_ int in = path ? open (path, O_RDONLY | O_CLOEXEC) : dup (0);
      if (in < 0)
        r = vs_fail (err, errno, "load %s", path ? path : "stdin");
      else if (asprintf (&stage, "%s/snapshots/.tmp-load-%d-XXXXXX", vs_store_root (s), (int) getpid ()) < 0)
        r = vs_fail (err, ENOMEM, "load");
      else if (mkdtemp (stage) == NULL)
        {
          r = vs_fail (err, errno, "load: create a temp folder in %s/snapshots", vs_store_root (s));
          free (stage);
          stage = NULL;
        }
      else if ((src.dir_fd = open (stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        r = vs_fail (err, errno, "load: open %s", stage);
      else
        r = stage_extract (&src, in, err);
    }
  if (r == 0)
    {
      if (src_has (&src, "manifest.json"))
        r = load_docker (&L, err);
      else if (src_has (&src, "oci-layout") || src_has (&src, "index.json"))
        r = load_oci (&L, err);
      else
        r = vs_fail (err, 0, "load %s: neither a docker-archive (no manifest.json) nor an OCI layout (no oci-layout)",
                     src.label);
    }
  if (r == 0 && (out = calloc (L.n ? L.n : 1, sizeof *out)) == NULL)
    r = vs_fail (err, ENOMEM, "load");
  /* every blob and snapshot is there: now the images become visible */
  for (size_t i = 0; r == 0 && i < L.n; i++)
    {
      pending *p = &L.imgs[i];
      r = vs_store_image_add (s, &p->img, p->names[0], NULL, NULL, err);
      for (size_t k = 1; r == 0 && p->names[0] && p->names[k]; k++)
        r = vs_store_tag (s, p->img.id, p->names[k], err);
      snprintf (out[i].id, sizeof out[i].id, "%s", p->img.id);
      out[i].names = TAKE_PTR (p->names);
      p->names = NULL;
    }
  source_free (&src);
  if (stage)
    {
      vs_error ignore;
      (void) vs_rm_rf_at (AT_FDCWD, stage, &ignore);
    }
  pending_free (L.imgs, L.n);
  if (r < 0)
    {
      vs_error ignore;
      (void) vs_store_check (s, false, NULL, &ignore);
      vs_loaded_free (out, L.n);
      return r;
    }
  *ret = out;
  *n = L.n;
  return 0;
}

/* ---- import ---- */

/* Split Dockerfile-style arguments: words separated by blanks, "..." and
 * '...' quoting, backslash escapes. */
static int
split_words (const char *s, char ***ret)
{
  char **v = NULL;
  size_t len = strlen (s);
  _cleanup_free_ char *w = malloc (len + 1);

  if (w == NULL)
    return -ENOMEM;
  v = calloc (1, sizeof *v);
  if (v == NULL)
    return -ENOMEM;
  while (*s)
    {
      size_t n = 0;
      char q = 0;
      while (*s == ' ' || *s == '\t')
        s++;
      if (*s == '\0')
        break;
      for (; *s && (q || (*s != ' ' && *s != '\t')); s++)
        {
          if (q && *s == q)
            q = 0;
          else if (!q && (*s == '"' || *s == '\''))
            q = *s;
          else if (*s == '\\' && s[1] && q != '\'')
            w[n++] = *++s;
          else
            w[n++] = *s;
        }
      if (q)
        {
          strv_free (v);
          return -EINVAL;
        }
      w[n] = '\0';
      /* strv_add would drop repeated words: append by hand */
      size_t k = 0;
      while (v[k])
        k++;
      char **nv = realloc (v, (k + 2) * sizeof *nv);
      if (nv == NULL || (nv[k] = strdup (w)) == NULL)
        {
          strv_free (nv ? nv : v);
          return -ENOMEM;
        }
      nv[k + 1] = NULL;
      v = nv;
    }
  *ret = v;
  return 0;
}

/* CMD/ENTRYPOINT/VOLUME: a JSON array of strings, else the shell form. */
static json_t *
exec_form (const char *rest, bool shell)
{
  json_t *j = rest[0] == '[' ? json_loads (rest, 0, NULL) : NULL;
  bool ok = json_is_array (j);
  for (size_t i = 0; ok && i < json_array_size (j); i++)
    ok = json_is_string (json_array_get (j, i));
  if (ok)
    return j;
  json_decref (j);
  if (shell)
    return json_pack ("[s, s, s]", "/bin/sh", "-c", rest);
  return NULL;
}

static json_t *
config_obj (json_t *cfg, const char *key)
{
  json_t *o = json_object_get (cfg, key);
  if (!json_is_object (o))
    json_object_set_new (cfg, key, o = json_object ());
  return o;
}

/* Apply one --change to the config's "config" object. */
static int
apply_change (json_t *cfg, const char *change, vs_error *err)
{
  char shown[100], instr[16] = "";
  const char *rest = change;
  size_t il;
  char **words = NULL;
  int r = 0;

  vs_printable (change, shown, sizeof shown);
  while (*rest == ' ' || *rest == '\t')
    rest++;
  il = strcspn (rest, " \t");
  if (il == 0 || il >= sizeof instr)
    return vs_fail (err, 0, "import: --change `%s`: expected an instruction and its arguments", shown);
  for (size_t i = 0; i < il; i++)
    instr[i] = (char) (rest[i] >= 'a' && rest[i] <= 'z' ? rest[i] - 32 : rest[i]);
  rest += il;
  while (*rest == ' ' || *rest == '\t')
    rest++;
  if (*rest == '\0')
    return vs_fail (err, 0, "import: --change `%s`: %s needs an argument", shown, instr);

  if (strcmp (instr, "CMD") == 0 || strcmp (instr, "ENTRYPOINT") == 0)
    {
      json_object_set_new (cfg, strcmp (instr, "CMD") == 0 ? "Cmd" : "Entrypoint", exec_form (rest, true));
      return 0;
    }
  if (strcmp (instr, "WORKDIR") == 0 || strcmp (instr, "USER") == 0 || strcmp (instr, "STOPSIGNAL") == 0)
    {
      const char *key = instr[0] == 'W' ? "WorkingDir" : instr[0] == 'U' ? "User" : "StopSignal";
      json_object_set_new (cfg, key, json_string (rest));
      return 0;
    }
  if (strcmp (instr, "VOLUME") == 0)
    {
      json_t *arr = exec_form (rest, false), *vols = config_obj (cfg, "Volumes");
      if (arr == NULL)
        {
          if (split_words (rest, &words) < 0)
            return vs_fail (err, 0, "import: --change `%s`: unbalanced quotes", shown);
          for (char **w = words; *w; w++)
            json_object_set_new (vols, *w, json_object ());
          strv_free (words);
          return 0;
        }
      for (size_t i = 0; i < json_array_size (arr); i++)
        json_object_set_new (vols, json_string_value (json_array_get (arr, i)), json_object ());
      json_decref (arr);
      return 0;
    }
  if (strcmp (instr, "ENV") != 0 && strcmp (instr, "LABEL") != 0 && strcmp (instr, "EXPOSE") != 0)
    return vs_fail (err, 0,
                    "import: --change `%s`: unknown instruction %s (supported: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, "
                    "STOPSIGNAL, USER, VOLUME, WORKDIR)",
                    shown, instr);
  if (split_words (rest, &words) < 0)
    return vs_fail (err, 0, "import: --change `%s`: unbalanced quotes", shown);

  if (strcmp (instr, "EXPOSE") == 0)
    {
      json_t *ports = config_obj (cfg, "ExposedPorts");
      for (char **w = words; r == 0 && *w; w++)
        {
          char port[64];
          size_t dl = strspn (*w, "0123456789-");
          const char *proto = (*w)[dl] == '/' ? *w + dl + 1 : "tcp";
          if (dl == 0 || ((*w)[dl] != '\0' && (*w)[dl] != '/')
              || (strcmp (proto, "tcp") != 0 && strcmp (proto, "udp") != 0 && strcmp (proto, "sctp") != 0))
            r = vs_fail (err, 0, "import: --change `%s`: `%s` is not a port (PORT[/tcp|udp|sctp])", shown, *w);
          else
            {
              snprintf (port, sizeof port, "%.*s/%s", (int) dl, *w, proto);
              json_object_set_new (ports, port, json_object ());
            }
        }
    }
  else if (strcmp (instr, "LABEL") == 0)
    {
      json_t *labels = config_obj (cfg, "Labels");
      for (char **w = words; r == 0 && *w; w++)
        {
          char *eq = strchr (*w, '=');
          if (eq == NULL || eq == *w)
            r = vs_fail (err, 0, "import: --change `%s`: `%s` is not KEY=VALUE", shown, *w);
          else
            {
              *eq = '\0';
              json_object_set_new (labels, *w, json_string (eq + 1));
            }
        }
    }
  else /* ENV */
    {
      json_t *env = json_object_get (cfg, "Env");
      _cleanup_free_ char *legacy = NULL;
      char *one[2] = { NULL, NULL };
      char **list = words;
      if (!json_is_array (env))
        json_object_set_new (cfg, "Env", env = json_array ());
      if (words[0] && strchr (words[0], '=') == NULL)
        {
          /* "ENV KEY VALUE..." */
          const char *v = rest + strcspn (rest, " \t");
          while (*v == ' ' || *v == '\t')
            v++;
          if (asprintf (&legacy, "%s=%s", words[0], v) < 0)
            legacy = NULL, r = vs_fail (err, ENOMEM, "import");
          one[0] = legacy;
          list = one;
        }
      for (char **w = list; r == 0 && *w; w++)
        {
          char *eq = strchr (*w, '=');
          size_t kl;
          if (eq == NULL || eq == *w)
            {
              r = vs_fail (err, 0, "import: --change `%s`: `%s` is not KEY=VALUE", shown, *w);
              break;
            }
          kl = (size_t) (eq - *w) + 1;
          for (size_t i = 0; i < json_array_size (env); i++)
            {
              const char *e = json_string_value (json_array_get (env, i));
              if (e && strncmp (e, *w, kl) == 0)
                {
                  json_array_remove (env, i);
                  break;
                }
            }
          json_array_append_new (env, json_string (*w));
        }
    }
  strv_free (words);
  return r;
}

void
vs_rfc3339_now (char *buf, size_t len, time_t *now)
{
  struct timespec ts;
  struct tm tm;
  char base[32];

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf, len, "%s.%09ldZ", base, ts.tv_nsec);
  *now = ts.tv_sec;
}

static int
import_tmpfile (vs_store *s, vs_error *err)
{
  _cleanup_free_ char *dir = NULL;
  int fd;

  if (asprintf (&dir, "%s/images/ingest", vs_store_root (s)) < 0)
    return vs_fail (err, ENOMEM, "import");
  fd = open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL))
    {
      _cleanup_free_ char *tmpl = NULL;
      if (asprintf (&tmpl, "%s/.tmp-import-XXXXXX", dir) < 0)
        return vs_fail (err, ENOMEM, "import");
      fd = mkostemp (tmpl, O_CLOEXEC);
      if (fd >= 0)
        unlink (tmpl);
    }
  if (fd < 0)
    return vs_fail (err, errno, "import: create a temp file in %s", dir);
  return fd;
}

int
vs_archive_import (vs_store *s, int in, const vs_import_opts *o, char id[72], vs_error *err)
{
  const char *plat = vs_platform_default ();
  _cleanup_json_ json_t *cfg = json_object ();
  _cleanup_json_ json_t *config = NULL;
  _cleanup_free_ char *config_txt = NULL, *mjson = NULL, *comment = NULL, *os = NULL;
  _cleanup_close_ int tmp = -1;
  char created[64], diff_id[72], blob[72], config_digest[72], manifest_digest[72];
  const char *arch, *variant;
  vs_image_layer layer = { 0 };
  vs_image img = { 0 };
  int64_t usize = 0;
  time_t now;
  int r;

  if (cfg == NULL)
    return vs_fail (err, ENOMEM, "import");
  for (char *const *c = o->changes; c && *c; c++)
    if ((r = apply_change (cfg, *c, err)) < 0)
      return r;

  /* the layer: the tarball decompressed, stored as it is */
  tmp = import_tmpfile (s, err);
  if (tmp < 0)
    return tmp;
  r = decompress_fd (in, false, "import: read the tarball", write_fd_fn, &tmp, diff_id, NULL, err);
  if (r < 0)
    return r;
  if (lseek (tmp, 0, SEEK_SET) < 0)
    return vs_fail (err, errno, "import: rewind temp file");
  r = vs_store_blob_put_fd (s, tmp, diff_id, blob, &layer.blob_size, err);
  if (r < 0)
    goto fail;

  /* the config */
  vs_rfc3339_now (created, sizeof created, &now);
  os = strndup (plat, strcspn (plat, "/"));
  arch = plat + strcspn (plat, "/") + (plat[strcspn (plat, "/")] ? 1 : 0);
  variant = strchr (arch, '/');
  if (os == NULL || asprintf (&comment, "%s", o->message ? o->message : "") < 0)
    {
      r = vs_fail (err, ENOMEM, "import");
      goto fail;
    }
  if (o->message == NULL)
    {
      free (comment);
      if (asprintf (&comment, "Imported from %s", o->source ? o->source : "-") < 0)
        comment = NULL;
    }
  {
    _cleanup_free_ char *a = variant ? strndup (arch, (size_t) (variant - arch)) : strdup (arch);
    config = json_pack ("{s:s, s:s, s:s, s:O, s:{s:s, s:[s]}, s:[{s:s, s:s, s:s}]}", "created", created,
                        "architecture", a ? a : "", "os", os, "config", cfg, "rootfs", "type", "layers", "diff_ids",
                        diff_id, "history", "created", created, "created_by", "vessel import", "comment",
                        comment ? comment : "");
    if (config && variant)
      json_object_set_new (config, "variant", json_string (variant + 1));
  }
  if (config == NULL || (config_txt = json_dumps (config, JSON_COMPACT)) == NULL)
    {
      r = vs_fail (err, ENOMEM, "import: build the image config");
      goto fail;
    }
  r = vs_store_blob_put (s, config_txt, strlen (config_txt), NULL, config_digest, err);
  if (r < 0)
    goto fail;
  {
    vs_descriptor ld = { .media_type = (char *) VS_MT_OCI_LAYER, .digest = blob, .size = layer.blob_size };
    vs_manifest m = { .media_type = (char *) VS_MT_OCI_MANIFEST,
                      .config = { .media_type = (char *) VS_MT_OCI_CONFIG, .digest = config_digest,
                                  .size = (int64_t) strlen (config_txt) },
                      .layers = &ld, .n_layers = 1 };
    mjson = vs_manifest_build (&m);
  }
  if (mjson == NULL)
    {
      r = vs_fail (err, ENOMEM, "import: build the manifest");
      goto fail;
    }
  r = vs_store_blob_put (s, mjson, strlen (mjson), NULL, manifest_digest, err);
  if (r < 0)
    goto fail;

  /* the snapshot (it checks the tarball is one), then the image */
  r = vs_store_snapshot_make (s, diff_id, blob, diff_id, &usize, err);
  if (r < 0)
    {
      r = vs_wrap (err, r, "import");
      goto fail;
    }
  if (usize < 0)
    usize = snapshot_bytes (s, diff_id);
  snprintf (layer.blob, sizeof layer.blob, "%s", blob);
  snprintf (layer.diff_id, sizeof layer.diff_id, "%s", diff_id);
  snprintf (layer.chain_id, sizeof layer.chain_id, "%s", diff_id);
  layer.media_type = (char *) VS_MT_OCI_LAYER;
  layer.size = usize;
  snprintf (img.id, sizeof img.id, "%s", config_digest);
  snprintf (img.manifest, sizeof img.manifest, "%s", manifest_digest);
  img.manifest_type = (char *) VS_MT_OCI_MANIFEST;
  img.created = now;
  img.size = usize;
  img.layers = &layer;
  img.n_layers = 1;
  r = vs_store_image_add (s, &img, o->name, NULL, NULL, err);
  if (r < 0)
    goto fail;
  snprintf (id, 72, "%s", config_digest);
  return 0;

fail:
  {
    vs_error ignore;
    (void) vs_store_check (s, false, NULL, &ignore);
  }
  return r;
}

/* Exported for `vessel commit -c`: the same Dockerfile instructions as
 * import's --change, applied to an image config's "config" object. */
int
vs_archive_apply_change (json_t *config, const char *change, vs_error *err)
{
  return apply_change (config, change, err);
}
