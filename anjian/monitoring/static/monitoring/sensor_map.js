/* The sensors the user may see, by state, refreshed every 5 s without reloading the page, over
   the user's jurisdiction boundaries (anjian/basemap.js). */
(function () {
  var el = document.getElementById("sensor-map");
  if (!el) { return; }
  var map = ajMap(el);
  var colours = { alarm: "#d9001b", offline: "#6c757d", normal: "#198754", unknown: "#adb5bd" };
  var layer = null, fitted = false;
  function refresh() {
    fetch(el.dataset.points, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
      if (layer) { map.removeLayer(layer); }
      layer = L.geoJSON(fc, {
        pointToLayer: function (f, latlng) {
          var c = colours[f.properties.state] || colours.unknown;
          return L.circleMarker(latlng, { radius: f.properties.state === "alarm" ? 9 : 6, color: "#222", weight: 1, fillColor: c, fillOpacity: 0.9 });
        },
        onEachFeature: function (f, l) {
          var a = document.createElement("a");
          a.href = f.properties.url;
          a.textContent = f.properties.enterprise + " · " + f.properties.code + " " + (f.properties.value === null ? "—" : f.properties.value + " " + f.properties.unit);
          l.bindPopup(a);
        }
      }).addTo(map);
      ["alarm", "offline", "normal"].forEach(function (s) { document.getElementById("n-" + s).textContent = fc.counts[s] || 0; });
      el.dataset.loaded = String(fc.features.length);
      if (!fitted) {
        fitted = true;
        // The first view is the user's territory; without one (an enterprise account) the sensors.
        var sensors = layer.getBounds().isValid() ? layer.getBounds().pad(0.2) : null;
        map.ajScope.then(function (scope) { ajFit(map, scope, sensors, 15); });
      }
    });
  }
  refresh();
  setInterval(refresh, 5000);
})();
