/* SASMS field service worker: the engineer's visits stay readable offline, and the queue of
 * steps taken offline is sent when the network returns (Background Sync where the browser has it;
 * the open page sends it too).
 *
 * The server prepends ``self.SASMS_FIELD = {version, precache, offline, queue, session, pages,
 * staticPrefix, login}`` when it serves this file (see sasms.field.views.pwa).
 */
"use strict";

var CONFIG = self.SASMS_FIELD;
var STATIC_CACHE = "sasms-field-static-" + CONFIG.version;
var PAGE_CACHE = "sasms-field-pages";
var PAGES = CONFIG.pages.map(function (pattern) { return new RegExp(pattern); });

importScripts(CONFIG.queue);

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then(function (cache) { return cache.addAll(CONFIG.precache); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("sasms-field-static-") === 0 && key !== STATIC_CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isPage(url) {
  return url.origin === self.location.origin && PAGES.some(function (re) { return re.test(url.pathname); });
}

function pageKey(url) {
  return url.origin + url.pathname;
}

function storePage(cache, url, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    return cache.put(pageKey(url), response.clone());
  }
  if (response.redirected && new URL(response.url).pathname.indexOf(CONFIG.login) === 0) {
    return caches.delete(PAGE_CACHE);  // signed out: the visits are no longer this phone's to keep
  }
  return Promise.resolve();
}

function networkFirst(request, url) {
  return caches.open(PAGE_CACHE).then(function (cache) {
    return fetch(request).then(function (response) {
      return storePage(cache, url, response).then(function () { return response; });
    }, function (error) {
      return cache.match(pageKey(url)).then(function (cached) {
        if (cached) { return cached; }
        if (request.mode === "navigate") {
          return caches.match(CONFIG.offline).then(function (page) { return page || Promise.reject(error); });
        }
        return Promise.reject(error);
      });
    });
  });
}

function cacheFirst(request) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(request).then(function (cached) {
      if (cached) { return cached; }
      return fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf(CONFIG.staticPrefix) === 0) {
    event.respondWith(cacheFirst(request));
  } else if (isPage(url)) {
    event.respondWith(networkFirst(request, url));
  }
});

/* The visit list asks for every assigned visit's page to be kept, so each one opens offline. */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache-pages" || !Array.isArray(data.urls)) { return; }
  event.waitUntil(caches.open(PAGE_CACHE).then(function (cache) {
    return Promise.all(data.urls.slice(0, 100).map(function (path) {
      var url = new URL(path, self.location.origin);
      if (!isPage(url)) { return null; }
      return fetch(url.href, { credentials: "same-origin" })
        .then(function (response) { return storePage(cache, url, response); })
        .catch(function () { return null; });
    }));
  }));
});

self.addEventListener("sync", function (event) {
  if (event.tag === "sasms-field-sync") {
    event.waitUntil(self.SasmsFieldQueue.sync(CONFIG.session));
  }
});
