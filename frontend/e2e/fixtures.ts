/**
 * Shared end-to-end fixtures. Specs import `test` and `expect` from here:
 *
 *   import { test, expect, signIn, checkA11y, shot } from './fixtures';
 *
 * - baseURL: the server global-setup.ts started (env FRONTDESK_E2E_BASE_URL), so
 *   `page.goto('/requests')` works.
 * - signIn(page, email, password?): signs in (demo password `frontdesk-demo`) through the API,
 *   opens the portal home and waits for the app shell.
 * - signOut(page): through the account menu.
 * - checkA11y(page, screenName): axe-core scan (WCAG 2.x A/AA); fails on serious or critical
 *   violations and attaches the report.
 * - shot(page, name, { fullPage? }): screenshot (full page by default) into
 *   frontend/test-results/screenshots/<name>.png.
 * - atPhoneSize(page): switch to a 390x844 viewport (then shot(page, `${name}-phone`)).
 * - latestMailTo(email, kind): the newest mail_outbox row for an address (reset links).
 */
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

export const DEMO_PASSWORD = 'frontdesk-demo';
export const SCREENSHOTS = resolve(HERE, '..', 'test-results', 'screenshots');
export const PHONE = { width: 390, height: 844 };

export const test = base.extend({
  baseURL: async ({}, use) => {
    const url = process.env.FRONTDESK_E2E_BASE_URL;
    if (!url) throw new Error('FRONTDESK_E2E_BASE_URL is not set: global-setup.ts did not run');
    await use(url);
  },
});
export { expect };

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  // Through the API (fast; the browser context shares the session cookie), then into the app.
  // auth.spec.ts covers signing in through the sign-in page itself.
  const response = await page.request.post('/graphql', {
    headers: { 'Content-Type': 'application/json' },
    data: {
      query: `mutation ($input: LoginInput!) { login(input: $input) { userErrors { message } } }`,
      variables: { input: { email, password } },
    },
  });
  const body = (await response.json()) as {
    data?: { login?: { userErrors: { message: string }[] } };
    errors?: unknown[];
  };
  expect(body.errors, `signing in as ${email}`).toBeUndefined();
  expect(body.data?.login?.userErrors, `signing in as ${email}`).toEqual([]);
  await page.goto('/');
  await expect(page.getByRole('button', { name: /Account menu for/ })).toBeVisible({ timeout: 20_000 });
}

export async function signOut(page: Page): Promise<void> {
  if (!(await page.getByRole('button', { name: /Account menu for/ }).isVisible())) {
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
  } else {
    await page.getByRole('button', { name: /Account menu for/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
  }
  await expect(page).toHaveURL(/\/login/);
}

export async function checkA11y(page: Page, screenName: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  await test.info().attach(`axe-${screenName}.json`, {
    body: JSON.stringify(results.violations, null, 2),
    contentType: 'application/json',
  });
  const summary = bad.map(
    (v) => `${v.impact} ${v.id}: ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(summary, `accessibility problems on ${screenName}`).toEqual([]);
}

export async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let transitions settle so the picture shows the screen as people see it.
  await page.evaluate(() => window.scrollTo(0, 0)); // else the fixed header lands mid-picture
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: options.fullPage ?? true });
}

export async function atPhoneSize(page: Page): Promise<void> {
  await page.setViewportSize(PHONE);
}

/** The newest mail to `email` (of `kind`, e.g. password_reset) from the server's outbox. */
export function latestMailTo(email: string, kind = 'password_reset'): { subject: string; body: string } | null {
  const dataDir = process.env.FRONTDESK_E2E_DATA_DIR;
  if (!dataDir) throw new Error('FRONTDESK_E2E_DATA_DIR is not set');
  const python = resolve(HERE, '..', '..', '.venv', 'bin', 'python');
  const script = [
    'import json, sqlite3, sys',
    'db = sqlite3.connect(sys.argv[1])',
    'row = db.execute("SELECT subject, body FROM mail_outbox WHERE to_address = ? AND kind = ? ORDER BY id DESC LIMIT 1", (sys.argv[2], sys.argv[3])).fetchone()',
    'print(json.dumps(row and {"subject": row[0], "body": row[1]}))',
  ].join('\n');
  const out = execFileSync(python, ['-c', script, join(dataDir, 'frontdesk.sqlite3'), email, kind], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as { subject: string; body: string } | null;
}
