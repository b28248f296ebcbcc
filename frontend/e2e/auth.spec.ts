import {
  atPhoneSize,
  checkA11y,
  DEMO_PASSWORD,
  expect,
  latestMailTo,
  shot,
  signIn,
  signOut,
  test,
} from './fixtures';

test.describe('signing in and out', () => {
  test('sign in, a wrong password, sign out', async ({ page }) => {
    await page.goto('/login');
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await checkA11y(page, 'sign-in');
    await shot(page, 'sign-in');

    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('Enter your e-mail address.')).toBeVisible();

    await page.getByLabel('E-mail address').fill('carol@globex.example');
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText('Signing in failed');
    await checkA11y(page, 'sign-in-error');
    await shot(page, 'sign-in-error');

    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Hi Carol, how can we help?' })).toBeVisible();

    await signOut(page);
    await expect(page.getByText('You have signed out.')).toBeVisible();
    // Signed out, the app's pages send you back to sign in.
    await page.goto('/requests');
    await expect(page).toHaveURL(/\/login\?next=%2Frequests$/);
  });

  test('signed out: sign in, then back where you were; phone layout with burger menu', async ({ page }) => {
    await page.goto('/portal/categories/whatever?tab=1');
    await expect(page).toHaveURL(/\/login\?next=/);
    await expect(page.getByText('Sign in to continue.')).toBeVisible();
    await page.getByLabel('E-mail address').fill('dave@globex.example');
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/portal\/categories\/whatever\?tab=1$/);
    await expect(page.getByRole('heading', { name: 'Category not found' })).toBeVisible();

    await atPhoneSize(page);
    await page.goto('/');
    await page.getByRole('button', { name: 'Open navigation' }).click();
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await expect(nav.getByRole('link', { name: 'Requests' })).toBeVisible();
    await shot(page, 'navigation-phone', { fullPage: false });
    await nav.getByRole('link', { name: 'Requests' }).click();
    await expect(page).toHaveURL(/\/requests$/);
    await signOut(page);
    await shot(page, 'signed-out-phone');
  });

  test('unknown pages say so', async ({ page }) => {
    await signIn(page, 'bob@acme.example');
    await page.goto('/no/such/page');
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await checkA11y(page, 'not-found');
    await shot(page, 'not-found');
  });
});

test.describe('forgotten password', () => {
  test('ask for a link, open it, choose a new password, sign in with it', async ({ page }) => {
    // Ava is used by this test only: the reset ends her other sessions.
    const email = 'ava@acme.example';
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
    await checkA11y(page, 'forgot-password');
    await shot(page, 'forgot-password');
    await atPhoneSize(page);
    await shot(page, 'forgot-password-phone');
    await page.getByLabel('E-mail address').fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
    await shot(page, 'forgot-password-sent');

    // The link comes by mail: in these tests, from the server's outbox.
    const mail = latestMailTo(email);
    expect(mail?.body).toBeTruthy();
    const link = /https?:\/\/\S+\/reset-password\?token=\S+/.exec(mail?.body ?? '')?.[0];
    expect(link, 'reset link in the mail').toBeTruthy();
    await page.goto(new URL(link!).pathname + new URL(link!).search);
    await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
    await checkA11y(page, 'reset-password');
    await shot(page, 'reset-password');

    const newPassword = 'Sunny-harbour-walk-42';
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill('short');
    await page.getByRole('textbox', { name: 'Repeat the new password', exact: true }).fill('short');
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await expect(page.getByText('Use at least 10 characters.')).toBeVisible();
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill(newPassword);
    await page.getByRole('textbox', { name: 'Repeat the new password', exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await expect(page).toHaveURL(/\/login\?reset=1/);
    await expect(page.getByText('Your password was changed.')).toBeVisible();

    await signIn(page, email, newPassword);
    await expect(page.getByRole('heading', { name: /how can we help/ })).toBeVisible();

    // The link works once.
    await signOut(page);
    await page.goto(new URL(link!).pathname + new URL(link!).search);
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill('yet-another-password');
    await page.getByRole('textbox', { name: 'Repeat the new password', exact: true }).fill('yet-another-password');
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await expect(page.getByRole('alert')).toContainText('invalid');
    await atPhoneSize(page);
    await shot(page, 'reset-password-used-phone');
  });

  test('a reset page without a token explains itself', async ({ page }) => {
    await page.goto('/reset-password');
    await expect(page.getByText('This link is incomplete')).toBeVisible();
  });
});
