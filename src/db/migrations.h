/*
 * migrations: the schema migrations compiled into the binary, in version
 * order. The table is generated at build time by tools/embed-migrations.sh
 * from src/db/migrations/; only src/db/ reads it.
 *
 * NNNN_name.sql is portable and runs on every backend. A migration that
 * needs what only one backend has (SQLite's FTS5, PostgreSQL's tsvector)
 * comes instead as a pair of variants, NNNN_name.sqlite.sql and
 * NNNN_name.pg.sql: one version, one name, one row in schema_migrations,
 * and each backend runs only its own variant. The variants of a pair leave
 * the same portable tables behind; only backend-specific objects differ.
 */
#ifndef HEARTH_DB_MIGRATIONS_H
#define HEARTH_DB_MIGRATIONS_H

struct db_migration {
    int version;
    const char *name;
    const char *sql;
    const char *backend; /* NULL: every backend; else the db_backend_name() it is for */
};

extern const struct db_migration db_migrations[];
extern const int db_migrations_count;

#endif
