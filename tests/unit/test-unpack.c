/* test-unpack.c — vs_unpack_layer: formats and diff_id, metadata, special
 * files, whiteouts in both modes, overwrite rules and hostile layers.
 *
 * Each test gets a fresh "outer" folder under /tmp holding the snapshot
 * ("root"), a sentinel folder next to it and the layer files ("layers").
 * The teardown checks that nothing but the snapshot changed: whatever a
 * hostile layer tries, the sentinel and the outer folder stay as they were.
 * Layers are built in memory with libarchive's writer (pax), then written
 * plain, gzip or zstd; the expected diff_id is the sha256 of the plain tar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../src/image/lazy-libs.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<sanitizer/lsan_interface.h>)
#include <sanitizer/lsan_interface.h>
#define HAVE_LSAN_INTERFACE 1
#endif
#endif

#include "../../src/basic/error.h"
#include "../../src/image/unpack.h"
#include "unit-util.h"

#define T0 1600000000
#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

static struct
{
  char outer[PATH_MAX];
  int rootfd;
  int layer_no;
} fx;

/* ---- fixture ---- */

static int
setup (void **state)
{
  (void) state;
  snprintf (fx.outer, sizeof fx.outer, "/tmp/vs-unpack-XXXXXX");
  if (mkdtemp (fx.outer) == NULL)
    return -1;
  if (mkdir (pathf ("%s/root", fx.outer), 0755) < 0 || mkdir (pathf ("%s/layers", fx.outer), 0755) < 0
      || mkdir (pathf ("%s/sentinel", fx.outer), 0750) < 0)
    return -1;
  write_text (pathf ("%s/sentinel/file", fx.outer), "keep");
  chmod (pathf ("%s/sentinel/file", fx.outer), 0644);
  chmod (pathf ("%s/sentinel", fx.outer), 0750);
  fx.rootfd = open (pathf ("%s/root", fx.outer), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  fx.layer_no = 0;
  return fx.rootfd < 0 ? -1 : 0;
}

static int
dir_count (const char *path)
{
  DIR *d = opendir (path);
  int n = 0;
  if (d == NULL)
    return -1;
  for (struct dirent *de; (de = readdir (d)) != NULL;)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      n++;
  closedir (d);
  return n;
}

/* Nothing outside the snapshot changed. */
static void
check_outside (void)
{
  struct stat st;
  assert_int_equal (dir_count (fx.outer), 3);
  assert_true (exists (pathf ("%s/root", fx.outer)));
  assert_true (exists (pathf ("%s/layers", fx.outer)));
  assert_int_equal (lstat (pathf ("%s/sentinel", fx.outer), &st), 0);
  assert_true (S_ISDIR (st.st_mode));
  assert_int_equal (st.st_mode & 07777, 0750);
  assert_int_equal (dir_count (pathf ("%s/sentinel", fx.outer)), 1);
  assert_int_equal (lstat (pathf ("%s/sentinel/file", fx.outer), &st), 0);
  assert_true (S_ISREG (st.st_mode));
  assert_int_equal (st.st_mode & 07777, 0644);
  assert_int_equal (st.st_nlink, 1);
  assert_string_equal (read_text (pathf ("%s/sentinel/file", fx.outer)), "keep");
}

static int
teardown (void **state)
{
  (void) state;
  check_outside ();
  close (fx.rootfd);
  rm_tree (fx.outer);
  return 0;
}

/* A path inside the snapshot. */
#define R(fmt, ...) pathf ("%s/root/" fmt, fx.outer, ##__VA_ARGS__)

/* ---- building layers ---- */

typedef struct tarb
{
  struct archive *a;
  char *buf;
  size_t len, cap;
} tarb;

static la_ssize_t
tb_write_cb (struct archive *a, void *data, const void *buf, size_t n)
{
  tarb *t = data;
  (void) a;
  if (t->len + n > t->cap)
    {
      t->cap = (t->len + n) * 2;
      t->buf = realloc (t->buf, t->cap);
      assert_non_null (t->buf);
    }
  memcpy (t->buf + t->len, buf, n);
  t->len += n;
  return (la_ssize_t) n;
}

static void
tb_begin (tarb *t)
{
  memset (t, 0, sizeof *t);
  t->a = archive_write_new ();
  assert_non_null (t->a);
  assert_int_equal (archive_write_set_format_pax (t->a), ARCHIVE_OK);
  assert_int_equal (archive_write_open (t->a, t, NULL, tb_write_cb, NULL), ARCHIVE_OK);
}

static struct archive_entry *
tb_entry (const char *name, mode_t type, mode_t perm)
{
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, name);
  archive_entry_set_filetype (e, type);
  archive_entry_set_perm (e, perm);
  archive_entry_set_uid (e, 0);
  archive_entry_set_gid (e, 0);
  archive_entry_set_mtime (e, T0, 0);
  return e;
}

