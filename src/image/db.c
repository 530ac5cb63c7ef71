/* db.c — SQLite helpers shared by the image store and the engine. */
#include "db.h"

#include <stdarg.h>

int
vs_db_prepare (sqlite3 *db, const char *what, sqlite3_stmt **st, vs_error *err, const char *sql, ...)
{
  va_list ap;
  const char *arg;
  int i = 1;

  if (sqlite3_prepare_v2 (db, sql, -1, st, NULL) != SQLITE_OK)
    return vs_fail (err, 0, "%s: prepare: %s", what, sqlite3_errmsg (db));
  va_start (ap, sql);
  while ((arg = va_arg (ap, const char *)) != NULL)
    sqlite3_bind_text (*st, i++, arg, -1, SQLITE_TRANSIENT);
  va_end (ap);
  return 0;
}
