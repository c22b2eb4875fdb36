/* The callback form works without this: it only preselects the browser's time zone on a
   fresh form (never over the customer's own choice after an error). */
(function () {
  "use strict";
  const select = document.getElementById("id_time_zone");
  if (!select || select.form.hasAttribute("data-bound")) return;
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  if (Array.prototype.some.call(select.options, (option) => option.value === zone)) {
    select.value = zone;
  }
})();