/* Write e (freed) and its data. */
static void
tb_put (tarb *t, struct archive_entry *e, const void *data, size_t len)
{
  if (archive_entry_filetype (e) == AE_IFREG && archive_entry_hardlink (e) == NULL)
    archive_entry_set_size (e, (la_int64_t) len);
  if (archive_write_header (t->a, e) < ARCHIVE_WARN)
    fail_msg ("archive_write_header %s: %s", archive_entry_pathname (e), archive_error_string (t->a));
  if (len > 0)
    assert_int_equal (archive_write_data (t->a, data, len), (la_ssize_t) len);
  archive_entry_free (e);
}

static void
tb_file (tarb *t, const char *name, mode_t perm, const char *text)
{
  tb_put (t, tb_entry (name, AE_IFREG, perm), text, strlen (text));
}

static void
tb_dir (tarb *t, const char *name, mode_t perm)
{
  tb_put (t, tb_entry (name, AE_IFDIR, perm), NULL, 0);
}

static void
tb_symlink (tarb *t, const char *name, const char *target)
{
  struct archive_entry *e = tb_entry (name, AE_IFLNK, 0777);
  archive_entry_set_symlink (e, target);
  tb_put (t, e, NULL, 0);
}

static void
tb_hardlink (tarb *t, const char *name, const char *target)
{
  struct archive_entry *e = tb_entry (name, AE_IFREG, 0644);
  archive_entry_set_hardlink (e, target);
  archive_entry_set_size (e, 0);
  tb_put (t, e, NULL, 0);
}

static void
tb_node (tarb *t, const char *name, mode_t type, mode_t perm, unsigned maj, unsigned min)
{
  struct archive_entry *e = tb_entry (name, type, perm);
  archive_entry_set_rdevmajor (e, maj);
  archive_entry_set_rdevminor (e, min);
  tb_put (t, e, NULL, 0);
}

static void
tb_end (tarb *t)
{
  assert_int_equal (archive_write_close (t->a), ARCHIVE_OK);
  archive_write_free (t->a);
  t->a = NULL;
}

static void
sha256_hex (const void *data, size_t len, char out[72])
{
  unsigned char md[32];
  unsigned int n = 0;
  assert_int_equal (EVP_Digest (data, len, md, &n, EVP_sha256 (), NULL), 1);
  strcpy (out, "sha256:");
  for (unsigned i = 0; i < n; i++)
    sprintf (out + 7 + 2 * i, "%02x", md[i]);
}

/* Write the tar as a layer file (filter "none", "gzip" or "zstd"); returns its path. */
static char *
tb_layer (tarb *t, const char *filter)
{
  static char path[PATH_MAX];
  snprintf (path, sizeof path, "%s/layers/%d.%s", fx.outer, fx.layer_no++, filter);
  if (strcmp (filter, "none") == 0)
    {
      FILE *f = fopen (path, "w");
      assert_non_null (f);
      assert_int_equal (fwrite (t->buf, 1, t->len, f), t->len);
      assert_int_equal (fclose (f), 0);
      return path;
    }
  struct archive *a = archive_write_new ();
  if (strcmp (filter, "gzip") == 0)
    assert_int_equal (archive_write_add_filter_gzip (a), ARCHIVE_OK);
  else
    assert_int_equal (archive_write_add_filter_zstd (a), ARCHIVE_OK);
  assert_int_equal (archive_write_set_format_raw (a), ARCHIVE_OK);
  assert_int_equal (archive_write_set_bytes_in_last_block (a, 1), ARCHIVE_OK);
  assert_int_equal (archive_write_open_filename (a, path), ARCHIVE_OK);
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, "data");
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_size (e, (la_int64_t) t->len);
  assert_int_equal (archive_write_header (a, e), ARCHIVE_OK);
  assert_int_equal (archive_write_data (a, t->buf, t->len), (la_ssize_t) t->len);
  archive_entry_free (e);
  assert_int_equal (archive_write_close (a), ARCHIVE_OK);
  archive_write_free (a);
  return path;
}

static int
unpack_path (const char *path, bool rootless, bool whiteouts, char diff[72], vs_unpack_stats *stats, vs_error *err)
{
  vs_unpack_opts opts = { .rootless = rootless, .apply_whiteouts = whiteouts };
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  assert_true (fd >= 0);
  int r = vs_unpack_layer (fd, fx.rootfd, &opts, diff, stats, err);
  close (fd);
  return r;
}

/* End t, unpack it (plain tar), free it; returns the result. */
static int
apply (tarb *t, bool rootless, bool whiteouts, vs_error *err)
{
  tb_end (t);
  int r = unpack_path (tb_layer (t, "none"), rootless, whiteouts, NULL, NULL, err);
  free (t->buf);
  return r;
}

static void
apply_ok (tarb *t, bool whiteouts)
{
  vs_error err = { 0 };
  if (apply (t, false, whiteouts, &err) < 0)
    fail_msg ("unpack failed: %s", err.msg);
}

