/* Emergency resources on the map (docs/emergency.md): teams, warehouses, experts and shelters as
   coloured dots over the user's territory (anjian/basemap.js). On an incident's page the incident
   is a large red dot, each nearest resource is labelled with its distance, and the view is fitted
   to the incident and its resources. */
(function () {
  var el = document.getElementById("em-map");
  if (!el) { return; }
  var map = ajMap(el);
  var colours = { team: "#c62828", warehouse: "#1565c0", expert: "#6a1b9a", shelter: "#2e7d32", incident: "#d9001b",
    alert: "#ef6c00" };
  var labels = JSON.parse(el.dataset.labels || "{}");
  function esc(s) { var t = document.createElement("span"); t.textContent = s == null ? "" : String(s); return t.innerHTML; }
  var points = fetch(el.dataset.points, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
    var layer = L.geoJSON(fc, {
      style: function () { return { color: colours.alert, weight: 2, fillOpacity: 0.12, dashArray: "6 4" }; },
      pointToLayer: function (f, latlng) {
        var k = f.properties.kind;
        if (k === "alert") {  // a received alert's circle (CAP "lat,lon radius-km")
          return L.circle(latlng, { radius: f.properties.radius_m, color: colours.alert, weight: 2, fillOpacity: 0.12, dashArray: "6 4" });
        }
        var incident = k === "incident";
        return L.circleMarker(latlng, { radius: incident ? 11 : 7, weight: incident ? 3 : 1.5, color: incident ? "#5c0010" : "#ffffff",
          fillColor: colours[k] || "#555", fillOpacity: 0.95 });
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        var html = "<b>" + esc(p.name) + "</b><br>" + esc(labels[p.kind] || "");
        if (p.kind === "alert") {
          html += " · " + esc(p.severity) + '<br><a href="' + esc(p.url) + '">' + esc(labels.open || "") + "</a>";
        }
        if (p.km !== undefined) { html += " · " + esc(p.km) + " km"; }
        if (p.phone) { html += '<br><a href="tel:' + esc(p.phone) + '">' + esc(p.phone) + "</a>"; }
        l.bindPopup(html);
        if (p.km !== undefined && p.rank === 1) {
          l.bindTooltip(esc(p.name) + " " + esc(p.km) + " km", { permanent: true, direction: "right", className: "small" });
        }
      }
    }).addTo(map);
    el.dataset.loaded = String(fc.features.length);
    return layer.getBounds().isValid() ? layer.getBounds().pad(0.15) : null;
  });
  Promise.all([map.ajScope, points]).then(function (b) {
    if (el.dataset.fit === "points") { ajFit(map, b[1], b[0], 15); } else { ajFit(map, b[0], b[1], 16); }
  });
})();
