// The phone's own storage, in IndexedDB: far larger than localStorage, and written one entry
// at a time in transactions, so that several tabs never overwrite each other's records.
//   outbox   every change not yet on the server, one entry each, in the order made (the key
//            generator is shared by all tabs), with the user it belongs to;
//   receipts the server's receipts for the last records it accepted, per user;
//   photos   downsized JPEGs named by their SHA-256, until the server has them.
// The first version of this database held photos only; its name stays.
const DB = "road-chief-photos";
const VERSION = 2;
const RECEIPTS_KEPT = 50;
// Photos picked in a form that was never saved are swept after a day.
const LOOSE_PHOTO_MS = 24 * 3600 * 1000;

let opening = null;
function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, VERSION);
      request.onupgradeneeded = (event) => {
        const db = request.result;
        if (event.oldVersion < 1) db.createObjectStore("photos");
        if (event.oldVersion < 2) {
          const outbox = db.createObjectStore("outbox", { autoIncrement: true });
          outbox.createIndex("entry", ["user", "key"], { unique: true });
          outbox.createIndex("user", "user");
          outbox.createIndex("photo", "photo");
          db.createObjectStore("receipts", { autoIncrement: true }).createIndex("user", "user");
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        // A newer version of the app wants to upgrade: let it, and open again next time.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(db);
      };
      request.onerror = () => {
        opening = null;
        reject(request.error);
      };
    });
  }
  return opening;
}

// Runs `work(tx)` in one transaction; resolves with what `work` put in `out.value` once the
// transaction has committed (so a resolved write is on disk), rejects with its error (a full
// disk is "QuotaExceededError") after it rolled back.
async function transact(stores, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    let tx;
    try {
      tx = db.transaction(stores, mode, { durability: "strict" });
    } catch (e) {
      reject(e);
      return;
    }
    const out = { value: undefined };
    tx.oncomplete = () => resolve(out.value);
    tx.onabort = () => reject(tx.error || new DOMException("aborted", "AbortError"));
    try {
      work(tx, out);
    } catch (e) {
      tx.abort();
      reject(e);
    }
  });
}

function errorName(e) {
  return (e && e.name) || "Error";
}

// ---- outbox ----

// Every entry of this user, oldest first: [{key, text}].
export function outboxEntries(user) {
  return transact(["outbox"], "readonly", (tx, out) => {
    const request = tx.objectStore("outbox").index("user").getAll(user);
    request.onsuccess = () => (out.value = request.result.map((e) => ({ key: e.key, text: e.text })));
  });
}

// Applies one change to this user's outbox in one transaction, all or nothing:
//   add      [{key, text, photo?}] new entries (a key already there aborts the change);
//   put      [{key, text}] entries changed in place; one another tab removed stays removed;
//   remove   [key] entries gone (a photo's file goes with its last entry);
//   receipts [{key, text}] receipts of accepted records (key: the record's id), the oldest
//            beyond RECEIPTS_KEPT dropped.
// Resolves to "" or rejects with the error's name.
export async function outboxChange(user, change) {
  try {
    await transact(["outbox", "receipts", "photos"], "readwrite", (tx) => {
      const outbox = tx.objectStore("outbox");
      const entries = outbox.index("entry");
      for (const e of change.add || []) {
        const value = { user, key: e.key, text: e.text };
        if (e.photo) value.photo = e.photo;
        outbox.add(value);
      }
      for (const e of change.put || []) {
        entries.openCursor(IDBKeyRange.only([user, e.key])).onsuccess = (event) => {
          const cursor = event.target.result;
          if (cursor) cursor.update({ ...cursor.value, text: e.text });
        };
      }
      for (const key of change.remove || []) {
        entries.openCursor(IDBKeyRange.only([user, key])).onsuccess = (event) => {
          const cursor = event.target.result;
          if (!cursor) return;
          const photo = cursor.value.photo;
          cursor.delete();
          if (photo) {
            outbox.index("photo").count(photo).onsuccess = (counted) => {
              if (counted.target.result === 0) tx.objectStore("photos").delete(photo);
            };
          }
        };
      }
      const receipts = tx.objectStore("receipts");
      for (const r of change.receipts || []) receipts.add({ user, key: r.key, text: r.text });
      if ((change.receipts || []).length > 0) {
        receipts.index("user").getAllKeys(user).onsuccess = (event) => {
          const keys = event.target.result;
          for (const key of keys.slice(0, Math.max(0, keys.length - RECEIPTS_KEPT))) receipts.delete(key);
        };
      }
    });
    return "";
  } catch (e) {
    return errorName(e);
  }
}

