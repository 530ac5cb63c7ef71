/* test-registry.c — the registry client and auth.json.
 *
 * WWW-Authenticate parsing and auth.json handling are tested directly; the
 * HTTP client against tests/helpers/fake-registry.py, a stdlib-only Python
 * server on 127.0.0.1 that this test starts and stops (it also exits by
 * itself when its stdin closes or after 60 s).  Its commands (stdin lines)
 * switch authentication modes and inject faults: dropped connections
 * mid-blob, 500s, redirects to a second "storage" port, Range ignored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../../src/basic/cleanup.h"
#include "../../src/basic/error.h"
#include "../../src/image/auth.h"
#include "../../src/image/registry.h"
#include "unit-util.h"

/* ---- WWW-Authenticate ---------------------------------------------------- */

static void
test_challenge_bearer (void **state)
{
  (void) state;
  vs_challenge c;
  vs_error err = { 0 };

  assert_int_equal (vs_challenge_parse ("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                                        "scope=\"repository:library/busybox:pull\"",
                                        &c, &err),
                    0);
  assert_int_equal (c.scheme, VS_AUTH_BEARER);
  assert_string_equal (c.realm, "https://auth.docker.io/token");
  assert_string_equal (c.service, "registry.docker.io");
  assert_string_equal (c.scope, "repository:library/busybox:pull");
  vs_challenge_free (&c);

  /* commas inside quotes, spaces around '=', case, escapes, extra params */
  assert_int_equal (vs_challenge_parse ("  bEaReR  realm = \"http://h:1/t?a=1,b=2\" , SERVICE=\"a, \\\"b\\\"\","
                                        "scope=\"repository:x/y:pull,push\",error=\"insufficient_scope\"",
                                        &c, &err),
                    0);
  assert_string_equal (c.realm, "http://h:1/t?a=1,b=2");
  assert_string_equal (c.service, "a, \"b\"");
  assert_string_equal (c.scope, "repository:x/y:pull,push");
  vs_challenge_free (&c);

  /* missing fields are NULL; bare values */
  assert_int_equal (vs_challenge_parse ("Bearer realm=https://r/token", &c, &err), 0);
  assert_string_equal (c.realm, "https://r/token");
  assert_null (c.service);
  assert_null (c.scope);
  vs_challenge_free (&c);

  /* a second challenge in the same header ends the first */
  assert_int_equal (vs_challenge_parse ("Bearer realm=\"https://r/t\",service=s, Basic realm=\"x\"", &c, &err), 0);
  assert_string_equal (c.service, "s");
  vs_challenge_free (&c);
}

static void
test_challenge_basic_and_bad (void **state)
{
  (void) state;
  vs_challenge c;
  vs_error err = { 0 };

  assert_int_equal (vs_challenge_parse ("Basic realm=\"Registry Realm\"", &c, &err), 0);
  assert_int_equal (c.scheme, VS_AUTH_BASIC);
  assert_string_equal (c.realm, "Registry Realm");
  vs_challenge_free (&c);
  assert_int_equal (vs_challenge_parse ("basic", &c, &err), 0);
  assert_int_equal (c.scheme, VS_AUTH_BASIC);
  assert_null (c.realm);
  vs_challenge_free (&c);

  assert_true (vs_challenge_parse ("Negotiate abc", &c, &err) < 0);
  assert_msg_contains (err, "unsupported scheme `Negotiate`");
  assert_one_line (err);
  assert_true (vs_challenge_parse ("", &c, &err) < 0);
  assert_true (vs_challenge_parse (NULL, &c, &err) < 0);
  assert_true (vs_challenge_parse ("Bearer service=\"x\"", &c, &err) < 0);
  assert_msg_contains (err, "without realm");
  assert_true (vs_challenge_parse ("Bearer realm=\"file:///etc/passwd\"", &c, &err) < 0);
  assert_msg_contains (err, "not an http(s) URL");
  assert_true (vs_challenge_parse ("Bearer realm=\"https://x", &c, &err) < 0);
  assert_msg_contains (err, "unterminated");
  assert_true (vs_challenge_parse ("Bearer =x", &c, &err) < 0);
  assert_msg_contains (err, "expected name=value");
}

/* ---- auth.json ------------------------------------------------------------- */

