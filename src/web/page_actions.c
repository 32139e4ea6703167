/*
 * web/page_actions: the forms that act on a post or an account (POST
 * /statuses/ID/ACTION, /@ACCT/ACTION) and the follow requests (GET
 * /follow_requests, POST /follow_requests/ID/authorize and /reject).
 *
 * Each action is a member's form: signed in (web_need_member), with this
 * session's CSRF token and no foreign Origin (web_check_form), and then
 * the same core call as the client API's, which also queues what other
 * servers must hear (core/outbox). The answer is 303 to the form's
 * return_to, or to the page the action belongs to.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/follow.h"
#include "core/poll.h"
#include "core/status.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/route.h"
#include "web/internal.h"
#include "web/web.h"

#define VOTE_CHOICES_MAX 16 /* choice fields read from one vote (a poll has at most 4) */
#define PAGE_REQUESTS 40

/* The :id parameter; 0 (answered 404) when it is not an id. */
static int64_t param_id(struct web_ctx *w)
{
    int64_t id = 0;
    const char *s = req_param(w->req, "id");
    if (!s || id_from_str(s, &id) != 0 || id <= 0) {
        web_fail(w, E_NOTFOUND);
        return 0;
    }
    return id;
}

/* ---- posts ---- */

enum status_action {
    ACT_FAVOURITE,
    ACT_UNFAVOURITE,
    ACT_REBLOG,
    ACT_UNREBLOG,
    ACT_BOOKMARK,
    ACT_UNBOOKMARK,
};

static int status_act(struct req *req, struct resp *resp, enum status_action act)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    int64_t id = param_id(&w);
    if (!id)
        return 0;
    const struct core *core = w.core;
    int64_t me = w.me->id, boost = 0;
    int rc = E_INVAL;
    switch (act) {
    case ACT_FAVOURITE:
        rc = status_favourite(core, me, id);
        break;
    case ACT_UNFAVOURITE:
        rc = status_unfavourite(core, me, id);
        break;
    case ACT_REBLOG:
        rc = status_reblog(core, me, id, &boost);
        if (rc == E_FORBIDDEN) {
            web_error(&w, 403,
                      "This post cannot be boosted: its author shared it with few people.");
            return 0;
        }
        break;
    case ACT_UNREBLOG:
        rc = status_unreblog(core, me, id);
        break;
    case ACT_BOOKMARK:
        rc = status_bookmark(core, me, id);
        break;
    case ACT_UNBOOKMARK:
        rc = status_unbookmark(core, me, id);
        break;
    }
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, web_return_to(&w, arena_printf(req->arena, "/statuses/%lld", (long long)id)));
    return 0;
}

static int favourite(struct req *req, struct resp *resp)
{
    return status_act(req, resp, ACT_FAVOURITE);
}

static int unfavourite(struct req *req, struct resp *resp)
{
    return status_act(req, resp, ACT_UNFAVOURITE);
}

static int reblog(struct req *req, struct resp *resp)
{
    return status_act(req, resp, ACT_REBLOG);
}

static int unreblog(struct req *req, struct resp *resp)
{
    return status_act(req, resp, ACT_UNREBLOG);
}

static int bookmark(struct req *req, struct resp *resp)
{
    return status_act(req, resp, ACT_BOOKMARK);
}

static int unbookmark(struct req *req, struct resp *resp)
{
    return status_act(req, resp, ACT_UNBOOKMARK);
}

/* Does path end with "/ID" (the page of the post just deleted)? */
static int names_post(const char *path, int64_t id)
{
    const char *q = strchr(path, '?');
    size_t len = q ? (size_t)(q - path) : strlen(path);
    char tail[ID_STR_MAX + 1];
    tail[0] = '/';
    id_to_str(id, tail + 1);
    size_t tl = strlen(tail);
    return len >= tl && !memcmp(path + len - tl, tail, tl);
}

