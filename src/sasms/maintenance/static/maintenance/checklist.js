/* SASMS PM checklist on the engineer's phone.
 *
 * Each answer goes into the field app's queue (field/queue.js: IndexedDB, a client UUID as the
 * idempotency key, the moment it was taken) and is sent from there — at once with a network, when
 * the network returns without one (this page, the visit page or the service worker's background
 * sync send it alike). The form still posts normally without this script.
 */
(function () {
  "use strict";

  var Queue = window.SasmsFieldQueue;
  var root = document.querySelector("[data-pm-checklist]");
  if (!Queue || !root) { return; }
  var body = document.body;
  var user = body.dataset.user;
  var sessionUrl = body.dataset.sessionUrl;
  var visitId = Number(root.dataset.visit);
  var url = root.dataset.answerUrl;

  function mine(items) {
    return items.filter(function (i) {
      return i.visit === visitId && i.step === "pm_answer" && String(i.user) === String(user);
    });
  }

  function show(items) {
    mine(items).forEach(function (item) {
      var form = root.querySelector('form[data-line="' + item.fields.server + "-" + item.fields.item + '"]');
      if (!form) { return; }
      var state = form.querySelector("[data-state]");
      state.className = "small " + (item.state === "failed" ? "text-danger" : "text-warning-emphasis");
      state.textContent = item.state === "failed" ? root.dataset.textRefused + ": " + item.error : root.dataset.textQueued;
      var radio = form.querySelector('input[name=result][value="' + item.fields.result + '"]');
      if (radio) { radio.checked = true; }
    });
    return items;
  }

  function pendingCount(items) {
    return mine(items).filter(function (i) { return i.state === "pending"; }).length;
  }

  function sync() {
    if (!navigator.onLine) { return Promise.resolve(null); }
    var before = 0;
    return Queue.all().then(function (items) {
      before = pendingCount(items);
      return Queue.sync(sessionUrl);
    }).then(function () { return Queue.all(); }).then(function (items) {
      show(items);
      // Everything this page queued has been answered: show the server's view (and the buttons
      // that raise a request for a finding).
      if (before > 0 && pendingCount(items) === 0) { window.location.reload(); }
    }).catch(function () { return null; });
  }

  Array.prototype.forEach.call(root.querySelectorAll("form[data-pm-answer]"), function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!form.reportValidity()) { return; }
      var data = new FormData(form);
      var fields = {};
      data.forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken" && typeof value === "string") { fields[name] = value; }
      });
      var item = {
        key: Queue.uuid(),
        visit: visitId,
        url: url,
        user: user,
        step: "pm_answer",
        occurredAt: new Date().toISOString(),
        fields: fields,
        blob: null,
        blobField: "",
        blobName: "",
        label: form.dataset.label + ": " + (form.querySelector("input[name=result]:checked + label") || {}).textContent
      };
      Queue.add(item).then(function () { return Queue.all(); }).then(show).then(function () {
        if (navigator.serviceWorker && navigator.serviceWorker.ready) {
          navigator.serviceWorker.ready.then(function (registration) {
            if (registration.sync) { registration.sync.register("sasms-field-sync").catch(function () { return null; }); }
          });
        }
        return sync();
      });
    });
  });

  window.addEventListener("online", sync);
  Queue.all().then(show).then(sync);
})();
