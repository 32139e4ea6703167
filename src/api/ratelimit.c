/*
 * api/ratelimit: Mastodon's API rate limits.
 *
 * Every request under /api/ (but the streaming API, which Mastodon serves
 * apart and does not count) is counted in memory: against the signed-in
 * account (or the app, for an app token) when a valid token came with it,
 * else against the client's address; rate_limit requests per
 * rate_limit_period (hearth.conf, 300 per 5 minutes by default, 0 for
 * none). A few actions also count in their own, stricter buckets, as in
 * Mastodon: media uploads and status deletions (30 per 30 minutes),
 * posting (300 per 3 hours per account, 600 per address), following (100
 * an hour per account, 200 per address) and sign-ups (5 per 30 minutes
 * per address). The pages' posting and follow forms count in the same
 * buckets (per session and per address), so neither surface is a way
 * around them.
 * Every counted response carries X-RateLimit-Limit, -Remaining and -Reset
 * (ISO 8601) of the bucket closest to its limit; a request over a limit is
 * answered 429 {"error": "Too many requests"} and not handled.
 *
 * It lives in api/ because the subject of a limit is the API's own notion
 * (the token's account); the counters are util/ratelimit.h over one
 * static table of LIMIT_RATE_BUCKETS buckets, so memory is fixed whatever
 * the traffic. The table is set up on first use and lives for the process.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/session.h"
#include "util/limits.h"
#include "util/ratelimit.h"
#include "util/timeutil.h"

/* An action with its own bucket (besides the general one). */
struct rule {
    const char *method;
    const char *pattern; /* the route's pattern */
    const char *bucket;
    int limit;
    int period_s;
    int per_address; /* counted per address even when signed in */
};

static const struct rule rules[] = {
    {"POST", "/api/v1/media", "media", 30, 30 * 60, 0},
    {"POST", "/api/v2/media", "media", 30, 30 * 60, 0},
    {"DELETE", "/api/v1/statuses/:id", "deletes", 30, 30 * 60, 0},
    {"POST", "/api/v1/statuses/:id/unreblog", "deletes", 30, 30 * 60, 0},
    {"POST", "/api/v1/statuses", "statuses", 300, 3 * 60 * 60, 0},
    {"POST", "/api/v1/statuses", "statuses_ip", 600, 3 * 60 * 60, 1},
    {"POST", "/api/v1/accounts/:id/follow", "follows", 100, 60 * 60, 0},
    {"POST", "/api/v1/accounts/:id/follow", "follows_ip", 200, 60 * 60, 1},
    {"POST", "/api/v1/accounts", "signups", 5, 30 * 60, 1},
    /* The pages' forms: counted per session (the cookie) and per address. */
    {"POST", "/statuses", "statuses", 300, 3 * 60 * 60, 0},
    {"POST", "/statuses", "statuses_ip", 600, 3 * 60 * 60, 1},
    {"POST", "/@:acct/follow", "follows", 100, 60 * 60, 0},
    {"POST", "/@:acct/follow", "follows_ip", 200, 60 * 60, 1},
};

static struct ratelimit_bucket buckets[LIMIT_RATE_BUCKETS];
static struct ratelimit table;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_init(void)
{
    ratelimit_init(&table, buckets, LIMIT_RATE_BUCKETS);
}

/* Counts a hit in bucket (name) of subject; keeps in *worst the result closest to its limit. */
static void hit(const char *bucket, const char *subject, int limit, int period_s, int64_t now,
                struct ratelimit_result *worst, int *have)
{
    char key[128];
    int n = snprintf(key, sizeof(key), "%s %s", bucket, subject);
    struct ratelimit_result r;
    ratelimit_hit(&table, key, (size_t)n < sizeof(key) ? (size_t)n : sizeof(key) - 1, limit,
                  (int64_t)period_s * 1000, now, &r);
    if (!*have || r.exceeded > worst->exceeded ||
        (r.exceeded == worst->exceeded && r.remaining < worst->remaining)) {
        *worst = r;
        *have = 1;
    }
}

int api_rate_limit(struct req *req, const struct route *rt, struct resp *resp)
{
    struct core *core = req->app;
    int api = !strncmp(req->path, "/api/", 5);
    if (!core->rate_limit || !strncmp(req->path, "/api/v1/streaming", 17))
        return 0;
    if (!api) {
        /* A page: only its form's own buckets count (POST /statuses, follow). */
        int ruled = 0;
        for (size_t i = 0; rt && i < sizeof(rules) / sizeof(rules[0]); i++)
            ruled |= !strcmp(rules[i].method, rt->method) && !strcmp(rules[i].pattern, rt->pattern);
        if (!ruled)
            return 0;
    }
    pthread_once(&table_once, table_init);
    char who[96], addr[80];
    snprintf(addr, sizeof(addr), "ip %s", req->remote ? req->remote : "-");
    struct oauth_token *t = api_token(req);
    const char *cookie = api ? NULL : req_cookie(req, SESSION_COOKIE);
    if (cookie) {
        /* The session, by a hash of its token (never the token itself). */
        uint64_t h = 1469598103934665603ULL;
        for (const char *p = cookie; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        snprintf(who, sizeof(who), "session %llx", (unsigned long long)h);
    } else if (t && t->account_id)
        snprintf(who, sizeof(who), "account %lld", (long long)t->account_id);
    else if (t)
        snprintf(who, sizeof(who), "token %lld", (long long)t->id);
    else
        snprintf(who, sizeof(who), "%s", addr);
    int64_t now = time_now_ms();
    struct ratelimit_result worst;
    int have = 0;
    if (api)
        hit("api", who, core->rate_limit, core->rate_limit_period, now, &worst, &have);
    for (size_t i = 0; rt && i < sizeof(rules) / sizeof(rules[0]); i++)
        if (!strcmp(rules[i].method, rt->method) && !strcmp(rules[i].pattern, rt->pattern))
            hit(rules[i].bucket, rules[i].per_address ? addr : who, rules[i].limit,
                rules[i].period_s, now, &worst, &have);
    char num[16], iso[TIME_ISO_MAX];
    if (worst.exceeded)
        resp_error(req, resp, 429, "Too many requests");
    snprintf(num, sizeof(num), "%d", worst.limit);
    resp_header_add(req, resp, "X-RateLimit-Limit", num);
    snprintf(num, sizeof(num), "%d", worst.remaining);
    resp_header_add(req, resp, "X-RateLimit-Remaining", num);
    resp_header_add(req, resp, "X-RateLimit-Reset", time_iso8601(worst.reset_ms, iso));
    return worst.exceeded;
}
