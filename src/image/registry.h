/* registry.h — an OCI distribution client over libcurl.
 *
 * One vs_registry per registry host.  It speaks https, or plain http when
 * tls_verify is false (docker's "insecure registry"), follows redirects,
 * answers 401 challenges with Bearer tokens (realm/service/scope, fetched
 * with the credentials when there are any, anonymously otherwise) or Basic
 * auth, and retries transient failures (connection reset, 5xx, 429) a few
 * times with backoff.  Every error names the registry, repository and
 * object, and what the server said (status line and body's "errors"
 * message when there is one). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../basic/error.h"

typedef struct vs_registry vs_registry;

typedef struct vs_registry_opts
{
  bool tls_verify;          /* false: plain http (and unverified https) */
  const char *username;     /* explicit credentials, or NULL to look in auth_file */
  const char *password;
  const char *auth_file;    /* auth.json (see auth.h), or NULL */
  const char *user_agent;   /* NULL: "vessel/<version>" */
} vs_registry_opts;

int vs_registry_open (const char *host, const vs_registry_opts *opts, vs_registry **ret, vs_error *err);
void vs_registry_free (vs_registry *r);
static inline void
vs_registry_freep (vs_registry **r)
{
  vs_registry_free (*r);
}
#define _cleanup_registry_ __attribute__ ((cleanup (vs_registry_freep)))

/* GET /v2/ (login check): 0 when the credentials are accepted, else an
 * error ("unauthorized: ..." naming the registry). */
int vs_registry_ping (vs_registry *r, vs_error *err);

/* GET a manifest or index by tag or digest, Accept: all four media types.
 * *body is malloc'd (capped at 4 MiB); *content_type malloc'd; digest
 * receives sha256 of the bytes.  When ref is a digest the bytes are checked
 * against it. */
int vs_registry_get_manifest (vs_registry *r, const char *repo, const char *ref, char **body, size_t *len,
                              char **content_type, char digest[72], vs_error *err);
int vs_registry_put_manifest (vs_registry *r, const char *repo, const char *ref, const char *body, size_t len,
                              const char *media_type, vs_error *err);

/* HEAD a blob: 1 present (size in *size when not NULL), 0 absent. */
int vs_registry_blob_exists (vs_registry *r, const char *repo, const char *digest, int64_t *size, vs_error *err);

/* Progress: called with the bytes done so far for blob `index` of a batch. */
typedef void (*vs_progress_fn) (void *user, size_t index, int64_t done, int64_t total);

typedef struct vs_blob_fetch
{
  const char *digest;
  int64_t size;             /* from the manifest; -1 unknown */
  int fd;                   /* written from `offset` on (pwrite) */
  int64_t offset;           /* bytes already there (resume with Range) */
  int result;               /* out: 0 or -errno */
  vs_error err;             /* out: when result < 0 */
} vs_blob_fetch;

/* Fetch n blobs, up to `parallel` at once (curl multi).  Each one resumes
 * with a Range request after a dropped connection, up to a few retries.
 * The caller verifies digests.  Returns 0 when all succeeded, else the
 * first failure (also in err). */
int vs_registry_get_blobs (vs_registry *r, const char *repo, vs_blob_fetch *f, size_t n, int parallel,
                           vs_progress_fn progress, void *user, vs_error *err);

/* Upload a blob read from fd (size bytes, from offset 0).  When mount_from
 * names another repository on the same registry, a cross-repository mount is
 * tried first (POST ?mount=&from=), falling back to an upload.  Monolithic
 * PUT for small blobs, PATCH chunks then PUT for large ones.  Skips the
 * upload when a HEAD finds the blob already there; *skipped says so. */
int vs_registry_put_blob (vs_registry *r, const char *repo, const char *digest, int fd, int64_t size,
                          const char *mount_from, bool *skipped, vs_progress_fn progress, void *user,
                          size_t index, vs_error *err);

/* A parsed WWW-Authenticate challenge (the first one in the header). */
typedef enum vs_auth_scheme
{
  VS_AUTH_BASIC = 1,
  VS_AUTH_BEARER = 2,
} vs_auth_scheme;

typedef struct vs_challenge
{
  vs_auth_scheme scheme;
  char *realm;              /* required for Bearer (an http(s) URL) */
  char *service;            /* NULL when absent */
  char *scope;              /* NULL when absent */
} vs_challenge;

/* Parse `Bearer realm="...",service="...",scope="..."` or `Basic realm=...`:
 * scheme case-insensitive, quoted or bare values, commas inside quotes,
 * unknown parameters ignored.  Pure: no I/O.  An unknown scheme or a
 * Bearer without realm is an error. */
int vs_challenge_parse (const char *header, vs_challenge *c, vs_error *err);
void vs_challenge_free (vs_challenge *c);
