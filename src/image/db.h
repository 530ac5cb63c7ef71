/* db.h — the few SQLite helpers the image store and the engine share
 * (both keep their tables in <root>/vessel.db). */
#pragma once

#include <sqlite3.h>

#include "../basic/error.h"

static inline void
vs_stmt_finalizep (sqlite3_stmt **st)
{
  if (*st)
    sqlite3_finalize (*st);
}
#define _cleanup_stmt_ __attribute__ ((cleanup (vs_stmt_finalizep)))

/* Prepare sql on db and bind the text arguments that follow (NULL-terminated)
 * to ?1, ?2, ...  A failure names `what` (e.g. the database's path). */
int vs_db_prepare (sqlite3 *db, const char *what, sqlite3_stmt **st, vs_error *err, const char *sql, ...);

/* Bring db's schema to `version` (PRAGMA user_version) by running `schema`
 * (idempotent statements) when it is older: the common case, a database
 * already there, costs one pragma and no schema parsing.  The versions
 * are one sequence for all of vessel.db: 1 the image store's tables,
 * 2 the engine's. */
int vs_db_ensure_schema (sqlite3 *db, const char *what, int version, const char *schema, vs_error *err);