static char *
make_tmpdir (void)
{
  char *d = strdup ("/tmp/vessel-unit-registry.XXXXXX");
  assert_non_null (d);
  assert_non_null (mkdtemp (d));
  return d;
}

static void
test_auth_file (void **state)
{
  (void) state;
  char *dir = make_tmpdir ();
  const char *path = pathf ("%s/sub/containers/auth.json", dir);
  vs_error err = { 0 };
  char *u = NULL, *p = NULL;
  struct stat st;

  /* nothing there yet */
  assert_int_equal (vs_auth_get (path, "example.com", &u, &p, &err), 0);
  assert_int_equal (vs_auth_remove (path, "example.com", &err), 0);

  /* every base64 padding length, a ':' in the password */
  const char *pw[] = { "p", "pa", "pas", "pa:ss", "" };
  for (size_t i = 0; i < ARRAY_SIZE (pw); i++)
    {
      assert_int_equal (vs_auth_set (path, "example.com", "me", pw[i], &err), 0);
      assert_int_equal (vs_auth_get (path, "example.com", &u, &p, &err), 1);
      assert_string_equal (u, "me");
      assert_string_equal (p, pw[i]);
      free (u);
      free (p);
    }
  assert_int_equal (stat (path, &st), 0);
  assert_int_equal (st.st_mode & 07777, 0600);
  assert_int_equal (stat (pathf ("%s/sub/containers", dir), &st), 0);
  assert_int_equal (st.st_mode & 07777, 0700);
  assert_false (exists (pathf ("%s.tmp", path)));

  /* other entries and top-level keys survive */
  write_text (path, "{\"auths\": {\"other.io\": {\"auth\": \"dTpw\"}, \"https://index.docker.io/v1/\": "
                    "{\"auth\": \"aHViOnNlY3JldA==\"}}, \"credHelpers\": {\"x.io\": \"pass\"}}");
  assert_int_equal (vs_auth_set (path, "localhost:5000", "alice", "wonder land", &err), 0);
  const char *text = read_text (path);
  assert_non_null (strstr (text, "credHelpers"));
  assert_non_null (strstr (text, "other.io"));
  assert_int_equal (vs_auth_get (path, "other.io", &u, &p, &err), 1);
  assert_string_equal (u, "u");
  assert_string_equal (p, "p");
  free (u);
  free (p);
  /* docker's key for Docker Hub answers for docker.io */
  assert_int_equal (vs_auth_get (path, "docker.io", &u, &p, &err), 1);
  assert_string_equal (u, "hub");
  assert_string_equal (p, "secret");
  free (u);
  free (p);
  assert_int_equal (vs_auth_get (path, "localhost:5000", &u, &p, &err), 1);
  assert_string_equal (p, "wonder land");
  free (u);
  free (p);
  assert_int_equal (vs_auth_get (path, "nope.io", &u, &p, &err), 0);

  assert_int_equal (vs_auth_remove (path, "localhost:5000", &err), 1);
  assert_int_equal (vs_auth_remove (path, "localhost:5000", &err), 0);
  assert_int_equal (vs_auth_get (path, "localhost:5000", &u, &p, &err), 0);
  assert_int_equal (vs_auth_get (path, "other.io", &u, &p, &err), 1);
  free (u);
  free (p);
  assert_non_null (strstr (read_text (path), "credHelpers"));
  assert_int_equal (stat (path, &st), 0);
  assert_int_equal (st.st_mode & 07777, 0600);

  /* malformed: every call names the file */
  write_text (path, "{\"auths\": {");
  assert_true (vs_auth_get (path, "x", &u, &p, &err) < 0);
  assert_msg_contains (err, path);
  assert_msg_contains (err, "malformed JSON");
  assert_one_line (err);
  assert_true (vs_auth_set (path, "x", "a", "b", &err) < 0);
  assert_msg_contains (err, path);
  assert_true (vs_auth_remove (path, "x", &err) < 0);
  assert_msg_contains (err, path);
  assert_string_equal (read_text (path), "{\"auths\": {");
  write_text (path, "{\"auths\": []}");
  assert_true (vs_auth_get (path, "x", &u, &p, &err) < 0);
  assert_msg_contains (err, "\"auths\" is not an object");
  write_text (path, "{\"auths\": {\"x\": {\"auth\": \"!!!!\"}}}");
  assert_true (vs_auth_get (path, "x", &u, &p, &err) < 0);
  assert_msg_contains (err, "not base64");
  assert_true (vs_auth_set (path, "x", "a:b", "c", &err) < 0);

  rm_tree (dir);
  free (dir);
}

