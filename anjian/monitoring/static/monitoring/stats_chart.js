/* Alarms per day, with the false alarms among them (ECharts). */
(function () {
  var el = document.getElementById("per-day");
  if (!el || !window.echarts) { return; }
  var rows = el.dataset.days.split(";").filter(Boolean).map(function (r) { return r.split(","); });
  var chart = echarts.init(el);
  window.addEventListener("resize", function () { chart.resize(); });
  chart.setOption({
    tooltip: { trigger: "axis" }, legend: {}, grid: { left: 40, right: 16, top: 32, bottom: 28 },
    xAxis: { type: "category", data: rows.map(function (r) { return r[0]; }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: el.dataset.labelAlarms, type: "bar", data: rows.map(function (r) { return +r[1]; }), itemStyle: { color: "#f08c00" } },
      { name: el.dataset.labelFalse, type: "bar", data: rows.map(function (r) { return +r[2]; }), itemStyle: { color: "#6c757d" } }
    ]
  });
})();
