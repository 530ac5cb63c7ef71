/* test-image-parse.c — sha256 digests, image references, manifests,
 * indexes, image configs, platform choice, chain ids and manifest building.
 *
 * JSON is written with single quotes for readability; J() turns them into
 * double quotes.  Expected hashes were computed with sha256sum, e.g. the
 * chain id of [A, B] is `printf '%s %s' "$A" "$B" | sha256sum`.  The leak
 * test runs last. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<sanitizer/lsan_interface.h>)
#include <sanitizer/lsan_interface.h>
#define HAVE_LSAN_INTERFACE 1
#endif
#endif

#include "../../src/basic/error.h"
#include "../../src/image/digest.h"
#include "../../src/image/manifest.h"
#include "../../src/image/reference.h"
#include "unit-util.h"

/* sha256 of "a", "b", "c" */
#define DA "sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
#define DB "sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"
#define DC "sha256:2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6"
/* chain ids: sha256("DA DB"), then sha256("<that> DC") */
#define CHAIN_AB  "sha256:51c0c8ace48498d6f5fee6b0592cc06f2da0f3cbe09c5a34a97dce85c3889676"
#define CHAIN_ABC "sha256:2fce7f8ce91bcf0a1428b36e1024639fdbd9469eea762dba98aa749631885106"
#define D_EMPTY "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define D_ABC   "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define HEX64   "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"

/* Replace ' by " in a copy of s.  The copy is a static buffer (valid until
 * the next call), so that a failing assertion, which longjmps, leaks nothing. */
static char *
J (const char *s)
{
  static char buf[16384];
  size_t n = strlen (s);
  if (n >= sizeof buf)
    fail_msg ("test JSON too long (%zu bytes)", n);
  memcpy (buf, s, n + 1);
  for (char *p = buf; *p; p++)
    if (*p == '\'')
      *p = '"';
  return buf;
}

#define N_ELEMS(a) (sizeof (a) / sizeof ((a)[0]))

/* ------------------------------------------------------------- digests */

