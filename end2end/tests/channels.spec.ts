import { test, expect } from '@playwright/test';
import { goTo, hydrated, signIn } from './helpers';

// The coordinator gives a section its group robot; a wrong address is refused with a reason.
test('the coordinator sets a section webhook', async ({ browser }) => {
  const coordinator = await signIn(browser, 'coordinator', 'en-US');
  await goTo(coordinator, 'Channels');
  await expect(coordinator.getByRole('heading', { name: 'Notification channels' })).toBeVisible();
  await hydrated(coordinator);
  const form = coordinator.getByRole('form', { name: 'Party and Masses Section' });
  await form.getByLabel('Group robot / webhook address').fill('ftp://example.com/robot');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('alert')).toContainText('http:// or https://');
  // This server itself (or anything inside the office network) is not a place to send to.
  await form.getByLabel('Group robot / webhook address').fill('http://127.0.0.1:22/robot');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('alert')).toContainText('inside the network');
  await form.getByLabel('Group robot / webhook address').fill('https://101.226.4.6/robot?key=demo');
  await form.getByLabel('Message format').selectOption({ label: 'WeCom group robot' });
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved.');
  await coordinator.reload();
  await hydrated(coordinator);
  const again = coordinator.getByRole('form', { name: 'Party and Masses Section' });
  await expect(again.getByLabel('Group robot / webhook address')).toHaveValue('https://101.226.4.6/robot?key=demo');
  await expect(again.getByLabel('Message format')).toHaveValue('wecom');
});
