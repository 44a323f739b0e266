/* The base of every map (docs/maps.md): tile layers when MAP_TILE_URL is configured (public tile
   servers are unreachable from many government networks), and underneath every other layer the
   jurisdiction boundaries the user may see, fetched from the element's data-boundaries URL.

   ajMap(el, options) returns the Leaflet map; map.ajScope is a promise of the bounds of the
   user's scope (invalid bounds when there is none, e.g. for an enterprise account).
   ajFit(map, first, second, zoom) fits the view to the first valid bounds, else a default view. */
(function () {
  var STYLE = {
    scope: { color: "#0d47a1", weight: 2.5, opacity: 0.9, fill: true, fillColor: "#ffffff", fillOpacity: 0.55 },
    part: { color: "#5f6b7a", weight: 1, opacity: 0.8, dashArray: "5 4", fill: false }
  };
  var MAX_LABELS = 60;

  function esc(s) { var t = document.createElement("span"); t.textContent = s == null ? "" : String(s); return t.innerHTML; }

  function tileLayers(map, d) {
    if (!d.tiles) { return; }
    var options = { maxZoom: 18, subdomains: d.tileSubdomains || "abc", attribution: d.tileAttribution || "" };
    L.tileLayer(d.tiles, options).addTo(map);
    if (d.tileLabels) { L.tileLayer(d.tileLabels, { maxZoom: 18, subdomains: options.subdomains }).addTo(map); }
  }

  function boundaries(map, el) {
    var url = el.dataset.boundaries;
    if (!url) { return Promise.resolve(L.latLngBounds([])); }
    var pane = map.createPane("ajBoundaries");
    pane.style.zIndex = 350;  /* above the tiles (200), below the map's own vectors and markers (400+) */
    pane.style.pointerEvents = "none";
    var tiled = !!el.dataset.tiles;
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.json() : { type: "FeatureCollection", features: [] };
    }).then(function (fc) {
      var scope = L.latLngBounds([]);
      var layer = L.geoJSON(fc, {
        pane: "ajBoundaries",
        interactive: false,
        style: function (f) {
          var s = L.extend({}, STYLE[f.properties.role] || STYLE.part);
          if (tiled) { s.fillOpacity = 0; }  /* the tiles are the background then */
          return s;
        },
        onEachFeature: function (f, l) { if (f.properties.role === "scope") { scope.extend(l.getBounds()); } }
      }).addTo(map);
      var named = fc.features.filter(function (f) { return f.properties.role === "part" && f.properties.label_at; });
      if (!named.length) { named = fc.features.filter(function (f) { return f.properties.label_at; }); }
      if (named.length <= MAX_LABELS) {
        named.forEach(function (f) {
          L.tooltip({ permanent: true, direction: "center", className: "aj-boundary-label", interactive: false, pane: "ajBoundaries" })
            .setLatLng([f.properties.label_at[1], f.properties.label_at[0]]).setContent(esc(f.properties.name))
            .addTo(map);
        });
      }
      el.dataset.boundariesLoaded = String(fc.features.length);
      return scope.isValid() ? scope : layer.getBounds();
    }).catch(function () { return L.latLngBounds([]); });
  }

  window.ajMap = function (el, options) {
    var map = L.map(el, L.extend({ attributionControl: true }, options || {}));
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');  // no flag in the corner
    tileLayers(map, el.dataset);
    map.ajScope = boundaries(map, el);
    el.ajMap = map;  // for the browser tests
    return map;
  };

  window.ajFit = function (map, first, second, maxZoom) {
    var b = [first, second].filter(function (x) { return x && x.isValid(); })[0];
    var el = map.getContainer();
    // Not animated: an animated pan leaves the boundary layer clipped to the old view until it ends,
    // and "fitted" (which the browser tests wait for) must mean the view is final and drawn.
    map.once("moveend", function () { el.dataset.fitted = "1"; });
    if (b) { map.fitBounds(b, { maxZoom: maxZoom || 16, padding: [12, 12], animate: false }); }
    else { map.setView([22.55, 114.06], 10, { animate: false }); }
  };
})();
