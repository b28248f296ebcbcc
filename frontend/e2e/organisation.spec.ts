/**
 * The organisation page of a super user: people with their roles, the super-user cap and its
 * count, adding someone by e-mail, a clear refusal at the cap, and removing someone again.
 */
import { atPhoneSize, checkA11y, expect, shot, signIn, test } from './fixtures';

/** First paint of a screen after navigating: generous, as CI machines may be busy. */
const LOAD = { timeout: 20_000 };

test.describe('organisation', () => {
  test('a super user adds and removes a member, and is stopped at the cap', async ({ page }) => {
    // Five screens, each scanned with axe.
    test.setTimeout(120_000);
    await signIn(page, 'alice@acme.example');
    await page.getByRole('navigation', { name: 'Main', exact: true }).getByRole('link', { name: 'Organisation' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Acme Exams' })).toBeVisible(LOAD);
    // Acme's demo data has 4 super users, its cap.
    await expect(page.getByTestId('super-user-count')).toHaveText('4 / 4');
    await expect(page.getByText('Cap reached')).toBeVisible();
    const people = page.getByRole('table', { name: 'People of Acme Exams' });
    await expect(people.getByTestId('member-row').filter({ hasText: 'bob@acme.example' })).toContainText('Member');
    await checkA11y(page, 'organisation');
    await shot(page, 'organisation');

    // Add someone new by e-mail, as a member.
    const stamp = Date.now();
    const email = `nina.${stamp}@acme.example`;
    const form = page.getByRole('form', { name: 'Add a person' });
    await form.getByLabel('E-mail address').fill(email);
    await form.getByLabel('Name').fill('Nina Newcomer');
    await form.getByRole('button', { name: 'Add person' }).click();
    const nina = people.getByTestId('member-row').filter({ hasText: email });
    await expect(nina).toBeVisible();
    await expect(nina).toContainText('Nina Newcomer');
    await expect(nina).toContainText('Member');
    await expect(form.getByLabel('E-mail address')).toHaveValue('');

    // A fifth super user is refused, with the reason at the role.
    await form.getByLabel('E-mail address').fill(`deputy.${stamp}@acme.example`);
    await form.getByRole('textbox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Super user' }).click();
    await expect(form.getByText(/already has 4 of 4 super users/)).toBeVisible();
    await form.getByRole('button', { name: 'Add person' }).click();
    await expect(form.getByText('Acme Exams already has 4 super users, the most it may have.')).toBeVisible();
    await expect(people.getByTestId('member-row').filter({ hasText: `deputy.${stamp}` })).toHaveCount(0);
    await checkA11y(page, 'organisation-cap-reached');
    await shot(page, 'organisation-cap-reached');

    // Remove Nina again, after confirming.
    await nina.getByRole('button', { name: 'Actions for Nina Newcomer' }).click();
    await page.getByRole('menuitem', { name: 'Remove from Acme Exams' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Nina Newcomer?' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Keep' })).toBeFocused();
    await checkA11y(page, 'organisation-remove');
    await shot(page, 'organisation-remove');
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(nina).toHaveCount(0);
    await expect(page.getByTestId('super-user-count')).toHaveText('4 / 4');

    await atPhoneSize(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Acme Exams' })).toBeVisible();
    await checkA11y(page, 'organisation-phone');
    await shot(page, 'organisation-phone');
  });

  test('a plain member sees the people but cannot manage them', async ({ page }) => {
    await signIn(page, 'bob@acme.example');
    const org = await page.request.post('/graphql', {
      data: { query: '{ viewer { memberships { organisation { id } } } }' },
      headers: { 'X-Frontdesk-CSRF': '1' },
    });
    const body = (await org.json()) as { data: { viewer: { memberships: { organisation: { id: string } }[] } } };
    const id = body.data.viewer.memberships[0]?.organisation.id ?? '';
    await page.goto(`/organisations/${encodeURIComponent(id)}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Acme Exams' })).toBeVisible(LOAD);
    await expect(page.getByText('Only super users of Acme Exams manage its people.')).toBeVisible();
    await expect(page.getByRole('form', { name: 'Add a person' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^Actions for/ })).toHaveCount(0);

    await page.goto('/organisations/T3JnYW5pc2F0aW9uOjk5OTk5');
    await expect(page.getByRole('heading', { name: 'Organisation not found' })).toBeVisible(LOAD);
  });
});
