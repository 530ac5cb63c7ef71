/* cli.h — what every `vessel` command shares: global options, error
 * reporting with docker's exit codes, and option-parsing helpers. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "../../basic/error.h"
#include "../../image/store.h"

/* docker's exit codes for the engine itself */
#define EXIT_ENGINE 125   /* the engine failed (bad flag, no such image...) */
#define EXIT_CANNOT_INVOKE 126
#define EXIT_NOT_FOUND 127

typedef struct vs_cli
{
  const char *root;     /* --root, $VESSEL_ROOT, or /var/lib/vessel */
  const char *runroot;  /* --runroot, $VESSEL_RUNROOT, or /run/vessel: runtime state */
  bool debug;
} vs_cli;

typedef int (*vs_cmd_fn) (vs_cli *cli, int argc, char **argv);

/* Print "Error: <msg>" on stderr; returns EXIT_ENGINE. */
int cli_error (const vs_error *err);
/* Print "Error: <cmd>: <formatted>" (a usage problem); returns EXIT_ENGINE. */
int cli_usage (const char *cmd, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* Open the image store (exclusive for changing commands). */
int cli_store (vs_cli *cli, bool exclusive, vs_store **ret, vs_error *err);
/* "12.3MB" / "1.05GB" as docker prints sizes (decimal units). */
void cli_human_size (char *buf, size_t len, int64_t bytes);
/* "3 minutes ago" as docker prints times. */
void cli_human_ago (char *buf, size_t len, int64_t when);
/* Whether a --tls-verify was given, else docker's default: plain http is
 * allowed for localhost and 127.0.0.0/8 and for hosts listed in
 * $VESSEL_INSECURE_REGISTRIES (comma-separated). */
bool cli_tls_verify (const char *host, int flag /* -1 unset, 0, 1 */);
/* Parse a --tls-verify[=bool] value: -1 when bad. */
int cli_parse_bool (const char *s);

/* `X inspect [-f|--format TEMPLATE] NAME...`: each name through get (a new
 * reference, or NULL with err filled), printed as docker does: one JSON
 * array, or the template once per object.  An unknown name prints its
 * error and makes the exit code 125; the others are still shown. */
int cli_inspect (const char *cmd, const char *kind, int argc, char **argv,
                 json_t *(*get) (void *user, const char *name, vs_error *err), void *user);

/* Commands (one file per family). */
int cmd_pull (vs_cli *cli, int argc, char **argv);
int cmd_push (vs_cli *cli, int argc, char **argv);
int cmd_login (vs_cli *cli, int argc, char **argv);
int cmd_logout (vs_cli *cli, int argc, char **argv);
int cmd_images (vs_cli *cli, int argc, char **argv);
int cmd_image_inspect (vs_cli *cli, int argc, char **argv);
int cmd_history (vs_cli *cli, int argc, char **argv);
int cmd_tag (vs_cli *cli, int argc, char **argv);
int cmd_rmi (vs_cli *cli, int argc, char **argv);
int cmd_image_prune (vs_cli *cli, int argc, char **argv);
int cmd_image_check (vs_cli *cli, int argc, char **argv);
int cmd_system_df (vs_cli *cli, int argc, char **argv);
int cmd_save (vs_cli *cli, int argc, char **argv);
int cmd_load (vs_cli *cli, int argc, char **argv);
int cmd_import (vs_cli *cli, int argc, char **argv);
int cmd_run (vs_cli *cli, int argc, char **argv);
int cmd_create (vs_cli *cli, int argc, char **argv);
int cmd_start (vs_cli *cli, int argc, char **argv);
int cmd_stop (vs_cli *cli, int argc, char **argv);
int cmd_restart (vs_cli *cli, int argc, char **argv);
int cmd_kill (vs_cli *cli, int argc, char **argv);
int cmd_rm (vs_cli *cli, int argc, char **argv);
int cmd_ps (vs_cli *cli, int argc, char **argv);
int cmd_logs (vs_cli *cli, int argc, char **argv);
int cmd_wait (vs_cli *cli, int argc, char **argv);
int cmd_container_inspect (vs_cli *cli, int argc, char **argv);
int cmd_container_cleanup (vs_cli *cli, int argc, char **argv);
int cmd_inspect (vs_cli *cli, int argc, char **argv);
int cmd_exec (vs_cli *cli, int argc, char **argv);
int cmd_top (vs_cli *cli, int argc, char **argv);
int cmd_pause (vs_cli *cli, int argc, char **argv);
int cmd_unpause (vs_cli *cli, int argc, char **argv);
int cmd_stats (vs_cli *cli, int argc, char **argv);
/* fs.c */
int cmd_diff (vs_cli *cli, int argc, char **argv);
int cmd_commit (vs_cli *cli, int argc, char **argv);
int cmd_cp (vs_cli *cli, int argc, char **argv);
int cmd_export (vs_cli *cli, int argc, char **argv);
int cmd_rename (vs_cli *cli, int argc, char **argv);
int cmd_container_prune (vs_cli *cli, int argc, char **argv);
int cmd_info (vs_cli *cli, int argc, char **argv);
int cmd_system_prune (vs_cli *cli, int argc, char **argv);
/* volumes.c */
int cmd_volume_create (vs_cli *cli, int argc, char **argv);
int cmd_volume_ls (vs_cli *cli, int argc, char **argv);
int cmd_volume_inspect (vs_cli *cli, int argc, char **argv);
int cmd_volume_rm (vs_cli *cli, int argc, char **argv);
int cmd_volume_prune (vs_cli *cli, int argc, char **argv);
/* attach.c: a terminal relayed to a container (run -i/-t, start -a,
 * attach, exec -it) */
#define CLI_DETACH_KEYS_MAX 16
typedef struct cli_attach_opts
{
  bool tty;          /* the container has a terminal: raw mode, resizes */
  bool send_stdin;   /* relay our stdin */
  bool close_stdin;  /* at its EOF close the container's stdin (run -i) */
  bool raw_peer;     /* the peer is a pty master (exec -it), not an attach socket */
  int pidfd;         /* -1, or: done once it is readable (exec's runtime) */
  char detach_keys[CLI_DETACH_KEYS_MAX];
  size_t n_detach_keys;
} cli_attach_opts;
/* Relay until the peer's end (0) or the detach keys (1); -errno. */
int cli_attach_relay (int peer, const cli_attach_opts *o);
/* Connect to CTRDIR/attach.sock: fd or -errno. */
int cli_attach_connect (const char *ctrdir);
/* docker's --detach-keys "ctrl-p,ctrl-q": 0 or -EINVAL. */
int cli_parse_detach_keys (const char *spec, char keys[CLI_DETACH_KEYS_MAX], size_t *n);
/* Our terminal's size (stdin's, else stdout's): false when unknown. */
bool cli_terminal_size (unsigned short *rows, unsigned short *cols);
/* docker's --sig-proxy for a container in the foreground without a
 * terminal: the signals a user sends us (INT, TERM, HUP, QUIT, USR1,
 * USR2) go to its process `pid`, a child of `parent` (its monitor),
 * instead of ending us.  No-op when pid is not (or no longer) that. */
void cli_sig_proxy_start (int pid, int parent);
void cli_sig_proxy_stop (void);
int cmd_attach (vs_cli *cli, int argc, char **argv);
