/* test-store.c — the image store: blobs, ingest, image rows, lookup, gc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdlib.h>

#include "../../src/image/digest.h"
#include "../../src/image/store.h"
#include "unit-util.h"

static char root[PATH_MAX];

static int
setup (void **state)
{
  (void) state;
  snprintf (root, sizeof root, "/tmp/vessel-store-test.XXXXXX");
  if (mkdtemp (root) == NULL)
    return -1;
  return 0;
}

static int
teardown (void **state)
{
  (void) state;
  rm_tree (root);
  return 0;
}

static vs_store *
open_store (bool excl)
{
  vs_store *s = NULL;
  vs_error err = { 0 };
  if (vs_store_open (root, excl, &s, &err) < 0)
    fail_msg ("open: %s", err.msg);
  return s;
}

static void
test_blob_put_and_read (void **state)
{
  vs_store *s = open_store (true);
  vs_error err = { 0 };
  char d[72], *data = NULL;
  size_t len = 0;

  (void) state;
  assert_int_equal (vs_store_blob_put (s, "hello", 5, NULL, d, &err), 0);
  assert_string_equal (d, "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  assert_true (vs_store_blob_exists (s, d));
  assert_string_equal (read_text (pathf ("%s/images/blobs/sha256/%s", root, d + 7)), "hello");
  assert_int_equal (vs_store_blob_read (s, d, 100, &data, &len, &err), 0);
  assert_int_equal (len, 5);
  free (data);
  /* too large for the caller's cap */
  assert_true (vs_store_blob_read (s, d, 2, &data, &len, &err) < 0);
  assert_msg_contains (err, "more than");
  /* a wrong expectation stores nothing */
  assert_true (vs_store_blob_put (s, "other", 5, d, NULL, &err) < 0);
  assert_msg_contains (err, "digest mismatch");
  assert_one_line (err);
  assert_true (exists (pathf ("%s/images/oci-layout", root)));
  vs_store_close (s);
}

static void
test_ingest_resume_and_mismatch (void **state)
{
  vs_store *s = open_store (true);
  vs_error err = { 0 };
  char want[72];
  int fd;
  int64_t have;

  (void) state;
  vs_sha256_buf ("abcdef", 6, want);
  assert_int_equal (vs_store_ingest_open (s, want, &fd, &have, &err), 0);
  assert_int_equal (have, 0);
  assert_int_equal (write (fd, "abc", 3), 3);
  close (fd);
  /* a later run sees what was there and appends */
  assert_int_equal (vs_store_ingest_open (s, want, &fd, &have, &err), 0);
  assert_int_equal (have, 3);
  assert_int_equal (pwrite (fd, "def", 3, 3), 3);
  assert_int_equal (vs_store_ingest_commit (s, want, fd, &err), 0);
  close (fd);
  assert_true (vs_store_blob_exists (s, want));
  assert_false (exists (pathf ("%s/images/ingest/%s", root, want + 7)));

  /* wrong bytes: refused, the partial file is gone, no blob appears */
  char other[72];
  vs_sha256_buf ("xyz", 3, other);
  assert_int_equal (vs_store_ingest_open (s, other, &fd, &have, &err), 0);
  assert_int_equal (write (fd, "xyZ", 3), 3);
  assert_true (vs_store_ingest_commit (s, other, fd, &err) < 0);
  close (fd);
  assert_msg_contains (err, "digest mismatch");
  assert_msg_contains (err, other);
  assert_false (vs_store_blob_exists (s, other));
  assert_false (exists (pathf ("%s/images/ingest/%s", root, other + 7)));
  /* not a digest */
  assert_true (vs_store_ingest_open (s, "sha256:../../x", &fd, &have, &err) < 0);
  assert_msg_contains (err, "not a sha256 digest");
  vs_store_close (s);
}

/* An image with one layer whose blob exists; the snapshot folder is made by hand. */
static void
add_image (vs_store *s, const char *config, const char *name, char id[72])
{
  vs_error err = { 0 };
  char layer[72], manifest[72];
  vs_image_layer l = { .media_type = (char *) "application/vnd.oci.image.layer.v1.tar", .blob_size = 6, .size = 6 };
  vs_image img = { .manifest_type = (char *) "application/vnd.oci.image.manifest.v1+json", .created = 1700000000 };

  assert_int_equal (vs_store_blob_put (s, config, strlen (config), NULL, id, &err), 0);
  assert_int_equal (vs_store_blob_put (s, "layer!", 6, NULL, layer, &err), 0);
  assert_int_equal (vs_store_blob_put (s, name, strlen (name), NULL, manifest, &err), 0);
  memcpy (l.blob, layer, 72);
  memcpy (l.diff_id, layer, 72);
  memcpy (l.chain_id, layer, 72);
  mkdir (pathf ("%s/snapshots/%s", root, layer + 7), 0755);
  memcpy (img.id, id, 72);
  memcpy (img.manifest, manifest, 72);
  img.layers = &l;
  img.n_layers = 1;
  img.size = 6;
  assert_int_equal (vs_store_image_add (s, &img, name, NULL, NULL, &err), 0);
}

