/*
 * api/register: sign-ups from apps (POST /api/v1/accounts), as Mastodon
 * takes them: an app token (client credentials) with write:accounts, and
 * core/join deciding (the registration mode, an invite_code, IP and
 * e-mail blocks): refused (403, or 422 naming the field), open (the new
 * member is logged in: a Token comes back) or pending (the sign-up waits
 * for an admin; its token is refused with 403 until then, and so is its
 * password). Validation errors carry Mastodon's per-field "details".
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/account.h"
#include "core/join.h"
#include "core/oauth.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/timeutil.h"

/* 422 naming the field, with Mastodon's details object: {field: [{error, description}]}. */
static int invalid_field(struct req *req, struct resp *resp, const char *field, const char *code,
                         const char *description)
{
    json_t *details =
        json_pack("{s:[{s:s, s:s}]}", field, "error", code, "description", description);
    json_t *body = json_pack("{s:s, s:o}", "error",
                             arena_printf(req->arena, "Validation failed: %s", description),
                             "details", details);
    resp_json(req, resp, 422, body);
    return 0;
}

/* The field a core refusal is about, and Mastodon's error code for it. */
static void classify(const char *why, const char **field, const char **code)
{
    *field = !strncmp(why, "username", 8)   ? "username"
             : !strncmp(why, "email", 5)    ? "email"
             : !strncmp(why, "password", 8) ? "password"
                                            : "username";
    *code = strstr(why, "taken") || strstr(why, "in use")   ? "ERR_TAKEN"
            : strstr(why, "reserved")                       ? "ERR_RESERVED"
            : strstr(why, "at most") || strstr(why, "1 to") ? "ERR_TOO_LONG"
            : strstr(why, "at least")                       ? "ERR_TOO_SHORT"
                                                            : "ERR_INVALID";
}

/* POST /api/v1/accounts */
static int register_account(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    static const char *const required[] = {"username", "email", "password"};
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        const char *v = req_arg(req, required[i]);
        if (!v || !*v)
            return invalid_field(req, resp, required[i], "ERR_BLANK",
                                 arena_printf(req->arena, "%s can't be blank", required[i]));
    }
    int agreement = api_arg_bool(req, "agreement", 0);
    const char *locale = req_arg(req, "locale");
    if (locale &&
        (strlen(locale) > 16 || strspn(locale, "abcdefghijklmnopqrstuvwxyz"
                                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_") != strlen(locale)))
        return invalid_field(req, resp, "locale", "ERR_INVALID", "locale is not a language");
    struct join_request jr = {.username = req_arg(req, "username"),
                              .email = req_arg(req, "email"),
                              .password = req_arg(req, "password"),
                              .reason = req_arg(req, "reason"),
                              .locale = locale,
                              .invite_code = req_arg(req, "invite_code"),
                              .ip = req->remote,
                              .agreement = agreement == 1};
    int64_t id = 0;
    int pending = 0;
    const char *field = NULL, *why = NULL;
    int rc = join_signup(core, req->arena, &jr, &id, &pending, &field, &why);
    if (rc == E_FORBIDDEN && !field) {
        resp_error(req, resp, 403, why);
        return 0;
    }
    if (rc == E_LIMIT && !field) {
        resp_error(req, resp, 429, why);
        return 0;
    }
    if (rc && why) {
        const char *f, *code;
        classify(why, &f, &code);
        if (!strcmp(field ? field : "", "agreement"))
            code = "ERR_ACCEPTED";
        else if (rc == E_FORBIDDEN)
            code = "ERR_BLOCKED";
        else if (rc == E_LIMIT && strstr(why, "no longer"))
            code = "ERR_INVALID";
        return invalid_field(req, resp, field ? field : f, code, why);
    }
    if (rc)
        return api_fail(req, resp, rc);
    /* The new member's token carries the app token's scopes, as Mastodon gives. */
    struct oauth_token *app = api_token(req);
    const char *token = NULL;
    rc = oauth_token_create(core, req->arena, app->app_id, id, app->scopes, &token, NULL);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200,
              json_pack("{s:s, s:s, s:s, s:I}", "access_token", token, "token_type", "Bearer",
                        "scope", app->scopes, "created_at", (json_int_t)(time_now_ms() / 1000)));
    return 0;
}

const struct route api_register_routes[] = {
    {"POST", "/api/v1/accounts", register_account, ROUTE_AUTH_REQUIRED, "write:accounts"},
};
const size_t api_register_routes_count =
    sizeof(api_register_routes) / sizeof(api_register_routes[0]);
