/*
 * http/ws: WebSocket connections after libmicrohttpd's HTTP upgrade.
 *
 * One loop thread owns every upgraded socket (epoll, non-blocking I/O,
 * RFC 6455 framing by wslay), so idle WebSockets cost memory, not
 * threads. The handler's struct resp_ws (util/req.h) supplies the
 * messages to send and receives the client's; the loop answers pings,
 * pings every HTTP_WS_PING_S seconds, drops connections silent for two
 * ping periods, closes messages over LIMIT_WS_MESSAGE_BYTES with 1009 and
 * binary messages with 1003.
 *
 * Private to src/http/ (it speaks libmicrohttpd's types).
 */
#ifndef HEARTH_HTTP_WS_H
#define HEARTH_HTTP_WS_H

#include <stddef.h>

#include <microhttpd.h>

#include "util/req.h"

#define HTTP_WS_PING_S 30
#define HTTP_WS_ACCEPT_LEN 29 /* base64 of a SHA-1, with its NUL */

struct http_ws;

/* Starts the loop thread. 0, or E_IO (logged). *out is owned: http_ws_free. */
int http_ws_start(struct http_ws **out);
/*
 * Closes every connection with 1001 (going away), waits a moment for the
 * close frames to leave, and stops the thread. Sockets that arrive later
 * are closed at once. The struct stays valid until http_ws_free.
 */
void http_ws_stop(struct http_ws *w);
/* Frees a stopped loop. Accepts NULL. */
void http_ws_free(struct http_ws *w);

/*
 * Checks an upgrade request's handshake (GET, Upgrade: websocket,
 * Connection: upgrade, Sec-WebSocket-Version: 13, a 16-byte key). Returns
 * 0 and the Sec-WebSocket-Accept value, 426 for another protocol version,
 * or 400.
 */
int http_ws_handshake(struct MHD_Connection *conn, char accept[HTTP_WS_ACCEPT_LEN]);

/* One WebSocket connection. */
struct wsc;

/*
 * Prepares the connection of a handler's WebSocket, before the 101 is
 * queued: fills cb->wake and cb->handle, keeps a copy of cb, and takes the
 * first messages (the handler's first next() may join its event source).
 * Returns NULL when out of resources (cb untouched but for wake).
 */
struct wsc *http_ws_prepare(struct http_ws *w, struct resp_ws *cb);
/* Gives it up when the upgrade never happened (calls cb->close). Accepts NULL. */
void http_ws_discard(struct wsc *c);
/*
 * Gives a prepared connection its upgraded socket (from libmicrohttpd's
 * upgrade handler; never blocks). extra (n bytes the client sent after
 * its request) is read first. From here on the loop owns the connection,
 * which ends with cb->close and MHD_UPGRADE_ACTION_CLOSE.
 */
void http_ws_adopt(struct wsc *c, MHD_socket sock, const char *extra, size_t n,
                   struct MHD_UpgradeResponseHandle *urh);

#endif
