/* The boundary import preview: new units blue, updated ones orange, units with a finding red. */
(function () {
  document.querySelectorAll("[data-boundary-preview]").forEach(function (el) {
    var map = L.map(el, { attributionControl: true });
    if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map); }
    fetch(el.dataset.boundaryPreview, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
      var layer = L.geoJSON(fc, {
        style: function (f) {
          var colour = f.properties.flagged ? "#dc3545" : (f.properties.action === "update" ? "#fd7e14" : "#0d6efd");
          return { color: colour, weight: 1.5, fillOpacity: 0.15 };
        },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.name + " " + f.properties.code); }
      }).addTo(map);
      if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); } else { map.setView([22.55, 114.06], 10); }
    });
  });
})();
