/* Customer portal: the server picker and the "this solved my problem" buttons on suggestions. */
(function () {
  "use strict";

  /* The text the article suggestions search for: the title and the description together. */
  window.sasmsPortalQuery = function () {
    var form = document.getElementById("new-request");
    if (!form) { return ""; }
    var title = form.elements.namedItem("title");
    var description = form.elements.namedItem("description");
    return ((title ? title.value : "") + " " + (description ? description.value : "")).trim();
  };

  /* The server typed so far: suggestions about its model come first. */
  window.sasmsPortalServer = function () {
    var input = document.getElementById("id_server");
    return input ? input.value.trim() : "";
  };

  /* The suggestions request (hx-get on the title and description's wrapper) sends the text typed
     so far as q, and the server; set here because the Content-Security-Policy allows no eval. */
  document.addEventListener("htmx:configRequest", function (event) {
    var source = event.detail && event.detail.elt;
    if (!(source instanceof Element) || !source.hasAttribute("data-kb-suggest-source")) { return; }
    event.detail.parameters.q = window.sasmsPortalQuery();
    event.detail.parameters.server = window.sasmsPortalServer();
  });

  /* A click on a matching server fills the serial number in. */
  document.addEventListener("click", function (event) {
    var choice = event.target.closest("[data-pick-serial]");
    if (!choice) { return; }
    var input = document.getElementById("id_server");
    if (input) { input.value = choice.getAttribute("data-pick-serial"); input.focus(); }
    var list = document.getElementById("server-choices");
    if (list) { list.innerHTML = ""; }
  });

  /* The article id of a suggestion: its data-article-id, else the id in its article link. */
  function articleId(item) {
    if (item.hasAttribute("data-article-id")) { return item.getAttribute("data-article-id"); }
    var link = item.tagName === "A" ? item : item.querySelector("a[href]");
    var match = link ? /\/kb\/articles\/(\d+)\//.exec(link.getAttribute("href") || "") : null;
    return match ? match[1] : null;
  }

  /* Each suggested article of the knowledge fragment ([data-article-id], or the fragment's
     kb-suggest-article items) gets a button that records a deflection instead of a request. */
  function addDeflectButtons(container) {
    var url = container.getAttribute("data-deflect-url");
    var label = container.getAttribute("data-deflect-label");
    var csrf = document.querySelector("#new-request input[name=csrfmiddlewaretoken]");
    if (!url || !csrf) { return; }
    container.querySelectorAll("[data-article-id], [data-testid=kb-suggest-article]").forEach(function (item) {
      var id = articleId(item);
      if (!id || item.hasAttribute("data-deflect-added") || item.querySelector("[data-deflect]")) { return; }
      item.setAttribute("data-deflect-added", "1");
      var form = document.createElement("form");
      form.method = "post";
      form.action = url;
      form.className = "d-inline-block mt-1";
      form.setAttribute("data-deflect", "1");
      [["csrfmiddlewaretoken", csrf.value], ["article", id],
       ["q", window.sasmsPortalQuery()]].forEach(function (pair) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = pair[0];
        input.value = pair[1];
        form.appendChild(input);
      });
      var button = document.createElement("button");
      button.type = "submit";
      button.className = "btn btn-sm btn-outline-success";
      button.setAttribute("data-testid", "deflect");
      button.textContent = label;
      form.appendChild(button);
      /* A form may not sit inside a link: then it goes right after it. */
      if (item.tagName === "A") { item.insertAdjacentElement("afterend", form); } else { item.appendChild(form); }
    });
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "kb-suggestions") { addDeflectButtons(target); }
  });
})();
