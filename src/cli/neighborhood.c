/*
 * cli/neighborhood: hearth neighborhood add|remove|list (core/neighborhood.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/neighborhood.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"

static int change(int argc, char **argv, int add)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "d", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return cli_usage_error("neighborhood %s needs a DOMAIN", add ? "add" : "remove");
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    const char *why = NULL, *d = o.positional[0];
    if (add) {
        int added = 0;
        rc = neighborhood_add(&in.core, 0, d, &added, &why);
        if (rc == 0)
            printf(added ? "%s is now in the neighborhood\n"
                         : "%s was already in the neighborhood\n",
                   d);
    } else {
        int64_t dropped = 0;
        rc = neighborhood_remove(&in.core, 0, d, &dropped, &why);
        if (rc == 0)
            printf("%s left the neighborhood; %lld of its neighborhood posts were dropped\n", d,
                   (long long)dropped);
    }
    if (rc)
        code = cli_fail("cannot %s %s: %s", add ? "add" : "remove", d, why ? why : err_str(rc));
out:
    cli_close(&in);
    return code;
}

static int list(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "dj", 0, &o);
    if (rc)
        return rc;
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    struct arena *a = arena_new();
    struct db_conn *c;
    struct neighbor *v = NULL;
    size_t n = 0;
    rc = db_acquire(in.core.db, DB_READ, &c);
    if (rc == 0) {
        rc = neighborhood_list(c, a, &v, &n);
        db_release(c);
    }
    if (rc) {
        code = cli_fail("cannot list the neighborhood: %s", err_str(rc));
    } else if (o.json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            char when[TIME_ISO_MAX];
            json_array_append_new(arr, json_pack("{s:s, s:s}", "domain", v[i].domain, "since",
                                                 time_iso8601(v[i].created_at, when)));
        }
        char *text = json_dumps(arr, JSON_INDENT(2));
        puts(text);
        free(text);
        json_decref(arr);
    } else {
        for (size_t i = 0; i < n; i++) {
            char when[TIME_ISO_MAX];
            printf("%-40s since %s\n", v[i].domain, time_iso8601(v[i].created_at, when));
        }
        if (n == 0)
            printf("The neighborhood is empty\n");
    }
    arena_free(a);
out:
    cli_close(&in);
    return code;
}

int cli_neighborhood(int argc, char **argv)
{
    if (argc < 1)
        return cli_usage_error("neighborhood needs a subcommand: add, remove or list");
    const char *sub = argv[0];
    if (!strcmp(sub, "add"))
        return change(argc - 1, argv + 1, 1);
    if (!strcmp(sub, "remove"))
        return change(argc - 1, argv + 1, 0);
    if (!strcmp(sub, "list"))
        return list(argc - 1, argv + 1);
    return cli_usage_error("unknown neighborhood subcommand '%s'", sub);
}