/* The unpack fails with a one-line message holding needle. */
static void
apply_fails (tarb *t, bool rootless, bool whiteouts, const char *needle)
{
  vs_error err = { 0 };
  int r = apply (t, rootless, whiteouts, &err);
  if (r >= 0)
    fail_msg ("unpack succeeded, expected \"%s\"", needle);
  assert_msg_contains (err, needle);
  assert_one_line (err);
}

static mode_t
mode_of (const char *path)
{
  struct stat st;
  if (lstat (path, &st) < 0)
    fail_msg ("lstat %s: %s", path, strerror (errno));
  return st.st_mode;
}

/* ---- formats and diff_id ---- */

static void
test_formats_and_diff_id (void **state)
{
  static const char *filters[] = { "none", "gzip", "zstd" };
  tarb t;
  char want[72], got[72];
  size_t big_len = 300 * 1024;
  unsigned char *big = malloc (big_len);
  uint32_t x = 12345;

  (void) state;
  assert_non_null (big);
  for (size_t i = 0; i < big_len; i++)
    {
      x = x * 1103515245 + 12345;
      big[i] = (unsigned char) (x >> 16);
    }
  tb_begin (&t);
  tb_dir (&t, "etc/", 0755);
  tb_file (&t, "etc/hostname", 0644, "layer\n");
  tb_put (&t, tb_entry ("usr/lib/big.bin", AE_IFREG, 0644), big, big_len);
  tb_file (&t, "./usr/bin/tool", 0755, "#!/bin/sh\n");
  tb_end (&t);
  sha256_hex (t.buf, t.len, want);

  for (size_t i = 0; i < ARRAY_SIZE (filters); i++)
    {
      vs_error err = { 0 };
      vs_unpack_stats stats = { 0 };
      memset (got, 'x', sizeof got);
      rm_tree (R (""));
      mkdir (R (""), 0755);
      close (fx.rootfd);
      fx.rootfd = open (R (""), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (unpack_path (tb_layer (&t, filters[i]), false, true, got, &stats, &err) < 0)
        fail_msg ("%s: %s", filters[i], err.msg);
      assert_string_equal (got, want);
      assert_int_equal (stats.entries, 4);
      assert_int_equal (stats.bytes, 6 + big_len + 10);
      assert_string_equal (read_text (R ("etc/hostname")), "layer\n");
      assert_string_equal (read_text (R ("usr/bin/tool")), "#!/bin/sh\n");
      /* the implicit parent */
      assert_int_equal (mode_of (R ("usr/lib")) & 07777, 0755);
      FILE *f = fopen (R ("usr/lib/big.bin"), "r");
      assert_non_null (f);
      unsigned char *back = malloc (big_len + 1);
      assert_int_equal (fread (back, 1, big_len + 1, f), big_len);
      fclose (f);
      assert_memory_equal (back, big, big_len);
      free (back);
    }
  free (big);
  free (t.buf);
}

static void
test_truncated_gzip (void **state)
{
  tarb t;
  char diff[72], *path;
  size_t big_len = 256 * 1024;
  unsigned char *big = malloc (big_len);
  uint32_t x = 7;
  struct stat st;
  vs_error err = { 0 };

  (void) state;
  for (size_t i = 0; i < big_len; i++)
    {
      x = x * 1103515245 + 12345;
      big[i] = (unsigned char) (x >> 16);
    }
  tb_begin (&t);
  tb_put (&t, tb_entry ("blob", AE_IFREG, 0644), big, big_len);
  tb_file (&t, "after", 0644, "x");
  tb_end (&t);
  path = tb_layer (&t, "gzip");
  assert_int_equal (stat (path, &st), 0);
  assert_int_equal (truncate (path, st.st_size / 2), 0);
  assert_true (unpack_path (path, false, true, diff, NULL, &err) < 0);
  assert_msg_contains (err, "truncated");
  assert_msg_contains (err, "blob");
  assert_one_line (err);
  assert_false (exists (R ("after")));
  free (big);
  free (t.buf);
}

static void
test_not_a_layer (void **state)
{
  vs_error err = { 0 };
  char *path = pathf ("%s/layers/junk", fx.outer);
  char diff[72];

  (void) state;
  write_text (path, "this is not a tar archive, not even close to one, and it goes on for a while");
  assert_true (unpack_path (path, false, true, diff, NULL, &err) < 0);
  assert_msg_contains (err, "read layer");
  assert_one_line (err);

  write_text (path, "");
  assert_true (unpack_path (path, false, true, diff, NULL, &err) < 0);
  assert_msg_contains (err, "read layer");
  assert_one_line (err);
}

/* ---- metadata ---- */

static bool
user_xattrs_supported (void)
{
  const char *p = pathf ("%s/layers/xattr-probe", fx.outer);
  write_text (p, "");
  bool ok = setxattr (p, "user.probe", "1", 1, 0) == 0;
  unlink (p);
  return ok;
}

static void
test_metadata (void **state)
{
  tarb t;
  struct archive_entry *e;
  struct stat st;
  char buf[64];

  (void) state;
  tb_begin (&t);
  tb_file (&t, "bin/su", 04755, "su");
  tb_file (&t, "bin/wall", 02755, "wall");
  e = tb_entry ("owned", AE_IFREG, 0640);
  archive_entry_set_uid (e, 1234);
  archive_entry_set_gid (e, 5678);
  archive_entry_set_mtime (e, 1000000000, 123456789);
  archive_entry_xattr_add_entry (e, "user.test", "hello", 5);
  archive_entry_xattr_add_entry (e, "trusted.overlay.redirect", "/etc", 4);
  tb_put (&t, e, "data", 4);
  e = tb_entry ("tmp/", AE_IFDIR, 01777);
  archive_entry_set_mtime (e, 1234567890, 500);
  archive_entry_set_uid (e, 7);
  archive_entry_xattr_add_entry (e, "user.dir", "d", 1);
  tb_put (&t, e, NULL, 0);
  tb_file (&t, "tmp/child", 0600, "c");
  tb_dir (&t, "tmp/sub/", 0700);
  e = tb_entry ("link", AE_IFLNK, 0777);
  archive_entry_set_symlink (e, "/does/not/exist");
  archive_entry_set_uid (e, 42);
  archive_entry_set_gid (e, 43);
  archive_entry_set_mtime (e, 1111111111, 0);
  tb_put (&t, e, NULL, 0);
  e = tb_entry ("./", AE_IFDIR, 0711);
  tb_put (&t, e, NULL, 0);
  apply_ok (&t, true);

  assert_int_equal (mode_of (R ("bin/su")) & 07777, 04755);
  assert_int_equal (mode_of (R ("bin/wall")) & 07777, 02755);
  assert_int_equal (lstat (R ("owned"), &st), 0);
  assert_int_equal (st.st_mode & 07777, 0640);
  assert_int_equal (st.st_uid, 1234);
  assert_int_equal (st.st_gid, 5678);
  assert_int_equal (st.st_mtim.tv_sec, 1000000000);
  assert_int_equal (st.st_mtim.tv_nsec, 123456789);
  assert_int_equal (lstat (R ("tmp"), &st), 0);
  assert_true (S_ISDIR (st.st_mode));
  assert_int_equal (st.st_mode & 07777, 01777);
  assert_int_equal (st.st_uid, 7);
  /* set after its children were written */
  assert_int_equal (st.st_mtim.tv_sec, 1234567890);
  assert_int_equal (st.st_mtim.tv_nsec, 500);
  assert_int_equal (lstat (R ("tmp/sub"), &st), 0);
  assert_int_equal (st.st_mtim.tv_sec, T0);
  assert_int_equal (lstat (R ("link"), &st), 0);
  assert_true (S_ISLNK (st.st_mode));
  assert_int_equal (st.st_uid, 42);
  assert_int_equal (st.st_gid, 43);
  assert_int_equal (st.st_mtim.tv_sec, 1111111111);
  assert_int_equal (readlink (R ("link"), buf, sizeof buf), 15);
  assert_memory_equal (buf, "/does/not/exist", 15);
  assert_int_equal (mode_of (R ("")) & 07777, 0711);
  /* the archive's trusted.overlay.* never reaches the snapshot */
  assert_true (lgetxattr (R ("owned"), "trusted.overlay.redirect", buf, sizeof buf) < 0);
  if (!user_xattrs_supported ())
    {
      skip ();
      return;
    }
  assert_int_equal (lgetxattr (R ("owned"), "user.test", buf, sizeof buf), 5);
  assert_memory_equal (buf, "hello", 5);
  assert_int_equal (lgetxattr (R ("tmp"), "user.dir", buf, sizeof buf), 1);
}

static void
test_hardlink (void **state)
{
  tarb t;
  struct stat a, b;

  (void) state;
  tb_begin (&t);
  tb_file (&t, "usr/bin/perl", 0755, "perl");
  tb_hardlink (&t, "usr/bin/perl5.36", "usr/bin/perl");
  tb_hardlink (&t, "/abs-link", "/usr/bin/perl");
  apply_ok (&t, true);
  assert_int_equal (lstat (R ("usr/bin/perl"), &a), 0);
  assert_int_equal (lstat (R ("usr/bin/perl5.36"), &b), 0);
  assert_int_equal (a.st_ino, b.st_ino);
  assert_int_equal (lstat (R ("abs-link"), &b), 0);
  assert_int_equal (a.st_ino, b.st_ino);
  assert_int_equal (a.st_nlink, 3);
}

static void
test_sparse (void **state)
{
  const size_t size = 16 << 20, half = 8 << 20;
  tarb t;
  struct stat st;
  char *data = calloc (1, size);
  struct archive_entry *e;

  (void) state;
  assert_non_null (data);
  memset (data, 'A', 4096);
  memset (data + half, 'B', 4096);
  tb_begin (&t);
  e = tb_entry ("sparse", AE_IFREG, 0644);
  archive_entry_set_size (e, (la_int64_t) size);
  archive_entry_sparse_add_entry (e, 0, 4096);
  archive_entry_sparse_add_entry (e, (la_int64_t) half, 4096);
  tb_put (&t, e, data, size);
  tb_end (&t);
  assert_true (t.len < 1 << 20); /* the tar itself is sparse */
  vs_error err = { 0 };
  if (unpack_path (tb_layer (&t, "gzip"), false, true, NULL, NULL, &err) < 0)
    fail_msg ("%s", err.msg);
  free (t.buf);
  assert_int_equal (stat (R ("sparse"), &st), 0);
  assert_int_equal (st.st_size, size);
  assert_true (st.st_blocks * 512 < 256 * 1024);
  FILE *f = fopen (R ("sparse"), "r");
  char *back = malloc (size);
  assert_int_equal (fread (back, 1, size, f), size);
  fclose (f);
  assert_memory_equal (back, data, size);
  free (back);
  free (data);
}

static void
test_devices (void **state)
{
  tarb t;
  struct stat st;

  (void) state;
  if (geteuid () != 0)
    {
      skip ();
      return;
    }
  tb_begin (&t);
  tb_node (&t, "dev/null", AE_IFCHR, 0666, 1, 3);
  tb_node (&t, "dev/loop0", AE_IFBLK, 0660, 7, 0);
  tb_node (&t, "run/fifo", AE_IFIFO, 0620, 0, 0);
  apply_ok (&t, true);
  assert_int_equal (lstat (R ("dev/null"), &st), 0);
  assert_true (S_ISCHR (st.st_mode));
  assert_int_equal (st.st_mode & 07777, 0666);
  assert_int_equal (major (st.st_rdev), 1);
  assert_int_equal (minor (st.st_rdev), 3);
  assert_int_equal (lstat (R ("dev/loop0"), &st), 0);
  assert_true (S_ISBLK (st.st_mode));
  assert_int_equal (major (st.st_rdev), 7);
  assert_int_equal (lstat (R ("run/fifo"), &st), 0);
  assert_true (S_ISFIFO (st.st_mode));
  assert_int_equal (st.st_mode & 07777, 0620);
}

static void
test_rootless_refuses_devices (void **state)
{
  tarb t;

  (void) state;
  tb_begin (&t);
  tb_node (&t, "run/fifo", AE_IFIFO, 0600, 0, 0);
  tb_node (&t, "dev/sda", AE_IFBLK, 0660, 8, 0);
  apply_fails (&t, true, true, "layer entry \"dev/sda\": device nodes are refused in rootless mode");
  assert_false (exists (R ("dev/sda")));
  assert_true (S_ISFIFO (mode_of (R ("run/fifo"))));
}

/* ---- whiteouts ---- */

static void
test_whiteouts_snapshot (void **state)
{
  tarb t;
  struct stat st;
  char buf[8];

  (void) state;
  if (geteuid () != 0)
    {
      skip ();
      return;
    }
  mkdir (R ("gone"), 0755);
  write_text (R ("gone/child"), "x");
  mkdir (R ("opq"), 0755);
  write_text (R ("opq/old"), "x");
  write_text (R ("file"), "x");
  tb_begin (&t);
  tb_file (&t, ".wh.gone", 0644, "");
  tb_file (&t, "sub/.wh.file", 0644, "");
  tb_file (&t, ".wh.file", 0644, "");
  tb_file (&t, "opq/.wh..wh..opq", 0644, "");
  tb_file (&t, "newopq/.wh..wh..opq", 0644, "");
  tb_file (&t, ".wh..wh.plnk", 0644, "");
  tb_file (&t, "opq/new", 0644, "n");
  apply_ok (&t, true);

  const char *wh[] = { "gone", "file", "sub/file" };
  for (size_t i = 0; i < ARRAY_SIZE (wh); i++)
    {
      assert_int_equal (lstat (R ("%s", wh[i]), &st), 0);
      assert_true (S_ISCHR (st.st_mode));
      assert_int_equal (st.st_rdev, makedev (0, 0));
    }
  /* overlayfs hides the lower content; the folder itself keeps what it has */
  assert_true (exists (R ("opq/old")));
  assert_true (exists (R ("opq/new")));
  assert_int_equal (lgetxattr (R ("opq"), "trusted.overlay.opaque", buf, sizeof buf), 1);
  assert_int_equal (buf[0], 'y');
  assert_int_equal (lgetxattr (R ("newopq"), "trusted.overlay.opaque", buf, sizeof buf), 1);
  /* aufs metadata is skipped: no "plnk" anything */
  assert_int_equal (dir_count (R ("")), 5); /* gone file sub opq newopq, nothing else */
}

static void
test_whiteout_bad_names (void **state)
{
  tarb t;

  (void) state;
  tb_begin (&t);
  tb_file (&t, "a/.wh...", 0644, "");
  apply_fails (&t, false, true, "layer entry \"a/.wh...\": whiteout of an invalid name");
  tb_begin (&t);
  tb_file (&t, ".wh.", 0644, "");
  apply_fails (&t, false, false, "layer entry \".wh.\": whiteout of an invalid name");
}

static void
test_whiteouts_flat (void **state)
{
  tarb t;

  (void) state;
  mkdir (R ("x"), 0755);
  mkdir (R ("x/sub"), 0755);
  write_text (R ("x/sub/file"), "old");
  mkdir (R ("d"), 0755);
  write_text (R ("d/old1"), "old");
  mkdir (R ("d/olddir"), 0755);
  write_text (R ("d/olddir/f"), "old");
  mkdir (R ("d/keepdir"), 0755);
  write_text (R ("d/keepdir/oldchild"), "old");
  write_text (R ("other"), "old");
  tb_begin (&t);
  tb_file (&t, ".wh.x", 0644, "");
  tb_file (&t, "d/new1", 0644, "new");
  tb_file (&t, "d/keepdir/newchild", 0644, "new");
  tb_file (&t, "d/.wh..wh..opq", 0644, "");
  tb_file (&t, "d/new2", 0644, "new");
  tb_file (&t, "nothere/.wh.y", 0644, "");
  tb_file (&t, "nothere2/.wh..wh..opq", 0644, "");
  tb_file (&t, ".wh..wh.plnk", 0644, "");
  apply_ok (&t, false);

  assert_false (exists (R ("x")));
  assert_true (exists (R ("d/new1")));
  assert_true (exists (R ("d/new2")));
  assert_true (exists (R ("d/keepdir/newchild")));
  assert_false (exists (R ("d/keepdir/oldchild")));
  assert_false (exists (R ("d/old1")));
  assert_false (exists (R ("d/olddir")));
  assert_string_equal (read_text (R ("other")), "old");
  assert_false (exists (R ("nothere")));
  assert_false (exists (R ("nothere2")));
  assert_int_equal (dir_count (R ("")), 2);
  assert_int_equal (dir_count (R ("d")), 3);
}

/* ---- overwrite rules ---- */

static void
test_overwrite (void **state)
{
  tarb t;
  struct stat st;
  struct archive_entry *e;

  (void) state;
  write_text (R ("f"), "file");
  mkdir (R ("d"), 0755);
  mkdir (R ("d/child"), 0755);
  write_text (R ("d/child/x"), "x");
  mkdir (R ("keep"), 0700);
  write_text (R ("keep/child"), "child");
  write_text (R ("old"), "old");
  assert_int_equal (link (R ("old"), R ("old2")), 0);
  assert_int_equal (symlink ("target", R ("lnk")), 0);
  tb_begin (&t);
  tb_dir (&t, "f/", 0755);
  tb_file (&t, "f/inside", 0644, "in");
  tb_file (&t, "d", 0644, "now a file");
  tb_dir (&t, "keep/", 0700);
  e = tb_entry ("keep/", AE_IFDIR, 0751);
  archive_entry_set_mtime (e, 1500000000, 0);
  tb_put (&t, e, NULL, 0);
  tb_file (&t, "old", 0644, "new");
  tb_file (&t, "lnk", 0644, "file now");
  tb_file (&t, "twice", 0644, "first");
  tb_file (&t, "twice", 0600, "second");
  apply_ok (&t, true);

  assert_true (S_ISDIR (mode_of (R ("f"))));
  assert_string_equal (read_text (R ("f/inside")), "in");
  assert_string_equal (read_text (R ("d")), "now a file");
  assert_int_equal (lstat (R ("keep"), &st), 0);
  assert_true (S_ISDIR (st.st_mode));
  assert_int_equal (st.st_mode & 07777, 0751);
  assert_int_equal (st.st_mtim.tv_sec, 1500000000);
  assert_string_equal (read_text (R ("keep/child")), "child");
  assert_string_equal (read_text (R ("old")), "new");
  /* replaced, not written into: the other link keeps the old content */
  assert_string_equal (read_text (R ("old2")), "old");
  assert_true (S_ISREG (mode_of (R ("lnk"))));
  assert_false (exists (R ("target")));
  assert_string_equal (read_text (R ("twice")), "second");
  assert_int_equal (mode_of (R ("twice")) & 07777, 0600);
}

/* ---- hostile layers ---- */

static void
test_dotdot (void **state)
{
  tarb t;

  (void) state;
  tb_begin (&t);
  tb_file (&t, "ok", 0644, "fine");
  tb_file (&t, "../etc/passwd", 0644, "root::0:0::/:/bin/sh\n");
  apply_fails (&t, false, true, "layer entry \"../etc/passwd\": path leaves the snapshot");
  assert_false (exists (pathf ("%s/etc", fx.outer)));

  tb_begin (&t);
  tb_file (&t, "a/b/../../../sentinel/file", 0644, "pwned");
  apply_fails (&t, false, true, "layer entry \"a/b/../../../sentinel/file\": path leaves the snapshot");

  tb_begin (&t);
  tb_dir (&t, "..", 0777);
  apply_fails (&t, false, false, "path leaves the snapshot");

  tb_begin (&t);
  tb_file (&t, "./a/../b", 0644, "b");
  tb_file (&t, "/abs/file", 0644, "abs");
  tb_file (&t, "//x//./y", 0644, "y");
  apply_ok (&t, true);
  assert_string_equal (read_text (R ("b")), "b");
  assert_string_equal (read_text (R ("abs/file")), "abs");
  assert_string_equal (read_text (R ("x/y")), "y");
  assert_false (exists (R ("a")));
}

static void
test_symlink_escape (void **state)
{
  tarb t;
  vs_error err = { 0 };
  char *target = pathf ("%s/sentinel", fx.outer);
  char abs_target[PATH_MAX];

  (void) state;
  snprintf (abs_target, sizeof abs_target, "%s", target);
  /* relative link out of the root: resolved as the container sees it */
  tb_begin (&t);
  tb_dir (&t, "sentinel/", 0755);
  tb_symlink (&t, "evil", "../sentinel");
  tb_file (&t, "evil/pwned", 0644, "inside");
  tb_symlink (&t, "up", "../../../../..");
  tb_file (&t, "up/tmp/pwned2", 0644, "inside");
  tb_symlink (&t, "slash", "/");
  tb_file (&t, "slash/etc/pwned3", 0644, "inside");
  apply_ok (&t, true);
  assert_string_equal (read_text (R ("sentinel/pwned")), "inside");
  assert_string_equal (read_text (R ("tmp/pwned2")), "inside");
  assert_string_equal (read_text (R ("etc/pwned3")), "inside");

  /* absolute host path: inside the root it does not exist, so it fails */
  tb_begin (&t);
  tb_symlink (&t, "abs", abs_target);
  tb_file (&t, "abs/pwned", 0644, "outside?");
  int r = apply (&t, false, true, &err);
  if (r == 0)
    assert_true (exists (R ("%s/pwned", abs_target + 1)));
  else
    assert_msg_contains (err, "layer entry \"abs/pwned\"");

  /* a folder entry or file entry over a symlink replaces the link */
  tb_begin (&t);
  tb_symlink (&t, "s1", "../sentinel");
  tb_symlink (&t, "s2", "../sentinel/file");
  tb_dir (&t, "s1/", 0777);
  tb_file (&t, "s2", 0666, "pwned");
  tb_symlink (&t, "s3", "../sentinel/file");
  tb_put (&t, tb_entry ("s3", AE_IFCHR, 0666), NULL, 0);
  apply_ok (&t, true);
  assert_true (S_ISDIR (mode_of (R ("s1"))));
  assert_string_equal (read_text (R ("s2")), "pwned");
  assert_true (S_ISCHR (mode_of (R ("s3"))));
}

static void
test_hardlink_escape (void **state)
{
  tarb t;
  struct stat a, b;
  vs_error err = { 0 };

  (void) state;
  tb_begin (&t);
  tb_hardlink (&t, "h", "../sentinel/file");
  apply_fails (&t, false, true, "layer entry \"h\": hardlink target \"../sentinel/file\" leaves the snapshot");
  assert_false (exists (R ("h")));

  /* a hardlink to a symlink links the symlink itself */
  tb_begin (&t);
  tb_symlink (&t, "esc", "../sentinel/file");
  tb_hardlink (&t, "h", "esc");
  tb_file (&t, "h2", 0644, "");
  tb_hardlink (&t, "h2", "esc");
  apply_ok (&t, true);
  assert_int_equal (lstat (R ("esc"), &a), 0);
  assert_int_equal (lstat (R ("h"), &b), 0);
  assert_true (S_ISLNK (b.st_mode));
  assert_int_equal (a.st_ino, b.st_ino);
  assert_true (S_ISLNK (mode_of (R ("h2"))));

  /* a target reached through a symlink out of the root: clamped, missing */
  tb_begin (&t);
  tb_symlink (&t, "escdir", "../sentinel");
  tb_hardlink (&t, "h3", "escdir/file");
  assert_true (apply (&t, false, true, &err) < 0);
  assert_msg_contains (err, "layer entry \"h3\": hardlink target \"escdir/file\"");
  assert_false (exists (R ("h3")));

  /* a hardlink to a folder */
  tb_begin (&t);
  tb_dir (&t, "adir/", 0755);
  tb_hardlink (&t, "h4", "adir");
  apply_fails (&t, false, true, "layer entry \"h4\"");
}

static void
test_whiteout_escape (void **state)
{
  tarb t;

  (void) state;
  tb_begin (&t);
  tb_file (&t, "../.wh.sentinel", 0644, "");
  apply_fails (&t, false, false, "layer entry \"../.wh.sentinel\": path leaves the snapshot");
  tb_begin (&t);
  tb_file (&t, "../sentinel/.wh..wh..opq", 0644, "");
  apply_fails (&t, false, false, "path leaves the snapshot");
  tb_begin (&t);
  tb_file (&t, "../sentinel/.wh.file", 0644, "");
  apply_fails (&t, false, true, "path leaves the snapshot");

  /* through a symlink: lands inside (flat mode deletes, then the opaque
   * marker prunes, both in the root's "sentinel") */
  tb_begin (&t);
  tb_dir (&t, "sentinel/", 0755);
  tb_file (&t, "sentinel/file", 0644, "inner");
  tb_file (&t, "sentinel/other", 0644, "inner");
  tb_symlink (&t, "evil", "../sentinel");
  tb_symlink (&t, "evil2", "/../../sentinel");
  tb_file (&t, "evil/.wh.file", 0644, "");
  apply_ok (&t, false);
  assert_false (exists (R ("sentinel/file")));
  assert_true (exists (R ("sentinel/other")));

  /* snapshot mode: the whiteout device is made inside */
  tb_begin (&t);
  tb_file (&t, "evil2/.wh.other", 0644, "");
  tb_file (&t, "evil2/.wh..wh..opq", 0644, "");
  apply_ok (&t, true);
  assert_true (S_ISCHR (mode_of (R ("sentinel/other"))));
}

static void
test_utf8_names (void **state)
{
  tarb t;
  char buf[64];

  (void) state;
  /* Build as Go's archive/tar writes them: pax "path"/"linkpath" records in
   * UTF-8 (libarchive's writer needs a UTF-8 locale for that); unpack in the
   * "C" locale, as vessel runs. */
  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    {
      skip ();
      return;
    }
  tb_begin (&t);
  tb_file (&t, "caf\xc3\xa9/na\xc3\xafve-with-a-name-long-enough-for-pax-too-"
           "0123456789012345678901234567890123456789012345678901234567890123456789.txt", 0644, "long");
  tb_file (&t, "caf\xc3\xa9/na\xc3\xafve.txt", 0644, "utf8");
  tb_symlink (&t, "lnk", "caf\xc3\xa9/na\xc3\xafve.txt");
  tb_hardlink (&t, "hard", "caf\xc3\xa9/na\xc3\xafve.txt");
  tb_end (&t);
  setlocale (LC_ALL, "C");
  vs_error err = { 0 };
  if (unpack_path (tb_layer (&t, "none"), false, true, NULL, NULL, &err) < 0)
    fail_msg ("%s", err.msg);
  free (t.buf);
  assert_string_equal (read_text (R ("caf\xc3\xa9/na\xc3\xafve.txt")), "utf8");
  assert_string_equal (read_text (R ("hard")), "utf8");
  assert_string_equal (read_text (R ("caf\xc3\xa9/na\xc3\xafve-with-a-name-long-enough-for-pax-too-"
                                     "0123456789012345678901234567890123456789012345678901234567890123456789.txt")),
                       "long");
  assert_int_equal (readlink (R ("lnk"), buf, sizeof buf), 16);
  assert_memory_equal (buf, "caf\xc3\xa9/na\xc3\xafve.txt", 16);
}

/* Last: LeakSanitizer also covers every error path exercised above. */
static void
test_no_leaks (void **state)
{
  (void) state;
#ifdef HAVE_LSAN_INTERFACE
  assert_int_equal (__lsan_do_recoverable_leak_check (), 0);
#else
  skip ();
#endif
}

#define T(f) cmocka_unit_test_setup_teardown (f, setup, teardown)

int
main (void)
{
  const struct CMUnitTest tests[] = {
    T (test_formats_and_diff_id),
    T (test_truncated_gzip),
    T (test_not_a_layer),
    T (test_metadata),
    T (test_hardlink),
    T (test_sparse),
    T (test_devices),
    T (test_rootless_refuses_devices),
    T (test_whiteouts_snapshot),
    T (test_whiteout_bad_names),
    T (test_whiteouts_flat),
    T (test_overwrite),
    T (test_dotdot),
    T (test_symlink_escape),
    T (test_hardlink_escape),
    T (test_whiteout_escape),
    T (test_utf8_names),
    cmocka_unit_test (test_no_leaks),
  };
  return cmocka_run_group_tests_name ("unpack", tests, NULL, NULL);
}
