/* registry.c — an OCI distribution (v2) client over libcurl.
 *
 * Every request is one `xfer`: a method, a URL, a body source (memory or a
 * file range), a body sink (memory with a cap, or a file at an offset) and
 * the response headers the protocol needs.  One step function judges a
 * finished attempt: redirects are followed here (never by curl) so that
 * credentials only go to the registry itself, 401s are answered with a
 * Bearer token or Basic credentials, and transient failures are retried
 * with backoff.  Synchronous requests run it in a loop on the registry's
 * easy handle; vs_registry_get_blobs runs it for many transfers in a curl
 * multi handle. */
#include "registry.h"

#include <ctype.h>
#include "lazy-libs.h"
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../version.h"
#include "auth.h"
#include "digest.h"

#define MANIFEST_MAX (4 << 20)
#define ERRBODY_MAX (64 << 10)
#define TOKEN_MAX (1 << 20)
#define CHUNK_SIZE ((int64_t) 8 << 20)
#define MONOLITHIC_MAX ((int64_t) 8 << 20)
#define MAX_RETRIES 3
#define MAX_REDIRECTS 10
#define BLOB_MAX_STALLS 3   /* resumes in a row that made no progress */
#define BLOB_MAX_RESUMES 20 /* resumes in all */

#define ACCEPT_MANIFESTS                                                                            \
  "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "          \
  "application/vnd.docker.distribution.manifest.v2+json, "                                          \
  "application/vnd.docker.distribution.manifest.list.v2+json"

typedef struct token
{
  char *scope;  /* cache key: the scopes asked for, space-separated */
  char *value;
} token;

struct vs_registry
{
  char *host;         /* as given: "docker.io", "127.0.0.1:5000" */
  char *base;         /* "https://registry-1.docker.io" */
  bool tls_verify;
  char *user, *pass;  /* NULL when anonymous */
  char *user_agent;
  vs_auth_scheme mode; /* 0 until a challenge is seen */
  char *realm, *service;
  token *tokens;
  size_t n_tokens;
  CURL *easy;         /* for synchronous requests (keeps connections) */
};

typedef struct xfer
{
  /* request */
  const char *method;         /* GET HEAD POST PUT PATCH */
  char *url;
  const char *repo;           /* for errors, and the scope */
  const char *scope;          /* token scopes, space-separated; "" for none */
  const char *headers[4];     /* extra request headers */
  const char *body;           /* memory body, or */
  int in_fd;                  /* a file range as body (in_fd >= 0) */
  int64_t in_off, in_len;
  int64_t sent;
  /* response sinks */
  int out_fd;                 /* blob sink (out_fd >= 0), written at pos */
  int64_t range_from;         /* Range: bytes=N- asked for */
  int64_t pos;                /* next byte to write to out_fd */
  int64_t limit;              /* out_fd: the blob's size from the manifest, -1 unknown */
  bool body_started;
  int sink_err;               /* errno of a failed pwrite/ftruncate */
  char *buf;                  /* memory sink (2xx bodies when out_fd < 0) */
  size_t len, cap;
  bool too_big;
  char *ebuf;                 /* non-2xx bodies */
  size_t elen;
  /* response */
  long status;
  char reason[64];
  char *location, *content_type, *docker_digest, *www_auth, *content_range;
  int64_t content_length;
  /* progress */
  vs_progress_fn progress;
  void *user;
  size_t index;
  int64_t prog_base, prog_total;
  /* state */
  int attempts;               /* transient failures so far */
  int auth_tries;
  int redirects;
  bool off_host;              /* url is not the registry: no credentials */
  bool fresh_token;           /* a token was fetched for this request */
  bool sent_basic;
  char *sent_token;           /* the Bearer token of the last attempt */
  int delay_ms;               /* before the next attempt */
  struct curl_slist *hdrs;
  char errbuf[CURL_ERROR_SIZE];
} xfer;

enum { STEP_DONE = 0, STEP_AGAIN = 1 };

