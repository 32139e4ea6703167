/*
 * web/internal: what the page files share (not part of the module's
 * public header, web/web.h).
 *
 * Every page handler starts with web_begin, which reads the session
 * cookie and gives a struct web_ctx for the request (request memory).
 * Data for templates is built as jansson objects; strings put in them are
 * escaped by the template unless a template uses {{{ }}} (only for HTML
 * Hearth made or sanitized: post bodies, bios, field values). Links put in
 * href attributes come from web_url or web_safe_url, never straight from
 * remote data.
 */
#ifndef HEARTH_WEB_INTERNAL_H
#define HEARTH_WEB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/account.h"
#include "core/session.h"
#include "core/visibility.h"
#include "util/req.h"

struct core;
struct db_conn;
struct filter;
struct status;

struct web_ctx {
    const struct core *core;
    struct req *req;
    struct resp *resp;
    const struct account *me; /* the signed-in member, or NULL */
    const struct user *user;  /* her login and preferences, or NULL */
    struct session session;   /* when me is set */
    const char *token;        /* the session cookie's token, when me is set */
    struct viewer viewer;     /* anonymous, or the member */
    const char *csrf;         /* the token this visitor's forms carry */
    int sets_cookie;          /* the answer sets a cookie: it is not to be cached */
    /*
     * The member's filters apply to the posts of this page in this context
     * ("home", "public", "notifications", "thread", "account"); NULL: none.
     */
    const char *filter_context;
    struct filter *filters; /* loaded on first use (web_status_views) */
    size_t n_filters;
    int filters_loaded;
};

/*
 * Starts a page: the session from the cookie (a bad or ended one counts
 * as signed out and its cookie is cleared); a signed-out visitor's CSRF
 * token comes from her CSRF cookie, when she has one.
 */
void web_begin(struct req *req, struct resp *resp, struct web_ctx *w);
/*
 * For a page with a form a signed-out visitor sends (the login form): gives
 * her a CSRF cookie and token when she has none. Other visitors' pages set
 * no cookie, so that they can be cached.
 */
void web_visitor_form(struct web_ctx *w);
/*
 * Sets cookie name=value for max_age seconds (value NULL: clears it):
 * HttpOnly, SameSite=Lax, Path=/, Secure when the server's URL is https.
 */
void web_set_cookie(struct web_ctx *w, const char *name, const char *value, long max_age);
/*
 * For member pages: 0 when signed in; otherwise answers with a redirect to
 * /login?return_to=THIS_PAGE and returns 1. For a form sent (a POST), the
 * page to come back to is the form's return_to (else /home), since its
 * address cannot be asked for with GET.
 */
int web_need_member(struct web_ctx *w);
/*
 * For every POST that changes something: 0 when the form's csrf field is
 * this visitor's token and the Origin header (when sent) is this server;
 * otherwise answers 403 (an error page) and returns 1.
 */
int web_check_form(struct web_ctx *w);

/*
 * Starts a member's form (a POST that changes something): web_begin, then
 * web_need_member and web_check_form. 0 to go on, 1 when already answered.
 */
int web_begin_form(struct req *req, struct resp *resp, struct web_ctx *w);
/*
 * For staff pages: 0 when the visitor is signed in and her role has every
 * flag in perms (core/role.h); a visitor is sent to the login page and a
 * member without them gets a 403 page; returns 1 when answered.
 */
int web_need_permission(struct web_ctx *w, unsigned perms);

/* The account actions an admin page's form offers ({value, label}: warn ... suspend). */
json_t *web_admin_action_options(void);
/* A form's checkbox: 1 when field name was sent with a value other than "" or "0". */
int web_form_checked(struct req *req, const char *name);
/* 1 when the page is asked for as a fragment (?fragment=1: the template alone). */
int web_is_fragment(struct req *req);

/*
 * Answers with template name rendered with data (stolen) inside the page
 * layout: <title> from title, the navigation (signed in or out), the
 * stylesheet and script links, the security headers. data may be NULL.
 * Keys the layout gives every template: me (the member's account view
 * or absent), csrf, site (title, url), title.
 * With ?fragment=1, only the template itself is sent (no layout), for the
 * live updates.
 */
