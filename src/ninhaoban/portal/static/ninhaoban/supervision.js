/* 一张网考评 charts: each element with data-chart names the JSON block (json_script) holding
   its series; drawn again after htmx puts fresh figures in (the dashboard polls). No inline
   script: the page's CSP allows only scripts served by the platform. */
(function () {
  "use strict";

  function draw(root) {
    if (typeof window.echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var old = window.echarts.getInstanceByDom(el);
      if (old) old.dispose();
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 40, top: 36, bottom: 28 },
        xAxis: { type: "category", data: data.periods },
        yAxis: [
          { type: "value", minInterval: 1 },
          { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }
        ],
        series: [
          { name: el.getAttribute("data-received"), type: "bar", data: data.received },
          { name: el.getAttribute("data-decided"), type: "bar", data: data.decided },
          { name: el.getAttribute("data-rate"), type: "line", yAxisIndex: 1,
            data: data.on_time_rate, connectNulls: true }
        ]
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
})();