static int
fail_code (vs_error *err, int code, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

static int
fail_code (vs_error *err, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (err->msg, sizeof err->msg, fmt, ap);
  va_end (ap);
  err->code = code;
  return -code;
}

static char *
xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

static char *
xasprintf (const char *fmt, ...)
{
  va_list ap;
  char *s = NULL;
  va_start (ap, fmt);
  if (vasprintf (&s, fmt, ap) < 0)
    s = NULL;
  va_end (ap);
  return s;
}

/* ---- WWW-Authenticate ------------------------------------------------- */

void
vs_challenge_free (vs_challenge *c)
{
  if (c == NULL)
    return;
  free (c->realm);
  free (c->service);
  free (c->scope);
  c->realm = c->service = c->scope = NULL;
  c->scheme = 0;
}

int
vs_challenge_parse (const char *header, vs_challenge *c, vs_error *err)
{
  const char *p = header;
  size_t n;

  memset (c, 0, sizeof *c);
  if (header == NULL)
    return vs_fail (err, EPROTO, "parse WWW-Authenticate header: missing");
  while (*p == ' ' || *p == '\t')
    p++;
  for (n = 0; p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != ','; n++)
    ;
  if (n == 6 && strncasecmp (p, "bearer", 6) == 0)
    c->scheme = VS_AUTH_BEARER;
  else if (n == 5 && strncasecmp (p, "basic", 5) == 0)
    c->scheme = VS_AUTH_BASIC;
  else
    return vs_fail (err, EPROTO, "parse WWW-Authenticate header `%s`: unsupported scheme `%.*s`", header,
                    (int) (n > 32 ? 32 : n), p);
  p += n;

  for (;;)
    {
      const char *key;
      size_t klen;
      _cleanup_free_ char *val = NULL;

      while (*p == ' ' || *p == '\t' || *p == ',')
        p++;
      if (*p == '\0')
        break;
      key = p;
      while (isalnum ((unsigned char) *p) || *p == '_' || *p == '-')
        p++;
      klen = (size_t) (p - key);
      char after = *p;
      while (*p == ' ' || *p == '\t')
        p++;
      if (klen == 0 || *p != '=')
        {
          /* The start of another challenge ("..., Basic realm=x"), or junk:
           * the first challenge is complete. */
          if (klen > 0 && (after == '\0' || after == ' ' || after == '\t' || after == ','))
            break;
          vs_challenge_free (c);
          return vs_fail (err, EPROTO, "parse WWW-Authenticate header `%s`: expected name=value at `%.32s`",
                          header, key);
        }
      p++;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '"')
        {
          size_t cap = strlen (p) + 1, vl = 0;
          val = malloc (cap);
          if (val == NULL)
            {
              vs_challenge_free (c);
              return vs_fail (err, ENOMEM, "parse WWW-Authenticate header");
            }
          for (p++; *p && *p != '"'; p++)
            {
              if (*p == '\\' && p[1])
                p++;
              val[vl++] = *p;
            }
          val[vl] = '\0';
          if (*p != '"')
            {
              vs_challenge_free (c);
              return vs_fail (err, EPROTO, "parse WWW-Authenticate header `%s`: unterminated quoted value",
                              header);
            }
          p++;
        }
      else
        {
          const char *v = p;
          while (*p && *p != ',' && *p != ' ' && *p != '\t')
            p++;
          val = strndup (v, (size_t) (p - v));
          if (val == NULL)
            {
              vs_challenge_free (c);
              return vs_fail (err, ENOMEM, "parse WWW-Authenticate header");
            }
        }
      char **slot = NULL;
      if (klen == 5 && strncasecmp (key, "realm", 5) == 0)
        slot = &c->realm;
      else if (klen == 7 && strncasecmp (key, "service", 7) == 0)
        slot = &c->service;
      else if (klen == 5 && strncasecmp (key, "scope", 5) == 0)
        slot = &c->scope;
      if (slot != NULL)
        {
          free (*slot);
          *slot = TAKE_PTR (val);
        }
    }

  if (c->scheme == VS_AUTH_BEARER)
    {
      if (c->realm == NULL || c->realm[0] == '\0')
        {
          vs_challenge_free (c);
          return vs_fail (err, EPROTO, "parse WWW-Authenticate header `%s`: Bearer challenge without realm",
                          header);
        }
      if (strncasecmp (c->realm, "https://", 8) != 0 && strncasecmp (c->realm, "http://", 7) != 0)
        {
          int r = vs_fail (err, EPROTO, "parse WWW-Authenticate header `%s`: realm `%s` is not an http(s) URL",
                           header, c->realm);
          vs_challenge_free (c);
          return r;
        }
    }
  return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static int64_t
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms (int ms)
{
  struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* Repository names, tags and digests go into URLs unescaped: refuse
 * anything outside their alphabets. */
static bool
url_safe (const char *s)
{
  if (s == NULL || *s == '\0')
    return false;
  for (; *s; s++)
    if (!isalnum ((unsigned char) *s) && strchr ("._-/:@+=", *s) == NULL)
      return false;
  return true;
}

static char *
base64 (const char *s)
{
  size_t n = strlen (s);
  char *out = malloc (4 * ((n + 2) / 3) + 1);
  if (out)
    EVP_EncodeBlock ((unsigned char *) out, (const unsigned char *) s, (int) n);
  return out;
}

static bool
same_origin (const vs_registry *r, const char *url)
{
  size_t n = strlen (r->base);
  return strncmp (url, r->base, n) == 0 && (url[n] == '/' || url[n] == '\0' || url[n] == '?');
}

/* "scheme://host[:port]" of url, malloc'd (NULL when it has none). */
static char *
url_origin (const char *url)
{
  const char *p = strstr (url, "://");
  if (p == NULL)
    return NULL;
  p += 3;
  return strndup (url, (size_t) (p - url) + strcspn (p, "/?#"));
}

/* Resolve a Location header (relative or absolute) against base. */
static char *
resolve_url (const char *base, const char *location, const char *append_query)
{
  CURLU *u = curl_url ();
  char *s = NULL, *out = NULL;

  if (u == NULL)
    return NULL;
  if (curl_url_set (u, CURLUPART_URL, base, 0) != CURLUE_OK
      || curl_url_set (u, CURLUPART_URL, location, 0) != CURLUE_OK)
    goto out;
  if (append_query && curl_url_set (u, CURLUPART_QUERY, append_query, CURLU_APPENDQUERY | CURLU_URLENCODE)
                        != CURLUE_OK)
    goto out;
  if (curl_url_get (u, CURLUPART_URL, &s, 0) != CURLUE_OK)
    goto out;
  out = strdup (s);
out:
  curl_free (s);
  curl_url_cleanup (u);
  return out;
}

/* "CODE: message" from a registry's {"errors": [{"code", "message"}]}. */
static void
errors_summary (const char *body, size_t len, char *out, size_t outsz)
{
  json_t *j, *e;
  const char *code, *message;

  out[0] = '\0';
  if (body == NULL || len == 0)
    return;
  j = json_loadb (body, len, 0, NULL);
  if (j == NULL)
    return;
  e = json_array_get (json_object_get (j, "errors"), 0);
  code = json_string_value (json_object_get (e, "code"));
  message = json_string_value (json_object_get (e, "message"));
  if (code && message)
    snprintf (out, outsz, ": %s: %s", code, message);
  else if (code || message)
    snprintf (out, outsz, ": %s", code ? code : message);
  json_decref (j);
}

static int
status_errno (long status)
{
  switch (status)
    {
    case 401:
    case 403:
      return EACCES;
    case 404:
      return ENOENT;
    case 413:
      return EFBIG;
    case 429:
      return EAGAIN;
    default:
      return status >= 500 ? EIO : EPROTO;
    }
}

/* "ACTION: HTTP 404 Not Found: MANIFEST_UNKNOWN: manifest unknown" */
static int
http_error (const vs_registry *r, const xfer *x, const char *action, vs_error *err)
{
  char errs[512];
  (void) r;
  errors_summary (x->ebuf, x->elen, errs, sizeof errs);
  return fail_code (err, status_errno (x->status), "%s: HTTP %ld%s%s%s", action, x->status,
                    x->reason[0] ? " " : "", x->reason, errs);
}

/* ---- one request -------------------------------------------------------- */

static void
xfer_reset_response (xfer *x)
{
  x->status = 0;
  x->reason[0] = '\0';
  free (x->location);
  free (x->content_type);
  free (x->docker_digest);
  free (x->www_auth);
  free (x->content_range);
  x->location = x->content_type = x->docker_digest = x->www_auth = x->content_range = NULL;
  x->content_length = -1;
  x->len = 0;
  x->too_big = false;
  x->elen = 0;
  x->body_started = false;
  x->sink_err = 0;
  x->sent = 0;
  x->errbuf[0] = '\0';
}

static void
xfer_free (xfer *x)
{
  xfer_reset_response (x);
  free (x->url);
  free (x->buf);
  free (x->ebuf);
  curl_slist_free_all (x->hdrs);
  free (x->sent_token);
  x->url = x->buf = x->ebuf = x->sent_token = NULL;
  x->hdrs = NULL;
}

static void
xfer_init (xfer *x, const char *method, char *url, const char *repo, const char *scope)
{
  memset (x, 0, sizeof *x);
  x->method = method;
  x->url = url;
  x->repo = repo;
  x->scope = scope ? scope : "";
  x->in_fd = -1;
  x->out_fd = -1;
  x->limit = -1;
  x->cap = MANIFEST_MAX;
  x->content_length = -1;
}

static char *
trimmed_dup (const char *v, size_t n)
{
  while (n > 0 && (*v == ' ' || *v == '\t'))
    v++, n--;
  while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
    n--;
  return strndup (v, n);
}

static size_t
header_cb (char *data, size_t size, size_t nitems, void *userdata)
{
  xfer *x = userdata;
  size_t n = size * nitems;
  const char *colon;
  struct { const char *name; char **slot; } keep[] = {
    { "location", &x->location },
    { "content-type", &x->content_type },
    { "docker-content-digest", &x->docker_digest },
    { "www-authenticate", &x->www_auth },
    { "content-range", &x->content_range },
  };

  if (n >= 5 && strncmp (data, "HTTP/", 5) == 0)
    {
      /* A new response (after 100 Continue): forget the previous one. */
      const char *sp = memchr (data, ' ', n);
      long status = 0;
      xfer_reset_response (x);
      if (sp)
        {
          const char *end = data + n;
          status = strtol (sp + 1, NULL, 10);
          sp = memchr (sp + 1, ' ', (size_t) (end - sp - 1));
          if (sp)
            {
              _cleanup_free_ char *reason = trimmed_dup (sp + 1, (size_t) (end - sp - 1));
              if (reason)
                snprintf (x->reason, sizeof x->reason, "%s", reason);
            }
        }
      x->status = status;
      return n;
    }
  colon = memchr (data, ':', n);
  if (colon == NULL)
    return n;
  size_t klen = (size_t) (colon - data);
  for (size_t i = 0; i < ARRAY_SIZE (keep); i++)
    if (strlen (keep[i].name) == klen && strncasecmp (data, keep[i].name, klen) == 0)
      {
        free (*keep[i].slot);
        *keep[i].slot = trimmed_dup (colon + 1, n - klen - 1);
      }
  if (klen == 14 && strncasecmp (data, "content-length", 14) == 0)
    x->content_length = strtoll (colon + 1, NULL, 10);
  return n;
}

static size_t
write_cb (char *data, size_t size, size_t nmemb, void *userdata)
{
  xfer *x = userdata;
  size_t n = size * nmemb;

  if (x->status < 200 || x->status >= 300)
    {
      /* An error (or redirect) body: keep the start for the message. */
      size_t room = x->elen < ERRBODY_MAX ? ERRBODY_MAX - x->elen : 0;
      size_t take = n < room ? n : room;
      if (take > 0)
        {
          char *nb = realloc (x->ebuf, x->elen + take + 1);
          if (nb == NULL)
            return 0;
          x->ebuf = nb;
          memcpy (x->ebuf + x->elen, data, take);
          x->elen += take;
          x->ebuf[x->elen] = '\0';
        }
      return n;
    }

  if (x->out_fd >= 0)
    {
      if (!x->body_started)
        {
          x->body_started = true;
          if (x->status == 206)
            x->pos = x->range_from;
          else
            {
              /* The whole blob despite a Range: write it again from the
                 start, over what is there (never truncate: an unpacker
                 may be reading the file behind the writer). */
              x->pos = 0;
              x->range_from = 0;
            }
        }
      size_t done = 0;
      if (x->limit >= 0 && x->pos + (int64_t) (n - done) > x->limit)
        {
          x->too_big = true; /* more than the manifest said: never fill the disk */
          return 0;
        }
      while (done < n)
        {
          ssize_t w = pwrite (x->out_fd, data + done, n - done, x->pos);
          if (w < 0)
            {
              if (errno == EINTR)
                continue;
              x->sink_err = errno;
              return 0;
            }
          done += (size_t) w;
          x->pos += w;
        }
      return n;
    }

  if (x->len + n > x->cap)
    {
      x->too_big = true;
      return 0;
    }
  char *nb = realloc (x->buf, x->len + n + 1);
  if (nb == NULL)
    return 0;
  x->buf = nb;
  memcpy (x->buf + x->len, data, n);
  x->len += n;
  x->buf[x->len] = '\0';
  return n;
}

static size_t
read_cb (char *out, size_t size, size_t nitems, void *userdata)
{
  xfer *x = userdata;
  size_t want = size * nitems;
  int64_t left = x->in_len - x->sent;

  if (left <= 0)
    return 0;
  if ((int64_t) want > left)
    want = (size_t) left;
  if (x->in_fd >= 0)
    {
      ssize_t n;
      do
        n = pread (x->in_fd, out, want, x->in_off + x->sent);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        {
          x->sink_err = errno;
          return CURL_READFUNC_ABORT;
        }
      if (n == 0)
        {
          x->sink_err = EIO; /* the file is shorter than announced */
          return CURL_READFUNC_ABORT;
        }
      want = (size_t) n;
    }
  else
    memcpy (out, x->body + x->sent, want);
  x->sent += (int64_t) want;
  return want;
}

static int
seek_cb (void *userdata, curl_off_t offset, int origin)
{
  xfer *x = userdata;
  if (origin != SEEK_SET || offset < 0 || offset > x->in_len)
    return CURL_SEEKFUNC_CANTSEEK;
  x->sent = offset;
  return CURL_SEEKFUNC_OK;
}

static int
xferinfo_cb (void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
  xfer *x = userdata;
  (void) dltotal;
  (void) ultotal;
  if (x->progress == NULL)
    return 0;
  if (x->out_fd >= 0)
    {
      if (x->status >= 200 && x->status < 300)
        x->progress (x->user, x->index, x->pos, x->prog_total);
    }
  else if (ulnow > 0)
    x->progress (x->user, x->index, x->prog_base + ulnow, x->prog_total);
  (void) dlnow;
  return 0;
}

static const char *
find_token (vs_registry *r, const char *scope)
{
  for (size_t i = 0; i < r->n_tokens; i++)
    if (strcmp (r->tokens[i].scope, scope) == 0)
      return r->tokens[i].value;
  return NULL;
}

static void
drop_token (vs_registry *r, const char *scope)
{
  for (size_t i = 0; i < r->n_tokens; i++)
    if (strcmp (r->tokens[i].scope, scope) == 0)
      {
        free (r->tokens[i].scope);
        free (r->tokens[i].value);
        r->tokens[i] = r->tokens[--r->n_tokens];
        return;
      }
}

static int get_token (vs_registry *r, const char *scope, const char *extra_scope, vs_error *err);

/* Configure h for x's next attempt. */
static int
xfer_setup (vs_registry *r, xfer *x, CURL *h, vs_error *err)
{
  char range[32];
  _cleanup_free_ char *auth = NULL;

  xfer_reset_response (x);
  curl_slist_free_all (x->hdrs);
  x->hdrs = NULL;

  curl_easy_setopt (h, CURLOPT_URL, x->url);
  curl_easy_setopt (h, CURLOPT_USERAGENT, r->user_agent);
  curl_easy_setopt (h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (h, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt (h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (h, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt (h, CURLOPT_ACCEPT_ENCODING, NULL);
  if (!r->tls_verify)
    {
      curl_easy_setopt (h, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt (h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
  curl_easy_setopt (h, CURLOPT_ERRORBUFFER, x->errbuf);
  curl_easy_setopt (h, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (h, CURLOPT_HEADERDATA, x);
  curl_easy_setopt (h, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (h, CURLOPT_WRITEDATA, x);
  curl_easy_setopt (h, CURLOPT_PRIVATE, x);
  curl_easy_setopt (h, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
  curl_easy_setopt (h, CURLOPT_XFERINFODATA, x);
  curl_easy_setopt (h, CURLOPT_NOPROGRESS, x->progress ? 0L : 1L);

  if (strcmp (x->method, "HEAD") == 0)
    curl_easy_setopt (h, CURLOPT_NOBODY, 1L);
  else if (strcmp (x->method, "POST") == 0)
    {
      curl_easy_setopt (h, CURLOPT_POST, 1L);
      curl_easy_setopt (h, CURLOPT_POSTFIELDS, "");
      curl_easy_setopt (h, CURLOPT_POSTFIELDSIZE, 0L);
    }
  else if (strcmp (x->method, "PUT") == 0 || strcmp (x->method, "PATCH") == 0)
    {
      curl_easy_setopt (h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt (h, CURLOPT_INFILESIZE_LARGE, (curl_off_t) x->in_len);
      curl_easy_setopt (h, CURLOPT_READFUNCTION, read_cb);
      curl_easy_setopt (h, CURLOPT_READDATA, x);
      curl_easy_setopt (h, CURLOPT_SEEKFUNCTION, seek_cb);
      curl_easy_setopt (h, CURLOPT_SEEKDATA, x);
      if (strcmp (x->method, "PATCH") == 0)
        curl_easy_setopt (h, CURLOPT_CUSTOMREQUEST, "PATCH");
    }
  if (x->out_fd >= 0 && x->range_from > 0)
    {
      snprintf (range, sizeof range, "%" PRId64 "-", x->range_from);
      curl_easy_setopt (h, CURLOPT_RANGE, range);
    }

  for (size_t i = 0; i < ARRAY_SIZE (x->headers) && x->headers[i]; i++)
    x->hdrs = curl_slist_append (x->hdrs, x->headers[i]);
  x->hdrs = curl_slist_append (x->hdrs, "Expect:");

  x->sent_basic = false;
  free (x->sent_token);
  x->sent_token = NULL;
  if (!x->off_host)
    {
      if (r->mode == VS_AUTH_BEARER)
        {
          const char *t = find_token (r, x->scope);
          if (t == NULL)
            {
              int ret = get_token (r, x->scope, NULL, err);
              if (ret < 0)
                return ret;
              x->fresh_token = true;
              t = find_token (r, x->scope);
            }
          free (x->sent_token);
          x->sent_token = t ? strdup (t) : NULL;
          if (t && *t)
            auth = xasprintf ("Authorization: Bearer %s", t);
        }
      else if (r->mode == VS_AUTH_BASIC && r->user)
        {
          _cleanup_free_ char *up = xasprintf ("%s:%s", r->user, r->pass ? r->pass : "");
          _cleanup_free_ char *b = up ? base64 (up) : NULL;
          if (b)
            auth = xasprintf ("Authorization: Basic %s", b);
          x->sent_basic = true;
        }
      if (auth)
        x->hdrs = curl_slist_append (x->hdrs, auth);
    }
  curl_easy_setopt (h, CURLOPT_HTTPHEADER, x->hdrs);
  return 0;
}

static bool
curl_transient (CURLcode cc)
{
  switch (cc)
    {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
    }
}

static int
curl_errno (CURLcode cc)
{
  switch (cc)
    {
    case CURLE_COULDNT_CONNECT:
      return ECONNREFUSED;
    case CURLE_COULDNT_RESOLVE_HOST:
      return EHOSTUNREACH;
    case CURLE_OPERATION_TIMEDOUT:
      return ETIMEDOUT;
    case CURLE_OUT_OF_MEMORY:
      return ENOMEM;
    default:
      return EIO;
    }
}

static int
unauthorized (vs_registry *r, const xfer *x, vs_error *err)
{
  char errs[512];
  errors_summary (x->ebuf, x->elen, errs, sizeof errs);
  return fail_code (err, EACCES, "unauthorized: registry %s%s%s: HTTP %ld%s (%s)", r->host,
                    x->repo ? ": repository " : "", x->repo ? x->repo : "", x->status, errs,
                    r->user ? "check the user name and password" : "authentication required: log in first");
}

/* Judge a finished attempt.  STEP_DONE: x->status holds the final answer
 * (the caller checks it); STEP_AGAIN: set up and run again after
 * x->delay_ms; < 0: failed, err filled. */
static int
xfer_step (vs_registry *r, xfer *x, CURLcode cc, const char *what, vs_error *err)
{
  x->delay_ms = 0;
  if (x->sink_err)
    return vs_fail (err, x->sink_err, "%s", what);
  if (x->too_big && x->out_fd >= 0)
    return fail_code (err, EFBIG, "%s: the registry sent more than the %lld bytes the manifest gives", what,
                      (long long) x->limit);
  if (x->too_big)
    return fail_code (err, EFBIG, "%s: response larger than %d bytes", what, (int) x->cap);
  if (cc != CURLE_OK)
    {
      if (curl_transient (cc) && x->attempts < MAX_RETRIES)
        {
          x->delay_ms = 250 << x->attempts++;
          return STEP_AGAIN;
        }
      return fail_code (err, curl_errno (cc), "%s: %s%s%s", what, curl_easy_strerror (cc),
                        x->errbuf[0] ? ": " : "", x->errbuf);
    }

  if ((x->status == 301 || x->status == 302 || x->status == 303 || x->status == 307 || x->status == 308)
      && x->location)
    {
      char *next;
      if (++x->redirects > MAX_REDIRECTS)
        return fail_code (err, ELOOP, "%s: more than %d redirects", what, MAX_REDIRECTS);
      next = resolve_url (x->url, x->location, NULL);
      if (next == NULL || (strncmp (next, "http://", 7) != 0 && strncmp (next, "https://", 8) != 0))
        {
          int ret = fail_code (err, EPROTO, "%s: bad redirect to `%s`", what, x->location);
          free (next);
          return ret;
        }
      free (x->url);
      x->url = next;
      /* Credentials only ever go to the registry itself. */
      if (!same_origin (r, x->url))
        x->off_host = true;
      if (x->status == 303)
        x->method = strcmp (x->method, "HEAD") == 0 ? "HEAD" : "GET";
      return STEP_AGAIN;
    }

  if (x->status == 401 && !x->off_host)
    {
      vs_challenge c;
      int ret;
      if (++x->auth_tries > 2)
        return unauthorized (r, x, err);
      ret = vs_challenge_parse (x->www_auth, &c, err);
      if (ret < 0)
        return vs_wrap (err, ret, "%s: HTTP 401", what);
      if (c.scheme == VS_AUTH_BASIC)
        {
          vs_challenge_free (&c);
          if (x->sent_basic || r->user == NULL)
            return unauthorized (r, x, err);
          r->mode = VS_AUTH_BASIC;
          return STEP_AGAIN;
        }
      /* Bearer: a token fetched for this very request was refused. */
      if (x->fresh_token)
        {
          vs_challenge_free (&c);
          return unauthorized (r, x, err);
        }
      r->mode = VS_AUTH_BEARER;
      free (r->realm);
      free (r->service);
      r->realm = TAKE_PTR (c.realm);
      r->service = TAKE_PTR (c.service);
      /* Another transfer got a token meanwhile: try that one first. */
      const char *cur = find_token (r, x->scope);
      if (cur && (x->sent_token == NULL || strcmp (cur, x->sent_token) != 0))
        {
          vs_challenge_free (&c);
          return STEP_AGAIN;
        }
      drop_token (r, x->scope);
      ret = get_token (r, x->scope, c.scope, err);
      vs_challenge_free (&c);
      if (ret < 0)
        return ret;
      x->fresh_token = true;
      return STEP_AGAIN;
    }

  if ((x->status >= 500 || x->status == 429) && x->attempts < MAX_RETRIES)
    {
      x->delay_ms = 250 << x->attempts++;
      return STEP_AGAIN;
    }
  return STEP_DONE;
}

/* Run x to its final answer on the registry's own handle. */
static int
xfer_run (vs_registry *r, xfer *x, const char *what, vs_error *err)
{
  for (;;)
    {
      int ret;
      curl_easy_reset (r->easy);
      ret = xfer_setup (r, x, r->easy, err);
      if (ret < 0)
        return ret;
      CURLcode cc = curl_easy_perform (r->easy);
      ret = xfer_step (r, x, cc, what, err);
      if (ret != STEP_AGAIN)
        return ret;
      if (x->delay_ms)
        sleep_ms (x->delay_ms);
    }
}

/* ---- tokens ------------------------------------------------------------- */

static int
append_scope_params (char **url, const char *scopes, CURL *h)
{
  const char *p = scopes;
  while (p && *p)
    {
      size_t n = strcspn (p, " ");
      if (n > 0)
        {
          _cleanup_free_ char *one = strndup (p, n);
          char *esc = one ? curl_easy_escape (h, one, 0) : NULL;
          char *nu = esc ? xasprintf ("%s&scope=%s", *url, esc) : NULL;
          curl_free (esc);
          if (nu == NULL)
            return -ENOMEM;
          free (*url);
          *url = nu;
        }
      p += n;
      while (*p == ' ')
        p++;
    }
  return 0;
}

/* Fetch a Bearer token for `scope` (plus the challenge's own scope when it
 * asks for something else) and cache it under `scope`. */
static int
get_token (vs_registry *r, const char *scope, const char *extra_scope, vs_error *err)
{
  _cleanup_free_ char *url = NULL, *all = NULL, *svc = NULL;
  CURL *h;
  xfer x;
  json_t *j;
  const char *t;
  char what[512];
  int ret;

  snprintf (what, sizeof what, "get a token for registry %s from %s", r->host, r->realm ? r->realm : "?");
  if (r->realm == NULL)
    return fail_code (err, EPROTO, "%s: no realm", what);
  h = curl_easy_init ();
  if (h == NULL)
    return fail_code (err, ENOMEM, "%s: curl_easy_init failed", what);
  if (r->service)
    {
      char *esc = curl_easy_escape (h, r->service, 0);
      svc = esc ? xasprintf ("service=%s", esc) : NULL;
      curl_free (esc);
    }
  else
    svc = strdup ("");
  url = svc ? xasprintf ("%s%c%s", r->realm, strchr (r->realm, '?') ? '&' : '?', svc) : NULL;
  if (extra_scope && *extra_scope && strstr (scope, extra_scope) == NULL)
    all = xasprintf ("%s %s", scope, extra_scope);
  else
    all = strdup (scope);
  if (url == NULL || all == NULL || append_scope_params (&url, all, h) < 0)
    {
      curl_easy_cleanup (h);
      return fail_code (err, ENOMEM, "%s", what);
    }

  xfer_init (&x, "GET", TAKE_PTR (url), NULL, "");
  x.cap = TOKEN_MAX;
  x.off_host = true; /* the realm gets Basic credentials only, set below */
  for (;;)
    {
      curl_easy_reset (h);
      ret = xfer_setup (r, &x, h, err);
      if (ret < 0)
        break;
      /* credentials only to the realm's own origin, never after a redirect
         elsewhere, and never in clear text when TLS is on */
      _cleanup_free_ char *o1 = url_origin (r->realm), *o2 = url_origin (x.url);
      bool realm_origin = o1 && o2 && strcmp (o1, o2) == 0;
      if (r->user && realm_origin && r->tls_verify && strncmp (x.url, "https://", 8) != 0)
        {
          ret = fail_code (err, EPROTO, "%s: the token realm is not https; not sending credentials", what);
          break;
        }
      if (r->user && realm_origin)
        {
          curl_easy_setopt (h, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
          curl_easy_setopt (h, CURLOPT_USERNAME, r->user);
          curl_easy_setopt (h, CURLOPT_PASSWORD, r->pass ? r->pass : "");
        }
      ret = xfer_step (r, &x, curl_easy_perform (h), what, err);
      if (ret != STEP_AGAIN)
        break;
      if (x.delay_ms)
        sleep_ms (x.delay_ms);
    }
  curl_easy_cleanup (h);
  if (ret < 0)
    goto out;
  if (x.status == 401 || x.status == 403)
    {
      char errs[512];
      errors_summary (x.ebuf, x.elen, errs, sizeof errs);
      ret = fail_code (err, EACCES, "unauthorized: registry %s: token from %s refused: HTTP %ld%s%s", r->host,
                       r->realm, x.status, errs,
                       r->user ? " (check the user name and password)" : " (authentication required: log in first)");
      goto out;
    }
  if (x.status != 200)
    {
      ret = http_error (r, &x, what, err);
      goto out;
    }
  j = json_loadb (x.buf ? x.buf : "", x.len, 0, NULL);
  t = json_string_value (json_object_get (j, "token"));
  if (t == NULL || *t == '\0')
    t = json_string_value (json_object_get (j, "access_token"));
  if (t == NULL || *t == '\0')
    ret = fail_code (err, EPROTO, "%s: the answer has no \"token\" nor \"access_token\"", what);
  else
    {
      token *nt = realloc (r->tokens, (r->n_tokens + 1) * sizeof *nt);
      if (nt == NULL)
        ret = fail_code (err, ENOMEM, "%s", what);
      else
        {
          r->tokens = nt;
          nt[r->n_tokens].scope = strdup (scope);
          nt[r->n_tokens].value = strdup (t);
          if (nt[r->n_tokens].scope == NULL || nt[r->n_tokens].value == NULL)
            {
              free (nt[r->n_tokens].scope);
              free (nt[r->n_tokens].value);
              ret = fail_code (err, ENOMEM, "%s", what);
            }
          else
            {
              r->n_tokens++;
              ret = 0;
            }
        }
    }
  json_decref (j);
out:
  xfer_free (&x);
  return ret;
}

/* ---- open / close --------------------------------------------------------- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;

static void
curl_init_once (void)
{
  curl_init_result = curl_global_init (CURL_GLOBAL_DEFAULT);
}

void
vs_registry_free (vs_registry *r)
{
  if (r == NULL)
    return;
  if (r->easy)
    curl_easy_cleanup (r->easy);
  for (size_t i = 0; i < r->n_tokens; i++)
    {
      free (r->tokens[i].scope);
      free (r->tokens[i].value);
    }
  free (r->tokens);
  free (r->host);
  free (r->base);
  free (r->user);
  if (r->pass)
    explicit_bzero (r->pass, strlen (r->pass));
  free (r->pass);
  free (r->user_agent);
  free (r->realm);
  free (r->service);
  free (r);
}

int
vs_registry_open (const char *host, const vs_registry_opts *opts, vs_registry **ret, vs_error *err)
{
  vs_registry_opts none = { .tls_verify = true };
  vs_registry *r;
  const char *api_host;

  *ret = NULL;
  if (opts == NULL)
    opts = &none;
  if (host == NULL || *host == '\0' || strpbrk (host, "/?#@ \t\r\n") != NULL)
    return vs_fail (err, 0, "open registry `%s`: not a host[:port]", host ? host : "");
  pthread_once (&curl_once, curl_init_once);
  if (curl_init_result != CURLE_OK)
    return fail_code (err, EIO, "open registry %s: curl_global_init: %s", host,
                      curl_easy_strerror (curl_init_result));
  r = calloc (1, sizeof *r);
  if (r == NULL)
    return vs_fail (err, ENOMEM, "open registry %s", host);
  /* docker.io is the name; the API lives elsewhere. */
  api_host = strcmp (host, "docker.io") == 0 || strcmp (host, "index.docker.io") == 0 ? "registry-1.docker.io" : host;
  r->host = strdup (host);
  r->base = xasprintf ("%s://%s", opts->tls_verify ? "https" : "http", api_host);
  r->tls_verify = opts->tls_verify;
  r->user_agent = opts->user_agent ? strdup (opts->user_agent) : strdup ("vessel/" VESSEL_VERSION);
  r->easy = curl_easy_init ();
  if (r->host == NULL || r->base == NULL || r->user_agent == NULL || r->easy == NULL)
    {
      vs_registry_free (r);
      return vs_fail (err, ENOMEM, "open registry %s", host);
    }
  if (opts->username)
    {
      r->user = strdup (opts->username);
      r->pass = strdup (opts->password ? opts->password : "");
      if (r->user == NULL || r->pass == NULL)
        {
          vs_registry_free (r);
          return vs_fail (err, ENOMEM, "open registry %s", host);
        }
    }
  else if (opts->auth_file)
    {
      int k = vs_auth_get (opts->auth_file, host, &r->user, &r->pass, err);
      if (k < 0)
        {
          vs_registry_free (r);
          return vs_wrap (err, k, "open registry %s", host);
        }
    }
  *ret = r;
  return 0;
}

/* ---- API ---------------------------------------------------------------- */

static char *
scope_for (const char *repo, bool push)
{
  return xasprintf ("repository:%s:%s", repo, push ? "pull,push" : "pull");
}

int
vs_registry_ping (vs_registry *r, vs_error *err)
{
  xfer x;
  char what[300];
  int ret;
  char *url = xasprintf ("%s/v2/", r->base);

  if (url == NULL)
    return vs_fail (err, ENOMEM, "ping registry %s", r->host);
  snprintf (what, sizeof what, "ping registry %s", r->host);
  xfer_init (&x, "GET", url, NULL, "");
  ret = xfer_run (r, &x, what, err);
  if (ret >= 0)
    {
      if (x.status == 401)
        ret = unauthorized (r, &x, err);
      else if (x.status != 200)
        ret = http_error (r, &x, what, err);
      else
        ret = 0;
    }
  xfer_free (&x);
  return ret;
}

int
vs_registry_get_manifest (vs_registry *r, const char *repo, const char *ref, char **body, size_t *len,
                          char **content_type, char digest[72], vs_error *err)
{
  _cleanup_free_ char *scope = NULL;
  xfer x;
  char what[512], got[72];
  int ret;

  *body = NULL;
  if (len)
    *len = 0;
  if (content_type)
    *content_type = NULL;
  snprintf (what, sizeof what, "get manifest %s/%s%s%s", r->host, repo ? repo : "", ref && strchr (ref, ':') ? "@" : ":",
            ref ? ref : "");
  if (!url_safe (repo) || !url_safe (ref))
    return vs_fail (err, 0, "%s: bad repository or reference", what);
  scope = scope_for (repo, false);
  char *url = xasprintf ("%s/v2/%s/manifests/%s", r->base, repo, ref);
  if (scope == NULL || url == NULL)
    {
      free (url);
      return vs_fail (err, ENOMEM, "%s", what);
    }
  xfer_init (&x, "GET", url, repo, scope);
  x.headers[0] = "Accept: " ACCEPT_MANIFESTS;
  ret = xfer_run (r, &x, what, err);
  if (ret < 0)
    goto out;
  if (x.status == 401)
    {
      ret = unauthorized (r, &x, err);
      goto out;
    }
  if (x.status != 200)
    {
      ret = http_error (r, &x, what, err);
      goto out;
    }
  vs_sha256_buf (x.buf ? x.buf : "", x.len, got);
  if (strncmp (ref, "sha256:", 7) == 0 && strcmp (ref, got) != 0)
    {
      ret = fail_code (err, EBADMSG, "%s: the registry sent content with digest %s", what, got);
      goto out;
    }
  if (x.buf == NULL && (x.buf = strdup ("")) == NULL)
    {
      ret = vs_fail (err, ENOMEM, "%s", what);
      goto out;
    }
  if (content_type)
    {
      const char *ct = x.content_type ? x.content_type : "";
      size_t ctl = strcspn (ct, "; ");
      *content_type = strndup (ct, ctl);
      if (*content_type == NULL)
        {
          ret = vs_fail (err, ENOMEM, "%s", what);
          goto out;
        }
    }
  if (digest)
    memcpy (digest, got, 72);
  if (len)
    *len = x.len;
  *body = TAKE_PTR (x.buf);
  ret = 0;
out:
  xfer_free (&x);
  return ret;
}

int
vs_registry_put_manifest (vs_registry *r, const char *repo, const char *ref, const char *body, size_t len,
                          const char *media_type, vs_error *err)
{
  _cleanup_free_ char *scope = NULL, *ct = NULL;
  xfer x;
  char what[512];
  int ret;

  snprintf (what, sizeof what, "put manifest %s/%s%s%s", r->host, repo ? repo : "", ref && strchr (ref, ':') ? "@" : ":",
            ref ? ref : "");
  if (!url_safe (repo) || !url_safe (ref) || media_type == NULL || strpbrk (media_type, "\r\n"))
    return vs_fail (err, 0, "%s: bad repository, reference or media type", what);
  scope = scope_for (repo, true);
  ct = xasprintf ("Content-Type: %s", media_type);
  char *url = xasprintf ("%s/v2/%s/manifests/%s", r->base, repo, ref);
  if (scope == NULL || ct == NULL || url == NULL)
    {
      free (url);
      return vs_fail (err, ENOMEM, "%s", what);
    }
  xfer_init (&x, "PUT", url, repo, scope);
  x.headers[0] = ct;
  x.body = body;
  x.in_len = (int64_t) len;
  ret = xfer_run (r, &x, what, err);
  if (ret >= 0)
    {
      if (x.status == 401)
        ret = unauthorized (r, &x, err);
      else if (x.status != 201 && x.status != 200)
        ret = http_error (r, &x, what, err);
      else
        ret = 0;
    }
  xfer_free (&x);
  return ret;
}

static int
blob_head (vs_registry *r, const char *repo, const char *digest, const char *scope, int64_t *size, vs_error *err)
{
  xfer x;
  char what[512];
  int ret;
  char *url;

  snprintf (what, sizeof what, "check blob %s in %s/%s", digest ? digest : "", r->host, repo ? repo : "");
  if (!url_safe (repo) || !url_safe (digest))
    return vs_fail (err, 0, "%s: bad repository or digest", what);
  url = xasprintf ("%s/v2/%s/blobs/%s", r->base, repo, digest);
  if (url == NULL)
    return vs_fail (err, ENOMEM, "%s", what);
  xfer_init (&x, "HEAD", url, repo, scope);
  ret = xfer_run (r, &x, what, err);
  if (ret >= 0)
    {
      if (x.status == 200)
        {
          if (size)
            *size = x.content_length;
          ret = 1;
        }
      else if (x.status == 404)
        ret = 0;
      else if (x.status == 401)
        ret = unauthorized (r, &x, err);
      else
        ret = http_error (r, &x, what, err);
    }
  xfer_free (&x);
  return ret;
}

int
vs_registry_blob_exists (vs_registry *r, const char *repo, const char *digest, int64_t *size, vs_error *err)
{
  _cleanup_free_ char *scope = repo ? scope_for (repo, false) : NULL;
  if (scope == NULL)
    return vs_fail (err, ENOMEM, "check blob %s in %s", digest ? digest : "", r->host);
  return blob_head (r, repo, digest, scope, size, err);
}

/* ---- blob downloads ------------------------------------------------------- */

typedef struct blob_job
{
  xfer x;
  vs_blob_fetch *f;
  CURL *h;
  char what[512];
  bool running, finished;
  int64_t not_before;
  int stalls, resumes;
} blob_job;

/* A finished attempt of a blob: 1 done, 0 started again later, < 0 failed. */
static int
blob_judge (vs_registry *r, blob_job *j, CURLcode cc)
{
  xfer *x = &j->x;
  vs_blob_fetch *f = j->f;
  int64_t before = x->range_from;
  bool ok_status = x->status == 200 || x->status == 206;
  int ret;

  /* A dropped connection after some of the body: resume from there. */
  if (cc != CURLE_OK && ok_status && x->body_started && curl_transient (cc) && x->sink_err == 0)
    {
      bool progressed = x->pos > before;
      j->stalls = progressed ? 0 : j->stalls + 1;
      if (j->stalls < BLOB_MAX_STALLS && ++j->resumes <= BLOB_MAX_RESUMES)
        {
          x->range_from = x->pos;
          j->not_before = now_ms () + (progressed ? 0 : 250 << j->stalls);
          return 0;
        }
    }
  ret = xfer_step (r, x, cc, j->what, &f->err);
  if (ret < 0)
    return ret;
  if (ret == STEP_AGAIN)
    {
      j->not_before = now_ms () + x->delay_ms;
      return 0;
    }
  if (x->status == 401)
    return unauthorized (r, x, &f->err);
  if (x->status == 416 && f->size >= 0 && x->range_from == f->size)
    return 1;
  if (!ok_status)
    return http_error (r, x, j->what, &f->err);
  if (x->status == 206 && x->content_range)
    {
      int64_t start = -1;
      if (sscanf (x->content_range, "bytes %" SCNd64 "-", &start) != 1 || start != x->range_from)
        return fail_code (&f->err, EPROTO, "%s: asked for bytes from %" PRId64 ", got `%s`", j->what,
                          x->range_from, x->content_range);
    }
  if (f->size >= 0 && x->pos != f->size)
    {
      if (x->pos < f->size && ++j->resumes <= BLOB_MAX_RESUMES)
        {
          /* A short body without a transport error: ask for the rest. */
          j->stalls++;
          if (j->stalls < BLOB_MAX_STALLS)
            {
              x->range_from = x->pos;
              j->not_before = now_ms () + (250 << j->stalls);
              return 0;
            }
        }
      return fail_code (&f->err, EBADMSG, "%s: got %" PRId64 " bytes, expected %" PRId64, j->what, x->pos,
                        f->size);
    }
  if (x->progress)
    x->progress (x->user, x->index, x->pos, x->prog_total);
  return 1;
}

int
vs_registry_get_blobs (vs_registry *r, const char *repo, vs_blob_fetch *f, size_t n, int parallel,
                       vs_progress_fn progress, void *user, vs_error *err)
{
  _cleanup_free_ char *scope = NULL;
  _cleanup_free_ blob_job *jobs = NULL;
  CURLM *m = NULL;
  size_t left = n, running = 0;
  int first = 0;
  size_t first_i = 0;

  if (n == 0)
    return 0;
  if (parallel < 1)
    parallel = 1;
  scope = repo ? scope_for (repo, false) : NULL;
  jobs = calloc (n, sizeof *jobs);
  m = curl_multi_init ();
  if (scope == NULL || jobs == NULL || m == NULL)
    {
      if (m)
        curl_multi_cleanup (m);
      return vs_fail (err, ENOMEM, "fetch blobs from %s/%s", r->host, repo ? repo : "");
    }

  for (size_t i = 0; i < n; i++)
    {
      blob_job *j = &jobs[i];
      char *url;
      j->f = &f[i];
      f[i].result = 0;
      vs_error_clear (&f[i].err);
      snprintf (j->what, sizeof j->what, "fetch blob %s from %s/%s", f[i].digest ? f[i].digest : "", r->host, repo);
      if (!url_safe (repo) || !url_safe (f[i].digest))
        {
          f[i].result = vs_fail (&f[i].err, EINVAL, "%s: bad repository or digest", j->what);
          j->finished = true;
          left--;
          continue;
        }
      url = xasprintf ("%s/v2/%s/blobs/%s", r->base, repo, f[i].digest);
      j->h = curl_easy_init ();
      if (url == NULL || j->h == NULL)
        {
          free (url);
          f[i].result = vs_fail (&f[i].err, ENOMEM, "%s", j->what);
          j->finished = true;
          left--;
          continue;
        }
      xfer_init (&j->x, "GET", url, repo, scope);
      j->x.out_fd = f[i].fd;
      j->x.limit = f[i].size;
      j->x.range_from = f[i].offset > 0 ? f[i].offset : 0;
      j->x.pos = j->x.range_from;
      j->x.progress = progress;
      j->x.user = user;
      j->x.index = i;
      j->x.prog_total = f[i].size;
      if (f[i].size >= 0 && j->x.range_from >= f[i].size)
        {
          if (j->x.range_from > f[i].size)
            f[i].result = fail_code (&f[i].err, EINVAL, "%s: %" PRId64 " bytes already there, expected %" PRId64,
                                     j->what, j->x.range_from, f[i].size);
          j->finished = true;
          left--;
        }
    }

  while (left > 0)
    {
      int64_t now = now_ms ();
      int64_t wait = 200;
      int still, msgs;
      CURLMsg *msg;

      for (size_t i = 0; i < n && running < (size_t) parallel; i++)
        {
          blob_job *j = &jobs[i];
          if (j->finished || j->running)
            continue;
          if (j->not_before > now)
            {
              if (j->not_before - now < wait)
                wait = j->not_before - now;
              continue;
            }
          curl_easy_reset (j->h);
          int ret = xfer_setup (r, &j->x, j->h, &j->f->err);
          if (ret < 0)
            {
              j->f->result = ret;
              j->finished = true;
              left--;
              continue;
            }
          curl_easy_setopt (j->h, CURLOPT_PRIVATE, j);
          curl_multi_add_handle (m, j->h);
          j->running = true;
          running++;
        }
      if (left == 0)
        break;
      if (running == 0)
        {
          sleep_ms ((int) (wait > 0 ? wait : 1));
          continue;
        }
      curl_multi_perform (m, &still);
      while ((msg = curl_multi_info_read (m, &msgs)) != NULL)
        {
          char *priv = NULL;
          if (msg->msg != CURLMSG_DONE)
            continue;
          curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, &priv);
          CURLcode cc = msg->data.result;
          curl_multi_remove_handle (m, msg->easy_handle);
          blob_job *job = (blob_job *) (void *) priv;
          job->running = false;
          running--;
          int ret = blob_judge (r, job, cc);
          if (ret != 0)
            {
              job->finished = true;
              left--;
              job->f->result = ret < 0 ? ret : 0;
            }
        }
      if (left > 0 && running > 0)
        curl_multi_poll (m, NULL, 0, (int) wait, NULL);
    }

  for (size_t i = 0; i < n; i++)
    {
      if (jobs[i].h)
        {
          if (jobs[i].running)
            curl_multi_remove_handle (m, jobs[i].h);
          curl_easy_cleanup (jobs[i].h);
        }
      xfer_free (&jobs[i].x);
      if (f[i].result < 0 && first == 0)
        {
          first = f[i].result;
          first_i = i;
        }
    }
  curl_multi_cleanup (m);
  if (first < 0)
    {
      memcpy (err->msg, f[first_i].err.msg, sizeof err->msg);
      err->code = f[first_i].err.code;
    }
  return first;
}

/* ---- blob uploads --------------------------------------------------------- */

int
vs_registry_put_blob (vs_registry *r, const char *repo, const char *digest, int fd, int64_t size,
                      const char *mount_from, bool *skipped, vs_progress_fn progress, void *user, size_t index,
                      vs_error *err)
{
  _cleanup_free_ char *scope = NULL, *url = NULL, *dq = NULL;
  char what[512];
  xfer x;
  int ret;
  int64_t done = 0;
  bool mount;

  if (skipped)
    *skipped = false;
  snprintf (what, sizeof what, "push blob %s to %s/%s", digest ? digest : "", r->host, repo ? repo : "");
  if (!url_safe (repo) || !url_safe (digest) || (mount_from && !url_safe (mount_from)) || size < 0)
    return vs_fail (err, 0, "%s: bad repository, digest or size", what);
  mount = mount_from && *mount_from && strcmp (mount_from, repo) != 0;
  scope = mount ? xasprintf ("repository:%s:pull,push repository:%s:pull", repo, mount_from)
                : scope_for (repo, true);
  if (scope == NULL)
    return vs_fail (err, ENOMEM, "%s", what);

  ret = blob_head (r, repo, digest, scope, NULL, err);
  if (ret < 0)
    return ret;
  if (ret == 1)
    {
      if (skipped)
        *skipped = true;
      if (progress)
        progress (user, index, size, size);
      return 0;
    }

  /* Start an upload, or mount from a sibling repository. */
  if (mount)
    url = xasprintf ("%s/v2/%s/blobs/uploads/?mount=%s&from=%s", r->base, repo, digest, mount_from);
  else
    url = xasprintf ("%s/v2/%s/blobs/uploads/", r->base, repo);
  if (url == NULL)
    return vs_fail (err, ENOMEM, "%s", what);
  xfer_init (&x, "POST", TAKE_PTR (url), repo, scope);
  ret = xfer_run (r, &x, what, err);
  if (ret < 0)
    goto out;
  if (x.status == 201 && mount)
    {
      if (skipped)
        *skipped = true;
      if (progress)
        progress (user, index, size, size);
      ret = 0;
      goto out;
    }
  if (x.status == 401)
    {
      ret = unauthorized (r, &x, err);
      goto out;
    }
  if (x.status != 202 || x.location == NULL)
    {
      ret = x.status == 202 ? fail_code (err, EPROTO, "%s: start upload: HTTP 202 without Location", what)
                            : http_error (r, &x, what, err);
      goto out;
    }

  /* PATCH chunks for large blobs; the last part goes with the PUT. */
  while (size - done > MONOLITHIC_MAX)
    {
      char cr[64];
      char *next = resolve_url (x.url, x.location, NULL);
      if (next == NULL)
        {
          ret = fail_code (err, EPROTO, "%s: bad upload location `%s`", what, x.location);
          goto out;
        }
      int64_t chunk = size - done < CHUNK_SIZE ? size - done : CHUNK_SIZE;
      xfer_free (&x);
      xfer_init (&x, "PATCH", next, repo, scope);
      x.off_host = !same_origin (r, next);
      snprintf (cr, sizeof cr, "Content-Range: %" PRId64 "-%" PRId64, done, done + chunk - 1);
      x.headers[0] = "Content-Type: application/octet-stream";
      x.headers[1] = cr;
      x.in_fd = fd;
      x.in_off = done;
      x.in_len = chunk;
      x.progress = progress;
      x.user = user;
      x.index = index;
      x.prog_base = done;
      x.prog_total = size;
      ret = xfer_run (r, &x, what, err);
      if (ret < 0)
        goto out;
      if (x.status != 202 || x.location == NULL)
        {
          ret = x.status == 401 ? unauthorized (r, &x, err)
                : x.status == 202 ? fail_code (err, EPROTO, "%s: upload chunk: HTTP 202 without Location", what)
                                  : http_error (r, &x, what, err);
          goto out;
        }
      done += chunk;
    }

  dq = xasprintf ("digest=%s", digest);
  char *put = dq ? resolve_url (x.url, x.location, dq) : NULL;
  if (put == NULL)
    {
      ret = fail_code (err, EPROTO, "%s: bad upload location `%s`", what, x.location);
      goto out;
    }
  xfer_free (&x);
  xfer_init (&x, "PUT", put, repo, scope);
  x.off_host = !same_origin (r, put);
  x.headers[0] = "Content-Type: application/octet-stream";
  x.in_fd = fd;
  x.in_off = done;
  x.in_len = size - done;
  x.progress = progress;
  x.user = user;
  x.index = index;
  x.prog_base = done;
  x.prog_total = size;
  ret = xfer_run (r, &x, what, err);
  if (ret < 0)
    goto out;
  if (x.status != 201 && x.status != 204)
    {
      ret = x.status == 401 ? unauthorized (r, &x, err) : http_error (r, &x, what, err);
      goto out;
    }
  if (progress)
    progress (user, index, size, size);
  ret = 0;
out:
  xfer_free (&x);
  return ret;
}
