// Komek's own script. Everything works without it; it only moves focus where a screen reader user needs it.
(function () {
  "use strict";
  function focusErrorSummary(root) {
    var summary = root.querySelector(".error-summary");
    if (summary) { summary.focus(); return true; }
    return false;
  }
  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
  // Links in the error summary move focus to the field, not just scroll to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) { event.preventDefault(); field.focus(); }
  });
}());