static void
test_sha256_vectors (void **state)
{
  char out[VS_DIGEST_LEN + 1];
  (void) state;

  vs_sha256_buf ("", 0, out);
  assert_string_equal (out, D_EMPTY);
  vs_sha256_buf (NULL, 0, out);
  assert_string_equal (out, D_EMPTY);
  vs_sha256_buf ("abc", 3, out);
  assert_string_equal (out, D_ABC);
  assert_int_equal (strlen (out), VS_DIGEST_LEN);

  /* one million 'a' (FIPS 180-2 vector), streamed in 1000 pieces */
  {
    char chunk[1000];
    vs_sha256 *h = vs_sha256_new ();
    assert_non_null (h);
    memset (chunk, 'a', sizeof chunk);
    for (int i = 0; i < 1000; i++)
      vs_sha256_update (h, chunk, sizeof chunk);
    vs_sha256_final (h, out);
    assert_string_equal (out, "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
  /* nothing fed: the empty digest */
  {
    vs_sha256 *h = vs_sha256_new ();
    assert_non_null (h);
    vs_sha256_final (h, out);
    assert_string_equal (out, D_EMPTY);
  }
}

static void
test_sha256_streaming (void **state)
{
  unsigned char data[10007];
  char one[VS_DIGEST_LEN + 1], streamed[VS_DIGEST_LEN + 1];
  (void) state;

  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (unsigned char) (i * 131 + (i >> 7));
  vs_sha256_buf (data, sizeof data, one);
  assert_true (vs_digest_valid (one));

  /* uneven pieces, including empty updates */
  static const size_t pieces[] = { 0, 1, 63, 64, 65, 0, 4096, 1, 3000 };
  vs_sha256 *h = vs_sha256_new ();
  size_t off = 0;
  assert_non_null (h);
  for (size_t i = 0; i < N_ELEMS (pieces) && off < sizeof data; i++)
    {
      size_t n = pieces[i] < sizeof data - off ? pieces[i] : sizeof data - off;
      vs_sha256_update (h, data + off, n);
      off += n;
    }
  vs_sha256_update (h, data + off, sizeof data - off);
  vs_sha256_final (h, streamed);
  assert_string_equal (one, streamed);

  /* "abc" as three updates */
  h = vs_sha256_new ();
  assert_non_null (h);
  vs_sha256_update (h, "a", 1);
  vs_sha256_update (h, "b", 1);
  vs_sha256_update (h, "c", 1);
  vs_sha256_final (h, streamed);
  assert_string_equal (streamed, D_ABC);

  /* a hasher dropped without final, and NULLs */
  h = vs_sha256_new ();
  assert_non_null (h);
  vs_sha256_update (h, "x", 1);
  vs_sha256_free (h);
  vs_sha256_free (NULL);
}

static void
test_digest_valid (void **state)
{
  vs_error err = { 0 };
  (void) state;

  assert_true (vs_digest_valid (DA));
  assert_true (vs_digest_valid (D_EMPTY));
  assert_string_equal (vs_digest_hex (DA), HEX64);
  assert_false (vs_digest_valid (NULL));
  assert_false (vs_digest_valid (""));
  assert_false (vs_digest_valid (HEX64));                                   /* no algorithm */
  assert_false (vs_digest_valid ("sha256:CA978112CA1BBDCAFAC231B39A23DC4DA786EFF8147C4E72B9807785AFEE48BB"));
  assert_false (vs_digest_valid ("SHA256:" HEX64));
  assert_false (vs_digest_valid ("sha256:ca978112"));                       /* short */
  assert_false (vs_digest_valid (DA "0"));                                  /* long */
  assert_false (vs_digest_valid ("sha512:" HEX64));                         /* wrong algorithm */
  assert_false (vs_digest_valid ("sha256:" "ga978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"));
  assert_false (vs_digest_valid ("sha256:" HEX64 "\n"));
  assert_false (vs_digest_valid ("sha256 " HEX64));

  assert_int_equal (vs_digest_check (DA, "layer", &err), 0);

  assert_int_equal (vs_digest_check ("sha256:abc", "layer 3", &err), -EINVAL);
  assert_msg_contains (err, "layer 3: invalid digest \"sha256:abc\"");
  assert_msg_contains (err, "64");
  assert_one_line (err);

  assert_true (vs_digest_check ("md5:" HEX64, "blob", &err) < 0);
  assert_msg_contains (err, "blob: invalid digest");
  assert_msg_contains (err, "unsupported algorithm");

  assert_true (vs_digest_check ("sha256:CA978112CA1BBDCAFAC231B39A23DC4DA786EFF8147C4E72B9807785AFEE48BB", "x", &err) < 0);
  assert_msg_contains (err, "lowercase");

  assert_true (vs_digest_check (NULL, "config", &err) < 0);
  assert_msg_contains (err, "config: digest is missing");

  /* hostile text is shown on one line, shortened */
  assert_true (vs_digest_check ("evil\nline\x1b[31m", "blob", &err) < 0);
  assert_one_line (err);
  {
    char big[600];
    memset (big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_true (vs_digest_check (big, "blob", &err) < 0);
    assert_msg_contains (err, "...");
    assert_true (strlen (err.msg) < 300);
  }
}

/* ---------------------------------------------------------- references */

static const struct
{
  const char *in, *registry, *repo, *tag, *digest;
} ref_ok[] = {
  { "busybox", "docker.io", "library/busybox", "latest", NULL },
  { "busybox:1.36", "docker.io", "library/busybox", "1.36", NULL },
  { "library/busybox", "docker.io", "library/busybox", "latest", NULL },
  { "docker.io/busybox", "docker.io", "library/busybox", "latest", NULL },
  { "docker.io/library/busybox:musl", "docker.io", "library/busybox", "musl", NULL },
  { "index.docker.io/library/busybox", "docker.io", "library/busybox", "latest", NULL },
  { "index.docker.io/busybox", "docker.io", "library/busybox", "latest", NULL },
  { "user/app:v1.2.3", "docker.io", "user/app", "v1.2.3", NULL },
  { "user/team/app", "docker.io", "user/team/app", "latest", NULL },
  { "localhost/app", "localhost", "app", "latest", NULL },
  { "localhost:5000/a/b:v1", "localhost:5000", "a/b", "v1", NULL },
  { "ghcr.io/owner/img:TAG_Upper", "ghcr.io", "owner/img", "TAG_Upper", NULL },
  { "quay.io/a/b", "quay.io", "a/b", "latest", NULL },
  { "registry.example.com:443/x", "registry.example.com:443", "x", "latest", NULL },
  { "My-Registry.Example.com/x", "My-Registry.Example.com", "x", "latest", NULL },
  { "127.0.0.1:5000/x", "127.0.0.1:5000", "x", "latest", NULL },
  { "[::1]:5000/x:y", "[::1]:5000", "x", "y", NULL },
  { "[fe80::1]/x", "[fe80::1]", "x", "latest", NULL },
  { "busybox@" DA, "docker.io", "library/busybox", NULL, DA },
  { "busybox:1.36@" DA, "docker.io", "library/busybox", "1.36", DA },
  { "localhost:5000/a@" DB, "localhost:5000", "a", NULL, DB },
  { "a.b-c/d.e_f__g-h---i", "a.b-c", "d.e_f__g-h---i", "latest", NULL },
  { "a_b/c__d/e---f:_t", "docker.io", "a_b/c__d/e---f", "_t", NULL },
  { "foo:5000", "docker.io", "library/foo", "5000", NULL }, /* no '/': the port is a tag, as docker */
  { "x:a.b-c_D", "docker.io", "library/x", "a.b-c_D", NULL },
  { "0/1", "docker.io", "0/1", "latest", NULL },
  { "registry.example.com", "docker.io", "library/registry.example.com", "latest", NULL },
  { "ubuntu:"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "docker.io", "library/ubuntu",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    NULL }, /* a 128-character tag */
};

static void
test_ref_valid (void **state)
{
  (void) state;
  for (size_t i = 0; i < N_ELEMS (ref_ok); i++)
    {
      vs_ref ref;
      vs_error err = { 0 };
      if (vs_ref_parse (ref_ok[i].in, &ref, &err) < 0)
        fail_msg ("\"%s\" rejected: %s", ref_ok[i].in, err.msg);
      assert_string_equal (ref.registry, ref_ok[i].registry);
      assert_string_equal (ref.repo, ref_ok[i].repo);
      if (ref_ok[i].tag)
        assert_string_equal (ref.tag, ref_ok[i].tag);
      else
        assert_null (ref.tag);
      if (ref_ok[i].digest)
        assert_string_equal (ref.digest, ref_ok[i].digest);
      else
        assert_null (ref.digest);
      vs_ref_free (&ref);
      assert_null (ref.repo);
    }
}

static const struct
{
  const char *in, *needle;
} ref_bad[] = {
  { "", "invalid reference \"\": reference is empty" },
  { "Foo", "invalid reference \"Foo\": repository name must be lowercase" },
  { "user/Foo:tag", "repository name must be lowercase" },
  { "docker.io/Library/busybox", "repository name must be lowercase" },
  { "a//b", "empty path component" },
  { "a/", "empty path component" },
  { "/a", "empty path component" },
  { "localhost:5000/", "empty path component" },
  { "localhost:5000//x", "empty path component" },
  { ":tag", "repository name is empty" },
  { "@" DA, "repository name is empty" },
  { "busybox:", "tag is empty" },
  { "busybox:.hidden", "invalid tag \".hidden\"" },
  { "busybox:-x", "invalid tag" },
  { "busybox:a/b", "invalid" },
  { "busybox:a+b", "invalid tag \"a+b\"" },
  { "busybox:"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "tag is longer than 128 characters" },
  { "busybox@sha256:abc", "invalid digest \"sha256:abc\"" },
  { "busybox@sha512:" HEX64, "unsupported algorithm" },
  { "busybox@sha256:CA978112CA1BBDCAFAC231B39A23DC4DA786EFF8147C4E72B9807785AFEE48BB", "lowercase" },
  { "busybox@", "digest" },
  { "busybox@" DA "@" DA, "invalid digest" },
  { "a..b", "invalid repository path component \"a..b\"" },
  { "a.", "invalid repository path component" },
  { "_a", "invalid repository path component \"_a\"" },
  { "a___b", "invalid repository path component" },
  { "a-", "invalid repository path component" },
  { "a b", "invalid repository path component \"a b\"" },
  { "ex!ample.com/x", "invalid registry host \"ex!ample.com\"" },
  { "ex_ample.com/x", "invalid registry host \"ex_ample.com\"" },
  { "-bad.com/x", "invalid registry host \"-bad.com\"" },
  { "bad-.com/x", "invalid registry host" },
  { "bad..com/x", "invalid registry host" },
  { "localhost:/x", "invalid port in registry \"localhost:\"" },
  { "localhost:99999/x", "invalid port" },
  { "localhost:0/x", "invalid port" },
  { "localhost:50a/x", "invalid port" },
  { "[::1/x", "invalid registry host" },
  { "[zz::1]/x", "not an IPv6 address" },
  { "[]:5000/x", "invalid registry host" },
  { "[]/x", "invalid repository path component \"[]\"" },
  { HEX64, "is an image id, not a repository name" },
  { "busybox\n", "invalid repository path component \"busybox?\"" },
};

static void
test_ref_invalid (void **state)
{
  (void) state;
  for (size_t i = 0; i < N_ELEMS (ref_bad); i++)
    {
      vs_ref ref;
      vs_error err = { 0 };
      int r = vs_ref_parse (ref_bad[i].in, &ref, &err);
      if (r >= 0)
        {
          char *n = vs_ref_name (&ref);
          vs_ref_free (&ref);
          fail_msg ("\"%s\" accepted as %s", ref_bad[i].in, n);
        }
      assert_int_equal (r, -EINVAL);
      assert_null (ref.registry);
      assert_null (ref.repo);
      assert_null (ref.tag);
      assert_null (ref.digest);
      if (strstr (err.msg, ref_bad[i].needle) == NULL)
        fail_msg ("\"%s\": message \"%s\" does not contain \"%s\"", ref_bad[i].in, err.msg, ref_bad[i].needle);
      if (strncmp (err.msg, "invalid reference \"", 19) != 0)
        fail_msg ("\"%s\": message \"%s\" does not name the reference", ref_bad[i].in, err.msg);
      assert_one_line (err);
    }
}

static void
test_ref_name_too_long (void **state)
{
  char s[300];
  vs_ref ref;
  vs_error err = { 0 };
  (void) state;

  /* docker.io/ + library/ + 237 = 255: the limit exactly */
  memset (s, 'a', 237);
  s[237] = '\0';
  assert_int_equal (vs_ref_parse (s, &ref, &err), 0);
  vs_ref_free (&ref);
  memset (s, 'a', 238);
  s[238] = '\0';
  assert_true (vs_ref_parse (s, &ref, &err) < 0);
  assert_msg_contains (err, "repository name must not be more than 255 characters");
}

static void
test_ref_names (void **state)
{
  vs_ref ref;
  vs_error err = { 0 };
  char *s;
  (void) state;

  assert_int_equal (vs_ref_parse ("busybox", &ref, &err), 0);
  s = vs_ref_name (&ref);
  assert_string_equal (s, "docker.io/library/busybox:latest");
  free (s);
  s = vs_ref_repo_name (&ref);
  assert_string_equal (s, "docker.io/library/busybox");
  free (s);
  vs_ref_free (&ref);

  assert_int_equal (vs_ref_parse ("localhost:5000/a/b@" DA, &ref, &err), 0);
  s = vs_ref_name (&ref);
  assert_string_equal (s, "localhost:5000/a/b@" DA);
  free (s);
  vs_ref_free (&ref);

  /* the canonical name parses back to itself */
  assert_int_equal (vs_ref_parse ("docker.io/library/busybox:latest", &ref, &err), 0);
  s = vs_ref_name (&ref);
  assert_string_equal (s, "docker.io/library/busybox:latest");
  free (s);
  vs_ref_free (&ref);
  vs_ref_free (NULL);
}

static void
test_ref_familiar (void **state)
{
  static const char *const cases[][2] = {
    { "docker.io/library/busybox:latest", "busybox:latest" },
    { "docker.io/library/busybox@" DA, "busybox@" DA },
    { "docker.io/user/app:v1", "user/app:v1" },
    { "docker.io/library/a/b:x", "library/a/b:x" },
    { "localhost:5000/a/b:v1", "localhost:5000/a/b:v1" },
    { "ghcr.io/library/x:1", "ghcr.io/library/x:1" },
    { "docker.io/library/busybox", "busybox" },
  };
  (void) state;
  for (size_t i = 0; i < N_ELEMS (cases); i++)
    {
      char *f = vs_ref_familiar (cases[i][0]);
      assert_non_null (f);
      assert_string_equal (f, cases[i][1]);
      free (f);
    }
  assert_null (vs_ref_familiar (NULL));
}

static void
test_ref_is_id_prefix (void **state)
{
  (void) state;
  assert_true (vs_ref_is_id_prefix (HEX64));
  assert_true (vs_ref_is_id_prefix ("ca9781"));
  assert_true (vs_ref_is_id_prefix ("sha256:ca9781"));
  assert_true (vs_ref_is_id_prefix ("sha256:" HEX64));
  assert_false (vs_ref_is_id_prefix (HEX64 "0"));
  assert_false (vs_ref_is_id_prefix ("busybox"));
  assert_false (vs_ref_is_id_prefix ("CA9781"));
  assert_false (vs_ref_is_id_prefix ("ca97:1"));
  assert_false (vs_ref_is_id_prefix (""));
  assert_false (vs_ref_is_id_prefix ("sha256:"));
  assert_false (vs_ref_is_id_prefix (NULL));
}

/* ----------------------------------------------------------- manifests */

#define OCI_MANIFEST                                                                                    \
  "{'schemaVersion': 2, 'mediaType': '" VS_MT_OCI_MANIFEST "',"                                         \
  " 'config': {'mediaType': '" VS_MT_OCI_CONFIG "', 'digest': '" DA "', 'size': 1469},"                 \
  " 'layers': ["                                                                                        \
  "   {'mediaType': '" VS_MT_OCI_LAYER_GZIP "', 'digest': '" DB "', 'size': 2818413,"                   \
  "    'annotations': {'x': 'y'}},"                                                                     \
  "   {'mediaType': '" VS_MT_OCI_LAYER_ZSTD "', 'digest': '" DC "', 'size': 0, 'urls': []}"             \
  " ],"                                                                                                 \
  " 'annotations': {'org.opencontainers.image.created': '2024-01-01T00:00:00Z'}}"

#define DOCKER_MANIFEST                                                                                 \
  "{'schemaVersion': 2, 'mediaType': '" VS_MT_DOCKER_MANIFEST "',"                                      \
  " 'config': {'mediaType': '" VS_MT_DOCKER_CONFIG "', 'digest': '" DA "', 'size': 7},"                 \
  " 'layers': [{'mediaType': '" VS_MT_DOCKER_LAYER "', 'digest': '" DB "', 'size': 9}]}"

static void
parse_manifest_ok (const char *sq, vs_manifest *m)
{
  char *text = J (sq);
  vs_error err = { 0 };
  int r = vs_manifest_parse (text, strlen (text), m, &err);
  if (r < 0)
    fail_msg ("vs_manifest_parse failed: %s", err.msg);
}

static void
test_manifest_valid (void **state)
{
  vs_manifest m;
  (void) state;

  parse_manifest_ok (OCI_MANIFEST, &m);
  assert_string_equal (m.media_type, VS_MT_OCI_MANIFEST);
  assert_string_equal (m.config.media_type, VS_MT_OCI_CONFIG);
  assert_string_equal (m.config.digest, DA);
  assert_int_equal (m.config.size, 1469);
  assert_null (m.config.platform_os);
  assert_int_equal (m.n_layers, 2);
  assert_string_equal (m.layers[0].media_type, VS_MT_OCI_LAYER_GZIP);
  assert_string_equal (m.layers[0].digest, DB);
  assert_int_equal (m.layers[0].size, 2818413);
  assert_string_equal (m.layers[1].digest, DC);
  assert_int_equal (m.layers[1].size, 0);
  vs_manifest_free (&m);
  assert_null (m.layers);
  assert_int_equal (m.n_layers, 0);

  parse_manifest_ok (DOCKER_MANIFEST, &m);
  assert_string_equal (m.media_type, VS_MT_DOCKER_MANIFEST);
  assert_string_equal (m.config.media_type, VS_MT_DOCKER_CONFIG);
  assert_int_equal (m.n_layers, 1);
  assert_string_equal (m.layers[0].media_type, VS_MT_DOCKER_LAYER);
  vs_manifest_free (&m);

  /* OCI allows mediaType absent; an empty layer list is allowed */
  parse_manifest_ok ("{'schemaVersion': 2, 'config': {'mediaType': 'a/b', 'digest': '" DA "', 'size': 1},"
                     " 'layers': []}", &m);
  assert_string_equal (m.media_type, VS_MT_OCI_MANIFEST);
  assert_int_equal (m.n_layers, 0);
  assert_null (m.layers);
  vs_manifest_free (&m);

  /* a size beyond 4 GiB */
  parse_manifest_ok ("{'schemaVersion': 2, 'config': {'mediaType': 'a/b', 'digest': '" DA "', 'size': 1},"
                     " 'layers': [{'mediaType': 'a/b', 'digest': '" DB "', 'size': 9007199254740993}]}", &m);
  assert_true (m.layers[0].size == INT64_C (9007199254740993));
  vs_manifest_free (&m);
  vs_manifest_free (NULL);
}

/* Parse text (real quotes) as `kind` and expect an error containing needle. */
enum doc_kind { K_MANIFEST, K_INDEX, K_CONFIG };

static void
expect_doc_fail_raw (enum doc_kind kind, const char *text, size_t len, const char *needle)
{
  vs_error err = { 0 };
  int r;

  switch (kind)
    {
    case K_MANIFEST:
      {
        vs_manifest m;
        r = vs_manifest_parse (text, len, &m, &err);
        if (r >= 0)
          vs_manifest_free (&m);
        else
          {
            assert_null (m.media_type);
            assert_null (m.layers);
            assert_null (m.config.digest);
          }
        break;
      }
    case K_INDEX:
      {
        vs_index ix;
        r = vs_index_parse (text, len, &ix, &err);
        if (r >= 0)
          vs_index_free (&ix);
        else
          assert_null (ix.manifests);
        break;
      }
    default:
      {
        vs_image_config c;
        r = vs_image_config_parse (text, len, &c, &err);
        if (r >= 0)
          vs_image_config_free (&c);
        else
          {
            assert_null (c.os);
            assert_null (c.diff_ids);
            assert_null (c.history);
          }
        break;
      }
    }
  if (r >= 0)
    fail_msg ("expected failure containing \"%s\" for: %s", needle, text);
  assert_int_equal (r, -EINVAL);
  if (strstr (err.msg, needle) == NULL)
    fail_msg ("message \"%s\" does not contain \"%s\" (input %s)", err.msg, needle, text);
  assert_one_line (err);
}

static void
expect_doc_fail (enum doc_kind kind, const char *sq, const char *needle)
{
  char *text = J (sq);
  expect_doc_fail_raw (kind, text, strlen (text), needle);
}

#define M_CFG "'config': {'mediaType': '" VS_MT_OCI_CONFIG "', 'digest': '" DA "', 'size': 1}"
#define M_HEAD "{'schemaVersion': 2, 'mediaType': '" VS_MT_OCI_MANIFEST "', "
#define M_LAYER(body) M_HEAD M_CFG ", 'layers': [{'mediaType': 'a/b', 'digest': '" DB "', 'size': 1}, " body "]}"

static void
test_manifest_invalid (void **state)
{
  static const struct
  {
    const char *json, *needle;
  } bad[] = {
    { "", "manifest: invalid JSON" },
    { "{'schemaVersion': 2,", "manifest: invalid JSON at line 1" },
    { "[1, 2]", "manifest: expected a JSON object" },
    { "'text'", "manifest: invalid JSON" },
    { "{'schemaVersion': 2, 'schemaVersion': 2}", "duplicate" },
    { "{'layers': [], " M_CFG "}", "manifest: schemaVersion: missing" },
    { "{'schemaVersion': '2', 'layers': [], " M_CFG "}", "manifest: schemaVersion: expected an integer" },
    { "{'schemaVersion': 3, 'layers': [], " M_CFG "}", "manifest: schemaVersion: unsupported value 3" },
    { "{'schemaVersion': 1, 'name': 'x', 'fsLayers': []}", "schema 1 manifests are not supported" },
    { "{'schemaVersion': 2, 'mediaType': 'application/vnd.docker.distribution.manifest.v1+prettyjws',"
      " 'layers': [], " M_CFG "}", "schema 1 manifests are not supported" },
    { "{'schemaVersion': 2, 'mediaType': 7, 'layers': [], " M_CFG "}", "manifest: mediaType: expected a string" },
    { "{'schemaVersion': 2, 'mediaType': 'text/html', 'layers': [], " M_CFG "}",
      "manifest: mediaType: unsupported media type \"text/html\"" },
    { "{'schemaVersion': 2, 'mediaType': '" VS_MT_OCI_INDEX "', 'manifests': []}", "an index, not a manifest" },
    { "{'schemaVersion': 2, 'manifests': []}", "an index (it has \"manifests\"), not a manifest" },
    { M_HEAD "'layers': []}", "manifest: config: missing" },
    { M_HEAD "'config': [], 'layers': []}", "manifest: config: expected an object" },
    { M_HEAD "'config': {'digest': '" DA "', 'size': 1}, 'layers': []}", "manifest: config.mediaType: missing" },
    { M_HEAD "'config': {'mediaType': 'nonsense', 'digest': '" DA "', 'size': 1}, 'layers': []}",
      "manifest: config.mediaType: invalid media type \"nonsense\"" },
    { M_HEAD "'config': {'mediaType': 'a/b c', 'digest': '" DA "', 'size': 1}, 'layers': []}",
      "config.mediaType: invalid media type" },
    { M_HEAD "'config': {'mediaType': 'a/b', 'size': 1}, 'layers': []}", "manifest: config.digest: missing" },
    { M_HEAD "'config': {'mediaType': 'a/b', 'digest': 5, 'size': 1}, 'layers': []}",
      "manifest: config.digest: expected a string" },
    { M_HEAD "'config': {'mediaType': 'a/b', 'digest': 'sha256:123', 'size': 1}, 'layers': []}",
      "manifest: config.digest: invalid digest \"sha256:123\"" },
    { M_HEAD "'config': {'mediaType': 'a/b', 'digest': '" DA "'}, 'layers': []}", "manifest: config.size: missing" },
    { M_HEAD "'config': {'mediaType': 'a/b', 'digest': '" DA "', 'size': '1'}, 'layers': []}",
      "manifest: config.size: expected an integer" },
    { M_HEAD "'config': {'mediaType': 'a/b', 'digest': '" DA "', 'size': 1.5}, 'layers': []}",
      "manifest: config.size: expected an integer" },
    { M_HEAD "'config': {'mediaType': 'a/b', 'digest': '" DA "', 'size': -1}, 'layers': []}",
      "manifest: config.size: negative size -1" },
    { M_HEAD M_CFG "}", "manifest: layers: missing" },
    { M_HEAD M_CFG ", 'layers': {}}", "manifest: layers: expected an array" },
    { M_LAYER ("7"), "manifest: layers[1]: expected an object" },
    { M_LAYER ("null"), "manifest: layers[1]: missing" },
    { M_LAYER ("{'mediaType': 'a/b', 'digest': 'sha512:" HEX64 "', 'size': 1}"),
      "manifest: layers[1].digest: invalid digest \"sha512:" },
    { M_LAYER ("{'mediaType': 'a/b', 'digest': '" DB "', 'size': -5}"), "manifest: layers[1].size: negative size -5" },
    { M_LAYER ("{'mediaType': 'a/b', 'digest': '" DB "', 'size': 99999999999999999999}"), "manifest: invalid JSON" },
    { M_LAYER ("{'mediaType': 'a/b', 'size': 1}"), "manifest: layers[1].digest: missing" },
    { M_LAYER ("{'mediaType': ['a/b'], 'digest': '" DB "', 'size': 1}"), "manifest: layers[1].mediaType: expected a string" },
  };
  (void) state;
  for (size_t i = 0; i < N_ELEMS (bad); i++)
    expect_doc_fail (K_MANIFEST, bad[i].json, bad[i].needle);
  /* a NUL inside the data */
  expect_doc_fail_raw (K_MANIFEST, "{\"schemaVersion\": 2}\0garbage", 28, "manifest: invalid JSON");
  expect_doc_fail_raw (K_MANIFEST, NULL, 0, "manifest");
}

/* -------------------------------------------------------------- kinds */

static void
expect_kind (const char *sq, const char *content_type, const char *want)
{
  char *text = J (sq);
  vs_error err = { 0 };
  const char *k = vs_manifest_kind (text, strlen (text), content_type, &err);
  if (k == NULL)
    fail_msg ("vs_manifest_kind failed: %s", err.msg);
  assert_string_equal (k, want);
}

static void
expect_kind_fail (const char *sq, const char *content_type, const char *needle)
{
  char *text = J (sq);
  vs_error err = { 0 };
  const char *k = vs_manifest_kind (text, strlen (text), content_type, &err);
  if (k != NULL)
    fail_msg ("vs_manifest_kind accepted it as %s", k);
  assert_msg_contains (err, needle);
  assert_one_line (err);
}

static void
test_manifest_kind (void **state)
{
  (void) state;
  expect_kind (OCI_MANIFEST, NULL, VS_MT_OCI_MANIFEST);
  expect_kind (OCI_MANIFEST, VS_MT_OCI_MANIFEST, VS_MT_OCI_MANIFEST);
  expect_kind (DOCKER_MANIFEST, VS_MT_DOCKER_MANIFEST, VS_MT_DOCKER_MANIFEST);
  expect_kind (DOCKER_MANIFEST, "Application/VND.docker.distribution.manifest.v2+json; charset=utf-8",
               VS_MT_DOCKER_MANIFEST);
  expect_kind (DOCKER_MANIFEST, "application/json", VS_MT_DOCKER_MANIFEST);
  expect_kind (DOCKER_MANIFEST, "", VS_MT_DOCKER_MANIFEST);
  expect_kind ("{'schemaVersion': 2, 'manifests': []}", NULL, VS_MT_OCI_INDEX);
  expect_kind ("{'schemaVersion': 2, 'manifests': []}", VS_MT_DOCKER_LIST, VS_MT_DOCKER_LIST);
  expect_kind ("{'schemaVersion': 2, 'layers': []}", NULL, VS_MT_OCI_MANIFEST);
  expect_kind ("{'schemaVersion': 2, 'layers': []}", VS_MT_DOCKER_MANIFEST, VS_MT_DOCKER_MANIFEST);
  expect_kind ("{'mediaType': '" VS_MT_DOCKER_LIST "'}", VS_MT_DOCKER_LIST, VS_MT_DOCKER_LIST);

  /* the body and the Content-Type disagree: both are named */
  expect_kind_fail (OCI_MANIFEST, VS_MT_DOCKER_MANIFEST,
                    "the mediaType in the body \"" VS_MT_OCI_MANIFEST "\" does not match the Content-Type \""
                    VS_MT_DOCKER_MANIFEST "\"");
  expect_kind_fail ("{'mediaType': '" VS_MT_OCI_INDEX "', 'manifests': []}", VS_MT_OCI_MANIFEST,
                    "\"" VS_MT_OCI_INDEX "\" does not match the Content-Type \"" VS_MT_OCI_MANIFEST "\"");
  expect_kind_fail ("{'schemaVersion': 2, 'manifests': []}", VS_MT_OCI_MANIFEST,
                    "the body is an index (it has \"manifests\") but the Content-Type is \"" VS_MT_OCI_MANIFEST "\"");
  expect_kind_fail (OCI_MANIFEST, "application/vnd.docker.distribution.manifest.v1+prettyjws",
                    "schema 1 manifests are not supported");
  expect_kind_fail (OCI_MANIFEST, "text/html", "Content-Type \"text/html\", which is not a manifest");
  expect_kind_fail ("{'schemaVersion': 1, 'fsLayers': []}", NULL, "schema 1 manifests are not supported");
  expect_kind_fail ("{'fsLayers': [], 'name': 'x'}", NULL, "schema 1");
  expect_kind_fail ("{'mediaType': 'application/vnd.docker.distribution.manifest.v1+json'}", NULL, "schema 1");
  expect_kind_fail ("{'mediaType': 'image/png'}", NULL, "manifest: mediaType: unsupported media type \"image/png\"");
  expect_kind_fail ("{'mediaType': 1}", NULL, "manifest: mediaType: expected a string");
  expect_kind_fail ("{'schemaVersion': 2}", NULL, "not a manifest or an index");
  expect_kind_fail ("[]", NULL, "manifest: expected a JSON object");
  expect_kind_fail ("{", NULL, "manifest: invalid JSON");
}

/* ------------------------------------------------------------- indexes */

static const char index_json[] =
  "{'schemaVersion': 2, 'mediaType': '" VS_MT_OCI_INDEX "', 'manifests': ["
  " {'mediaType': '" VS_MT_OCI_MANIFEST "', 'digest': '" DA "', 'size': 100,"
  "  'platform': {'architecture': 'amd64', 'os': 'linux'}},"
  " {'mediaType': '" VS_MT_OCI_MANIFEST "', 'digest': '" DB "', 'size': 101,"
  "  'platform': {'architecture': 'arm', 'os': 'linux', 'variant': 'v6'}},"
  " {'mediaType': '" VS_MT_OCI_MANIFEST "', 'digest': '" DC "', 'size': 102,"
  "  'platform': {'architecture': 'arm', 'os': 'linux', 'variant': 'v7'}},"
  " {'mediaType': '" VS_MT_OCI_MANIFEST "', 'digest': '" D_ABC "', 'size': 103,"
  "  'platform': {'architecture': 'arm64', 'os': 'linux', 'variant': 'v8'}},"
  " {'mediaType': '" VS_MT_OCI_MANIFEST "', 'digest': '" D_EMPTY "', 'size': 104,"
  "  'platform': {'architecture': 'amd64', 'os': 'windows', 'os.version': '10.0.17763.1'}},"
  " {'mediaType': '" VS_MT_OCI_MANIFEST "', 'digest': '" D_EMPTY "', 'size': 105,"
  "  'platform': {'architecture': 'unknown', 'os': 'unknown'},"
  "  'annotations': {'vnd.docker.reference.type': 'attestation-manifest'}}"
  "]}";

static void
parse_index_ok (const char *sq, vs_index *ix)
{
  char *text = J (sq);
  vs_error err = { 0 };
  int r = vs_index_parse (text, strlen (text), ix, &err);
  if (r < 0)
    fail_msg ("vs_index_parse failed: %s", err.msg);
}

static void
test_index_valid (void **state)
{
  vs_index ix;
  (void) state;

  parse_index_ok (index_json, &ix);
  assert_string_equal (ix.media_type, VS_MT_OCI_INDEX);
  assert_int_equal (ix.n_manifests, 6);
  assert_string_equal (ix.manifests[0].platform_os, "linux");
  assert_string_equal (ix.manifests[0].platform_arch, "amd64");
  assert_null (ix.manifests[0].platform_variant);
  assert_string_equal (ix.manifests[1].platform_variant, "v6");
  assert_string_equal (ix.manifests[3].digest, D_ABC);
  assert_int_equal (ix.manifests[3].size, 103);
  vs_index_free (&ix);
  assert_null (ix.manifests);

  /* Docker manifest list; an entry without a platform; an empty variant is no variant */
  parse_index_ok ("{'schemaVersion': 2, 'mediaType': '" VS_MT_DOCKER_LIST "', 'manifests': ["
                  " {'mediaType': '" VS_MT_DOCKER_MANIFEST "', 'digest': '" DA "', 'size': 1,"
                  "  'platform': {'architecture': 's390x', 'os': 'linux', 'variant': ''}},"
                  " {'mediaType': '" VS_MT_DOCKER_MANIFEST "', 'digest': '" DB "', 'size': 2}]}",
                  &ix);
  assert_string_equal (ix.media_type, VS_MT_DOCKER_LIST);
  assert_int_equal (ix.n_manifests, 2);
  assert_null (ix.manifests[0].platform_variant);
  assert_null (ix.manifests[1].platform_os);
  vs_index_free (&ix);

  parse_index_ok ("{'schemaVersion': 2, 'manifests': []}", &ix);
  assert_string_equal (ix.media_type, VS_MT_OCI_INDEX);
  assert_int_equal (ix.n_manifests, 0);
  vs_index_free (&ix);
  vs_index_free (NULL);
}

#define I_HEAD "{'schemaVersion': 2, 'mediaType': '" VS_MT_OCI_INDEX "', 'manifests': ["
#define I_ENTRY(platform) "{'mediaType': 'a/b', 'digest': '" DA "', 'size': 1, 'platform': " platform "}"

static void
test_index_invalid (void **state)
{
  static const struct
  {
    const char *json, *needle;
  } bad[] = {
    { "nope", "image index: invalid JSON" },
    { "{'manifests': []}", "image index: schemaVersion: missing" },
    { "{'schemaVersion': 1, 'manifests': []}", "image index: schema 1 manifests are not supported" },
    { "{'schemaVersion': 2}", "image index: manifests: missing" },
    { "{'schemaVersion': 2, 'manifests': 'x'}", "image index: manifests: expected an array" },
    { "{'schemaVersion': 2, 'mediaType': '" VS_MT_OCI_MANIFEST "', 'manifests': []}",
      "\"" VS_MT_OCI_MANIFEST "\" is a manifest, not an index" },
    { "{'schemaVersion': 2, " M_CFG ", 'layers': []}", "this is a manifest (it has \"layers\"), not an index" },
    { I_HEAD "{'mediaType': 'a/b', 'digest': '" DA "', 'size': -2}]}", "image index: manifests[0].size: negative size" },
    { I_HEAD I_ENTRY ("{'os': 'linux'}") "]}", "image index: manifests[0].platform.architecture: missing" },
    { I_HEAD I_ENTRY ("{'architecture': 'amd64'}") "]}", "image index: manifests[0].platform.os: missing" },
    { I_HEAD I_ENTRY ("{'architecture': 'amd64', 'os': 1}") "]}",
      "image index: manifests[0].platform.os: expected a string" },
    { I_HEAD I_ENTRY ("'linux/amd64'") "]}", "image index: manifests[0].platform: expected an object" },
    { I_HEAD I_ENTRY ("{'architecture': 'amd64', 'os': 'linux', 'variant': 3}") "]}",
      "manifests[0].platform.variant: expected a string" },
    { I_HEAD I_ENTRY ("{'architecture': 'amd/64', 'os': 'linux'}") "]}",
      "manifests[0].platform.architecture: invalid value \"amd/64\"" },
    { I_HEAD I_ENTRY ("{'architecture': '', 'os': 'linux'}") "]}", "manifests[0].platform.architecture: invalid value" },
    { I_HEAD I_ENTRY ("{'architecture': 'amd64', 'os': 'linux'}") ", {'mediaType': 'a/b', 'digest': 'sha256:', "
      "'size': 1}]}", "image index: manifests[1].digest: invalid digest" },
  };
  (void) state;
  for (size_t i = 0; i < N_ELEMS (bad); i++)
    expect_doc_fail (K_INDEX, bad[i].json, bad[i].needle);
}

static void
test_index_pick (void **state)
{
  vs_index ix;
  vs_error err = { 0 };
  const vs_descriptor *d;
  (void) state;

  parse_index_ok (index_json, &ix);
  d = vs_index_pick (&ix, "linux/amd64", &err);
  assert_non_null (d);
  assert_string_equal (d->digest, DA);
  d = vs_index_pick (&ix, "linux/x86_64", &err); /* uname's spelling */
  assert_non_null (d);
  assert_string_equal (d->digest, DA);
  d = vs_index_pick (&ix, "linux/arm/v6", &err);
  assert_non_null (d);
  assert_string_equal (d->digest, DB);
  d = vs_index_pick (&ix, "linux/arm", &err); /* default v7 preferred over the earlier v6 */
  assert_non_null (d);
  assert_string_equal (d->digest, DC);
  d = vs_index_pick (&ix, "linux/arm64", &err); /* arm64 means v8 */
  assert_non_null (d);
  assert_string_equal (d->digest, D_ABC);
  d = vs_index_pick (&ix, "linux/arm64/v8", &err);
  assert_non_null (d);
  assert_string_equal (d->digest, D_ABC);
  d = vs_index_pick (&ix, "windows/amd64", &err);
  assert_non_null (d);
  assert_int_equal (d->size, 104);

  d = vs_index_pick (&ix, "linux/s390x", &err);
  assert_null (d);
  assert_msg_contains (err, "no image for platform \"linux/s390x\"");
  assert_msg_contains (err, "linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64/v8, windows/amd64");
  if (strstr (err.msg, "unknown") != NULL)
    fail_msg ("attestation entries listed: %s", err.msg);
  assert_one_line (err);
  d = vs_index_pick (&ix, "linux/arm/v5", &err); /* an explicit variant does not fall back */
  assert_null (d);
  assert_msg_contains (err, "linux/arm/v5");
  d = vs_index_pick (&ix, "linux/amd64/v3", &err);
  assert_null (d);

  static const char *const bad_platforms[] = { "linux", "", "linux/", "/amd64", "linux//v8", "a/b/c/d", "linux/amd64/" };
  for (size_t i = 0; i < N_ELEMS (bad_platforms); i++)
    {
      assert_null (vs_index_pick (&ix, bad_platforms[i], &err));
      assert_msg_contains (err, "invalid platform \"");
      assert_msg_contains (err, "expected os/arch");
    }
  vs_index_free (&ix);

  /* variant absent in the index: arm64/v8 matches it, arm64 with no variant
   * is preferred over an explicit non-default one; and the fallback to any
   * variant when none was asked for */
  parse_index_ok ("{'schemaVersion': 2, 'manifests': ["
                  " {'mediaType': 'a/b', 'digest': '" DA "', 'size': 1, 'platform': {'os': 'linux', 'architecture': 'arm64', 'variant': 'v9'}},"
                  " {'mediaType': 'a/b', 'digest': '" DB "', 'size': 2, 'platform': {'os': 'linux', 'architecture': 'arm64'}},"
                  " {'mediaType': 'a/b', 'digest': '" DC "', 'size': 3, 'platform': {'os': 'linux', 'architecture': 'riscv64', 'variant': 'rva22'}},"
                  " {'mediaType': 'a/b', 'digest': '" DC "', 'size': 4}]}",
                  &ix);
  d = vs_index_pick (&ix, "linux/arm64", &err);
  assert_non_null (d);
  assert_string_equal (d->digest, DB);
  d = vs_index_pick (&ix, "linux/aarch64", &err);
  assert_non_null (d);
  assert_string_equal (d->digest, DB);
  d = vs_index_pick (&ix, "linux/arm64/v8", &err);
  assert_non_null (d);
  assert_string_equal (d->digest, DB);
  d = vs_index_pick (&ix, "linux/arm64/v9", &err);
  assert_non_null (d);
  assert_string_equal (d->digest, DA);
  d = vs_index_pick (&ix, "linux/riscv64", &err);
  assert_non_null (d);
  assert_int_equal (d->size, 3);
  vs_index_free (&ix);

  /* nothing platform-specific at all */
  parse_index_ok ("{'schemaVersion': 2, 'manifests': []}", &ix);
  assert_null (vs_index_pick (&ix, "linux/amd64", &err));
  assert_msg_contains (err, "no platform-specific entries");
  vs_index_free (&ix);
}

static void
test_platform_default (void **state)
{
  const char *p = vs_platform_default ();
  (void) state;
  assert_non_null (p);
  assert_true (strncmp (p, "linux/", 6) == 0);
#if defined(__x86_64__)
  assert_string_equal (p, "linux/amd64");
#elif defined(__aarch64__)
  assert_string_equal (p, "linux/arm64");
#endif
  assert_ptr_equal (p, vs_platform_default ());
}

/* -------------------------------------------------------------- configs */

static const char config_json[] =
  "{'architecture': 'arm64', 'os': 'linux', 'variant': 'v8',"
  " 'created': '2023-05-01T12:34:56.123456789Z', 'author': 'Jane <j@example.org>',"
  " 'config': {'Env': ['PATH=/usr/bin:/bin'], 'Cmd': ['sh'], 'WorkingDir': '/w',"
  "            'Labels': {'a': 'b'}, 'ExposedPorts': {'80/tcp': {}}},"
  " 'container_config': {'Cmd': ['ignored']},"
  " 'rootfs': {'type': 'layers', 'diff_ids': ['" DA "', '" DB "']},"
  " 'history': ["
  "   {'created': '2023-05-01T12:34:56+02:00', 'created_by': '/bin/sh -c #(nop) ADD file:x in /',"
  "    'author': 'x'},"
  "   {'created': '2024-02-29T23:59:59-05:30', 'created_by': 'CMD [\\'sh\\']', 'empty_layer': true,"
  "    'comment': 'buildkit.dockerfile.v0'},"
  "   {'created_by': 'RUN true', 'empty_layer': false},"
  "   {}"
  " ]}";

static void
parse_config_ok (const char *sq, vs_image_config *c)
{
  char *text = J (sq);
  vs_error err = { 0 };
  int r = vs_image_config_parse (text, strlen (text), c, &err);
  if (r < 0)
    fail_msg ("vs_image_config_parse failed: %s", err.msg);
}

static void
test_config_valid (void **state)
{
  vs_image_config c;
  (void) state;

  parse_config_ok (config_json, &c);
  assert_string_equal (c.os, "linux");
  assert_string_equal (c.arch, "arm64");
  assert_string_equal (c.variant, "v8");
  assert_int_equal (c.created, 1682944496); /* date -u -d 2023-05-01T12:34:56Z +%s */
  assert_string_equal (c.author, "Jane <j@example.org>");
  assert_int_equal (c.n_diff_ids, 2);
  assert_string_equal (c.diff_ids[0], DA);
  assert_string_equal (c.diff_ids[1], DB);
  assert_int_equal (c.n_history, 4);
  assert_int_equal (c.history[0].created, 1682937296); /* 12:34:56+02:00 */
  assert_string_equal (c.history[0].created_by, "/bin/sh -c #(nop) ADD file:x in /");
  assert_null (c.history[0].comment);
  assert_false (c.history[0].empty_layer);
  assert_int_equal (c.history[1].created, 1709270999); /* 2024-02-29T23:59:59-05:30 */
  assert_string_equal (c.history[1].created_by, "CMD [\"sh\"]");
  assert_string_equal (c.history[1].comment, "buildkit.dockerfile.v0");
  assert_true (c.history[1].empty_layer);
  assert_int_equal (c.history[2].created, 0);
  assert_false (c.history[2].empty_layer);
  assert_null (c.history[3].created_by);
  assert_string_equal (c.container_config_json,
                       "{\"Env\":[\"PATH=/usr/bin:/bin\"],\"Cmd\":[\"sh\"],\"WorkingDir\":\"/w\","
                       "\"Labels\":{\"a\":\"b\"},\"ExposedPorts\":{\"80/tcp\":{}}}");
  vs_image_config_free (&c);
  assert_null (c.os);

  /* minimal: no created, no history, no config, no layers; go's zero time */
  parse_config_ok ("{'architecture': 'amd64', 'os': 'linux', 'rootfs': {'type': 'layers', 'diff_ids': []},"
                   " 'config': null, 'variant': '', 'created': '0001-01-01T00:00:00Z'}",
                   &c);
  assert_null (c.variant);
  assert_int_equal (c.n_diff_ids, 0);
  assert_int_equal (c.n_history, 0);
  assert_null (c.container_config_json);
  assert_null (c.author);
  assert_true (c.created == INT64_C (-62135596800));
  vs_image_config_free (&c);

  static const struct
  {
    const char *t;
    int64_t want;
  } times[] = {
    { "1970-01-01T00:00:00Z", 0 },
    { "1970-01-01T00:00:00.999999999Z", 0 },
    { "1970-01-01t01:00:00+01:00", 0 },
    { "2000-02-29T00:00:00Z", 951782400 },
    { "2038-01-19T03:14:08Z", INT64_C (2147483648) },
    { "1969-12-31T23:59:59z", -1 },
  };
  for (size_t i = 0; i < N_ELEMS (times); i++)
    {
      char buf[256];
      snprintf (buf, sizeof buf, "{'architecture': 'amd64', 'os': 'linux', 'created': '%s',"
                " 'rootfs': {'type': 'layers', 'diff_ids': []}}", times[i].t);
      parse_config_ok (buf, &c);
      if (c.created != times[i].want)
        fail_msg ("%s: got %" PRId64 ", want %" PRId64, times[i].t, c.created, times[i].want);
      vs_image_config_free (&c);
    }
  vs_image_config_free (NULL);
}

#define C_OK_ROOTFS "'rootfs': {'type': 'layers', 'diff_ids': ['" DA "']}"
#define C_HEAD "{'architecture': 'amd64', 'os': 'linux', "

static void
test_config_invalid (void **state)
{
  static const struct
  {
    const char *json, *needle;
  } bad[] = {
    { "{", "image config: invalid JSON" },
    { "null", "image config: invalid JSON" },
    { "[{}]", "image config: expected a JSON object" },
    { "{'os': 'linux', " C_OK_ROOTFS "}", "image config: architecture: missing" },
    { "{'architecture': 'amd64', " C_OK_ROOTFS "}", "image config: os: missing" },
    { "{'architecture': 64, 'os': 'linux', " C_OK_ROOTFS "}", "image config: architecture: expected a string" },
    { "{'architecture': '', 'os': 'linux', " C_OK_ROOTFS "}", "image config: architecture: invalid value \"\"" },
    { "{'architecture': 'amd64', 'os': 'lin ux', " C_OK_ROOTFS "}", "image config: os: invalid value \"lin ux\"" },
    { C_HEAD "'variant': ['v8'], " C_OK_ROOTFS "}", "image config: variant: expected a string" },
    { C_HEAD "'created': 5, " C_OK_ROOTFS "}", "image config: created: expected a string" },
    { C_HEAD "'created': 'yesterday', " C_OK_ROOTFS "}", "image config: created: invalid time \"yesterday\"" },
    { C_HEAD "'created': '2023-05-01T12:34:56', " C_OK_ROOTFS "}", "created: invalid time" },  /* no zone */
    { C_HEAD "'created': '2023-13-01T12:34:56Z', " C_OK_ROOTFS "}", "created: invalid time" },
    { C_HEAD "'created': '2023-02-29T12:34:56Z', " C_OK_ROOTFS "}", "created: invalid time" }, /* not a leap year */
    { C_HEAD "'created': '2023-05-01T24:00:00Z', " C_OK_ROOTFS "}", "created: invalid time" },
    { C_HEAD "'created': '2023-05-01T12:34:56.Z', " C_OK_ROOTFS "}", "created: invalid time" },
    { C_HEAD "'created': '2023-05-01T12:34:56+0200', " C_OK_ROOTFS "}", "created: invalid time" },
    { C_HEAD "'created': '2023-05-01T12:34:56Zjunk', " C_OK_ROOTFS "}", "created: invalid time" },
    { C_HEAD "'created': '23-05-01T12:34:56Z', " C_OK_ROOTFS "}", "created: invalid time" },
    { C_HEAD "'author': {}, " C_OK_ROOTFS "}", "image config: author: expected a string" },
    { C_HEAD "'os': 'linux'}", "duplicate" },
    { "{'architecture': 'amd64', 'os': 'linux'}", "image config: rootfs: missing" },
    { C_HEAD "'rootfs': []}", "image config: rootfs: expected an object" },
    { C_HEAD "'rootfs': {'diff_ids': []}}", "image config: rootfs.type: missing" },
    { C_HEAD "'rootfs': {'type': 'layered', 'diff_ids': []}}", "image config: rootfs.type: unsupported value \"layered\"" },
    { C_HEAD "'rootfs': {'type': 'layers'}}", "image config: rootfs.diff_ids: missing" },
    { C_HEAD "'rootfs': {'type': 'layers', 'diff_ids': '" DA "'}}", "image config: rootfs.diff_ids: expected an array" },
    { C_HEAD "'rootfs': {'type': 'layers', 'diff_ids': ['" DA "', 7]}}", "image config: rootfs.diff_ids[1]: expected a string" },
    { C_HEAD "'rootfs': {'type': 'layers', 'diff_ids': ['" DA "', 'sha256:" HEX64 "0']}}",
      "image config: rootfs.diff_ids[1]: invalid digest" },
    { C_HEAD "'rootfs': {'type': 'layers', 'diff_ids': ['sha384:" HEX64 "']}}",
      "rootfs.diff_ids[0]: invalid digest \"sha384:" },
    { C_HEAD C_OK_ROOTFS ", 'history': {}}", "image config: history: expected an array" },
    { C_HEAD C_OK_ROOTFS ", 'history': [{}, 'x']}", "image config: history[1]: expected an object" },
    { C_HEAD C_OK_ROOTFS ", 'history': [{'created': 'soon'}]}", "image config: history[0].created: invalid time \"soon\"" },
    { C_HEAD C_OK_ROOTFS ", 'history': [{'created_by': 1}]}", "image config: history[0].created_by: expected a string" },
    { C_HEAD C_OK_ROOTFS ", 'history': [{'comment': false}]}", "image config: history[0].comment: expected a string" },
    { C_HEAD C_OK_ROOTFS ", 'history': [{'empty_layer': 'yes'}]}", "image config: history[0].empty_layer: expected true or false" },
    { C_HEAD C_OK_ROOTFS ", 'config': ['sh']}", "image config: config: expected an object" },
  };
  (void) state;
  for (size_t i = 0; i < N_ELEMS (bad); i++)
    expect_doc_fail (K_CONFIG, bad[i].json, bad[i].needle);
}

/* ----------------------------------------------------------- chain ids */

static void
test_chain_ids (void **state)
{
  char *ids[] = { DA, DB, DC };
  char out[3][72];
  (void) state;

  vs_chain_ids (ids, 3, out);
  assert_string_equal (out[0], DA);
  assert_string_equal (out[1], CHAIN_AB);
  assert_string_equal (out[2], CHAIN_ABC);

  /* the rule itself, checked against vs_sha256_buf */
  {
    char want[VS_DIGEST_LEN + 1];
    const char *s = DA " " DB;
    vs_sha256_buf (s, strlen (s), want);
    assert_string_equal (want, CHAIN_AB);
  }

  vs_chain_ids (ids, 1, out);
  assert_string_equal (out[0], DA);
  vs_chain_ids (ids, 0, out); /* no layers: nothing written */
}

/* --------------------------------------------------------------- build */

static void
test_manifest_build (void **state)
{
  vs_manifest m, back;
  vs_error err = { 0 };
  char *json, *json2;
  (void) state;

  parse_manifest_ok (OCI_MANIFEST, &m);
  json = vs_manifest_build (&m);
  assert_non_null (json);
  /* deterministic, compact, fixed key order; annotations are not kept */
  assert_string_equal (json, "{\"schemaVersion\":2,\"mediaType\":\"" VS_MT_OCI_MANIFEST "\","
                             "\"config\":{\"mediaType\":\"" VS_MT_OCI_CONFIG "\",\"digest\":\"" DA "\",\"size\":1469},"
                             "\"layers\":[{\"mediaType\":\"" VS_MT_OCI_LAYER_GZIP "\",\"digest\":\"" DB "\",\"size\":2818413},"
                             "{\"mediaType\":\"" VS_MT_OCI_LAYER_ZSTD "\",\"digest\":\"" DC "\",\"size\":0}]}");

  assert_int_equal (vs_manifest_parse (json, strlen (json), &back, &err), 0);
  assert_string_equal (back.media_type, m.media_type);
  assert_string_equal (back.config.digest, m.config.digest);
  assert_string_equal (back.config.media_type, m.config.media_type);
  assert_int_equal (back.config.size, m.config.size);
  assert_int_equal (back.n_layers, m.n_layers);
  for (size_t i = 0; i < m.n_layers; i++)
    {
      assert_string_equal (back.layers[i].digest, m.layers[i].digest);
      assert_string_equal (back.layers[i].media_type, m.layers[i].media_type);
      assert_int_equal (back.layers[i].size, m.layers[i].size);
    }
  assert_string_equal (vs_manifest_kind (json, strlen (json), VS_MT_OCI_MANIFEST, &err), VS_MT_OCI_MANIFEST);
  json2 = vs_manifest_build (&back);
  assert_string_equal (json, json2); /* stable */
  free (json2);
  vs_manifest_free (&back);
  free (json);
  vs_manifest_free (&m);

  /* built by hand, without a media type: OCI; no layers */
  {
    vs_manifest h = { 0 };
    h.config.media_type = (char *) VS_MT_OCI_CONFIG;
    h.config.digest = (char *) DC;
    h.config.size = 42;
    json = vs_manifest_build (&h);
    assert_non_null (json);
    assert_string_equal (json, "{\"schemaVersion\":2,\"mediaType\":\"" VS_MT_OCI_MANIFEST "\",\"config\":{"
                               "\"mediaType\":\"" VS_MT_OCI_CONFIG "\",\"digest\":\"" DC "\",\"size\":42},\"layers\":[]}");
    assert_int_equal (vs_manifest_parse (json, strlen (json), &back, &err), 0);
    assert_int_equal (back.n_layers, 0);
    vs_manifest_free (&back);
    free (json);

    /* an incomplete descriptor cannot be serialized */
    h.config.digest = NULL;
    assert_null (vs_manifest_build (&h));
  }
}

/* Runs last: parse-and-free many times, then ask LeakSanitizer right now
 * (all the earlier tests' parses and error paths are included). */
static void
test_no_leaks (void **state)
{
  (void) state;
  for (int i = 0; i < 20; i++)
    {
      vs_manifest m;
      vs_index ix;
      vs_image_config c;
      parse_manifest_ok (OCI_MANIFEST, &m);
      vs_manifest_free (&m);
      parse_index_ok (index_json, &ix);
      vs_index_free (&ix);
      parse_config_ok (config_json, &c);
      vs_image_config_free (&c);
    }
#ifdef HAVE_LSAN_INTERFACE
  assert_int_equal (__lsan_do_recoverable_leak_check (), 0);
#else
  skip ();
#endif
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_sha256_vectors),
    cmocka_unit_test (test_sha256_streaming),
    cmocka_unit_test (test_digest_valid),
    cmocka_unit_test (test_ref_valid),
    cmocka_unit_test (test_ref_invalid),
    cmocka_unit_test (test_ref_name_too_long),
    cmocka_unit_test (test_ref_names),
    cmocka_unit_test (test_ref_familiar),
    cmocka_unit_test (test_ref_is_id_prefix),
    cmocka_unit_test (test_manifest_valid),
    cmocka_unit_test (test_manifest_invalid),
    cmocka_unit_test (test_manifest_kind),
    cmocka_unit_test (test_index_valid),
    cmocka_unit_test (test_index_invalid),
    cmocka_unit_test (test_index_pick),
    cmocka_unit_test (test_platform_default),
    cmocka_unit_test (test_config_valid),
    cmocka_unit_test (test_config_invalid),
    cmocka_unit_test (test_chain_ids),
    cmocka_unit_test (test_manifest_build),
    cmocka_unit_test (test_no_leaks),
  };
  return cmocka_run_group_tests_name ("image-parse", tests, NULL, NULL);
}
