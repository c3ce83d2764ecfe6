/* Draws the statistics charts with Chart.js from <script type="application/json"> blocks.
   No inline script (strict CSP); with JavaScript off the tables beside each chart carry the figures.
   Colours: UNHCR data-visualisation palette. Suppressed figures (null) are left out of a chart. */
(function () {
  "use strict";
  var BLUE = "#0072BC", NAVY = "#18375F", GREEN = "#00B398", RED = "#EF4A60", YELLOW = "#FAEB00";
  var GREY = "#666666", LIGHT = "#CCCCCC";
  // Population types in order ASY, REF, STA, UND, OOC: refugees take UNHCR blue; yellow is kept
  // out of the lines (too light on white).
  var SERIES = [NAVY, BLUE, GREEN, RED, GREY, YELLOW];

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function base(extra) {
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { labels: { color: "#1b1b1b" } } },
      scales: {
        x: { grid: { color: LIGHT }, ticks: { color: GREY } },
        y: { grid: { color: LIGHT }, ticks: { color: GREY }, beginAtZero: true }
      }
    };
    return Object.assign(options, extra || {});
  }

  var draw = {
    lines: function (canvas, d) {
      return new window.Chart(canvas, {
        type: "line",
        data: {
          labels: d.labels,
          datasets: d.series.map(function (s, i) {
            return { label: s.label, data: s.data, borderColor: SERIES[i % SERIES.length],
                     backgroundColor: SERIES[i % SERIES.length], spanGaps: false, tension: 0, pointRadius: 3 };
          })
        },
        options: base()
      });
    },
    bars: function (canvas, d) {
      return new window.Chart(canvas, {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: d.label, data: d.data, backgroundColor: BLUE }] },
        options: base({ indexAxis: "y", plugins: { legend: { display: false } },
                        scales: { x: { beginAtZero: true, grid: { color: LIGHT }, ticks: { color: GREY } },
                                  y: { grid: { display: false }, ticks: { color: "#1b1b1b" } } } })
      });
    },
    pyramid: function (canvas, d) {
      // Women to the left (negative), men to the right; the tooltip and axis show absolute values.
      var colours = [GREEN, BLUE];
      return new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: d.labels.slice().reverse(),
          datasets: d.series.map(function (s, i) {
            var values = s.data.slice().reverse().map(function (v) { return v === null ? null : (i === 0 ? -v : v); });
            return { label: s.label, data: values, backgroundColor: colours[i % colours.length], stack: "age" };
          })
        },
        options: base({
          indexAxis: "y",
          plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + Math.abs(c.raw); } } } },
          scales: {
            x: { stacked: true, grid: { color: LIGHT }, ticks: { color: GREY, callback: function (v) { return Math.abs(v); } } },
            y: { stacked: true, grid: { display: false }, ticks: { color: "#1b1b1b" } }
          }
        })
      });
    }
  };

  function start() {
    if (!window.Chart) {
      // The library loads asynchronously (the page is usable without it): draw when it arrives.
      var library = document.getElementById("chart-library");
      if (library) { library.addEventListener("load", start, { once: true }); }
      return;
    }
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      var d = data(box.getAttribute("data-source"));
      var kind = draw[box.getAttribute("data-chart")];
      var canvas = box.querySelector("canvas");
      if (!d || !kind || !canvas) { return; }
      // Sized from here: a style attribute in the HTML would need 'unsafe-inline' under the CSP.
      box.hidden = false;
      box.style.position = "relative";
      box.style.height = box.getAttribute("data-chart") === "bars" ? Math.max(160, 28 * d.labels.length + 60) + "px" : "320px";
      box.style.maxWidth = "48rem";
      kind(canvas, d);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
