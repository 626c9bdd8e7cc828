import { test, expect } from '@playwright/test';
import { hydrated, openMenu, signIn } from './helpers';
import { closeFieldPhone, fieldPhone, syncBar } from './phone';

test('the language can be switched and is remembered', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: '登录路长巡查' })).toBeVisible();
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Road Chief' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in to Road Chief' })).toBeVisible();
});

test('in English: record one problem and find it in the section inbox', async ({ browser }) => {
  const note = `Rubbish bags by the bus stop ${Date.now().toString().slice(-6)}`;
  const chief = await signIn(browser, 'chief02', 'en-GB');
  await chief.getByRole('link', { name: /Market Road 3/ }).click();
  await expect(chief.getByRole('heading', { name: 'Market Road 3' })).toBeVisible();
  await hydrated(chief);
  const names = ['Illegal structure', 'Sanitation', 'Shop sign', 'Street-occupying business', 'Road damage', 'Waterlogging',
    'Parking and traffic', 'Food safety', 'Unlicensed business', 'Safety hazard'];
  for (const name of names) {
    const row = chief.getByRole('group', { name, exact: true });
    if (name === 'Sanitation') {
      await row.getByRole('button', { name: 'Problem' }).click();
      await chief.getByLabel('What is the problem?').fill(note);
      await chief.getByRole('button', { name: 'Save problem' }).click();
    } else {
      await row.getByRole('button', { name: 'OK', exact: false }).click();
    }
  }
  await chief.getByRole('button', { name: "Submit this week's inspection" }).click();
  await expect(chief.getByRole('status')).toContainText('1 problems sent');

  const head = await signIn(browser, 'head_urban', 'en-GB');
  await expect(head.getByRole('heading', { name: /Urban Management Section/ })).toBeVisible();
  const card = head.getByRole('link', { name: new RegExp(note) });
  await expect(card).toContainText('Waiting for the section');
  await expect(card).toContainText('Due ');
});

test('bad input in the finding form gets a clear message', async ({ browser }) => {
  const chief = await signIn(browser, 'chief03');
  await chief.getByRole('link', { name: /即墨路/ }).click();
  await hydrated(chief);
  await chief.getByRole('group', { name: '安全隐患', exact: true }).getByRole('button', { name: '有问题' }).click();
  await chief.getByRole('button', { name: '保存问题' }).click();
  await expect(chief.getByRole('alert')).toHaveText('请填写说明。');
  await chief.getByRole('button', { name: '取消' }).click();
  await expect(chief.getByText('“安全隐患”').or(chief.getByText('「安全隐患」'))).toBeVisible();
  await expect(chief.getByRole('button', { name: '提交本周巡查' })).toBeDisabled();
});

test('with no signal the language still switches: the page the phone keeps carries both', async () => {
  const field = await fieldPhone();
  try {
    const { context, page, server } = field;
    await context.setOffline(true);
    await server.kill();
    await openMenu(page);
    await page.getByRole('button', { name: '中文' }).click();
    // Reloaded from the service worker's shell, in the chosen language, from the phone's copy.
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByRole('link', { name: /市场二路/ })).toBeVisible();
    await expect(page.getByRole('complementary', { name: '同步状态' })).toContainText('离线');
    await openMenu(page);
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByRole('link', { name: /Market Road 2/ })).toBeVisible();
    await expect(syncBar(page)).toContainText('Offline');
  } finally {
    await closeFieldPhone(field);
  }
});
