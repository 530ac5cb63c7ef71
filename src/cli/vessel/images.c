/* images.c — `vessel images`, `image inspect`, `history`, `tag`, `rmi`,
 * `image prune`, `image check` and `system df`. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../basic/cleanup.h"
#include "../../image/manifest.h"
#include "../../image/reference.h"
#include "../../engine/engine.h"
#include "cli.h"
#include "format.h"
#include "../../basic/json-util.h"

static void
rfc3339 (char *buf, size_t len, int64_t t)
{
  struct tm tm;
  time_t tt = (time_t) t;
  gmtime_r (&tt, &tm);
  strftime (buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "docker.io/library/busybox:latest" → repository "busybox", tag "latest" (familiar). */
static void
split_name (const char *canonical, char **repo, char **tag)
{
  _cleanup_free_ char *fam = vs_ref_familiar (canonical);
  const char *f = fam ? fam : canonical;
  const char *slash = strrchr (f, '/');
  const char *colon = strrchr (f, ':');
  if (colon && (slash == NULL || colon > slash))
    {
      *repo = strndup (f, (size_t) (colon - f));
      *tag = strdup (colon + 1);
    }
  else
    {
      *repo = strdup (f);
      *tag = strdup ("<none>");
    }
}

/* `vessel images REPOSITORY[:TAG]`: the repository must be the same (any
 * tag unless one is given), compared in canonical form as docker does. */
static bool
name_matches (const char *name, const char *match)
{
  vs_ref a = { 0 }, b = { 0 };
  vs_error ignore;
  const char *slash = strrchr (match, '/'), *colon = strrchr (match, ':');
  bool tagged = colon && (slash == NULL || colon > slash) && strchr (match, '@') == NULL;
  bool ok = vs_ref_parse (name, &a, &ignore) == 0 && vs_ref_parse (match, &b, &ignore) == 0
            && strcmp (a.registry, b.registry) == 0 && strcmp (a.repo, b.repo) == 0
            && (!tagged || (a.tag && b.tag && strcmp (a.tag, b.tag) == 0));
  vs_ref_free (&a);
  vs_ref_free (&b);
  return ok;
}

static const char *const image_headers[] = {
  "Repository", "REPOSITORY", "Tag", "TAG", "ID", "IMAGE ID", "Digest", "DIGEST",
  "CreatedSince", "CREATED", "CreatedAt", "CREATED AT", "Size", "SIZE", NULL,
};

/* One row of `vessel images` as the JSON --format templates read. */
static json_t *
image_row (const vs_image *img, const char *name, bool no_trunc)
{
  _cleanup_free_ char *repo = NULL, *tag = NULL;
  char id[80], ago[64], size[32], at[64];
  const char *digest = "<none>";
  struct tm tm;
  time_t t = (time_t) img->created;

  if (name)
    split_name (name, &repo, &tag);
  snprintf (id, sizeof id, "%.*s", no_trunc ? 71 : 12, no_trunc ? img->id : img->id + 7);
  cli_human_ago (ago, sizeof ago, img->created);
  cli_human_size (size, sizeof size, img->size);
  gmtime_r (&t, &tm);
  strftime (at, sizeof at, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
  /* the digest of the repository this row shows */
  for (char **d = img->repo_digests; d && *d; d++)
    {
      _cleanup_free_ char *fam = vs_ref_familiar (*d);
      const char *at_sign = strchr (*d, '@');
      if (fam && repo && at_sign && strncmp (fam, repo, strlen (repo)) == 0 && fam[strlen (repo)] == '@')
        digest = at_sign + 1;
    }
  if (name == NULL && img->repo_digests && img->repo_digests[0])
    {
      _cleanup_free_ char *fam = vs_ref_familiar (img->repo_digests[0]);
      const char *at_sign = fam ? strchr (fam, '@') : NULL;
      if (at_sign)
        {
          repo = strndup (fam, (size_t) (at_sign - fam));
          digest = strchr (img->repo_digests[0], '@') + 1;
        }
    }
  return json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Repository", repo ? repo : "<none>", "Tag",
                    tag ? tag : "<none>", "ID", id, "Digest", digest, "CreatedSince", ago, "CreatedAt", at, "Size",
                    size);
}

