/* Draw a geofence on the map (the way boundaries are edited, orgs/boundary_edit.js): click to add
   vertices; click the first vertex (or double-click) to finish; drag a vertex to move it,
   double-click it to remove it. A no-go or speed zone is a polygon; a route is a line (the
   corridor width is applied by the server). Written as GeoJSON into the hidden geometry field. */
(function () {
  var el = document.getElementById("draw-map");
  if (!el) { return; }
  var field = document.getElementById(el.dataset.geometryField);
  var kindSelect = document.getElementById("id_kind");
  var map = ajMap(el, { doubleClickZoom: false });
  var points = [], closed = false, shape = null;
  var handles = L.layerGroup().addTo(map);
  function isLine() { return kindSelect && kindSelect.value === "route"; }
  function icon() { return L.divIcon({ className: "aj-vertex", iconSize: [14, 14] }); }
  function write() {
    var coords = points.map(function (p) { return [Number(p.lng.toFixed(7)), Number(p.lat.toFixed(7))]; });
    if (isLine() && coords.length >= 2) {
      field.value = JSON.stringify({ type: "LineString", coordinates: coords });
    } else if (!isLine() && closed && coords.length >= 3) {
      coords.push(coords[0]);
      field.value = JSON.stringify({ type: "Polygon", coordinates: [coords] });
    } else { field.value = ""; }
    el.dataset.vertices = String(points.length);
  }
  function redraw() {
    if (shape) { map.removeLayer(shape); }
    shape = null;
    if (points.length >= 2) {
      shape = (isLine() || !closed)
        ? L.polyline(points, { color: isLine() ? "#2e7d32" : "#c62828", weight: isLine() ? 4 : 2, dashArray: closed || isLine() ? null : "4 4" })
        : L.polygon(points, { color: "#c62828", weight: 2, fillOpacity: 0.18 });
      shape.addTo(map);
    }
    handles.clearLayers();
    points.forEach(function (p, i) {
      var m = L.marker(p, { draggable: true, icon: icon(), keyboard: false });
      m.on("drag", function (e) { points[i] = e.target.getLatLng(); write(); if (shape) { shape.setLatLngs(points); } });
      m.on("dragend", redraw);
      m.on("click", function () { if (i === 0 && !isLine() && points.length >= 3) { closed = true; redraw(); } });
      m.on("dblclick", function () { if (points.length > 2) { points.splice(i, 1); redraw(); } });
      handles.addLayer(m);
    });
    write();
  }
  map.on("click", function (e) { if (closed) { return; } points.push(e.latlng); redraw(); });
  map.on("dblclick", function () { if (!isLine() && points.length >= 3) { closed = true; redraw(); } });
  if (kindSelect) { kindSelect.addEventListener("change", function () { closed = !isLine() && closed; redraw(); }); }
  document.getElementById("draw-clear").addEventListener("click", function () { points = []; closed = false; redraw(); });
  var initial = null;
  try { initial = field.value ? JSON.parse(field.value) : null; } catch (err) { initial = null; }
  if (initial && initial.type === "Polygon") {
    points = initial.coordinates[0].slice(0, -1).map(function (c) { return L.latLng(c[1], c[0]); }); closed = true;
  } else if (initial && initial.type === "LineString") {
    points = initial.coordinates.map(function (c) { return L.latLng(c[1], c[0]); });
  }
  redraw();
  var own = points.length ? L.latLngBounds(points).pad(0.3) : null;
  map.ajScope.then(function (scope) { ajFit(map, own, scope, 16); el.dataset.ready = "1"; });
})();
