import { BrowserContext, Page, expect, test } from '@playwright/test';
import * as path from 'path';
import { hydrated, openMenu } from './helpers';
import { OwnServer } from './own-server';
import { queueFindings } from './outbox-fixture';
import { FieldPhone, closeFieldPhone, fieldPhone, phone, signIn, syncBar } from './phone';

// The phone never loses a record: several tabs, lost answers, a server in trouble, a full
// disk, a reload mid-upload, a closed browser, a shared phone. Each test ends by counting on
// the server (over the API) that every record arrived exactly once.

const PHOTO = path.resolve(__dirname, '../../public/icons/icon-192.png');
const ROAD = '/roads/market-road-2';

let current: Omit<FieldPhone, 'page'> | null = null;

/** A phone and a server of the test's own, signed in as chief01 (closed after the test). */
async function setUp(): Promise<FieldPhone> {
  const set = await fieldPhone();
  current = set;
  return set;
}

// Also after a test ran out of time: no server or profile outlives its test.
test.afterEach(async ({}, testInfo) => {
  if (!current) return;
  const left = current;
  current = null;
  if (testInfo.status !== testInfo.expectedStatus) {
    // What each tab showed when it went wrong.
    for (const [i, tab] of left.context.pages().entries()) {
      await tab.screenshot({ path: testInfo.outputPath(`tab-${i}.png`) }).catch(() => undefined);
    }
  }
  await closeFieldPhone(left);
});

async function openRoad(page: Page) {
  await page.goto(ROAD);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Market Road 2' })).toBeVisible();
}

/** The road open, with the inspection's start already on the server. */
async function openRoadSynced(page: Page) {
  await openRoad(page);
  // The start is in the outbox (or on the server) first: "All synced" seen before it was
  // queued would say nothing about it.
  await expect(page.locator('.page-head').getByText('In progress', { exact: true })).toBeVisible();
  await expect(syncBar(page)).toContainText('All synced', { timeout: 30_000 });
}

