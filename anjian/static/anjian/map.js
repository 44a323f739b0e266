/* A jurisdiction's page: its boundary and its children's, over the user's territory
   (anjian/basemap.js: tiles only when configured, otherwise a plain background). */
(function () {
  document.querySelectorAll("[data-geojson]").forEach(function (el) {
    var map = ajMap(el);  // the user's jurisdiction boundaries underneath (anjian/basemap.js)
    fetch(el.dataset.geojson, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
      var layer = L.geoJSON(fc, {
        style: function (f) { return f.properties.id === fc.features[0].properties.id ? { color: "#0d6efd", weight: 3, fillOpacity: 0.05 } : { color: "#6c757d", weight: 1, fillOpacity: 0.1 }; },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.name); }
      }).addTo(map);
      var own = layer.getBounds();
      map.ajScope.then(function (scope) { ajFit(map, own, scope, 18); });
    });
  });
})();
