import { test, expect, Page } from '@playwright/test';
import { hydrated, recordFindings, signIn } from './helpers';

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}-360.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `test-results/screens/${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 360, height: 640 });
}

// The coordinator makes a finding a joint case (联合处置): the assisting section finds its task
// in its inbox and answers it on the finding's page; the lead may resolve only after that.
test('a coordinator creates a joint case and the assisting section answers its task', async ({ browser }) => {
  const run = Math.random().toString(36).slice(2, 7);
  const note = `违规招牌占道 ${run}`;
  const chief = await signIn(browser, 'chief05');
  const [id] = await recordFindings(chief, [note]);

  const coordinator = await signIn(browser, 'coordinator');
  await coordinator.goto(`/findings/${id}`);
  await hydrated(coordinator);
  const joint = coordinator.getByRole('region', { name: '联合处置' });
  await joint.getByLabel('协办科室').selectOption({ label: '执法中队' });
  await joint.getByLabel('该科室的协办任务').fill('依法拆除占道招牌');
  await joint.getByRole('button', { name: '加入协办' }).click();
  await expect(coordinator.getByRole('status').filter({ hasText: '已加入协办' })).toBeVisible();
  await expect(joint).toContainText('牵头科室：城管科');
  await expect(joint.getByRole('listitem').filter({ hasText: '执法中队' })).toContainText('办理中');
  // The same section is not offered twice.
  await expect(joint.getByLabel('协办科室').getByRole('option', { name: '执法中队' })).toHaveCount(0);
  await shoot(coordinator, 'joint-coordinator');

  // The lead may not resolve while the task is open; nothing moves.
  const lead = await signIn(browser, 'head_urban');
  await lead.goto(`/findings/${id}`);
  await hydrated(lead);
  await lead.getByLabel('处理结果').fill('已拆除');
  await lead.getByRole('button', { name: '已处理完毕' }).click();
  await expect(lead.getByRole('alert')).toContainText('还有协办任务未完成');

  const assisting = await signIn(browser, 'head_enforcement');
  await assisting.goto('/inbox');
  await hydrated(assisting);
  const tasks = assisting.getByRole('region', { name: /联合处置协办任务/ });
  await expect(tasks).toContainText('依法拆除占道招牌');
  await expect(tasks).toContainText('牵头：城管科');
  await shoot(assisting, 'joint-inbox');
  await tasks.getByRole('link', { name: new RegExp(run) }).click();
  await hydrated(assisting);
  await assisting.getByLabel('本科室的答复').fill('已联合执法拆除招牌');
  await assisting.getByRole('button', { name: '提交答复' }).click();
  await expect(assisting.getByRole('status').filter({ hasText: '答复已提交' })).toBeVisible();
  const answered = assisting.getByRole('region', { name: '联合处置' }).getByRole('listitem').filter({ hasText: '执法中队' });
  await expect(answered).toContainText('已完成');
  await expect(answered).toContainText('已联合执法拆除招牌');
  await expect(assisting.getByRole('button', { name: '提交答复' })).toHaveCount(0);

  // Now the lead resolves.
  await lead.reload();
  await hydrated(lead);
  await lead.getByLabel('处理结果').fill('已拆除');
  await lead.getByRole('button', { name: '已处理完毕' }).click();
  await expect(lead.getByRole('status').filter({ hasText: '已标记为处理完毕' })).toBeVisible();
  await expect(lead.getByRole('list').filter({ hasText: '协办科室答复' })).toContainText('已联合执法拆除招牌');
});