int
cmd_images (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "quiet", no_argument, NULL, 'q' },     { "all", no_argument, NULL, 'a' },
    { "digests", no_argument, NULL, 'D' },   { "no-trunc", no_argument, NULL, 'T' },
    { "format", required_argument, NULL, 'f' }, { "filter", required_argument, NULL, 'F' },
    { NULL, 0, NULL, 0 },
  };
  _cleanup_store_ vs_store *s = NULL;
  _cleanup_format_ vs_format *fmt = NULL;
  vs_image *imgs = NULL;
  size_t n = 0;
  bool quiet = false, digests = false, no_trunc = false, dangling_only = false;
  const char *format = NULL, *match = NULL;
  vs_error err = { 0 };
  int opt, r;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+qa", opts, NULL)) != -1)
    switch (opt)
      {
      case 'q': quiet = true; break;
      case 'a': break;
      case 'D': digests = true; break;
      case 'T': no_trunc = true; break;
      case 'f': format = optarg; break;
      case 'F':
        if (strcmp (optarg, "dangling=true") == 0)
          dangling_only = true;
        else if (strncmp (optarg, "reference=", 10) == 0)
          match = optarg + 10;
        else
          return cli_usage ("images", "--filter `%s`: supported are dangling=true and reference=NAME", optarg);
        break;
      default:
        return cli_usage ("images", "unknown flag `%s` (see vessel images --help)", argv[optind - 1]);
      }
  if (argc - optind > 1)
    return cli_usage ("images", "at most one REPOSITORY[:TAG] argument");
  if (argc - optind == 1)
    match = argv[optind];
  if (format == NULL)
    format = digests ? "table {{.Repository}}\\t{{.Tag}}\\t{{.Digest}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}"
                     : "table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}";
  if ((r = vs_format_new (format, &fmt, &err)) < 0 || (r = cli_store (cli, false, &s, &err)) < 0
      || (r = vs_store_image_list (s, &imgs, &n, &err)) < 0)
    return cli_error (&err);

  char *text = NULL;
  size_t textlen = 0;
  FILE *out = open_memstream (&text, &textlen);
  if (out == NULL)
    {
      vs_images_free (imgs, n);
      return cli_usage ("images", "out of memory");
    }
  if (!quiet && vs_format_is_table (fmt))
    vs_format_header (fmt, image_headers, out);
  for (size_t i = 0; i < n && r == 0; i++)
    {
      const vs_image *img = &imgs[i];
      bool named = img->names && img->names[0];
      if (dangling_only && named)
        continue;
      if (quiet)
        {
          if (match == NULL)
            fprintf (out, "%.*s\n", no_trunc ? 71 : 12, no_trunc ? img->id : img->id + 7);
          else
            for (char **nm = img->names; nm && *nm; nm++)
              {
                if (name_matches (*nm, match))
                  {
                    fprintf (out, "%.*s\n", no_trunc ? 71 : 12, no_trunc ? img->id : img->id + 7);
                    break;
                  }
              }
          continue;
        }
      for (size_t k = 0; r == 0 && (named ? img->names[k] != NULL : k == 0); k++)
        {
          const char *name = named ? img->names[k] : NULL;
          if (match && (name == NULL || !name_matches (name, match)))
            continue;
          _cleanup_json_ json_t *row = image_row (img, name, no_trunc);
          r = vs_format_render (fmt, row, out, &err);
        }
    }
  fclose (out);
  vs_images_free (imgs, n);
  if (r < 0)
    {
      free (text);
      return cli_error (&err);
    }
  if (vs_format_is_table (fmt) || quiet)
    vs_print_columns (text, stdout);
  else
    fputs (text, stdout);
  free (text);
  return 0;
}