/** Records a problem of `category` from the road's checklist and waits until it is saved. */
async function recordProblem(page: Page, category: string, note: string, photo = false) {
  const row = page.getByRole('group', { name: category, exact: true });
  const field = page.getByLabel('What is the problem?');
  // "Problem" opens the form while the row has no problem yet; once it has (recorded here or
  // in another tab) the button reads "✓ Problem" and "+ Record a problem" opens it.
  await expect(async () => {
    const add = row.getByRole('button', { name: '+ Record a problem' });
    if (await add.isVisible()) await add.click();
    else await row.getByRole('button', { name: 'Problem', exact: true }).click();
    await expect(field).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await field.fill(note);
  if (photo) {
    await page.getByLabel('Take or choose a photo').setInputFiles(PHOTO);
    await expect(page.getByRole('img', { name: 'Photo 1 of the problem' })).toBeVisible();
  }
  await page.getByRole('button', { name: 'Save problem' }).click();
  await expect(page.getByRole('group', { name: category, exact: true }).getByText(note)).toBeVisible();
}

/** How many findings with each note the server holds for chief01. */
async function countOnServer(server: OwnServer, notes: string[]): Promise<number[]> {
  const mine: any[] = await server.read('chief01', 'my_findings');
  return notes.map((note) => mine.filter((f) => f.note === note).length);
}

async function syncAndSettle(page: Page) {
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(syncBar(page)).toContainText('All synced', { timeout: 60_000 });
}

test('two tabs recording at once with no signal keep every record, and it syncs once', async () => {
  const { server, context, page } = await setUp();
  const stamp = Date.now().toString().slice(-6);
  const notes = [`Tab one first ${stamp}`, `Tab two ${stamp}`, `Tab one again ${stamp}`];
  const other = await context.newPage();
  await openRoadSynced(page);
  await openRoadSynced(other);
  await context.setOffline(true);
  await server.kill();

  await recordProblem(page, 'Sanitation', notes[0]);
  await recordProblem(other, 'Shop sign', notes[1]);
  await recordProblem(page, 'Sanitation', notes[2]);
  // Each tab shows what the other recorded, without a reload; nothing was overwritten.
  for (const tab of [page, other]) {
    for (const note of notes) await expect(tab.getByText(note)).toBeVisible();
    await expect(syncBar(tab)).toContainText('3 not yet synced');
  }
  await other.reload();
  await hydrated(other);
  for (const note of notes) await expect(other.getByText(note)).toBeVisible();

  await server.start();
  await context.setOffline(false);
  await syncAndSettle(other);
  await expect(syncBar(page)).toContainText('All synced', { timeout: 30_000 });
  expect(await countOnServer(server, notes)).toEqual([1, 1, 1]);
});

test('three tabs, one syncing a long outbox while the others record: each record once', async () => {
  const { server, context, page } = await setUp();
  const stamp = Date.now().toString().slice(-6);
  const notes = [`Second tab ${stamp}`, `Third tab ${stamp}`];
  const total = 200;
  // The network is slow: each sync takes a while, so the others record while one runs.
  let inFlight = 0;
  let mostAtOnce = 0;
  await context.route('**/api/v1/sync', async (route) => {
    inFlight += 1;
    mostAtOnce = Math.max(mostAtOnce, inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const response = await route.fetch();
      await route.fulfill({ response });
    } finally {
      inFlight -= 1;
    }
  });
  await queueFindings(page, total, `Heap ${stamp}`);
  const second = await context.newPage();
  const third = await context.newPage();
  await page.reload();
  await hydrated(page);
  await openRoad(second);
  await openRoad(third);
  await recordProblem(second, 'Shop sign', notes[0]);
  await recordProblem(third, 'Illegal structure', notes[1]);
  for (const tab of [page, second, third]) {
    await expect(syncBar(tab)).toContainText('All synced', { timeout: 60_000 });
  }
  const heaps = Array.from({ length: total }, (_, i) => `Heap ${stamp} ${i}`);
  const counts = await countOnServer(server, [...heaps, ...notes]);
  expect(counts.filter((n) => n !== 1)).toEqual([]);
  // Only one tab synced at a time.
  expect(mostAtOnce).toBe(1);
});

test('an answer lost after the server applied the records: sent again, kept once, receipted', async () => {
  const { server, context, page } = await setUp();
  const stamp = Date.now().toString().slice(-6);
  const notes = [`Lost answer one ${stamp}`, `Lost answer two ${stamp}`];
  await openRoadSynced(page);
  await context.setOffline(true);
  await server.kill();
  await recordProblem(page, 'Sanitation', notes[0]);
  await recordProblem(page, 'Shop sign', notes[1]);
  await server.start();
  let lost = false;
  await page.route('**/api/v1/sync', async (route) => {
    const body = route.request().postData() || '';
    if (lost || !body.includes(notes[0])) return route.continue();
    await route.fetch(); // the server applies the batch...
    lost = true;
    await route.abort('connectionreset'); // ...and the phone never hears it
  });
  await context.setOffline(false);
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect.poll(() => lost, { timeout: 30_000 }).toBe(true);
  await syncAndSettle(page);
  expect(await countOnServer(server, notes)).toEqual([1, 1]);
  // The outbox page lists the server's receipts.
  await page.goto('/outbox');
  await hydrated(page);
  const receipts = page.getByRole('list', { name: 'Accepted by the server' });
  for (const note of notes) await expect(receipts).toContainText(note);
  await expect(receipts).toContainText(/accepted by the server \d{4}-\d\d-\d\d \d\d:\d\d/);
});

test('a server answering 500 and 503 for a while refuses no record; a bad cursor resets the pull', async () => {
  const { server, context, page } = await setUp();
  const stamp = Date.now().toString().slice(-6);
  const notes = [`Through the storm ${stamp}`, `After the storm ${stamp}`];
  let troubled = 0;
  await page.route('**/api/v1/sync', async (route) => {
    troubled += 1;
    if (troubled > 4) return route.continue();
    const busy = troubled % 2 === 0;
    await route.fulfill({
      status: busy ? 503 : 500,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: busy ? 'busy' : 'internal', message: 'trouble' } }),
    });
  });
  // The phone's cursor is one this server never wrote (a restore, another version).
  await page.evaluate(() => {
    const me = JSON.parse(localStorage.getItem('roadchief.me')!);
    const key = `roadchief.${me.id}.replica`;
    const replica = JSON.parse(localStorage.getItem(key)!);
    replica.cursor = 'v9.not-from-here';
    localStorage.setItem(key, JSON.stringify(replica));
  });
  await openRoad(page);
  await recordProblem(page, 'Sanitation', notes[0]);
  await recordProblem(page, 'Shop sign', notes[1]);
  while (troubled < 5) await page.getByRole('button', { name: 'Sync now' }).click({ timeout: 30_000 });
  await syncAndSettle(page);
  await expect(syncBar(page).getByRole('link', { name: /need attention/ })).toBeHidden();
  expect(await countOnServer(server, notes)).toEqual([1, 1]);
});

