/* logfile.h — the container log in docker's json-file format.
 *
 * One entry per line of output:
 *   {"log":"text\n","stream":"stdout","time":"2026-11-25T16:00:00.123456789Z"}
 * appended with one write(2) each (no stdio buffering, so a follower sees it
 * at once), rotated by size: FILE -> FILE.1 -> ... -> FILE.(max_files-1).
 *
 * Everything here works on fixed buffers: the monitor runs once per
 * container and its private memory must stay small. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../basic/error.h"

/* A partial line this long is written as its own entry (docker's 16 KiB). */
#define VS_LOG_LINE_MAX (16 * 1024)
/* "2026-11-25T16:00:00.123456789Z" plus NUL. */
#define VS_LOG_TIME_LEN 31

typedef struct vs_logfile
{
  const char *path;    /* borrowed; must outlive the logfile */
  int fd;              /* -1 when closed */
  uint64_t size;       /* bytes in the current file */
  uint64_t max_size;   /* 0: no limit */
  unsigned max_files;  /* files kept in total, >= 1 */
} vs_logfile;

/* One output stream of the container and its pending partial line. */
typedef struct vs_logstream
{
  const char *name;    /* "stdout" or "stderr" */
  size_t len;          /* bytes pending in buf */
  char buf[VS_LOG_LINE_MAX];
} vs_logstream;

/* Open (append) or create path.  max_size 0 means no rotation; max_files 0
 * is taken as 1. */
int vs_logfile_open (vs_logfile *lf, const char *path, uint64_t max_size, unsigned max_files,
                     vs_error *err);
void vs_logfile_close (vs_logfile *lf);

/* Append one entry for data[0..len) (written as is, escaped) with time ts
 * (NULL: now).  Rotates first when the entry would make the file exceed
 * max_size; an entry larger than max_size still goes whole into a new file. */
int vs_logfile_write (vs_logfile *lf, const char *stream, const char *data, size_t len,
                      const struct timespec *ts, vs_error *err);

/* Rotate now: shift FILE.(n-1) ... FILE.1, FILE -> FILE.1, new empty FILE. */
int vs_logfile_rotate (vs_logfile *lf, vs_error *err);

/* Where a read for s may put its bytes: *avail > 0 always. */
char *vs_logstream_space (vs_logstream *s, size_t *avail);
/* n bytes were put at vs_logstream_space: write out every complete line,
 * and the pending bytes as one entry when the buffer is full. */
int vs_logstream_commit (vs_logstream *s, vs_logfile *lf, size_t n, vs_error *err);
/* Copy data in and commit it (any length). */
int vs_logstream_feed (vs_logstream *s, vs_logfile *lf, const char *data, size_t len, vs_error *err);
/* End of the stream: write the pending partial line, if any. */
int vs_logstream_flush (vs_logstream *s, vs_logfile *lf, vs_error *err);

/* JSON string body for in[0..len): quotes, backslashes and control
 * characters escaped, invalid UTF-8 replaced by \ufffd.  Writes at most
 * outsz - 1 bytes and a NUL, never a cut escape; returns the full escaped
 * length (as snprintf does), so out may be NULL with outsz 0 to measure. */
size_t vs_json_escape (char *out, size_t outsz, const char *in, size_t len);

/* RFC 3339 UTC with nanoseconds: "2026-11-25T16:00:00.123456789Z".
 * buf must hold VS_LOG_TIME_LEN bytes. */
void vs_log_format_time (char buf[VS_LOG_TIME_LEN], const struct timespec *ts);
