/* Boundary maps. Tiles only when configured (public tile servers are unreachable from many
   government networks); otherwise the vectors are drawn on a plain background. */
(function () {
  document.querySelectorAll("[data-geojson]").forEach(function (el) {
    var map = L.map(el, { attributionControl: true });
    if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map); }
    fetch(el.dataset.geojson, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
      var layer = L.geoJSON(fc, {
        style: function (f) { return f.properties.id === fc.features[0].properties.id ? { color: "#0d6efd", weight: 3, fillOpacity: 0.05 } : { color: "#6c757d", weight: 1, fillOpacity: 0.1 }; },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.name); }
      }).addTo(map);
      if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); } else { map.setView([22.55, 114.06], 10); }
    });
  });
})();
