/* fs.c — `vessel diff`, `commit`, `cp`, `export`, `rename`,
 * `container prune`, `info` and `system prune`, with docker's flags and
 * output. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../../basic/cleanup.h"
#include "../../basic/fs-util.h"
#include "../../engine/engine.h"
#include "../../engine/fsops.h"
#include "../../engine/volumes.h"
#include "../../image/reference.h"
#include "../../runtime/config.h"
#include "../../version.h"
#include "cli.h"
#include "format.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static bool
ask (const char *warning)
{
  char line[16];
  fprintf (stderr, "%s\nAre you sure you want to continue? [y/N] ", warning);
  if (fgets (line, sizeof line, stdin) == NULL)
    return false;
  return line[0] == 'y' || line[0] == 'Y';
}

static int
print_reclaimed (int64_t bytes)
{
  char sz[32];
  cli_human_size (sz, sizeof sz, bytes);
  printf ("Total reclaimed space: %s\n", sz);
  return 0;
}

/* A command without flags of its own: only --help-like dashes are refused. */
static int
no_flags (const char *cmd, int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--") == 0)
        return i + 1;
      if (argv[i][0] == '-' && argv[i][1] != '\0')
        return -cli_usage (cmd, "unknown flag `%s`", argv[i]);
      return i;
    }
  return argc;
}

/* ---- diff ---- */

int
cmd_diff (vs_cli *cli, int argc, char **argv)
{
  vs_error err = { 0 };
  vs_engine e;
  vs_change *v = NULL;
  size_t n = 0;
  int first = no_flags ("diff", argc, argv), r;

  if (first < 0)
    return -first;
  if (argc - first != 1)
    return cli_usage ("diff", "expected exactly one CONTAINER");
  if ((r = vs_engine_open (&e, cli->root, cli->runroot, false, &err)) < 0)
    return cli_error (&err);
  r = vs_container_diff (&e, argv[first], &v, &n, &err);
  vs_engine_close (&e);
  if (r < 0)
    return cli_error (&err);
  for (size_t i = 0; i < n; i++)
    printf ("%c %s\n", v[i].kind, v[i].path);
  vs_changes_free (v, n);
  return 0;
}

/* ---- commit ---- */

int
cmd_commit (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "author", required_argument, NULL, 'a' }, { "change", required_argument, NULL, 'c' },
    { "message", required_argument, NULL, 'm' }, { "pause", optional_argument, NULL, 'p' },
    { NULL, 0, NULL, 0 },
  };
  vs_commit_opts o = { 0 };
  char **changes = NULL;
  _cleanup_free_ char *name = NULL;
  vs_error err = { 0 };
  vs_engine e;
  char id[72];
  int opt, r;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+a:c:m:p", opts, NULL)) != -1)
    switch (opt)
      {
      case 'a': o.author = optarg; break;
      case 'm': o.message = optarg; break;
      case 'p':
        if (optarg && cli_parse_bool (optarg) < 0)
          {
            rt_strv_free (changes);
            return cli_usage ("commit", "--pause `%s`: expected true or false", optarg);
          }
        break; /* the upper dir is read as it is */
      case 'c':
        {
          size_t k = 0;
          while (changes && changes[k])
            k++;
          char **nv = realloc (changes, (k + 2) * sizeof *nv);
          if (nv == NULL || (nv[k] = strdup (optarg)) == NULL)
            {
              rt_strv_free (nv ? nv : changes);
              return cli_usage ("commit", "out of memory");
            }
          nv[k + 1] = NULL;
          changes = nv;
        }
        break;
      default:
        rt_strv_free (changes);
        return cli_usage ("commit", "unknown flag `%s`", argv[optind - 1]);
      }
  if (argc - optind < 1 || argc - optind > 2)
    {
      rt_strv_free (changes);
      return cli_usage ("commit", "expected CONTAINER [REPOSITORY[:TAG]]");
    }
  if (argc - optind == 2)
    {
      vs_ref ref = { 0 };
      if ((r = vs_ref_parse (argv[optind + 1], &ref, &err)) < 0)
        {
          rt_strv_free (changes);
          return cli_error (&err);
        }
      if (ref.digest)
        {
          vs_ref_free (&ref);
          rt_strv_free (changes);
          return cli_usage ("commit", "`%s`: give a REPOSITORY[:TAG], not a digest", argv[optind + 1]);
        }
      name = vs_ref_name (&ref);
      vs_ref_free (&ref);
    }
  o.changes = changes;
  o.name = name;
  r = vs_engine_open (&e, cli->root, cli->runroot, true, &err);
  if (r == 0)
    {
      r = vs_container_commit (&e, argv[optind], &o, id, &err);
      vs_engine_close (&e);
    }
  rt_strv_free (changes);
  if (r < 0)
    return cli_error (&err);
  printf ("%s\n", id);
  return 0;
}

