// Copy buttons next to the published links' addresses (progressive enhancement: without
// JavaScript, or without the Clipboard API, the read-only field stays selectable and the
// button stays hidden). A static file, so the CSP needs no inline script.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) { return; }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    var status = button.parentNode.querySelector(".copy-status");
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        // The status region announces the confirmation to screen readers too.
        status.textContent = button.dataset.copied;
        window.setTimeout(function () { status.textContent = ""; }, 4000);
      }, function () {
        field.focus();
        field.select();
      });
    });
  });
})();