static void
test_auth_path (void **state)
{
  (void) state;
  char *saved_raf = getenv ("REGISTRY_AUTH_FILE") ? strdup (getenv ("REGISTRY_AUTH_FILE")) : NULL;
  char *saved_xdg = getenv ("XDG_RUNTIME_DIR") ? strdup (getenv ("XDG_RUNTIME_DIR")) : NULL;
  char *s;

  setenv ("REGISTRY_AUTH_FILE", "/x/auth.json", 1);
  s = vs_auth_path ();
  assert_string_equal (s, "/x/auth.json");
  free (s);
  unsetenv ("REGISTRY_AUTH_FILE");
  setenv ("XDG_RUNTIME_DIR", "/run/user/7", 1);
  s = vs_auth_path ();
  assert_string_equal (s, "/run/user/7/containers/auth.json");
  free (s);
  unsetenv ("XDG_RUNTIME_DIR");
  s = vs_auth_path ();
  assert_string_equal (s, pathf ("/run/containers/%u/auth.json", (unsigned) getuid ()));
  free (s);
  if (saved_raf)
    setenv ("REGISTRY_AUTH_FILE", saved_raf, 1);
  if (saved_xdg)
    setenv ("XDG_RUNTIME_DIR", saved_xdg, 1);
  free (saved_raf);
  free (saved_xdg);
}

/* ---- the fake registry ------------------------------------------------------ */

typedef struct fake
{
  pid_t pid;
  FILE *in, *out;
  int port, storage_port;
  char host[64];
  char *dir;
} fake;

static fake srv = { .pid = -1 };

static const char *
script_path (void)
{
  static char buf[PATH_MAX];
  char exe[PATH_MAX];
  ssize_t n;

  if (access ("tests/helpers/fake-registry.py", R_OK) == 0)
    return "tests/helpers/fake-registry.py";
  /* build/asan/tests/test-registry -> the source tree three levels up */
  n = readlink ("/proc/self/exe", exe, sizeof exe - 1);
  if (n < 0)
    return NULL;
  exe[n] = '\0';
  for (int i = 0; i < 4; i++)
    {
      char *slash = strrchr (exe, '/');
      if (slash == NULL)
        return NULL;
      *slash = '\0';
    }
  snprintf (buf, sizeof buf, "%s/tests/helpers/fake-registry.py", exe);
  return access (buf, R_OK) == 0 ? buf : NULL;
}

/* Send one command line; the server's one-line answer (static). */
static const char *
cmd (const char *fmt, ...)
{
  static char line[4096];
  va_list ap;
  va_start (ap, fmt);
  vfprintf (srv.in, fmt, ap);
  va_end (ap);
  fputc ('\n', srv.in);
  fflush (srv.in);
  if (fgets (line, sizeof line, srv.out) == NULL)
    fail_msg ("fake registry died");
  line[strcspn (line, "\n")] = '\0';
  return line;
}

static long
stat_of (const char *name)
{
  const char *s = cmd ("stats");
  char key[64];
  snprintf (key, sizeof key, "\"%s\": ", name);
  const char *p = strstr (s, key);
  assert_non_null (p);
  return strtol (p + strlen (key), NULL, 10);
}

static int
server_up (void **state)
{
  (void) state;
  const char *script = script_path ();
  int to[2], from[2];

  if (script == NULL || access ("/usr/bin/python3", X_OK) != 0)
    return 0; /* tests skip */
  assert_int_equal (pipe2 (to, O_CLOEXEC), 0);
  assert_int_equal (pipe2 (from, O_CLOEXEC), 0);
  srv.pid = fork ();
  assert_true (srv.pid >= 0);
  if (srv.pid == 0)
    {
      dup2 (to[0], 0);
      dup2 (from[1], 1);
      execl ("/usr/bin/python3", "python3", script, (char *) NULL);
      _exit (127);
    }
  close (to[0]);
  close (from[1]);
  srv.in = fdopen (to[1], "w");
  srv.out = fdopen (from[0], "r");
  assert_non_null (srv.in);
  assert_non_null (srv.out);
  char line[128];
  if (fgets (line, sizeof line, srv.out) == NULL || sscanf (line, "%d %d", &srv.port, &srv.storage_port) != 2)
    fail_msg ("fake registry did not start");
  snprintf (srv.host, sizeof srv.host, "127.0.0.1:%d", srv.port);
  srv.dir = make_tmpdir ();
  return 0;
}