static int delete_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    int64_t id = param_id(&w);
    if (!id)
        return 0;
    int rc = status_delete(w.core, w.me->id, id);
    if (rc == E_NOTFOUND) {
        /* Core answers alike for another's post: say which, when she may see it. */
        struct db_conn *c;
        if (db_acquire(w.core->db, DB_READ, &c) == 0) {
            int seen = visibility_may_see(c, &w.viewer, id);
            db_release(c);
            if (seen == 1) {
                web_error(&w, 403, "You can only delete your own posts.");
                return 0;
            }
        }
    }
    if (rc)
        return web_fail(&w, rc), 0;
    const char *back = web_return_to(&w, "/home");
    if (names_post(back, id))
        back = "/home";
    web_redirect(&w, back);
    return 0;
}

static int vote(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    int64_t id = param_id(&w);
    if (!id)
        return 0;
    int choices[VOTE_CHOICES_MAX];
    size_t n = 0;
    req_arg(req, "choice"); /* parses the form */
    for (size_t i = 0; i < req->n_args; i++) {
        if (strcmp(req->args[i].name, "choice"))
            continue;
        char *end;
        long v = strtol(req->args[i].value, &end, 10);
        if (n == VOTE_CHOICES_MAX || end == req->args[i].value || *end || v < 0 || v > 1000) {
            web_error(&w, 400, "That vote was not valid.");
            return 0;
        }
        choices[n++] = (int)v;
    }
    if (!n) {
        web_error(&w, 400, "Choose an option before you vote.");
        return 0;
    }
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    struct poll *p = NULL;
    rc = poll_get_by_status(c, req->arena, id, &p);
    db_release(c);
    const char *why = NULL;
    if (rc == 0)
        rc = poll_vote(w.core, w.me->id, p->id, choices, n, &why);
    if (rc == E_INVAL && why) {
        web_error(&w, 400, arena_printf(req->arena, "Your vote was not counted: %s.", why));
        return 0;
    }
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, web_return_to(&w, arena_printf(req->arena, "/statuses/%lld", (long long)id)));
    return 0;
}

/* ---- accounts ---- */

enum account_action {
    ACT_FOLLOW,
    ACT_UNFOLLOW,
    ACT_MUTE,
    ACT_UNMUTE,
    ACT_BLOCK,
    ACT_UNBLOCK,
};

static int account_act(struct req *req, struct resp *resp, enum account_action act)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    struct account *acc = NULL;
    rc = web_find_account(&w, c, req_param(req, "acct"), &acc);
    db_release(c);
    if (rc)
        return web_fail(&w, rc), 0;
    const struct core *core = w.core;
    int64_t me = w.me->id;
    enum follow_state state;
    switch (act) {
    case ACT_FOLLOW:
        /* A remote account's server answers later: the follow waits until it does. */
        rc = follow_create(core, me, acc->id, NULL, &state);
        if (rc == E_FORBIDDEN) {
            web_error(&w, 403, "You cannot follow this account while one of you blocks the other.");
            return 0;
        }
        break;
    case ACT_UNFOLLOW:
        rc = follow_remove(core, me, acc->id);
        break;
    case ACT_MUTE: {
        /* As the client API: notifications are muted too unless the form says no. */
        const char *notif = req_arg(req, "notifications");
        rc = mute_create(core, me, acc->id, !(notif && !strcmp(notif, "0")), 0);
        break;
    }
    case ACT_UNMUTE:
        rc = mute_remove(core, me, acc->id);
        break;
    case ACT_BLOCK:
        rc = block_create(core, me, acc->id);
        break;
    case ACT_UNBLOCK:
        rc = block_remove(core, me, acc->id);
        break;
    }
    if (rc == E_INVAL) {
        web_error(&w, 400, "You cannot do that to your own account.");
        return 0;
    }
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, web_return_to(&w, web_account_path(&w, acc)));
    return 0;
}

static int follow(struct req *req, struct resp *resp)
{
    return account_act(req, resp, ACT_FOLLOW);
}

static int unfollow(struct req *req, struct resp *resp)
{
    return account_act(req, resp, ACT_UNFOLLOW);
}

