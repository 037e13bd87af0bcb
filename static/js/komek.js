// Komek's own script. Every journey works without it. Where the browser can run it, it loads htmx, keeps
// focus where a screen reader user needs it, announces what changed, and warns before a visit times out.
(function () {
  "use strict";
  var script = document.currentScript;
  var capable = "fetch" in window && "Promise" in window && typeof HTMLDialogElement === "function" &&
    "closest" in Element.prototype && "noModule" in document.createElement("script");

  function byId(id) { return document.getElementById(id); }

  // Polite announcement: cleared first, so the same words twice are still read out.
  function announce(message) {
    var region = byId("announcer");
    if (!region) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 100);
  }

  function focusAfterNewContent(root) {
    var summary = root.querySelector(".error-summary");
    var heading = root.querySelector("h1");
    if (summary) { summary.focus(); return; }
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }

  // Instant reading settings: apply the choice at once, keep focus on the control, save in the background.
  function enhanceReadingSettings() {
    var form = document.querySelector("form[data-instant-settings]");
    if (!form) { return; }
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (input.type !== "radio") { return; }
      var fallback = { size: "100", scheme: "device", line: "normal", letter: "normal" }[input.name];
      if (input.value === fallback) { delete document.documentElement.dataset[input.name]; }
      else { document.documentElement.dataset[input.name] = input.value; }
      var body = new FormData(form);
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin", headers: { "X-Komek-Instant": "1" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("not saved"); }
          var legend = input.closest("fieldset").querySelector("legend").textContent.trim();
          var label = form.querySelector("label[for='" + input.id + "']").textContent.trim();
          announce(legend + ": " + label);
        })
        .catch(showConnectionLost);
    });
  }

  function showConnectionLost() {
    var notice = byId("connection-lost");
    if (!notice) { return; }
    notice.hidden = true;
    window.setTimeout(function () { notice.hidden = false; }, 50);
  }

  // The server ends an idle visit; 2 minutes before, a modal dialog offers to go on or to finish.
  function watchIdleTime() {
    var dialog = byId("timeout-warning");
    if (!dialog || !script.dataset.idleSeconds) { return; }
    var warnTimer, endTimer;
    function restart() {
      var idle = parseInt(script.dataset.idleSeconds, 10) * 1000;
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      warnTimer = window.setTimeout(function () { if (!dialog.open) { dialog.showModal(); } }, Math.max(idle - 120000, 0));
      endTimer = window.setTimeout(function () { window.location.assign(script.dataset.timedOut); }, idle);
    }
    dialog.querySelector("form[data-keep-alive]").addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(event.target.action, { method: "POST", body: new FormData(event.target), credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("keep-alive failed"); }
          dialog.close();
          restart();
        })
        .catch(function () { dialog.close(); showConnectionLost(); });
    });
    document.addEventListener("htmx:after:request", restart);
    restart();
  }

  function loadHtmx() {
    var htmx = document.createElement("script");
    htmx.src = script.dataset.htmx;
    document.head.appendChild(htmx);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    if (!capable) { return; }
    document.documentElement.classList.add("enhanced");
    enhanceReadingSettings();
    watchIdleTime();
    loadHtmx();
  });

  // After htmx puts new content in: focus the error summary or the new heading, announce, keep typed text.
  document.addEventListener("htmx:after:swap", function (event) {
    var target = event.detail && event.detail.ctx && event.detail.ctx.target;
    if (target && target.id === "main") { focusAfterNewContent(byId("main")); }
  });
  // A failed request (offline, timeout, server error): say so, keep what was typed, and make the next try
  // a plain submit. A clone keeps the typed values (HTML's cloning steps) but none of htmx's listeners.
  document.addEventListener("htmx:error", function (event) {
    var source = event.detail && event.detail.ctx && event.detail.ctx.sourceElement;
    var form = source && source.closest && source.closest("form[hx-post]");
    if (form) {
      var plain = form.cloneNode(true);
      ["hx-post", "hx-target", "hx-select", "hx-swap"].forEach(function (name) { plain.removeAttribute(name); });
      form.replaceWith(plain);
    }
    showConnectionLost();
  });

  // Links in the error summary move focus to the field, not just scroll to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) { return; }
    var field = byId(link.getAttribute("href").slice(1));
    if (field) { event.preventDefault(); field.focus(); }
  });
}());
