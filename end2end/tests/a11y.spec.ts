import AxeBuilder from '@axe-core/playwright';
import { Browser, Page, expect, test } from '@playwright/test';
import { hydrated, recordFindings, signIn } from './helpers';

// Every screen, as the role that uses it, in both languages on a 360×640 phone, checked by axe
// against WCAG 2.1 A and AA. A violation names its rule and the elements it found.

const LOCALES = ['zh-CN', 'en-GB'];
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function check(page: Page, what: string, app = true) {
  // Lazy screens load their code after hydration; checked once they show their heading.
  // (The public board's pages are plain HTML, without the app.)
  if (app) await hydrated(page);
  await expect(page.locator('h1').first()).toBeVisible();
  await page.waitForLoadState('networkidle');
  const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const found = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n    ')}`,
  );
  expect.soft(found, `${what}: axe violations`).toEqual([]);
}

async function visit(page: Page, path: string, locale: string, app = true) {
  await page.goto(path);
  await check(page, `${path} (${locale})`, app);
}

async function anonymous(browser: Browser, locale: string) {
  const context = await browser.newContext({ locale });
  return context.newPage();
}

// Each check opens phones of its own; closed after it, so that their pages (which sync in the
// background) do not load the machine for the tests that follow.
test.afterEach(async ({ browser }) => {
  await Promise.all(browser.contexts().map((context) => context.close()));
});

for (const locale of LOCALES) {
  test.describe(`every screen passes axe (${locale})`, () => {
    test('the sign-in page, the public board and the tracking page', async ({ browser }) => {
      const page = await anonymous(browser, locale);
      await visit(page, '/login', locale);
      for (const path of ['/board/market-road-2', '/track']) await visit(page, path, locale, false);
    });

    test("the road chief's screens", async ({ browser }) => {
      const chief = await signIn(browser, 'chief01', locale);
      await check(chief, `/ (${locale})`);
      for (const path of [
        '/roads/market-road-1',
        '/roads/market-road-1/street',
        '/roads/market-road-1/patrol',
        '/shops/mr1-005',
        '/findings',
        '/outbox',
        '/race',
        '/reports',
      ]) {
        await visit(chief, path, locale);
      }
      // The problem form, opened by marking a category (in this phone's draft only).
      await chief.goto('/roads/market-road-1');
      await hydrated(chief);
      const problem = locale.startsWith('zh') ? '有问题' : 'Problem';
      await chief.getByRole('button', { name: problem, exact: true }).first().click();
      await expect(chief.locator('form textarea').first()).toBeVisible();
      await check(chief, `the problem form (${locale})`);
    });

    test('a finding, as its chief, its section and the coordinator', async ({ browser }) => {
      const chief = await signIn(browser, 'chief05', locale);
      const [id] = await recordFindings(chief, [`Axe check ${locale} ${Date.now()}`], 'sanitation');
      await visit(chief, `/findings/${id}`, locale);
      const coordinator = await signIn(browser, 'coordinator', locale);
      await visit(coordinator, `/findings/${id}`, locale);
      const head = await signIn(browser, 'head_urban', locale);
      await check(head, `/inbox (${locale})`);
      await visit(head, '/race', locale);
    });

    test("the coordinator's screens", async ({ browser }) => {
      const coordinator = await signIn(browser, 'coordinator', locale);
      await check(coordinator, `/overview (${locale})`);
      for (const path of ['/channels', '/rules', '/admin', '/reports', '/race', '/roads/market-road-1']) {
        await visit(coordinator, path, locale);
      }
    });
  });
}
