// Classification suggestions: a button with data-fill='{"field": "value", …}' puts its values
// into the form named by the nearest [data-fill-form] container (a CSS selector), or into the
// button's own form. A file of its own, since the pages' content security policy allows no
// inline script.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-fill]") : null;
  if (!button) {
    return;
  }
  const box = button.closest("[data-fill-form]");
  const form = box ? document.querySelector(box.dataset.fillForm) : button.closest("form");
  if (!form) {
    return;
  }
  let values;
  try {
    values = JSON.parse(button.dataset.fill);
  } catch {
    return;
  }
  for (const [name, value] of Object.entries(values)) {
    const field = form.elements.namedItem(name);
    if (!field) {
      continue;
    }
    field.value = value;
    const target = field instanceof RadioNodeList ? form : field;
    target.dispatchEvent(new Event("change", { bubbles: true }));
  }
  button.classList.add("active");
  button.setAttribute("aria-pressed", "true");
});