/* ---- cp ---- */

/* docker's rule: an absolute path or one whose part before ':' starts with
 * '.' is local; else CONTAINER:PATH. */
static bool
split_cp_arg (char *arg, char **ctr, char **path)
{
  char *colon;
  if (arg[0] == '/' || arg[0] == '.' || (colon = strchr (arg, ':')) == NULL)
    {
      *ctr = NULL;
      *path = arg;
      return false;
    }
  *colon = '\0';
  *ctr = arg;
  *path = colon + 1;
  return true;
}

int
cmd_cp (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "archive", no_argument, NULL, 'a' }, { "follow-link", no_argument, NULL, 'L' },
    { "quiet", no_argument, NULL, 'q' }, { NULL, 0, NULL, 0 },
  };
  bool follow = false;
  char *sctr, *spath, *dctr, *dpath;
  vs_error err = { 0 };
  vs_engine e;
  int opt, r;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+aLq", opts, NULL)) != -1)
    switch (opt)
      {
      case 'a': case 'q': break;
      case 'L': follow = true; break;
      default: return cli_usage ("cp", "unknown flag `%s`", argv[optind - 1]);
      }
  if (argc - optind != 2)
    return cli_usage ("cp", "expected SRC and DEST (one of them CONTAINER:PATH)");
  split_cp_arg (argv[optind], &sctr, &spath);
  split_cp_arg (argv[optind + 1], &dctr, &dpath);
  if (sctr && dctr)
    return cli_usage ("cp", "copying between containers is not supported");
  if (!sctr && !dctr)
    return cli_usage ("cp", "must specify at least one container source");
  if ((sctr && sctr[0] == '\0') || (dctr && dctr[0] == '\0'))
    return cli_usage ("cp", "empty container name");
  if (spath[0] == '\0' || dpath[0] == '\0')
    return cli_usage ("cp", "empty path");
  r = vs_engine_open (&e, cli->root, cli->runroot, false, &err);
  if (r == 0)
    {
      if (sctr)
        r = vs_container_copy_from (&e, sctr, spath, dpath, follow, &err);
      else
        r = vs_container_copy_to (&e, dctr, spath, dpath, follow, &err);
      vs_engine_close (&e);
    }
  return r < 0 ? cli_error (&err) : 0;
}

/* ---- export ---- */

