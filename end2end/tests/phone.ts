import { BrowserContext, Page, chromium, expect } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { hydrated, PASSWORD } from './helpers';
import { OwnServer } from './own-server';

/** A phone whose storage and service worker survive closing the browser (a profile on disk). */
export async function phone(profile: string, server: OwnServer): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    baseURL: server.url,
    viewport: { width: 360, height: 640 },
    locale: 'en-US',
    timezoneId: 'Asia/Shanghai',
  });
  await context.addCookies([{ name: 'lang', value: 'en', url: server.url }]);
  return context;
}

export async function signIn(page: Page, username: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await hydrated(page);
}

/** Signed in, the service worker in control and the phone's copy of the roads filled. */
export async function readyForTheField(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, {
    timeout: 30_000,
  });
  const bar = page.getByRole('complementary', { name: 'Sync status' });
  await expect(bar).toContainText('All synced');
  await expect(bar).toContainText(/Last sync \d\d:\d\d/);
}

export function syncBar(page: Page) {
  return page.getByRole('complementary', { name: 'Sync status' });
}
