/* archive.c — `vessel save`, `vessel load` and `vessel import`. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../basic/cleanup.h"
#include "../../basic/fs-util.h"
#include "../../image/archive.h"
#include "../../image/reference.h"
#include "cli.h"

/* The flag getopt did not accept. */
static int
bad_flag (const char *cmd, char **argv)
{
  return cli_usage (cmd, "unknown flag or missing argument `%s` (see vessel %s --help)", argv[optind - 1], cmd);
}

/* ---- save ---- */

typedef struct save_list
{
  vs_image *imgs;
  char ***names;
  size_t n;
} save_list;

static void
save_list_free (save_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    {
      vs_image_free (&l->imgs[i]);
      for (char **p = l->names[i]; p && *p; p++)
        free (*p);
      free (l->names[i]);
    }
  free (l->imgs);
  free (l->names);
}

static int
name_add (char ***v, const char *name)
{
  size_t n = 0;
  char **nv;
  for (; *v && (*v)[n]; n++)
    if (strcmp ((*v)[n], name) == 0)
      return 0;
  nv = realloc (*v, (n + 2) * sizeof *nv);
  if (nv == NULL)
    return -ENOMEM;
  *v = nv;
  nv[n] = strdup (name);
  nv[n + 1] = NULL;
  return nv[n] ? 0 : -ENOMEM;
}

/* Find `what` and the name to record for it: the canonical name when it
 * was given by name, none when by id or digest (as docker). */
static int
save_add (vs_store *s, save_list *l, const char *what, vs_error *err)
{
  vs_image img;
  _cleanup_free_ char *name = NULL;
  size_t i;
  int r = vs_store_image_get (s, what, &img, err);

  if (r < 0)
    return r;
  if (strncmp (what, "sha256:", 7) != 0
      && !(vs_ref_is_id_prefix (what) && strncmp (img.id + 7, what, strlen (what)) == 0))
    {
      vs_ref ref = { 0 };
      vs_error ignore;
      if (vs_ref_parse (what, &ref, &ignore) == 0 && ref.tag && ref.digest == NULL)
        name = vs_ref_name (&ref);
      vs_ref_free (&ref);
    }
  for (i = 0; i < l->n; i++)
    if (strcmp (l->imgs[i].id, img.id) == 0)
      break;
  if (i == l->n)
    {
      vs_image *ni = realloc (l->imgs, (l->n + 1) * sizeof *ni);
      char ***nn;
      if (ni == NULL)
        goto oom;
      l->imgs = ni;
      nn = realloc (l->names, (l->n + 1) * sizeof *nn);
      if (nn == NULL)
        goto oom;
      l->names = nn;
      l->imgs[l->n] = img;
      l->names[l->n++] = NULL;
    }
  else
    vs_image_free (&img);
  if (name && name_add (&l->names[i], name) < 0)
    return vs_fail (err, ENOMEM, "save");
  return 0;
oom:
  vs_image_free (&img);
  return vs_fail (err, ENOMEM, "save");
}

static bool
dir_is_empty (const char *path)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d;
  struct dirent *de;
  bool empty = true;

  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    return false;
  fd = -1;
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      empty = false;
  closedir (d);
  return empty;
}