void web_page(struct web_ctx *w, int status, const char *name, const char *title, json_t *data);
/* An error page with a status and a sentence for the visitor. */
void web_error(struct web_ctx *w, int status, const char *message);
/* Maps an enum err to an error page (404 for E_NOTFOUND, 403, 400...). */
void web_fail(struct web_ctx *w, int err);
/* 303 to a path on this server. */
void web_redirect(struct web_ctx *w, const char *path);
/*
 * The form's or query's return_to when it is a path on this server (starts
 * with one "/", no backslash, no control characters), else fallback.
 */
const char *web_return_to(struct web_ctx *w, const char *fallback);
/* Adds the security headers every HTML answer carries (web_page does it). */
void web_security_headers(struct web_ctx *w);

/* An absolute URL on this server for path ("/@alice"), in request memory. */
const char *web_url(struct web_ctx *w, const char *path);
/* url when it is http(s) (or a path on this server), else NULL: for remote links. */
const char *web_safe_url(const char *url);
/* The local page of an account: "/@name" or "/@name@domain". */
const char *web_account_path(struct web_ctx *w, const struct account *acc);

/*
 * The account an address names: acct "alice" (a member here) or
 * "bob@remote.example" (a known remote account), in request memory.
 * E_NOTFOUND for an unknown or suspended account.
 */
int web_find_account(struct web_ctx *w, struct db_conn *c, const char *acct, struct account **out);

/*
 * The view of an account for templates: id, acct, username, display_name
 * (the username when empty), note_html (sanitized), url (local page),
 * origin_url (remote accounts' own page), avatar, header, locked, bot,
 * remote, fields [{name, value_html}], counts (statuses, followers,
 * following). NULL when it cannot be read.
 */
json_t *web_account_view(struct web_ctx *w, struct db_conn *c, const struct account *acc);
json_t *web_account_view_id(struct web_ctx *w, struct db_conn *c, int64_t id);

/*
 * Views of the statuses ids[0..n) that the viewer may see (the others are
 * left out), in order: id, url (local page), origin_url, author (account
 * view), content_html, spoiler_text, sensitive, visibility (name and
 * label), created_at (ISO), created_text, edited, reply_to (the parent's
 * local page, when a reply), media [{url, preview_url, description, type,
 * color}], poll {options [{title, votes, percent, index}], expired,
 * multiple, voted, votes_count, ends_text}, counts (replies, reblogs,
 * favourites), flags (favourited, reblogged, bookmarked, mine, can_boost),
 * boosted_by (the account view of who boosted, for a boost, whose other
 * fields are the original's). With w->filter_context set for a member,
 * posts her filters hide are left out, and those they warn of carry
 * filtered (the filters' titles).
 */
json_t *web_status_views(struct web_ctx *w, struct db_conn *c, const int64_t *ids, size_t n);

/* What a visibility level is called on the pages ("Followers only"). */
const char *web_visibility_label(enum status_visibility v);
/*
 * The levels as options of a select ({value, label, selected}), widest
 * first; direct only when with_direct (it is no default for every post).
 */
/*
 * The event block of a post (web/page_calendar.c): when, where with a map
 * link, counts, the .ics link, the member's answer and its buttons, and
 * for the organizer who answered. NULL when st is not an event.
 */
json_t *web_event_view(struct web_ctx *w, struct db_conn *c, const struct status *st,
                       const struct account *author);
json_t *web_visibility_options(enum status_visibility selected, int with_direct);

/*
 * Joining (page_join.c): web_join_view adds to d what the front, about,
 * sign-up and welcome pages show of the server's joining: the mode
 * (registrations_open, _approval, _invite, _closed, may_sign_up), rules
 * [{id, position, text, hint}] and has_rules, conduct_html, has_privacy,
 * contact_email. web_rules_view is the rules alone.
 */
void web_join_view(struct web_ctx *w, struct db_conn *c, json_t *d);
json_t *web_rules_view(struct web_ctx *w, struct db_conn *c);
struct invite;
/*
 * Invite links for templates: id, code, url, uses, max_uses, expires,
 * usable, ended, inviter, revoke_action (BASE/ID/revoke).
 */
json_t *web_invites_view(struct web_ctx *w, const struct invite *v, size_t n, const char *base);
/*
 * Makes an invite link for the signed-in member from the form's max_uses,
 * expires_in (seconds), comment and autoapprove (when autoapprove_sent):
 * invite_create's answers, E_INVAL with *why for a malformed field.
 */
int web_invite_form(struct web_ctx *w, struct invite **out, const char **why);

/* A time as "2026-12-06 07:42" (UTC), in request memory. */
const char *web_time_text(struct web_ctx *w, int64_t ms);

#endif
