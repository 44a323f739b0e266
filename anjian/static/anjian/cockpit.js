/* 领导驾驶舱 (anjian/dashboard/cockpit.py): the map's layers from the registry
   (anjian/core/maplayers.py; each has a URL answering GeoJSON), toggled by their check boxes, and
   the auto-refresh: every data-refresh-seconds the figures and the layers are fetched again —
   only while the tab is visible; a tab coming back after the interval refreshes at once. */
(function () {
  var RISK = { red: "#d9001b", orange: "#e86a00", yellow: "#f5c400", blue: "#1a66cc" };
  var el = document.getElementById("cockpit-map");
  var body = document.getElementById("cockpit-body");
  var map = null, drawn = {}, layers = [];

  function esc(s) { var t = document.createElement("span"); t.textContent = s == null ? "" : String(s); return t.innerHTML; }

  function draw(la) {
    return fetch(la.url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (fc) {
      if (!fc) { return null; }
      if (drawn[la.code]) { map.removeLayer(drawn[la.code]); }
      var layer = L.geoJSON(fc, {
        style: function (f) {
          var c = RISK[f.properties.colour] || la.colour;
          return { color: c, weight: 1.5, fillColor: c, fillOpacity: 0.35 };
        },
        pointToLayer: function (f, latlng) {
          var c = RISK[f.properties.colour] || la.colour;
          return L.circleMarker(latlng, { radius: 6, color: "#fff", weight: 1.5, fillColor: c, fillOpacity: 0.95 });
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          l.bindPopup(p.url ? '<a href="' + esc(p.url) + '">' + esc(p.name) + "</a>" : esc(p.name));
        }
      });
      drawn[la.code] = layer;
      var box = document.getElementById("layer-" + la.code);
      if (!box || box.checked) { layer.addTo(map); }
      el.dataset["loaded" + la.code.replace(/(^|_)(\w)/g, function (m, a, b) { return b.toUpperCase(); })] = String(fc.features.length);
      return layer;
    });
  }

  if (el && window.L && window.ajMap) {
    layers = JSON.parse(el.dataset.layers || "[]");
    map = ajMap(el);
    Promise.all(layers.map(draw)).then(function (done) {
      var areas = drawn.areas && drawn.areas.getBounds();
      map.ajScope.then(function (scope) { ajFit(map, areas && areas.isValid() ? areas : scope, scope, 16); });
      el.dataset.ready = "1";
    });
    document.querySelectorAll("[data-layer]").forEach(function (box) {
      box.addEventListener("change", function () {
        var layer = drawn[box.dataset.layer];
        if (!layer) { return; }
        if (box.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
      });
    });
  }

  if (!body) { return; }
  var seconds = parseInt(body.dataset.refreshSeconds || "60", 10);
  var last = Date.now();
  function refresh() {
    last = Date.now();
    if (window.htmx) {
      htmx.ajax("GET", body.dataset.refreshUrl, { target: "#cockpit-body", swap: "innerHTML" });
    }
    if (map) { layers.forEach(draw); }
  }
  setInterval(function () { if (!document.hidden && Date.now() - last >= seconds * 1000) { refresh(); } }, 5000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && Date.now() - last >= seconds * 1000) { refresh(); }
  });
})();
