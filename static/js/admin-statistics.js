/* The statistics page's charts, drawn from the JSON the page embeds (no request, no CDN). */
(function () {
  "use strict";
  function read(id) { return JSON.parse(document.getElementById(id).textContent); }
  function draw(id, config) {
    var canvas = document.getElementById(id);
    // The box's CSS sets the size; no animation, so a printed page shows the figures.
    config.options = Object.assign({ maintainAspectRatio: false, animation: false }, config.options || {});
    if (canvas && window.Chart) { return new window.Chart(canvas, config); }
    return null;
  }
  var palette = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#ffc107", "#0dcaf0", "#d63384", "#343a40"];
  function color(i) { return palette[i % palette.length]; }

  document.addEventListener("DOMContentLoaded", function () {
    var data = read("sx-stat-data");
    var labels = read("sx-stat-labels");
    var statuses = Object.keys(data.bookings_per_day);
    draw("sx-chart-days", {
      type: "bar",
      data: {
        labels: data.days,
        datasets: statuses.map(function (status, i) {
          return { label: labels.statuses[status] || status, data: data.bookings_per_day[status], backgroundColor: color(i) };
        })
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
    });
    var outcomes = Object.keys(data.outcomes);
    draw("sx-chart-outcomes", {
      type: "doughnut",
      data: {
        labels: outcomes.map(function (s) { return labels.statuses[s] || s; }),
        datasets: [{ data: outcomes.map(function (s) { return data.outcomes[s]; }), backgroundColor: outcomes.map(function (s, i) { return color(i); }) }]
      }
    });
    var parties = Object.keys(data.no_show.by_party);
    draw("sx-chart-no-show", {
      type: "bar",
      data: {
        labels: parties.map(function (p) { return labels.parties[p] || p; }),
        datasets: [{ label: labels.bookings, data: parties.map(function (p) { return data.no_show.by_party[p]; }), backgroundColor: color(2) }]
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
    var refusals = data.charter_refusals;
    draw("sx-chart-refusals", {
      type: "bar",
      data: {
        labels: refusals.categories.map(function (c) { return labels.categories[c] || c; }),
        datasets: ["booking", "staff", "desk"].map(function (source, i) {
          return { label: labels.sources[source], data: refusals.categories.map(function (c) { return refusals[source][c] || 0; }), backgroundColor: color(i) };
        })
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
    var officers = data.officer_time.officers;
    var datasets = [];
    officers.forEach(function (entry, i) {
      datasets.push({ label: entry.officer + " · " + labels.hours_booked, stack: "booked", backgroundColor: color(i),
        data: entry.booking_minutes.map(function (m) { return Math.round(m / 6) / 10; }) });
      datasets.push({ label: entry.officer + " · " + labels.hours_on_shift, stack: "shift", backgroundColor: color(i) + "55",
        data: entry.shift_minutes.map(function (m) { return Math.round(m / 6) / 10; }) });
    });
    draw("sx-chart-officers", {
      type: "bar",
      data: { labels: data.officer_time.weeks, datasets: datasets },
      options: { scales: { y: { beginAtZero: true } } }
    });
  });
})();
