/* reference.c — image references parsed and normalized as docker does. */
#include "reference.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/cleanup.h"
#include "digest.h"

#define DEFAULT_REGISTRY "docker.io"
#define NAME_TOTAL_MAX 255
#define TAG_MAX 128

static int
ref_fail (vs_error *err, const char *s, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* "invalid reference "S": <why>" */
static int
ref_fail (vs_error *err, const char *s, const char *fmt, ...)
{
  char shown[100], why[512];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (why, sizeof why, fmt, ap);
  va_end (ap);
  return vs_fail (err, 0, "invalid reference \"%s\": %s", vs_printable (s, shown, sizeof shown), why);
}

static bool
is_lower_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool
is_alnum (char c)
{
  return is_lower_alnum (c) || (c >= 'A' && c <= 'Z');
}

static bool
is_hex_lower (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* [a-z0-9]+ ( ( '.' | '_' | '__' | '-'+ ) [a-z0-9]+ )* over c[0..n). */
static bool
path_component_valid (const char *c, size_t n)
{
  size_t i = 0;

  for (;;)
    {
      if (i >= n || !is_lower_alnum (c[i]))
        return false;
      while (i < n && is_lower_alnum (c[i]))
        i++;
      if (i == n)
        return true;
      if (c[i] == '.')
        i++;
      else if (c[i] == '_')
        i += (i + 1 < n && c[i + 1] == '_') ? 2 : 1;
      else if (c[i] == '-')
        while (i < n && c[i] == '-')
          i++;
      else
        return false;
    }
}

/* [A-Za-z0-9] | [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9] */
static bool
domain_component_valid (const char *c, size_t n)
{
  if (n == 0 || !is_alnum (c[0]) || !is_alnum (c[n - 1]))
    return false;
  for (size_t i = 0; i < n; i++)
    if (!is_alnum (c[i]) && c[i] != '-')
      return false;
  return true;
}

/* host [':' port], host a dotted name or a bracketed IPv6 address. */
static int
check_domain (const char *s, const char *d, vs_error *err)
{
  char shown[100];
  const char *host_end, *port = NULL;

  if (d[0] == '[')
    {
      const char *close = strchr (d, ']');
      bool colon = false;
      if (close == NULL || close == d + 1)
        return ref_fail (err, s, "invalid registry host \"%s\"", vs_printable (d, shown, sizeof shown));
      for (const char *p = d + 1; p < close; p++)
        {
          if (*p == ':')
            colon = true;
          else if (!is_hex_lower (*p) && !(*p >= 'A' && *p <= 'F') && *p != '.')
            return ref_fail (err, s, "invalid registry host \"%s\": not an IPv6 address",
                             vs_printable (d, shown, sizeof shown));
        }
      if (!colon)
        return ref_fail (err, s, "invalid registry host \"%s\": not an IPv6 address",
                         vs_printable (d, shown, sizeof shown));
      host_end = close + 1;
      if (*host_end == ':')
        port = host_end + 1;
      else if (*host_end != '\0')
        return ref_fail (err, s, "invalid registry host \"%s\"", vs_printable (d, shown, sizeof shown));
    }
  else
    {
      const char *p = d;
      host_end = d + strcspn (d, ":");
      if (*host_end == ':')
        port = host_end + 1;
      for (;;)
        {
          const char *dot = memchr (p, '.', host_end - p);
          const char *end = dot ? dot : host_end;
          if (!domain_component_valid (p, end - p))
            return ref_fail (err, s,
                             "invalid registry host \"%s\": expected dot-separated names of letters, digits "
                             "and inner '-'",
                             vs_printable (d, shown, sizeof shown));
          if (dot == NULL)
            break;
          p = dot + 1;
        }
    }
  if (port)
    {
      unsigned long v = 0;
      size_t i;
      for (i = 0; port[i]; i++)
        {
          if (port[i] < '0' || port[i] > '9' || i >= 5)
            break;
          v = v * 10 + (unsigned long) (port[i] - '0');
        }
      if (i == 0 || port[i] != '\0' || v == 0 || v > 65535)
        return ref_fail (err, s, "invalid port in registry \"%s\": expected a number from 1 to 65535",
                         vs_printable (d, shown, sizeof shown));
    }
  return 0;
}

static int
check_tag (const char *s, const char *tag, vs_error *err)
{
  char shown[100];
  size_t n = strlen (tag);

  if (n == 0)
    return ref_fail (err, s, "tag is empty");
  if (n > TAG_MAX)
    return ref_fail (err, s, "tag is longer than %d characters", TAG_MAX);
  for (size_t i = 0; i < n; i++)
    {
      char c = tag[i];
      if (is_alnum (c) || c == '_' || (i > 0 && (c == '.' || c == '-')))
        continue;
      return ref_fail (err, s,
                       "invalid tag \"%s\": letters, digits, '_', '.' and '-' only, "
                       "not starting with '.' or '-'",
                       vs_printable (tag, shown, sizeof shown));
    }
  return 0;
}

static int
check_repo (const char *s, const char *repo, vs_error *err)
{
  char shown[100];
  const char *p = repo;

  for (const char *q = repo; *q; q++)
    if (*q >= 'A' && *q <= 'Z')
      return ref_fail (err, s, "repository name must be lowercase");
  for (;;)
    {
      const char *slash = strchr (p, '/');
      size_t n = slash ? (size_t) (slash - p) : strlen (p);
      if (n == 0)
        return ref_fail (err, s, "repository name has an empty path component");
      if (!path_component_valid (p, n))
        {
          _cleanup_free_ char *c = strndup (p, n);
          return ref_fail (err, s,
                           "invalid repository path component \"%s\": lowercase letters and digits "
                           "separated by '.', '_', '__' or '-'",
                           vs_printable (c ? c : "", shown, sizeof shown));
        }
      if (slash == NULL)
        return 0;
      p = slash + 1;
    }
}

static bool
is_full_id (const char *s)
{
  size_t i;

  for (i = 0; s[i]; i++)
    if (!is_hex_lower (s[i]))
      return false;
  return i == 64;
}

int
vs_ref_parse (const char *s, vs_ref *ref, vs_error *err)
{
  _cleanup_free_ char *copy = NULL, *domain = NULL, *repo = NULL, *tag = NULL, *digest = NULL;
  char *name, *at, *last_slash, *colon, *slash;
  const char *rest;
  int r;

  memset (ref, 0, sizeof *ref);
  if (s == NULL || *s == '\0')
    return ref_fail (err, "", "reference is empty");
  if (is_full_id (s))
    return ref_fail (err, s, "a 64-character hexadecimal string is an image id, not a repository name");
  copy = strdup (s);
  if (copy == NULL)
    return vs_fail (err, ENOMEM, "parsing reference");
  name = copy;

  at = strchr (name, '@');
  if (at)
    {
      *at = '\0';
      if (!vs_digest_valid (at + 1))
        {
          vs_error e = { 0 };
          (void) vs_digest_check (at + 1, "digest", &e);
          /* e.msg is "digest: invalid digest ...": keep the part after "digest: " */
          return ref_fail (err, s, "%s", e.msg + (strncmp (e.msg, "digest: ", 8) == 0 ? 8 : 0));
        }
      digest = strdup (at + 1);
      if (digest == NULL)
        return vs_fail (err, ENOMEM, "parsing reference");
    }

  last_slash = strrchr (name, '/');
  colon = strchr (last_slash ? last_slash : name, ':');
  if (colon)
    {
      *colon = '\0';
      if ((r = check_tag (s, colon + 1, err)) < 0)
        return r;
      tag = strdup (colon + 1);
      if (tag == NULL)
        return vs_fail (err, ENOMEM, "parsing reference");
    }

  if (*name == '\0')
    return ref_fail (err, s, "repository name is empty");

  slash = strchr (name, '/');
  if (slash && (memchr (name, '.', slash - name) || memchr (name, ':', slash - name)
                || (slash - name == 9 && strncmp (name, "localhost", 9) == 0)))
    {
      *slash = '\0';
      if ((r = check_domain (s, name, err)) < 0)
        return r;
      domain = strdup (strcmp (name, "index.docker.io") == 0 ? DEFAULT_REGISTRY : name);
      rest = slash + 1;
    }
  else
    {
      domain = strdup (DEFAULT_REGISTRY);
      rest = name;
    }
  if (domain == NULL)
    return vs_fail (err, ENOMEM, "parsing reference");

  if ((r = check_repo (s, rest, err)) < 0)
    return r;
  if (strcmp (domain, DEFAULT_REGISTRY) == 0 && strchr (rest, '/') == NULL)
    r = asprintf (&repo, "library/%s", rest);
  else
    r = asprintf (&repo, "%s", rest);
  if (r < 0)
    {
      repo = NULL;
      return vs_fail (err, ENOMEM, "parsing reference");
    }
  if (strlen (domain) + 1 + strlen (repo) > NAME_TOTAL_MAX)
    return ref_fail (err, s, "repository name must not be more than %d characters", NAME_TOTAL_MAX);

  if (tag == NULL && digest == NULL)
    {
      tag = strdup ("latest");
      if (tag == NULL)
        return vs_fail (err, ENOMEM, "parsing reference");
    }
  ref->registry = TAKE_PTR (domain);
  ref->repo = TAKE_PTR (repo);
  ref->tag = TAKE_PTR (tag);
  ref->digest = TAKE_PTR (digest);
  return 0;
}

void
vs_ref_free (vs_ref *ref)
{
  if (ref == NULL)
    return;
  free (ref->registry);
  free (ref->repo);
  free (ref->tag);
  free (ref->digest);
  memset (ref, 0, sizeof *ref);
}

char *
vs_ref_name (const vs_ref *ref)
{
  char *s;

  if (ref->tag)
    {
      if (asprintf (&s, "%s/%s:%s", ref->registry, ref->repo, ref->tag) < 0)
        return NULL;
    }
  else if (asprintf (&s, "%s/%s@%s", ref->registry, ref->repo, ref->digest ? ref->digest : "") < 0)
    return NULL;
  return s;
}

char *
vs_ref_repo_name (const vs_ref *ref)
{
  char *s;

  if (asprintf (&s, "%s/%s", ref->registry, ref->repo) < 0)
    return NULL;
  return s;
}

char *
vs_ref_familiar (const char *canonical)
{
  const char *p = canonical;

  if (canonical == NULL)
    return NULL;
  if (strncmp (p, DEFAULT_REGISTRY "/", sizeof DEFAULT_REGISTRY) == 0)
    {
      p += sizeof DEFAULT_REGISTRY;
      if (strncmp (p, "library/", 8) == 0)
        {
          /* only when one path component follows: docker.io/library/a/b stays library/a/b */
          size_t name_len = strcspn (p + 8, ":@");
          if (memchr (p + 8, '/', name_len) == NULL)
            p += 8;
        }
    }
  return strdup (p);
}

bool
vs_ref_is_id_prefix (const char *s)
{
  size_t i;

  if (s == NULL)
    return false;
  if (strncmp (s, "sha256:", 7) == 0)
    s += 7;
  for (i = 0; s[i]; i++)
    if (!is_hex_lower (s[i]))
      return false;
  return i >= 1 && i <= 64;
}
