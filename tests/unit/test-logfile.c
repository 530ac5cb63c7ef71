/* test-logfile.c — the monitor's json-file log: escaping, time format,
 * entries, line splitting (partial and long lines) and size rotation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdlib.h>

#include "../../src/monitor/logfile.h"
#include "unit-util.h"

static char dir[PATH_MAX];
static char log_path[PATH_MAX];

static int
setup (void **state)
{
  (void) state;
  snprintf (dir, sizeof dir, "/tmp/vessel-logfile-test.XXXXXX");
  if (mkdtemp (dir) == NULL)
    return -1;
  snprintf (log_path, sizeof log_path, "%s/ctr.log", dir);
  return 0;
}

static int
teardown (void **state)
{
  (void) state;
  rm_tree (dir);
  return 0;
}

/* The whole file (static buffer, large enough for these tests). */
static char *
slurp (const char *path)
{
  static char buf[256 * 1024];
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n, len = 0;

  if (fd < 0)
    return NULL;
  while ((n = read (fd, buf + len, sizeof buf - 1 - (size_t) len)) > 0)
    len += n;
  close (fd);
  buf[len] = '\0';
  return buf;
}

static size_t
count_lines (const char *s)
{
  size_t n = 0;
  for (; s && *s; s++)
    n += *s == '\n';
  return n;
}

static off_t
file_size (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 ? st.st_size : -1;
}

static const char *
esc (const char *in, size_t len)
{
  static char out[4096];
  size_t n = vs_json_escape (out, sizeof out, in, len);
  assert_int_equal (n, strlen (out));
  return out;
}
#define ESC(lit) esc ((lit), sizeof (lit) - 1)

/* ------------------------------------------------------------------------ */

static void
test_escape_specials (void **state)
{
  (void) state;
  assert_string_equal (ESC ("plain text"), "plain text");
  assert_string_equal (ESC ("say \"hi\" \\o/"), "say \\\"hi\\\" \\\\o/");
  assert_string_equal (ESC ("a\nb\tc\rd\be\ff"), "a\\nb\\tc\\rd\\be\\ff");
  assert_string_equal (ESC ("\x01\x1f\x1b[0m"), "\\u0001\\u001f\\u001b[0m");
  /* NUL is data, not the end */
  assert_string_equal (ESC ("a\0b"), "a\\u0000b");
  /* DEL and '/' need no escape in JSON */
  assert_string_equal (ESC ("\x7f/"), "\x7f/");
}

