// Follows a bulk sending: polls the JSON endpoint and updates the <progress> element.
// Without JavaScript the page's "Refresh" link does the same.
(function () {
  "use strict";
  var root = document.getElementById("bulk-progress");
  if (!root || !window.fetch) { return; }
  var bar = document.getElementById("bulk-progress-bar");
  function update(data) {
    bar.max = data.total;
    bar.value = data.done;
    ["sent", "failed", "queued", "total"].forEach(function (key) {
      var el = root.querySelector('[data-count="' + key + '"]');
      if (el) { el.textContent = data[key]; }
    });
    return data.finished;
  }
  function poll() {
    fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (!update(data)) { window.setTimeout(poll, 2000); } })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
