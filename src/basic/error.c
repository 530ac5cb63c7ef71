/* error.c — building vs_error messages. */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
vs_fail (vs_error *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (errnum < 0)
    errnum = -errnum;
  va_start (ap, fmt);
  n = vsnprintf (err->msg, sizeof err->msg, fmt, ap);
  va_end (ap);
  if (n < 0)
    n = 0;
  if (errnum > 0 && (size_t) n < sizeof err->msg)
    snprintf (err->msg + n, sizeof err->msg - n, ": %s", strerror (errnum));
  err->code = errnum;
  return errnum > 0 ? -errnum : -EINVAL;
}

int
vs_wrap (vs_error *err, int ret, const char *fmt, ...)
{
  char prefix[512], old[sizeof err->msg];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (prefix, sizeof prefix, fmt, ap);
  va_end (ap);
  memcpy (old, err->msg, sizeof old);
  snprintf (err->msg, sizeof err->msg, "%s: %s", prefix, old);
  return ret < 0 ? ret : -EINVAL;
}

void
vs_error_clear (vs_error *err)
{
  err->code = 0;
  err->msg[0] = '\0';
}
