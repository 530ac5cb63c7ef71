/* format.c — docker's --format templates (a Go-template subset) and column output. */
#include "format.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../basic/cleanup.h"

enum part_kind { P_TEXT, P_FIELD };
enum func { F_NONE, F_JSON, F_UPPER, F_LOWER, F_JOIN };

typedef struct part
{
  enum part_kind kind;
  enum func fn;
  char *text;     /* P_TEXT: literal; P_FIELD: path without the leading '.' ("" for '.') */
  char *arg;      /* join separator */
} part;

struct vs_format
{
  part *parts;
  size_t n;
  int table;
  int json_lines;
};

void
vs_format_free (vs_format *f)
{
  if (f == NULL)
    return;
  for (size_t i = 0; i < f->n; i++)
    {
      free (f->parts[i].text);
      free (f->parts[i].arg);
    }
  free (f->parts);
  free (f);
}

static int
add_part (vs_format *f, enum part_kind kind, enum func fn, const char *s, size_t len, const char *arg)
{
  part *np = realloc (f->parts, (f->n + 1) * sizeof *np);
  if (np == NULL)
    return -ENOMEM;
  f->parts = np;
  np[f->n] = (part) { .kind = kind, .fn = fn, .text = strndup (s, len), .arg = arg ? strdup (arg) : NULL };
  if (np[f->n].text == NULL)
    return -ENOMEM;
  f->n++;
  return 0;
}

/* Literal text with \t and \n turned into real characters. */
static int
add_text (vs_format *f, const char *s, size_t len)
{
  _cleanup_free_ char *buf = malloc (len + 1);
  size_t o = 0;
  if (buf == NULL)
    return -ENOMEM;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] == '\\' && i + 1 < len && (s[i + 1] == 't' || s[i + 1] == 'n'))
        {
          buf[o++] = s[i + 1] == 't' ? '\t' : '\n';
          i++;
        }
      else
        buf[o++] = s[i];
    }
  return o ? add_part (f, P_TEXT, F_NONE, buf, o, NULL) : 0;
}

static int
parse_action (vs_format *f, const char *tmpl, char *a, vs_error *err)
{
  char *words[4];
  size_t n = 0;
  enum func fn = F_NONE;
  char *save = NULL, *w;

  (void) save;
  /* words split on blanks; a "quoted string" is one word, quotes kept */
  for (char *p = a; *p && n < ARRAY_SIZE (words);)
    {
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        break;
      words[n++] = p;
      if (*p == '"')
        {
          char *q = strchr (p + 1, '"');
          if (q == NULL)
            return vs_fail (err, 0, "--format `%s`: unterminated string", tmpl);
          p = q + 1;
        }
      else
        p += strcspn (p, " \t");
      if (*p)
        *p++ = '\0';
    }
  if (n == 0)
    return vs_fail (err, 0, "--format `%s`: empty action {{}}", tmpl);
  if (n >= 2)
    {
      if (strcmp (words[0], "json") == 0 && n == 2)
        fn = F_JSON;
      else if (strcmp (words[0], "upper") == 0 && n == 2)
        fn = F_UPPER;
      else if (strcmp (words[0], "lower") == 0 && n == 2)
        fn = F_LOWER;
      else if (strcmp (words[0], "join") == 0 && n == 3)
        fn = F_JOIN;
      else
        return vs_fail (err, 0, "--format `%s`: unsupported action `%s`", tmpl, words[0]);
    }
  w = words[fn == F_NONE ? 0 : 1];
  if (w[0] != '.')
    return vs_fail (err, 0, "--format `%s`: `%s` is not a field (fields start with '.')", tmpl, w);
  for (const char *p = w + 1; *p; p++)
    if (!isalnum ((unsigned char) *p) && *p != '.' && *p != '_')
      return vs_fail (err, 0, "--format `%s`: bad field `%s`", tmpl, w);
  char *sep = NULL;
  if (fn == F_JOIN)
    {
      size_t l = strlen (words[2]);
      if (l < 2 || words[2][0] != '"' || words[2][l - 1] != '"')
        return vs_fail (err, 0, "--format `%s`: join takes a quoted separator", tmpl);
      words[2][l - 1] = '\0';
      sep = words[2] + 1;
    }
  if (add_part (f, P_FIELD, fn, w + 1, strlen (w + 1), sep) < 0)
    return vs_fail (err, ENOMEM, "--format");
  return 0;
}

int
vs_format_new (const char *tmpl, vs_format **ret, vs_error *err)
{
  vs_format *f = calloc (1, sizeof *f);
  const char *p = tmpl;
  int r = 0;

  if (f == NULL)
    return vs_fail (err, ENOMEM, "--format");
  if (strcmp (tmpl, "json") == 0)
    {
      f->json_lines = 1;
      *ret = f;
      return 0;
    }
  if (strncmp (p, "table", 5) == 0 && (p[5] == '\0' || isspace ((unsigned char) p[5])))
    {
      f->table = 1;
      p += 5;
      while (*p == ' ')
        p++;
    }
  while (*p && r == 0)
    {
      const char *open = strstr (p, "{{");
      if (open == NULL)
        {
          r = add_text (f, p, strlen (p)) < 0 ? vs_fail (err, ENOMEM, "--format") : 0;
          break;
        }
      if (open > p && add_text (f, p, (size_t) (open - p)) < 0)
        r = vs_fail (err, ENOMEM, "--format");
      const char *close = strstr (open + 2, "}}");
      if (r == 0 && close == NULL)
        r = vs_fail (err, 0, "--format `%s`: unclosed {{", tmpl);
      if (r == 0)
        {
          char *a = strndup (open + 2, (size_t) (close - open - 2));
          if (a == NULL)
            r = vs_fail (err, ENOMEM, "--format");
          else
            r = parse_action (f, tmpl, a, err);
          free (a);
          p = close + 2;
        }
    }
  if (r < 0)
    {
      vs_format_free (f);
      return r;
    }
  *ret = f;
  return 0;
}

