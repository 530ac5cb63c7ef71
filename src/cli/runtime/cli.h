/* cli.h — vessel-runtime's command line: global options and the verb table. */
#pragma once

#include <stdbool.h>

#include "../../basic/error.h"

struct rt_cli
{
  const char *root;
  const char *log;
  bool log_json;
  bool debug;
  char **argv0; /* the whole original argv, for the sealed re-exec */
};

typedef int (*rt_verb_fn) (struct rt_cli *g, int argc, char **argv);

int verb_create (struct rt_cli *g, int argc, char **argv);
int verb_run (struct rt_cli *g, int argc, char **argv);
int verb_start (struct rt_cli *g, int argc, char **argv);
int verb_state (struct rt_cli *g, int argc, char **argv);
int verb_kill (struct rt_cli *g, int argc, char **argv);
int verb_delete (struct rt_cli *g, int argc, char **argv);
int verb_list (struct rt_cli *g, int argc, char **argv);
int verb_spec (struct rt_cli *g, int argc, char **argv);
int verb_exec (struct rt_cli *g, int argc, char **argv);
int verb_ps (struct rt_cli *g, int argc, char **argv);
int verb_pause (struct rt_cli *g, int argc, char **argv);
int verb_resume (struct rt_cli *g, int argc, char **argv);
int verb_update (struct rt_cli *g, int argc, char **argv);
int verb_events (struct rt_cli *g, int argc, char **argv);
int verb_features (struct rt_cli *g, int argc, char **argv);

/* Print err once (stderr and --log) and return the runtime's error status. */
int cli_fail (const vs_error *err);
/* Report a usage error for a verb. */
int cli_usage_error (const char *verb, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* Print a JSON value to stdout, indented like runc. */
void cli_print_json (void *json);
