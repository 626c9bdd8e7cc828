import { Browser, Page, expect } from '@playwright/test';

export const PASSWORD = 'roadchief';

/** Waits until the page's code has taken over the server-rendered HTML. */
export async function hydrated(page: Page) {
  await page.waitForSelector('html[data-hydrated]', { state: 'attached' });
}

/** A fresh phone (its own cookies and storage), signed in as `username`. */
export async function signIn(browser: Browser, username: string, locale = 'zh-CN'): Promise<Page> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  await page.goto('/login');
  await hydrated(page);
  const zh = locale.startsWith('zh');
  await page.getByLabel(zh ? '用户名' : 'Username').fill(username);
  await page.getByLabel(zh ? '密码' : 'Password').fill(PASSWORD);
  await page.getByRole('button', { name: zh ? '登录' : 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await hydrated(page);
  return page;
}

export async function expectNoPageError(page: Page) {
  await expect(page.getByRole('alert')).toHaveCount(0);
}

/** Records findings on Huangdao Road through the sync API as chief05 (as a phone would); no
 * other test uses that road, so the weekly loop test finds Market Road 1 untouched. */
export async function recordFindings(chief: Page, notes: string[], category = 'shop_sign'): Promise<string[]> {
  const page = await chief.request.post('/api/inspection', { form: { road_id: 'huangdao-road' } });
  const inspection = await page.json();
  const [a, b] = inspection.road.coordinates;
  const uuid = () => crypto.randomUUID();
  const ops = notes.map((note, i) => ({
    id: uuid(),
    op: {
      kind: 'record_finding',
      road_id: 'huangdao-road',
      week: inspection.week,
      finding: {
        id: uuid(),
        category,
        note,
        lon: a[0] + (b[0] - a[0]) * (0.2 + i / 10),
        lat: a[1] + (b[1] - a[1]) * (0.2 + i / 10),
        off_road_confirmed: false,
        observed_at: Date.now(),
      },
    },
  }));
  const answer = await chief.request.post('/api/v1/sync', { data: { ops } });
  expect(answer.status()).toBe(200);
  return ops.map((o) => o.op.finding.id);
}

/** Opens the top bar's menu where the screen is narrow enough to have one. */
export async function openMenu(page: Page) {
  const toggle = page.getByRole('button', { name: /^(菜单|Menu)$/ });
  if (await toggle.isVisible()) {
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  }
}

/** Goes to one of the user's places through the top bar, as a user would. */
export async function goTo(page: Page, place: string) {
  await openMenu(page);
  await page.getByRole('navigation').getByRole('link', { name: place, exact: true }).click();
}