test('a record the server can never take is marked alone; the others go on', async () => {
  const { server, context, page } = await setUp();
  const stamp = Date.now().toString().slice(-6);
  await context.setOffline(true);
  await server.kill();
  await queueFindings(page, 5, `Good ${stamp}`);
  // The third, from a newer version, is an operation this server does not know.
  await page.evaluate(() => {
    const me = JSON.parse(localStorage.getItem('roadchief.me')!);
    const key = `roadchief.${me.id}.outbox`;
    const outbox = JSON.parse(localStorage.getItem(key)!);
    outbox.items[2].op = { kind: 'teleport_road', road_id: 'market-road-2' };
    localStorage.setItem(key, JSON.stringify(outbox));
  });
  await page.reload();
  await hydrated(page);
  await server.start();
  await context.setOffline(false);
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(syncBar(page)).toContainText('1 need attention', { timeout: 60_000 });
  await expect(syncBar(page)).toContainText('1 not yet synced');
  const counts = await countOnServer(server, [0, 1, 2, 3, 4].map((i) => `Good ${stamp} ${i}`));
  expect(counts).toEqual([1, 1, 0, 1, 1]);
  await page.goto('/outbox');
  await hydrated(page);
  const list = page.getByRole('list', { name: 'Records to sync' });
  await expect(list.getByRole('alert')).toContainText('Refused:');
  await expect(list.getByRole('button', { name: 'Discard' })).toHaveCount(1);
});

test('storage full at the moment of saving: told at once, the form kept, nothing half-saved', async () => {
  const { server, context, page } = await setUp();
  const stamp = Date.now().toString().slice(-6);
  const note = `Saved on the second try ${stamp}`;
  await openRoadSynced(page);
  await context.setOffline(true);
  await server.kill();
  // The disk fills up. (Chromium 156 does not apply the DevTools protocol's quota override to
  // IndexedDB, so the browser's refusal is made here: every write is refused as the browser
  // refuses one over quota, with a QuotaExceededError.)
  await page.evaluate(() => {
    const full = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    const w = window as any;
    w.fullDisk = { add: IDBObjectStore.prototype.add, put: IDBObjectStore.prototype.put };
    IDBObjectStore.prototype.add = full;
    IDBObjectStore.prototype.put = full;
  });

  const row = page.getByRole('group', { name: 'Sanitation', exact: true });
  await row.getByRole('button', { name: 'Problem', exact: true }).click();
  await page.getByLabel('What is the problem?').fill(note);
  await page.getByRole('button', { name: 'Save problem' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'the record was NOT saved' }).first()).toBeVisible();
  // The form is still there with what was typed; nothing was stored.
  await expect(page.getByLabel('What is the problem?')).toHaveValue(note);
  await expect(syncBar(page)).toContainText('All synced');

  // Room again (photos deleted, say): the same form saves.
  await page.evaluate(() => {
    const w = window as any;
    IDBObjectStore.prototype.add = w.fullDisk.add;
    IDBObjectStore.prototype.put = w.fullDisk.put;
  });
  await page.getByRole('button', { name: 'Save problem' }).click();
  await expect(page.getByRole('group', { name: 'Sanitation', exact: true }).getByText(note)).toBeVisible();
  await expect(syncBar(page)).toContainText('1 not yet synced');
  await server.start();
  await context.setOffline(false);
  await syncAndSettle(page);
  expect(await countOnServer(server, [note])).toEqual([1]);
});

test('a reload in the middle of a photo upload: the photo arrives once and leaves the phone', async () => {
  const { server, context, page } = await setUp();
  const stamp = Date.now().toString().slice(-6);
  const note = `With a photo ${stamp}`;
  await openRoadSynced(page);
  await context.setOffline(true);
  await server.kill();
  await recordProblem(page, 'Sanitation', note, true);
  await server.start();
  let held = false;
  await page.route('**/api/v1/findings/*/photos/*', async () => {
    held = true; // never answered: the page goes away meanwhile
  });
  await context.setOffline(false); // back online: the sync starts by itself
  await expect.poll(() => held, { timeout: 30_000 }).toBe(true);
  await page.unroute('**/api/v1/findings/*/photos/*');
  await page.reload();
  await hydrated(page);
  await syncAndSettle(page);
  expect(await countOnServer(server, [note])).toEqual([1]);
  const mine: any[] = await server.read('chief01', 'my_findings');
  const detail = await server.read('chief01', 'finding', { id: mine.find((f) => f.note === note).id });
  expect(detail.photos).toHaveLength(1);
  expect(detail.photos[0].uploaded).toBe(true);
  // Confirmed by the server, the file has left the phone.
  await expect.poll(() => page.evaluate(storedPhotos)).toBe(0);
});

