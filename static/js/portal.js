// Small behaviours shared by every page.  No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  // Ask before a form (or the one button of it) that is marked destructive is submitted.  A
  // button's data-confirmed names a field sent once the question is answered, so the server
  // skips its own confirmation page (the one shown without scripts).
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const button = event.submitter;
    const question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    const confirmed = button && button.getAttribute("data-confirmed");
    if (question && confirmed && !form.querySelector('input[name="' + confirmed + '"]')) {
      const field = document.createElement("input");
      field.type = "hidden";
      field.name = confirmed;
      field.value = "1";
      form.appendChild(field);
    }
  });
  // "Select all on this page": a checkbox ticking every checkbox of its form named by data-select-all.
  document.querySelectorAll("input[data-select-all]").forEach(function (master) {
    const boxes = master.form.querySelectorAll('input[type="checkbox"][name="' + master.getAttribute("data-select-all") + '"]');
    master.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = master.checked; });
    });
  });
  // Filter selects that submit on change ("auto-submit" forms).
  document.querySelectorAll("form[data-auto-submit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
