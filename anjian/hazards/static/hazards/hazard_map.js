/* Hazard points coloured by level: 重大 red, 一般 yellow (with a dark outline for contrast). */
(function () {
  var el = document.getElementById("hz-map");
  if (!el) { return; }
  var map = L.map(el, { attributionControl: true });
  if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map); }
  var style = {
    major: { color: "#5c0010", fillColor: "#d9001b", fillOpacity: 0.9, radius: 8, weight: 2 },
    general: { color: "#333333", fillColor: "#f5c400", fillOpacity: 0.9, radius: 7, weight: 1 }
  };
  fetch(el.dataset.points, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
    var layer = L.geoJSON(fc, {
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, style[f.properties.level] || style.general); },
      onEachFeature: function (f, l) {
        var a = document.createElement("a");
        a.href = f.properties.url; a.textContent = f.properties.name;
        l.bindPopup(a);
      }
    }).addTo(map);
    if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 16 }); } else { map.setView([22.55, 114.06], 10); }
  });
})();
