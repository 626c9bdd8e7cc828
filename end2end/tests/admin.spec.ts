import { test, expect, Page } from '@playwright/test';
import { hydrated, signIn } from './helpers';

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}-360.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `test-results/screens/${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 360, height: 640 });
}

const geojson = (coordinates: number[][]) =>
  Buffer.from(JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates } }));

// Rotation (交流轮岗) on the administration screen: the coordinator gives Zhifu Road to another
// chief and redraws its line from a GeoJSON file, checked and drawn before it is saved. The new
// chief has the road at once; the road lists both chiefs; the change is in the record.
test('a coordinator reassigns a road and uploads its line', async ({ browser }) => {
  const coordinator = await signIn(browser, 'coordinator');
  await coordinator.goto('/admin');
  await hydrated(coordinator);
  await expect(coordinator.getByRole('heading', { name: '人员与道路管理' })).toBeVisible();

  const roads = coordinator.locator('#roads');
  const road = roads.locator('details').filter({ has: coordinator.locator('summary', { hasText: '芝罘路' }) });
  await road.locator('summary').click();
  await road.getByLabel('路长', { exact: true }).selectOption({ label: '黄丽 (chief08)' });

  // A file with latitude and longitude swapped is refused on the spot and nothing is sent.
  const file = road.getByLabel('道路走向（GeoJSON 文件，LineString）');
  await file.setInputFiles({ name: 'swapped.geojson', mimeType: 'application/geo+json', buffer: geojson([[36.07, 120.32], [36.071, 120.321]]) });
  await expect(road.getByRole('alert').filter({ hasText: '这个文件不能用' })).toContainText('经纬度是否写反了');

  // A right one is drawn and described before saving.
  await file.setInputFiles({
    name: 'zhifu.geojson',
    mimeType: 'application/geo+json',
    buffer: geojson([[120.3215, 36.0682], [120.3228, 36.0689], [120.3240, 36.0695]]),
  });
  await expect(road.getByRole('status')).toContainText('新走向：3 个点');
  await expect(road.getByRole('img', { name: '芝罘路' })).toBeVisible();
  await shoot(coordinator, 'admin-road');
  await road.getByRole('button', { name: '保存' }).click();
  await expect(coordinator.getByRole('status').filter({ hasText: '已保存：芝罘路' })).toBeVisible();

  // The road now lists both chiefs; the record says who changed what.
  const saved = roads.locator('details[open]').filter({ has: coordinator.locator('summary', { hasText: '芝罘路' }) });
  await expect(saved.locator('summary')).toContainText('黄丽');
  const terms = saved.getByRole('list', { name: '历任路长' });
  await expect(terms.getByRole('listitem')).toHaveCount(2);
  await expect(terms.getByRole('listitem').first()).toContainText('黄丽');
  await expect(terms.getByRole('listitem').last()).toContainText('赵磊');
  const record = coordinator.locator('#changes');
  await expect(record).toContainText('zhifu-road · 路长：chief07 → chief08');
  await expect(record).toContainText('走向：3 个点、620 米 → 3 个点、');
  await shoot(coordinator, 'admin-changes');

  // The new chief has the road from the first day; the old one no longer does.
  const newcomer = await signIn(browser, 'chief08');
  await expect(newcomer.getByRole('link', { name: /芝罘路/ })).toBeVisible();
  const former = await signIn(browser, 'chief07');
  await expect(former.getByRole('heading', { name: '我的道路' })).toBeVisible();
  await expect(former.getByRole('link', { name: /芝罘路/ })).toHaveCount(0);
});