static int
server_down (void **state)
{
  (void) state;
  if (srv.pid > 0)
    {
      int status;
      fclose (srv.in); /* the server exits when its stdin closes */
      for (int i = 0; i < 100 && waitpid (srv.pid, &status, WNOHANG) == 0; i++)
        usleep (50 * 1000);
      if (waitpid (srv.pid, &status, WNOHANG) == 0)
        {
          kill (srv.pid, SIGKILL);
          waitpid (srv.pid, &status, 0);
        }
      fclose (srv.out);
      srv.pid = -1;
    }
  if (srv.dir)
    {
      rm_tree (srv.dir);
      free (srv.dir);
      srv.dir = NULL;
    }
  return 0;
}

#define NEED_SERVER()                                                                                   \
  do                                                                                                    \
    {                                                                                                   \
      if (srv.pid <= 0)                                                                                 \
        skip ();                                                                                        \
    }                                                                                                   \
  while (0)

static void
reset_server (void)
{
  assert_string_equal (cmd ("auth none"), "ok");
  assert_string_equal (cmd ("redirect off"), "ok");
  assert_string_equal (cmd ("tokenkey token"), "ok");
  assert_string_equal (cmd ("drop 0"), "ok");
  assert_string_equal (cmd ("fail500 0"), "ok");
  assert_string_equal (cmd ("ignorerange 0"), "ok");
}

static vs_registry *
open_reg (const char *user, const char *pass)
{
  vs_registry_opts o = { .tls_verify = false, .username = user, .password = pass, .user_agent = "vessel-test" };
  vs_registry *r = NULL;
  vs_error err = { 0 };
  if (vs_registry_open (srv.host, &o, &r, &err) < 0)
    fail_msg ("open: %s", err.msg);
  return r;
}

static char *
hex (const unsigned char *data, size_t len)
{
  char *h = malloc (2 * len + 1);
  assert_non_null (h);
  for (size_t i = 0; i < len; i++)
    sprintf (h + 2 * i, "%02x", data[i]);
  h[2 * len] = '\0';
  return h;
}

static void
sha256 (const void *data, size_t len, char out[72])
{
  unsigned char md[32];
  unsigned int n = 0;
  EVP_Digest (data, len, md, &n, EVP_sha256 (), NULL);
  char *h = hex (md, 32);
  snprintf (out, 72, "sha256:%s", h);
  free (h);
}

static unsigned char *
pattern (size_t len, unsigned seed)
{
  unsigned char *b = malloc (len);
  assert_non_null (b);
  for (size_t i = 0; i < len; i++)
    {
      seed = seed * 1103515245u + 12345u;
      b[i] = (unsigned char) (seed >> 16);
    }
  return b;
}

/* Store a blob in REPO on the server; its digest in d. */
static void
server_blob (const char *repo, const unsigned char *data, size_t len, char d[72])
{
  char *h = hex (data, len);
  sha256 (data, len, d);
  assert_string_equal (cmd ("blob %s %s", repo, h), d);
  free (h);
}

static bool
file_equals (int fd, const unsigned char *data, size_t len)
{
  struct stat st;
  unsigned char *b;
  bool same;
  if (fstat (fd, &st) < 0 || (size_t) st.st_size != len)
    return false;
  b = malloc (len ? len : 1);
  same = pread (fd, b, len, 0) == (ssize_t) len && memcmp (b, data, len) == 0;
  free (b);
  return same;
}

static int
tmpfile_fd (void)
{
  int fd = open (srv.dir, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
  assert_true (fd >= 0);
  return fd;
}

static const char manifest_json[] = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}";
#define OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"

