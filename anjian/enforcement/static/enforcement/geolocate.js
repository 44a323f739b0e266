// Fill the hidden lng/lat/accuracy fields of a finding form with the phone's position (WGS-84).
(function () {
  document.querySelectorAll("form[data-geolocate]").forEach(function (form) {
    if (!navigator.geolocation) return;
    var status = form.querySelector("[data-geo-status]");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("[name=lng]").value = pos.coords.longitude.toFixed(6);
      form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(6);
      form.querySelector("[name=accuracy]").value = Math.round(pos.coords.accuracy);
      if (status) status.textContent = pos.coords.longitude.toFixed(5) + ", " + pos.coords.latitude.toFixed(5) + " ±" + Math.round(pos.coords.accuracy) + " m";
    }, function () {}, {enableHighAccuracy: true, timeout: 10000});
  });
})();
