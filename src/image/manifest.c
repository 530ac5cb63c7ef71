/* manifest.c — OCI / Docker schema-2 manifests, indexes and image configs:
 * parsed with jansson, every field of hostile input checked, every error
 * naming the document and the field. */
#include "manifest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include <jansson.h>

#include "../basic/cleanup.h"
#include "digest.h"
#include "../basic/json-util.h"

#define MT_DOCKER_SCHEMA1        "application/vnd.docker.distribution.manifest.v1+json"
#define MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"
#define SCHEMA1_WHY                                                                                     \
  "schema 1 manifests are not supported (deprecated by docker and removed from registries); "        \
  "re-push the image with a current docker, podman or skopeo"

/* Documents named in errors. */
#define DOC_MANIFEST "manifest"
#define DOC_INDEX    "image index"
#define DOC_CONFIG   "image config"

/* ---- small helpers ---- */

static char *
field_path (char buf[static 128], const char *parent, const char *key)
{
  snprintf (buf, 128, "%s%s%s", parent, *parent ? "." : "", key);
  return buf;
}

static int
load_object (const char *doc, const char *data, size_t len, json_t **ret, vs_error *err)
{
  json_error_t jerr;
  json_t *j;

  *ret = NULL;
  if (data == NULL)
    return vs_fail (err, 0, "%s: no data", doc);
  j = json_loadb (data, len, JSON_REJECT_DUPLICATES, &jerr);
  if (j == NULL)
    return vs_fail (err, 0, "%s: invalid JSON at line %d, column %d: %s", doc, jerr.line, jerr.column, jerr.text);
  if (!json_is_object (j))
    {
      json_decref (j);
      return vs_fail (err, 0, "%s: expected a JSON object at the top level", doc);
    }
  *ret = j;
  return 0;
}

/* A string member: *out points into the JSON (NULL when absent or null). */
static int
get_str (const char *doc, json_t *obj, const char *parent, const char *key, bool required, const char **out,
         vs_error *err)
{
  json_t *v = json_object_get (obj, key);
  char path[128];

  *out = NULL;
  if (v == NULL || json_is_null (v))
    {
      if (required)
        return vs_fail (err, 0, "%s: %s: missing", doc, field_path (path, parent, key));
      return 0;
    }
  if (!json_is_string (v))
    return vs_fail (err, 0, "%s: %s: expected a string", doc, field_path (path, parent, key));
  *out = json_string_value (v);
  return 0;
}

static int
dup_str (const char *doc, json_t *obj, const char *parent, const char *key, bool required, char **out,
         vs_error *err)
{
  const char *s;
  int r;

  *out = NULL;
  if ((r = get_str (doc, obj, parent, key, required, &s, err)) < 0)
    return r;
  if (s && (*out = strdup (s)) == NULL)
    return vs_fail (err, ENOMEM, "%s", doc);
  return 0;
}

static bool
is_token_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr ("!#$&^_.+-", c);
}

/* RFC 6838: type "/" subtype, restricted-name characters only, at most 255. */
static bool
media_type_valid (const char *s)
{
  const char *slash = strchr (s, '/');
  size_t n = strlen (s);

  if (slash == NULL || slash == s || slash[1] == '\0' || n > 255)
    return false;
  for (const char *p = s; *p; p++)
    if (p != slash && !is_token_char (*p))
      return false;
  return true;
}

/* os, architecture, variant: 1..64 of [A-Za-z0-9._-]. */
static bool
platform_word_valid (const char *s)
{
  size_t n = strlen (s);

  if (n == 0 || n > 64)
    return false;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.'
          || *p == '_' || *p == '-'))
      return false;
  return true;
}

static int
platform_word (const char *doc, json_t *obj, const char *parent, const char *key, bool required, char **out,
               vs_error *err)
{
  char path[128], shown[100];
  const char *s;
  int r;

  *out = NULL;
  if ((r = get_str (doc, obj, parent, key, required, &s, err)) < 0)
    return r;
  if (s == NULL || (*s == '\0' && !required))
    return 0;
  if (!platform_word_valid (s))
    return vs_fail (err, 0, "%s: %s: invalid value \"%s\": expected 1 to 64 letters, digits, '.', '_' or '-'",
                    doc, field_path (path, parent, key), vs_printable (s, shown, sizeof shown));
  if ((*out = strdup (s)) == NULL)
    return vs_fail (err, ENOMEM, "%s", doc);
  return 0;
}

