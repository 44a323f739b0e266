/* Grid coverage map: each grid polygon filled by its completion-rate band (ColorBrewer RdYlBu,
   colour-blind safe, distinct in lightness too); the figure itself is in the tooltip and, once
   few enough grids are in view, printed on each grid, so nothing depends on telling colours
   apart. A click opens the grid's page. Canvas rendering keeps 2,000 grids fluid. */
(function () {
  var el = document.getElementById("cov-map");
  if (!el) { return; }
  var d = el.dataset;
  var bands = JSON.parse(d.bands || "[]");
  var MAX_LABELS = 120;
  var map = ajMap(el, { preferCanvas: true });
  function esc(s) { var t = document.createElement("span"); t.textContent = s == null ? "" : String(s); return t.innerHTML; }
  function fill(p) { return p.band >= 0 ? bands[p.band] : d.none; }
  function rateText(p) { return p.planned ? p.rate + "%" : d.labelNone; }
  function tooltip(p) {
    return "<strong>" + esc(p.name) + "</strong><br>" + esc(d.labelRate) + " " + esc(rateText(p)) +
      "<br>" + esc(d.labelPlanned) + " " + p.planned + " · " + esc(d.labelDone) + " " + p.done +
      " · " + esc(d.labelOntime) + " " + p.on_time + " · " + esc(d.labelOverdue) + " " + p.overdue;
  }
  var labels = L.layerGroup().addTo(map);
  var items = [];
  function refreshLabels() {
    labels.clearLayers();
    var view = map.getBounds();
    var shown = items.filter(function (it) { return view.intersects(it.bounds); });
    if (shown.length > MAX_LABELS) { return; }
    shown.forEach(function (it) {
      labels.addLayer(L.tooltip({ permanent: true, direction: "center", className: "aj-cov-label", interactive: false })
        .setLatLng(it.bounds.getCenter()).setContent(esc(rateText(it.p))));
    });
  }
  fetch(d.geojson, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
    var layer = L.geoJSON(fc, {
      style: function (f) {
        return { color: "#333", weight: 1, fillColor: fill(f.properties), fillOpacity: 0.75,
                 dashArray: f.properties.band >= 0 ? null : "4 3" };
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        items.push({ p: p, bounds: l.getBounds() });
        l.bindTooltip(tooltip(p), { sticky: true });
        l.on("click", function () { if (p.url) { window.location.href = p.url; } });
        l.on("mouseover", function () { l.setStyle({ weight: 3 }); });
        l.on("mouseout", function () { l.setStyle({ weight: 1 }); });
      }
    }).addTo(map);
    el.dataset.loaded = String(fc.features.length);
    map.on("moveend", refreshLabels);
    // The grids shown (the filter's choice, always inside the user's territory), else the territory.
    var grids = layer.getBounds();
    map.ajScope.then(function (scope) { ajFit(map, grids, scope, 18); refreshLabels(); });
  });
})();
