/* common.c — helpers every command uses: sizes and times as docker prints
 * them, and the insecure-registry rule. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"

void
cli_human_size (char *buf, size_t len, int64_t bytes)
{
  static const char *units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
  double v = (double) bytes;
  size_t u = 0;
  while (v >= 1000 && u + 1 < sizeof units / sizeof units[0])
    {
      v /= 1000;
      u++;
    }
  /* docker: 3 significant digits */
  if (u == 0)
    snprintf (buf, len, "%lldB", (long long) bytes);
  else
    snprintf (buf, len, "%.3g%s", v, units[u]);
}

void
cli_human_ago (char *buf, size_t len, int64_t when)
{
  int64_t d = (int64_t) time (NULL) - when;
  if (when <= 0)
    snprintf (buf, len, "N/A");
  else if (d < 1)
    snprintf (buf, len, "Less than a second ago");
  else if (d < 60)
    snprintf (buf, len, "%lld second%s ago", (long long) d, d == 1 ? "" : "s");
  else if (d < 3600)
    snprintf (buf, len, "%lld minute%s ago", (long long) (d / 60), d / 60 == 1 ? "" : "s");
  else if (d < 2 * 86400)
    snprintf (buf, len, "%lld hour%s ago", (long long) (d / 3600), d / 3600 == 1 ? "" : "s");
  else if (d < 14 * 86400)
    snprintf (buf, len, "%lld days ago", (long long) (d / 86400));
  else if (d < 60 * 86400)
    snprintf (buf, len, "%lld weeks ago", (long long) (d / (7 * 86400)));
  else if (d < 2 * 365 * 86400)
    snprintf (buf, len, "%lld months ago", (long long) (d / (30 * 86400)));
  else
    snprintf (buf, len, "%lld years ago", (long long) (d / (365 * 86400)));
}

int
cli_parse_bool (const char *s)
{
  if (s == NULL || strcasecmp (s, "true") == 0 || strcmp (s, "1") == 0)
    return 1;
  if (strcasecmp (s, "false") == 0 || strcmp (s, "0") == 0)
    return 0;
  return -1;
}

bool
cli_tls_verify (const char *host, int flag)
{
  char name[256];
  const char *list = getenv ("VESSEL_INSECURE_REGISTRIES");
  struct in_addr a;

  if (flag >= 0)
    return flag;
  snprintf (name, sizeof name, "%s", host);
  if (name[0] == '[')
    {
      /* [::1]:5000 */
      char *e = strchr (name, ']');
      if (e)
        *e = '\0';
      if (strcmp (name + 1, "::1") == 0)
        return false;
    }
  else
    {
      char *colon = strrchr (name, ':');
      if (colon)
        *colon = '\0';
    }
  if (strcmp (name, "localhost") == 0 || (inet_pton (AF_INET, name, &a) == 1 && (ntohl (a.s_addr) >> 24) == 127))
    return false;
  if (list)
    {
      char *copy = strdup (list), *save = NULL;
      bool found = false;
      for (char *t = copy ? strtok_r (copy, ",", &save) : NULL; t; t = strtok_r (NULL, ",", &save))
        if (strcmp (t, host) == 0 || strcmp (t, name) == 0)
          found = true;
      free (copy);
      if (found)
        return false;
    }
  return true;
}
