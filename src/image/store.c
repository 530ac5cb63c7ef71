/* store.c — blobs, snapshots and image metadata under <root> (see store.h). */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "db.h"
#include "digest.h"
#include "reference.h"
#include "unpack.h"

struct vs_store
{
  char *root;
  int lock_fd;
  int blobs_fd;      /* images/blobs/sha256 */
  int ingest_fd;     /* images/ingest */
  int snap_fd;       /* snapshots */
  sqlite3 *db;
  vs_image_in_use_fn in_use;
  void *in_use_user;
};

static const char schema[] =
  "CREATE TABLE IF NOT EXISTS images ("
  "  id TEXT PRIMARY KEY, manifest TEXT NOT NULL, manifest_type TEXT NOT NULL,"
  "  created INTEGER NOT NULL, size INTEGER NOT NULL, added INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS names ("
  "  name TEXT PRIMARY KEY, image TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE);"
  "CREATE TABLE IF NOT EXISTS repo_digests ("
  "  ref TEXT NOT NULL, image TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
  "  PRIMARY KEY (ref, image));"
  "CREATE TABLE IF NOT EXISTS layers ("
  "  image TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE, idx INTEGER NOT NULL,"
  "  blob TEXT NOT NULL, diff_id TEXT NOT NULL, chain_id TEXT NOT NULL, media_type TEXT NOT NULL,"
  "  blob_size INTEGER NOT NULL, size INTEGER NOT NULL, PRIMARY KEY (image, idx));"
  "CREATE INDEX IF NOT EXISTS layers_chain ON layers(chain_id);"
  "CREATE TABLE IF NOT EXISTS blobs ("
  "  image TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE, digest TEXT NOT NULL,"
  "  PRIMARY KEY (image, digest));";

static int
db_fail (vs_store *s, vs_error *err, const char *what)
{
  return vs_fail (err, 0, "image database %s/vessel.db: %s: %s", s->root, what, sqlite3_errmsg (s->db));
}

/* "no such image: X", without strerror's words after it. */
static int
no_such_image (vs_error *err, const char *what)
{
  vs_fail (err, 0, "no such image: %s", what);
  err->code = ENOENT;
  return -ENOENT;
}