static void
test_manifest_anonymous (void **state)
{
  (void) state;
  NEED_SERVER ();
  reset_server ();
  vs_registry *r = open_reg (NULL, NULL);
  vs_error err = { 0 };
  char *body = NULL, *ct = NULL, d[72], want[72];
  size_t len = 0;
  char *h = hex ((const unsigned char *) manifest_json, strlen (manifest_json));

  sha256 (manifest_json, strlen (manifest_json), want);
  assert_string_equal (cmd ("put lib/app v1 %s %s", OCI_MANIFEST, h), want);
  assert_int_equal (vs_registry_ping (r, &err), 0);
  assert_int_equal (vs_registry_get_manifest (r, "lib/app", "v1", &body, &len, &ct, d, &err), 0);
  assert_int_equal (len, strlen (manifest_json));
  assert_memory_equal (body, manifest_json, len);
  assert_string_equal (ct, OCI_MANIFEST);
  assert_string_equal (d, want);
  free (body);
  free (ct);

  /* a tampered manifest under a digest it does not have */
  assert_string_equal (cmd ("put lib/app %s %s %s", "sha256:0000000000000000000000000000000000000000000000000000000000000000",
                            OCI_MANIFEST, h),
                       want);
  assert_true (vs_registry_get_manifest (r, "lib/app", "sha256:0000000000000000000000000000000000000000000000000000000000000000",
                                         &body, &len, &ct, d, &err)
               < 0);
  assert_null (body);
  assert_msg_contains (err, want);
  assert_msg_contains (err, "lib/app@sha256:0000");

  /* unknown: status, registry code and message, registry and repo */
  assert_int_equal (vs_registry_get_manifest (r, "lib/app", "nope", &body, &len, &ct, d, &err), -ENOENT);
  assert_msg_contains (err, "HTTP 404");
  assert_msg_contains (err, "MANIFEST_UNKNOWN: manifest unknown");
  assert_msg_contains (err, srv.host);
  assert_msg_contains (err, "lib/app:nope");
  assert_one_line (err);

  /* bad names never reach the wire */
  assert_true (vs_registry_get_manifest (r, "lib/app", "v1?x=1", &body, &len, &ct, d, &err) < 0);
  free (h);
  vs_registry_free (r);
}

static void
test_manifest_too_large (void **state)
{
  (void) state;
  NEED_SERVER ();
  reset_server ();
  size_t n = (4 << 20) + 10;
  unsigned char *big = malloc (n);
  assert_non_null (big);
  memset (big, ' ', n);
  big[0] = '{';
  big[n - 1] = '}';
  char *h = hex (big, n);
  vs_registry *r = open_reg (NULL, NULL);
  vs_error err = { 0 };
  char *body = NULL, *ct = NULL, d[72];
  size_t len;

  cmd ("put lib/big v1 %s %s", OCI_MANIFEST, h);
  assert_int_equal (vs_registry_get_manifest (r, "lib/big", "v1", &body, &len, &ct, d, &err), -EFBIG);
  assert_msg_contains (err, "larger than");
  free (h);
  free (big);
  vs_registry_free (r);
}

typedef struct prog
{
  int64_t last[8];
  int calls;
} prog;

static void
on_progress (void *user, size_t index, int64_t done, int64_t total)
{
  prog *p = user;
  assert_true (index < 8);
  if (total >= 0)
    assert_true (done <= total);
  p->last[index] = done;
  p->calls++;
}

