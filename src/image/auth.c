/* auth.c — registry credentials in auth.json (docker/podman format). */
#include "auth.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"
#include "lazy-libs.h"

char *
vs_auth_path (void)
{
  const char *p = getenv ("REGISTRY_AUTH_FILE");
  char *s = NULL;

  if (p && *p)
    return strdup (p);
  p = getenv ("XDG_RUNTIME_DIR");
  if (p && *p)
    {
      if (asprintf (&s, "%s/containers/auth.json", p) < 0)
        return NULL;
      return s;
    }
  if (asprintf (&s, "/run/containers/%u/auth.json", (unsigned) getuid ()) < 0)
    return NULL;
  return s;
}

/* Load path: *ret NULL when it does not exist. */
static int
load (const char *path, json_t **ret, vs_error *err)
{
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  json_error_t je;
  json_t *j;
  int r;

  *ret = NULL;
  if (access (path, F_OK) < 0 && errno == ENOENT)
    return 0;
  r = vs_read_file_at (AT_FDCWD, path, &text, &len, err);
  if (r < 0)
    return vs_wrap (err, r, "read credentials");
  j = json_loadb (text, len, 0, &je);
  if (j == NULL)
    return vs_fail (err, 0, "read credentials `%s`: malformed JSON at line %d: %s", path, je.line, je.text);
  if (!json_is_object (j))
    {
      json_decref (j);
      return vs_fail (err, 0, "read credentials `%s`: not a JSON object", path);
    }
  json_t *auths = json_object_get (j, "auths");
  if (auths != NULL && !json_is_object (auths))
    {
      json_decref (j);
      return vs_fail (err, 0, "read credentials `%s`: \"auths\" is not an object", path);
    }
  *ret = j;
  return 0;
}

/* "https://index.docker.io/v1/" -> "index.docker.io" (into buf). */
static const char *
normalize_key (const char *key, char *buf, size_t bufsz)
{
  const char *p = key;
  size_t n;
  if (strncmp (p, "https://", 8) == 0)
    p += 8;
  else if (strncmp (p, "http://", 7) == 0)
    p += 7;
  n = strcspn (p, "/");
  if (n >= bufsz)
    n = bufsz - 1;
  memcpy (buf, p, n);
  buf[n] = '\0';
  return buf;
}

static bool
is_docker_hub (const char *h)
{
  return strcmp (h, "docker.io") == 0 || strcmp (h, "index.docker.io") == 0
         || strcmp (h, "registry-1.docker.io") == 0;
}

/* The entry for host: exact key first, then keys that name the same host
 * with a scheme or path ("https://index.docker.io/v1/"). */
static json_t *
find_entry (json_t *auths, const char *host, const char **ret_key)
{
  const char *key;
  json_t *v;
  char buf[256];

  v = json_object_get (auths, host);
  if (json_is_object (v))
    {
      *ret_key = host;
      return v;
    }
  json_object_foreach (auths, key, v)
    {
      const char *k = normalize_key (key, buf, sizeof buf);
      if (!json_is_object (v))
        continue;
      if (strcmp (k, host) == 0 || (is_docker_hub (host) && is_docker_hub (k)))
        {
          *ret_key = key;
          return v;
        }
    }
  return NULL;
}

int
vs_auth_get (const char *path, const char *host, char **user, char **pass, vs_error *err)
{
  json_t *j = NULL, *e;
  const char *b64, *key = host;
  _cleanup_free_ unsigned char *dec = NULL;
  size_t len, pad = 0;
  int r, n;
  char *colon;

  *user = *pass = NULL;
  r = load (path, &j, err);
  if (r < 0 || j == NULL)
    return r;
  e = find_entry (json_object_get (j, "auths"), host, &key);
  if (e == NULL)
    {
      json_decref (j);
      return 0;
    }
  b64 = json_string_value (json_object_get (e, "auth"));
  if (b64 == NULL || *b64 == '\0')
    {
      json_decref (j);
      return 0;
    }
  len = strlen (b64);
  /* EVP_DecodeBlock wants whole quanta and counts padding as zero bytes. */
  _cleanup_free_ char *padded = malloc (len + 4);
  if (padded == NULL)
    {
      json_decref (j);
      return vs_fail (err, ENOMEM, "read credentials `%s`", path);
    }
  memcpy (padded, b64, len);
  while (len % 4 != 0)
    padded[len++] = '=';
  padded[len] = '\0';
  if (len >= 1 && padded[len - 1] == '=')
    pad++;
  if (len >= 2 && padded[len - 2] == '=')
    pad++;
  dec = malloc (len / 4 * 3 + 1);
  n = dec ? EVP_DecodeBlock (dec, (const unsigned char *) padded, (int) len) : -1;
  if (n < 0 || (size_t) n < pad)
    {
      r = vs_fail (err, 0, "read credentials `%s`: entry \"%s\": \"auth\" is not base64", path, key);
      json_decref (j);
      return r;
    }
  n -= (int) pad;
  dec[n] = '\0';
  colon = memchr (dec, ':', (size_t) n);
  if (colon == NULL || strlen ((char *) dec) != (size_t) n)
    {
      r = vs_fail (err, 0, "read credentials `%s`: entry \"%s\": \"auth\" is not base64(user:password)", path,
                   key);
      json_decref (j);
      return r;
    }
  json_decref (j);
  *colon = '\0';
  *user = strdup ((char *) dec);
  *pass = strdup (colon + 1);
  explicit_bzero (dec, (size_t) n);
  if (*user == NULL || *pass == NULL)
    {
      free (*user);
      free (*pass);
      *user = *pass = NULL;
      return vs_fail (err, ENOMEM, "read credentials `%s`", path);
    }
  return 1;
}

