/*
 * http/routes: Hearth's route table, assembled from every module's
 * handlers. The table is static and lives for the process.
 */
#include <pthread.h>

#include <jansson.h>

#include "ap/ap.h"
#include "api/api.h"
#include "web/web.h"

#include "core/core.h"
#include "db/db.h"
#include "http/server.h"
#include "util/err.h"
#include "util/mem.h"
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

static const struct route http_own_routes[] = {
    {"GET", "/health", health, ROUTE_AUTH_NONE, NULL},
};

/* Every module's table, in matching order (the first match wins). */
static const struct {
    const struct route *routes;
    const size_t *n;
} tables[] = {
    {ap_webfinger_routes, &ap_webfinger_routes_count},
    {ap_actor_routes, &ap_actor_routes_count},
    {ap_inbox_routes, &ap_inbox_routes_count},
    {api_oauth_routes, &api_oauth_routes_count},
    {api_instance_routes, &api_instance_routes_count},
    {api_search_routes, &api_search_routes_count}, /* before /api/v1/accounts/:id */
    {api_account_routes, &api_account_routes_count},
    {api_me_routes, &api_me_routes_count},
    {api_list_routes, &api_list_routes_count},
    {api_conversation_routes, &api_conversation_routes_count},
    {api_register_routes, &api_register_routes_count},
    {api_domain_block_routes, &api_domain_block_routes_count},
    {api_admin_domain_routes, &api_admin_domain_routes_count},
    {api_report_routes, &api_report_routes_count},
    {api_admin_account_routes, &api_admin_account_routes_count},
    {api_admin_report_routes, &api_admin_report_routes_count},
    {api_admin_dashboard_routes, &api_admin_dashboard_routes_count},
    {api_admin_join_routes, &api_admin_join_routes_count},
    {api_directory_routes, &api_directory_routes_count},
    {api_filter_routes, &api_filter_routes_count},
    {api_pin_routes, &api_pin_routes_count},
    {api_people_routes, &api_people_routes_count},
    {api_poll_routes, &api_poll_routes_count},
    {api_event_routes, &api_event_routes_count},
    {api_scheduled_routes, &api_scheduled_routes_count},
    {api_streaming_routes, &api_streaming_routes_count},
    {api_status_routes, &api_status_routes_count},
    {api_media_routes, &api_media_routes_count},
    {web_feed_routes, &web_feed_routes_count}, /* before the pages' /@:acct and /tags/:tag */
    {web_session_routes, &web_session_routes_count},
    {web_admin_domain_routes, &web_admin_domain_routes_count},
    {web_timeline_routes, &web_timeline_routes_count},
    {web_notification_routes, &web_notification_routes_count},
    {web_compose_routes, &web_compose_routes_count},
    {web_settings_routes, &web_settings_routes_count},
    {web_admin_neighborhood_routes, &web_admin_neighborhood_routes_count},
    {web_action_routes, &web_action_routes_count}, /* /@NAME/follow... before /@NAME/ID */
    {web_search_routes, &web_search_routes_count},
    {web_saved_routes, &web_saved_routes_count},
    {web_calendar_routes, &web_calendar_routes_count}, /* before the pages' /@:acct/:id */
    {web_list_routes, &web_list_routes_count},
    {web_admin_routes, &web_admin_routes_count},
    {web_admin_report_routes, &web_admin_report_routes_count},
    {web_admin_account_routes, &web_admin_account_routes_count},
    {web_join_routes, &web_join_routes_count},
    {web_admin_join_routes, &web_admin_join_routes_count},
    {web_public_routes, &web_public_routes_count}, /* /@NAME patterns last */
};

static struct route *all;
static size_t all_n;
static pthread_once_t all_once = PTHREAD_ONCE_INIT;

static void build(void)
{
    size_t n = sizeof(http_own_routes) / sizeof(http_own_routes[0]);
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
        n += *tables[i].n;
    all = xcalloc(n, sizeof(*all));
    size_t k = 0;
    for (size_t i = 0; i < sizeof(http_own_routes) / sizeof(http_own_routes[0]); i++)
        all[k++] = http_own_routes[i];
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
        for (size_t j = 0; j < *tables[i].n; j++)
            all[k++] = tables[i].routes[j];
    all_n = k;
}

void http_routes_all(const struct route **routes, size_t *n)
{
    pthread_once(&all_once, build);
    *routes = all;
    *n = all_n;
}

size_t http_routes_body_limit(const struct route *rt)
{
    size_t api = api_body_limit(rt), web = web_body_limit(rt);
    return api > web ? api : web;
}