static void
test_bearer_blobs (void **state)
{
  (void) state;
  NEED_SERVER ();
  reset_server ();
  cmd ("auth bearer");
  cmd ("user alice s3cret");
  cmd ("redirect on");
  vs_registry *r = open_reg ("alice", "s3cret");
  vs_error err = { 0 };
  enum { N = 5 };
  size_t sizes[N] = { 100000, 1, 70000, 3, 200000 };
  unsigned char *data[N];
  char digests[N][72];
  vs_blob_fetch f[N];
  prog p = { 0 };

  for (int i = 0; i < N; i++)
    {
      data[i] = pattern (sizes[i], (unsigned) i + 1);
      server_blob ("team/app", data[i], sizes[i], digests[i]);
      memset (&f[i], 0, sizeof f[i]);
      f[i].digest = digests[i];
      f[i].size = (int64_t) sizes[i];
      f[i].fd = tmpfile_fd ();
    }
  /* one blob starts half-done: resumed with a Range */
  assert_int_equal (pwrite (f[4].fd, data[4], 1000, 0), 1000);
  f[4].offset = 1000;

  assert_int_equal (vs_registry_ping (r, &err), 0);
  long tokens_before = stat_of ("token_requests");
  cmd ("drop 2");
  if (vs_registry_get_blobs (r, "team/app", f, N, 3, on_progress, &p, &err) < 0)
    fail_msg ("get_blobs: %s", err.msg);
  for (int i = 0; i < N; i++)
    {
      assert_int_equal (f[i].result, 0);
      assert_true (file_equals (f[i].fd, data[i], sizes[i]));
      assert_int_equal (p.last[i], (int64_t) sizes[i]);
    }
  assert_true (p.calls >= N);
  assert_int_equal (stat_of ("drops"), 2);
  assert_true (stat_of ("range_requests") >= 3);
  assert_int_equal (stat_of ("storage_auth_leaks"), 0);
  assert_true (stat_of ("storage_gets") >= N + 2);
  /* one pull token for the repository, cached for all five */
  assert_int_equal (stat_of ("token_requests") - tokens_before, 1);

  /* a fresh client, no ping: parallel 401s share one token */
  vs_registry *r2 = open_reg ("alice", "s3cret");
  tokens_before = stat_of ("token_requests");
  for (int i = 0; i < N; i++)
    {
      assert_int_equal (ftruncate (f[i].fd, 0), 0);
      f[i].offset = 0;
    }
  if (vs_registry_get_blobs (r2, "team/app", f, N, N, NULL, NULL, &err) < 0)
    fail_msg ("get_blobs: %s", err.msg);
  for (int i = 0; i < N; i++)
    assert_true (file_equals (f[i].fd, data[i], sizes[i]));
  assert_int_equal (stat_of ("token_requests") - tokens_before, 1);
  vs_registry_free (r2);

  /* a server that ignores Range: the file starts over */
  int fd = tmpfile_fd ();
  assert_int_equal (pwrite (fd, "garbage-garbage", 15, 0), 15);
  vs_blob_fetch g = { .digest = digests[0], .size = (int64_t) sizes[0], .fd = fd, .offset = 15 };
  cmd ("ignorerange 1");
  assert_int_equal (vs_registry_get_blobs (r, "team/app", &g, 1, 1, NULL, NULL, &err), 0);
  assert_true (file_equals (fd, data[0], sizes[0]));
  close (fd);

  /* a missing blob fails with the registry's words; the others succeed */
  vs_blob_fetch h[2] = {
    { .digest = digests[1], .size = 1, .fd = tmpfile_fd () },
    { .digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111", .size = -1,
      .fd = tmpfile_fd () },
  };
  assert_int_equal (vs_registry_get_blobs (r, "team/app", h, 2, 2, NULL, NULL, &err), -ENOENT);
  assert_int_equal (h[0].result, 0);
  assert_int_equal (h[1].result, -ENOENT);
  assert_msg_contains (err, "BLOB_UNKNOWN");
  assert_msg_contains (err, "sha256:1111");
  assert_msg_contains (err, "team/app");
  assert_msg_contains (h[1].err, "HTTP 404");
  close (h[0].fd);
  close (h[1].fd);

  /* a registry sending more than the manifest says is cut off: the disk
     never fills with an endless body */
  vs_blob_fetch big = { .digest = digests[4], .size = (int64_t) sizes[4] - 10, .fd = tmpfile_fd () };
  assert_true (vs_registry_get_blobs (r, "team/app", &big, 1, 1, NULL, NULL, &err) < 0);
  assert_msg_contains (err, "more than the");
  struct stat bst;
  assert_int_equal (fstat (big.fd, &bst), 0);
  assert_true (bst.st_size <= big.size);
  close (big.fd);

  for (int i = 0; i < N; i++)
    {
      close (f[i].fd);
      free (data[i]);
    }
  vs_registry_free (r);
}

