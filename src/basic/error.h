/* error.h — the one error type threaded through every call.
 *
 * A function that can fail returns a negative errno and fills a vs_error
 * once, at the place that knows what failed, on which object and why.
 * The top level prints it once.  The buffer is fixed so that it also works
 * in a freshly cloned child where allocation is best avoided. */
#pragma once

#include <stddef.h>

typedef struct vs_error
{
  int code;        /* errno of the failure, 0 when none applies */
  char msg[1024];  /* "what failed: on which object: why" */
} vs_error;

/* Fill err with the formatted message followed by ": strerror(errnum)"
 * when errnum > 0.  Returns -errnum, or -EINVAL when errnum is 0. */
int vs_fail (vs_error *err, int errnum, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Prepend context to an existing message: "context: old message". */
int vs_wrap (vs_error *err, int ret, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

void vs_error_clear (vs_error *err);
