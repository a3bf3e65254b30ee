// Charts from data the page carries as JSON (no inline script under the Content-Security-Policy): an element
// with data-chart="progress" and data-source="<id of a json_script element>" gets a line of the cumulative
// certificates by month against the year's target.
(function () {
  "use strict";
  function render(element) {
    var source = document.getElementById(element.dataset.source);
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(element, null, { renderer: "svg" });
    var series = [{ name: data.labels.actual, type: "bar", data: data.months },
                  { name: data.labels.cumulative, type: "line", data: data.cumulative }];
    if (data.target) {
      series.push({ name: data.labels.target, type: "line", data: data.months.map(function (_, i) {
        return Math.round(data.target * (i + 1) / 12);
      }), lineStyle: { type: "dashed" } });
    }
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 24 },
      xAxis: { type: "category", data: data.monthNames },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(render);
  });
})();
