/* format.h — docker's --format: a subset of Go templates over JSON values.
 *
 *   {{.Field}} {{.A.B}}   a field (strings raw, numbers, bools; arrays as
 *                         "[a b]", objects as "map[k:v]" like Go)
 *   {{json .Field}} {{json .}}   the value as compact JSON
 *   {{upper .F}} {{lower .F}} {{join .List ","}}
 *   "table ..."          print a header row from the field names first
 *   "json"               each value as one JSON line
 * Escapes \t and \n in the template are turned into tabs and newlines. */
#pragma once

#include <jansson.h>
#include <stdio.h>

#include "../../basic/error.h"

typedef struct vs_format vs_format;

/* Compile; errors name the template and the bad action. */
int vs_format_new (const char *tmpl, vs_format **ret, vs_error *err);
void vs_format_free (vs_format *f);
static inline void
vs_format_freep (vs_format **f)
{
  vs_format_free (*f);
}
#define _cleanup_format_ __attribute__ ((cleanup (vs_format_freep)))
/* True for "table ..." templates. */
int vs_format_is_table (const vs_format *f);
/* Header row for a table template ("REPOSITORY\tTAG"): field names are
 * mapped through headers (pairs "Field", "HEADER", NULL-terminated), else
 * upper-cased. */
void vs_format_header (const vs_format *f, const char *const *headers, FILE *out);
/* Render one value and a newline. */
int vs_format_render (const vs_format *f, json_t *v, FILE *out, vs_error *err);

/* Print rows of cells in columns separated by 3 spaces, as docker's tabwriter:
 * cells separated by '\t' in each line of text. */
void vs_print_columns (const char *text, FILE *out);