// The user's receipts, oldest first: [{key, text}].
export function receipts(user) {
  return transact(["receipts"], "readonly", (tx, out) => {
    const request = tx.objectStore("receipts").index("user").getAll(user);
    request.onsuccess = () => (out.value = request.result.map((r) => ({ key: r.key || "", text: r.text })));
  });
}

// Removes photo files no outbox entry of any user refers to, picked more than a day ago.
export function sweepPhotos() {
  const before = Date.now() - LOOSE_PHOTO_MS;
  return transact(["outbox", "photos"], "readwrite", (tx) => {
    const used = tx.objectStore("outbox").index("photo");
    tx.objectStore("photos").openCursor().onsuccess = (event) => {
      const cursor = event.target.result;
      if (!cursor) return;
      const hash = cursor.key;
      const value = cursor.value;
      // The first version stored the bare blob, without the time it was picked: those may
      // belong to an outbox still in localStorage, and are left alone.
      if (!(value instanceof Blob) && value.at < before) {
        used.count(hash).onsuccess = (counted) => {
          if (counted.target.result === 0) tx.objectStore("photos").delete(hash);
        };
      }
      cursor.continue();
    };
  }).catch(() => undefined);
}

// ---- photos ----

function blobOf(value) {
  return value instanceof Blob ? value : value && value.blob;
}

function readPhoto(hash) {
  return transact(["photos"], "readonly", (tx, out) => {
    const request = tx.objectStore("photos").get(hash);
    request.onsuccess = () => (out.value = blobOf(request.result));
  });
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

function toJpeg(canvas, quality) {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("encoding failed"))), "image/jpeg", quality));
}

// Scales the longest side to at most maxSide px and stores the JPEG; resolves to its hash.
// Rejects with "QuotaExceededError" when the phone's storage is full.
export async function storePhoto(file, maxSide) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  let blob = await toJpeg(canvas, 0.8);
  if (blob.size > 300 * 1024) blob = await toJpeg(canvas, 0.6);
  const hash = hex(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
  try {
    await transact(["photos"], "readwrite", (tx) => tx.objectStore("photos").put({ blob, at: Date.now() }, hash));
  } catch (e) {
    throw errorName(e);
  }
  return hash;
}

// An object URL to show a stored photo, or "" when the phone no longer has it.
export async function photoUrl(hash) {
  const blob = await readPhoto(hash);
  return blob ? URL.createObjectURL(blob) : "";
}

// Uploads one stored photo. Resolves to the HTTP status, 0 when the network failed, -1 when
// the phone no longer has the photo. The file stays until its outbox entry is removed.
export async function uploadPhoto(findingId, hash) {
  const blob = await readPhoto(hash);
  if (!blob) return -1;
  try {
    const response = await fetch(`/api/v1/findings/${findingId}/photos/${hash}`, {
      method: "PUT",
      body: blob,
      headers: { "Content-Type": blob.type || "image/jpeg" },
      credentials: "same-origin",
      // A hung upload must not hold the sync (and its lock) forever.
      signal: AbortSignal.timeout ? AbortSignal.timeout(120000) : undefined,
    });
    return response.status;
  } catch (e) {
    return 0;
  }
}

// ---- storage as a whole ----

// Asks the browser not to clear this site's storage under pressure; resolves to whether it is
// (now) persistent.
export async function persistStorage() {
  try {
    if (!navigator.storage || !navigator.storage.persist) return false;
    return (await navigator.storage.persisted()) || (await navigator.storage.persist());
  } catch (e) {
    return false;
  }
}

