// The import progress page: poll the job's status and move the progress bar; reload the
// page (which then shows the preview or the outcome) once the job has finished.
(function () {
  "use strict";
  const panel = document.getElementById("import-progress-panel");
  if (!panel) {
    return;
  }
  const bar = document.getElementById("import-progress");
  const text = document.getElementById("import-progress-text");
  const url = panel.getAttribute("data-status-url");
  const template = text.getAttribute("data-template");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        bar.value = status.percent;
        bar.textContent = status.percent + "%";
        if (template) {
          text.textContent = template.replace("{done}", status.done).replace("{total}", status.total);
        }
        if (status.running) {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
