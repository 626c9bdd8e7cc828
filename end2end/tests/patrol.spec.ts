import { expect, test } from '@playwright/test';
import { closeFieldPhone, fieldPhone } from './phone';

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
  } finally {
    await closeFieldPhone(field);
  }
});