test('the browser closed right after saving: the record is there when it opens, and syncs once', async () => {
  const set = await setUp();
  const { server, profile } = set;
  let { context, page } = set;
  const stamp = Date.now().toString().slice(-6);
  const note = `Before the browser closed ${stamp}`;
  await openRoadSynced(page);
  await context.setOffline(true);
  await server.kill();
  await recordProblem(page, 'Sanitation', note);
  await context.close();
  context = await phone(profile, server);
  current = { server, profile, context };
  page = context.pages()[0] || (await context.newPage());
  await server.start();
  await page.goto(ROAD);
  await hydrated(page);
  await syncAndSettle(page);
  expect(await countOnServer(server, [note])).toEqual([1]);
});

test('a shared phone: after sign-out the next person sees nothing of the last one', async () => {
  const { server, context, page } = await setUp();
  const stamp = Date.now().toString().slice(-6);
  const note = `Only for chief one ${stamp}`;
  const cookie = (await context.cookies()).find((c) => c.name === 'rc_session')!;
  const first = await page.evaluate(() => JSON.parse(localStorage.getItem('roadchief.me')!).id);
  await openRoadSynced(page);
  await context.setOffline(true);
  await server.kill();
  await recordProblem(page, 'Sanitation', note);
  // Signed out with no signal: the records stay on the phone, out of sight.
  page.once('dialog', (dialog) => dialog.accept());
  await openMenu(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/login');
  await page.goto('/');
  await expect(page.locator('main')).not.toBeEmpty();
  await expect(page.getByText('Market Road 2')).toHaveCount(0);

  // Back online, someone else signs in on the same phone.
  await server.start();
  await context.setOffline(false);
  await signIn(page, 'chief02');
  await expect(syncBar(page)).toContainText('All synced', { timeout: 30_000 });
  // The first chief's session ended when the phone came back.
  const old = await fetch(`${server.url}/api/v1/sync`, {
    method: 'POST',
    headers: { cookie: `${cookie.name}=${cookie.value}`, 'content-type': 'application/json' },
    body: '{"ops": []}',
  });
  expect(old.status).toBe(401);
  for (const where of ['/', '/outbox', '/findings']) {
    await page.goto(where);
    await hydrated(page);
    await expect(page.getByText(note)).toHaveCount(0);
    await expect(page.getByText('Market Road 2')).toHaveCount(0);
  }
  const leftovers = await page.evaluate((first) => Object.keys(localStorage).filter((k) => k.includes(first)), first);
  expect(leftovers).toEqual([]);
  expect(await countOnServer(server, [note])).toEqual([0]);

  // The first chief signs in again: the record they left is there, and goes up once.
  await openMenu(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/login');
  await signIn(page, 'chief01');
  await expect(syncBar(page)).toContainText('All synced', { timeout: 30_000 });
  expect(await countOnServer(server, [note])).toEqual([1]);
});

/** How many photo files the phone's database holds. */
function storedPhotos(): Promise<number> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('road-chief-photos');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const request = open.result.transaction('photos').objectStore('photos').count();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    };
  });
}

test('findings an earlier version kept in the draft go to the outbox once, and leave the draft', async () => {
  const { server, page } = await setUp();
  const note = `Kept in the draft by an earlier version ${Date.now().toString().slice(-6)}`;
  await openRoadSynced(page);
  const inspection = await (await page.request.post('/api/inspection', { form: { road_id: 'market-road-2' } })).json();
  const key = `roadchief.draft.market-road-2.${inspection.week}`;
  const [a, b] = inspection.road.coordinates;
  // What that version wrote: the ticked results and the findings to send with them.
  await page.evaluate(
    ({ key, a, b, note }) => {
      const finding = {
        id: crypto.randomUUID(),
        category: 'sanitation',
        note,
        lon: (a[0] + b[0]) / 2,
        lat: (a[1] + b[1]) / 2,
        along_m: 10,
        off_road_confirmed: false,
        observed_at: Date.now(),
        photos: [],
      };
      localStorage.setItem(key, JSON.stringify({ results: { sanitation: 'problem' }, findings: [finding] }));
    },
    { key, a, b, note },
  );
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('group', { name: 'Sanitation', exact: true }).getByText(note)).toBeVisible();
  await syncAndSettle(page);
  expect(await countOnServer(server, [note])).toEqual([1]);
  await expect
    .poll(() => page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{}').findings ?? 'gone', key))
    .toBe('gone');
  // Taken over once: opening the road again adds nothing.
  await page.reload();
  await hydrated(page);
  await syncAndSettle(page);
  expect(await countOnServer(server, [note])).toEqual([1]);
});
