/* pull.c — `vessel pull`, `push`, `login`, `logout`, and the per-layer
 * progress display (bars on a terminal, plain lines otherwise). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../../basic/cleanup.h"
#include "../../image/auth.h"
#include "../../image/distribution.h"
#include "../../image/reference.h"
#include "cli.h"

/* ---- progress ---- */

typedef struct row
{
  char id[13];
  char status[40];
  int64_t done, total;
  int last_pct;
} row;

typedef struct progress
{
  FILE *out;
  bool tty, quiet;
  row *rows;
  size_t n;
} progress;

static void
draw_row (progress *p, size_t i)
{
  row *r = &p->rows[i];
  size_t up = p->n - i;
  char done[16], total[16], bar[52] = "";

  if (r->total > 0 && r->done > 0 && r->done < r->total)
    {
      int w = (int) (r->done * 50 / r->total);
      memset (bar, '=', (size_t) w);
      bar[w] = '>';
      memset (bar + w + 1, ' ', (size_t) (49 - w));
      bar[50] = '\0';
      cli_human_size (done, sizeof done, r->done);
      cli_human_size (total, sizeof total, r->total);
      fprintf (p->out, "\033[%zuA\r\033[2K%s: %s [%s] %s/%s\033[%zuB\r", up, r->id, r->status, bar, done, total, up);
    }
  else
    fprintf (p->out, "\033[%zuA\r\033[2K%s: %s\033[%zuB\r", up, r->id, r->status, up);
  fflush (p->out);
}

static void
on_start (void *user, size_t n)
{
  progress *p = user;
  free (p->rows);
  p->rows = calloc (n ? n : 1, sizeof *p->rows);
  p->n = p->rows ? n : 0;
}

static void
on_layer (void *user, size_t i, const char *digest, int64_t size, const char *status)
{
  progress *p = user;
  row *r;
  bool fresh;

  if (p->quiet || i >= p->n)
    return;
  r = &p->rows[i];
  fresh = r->id[0] == '\0';
  snprintf (r->id, sizeof r->id, "%.12s", digest + 7);
  snprintf (r->status, sizeof r->status, "%s", status);
  r->total = size;
  if (!p->tty)
    {
      fprintf (p->out, "%s: %s\n", r->id, r->status);
      return;
    }
  if (fresh)
    {
      /* first sight of every row: lay them all out once */
      bool all_new = true;
      for (size_t k = 0; k < p->n; k++)
        if (k != i && p->rows[k].id[0])
          all_new = false;
      if (all_new)
        for (size_t k = 0; k < p->n; k++)
          fputc ('\n', p->out);
    }
  draw_row (p, i);
}

static void
on_bytes (void *user, size_t i, int64_t done, int64_t total)
{
  progress *p = user;
  row *r;
  int pct;

  if (p->quiet || !p->tty || i >= p->n)
    return;
  r = &p->rows[i];
  r->done = done;
  if (total > 0)
    r->total = total;
  pct = r->total > 0 ? (int) (done * 100 / r->total) : 0;
  if (pct == r->last_pct)
    return;
  r->last_pct = pct;
  if (strncmp (r->status, "Pulling", 7) == 0 || strcmp (r->status, "Waiting") == 0)
    snprintf (r->status, sizeof r->status, "%s", "Downloading");
  else if (strcmp (r->status, "Preparing") == 0)
    snprintf (r->status, sizeof r->status, "%s", "Pushing");
  draw_row (p, i);
}

static void
on_message (void *user, const char *line)
{
  progress *p = user;
  if (!p->quiet)
    fprintf (p->out, "%s\n", line);
}

/* ---- shared flags ---- */

typedef struct reg_flags
{
  int tls_verify;        /* -1 unset */
  const char *authfile;
  const char *creds;     /* user[:pass] */
  const char *platform;
  bool quiet;
  char *user, *pass;
} reg_flags;

enum { OPT_TLS = 1000, OPT_AUTHFILE, OPT_CREDS, OPT_PLATFORM, OPT_PASSWORD_STDIN, OPT_ALL_TAGS };

static int
reg_flag (reg_flags *f, const char *cmd, int opt)
{
  switch (opt)
    {
    case OPT_TLS:
      f->tls_verify = cli_parse_bool (optarg);
      if (f->tls_verify < 0)
        return cli_usage (cmd, "--tls-verify `%s`: expected true or false", optarg);
      return 0;
    case OPT_AUTHFILE:
      f->authfile = optarg;
      return 0;
    case OPT_CREDS:
      f->creds = optarg;
      return 0;
    case OPT_PLATFORM:
      f->platform = optarg;
      return 0;
    case 'q':
      f->quiet = true;
      return 0;
    default:
      return cli_usage (cmd, "unknown flag (see vessel %s --help)", cmd);
    }
}

