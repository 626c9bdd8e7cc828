import { expect, test } from '@playwright/test';
import { goTo, hydrated, signIn } from './helpers';

// The race board (赛马榜): the coordinator sees every chief and section ranked with the rules
// written on the page and exports it; a chief sees only their own standing.

test('the coordinator sees everyone ranked under the written rules, and exports it', async ({ browser }) => {
  const coordinator = await signIn(browser, 'coordinator');
  await goTo(coordinator, '赛马榜');
  await expect(coordinator.getByRole('heading', { name: '赛马榜' })).toBeVisible();
  await hydrated(coordinator);
  // The rules, open on a tap.
  await coordinator.getByText('评比规则').click();
  await expect(coordinator.getByText('比的是比率，不是数量')).toBeVisible();
  await expect(coordinator.getByText('名次并列')).toBeVisible();
  // Every chief and section in a table, each figure with its place or "too few to rank".
  const chiefs = coordinator.getByRole('table').first();
  await expect(chiefs.getByRole('rowheader', { name: '王建国' })).toBeVisible();
  await expect(chiefs.getByRole('rowheader', { name: '李秀英' })).toBeVisible();
  await expect(chiefs.getByRole('columnheader', { name: '按时提交巡查' })).toBeVisible();
  const sections = coordinator.getByRole('table').nth(1);
  await expect(sections.getByRole('rowheader', { name: '执法中队' })).toBeVisible();
  await expect(sections.getByText('样本不足').first()).toBeVisible();
  // The monthly board, and back.
  await coordinator.getByRole('link', { name: '按月' }).click();
  await expect(coordinator.getByRole('link', { name: '按周' })).toBeVisible();
  await expect(coordinator.getByText(/^\d{4}-\d{2}$/)).toBeVisible();
  // The export.
  const download = coordinator.waitForEvent('download');
  await coordinator.getByRole('link', { name: '导出 CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^race-\d{4}-\d{2}\.csv$/);
});

test('a chief sees their own standing and what would move it up, nobody else', async ({ browser }) => {
  const chief = await signIn(browser, 'chief01');
  await goTo(chief, '赛马榜');
  await expect(chief.getByRole('heading', { name: '王建国的排名' })).toBeVisible();
  const mine = chief.locator('.race-mine');
  await expect(mine.getByText('按时提交巡查')).toBeVisible();
  await expect(mine.locator('.big-figure')).toContainText(/第 \d+ 名 \/ 共 \d+|样本不足/);
  await expect(chief.getByText('李秀英')).toHaveCount(0);
  await expect(chief.getByRole('link', { name: '导出 CSV' })).toHaveCount(0);
  await expect(chief.getByRole('table')).toHaveCount(0);
});
