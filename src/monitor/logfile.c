/* logfile.c — json-file log entries, line splitting and size rotation. */
#include "logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "../basic/fs-util.h"

/* Entries are built here and written with one write(2) when they fit (all
 * but lines full of control characters); untouched pages cost nothing. */
static char entry_buf[VS_LOG_LINE_MAX + 8 * 1024];

/* ------------------------------------------------------------------------
 * JSON escaping */

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 when the
 * bytes there are not one (RFC 3629: no overlongs, surrogates or code
 * points above U+10FFFF). */
static size_t
utf8_valid_len (const unsigned char *p, size_t n)
{
  unsigned char c = p[0];
  unsigned char lo = 0x80, hi = 0xbf;
  size_t need;

  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    need = 2;
  else if (c >= 0xe0 && c <= 0xef)
    {
      need = 3;
      if (c == 0xe0)
        lo = 0xa0;
      else if (c == 0xed)
        hi = 0x9f;
    }
  else if (c >= 0xf0 && c <= 0xf4)
    {
      need = 4;
      if (c == 0xf0)
        lo = 0x90;
      else if (c == 0xf4)
        hi = 0x8f;
    }
  else
    return 0;
  if (n < need || p[1] < lo || p[1] > hi)
    return 0;
  for (size_t i = 2; i < need; i++)
    if (p[i] < 0x80 || p[i] > 0xbf)
      return 0;
  return need;
}

/* Escape in[0..len) into out[0..outsz) (no NUL) and stop before an escape
 * that does not fit.  *consumed: input bytes done.  Returns bytes written. */
static size_t
escape_some (char *out, size_t outsz, const char *in, size_t len, size_t *consumed)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *) in;
  size_t i = 0, o = 0;

  while (i < len)
    {
      unsigned char c = p[i];
      char esc[8];
      const char *src;
      size_t n, adv = 1;

      if (c == '"' || c == '\\')
        {
          esc[0] = '\\';
          esc[1] = (char) c;
          src = esc;
          n = 2;
        }
      else if (c < 0x20)
        {
          char short_form = c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r'
                            : c == '\b' ? 'b' : c == '\f' ? 'f' : 0;
          esc[0] = '\\';
          if (short_form)
            {
              esc[1] = short_form;
              n = 2;
            }
          else
            {
              memcpy (esc + 1, "u00", 3);
              esc[4] = hex[c >> 4];
              esc[5] = hex[c & 0xf];
              n = 6;
            }
          src = esc;
        }
      else if (c < 0x80)
        {
          src = (const char *) p + i;
          n = 1;
        }
      else
        {
          adv = utf8_valid_len (p + i, len - i);
          if (adv == 0)
            {
              src = "\\ufffd";
              n = 6;
              adv = 1;
            }
          else
            {
              src = (const char *) p + i;
              n = adv;
            }
        }
      if (outsz - o < n)
        break;
      memcpy (out + o, src, n);
      o += n;
      i += adv;
    }
  *consumed = i;
  return o;
}

/* Escaped length of in[0..len) without writing it. */
static size_t
escaped_len (const char *in, size_t len)
{
  char scratch[512];
  size_t total = 0, done;

  while (len > 0)
    {
      total += escape_some (scratch, sizeof scratch, in, len, &done);
      in += done;
      len -= done;
    }
  return total;
}

size_t
vs_json_escape (char *out, size_t outsz, const char *in, size_t len)
{
  size_t o = 0, done = 0;

  if (outsz > 0)
    {
      o = escape_some (out, outsz - 1, in, len, &done);
      out[o] = '\0';
    }
  return o + escaped_len (in + done, len - done);
}

/* ------------------------------------------------------------------------
 * Time */

