/* main.c — vessel, the engine's command line.  The engine itself lands in
 * later issues; today it answers version and help. */
#include <stdio.h>
#include <string.h>

#include "../../version.h"

static void
usage (FILE *out)
{
  fprintf (out, "usage: vessel [--root DIR] COMMAND [ARGS]\n\n"
                "A container engine: images, containers, networks.\n\n"
                "commands:\n"
                "  version   print the version\n"
                "  help      print this help\n\n"
                "The OCI runtime is `vessel-runtime` (see vessel-runtime --help).\n");
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      usage (stderr);
      return 125;
    }
  if (strcmp (argv[1], "version") == 0 || strcmp (argv[1], "--version") == 0 || strcmp (argv[1], "-v") == 0)
    {
      printf ("vessel version %s\n", VESSEL_VERSION);
      return 0;
    }
  if (strcmp (argv[1], "help") == 0 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (stdout);
      return 0;
    }
  fprintf (stderr, "vessel: unknown command `%s` (see vessel --help)\n", argv[1]);
  return 125;
}
