// The print page's button (no inline handler: the CSP forbids it).
(function () {
  "use strict";
  const button = document.getElementById("print-now");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