/* An image as `docker image inspect` shows it. */
static int
image_json (vs_store *s, const vs_image *img, json_t **ret, vs_error *err)
{
  _cleanup_free_ char *cfg = NULL;
  size_t len = 0;
  json_t *config, *tags = json_array (), *digests = json_array (), *layers = json_array (), *lower = json_array ();
  json_error_t jerr;
  char created[64];
  int r = vs_store_blob_read (s, img->id, 4u << 20, &cfg, &len, err);

  if (r < 0)
    {
      json_decref (tags), json_decref (digests), json_decref (layers), json_decref (lower);
      return r;
    }
  config = json_loadb (cfg, len, 0, &jerr);
  if (!json_is_object (config))
    {
      json_decref (config);
      json_decref (tags), json_decref (digests), json_decref (layers), json_decref (lower);
      return vs_fail (err, 0, "image %s: config is not a JSON object", img->id);
    }
  for (char **p = img->names; p && *p; p++)
    {
      _cleanup_free_ char *fam = vs_ref_familiar (*p);
      json_array_append_new (tags, json_string (fam ? fam : *p));
    }
  for (char **p = img->repo_digests; p && *p; p++)
    {
      _cleanup_free_ char *fam = vs_ref_familiar (*p);
      json_array_append_new (digests, json_string (fam ? fam : *p));
    }
  for (size_t i = 0; i < img->n_layers; i++)
    {
      _cleanup_free_ char *path = vs_store_snapshot_path (s, img->layers[i].chain_id);
      json_array_append_new (layers, json_string (img->layers[i].diff_id));
      if (path)
        json_array_insert_new (lower, 0, json_string (path));
    }
  rfc3339 (created, sizeof created, img->created);
  json_t *cc = json_object_get (config, "config");
  json_t *arch = json_object_get (config, "architecture");
  json_t *os = json_object_get (config, "os");
  json_t *author = json_object_get (config, "author");
  json_t *variant = json_object_get (config, "variant");
  json_t *cstr = json_object_get (config, "created");
  json_t *history = json_object_get (config, "history");
  const char *comment = "";
  if (json_is_array (history) && json_array_size (history) > 0)
    {
      json_t *c = json_object_get (json_array_get (history, json_array_size (history) - 1), "comment");
      if (json_is_string (c))
        comment = json_string_value (c);
    }
  /* lowerdirs: the top layer first, as overlayfs wants them */
  size_t k;
  json_t *e;
  _cleanup_free_ char *lowerdirs = NULL;
  json_array_foreach (lower, k, e)
    {
      char *nl = NULL;
      if (asprintf (&nl, "%s%s%s", lowerdirs ? lowerdirs : "", lowerdirs ? ":" : "", json_string_value (e)) < 0)
        break;
      free (lowerdirs);
      lowerdirs = nl;
    }
  json_decref (lower);
  *ret = json_pack ("{s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:O, s:s, s:s, s:s*, s:s, s:I, s:I, s:{s:s, s:{s:s}},"
                    " s:{s:s, s:o}, s:{s:s}}",
                    "Id", img->id, "RepoTags", tags, "RepoDigests", digests, "Parent", "", "Comment", comment,
                    "Created", json_is_string (cstr) ? json_string_value (cstr) : created, "DockerVersion", "",
                    "Config", cc ? cc : json_null (), "Author", json_is_string (author) ? json_string_value (author) : "",
                    "Architecture", json_is_string (arch) ? json_string_value (arch) : "", "Variant",
                    json_is_string (variant) ? json_string_value (variant) : NULL, "Os",
                    json_is_string (os) ? json_string_value (os) : "", "Size", (json_int_t) img->size, "VirtualSize",
                    (json_int_t) img->size, "GraphDriver", "Name", "overlay", "Data", "LowerDir",
                    lowerdirs ? lowerdirs : "", "RootFS", "Type", "layers", "Layers", layers, "Metadata",
                    "LastTagTime", "0001-01-01T00:00:00Z");
  json_decref (config);
  if (*ret == NULL)
    return vs_fail (err, ENOMEM, "inspect %s", img->id);
  return 0;
}

