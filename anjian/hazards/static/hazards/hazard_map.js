/* Hazard points coloured by level: 重大 red, 一般 yellow (with a dark outline for contrast), over
   the user's jurisdiction boundaries (anjian/basemap.js). */
(function () {
  var el = document.getElementById("hz-map");
  if (!el) { return; }
  var map = ajMap(el);
  var style = {
    major: { color: "#5c0010", fillColor: "#d9001b", fillOpacity: 0.9, radius: 8, weight: 2 },
    general: { color: "#333333", fillColor: "#f5c400", fillOpacity: 0.9, radius: 7, weight: 1 }
  };
  var points = fetch(el.dataset.points, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
    var layer = L.geoJSON(fc, {
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, style[f.properties.level] || style.general); },
      onEachFeature: function (f, l) {
        var a = document.createElement("a");
        a.href = f.properties.url; a.textContent = f.properties.name;
        l.bindPopup(a);
      }
    }).addTo(map);
    el.dataset.loaded = String(fc.features.length);
    return layer.getBounds().isValid() ? layer.getBounds().pad(0.2) : null;
  });
  // The first view is the user's territory; without one (an enterprise account) the points.
  Promise.all([map.ajScope, points]).then(function (b) { ajFit(map, b[0], b[1], 16); });
})();
