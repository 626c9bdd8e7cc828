import { Page, expect, test } from '@playwright/test';
import { hydrated } from './helpers';
import { closeFieldPhone, fieldPhone, signIn } from './phone';

// Chief01 walks Market Road 1 with the patrol screen open: Chromium's geolocation override
// moves the phone along the road, the share walked grows on the screen, the board code is
// typed as a checkpoint, and the patrol reaches the server, which works out the same share.
// The coordinator sees it in the week's overview.

const MARKET_ROAD_1: [number, number][] = [
  [120.316446, 36.068902],
  [120.31887, 36.070005],
  [120.321358, 36.071013],
];

/** The point `fraction` of the way along the road (by segment, flat enough for 500 m). */
function along(fraction: number): { longitude: number; latitude: number } {
  const lengths = MARKET_ROAD_1.slice(1).map((b, i) => {
    const a = MARKET_ROAD_1[i];
    return Math.hypot((b[0] - a[0]) * Math.cos((a[1] * Math.PI) / 180), b[1] - a[1]);
  });
  let left = fraction * lengths.reduce((x, y) => x + y, 0);
  for (let i = 0; i < lengths.length; i++) {
    if (left <= lengths[i] || i === lengths.length - 1) {
      const t = Math.min(1, left / lengths[i]);
      const [a, b] = [MARKET_ROAD_1[i], MARKET_ROAD_1[i + 1]];
      return { longitude: a[0] + (b[0] - a[0]) * t, latitude: a[1] + (b[1] - a[1]) * t };
    }
    left -= lengths[i];
  }
  throw new Error('unreachable');
}

