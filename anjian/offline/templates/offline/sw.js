// anjian service worker (served by anjian.offline.views.service_worker_view at /sw.js, scope "/").
// The app shell (styles, scripts, icons) is cached on install; the phone pages (patrol, inspection,
// hazard report, the 待发送 queue) are cached each time they load, and served from the cache when
// the network is gone. Posts are never cached here: offline.js keeps them in IndexedDB.
"use strict";
const VERSION = {{ version|safe }};
const SHELL_CACHE = "anjian-shell-" + VERSION;
const PAGE_CACHE = "anjian-pages-" + VERSION;
// the lists below are JSON written by the view from its constants (views.SHELL, views.OFFLINE_PAGES)
const SHELL = {{ shell|safe }};
const PAGES = {{ pages|safe }};
const QUEUE_URL = {{ queue_url|safe }};

function isPage(url) {
  return url.origin === self.location.origin && PAGES.some(function (p) { return url.pathname.startsWith(p); });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.addAll(SHELL);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.startsWith("anjian-") && k !== SHELL_CACHE && k !== PAGE_CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepPage(request, response) {
  // only a page of the user's own session as the server sent it (not a redirect to the login)
  if (response.ok && response.type === "basic" && !response.redirected) {
    const copy = response.clone();
    caches.open(PAGE_CACHE).then(function (cache) { cache.put(request.url, copy); });
  }
  return response;
}

function fromCache(url) {
  return caches.open(PAGE_CACHE).then(function (cache) {
    return cache.match(url, {ignoreVary: true});
  });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.startsWith("/static/")) {
    // stale-while-revalidate: the kept copy at once, refreshed from the network for next time
    const refreshed = fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        const copy = response.clone();
        caches.open(SHELL_CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
    event.waitUntil(refreshed.catch(function () { return null; }));
    event.respondWith(caches.match(request, {ignoreVary: true, ignoreSearch: true}).then(function (hit) {
      return hit || refreshed;
    }));
    return;
  }
  if (isPage(url)) {  // network first, the cached copy offline
    event.respondWith(fetch(request).then(function (response) {
      return keepPage(request, response);
    }).catch(function () {
      return fromCache(request.url).then(function (hit) { return hit || fromCache(QUEUE_URL); }).then(function (hit) {
        return hit || Response.error();
      });
    }));
    return;
  }
  if (request.mode === "navigate") {  // any other page offline: the queue page
    event.respondWith(fetch(request).catch(function () {
      return fromCache(QUEUE_URL).then(function (hit) { return hit || Response.error(); });
    }));
  }
});

// offline.js asks for the pages a user will need in the field (the open tasks' patrol pages)
// and for the cached pages to be dropped (logout).
self.addEventListener("message", function (event) {
  const data = event.data || {};
  if (data.type === "keep" && Array.isArray(data.urls)) {
    event.waitUntil(Promise.all(data.urls.slice(0, 50).map(function (u) {
      const url = new URL(u, self.location.origin);
      if (!isPage(url)) { return null; }
      return fetch(url.href, {credentials: "same-origin"}).then(function (r) { return keepPage(new Request(url.href), r); })
        .catch(function () { return null; });
    })));
  } else if (data.type === "forget") {
    event.waitUntil(caches.delete(PAGE_CACHE));
  }
});