static int mute(struct req *req, struct resp *resp)
{
    return account_act(req, resp, ACT_MUTE);
}

static int unmute(struct req *req, struct resp *resp)
{
    return account_act(req, resp, ACT_UNMUTE);
}

static int block(struct req *req, struct resp *resp)
{
    return account_act(req, resp, ACT_BLOCK);
}

static int unblock(struct req *req, struct resp *resp)
{
    return account_act(req, resp, ACT_UNBLOCK);
}

/* ---- follow requests ---- */

static int requests_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_member(&w))
        return 0;
    struct follow_page fp = {.limit = PAGE_REQUESTS};
    const char *max = req_arg(req, "max_id");
    if (max)
        id_from_str(max, &fp.max_id);
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    struct follow_item *items = NULL;
    size_t n = 0;
    rc = follow_list_requests(c, req->arena, w.me->id, &fp, &items, &n);
    json_t *d = json_object();
    json_t *arr = json_array();
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *v = web_account_view_id(&w, c, items[i].account_id);
        if (v)
            json_array_append_new(arr, v);
    }
    db_release(c);
    if (rc) {
        json_decref(arr);
        json_decref(d);
        return web_fail(&w, rc), 0;
    }
    json_object_set_new(d, "requests", arr);
    if (n == PAGE_REQUESTS)
        json_object_set_new(d, "older_url",
                            json_string(arena_printf(req->arena, "/follow_requests?max_id=%lld",
                                                     (long long)items[n - 1].follow_id)));
    web_page(&w, 200, "follow_requests", "Follow requests", d);
    return 0;
}

static int request_answer(struct req *req, struct resp *resp, int accept)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    int64_t id = param_id(&w);
    if (!id)
        return 0;
    int rc = accept ? follow_accept(w.core, w.me->id, id) : follow_reject(w.core, w.me->id, id);
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, web_return_to(&w, "/follow_requests"));
    return 0;
}

static int authorize(struct req *req, struct resp *resp)
{
    return request_answer(req, resp, 1);
}

static int reject(struct req *req, struct resp *resp)
{
    return request_answer(req, resp, 0);
}

const struct route web_action_routes[] = {
    {"POST", "/statuses/:id/favourite", favourite, ROUTE_AUTH_NONE, NULL},
    {"POST", "/statuses/:id/unfavourite", unfavourite, ROUTE_AUTH_NONE, NULL},
    {"POST", "/statuses/:id/reblog", reblog, ROUTE_AUTH_NONE, NULL},
    {"POST", "/statuses/:id/unreblog", unreblog, ROUTE_AUTH_NONE, NULL},
    {"POST", "/statuses/:id/bookmark", bookmark, ROUTE_AUTH_NONE, NULL},
    {"POST", "/statuses/:id/unbookmark", unbookmark, ROUTE_AUTH_NONE, NULL},
    {"POST", "/statuses/:id/delete", delete_post, ROUTE_AUTH_NONE, NULL},
    {"POST", "/statuses/:id/vote", vote, ROUTE_AUTH_NONE, NULL},
    {"POST", "/@:acct/follow", follow, ROUTE_AUTH_NONE, NULL},
    {"POST", "/@:acct/unfollow", unfollow, ROUTE_AUTH_NONE, NULL},
    {"POST", "/@:acct/mute", mute, ROUTE_AUTH_NONE, NULL},
    {"POST", "/@:acct/unmute", unmute, ROUTE_AUTH_NONE, NULL},
    {"POST", "/@:acct/block", block, ROUTE_AUTH_NONE, NULL},
    {"POST", "/@:acct/unblock", unblock, ROUTE_AUTH_NONE, NULL},
    {"GET", "/follow_requests", requests_page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/follow_requests/:id/authorize", authorize, ROUTE_AUTH_NONE, NULL},
    {"POST", "/follow_requests/:id/reject", reject, ROUTE_AUTH_NONE, NULL},
};
const size_t web_action_routes_count = sizeof(web_action_routes) / sizeof(web_action_routes[0]);
