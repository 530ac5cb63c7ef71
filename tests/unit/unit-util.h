/* unit-util.h — small file helpers shared by the unit tests (cmocka). */
#pragma once

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* printf into one of 8 rotating buffers (enough for one expression). */
static inline char *
pathf (const char *fmt, ...)
{
  static char bufs[8][PATH_MAX];
  static int next;
  char *b = bufs[next++ % 8];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (b, PATH_MAX, fmt, ap);
  va_end (ap);
  return b;
}

static inline void
write_text (const char *path, const char *text)
{
  FILE *f = fopen (path, "w");
  if (f == NULL)
    fail_msg ("fopen %s: %s", path, strerror (errno));
  fputs (text, f);
  assert_int_equal (fclose (f), 0);
}

/* The file's content (static buffer), or NULL when it does not exist. */
static inline char *
read_text (const char *path)
{
  static char buf[4096];
  FILE *f = fopen (path, "r");
  if (f == NULL)
    return NULL;
  size_t n = fread (buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose (f);
  return buf;
}

static inline bool
exists (const char *path)
{
  struct stat st;
  return lstat (path, &st) == 0;
}

static inline int
unit_rm_cb (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st;
  (void) ftw;
  (void) flag;
  remove (path);
  return 0;
}

/* rm -rf without following links */
static inline void
rm_tree (const char *path)
{
  nftw (path, unit_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* The message of a vs_error holds needle. */
#define assert_msg_contains(err, needle)                                                                \
  do                                                                                                    \
    {                                                                                                   \
      if (strstr ((err).msg, (needle)) == NULL)                                                         \
        fail_msg ("message \"%s\" does not contain \"%s\"", (err).msg, (needle));                      \
    }                                                                                                   \
  while (0)

/* The message of a vs_error is one non-empty line. */
#define assert_one_line(err)                                                                            \
  do                                                                                                    \
    {                                                                                                   \
      if ((err).msg[0] == '\0' || strchr ((err).msg, '\n') != NULL)                                     \
        fail_msg ("message \"%s\" is not one non-empty line", (err).msg);                              \
    }                                                                                                   \
  while (0)
