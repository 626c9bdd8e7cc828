import { test } from '@playwright/test';
import { closeFieldPhone, fieldPhone } from '../tests/phone';

// How many findings the phone can keep unsynced. The app's outbox entries (in IndexedDB, in the
// format the app writes) are stored, and the browser's own count of the site's IndexedDB bytes
// (navigator.storage.estimate) gives what each finding takes, without and with a photo (a
// 1600 px JPEG as the app makes it); the capacity is the site's quota over that. (Filling a
// real quota of gigabytes would take too long, and Chromium here does not apply a lowered quota
// to IndexedDB.) Beside it, in the same run: how many findings fit in localStorage, where the
// earlier outbox lived (about 5 MB whatever the disk, each finding in it twice).
const FINDINGS = 2000;
const PHOTOS = 40;

test('outbox capacity', async () => {
  const field = await fieldPhone();
  const { page } = field;
  try {
    const figures = await page.evaluate(async ({ FINDINGS, PHOTOS }) => {
      const note = '门店占道经营，货物堆放在人行道上，影响行人通行，已劝导未整改';
      const uuid = (n: number, kind: number) =>
        `0190abcd-${kind.toString(16).padStart(4, '0')}-7000-8000-${n.toString(16).padStart(12, '0')}`;
      const queued = (n: number, photos: string[]) => {
        const finding = {
          id: uuid(n, 1), category: 'street_occupation', note, lon: 120.4471, lat: 36.3893,
          off_road_confirmed: false, observed_at: Date.now(), photos, urgent: false,
        };
        const op = { kind: 'record_finding', road_id: 'market-road-2', week: '2026-W49', finding };
        const about = { kind: 'record_finding', road_id: 'market-road-2', week: '2026-W49', finding, finding_id: finding.id };
        return { id: uuid(n, 2), op, about, queued_at: Date.now(), rejected: null, sent_at: null };
      };
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const open = indexedDB.open('road-chief-photos');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const write = (stores: string[], work: (tx: IDBTransaction) => void) =>
        new Promise<boolean>((resolve) => {
          const tx = db.transaction(stores, 'readwrite');
          work(tx);
          tx.oncomplete = () => resolve(true);
          tx.onabort = () => resolve(false);
        });
      const clear = () => write(['outbox', 'photos'], (tx) => {
        tx.objectStore('outbox').clear();
        tx.objectStore('photos').clear();
      });
      const usage = async () => {
        const estimate: any = await navigator.storage.estimate();
        return (estimate.usageDetails && estimate.usageDetails.indexedDB) || estimate.usage;
      };
      // Stores `count` findings, 50 to a transaction as a sync-free day of recording would;
      // the bytes the site's IndexedDB grew by.
      const store = async (count: number, photo: Blob | null) => {
        const before = await usage();
        for (let n = 0; n < count; n += 50) {
          await write(['outbox', 'photos'], (tx) => {
            for (let i = n; i < Math.min(count, n + 50); i++) {
              const hash = photo ? i.toString(16).padStart(64, '0') : null;
              const q = queued(i, hash ? [hash] : []);
              tx.objectStore('outbox').add({ user: 'bench', key: q.id, text: JSON.stringify(q) });
              if (hash) {
                const p = { finding_id: q.about.finding.id, hash, rejected: null };
                tx.objectStore('outbox').add({ user: 'bench', key: `photo:${p.finding_id}:${hash}`, text: JSON.stringify(p), photo: hash });
                tx.objectStore('photos').put({ blob: photo, at: Date.now() }, hash);
              }
            }
          });
        }
        return (await usage()) - before;
      };
      // A street photo as the app stores it: 1600 px on the long side, JPEG at 0.8.
      const canvas = document.createElement('canvas');
      canvas.width = 1600;
      canvas.height = 1200;
      const g = canvas.getContext('2d')!;
      for (let i = 0; i < 4000; i++) {
        g.fillStyle = `hsl(${Math.random() * 360},${20 + Math.random() * 40}%,${30 + Math.random() * 40}%)`;
        g.fillRect(Math.random() * 1600, Math.random() * 1200, 10 + Math.random() * 120, 10 + Math.random() * 120);
      }
      const photo: Blob = await new Promise((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.8));

      await clear();
      const perFinding = (await store(FINDINGS, null)) / FINDINGS;
      await clear();
      const perFindingWithPhoto = (await store(PHOTOS, photo)) / PHOTOS;
      await clear();
      const { quota } = await navigator.storage.estimate();

      // The earlier outbox: one JSON text in localStorage, each finding in it twice.
      const items = [];
      let inLocalStorage = 0;
      for (let step = 256; step >= 1; step = Math.floor(step / 2)) {
        for (;;) {
          for (let i = 0; i < step; i++) items.push(queued(items.length, []));
          try {
            localStorage.setItem('roadchief.bench.outbox', JSON.stringify({ items, photos: [] }));
            inLocalStorage = items.length;
          } catch (e) {
            items.length = inLocalStorage;
            break;
          }
        }
      }
      localStorage.removeItem('roadchief.bench.outbox');
      return { perFinding, perFindingWithPhoto, quota: quota!, inLocalStorage, photoBytes: photo.size };
    }, { FINDINGS, PHOTOS });
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
    const per = (space: number, each: number) => Math.floor(space / each).toLocaleString('en');
    const GB = 1024 ** 3;
    console.log(`outbox capacity (IndexedDB, the app's format; ${FINDINGS} findings, ${PHOTOS} with a photo):`);
    console.log(`  one finding takes ${kb(figures.perFinding)}; with one ${kb(figures.photoBytes)} photo ${kb(figures.perFindingWithPhoto)}`);
    console.log(`  in 1 GB: ${per(GB, figures.perFinding)} findings without photos, ${per(GB, figures.perFindingWithPhoto)} with a photo each`);
    console.log(`  in this browser's quota for the site (${(figures.quota / GB).toFixed(1)} GB): ${per(figures.quota, figures.perFinding)} / ${per(figures.quota, figures.perFindingWithPhoto)}`);
    console.log(`  beside it, the earlier localStorage outbox: ${figures.inLocalStorage} findings without photos, whatever the disk`);
  } finally {
    await closeFieldPhone(field);
  }
});
