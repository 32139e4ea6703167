/*
 * limits: every size and count cap of Hearth, in one place.
 *
 * Input from clients and remote servers is bounded by these numbers; raise
 * them here, never at the call site.
 */
#ifndef HEARTH_UTIL_LIMITS_H
#define HEARTH_UTIL_LIMITS_H

/* HTTP */
#define LIMIT_HTTP_HEADER_BYTES (32 * 1024) /* request line and headers */
#define LIMIT_HTTP_BODY_BYTES (1024 * 1024) /* any non-upload body */
/* Upload routes (media, avatar and header): the image plus the form around it. */
#define LIMIT_HTTP_UPLOAD_BYTES (LIMIT_MEDIA_IMAGE_BYTES + 64 * 1024)
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
#define LIMIT_URL_BYTES 2048 /* a URL or WebFinger resource we are asked about */
#define LIMIT_PASSWORD_MIN 8
#define LIMIT_PASSWORD_MAX 256

/* Polls (reported in /api/v2/instance configuration.polls) */
#define LIMIT_POLL_OPTIONS_MIN 2
#define LIMIT_POLL_OPTIONS 4
#define LIMIT_POLL_OPTIONS_REMOTE 20 /* choices kept of another server's poll */
#define LIMIT_POLL_OPTION_CHARS 50
#define LIMIT_POLL_EXPIRY_MIN_S 300     /* default of [limits] min_poll_seconds */
#define LIMIT_POLL_EXPIRY_MAX_S 2629746 /* a month, as Mastodon counts it */

/* Scheduled statuses and repeated posts */
#define LIMIT_SCHEDULE_MIN_S 300 /* default of [limits] min_schedule_seconds */
#define LIMIT_SCHEDULED_TOTAL 300
#define LIMIT_SCHEDULED_DAILY 25
#define LIMIT_IDEMPOTENCY_S 3600 /* how long an Idempotency-Key is remembered */

/* multipart/form-data bodies */
#define LIMIT_MULTIPART_PARTS 32           /* fields and files in one body */
#define LIMIT_MULTIPART_HEADER_BYTES 2048  /* the header block of one part */
#define LIMIT_MULTIPART_NAME_BYTES 128     /* a field name */
#define LIMIT_MULTIPART_FILENAME_BYTES 255 /* a file name as the client sent it */
#define LIMIT_MULTIPART_BOUNDARY_BYTES 70  /* RFC 2046 */

/* Profiles */
#define LIMIT_STATUS_PINS 5             /* pinned statuses per account, as Mastodon */
#define LIMIT_ACCOUNT_NOTE_CHARS 2000   /* a private note about an account */
#define LIMIT_SIGNUP_REASON_BYTES 1000  /* why one wants to join (approval mode) */
#define LIMIT_REPORT_COMMENT_CHARS 1000 /* a report's comment, as Mastodon */
#define LIMIT_REPORT_STATUSES 100       /* statuses attached to one report */

/* Media */
#define LIMIT_MEDIA_IMAGE_BYTES (16 * 1024 * 1024)  /* one uploaded image file */
#define LIMIT_MEDIA_IMAGE_PIXELS (40 * 1000 * 1000) /* width x height (all frames of a GIF) */
#define LIMIT_MEDIA_THUMB_SIDE 640                  /* previews fit in this square */
#define LIMIT_MEDIA_DESCRIPTION_CHARS 1500
#define LIMIT_MEDIA_PER_STATUS 4
#define LIMIT_MEDIA_REMOTE 16     /* attachments kept of another server's post */
#define LIMIT_MEDIA_CONCURRENCY 2 /* images decoded at once */
#define LIMIT_AVATAR_SIDE 400
#define LIMIT_HEADER_WIDTH 1500
#define LIMIT_HEADER_HEIGHT 500

/* Passwords: concurrent argon2id hashes (each takes ~64 MB and ~100 ms). */
#define LIMIT_PASSWORD_CONCURRENCY 2

/* Config file */
#define LIMIT_CONFIG_LINE 200 /* libinih splits longer lines silently */
#define LIMIT_CONFIG_BYTES (64 * 1024)

#endif
