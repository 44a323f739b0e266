/* The city's sensors by state, refreshed every 5 s without reloading the page. */
(function () {
  var el = document.getElementById("sensor-map");
  if (!el) { return; }
  var map = L.map(el);
  if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map); }
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
      if (!fitted) {
        if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 15 }); } else { map.setView([22.55, 114.06], 10); }
        fitted = true;
      }
    });
  }
  refresh();
  setInterval(refresh, 5000);
})();
