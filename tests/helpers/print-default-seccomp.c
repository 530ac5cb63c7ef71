/* print-default-seccomp.c — print the engine's default linux.seccomp object.
 *
 *   print-default-seccomp [-m MACHINE] [CAP...]
 *
 * The capabilities are the container's (none given: docker's defaults);
 * MACHINE is a uname -m name (default: the build's own). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/engine/defaults.h"

int
main (int argc, char **argv)
{
  const char *machine = NULL;
  char **caps;
  json_t *sc;
  int i = 1;

  if (argc > 2 && strcmp (argv[1], "-m") == 0)
    {
      machine = argv[2];
      i = 3;
    }
  caps = i < argc ? NULL : vs_default_caps ();
  sc = vs_default_seccomp_for (caps ? caps : argv + i, machine);
  if (sc == NULL || json_dumpf (sc, stdout, JSON_COMPACT) < 0)
    {
      fprintf (stderr, "print-default-seccomp: out of memory\n");
      return 1;
    }
  putchar ('\n');
  json_decref (sc);
  if (caps)
    {
      for (char **p = caps; *p; p++)
        free (*p);
      free (caps);
    }
  return 0;
}
