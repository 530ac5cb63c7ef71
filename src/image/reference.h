/* reference.h — image references parsed as docker does.
 *
 *   busybox                 -> docker.io/library/busybox:latest
 *   localhost:5000/a/b:v1   -> registry localhost:5000, repo a/b, tag v1
 *   repo@sha256:<64 hex>    -> by digest (tag may also be given)
 *
 * A first component with a '.' or ':' or equal to "localhost" is a
 * registry host; otherwise the registry is docker.io and one-component
 * names get "library/".  Repository components are lowercase
 * [a-z0-9]+ joined by '.', '_', '__' or '-'+; tags [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
#pragma once

#include <stdbool.h>

#include "../basic/error.h"

typedef struct vs_ref
{
  char *registry;  /* "docker.io", "localhost:5000" */
  char *repo;      /* "library/busybox", "a/b" */
  char *tag;       /* "latest" when neither tag nor digest given; NULL when only a digest */
  char *digest;    /* "sha256:<hex>" or NULL */
} vs_ref;

/* Parse s.  Errors name the reference and the rule it broke:
 *   invalid reference "Foo": repository name must be lowercase
 * On failure *ref is left zeroed; on success free it with vs_ref_free. */
int vs_ref_parse (const char *s, vs_ref *ref, vs_error *err);
void vs_ref_free (vs_ref *ref);
static inline void
vs_ref_freep (vs_ref *ref)
{
  vs_ref_free (ref);
}
#define _cleanup_ref_ __attribute__ ((cleanup (vs_ref_freep)))
/* "registry/repo:tag" (or "registry/repo@digest" when there is no tag): the
 * canonical name.  With both a tag and a digest the tag form is returned
 * (the digest stays in ref->digest).  NULL when out of memory. */
char *vs_ref_name (const vs_ref *ref);
/* "registry/repo" */
char *vs_ref_repo_name (const vs_ref *ref);
/* The name docker shows: "busybox:latest" for docker.io/library/busybox:latest,
 * "localhost:5000/a/b:v1" otherwise. */
char *vs_ref_familiar (const char *canonical);
/* True when s looks like a (possibly short) hex image id rather than a name:
 * an optional "sha256:" then 1 to 64 lowercase hex digits.  Short ones are
 * also valid names; as docker, look the name up first. */
bool vs_ref_is_id_prefix (const char *s);