static int
save_to_dir (vs_store *s, const vs_save_item *items, size_t n, const char *out, vs_error *err)
{
  _cleanup_close_ int fd = -1;
  bool made = true;
  int r;

  if (mkdir (out, 0755) < 0)
    {
      if (errno != EEXIST)
        return vs_fail (err, errno, "save: create folder `%s`", out);
      if (!dir_is_empty (out))
        return vs_fail (err, 0, "save: output folder `%s` exists and is not empty", out);
      made = false;
    }
  fd = open (out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    r = vs_fail (err, errno, "save: open folder `%s`", out);
  else
    r = vs_archive_save (s, items, n, VS_ARCHIVE_OCI_DIR, fd, err);
  if (r < 0)
    {
      vs_error ignore;
      if (made)
        (void) vs_rm_rf_at (AT_FDCWD, out, &ignore);
      else if (fd >= 0)
        {
          (void) vs_rm_rf_at (fd, "blobs", &ignore);
          (void) vs_rm_rf_at (fd, "index.json", &ignore);
          (void) vs_rm_rf_at (fd, "oci-layout", &ignore);
        }
    }
  return r;
}

/* A tar to out (a temp file renamed into place when done), or stdout. */
static int
save_to_file (vs_store *s, const vs_save_item *items, size_t n, vs_archive_format fmt, const char *out,
              vs_error *err)
{
  _cleanup_free_ char *tmp = NULL;
  _cleanup_close_ int fd = -1;
  struct stat st;
  int r;

  if (out == NULL)
    return vs_archive_save (s, items, n, fmt, STDOUT_FILENO, err);
  if (stat (out, &st) == 0 && !S_ISREG (st.st_mode))
    {
      /* a device or a pipe: write to it as it is */
      fd = open (out, O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        return vs_fail (err, errno, "save: open `%s`", out);
      return vs_archive_save (s, items, n, fmt, fd, err);
    }
  if (asprintf (&tmp, "%s.tmp-%d", out, (int) getpid ()) < 0)
    return vs_fail (err, ENOMEM, "save");
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    return vs_fail (err, errno, "save: create `%s`", tmp);
  r = vs_archive_save (s, items, n, fmt, fd, err);
  if (r == 0 && fsync (fd) < 0)
    r = vs_fail (err, errno, "save: write `%s`", out);
  if (r == 0 && rename (tmp, out) < 0)
    r = vs_fail (err, errno, "save: rename `%s` to `%s`", tmp, out);
  if (r < 0)
    unlink (tmp);
  return r;
}

int
cmd_save (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "output", required_argument, NULL, 'o' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  _cleanup_store_ vs_store *s = NULL;
  _cleanup_free_ vs_save_item *items = NULL;
  const char *out = NULL, *format = "docker-archive";
  vs_archive_format fmt;
  save_list l = { 0 };
  vs_error err = { 0 };
  int c, r;

  opterr = 0;
  while ((c = getopt_long (argc, argv, "o:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'o':
        out = optarg;
        break;
      case 'f':
        format = optarg;
        break;
      case 'h':
        printf ("usage: vessel save [-o FILE] [--format docker-archive|oci-archive|oci-dir] IMAGE...\n\n"
                "Write images to a tar archive (stdout without -o) or an OCI layout folder.\n\n"
                "  -o, --output FILE   write to FILE (a folder for oci-dir)\n"
                "      --format F      docker-archive (default), oci-archive, oci-dir (or oci)\n");
        return 0;
      default:
        return bad_flag ("save", argv);
      }
  if (strcmp (format, "docker-archive") == 0)
    fmt = VS_ARCHIVE_DOCKER;
  else if (strcmp (format, "oci-archive") == 0)
    fmt = VS_ARCHIVE_OCI;
  else if (strcmp (format, "oci-dir") == 0 || strcmp (format, "oci") == 0)
    fmt = VS_ARCHIVE_OCI_DIR;
  else
    return cli_usage ("save", "unknown --format `%s` (docker-archive, oci-archive, oci-dir)", format);
  if (optind >= argc)
    return cli_usage ("save", "no image given (see vessel save --help)");
  if (fmt == VS_ARCHIVE_OCI_DIR && out == NULL)
    return cli_usage ("save", "--format %s writes a folder: give it with -o DIR", format);

  if (out == NULL && isatty (STDOUT_FILENO))
    return cli_usage ("save", "refusing to write a tar archive to a terminal: use -o FILE or redirect stdout");

  r = cli_store (cli, false, &s, &err);
  for (int i = optind; r == 0 && i < argc; i++)
    r = save_add (s, &l, argv[i], &err);
  if (r == 0 && (items = calloc (l.n, sizeof *items)) == NULL)
    r = vs_fail (&err, ENOMEM, "save");
  for (size_t i = 0; r == 0 && i < l.n; i++)
    items[i] = (vs_save_item){ .img = &l.imgs[i], .names = l.names[i] };
  if (r == 0)
    r = fmt == VS_ARCHIVE_OCI_DIR ? save_to_dir (s, items, l.n, out, &err)
                                  : save_to_file (s, items, l.n, fmt, out, &err);
  save_list_free (&l);
  return r < 0 ? cli_error (&err) : 0;
}

/* ---- load ---- */

int
cmd_load (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "input", required_argument, NULL, 'i' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  _cleanup_store_ vs_store *s = NULL;
  const char *in = NULL;
  vs_loaded *loaded = NULL;
  vs_error err = { 0 };
  size_t n = 0;
  int c, r;

  opterr = 0;
  while ((c = getopt_long (argc, argv, "i:qh", opts, NULL)) != -1)
    switch (c)
      {
      case 'i':
        in = optarg;
        break;
      case 'q':
        break; /* no progress is shown anyway */
      case 'h':
        printf ("usage: vessel load [-i FILE|DIR] [-q]\n\n"
                "Load images from a docker-archive or oci-archive tar (stdin without -i,\n"
                "gzip/zstd compressed or not) or from an OCI layout folder.\n");
        return 0;
      default:
        return bad_flag ("load", argv);
      }
  if (optind < argc)
    return cli_usage ("load", "unexpected argument `%s`: give the input with -i", argv[optind]);
  if (in && strcmp (in, "-") == 0)
    in = NULL;
  if (in == NULL && isatty (STDIN_FILENO))
    return cli_usage ("load", "requested load from stdin, but stdin is a terminal: use -i FILE or redirect stdin");

  r = cli_store (cli, true, &s, &err);
  if (r == 0)
    r = vs_archive_load (s, in, &loaded, &n, &err);
  if (r < 0)
    return cli_error (&err);
  for (size_t i = 0; i < n; i++)
    {
      if (loaded[i].names == NULL || loaded[i].names[0] == NULL)
        printf ("Loaded image ID: %s\n", loaded[i].id);
      for (char **p = loaded[i].names; p && *p; p++)
        {
          _cleanup_free_ char *fam = vs_ref_familiar (*p);
          printf ("Loaded image: %s\n", fam ? fam : *p);
        }
    }
  vs_loaded_free (loaded, n);
  return 0;
}

/* ---- import ---- */

int
cmd_import (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "change", required_argument, NULL, 'c' },
    { "message", required_argument, NULL, 'm' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  _cleanup_store_ vs_store *s = NULL;
  _cleanup_free_ char **changes = calloc ((size_t) argc + 1, sizeof *changes);
  _cleanup_free_ char *name = NULL;
  _cleanup_close_ int fd = -1;
  vs_import_opts o = { 0 };
  vs_error err = { 0 };
  size_t n_changes = 0;
  char id[72];
  int c, r;

  if (changes == NULL)
    return cli_usage ("import", "out of memory");
  opterr = 0;
  while ((c = getopt_long (argc, argv, "c:m:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'c':
        changes[n_changes++] = optarg;
        break;
      case 'm':
        o.message = optarg;
        break;
      case 'h':
        printf ("usage: vessel import [-c CHANGE]... [-m MESSAGE] FILE|- [REPOSITORY[:TAG]]\n\n"
                "Make a one-layer image from a rootfs tarball (plain, gzip or zstd).\n\n"
                "  -c, --change INSTR    apply a Dockerfile instruction: CMD, ENTRYPOINT, ENV,\n"
                "                        EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR\n"
                "  -m, --message TEXT    the history comment\n");
        return 0;
      default:
        return bad_flag ("import", argv);
      }
  if (optind >= argc)
    return cli_usage ("import", "no tarball given (a FILE, or - for stdin)");
  if (argc - optind > 2)
    return cli_usage ("import", "unexpected argument `%s`", argv[optind + 2]);
  const char *src = argv[optind];
  if (strncmp (src, "http://", 7) == 0 || strncmp (src, "https://", 8) == 0)
    return cli_usage ("import", "`%s`: importing from a URL is not supported; download it first", src);
  if (optind + 1 < argc)
    {
      vs_ref ref = { 0 };
      if ((r = vs_ref_parse (argv[optind + 1], &ref, &err)) < 0)
        return cli_error (&err);
      if (ref.digest)
        {
          vs_ref_free (&ref);
          return cli_usage ("import", "`%s`: give a REPOSITORY[:TAG], not a digest", argv[optind + 1]);
        }
      name = vs_ref_name (&ref);
      vs_ref_free (&ref);
      if (name == NULL)
        return cli_usage ("import", "out of memory");
    }
  if (strcmp (src, "-") == 0)
    {
      if (isatty (STDIN_FILENO))
        return cli_usage ("import", "reading the tarball from stdin, but stdin is a terminal");
      fd = dup (STDIN_FILENO);
    }
  else
    fd = open (src, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      vs_fail (&err, errno, "import: open `%s`", src);
      return cli_error (&err);
    }
  o.changes = changes;
  o.name = name;
  o.source = src;
  r = cli_store (cli, true, &s, &err);
  if (r == 0)
    r = vs_archive_import (s, fd, &o, id, &err);
  if (r < 0)
    return cli_error (&err);
  printf ("%s\n", id);
  return 0;
}
