// The header timer's clock: ticks the elapsed time of the running entry each second.
// The server renders the same H:MM:SS text: without this script it is right as of the page load.
(function () {
  "use strict";

  function clock(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    return hours + ":" + String(minutes).padStart(2, "0") + ":" + String(rest).padStart(2, "0");
  }

  // Counted from the elapsed seconds the server rendered, not from its start time,
  // so a computer whose clock is off still shows the right duration.
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".timer-elapsed[data-elapsed]").forEach(function (element) {
      if (!element.dataset.seen) {
        element.dataset.seen = String(now);
      }
      var elapsed = Number(element.dataset.elapsed) + (now - Number(element.dataset.seen)) / 1000;
      element.textContent = clock(Math.max(0, Math.floor(elapsed)));
    });
  }

  setInterval(tick, 1000);
})();
