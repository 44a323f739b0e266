// The classification rule editor: add a row (from the formset's empty form), move rows up and
// down (the order numbers follow: 10, 20, 30 …). Without JavaScript the page still works: one
// blank row is offered and the order numbers are typed.
(function () {
  var box = document.querySelector("[data-rule-rows]");
  var tpl = document.querySelector("template[data-rule-template]");
  if (!box || !tpl) return;
  var total = document.querySelector("input[name$='-TOTAL_FORMS']");
  function rows() { return Array.prototype.slice.call(box.querySelectorAll("[data-rule-row]")); }
  function renumber() {
    rows().forEach(function (row, i) {
      var order = row.querySelector("input[name$='-order']");
      if (order) order.value = (i + 1) * 10;
      var n = row.querySelector("[data-rule-n]");
      if (n) n.textContent = i + 1;
    });
  }
  function wire(row) {
    row.querySelectorAll("[data-rule-up], [data-rule-down]").forEach(function (b) { b.classList.remove("d-none"); });
    row.querySelector("[data-rule-up]").addEventListener("click", function () {
      var prev = row.previousElementSibling;
      if (prev) { box.insertBefore(row, prev); renumber(); row.querySelector("[data-rule-up]").focus(); }
    });
    row.querySelector("[data-rule-down]").addEventListener("click", function () {
      var next = row.nextElementSibling;
      if (next) { box.insertBefore(next, row); renumber(); row.querySelector("[data-rule-down]").focus(); }
    });
  }
  rows().forEach(wire);
  var add = document.querySelector("[data-rule-add]");
  if (add && total) {
    add.classList.remove("d-none");
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var holder = document.createElement("div");
      holder.innerHTML = tpl.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.querySelector("[data-rule-row]");
      box.appendChild(row);
      total.value = String(index + 1);
      wire(row);
      renumber();
      row.dispatchEvent(new CustomEvent("htmx:afterSwap", {bubbles: true}));  // the sector search box
      var label = row.querySelector("input[name$='-label']");
      if (label) label.focus();
    });
  }
})();
