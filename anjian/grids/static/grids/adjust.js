/* 行政区划调整 maps. Split: click on the map to draw the new unit's outline (at least three
   points); the outline is written as GeoJSON into the form's hidden "geometry" field. Both pages
   draw the unit (blue), its siblings (dashed) and, after a preview, the result (red: the new part
   or the merged unit; blue dashed: what the split street keeps). */
(function () {
  var el = document.getElementById("adjust-map");
  if (!el) { return; }
  var split = el.dataset.mode === "split";
  var field = document.querySelector("input[name=geometry]");
  var map = ajMap(el, { doubleClickZoom: false });
  var points = [];
  var outline = null;
  var previewEl = document.getElementById("adjust-preview-shapes");
  var shapes = previewEl ? JSON.parse(previewEl.textContent) : {};

  function redraw() {
    if (outline) { map.removeLayer(outline); outline = null; }
    if (points.length >= 2) {
      outline = L.polygon(points, { color: "#c62828", weight: 2, fillOpacity: 0.2 }).addTo(map);
    }
    if (field) {
      if (points.length >= 3) {
        var ring = points.map(function (p) { return [p.lng, p.lat]; });
        ring.push(ring[0]);
        field.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      } else if (!shapes.part) {
        field.value = "";
      }
    }
    el.dataset.points = String(points.length);
  }

  fetch(el.dataset.geojson, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
    var unit = fc.features.filter(function (f) { return f.properties.role === "unit"; })[0];
    ajFit(map, unit ? L.geoJSON(unit).getBounds() : null);
    fc.features.forEach(function (f) {
      var own = f.properties.role === "unit";
      L.geoJSON(f, { interactive: false, style: own ? { color: "#0d47a1", weight: 2, fillOpacity: 0.05 }
        : { color: "#5f6b7a", weight: 1, dashArray: "5 4", fill: false } })
        .bindTooltip(f.properties.name).addTo(map);
    });
    if (shapes.part) { L.geoJSON(shapes.part, { style: { color: "#c62828", weight: 2, fillOpacity: 0.25 } }).addTo(map); }
    if (shapes.rest) { L.geoJSON(shapes.rest, { style: { color: "#0d47a1", weight: 2, dashArray: "6 3", fillOpacity: 0.1 } }).addTo(map); }
    el.dataset.ready = "1";
  });

  if (split) {
    map.on("click", function (e) { points.push(e.latlng); redraw(); });
    var undo = document.getElementById("draw-undo");
    var clear = document.getElementById("draw-clear");
    if (undo) { undo.addEventListener("click", function () { points.pop(); redraw(); }); }
    if (clear) { clear.addEventListener("click", function () { points = []; shapes.part = null; redraw(); }); }
  }
})();
