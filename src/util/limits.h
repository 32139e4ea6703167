/*
 * limits: every size and count cap of Hearth, in one place.
 *
 * Input from clients and remote servers is bounded by these numbers; raise
 * them here, never at the call site.
 */
#ifndef HEARTH_UTIL_LIMITS_H
#define HEARTH_UTIL_LIMITS_H

/* HTTP */
#define LIMIT_HTTP_HEADER_BYTES (32 * 1024)        /* request line and headers */
#define LIMIT_HTTP_BODY_BYTES (1024 * 1024)        /* any non-upload body */
#define LIMIT_HTTP_UPLOAD_BYTES (40 * 1024 * 1024) /* media uploads */
#define LIMIT_HTTP_URL_BYTES 4096
#define LIMIT_HTTP_TIMEOUT_S 30 /* idle connection timeout */
#define LIMIT_HTTP_CONNECTIONS 4096

/* WebSocket */
#define LIMIT_WS_MESSAGE_BYTES 4096        /* a client's message; larger closes with 1009 */
#define LIMIT_WS_QUEUE_BYTES (1024 * 1024) /* unsent bytes per connection before we stop taking */

/* API rate limits (Mastodon's defaults; the first two are configurable) */
#define LIMIT_RATE_DEFAULT 300          /* requests per period, per account or address */
#define LIMIT_RATE_PERIOD_S_DEFAULT 300 /* five minutes */
#define LIMIT_RATE_BUCKETS 16384        /* counters kept at once (a power of two) */

/* JSON */
#define LIMIT_JSON_DEPTH 32

/* Text */
#define LIMIT_STATUS_CHARS_DEFAULT 500 /* code points; URLs count as 23 */
#define LIMIT_STATUS_BYTES (64 * 1024) /* raw source text, any config */
#define LIMIT_URL_CHARS 23
#define LIMIT_USERNAME_CHARS 30
#define LIMIT_DISPLAY_NAME_CHARS 100
#define LIMIT_NOTE_CHARS 500
#define LIMIT_FIELDS 4
#define LIMIT_MENTIONS 50
#define LIMIT_HASHTAGS 50
#define LIMIT_HASHTAG_CHARS 100
#define LIMIT_DOMAIN_CHARS 253
#define LIMIT_PASSWORD_MIN 8
#define LIMIT_PASSWORD_MAX 256

/* Passwords: concurrent argon2id hashes (each takes ~64 MB and ~100 ms). */
#define LIMIT_PASSWORD_CONCURRENCY 2

/* Config file */
#define LIMIT_CONFIG_LINE 200 /* libinih splits longer lines silently */
#define LIMIT_CONFIG_BYTES (64 * 1024)

#endif