static void
test_bearer_bad_credentials (void **state)
{
  (void) state;
  NEED_SERVER ();
  reset_server ();
  cmd ("auth bearer");
  cmd ("user alice s3cret");
  vs_error err = { 0 };
  vs_registry *r = open_reg ("alice", "wrong");
  assert_int_equal (vs_registry_ping (r, &err), -EACCES);
  assert_msg_contains (err, "unauthorized: registry ");
  assert_msg_contains (err, srv.host);
  assert_msg_contains (err, "check the user name and password");
  assert_one_line (err);
  vs_registry_free (r);

  /* anonymous: refused too, without blaming a password */
  r = open_reg (NULL, NULL);
  char *body = NULL, d[72];
  size_t len;
  assert_int_equal (vs_registry_get_manifest (r, "team/app", "v1", &body, &len, NULL, d, &err), -EACCES);
  assert_msg_contains (err, "unauthorized");
  vs_registry_free (r);

  /* credentials from an auth.json; "access_token" instead of "token" */
  const char *af = pathf ("%s/auth.json", srv.dir);
  assert_int_equal (vs_auth_set (af, srv.host, "alice", "s3cret", &err), 0);
  cmd ("tokenkey access_token");
  vs_registry_opts o = { .tls_verify = false, .auth_file = af };
  assert_int_equal (vs_registry_open (srv.host, &o, &r, &err), 0);
  assert_int_equal (vs_registry_ping (r, &err), 0);
  vs_registry_free (r);
}

static void
test_basic_auth (void **state)
{
  (void) state;
  NEED_SERVER ();
  reset_server ();
  cmd ("auth basic");
  cmd ("user bob pw:with:colons");
  vs_error err = { 0 };
  char *body = NULL, *ct = NULL, d[72];
  size_t len;
  char *h = hex ((const unsigned char *) manifest_json, strlen (manifest_json));
  cmd ("put b/app v1 %s %s", OCI_MANIFEST, h);
  free (h);

  vs_registry *r = open_reg ("bob", "pw:with:colons");
  assert_int_equal (vs_registry_get_manifest (r, "b/app", "v1", &body, &len, &ct, d, &err), 0);
  free (body);
  free (ct);
  assert_int_equal (vs_registry_ping (r, &err), 0);
  vs_registry_free (r);

  r = open_reg ("bob", "nope");
  assert_int_equal (vs_registry_get_manifest (r, "b/app", "v1", &body, &len, &ct, d, &err), -EACCES);
  assert_msg_contains (err, "unauthorized: registry ");
  assert_msg_contains (err, "check the user name and password");
  vs_registry_free (r);
}

static void
test_transient_errors (void **state)
{
  (void) state;
  NEED_SERVER ();
  reset_server ();
  vs_error err = { 0 };
  char *body = NULL, *ct = NULL, d[72];
  size_t len;
  char *h = hex ((const unsigned char *) manifest_json, strlen (manifest_json));
  cmd ("put t/app v1 %s %s", OCI_MANIFEST, h);
  free (h);

  vs_registry *r = open_reg (NULL, NULL);
  cmd ("fail500 2");
  assert_int_equal (vs_registry_get_manifest (r, "t/app", "v1", &body, &len, &ct, d, &err), 0);
  free (body);
  free (ct);
  assert_int_equal (stat_of ("fail500_sent"), 2);

  cmd ("fail500 10");
  assert_int_equal (vs_registry_get_manifest (r, "t/app", "v1", &body, &len, &ct, d, &err), -EIO);
  assert_msg_contains (err, "HTTP 500");
  assert_msg_contains (err, "UNKNOWN: internal trouble");
  assert_msg_contains (err, "t/app:v1");
  cmd ("fail500 0");
  vs_registry_free (r);

  /* nobody listening: a connection error naming the registry */
  vs_registry_opts o = { .tls_verify = false };
  assert_int_equal (vs_registry_open ("127.0.0.1:1", &o, &r, &err), 0);
  assert_int_equal (vs_registry_ping (r, &err), -ECONNREFUSED);
  assert_msg_contains (err, "127.0.0.1:1");
  assert_one_line (err);
  vs_registry_free (r);
}

