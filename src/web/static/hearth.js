/*
 * Hearth's pages work without this script. With it, new posts and
 * notifications appear without a reload: the member's stream (the
 * streaming API, authenticated by the session cookie) says something
 * happened, and the page asks the server for the new part's HTML
 * (its data-live address with ?fragment=1&since_id=NEWEST) and puts it
 * on top. The live list's items are its children with a data-id (a
 * notification holds a post's card, which has one of its own).
 */
(function () {
  "use strict";
  if (!document.body || !document.body.dataset.member || !window.EventSource) return;
  var feed = document.querySelector("[data-live]");
  var badge = document.getElementById("notification-badge");
  var kind = feed ? feed.getAttribute("data-stream") : "";
  var unread = badge ? parseInt(badge.textContent, 10) || 0 : 0;
  var busy = false, again = false;

  function items(box) {
    var out = [];
    for (var i = 0; i < box.children.length; i++) {
      if (box.children[i].hasAttribute("data-id")) out.push(box.children[i]);
    }
    return out;
  }

  function shown(id) {
    var list = items(feed);
    for (var i = 0; i < list.length; i++) {
      if (list[i].getAttribute("data-id") === id) return list[i];
    }
    return null;
  }

  function refresh() {
    if (!feed) return;
    if (busy) { again = true; return; }
    busy = true;
    var first = items(feed)[0];
    var live = feed.getAttribute("data-live");
    var url = live + (live.indexOf("?") < 0 ? "?" : "&") + "fragment=1&since_id=" +
      encodeURIComponent(first ? first.getAttribute("data-id") : "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) {
        /* A redirect means the session ended (to the login page): nothing to add. */
        return r.ok && !r.redirected ? r.text() : "";
      })
      .then(function (html) {
        if (!html.trim()) return;
        var box = document.createElement("div");
        box.innerHTML = html;
        var fresh = items(box);
        var anchor = items(feed)[0] || null;
        var added = 0;
        /* Newest first: each goes before the old top, after the ones just added. */
        for (var i = 0; i < fresh.length; i++) {
          if (shown(fresh[i].getAttribute("data-id"))) continue;
          fresh[i].classList.add("fresh");
          feed.insertBefore(fresh[i], anchor);
          added++;
        }
        var empty = added && feed.parentNode.querySelector("[data-empty]");
        if (empty) empty.parentNode.removeChild(empty);
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  /* A deleted post leaves the list (a boost's data-id is the boost's own id). */
  function removed(ev) {
    var el = feed && kind !== "notifications" ? shown(String(ev.data)) : null;
    if (el) el.parentNode.removeChild(el);
  }

  /* After a reconnection, what was missed meanwhile is asked for once. */
  function watch(source, onUpdate) {
    var opened = false;
    source.addEventListener("open", function () {
      if (opened && (onUpdate || kind === "notifications")) refresh();
      opened = true;
    });
    if (onUpdate) {
      source.addEventListener("update", refresh);
      source.addEventListener("delete", removed);
    }
  }

  var stream = new EventSource("/api/v1/streaming/user");
  stream.addEventListener("notification", function () {
    if (kind === "notifications") { refresh(); return; }
    unread += 1;
    if (!badge) return;
    badge.textContent = String(unread);
    var hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = " new";
    badge.appendChild(hint);
  });
  watch(stream, kind === "user");
  if (kind && kind !== "notifications" && kind !== "user") {
    watch(new EventSource("/api/v1/streaming/" + kind), true);
  }
})();

/*
 * The composer's character count: what is left of the limit, counted as
 * the server counts (code points, a link as 23, the content warning
 * included). The server checks again; this only helps while typing.
 */
(function () {
  "use strict";
  var text = document.getElementById("status");
  var out = document.getElementById("char-count");
  if (!text || !out || !text.dataset.limit) return;
  var cw = document.getElementById("spoiler_text");
  var limit = parseInt(text.dataset.limit, 10);
  var link = /https?:\/\/[^\s<>"]+/g;

  function length(s) {
    var n = 0;
    s = s.replace(link, function () { n += 23; return ""; });
    return n + Array.from(s).length;
  }

  function update() {
    var left = limit - length(text.value) - (cw ? length(cw.value) : 0);
    out.textContent = left >= 0 ? left + " characters left" : -left + " characters too many";
    out.classList.toggle("over", left < 0);
  }

  text.addEventListener("input", update);
  if (cw) cw.addEventListener("input", update);
  update();
})();
