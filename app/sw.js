// Guardpost's service worker: keeps the app's own files on the device, so the app starts
// with no network at all (its data is already in IndexedDB), and at once on a network that
// stalls. Only /app/ is touched: the API and the public page always go to the network.

// Filled in by scripts/sw-precache.mjs when Trunk builds: every file of the class build, the
// office build's code, and a version from all their contents. A release therefore changes
// this file's bytes, which is what makes the browser install it (it checks on navigation, in
// the background).
const BUILD = { version: 'unbuilt', files: ['/app/'], office: [] };
const PREFIX = 'guardpost-app-';
const CACHE = PREFIX + BUILD.version;
const SCOPE = '/app/';
const SHELL = '/app/';

self.addEventListener('install', (event) => {
  // All or nothing: a build kept in part starts as a white page offline, and a failed install
  // leaves the previous worker and its complete cache in charge. 'no-cache' revalidates, so
  // the HTTP cache can't hand over an older page, while the hashed files the page has just
  // loaded cost a 304 rather than a second download. A new release then waits: the open app
  // keeps its own release's files (its office build among them) until the person taps
  // "reload" (app/src/install.rs), never mid-entry.
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(BUILD.files.map((url) => new Request(url, { cache: 'no-cache' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names
        .filter((name) => name.startsWith(PREFIX) && name !== CACHE)
        .map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// The office's build is kept once a device runs it (it asks, app/src/install.rs): a class
// teacher's phone never spends its data on the office's screens.
const keepOffice = () => caches.open(CACHE).then((cache) => Promise.all(BUILD.office.map((url) =>
  cache.match(url).then((hit) => hit || cache.add(new Request(url, { cache: 'no-cache' }))))));

self.addEventListener('message', (event) => {
  if (event.data === 'keep-office') event.waitUntil(keepOffice());
  // The person tapped "reload" on the new release's offer.
  if (event.data === 'skip-waiting') self.skipWaiting();
  // A page loaded while this worker activated is in no one's charge (app/src/install.rs).
  if (event.data === 'claim') event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith(SCOPE)) {
    return;
  }
  // Every route of the app is the same page (the router reads the path), and that page and
  // its hashed files change only together with this file: serving the kept page first never
  // mixes releases, and never waits for a network that may take twenty seconds to fail. A
  // kept response keeps its headers, so the page runs under the policy it was sent with,
  // which allows its own inline loader by hash. A path ending in a file name is a file, as
  // the Worker decides too.
  const route = request.mode === 'navigate' && !url.pathname.split('/').pop().includes('.');
  event.respondWith(
    caches.open(CACHE)
      // The files are the same whatever the request's headers, so Vary is beside the point.
      .then((cache) => cache.match(route ? SHELL : request, { ignoreVary: true }))
      .then((hit) => hit || fetch(request).then((response) => {
        // The office's code, fetched before this worker controlled the page, is kept as it
        // comes, in this release's cache only.
        if (response.ok && BUILD.office.includes(url.pathname)) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })),
  );
});
