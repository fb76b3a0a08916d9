/* Evaluation dashboard charts (Chart.js 4). Data comes from the page's json_script block;
   every chart has a table of the same numbers next to it. */
(function () {
  "use strict";
  var node = document.getElementById("outcome-charts");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var L = data.labels;
  var blue = "#1f6feb", orange = "#d97706", grey = "#6b7280";

  function draw(id, config) {
    var canvas = typeof id === "string" ? document.getElementById(id) : id;
    if (!canvas) { return; }
    config.options = Object.assign({ responsive: true, animation: false,
      plugins: { legend: { position: "bottom" } } }, config.options || {});
    new Chart(canvas, config);
    canvas.dataset.rendered = "1";
  }

  // Kaplan–Meier: stepped survival curves with their 95% bands.
  if (data.km.length && data.km[0].times.length) {
    var sets = [];
    data.km.forEach(function (c, i) {
      var color = i === 0 ? blue : orange;
      var name = c.label === "program" ? L.program : L.comparison;
      sets.push({ label: name + " (n=" + c.n + ")", data: c.survival, borderColor: color,
        stepped: true, pointRadius: 0, borderWidth: 2 });
      sets.push({ label: name + " 95%", data: c.high, borderColor: "transparent",
        backgroundColor: color + "22", fill: "+1", stepped: true, pointRadius: 0 });
      sets.push({ label: name + " 95% low", data: c.low, borderColor: "transparent",
        stepped: true, pointRadius: 0, fill: false });
    });
    draw("chart-km", { type: "line", data: { labels: data.km[0].times, datasets: sets },
      options: { scales: { y: { min: 0, max: 1, title: { display: true, text: L.survival } },
        x: { title: { display: true, text: L.days } } },
        plugins: { legend: { labels: { filter: function (item) { return item.text.indexOf("95%") < 0; } } } } } });
  }

  // Interrupted time series: observed points, segmented fit, counterfactual (dashed).
  document.querySelectorAll("canvas.its-chart").forEach(function (canvas) {
    var s = data.its[Number(canvas.dataset.index)];
    var name = canvas.dataset.series;
    var series = s.series[name];
    if (!series) { return; }
    var fittedPre = series.fitted.map(function (v, i) { return i < s.start_index ? v : null; });
    var fittedPost = series.fitted.map(function (v, i) { return i >= s.start_index ? v : null; });
    draw(canvas, { type: "line", data: { labels: s.months, datasets: [
      { label: L.observed, data: series.values, showLine: false, pointRadius: 3, borderColor: grey, backgroundColor: grey },
      { label: L.fitted, data: fittedPre, borderColor: blue, pointRadius: 0, spanGaps: false },
      { label: L.fitted + " ", data: fittedPost, borderColor: blue, pointRadius: 0, spanGaps: false },
      { label: L.counterfactual, data: series.counterfactual, borderColor: orange, borderDash: [6, 4], pointRadius: 0 }
    ] }, options: { scales: { y: { title: { display: true, text: L[name] } } } } });
  });

  if (data.fidelity.components.length) {
    draw("chart-fidelity", { type: "bar", data: {
      labels: data.fidelity.components.map(function (c) { return c.label; }),
      datasets: [{ label: L.share, data: data.fidelity.components.map(function (c) { return c.rate; }), backgroundColor: blue }]
    }, options: { indexAxis: "y", scales: { x: { min: 0, max: 1 } } } });
  }
  draw("chart-hours", { type: "bar", data: { labels: data.contact_hours.map(function (r) { return r.month; }),
    datasets: [{ label: L.hours, data: data.contact_hours.map(function (r) { return r.hours; }), backgroundColor: blue }] } });
  draw("chart-dropouts", { type: "bar", data: { labels: data.drop_outs.map(function (r) { return r.month; }),
    datasets: [{ label: L.ended, data: data.drop_outs.map(function (r) { return r.ended; }), backgroundColor: grey },
               { label: L.dropped, data: data.drop_outs.map(function (r) { return r.dropped_out; }), backgroundColor: orange }] } });
  draw("chart-waiting", { type: "line", data: { labels: data.waiting.map(function (r) { return r.month; }),
    datasets: [{ label: L.waiting, data: data.waiting.map(function (r) { return r.median_days; }), borderColor: blue }] } });
})();
