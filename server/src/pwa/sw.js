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

// A sign-out made with no signal (app/src/offline/phone.js) is sent before the next page load
// or sign-in, so that the old session ends before anyone sees a page of it.
const SIGN_OUT_CACHE = "pending-sign-out";

// Resolves to whether a sign-out is still waiting (the session could not be ended yet).
async function endPendingSession() {
  if (!(await caches.has(SIGN_OUT_CACHE))) return false;
  try {
    const response = await fetch("/api/v1/session", {
      method: "DELETE",
      credentials: "same-origin",
      signal: AbortSignal.timeout ? AbortSignal.timeout(NAVIGATION_TIMEOUT_MS) : undefined,
    });
    if (response.ok || response.status === 401) {
      await caches.delete(SIGN_OUT_CACHE);
      return false;
    }
  } catch (e) {
    // Still no network: tried again on the next load.
  }
  return true;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin === self.location.origin && request.method === "POST" && url.pathname === "/api/v1/session") {
    event.respondWith(endPendingSession().then(() => fetch(request)));
    return;
  }
  if (request.method !== "GET") return;
  // The API is always the network's: records are the app's business, not the cache's.
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
});

async function navigate(request) {
  // While the old session could not be ended, no page is rendered with its cookie.
  const pending = await endPendingSession();
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timeout")), NAVIGATION_TIMEOUT_MS);
      const load = pending ? fetch(request.url, { credentials: "omit", redirect: "manual" }) : fetch(request);
      load.then((r) => { clearTimeout(timer); resolve(r); }, (e) => { clearTimeout(timer); reject(e); });
    });
  } catch (e) {
    const shell = await caches.match("/shell", { cacheName: CACHE });
    return shell || Response.error();
  }
}
