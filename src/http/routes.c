/*
 * http/routes: Hearth's route table, assembled from every module's
 * handlers. The table is static and lives for the process.
 */
#include <jansson.h>

#include "core/core.h"
#include "db/db.h"
#include "http/server.h"
#include "util/err.h"
#define LOG_MODULE "http"
#include "util/log.h"

/* GET /health: 200 when the database answers, 503 otherwise (for load balancers). */
static int health(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct db_conn *c = NULL;
    struct db_stmt *s = NULL;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc == 0)
        rc = db_prepare(c, "SELECT 1", &s);
    if (rc == 0)
        rc = db_step(s) == DB_ROW ? 0 : E_DB;
    db_stmt_done(s);
    db_release(c);
    if (rc) {
        resp_json(req, resp, 503,
                  json_pack("{s:s, s:s}", "status", "unavailable", "database", err_str(rc)));
        return 0;
    }
    resp_json(req, resp, 200, json_pack("{s:s}", "status", "ok"));
    resp_header_add(req, resp, "Cache-Control", "no-store");
    return 0;
}

const struct route http_routes[] = {
    {"GET", "/health", health, ROUTE_AUTH_NONE, NULL},
};

const size_t http_routes_count = sizeof(http_routes) / sizeof(http_routes[0]);
