/* db.c — SQLite helpers shared by the image store and the engine. */
#include "db.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

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

int
vs_db_ensure_schema (sqlite3 *db, const char *what, int version, const char *schema, vs_error *err)
{
  _cleanup_stmt_ sqlite3_stmt *st = NULL;
  char *msg = NULL, sql[64];
  int have = 0;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step (st) == SQLITE_ROW)
    have = sqlite3_column_int (st, 0);
  /* done with it before writing: a stepped statement holds a read snapshot */
  sqlite3_finalize (st);
  st = NULL;
  if (have >= version)
    return 0;
  snprintf (sql, sizeof sql, "PRAGMA user_version=%d;", version);
  if (sqlite3_exec (db, schema, NULL, NULL, &msg) != SQLITE_OK
      || sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      vs_fail (err, 0, "%s: create the tables: %s", what, msg ? msg : sqlite3_errmsg (db));
      sqlite3_free (msg);
      return -EIO;
    }
  return 0;
}
