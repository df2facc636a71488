// Svet's service worker: keeps the app's shell (the offline page, styles, scripts, icons) and
// static files only. Cabinet pages (/a/…), the API and anything with personal data always go to
// the network and are never stored; when the network is gone, a page visit shows /offline.
'use strict';
const CACHE = 'svet-shell-v1';
const SHELL = ['/offline', '/static/app.css', '/static/vendor/htmx.min.js', '/static/sw-register.js', '/static/icons/icon-192.png', '/static/icons/icon-512.png'];

self.addEventListener('install', (event) => {
  // Without cookies: the stored offline page is the same for everyone and carries nobody's data.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { credentials: 'omit', cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === 'navigate') {
    // Network only; the offline page when it fails. Nothing from the response is kept.
    event.respondWith(fetch(request).catch(() => caches.match('/offline')));
    return;
  }

  if (url.pathname.startsWith('/static/')) {
    // Stale-while-revalidate: the stored copy at once, refreshed in the background.
    event.respondWith(
      caches.open(CACHE).then(async (cache) => {
        const cached = await cache.match(request);
        const fresh = fetch(request)
          .then((response) => {
            if (response.ok) cache.put(request, response.clone());
            return response;
          })
          .catch(() => undefined);
        return cached || (await fresh) || Response.error();
      }),
    );
  }
});
