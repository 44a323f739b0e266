/* A sensor's readings with its thresholds as dashed lines (ECharts). */
(function () {
  var el = document.getElementById("sensor-chart");
  if (!el || !window.echarts) { return; }
  var chart = echarts.init(el);
  window.addEventListener("resize", function () { chart.resize(); });
  fetch(el.dataset.series, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
    var lines = [];
    [["low", "#1f6feb"], ["high", "#f08c00"], ["high_high", "#d9001b"]].forEach(function (t) {
      if (d[t[0]] !== null) { lines.push({ yAxis: d[t[0]], lineStyle: { color: t[1], type: "dashed" }, label: { formatter: String(d[t[0]]) } }); }
    });
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 24, top: 24, bottom: 48 },
      xAxis: { type: "time" },
      yAxis: { type: "value", name: d.unit, scale: true },
      dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
      series: [
        { type: "line", name: d.unit, showSymbol: false, data: d.points.map(function (p) { return [p[0], p[1]]; }), markLine: { symbol: "none", data: lines } }
      ]
    });
  });
})();
