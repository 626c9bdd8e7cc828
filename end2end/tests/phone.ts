import { BrowserContext, Page, chromium, expect } from '@playwright/test';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
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

/** A free loopback port (the server's reload port takes the next one). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    if (port < 65000) return port;
  }
}

export interface FieldPhone {
  server: OwnServer;
  profile: string;
  context: BrowserContext;
  page: Page;
}

/** A server of its own on a free port and a phone (a profile on disk) signed in as chief01, ready for the field. */
export async function fieldPhone(): Promise<FieldPhone> {
  const server = new OwnServer(await freePort());
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'road-chief-phone-'));
  await server.start();
  const context = await phone(profile, server);
  const page = context.pages()[0] || (await context.newPage());
  await signIn(page, 'chief01');
  await readyForTheField(page);
  return { server, profile, context, page };
}

/** Closes the phone, stops its server and removes both. */
export async function closeFieldPhone({ server, profile, context }: Omit<FieldPhone, 'page'>) {
  await context.close().catch(() => undefined);
  await server.stop();
  fs.rmSync(profile, { recursive: true, force: true });
}
