// The leader dashboard: the trend chart and the what-if panel.  No inline script: the CSP
// forbids it; the data comes from json_script blocks and data- attributes.
(function () {
  "use strict";

  function drawTrends() {
    const source = document.getElementById("trend-data");
    const canvas = document.getElementById("trend-chart");
    if (!source || !canvas || typeof Chart === "undefined") { return; }
    const data = JSON.parse(source.textContent);
    const colours = ["#8c1d24", "#1f5f99", "#2e7d32", "#b26a00", "#5e35b1"];
    const datasets = data.series.map(function (serie, index) {
      return { label: serie.label, data: serie.values, borderColor: colours[index % colours.length],
               backgroundColor: colours[index % colours.length], tension: 0.2, yAxisID: "y" };
    });
    datasets.push({ label: data.average.label, data: data.average.values, borderColor: "#555",
                    backgroundColor: "#555", borderDash: [6, 4], yAxisID: "score" });
    new Chart(canvas, {
      type: "line",
      data: { labels: data.years, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, spanGaps: true,
        scales: { y: { beginAtZero: true, position: "left" },
                  score: { beginAtZero: true, suggestedMax: 100, position: "right", grid: { drawOnChartArea: false } } },
      },
    });
  }

  function whatIf() {
    const form = document.getElementById("what-if");
    const table = document.getElementById("what-if-result");
    const error = document.getElementById("what-if-error");
    const labels = document.getElementById("what-if-labels");
    if (!form || !table) { return; }
    const body = table.querySelector("tbody");
    let timer = null;

    function cell(text, className) {
      const td = document.createElement("td");
      td.textContent = text;
      if (className) { td.className = className; }
      return td;
    }

    function render(result) {
      body.replaceChildren();
      result.faculties.forEach(function (faculty) {
        const tr = document.createElement("tr");
        let move = labels.dataset.same;
        if (faculty.stored_rank && faculty.rank < faculty.stored_rank) {
          move = labels.dataset.up + " " + (faculty.stored_rank - faculty.rank);
          tr.className = "table-success";
        } else if (faculty.stored_rank && faculty.rank > faculty.stored_rank) {
          move = labels.dataset.down + " " + (faculty.rank - faculty.stored_rank);
          tr.className = "table-warning";
        }
        tr.append(cell(String(faculty.rank)), cell(faculty.name), cell(faculty.score.toFixed(2), "text-end"),
                  cell(Number(faculty.incentive).toLocaleString(undefined, { minimumFractionDigits: 2 }), "text-end"),
                  cell(move), cell(String(Object.keys(faculty.targets || {}).length || ""), "text-end"));
        body.append(tr);
      });
    }

    function refresh() {
      const params = new URLSearchParams(new FormData(form));
      fetch(form.dataset.url + "?" + params.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
        .then(function (result) { error.classList.add("d-none"); render(result); })
        .catch(function () { error.classList.remove("d-none"); });
    }

    form.addEventListener("input", function (event) {
      const output = form.querySelector('output[for="' + event.target.id + '"]');
      if (output) { output.textContent = event.target.value; }
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 200);
    });
    form.addEventListener("reset", function () {
      window.setTimeout(function () {
        form.querySelectorAll("input[type=range]").forEach(function (input) {
          input.value = input.dataset.initial;
          const output = form.querySelector('output[for="' + input.id + '"]');
          if (output) { output.textContent = input.dataset.initial; }
        });
        refresh();
      }, 0);
    });
    refresh();
  }

  drawTrends();
  whatIf();
})();