static int
store (const char *path, json_t *j, vs_error *err)
{
  _cleanup_free_ char *text = NULL, *dir = strdup (path);
  char *slash;
  int r;

  if (dir == NULL)
    return vs_fail (err, ENOMEM, "write credentials `%s`", path);
  slash = strrchr (dir, '/');
  if (slash && slash != dir)
    {
      *slash = '\0';
      r = vs_mkdir_p (dir, 0700, err);
      if (r < 0)
        return vs_wrap (err, r, "write credentials `%s`", path);
    }
  text = json_dumps (j, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  if (text == NULL)
    return vs_fail (err, ENOMEM, "write credentials `%s`", path);
  r = vs_write_file_atomic_at (AT_FDCWD, path, text, strlen (text), 0600, err);
  explicit_bzero (text, strlen (text));
  if (r < 0)
    return vs_wrap (err, r, "write credentials");
  return 0;
}

int
vs_auth_set (const char *path, const char *host, const char *user, const char *pass, vs_error *err)
{
  json_t *j = NULL, *auths, *entry;
  _cleanup_free_ char *up = NULL, *b64 = NULL;
  size_t n;
  int r;

  if (host == NULL || *host == '\0' || user == NULL || strchr (user, ':') != NULL || pass == NULL)
    return vs_fail (err, 0, "save credentials for `%s`: the user name must be set and have no ':'",
                    host ? host : "");
  r = load (path, &j, err);
  if (r < 0)
    return r;
  if (j == NULL && (j = json_object ()) == NULL)
    return vs_fail (err, ENOMEM, "save credentials `%s`", path);
  auths = json_object_get (j, "auths");
  if (auths == NULL)
    {
      auths = json_object ();
      if (auths == NULL || json_object_set_new (j, "auths", auths) < 0)
        {
          json_decref (j);
          return vs_fail (err, ENOMEM, "save credentials `%s`", path);
        }
    }
  if (asprintf (&up, "%s:%s", user, pass) < 0)
    {
      up = NULL;
      json_decref (j);
      return vs_fail (err, ENOMEM, "save credentials `%s`", path);
    }
  n = strlen (up);
  b64 = malloc (4 * ((n + 2) / 3) + 1);
  if (b64 == NULL)
    {
      json_decref (j);
      return vs_fail (err, ENOMEM, "save credentials `%s`", path);
    }
  EVP_EncodeBlock ((unsigned char *) b64, (const unsigned char *) up, (int) n);
  explicit_bzero (up, n);
  /* Keep other fields of an existing entry for this host. */
  entry = json_object_get (auths, host);
  if (!json_is_object (entry))
    {
      entry = json_object ();
      if (entry == NULL || json_object_set_new (auths, host, entry) < 0)
        {
          json_decref (j);
          return vs_fail (err, ENOMEM, "save credentials `%s`", path);
        }
    }
  if (json_object_set_new (entry, "auth", json_string (b64)) < 0)
    {
      json_decref (j);
      return vs_fail (err, ENOMEM, "save credentials `%s`", path);
    }
  explicit_bzero (b64, strlen (b64));
  r = store (path, j, err);
  json_decref (j);
  return r;
}

int
vs_auth_remove (const char *path, const char *host, vs_error *err)
{
  json_t *j = NULL, *auths;
  int r;

  r = load (path, &j, err);
  if (r < 0 || j == NULL)
    return r;
  const char *key = host;
  auths = json_object_get (j, "auths");
  if (find_entry (auths, host, &key) == NULL)
    {
      json_decref (j);
      return 0;
    }
  _cleanup_free_ char *k = strdup (key);
  if (k == NULL)
    {
      json_decref (j);
      return vs_fail (err, ENOMEM, "remove credentials `%s`", path);
    }
  json_object_del (auths, k);
  r = store (path, j, err);
  json_decref (j);
  return r < 0 ? r : 1;
}