test('a chief walks Market Road 1 and the share walked grows, the board checked on the way', async () => {
  test.setTimeout(120_000);
  const field = await fieldPhone();
  const { server, context, page } = field;
  try {
    // The code printed on the road's board (the coordinator's print view shows it).
    const printed = await (await server.fetchAs('coordinator', '/boards/print?road=market-road-1')).text();
    const code = /Board code ([0-9A-Z]{16})|公示牌编号 ([0-9A-Z]{16})/.exec(printed);
    expect(code).not.toBeNull();
    const boardCode = (code![1] || code![2]).toLowerCase();

    await context.grantPermissions(['geolocation'], { origin: server.url });
    await context.setGeolocation({ ...along(0), accuracy: 8 });
    await page.locator('a[href="/roads/market-road-1"]').first().click();
    await page.getByRole('link', { name: 'Patrol', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Market Road 1 · Patrol' })).toBeVisible();
    await expect(page.getByTestId('patrol-week')).toHaveText(/No patrol this week yet/);
    await page.getByRole('button', { name: 'Start a patrol' }).click();

    const share = page.getByTestId('patrol-share');
    await expect(share).toBeVisible();
    const seen: number[] = [];
    for (let step = 0; step <= 10; step++) {
      await context.setGeolocation({ ...along(step / 10), accuracy: 8 });
      // The phone keeps a position at most every two seconds.
      await page.waitForTimeout(2_300);
      seen.push(Number((await share.textContent())!.replace('%', '')));
    }
    expect(seen[2]).toBeGreaterThan(0);
    expect(seen[5]).toBeGreaterThan(seen[2]);
    expect(seen[5]).toBeLessThan(100);
    await expect(share).toHaveText('100%');
    await expect(page.getByText(/Position accurate to 8 m/)).toBeVisible();

    // A position 80 m rough is shown as such and not counted.
    await context.setGeolocation({ ...along(1), accuracy: 80 });
    await expect(page.getByText('Position too rough (80 m): not counted')).toBeVisible();

    // The board's code, typed the way a person would (lower case, with a space).
    await page.getByPlaceholder('Board code').fill(`${boardCode.slice(0, 8)} ${boardCode.slice(8)}`);
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await expect(page.getByText(new RegExp(`board code ${boardCode.toUpperCase()} recorded`))).toBeVisible();
    await page.getByPlaceholder('Board code').fill('<b>not a code</b>');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('That is not a board code');

    await page.getByRole('button', { name: 'End and save the patrol' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Patrol saved' })).toContainText('walked 100 %');

    // Once synced, the week's line carries what the server worked out.
    await expect(page.getByTestId('patrol-week')).toHaveText(
      /Patrols this week: 1\. Walked 100 % of the road in \d+ min \(0\.\d km\), board checked/,
      { timeout: 20_000 },
    );

    const overview = await server.read('coordinator', 'overview');
    const row = overview.roads.find((r: any) => r.road.id === 'market-road-1');
    expect(row.patrol.walked_percent).toBe(100);
    expect(row.patrol.board_checked).toBe(true);
    expect(row.patrol.flags).toEqual([]);

    // The chief's sketch: the week's trail as the server has it, and a problem of the road as a
    // dot that opens it.
    const findingId = await recordOnMarketRoad1(page, 'Rubbish bags by the kerb');
    await page.reload();
    await hydrated(page);
    const sketch = page.getByRole('group', { name: 'The road, its patrol trails and open problems' });
    await expect(sketch.locator('polyline[stroke="#1d4f91"]')).toHaveCount(1);
    await expect(sketch.getByRole('link', { name: 'Waiting for the section' })).toHaveAttribute(
      'href',
      `/findings/${findingId}`,
    );
    await expect(page.getByRole('listitem').filter({ hasText: /^Patrol$/ })).toBeVisible();

    // The coordinator's map: the road in this week's colour with the stretches walked over it,
    // the finding as a dot, and the road opening its patrols of the week.
    await context.clearCookies();
    await context.addCookies([{ name: 'lang', value: 'en', url: server.url }]);
    await signIn(page, 'coordinator');
    await page.goto('/overview');
    await hydrated(page);
    const map = page.getByRole('group', { name: 'Map of the subdistrict: roads and findings not closed out' });
    await expect(page.getByRole('heading', { name: 'The subdistrict on one map' })).toBeVisible();
    const market = map.locator('a[data-road="market-road-1"]');
    await expect(market).toHaveAttribute('data-state', 'in_progress');
    // Its line (three strokes) and the whole road walked over it.
    await expect(market.locator('polyline')).toHaveCount(4);
    await expect(map.locator('a[data-road="market-road-2"] polyline')).toHaveCount(3);
    await expect(map.locator(`a[href="/findings/${findingId}"]`)).toHaveCount(1);
    await expect(page.getByRole('listitem').filter({ hasText: 'Walked on patrol this week' })).toBeVisible();
    // Its middle may lie under a crossing road: the click goes to the road's own link.
    await market.dispatchEvent('click');
    await expect(page).toHaveURL(/\/roads\/market-road-1\/patrol\?week=\d{4}-W\d\d/);
    await expect(page.getByRole('heading', { name: 'Market Road 1 · Patrol' })).toBeVisible();
    await expect(page.getByTestId('patrol-week')).toHaveText(/Patrols this week: 1\./);
  } finally {
    await closeFieldPhone(field);
  }
});

/** Records a finding on Market Road 1 through the sync API, as the phone would; its id. */
async function recordOnMarketRoad1(page: Page, note: string): Promise<string> {
  const inspection = await (await page.request.post('/api/inspection', { form: { road_id: 'market-road-1' } })).json();
  const id = crypto.randomUUID();
  const place = along(0.4);
  const op = {
    kind: 'record_finding',
    road_id: 'market-road-1',
    week: inspection.week,
    finding: { id, category: 'sanitation', note, lon: place.longitude, lat: place.latitude, observed_at: Date.now() },
  };
  const answer = await page.request.post('/api/v1/sync', { data: { ops: [{ id: crypto.randomUUID(), op }] } });
  expect(answer.status()).toBe(200);
  expect((await answer.json()).results[0].result).toBe('applied');
  return id;
}
