/*
 * Hearth's pages work without this script. With it, new posts and
 * notifications appear without a reload: the member's stream (the
 * streaming API, authenticated by the session cookie) says something
 * happened, and the page asks the server for the new part's HTML.
 */
(function () {
  "use strict";
  if (!document.body || !document.body.dataset.member || !window.EventSource) return;
  var feed = document.querySelector("[data-live]");
  var badge = document.getElementById("notification-badge");
  var unread = 0;
  var busy = false, again = false;

  function newestId() {
    var first = feed && feed.querySelector("[data-id]");
    return first ? first.getAttribute("data-id") : "";
  }

  function refresh() {
    if (!feed) return;
    if (busy) { again = true; return; }
    busy = true;
    var url = feed.getAttribute("data-live") + (feed.getAttribute("data-live").indexOf("?") < 0 ? "?" : "&") +
      "fragment=1&since_id=" + encodeURIComponent(newestId());
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (!html.trim()) return;
        var box = document.createElement("div");
        box.innerHTML = html;
        var items = box.querySelectorAll("[data-id]");
        var anchor = feed.querySelector("[data-id]");
        for (var i = 0; i < items.length; i++) {
          if (document.querySelector('[data-id="' + items[i].getAttribute("data-id") + '"]')) continue;
          items[i].classList.add("fresh");
          if (anchor) feed.insertBefore(items[i], anchor); else feed.appendChild(items[i]);
        }
      })
      .catch(function () {})
      .then(function () { busy = false; if (again) { again = false; refresh(); } });
  }

  var kind = feed ? feed.getAttribute("data-stream") : "";
  var stream = new EventSource("/api/v1/streaming/user");
  stream.addEventListener("notification", function () {
    if (kind === "notifications") { refresh(); return; }
    unread += 1;
    if (badge) badge.textContent = String(unread);
  });
  if (kind && kind !== "notifications" && kind !== "user") {
    var extra = new EventSource("/api/v1/streaming/" + kind);
    extra.addEventListener("update", refresh);
  } else if (kind === "user") {
    stream.addEventListener("update", refresh);
  }
})();
