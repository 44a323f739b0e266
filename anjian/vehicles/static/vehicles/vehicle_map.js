/* Vehicle maps over the user's jurisdiction boundaries (anjian/basemap.js):
   - #vehicle-map: the live map — latest positions refreshed every 10 s (red when an alarm is
     active), the geofences, and a chosen vehicle's track for a time span with its alarms;
   - #fence-map: the geofences (the list page) or one geofence (data-geometry, its page). */
(function () {
  var FENCE_STYLE = {
    no_go: { color: "#c62828", weight: 2, fillOpacity: 0.18 },
    route: { color: "#2e7d32", weight: 4, opacity: 0.7, fillOpacity: 0.08 },
    speed: { color: "#ef6c00", weight: 2, dashArray: "6 4", fillOpacity: 0.08 }
  };
  function esc(s) { var t = document.createElement("span"); t.textContent = s == null ? "" : String(s); return t.innerHTML; }
  function json(url) { return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }); }
  function fenceLayer(fc) {
    return L.geoJSON(fc, {
      style: function (f) { return FENCE_STYLE[f.properties.kind] || FENCE_STYLE.no_go; },
      onEachFeature: function (f, l) {
        if (f.properties.url) { l.bindPopup('<a href="' + esc(f.properties.url) + '">' + esc(f.properties.name) + "</a> · " + esc(f.properties.label)); }
      }
    });
  }

  var fenceEl = document.getElementById("fence-map");
  if (fenceEl) {
    var fmap = ajMap(fenceEl);
    var one = fenceEl.dataset.geometry;
    var loaded = one
      ? Promise.resolve({ type: "FeatureCollection", features: [{ type: "Feature", geometry: JSON.parse(one), properties: { kind: fenceEl.dataset.kind } }] })
      : json(fenceEl.dataset.fences);
    loaded.then(function (fc) {
      var layer = fenceLayer(fc).addTo(fmap);
      fenceEl.dataset.loaded = String(fc.features.length);
      var own = layer.getBounds().isValid() ? layer.getBounds().pad(0.2) : null;
      if (one) { ajFit(fmap, own, null, 16); } else { fmap.ajScope.then(function (scope) { ajFit(fmap, scope, own, 15); }); }
    });
  }

  var el = document.getElementById("vehicle-map");
  if (!el) { return; }
  var map = ajMap(el);
  var unit = el.dataset.speedUnit || "km/h";
  json(el.dataset.fences).then(function (fc) { fenceLayer(fc).addTo(map); el.dataset.fences_loaded = String(fc.features.length); });
  var live = null, fitted = false, track = L.layerGroup().addTo(map);
  function refresh() {
    json(el.dataset.live).then(function (fc) {
      if (live) { map.removeLayer(live); }
      live = L.geoJSON(fc, {
        pointToLayer: function (f, latlng) {
          var alarm = f.properties.alarms.length > 0;
          return L.circleMarker(latlng, { radius: alarm ? 8 : 6, color: "#222", weight: 1, fillColor: alarm ? "#d9001b" : "#0d6efd", fillOpacity: 0.9 });
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          l.bindPopup('<a href="' + esc(p.url) + '">' + esc(p.plate) + "</a> · " + esc(p.kind) + "<br>" + esc(p.carrier) +
            "<br>" + esc(p.time) + " · " + esc(p.speed == null ? "—" : Math.round(p.speed)) + " " + esc(unit) +
            (p.alarms.length ? '<br><span class="text-danger">' + p.alarms.map(esc).join("、") + "</span>" : ""));
        }
      }).addTo(map);
      document.getElementById("n-total").textContent = fc.counts.total;
      document.getElementById("n-alarm").textContent = fc.counts.alarm;
      el.dataset.loaded = String(fc.features.length);
      if (!fitted) {
        fitted = true;
        var own = live.getBounds().isValid() ? live.getBounds().pad(0.2) : null;
        map.ajScope.then(function (scope) { ajFit(map, scope, own, 15); });
      }
    });
  }
  refresh();
  setInterval(refresh, 10000);

  var form = document.getElementById("track-form");
  var info = document.getElementById("track-info");
  function showTrack() {
    var id = document.getElementById("track-vehicle").value;
    track.clearLayers();
    info.textContent = "";
    if (!id) { return; }
    var q = "?start=" + encodeURIComponent(document.getElementById("track-start").value) + "&end=" + encodeURIComponent(document.getElementById("track-end").value);
    json(el.dataset.track.replace("/0/", "/" + encodeURIComponent(id) + "/") + q).then(function (t) {
      el.dataset.trackPoints = String(t.points.length);
      if (!t.points.length) { info.textContent = t.plate + " · " + info.dataset.empty; return; }
      var latlngs = t.points.map(function (p) { return [p[1], p[0]]; });
      var line = L.polyline(latlngs, { color: "#6f42c1", weight: 3 }).addTo(track);
      L.circleMarker(latlngs[0], { radius: 5, color: "#6f42c1", fillColor: "#fff", fillOpacity: 1 }).bindTooltip(esc(t.times[0])).addTo(track);
      L.circleMarker(latlngs[latlngs.length - 1], { radius: 6, color: "#6f42c1", fillColor: "#6f42c1", fillOpacity: 1 }).bindTooltip(esc(t.times[t.times.length - 1])).addTo(track);
      t.alarms.forEach(function (a) {
        L.circleMarker([a.lat, a.lng], { radius: 7, color: "#d9001b", weight: 2, fillOpacity: 0 })
          .bindPopup('<a href="' + esc(a.url) + '">' + esc(a.time) + " " + esc(a.kind) + "</a>").addTo(track);
      });
      info.textContent = t.plate + " · " + t.points.length + " " + info.dataset.points;
      map.fitBounds(line.getBounds().pad(0.2), { maxZoom: 16 });
    });
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); showTrack(); });
  document.getElementById("track-clear").addEventListener("click", function () { track.clearLayers(); info.textContent = ""; });
  if (document.getElementById("track-vehicle").value) { showTrack(); }
})();
