// Small behaviours declared in the markup, so no page needs inline script (see the
// Content-Security-Policy in settings): data-confirm on forms, data-autosubmit on fields,
// data-copy-from on buttons.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-copy-from]") : null;
    if (!button) { return; }
    var source = document.querySelector(button.getAttribute("data-copy-from"));
    if (source && "value" in source && navigator.clipboard) {
      navigator.clipboard.writeText(source.value);
    }
  });
})();
