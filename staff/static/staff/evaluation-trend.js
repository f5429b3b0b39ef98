// The teacher page's evaluation trend: average score per semester, by source.
// Data comes from json_script (#evaluation-trend-data); the table above holds the same figures.
(function () {
  "use strict";
  const canvas = document.getElementById("evaluation-trend");
  const source = document.getElementById("evaluation-trend-data");
  if (!canvas || !source || typeof window.Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const colours = ["#7a1f2b", "#1f5f7a", "#5f7a1f", "#444444"];
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (series, index) {
        return {
          label: series.label,
          data: series.data,
          borderColor: colours[index % colours.length],
          backgroundColor: colours[index % colours.length],
          borderWidth: index === data.series.length - 1 ? 3 : 1.5,
          spanGaps: true,
          tension: 0.2
        };
      })
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: { suggestedMin: 60, max: 100 } }
    }
  });
})();
