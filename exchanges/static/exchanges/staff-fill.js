// A mobility's staff member fills the person's name and staff number (exchanges.widgets.StaffMemberSelect).
// What the user typed is kept: only an empty field, or one this script filled, is written.
(function () {
  "use strict";

  function attach(select) {
    const name = document.getElementById(select.dataset.name);
    const number = document.getElementById(select.dataset.number);
    if (!name || !number) { return; }
    const filled = new WeakMap();

    function put(field, value) {
      if (field.value === "" || field.value === filled.get(field)) {
        field.value = value;
        filled.set(field, value);
      }
    }

    select.addEventListener("change", function () {
      if (!select.value) { return; }
      fetch(select.dataset.source + encodeURIComponent(select.value) + "/", {
        credentials: "same-origin", headers: { Accept: "application/json" },
      }).then(function (answer) {
        return answer.ok ? answer.json() : null;
      }).then(function (member) {
        if (!member) { return; }
        put(name, member.name || "");
        put(number, member.staff_no || "");
      }).catch(function () { /* the fields stay as typed */ });
    });
  }

  document.querySelectorAll("select[data-staff-fill]").forEach(attach);
}());
