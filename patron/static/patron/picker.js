// Search pickers (patron/system/picker.py): matches offered as you type, the chosen id kept
// in a hidden input. Without this script the box still works: the server resolves the name typed.
(function () {
  "use strict";

  var DELAY_MS = 150;

  function partsOf(picker) {
    return {
      value: picker.querySelector("[data-picker-value]"),
      text: picker.querySelector("[data-picker-text]"),
      list: picker.querySelector(".picker-matches"),
    };
  }

  function options(picker) {
    return Array.prototype.slice.call(picker.querySelectorAll(".picker-match"));
  }

  function close(picker) {
    var parts = partsOf(picker);
    parts.list.hidden = true;
    parts.list.innerHTML = "";
    parts.text.setAttribute("aria-expanded", "false");
    parts.text.removeAttribute("aria-activedescendant");
  }

  // Forms that filter as you go listen to "input" or "change": both come from the hidden id.
  function setValue(picker, pk) {
    var parts = partsOf(picker);
    if (parts.value.value !== pk) {
      parts.value.value = pk;
      parts.value.dispatchEvent(new Event("input", { bubbles: true }));
      parts.value.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function choose(picker, option) {
    partsOf(picker).text.value = option.dataset.label;
    close(picker);
    setValue(picker, option.dataset.pk);
  }

  function search(picker) {
    var parts = partsOf(picker);
    if (picker.pending) {
      picker.pending.abort();
    }
    picker.pending = new AbortController();
    var url = picker.dataset.picker + "&q=" + encodeURIComponent(parts.text.value.trim());
    fetch(url, { signal: picker.pending.signal, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        if (document.activeElement !== parts.text) {
          return;
        }
        parts.list.innerHTML = html;
        options(picker).forEach(function (option, index) {
          option.id = parts.list.id + "_" + index;
        });
        parts.list.hidden = false;
        parts.text.setAttribute("aria-expanded", "true");
      })
      .catch(function () {});
  }

  function move(picker, step) {
    var all = options(picker);
    if (!all.length) {
      return;
    }
    var current = all.findIndex(function (option) {
      return option.getAttribute("aria-selected") === "true";
    });
    var next = current < 0 ? (step > 0 ? 0 : all.length - 1) : (current + step + all.length) % all.length;
    all.forEach(function (option, index) {
      option.setAttribute("aria-selected", index === next ? "true" : "false");
    });
    all[next].scrollIntoView({ block: "nearest" });
    partsOf(picker).text.setAttribute("aria-activedescendant", all[next].id);
  }

  function pickerOf(target) {
    return target.closest && target.matches("[data-picker-text]") ? target.closest("[data-picker]") : null;
  }

  // Caught on the way down and kept from the form: the text typed is not a choice yet.
  document.addEventListener(
    "input",
    function (event) {
      var picker = pickerOf(event.target);
      if (!picker) {
        return;
      }
      event.stopPropagation();
      if (!event.target.value.trim()) {
        setValue(picker, "");
      }
      clearTimeout(picker.timer);
      picker.timer = setTimeout(function () {
        search(picker);
      }, DELAY_MS);
    },
    true,
  );

  document.addEventListener("focusin", function (event) {
    var picker = pickerOf(event.target);
    if (picker) {
      search(picker);
    }
  });

  document.addEventListener("focusout", function (event) {
    var picker = pickerOf(event.target);
    if (picker) {
      clearTimeout(picker.timer);
      close(picker);
    }
  });

  document.addEventListener("keydown", function (event) {
    var picker = pickerOf(event.target);
    if (!picker) {
      return;
    }
    var list = partsOf(picker).list;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) {
        search(picker);
      } else {
        move(picker, event.key === "ArrowDown" ? 1 : -1);
      }
    } else if (event.key === "Enter" && !list.hidden) {
      var all = options(picker);
      var chosen = list.querySelector('[aria-selected="true"]') || (all.length === 1 ? all[0] : null);
      if (chosen) {
        event.preventDefault();
        choose(picker, chosen);
      }
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close(picker);
    }
  });

  // A press on a match keeps the focus in the box, so the list is still there for the click.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest(".picker-match")) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest(".picker-match");
    if (option) {
      choose(option.closest("[data-picker]"), option);
    }
  });

  document.addEventListener(
    "change",
    function (event) {
      if (pickerOf(event.target)) {
        event.stopPropagation();
      }
    },
    true,
  );
})();
