// Registers the service worker (served by the server at /sw.js with this build's asset list)
// and tells the app when a new version is ready, so it can offer "new version, reload" instead
// of ever mixing two versions.
(function () {
  if (!("serviceWorker" in navigator)) return;
  var reloading = false;
  function announce() {
    window.roadchiefUpdateReady = true;
    window.dispatchEvent(new Event("roadchief-update-ready"));
  }
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (registration) {
    if (registration.waiting && navigator.serviceWorker.controller) announce();
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        // A first install just takes over; an update waits for the user.
        if (worker.state === "installed" && navigator.serviceWorker.controller) announce();
      });
    });
    window.addEventListener("roadchief-apply-update", function () {
      if (registration.waiting) registration.waiting.postMessage("skip-waiting");
    });
  }).catch(function (e) { console.warn("service worker not registered", e); });
  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (reloading || !window.roadchiefUpdateReady) return;
    reloading = true;
    window.location.reload();
  });
})();
