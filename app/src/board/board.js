// The report form's script (runs without the app): the place from the phone's position or a
// tap on the road sketch, photos made smaller before they go over mobile data, and the proof
// of work the server asks for before it takes a report. SHA-256 is written out here because
// crypto.subtle is missing on plain-http pages.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];
  var W = new Array(64);

  // SHA-256 of an ASCII string, as 8 words.
  function sha256(text) {
    var n = text.length, blocks = ((n + 9 + 63) >> 6), words = new Array(blocks * 16).fill(0), i;
    for (i = 0; i < n; i++) words[i >> 2] |= text.charCodeAt(i) << (24 - (i & 3) * 8);
    words[n >> 2] |= 0x80 << (24 - (n & 3) * 8);
    words[blocks * 16 - 1] = n * 8;
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    for (var b = 0; b < blocks; b++) {
      for (i = 0; i < 64; i++) {
        if (i < 16) { W[i] = words[b * 16 + i] | 0; continue; }
        var x = W[i - 15], y = W[i - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
      }
      var a = h[0], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7], bb = h[1];
      for (i = 0; i < 64; i++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (S0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = bb; bb = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + bb) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    return h;
  }

  function zeroBits(h) {
    for (var i = 0, bits = 0; i < 8; i++) {
      if (h[i] === 0) { bits += 32; continue; }
      return bits + Math.clz32(h[i]);
    }
    return bits;
  }

  // Finds the counter in slices, so the page stays responsive.
  function solve(challenge, bits, done) {
    var counter = 0;
    (function slice() {
      for (var end = counter + 5000; counter < end; counter++) {
        if (zeroBits(sha256(challenge + ":" + counter)) >= bits) return done(String(counter));
      }
      setTimeout(slice, 0);
    })();
  }

  var sketch = document.getElementById("sketch"), mark = document.getElementById("mark");
  var place = document.getElementById("place");
  var west = +sketch.dataset.west, north = +sketch.dataset.north;
  var perLon = +sketch.dataset.perLon, perLat = +sketch.dataset.perLat;

  // "Is it one of these?": the server's list of open problems of this kind near this place.
  var same = document.getElementById("same"), asked = 0;
  function askSame() {
    var lon = form.elements.lon.value, lat = form.elements.lat.value, n = ++asked;
    if (!lon || !lat || !window.fetch) { same.innerHTML = ""; return; }
    var query = "&category=" + encodeURIComponent(form.elements.category.value) +
      "&lon=" + encodeURIComponent(lon) + "&lat=" + encodeURIComponent(lat);
    fetch(form.dataset.same + query, { credentials: "omit" }).then(function (r) {
      return r.ok ? r.text() : "";
    }).then(function (html) { if (n === asked) same.innerHTML = html; }, function () { /* offered next time */ });
  }
  form.elements.category.addEventListener("change", askSame);

  function setPlace(lon, lat, said) {
    form.elements.lon.value = lon.toFixed(6);
    form.elements.lat.value = lat.toFixed(6);
    mark.setAttribute("cx", ((lon - west) * perLon).toFixed(1));
    mark.setAttribute("cy", ((north - lat) * perLat).toFixed(1));
    place.textContent = said;
    askSame();
  }
  askSame();

  sketch.addEventListener("click", function (event) {
    var box = sketch.getBoundingClientRect(), view = sketch.viewBox.baseVal;
    var x = (event.clientX - box.left) * view.width / box.width, y = (event.clientY - box.top) * view.height / box.height;
    setPlace(west + x / perLon, north - y / perLat, form.dataset.placeTapped);
  });

  document.getElementById("use-position").addEventListener("click", function () {
    if (!navigator.geolocation) { place.textContent = form.dataset.noPosition; return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      setPlace(p.coords.longitude, p.coords.latitude, form.dataset.placeSet.replace("{m}", Math.round(p.coords.accuracy)));
    }, function () { place.textContent = form.dataset.noPosition; }, { enableHighAccuracy: true, timeout: 15000 });
  });

  // A phone photo is several MB: sent as a JPEG of at most 1600 px, like the chiefs' app does.
  function smaller(file) {
    return new Promise(function (resolve) {
      if (!window.createImageBitmap || file.size < 400000) return resolve(file);
      createImageBitmap(file).then(function (image) {
        var scale = Math.min(1, 1600 / Math.max(image.width, image.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(image.width * scale);
        canvas.height = Math.round(image.height * scale);
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          resolve(blob && blob.size < file.size ? new File([blob], "photo.jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.82);
      }, function () { resolve(file); });
    });
  }

  var sending = false;
  form.addEventListener("submit", function (event) {
    if (form.elements.counter.value) return;
    event.preventDefault();
    if (sending) return;
    sending = true;
    var button = document.getElementById("send");
    button.disabled = true;
    document.getElementById("sending").textContent = form.dataset.sending;
    var input = form.elements.photos, files = Array.prototype.slice.call(input.files || []);
    Promise.all(files.map(smaller)).then(function (photos) {
      try {
        if (photos.length && window.DataTransfer) {
          var list = new DataTransfer();
          photos.forEach(function (p) { list.items.add(p); });
          input.files = list.files;
        }
      } catch (e) { /* the originals go */ }
      solve(form.elements.challenge.value, +form.dataset.bits, function (counter) {
        form.elements.counter.value = counter;
        form.submit();
      });
    });
  });
})();