/* ---- media types ---- */

static const char *const known_types[] = {
  VS_MT_OCI_MANIFEST, VS_MT_DOCKER_MANIFEST, VS_MT_OCI_INDEX, VS_MT_DOCKER_LIST,
};

static const char *
known_type (const char *mt)
{
  for (size_t i = 0; i < ARRAY_SIZE (known_types); i++)
    if (strcmp (known_types[i], mt) == 0)
      return known_types[i];
  return NULL;
}

static bool
is_index_type (const char *mt)
{
  return strcmp (mt, VS_MT_OCI_INDEX) == 0 || strcmp (mt, VS_MT_DOCKER_LIST) == 0;
}

static bool
is_schema1_type (const char *mt)
{
  return strcmp (mt, MT_DOCKER_SCHEMA1) == 0 || strcmp (mt, MT_DOCKER_SCHEMA1_SIGNED) == 0;
}

static int
check_schema_version (const char *doc, json_t *root, vs_error *err)
{
  json_t *v = json_object_get (root, "schemaVersion");

  if (v == NULL || json_is_null (v))
    return vs_fail (err, 0, "%s: schemaVersion: missing", doc);
  if (!json_is_integer (v))
    return vs_fail (err, 0, "%s: schemaVersion: expected an integer", doc);
  if (json_integer_value (v) == 1)
    return vs_fail (err, 0, "%s: %s", doc, SCHEMA1_WHY);
  if (json_integer_value (v) != 2)
    return vs_fail (err, 0, "%s: schemaVersion: unsupported value %" JSON_INTEGER_FORMAT " (expected 2)", doc,
                    json_integer_value (v));
  return 0;
}

/* ---- descriptors ---- */

static void
descriptor_free (vs_descriptor *d)
{
  free (d->media_type);
  free (d->digest);
  free (d->platform_os);
  free (d->platform_arch);
  free (d->platform_variant);
  memset (d, 0, sizeof *d);
}

static int
parse_descriptor (const char *doc, json_t *j, const char *path, bool with_platform, vs_descriptor *d,
                  vs_error *err)
{
  char sub[128], shown[100];
  json_t *v;
  int r;

  memset (d, 0, sizeof *d);
  if (j == NULL || json_is_null (j))
    return vs_fail (err, 0, "%s: %s: missing", doc, path);
  if (!json_is_object (j))
    return vs_fail (err, 0, "%s: %s: expected an object", doc, path);

  if ((r = dup_str (doc, j, path, "mediaType", true, &d->media_type, err)) < 0)
    goto fail;
  if (!media_type_valid (d->media_type))
    {
      r = vs_fail (err, 0, "%s: %s: invalid media type \"%s\"", doc, field_path (sub, path, "mediaType"),
                   vs_printable (d->media_type, shown, sizeof shown));
      goto fail;
    }
  if ((r = dup_str (doc, j, path, "digest", true, &d->digest, err)) < 0)
    goto fail;
  {
    char what[160];
    snprintf (what, sizeof what, "%s: %s", doc, field_path (sub, path, "digest"));
    if ((r = vs_digest_check (d->digest, what, err)) < 0)
      goto fail;
  }
  v = json_object_get (j, "size");
  if (v == NULL || json_is_null (v))
    {
      r = vs_fail (err, 0, "%s: %s: missing", doc, field_path (sub, path, "size"));
      goto fail;
    }
  if (!json_is_integer (v))
    {
      r = vs_fail (err, 0, "%s: %s: expected an integer", doc, field_path (sub, path, "size"));
      goto fail;
    }
  if (json_integer_value (v) < 0)
    {
      r = vs_fail (err, 0, "%s: %s: negative size %" JSON_INTEGER_FORMAT, doc, field_path (sub, path, "size"),
                   json_integer_value (v));
      goto fail;
    }
  d->size = json_integer_value (v);

  v = json_object_get (j, "platform");
  if (with_platform && v && !json_is_null (v))
    {
      char ppath[128];
      field_path (ppath, path, "platform");
      if (!json_is_object (v))
        {
          r = vs_fail (err, 0, "%s: %s: expected an object", doc, ppath);
          goto fail;
        }
      if ((r = platform_word (doc, v, ppath, "os", true, &d->platform_os, err)) < 0
          || (r = platform_word (doc, v, ppath, "architecture", true, &d->platform_arch, err)) < 0
          || (r = platform_word (doc, v, ppath, "variant", false, &d->platform_variant, err)) < 0)
        goto fail;
    }
  return 0;

fail:
  descriptor_free (d);
  return r;
}