static json_t *
image_get (void *store, const char *name, vs_error *err)
{
  vs_image img;
  json_t *j = NULL;
  if (vs_store_image_get (store, name, &img, err) < 0)
    return NULL;
  if (image_json (store, &img, &j, err) < 0)
    j = NULL;
  vs_image_free (&img);
  return j;
}

int
cmd_image_inspect (vs_cli *cli, int argc, char **argv)
{
  _cleanup_store_ vs_store *s = NULL;
  vs_error err = { 0 };
  if (cli_store (cli, false, &s, &err) < 0)
    return cli_error (&err);
  return cli_inspect ("image inspect", "IMAGE", argc, argv, image_get, s);
}

int
cmd_history (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "quiet", no_argument, NULL, 'q' },
    { "no-trunc", no_argument, NULL, 'T' },
    { "human", optional_argument, NULL, 'H' },
    { "format", required_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  static const char *const headers[] = { "ID", "IMAGE", "CreatedSince", "CREATED", "CreatedBy", "CREATED BY",
                                         "Size", "SIZE", "Comment", "COMMENT", NULL };
  _cleanup_store_ vs_store *s = NULL;
  _cleanup_format_ vs_format *fmt = NULL;
  _cleanup_free_ char *cfgtext = NULL;
  vs_image img = { 0 };
  vs_image_config cfg = { 0 };
  bool quiet = false, no_trunc = false;
  const char *format = "table {{.ID}}\\t{{.CreatedSince}}\\t{{.CreatedBy}}\\t{{.Size}}\\t{{.Comment}}";
  vs_error err = { 0 };
  size_t len = 0;
  int opt, r;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+qH::", opts, NULL)) != -1)
    switch (opt)
      {
      case 'q': quiet = true; break;
      case 'T': no_trunc = true; break;
      case 'H': break;
      case 'f': format = optarg; break;
      default: return cli_usage ("history", "unknown flag `%s`", argv[optind - 1]);
      }
  if (argc - optind != 1)
    return cli_usage ("history", "expected exactly one IMAGE");
  if ((r = vs_format_new (format, &fmt, &err)) < 0 || (r = cli_store (cli, false, &s, &err)) < 0
      || (r = vs_store_image_get (s, argv[optind], &img, &err)) < 0)
    return cli_error (&err);
  r = vs_store_blob_read (s, img.id, 4u << 20, &cfgtext, &len, &err);
  if (r == 0)
    r = vs_image_config_parse (cfgtext, len, &cfg, &err);
  if (r < 0)
    {
      vs_image_free (&img);
      return cli_error (&err);
    }
  char *text = NULL;
  size_t textlen = 0;
  FILE *out = open_memstream (&text, &textlen);
  if (!quiet && vs_format_is_table (fmt))
    vs_format_header (fmt, headers, out);
  /* newest first; each non-empty history entry owns the next layer */
  size_t layer = img.n_layers;
  size_t nonempty = 0;
  for (size_t i = 0; i < cfg.n_history; i++)
    nonempty += !cfg.history[i].empty_layer;
  for (size_t h = cfg.n_history; h-- > 0 && r == 0;)
    {
      const vs_history *e = &cfg.history[h];
      int64_t size = 0;
      char id[80], ago[64], sz[32];
      if (!e->empty_layer && layer > 0 && nonempty == img.n_layers)
        size = img.layers[--layer].size;
      snprintf (id, sizeof id, "%s", h == cfg.n_history - 1 ? (no_trunc ? img.id : img.id + 7) : "<missing>");
      if (!no_trunc && h == cfg.n_history - 1)
        id[12] = '\0';
      if (quiet)
        {
          fprintf (out, "%s\n", id);
          continue;
        }
      cli_human_ago (ago, sizeof ago, e->created);
      cli_human_size (sz, sizeof sz, size);
      const char *by = e->created_by ? e->created_by : "";
      _cleanup_free_ char *shortby = NULL;
      if (!no_trunc && strlen (by) > 45)
        if (asprintf (&shortby, "%.44s…", by) < 0)
          shortby = NULL;
      _cleanup_json_ json_t *row = json_pack ("{s:s, s:s, s:s, s:s, s:s}", "ID", id, "CreatedSince", ago, "CreatedBy",
                                              shortby ? shortby : by, "Size", sz, "Comment",
                                              e->comment ? e->comment : "");
      r = vs_format_render (fmt, row, out, &err);
    }
  fclose (out);
  vs_image_config_free (&cfg);
  vs_image_free (&img);
  if (r < 0)
    {
      free (text);
      return cli_error (&err);
    }
  if (vs_format_is_table (fmt))
    vs_print_columns (text, stdout);
  else
    fputs (text, stdout);
  free (text);
  return 0;
}