/* Registry options for a reference's host: credentials from --creds or the auth file. */
static int
registry_opts_for (reg_flags *f, const char *reference, vs_registry_opts *ro, char **authpath, vs_error *err)
{
  vs_ref ref = { 0 };
  int r = vs_ref_parse (reference, &ref, err);
  if (r < 0)
    return r;
  *authpath = f->authfile ? strdup (f->authfile) : vs_auth_path ();
  ro->tls_verify = cli_tls_verify (ref.registry, f->tls_verify);
  ro->auth_file = *authpath;
  if (f->creds)
    {
      const char *colon = strchr (f->creds, ':');
      f->user = colon ? strndup (f->creds, (size_t) (colon - f->creds)) : strdup (f->creds);
      f->pass = strdup (colon ? colon + 1 : "");
      ro->username = f->user;
      ro->password = f->pass;
    }
  vs_ref_free (&ref);
  return 0;
}

static const struct option reg_long[] = {
  { "tls-verify", optional_argument, NULL, OPT_TLS },
  { "authfile", required_argument, NULL, OPT_AUTHFILE },
  { "creds", required_argument, NULL, OPT_CREDS },
  { "platform", required_argument, NULL, OPT_PLATFORM },
  { "quiet", no_argument, NULL, 'q' },
  { "all-tags", no_argument, NULL, OPT_ALL_TAGS },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static int
parse_reg_flags (const char *cmd, int argc, char **argv, reg_flags *f, const char *usage)
{
  int opt;
  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+qha", reg_long, NULL)) != -1)
    {
      if (opt == 'h')
        {
          printf ("usage: vessel %s %s\n", cmd, usage);
          exit (0);
        }
      if (opt == '?')
        return cli_usage (cmd, "unknown flag `%s` (see vessel %s --help)", argv[optind - 1], cmd);
      if (opt == 'a' || opt == OPT_ALL_TAGS)
        return cli_usage (cmd, "--all-tags is not supported");
      if (reg_flag (f, cmd, opt) != 0)
        return EXIT_ENGINE;
    }
  return 0;
}

int
cmd_pull (vs_cli *cli, int argc, char **argv)
{
  reg_flags f = { .tls_verify = -1 };
  _cleanup_free_ char *authpath = NULL;
  vs_store *s = NULL;
  vs_error err = { 0 };
  char id[72];
  int r;

  if ((r = parse_reg_flags ("pull", argc, argv, &f, "[--platform OS/ARCH] [--tls-verify=false] [-q] IMAGE")) != 0)
    return r;
  if (argc - optind != 1)
    return cli_usage ("pull", "expected exactly one image reference, got %d", argc - optind);
  progress p = { .out = stdout, .tty = isatty (STDOUT_FILENO), .quiet = f.quiet };
  vs_transfer_events ev = { on_start, on_layer, on_bytes, on_message, &p };
  vs_transfer_opts o = { .platform = f.platform, .events = &ev };
  r = registry_opts_for (&f, argv[optind], &o.registry, &authpath, &err);
  if (r == 0)
    r = cli_store (cli, true, &s, &err);
  if (r == 0)
    r = vs_image_pull (s, argv[optind], &o, id, &err);
  vs_store_close (s);
  free (p.rows);
  free (f.user);
  free (f.pass);
  if (r < 0)
    return cli_error (&err);
  (void) id;
  {
    /* docker prints the canonical reference last (alone with -q) */
    {
      vs_ref ref = { 0 };
      if (vs_ref_parse (argv[optind], &ref, &err) == 0)
        {
          _cleanup_free_ char *name = vs_ref_name (&ref);
          printf ("%s\n", name);
        }
      vs_ref_free (&ref);
    }
  }
  return 0;
}

int
cmd_push (vs_cli *cli, int argc, char **argv)
{
  reg_flags f = { .tls_verify = -1 };
  _cleanup_free_ char *authpath = NULL;
  vs_store *s = NULL;
  vs_error err = { 0 };
  const char *dest;
  char digest[72];
  int r;

  if ((r = parse_reg_flags ("push", argc, argv, &f, "[--tls-verify=false] [-q] IMAGE [DESTINATION]")) != 0)
    return r;
  if (argc - optind < 1 || argc - optind > 2)
    return cli_usage ("push", "expected IMAGE [DESTINATION], got %d arguments", argc - optind);
  dest = argc - optind == 2 ? argv[optind + 1] : argv[optind];
  progress p = { .out = stdout, .tty = isatty (STDOUT_FILENO), .quiet = f.quiet };
  vs_transfer_events ev = { on_start, on_layer, on_bytes, on_message, &p };
  vs_transfer_opts o = { .events = &ev };
  r = registry_opts_for (&f, dest, &o.registry, &authpath, &err);
  if (r == 0)
    r = cli_store (cli, false, &s, &err);
  if (r == 0)
    r = vs_image_push (s, argv[optind], dest, &o, digest, &err);
  vs_store_close (s);
  free (p.rows);
  free (f.user);
  free (f.pass);
  if (r < 0)
    return cli_error (&err);
  if (f.quiet)
    printf ("%s\n", digest);
  return 0;
}

/* A registry host from SERVER (docker allows a URL or host[:port]). */
static char *
server_host (const char *server)
{
  const char *p = server;
  if (strncmp (p, "https://", 8) == 0)
    p += 8;
  else if (strncmp (p, "http://", 7) == 0)
    p += 7;
  char *h = strndup (p, strcspn (p, "/"));
  if (h && (strcmp (h, "index.docker.io") == 0 || strcmp (h, "registry-1.docker.io") == 0))
    {
      free (h);
      h = strdup ("docker.io");
    }
  return h;
}

static char *
read_line (FILE *in, bool echo)
{
  struct termios old, noecho;
  bool tty = !echo && isatty (fileno (in)) && tcgetattr (fileno (in), &old) == 0;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;

  if (tty)
    {
      noecho = old;
      noecho.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (fileno (in), TCSANOW, &noecho);
    }
  n = getline (&line, &cap, in);
  if (tty)
    {
      tcsetattr (fileno (in), TCSANOW, &old);
      fputc ('\n', stderr);
    }
  if (n < 0)
    {
      free (line);
      return NULL;
    }
  line[strcspn (line, "\r\n")] = '\0';
  return line;
}

int
cmd_login (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "username", required_argument, NULL, 'u' },
    { "password", required_argument, NULL, 'p' },
    { "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN },
    { "tls-verify", optional_argument, NULL, OPT_TLS },
    { "authfile", required_argument, NULL, OPT_AUTHFILE },
    { NULL, 0, NULL, 0 },
  };
  _cleanup_free_ char *host = NULL, *user = NULL, *pass = NULL, *authpath = NULL;
  bool from_stdin = false;
  int tls = -1, opt, r;
  const char *authfile = NULL;
  vs_registry *reg = NULL;
  vs_error err = { 0 };

  (void) cli;
  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+u:p:", opts, NULL)) != -1)
    switch (opt)
      {
      case 'u':
        free (user);
        user = strdup (optarg);
        break;
      case 'p':
        free (pass);
        pass = strdup (optarg);
        break;
      case OPT_PASSWORD_STDIN:
        from_stdin = true;
        break;
      case OPT_TLS:
        if ((tls = cli_parse_bool (optarg)) < 0)
          return cli_usage ("login", "--tls-verify `%s`: expected true or false", optarg);
        break;
      case OPT_AUTHFILE:
        authfile = optarg;
        break;
      default:
        return cli_usage ("login", "unknown flag `%s`", argv[optind - 1]);
      }
  if (argc - optind != 1)
    return cli_usage ("login", "expected one registry SERVER");
  host = server_host (argv[optind]);
  if (host == NULL || host[0] == '\0')
    return cli_usage ("login", "`%s` is not a registry server", argv[optind]);
  if (from_stdin && pass)
    return cli_usage ("login", "--password and --password-stdin are mutually exclusive");
  if (from_stdin)
    {
      if (user == NULL)
        return cli_usage ("login", "--password-stdin needs --username");
      pass = read_line (stdin, true);
      if (pass == NULL)
        return cli_usage ("login", "no password on standard input");
    }
  if (user == NULL)
    {
      fprintf (stderr, "Username: ");
      user = read_line (stdin, true);
    }
  if (pass == NULL && user)
    {
      fprintf (stderr, "Password: ");
      pass = read_line (stdin, false);
    }
  if (user == NULL || user[0] == '\0' || pass == NULL)
    return cli_usage ("login", "a user name and a password are needed");
  authpath = authfile ? strdup (authfile) : vs_auth_path ();
  vs_registry_opts ro = { .tls_verify = cli_tls_verify (host, tls), .username = user, .password = pass };
  r = vs_registry_open (vs_registry_endpoint (host), &ro, &reg, &err);
  if (r == 0)
    r = vs_registry_ping (reg, &err);
  vs_registry_free (reg);
  if (r < 0)
    {
      vs_wrap (&err, r, "login to %s", host);
      return cli_error (&err);
    }
  r = vs_auth_set (authpath, host, user, pass, &err);
  if (r < 0)
    return cli_error (&err);
  printf ("Login Succeeded!\n");
  return 0;
}

int
cmd_logout (vs_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "authfile", required_argument, NULL, OPT_AUTHFILE },
    { NULL, 0, NULL, 0 },
  };
  _cleanup_free_ char *host = NULL, *authpath = NULL;
  const char *authfile = NULL;
  vs_error err = { 0 };
  int opt, r;

  (void) cli;
  opterr = 0;
  while ((opt = getopt_long (argc, argv, "+", opts, NULL)) != -1)
    {
      if (opt != OPT_AUTHFILE)
        return cli_usage ("logout", "unknown flag `%s`", argv[optind - 1]);
      authfile = optarg;
    }
  if (argc - optind != 1)
    return cli_usage ("logout", "expected one registry SERVER");
  host = server_host (argv[optind]);
  authpath = authfile ? strdup (authfile) : vs_auth_path ();
  r = vs_auth_remove (authpath, host, &err);
  if (r < 0)
    return cli_error (&err);
  if (r == 0)
    return cli_usage ("logout", "not logged in to %s", host);
  printf ("Removed login credentials for %s\n", host);
  return 0;
}
