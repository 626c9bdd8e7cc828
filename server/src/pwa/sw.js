// Road Chief service worker. Filled in by the server at start-up with this build's id and the
// files of its app shell (see server/src/pwa/mod.rs), so each deploy gets a cache of its own.
const BUILD = "__BUILD__";
const ASSETS = __ASSETS__;
const CACHE = "road-chief-" + BUILD;
// How long a page load waits for the network before the shell is shown instead.
const NAVIGATION_TIMEOUT_MS = 8000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("road-chief-") && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

// The page asks a waiting new version to take over when the user chose "reload".
self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // The API is always the network's: records are the app's business, not the cache's.
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
});

async function navigate(request) {
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timeout")), NAVIGATION_TIMEOUT_MS);
      fetch(request).then((r) => { clearTimeout(timer); resolve(r); }, (e) => { clearTimeout(timer); reject(e); });
    });
  } catch (e) {
    const shell = await caches.match("/shell", { cacheName: CACHE });
    return shell || Response.error();
  }
}
