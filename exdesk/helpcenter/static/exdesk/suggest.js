// The ticket form: while the customer describes the problem, articles that may already
// answer it appear below the form (the form works the same without this script).
(function () {
  "use strict";
  const box = document.querySelector("[data-suggestions]");
  if (!box) return;
  const form = box.closest("main").querySelector("form");
  const fields = ["subject", "description"].map((name) => form.elements[name]).filter(Boolean);
  const list = box.querySelector("ul");
  let timer = null;
  let asked = "";

  function show(articles) {
    list.replaceChildren();
    for (const article of articles) {
      const link = document.createElement("a");
      link.href = article.url;
      link.target = "_blank";
      link.textContent = article.title;
      const item = document.createElement("li");
      item.append(link);
      if (article.summary) {
        const summary = document.createElement("p");
        summary.className = "muted";
        summary.textContent = article.summary;
        item.append(summary);
      }
      list.append(item);
    }
    box.hidden = articles.length === 0;
  }

  function ask() {
    const query = fields.map((field) => field.value).join(" ").trim().slice(0, 300);
    if (query.length < 4 || query === asked) return;
    asked = query;
    fetch(box.dataset.url + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { articles: [] }))
      .then((data) => { if (query === asked) show(data.articles || []); })
      .catch(() => {});
  }

  for (const field of fields) {
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(ask, 400);
    });
  }
})();