/* Canonical name for a TARGET given to tag: must be a name, not a digest. */
static int
canonical_target (const char *target, char **ret, vs_error *err)
{
  vs_ref ref = { 0 };
  int r = vs_ref_parse (target, &ref, err);
  if (r < 0)
    return r;
  if (ref.digest)
    {
      vs_ref_free (&ref);
      return vs_fail (err, 0, "tag `%s`: a target cannot name a digest", target);
    }
  *ret = vs_ref_name (&ref);
  vs_ref_free (&ref);
  return *ret ? 0 : vs_fail (err, ENOMEM, "tag");
}

int
cmd_tag (vs_cli *cli, int argc, char **argv)
{
  _cleanup_store_ vs_store *s = NULL;
  _cleanup_free_ char *name = NULL;
  vs_image img = { 0 };
  vs_error err = { 0 };
  int r;

  if (argc != 3)
    return cli_usage ("tag", "expected SOURCE_IMAGE TARGET_IMAGE");
  if ((r = canonical_target (argv[2], &name, &err)) < 0 || (r = cli_store (cli, true, &s, &err)) < 0
      || (r = vs_store_image_get (s, argv[1], &img, &err)) < 0)
    return cli_error (&err);
  r = vs_store_tag (s, img.id, name, &err);
  vs_image_free (&img);
  return r < 0 ? cli_error (&err) : 0;
}

static int
print_reclaimed (int64_t bytes)
{
  char sz[32];
  cli_human_size (sz, sizeof sz, bytes);
  printf ("Total reclaimed space: %s\n", sz);
  return 0;
}

/* Remove one image given by name or id (docker's rules). */
static int
rmi_one (vs_store *s, const char *what, bool force, vs_error *err)
{
  vs_image img;
  size_t nnames = 0;
  bool by_name = false;
  int r = vs_store_image_get (s, what, &img, err);

  if (r < 0)
    return r;
  for (char **p = img.names; p && *p; p++)
    nnames++;
  /* was it named (not an id)? then untag just that name while others remain */
  {
    vs_ref ref = { 0 };
    vs_error ignore;
    if (!vs_ref_is_id_prefix (what) && strncmp (what, "sha256:", 7) != 0 && vs_ref_parse (what, &ref, &ignore) == 0)
      {
        _cleanup_free_ char *name = ref.tag ? vs_ref_name (&ref) : NULL;
        for (char **p = img.names; name && p && *p; p++)
          if (strcmp (*p, name) == 0)
            by_name = true;
        if (by_name && nnames > 1)
          {
            _cleanup_free_ char *fam = vs_ref_familiar (name);
            r = vs_store_untag (s, name, err);
            if (r >= 0)
              printf ("Untagged: %s\n", fam ? fam : name);
            vs_ref_free (&ref);
            vs_image_free (&img);
            return r < 0 ? r : 0;
          }
      }
    vs_ref_free (&ref);
  }
  if (!by_name && nnames > 1 && !force)
    {
      r = vs_fail (err, 0, "conflict: unable to delete %.12s (must be forced) - image is referenced in multiple"
                   " repositories", img.id + 7);
      vs_image_free (&img);
      return r;
    }
  if (vs_store_image_in_use (s, img.id))
    {
      r = vs_fail (err, 0, "conflict: unable to remove image %s: a container uses it (remove the container first)",
                   what);
      vs_image_free (&img);
      return r;
    }
  for (char **p = img.names; p && *p; p++)
    {
      _cleanup_free_ char *fam = vs_ref_familiar (*p);
      printf ("Untagged: %s\n", fam ? fam : *p);
    }
  r = vs_store_image_delete (s, img.id, err);
  if (r == 0)
    printf ("Deleted: %s\n", img.id);
  vs_image_free (&img);
  return r;
}

