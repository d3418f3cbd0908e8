/* SASMS field: the queue of visit steps kept on the phone (IndexedDB) and its synchronisation.
 *
 * Used by the visit pages and by the service worker (no DOM here). Every step is stored with a
 * client-generated UUID (its idempotency key) and the time it happened, then sent in the order it
 * was taken. A step is removed only after the server answered for it; a step whose answer was
 * lost is sent again with the same key, and the server performs it once. A step the server
 * refuses (4xx) is kept as "failed" with the server's message, for the engineer to read.
 */
(function (global) {
  "use strict";

  var DB_NAME = "sasms-field";
  var STORE = "steps";
  var LOCK = "sasms-field-sync";
  var running = null;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function openDb() {
    var request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = function () {
      var db = request.result;
      if (!db.objectStoreNames.contains(STORE)) {
        var store = db.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
        store.createIndex("key", "key", { unique: true });
        store.createIndex("visit", "visit", { unique: false });
      }
    };
    return promised(request);
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result;
        transaction.oncomplete = function () { db.close(); resolve(result); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
        promised(work(transaction.objectStore(STORE))).then(function (value) { result = value; });
      });
    });
  }

  function uuid() {
    if (global.crypto && typeof global.crypto.randomUUID === "function") {
      return global.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    global.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  /* item: {key, visit, url, user, step, occurredAt, fields, blob, blobField, blobName, label} */
  function add(item) {
    item.state = "pending";
    item.error = "";
    item.queuedAt = new Date().toISOString();
    return withStore("readwrite", function (store) { return store.add(item); });
  }

  function all() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.seq - b.seq; });
    });
  }

  function remove(seq) {
    return withStore("readwrite", function (store) { return store.delete(seq); });
  }

  function put(item) {
    return withStore("readwrite", function (store) { return store.put(item); });
  }

  function body(item) {
    var fields = Object.assign({}, item.fields || {}, { key: item.key, step: item.step, occurred_at: item.occurredAt });
    if (item.blob) {
      var form = new FormData();
      Object.keys(fields).forEach(function (name) {
        if (fields[name] !== null && fields[name] !== undefined && fields[name] !== "") {
          form.append(name, fields[name]);
        }
      });
      form.append(item.blobField, item.blob, item.blobName || "upload");
      return { body: form, headers: {} };
    }
    return { body: JSON.stringify(fields), headers: { "Content-Type": "application/json" } };
  }

  function errorText(payload, status) {
    var error = payload && payload.error;
    if (!error) { return "HTTP " + status; }
    var details = [];
    Object.keys(error.fields || {}).forEach(function (name) {
      (error.fields[name] || []).forEach(function (message) {
        if (message !== error.message) { details.push(message); }
      });
    });
    return [error.message].concat(details).join(" ");
  }

  /* Send every pending step of the signed-in person, oldest first. Resolves to
   * {sent, failed, stopped} where stopped is "", "offline", "server" or "signin". */
  function syncNow(sessionUrl) {
    var outcome = { sent: 0, failed: 0, stopped: "", visits: [] };
    return all().then(function (items) {
      var pending = items.filter(function (item) { return item.state === "pending"; });
      if (!pending.length) { return outcome; }
      return fetch(sessionUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { outcome.stopped = response.status >= 500 ? "server" : "signin"; return null; }
          return response.json();
        }, function () { outcome.stopped = "offline"; return null; })
        .then(function (session) {
          if (!session) { return outcome; }
          var mine = pending.filter(function (item) { return String(item.user) === String(session.user); });
          return mine.reduce(function (chain, item) {
            return chain.then(function () {
              if (outcome.stopped) { return; }
              var request = body(item);
              request.headers["X-CSRFToken"] = session.csrf;
              request.headers.Accept = "application/json";
              return fetch(item.url, { method: "POST", credentials: "same-origin", headers: request.headers, body: request.body })
                .then(function (response) {
                  if (response.ok) {
                    outcome.sent += 1;
                    if (outcome.visits.indexOf(item.visit) < 0) { outcome.visits.push(item.visit); }
                    return remove(item.seq);
                  }
                  if (response.status >= 500 || response.status === 429 || response.status === 408) {
                    outcome.stopped = "server";
                    return;
                  }
                  if (response.status === 401) { outcome.stopped = "signin"; return; }
                  return response.json().catch(function () { return null; }).then(function (payload) {
                    item.state = "failed";
                    item.error = errorText(payload, response.status);
                    item.blob = null;
                    outcome.failed += 1;
                    if (outcome.visits.indexOf(item.visit) < 0) { outcome.visits.push(item.visit); }
                    return put(item);
                  });
                }, function () { outcome.stopped = "offline"; });
            });
          }, Promise.resolve()).then(function () { return outcome; });
        });
    });
  }

  /* One synchronisation at a time in this context; across tabs and the service worker the Web
   * Locks API serialises them (a step sent twice anyway is still performed once). */
  function sync(sessionUrl) {
    if (running) {
      // Steps queued while a run is under way go out in another run right after it.
      return running.then(function () { return sync(sessionUrl); });
    }
    var work = function () { return syncNow(sessionUrl); };
    var locks = global.navigator && global.navigator.locks;
    running = (locks ? locks.request(LOCK, work) : work()).then(function (outcome) {
      running = null;
      return outcome;
    }, function (error) {
      running = null;
      throw error;
    });
    return running;
  }

  global.SasmsFieldQueue = { add: add, all: all, remove: remove, put: put, sync: sync, uuid: uuid };
})(self);