int
cmd_export (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "output", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 } };
  const char *out = NULL;
  _cleanup_free_ char *tmp = NULL;
  vs_error err = { 0 };
  vs_engine e;
  int opt, r, fd = STDOUT_FILENO;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+o:", opts, NULL)) != -1)
    {
      if (opt != 'o')
        return cli_usage ("export", "unknown flag `%s`", argv[optind - 1]);
      out = optarg;
    }
  if (argc - optind != 1)
    return cli_usage ("export", "expected exactly one CONTAINER");
  if (out == NULL && isatty (STDOUT_FILENO))
    return cli_usage ("export", "cowardly refusing to save to a terminal. Use the -o flag or redirect");
  r = vs_engine_open (&e, cli->root, cli->runroot, false, &err);
  if (r < 0)
    return cli_error (&err);
  if (out)
    {
      if (asprintf (&tmp, "%s.tmp-%d", out, (int) getpid ()) < 0)
        tmp = NULL;
      fd = tmp ? open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
      if (fd < 0)
        {
          vs_engine_close (&e);
          vs_fail (&err, tmp ? errno : ENOMEM, "export: create %s", out);
          return cli_error (&err);
        }
    }
  r = vs_container_export (&e, argv[optind], fd, &err);
  vs_engine_close (&e);
  if (out)
    {
      if (r == 0 && fsync (fd) < 0)
        r = vs_fail (&err, errno, "export: write %s", out);
      close (fd);
      if (r == 0 && rename (tmp, out) < 0)
        r = vs_fail (&err, errno, "export: write %s", out);
      if (r < 0)
        unlink (tmp);
    }
  return r < 0 ? cli_error (&err) : 0;
}

/* ---- rename ---- */

int
cmd_rename (vs_cli *cli, int argc, char **argv)
{
  vs_error err = { 0 };
  vs_engine e;
  int first = no_flags ("rename", argc, argv), r;

  if (first < 0)
    return -first;
  if (argc - first != 2)
    return cli_usage ("rename", "expected CONTAINER NEW_NAME");
  r = vs_engine_open (&e, cli->root, cli->runroot, false, &err);
  if (r == 0)
    {
      r = vs_container_rename (&e, argv[first], argv[first + 1], &err);
      vs_engine_close (&e);
    }
  return r < 0 ? cli_error (&err) : 0;
}

/* ---- container prune ---- */

static int
prune_flags (const char *cmd, int argc, char **argv, bool *force)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' }, { "filter", required_argument, NULL, 'F' }, { NULL, 0, NULL, 0 },
  };
  int opt;
  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+f", opts, NULL)) != -1)
    switch (opt)
      {
      case 'f': *force = true; break;
      case 'F': return -cli_usage (cmd, "--filter is not supported");
      default: return -cli_usage (cmd, "unknown flag `%s`", argv[optind - 1]);
      }
  if (argc != optind)
    return -cli_usage (cmd, "takes no arguments");
  return 0;
}

static void
print_list (const char *title, char **v, bool *header)
{
  if (v == NULL || v[0] == NULL)
    return;
  printf ("%s:\n", title);
  for (char **p = v; *p; p++)
    printf ("%s\n", *p);
  putchar ('\n');
  if (header)
    *header = true;
}

int
cmd_container_prune (vs_cli *cli, int argc, char **argv)
{
  bool force = false;
  char **ids = NULL;
  int64_t bytes = 0;
  vs_error err = { 0 };
  vs_engine e;
  int r = prune_flags ("container prune", argc, argv, &force);

  if (r < 0)
    return -r;
  if (!force && !ask ("WARNING! This will remove all stopped containers."))
    return 0;
  r = vs_engine_open (&e, cli->root, cli->runroot, false, &err);
  if (r == 0)
    {
      r = vs_containers_prune (&e, &ids, &bytes, &err);
      vs_engine_close (&e);
    }
  print_list ("Deleted Containers", ids, NULL);
  rt_strv_free (ids);
  if (r < 0)
    return cli_error (&err);
  return print_reclaimed (bytes);
}

/* ---- info ---- */

static void
bytes_binary (char *buf, size_t len, double v)
{
  static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
  size_t u = 0;
  while (v >= 1024 && u + 1 < sizeof units / sizeof units[0])
    v /= 1024, u++;
  snprintf (buf, len, "%.4g%s", v, units[u]);
}

