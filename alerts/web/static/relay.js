/* The relay form: the time is typed in the CLA's local time; the browser's
   UTC offset goes with it, so the server stores UTC. */
(function () {
  "use strict";
  var offset = document.getElementById("tz-offset");
  var input = document.getElementById("reported-at");
  var zone = document.getElementById("reported-at-zone");
  if (!offset || !input) return;
  offset.value = String(new Date().getTimezoneOffset());
  try {
    if (zone) zone.textContent = "(your local time, " + (Intl.DateTimeFormat().resolvedOptions().timeZone || "browser zone") + ")";
  } catch (e) { /* keep (UTC) label off: the offset is still sent */ }
  if (!input.value) {
    var now = new Date(Date.now() - new Date().getTimezoneOffset() * 60000);
    input.value = now.toISOString().slice(0, 16);
  }
})();
