/* SASMS field pages: the engineer's phone.
 *
 * Every step on the visit page (accept, travel, check-in, notes, photos, parts, signature,
 * check-out) is put in the phone's queue first (queue.js) with the moment it happened, then sent.
 * With a network it goes at once and the page reloads with the server's view; without one it
 * waits, the page shows the visit as it will be, and the queue is sent when the network returns.
 * The forms still work without this script (the server then takes its own time).
 */
(function () {
  "use strict";

  var Queue = window.SasmsFieldQueue;
  var body = document.body;
  var sessionUrl = body.dataset.sessionUrl;
  var user = body.dataset.user;
  var texts = {};
  var template = document.getElementById("field-texts");
  if (template) {
    Array.prototype.forEach.call(template.content.querySelectorAll("[data-key]"), function (el) {
      texts[el.dataset.key] = el.textContent;
    });
  }

  /* --- service worker: offline pages and background synchronisation ------------------------ */
  function registerWorker() {
    if (!("serviceWorker" in navigator) || !body.dataset.swUrl) { return Promise.resolve(null); }
    return navigator.serviceWorker.register(body.dataset.swUrl, { scope: body.dataset.swScope })
      .then(function () { return navigator.serviceWorker.ready; })
      .catch(function () { return null; });
  }

  function cacheVisitPages(registration) {
    var urls = Array.prototype.map.call(document.querySelectorAll("[data-offline-url]"), function (el) {
      return el.dataset.offlineUrl;
    });
    if (registration && registration.active && urls.length) {
      registration.active.postMessage({ type: "cache-pages", urls: urls });
    }
  }

  /* --- network state and the pending badge ------------------------------------------------- */
  function showNetwork() {
    var badge = document.getElementById("net-offline");
    if (badge) { badge.classList.toggle("d-none", navigator.onLine); }
  }

  function showPendingCount(items) {
    var badge = document.getElementById("pending-count");
    if (!badge) { return; }
    var count = items.filter(function (i) { return i.state === "pending" && String(i.user) === String(user); }).length;
    badge.querySelector("span").textContent = String(count);
    badge.classList.toggle("d-none", count === 0);
  }

  function flash(message, kind) {
    var box = document.getElementById("field-flash");
    if (!box) { return; }
    box.className = "alert alert-" + (kind || "info") + " py-2";
    box.textContent = message;
    box.hidden = false;
  }

  /* --- the visit page ---------------------------------------------------------------------- */
  var root = document.querySelector("[data-visit]");
  var visit = root ? JSON.parse(root.dataset.visit) : null;

  var NEXT = {
    accept: { from: ["scheduled"], to: "accepted" },
    decline: { from: ["scheduled", "accepted"], to: "declined" },
    travel: { from: ["accepted"], to: "travelling" },
    check_in: { from: ["accepted", "travelling"], to: "on_site" },
    check_out: { from: ["on_site"], to: "checked_out" }
  };

  function localState(items) {
    var state = { status: visit.status, signed: visit.signed };
    items.forEach(function (item) {
      if (item.state !== "pending") { return; }
      var move = NEXT[item.step];
      if (move && move.from.indexOf(state.status) >= 0) { state.status = move.to; }
      if (item.step === "sign") { state.signed = true; }
    });
    return state;
  }

  function applyState(state) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-when]"), function (section) {
      var statuses = section.dataset.when.split(" ");
      var visible = statuses.indexOf(state.status) >= 0;
      if (section.hasAttribute("data-unsigned")) { visible = visible && !state.signed; }
      section.hidden = !visible;
    });
    var badge = root.querySelector("[data-testid=visit-status]");
    if (badge && visit.labels[state.status]) { badge.textContent = visit.labels[state.status]; }
  }

  function timeLabel(iso) {
    var d = new Date(iso);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function renderPending(items) {
    var list = document.getElementById("pending-steps");
    var log = document.getElementById("pending-log");
    if (!list) { return; }
    list.textContent = "";
    if (log) { log.textContent = ""; }
    var mine = items.filter(function (i) { return i.visit === visit.id && String(i.user) === String(user); });
    mine.forEach(function (item) {
      var row = document.createElement("div");
      row.className = "field-pending-item small" + (item.state === "failed" ? " failed" : "");
      row.setAttribute("data-testid", item.state === "failed" ? "failed-step" : "pending-step");
      var title = document.createElement("div");
      title.textContent = timeLabel(item.occurredAt) + " · " + item.label;
      row.appendChild(title);
      var detail = document.createElement("div");
      detail.className = item.state === "failed" ? "text-danger" : "text-body-secondary";
      detail.textContent = item.state === "failed" ? (texts.refused || "") + ": " + item.error : texts.queued || "";
      row.appendChild(detail);
      if (item.state === "failed") {
        var dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.className = "btn btn-sm btn-link p-0";
        dismiss.textContent = "×";
        dismiss.setAttribute("aria-label", texts.dismiss || "×");
        dismiss.addEventListener("click", function () { Queue.remove(item.seq).then(refresh); });
        title.appendChild(document.createTextNode(" "));
        title.appendChild(dismiss);
      }
      list.appendChild(row);
      if (log && item.state === "pending" && (item.step === "note" || item.step === "part" || item.step === "photo")) {
        var entry = document.createElement("li");
        entry.className = "field-log-item pending";
        entry.setAttribute("data-testid", "log-pending");
        entry.textContent = timeLabel(item.occurredAt) + " · " + item.label;
        log.appendChild(entry);
      }
    });
    var box = document.getElementById("pending-box");
    if (box) { box.hidden = mine.length === 0; }
  }

  function refresh() {
    return Queue.all().then(function (items) {
      showPendingCount(items);
      if (root) {
        applyState(localState(items));
        renderPending(items);
      }
      return items;
    });
  }

  function pendingHere(items) {
    return items.filter(function (i) {
      return root && i.visit === visit.id && i.state === "pending" && String(i.user) === String(user);
    }).length;
  }

  function sync() {
    if (!navigator.onLine) { return Promise.resolve(null); }
    var before = 0;
    return Queue.all().then(function (items) {
      before = pendingHere(items);
      return Queue.sync(sessionUrl);
    }).then(function (outcome) {
      if (outcome.stopped === "signin") { flash(texts.signin, "warning"); }
      return refresh().then(function (items) {
        // Everything this page was waiting for has been answered (sent from here, another tab or
        // the service worker): show the server's view of the visit; refused steps stay listed.
        if (before > 0 && pendingHere(items) === 0) {
          window.location.reload();
        } else if (outcome.failed > 0) {
          flash(texts.refused, "danger");
        }
        return outcome;
      });
    }).catch(function () { return refresh(); });
  }

  var registration = null;

  function askBackgroundSync() {
    if (registration && registration.sync) {
      registration.sync.register("sasms-field-sync").catch(function () { return null; });
    }
  }

  function position() {
    return new Promise(function (resolve) {
      if (!("geolocation" in navigator)) { resolve(null); return; }
      navigator.geolocation.getCurrentPosition(
        function (p) { resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy }); },
        function () { resolve(null); },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  /* --- signature pad ----------------------------------------------------------------------- */
  function SignaturePad(canvas) {
    var context = canvas.getContext("2d");
    var drawing = false;
    var last = null;
    var self = this;
    this.inked = false;

    function resize() {
      var ratio = window.devicePixelRatio || 1;
      var rect = canvas.getBoundingClientRect();
      if (!rect.width) { return; }
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#0b1f3a";
      self.inked = false;
    }
    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    }
    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      last = point(event);
      canvas.setPointerCapture(event.pointerId);
      context.beginPath();
      context.arc(last.x, last.y, 1.2, 0, Math.PI * 2);
      context.fillStyle = context.strokeStyle;
      context.fill();
      self.inked = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      var p = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(p.x, p.y);
      context.stroke();
      last = p;
      self.inked = true;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    this.clear = function () { context.clearRect(0, 0, canvas.width, canvas.height); self.inked = false; };
    this.toBlob = function () {
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); });
    };
    resize();
    this.resize = resize;
  }

  var pad = null;

  /* --- queueing a step from its form ------------------------------------------------------- */
  function fieldsOf(form) {
    var fields = {};
    var data = new FormData(form);
    data.forEach(function (value, name) {
      if (["csrfmiddlewaretoken", "key", "step", "file", "signature"].indexOf(name) >= 0) { return; }
      if (typeof value === "string") { fields[name] = value; }
    });
    return fields;
  }

  function labelOf(form, fields) {
    var label = form.dataset.label || form.dataset.step;
    var detail = fields.body || fields.part_number || fields.caption || fields.signer_name || fields.reason || "";
    if (fields.part_number && fields.quantity) { detail = fields.part_number + " × " + fields.quantity; }
    return detail ? label + ": " + detail : label;
  }

  function queueStep(form) {
    var step = form.dataset.step;
    var occurredAt = new Date().toISOString();
    var fields = fieldsOf(form);
    var item = {
      key: Queue.uuid(),
      visit: visit.id,
      url: visit.stepUrl,
      user: user,
      step: step,
      occurredAt: occurredAt,
      fields: fields,
      blob: null,
      blobField: "",
      blobName: "",
      label: labelOf(form, fields)
    };
    var ready = Promise.resolve(item);
    if (step === "check_in") {
      flash(texts.locating, "info");
      ready = position().then(function (where) {
        if (where) {
          item.fields.latitude = where.latitude;
          item.fields.longitude = where.longitude;
          item.fields.accuracy = where.accuracy;
        } else {
          flash(texts["no-position"], "warning");
        }
        return item;
      });
    } else if (step === "photo") {
      var input = form.querySelector("input[type=file]");
      var file = input && input.files && input.files[0];
      if (!file) { return Promise.resolve(null); }
      item.blob = file;
      item.blobField = "file";
      item.blobName = file.name || "photo.jpg";
    } else if (step === "sign") {
      if (!pad || !pad.inked) { flash(texts["sign-first"], "warning"); return Promise.resolve(null); }
      ready = pad.toBlob().then(function (blob) {
        item.blob = blob;
        item.blobField = "signature";
        item.blobName = "signature.png";
        return item;
      });
    }
    return ready.then(function (queued) {
      return Queue.add(queued).then(function () {
        askBackgroundSync();
        form.reset();
        if (step === "sign" && pad) { pad.clear(); }
        var box = document.getElementById("field-flash");
        if (box && step !== "check_in") { box.hidden = true; }
        return refresh();
      }).then(function () {
        if (!navigator.onLine) { flash(texts.queued, "warning"); }
        return sync();
      });
    });
  }

  function wireVisitPage() {
    var canvas = root.querySelector("[data-signature-pad]");
    if (canvas) {
      pad = new SignaturePad(canvas);
      var clear = root.querySelector("[data-signature-clear]");
      if (clear) { clear.addEventListener("click", function () { pad.clear(); }); }
      window.addEventListener("resize", function () { if (!pad.inked) { pad.resize(); } });
    }
    Array.prototype.forEach.call(root.querySelectorAll("form[data-step]"), function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!form.reportValidity()) { return; }
        var button = form.querySelector("[type=submit]");
        if (button) { button.disabled = true; }
        queueStep(form).finally(function () { if (button) { button.disabled = false; } });
      });
    });
  }

  /* --- start --------------------------------------------------------------------------------- */
  // Another person signed in on this phone: the pages kept for the previous one go.
  try {
    var last = window.localStorage.getItem("sasms-field-user");
    if (last && last !== String(user) && window.caches) { window.caches.delete("sasms-field-pages"); }
    window.localStorage.setItem("sasms-field-user", String(user));
  } catch (error) { /* private mode: nothing kept, nothing to clear */ }
  showNetwork();
  window.addEventListener("online", function () { showNetwork(); sync(); });
  window.addEventListener("offline", showNetwork);
  if (root) {
    wireVisitPage();
    // Offline steps make hidden sections visible; size the pad once it is shown.
    var observer = new MutationObserver(function () { if (pad && !pad.inked) { pad.resize(); } });
    Array.prototype.forEach.call(root.querySelectorAll("[data-when]"), function (section) {
      observer.observe(section, { attributes: true, attributeFilter: ["hidden"] });
    });
  }
  refresh().then(function () { return sync(); });
  registerWorker().then(function (ready) {
    registration = ready;
    cacheVisitPages(ready);
  });
  setInterval(function () { if (navigator.onLine) { sync(); } }, 30000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { sync(); } });
})();
