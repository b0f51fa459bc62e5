// What went wrong is where the keyboard is (WCAG 3.3.1, 4.1.3). When a page arrives with an
// error summary (templates/bootstrap5/errors.html) or an error message (base.html), the focus
// moves to it: a screen reader reads it, and the next Tab leads to the fields. A link of the
// summary focuses its field, not only scrolls to it. This file exists because the
// Content-Security-Policy refuses inline script.
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.querySelector("[data-sx-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-sx-error-link]");
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
