/* The public report form: pin the place by tapping the map (a marker that can be dragged), or
   with the phone's GPS, which also centres the map; and show the real-name fields only when real
   name is chosen. The map works without tiles (the city's boundaries on a plain background,
   anjian/basemap.js), and the form works without JavaScript too (address only). */
(function () {
  var lng = document.getElementById("id_lng"), lat = document.getElementById("id_lat");
  var pos = document.getElementById("pr-pos"), marker = null, map = null;
  var el = document.getElementById("pr-map");
  function place(x, y) {
    if (!map) { return; }
    if (marker) { marker.setLatLng([y, x]); return; }
    marker = L.marker([y, x], { draggable: true, keyboard: false }).addTo(map);
    marker.on("dragend", function () { var p = marker.getLatLng(); setPoint(p.lng, p.lat, null, false); });
  }
  function setPoint(x, y, acc, centre) {
    lng.value = x.toFixed(6); lat.value = y.toFixed(6);
    pos.textContent = "✓ " + lng.value + ", " + lat.value + (acc ? " (±" + Math.round(acc) + " m)" : "");
    place(x, y);
    if (map && centre) { map.setView([y, x], el.dataset.tiles ? 17 : Math.max(map.getZoom(), 13)); }
  }
  if (el && window.L && window.ajMap) {
    map = ajMap(el);
    map.on("click", function (e) { setPoint(e.latlng.lng, e.latlng.lat, null, false); });
    if (lng.value && lat.value) {  // a form shown again after an error keeps the point
      setPoint(parseFloat(lng.value), parseFloat(lat.value), null, true);
    } else {
      map.setView([22.55, 114.06], 10);
    }
    map.ajScope.then(function (city) { if (!marker) { ajFit(map, city, null, 14); } });
  } else if (el) {
    el.hidden = true;
  }
  var btn = document.getElementById("pr-locate");
  if (btn) {
    if (!navigator.geolocation) { btn.hidden = true; }
    btn.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (p) { setPoint(p.coords.longitude, p.coords.latitude, p.coords.accuracy, true); },
        function () { pos.textContent = btn.dataset.fail || "—"; }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }
  var ident = document.getElementById("pr-ident");
  function sync() {
    var real = document.querySelector("input[name=real_name]:checked");
    ident.hidden = !(real && real.value === "1");
  }
  document.querySelectorAll("input[name=real_name]").forEach(function (r) { r.addEventListener("change", sync); });
  sync();
})();
