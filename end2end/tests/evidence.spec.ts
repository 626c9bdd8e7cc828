import { Browser, Page, expect, test } from '@playwright/test';
import * as path from 'path';
import { hydrated } from './helpers';
import { closeFieldPhone, fieldPhone, signIn, syncBar } from './phone';
import { OwnServer } from './own-server';

// Evidence that holds: an illegal structure is resolved only with a photo of the result; the
// chief's close-out shows the problem as found beside the result; the coordinator sees each
// photo's SHA-256 and the time the server received it.

const PHOTO = path.resolve(__dirname, '../../public/icons/icon-192.png');
const RESULT = path.resolve(__dirname, '../../public/icons/icon-512.png');

async function desk(browser: Browser, server: OwnServer, username: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url, locale: 'en-US', timezoneId: 'Asia/Shanghai' });
  await context.addCookies([{ name: 'lang', value: 'en', url: server.url }]);
  const page = await context.newPage();
  await signIn(page, username);
  return page;
}

test('an illegal structure is resolved with a photo of the result, shown beside the one as found', async ({ browser }) => {
  test.setTimeout(120_000);
  const field = await fieldPhone();
  const { server, page: chief } = field;
  try {
    const note = `Steel shed on the pavement ${Date.now().toString().slice(-6)}`;
    await chief.goto('/roads/market-road-1');
    await hydrated(chief);
    const row = chief.getByRole('group', { name: 'Illegal structure', exact: true });
    await row.getByRole('button', { name: 'Problem', exact: true }).click();
    await chief.getByLabel('What is the problem?').fill(note);
    await chief.getByLabel('Take or choose a photo').setInputFiles(PHOTO);
    await expect(chief.getByRole('img', { name: 'Photo 1 of the problem' })).toBeVisible();
    await chief.getByRole('button', { name: 'Save problem' }).click();
    // On the server, not only "All synced" (which the bar also says before the save is written).
    await expect(chief.getByRole('button', { name: 'Save problem' })).toHaveCount(0);
    await expect(syncBar(chief)).toContainText('All synced', { timeout: 30_000 });
    let id = '';
    await expect
      .poll(async () => {
        const mine: any[] = await server.read('chief01', 'my_findings');
        id = mine.find((f) => f.note === note)?.id ?? '';
        return id;
      }, { timeout: 30_000 })
      .not.toBe('');

    // The law-enforcement head tries to resolve it with a note only: refused on the phone.
    const head = await desk(browser, server, 'head_enforcement');
    await head.goto(`/findings/${id}`);
    await hydrated(head);
    await head.getByLabel('What was done').fill('Shed taken down');
    await head.getByRole('button', { name: 'Mark as resolved' }).click();
    await expect(head.getByRole('alert')).toContainText('resolved with a photo of the result');
    await expect(head.getByText('Problems of this kind need a photo of the result.')).toBeVisible();
    // With a photo of the cleared pavement it goes.
    await head.getByLabel('Take or choose a photo').setInputFiles(RESULT);
    await expect(head.getByRole('img', { name: 'Photo 1 of the problem' })).toBeVisible();
    await head.getByRole('button', { name: 'Mark as resolved' }).click();
    await expect(head.getByRole('status').first()).toContainText("waiting for the road chief's check");
    await expect(async () => {
      const detail = await server.read('head_enforcement', 'finding', { id });
      expect(detail.photos.map((p: any) => [p.stage, p.uploaded])).toEqual([
        ['before', true],
        ['after', true],
      ]);
    }).toPass({ timeout: 30_000 });

    // The chief, closing out, sees the two side by side.
    await chief.goto(`/findings/${id}`);
    await hydrated(chief);
    await expect(chief.getByRole('heading', { name: 'Before and after' })).toBeVisible();
    await expect(chief.getByRole('heading', { name: 'As found' })).toBeVisible();
    await expect(chief.getByRole('heading', { name: 'The result' })).toBeVisible();
    await expect(chief.locator('.before-after img')).toHaveCount(2);
    await expect(chief.getByText('SHA-256')).toHaveCount(0);
    await expect(chief.getByRole('button', { name: 'Verified: close', exact: true })).toBeVisible();

    // The coordinator sees each photo's fingerprint and receipt time.
    const coordinator = await desk(browser, server, 'coordinator');
    await coordinator.goto(`/findings/${id}`);
    await hydrated(coordinator);
    const detail = await server.read('coordinator', 'finding', { id });
    for (const photo of detail.photos) {
      await expect(coordinator.getByText(photo.hash, { exact: true })).toBeVisible();
    }
    await expect(coordinator.getByText('Received', { exact: true })).toHaveCount(2);
    await head.context().close();
    await coordinator.context().close();
  } finally {
    await closeFieldPhone(field);
  }
});
