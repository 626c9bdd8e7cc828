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
