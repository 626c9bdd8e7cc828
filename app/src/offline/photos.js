// Photos on the phone: downsized to a JPEG, named by their SHA-256, kept in IndexedDB (which
// holds far more than localStorage) until the server has them.
const DB = "road-chief-photos";
const STORE = "photos";

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

function toJpeg(canvas, quality) {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("encoding failed"))), "image/jpeg", quality));
}

// Scales the longest side to at most maxSide px and stores the JPEG; resolves to its hash.
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
  await withStore("readwrite", (store) => store.put(blob, hash));
  return hash;
}

// An object URL to show a stored photo, or "" when the phone no longer has it.
export async function photoUrl(hash) {
  const blob = await withStore("readonly", (store) => store.get(hash));
  return blob ? URL.createObjectURL(blob) : "";
}

// Uploads one stored photo. Resolves to the HTTP status, 0 when the network failed, -1 when
// the phone no longer has the photo.
export async function uploadPhoto(findingId, hash) {
  const blob = await withStore("readonly", (store) => store.get(hash));
  if (!blob) return -1;
  try {
    const response = await fetch(`/api/v1/findings/${findingId}/photos/${hash}`, {
      method: "PUT",
      body: blob,
      headers: { "Content-Type": blob.type || "image/jpeg" },
      credentials: "same-origin",
    });
    if (response.ok) await forgetPhoto(hash);
    return response.status;
  } catch (e) {
    return 0;
  }
}

export async function forgetPhoto(hash) {
  await withStore("readwrite", (store) => store.delete(hash));
}

// Asks the browser not to clear this site's storage under pressure.
export async function persistStorage() {
  try {
    return navigator.storage && navigator.storage.persist ? await navigator.storage.persist() : false;
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
