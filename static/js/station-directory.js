/* The stations directory: a map of the listed stations (Leaflet, OpenStreetMap tiles) and a
   "Use my location" button. The list is the page: without this script, Leaflet or the tiles
   (no network, a blocked tile server), every station, link and search still works. */
(function () {
  "use strict";

  function drawMap() {
    var element = document.getElementById("station-map");
    if (!element || typeof window.L === "undefined") {
      return;
    }
    var entries = Array.prototype.slice.call(document.querySelectorAll(".station-entry[data-lat][data-lon]"));
    if (!entries.length) {
      return;
    }
    element.classList.add("is-drawn");
    var map = window.L.map(element, { scrollWheelZoom: false });
    window.L.tileLayer(element.dataset.tiles, {
      maxZoom: 19,
      attribution: element.dataset.attribution
    }).addTo(map);
    var points = entries.map(function (entry) {
      var position = [parseFloat(entry.dataset.lat), parseFloat(entry.dataset.lon)];
      var link = document.createElement("a");
      link.href = entry.dataset.url;
      link.textContent = entry.dataset.name;
      window.L.marker(position, { title: entry.dataset.name, alt: entry.dataset.name }).addTo(map).bindPopup(link);
      return position;
    });
    if (element.dataset.originLat && element.dataset.originLon) {
      // Nearest first: frame the visitor's place and the nearest station.
      points = [[parseFloat(element.dataset.originLat), parseFloat(element.dataset.originLon)], points[0]];
    }
    map.fitBounds(points, { padding: [30, 30], maxZoom: 14 });
  }

  function offerLocation() {
    var form = document.getElementById("directory-search");
    var button = document.getElementById("use-my-location");
    if (!form || !button || !("geolocation" in navigator)) {
      return;
    }
    var status = document.getElementById("location-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = form.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.lat.value = position.coords.latitude.toFixed(5);
          form.elements.lon.value = position.coords.longitude.toFixed(5);
          form.elements.q.value = "";
          form.submit();
        },
        function () {
          status.textContent = form.dataset.locationRefused;
        },
        { timeout: 10000, maximumAge: 300000 }
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    offerLocation();
    drawMap();
  });
})();
