// Keeps SLA countdowns current between page loads. The server renders the same text
// and colour first, so the page is right without this script.
(function () {
  "use strict";
  const node = document.getElementById("sla-labels");
  if (!node) return;
  const labels = node.dataset;

  function fill(text, values) {
    return text.replace(/%\((\w+)\)[sd]/g, (_, name) => String(values[name]));
  }

  function span(seconds) {
    const minutes = Math.max(0, Math.round(Math.abs(seconds) / 60));
    if (minutes >= 1440) return fill(labels.days, { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60) });
    if (minutes >= 60) return fill(labels.hours, { h: Math.floor(minutes / 60), m: minutes % 60 });
    return fill(labels.minutes, { m: minutes });
  }

  function update() {
    const now = Date.now();
    document.querySelectorAll("[data-sla-due]").forEach((badge) => {
      const due = Date.parse(badge.dataset.slaDue);
      const warn = badge.dataset.slaWarn ? Date.parse(badge.dataset.slaWarn) : null;
      const state = now >= due ? "breached" : warn !== null && now >= warn ? "warning" : "ok";
      badge.classList.remove("sla-ok", "sla-warning", "sla-breached");
      badge.classList.add("sla-" + state);
      const text = badge.querySelector("[data-sla-text]");
      if (text) text.textContent = fill(state === "breached" ? labels.overdue : labels.left, { span: span((due - now) / 1000) });
    });
  }

  update();
  window.setInterval(update, 30000);
})();
