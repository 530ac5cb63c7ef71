/* log.c — writes each message once to stderr and to the --log file. */
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;
static bool log_json;
static bool log_debug;

int
vs_log_init (const char *path, bool json, bool debug)
{
  log_json = json;
  log_debug = debug;
  if (path == NULL || path[0] == '\0')
    return 0;
  log_fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  return log_fd < 0 ? -1 : 0;
}

bool
vs_log_debug_enabled (void)
{
  return log_debug;
}

static const char *const level_names[] = { "error", "warning", "info", "debug" };

/* JSON string escaping for the json log format. */
static size_t
escape_json (char *out, size_t outsz, const char *in)
{
  size_t o = 0;
  for (; *in && o + 7 < outsz; in++)
    {
      unsigned char c = (unsigned char) *in;
      if (c == '"' || c == '\\')
        {
          out[o++] = '\\';
          out[o++] = (char) c;
        }
      else if (c < 0x20)
        o += (size_t) snprintf (out + o, outsz - o, "\\u%04x", c);
      else
        out[o++] = (char) c;
    }
  out[o] = '\0';
  return o;
}

void
vs_log (enum vs_log_level level, const char *fmt, ...)
{
  char msg[2048], line[4608], ts[64];
  struct timespec now;
  struct tm tm;
  va_list ap;
  int n;

  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);

  if (level != VS_LOG_DEBUG || log_fd < 0)
    {
      /* stderr gets errors and warnings always, debug only without a log file. */
      if (level <= VS_LOG_WARN || log_debug)
        dprintf (STDERR_FILENO, "vessel-runtime: %s%s\n",
                 level == VS_LOG_WARN ? "warning: " : "", msg);
    }
  if (log_fd < 0)
    return;

  clock_gettime (CLOCK_REALTIME, &now);
  gmtime_r (&now.tv_sec, &tm);
  n = (int) strftime (ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (ts + n, sizeof ts - (size_t) n, ".%09ldZ", now.tv_nsec);
  if (log_json)
    {
      char esc[4096];
      escape_json (esc, sizeof esc, msg);
      n = snprintf (line, sizeof line, "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
                    level_names[level], esc, ts);
    }
  else
    n = snprintf (line, sizeof line, "time=\"%s\" level=%s msg=\"%s\"\n", ts,
                  level_names[level], msg);
  if (n > (int) sizeof line)
    n = (int) sizeof line;
  if (write (log_fd, line, (size_t) n) < 0)
    return;
}
