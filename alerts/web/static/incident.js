/* The incident page: the map (Leaflet, vendored), live parts, click-to-relocate. */
(function () {
  "use strict";
  var root = document.getElementById("incident");
  if (!root) return;
  var incidentId = Number(root.dataset.incidentId);
  var parts = document.getElementById("live-parts");

  function refresh() {
    window.Console.fetchHtml(root.dataset.liveUrl).then(function (html) {
      var active = document.activeElement;
      // Someone typing a reveal reason keeps their text: try again on the next change.
      if (active && parts.contains(active) && active.tagName === "INPUT" && active.value) return;
      parts.innerHTML = html;
      window.Console.fillLocalTimes(parts);
      window.Console.tickCountdowns();
      loadMap();
    }).catch(function () { /* next change or resync */ });
  }

  var pending = null;
  function soon() {
    if (pending) return;
    pending = window.setTimeout(function () { pending = null; refresh(); }, 250);
  }

  window.Console.connect(root.dataset.streamUrl, function (notice) {
    if (notice.incident_id === incidentId) soon();
  }, soon);

  /* ---- the map ---- */
  var map = null, layers = null;
  var mapEl = document.getElementById("map");

  function label(marker, text) {
    marker.bindTooltip(text, { permanent: true, direction: "right", className: "map-label" });
  }

  function draw(data) {
    if (!window.L || !mapEl) return;
    if (!map) {
      map = L.map(mapEl, { zoomControl: true, attributionControl: !!root.dataset.tileUrl });
      if (root.dataset.tileUrl) {
        L.tileLayer(root.dataset.tileUrl, { attribution: root.dataset.tileAttribution || "", maxZoom: 18 }).addTo(map);
      } else {
        mapEl.classList.add("plain");
      }
      map.on("click", function (event) {
        var lat = document.getElementById("relocate-lat"), lon = document.getElementById("relocate-lon");
        if (!lat || !lon) return;
        lat.value = event.latlng.lat.toFixed(5);
        lon.value = event.latlng.lng.toFixed(5);
        document.getElementById("relocate-reason").focus();
      });
    }
    if (layers) layers.remove();
    layers = L.featureGroup().addTo(map);
    var bounds = [];     // what the officer must see: incident, reports, candidates
    var nearby = [];     // bases close enough to matter
    (data.places || []).forEach(function (p) {
      var m = L.circleMarker([p.lat, p.lon], { radius: 2, color: "#555", weight: 1, fillOpacity: 0.8, className: "place" }).addTo(layers);
      m.bindTooltip(p.name, { permanent: true, direction: "top", className: "map-label place-label" });
    });
    (data.bases || []).forEach(function (b) {
      var m = L.marker([b.lat, b.lon], { icon: L.divIcon({ className: "base-icon", html: "■", iconSize: [14, 14] }), keyboard: false }).addTo(layers);
      label(m, b.name + (b.kind === "temporary" ? " (TOB)" : ""));
      nearby.push([b.lat, b.lon]);
    });
    (data.units || []).forEach(function (u, i) {
      var m = L.marker([u.lat + 0.004 * (i % 3), u.lon + 0.006], { icon: L.divIcon({ className: "unit-icon", html: "▲", iconSize: [14, 14] }), keyboard: false }).addTo(layers);
      m.bindTooltip(u.callsign + " · " + u.status, { direction: "right" });
    });
    (data.reports || []).forEach(function (r) {
      if (r.radius_m) L.circle([r.lat, r.lon], { radius: r.radius_m, color: "#8a5a00", weight: 1, dashArray: "4 4", fillOpacity: 0.06 }).addTo(layers);
      L.circleMarker([r.lat, r.lon], { radius: 4, color: "#8a5a00", weight: 2, fillOpacity: 0.3 }).addTo(layers).bindTooltip(r.label);
      bounds.push([r.lat, r.lon]);
    });
    (data.candidates || []).forEach(function (c, i) {
      var m = L.circleMarker([c.lat, c.lon], { radius: 6, color: "#5a2ca0", weight: 2, dashArray: "2 3", fillOpacity: 0.2 }).addTo(layers);
      label(m, "Candidate " + (i + 1) + ": " + c.name);
      bounds.push([c.lat, c.lon]);
    });
    var inc = data.incident;
    if (inc && inc.lat !== null && inc.lon !== null) {
      if (inc.radius_m) L.circle([inc.lat, inc.lon], { radius: inc.radius_m, color: "#b00020", weight: 2, fillOpacity: 0.12 }).addTo(layers);
      var m = L.circleMarker([inc.lat, inc.lon], { radius: 7, color: "#b00020", weight: 3, fillOpacity: 0.6 }).addTo(layers);
      label(m, "Incident " + inc.ref + (inc.place ? " · " + inc.place : ""));
      bounds.push([inc.lat, inc.lon]);
    }
    if (bounds.length) {
      var box = L.latLngBounds(bounds);
      // Bases within ~40 km join the view; farther ones would shrink the incident to a dot.
      nearby.forEach(function (b) { if (box.getCenter().distanceTo(b) < 40000) box.extend(b); });
      map.fitBounds(box.pad(0.25), { maxZoom: 13 });
    } else if (nearby.length) {
      map.fitBounds(L.latLngBounds(nearby).pad(0.2));
    } else {
      map.setView([0, 25], 4);
    }
    mapEl.dataset.drawn = "1";
  }

  function loadMap() {
    fetch(root.dataset.mapUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) draw(data); })
      .catch(function () { /* map stays as it was */ });
  }
  loadMap();
})();