static void
test_push (void **state)
{
  (void) state;
  NEED_SERVER ();
  reset_server ();
  cmd ("auth bearer");
  cmd ("user alice s3cret");
  vs_registry *r = open_reg ("alice", "s3cret");
  vs_error err = { 0 };
  bool skipped = true;
  prog p = { 0 };
  size_t small_len = 5000, big_len = (20 << 20) + 123;
  unsigned char *small = pattern (small_len, 7), *big = pattern (big_len, 9);
  char ds[72], db[72];
  int fs = tmpfile_fd (), fb = tmpfile_fd ();
  int64_t size = -1;

  sha256 (small, small_len, ds);
  sha256 (big, big_len, db);
  assert_int_equal (pwrite (fs, small, small_len, 0), (ssize_t) small_len);
  assert_int_equal (pwrite (fb, big, big_len, 0), (ssize_t) big_len);

  /* monolithic */
  assert_int_equal (vs_registry_blob_exists (r, "push/one", ds, NULL, &err), 0);
  if (vs_registry_put_blob (r, "push/one", ds, fs, (int64_t) small_len, NULL, &skipped, on_progress, &p, 0, &err) < 0)
    fail_msg ("put_blob: %s", err.msg);
  assert_false (skipped);
  assert_int_equal (p.last[0], (int64_t) small_len);
  assert_int_equal (stat_of ("patches"), 0);
  assert_int_equal (vs_registry_blob_exists (r, "push/one", ds, &size, &err), 1);
  assert_int_equal (size, (int64_t) small_len);

  /* chunked: two PATCHes of 8 MiB, the rest with the PUT; a 500 on the way */
  cmd ("fail500 1");
  if (vs_registry_put_blob (r, "push/one", db, fb, (int64_t) big_len, NULL, &skipped, on_progress, &p, 1, &err) < 0)
    fail_msg ("put_blob: %s", err.msg);
  assert_false (skipped);
  assert_int_equal (stat_of ("patches"), 2);
  assert_int_equal (p.last[1], (int64_t) big_len);
  assert_int_equal (vs_registry_blob_exists (r, "push/one", db, &size, &err), 1);
  assert_int_equal (size, (int64_t) big_len);

  /* already there: skipped after a HEAD */
  long posts = stat_of ("posts");
  assert_int_equal (vs_registry_put_blob (r, "push/one", ds, fs, (int64_t) small_len, NULL, &skipped, NULL, NULL, 0, &err), 0);
  assert_true (skipped);
  assert_int_equal (stat_of ("posts"), posts);

  /* cross-repository mount */
  assert_int_equal (vs_registry_put_blob (r, "push/two", db, fb, (int64_t) big_len, "push/one", &skipped, NULL, NULL, 0, &err), 0);
  assert_true (skipped);
  assert_int_equal (stat_of ("mounts"), 1);
  assert_int_equal (vs_registry_blob_exists (r, "push/two", db, NULL, &err), 1);

  /* mount from a repository without the blob falls back to an upload */
  assert_int_equal (vs_registry_put_blob (r, "push/three", ds, fs, (int64_t) small_len, "push/nothing", &skipped, NULL, NULL, 0, &err), 0);
  assert_false (skipped);
  assert_int_equal (vs_registry_blob_exists (r, "push/three", ds, NULL, &err), 1);

  /* a wrong digest: the registry's complaint comes back */
  char bad[72] = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
  assert_true (vs_registry_put_blob (r, "push/one", bad, fs, (int64_t) small_len, NULL, &skipped, NULL, NULL, 0, &err) < 0);
  assert_msg_contains (err, "DIGEST_INVALID");
  assert_msg_contains (err, "HTTP 400");
  assert_msg_contains (err, "push/one");

  /* manifest round trip */
  char *body = NULL, *ct = NULL, d[72], want[72];
  size_t len;
  sha256 (manifest_json, strlen (manifest_json), want);
  assert_int_equal (vs_registry_put_manifest (r, "push/one", "v2", manifest_json, strlen (manifest_json), OCI_MANIFEST, &err), 0);
  assert_int_equal (vs_registry_get_manifest (r, "push/one", want, &body, &len, &ct, d, &err), 0);
  assert_string_equal (d, want);
  assert_string_equal (ct, OCI_MANIFEST);
  free (body);
  free (ct);

  close (fs);
  close (fb);
  free (small);
  free (big);
  vs_registry_free (r);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_challenge_bearer),
    cmocka_unit_test (test_challenge_basic_and_bad),
    cmocka_unit_test (test_auth_file),
    cmocka_unit_test (test_auth_path),
    cmocka_unit_test (test_manifest_anonymous),
    cmocka_unit_test (test_manifest_too_large),
    cmocka_unit_test (test_bearer_blobs),
    cmocka_unit_test (test_bearer_bad_credentials),
    cmocka_unit_test (test_basic_auth),
    cmocka_unit_test (test_transient_errors),
    cmocka_unit_test (test_push),
  };
  return cmocka_run_group_tests (tests, server_up, server_down);
}
