/*
 * Dashboard filters: picking dates switches the period to "custom", picking a preset period
 * clears the dates, so the two never disagree. (htmx then reloads the figures on "change".)
 */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!(field instanceof HTMLElement)) { return; }
    var form = field.closest("form[data-period-form]");
    if (!form) { return; }
    var period = form.querySelector("select[name=period]");
    if (!period) { return; }
    if (field.name === "start" || field.name === "end") {
      period.value = "custom";
    } else if (field === period && period.value !== "custom") {
      form.querySelectorAll("input[name=start], input[name=end]").forEach(function (input) {
        input.value = "";
      });
    }
  }, true);
})();
