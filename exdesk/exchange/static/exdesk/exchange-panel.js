// Loads the trader's exchange account beside the conversation after the page is shown, so
// a slow exchange never delays the timeline. Without this script the link still works.
(function () {
  "use strict";
  const slot = document.querySelector("[data-exchange-panel]");
  if (!slot) return;
  fetch(slot.dataset.exchangePanel, { credentials: "same-origin", headers: { Accept: "text/html" } })
    .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
    .then((html) => {
      const holder = document.createElement("div");
      holder.innerHTML = html; // rendered and escaped by the server, same origin
      slot.replaceChildren(...holder.childNodes);
    })
    .catch(() => {
      slot.querySelector("[data-exchange-loading]")?.setAttribute("hidden", "");
      slot.querySelector("[data-exchange-failed]")?.removeAttribute("hidden");
    });
})();
