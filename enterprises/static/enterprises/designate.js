// "Designate myself": while the box is checked, the other person's fields are disabled, since
// the portal takes the name, national number and e-mail from the account and ignores them.
// Progressive enhancement only: without JavaScript the fields stay editable and the server
// ignores them just the same (enterprises/forms.py PersonForm).
(function () {
  "use strict";
  document.querySelectorAll("[data-person-fields]").forEach(function (group) {
    var myself = group.querySelector('input[type="checkbox"][name$="myself"]');
    if (!myself) { return; }
    // The identity fields only: the e-mail's language stays, being a required field that a
    // disabled control would leave out of the submission.
    var others = Array.prototype.filter.call(
      group.querySelectorAll("input"),
      function (field) { return /(^|-)(first_name|last_name|national_number|email)$/.test(field.name); }
    );
    function sync() {
      others.forEach(function (field) { field.disabled = myself.checked; });
    }
    myself.addEventListener("change", sync);
    sync();  // the box may come back checked (a form shown again, the browser's back button)
  });
})();
