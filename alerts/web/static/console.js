/* Shared by every console page: the live stream, local times, countdowns.
   No inline script anywhere (the Content-Security-Policy forbids it). */
(function () {
  "use strict";

  var statusEl = document.getElementById("live-status");

  function setStatus(state, text) {
    if (!statusEl) return;
    statusEl.hidden = false;
    statusEl.dataset.state = state;
    statusEl.textContent = text;
  }

  /* Calls onChange(notice) for each change in the user's scope, and onResync()
     on every (re)connect: anything missed while disconnected is fetched again.
     Falls back to polling every 20 s while the stream is unavailable. */
  function connect(url, onChange, onResync) {
    var source = null;
    var pollTimer = null;

    function startPolling() {
      if (pollTimer) return;
      pollTimer = window.setInterval(onResync, 20000);
    }
    function stopPolling() {
      if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
    }
    function open() {
      setStatus("connecting", "Connecting…");
      source = new EventSource(url);
      source.addEventListener("hello", function () {
        setStatus("live", "● Live");
        stopPolling();
        onResync();
      });
      source.addEventListener("change", function (event) {
        var notice = {};
        try { notice = JSON.parse(event.data); } catch (e) { return; }
        onChange(notice);
      });
      source.addEventListener("unavailable", function () {
        setStatus("degraded", "◐ Live updates paused — refreshing every 20 s");
        startPolling();
      });
      source.addEventListener("logout", function () {
        source.close();
        window.location.assign("/console/login");
      });
      source.onerror = function () {
        setStatus("reconnecting", "○ Reconnecting…");
        startPolling();
      };
    }
    open();
    return function close() { if (source) source.close(); stopPolling(); };
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function localTime(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return "";
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) +
      (zone ? " " + zone : "");
  }

  function fillLocalTimes(root) {
    (root || document).querySelectorAll("td.local[data-utc]").forEach(function (cell) {
      cell.textContent = localTime(cell.dataset.utc);
    });
    (root || document).querySelectorAll("time[data-local]").forEach(function (el) {
      if (!el.dataset.utcText) el.dataset.utcText = el.textContent;
      var local = localTime(el.getAttribute("datetime"));
      if (local) el.textContent = el.dataset.utcText + " (local " + local + ")";
    });
  }

  function formatLeft(seconds) {
    var sign = seconds < 0 ? "overdue " : "";
    seconds = Math.abs(seconds);
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return sign + (h ? h + "h " + pad(m) + "m" : m + "m " + pad(s) + "s");
  }

  /* Countdowns run from the seconds the server computed when it rendered the
     element (data-left), not from the browser's clock, which may be skewed. */
  function tickCountdowns() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-left]").forEach(function (el) {
      if (!el.dataset.shownAt) el.dataset.shownAt = String(now);
      var left = Number(el.dataset.left) - Math.round((now - Number(el.dataset.shownAt)) / 1000);
      if (isNaN(left)) return;
      el.textContent = formatLeft(left);
      el.classList.toggle("overdue", left < 0);
    });
  }
  window.setInterval(tickCountdowns, 1000);

  function fetchHtml(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.status === 401) { window.location.assign("/console/login"); throw new Error("logged out"); }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      });
  }

  window.Console = {
    connect: connect,
    fillLocalTimes: fillLocalTimes,
    tickCountdowns: tickCountdowns,
    fetchHtml: fetchHtml,
    setStatus: setStatus
  };
  fillLocalTimes(document);
  tickCountdowns();
})();