int
cmd_rmi (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
  _cleanup_store_ vs_store *s = NULL;
  bool force = false;
  vs_error err = { 0 };
  int opt, r, rc = 0;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+f", opts, NULL)) != -1)
    {
      if (opt != 'f')
        return cli_usage ("rmi", "unknown flag `%s`", argv[optind - 1]);
      force = true;
    }
  if (argc - optind < 1)
    return cli_usage ("rmi", "expected at least one IMAGE");
  if ((r = cli_store (cli, true, &s, &err)) < 0)
    return cli_error (&err);
  for (int i = optind; i < argc; i++)
    if (rmi_one (s, argv[i], force, &err) < 0)
      rc = cli_error (&err);
  /* blobs and snapshots no image refers to any more */
  if (vs_store_check (s, false, NULL, &err) < 0)
    rc = cli_error (&err);
  return rc;
}

/* Ask "Are you sure" unless forced; true to go on. */
static bool
confirm (const char *what)
{
  char line[16];
  fprintf (stderr, "WARNING! This will remove %s.\nAre you sure you want to continue? [y/N] ", what);
  if (fgets (line, sizeof line, stdin) == NULL)
    return false;
  return line[0] == 'y' || line[0] == 'Y';
}

int
cmd_image_prune (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "force", no_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  _cleanup_store_ vs_store *s = NULL;
  vs_image *imgs = NULL;
  size_t n = 0;
  bool all = false, force = false, header = false;
  vs_check_report rep = { 0 };
  vs_error err = { 0 };
  int opt, r;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+af", opts, NULL)) != -1)
    switch (opt)
      {
      case 'a': all = true; break;
      case 'f': force = true; break;
      default: return cli_usage ("image prune", "unknown flag `%s`", argv[optind - 1]);
      }
  if (argc != optind)
    return cli_usage ("image prune", "takes no arguments");
  if (!force && !confirm (all ? "all images without at least one container associated to them"
                              : "all dangling images"))
    return 0;
  if ((r = cli_store (cli, true, &s, &err)) < 0 || (r = vs_store_image_list (s, &imgs, &n, &err)) < 0)
    return cli_error (&err);
  for (size_t i = 0; i < n && r == 0; i++)
    {
      bool dangling = imgs[i].names == NULL || imgs[i].names[0] == NULL;
      if ((!dangling && !all) || vs_store_image_in_use (s, imgs[i].id))
        continue;
      if (!header)
        printf ("Deleted Images:\n");
      header = true;
      for (char **p = imgs[i].names; p && *p; p++)
        {
          _cleanup_free_ char *fam = vs_ref_familiar (*p);
          printf ("untagged: %s\n", fam ? fam : *p);
        }
      r = vs_store_image_delete (s, imgs[i].id, &err);
      if (r == 0)
        printf ("deleted: %s\n", imgs[i].id);
    }
  vs_images_free (imgs, n);
  if (r == 0)
    r = vs_store_check (s, false, &rep, &err);
  if (r < 0)
    return cli_error (&err);
  if (header)
    putchar ('\n');
  return print_reclaimed (rep.bytes);
}

int
cmd_image_check (vs_cli *cli, int argc, char **argv)
{
  _cleanup_store_ vs_store *s = NULL;
  vs_check_report rep = { 0 };
  vs_error err = { 0 };
  char sz[32];
  int r;

  (void) argv;
  if (argc != 1)
    return cli_usage ("image check", "takes no arguments");
  if ((r = cli_store (cli, true, &s, &err)) < 0 || (r = vs_store_check (s, true, &rep, &err)) < 0)
    return cli_error (&err);
  cli_human_size (sz, sizeof sz, rep.bytes);
  printf ("removed %zu orphan blobs, %zu orphan snapshots, %zu temporary files (%s)\n", rep.blobs, rep.snapshots,
          rep.temps, sz);
  return 0;
}

