// A button marked data-sx-print prints the page. The handler lives in this file, not in
// an onclick attribute, because the Content-Security-Policy refuses inline script.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-sx-print]")) {
      window.print();
    }
  });
})();
