import { expect, test } from '@playwright/test';
import { hydrated } from './helpers';
import { closeFieldPhone, fieldPhone, syncBar } from './phone';

// The chief walks Market Road 1 with no signal: two shop visits go into the work log, one of
// the requests becomes a finding in one tap, and when the signal is back all three reach the
// server once, the finding linked to its visit and its shop.

test('a chief logs two shop visits with no signal and turns one request into a finding', async () => {
  const field = await fieldPhone();
  const { server, context, page } = field;
  const stamp = Date.now().toString().slice(-6);
  const tables = `Wants two tables outside ${stamp}`;
  const sign = `Asks whether a new sign needs a permit ${stamp}`;
  try {
    await context.setOffline(true);
    await server.kill();
    await page.locator('a[href="/roads/market-road-1/street"]').click();
    await expect(page.getByRole('heading', { name: /Market Road 1 · Shops and work log/ })).toBeVisible();
    await expect(page.getByText(/Visited in Q\d 20\d\d: 0 \/ \d+/)).toBeVisible();
    await expect(syncBar(page)).toContainText('Offline');

    await page.getByRole('button', { name: 'Record a visit' }).click();
    await page.getByLabel('Shop', { exact: true }).selectOption('mr1-005');
    await page.getByLabel('What was asked or suggested').fill(tables);
    await page.getByLabel('Promised').fill('Will ask urban management');
    await page.getByRole('button', { name: 'Save the visit' }).click();
    await expect(page.getByRole('status')).toContainText('saved on this phone');

    await page.getByRole('button', { name: 'Record a visit' }).click();
    await page.getByLabel('Shop', { exact: true }).selectOption('mr1-007');
    await page.getByLabel('What was asked or suggested').fill(sign);
    const inAWeek = new Date(Date.now() + 7 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    await page.getByLabel('Follow-up date (optional)').fill(inAWeek);
    await page.getByRole('button', { name: 'Save the visit' }).click();
    await expect(page.getByRole('status')).toContainText('saved on this phone');

    const visit = page.getByRole('listitem').filter({ hasText: tables });
    await expect(visit).toContainText('Saved on this phone');
    await expect(page.getByRole('listitem').filter({ hasText: sign })).toBeVisible();
    await visit.getByRole('button', { name: 'Make it a finding' }).click();
    await expect(page.getByLabel('What is the problem?')).toHaveValue(tables);
    await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Street-occupying business' });
    await page.getByRole('button', { name: 'Save problem' }).click();
    await expect(page.getByRole('status')).toContainText('Problem saved on this phone');
    await expect(page.getByRole('listitem').filter({ hasText: tables }).getByRole('button', { name: 'Make it a finding' })).toHaveCount(0);
    await expect(syncBar(page)).toContainText('3 not yet synced');

    // Reloaded with no network: the visits are still there.
    await page.reload();
    await hydrated(page);
    await expect(page.getByRole('listitem').filter({ hasText: sign })).toBeVisible();

    await server.start();
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(syncBar(page)).toContainText('All synced', { timeout: 30_000 });

    const street = await server.read('chief01', 'street', { road_id: 'market-road-1' });
    const mine = street.log.filter((v: any) => v.asked.includes(stamp));
    expect(mine).toHaveLength(2);
    const linked = mine.find((v: any) => v.asked === tables);
    expect(linked.shop_id).toBe('mr1-005');
    expect(linked.finding_id).toBeTruthy();
    expect(mine.find((v: any) => v.asked === sign).follow_up).toBe(inAWeek);
    expect(street.coverage.visited).toBeGreaterThanOrEqual(2);
    const finding = await server.read('chief01', 'finding', { id: linked.finding_id });
    expect(finding.summary.category.id).toBe('street_occupation');
    expect(finding.summary.status).toBe('routed');

    // The shop's page shows the visit and the finding about it.
    await page.goto('/shops/mr1-005');
    await hydrated(page);
    await expect(page.getByRole('heading', { name: /^5号 · / })).toBeVisible();
    await expect(page.getByRole('region', { name: /Visits/ })).toContainText(tables);
    await expect(page.getByRole('region', { name: /Findings about it/ })).toContainText(tables);
  } finally {
    await closeFieldPhone(field);
  }
});