// True when more than 90% of the storage the browser grants this site is used.
export async function storageNearlyFull() {
  try {
    if (!navigator.storage || !navigator.storage.estimate) return false;
    const { usage, quota } = await navigator.storage.estimate();
    return quota > 0 && usage / quota > 0.9;
  } catch (e) {
    return false;
  }
}

// ---- tabs ----

const TAB = Math.random().toString(36).slice(2);
const LEASE_MS = 30000;

// Takes the lock of this name unless another tab or window of the app holds it: resolves to a
// function that releases it, or to null when it is taken. The Web Locks API where the browser
// has it; else a lease in localStorage, renewed while held (two tabs may rarely both take it;
// the server applies each record once all the same).
export function exclusively(name) {
  if (navigator.locks && navigator.locks.request) {
    return new Promise((granted) => {
      navigator.locks.request(name, { ifAvailable: true }, (lock) => {
        if (!lock) {
          granted(null);
          return undefined;
        }
        // Held until the returned function is called.
        return new Promise((release) => granted(release));
      });
    });
  }
  const key = `roadchief.lease.${name}`;
  const [holder, until] = (localStorage.getItem(key) || "").split(" ");
  if (holder && holder !== TAB && Number(until) > Date.now()) return Promise.resolve(null);
  const take = () => localStorage.setItem(key, `${TAB} ${Date.now() + LEASE_MS}`);
  take();
  const renew = setInterval(take, LEASE_MS / 3);
  return Promise.resolve(() => {
    clearInterval(renew);
    localStorage.removeItem(key);
  });
}

let turn = Promise.resolve();

// Resolves, to a function that ends this turn, once every turn this tab asked for before has
// ended: one tab's writes to the outbox never interleave.
export function nextTurn() {
  let end;
  const ended = new Promise((resolve) => (end = resolve));
  const mine = turn.then(() => end);
  turn = turn.then(() => ended);
  return mine;
}

const CHANNEL = "road-chief";
const ANNOUNCE_KEY = "roadchief.announce";
let channel = null;

// Tells the app's other tabs something changed ("outbox", "replica", "signed-out").
export function announce(what) {
  const message = `${what} ${TAB} ${Math.random()}`;
  if (typeof BroadcastChannel !== "undefined") {
    if (!channel) channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(message);
  } else {
    // The storage event reaches the other tabs only.
    localStorage.setItem(ANNOUNCE_KEY, message);
  }
}

// Calls `heard(what)` for every announcement of another tab (a tab's own channels hear each
// other too: those are left out).
export function listen(heard) {
  const take = (message) => {
    const [what, tab] = String(message || "").split(" ");
    if (what && tab !== TAB) heard(what);
  };
  if (typeof BroadcastChannel !== "undefined") {
    new BroadcastChannel(CHANNEL).onmessage = (event) => take(event.data);
  } else {
    window.addEventListener("storage", (event) => {
      if (event.key === ANNOUNCE_KEY) take(event.newValue);
    });
  }
}

// ---- a sign-out waiting for the network ----

// Kept in the Cache API, which the service worker reads too (server/src/pwa/sw.js): the next
// page load or sign-in ends the old session first. localStorage only where there is no Cache
// API (the service worker cannot clear it, so it must not be left behind there).
const SIGN_OUT_CACHE = "pending-sign-out";
const SIGN_OUT_KEY = "roadchief.sign-out-pending";

export async function markSignOutPending() {
  try {
    if (self.caches) {
      await (await caches.open(SIGN_OUT_CACHE)).put("/pending-sign-out", new Response("1"));
      return;
    }
  } catch (e) {
    // No Cache API after all: localStorage below.
  }
  localStorage.setItem(SIGN_OUT_KEY, "1");
}

export async function signOutPending() {
  if (localStorage.getItem(SIGN_OUT_KEY)) return true;
  try {
    return !!(self.caches && (await caches.has(SIGN_OUT_CACHE)));
  } catch (e) {
    return false;
  }
}

export async function clearSignOutPending() {
  localStorage.removeItem(SIGN_OUT_KEY);
  try {
    if (self.caches) await caches.delete(SIGN_OUT_CACHE);
  } catch (e) {
    // Nothing to clear.
  }
}
