import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hydrated } from '../tests/helpers';
import { queueFindings } from '../tests/outbox-fixture';
import { OwnServer } from '../tests/own-server';
import { phone, readyForTheField, signIn, syncBar } from '../tests/phone';

// 500 findings recorded offline sync from the browser in one go: how long it takes, and how
// long the page's main thread was ever busy at a stretch meanwhile (what a user feels as a
// frozen screen). Beside it, the same 500 pushed straight to the sync API from Node.
const TOTAL = 500;

test('500 offline findings sync from the browser', async () => {
  const server = new OwnServer(3400);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'road-chief-bench-'));
  await server.start();
  try {
    const context = await phone(profile, server);
    const page = context.pages()[0] || (await context.newPage());
    await signIn(page, 'chief01');
    await readyForTheField(page);
    await queueFindings(page, TOTAL, 'Bench');
    await page.reload();
    await hydrated(page);
    await expect(syncBar(page)).toContainText(`${TOTAL} not yet synced`);

    // Watch the main thread: long tasks, and the longest gap between animation frames.
    await page.evaluate(() => {
      const w = window as any;
      w.benchLongTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.benchLongTasks.push(e.duration))).observe({
        type: 'longtask',
        buffered: false,
      });
      w.benchMaxGap = 0;
      let last = performance.now();
      const frame = (now: number) => {
        w.benchMaxGap = Math.max(w.benchMaxGap, now - last);
        last = now;
        if (!w.benchStop) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    const started = Date.now();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(syncBar(page)).toContainText('All synced', { timeout: 120_000 });
    const seconds = (Date.now() - started) / 1000;
    const { longTasks, maxGap } = await page.evaluate(() => {
      const w = window as any;
      w.benchStop = true;
      return { longTasks: w.benchLongTasks as number[], maxGap: w.benchMaxGap as number };
    });
    const mine: any[] = await server.read('chief01', 'my_findings');
    expect(mine.filter((f) => /^Bench \d+$/.test(f.note))).toHaveLength(TOTAL);

    // The same number straight through the API from Node (no browser), batches of 100.
    const direct = await directPush(server, TOTAL);

    const longest = longTasks.length ? Math.max(...longTasks) : 0;
    console.log(`sync of ${TOTAL} offline findings from the browser: ${seconds.toFixed(2)} s (${(TOTAL / seconds).toFixed(0)}/s)`);
    console.log(`  main thread: ${longTasks.length} long tasks (> 50 ms), longest ${longest.toFixed(0)} ms; longest gap between frames ${maxGap.toFixed(0)} ms`);
    console.log(`  same ${TOTAL} pushed from Node to the sync API: ${direct.toFixed(2)} s; browser/Node = ${(seconds / direct).toFixed(2)}`);
    await context.close();
  } finally {
    await server.stop();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

async function directPush(server: OwnServer, total: number): Promise<number> {
  const session = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'chief01', password: 'roadchief' }),
  });
  const cookie = (session.headers.get('set-cookie') || '').split(';')[0];
  const screens = await (await fetch(`${server.url}/api/v1/sync`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: '{}',
  })).json();
  const inspection = screens.screens.inspections.find((p: any) => p.road.road.id === 'market-road-2');
  const [a, b] = inspection.road.coordinates;
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const run = Math.floor(Math.random() * 0xffff);
  const ops = Array.from({ length: total }, (_, i) => {
    const t = (i % 100) / 100;
    const finding = {
      id: `0191${hex(run, 4)}-0001-7000-8000-${hex(i, 12)}`, category: 'sanitation', note: `Direct ${i}`,
      lon: a[0] + (b[0] - a[0]) * t, lat: a[1] + (b[1] - a[1]) * t, off_road_confirmed: false, observed_at: Date.now(),
    };
    return { id: `0191${hex(run, 4)}-0002-7000-8000-${hex(i, 12)}`, op: { kind: 'record_finding', road_id: 'market-road-2', week: inspection.week, finding } };
  });
  const started = Date.now();
  for (let i = 0; i < ops.length; i += 100) {
    const response = await fetch(`${server.url}/api/v1/sync`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ ops: ops.slice(i, i + 100), cursor: screens.cursor }),
    });
    if (!response.ok) throw new Error(`direct push: ${response.status}`);
  }
  return (Date.now() - started) / 1000;
}
