/* One grid's boundary and its key places: 重大危险源 diamonds-red outline, 人员密集场所 blue,
   other flagged units grey; each marker also carries its name and flags in the popup. */
(function () {
  var el = document.getElementById("grid-map");
  if (!el) { return; }
  var map = ajMap(el);  // the user's jurisdiction boundaries underneath (anjian/basemap.js)
  var style = {
    major_hazard_source: { color: "#5c0010", fillColor: "#d9001b", fillOpacity: 0.9, radius: 8, weight: 2 },
    crowded_place: { color: "#08306b", fillColor: "#2c7bb6", fillOpacity: 0.9, radius: 7, weight: 2 },
    other: { color: "#333333", fillColor: "#9e9e9e", fillOpacity: 0.9, radius: 6, weight: 1 }
  };
  function esc(s) { var t = document.createElement("span"); t.textContent = s == null ? "" : String(s); return t.innerHTML; }
  fetch(el.dataset.geojson, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
    var boundary = L.geoJSON({ type: "FeatureCollection", features: fc.features.filter(function (f) { return f.geometry.type !== "Point"; }) },
      { style: { color: "#0d6efd", weight: 3, fillOpacity: 0.06 } }).addTo(map);
    L.geoJSON({ type: "FeatureCollection", features: fc.features.filter(function (f) { return f.geometry.type === "Point"; }) }, {
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, style[f.properties.kind] || style.other); },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindPopup('<a href="' + esc(p.url) + '">' + esc(p.name) + "</a><br><small>" + esc((p.flags || []).join("、")) + "</small>");
      }
    }).addTo(map);
    var own = boundary.getBounds().isValid() ? boundary.getBounds().pad(0.05) : null;
    map.ajScope.then(function (scope) { ajFit(map, own, scope, 18); });
  });
})();