void
vs_log_format_time (char buf[VS_LOG_TIME_LEN], const struct timespec *ts)
{
  struct timespec now;
  struct tm tm;

  if (ts == NULL)
    {
      clock_gettime (CLOCK_REALTIME, &now);
      ts = &now;
    }
  gmtime_r (&ts->tv_sec, &tm);
  snprintf (buf, VS_LOG_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
            (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
            tm.tm_sec, (long) ts->tv_nsec % 1000000000L);
}

/* ------------------------------------------------------------------------
 * The file */

int
vs_logfile_open (vs_logfile *lf, const char *path, uint64_t max_size, unsigned max_files,
                 vs_error *err)
{
  struct stat st;

  lf->path = path;
  lf->max_size = max_size;
  lf->max_files = max_files ? max_files : 1;
  lf->size = 0;
  lf->fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
  if (lf->fd < 0)
    return vs_fail (err, errno, "open log file `%s`", path);
  if (fstat (lf->fd, &st) == 0)
    lf->size = (uint64_t) st.st_size;
  return 0;
}

void
vs_logfile_close (vs_logfile *lf)
{
  if (lf->fd >= 0)
    close (lf->fd);
  lf->fd = -1;
}

static int
numbered (char buf[PATH_MAX], const char *path, unsigned n)
{
  int len = n ? snprintf (buf, PATH_MAX, "%s.%u", path, n) : snprintf (buf, PATH_MAX, "%s", path);
  return len < 0 || len >= PATH_MAX ? -ENAMETOOLONG : 0;
}

int
vs_logfile_rotate (vs_logfile *lf, vs_error *err)
{
  char from[PATH_MAX], to[PATH_MAX];
  int fd;

  if (numbered (to, lf->path, 0) < 0 || snprintf (from, PATH_MAX, "%s.rotating", lf->path) >= PATH_MAX)
    return vs_fail (err, ENAMETOOLONG, "rotate log file `%s`", lf->path);
  /* The new file is made first and renamed over FILE last: a reader never
   * finds FILE missing. */
  fd = open (from, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0640);
  if (fd < 0)
    return vs_fail (err, errno, "rotate log file: create `%s`", from);

  for (unsigned k = lf->max_files - 1; k >= 2; k--)
    {
      numbered (from, lf->path, k - 1);
      numbered (to, lf->path, k);
      if (rename (from, to) < 0 && errno != ENOENT)
        {
          int e = errno;
          close (fd);
          return vs_fail (err, e, "rotate log file: rename `%s` to `%s`", from, to);
        }
    }
  if (lf->max_files >= 2)
    {
      /* FILE.1 becomes a second name of the current file. */
      numbered (from, lf->path, 0);
      numbered (to, lf->path, 1);
      if ((unlink (to) < 0 && errno != ENOENT) || link (from, to) < 0)
        {
          int e = errno;
          close (fd);
          return vs_fail (err, e, "rotate log file: link `%s` to `%s`", from, to);
        }
    }
  snprintf (from, PATH_MAX, "%s.rotating", lf->path);
  numbered (to, lf->path, 0);
  if (rename (from, to) < 0)
    {
      int e = errno;
      close (fd);
      unlink (from);
      return vs_fail (err, e, "rotate log file: rename `%s` to `%s`", from, to);
    }
  if (lf->fd >= 0)
    close (lf->fd);
  lf->fd = fd;
  lf->size = 0;
  return 0;
}

int
vs_logfile_write (vs_logfile *lf, const char *stream, const char *data, size_t len,
                  const struct timespec *ts, vs_error *err)
{
  static const char head[] = "{\"log\":\"";
  char tail[96];
  size_t tail_len, total, o, done;
  int r;

  if (lf->fd < 0)
    return vs_fail (err, EBADF, "write log file `%s`: not open", lf->path);

  {
    char tbuf[VS_LOG_TIME_LEN];
    vs_log_format_time (tbuf, ts);
    int n = snprintf (tail, sizeof tail, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n", stream, tbuf);
    if (n < 0 || (size_t) n >= sizeof tail)
      return vs_fail (err, EINVAL, "write log file `%s`: stream name `%s` too long", lf->path, stream);
    tail_len = (size_t) n;
  }
  total = sizeof head - 1 + escaped_len (data, len) + tail_len;

  if (lf->max_size > 0 && lf->size > 0 && lf->size + total > lf->max_size)
    {
      r = vs_logfile_rotate (lf, err);
      if (r < 0)
        return r;
    }

  memcpy (entry_buf, head, sizeof head - 1);
  o = sizeof head - 1;
  for (;;)
    {
      o += escape_some (entry_buf + o, sizeof entry_buf - o, data, len, &done);
      data += done;
      len -= done;
      if (len == 0 && sizeof entry_buf - o >= tail_len)
        {
          memcpy (entry_buf + o, tail, tail_len);
          o += tail_len;
          break;
        }
      /* Too long for one write (only escapes make it so): in pieces. */
      r = vs_write_all (lf->fd, entry_buf, o);
      if (r < 0)
        return vs_fail (err, -r, "write log file `%s`", lf->path);
      lf->size += o;
      o = 0;
    }
  r = vs_write_all (lf->fd, entry_buf, o);
  if (r < 0)
    return vs_fail (err, -r, "write log file `%s`", lf->path);
  lf->size += o;
  return 0;
}

/* ------------------------------------------------------------------------
 * Streams */

char *
vs_logstream_space (vs_logstream *s, size_t *avail)
{
  *avail = sizeof s->buf - s->len;
  return s->buf + s->len;
}

/* Where to cut a full buffer: not inside a UTF-8 sequence that the next
 * bytes could complete. */
static size_t
utf8_cut (const char *buf, size_t len)
{
  const unsigned char *p = (const unsigned char *) buf;
  size_t i = len, need;

  while (i > 0 && len - i < 4 && (p[i - 1] & 0xc0) == 0x80)
    i--;
  if (i == 0 || p[i - 1] < 0xc0)
    return len;
  i--; /* p[i] is a lead byte */
  need = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : 2;
  return (len - i < need && i > 0) ? i : len;
}

int
vs_logstream_commit (vs_logstream *s, vs_logfile *lf, size_t n, vs_error *err)
{
  size_t start = 0;
  int ret = 0, r;

  s->len += n;
  for (;;)
    {
      char *nl = memchr (s->buf + start, '\n', s->len - start);
      if (nl == NULL)
        break;
      size_t end = (size_t) (nl - s->buf) + 1;
      r = vs_logfile_write (lf, s->name, s->buf + start, end - start, NULL, err);
      if (r < 0 && ret == 0)
        ret = r;
      start = end;
    }
  if (start > 0)
    {
      memmove (s->buf, s->buf + start, s->len - start);
      s->len -= start;
    }
  if (s->len == sizeof s->buf)
    {
      size_t cut = utf8_cut (s->buf, s->len);
      r = vs_logfile_write (lf, s->name, s->buf, cut, NULL, err);
      if (r < 0 && ret == 0)
        ret = r;
      memmove (s->buf, s->buf + cut, s->len - cut);
      s->len -= cut;
    }
  return ret;
}

int
vs_logstream_feed (vs_logstream *s, vs_logfile *lf, const char *data, size_t len, vs_error *err)
{
  int ret = 0;

  while (len > 0)
    {
      size_t avail;
      char *dst = vs_logstream_space (s, &avail);
      size_t n = len < avail ? len : avail;
      memcpy (dst, data, n);
      data += n;
      len -= n;
      int r = vs_logstream_commit (s, lf, n, err);
      if (r < 0 && ret == 0)
        ret = r;
    }
  return ret;
}

int
vs_logstream_flush (vs_logstream *s, vs_logfile *lf, vs_error *err)
{
  int r = 0;

  if (s->len > 0)
    r = vs_logfile_write (lf, s->name, s->buf, s->len, NULL, err);
  s->len = 0;
  return r;
}
