/* A grid inspector's home: today's patrol tasks as points over the grid (anjian/basemap.js). */
(function () {
  var RISK = { red: "#d9001b", orange: "#e86a00", yellow: "#f5c400", blue: "#1a66cc" };
  var el = document.getElementById("patrol-map");
  if (!el || !window.ajMap) { return; }
  function esc(s) { var t = document.createElement("span"); t.textContent = s == null ? "" : String(s); return t.innerHTML; }
  var map = ajMap(el);
  var fc = JSON.parse(el.dataset.points || '{"type":"FeatureCollection","features":[]}');
  var layer = L.geoJSON(fc, {
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 1.5, fillColor: RISK[f.properties.colour] || "#0d6efd", fillOpacity: 0.95 });
    },
    onEachFeature: function (f, l) { l.bindPopup('<a href="' + esc(f.properties.url) + '">' + esc(f.properties.name) + "</a>"); }
  }).addTo(map);
  map.ajScope.then(function (scope) { ajFit(map, layer.getBounds(), scope, 16); el.dataset.ready = "1"; });
})();
