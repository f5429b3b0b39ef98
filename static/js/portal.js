// Small behaviours shared by every page.  No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  // Ask before a form that is marked destructive is submitted.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // Filter selects that submit on change ("auto-submit" forms).
  document.querySelectorAll("form[data-auto-submit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
