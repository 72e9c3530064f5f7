// The dispatch grid: each row is its own small form (hx-post on the <tr>, triggered by "rowsave").
// A row is saved when focus leaves it after a change, or at once on Enter, which then moves to the
// same column of the next row as a spreadsheet does. No inline script: the CSP forbids it.
(function () {
  "use strict";

  function rowOf(el) {
    return el && el.closest ? el.closest("tr[data-grid-row]") : null;
  }

  function save(row) {
    row.removeAttribute("data-dirty");
    htmx.trigger(row, "rowsave");
  }

  function markDirty(event) {
    var row = rowOf(event.target);
    if (row) {
      row.setAttribute("data-dirty", "1");
    }
  }

  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);

  document.addEventListener("focusout", function (event) {
    var row = rowOf(event.target);
    // Moving between the inputs of one row is not leaving it.
    if (!row || (event.relatedTarget && row.contains(event.relatedTarget))) {
      return;
    }
    if (row.hasAttribute("data-dirty")) {
      save(row);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing) {
      return;
    }
    var row = rowOf(event.target);
    if (!row || event.target.tagName === "BUTTON" || event.target.tagName === "A") {
      return;
    }
    event.preventDefault();
    // Enter files the row even unchanged: a row prefilled from the last report is confirmed as it is.
    save(row);
    var next = row.nextElementSibling;
    var name = event.target.getAttribute("name");
    var target = next && next.querySelector("[name='" + name + "']");
    if (target) {
      target.focus();
      if (target.select) {
        target.select();
      }
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-grid-save]") : null;
    var row = rowOf(button);
    if (row) {
      // The button submits the row's own form when there is no JavaScript; here htmx saves the row in place.
      event.preventDefault();
      save(row);
    }
  });
})();
