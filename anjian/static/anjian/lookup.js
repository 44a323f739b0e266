/* Search as you type for scoped choices (core.forms.ScopedSearchInput).
   Without this script the field is a plain text input (code or full name); with it, typing asks
   /lookup/<key>/?q= for at most 20 rows of the user's scope, grouped and sorted, and the chosen
   row's id travels in a hidden input under the field's name. */
(function () {
  "use strict";
  function init(box) {
    if (box.dataset.ajReady) return;
    box.dataset.ajReady = "1";
    var name = box.dataset.ajName, url = box.dataset.ajLookup;
    var input = box.querySelector("input[type=text]");
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    box.appendChild(hidden);
    var list = document.createElement("div");
    list.className = "list-group aj-lookup-list shadow-sm";
    list.setAttribute("role", "listbox");
    list.id = input.id + "_list";
    list.hidden = true;
    box.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    function pick(pk, label) {
      hidden.name = name; hidden.value = pk; input.removeAttribute("name");
      input.value = label; close();
      input.dispatchEvent(new CustomEvent("aj:lookup", {bubbles: true, detail: {pk: pk, label: label}}));
    }
    function typed() { hidden.removeAttribute("name"); hidden.value = ""; input.name = name; }
    if (box.dataset.ajPk) { pick(box.dataset.ajPk, input.dataset.ajLabel || input.value); }
    var timer = null, active = -1, seq = 0;
    function items() { return list.querySelectorAll("[data-pk]"); }
    function close() { list.hidden = true; active = -1; input.setAttribute("aria-expanded", "false"); }
    function mark(i) {
      var all = items();
      if (!all.length) return;
      active = (i + all.length) % all.length;
      all.forEach(function (el, j) { el.classList.toggle("active", j === active); });
      all[active].scrollIntoView({block: "nearest"});
    }
    function render(data) {
      list.innerHTML = "";
      if (!data.groups.length) {
        var none = document.createElement("div");
        none.className = "list-group-item text-muted small"; none.textContent = data.empty;
        list.appendChild(none);
      }
      data.groups.forEach(function (g) {
        if (g.label) {
          var h = document.createElement("div");
          h.className = "list-group-item list-group-item-secondary small py-1 fw-semibold";
          h.textContent = g.label; list.appendChild(h);
        }
        g.items.forEach(function (it) {
          var b = document.createElement("button");
          b.type = "button"; b.className = "list-group-item list-group-item-action py-2";
          b.setAttribute("role", "option"); b.dataset.pk = it.pk;
          var t = document.createElement("div"); t.textContent = it.label; b.appendChild(t);
          if (it.detail) { var d = document.createElement("div"); d.className = "small text-muted"; d.textContent = it.detail; b.appendChild(d); }
          b.addEventListener("mousedown", function (e) { e.preventDefault(); pick(it.pk, it.label); });
          list.appendChild(b);
        });
      });
      if (data.more) {
        var m = document.createElement("div");
        m.className = "list-group-item small text-muted"; m.textContent = data.more;
        list.appendChild(m);
      }
      list.hidden = false; input.setAttribute("aria-expanded", "true");
    }
    function search() {
      var mine = ++seq;
      fetch(url + "?q=" + encodeURIComponent(input.value.trim()), {headers: {"X-Requested-With": "fetch"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && mine === seq && document.activeElement === input) render(data); });
    }
    input.addEventListener("input", function () { typed(); clearTimeout(timer); timer = setTimeout(search, 200); });
    input.addEventListener("focus", function () { if (!hidden.name) search(); });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { if (e.key === "ArrowDown") { search(); } return; }
      if (e.key === "ArrowDown") { e.preventDefault(); mark(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(active - 1); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault(); var el = items()[active]; pick(el.dataset.pk, el.firstChild.textContent);
      } else if (e.key === "Escape") { close(); }
    });
  }
  function all(root) { (root || document).querySelectorAll(".aj-lookup").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { all(); });
  else all();
  document.addEventListener("htmx:afterSwap", function (e) { all(e.target); });
})();
