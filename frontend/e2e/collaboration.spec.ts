/**
 * Working together on a request, in real browsers against a real server: a super user's
 * private request stays hidden from a colleague until it is shared through the share dialog;
 * an agent's reply reaches the reporter's open page live; the overview's column choice is
 * saved per user. Each screen is scanned with axe and photographed, also at phone size.
 */
import type { Browser, Page } from '@playwright/test';

import { atPhoneSize, checkA11y, expect, shot, signIn, test } from './fixtures';

/** A signed-in page in a browser context of its own (its own cookies and WebSocket). */
async function personPage(browser: Browser, baseURL: string | undefined, email: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

/** A GraphQL call with the page's session cookie (as the SPA makes it). */
async function graphql<T>(page: Page, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await page.request.post('/graphql', {
    data: { query, variables },
    headers: { 'X-Frontdesk-CSRF': '1' },
  });
  expect(response.ok()).toBe(true);
  const body = (await response.json()) as { data?: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data as T;
}

interface RaisedRequest {
  id: string;
  reference: string;
}

/** A PRIVATE "Ask a question" request raised by the page's user for their first organisation. */
async function raisePrivateRequest(page: Page, summary: string): Promise<RaisedRequest> {
  const options = await graphql<{
    viewer: { memberships: { organisation: { id: string } }[] };
    portal: { categories: { requestTypes: { id: string; name: string }[] }[] };
  }>(
    page,
    `{ viewer { memberships { organisation { id } } }
       portal { categories { requestTypes { id name } } } }`,
  );
  const type = options.portal.categories
    .flatMap((c) => c.requestTypes)
    .find((t) => t.name === 'Ask a question');
  expect(type, 'the demo catalog has "Ask a question"').toBeDefined();
  const result = await graphql<{
    requestSubmit: { request: RaisedRequest | null; userErrors: { message: string }[] };
  }>(
    page,
    `mutation($input: RequestSubmitInput!) {
       requestSubmit(input: $input) { request { id reference } userErrors { field message } } }`,
    {
      input: {
        requestTypeId: type?.id,
        organisationId: options.viewer.memberships[0]?.organisation.id,
        summary,
        description: 'Candidates in room 4 see a blank page after signing in.',
        visibility: 'PRIVATE',
        fields: [
          { key: 'topic', value: 'exams' },
          { key: 'question', value: 'Why do candidates see a blank page after signing in?' },
        ],
      },
    },
  );
  expect(result.requestSubmit.userErrors).toEqual([]);
  return result.requestSubmit.request as RaisedRequest;
}

/** First paint of a screen after navigating: generous, as CI machines may be busy. */
const LOAD = { timeout: 20_000 };

const detailPath = (request: RaisedRequest) => `/requests/${encodeURIComponent(request.id)}`;

test.describe('collaboration', () => {
  test('a private request is shared with a colleague, and an agent’s reply arrives live', async ({
    browser,
    baseURL,
  }) => {
    // Three people in three browsers, and an accessibility scan of each screen they see.
    test.setTimeout(120_000);
    const summary = `Blank page after sign-in ${Date.now()}`;
    const alice = await personPage(browser, baseURL, 'alice@acme.example');
    const request = await raisePrivateRequest(alice, summary);

    // Bob, a member of Acme, looks at his colleagues' requests: the private one is not there.
    const bob = await personPage(browser, baseURL, 'bob@acme.example');
    await bob.goto('/requests');
    await bob.getByRole('textbox', { name: 'Created by' }).click();
    await bob.getByRole('option', { name: 'Colleagues' }).click();
    await expect(bob).toHaveURL(/owner=colleagues/);
    await expect(bob.getByTestId('request-count')).not.toHaveText('Loading…', LOAD);
    await expect(bob.getByText('Live', { exact: true })).toBeVisible();
    await expect(bob.getByRole('link', { name: summary })).toHaveCount(0);
    await checkA11y(bob, 'overview-colleagues');
    await shot(bob, 'overview-colleagues');

    // Alice opens her request and shares it with Acme through the share dialog.
    await alice.goto(detailPath(request));
    await expect(alice.getByRole('heading', { level: 1, name: summary })).toBeVisible(LOAD);
    await expect(alice.getByText('Private', { exact: true })).toBeVisible();
    await checkA11y(alice, 'request-detail');
    await shot(alice, 'request-detail');

    await alice.getByRole('button', { name: 'Share' }).click();
    const dialog = alice.getByRole('dialog', { name: `Share ${request.reference}` });
    await expect(dialog).toBeVisible();
    // Focus moves into the dialog.
    await expect(dialog.getByRole('radio', { name: 'Private request' })).toBeFocused();
    await checkA11y(alice, 'share-dialog');
    await shot(alice, 'share-dialog');
    await dialog.getByRole('radio', { name: 'Share with Acme Exams' }).check();
    await dialog.getByRole('button', { name: 'Save sharing' }).click();
    await expect(dialog).toBeHidden(LOAD);
    await expect(alice.getByText('Shared with Acme Exams').first()).toBeVisible();
    await expect(
      alice.getByTestId('timeline-event').filter({ hasText: 'changed who sees it' }),
    ).toBeVisible();

    // Bob's open overview receives it live; it is still there after a reload.
    await expect(bob.getByRole('link', { name: summary })).toBeVisible(LOAD);
    await bob.reload();
    await expect(bob.getByRole('link', { name: summary })).toBeVisible(LOAD);

    // An agent replies from another browser context; Alice's open page shows it, no reload.
    await alice.evaluate(() => {
      (window as unknown as { notReloaded?: boolean }).notReloaded = true;
    });
    const agent = await personPage(browser, baseURL, 'agent@frontdesk.example');
    await agent.goto(detailPath(request));
    await expect(agent.getByRole('heading', { level: 1, name: summary })).toBeVisible(LOAD);
    await expect(agent.getByRole('button', { name: 'Move along the workflow' })).toBeVisible();
    await checkA11y(agent, 'request-detail-agent');
    await shot(agent, 'request-detail-agent');
    const reply = `We are looking into room 4 now (${Date.now()})`;
    await agent.getByLabel('Reply', { exact: true }).fill(reply);
    // With a file: uploaded first (multipart, CSRF header), then referenced by the comment.
    await agent.locator('input[type="file"]').setInputFiles({
      name: 'proxy-log.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(`GET /exam 502 (${Date.now()})\n`),
    });
    await expect(agent.getByText('proxy-log.txt')).toBeVisible();
    const committed = agent.waitForResponse(
      (r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('RequestCommentAdd'),
    );
    await agent.getByRole('button', { name: 'Send' }).click();
    await committed;
    await expect(alice.getByTestId('comment-body').filter({ hasText: reply })).toBeVisible({
      timeout: 2_000,
    });
    await expect(alice.getByRole('link', { name: /proxy-log\.txt/ })).toBeVisible();
    expect(await alice.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );

    // An internal note reaches agents only.
    const note = `Internal: check the proxy logs (${Date.now()})`;
    await agent.getByRole('switch', { name: 'Internal note' }).check();
    await agent.getByLabel('Note for agents', { exact: true }).fill(note);
    await agent.getByRole('button', { name: 'Add note' }).click();
    await expect(agent.getByTestId('comment-body').filter({ hasText: note })).toBeVisible();
    await expect(alice.getByTestId('comment-body').filter({ hasText: reply })).toBeVisible();
    await expect(alice.getByText(note)).toHaveCount(0);

    // The phone layout of the detail.
    await atPhoneSize(alice);
    await expect(alice.getByRole('heading', { level: 1, name: summary })).toBeVisible();
    await checkA11y(alice, 'request-detail-phone');
    await shot(alice, 'request-detail-phone');

    for (const page of [alice, bob, agent]) await page.context().close();
  });

  test('column choices are saved per user and survive a reload', async ({ page }) => {
    test.setTimeout(90_000);
    await signIn(page, 'anna@acme.example');
    // Start from the default columns, whatever an earlier run against this server left.
    await graphql(
      page,
      `mutation($input: OverviewColumnsSetInput!) { overviewColumnsSet(input: $input) { columns } }`,
      {
        input: {
          columns: ['REFERENCE', 'SUMMARY', 'STATUS', 'REQUESTER', 'REQUEST_TYPE', 'PRIORITY', 'ASSIGNEE', 'DUE_DATE', 'UPDATED'],
        },
      },
    );
    await page.goto('/requests?status=any');
    await expect(page.getByTestId('request-count')).not.toHaveText('Loading…', LOAD);
    await expect(page.getByRole('columnheader', { name: /^Requester/ })).toBeVisible();
    await checkA11y(page, 'overview');
    await shot(page, 'overview');

    await page.getByRole('button', { name: 'Columns' }).click();
    const chooser = page.getByRole('group', { name: 'Columns to show' });
    await expect(chooser).toBeVisible();
    await checkA11y(page, 'overview-columns');
    await shot(page, 'overview-columns');
    await chooser.getByRole('checkbox', { name: 'Requester' }).uncheck();
    await chooser.getByRole('checkbox', { name: 'Organisation' }).check();
    await chooser.getByRole('button', { name: 'Move Organisation up' }).click();
    // The table follows at once; the choice is saved when the clicks pause.
    await expect(page.getByRole('columnheader', { name: 'Organisation' })).toBeVisible();
    await expect(page.getByLabel('Saving columns')).toHaveCount(0);
    await page.keyboard.press('Escape');

    await page.reload();
    await expect(page.getByRole('columnheader', { name: 'Organisation' })).toBeVisible(LOAD);
    await expect(page.getByRole('columnheader', { name: /^Requester/ })).toHaveCount(0);
    const headers = await page.getByRole('columnheader').allInnerTexts();
    expect(headers.map((h) => h.trim().toUpperCase()).slice(-2)).toEqual(['ORGANISATION', 'UPDATED']);

    // Back to the defaults, so the next run starts from the same place.
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(page.getByRole('columnheader', { name: /^Requester/ })).toBeVisible();
    await expect(page.getByLabel('Saving columns')).toHaveCount(0);
    await page.keyboard.press('Escape');
    await page.reload();
    await expect(page.getByRole('columnheader', { name: /^Requester/ })).toBeVisible(LOAD);
  });

  test('the overview on a phone shows cards, filters fold away', async ({ page }) => {
    test.setTimeout(90_000);
    await signIn(page, 'alice@acme.example');
    const summary = `Phone card ${Date.now()}`;
    await raisePrivateRequest(page, summary);
    await atPhoneSize(page);
    await page.goto('/requests');
    await expect(page.getByRole('link', { name: /^FD-\d+$/ }).first()).toBeVisible(LOAD);
    await expect(page.getByRole('table')).toHaveCount(0);
    await expect(page.getByText(summary)).toBeVisible();
    await checkA11y(page, 'overview-phone');
    await shot(page, 'overview-phone');
    await page.getByRole('button', { name: 'Filters' }).click();
    await expect(page.getByRole('textbox', { name: 'Created by' })).toBeVisible();
    await shot(page, 'overview-phone-filters');
    // The search narrows the list (and lands in the URL).
    await page.getByRole('searchbox', { name: 'Search requests' }).fill(summary);
    await expect(page).toHaveURL(/q=Phone/);
    await expect(page.getByTestId('request-row')).toHaveCount(1);
  });
});