static int
db_exec (vs_store *s, const char *sql, vs_error *err)
{
  char *msg = NULL;
  if (sqlite3_exec (s->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      vs_fail (err, 0, "image database %s/vessel.db: %s", s->root, msg ? msg : sqlite3_errmsg (s->db));
      sqlite3_free (msg);
      return -EIO;
    }
  return 0;
}

/* Prepare sql and bind the text arguments (NULL-terminated list). */
#define db_prepare(s, st, err, ...) vs_db_prepare ((s)->db, "image database", (st), (err), __VA_ARGS__)
/* pages in the WAL before a write checkpoints it (SQLite: 1000) */
#define WAL_CHECKPOINT_PAGES "64"

static int
open_dir_p (const char *root, const char *sub, int *ret, vs_error *err)
{
  _cleanup_free_ char *p = NULL;
  int r;
  if (asprintf (&p, "%s/%s", root, sub) < 0)
    return vs_fail (err, ENOMEM, "image store");
  r = vs_mkdir_p (p, 0700, err);
  if (r < 0)
    return r;
  *ret = open (p, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (*ret < 0)
    return vs_fail (err, errno, "open image store folder `%s`", p);
  return 0;
}

/* The WAL never restarts on its own here: every process opens the database
   alone, so it recovers the WAL index by reading every frame (which also
   forgets what was checkpointed), and a restart needs a write that begins
   after a complete checkpoint.  So the WAL grew by each run's frames and
   every open read all of it (4,000 reads after 1,000 `run -d`).  Whoever
   leaves it over the checkpoint size truncates it, unless another
   connection is busy with it (then a later one will). */
static void
truncate_wal (vs_store *s)
{
  struct stat st;
  char wal[PATH_MAX];
  snprintf (wal, sizeof wal, "%s/vessel.db-wal", s->root);
  if (stat (wal, &st) < 0 || st.st_size <= (off_t) atoi (WAL_CHECKPOINT_PAGES) * 4096)
    return;
  sqlite3_busy_timeout (s->db, 0);
  sqlite3_wal_checkpoint_v2 (s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

void
vs_store_close (vs_store *s)
{
  if (s == NULL)
    return;
  if (s->db)
    {
      truncate_wal (s);
      sqlite3_close (s->db);
    }
  closep (&s->blobs_fd);
  closep (&s->ingest_fd);
  closep (&s->snap_fd);
  closep (&s->lock_fd); /* drops the flock */
  free (s->root);
  free (s);
}

int
vs_store_open (const char *root, bool exclusive, vs_store **ret, vs_error *err)
{
  _cleanup_store_ vs_store *s = calloc (1, sizeof *s);
  _cleanup_free_ char *p = NULL;
  int r;

  if (s == NULL)
    return vs_fail (err, ENOMEM, "image store");
  s->lock_fd = s->blobs_fd = s->ingest_fd = s->snap_fd = -1;
  s->root = strdup (root);
  if (s->root == NULL)
    return vs_fail (err, ENOMEM, "image store");
  /* its folders (logs/, containers/, snapshots/) each in a block group of
     their own choosing, not in the parent's: a log file per container must
     not meet the inodes other programs just freed there (vs_mkdir_top) */
  r = vs_mkdir_top (root, 0700, err);
  if (r < 0)
    return r;
  if (asprintf (&p, "%s/store.lock", root) < 0)
    return vs_fail (err, ENOMEM, "image store");
  s->lock_fd = open (p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (s->lock_fd < 0)
    return vs_fail (err, errno, "open store lock `%s`", p);
  while (flock (s->lock_fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
    if (errno != EINTR)
      return vs_fail (err, errno, "lock image store `%s`", root);

  if ((r = open_dir_p (root, "images/blobs/sha256", &s->blobs_fd, err)) < 0
      || (r = open_dir_p (root, "images/ingest", &s->ingest_fd, err)) < 0
      || (r = open_dir_p (root, "snapshots", &s->snap_fd, err)) < 0)
    return r;
  if (exclusive) /* the root exists: made above */
    {
      static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
      free (p);
      p = NULL;
      if (asprintf (&p, "%s/images/oci-layout", root) < 0)
        return vs_fail (err, ENOMEM, "image store");
      if (access (p, F_OK) < 0)
        {
          r = vs_write_file_atomic_at (AT_FDCWD, p, layout, sizeof layout - 1, 0644, err);
          if (r < 0)
            return r;
        }
    }

  free (p);
  p = NULL;
  if (asprintf (&p, "%s/vessel.db", root) < 0)
    return vs_fail (err, ENOMEM, "image store");
  if (sqlite3_open_v2 (p, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    return vs_fail (err, 0, "open image database `%s`: %s", p, s->db ? sqlite3_errmsg (s->db) : "out of memory");
  sqlite3_busy_timeout (s->db, 10000);
  /* Short-lived processes open and close the database all the time: the
     last one out must not checkpoint (and fsync) every time.  But each
     process that opens it alone rebuilds the WAL index by reading every
     frame, so automatic checkpoints during writes keep the WAL short. */
  sqlite3_db_config (s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  if ((r = db_exec (s,
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                    " PRAGMA wal_autocheckpoint=" WAL_CHECKPOINT_PAGES ";",
                    err)) < 0)
    return r;
  {
    char what[PATH_MAX + 32];
    snprintf (what, sizeof what, "image database %s/vessel.db", root);
    if ((r = vs_db_ensure_schema (s->db, what, 1, schema, err)) < 0)
      return r;
  }
  *ret = TAKE_PTR (s);
  return 0;
}

const char *
vs_store_root (const vs_store *s)
{
  return s->root;
}

void
vs_store_unlock (vs_store *s)
{
  if (s->lock_fd >= 0)
    flock (s->lock_fd, LOCK_UN);
}

sqlite3 *
vs_store_db (vs_store *s)
{
  return s->db;
}

/* ---- blobs ---- */

bool
vs_store_blob_exists (vs_store *s, const char *digest)
{
  return vs_digest_valid (digest) && faccessat (s->blobs_fd, vs_digest_hex (digest), F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

char *
vs_store_blob_path (vs_store *s, const char *digest)
{
  char *p = NULL;
  if (asprintf (&p, "%s/images/blobs/sha256/%s", s->root, vs_digest_hex (digest)) < 0)
    return NULL;
  return p;
}

int
vs_store_blob_open (vs_store *s, const char *digest, int *ret_fd, int64_t *ret_size, vs_error *err)
{
  struct stat st;
  int fd;

  if (!vs_digest_valid (digest))
    return vs_fail (err, 0, "blob `%s`: not a sha256 digest", digest);
  fd = openat (s->blobs_fd, vs_digest_hex (digest), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return vs_fail (err, errno, "blob %s", digest);
  if (ret_size)
    {
      if (fstat (fd, &st) < 0)
        {
          int e = errno;
          close (fd);
          return vs_fail (err, e, "blob %s", digest);
        }
      *ret_size = st.st_size;
    }
  *ret_fd = fd;
  return 0;
}

int
vs_store_blob_read (vs_store *s, const char *digest, size_t max, char **data, size_t *len, vs_error *err)
{
  _cleanup_close_ int fd = -1;
  int64_t size;
  int r = vs_store_blob_open (s, digest, &fd, &size, err);
  char *buf;
  size_t got = 0;

  if (r < 0)
    return r;
  if ((uint64_t) size > max)
    return vs_fail (err, EFBIG, "blob %s: %lld bytes, more than the %zu allowed", digest, (long long) size, max);
  buf = malloc ((size_t) size + 1);
  if (buf == NULL)
    return vs_fail (err, ENOMEM, "blob %s", digest);
  while (got < (size_t) size)
    {
      ssize_t n = read (fd, buf + got, (size_t) size - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          free (buf);
          return vs_fail (err, n < 0 ? errno : EIO, "read blob %s", digest);
        }
      got += (size_t) n;
    }
  buf[got] = '\0';
  *data = buf;
  *len = got;
  return 0;
}

/* Make the named file in ingest/ a blob: fsync, rename, fsync the folder. */
static int
publish (vs_store *s, int fd, const char *tmpname, const char *digest, vs_error *err)
{
  if (fsync (fd) < 0)
    return vs_fail (err, errno, "fsync blob %s", digest);
  if (fchmod (fd, 0644) < 0)
    return vs_fail (err, errno, "chmod blob %s", digest);
  if (renameat (s->ingest_fd, tmpname, s->blobs_fd, vs_digest_hex (digest)) < 0)
    return vs_fail (err, errno, "store blob %s", digest);
  if (fsync (s->blobs_fd) < 0)
    return vs_fail (err, errno, "fsync blob folder for %s", digest);
  return 0;
}

/* A fresh temp file in ingest/ named .tmp-XXXXXX. */
static int
ingest_tmp (vs_store *s, char name[32], vs_error *err)
{
  for (int i = 0; i < 100; i++)
    {
      int fd;
      snprintf (name, 32, ".tmp-%d-%08x", (int) getpid (), (unsigned) random ());
      fd = openat (s->ingest_fd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (fd >= 0)
        return fd;
      if (errno != EEXIST)
        return vs_fail (err, errno, "create a temp blob in %s/images/ingest", s->root);
    }
  return vs_fail (err, EEXIST, "create a temp blob in %s/images/ingest", s->root);
}

int
vs_store_blob_put (vs_store *s, const void *data, size_t len, const char *expect, char out[72], vs_error *err)
{
  char digest[VS_DIGEST_LEN + 1], name[32];
  _cleanup_close_ int fd = -1;
  int r;

  vs_sha256_buf (data, len, digest);
  if (expect && strcmp (expect, digest) != 0)
    return vs_fail (err, 0, "blob digest mismatch: expected %s, content is %s", expect, digest);
  if (out)
    memcpy (out, digest, sizeof digest);
  if (vs_store_blob_exists (s, digest))
    return 0;
  fd = ingest_tmp (s, name, err);
  if (fd < 0)
    return fd;
  r = vs_write_all (fd, data, len);
  if (r < 0)
    r = vs_fail (err, -r, "write blob %s", digest);
  else
    r = publish (s, fd, name, digest, err);
  if (r < 0)
    unlinkat (s->ingest_fd, name, 0);
  return r;
}

/* Hash fd from its start; size in *size. */
static int
hash_fd (int fd, char out[VS_DIGEST_LEN + 1], int64_t *size, const char *what, vs_error *err)
{
  vs_sha256 *h = vs_sha256_new ();
  _cleanup_free_ char *buf = malloc (1 << 20);
  int64_t total = 0;
  off_t off = 0;

  if (h == NULL || buf == NULL)
    {
      vs_sha256_free (h);
      return vs_fail (err, ENOMEM, "hash %s", what);
    }
  for (;;)
    {
      ssize_t n = pread (fd, buf, 1 << 20, off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          vs_sha256_free (h);
          return vs_fail (err, e, "read %s", what);
        }
      if (n == 0)
        break;
      vs_sha256_update (h, buf, (size_t) n);
      off += n;
      total += n;
    }
  vs_sha256_final (h, out);
  if (size)
    *size = total;
  return 0;
}

int
vs_store_ingest_open (vs_store *s, const char *digest, int *ret_fd, int64_t *have, vs_error *err)
{
  struct stat st;
  int fd;

  if (!vs_digest_valid (digest))
    return vs_fail (err, 0, "blob `%s`: not a sha256 digest", digest);
  fd = openat (s->ingest_fd, vs_digest_hex (digest), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return vs_fail (err, errno, "open download file for blob %s", digest);
  if (fstat (fd, &st) < 0)
    {
      int e = errno;
      close (fd);
      return vs_fail (err, e, "download file for blob %s", digest);
    }
  *have = st.st_size;
  *ret_fd = fd;
  return 0;
}

int
vs_store_ingest_commit (vs_store *s, const char *digest, int fd, vs_error *err)
{
  char got[VS_DIGEST_LEN + 1];
  int r = hash_fd (fd, got, NULL, digest, err);
  if (r < 0)
    return r;
  if (strcmp (got, digest) != 0)
    {
      unlinkat (s->ingest_fd, vs_digest_hex (digest), 0);
      return vs_fail (err, 0, "blob digest mismatch: expected %s, downloaded content is %s", digest, got);
    }
  return publish (s, fd, vs_digest_hex (digest), digest, err);
}

int
vs_store_blob_put_fd (vs_store *s, int in, const char *expect, char out[72], int64_t *size, vs_error *err)
{
  char digest[VS_DIGEST_LEN + 1], name[32];
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *buf = malloc (1 << 20);
  vs_sha256 *h = vs_sha256_new ();
  int64_t total = 0;
  int r = 0;

  if (h == NULL || buf == NULL)
    {
      vs_sha256_free (h);
      return vs_fail (err, ENOMEM, "store blob");
    }
  fd = ingest_tmp (s, name, err);
  if (fd < 0)
    {
      vs_sha256_free (h);
      return fd;
    }
  for (;;)
    {
      ssize_t n = read (in, buf, 1 << 20);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          r = vs_fail (err, errno, "read blob content");
          break;
        }
      if (n == 0)
        break;
      vs_sha256_update (h, buf, (size_t) n);
      total += n;
      r = vs_write_all (fd, buf, (size_t) n);
      if (r < 0)
        {
          r = vs_fail (err, -r, "write blob into %s/images/ingest", s->root);
          break;
        }
    }
  if (r < 0)
    {
      vs_sha256_free (h);
      unlinkat (s->ingest_fd, name, 0);
      return r;
    }
  vs_sha256_final (h, digest);
  if (expect && strcmp (expect, digest) != 0)
    r = vs_fail (err, 0, "blob digest mismatch: expected %s, content is %s", expect, digest);
  else if (vs_store_blob_exists (s, digest))
    r = 0, unlinkat (s->ingest_fd, name, 0);
  else
    r = publish (s, fd, name, digest, err);
  if (r < 0)
    unlinkat (s->ingest_fd, name, 0);
  if (r == 0)
    {
      if (out)
        memcpy (out, digest, sizeof digest);
      if (size)
        *size = total;
    }
  return r;
}

/* ---- snapshots ---- */

bool
vs_store_snapshot_exists (vs_store *s, const char *chain_id)
{
  return vs_digest_valid (chain_id) && faccessat (s->snap_fd, vs_digest_hex (chain_id), F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

char *
vs_store_snapshot_path (vs_store *s, const char *chain_id)
{
  char *p = NULL;
  if (asprintf (&p, "%s/snapshots/%s", s->root, vs_digest_hex (chain_id)) < 0)
    return NULL;
  return p;
}

/* Remove snapshots/<name> so that it never looks complete half-way:
 * rename it to a temp name first. */
static int
snapshot_remove (vs_store *s, const char *name, vs_error *err)
{
  char tmp[128];
  if (name[0] != '.')
    {
      snprintf (tmp, sizeof tmp, ".tmp-del-%d-%.100s", (int) getpid (), name);
      if (renameat (s->snap_fd, name, s->snap_fd, tmp) < 0)
        return errno == ENOENT ? 0 : vs_fail (err, errno, "remove snapshot %s", name);
      name = tmp;
    }
  return vs_rm_rf_at (s->snap_fd, name, err);
}

/* Unpack into snapshots/.tmp-<pid>-<hex> and rename when complete. */
static int
snapshot_make (vs_store *s, const char *chain_id, const char *blob, const char *diff_id, int in,
               vs_unpack_read_fn read_fn, void *user, int64_t *size, vs_error *err)
{
  char tmp[128], got[72];
  _cleanup_close_ int dir = -1;
  vs_unpack_opts opts = {
    .read = read_fn, .read_user = user, .rootless = geteuid () != 0, .apply_whiteouts = true,
  };
  vs_unpack_stats stats = { 0 };
  int r;

  snprintf (tmp, sizeof tmp, ".tmp-%d-%.40s", (int) getpid (), vs_digest_hex (chain_id));
  (void) vs_rm_rf_at (s->snap_fd, tmp, err);
  if (mkdirat (s->snap_fd, tmp, 0755) < 0)
    return vs_fail (err, errno, "create snapshot for layer %s", blob);
  dir = openat (s->snap_fd, tmp, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (dir < 0)
    r = vs_fail (err, errno, "open snapshot for layer %s", blob);
  else
    r = vs_unpack_layer (in, dir, &opts, got, &stats, err);
  if (r < 0)
    r = vs_wrap (err, r, "unpack layer %s", blob);
  else if (strcmp (got, diff_id) != 0)
    r = vs_fail (err, 0, "layer %s: its content is %s, the image config says %s", blob, got, diff_id);
  /* No syncfs: a snapshot is rebuilt from its fsynced blob, and kill -9
     cannot lose what the page cache holds.  A power loss can, as with
     containerd and podman, which do not sync unpacked layers either; rmi
     and pull again is the remedy.  Syncing costs a tenth of a pull. */
  else if (renameat (s->snap_fd, tmp, s->snap_fd, vs_digest_hex (chain_id)) < 0)
    r = vs_fail (err, errno, "store snapshot of layer %s", blob);
  else if (fsync (s->snap_fd) < 0)
    r = vs_fail (err, errno, "sync the snapshot folder for layer %s", blob);
  if (r < 0)
    {
      vs_error ignore;
      (void) vs_rm_rf_at (s->snap_fd, tmp, &ignore);
      return r;
    }
  if (size)
    *size = (int64_t) stats.bytes;
  return 0;
}

int
vs_store_snapshot_make (vs_store *s, const char *chain_id, const char *blob, const char *diff_id, int64_t *size,
                        vs_error *err)
{
  _cleanup_close_ int in = -1;
  int r;

  if (vs_store_snapshot_exists (s, chain_id))
    {
      if (size)
        *size = -1;
      return 0;
    }
  r = vs_store_blob_open (s, blob, &in, NULL, err);
  if (r < 0)
    return r;
  return snapshot_make (s, chain_id, blob, diff_id, in, NULL, NULL, size, err);
}

int
vs_store_snapshot_make_stream (vs_store *s, const char *chain_id, const char *blob, const char *diff_id, int fd,
                               vs_unpack_read_fn read_fn, void *user, int64_t *size, vs_error *err)
{
  if (vs_store_snapshot_exists (s, chain_id))
    {
      if (size)
        *size = -1;
      return 0;
    }
  return snapshot_make (s, chain_id, blob, diff_id, fd, read_fn, user, size, err);
}

void
vs_store_snapshot_drop_unused (vs_store *s, const char *chain_id)
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL;
  vs_error ignore;
  if (!vs_digest_valid (chain_id)
      || db_prepare (s, &st, &ignore, "SELECT 1 FROM layers WHERE chain_id = ? LIMIT 1", chain_id, NULL) < 0
      || sqlite3_step (st) != SQLITE_DONE)
    return;
  (void) snapshot_remove (s, vs_digest_hex (chain_id), &ignore);
}

int64_t
vs_store_layer_size (vs_store *s, const char *chain_id)
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL;
  vs_error ignore;
  if (db_prepare (s, &st, &ignore, "SELECT size FROM layers WHERE chain_id = ? AND size >= 0 LIMIT 1", chain_id, NULL) < 0)
    return -1;
  return sqlite3_step (st) == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : -1;
}

/* ---- images ---- */

void
vs_image_free (vs_image *img)
{
  if (img == NULL)
    return;
  free (img->manifest_type);
  for (char **p = img->names; p && *p; p++)
    free (*p);
  free (img->names);
  for (char **p = img->repo_digests; p && *p; p++)
    free (*p);
  free (img->repo_digests);
  for (size_t i = 0; i < img->n_layers; i++)
    free (img->layers[i].media_type);
  free (img->layers);
  memset (img, 0, sizeof *img);
}

void
vs_images_free (vs_image *imgs, size_t n)
{
  for (size_t i = 0; i < n; i++)
    vs_image_free (&imgs[i]);
  free (imgs);
}

static int
db_step_done (vs_store *s, sqlite3_stmt *st, vs_error *err)
{
  int rc = sqlite3_step (st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return db_fail (s, err, "write");
  return 0;
}

int
vs_store_image_add (vs_store *s, const vs_image *img, const char *name, const char *repo_digest,
                    const char *extra_blob, vs_error *err)
{
  char created[32], size[32], added[32];
  int r;

  snprintf (created, sizeof created, "%lld", (long long) img->created);
  snprintf (size, sizeof size, "%lld", (long long) img->size);
  snprintf (added, sizeof added, "%lld", (long long) time (NULL));
  if ((r = db_exec (s, "BEGIN IMMEDIATE", err)) < 0)
    return r;
  {
    _cleanup_stmt_ sqlite3_stmt *st = NULL;
    r = db_prepare (s, &st, err,
                    "INSERT INTO images (id, manifest, manifest_type, created, size, added) VALUES (?,?,?,?,?,?)"
                    " ON CONFLICT(id) DO UPDATE SET manifest=excluded.manifest, manifest_type=excluded.manifest_type,"
                    " size=excluded.size",
                    img->id, img->manifest, img->manifest_type, created, size, added, NULL);
    if (r == 0)
      r = db_step_done (s, st, err);
  }
  if (r == 0)
    {
      _cleanup_stmt_ sqlite3_stmt *st = NULL;
      r = db_prepare (s, &st, err, "DELETE FROM layers WHERE image = ?", img->id, NULL);
      if (r == 0)
        r = db_step_done (s, st, err);
    }
  for (size_t i = 0; r == 0 && i < img->n_layers; i++)
    {
      _cleanup_stmt_ sqlite3_stmt *st = NULL;
      const vs_image_layer *l = &img->layers[i];
      char idx[16], bs[32], us[32];
      snprintf (idx, sizeof idx, "%zu", i);
      snprintf (bs, sizeof bs, "%lld", (long long) l->blob_size);
      snprintf (us, sizeof us, "%lld", (long long) l->size);
      r = db_prepare (s, &st, err,
                      "INSERT INTO layers (image, idx, blob, diff_id, chain_id, media_type, blob_size, size)"
                      " VALUES (?,?,?,?,?,?,?,?)",
                      img->id, idx, l->blob, l->diff_id, l->chain_id, l->media_type, bs, us, NULL);
      if (r == 0)
        r = db_step_done (s, st, err);
    }
  const char *keep[] = { img->id, img->manifest, extra_blob };
  for (size_t i = 0; r == 0 && i < ARRAY_SIZE (keep); i++)
    {
      _cleanup_stmt_ sqlite3_stmt *st = NULL;
      if (keep[i] == NULL)
        continue;
      r = db_prepare (s, &st, err, "INSERT OR IGNORE INTO blobs (image, digest) VALUES (?,?)", img->id, keep[i], NULL);
      if (r == 0)
        r = db_step_done (s, st, err);
    }
  if (r == 0 && name)
    {
      _cleanup_stmt_ sqlite3_stmt *st = NULL;
      r = db_prepare (s, &st, err, "INSERT OR REPLACE INTO names (name, image) VALUES (?,?)", name, img->id, NULL);
      if (r == 0)
        r = db_step_done (s, st, err);
    }
  if (r == 0 && repo_digest)
    {
      _cleanup_stmt_ sqlite3_stmt *st = NULL;
      r = db_prepare (s, &st, err, "INSERT OR IGNORE INTO repo_digests (ref, image) VALUES (?,?)", repo_digest,
                      img->id, NULL);
      if (r == 0)
        r = db_step_done (s, st, err);
    }
  if (r == 0)
    r = db_exec (s, "COMMIT", err);
  if (r < 0)
    sqlite3_exec (s->db, "ROLLBACK", NULL, NULL, NULL);
  return r;
}

static int
strv_from_query (vs_store *s, const char *sql, const char *id, char ***ret, vs_error *err)
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL;
  char **v = calloc (1, sizeof *v);
  size_t n = 0;
  int rc, r;

  if (v == NULL)
    return vs_fail (err, ENOMEM, "image %s", id);
  r = db_prepare (s, &st, err, sql, id, NULL);
  while (r == 0 && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      char **nv = realloc (v, (n + 2) * sizeof *v);
      if (nv == NULL)
        {
          r = vs_fail (err, ENOMEM, "image %s", id);
          break;
        }
      v = nv;
      v[n] = strdup ((const char *) sqlite3_column_text (st, 0));
      if (v[n] == NULL)
        {
          r = vs_fail (err, ENOMEM, "image %s", id);
          break;
        }
      v[++n] = NULL;
    }
  if (r == 0 && rc != SQLITE_DONE)
    r = db_fail (s, err, "read");
  if (r < 0)
    {
      for (size_t i = 0; i < n; i++)
        free (v[i]);
      free (v);
      return r;
    }
  *ret = v;
  return 0;
}

static void
copy_digest (char dst[72], const unsigned char *src)
{
  snprintf (dst, 72, "%s", src ? (const char *) src : "");
}

/* Fill img from its images row (id given) and the other tables. */
static int
image_load (vs_store *s, const char *id, vs_image *img, vs_error *err)
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL;
  int r;

  memset (img, 0, sizeof *img);
  r = db_prepare (s, &st, err, "SELECT id, manifest, manifest_type, created, size FROM images WHERE id = ?", id, NULL);
  if (r < 0)
    return r;
  if (sqlite3_step (st) != SQLITE_ROW)
    return no_such_image (err, id);
  copy_digest (img->id, sqlite3_column_text (st, 0));
  copy_digest (img->manifest, sqlite3_column_text (st, 1));
  img->manifest_type = strdup ((const char *) sqlite3_column_text (st, 2));
  img->created = sqlite3_column_int64 (st, 3);
  img->size = sqlite3_column_int64 (st, 4);
  if (img->manifest_type == NULL)
    return vs_fail (err, ENOMEM, "image %s", id);

  r = strv_from_query (s, "SELECT name FROM names WHERE image = ? ORDER BY name", id, &img->names, err);
  if (r == 0)
    r = strv_from_query (s, "SELECT ref FROM repo_digests WHERE image = ? ORDER BY ref", id, &img->repo_digests, err);
  if (r == 0)
    {
      _cleanup_stmt_ sqlite3_stmt *ls = NULL;
      r = db_prepare (s, &ls, err,
                      "SELECT blob, diff_id, chain_id, media_type, blob_size, size FROM layers WHERE image = ?"
                      " ORDER BY idx",
                      id, NULL);
      int rc;
      while (r == 0 && (rc = sqlite3_step (ls)) == SQLITE_ROW)
        {
          vs_image_layer *nl = realloc (img->layers, (img->n_layers + 1) * sizeof *nl);
          if (nl == NULL)
            {
              r = vs_fail (err, ENOMEM, "image %s", id);
              break;
            }
          img->layers = nl;
          vs_image_layer *l = &nl[img->n_layers++];
          memset (l, 0, sizeof *l);
          copy_digest (l->blob, sqlite3_column_text (ls, 0));
          copy_digest (l->diff_id, sqlite3_column_text (ls, 1));
          copy_digest (l->chain_id, sqlite3_column_text (ls, 2));
          l->media_type = strdup ((const char *) sqlite3_column_text (ls, 3));
          l->blob_size = sqlite3_column_int64 (ls, 4);
          l->size = sqlite3_column_int64 (ls, 5);
          if (l->media_type == NULL)
            r = vs_fail (err, ENOMEM, "image %s", id);
        }
      if (r == 0 && rc != SQLITE_DONE)
        r = db_fail (s, err, "read layers");
    }
  if (r < 0)
    vs_image_free (img);
  return r;
}

/* The id for a single-row query, or -ENOENT. */
static int
lookup_one (vs_store *s, const char *sql, const char *arg, char id[72], vs_error *err)
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL;
  int r = db_prepare (s, &st, err, sql, arg, NULL);
  if (r < 0)
    return r;
  if (sqlite3_step (st) != SQLITE_ROW)
    return -ENOENT;
  copy_digest (id, sqlite3_column_text (st, 0));
  if (sqlite3_step (st) == SQLITE_ROW)
    return -EEXIST;
  return 0;
}

int
vs_store_image_get (vs_store *s, const char *what, vs_image *img, vs_error *err)
{
  char id[72] = "", pattern[80];
  bool hex = vs_ref_is_id_prefix (what);
  int r = -ENOENT;

  memset (img, 0, sizeof *img);
  if (strncmp (what, "sha256:", 7) == 0 || (hex && strlen (what) == 64))
    {
      snprintf (pattern, sizeof pattern, "%s%s%%", strncmp (what, "sha256:", 7) == 0 ? "" : "sha256:", what);
      if (strspn (pattern + 7, "0123456789abcdef") + 1 == strlen (pattern + 7))
        r = lookup_one (s, "SELECT id FROM images WHERE id LIKE ?", pattern, id, err);
    }
  if (r == -ENOENT)
    {
      vs_ref ref = { 0 };
      vs_error ignore;
      if (vs_ref_parse (what, &ref, &ignore) == 0)
        {
          _cleanup_free_ char *repo = vs_ref_repo_name (&ref);
          _cleanup_free_ char *name = NULL;
          if (ref.tag && (name = vs_ref_name (&ref)) != NULL)
            {
              /* "name:tag@digest": the digest decides */
              if (ref.digest == NULL)
                r = lookup_one (s, "SELECT image FROM names WHERE name = ?", name, id, err);
            }
          if (ref.digest && repo)
            {
              _cleanup_free_ char *rd = NULL;
              if (asprintf (&rd, "%s@%s", repo, ref.digest) > 0)
                r = lookup_one (s, "SELECT image FROM repo_digests WHERE ref = ?", rd, id, err);
              if (r == -ENOENT)
                {
                  /* the manifest or config digest of an image of that repository */
                  _cleanup_stmt_ sqlite3_stmt *st = NULL;
                  _cleanup_free_ char *tagp = NULL, *digp = NULL;
                  if (asprintf (&tagp, "%s:", repo) > 0 && asprintf (&digp, "%s@", repo) > 0
                      && db_prepare (s, &st, err,
                                     "SELECT id FROM images WHERE (manifest = ?1 OR id = ?1) AND"
                                     " (EXISTS (SELECT 1 FROM names WHERE image = images.id"
                                     "          AND substr (name, 1, length (?2)) = ?2)"
                                     "  OR EXISTS (SELECT 1 FROM repo_digests WHERE image = images.id"
                                     "             AND substr (ref, 1, length (?3)) = ?3))",
                                     ref.digest, tagp, digp, NULL)
                             == 0
                      && sqlite3_step (st) == SQLITE_ROW)
                    {
                      copy_digest (id, sqlite3_column_text (st, 0));
                      r = 0;
                    }
                }
            }
        }
      vs_ref_free (&ref);
    }
  if (r == -ENOENT && hex && strlen (what) >= 3)
    {
      snprintf (pattern, sizeof pattern, "sha256:%s%%", what);
      r = lookup_one (s, "SELECT id FROM images WHERE id LIKE ?", pattern, id, err);
    }
  if (r == -EEXIST)
    return vs_fail (err, 0, "image id prefix `%s` is ambiguous: give more digits", what);
  if (r == -ENOENT)
    return no_such_image (err, what);
  if (r < 0)
    return r;
  return image_load (s, id, img, err);
}

int
vs_store_image_list (vs_store *s, vs_image **ret, size_t *n, vs_error *err)
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL;
  vs_image *v = NULL;
  size_t count = 0;
  int r = db_prepare (s, &st, err, "SELECT id FROM images ORDER BY added DESC, id", NULL);
  int rc = SQLITE_DONE;

  while (r == 0 && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      char id[72];
      vs_image *nv = realloc (v, (count + 1) * sizeof *nv);
      if (nv == NULL)
        {
          r = vs_fail (err, ENOMEM, "list images");
          break;
        }
      v = nv;
      copy_digest (id, sqlite3_column_text (st, 0));
      r = image_load (s, id, &v[count], err);
      if (r == 0)
        count++;
    }
  if (r == 0 && rc != SQLITE_DONE)
    r = db_fail (s, err, "list images");
  if (r < 0)
    {
      vs_images_free (v, count);
      return r;
    }
  *ret = v;
  *n = count;
  return 0;
}

static int
exec_one (vs_store *s, vs_error *err, const char *sql, const char *a, const char *b)
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL;
  int r = db_prepare (s, &st, err, sql, a, b, NULL);
  if (r == 0)
    r = db_step_done (s, st, err);
  return r;
}

int
vs_store_tag (vs_store *s, const char *id, const char *name, vs_error *err)
{
  return exec_one (s, err, "INSERT OR REPLACE INTO names (name, image) VALUES (?,?)", name, id);
}

int
vs_store_untag (vs_store *s, const char *name, vs_error *err)
{
  char id[72];
  int r = lookup_one (s, "SELECT image FROM names WHERE name = ?", name, id, err);
  if (r == -ENOENT)
    return no_such_image (err, name);
  if (r < 0)
    return r;
  r = exec_one (s, err, "DELETE FROM names WHERE name = ?", name, NULL);
  if (r < 0)
    return r;
  r = lookup_one (s, "SELECT name FROM names WHERE image = ? LIMIT 1", id, (char[72]){ 0 }, err);
  return r == -ENOENT ? 1 : r < 0 && r != -EEXIST ? r : 0;
}

int
vs_store_image_delete (vs_store *s, const char *id, vs_error *err)
{
  return exec_one (s, err, "DELETE FROM images WHERE id = ?", id, NULL);
}

void
vs_store_set_in_use (vs_store *s, vs_image_in_use_fn fn, void *user)
{
  s->in_use = fn;
  s->in_use_user = user;
}

bool
vs_store_image_in_use (vs_store *s, const char *id)
{
  return s->in_use && s->in_use (s->in_use_user, id);
}

/* ---- check / gc ---- */

static bool
referenced (vs_store *s, const char *sql, const char *digest)
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL;
  vs_error ignore;
  if (db_prepare (s, &st, &ignore, sql, digest, digest, digest, NULL) < 0)
    return true; /* never delete on doubt */
  return sqlite3_step (st) != SQLITE_DONE; /* a row, or an error: keep */
}

static int64_t
tree_bytes (int at, const char *name)
{
  struct stat st;
  int64_t sum = 0;
  int fd;
  DIR *d;
  struct dirent *de;

  if (fstatat (at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return 0;
  sum = (int64_t) st.st_blocks * 512;
  if (!S_ISDIR (st.st_mode))
    return sum;
  fd = openat (at, name, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return sum;
    }
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      sum += tree_bytes (dirfd (d), de->d_name);
  closedir (d);
  return sum;
}

/* A DIR over a duplicate of fd, from its start. */
static DIR *
opendir_dup (int fd)
{
  int dup = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  DIR *d;
  if (dup < 0)
    return NULL;
  d = fdopendir (dup);
  if (d == NULL)
    {
      int e = errno;
      close (dup);
      errno = e;
      return NULL;
    }
  rewinddir (d);
  return d;
}

int
vs_store_check (vs_store *s, bool drop_ingest, vs_check_report *rep, vs_error *err)
{
  vs_check_report local = { 0 };
  DIR *d;
  struct dirent *de;
  int dfd, r = 0;

  if (rep == NULL)
    rep = &local;
  memset (rep, 0, sizeof *rep);

  /* blobs nobody refers to */
  dfd = s->blobs_fd;
  if ((d = opendir_dup (dfd)) == NULL)
    return vs_fail (err, errno, "read %s/images/blobs", s->root);
  rewinddir (d);
  while ((de = readdir (d)) != NULL)
    {
      char digest[80];
      if (de->d_name[0] == '.')
        continue;
      snprintf (digest, sizeof digest, "sha256:%s", de->d_name);
      if (vs_digest_valid (digest)
          && referenced (s,
                         "SELECT 1 FROM blobs WHERE digest = ?1 UNION ALL SELECT 1 FROM layers WHERE blob = ?2"
                         " UNION ALL SELECT 1 FROM images WHERE id = ?3 LIMIT 1",
                         digest))
        continue;
      rep->bytes += tree_bytes (s->blobs_fd, de->d_name);
      if (unlinkat (s->blobs_fd, de->d_name, 0) < 0 && errno != ENOENT)
        {
          r = vs_fail (err, errno, "remove blob %s", de->d_name);
          break;
        }
      rep->blobs++;
    }
  closedir (d);
  if (r < 0)
    return r;

  /* snapshots no image refers to, and half-made or half-removed ones */
  dfd = s->snap_fd;
  if ((d = opendir_dup (dfd)) == NULL)
    return vs_fail (err, errno, "read %s/snapshots", s->root);
  rewinddir (d);
  while ((de = readdir (d)) != NULL)
    {
      char chain[80];
      bool temp = strncmp (de->d_name, ".tmp-", 5) == 0;
      char mine[32];
      snprintf (mine, sizeof mine, ".tmp-del-%d-", (int) getpid ());
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0
          || strncmp (de->d_name, mine, strlen (mine)) == 0) /* renamed by this loop, already gone */
        continue;
      /* <hex>-init (the engine's mount points, initlayer.h) goes with <hex> */
      size_t len = strlen (de->d_name);
      int base = len > 5 && strcmp (de->d_name + len - 5, "-init") == 0 ? (int) len - 5 : (int) len;
      snprintf (chain, sizeof chain, "sha256:%.*s", base, de->d_name);
      if (!temp && vs_digest_valid (chain)
          && referenced (s, "SELECT 1 FROM layers WHERE chain_id = ?1 OR chain_id = ?2 OR chain_id = ?3 LIMIT 1", chain))
        continue;
      rep->bytes += tree_bytes (s->snap_fd, de->d_name);
      r = snapshot_remove (s, de->d_name, err);
      if (r < 0)
        break;
      if (temp)
        rep->temps++;
      else
        rep->snapshots++;
    }
  closedir (d);
  if (r < 0)
    return r;

  /* temp blobs always; partial downloads only when asked (kept to resume) */
  dfd = s->ingest_fd;
  if ((d = opendir_dup (dfd)) == NULL)
    return vs_fail (err, errno, "read %s/images/ingest", s->root);
  rewinddir (d);
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (de->d_name[0] != '.' && !drop_ingest)
        continue;
      rep->bytes += tree_bytes (s->ingest_fd, de->d_name);
      if (unlinkat (s->ingest_fd, de->d_name, 0) == 0)
        rep->temps++;
    }
  closedir (d);
  return 0;
}

int
vs_store_disk_use (vs_store *s, int64_t *blobs, int64_t *snapshots, vs_error *err)
{
  (void) err;
  *blobs = tree_bytes (s->blobs_fd, ".");
  *snapshots = tree_bytes (s->snap_fd, ".");
  return 0;
}