static int64_t du_total;

static int
du_add (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) path;
  (void) flag;
  (void) ftw;
  du_total += (int64_t) st->st_blocks * 512;
  return 0;
}

/* Bytes a folder tree uses on disk (0 when it is not there). */
static int64_t
du_bytes (const char *path)
{
  du_total = 0;
  nftw (path, du_add, 32, FTW_PHYS);
  return du_total;
}

int
cmd_system_df (vs_cli *cli, int argc, char **argv)
{
  _cleanup_store_ vs_store *s = NULL;
  vs_image *imgs = NULL;
  size_t n = 0, active = 0;
  int64_t blobs = 0, snaps = 0, reclaim = 0;
  vs_error err = { 0 };
  char total[32], rec[32];
  int r;

  (void) argv;
  if (argc != 1 && !(argc == 2 && (strcmp (argv[1], "-v") == 0)))
    return cli_usage ("system df", "unknown arguments");
  if ((r = cli_store (cli, false, &s, &err)) < 0 || (r = vs_store_image_list (s, &imgs, &n, &err)) < 0
      || (r = vs_store_disk_use (s, &blobs, &snaps, &err)) < 0)
    {
      vs_images_free (imgs, n);
      return cli_error (&err);
    }
  for (size_t i = 0; i < n; i++)
    if (vs_store_image_in_use (s, imgs[i].id))
      active++;
  reclaim = active ? 0 : blobs + snaps;
  vs_images_free (imgs, n);
  cli_human_size (total, sizeof total, blobs + snaps);
  cli_human_size (rec, sizeof rec, reclaim);
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&text, &len);
  fprintf (out, "TYPE\tTOTAL\tACTIVE\tSIZE\tRECLAIMABLE\n");
  fprintf (out, "Images\t%zu\t%zu\t%s\t%s (%d%%)\n", n, active, total, rec, blobs + snaps ? (int) (reclaim * 100 / (blobs + snaps)) : 0);
  {
    /* containers: their writable layers; volumes: their data */
    vs_engine e;
    vs_container *cs = NULL;
    size_t nc = 0, running = 0;
    char path[PATH_MAX], csize[32], vsize[32];
    int64_t cbytes = 0, vbytes = 0, creclaim = 0;
    if (vs_engine_open (&e, cli->root, cli->runroot, false, &err) == 0)
      {
        if (vs_container_list (&e, true, &cs, &nc, &err) == 0)
          for (size_t i = 0; i < nc; i++)
            {
              int64_t b;
              bool up = strcmp (cs[i].status, "running") == 0 || strcmp (cs[i].status, "paused") == 0;
              snprintf (path, sizeof path, "%s/containers/%s/upper", cli->root, cs[i].id);
              b = du_bytes (path);
              cbytes += b;
              running += up;
              creclaim += up ? 0 : b;
            }
        vs_containers_free (cs, nc);
        vs_engine_close (&e);
      }
    snprintf (path, sizeof path, "%s/volumes", cli->root);
    vbytes = du_bytes (path);
    cli_human_size (csize, sizeof csize, cbytes);
    cli_human_size (vsize, sizeof vsize, vbytes);
    cli_human_size (rec, sizeof rec, creclaim);
    fprintf (out, "Containers\t%zu\t%zu\t%s\t%s (%d%%)\n", nc, running, csize, rec,
             cbytes ? (int) (creclaim * 100 / cbytes) : 0);
    fprintf (out, "Local Volumes\t-\t-\t%s\t-\n", vsize);
  }
  fprintf (out, "Build Cache\t0\t0\t0B\t0B\n");
  fclose (out);
  vs_print_columns (text, stdout);
  free (text);
  return 0;
}
