import { test, expect } from '@playwright/test';
import { hydrated, signIn } from './helpers';

// A 1×1 PNG: a photo the server's check takes.
const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

// A resident scans the board's QR code on a cheap phone: the board page, the report with a
// photo and a tap on the road sketch, the tracking link; the road chief confirms it on their
// phone and the resident sees it passed on.
test('a resident reports from the board and follows it while the road chief confirms it', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 640 } });
  const resident = await context.newPage();
  await resident.goto('/board/market-road-2');
  await expect(resident.getByRole('heading', { name: '市场二路' })).toBeVisible();
  await expect(resident.getByText('王建国')).toBeVisible();
  const form = resident.getByRole('form', { name: '反映问题' });
  await form.getByLabel('问题类型').selectOption({ label: '环境卫生' });
  await form.getByLabel('问题描述').fill('菜市场门口垃圾桶满溢，污水流到人行道');
  // Tap the middle point of the road as drawn.
  const sketch = resident.getByRole('img', { name: /道路示意图/ });
  const points = (await sketch.locator('polyline').getAttribute('points'))!.split(' ');
  const [x, y] = points[1].split(',').map(Number);
  const box = (await sketch.boundingBox())!;
  await sketch.click({ position: { x: (x * box.width) / 320, y: (y * box.height) / 140 } });
  await expect(resident.getByText('已在示意图上标出位置')).toBeVisible();
  await form.getByLabel(/照片/).setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PHOTO });
  await form.getByLabel(/您的联系方式/).fill('139 0000 2222');
  await form.getByRole('button', { name: '提交' }).click();
  await resident.waitForURL(/\/track\/[0-9a-f]{32}/);
  await expect(resident.getByText('已收到您的反映，谢谢！')).toBeVisible();
  await expect(resident.getByRole('heading', { name: '等待路长核实' })).toBeVisible();
  await expect(resident.getByText('139 0000 2222')).toHaveCount(0);
  const link = resident.url().replace('?sent=1', '');

  const chief = await signIn(browser, 'chief01');
  await chief.getByRole('link', { name: /群众反映 1 条待处理/ }).click();
  await expect(chief.getByRole('heading', { name: '群众反映' })).toBeVisible();
  await hydrated(chief);
  const card = chief.getByRole('listitem', { name: '环境卫生 · 市场二路' });
  await expect(card.getByText('139 0000 2222')).toBeVisible();
  await expect(card.getByRole('img', { name: '居民拍的照片' })).toBeVisible();
  await card.getByLabel('公开答复（居民可见）').fill('已转城管科处理，谢谢反映。');
  await card.getByRole('button', { name: '核实并交办' }).click();
  await expect(chief.getByText('暂无。')).toBeVisible();

  await resident.goto(link);
  await expect(resident.getByRole('heading', { name: '路长已核实并交办' })).toBeVisible();
  await expect(resident.getByText('已转城管科处理，谢谢反映。')).toBeVisible();
  await expect(resident.getByText('已交城管科办理')).toBeVisible();

  // A neighbour reports the same bins at the same place: the form offers the problem already
  // passed on, and choosing it adds the report to it instead of a second case for the chief.
  await resident.goto('/board/market-road-2');
  await form.getByLabel('问题类型').selectOption({ label: '环境卫生' });
  await form.getByLabel('问题描述').fill('垃圾桶又满了');
  await sketch.click({ position: { x: (x * box.width) / 320, y: (y * box.height) / 140 } });
  const same = form.getByRole('group', { name: '是下面这个问题吗？' });
  await expect(same.getByRole('radio')).toHaveCount(2);
  await same.getByRole('radio', { name: /相距约 \d+ 米.*居民反映 1 次/ }).check();
  await form.getByRole('button', { name: '提交' }).click();
  await resident.waitForURL(/\/track\/[0-9a-f]{32}/);
  await expect(resident.getByRole('heading', { name: '已并入同一问题，随该问题一起办理' })).toBeVisible();
  await expect(resident.getByText('已交城管科办理')).toBeVisible();
  await chief.reload();
  await expect(chief.getByText('暂无。')).toBeVisible();
  await context.close();
});
