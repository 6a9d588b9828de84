/* Two small aids for phones, loaded from a file (the CSP forbids inline scripts); without
   JavaScript the menu simply stays open and tables keep their columns inside a scroll box.
   1. The menu button shows and hides the navigation on narrow screens.
   2. Each data cell of a table with a header row learns its column's name (data-label),
      so the stylesheet can show a row as a labelled list where the columns do not fit. */
(function () {
  "use strict";

  function menu() {
    var button = document.querySelector("header.site .menu-toggle");
    var target = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!target) return;
    button.hidden = false;
    document.documentElement.classList.add("has-menu");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      target.classList.toggle("open", open);
    });
  }

  function label(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    var names = [];
    for (var i = 0; i < head.cells.length; i++) {
      for (var span = 0; span < (head.cells[i].colSpan || 1); span++) {
        names.push(head.cells[i].textContent.trim());
      }
    }
    for (var b = 0; b < table.tBodies.length; b++) {
      var rows = table.tBodies[b].rows;
      for (var r = 0; r < rows.length; r++) {
        var column = 0;
        for (var c = 0; c < rows[r].cells.length; c++) {
          var cell = rows[r].cells[c];
          if (names[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", names[column]);
          }
          column += cell.colSpan || 1;
        }
      }
    }
    table.classList.add("labelled");
  }

  function tables(root) {
    var found = root.querySelectorAll("table");
    for (var i = 0; i < found.length; i++) label(found[i]);
  }

  document.addEventListener("DOMContentLoaded", function () {
    menu();
    tables(document);
  });
  /* rows that htmx swaps in later (search results, live progress) get their labels too */
  document.addEventListener("htmx:afterSettle", function (event) {
    tables(event.target);
  });
})();