static void
test_escape_utf8 (void **state)
{
  (void) state;
  /* valid: 2, 3 and 4 byte sequences pass through */
  assert_string_equal (ESC ("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  assert_string_equal (ESC ("\xef\xbf\xbd\xf4\x8f\xbf\xbf"), "\xef\xbf\xbd\xf4\x8f\xbf\xbf");
  /* a lone continuation byte, 0xff, 0xfe */
  assert_string_equal (ESC ("a\x80z"), "a\\ufffdz");
  assert_string_equal (ESC ("\xff\xfe"), "\\ufffd\\ufffd");
  /* overlong '/' and overlong NUL */
  assert_string_equal (ESC ("\xc0\xaf"), "\\ufffd\\ufffd");
  assert_string_equal (ESC ("\xe0\x80\x80"), "\\ufffd\\ufffd\\ufffd");
  /* a UTF-16 surrogate (U+D800) and a code point above U+10FFFF */
  assert_string_equal (ESC ("\xed\xa0\x80"), "\\ufffd\\ufffd\\ufffd");
  assert_string_equal (ESC ("\xf4\x90\x80\x80"), "\\ufffd\\ufffd\\ufffd\\ufffd");
  /* cut short by the end of the data, and by an ASCII byte */
  assert_string_equal (ESC ("x\xe2\x82"), "x\\ufffd\\ufffd");
  assert_string_equal (ESC ("\xe2\x82!"), "\\ufffd\\ufffd!");
}

static void
test_escape_bounds (void **state)
{
  char small[8];
  (void) state;

  /* measuring only */
  assert_int_equal (vs_json_escape (NULL, 0, "a\"b", 3), 4);
  assert_int_equal (vs_json_escape (NULL, 0, "\x01", 1), 6);
  /* the full length comes back; what fits is written, never half an escape */
  memset (small, 'Z', sizeof small);
  assert_int_equal (vs_json_escape (small, sizeof small, "abcde\x01", 6), 11);
  assert_string_equal (small, "abcde");
  assert_int_equal (vs_json_escape (small, sizeof small, "ab\"cdefgh", 9), 10);
  assert_string_equal (small, "ab\\\"cde");
  assert_int_equal (vs_json_escape (small, 1, "abc", 3), 3);
  assert_string_equal (small, "");
}

static void
test_time_format (void **state)
{
  char buf[VS_LOG_TIME_LEN];
  struct timespec ts = { .tv_sec = 1795622400, .tv_nsec = 123456789 };
  (void) state;

  vs_log_format_time (buf, &ts);
  assert_string_equal (buf, "2026-11-25T16:00:00.123456789Z");
  ts = (struct timespec) { .tv_sec = 0, .tv_nsec = 5 };
  vs_log_format_time (buf, &ts);
  assert_string_equal (buf, "1970-01-01T00:00:00.000000005Z");
  ts = (struct timespec) { .tv_sec = 951782399, .tv_nsec = 999999999 };
  vs_log_format_time (buf, &ts);
  assert_string_equal (buf, "2000-02-28T23:59:59.999999999Z");

  /* now: the shape, and a year that makes sense */
  vs_log_format_time (buf, NULL);
  assert_int_equal (strlen (buf), VS_LOG_TIME_LEN - 1);
  assert_true (buf[4] == '-' && buf[7] == '-' && buf[10] == 'T' && buf[13] == ':' && buf[16] == ':'
               && buf[19] == '.' && buf[29] == 'Z');
  assert_true (strncmp (buf, "2020", 4) > 0);
}

static void
test_entry_format (void **state)
{
  vs_logfile lf;
  vs_error err = { 0 };
  struct timespec ts = { .tv_sec = 1795622400, .tv_nsec = 123456789 };
  (void) state;

  assert_int_equal (vs_logfile_open (&lf, log_path, 0, 1, &err), 0);
  assert_int_equal (vs_logfile_write (&lf, "stdout", "hello \"world\"\n", 14, &ts, &err), 0);
  assert_int_equal (vs_logfile_write (&lf, "stderr", "tab\there\x80", 9, &ts, &err), 0);
  assert_string_equal (slurp (log_path),
                       "{\"log\":\"hello \\\"world\\\"\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-25T16:00:00.123456789Z\"}\n"
                       "{\"log\":\"tab\\there\\ufffd\",\"stream\":\"stderr\",\"time\":\"2026-11-25T16:00:00.123456789Z\"}\n");
  assert_int_equal (lf.size, (uint64_t) file_size (log_path));
  vs_logfile_close (&lf);

  /* reopening appends and knows the size */
  assert_int_equal (vs_logfile_open (&lf, log_path, 0, 1, &err), 0);
  assert_int_equal (lf.size, (uint64_t) file_size (log_path));
  assert_int_equal (vs_logfile_write (&lf, "stdout", "", 0, &ts, &err), 0);
  assert_int_equal (count_lines (slurp (log_path)), 3);
  vs_logfile_close (&lf);

  /* a log in a missing directory: one-line error naming the file */
  char bad[PATH_MAX];
  snprintf (bad, sizeof bad, "%s/missing/ctr.log", dir);
  assert_true (vs_logfile_open (&lf, bad, 0, 1, &err) < 0);
  assert_msg_contains (err, bad);
  assert_one_line (err);
}

static void
test_entry_with_many_escapes (void **state)
{
  static char data[VS_LOG_LINE_MAX];
  vs_logfile lf;
  vs_error err = { 0 };
  char *text, *p;
  (void) state;

  /* a full line of control characters escapes to 6x its size: the entry
   * is still whole and well formed */
  memset (data, '\x01', sizeof data);
  assert_int_equal (vs_logfile_open (&lf, log_path, 0, 1, &err), 0);
  assert_int_equal (vs_logfile_write (&lf, "stdout", data, sizeof data, NULL, &err), 0);
  vs_logfile_close (&lf);
  text = slurp (log_path);
  assert_int_equal (count_lines (text), 1);
  assert_int_equal (strncmp (text, "{\"log\":\"\\u0001", 14), 0);
  p = strstr (text, "\",\"stream\":\"stdout\"");
  assert_non_null (p);
  assert_int_equal (p - text, 8 + 6 * VS_LOG_LINE_MAX);
  assert_int_equal (lf.size, (uint64_t) file_size (log_path));
}

/* The "log" values of the file's entries, one per line, in out. */
static size_t
entries (const char *path, char out[][64], size_t max)
{
  char *text = slurp (path);
  size_t n = 0;

  while (text && *text && n < max)
    {
      char *start = strstr (text, "{\"log\":\"");
      char *end = strstr (text, "\",\"stream\"");
      assert_non_null (start);
      assert_non_null (end);
      start += 8;
      snprintf (out[n], 64, "%.*s", (int) (end - start), start);
      n++;
      text = strchr (text, '\n');
      assert_non_null (text);
      text++;
    }
  return n;
}

static void
test_stream_lines_and_partials (void **state)
{
  static vs_logstream s = { .name = "stdout" };
  vs_logfile lf;
  vs_error err = { 0 };
  char got[8][64];
  (void) state;

  s.len = 0;
  assert_int_equal (vs_logfile_open (&lf, log_path, 0, 1, &err), 0);
  assert_int_equal (vs_logstream_feed (&s, &lf, "one\ntw", 6, &err), 0);
  assert_int_equal (entries (log_path, got, 8), 1);
  assert_string_equal (got[0], "one\\n");
  assert_int_equal (vs_logstream_feed (&s, &lf, "o\nthree\n\nfou", 12, &err), 0);
  assert_int_equal (entries (log_path, got, 8), 4);
  assert_string_equal (got[1], "two\\n");
  assert_string_equal (got[2], "three\\n");
  assert_string_equal (got[3], "\\n");
  /* end of stream: the partial line is an entry without a newline */
  assert_int_equal (vs_logstream_flush (&s, &lf, &err), 0);
  assert_int_equal (vs_logstream_flush (&s, &lf, &err), 0);
  assert_int_equal (entries (log_path, got, 8), 5);
  assert_string_equal (got[4], "fou");
  assert_true (strstr (slurp (log_path), "\"stream\":\"stdout\"") != NULL);
  vs_logfile_close (&lf);
}

static void
test_stream_long_line (void **state)
{
  static vs_logstream s = { .name = "stderr" };
  static char data[VS_LOG_LINE_MAX + 10];
  vs_logfile lf;
  vs_error err = { 0 };
  char *text, *second;
  (void) state;

  s.len = 0;
  memset (data, 'x', sizeof data);
  assert_int_equal (vs_logfile_open (&lf, log_path, 0, 1, &err), 0);
  /* 16 KiB without a newline: written as its own entry, the rest waits */
  assert_int_equal (vs_logstream_feed (&s, &lf, data, sizeof data, &err), 0);
  assert_int_equal (count_lines (slurp (log_path)), 1);
  assert_int_equal (s.len, 10);
  assert_int_equal (vs_logstream_feed (&s, &lf, "\n", 1, &err), 0);
  text = slurp (log_path);
  assert_int_equal (count_lines (text), 2);
  /* the first is exactly 16 KiB of x with no newline */
  assert_int_equal (strncmp (text + 8 + VS_LOG_LINE_MAX, "\",\"stream\":\"stderr\"", 19), 0);
  assert_int_equal (text[8 + VS_LOG_LINE_MAX - 1], 'x');
  second = strchr (text, '\n') + 1;
  assert_int_equal (strncmp (second, "{\"log\":\"xxxxxxxxxx\\n\",\"stream\":\"stderr\"", 39), 0);
  vs_logfile_close (&lf);
}

static void
test_stream_long_line_utf8_boundary (void **state)
{
  static vs_logstream s = { .name = "stdout" };
  static char data[VS_LOG_LINE_MAX + 1];
  vs_logfile lf;
  vs_error err = { 0 };
  char *text, *second;
  (void) state;

  /* 16383 x then "é": the cut goes before the é, not through it */
  s.len = 0;
  memset (data, 'x', VS_LOG_LINE_MAX - 1);
  memcpy (data + VS_LOG_LINE_MAX - 1, "\xc3\xa9", 2);
  assert_int_equal (vs_logfile_open (&lf, log_path, 0, 1, &err), 0);
  assert_int_equal (vs_logstream_feed (&s, &lf, data, sizeof data, &err), 0);
  assert_int_equal (vs_logstream_feed (&s, &lf, "\n", 1, &err), 0);
  text = slurp (log_path);
  assert_int_equal (count_lines (text), 2);
  assert_null (strstr (text, "ufffd"));
  second = strchr (text, '\n') + 1;
  assert_int_equal (strncmp (second, "{\"log\":\"\xc3\xa9\\n\"", 13), 0);
  vs_logfile_close (&lf);
}

/* n entries "line NN\n" (each 78 bytes long in the file) */
static void
write_lines (vs_logfile *lf, int from, int n)
{
  struct timespec ts = { .tv_sec = 1795622400, .tv_nsec = 1 };
  vs_error err = { 0 };
  char line[16];

  for (int i = from; i < from + n; i++)
    {
      int len = snprintf (line, sizeof line, "line %02d\n", i);
      assert_int_equal (vs_logfile_write (lf, "stdout", line, (size_t) len, &ts, &err), 0);
    }
}

static void
test_rotation_keeps_max_files (void **state)
{
  vs_logfile lf;
  vs_error err = { 0 };
  char got[8][64];
  (void) state;

  /* 78-byte entries, 200-byte files: two entries per file, three files */
  assert_int_equal (vs_logfile_open (&lf, log_path, 200, 3, &err), 0);
  write_lines (&lf, 1, 2);
  assert_int_equal (file_size (log_path), 156);
  assert_false (exists (pathf ("%s.1", log_path)));
  write_lines (&lf, 3, 7); /* lines 1..9 in all */
  vs_logfile_close (&lf);

  assert_true (exists (log_path));
  assert_true (exists (pathf ("%s.1", log_path)));
  assert_true (exists (pathf ("%s.2", log_path)));
  assert_false (exists (pathf ("%s.3", log_path)));
  assert_false (exists (pathf ("%s.rotating", log_path)));
  assert_true (file_size (log_path) <= 200);
  assert_true (file_size (pathf ("%s.1", log_path)) <= 200);
  /* newest in FILE, older in FILE.1, oldest kept in FILE.2 */
  assert_int_equal (entries (log_path, got, 8), 1);
  assert_string_equal (got[0], "line 09\\n");
  assert_int_equal (entries (pathf ("%s.1", log_path), got, 8), 2);
  assert_string_equal (got[0], "line 07\\n");
  assert_string_equal (got[1], "line 08\\n");
  assert_int_equal (entries (pathf ("%s.2", log_path), got, 8), 2);
  assert_string_equal (got[0], "line 05\\n");
  assert_string_equal (got[1], "line 06\\n");
}

static void
test_rotation_single_file_replaces (void **state)
{
  vs_logfile lf;
  vs_error err = { 0 };
  char got[8][64];
  struct stat before, after;
  (void) state;

  assert_int_equal (vs_logfile_open (&lf, log_path, 200, 1, &err), 0);
  write_lines (&lf, 1, 2);
  assert_int_equal (stat (log_path, &before), 0);
  write_lines (&lf, 3, 1);
  assert_int_equal (stat (log_path, &after), 0);
  /* a new file (followers see it replaced), and nothing else around */
  assert_true (before.st_ino != after.st_ino);
  write_lines (&lf, 4, 2);
  vs_logfile_close (&lf);
  assert_false (exists (pathf ("%s.1", log_path)));
  assert_false (exists (pathf ("%s.rotating", log_path)));
  assert_int_equal (entries (log_path, got, 8), 1);
  assert_string_equal (got[0], "line 05\\n");
}

static void
test_rotation_big_entry_and_reopen (void **state)
{
  static char big[500];
  vs_logfile lf;
  vs_error err = { 0 };
  char got[8][64];
  (void) state;

  /* an entry larger than max-size still goes whole, into a file of its own */
  memset (big, 'b', sizeof big);
  assert_int_equal (vs_logfile_open (&lf, log_path, 200, 2, &err), 0);
  write_lines (&lf, 1, 1);
  assert_int_equal (vs_logfile_write (&lf, "stdout", big, sizeof big, NULL, &err), 0);
  assert_true (file_size (log_path) > 500);
  assert_int_equal (count_lines (slurp (log_path)), 1);
  assert_int_equal (entries (pathf ("%s.1", log_path), got, 8), 1);
  assert_string_equal (got[0], "line 01\\n");
  vs_logfile_close (&lf);

  /* a reopened file counts what it holds: the next entry rotates */
  assert_int_equal (vs_logfile_open (&lf, log_path, 200, 2, &err), 0);
  write_lines (&lf, 2, 1);
  vs_logfile_close (&lf);
  assert_int_equal (entries (log_path, got, 8), 1);
  assert_string_equal (got[0], "line 02\\n");
  assert_true (file_size (pathf ("%s.1", log_path)) > 500);
  assert_false (exists (pathf ("%s.2", log_path)));
}

static void
test_no_limit_never_rotates (void **state)
{
  vs_logfile lf;
  vs_error err = { 0 };
  (void) state;

  assert_int_equal (vs_logfile_open (&lf, log_path, 0, 5, &err), 0);
  write_lines (&lf, 1, 50);
  vs_logfile_close (&lf);
  assert_int_equal (count_lines (slurp (log_path)), 50);
  assert_false (exists (pathf ("%s.1", log_path)));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_escape_specials),
    cmocka_unit_test (test_escape_utf8),
    cmocka_unit_test (test_escape_bounds),
    cmocka_unit_test (test_time_format),
    cmocka_unit_test_setup_teardown (test_entry_format, setup, teardown),
    cmocka_unit_test_setup_teardown (test_entry_with_many_escapes, setup, teardown),
    cmocka_unit_test_setup_teardown (test_stream_lines_and_partials, setup, teardown),
    cmocka_unit_test_setup_teardown (test_stream_long_line, setup, teardown),
    cmocka_unit_test_setup_teardown (test_stream_long_line_utf8_boundary, setup, teardown),
    cmocka_unit_test_setup_teardown (test_rotation_keeps_max_files, setup, teardown),
    cmocka_unit_test_setup_teardown (test_rotation_single_file_replaces, setup, teardown),
    cmocka_unit_test_setup_teardown (test_rotation_big_entry_and_reopen, setup, teardown),
    cmocka_unit_test_setup_teardown (test_no_limit_never_rotates, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