/* ---- kind ---- */

const char *
vs_manifest_kind (const char *data, size_t len, const char *content_type, vs_error *err)
{
  _cleanup_json_ json_t *root = NULL;
  const char *body_mt, *kind;
  char ct[256], shown[100], shown2[100];
  json_t *sv;

  if (load_object (DOC_MANIFEST, data, len, &root, err) < 0)
    return NULL;
  if (get_str (DOC_MANIFEST, root, "", "mediaType", false, &body_mt, err) < 0)
    return NULL;
  sv = json_object_get (root, "schemaVersion");
  if ((sv && json_is_integer (sv) && json_integer_value (sv) == 1) || (body_mt && is_schema1_type (body_mt))
      || (body_mt == NULL && json_object_get (root, "fsLayers")))
    {
      vs_fail (err, 0, "%s: %s", DOC_MANIFEST, SCHEMA1_WHY);
      return NULL;
    }
  if (body_mt)
    {
      kind = known_type (body_mt);
      if (kind == NULL)
        {
          vs_fail (err, 0, "%s: mediaType: unsupported media type \"%s\" (expected an OCI or Docker "
                   "schema 2 manifest or index)", DOC_MANIFEST, vs_printable (body_mt, shown, sizeof shown));
          return NULL;
        }
    }
  else if (json_object_get (root, "manifests"))
    kind = VS_MT_OCI_INDEX;
  else if (json_object_get (root, "layers"))
    kind = VS_MT_OCI_MANIFEST;
  else
    {
      vs_fail (err, 0, "%s: no mediaType, \"manifests\" or \"layers\" field: not a manifest or an index",
               DOC_MANIFEST);
      return NULL;
    }

  if (content_type == NULL)
    return kind;
  /* "Type/Sub ; charset=utf-8" -> "type/sub" */
  {
    size_t n = 0;
    const char *p = content_type;
    while (*p == ' ' || *p == '\t')
      p++;
    while (*p && *p != ';' && *p != ' ' && *p != '\t' && n + 1 < sizeof ct)
      {
        char c = *p++;
        ct[n++] = (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
      }
    ct[n] = '\0';
  }
  if (ct[0] == '\0' || strcmp (ct, "application/json") == 0 || strcmp (ct, "text/plain") == 0
      || strcmp (ct, "application/octet-stream") == 0 || strcmp (ct, "binary/octet-stream") == 0)
    return kind; /* a generic type says nothing */
  if (is_schema1_type (ct))
    {
      vs_fail (err, 0, "%s: %s", DOC_MANIFEST, SCHEMA1_WHY);
      return NULL;
    }
  if (known_type (ct) == NULL)
    {
      vs_fail (err, 0, "%s: the registry sent Content-Type \"%s\", which is not a manifest or index media type",
               DOC_MANIFEST, vs_printable (content_type, shown, sizeof shown));
      return NULL;
    }
  if (body_mt)
    {
      if (strcmp (ct, kind) != 0)
        {
          vs_fail (err, 0, "%s: the mediaType in the body \"%s\" does not match the Content-Type \"%s\"",
                   DOC_MANIFEST, vs_printable (kind, shown, sizeof shown), vs_printable (ct, shown2, sizeof shown2));
          return NULL;
        }
      return kind;
    }
  /* No mediaType in the body: the Content-Type decides between OCI and
   * Docker, but must agree with the shape. */
  if (is_index_type (ct) != is_index_type (kind))
    {
      vs_fail (err, 0, "%s: the body is %s but the Content-Type is \"%s\"", DOC_MANIFEST,
               is_index_type (kind) ? "an index (it has \"manifests\")" : "a manifest (it has \"layers\")",
               vs_printable (ct, shown, sizeof shown));
      return NULL;
    }
  return known_type (ct);
}

/* ---- manifests ---- */

void
vs_manifest_free (vs_manifest *m)
{
  if (m == NULL)
    return;
  free (m->media_type);
  descriptor_free (&m->config);
  for (size_t i = 0; i < m->n_layers; i++)
    descriptor_free (&m->layers[i]);
  free (m->layers);
  memset (m, 0, sizeof *m);
}

/* The document's mediaType, checked against what this parser accepts. */
static int
doc_media_type (const char *doc, json_t *root, bool want_index, char **out, vs_error *err)
{
  const char *mt;
  char shown[100];
  int r;

  *out = NULL;
  if ((r = get_str (doc, root, "", "mediaType", false, &mt, err)) < 0)
    return r;
  if (mt == NULL)
    {
      /* OCI allows it absent. */
      if (want_index && json_object_get (root, "layers") && !json_object_get (root, "manifests"))
        return vs_fail (err, 0, "%s: this is a manifest (it has \"layers\"), not an index", doc);
      if (!want_index && json_object_get (root, "manifests") && !json_object_get (root, "layers"))
        return vs_fail (err, 0, "%s: this is an index (it has \"manifests\"), not a manifest", doc);
      mt = want_index ? VS_MT_OCI_INDEX : VS_MT_OCI_MANIFEST;
    }
  else if (is_schema1_type (mt))
    return vs_fail (err, 0, "%s: %s", doc, SCHEMA1_WHY);
  else if (known_type (mt) == NULL)
    return vs_fail (err, 0, "%s: mediaType: unsupported media type \"%s\"", doc,
                    vs_printable (mt, shown, sizeof shown));
  else if (is_index_type (mt) != want_index)
    return vs_fail (err, 0, "%s: mediaType: \"%s\" is %s", doc, mt,
                    want_index ? "a manifest, not an index" : "an index, not a manifest");
  if ((*out = strdup (mt)) == NULL)
    return vs_fail (err, ENOMEM, "%s", doc);
  return 0;
}

/* An array member holding descriptors. */
static int
parse_descriptors (const char *doc, json_t *root, const char *key, bool with_platform, vs_descriptor **ret,
                   size_t *ret_n, vs_error *err)
{
  json_t *arr = json_object_get (root, key);
  vs_descriptor *v;
  size_t n;
  int r;

  *ret = NULL;
  *ret_n = 0;
  if (arr == NULL || json_is_null (arr))
    return vs_fail (err, 0, "%s: %s: missing", doc, key);
  if (!json_is_array (arr))
    return vs_fail (err, 0, "%s: %s: expected an array", doc, key);
  n = json_array_size (arr);
  if (n == 0)
    return 0;
  v = calloc (n, sizeof *v);
  if (v == NULL)
    return vs_fail (err, ENOMEM, "%s", doc);
  for (size_t i = 0; i < n; i++)
    {
      char path[64];
      snprintf (path, sizeof path, "%s[%zu]", key, i);
      if ((r = parse_descriptor (doc, json_array_get (arr, i), path, with_platform, &v[i], err)) < 0)
        {
          for (size_t k = 0; k < i; k++)
            descriptor_free (&v[k]);
          free (v);
          return r;
        }
    }
  *ret = v;
  *ret_n = n;
  return 0;
}

int
vs_manifest_parse (const char *data, size_t len, vs_manifest *m, vs_error *err)
{
  _cleanup_json_ json_t *root = NULL;
  int r;

  memset (m, 0, sizeof *m);
  if ((r = load_object (DOC_MANIFEST, data, len, &root, err)) < 0)
    return r;
  if ((r = check_schema_version (DOC_MANIFEST, root, err)) < 0)
    return r;
  if ((r = doc_media_type (DOC_MANIFEST, root, false, &m->media_type, err)) < 0)
    goto fail;
  if ((r = parse_descriptor (DOC_MANIFEST, json_object_get (root, "config"), "config", false, &m->config, err)) < 0)
    goto fail;
  if ((r = parse_descriptors (DOC_MANIFEST, root, "layers", false, &m->layers, &m->n_layers, err)) < 0)
    goto fail;
  return 0;

fail:
  vs_manifest_free (m);
  return r;
}

/* ---- indexes ---- */

void
vs_index_free (vs_index *ix)
{
  if (ix == NULL)
    return;
  free (ix->media_type);
  for (size_t i = 0; i < ix->n_manifests; i++)
    descriptor_free (&ix->manifests[i]);
  free (ix->manifests);
  memset (ix, 0, sizeof *ix);
}

int
vs_index_parse (const char *data, size_t len, vs_index *ix, vs_error *err)
{
  _cleanup_json_ json_t *root = NULL;
  int r;

  memset (ix, 0, sizeof *ix);
  if ((r = load_object (DOC_INDEX, data, len, &root, err)) < 0)
    return r;
  if ((r = check_schema_version (DOC_INDEX, root, err)) < 0)
    return r;
  if ((r = doc_media_type (DOC_INDEX, root, true, &ix->media_type, err)) < 0)
    goto fail;
  if ((r = parse_descriptors (DOC_INDEX, root, "manifests", true, &ix->manifests, &ix->n_manifests, err)) < 0)
    goto fail;
  return 0;

fail:
  vs_index_free (ix);
  return r;
}

/* ---- platforms ---- */

static const struct
{
  const char *alias, *arch, *variant;
} arch_aliases[] = {
  { "x86_64", "amd64", NULL }, { "x86-64", "amd64", NULL }, { "aarch64", "arm64", NULL },
  { "armhf", "arm", "v7" },    { "armel", "arm", "v6" },    { "i386", "386", NULL },
  { "i686", "386", NULL },
};

/* The variant an arch means when none is given. */
static const char *
default_variant (const char *arch)
{
  if (strcmp (arch, "arm64") == 0)
    return "v8";
  if (strcmp (arch, "arm") == 0)
    return "v7";
  if (strcmp (arch, "amd64") == 0)
    return "v1";
  return NULL;
}

static bool
variant_is_default (const char *arch, const char *variant)
{
  const char *d = default_variant (arch);
  return variant == NULL || *variant == '\0' || (d && strcmp (d, variant) == 0);
}

const vs_descriptor *
vs_index_pick (const vs_index *ix, const char *platform, vs_error *err)
{
  char os[65], arch[65], variant[65], shown[100], list[640];
  const char *parts[3] = { 0 };
  size_t plen[3] = { 0 }, np = 0, n = 0;
  const char *p = platform ? platform : "";

  /* split "os/arch[/variant]" */
  for (;;)
    {
      const char *slash = strchr (p, '/');
      size_t l = slash ? (size_t) (slash - p) : strlen (p);
      if (np == 3 || l == 0 || l >= sizeof os)
        {
          np = 0;
          break;
        }
      parts[np] = p;
      plen[np++] = l;
      if (slash == NULL)
        break;
      p = slash + 1;
    }
  if (np < 2)
    {
      vs_fail (err, 0, "invalid platform \"%s\": expected os/arch or os/arch/variant",
               vs_printable (platform ? platform : "", shown, sizeof shown));
      return NULL;
    }
  snprintf (os, sizeof os, "%.*s", (int) plen[0], parts[0]);
  snprintf (arch, sizeof arch, "%.*s", (int) plen[1], parts[1]);
  snprintf (variant, sizeof variant, "%.*s", np == 3 ? (int) plen[2] : 0, np == 3 ? parts[2] : "");
  for (size_t i = 0; i < ARRAY_SIZE (arch_aliases); i++)
    if (strcmp (arch, arch_aliases[i].alias) == 0)
      {
        snprintf (arch, sizeof arch, "%s", arch_aliases[i].arch);
        if (variant[0] == '\0' && arch_aliases[i].variant)
          snprintf (variant, sizeof variant, "%s", arch_aliases[i].variant);
        break;
      }

  /* pass 0: the exact variant (or, without one, the arch's default);
   * pass 1, only when no variant was asked for: any variant of os/arch. */
  for (int pass = 0; pass < (variant[0] ? 1 : 2); pass++)
    for (size_t i = 0; i < ix->n_manifests; i++)
      {
        const vs_descriptor *d = &ix->manifests[i];
        if (d->platform_os == NULL || d->platform_arch == NULL || strcmp (d->platform_os, os) != 0
            || strcmp (d->platform_arch, arch) != 0)
          continue;
        if (pass == 1)
          return d;
        if (variant[0] == '\0')
          {
            if (variant_is_default (arch, d->platform_variant))
              return d;
          }
        else if (d->platform_variant ? strcmp (d->platform_variant, variant) == 0
                                     : variant_is_default (arch, variant))
          return d;
      }

  list[0] = '\0';
  for (size_t i = 0; i < ix->n_manifests; i++)
    {
      const vs_descriptor *d = &ix->manifests[i];
      size_t used = strlen (list);
      if (d->platform_os == NULL || strcmp (d->platform_os, "unknown") == 0)
        continue;
      if (used + 200 >= sizeof list)
        {
          snprintf (list + used, sizeof list - used, ", ...");
          break;
        }
      snprintf (list + used, sizeof list - used, "%s%s/%s%s%s", n++ ? ", " : "", d->platform_os,
                d->platform_arch, d->platform_variant ? "/" : "", d->platform_variant ? d->platform_variant : "");
    }
  vs_fail (err, 0, "no image for platform \"%s\" in the index: it has %s", vs_printable (platform, shown, sizeof shown),
           n ? list : "no platform-specific entries");
  return NULL;
}

const char *
vs_platform_default (void)
{
  static const struct
  {
    const char *machine, *platform;
  } table[] = {
    { "x86_64", "linux/amd64" },   { "amd64", "linux/amd64" },     { "aarch64", "linux/arm64" },
    { "arm64", "linux/arm64" },    { "armv8l", "linux/arm/v7" },   { "armv7l", "linux/arm/v7" },
    { "armv7", "linux/arm/v7" },   { "armv6l", "linux/arm/v6" },   { "armv5tel", "linux/arm/v5" },
    { "armv5tejl", "linux/arm/v5" }, { "i386", "linux/386" },      { "i486", "linux/386" },
    { "i586", "linux/386" },       { "i686", "linux/386" },        { "ppc64le", "linux/ppc64le" },
    { "ppc64", "linux/ppc64" },    { "s390x", "linux/s390x" },     { "riscv64", "linux/riscv64" },
    { "mips64", "linux/mips64" },  { "mips64el", "linux/mips64le" }, { "mips", "linux/mips" },
    { "mipsel", "linux/mipsle" },  { "loongarch64", "linux/loong64" },
  };
  struct utsname u;

  if (uname (&u) == 0)
    for (size_t i = 0; i < ARRAY_SIZE (table); i++)
      if (strcmp (u.machine, table[i].machine) == 0)
        return table[i].platform;
  /* An unknown machine: the architecture this binary was built for. */
#if defined(__x86_64__)
  return "linux/amd64";
#elif defined(__aarch64__)
  return "linux/arm64";
#elif defined(__arm__)
  return "linux/arm/v7";
#elif defined(__i386__)
  return "linux/386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "linux/ppc64le";
#elif defined(__s390x__)
  return "linux/s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "linux/riscv64";
#else
  return "linux/unknown";
#endif
}

/* ---- image configs ---- */

static bool
leap_year (int64_t y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil (int64_t y, int m, int d)
{
  int64_t era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static bool
digits (const char **p, int n, int *out)
{
  int v = 0;

  for (int i = 0; i < n; i++)
    {
      char c = (*p)[i];
      if (c < '0' || c > '9')
        return false;
      v = v * 10 + (c - '0');
    }
  *p += n;
  *out = v;
  return true;
}

/* RFC 3339 "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" -> seconds since
 * the epoch (the fraction dropped). */
static int
parse_rfc3339 (const char *s, int64_t *out)
{
  static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  int year, mon, day, hour, min, sec, oh = 0, om = 0, sign = 0;
  const char *p = s;

  if (!digits (&p, 4, &year) || *p++ != '-' || !digits (&p, 2, &mon) || *p++ != '-' || !digits (&p, 2, &day))
    return -1;
  if (*p != 'T' && *p != 't' && *p != ' ')
    return -1;
  p++;
  if (!digits (&p, 2, &hour) || *p++ != ':' || !digits (&p, 2, &min) || *p++ != ':' || !digits (&p, 2, &sec))
    return -1;
  if (*p == '.')
    {
      p++;
      if (*p < '0' || *p > '9')
        return -1;
      while (*p >= '0' && *p <= '9')
        p++;
    }
  if (*p == 'Z' || *p == 'z')
    p++;
  else if (*p == '+' || *p == '-')
    {
      sign = *p++ == '+' ? 1 : -1;
      if (!digits (&p, 2, &oh) || *p++ != ':' || !digits (&p, 2, &om))
        return -1;
    }
  else
    return -1;
  if (*p != '\0')
    return -1;
  if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1] + (mon == 2 && leap_year (year)) || hour > 23
      || min > 59 || sec > 60 || oh > 23 || om > 59)
    return -1;
  *out = days_from_civil (year, mon, day) * 86400 + hour * 3600 + min * 60 + sec - sign * (oh * 3600 + om * 60);
  return 0;
}

static int
get_time (const char *doc, json_t *obj, const char *parent, const char *key, int64_t *out, vs_error *err)
{
  char path[128], shown[100];
  const char *s;
  int r;

  *out = 0;
  if ((r = get_str (doc, obj, parent, key, false, &s, err)) < 0)
    return r;
  if (s && parse_rfc3339 (s, out) < 0)
    return vs_fail (err, 0, "%s: %s: invalid time \"%s\": expected RFC 3339 (2006-01-02T15:04:05Z)", doc,
                    field_path (path, parent, key), vs_printable (s, shown, sizeof shown));
  return 0;
}

void
vs_image_config_free (vs_image_config *c)
{
  if (c == NULL)
    return;
  free (c->os);
  free (c->arch);
  free (c->variant);
  free (c->author);
  for (size_t i = 0; i < c->n_diff_ids; i++)
    free (c->diff_ids[i]);
  free (c->diff_ids);
  for (size_t i = 0; i < c->n_history; i++)
    {
      free (c->history[i].created_by);
      free (c->history[i].comment);
    }
  free (c->history);
  free (c->container_config_json);
  memset (c, 0, sizeof *c);
}

static int
parse_rootfs (json_t *root, vs_image_config *c, vs_error *err)
{
  json_t *rootfs = json_object_get (root, "rootfs"), *ids;
  const char *type;
  char shown[100];
  size_t n;
  int r;

  if (rootfs == NULL || json_is_null (rootfs))
    return vs_fail (err, 0, "%s: rootfs: missing", DOC_CONFIG);
  if (!json_is_object (rootfs))
    return vs_fail (err, 0, "%s: rootfs: expected an object", DOC_CONFIG);
  if ((r = get_str (DOC_CONFIG, rootfs, "rootfs", "type", true, &type, err)) < 0)
    return r;
  if (strcmp (type, "layers") != 0)
    return vs_fail (err, 0, "%s: rootfs.type: unsupported value \"%s\" (expected \"layers\")", DOC_CONFIG,
                    vs_printable (type, shown, sizeof shown));
  ids = json_object_get (rootfs, "diff_ids");
  if (ids == NULL || json_is_null (ids))
    return vs_fail (err, 0, "%s: rootfs.diff_ids: missing", DOC_CONFIG);
  if (!json_is_array (ids))
    return vs_fail (err, 0, "%s: rootfs.diff_ids: expected an array", DOC_CONFIG);
  n = json_array_size (ids);
  if (n == 0)
    return 0;
  c->diff_ids = calloc (n, sizeof *c->diff_ids);
  if (c->diff_ids == NULL)
    return vs_fail (err, ENOMEM, "%s", DOC_CONFIG);
  for (size_t i = 0; i < n; i++)
    {
      json_t *v = json_array_get (ids, i);
      char what[64];
      snprintf (what, sizeof what, "%s: rootfs.diff_ids[%zu]", DOC_CONFIG, i);
      if (!json_is_string (v))
        return vs_fail (err, 0, "%s: expected a string", what);
      if ((r = vs_digest_check (json_string_value (v), what, err)) < 0)
        return r;
      if ((c->diff_ids[i] = strdup (json_string_value (v))) == NULL)
        return vs_fail (err, ENOMEM, "%s", DOC_CONFIG);
      c->n_diff_ids = i + 1;
    }
  return 0;
}

static int
parse_history (json_t *root, vs_image_config *c, vs_error *err)
{
  json_t *h = json_object_get (root, "history");
  size_t n;
  int r;

  if (h == NULL || json_is_null (h))
    return 0;
  if (!json_is_array (h))
    return vs_fail (err, 0, "%s: history: expected an array", DOC_CONFIG);
  n = json_array_size (h);
  if (n == 0)
    return 0;
  c->history = calloc (n, sizeof *c->history);
  if (c->history == NULL)
    return vs_fail (err, ENOMEM, "%s", DOC_CONFIG);
  for (size_t i = 0; i < n; i++)
    {
      json_t *e = json_array_get (h, i), *el;
      vs_history *out = &c->history[i];
      char path[64], sub[128];
      const char *ignored;

      c->n_history = i + 1;
      snprintf (path, sizeof path, "history[%zu]", i);
      if (!json_is_object (e))
        return vs_fail (err, 0, "%s: %s: expected an object", DOC_CONFIG, path);
      if ((r = get_time (DOC_CONFIG, e, path, "created", &out->created, err)) < 0
          || (r = dup_str (DOC_CONFIG, e, path, "created_by", false, &out->created_by, err)) < 0
          || (r = dup_str (DOC_CONFIG, e, path, "comment", false, &out->comment, err)) < 0
          || (r = get_str (DOC_CONFIG, e, path, "author", false, &ignored, err)) < 0)
        return r;
      el = json_object_get (e, "empty_layer");
      if (el && !json_is_null (el))
        {
          if (!json_is_boolean (el))
            return vs_fail (err, 0, "%s: %s: expected true or false", DOC_CONFIG,
                            field_path (sub, path, "empty_layer"));
          out->empty_layer = json_is_true (el);
        }
    }
  return 0;
}

int
vs_image_config_parse (const char *data, size_t len, vs_image_config *c, vs_error *err)
{
  _cleanup_json_ json_t *root = NULL;
  json_t *cc;
  int r;

  memset (c, 0, sizeof *c);
  if ((r = load_object (DOC_CONFIG, data, len, &root, err)) < 0)
    return r;
  if ((r = platform_word (DOC_CONFIG, root, "", "os", true, &c->os, err)) < 0
      || (r = platform_word (DOC_CONFIG, root, "", "architecture", true, &c->arch, err)) < 0
      || (r = platform_word (DOC_CONFIG, root, "", "variant", false, &c->variant, err)) < 0
      || (r = get_time (DOC_CONFIG, root, "", "created", &c->created, err)) < 0
      || (r = dup_str (DOC_CONFIG, root, "", "author", false, &c->author, err)) < 0
      || (r = parse_rootfs (root, c, err)) < 0 || (r = parse_history (root, c, err)) < 0)
    goto fail;
  cc = json_object_get (root, "config");
  if (cc && !json_is_null (cc))
    {
      if (!json_is_object (cc))
        {
          r = vs_fail (err, 0, "%s: config: expected an object", DOC_CONFIG);
          goto fail;
        }
      c->container_config_json = json_dumps (cc, JSON_COMPACT);
      if (c->container_config_json == NULL)
        {
          r = vs_fail (err, ENOMEM, "%s: config", DOC_CONFIG);
          goto fail;
        }
    }
  return 0;

fail:
  vs_image_config_free (c);
  return r;
}

/* ---- chain ids ---- */

void
vs_chain_ids (char *const *diff_ids, size_t n, char (*out)[72])
{
  for (size_t i = 0; i < n; i++)
    {
      if (i == 0)
        snprintf (out[0], sizeof out[0], "%s", diff_ids[0]);
      else
        {
          char buf[2 * VS_DIGEST_LEN + 2];
          int l = snprintf (buf, sizeof buf, "%s %s", out[i - 1], diff_ids[i]);
          if (l < 0 || (size_t) l >= sizeof buf)
            l = (int) strlen (buf);
          vs_sha256_buf (buf, (size_t) l, out[i]);
        }
    }
}

/* ---- building ---- */

static json_t *
descriptor_json (const vs_descriptor *d)
{
  json_t *o;

  if (d->media_type == NULL || d->digest == NULL || d->size < 0)
    return NULL;
  o = json_object ();
  if (o == NULL || json_object_set_new (o, "mediaType", json_string (d->media_type)) < 0
      || json_object_set_new (o, "digest", json_string (d->digest)) < 0
      || json_object_set_new (o, "size", json_integer (d->size)) < 0)
    {
      json_decref (o);
      return NULL;
    }
  return o;
}

char *
vs_manifest_build (const vs_manifest *m)
{
  _cleanup_json_ json_t *root = json_object ();
  json_t *layers;

  /* The keys go out in insertion order: schemaVersion, mediaType, config, layers. */
  if (root == NULL || json_object_set_new (root, "schemaVersion", json_integer (2)) < 0
      || json_object_set_new (root, "mediaType", json_string (m->media_type ? m->media_type : VS_MT_OCI_MANIFEST)) < 0
      || json_object_set_new (root, "config", descriptor_json (&m->config)) < 0
      || json_object_set_new (root, "layers", json_array ()) < 0)
    return NULL;
  layers = json_object_get (root, "layers");
  for (size_t i = 0; i < m->n_layers; i++)
    if (json_array_append_new (layers, descriptor_json (&m->layers[i])) < 0)
      return NULL;
  return json_dumps (root, JSON_COMPACT);
}
