import { test, expect, Page } from '@playwright/test';
import { goTo, hydrated, recordFindings, signIn } from './helpers';

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}-360.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `test-results/screens/${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 360, height: 640 });
}

// The coordinator changes a routing rule; a wrong number is refused and nothing is saved.
test('the coordinator edits a routing rule and sees it recorded', async ({ browser }) => {
  const coordinator = await signIn(browser, 'coordinator');
  await goTo(coordinator, '规则');
  await expect(coordinator.getByRole('heading', { name: '交办规则与工作日历' })).toBeVisible();
  await hydrated(coordinator);
  const form = coordinator.getByRole('form', { name: '食品安全' });
  // The field itself refuses 0 (the server would too): nothing is sent.
  await form.getByLabel('办理期限（工作日）').fill('0');
  await form.getByRole('button', { name: '保存' }).click();
  expect(await form.getByLabel('办理期限（工作日）').evaluate((e: HTMLInputElement) => e.validity.valid)).toBe(false);
  await expect(coordinator.getByRole('status').filter({ hasText: '已保存' })).toBeHidden();
  await form.getByLabel('办理期限（工作日）').fill('4');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(coordinator.getByRole('status').filter({ hasText: '已保存' })).toContainText('食品安全');
  await expect(form.getByLabel('办理期限（工作日）')).toHaveValue('4');
  await expect(coordinator.getByRole('list').filter({ hasText: '食品安全' }).last()).toContainText('食药所，3 个工作日 → 食药所，4 个工作日');
  // A calendar file with a weekday as make-up day is refused with the reason.
  await coordinator.getByLabel('年份').fill('2027');
  await coordinator
    .getByLabel('日历文件（JSON）')
    .fill('{"year": 2027, "holidays": [], "makeup_workdays": ["2027-10-11"]}');
  await coordinator.getByRole('button', { name: '导入' }).click();
  await expect(coordinator.getByRole('alert').filter({ hasText: '日历文件有误' })).toContainText('2027-10-11 是工作日');
  await shoot(coordinator, 'rules');
  // Put the rule back for the other tests.
  await form.getByLabel('办理期限（工作日）').fill('3');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(form.getByLabel('办理期限（工作日）')).toHaveValue('3');
});

// The section head narrows the inbox to a road, accepts two at once, asks for more time on one;
// the coordinator grants it and the timeline shows both steps.
test('bulk accept, an extension asked and granted, the timeline', async ({ browser }) => {
  const run = Math.random().toString(36).slice(2, 7);
  const [first, second] = [`招牌破损一 ${run}`, `招牌破损二 ${run}`];
  const chief = await signIn(browser, 'chief05');
  await recordFindings(chief, [first, second]);
  const head = await signIn(browser, 'head_urban');
  await head.goto('/inbox');
  await hydrated(head);
  await head.getByLabel('道路').selectOption({ label: '黄岛路' });
  await expect(head).toHaveURL(/road=huangdao-road/);
  await hydrated(head);
  await head.getByRole('checkbox', { name: `选择：门头牌匾，黄岛路，${first}` }).check();
  await head.getByRole('checkbox', { name: `选择：门头牌匾，黄岛路，${second}` }).check();
  await shoot(head, 'inbox');
  await head.getByRole('button', { name: '接收选中的问题（2）' }).click();
  await expect(head.getByRole('status').filter({ hasText: '已接收 2 件' })).toBeVisible();
  await expect(head.getByRole('checkbox', { name: new RegExp(run) })).toHaveCount(0);

  await head.getByRole('link', { name: new RegExp(first) }).click();
  await hydrated(head);
  await head.getByLabel('延期理由').fill('需要与业主协调更换');
  await head.getByRole('button', { name: '申请延期（每个问题限一次）' }).click();
  await expect(head.getByRole('status').filter({ hasText: '已提交延期申请' })).toBeVisible();
  await expect(head.getByRole('button', { name: '申请延期（每个问题限一次）' })).toHaveCount(0);
  const url = head.url();

  const coordinator = await signIn(browser, 'coordinator');
  await coordinator.goto(url);
  await hydrated(coordinator);
  await expect(coordinator.getByRole('heading', { name: '延期申请待审批' })).toBeVisible();
  await coordinator.getByLabel('延长的工作日数').fill('2');
  await coordinator.getByRole('button', { name: '批准延期' }).click();
  await expect(coordinator.getByRole('status').filter({ hasText: '已批准延期' })).toBeVisible();
  const timeline = coordinator.getByRole('list').filter({ hasText: '申请延期' });
  await expect(timeline).toContainText('需要与业主协调更换');
  await expect(timeline).toContainText('延期 2 个工作日');
  await shoot(coordinator, 'finding-timeline');

  await coordinator.goto('/overview');
  await hydrated(coordinator);
  await expect(coordinator.getByRole('img', { name: /每周完成巡查的道路比例/ })).toBeVisible();
  await expect(coordinator.getByRole('link', { name: '下载 CSV' })).toHaveAttribute('href', /exports\/findings\.csv\?from=/);
  await shoot(coordinator, 'overview');
  await coordinator.getByRole('link', { name: '‹ 上一周' }).click();
  await expect(coordinator).toHaveURL(/week=\d{4}-W\d{2}/);
  await expect(coordinator.getByRole('link', { name: '下一周 ›' })).toBeVisible();
});
