// The item step's live charter check: as the buyer types, ask the server for the
// charter's verdict and show it. The server checks again when the form is sent;
// this only tells the buyer early. No text lives here: the server sends it
// translated, and the template gives the link's label.
(function () {
  "use strict";

  var box = document.getElementById("charter-check");
  var title = document.getElementById("id_item_title");
  if (!box || !title || !window.fetch) {
    return;
  }
  var description = document.getElementById("id_item_description");
  var vehicle = document.querySelector('input[name="item_kind"][value="vehicle"]');
  var csrfToken = title.form ? title.form.querySelector('input[name="csrfmiddlewaretoken"]') : null;
  var timer = null;
  var pending = null;
  var lastQuery = null;

  var styles = {
    forbidden: "alert alert-danger",
    review: "alert alert-warning",
    bay: "alert alert-info",
    allowed: "small text-success",
  };

  function show(answer) {
    box.textContent = "";
    var style = answer.verdict === "allowed" && answer.space_kind === "bay" ? "bay" : answer.verdict;
    box.className = styles[style] || "";
    box.dataset.verdict = answer.verdict;
    box.dataset.spaceKind = answer.space_kind;
    box.appendChild(document.createTextNode(answer.message + " "));
    if (answer.verdict !== "allowed") {
      var link = document.createElement("a");
      link.href = answer.charter_url;
      link.textContent = box.dataset.charterLink;
      box.appendChild(link);
    }
    if (answer.space_kind === "bay" && vehicle && !vehicle.checked) {
      // The charter sends vehicles to a bay: choose it for the buyer, as the server would.
      vehicle.checked = true;
      vehicle.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function clear() {
    box.textContent = "";
    box.className = "";
    delete box.dataset.verdict;
  }

  function check() {
    var text = title.value.trim();
    var more = description ? description.value.trim() : "";
    if (!text && !more) {
      lastQuery = null;
      clear();
      return;
    }
    var query = new URLSearchParams({ title: text, description: more }).toString();
    if (query === lastQuery) {
      return;
    }
    lastQuery = query;
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    // POST, not GET: a long description in another script would not fit in a request line.
    fetch(box.dataset.checkUrl, {
      method: "POST",
      body: query,
      headers: {
        Accept: "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": csrfToken ? csrfToken.value : "",
      },
      credentials: "same-origin",
      signal: pending.signal,
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (answer) {
          show(answer);
        }
      })
      .catch(function () {
        // Offline, aborted or rate limited: the server checks on submit anyway.
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 400);
  }

  title.addEventListener("input", later);
  if (description) {
    description.addEventListener("input", later);
  }
  // After a refused submit the server's own message is on the page: no second one.
  if (title.value.trim() && box.dataset.checkOnLoad === "true") {
    check();
  }
})();
