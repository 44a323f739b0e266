// The inspector's app offline (docs/mechanisms/offline.md): registers the service worker, keeps the
// three phone forms (patrol, inspection finding, hazard report) in IndexedDB when there is no
// network, shows the 待发送 queue and sends it when the network returns. No build step, no library.
(function () {
  "use strict";
  var T = {};
  try { T = JSON.parse(document.getElementById("aj-offline-texts").textContent); } catch (e) { T = {}; }
  var EN = (document.documentElement.lang || "").indexOf("en") === 0;
  var DB_NAME = "anjian-offline", STORE = "queue", HEADER = "X-Anjian-Offline";
  // fields the queue fills itself: never offered for editing
  var INTERNAL = ["idempotency_key", "captured_at", "lng", "lat", "accuracy_m", "accuracy", "task_inspector",
                  "enterprise_stamp", "kept_photos", "csrfmiddlewaretoken"];
  function t(key) { return T[key] || key; }

  // --- IndexedDB ------------------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, {keyPath: "key"}); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function withStore(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), req = fn(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(req ? req.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }
  function allItems() {
    if (!window.indexedDB) { return Promise.resolve([]); }
    return withStore("readonly", function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.saved_at - b.saved_at; });
    });
  }
  function putItem(item) { return withStore("readwrite", function (s) { return s.put(item); }); }
  function deleteItem(key) { return withStore("readwrite", function (s) { return s.delete(key); }); }

  // --- the forms ------------------------------------------------------------------------------
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function field(form, names) {
    for (var i = 0; i < names.length; i++) {
      var el = form.querySelector("[name=" + names[i] + "]");
      if (el) { return el; }
    }
    return null;
  }
  function gpsText(gps) {
    if (!gps || gps.lng === "" || gps.lng == null) { return t("no_gps"); }
    var text = t("gps") + " " + Number(gps.lng).toFixed(5) + ", " + Number(gps.lat).toFixed(5);
    if (gps.accuracy !== "" && gps.accuracy != null) { text += " ±" + Math.round(Number(gps.accuracy)) + " " + t("metres"); }
    return text;
  }
  function readGps(form) {
    var lng = field(form, ["lng"]), lat = field(form, ["lat"]), acc = field(form, ["accuracy_m", "accuracy"]);
    return {lng: lng ? lng.value : "", lat: lat ? lat.value : "", accuracy: acc ? acc.value : ""};
  }
  function showGps(form) {
    var out = form.querySelector("[data-offline-gps]");
    if (out) { out.textContent = gpsText(readGps(form)); }
  }
  // the position and its accuracy (metres), asked for when the form opens, if the user allows it
  function locate(form) {
    var lng = field(form, ["lng"]), lat = field(form, ["lat"]), acc = field(form, ["accuracy_m", "accuracy"]);
    showGps(form);
    if (!lng || !lat || lng.value || !navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      if (lng.value) { return; }
      lng.value = pos.coords.longitude.toFixed(6);
      lat.value = pos.coords.latitude.toFixed(6);
      if (acc) { acc.value = Math.round(pos.coords.accuracy); }
      showGps(form);
    }, function () { showGps(form); }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  }
  function labelOf(form, el) {
    var label = el.id ? form.querySelector("label[for='" + el.id + "']") : null;
    return label ? label.textContent.trim() : "";
  }
  // what the record is about, as the queue lists it: the enterprise or place typed, else the page's
  function subject(form) {
    var named = form.querySelector("#id_enterprise, [name=place_name]");
    return (named && named.value.trim()) || form.dataset.offlineTitle || document.title;
  }
  function snapshot(form) {
    var fields = [], files = [], labels = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") { return; }
      if (typeof value === "string") { fields.push([name, value]); return; }
      if (value.size > 0) { files.push({name: name, blob: value, filename: value.name}); }
    });
    form.querySelectorAll("input[type=text], input:not([type]), input[type=search], textarea").forEach(function (el) {
      if (el.name && INTERNAL.indexOf(el.name) < 0 && labelOf(form, el)) { labels[el.name] = labelOf(form, el); }
    });
    var key = field(form, ["idempotency_key"]);
    return {
      key: key.value, form: form.dataset.offlineForm, url: new URL(form.getAttribute("action") || location.pathname,
                                                                   location.href).href,
      title: subject(form), user: T.user, fields: fields, files: files, labels: labels,
      captured_at: (field(form, ["captured_at"]) || {}).value || new Date().toISOString(), gps: readGps(form),
      status: "pending", message: "", accept: {}, saved_at: Date.now()
    };
  }
  function notice(form, text, kind) {
    var box = form.querySelector("[data-offline-notice]");
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("data-offline-notice", "");
      box.setAttribute("role", "status");
      form.insertBefore(box, form.firstChild);
    }
    box.className = "alert alert-" + (kind || "info");
    box.dataset.testid = "offline-notice";
    box.textContent = text;
    box.scrollIntoView({block: "nearest"});
  }
  function keepOnPhone(form, item) {
    return putItem(item).then(function () {
      form.reset();
      field(form, ["idempotency_key"]).value = newKey();
      form.querySelectorAll("[data-testid=kept-photos]").forEach(function (el) { el.remove(); });
      notice(form, t("saved"), "warning");
      refresh();
      locate(form);
    }, function () { notice(form, t("not_saved"), "danger"); });
  }
  function prepare(form) {
    var key = field(form, ["idempotency_key"]);
    if (!key) { return; }
    if (!key.value) { key.value = newKey(); }
    locate(form);
    form.querySelectorAll("[name=lng], [name=lat], [name=accuracy_m]").forEach(function (el) {
      el.addEventListener("change", function () { showGps(form); });
    });
    form.addEventListener("submit", function (ev) {
      if (form.dataset.offlineNative === "1" || !window.indexedDB || !window.fetch) { return; }
      ev.preventDefault();
      var captured = field(form, ["captured_at"]);
      if (captured) { captured.value = new Date().toISOString(); }
      var item = snapshot(form);
      if (!navigator.onLine) { keepOnPhone(form, item); return; }
      var buttons = form.querySelectorAll("button");
      buttons.forEach(function (b) { b.disabled = true; });
      send(item, true).then(function (r) {
        buttons.forEach(function (b) { b.disabled = false; });
        if (r.kind === "ok") { location.href = r.url; return; }
        if (r.kind === "network") { keepOnPhone(form, item); return; }
        // refused on line: the page posts itself and shows the server's answer (errors, kept photos)
        form.dataset.offlineNative = "1";
        HTMLFormElement.prototype.submit.call(form);
      });
    });
  }

  // --- sending --------------------------------------------------------------------------------
  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) { return decodeURIComponent(m[1]); }
    var el = document.querySelector("[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }
  // ``direct``: the page's own submit (the server keeps its success message for the next page);
  // "1": the queue sending in the background
  function send(item, direct) {
    var body = new FormData();
    item.fields.forEach(function (f) { body.append(f[0], f[1]); });
    item.files.forEach(function (f) { body.append(f.name, f.blob, f.filename); });
    var headers = {"X-CSRFToken": csrfToken(), "Accept": "application/json"};
    headers[HEADER] = direct ? "direct" : "1";
    return fetch(item.url, {method: "POST", body: body, credentials: "same-origin", headers: headers})
      .then(function (r) {
        var type = r.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") < 0) {
          if (r.status >= 500) { return {kind: "network"}; }
          if (r.redirected || r.status === 403) { return {kind: "session", error: t("session")}; }
          return {kind: "refused", error: t("refused") + " (" + r.status + ")", accept: {}};
        }
        return r.json().then(function (j) {
          if (r.ok && j.ok) { return {kind: "ok", url: j.url, replayed: j.replayed}; }
          if (r.status >= 500) { return {kind: "network"}; }
          return {kind: "refused", error: (EN ? j.error_en : j.error) || String(r.status), accept: j.accept || {}};
        });
      }, function () { return {kind: "network"}; });
  }
  var syncing = null;
  function syncNow() {
    if (!navigator.onLine || !window.indexedDB) { return Promise.resolve(0); }
    if (syncing) { return syncing; }
    var sent = 0;
    var run = function () {
      return allItems().then(function (items) {
        var mine = items.filter(function (i) { return i.status === "pending" && String(i.user) === String(T.user); });
        return mine.reduce(function (chain, item) {
          return chain.then(function (stop) {
            if (stop) { return true; }
            return send(item).then(function (r) {
              if (r.kind === "ok") { sent++; return deleteItem(item.key).then(function () { return false; }); }
              if (r.kind === "network") { return true; }
              item.message = r.error;
              if (r.kind === "refused") { item.status = "conflict"; item.accept = r.accept || {}; }
              return putItem(item).then(function () { return r.kind === "session"; });
            });
          });
        }, Promise.resolve(false));
      });
    };
    var locked = navigator.locks ? navigator.locks.request("anjian-offline-sync", run) : run();
    syncing = locked.then(function () { return sent; }, function () { return sent; }).then(function (n) {
      syncing = null;
      refresh();
      return n;
    });
    return syncing;
  }

  // --- the queue: top-bar count and the 待发送 page --------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text != null) { e.textContent = text; }
    return e;
  }
  function beijing(iso) {
    try {
      return new Date(iso).toLocaleString(EN ? "en-GB" : "zh-CN", {timeZone: "Asia/Shanghai", hour12: false,
        year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"});
    } catch (e) { return iso; }
  }
  function renderItem(item) {
    var card = el("div", "aj-card mb-2");
    card.dataset.testid = "offline-item";
    card.dataset.status = item.status;
    var head = el("div", "d-flex flex-wrap align-items-center gap-2 mb-1");
    var badge = el("span", "badge " + (item.status === "conflict" ? "text-bg-danger" : "text-bg-warning"),
                   item.status === "conflict" ? t("conflict") : t("pending"));
    head.appendChild(badge);
    head.appendChild(el("span", "fw-semibold text-break", (t("form:" + item.form) || "") + " · " + item.title));
    card.appendChild(head);
    var meta = el("div", "small text-muted");
    meta.textContent = t("captured") + " " + beijing(item.captured_at) + " · " + gpsText(item.gps) + " · " +
      t("photos") + " " + item.files.length;
    card.appendChild(meta);
    if (String(item.user) !== String(T.user)) { card.appendChild(el("div", "small text-danger", t("other_user"))); }
    if (item.message) {
      var msg = el("div", "alert alert-danger py-1 px-2 my-2 small", item.message);
      msg.dataset.testid = "offline-message";
      card.appendChild(msg);
    }
    var editor = el("div", "d-none mt-2");
    Object.keys(item.labels || {}).forEach(function (name) {
      var pair = item.fields.filter(function (f) { return f[0] === name; })[0];
      if (!pair) { return; }
      var id = "edit-" + item.key + "-" + name;
      var label = el("label", "form-label small mb-0", item.labels[name]);
      label.setAttribute("for", id);
      var input = el("textarea", "form-control mb-2");
      input.id = id; input.rows = 2; input.value = pair[1]; input.dataset.name = name;
      editor.appendChild(label); editor.appendChild(input);
    });
    card.appendChild(editor);
    var actions = el("div", "d-flex flex-wrap gap-2 mt-2");
    if (item.status === "conflict") {
      var edit = el("button", "btn btn-outline-secondary", t("edit"));
      edit.type = "button";
      edit.addEventListener("click", function () { editor.classList.toggle("d-none"); });
      var resend = el("button", "btn btn-primary", t("resend"));
      resend.type = "button"; resend.dataset.testid = "offline-resend";
      resend.addEventListener("click", function () {
        editor.querySelectorAll("textarea").forEach(function (input) {
          item.fields.forEach(function (f) { if (f[0] === input.dataset.name) { f[1] = input.value; } });
        });
        Object.keys(item.accept || {}).forEach(function (name) {
          var done = false;
          item.fields.forEach(function (f) { if (f[0] === name) { f[1] = item.accept[name]; done = true; } });
          if (!done) { item.fields.push([name, item.accept[name]]); }
        });
        item.status = "pending"; item.message = ""; item.accept = {};
        putItem(item).then(syncNow);
      });
      actions.appendChild(edit); actions.appendChild(resend);
    }
    var drop = el("button", "btn btn-outline-danger", t("discard"));
    drop.type = "button"; drop.dataset.testid = "offline-discard";
    drop.addEventListener("click", function () {
      if (window.confirm(t("confirm_discard"))) { deleteItem(item.key).then(refresh); }
    });
    actions.appendChild(drop);
    card.appendChild(actions);
    return card;
  }
  function refresh() {
    return allItems().then(function (items) {
      var n = items.length;
      document.querySelectorAll("[data-testid=offline-count]").forEach(function (b) { b.textContent = String(n); });
      document.querySelectorAll("[data-offline-link]").forEach(function (a) {
        a.classList.toggle("d-none", n === 0 && navigator.onLine);
      });
      document.querySelectorAll("[data-offline-state]").forEach(function (s) {
        s.classList.toggle("d-none", navigator.onLine);
      });
      var list = document.getElementById("aj-offline-queue");
      if (list) {
        list.replaceChildren();
        if (!n) { list.appendChild(el("p", "text-muted", t("empty"))); }
        items.forEach(function (item) { list.appendChild(renderItem(item)); });
      }
    }, function () { return null; });
  }

  // --- the service worker and the pages it keeps ----------------------------------------------
  function keepPages() {
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) { return; }
    var urls = [];
    if (!sessionStorage.getItem("aj-offline-kept")) {
      urls = (T.keep || []).slice();
      sessionStorage.setItem("aj-offline-kept", "1");
    }
    document.querySelectorAll("a[href]").forEach(function (a) {
      var p = a.pathname;
      if (/^\/grids\/patrol\/\d+\/$/.test(p) || /^\/enforcement\/inspections\/\d+\/$/.test(p)) { urls.push(a.href); }
    });
    if (urls.length) { navigator.serviceWorker.controller.postMessage({type: "keep", urls: urls}); }
  }
  if ("serviceWorker" in navigator && T.sw) {
    // the first visit: the worker takes the page over once installed (clients.claim), then keeps
    navigator.serviceWorker.addEventListener("controllerchange", keepPages);
    navigator.serviceWorker.register(T.sw, {scope: "/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(keepPages, function () { return null; });
  }
  document.querySelectorAll("form[action$='/logout/']").forEach(function (form) {
    form.addEventListener("submit", function () {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({type: "forget"});
      }
    });
  });

  document.querySelectorAll("form[data-offline-form]").forEach(prepare);
  document.querySelectorAll("[data-offline-send]").forEach(function (b) {
    b.addEventListener("click", function () {
      syncNow().then(function (n) {
        var out = document.querySelector("[data-offline-result]");
        if (out) { out.textContent = navigator.onLine ? t("sent").replace("{n}", n) : t("offline_now"); }
      });
    });
  });
  window.addEventListener("online", function () { syncNow(); });
  window.addEventListener("offline", refresh);
  refresh().then(function () { return syncNow(); });
  window.anjianOffline = {sync: syncNow, items: allItems, keep: putItem, refresh: refresh};
})();
