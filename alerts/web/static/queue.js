/* The live queue: rows replaced when the stream says something changed,
   keyboard navigation that survives the replacement. */
(function () {
  "use strict";
  var table = document.getElementById("queue");
  if (!table) return;
  var body = document.getElementById("queue-rows");
  var pending = null;

  function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr[data-incident-id]")); }

  function focusRow(row) {
    if (!row) return;
    rows().forEach(function (r) { r.tabIndex = -1; });
    row.tabIndex = 0;
    row.focus();
  }

  function rovingDefault() {
    var all = rows();
    if (all.length && !all.some(function (r) { return r.tabIndex === 0; })) all[0].tabIndex = 0;
  }

  function refresh() {
    var focusedId = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest("tr[data-incident-id]");
    focusedId = focusedId ? focusedId.dataset.incidentId : null;
    window.Console.fetchHtml(table.dataset.rowsUrl).then(function (html) {
      body.innerHTML = html;
      window.Console.tickCountdowns();
      rovingDefault();
      if (focusedId) {
        var again = body.querySelector('tr[data-incident-id="' + focusedId + '"]');
        if (again) focusRow(again);
      }
    }).catch(function () { /* the next change or resync tries again */ });
  }

  /* Several changes in a burst make one fetch. */
  function soon() {
    if (pending) return;
    pending = window.setTimeout(function () { pending = null; refresh(); }, 250);
  }

  body.addEventListener("keydown", function (event) {
    var row = event.target.closest("tr[data-incident-id]");
    if (!row) return;
    var all = rows(), index = all.indexOf(row);
    var key = event.key;
    if (key === "ArrowDown" || key === "j") { event.preventDefault(); focusRow(all[Math.min(index + 1, all.length - 1)]); }
    else if (key === "ArrowUp" || key === "k") { event.preventDefault(); focusRow(all[Math.max(index - 1, 0)]); }
    else if (key === "Home") { event.preventDefault(); focusRow(all[0]); }
    else if (key === "End") { event.preventDefault(); focusRow(all[all.length - 1]); }
    else if (key === "Enter" && event.target === row) { event.preventDefault(); window.location.assign(row.dataset.href); }
  });
  body.addEventListener("click", function (event) {
    var row = event.target.closest("tr[data-incident-id]");
    if (row && !event.target.closest("a")) window.location.assign(row.dataset.href);
  });

  rovingDefault();
  window.Console.connect(table.dataset.streamUrl, soon, soon);
})();
