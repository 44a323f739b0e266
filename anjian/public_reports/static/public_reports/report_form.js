/* The public report form: pin the place (map when tiles are configured, or the phone's GPS),
   and show the real-name fields only when real-name is chosen. Works without JavaScript too. */
(function () {
  var lng = document.getElementById("id_lng"), lat = document.getElementById("id_lat");
  var pos = document.getElementById("pr-pos"), marker = null, map = null;
  function setPoint(x, y, acc) {
    lng.value = x.toFixed(6); lat.value = y.toFixed(6);
    pos.textContent = "✓ " + lng.value + ", " + lat.value + (acc ? " (±" + Math.round(acc) + " m)" : "");
    if (map) { if (marker) { marker.setLatLng([y, x]); } else { marker = L.marker([y, x]).addTo(map); } map.setView([y, x], 16); }
  }
  var el = document.getElementById("pr-map");
  if (el && window.L) {
    map = L.map(el).setView([22.55, 114.06], 11);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    map.on("click", function (e) { setPoint(e.latlng.lng, e.latlng.lat); });
    if (lng.value && lat.value) { setPoint(parseFloat(lng.value), parseFloat(lat.value)); }
  }
  var btn = document.getElementById("pr-locate");
  if (btn) {
    if (!navigator.geolocation) { btn.hidden = true; }
    btn.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (p) { setPoint(p.coords.longitude, p.coords.latitude, p.coords.accuracy); },
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