static char *
os_name (void)
{
  _cleanup_free_ char *text = NULL;
  vs_error ignore;
  size_t len;
  if (vs_read_file_at (AT_FDCWD, "/etc/os-release", &text, &len, &ignore) == 0)
    for (char *line = strtok (text, "\n"); line; line = strtok (NULL, "\n"))
      if (strncmp (line, "PRETTY_NAME=", 12) == 0)
        {
          char *v = line + 12;
          size_t l = strlen (v);
          if (l >= 2 && (v[0] == '"' || v[0] == '\'') && v[l - 1] == v[0])
            return strndup (v + 1, l - 2);
          return strdup (v);
        }
  return strdup ("Linux");
}

int
cmd_info (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
  const char *fmt = NULL;
  vs_container *v = NULL;
  vs_image *imgs = NULL;
  size_t n = 0, ni = 0, running = 0, paused = 0;
  _cleanup_free_ char *os = NULL;
  struct utsname u;
  struct sysinfo si;
  struct statfs sfs;
  char host[256] = "", mem[32];
  vs_error err = { 0 };
  vs_engine e;
  json_t *j;
  int opt, r;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+f:", opts, NULL)) != -1)
    {
      if (opt != 'f')
        return cli_usage ("info", "unknown flag `%s`", argv[optind - 1]);
      fmt = optarg;
    }
  if (argc != optind)
    return cli_usage ("info", "takes no arguments");
  r = vs_engine_open (&e, cli->root, cli->runroot, false, &err);
  if (r == 0)
    {
      r = vs_container_list (&e, true, &v, &n, &err);
      if (r == 0)
        r = vs_store_image_list (e.store, &imgs, &ni, &err);
      vs_engine_close (&e);
    }
  if (r < 0)
    {
      vs_containers_free (v, n);
      return cli_error (&err);
    }
  for (size_t i = 0; i < n; i++)
    {
      if (strcmp (v[i].status, "running") == 0 || strcmp (v[i].status, "restarting") == 0)
        running++;
      else if (strcmp (v[i].status, "paused") == 0)
        paused++;
    }
  vs_containers_free (v, n);
  vs_images_free (imgs, ni);
  uname (&u);
  gethostname (host, sizeof host - 1);
  if (sysinfo (&si) < 0)
    memset (&si, 0, sizeof si);
  os = os_name ();
  int cgv = statfs ("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC ? 2 : 1;
  int64_t memtotal = (int64_t) si.totalram * (int64_t) (si.mem_unit ? si.mem_unit : 1);
  long ncpu = sysconf (_SC_NPROCESSORS_ONLN);
  j = json_pack ("{s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s}",
                 "Containers", (json_int_t) n, "ContainersRunning", (json_int_t) running, "ContainersPaused",
                 (json_int_t) paused, "ContainersStopped", (json_int_t) (n - running - paused), "Images",
                 (json_int_t) ni, "ServerVersion", VESSEL_VERSION, "Driver", "overlay", "LoggingDriver",
                 "json-file", "CgroupDriver", "cgroupfs", "CgroupVersion", cgv == 2 ? "2" : "1", "KernelVersion",
                 u.release, "OperatingSystem", os ? os : "Linux", "OSType", "linux", "Architecture", u.machine,
                 "NCPU", (json_int_t) ncpu, "MemTotal", (json_int_t) memtotal, "DockerRootDir", cli->root, "Name",
                 host);
  if (j == NULL)
    return cli_usage ("info", "out of memory");
  if (fmt)
    {
      vs_format *f = NULL;
      r = vs_format_new (fmt, &f, &err);
      if (r == 0)
        r = vs_format_render (f, j, stdout, &err);
      vs_format_free (f);
      json_decref (j);
      return r < 0 ? cli_error (&err) : 0;
    }
  bytes_binary (mem, sizeof mem, (double) memtotal);
  printf ("Server:\n"
          " Containers: %zu\n"
          "  Running: %zu\n"
          "  Paused: %zu\n"
          "  Stopped: %zu\n"
          " Images: %zu\n"
          " Server Version: %s\n"
          " Storage Driver: overlay\n"
          " Logging Driver: json-file\n"
          " Cgroup Driver: cgroupfs\n"
          " Cgroup Version: %d\n"
          " Runtimes: vessel-runtime\n"
          " Default Runtime: vessel-runtime\n"
          " Kernel Version: %s\n"
          " Operating System: %s\n"
          " OSType: linux\n"
          " Architecture: %s\n"
          " CPUs: %ld\n"
          " Total Memory: %s\n"
          " Name: %s\n"
          " Docker Root Dir: %s\n"
          " Debug Mode: %s\n",
          n, running, paused, n - running - paused, ni, VESSEL_VERSION, cgv, u.release, os ? os : "Linux", u.machine,
          ncpu, mem, host, cli->root, cli->debug ? "true" : "false");
  json_decref (j);
  return 0;
}

/* ---- system prune ---- */

int
cmd_system_prune (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' }, { "force", no_argument, NULL, 'f' },
    { "volumes", no_argument, NULL, 'V' }, { "filter", required_argument, NULL, 'F' },
    { NULL, 0, NULL, 0 },
  };
  bool all = false, force = false, volumes = false;
  char **ids = NULL, **vols = NULL;
  int64_t bytes = 0, vbytes = 0;
  size_t nlogs = 0;
  vs_check_report rep = { 0 };
  vs_error err = { 0 };
  vs_engine e;
  int opt, r;

  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+af", opts, NULL)) != -1)
    switch (opt)
      {
      case 'a': all = true; break;
      case 'f': force = true; break;
      case 'V': volumes = true; break;
      case 'F': return cli_usage ("system prune", "--filter is not supported");
      default: return cli_usage ("system prune", "unknown flag `%s`", argv[optind - 1]);
      }
  if (argc != optind)
    return cli_usage ("system prune", "takes no arguments");
  if (!force)
    {
      char warn[600];
      snprintf (warn, sizeof warn,
                "WARNING! This will remove:\n  - all stopped containers\n%s  - %s\n  - the logs of removed "
                "containers\n",
                volumes ? "  - all anonymous volumes not used by at least one container\n" : "",
                all ? "all images without at least one container associated to them" : "all dangling images");
      if (!ask (warn))
        return 0;
    }
  r = vs_engine_open (&e, cli->root, cli->runroot, true, &err);
  if (r < 0)
    return cli_error (&err);
  r = vs_containers_prune (&e, &ids, &bytes, &err);
  print_list ("Deleted Containers", ids, NULL);
  rt_strv_free (ids);
  if (r == 0 && volumes)
    {
      r = vs_volumes_prune (&e, false, &vols, &vbytes, &err);
      print_list ("Deleted Volumes", vols, NULL);
      rt_strv_free (vols);
      bytes += vbytes;
    }
  if (r == 0)
    {
      vs_image *imgs = NULL;
      size_t n = 0;
      bool header = false;
      r = vs_store_image_list (e.store, &imgs, &n, &err);
      for (size_t i = 0; i < n && r == 0; i++)
        {
          bool dangling = imgs[i].names == NULL || imgs[i].names[0] == NULL;
          if ((!dangling && !all) || vs_store_image_in_use (e.store, imgs[i].id))
            continue;
          if (!header)
            printf ("Deleted Images:\n");
          header = true;
          for (char **p = imgs[i].names; p && *p; p++)
            {
              _cleanup_free_ char *fam = vs_ref_familiar (*p);
              printf ("untagged: %s\n", fam ? fam : *p);
            }
          r = vs_store_image_delete (e.store, imgs[i].id, &err);
          if (r == 0)
            printf ("deleted: %s\n", imgs[i].id);
        }
      vs_images_free (imgs, n);
      if (header)
        putchar ('\n');
      if (r == 0)
        r = vs_store_check (e.store, false, &rep, &err);
      bytes += rep.bytes;
    }
  if (r == 0)
    r = vs_container_logs_prune (&e, &nlogs, &err);
  vs_engine_close (&e);
  if (r < 0)
    return cli_error (&err);
  return print_reclaimed (bytes);
}
