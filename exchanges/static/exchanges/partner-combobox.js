// The partner picker: turns <input data-partner-combobox> into an ARIA 1.2 combobox that
// searches the partner registry as the user types.  Without this script the input stays a
// plain text field in which the partner's exact name (or a web domain) is typed.
(function () {
  "use strict";
  var counter = 0;

  function setup(input) {
    var multiple = input.getAttribute("data-partner-combobox") === "multiple";
    var source = input.getAttribute("data-source");
    var id = input.id || "partner-combobox-" + (++counter);
    input.id = id;
    var listbox = document.createElement("ul");
    listbox.id = id + "-listbox";
    listbox.className = "partner-combobox-list list-unstyled";
    listbox.setAttribute("role", "listbox");
    listbox.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var wrapper = document.createElement("div");
    wrapper.className = "partner-combobox";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    wrapper.appendChild(listbox);
    wrapper.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    var options = [];
    var active = -1;
    var timer = null;
    var lastTerm = null;
    var request = 0;

    function term() {
      if (!multiple) { return input.value.trim(); }
      var parts = input.value.split(";");
      return parts[parts.length - 1].trim();
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
        li.classList.toggle("active", i === index);
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var li = options[index];
      if (!li) { return; }
      var value = li.getAttribute("data-value");
      if (multiple) {
        var parts = input.value.split(";").map(function (p) { return p.trim(); });
        parts[parts.length - 1] = value;
        input.value = parts.filter(Boolean).join("; ") + "; ";
      } else {
        input.value = value;
      }
      lastTerm = term();
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function render(results) {
      listbox.textContent = "";
      options = results.map(function (item, i) {
        var li = document.createElement("li");
        li.id = id + "-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-value", item.value);
        li.textContent = item.label;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { choose(i); });
        listbox.appendChild(li);
        return li;
      });
      if (options.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = input.getAttribute("data-text-count").replace("%(count)s", options.length);
      } else {
        close();
        status.textContent = input.getAttribute("data-text-none");
      }
      active = -1;
    }

    function search() {
      var text = term();
      if (text === lastTerm) { return; }
      lastTerm = text;
      if (!text) { render([]); status.textContent = ""; return; }
      var mine = ++request;
      fetch(source + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).then(function (data) {
        if (mine === request) { render(data.results || []); }
      }).catch(function () {
        if (mine === request) { close(); status.textContent = input.getAttribute("data-text-error"); }
      });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { lastTerm = null; search(); return; }
        highlight(active + 1 >= options.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        if (!open) { return; }
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  document.querySelectorAll("input[data-partner-combobox]").forEach(setup);
})();