int
vs_format_is_table (const vs_format *f)
{
  return f->table;
}

void
vs_format_header (const vs_format *f, const char *const *headers, FILE *out)
{
  for (size_t i = 0; i < f->n; i++)
    {
      const part *pt = &f->parts[i];
      const char *h = NULL;
      if (pt->kind == P_TEXT)
        {
          fputs (pt->text, out);
          continue;
        }
      for (const char *const *hp = headers; hp && hp[0]; hp += 2)
        if (strcmp (hp[0], pt->text) == 0)
          h = hp[1];
      if (h)
        fputs (h, out);
      else
        for (const char *c = pt->text; *c; c++)
          fputc (*c == '.' ? ' ' : toupper ((unsigned char) *c), out);
    }
  fputc ('\n', out);
}

static json_t *
lookup (json_t *v, const char *path)
{
  _cleanup_free_ char *copy = strdup (path);
  char *save = NULL;
  if (copy == NULL)
    return NULL;
  for (char *k = strtok_r (copy, ".", &save); k && v; k = strtok_r (NULL, ".", &save))
    v = json_is_object (v) ? json_object_get (v, k) : NULL;
  return v;
}

/* Go's fmt of a value: strings raw, arrays [a b], objects map[k:v], null <no value>. */
static void
print_go (json_t *v, FILE *out)
{
  size_t i;
  const char *k;
  json_t *e;

  switch (json_typeof (v))
    {
    case JSON_STRING:
      fputs (json_string_value (v), out);
      break;
    case JSON_INTEGER:
      fprintf (out, "%" JSON_INTEGER_FORMAT, json_integer_value (v));
      break;
    case JSON_REAL:
      fprintf (out, "%g", json_real_value (v));
      break;
    case JSON_TRUE:
      fputs ("true", out);
      break;
    case JSON_FALSE:
      fputs ("false", out);
      break;
    case JSON_NULL:
      fputs ("<no value>", out);
      break;
    case JSON_ARRAY:
      fputc ('[', out);
      json_array_foreach (v, i, e)
        {
          if (i)
            fputc (' ', out);
          print_go (e, out);
        }
      fputc (']', out);
      break;
    case JSON_OBJECT:
      fputs ("map[", out);
      i = 0;
      json_object_foreach (v, k, e)
        {
          if (i++)
            fputc (' ', out);
          fprintf (out, "%s:", k);
          print_go (e, out);
        }
      fputc (']', out);
      break;
    }
}

int
vs_format_render (const vs_format *f, json_t *v, FILE *out, vs_error *err)
{
  if (f->json_lines)
    {
      char *s = json_dumps (v, JSON_COMPACT | JSON_PRESERVE_ORDER);
      if (s == NULL)
        return vs_fail (err, ENOMEM, "--format json");
      fprintf (out, "%s\n", s);
      free (s);
      return 0;
    }
  for (size_t i = 0; i < f->n; i++)
    {
      const part *pt = &f->parts[i];
      json_t *x;
      if (pt->kind == P_TEXT)
        {
          fputs (pt->text, out);
          continue;
        }
      x = pt->text[0] ? lookup (v, pt->text) : v;
      if (x == NULL)
        return vs_fail (err, 0, "--format: no field `.%s`", pt->text);
      if (pt->fn == F_JSON)
        {
          char *s = json_dumps (x, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
          if (s)
            fputs (s, out);
          free (s);
        }
      else if (pt->fn == F_JOIN)
        {
          size_t k;
          json_t *e;
          if (!json_is_array (x))
            return vs_fail (err, 0, "--format: join: `.%s` is not a list", pt->text);
          json_array_foreach (x, k, e)
            {
              if (k)
                fputs (pt->arg, out);
              print_go (e, out);
            }
        }
      else if ((pt->fn == F_UPPER || pt->fn == F_LOWER) && json_is_string (x))
        for (const char *c = json_string_value (x); *c; c++)
          fputc (pt->fn == F_UPPER ? toupper ((unsigned char) *c) : tolower ((unsigned char) *c), out);
      else
        print_go (x, out);
    }
  fputc ('\n', out);
  return 0;
}

void
vs_print_columns (const char *text, FILE *out)
{
  size_t widths[32] = { 0 };
  const char *line = text;

  /* pass 1: column widths */
  while (*line)
    {
      const char *end = strchrnul (line, '\n');
      size_t col = 0, w = 0;
      for (const char *c = line; c < end; c++)
        {
          if (*c == '\t')
            {
              if (col < ARRAY_SIZE (widths) && w > widths[col])
                widths[col] = w;
              col++;
              w = 0;
            }
          else if (((unsigned char) *c & 0xc0) != 0x80)
            w++;
        }
      line = *end ? end + 1 : end;
    }
  /* pass 2: print, padding every cell but the last */
  line = text;
  while (*line)
    {
      const char *end = strchrnul (line, '\n');
      size_t col = 0, w = 0;
      for (const char *c = line; c < end; c++)
        {
          if (*c == '\t')
            {
              size_t pad = (col < ARRAY_SIZE (widths) ? widths[col] : w) - w + 3;
              while (pad--)
                fputc (' ', out);
              col++;
              w = 0;
            }
          else
            {
              fputc (*c, out);
              if (((unsigned char) *c & 0xc0) != 0x80)
                w++;
            }
        }
      fputc ('\n', out);
      line = *end ? end + 1 : end;
    }
}
