import { test, expect } from '@playwright/test';
import { goTo, hydrated, openMenu, signIn } from './helpers';

// The whole weekly loop on a phone, in Chinese: the chief records two problems, the sections
// answer, the coordinator re-routes, the chief closes out.
test('road chief → sections → coordinator → close-out', async ({ browser }) => {
  const stamp = Date.now().toString().slice(-6);
  // Both problems belong to the urban-management section (城管科): one is resolved, the
  // other returned as not theirs.
  const sign = `门头牌匾脱落 ${stamp}`;
  const rubbish = `垃圾堆放 ${stamp}`;

  // The road chief records this week's inspection of Market Road 1.
  const chief = await signIn(browser, 'chief01');
  await expect(chief.getByRole('heading', { name: '我的道路' })).toBeVisible();
  await chief.getByRole('link', { name: /市场一路/ }).click();
  await expect(chief.getByRole('heading', { name: '市场一路' })).toBeVisible();
  await hydrated(chief);

  const categories = ['违法建设', '环境卫生', '门头牌匾', '占路经营', '路面破损', '积水倒灌', '停车与交通', '食品安全', '无照经营', '安全隐患'];
  for (const name of categories) {
    const row = chief.getByRole('group', { name, exact: true });
    if (name === '门头牌匾' || name === '环境卫生') {
      await row.getByRole('button', { name: '有问题' }).click();
      // The finding form opens by itself for the first problem of a category.
      await expect(chief.getByRole('heading', { name: `记录问题：${name}` })).toBeVisible();
      await chief.getByLabel('问题描述').fill(name === '门头牌匾' ? sign : rubbish);
      await chief.getByLabel(/距起点/).fill('120');
      await chief.getByRole('button', { name: '保存问题' }).click();
      await expect(chief.getByRole('group', { name, exact: true }).getByText(name === '门头牌匾' ? sign : rubbish)).toBeVisible();
    } else {
      await row.getByRole('button', { name: '无问题' }).click();
    }
  }
  await chief.getByRole('button', { name: '提交本周巡查' }).click();
  await expect(chief.getByRole('status')).toContainText('2 个问题已转交责任科室');
  await expect(chief.getByText('已提交').first()).toBeVisible();

  // The urban-management head sees both with their deadlines, resolves the sign and returns
  // the rubbish as not theirs.
  const urban = await signIn(browser, 'head_urban');
  await expect(urban.getByRole('heading', { name: /城管科/ })).toBeVisible();
  for (const note of [sign, rubbish]) {
    const card = urban.getByRole('link', { name: new RegExp(note) });
    await expect(card).toContainText('限 ');
    await expect(card).toContainText('待科室受理');
  }
  await urban.getByRole('link', { name: new RegExp(sign) }).click();
  await hydrated(urban);
  await urban.getByRole('button', { name: '受理' }).click();
  await expect(urban.getByRole('status')).toHaveText('已受理。');
  // Once accepted, the finding shows as in progress and only the next moves are offered.
  await expect(urban.getByRole('button', { name: '受理', exact: true })).toHaveCount(0);
  await expect(urban.getByText('处理中').first()).toBeVisible();
  await urban.getByLabel('处理结果').fill('已督促商户重新安装');
  await urban.getByRole('button', { name: '已处理完毕' }).click();
  await expect(urban.getByRole('status')).toContainText('等待路长核实');

  await goTo(urban, '收件箱');
  await urban.getByRole('link', { name: new RegExp(rubbish) }).click();
  await hydrated(urban);
  await urban.getByLabel('退回原因').fill('占道堆物属执法中队');
  await urban.getByRole('button', { name: '非本科室职责，退回' }).click();
  await expect(urban.getByRole('status')).toContainText('等待协调员改派');

  // The coordinator re-routes it to the law-enforcement squad.
  const coordinator = await signIn(browser, 'coordinator');
  await expect(coordinator.getByRole('heading', { name: '本周概览' })).toBeVisible();
  await expect(coordinator.getByRole('row', { name: /市场一路/ })).toContainText('已提交');
  await coordinator.getByRole('link', { name: new RegExp(rubbish) }).click();
  await hydrated(coordinator);
  await coordinator.getByLabel('改派到').selectOption({ label: '执法中队' });
  await coordinator.getByRole('button', { name: '改派' }).click();
  await expect(coordinator.getByRole('status')).toContainText('已改派');
  await expect(coordinator.getByText('执法中队').first()).toBeVisible();

  // The chief checks the shop sign on the next visit and closes it out.
  await goTo(chief, '我的问题');
  const waiting = chief.getByRole('region', { name: /待我核实销号/ });
  await waiting.getByRole('link', { name: new RegExp(sign) }).click();
  await hydrated(chief);
  await chief.getByRole('button', { name: '核实无误，销号' }).click();
  await expect(chief.getByRole('status')).toHaveText('已销号。');
  await expect(chief.getByText('已销号').first()).toBeVisible();

  // Signing out ends the session: the pages send you to sign in.
  await openMenu(chief);
  await chief.getByRole('button', { name: '退出' }).click();
  await chief.waitForURL('**/login');
  await chief.goto('/findings');
  await expect(chief).toHaveURL(/\/login$/);
});