static void
test_images_lookup_tag_delete (void **state)
{
  vs_store *s = open_store (true);
  vs_error err = { 0 };
  vs_image img;
  vs_image *all = NULL;
  size_t n = 0;
  char a[72], b[72], prefix[16];

  (void) state;
  add_image (s, "{\"a\":1}", "docker.io/library/busybox:latest", a);
  add_image (s, "{\"b\":2}", "localhost:5000/x/y:1", b);

  /* short name, canonical name, id, id prefix */
  assert_int_equal (vs_store_image_get (s, "busybox", &img, &err), 0);
  assert_string_equal (img.id, a);
  assert_string_equal (img.names[0], "docker.io/library/busybox:latest");
  assert_int_equal (img.n_layers, 1);
  vs_image_free (&img);
  assert_int_equal (vs_store_image_get (s, "localhost:5000/x/y:1", &img, &err), 0);
  assert_string_equal (img.id, b);
  vs_image_free (&img);
  assert_int_equal (vs_store_image_get (s, a, &img, &err), 0);
  vs_image_free (&img);
  snprintf (prefix, sizeof prefix, "%.8s", a + 7);
  assert_int_equal (vs_store_image_get (s, prefix, &img, &err), 0);
  assert_string_equal (img.id, a);
  vs_image_free (&img);
  assert_true (vs_store_image_get (s, "nothere:1", &img, &err) < 0);
  assert_string_equal (err.msg, "no such image: nothere:1");

  assert_int_equal (vs_store_image_list (s, &all, &n, &err), 0);
  assert_int_equal (n, 2);
  vs_images_free (all, n);

  /* a second name; untag the first: not the last name */
  assert_int_equal (vs_store_tag (s, a, "docker.io/library/other:1", &err), 0);
  assert_int_equal (vs_store_untag (s, "docker.io/library/busybox:latest", &err), 0);
  assert_int_equal (vs_store_untag (s, "docker.io/library/other:1", &err), 1);
  assert_true (vs_store_untag (s, "docker.io/library/other:1", &err) < 0);

  /* delete a, then gc removes its config, layer and manifest blobs and its snapshot
     (b shares nothing but the layer bytes, which b still holds) */
  assert_int_equal (vs_store_image_delete (s, a, &err), 0);
  vs_check_report rep;
  assert_int_equal (vs_store_check (s, false, &rep, &err), 0);
  assert_int_equal (rep.blobs, 2); /* a's config and manifest; the layer blob is b's too */
  assert_false (vs_store_blob_exists (s, a));
  assert_true (vs_store_blob_exists (s, b));
  assert_int_equal (vs_store_image_list (s, &all, &n, &err), 0);
  assert_int_equal (n, 1);
  vs_images_free (all, n);
  vs_store_close (s);
}

static void
test_check_removes_orphans_and_temps (void **state)
{
  vs_store *s = open_store (true);
  vs_error err = { 0 };
  vs_check_report rep;
  char d[72];
  int fd;
  int64_t have;

  (void) state;
  assert_int_equal (vs_store_blob_put (s, "orphan", 6, NULL, d, &err), 0);
  mkdir (pathf ("%s/snapshots/.tmp-123-abc", root), 0755);
  write_text (pathf ("%s/snapshots/.tmp-123-abc/f", root), "x");
  mkdir (pathf ("%s/snapshots/%064d", root, 0), 0755);
  write_text (pathf ("%s/images/ingest/.tmp-9-x", root), "half");
  assert_int_equal (vs_store_ingest_open (s, d, &fd, &have, &err), 0);
  close (fd);
  assert_int_equal (vs_store_check (s, false, &rep, &err), 0);
  assert_int_equal (rep.blobs, 1);
  assert_int_equal (rep.snapshots, 1);
  assert_int_equal (rep.temps, 2);
  assert_false (exists (pathf ("%s/snapshots/.tmp-123-abc", root)));
  /* a partial download is kept for resume unless asked */
  assert_true (exists (pathf ("%s/images/ingest/%s", root, d + 7)));
  assert_int_equal (vs_store_check (s, true, &rep, &err), 0);
  assert_false (exists (pathf ("%s/images/ingest/%s", root, d + 7)));
  vs_store_close (s);
}

static void
test_shared_reader_on_fresh_root (void **state)
{
  vs_store *s = open_store (false);
  vs_error err = { 0 };
  vs_image *all = NULL;
  size_t n = 7;
  (void) state;
  assert_int_equal (vs_store_image_list (s, &all, &n, &err), 0);
  assert_int_equal (n, 0);
  vs_images_free (all, n);
  vs_store_close (s);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_blob_put_and_read, setup, teardown),
    cmocka_unit_test_setup_teardown (test_ingest_resume_and_mismatch, setup, teardown),
    cmocka_unit_test_setup_teardown (test_images_lookup_tag_delete, setup, teardown),
    cmocka_unit_test_setup_teardown (test_check_removes_orphans_and_temps, setup, teardown),
    cmocka_unit_test_setup_teardown (test_shared_reader_on_fresh_root, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
