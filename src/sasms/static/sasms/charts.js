/*
 * Charts for dashboards and reports, drawn with the locally served Chart.js.
 *
 * A page declares a chart as <canvas data-chart="config-id"></canvas> next to
 * {{ config|json_script:"config-id" }}, where the config is a Chart.js configuration object.
 * A dataset may carry "links": one URL per data point; clicking the point opens it (the
 * drill-down from a number to the requests behind it). No inline script is needed, so the
 * Content-Security-Policy stays strict.
 */
(function () {
  "use strict";

  function drawChart(canvas) {
    if (canvas.dataset.chartDrawn === "1" || typeof window.Chart === "undefined") {
      return;
    }
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var config = JSON.parse(source.textContent);
    config.options = config.options || {};
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.onClick = function (event, elements, chart) {
      if (!elements.length) {
        return;
      }
      var hit = elements[0];
      var links = chart.data.datasets[hit.datasetIndex].links;
      if (links && links[hit.index]) {
        window.location.assign(links[hit.index]);
      }
    };
    config.options.onHover = function (event, elements, chart) {
      var linked = elements.length && chart.data.datasets[elements[0].datasetIndex].links;
      chart.canvas.style.cursor = linked ? "pointer" : "default";
    };
    canvas.sasmsChart = new window.Chart(canvas, config);
    canvas.dataset.chartDrawn = "1";
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(drawChart);
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawAll(document);
  });
  // Filters re-render parts of a dashboard with htmx: draw the charts that arrive.
  document.addEventListener("htmx:afterSettle", function (event) {
    drawAll(event.target);
  });
})();
