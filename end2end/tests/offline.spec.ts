import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hydrated, signIn as signInOnSharedServer } from './helpers';
import { OwnServer } from './own-server';
import { phone, readyForTheField, signIn, syncBar } from './phone';
import { queueFindings } from './outbox-fixture';

// A phone with no signal: the app opens, the week's inspection is recorded with photos, the
// browser is closed and opened again, and when the network is back everything reaches the
// server exactly once. The server here is the test's own, so it can be stopped (the offline
// switch does not cover the service worker's own fetches) and killed mid-sync.

const PHOTO = path.resolve(__dirname, '../../public/icons/icon-192.png');
const CATEGORIES = [
  'Illegal structure', 'Sanitation', 'Shop sign', 'Street-occupying business', 'Road damage',
  'Waterlogging', 'Parking and traffic', 'Food safety', 'Unlicensed business', 'Safety hazard',
];

test('an inspection recorded offline reaches the server once, with its photo', async () => {
  const server = new OwnServer(3200);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'road-chief-phone-'));
  await server.start();
  try {
    const stamp = Date.now().toString().slice(-6);
    const notes = [`Rubbish heap ${stamp}`, `Broken sign ${stamp}`, `Stall on the pavement ${stamp}`];
    let context = await phone(profile, server);
    let page = context.pages()[0] || (await context.newPage());
    await signIn(page, 'chief01');
    await readyForTheField(page);

    // No signal: the browser is offline and the server out of reach.
    await context.setOffline(true);
    await server.kill();
    await page.getByRole('link', { name: /Market Road 2/ }).click();
    await expect(page.getByRole('heading', { name: 'Market Road 2' })).toBeVisible();
    await expect(syncBar(page)).toContainText('Offline');

    const withProblems: Record<string, string> = { Sanitation: notes[0], 'Shop sign': notes[1], 'Street-occupying business': notes[2] };
    for (const name of CATEGORIES) {
      const row = page.getByRole('group', { name, exact: true });
      const note = withProblems[name];
      if (!note) {
        await row.getByRole('button', { name: 'OK', exact: true }).click();
        continue;
      }
      await row.getByRole('button', { name: 'Problem' }).click();
      await page.getByLabel('What is the problem?').fill(note);
      if (name === 'Sanitation') {
        await page.getByLabel('Take or choose a photo').setInputFiles(PHOTO);
        await expect(page.getByRole('img', { name: 'Photo 1 of the problem' })).toBeVisible();
      }
      await page.getByRole('button', { name: 'Save problem' }).click();
      await expect(page.getByRole('group', { name, exact: true }).getByText(note)).toBeVisible();
      // Where on the road, as the form placed it, kept with the queued record.
      await expect(page.getByRole('listitem').filter({ hasText: note })).toContainText(/ · \d+ m from the start/);
    }
    await page.getByRole('button', { name: "Submit this week's inspection" }).click();
    await expect(page.getByRole('status')).toContainText('saved on this phone');
    // Start, three findings, the submission, one photo.
    await expect(syncBar(page)).toContainText('6 not yet synced');

    // Reloading with no network brings back the app and everything recorded.
    await page.reload();
    await hydrated(page);
    await expect(page.getByRole('heading', { name: 'Market Road 2' })).toBeVisible();
    for (const note of notes) await expect(page.getByText(note)).toBeVisible();
    await expect(page.getByRole('listitem').filter({ hasText: notes[0] })).toContainText(/ · \d+ m from the start/);
    await expect(syncBar(page)).toContainText('6 not yet synced');

    // The browser is closed; later it is opened again, still with no signal.
    await context.close();
    context = await phone(profile, server);
    await context.setOffline(true);
    page = context.pages()[0] || (await context.newPage());
    await page.goto('/');
    await hydrated(page);
    await expect(page.getByRole('link', { name: /Market Road 2/ })).toContainText('Submitted');
    await expect(syncBar(page)).toContainText('6 not yet synced');

    // Back in range: the records go up by themselves.
    await server.start();
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(syncBar(page)).toContainText('All synced', { timeout: 30_000 });

    const mine: any[] = await server.read('chief01', 'my_findings');
    for (const note of notes) {
      const found = mine.filter((f) => f.note === note);
      expect(found, note).toHaveLength(1);
      expect(found[0].status).toBe('routed');
      expect(found[0].deadline).toBeGreaterThan(found[0].received_at);
    }
    const rubbish = mine.find((f) => f.note === notes[0]);
    expect(rubbish.section.id).toBe('urban-management');
    const detail = await server.read('chief01', 'finding', { id: rubbish.id });
    expect(detail.photos).toHaveLength(1);
    expect(detail.photos[0].uploaded).toBe(true);
    const photo = await server.fetchAs('head_urban', `/api/v1/photos/${detail.photos[0].hash}`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    const home = await server.read('chief01', 'chief_home');
    expect(home.roads.find((r: any) => r.road.id === 'market-road-2').status).toBe('submitted');
    await context.close();
  } finally {
    await server.stop();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

test('the server killed in the middle of a sync loses nothing and duplicates nothing', async () => {
  const server = new OwnServer(3300);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'road-chief-phone-'));
  await server.start();
  try {
    const context = await phone(profile, server);
    const page = context.pages()[0] || (await context.newPage());
    await signIn(page, 'chief01');
    await readyForTheField(page);
    await context.setOffline(true);
    await server.kill();

    // 300 findings recorded offline (written into the outbox as the app writes them).
    const total = 300;
    await queueFindings(page, total, 'Heap');
    await page.reload();
    await hydrated(page);
    await expect(syncBar(page)).toContainText(`${total} not yet synced`);

    // Online again. The server applies the second batch and dies before answering: the phone
    // never hears that those records arrived.
    let batches = 0;
    let killed = false;
    await page.route('**/api/v1/sync', async (route) => {
      batches += 1;
      if (batches !== 2) return route.continue();
      await route.fetch();
      await server.kill();
      killed = true;
      await route.abort('connectionreset');
    });
    await server.start();
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => killed, { timeout: 30_000 }).toBe(true);
    await expect(syncBar(page)).toContainText('Offline');
    await server.start();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(syncBar(page)).toContainText('All synced', { timeout: 60_000 });

    const mine: any[] = await server.read('chief01', 'my_findings');
    const heaps = mine.filter((f) => /^Heap \d+$/.test(f.note));
    expect(heaps).toHaveLength(total);
    expect(new Set(heaps.map((f) => f.note)).size).toBe(total);
    await context.close();
  } finally {
    await server.stop();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

test('records this version cannot read are kept, never overwritten', async ({ browser }) => {
  const page = await signInOnSharedServer(browser, 'chief04');
  await expect(page.getByRole('complementary', { name: '同步状态' })).toBeVisible();
  const key = await page.evaluate(() => {
    const me = JSON.parse(localStorage.getItem('roadchief.me')!);
    const key = `roadchief.${me.id}.outbox`;
    localStorage.setItem(key, '{"items": "from another version"}');
    return key;
  });
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('alert')).toContainText('本机有记录无法被此版本读取');
  // Moved into the phone's database as it is, and only then removed from where it was.
  await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), key)).toBeNull();
  const kept = await page.evaluate(storedTexts);
  expect(kept).toEqual(['{"items": "from another version"}']);
  // It is listed, exported with the rest, and never sent.
  await page.goto('/outbox');
  await hydrated(page);
  await expect(page.getByRole('list', { name: '待同步记录' })).toContainText('from another version');
});

/** Every text in the phone's stored outbox, of any user. */
function storedTexts(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('road-chief-photos');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const request = open.result.transaction('outbox').objectStore('outbox').getAll();
      request.onsuccess = () => resolve(request.result.map((e: any) => e.text));
      request.onerror = () => reject(request.error);
    };
  });
}
