// The copilot beside a conversation: "Insert" puts an approved response into the reply
// box (the agent still reads and sends it). Without JavaScript the text is shown to copy.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-insert-reply]");
    if (!button) return;
    const box = document.querySelector("form[data-live-form='reply'] textarea[name='body']");
    if (!box) return;
    const text = button.getAttribute("data-insert-reply");
    const start = box.selectionStart ?? box.value.length;
    const end = box.selectionEnd ?? box.value.length;
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = start + text.length;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
