/* Edit one unit's boundary on the map (行政区划调整): drag a vertex to move it, click the small
   mark in the middle of an edge to add a vertex there, double-click a vertex to remove it. The
   parent (solid) and the siblings (dashed) are drawn for reference. The edited polygon is written
   as GeoJSON into the form's hidden "geometry" field; the server checks it like an import. */
(function () {
  var el = document.getElementById("boundary-map");
  if (!el) { return; }
  var field = document.querySelector("input[name=geometry]");
  var map = ajMap(el, { doubleClickZoom: false });
  var MAX_HANDLES = 3000;
  var rings = [];      /* [[L.LatLng, ...], ...]: every outer and inner ring of the unit */
  var shape = null;
  var handles = L.layerGroup().addTo(map);

  function vertexIcon(mid) {
    return L.divIcon({ className: mid ? "aj-vertex aj-vertex-mid" : "aj-vertex", iconSize: mid ? [10, 10] : [14, 14] });
  }

  function toGeoJSON() {
    var polys = [];
    var current = null;
    rings.forEach(function (ring) {
      var coords = ring.map(function (p) { return [p.lng, p.lat]; });
      coords.push(coords[0]);
      if (ring.outer) { current = [coords]; polys.push(current); } else if (current) { current.push(coords); }
    });
    return polys.length === 1 ? { type: "Polygon", coordinates: polys[0] } : { type: "MultiPolygon", coordinates: polys };
  }

  function redraw() {
    if (shape) { map.removeLayer(shape); }
    shape = L.polygon(rings.map(function (r) { return r; }), { color: "#c62828", weight: 2, fillOpacity: 0.15 }).addTo(map);
    field.value = JSON.stringify(toGeoJSON());
    el.dataset.vertices = String(rings.reduce(function (n, r) { return n + r.length; }, 0));
  }

  function drawHandles() {
    handles.clearLayers();
    var total = rings.reduce(function (n, r) { return n + r.length; }, 0);
    if (total > MAX_HANDLES) { el.dataset.tooMany = "1"; return; }
    rings.forEach(function (ring) {
      ring.forEach(function (p, i) {
        var m = L.marker(p, { draggable: true, icon: vertexIcon(false), keyboard: false });
        m.on("drag", function (e) { ring[i] = e.target.getLatLng(); redraw(); });
        m.on("dragend", drawHandles);
        m.on("dblclick", function () { if (ring.length > 3) { ring.splice(i, 1); redraw(); drawHandles(); } });
        handles.addLayer(m);
        var q = ring[(i + 1) % ring.length];
        var mid = L.marker([(p.lat + q.lat) / 2, (p.lng + q.lng) / 2], { icon: vertexIcon(true), keyboard: false });
        mid.on("click", function (e) { ring.splice(i + 1, 0, e.target.getLatLng()); redraw(); drawHandles(); });
        handles.addLayer(mid);
      });
    });
  }

  function load(geometry) {
    var polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    rings = [];
    polys.forEach(function (poly) {
      poly.forEach(function (coords, k) {
        var ring = coords.slice(0, -1).map(function (c) { return L.latLng(c[1], c[0]); });
        ring.outer = k === 0;
        rings.push(ring);
      });
    });
    redraw();
    drawHandles();
  }

  fetch(el.dataset.geojson, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
    var unit = fc.features.filter(function (f) { return f.properties.role === "unit"; })[0];
    ajFit(map, unit ? L.geoJSON(unit).getBounds() : null);  /* a view first: vectors need one */
    fc.features.forEach(function (f) {
      if (f === unit) { return; }
      L.geoJSON(f, { interactive: false, style: f.properties.role === "parent"
        ? { color: "#0d47a1", weight: 2, fill: false }
        : { color: "#5f6b7a", weight: 1, dashArray: "5 4", fill: false } }).addTo(map);
    });
    if (unit) { load(unit.geometry); }
    el.dataset.ready = "1";
  });

  var reset = document.getElementById("boundary-reset");
  if (reset) { reset.addEventListener("click", function () { window.location.reload(); }); }
})();
