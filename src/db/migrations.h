/*
 * migrations: the schema migrations compiled into the binary, in version
 * order. The table is generated at build time by tools/embed-migrations.sh
 * from src/db/migrations/NNNN_name.sql; only src/db/ reads it.
 */
#ifndef HEARTH_DB_MIGRATIONS_H
#define HEARTH_DB_MIGRATIONS_H

struct db_migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct db_migration db_migrations[];
extern const int db_migrations_count;

#endif
