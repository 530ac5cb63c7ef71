/* cleanup.h — scope-bound ownership: cleanup attributes and explicit transfer. */
#pragma once

#include <stdlib.h>
#include <unistd.h>
#include <errno.h>

static inline void freep (void *p) { free (*(void **) p); }
static inline void closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

#define _cleanup_free_ __attribute__ ((cleanup (freep)))
#define _cleanup_close_ __attribute__ ((cleanup (closep)))

/* Hand a pointer or fd out of a cleanup scope. */
#define TAKE_PTR(p) ({ __typeof__ (p) _t = (p); (p) = NULL; _t; })
#define TAKE_FD(fd) ({ int _t = (fd); (fd) = -1; _t; })

#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))
