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

// The task board: a card dragged to another column is moved by its own move form (htmx),
// as if its "→ column" button had been pressed; the buttons stay for the keyboard.
(function () {
  "use strict";

  var dragged = null;

  function columnOf(target) {
    return target.closest ? target.closest(".board-column[data-status]") : null;
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".task-card[draggable]");
    if (!card) {
      return;
    }
    dragged = card;
    card.classList.add("is-dragged");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.querySelector("a").textContent);
  });

  document.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("is-dragged");
    }
    dragged = null;
    document.querySelectorAll(".is-drop-target").forEach(function (column) {
      column.classList.remove("is-drop-target");
    });
  });

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (dragged && column && !column.contains(dragged)) {
      event.preventDefault();
      column.classList.add("is-drop-target");
    }
  });

  document.addEventListener("dragleave", function (event) {
    var column = columnOf(event.target);
    if (column && !column.contains(event.relatedTarget)) {
      column.classList.remove("is-drop-target");
    }
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) {
      return;
    }
    event.preventDefault();
    var form = dragged.querySelector("form.move");
    var button = form && form.querySelector('button[value="' + column.dataset.status + '"]');
    if (button) {
      button.click();
    }
  });
})();
