import { atPhoneSize, checkA11y, expect, shot, signIn, test } from './fixtures';

test.describe('portal', () => {
  test('home: categories as a funnel, search over request types', async ({ page }) => {
    await signIn(page, 'bob@acme.example');
    await expect(page.getByRole('heading', { name: /how can we help/ })).toBeVisible();
    const categories = page.getByRole('region', { name: 'Categories' });
    for (const name of ['Support', 'Service', 'Sales Support', 'Feedback', 'Incidents']) {
      await expect(categories.getByRole('link', { name, exact: true })).toBeVisible();
    }
    await checkA11y(page, 'portal-home');
    await shot(page, 'portal-home');

    const search = page.getByRole('searchbox', { name: 'Search request types' });
    await search.fill('quota');
    const results = page.getByRole('region', { name: /matching request type/ });
    await expect(results.getByRole('heading', { name: '1 matching request type' })).toBeVisible();
    await expect(results.getByRole('link', { name: 'Request a quota increase' })).toBeVisible();
    await checkA11y(page, 'portal-search');
    await shot(page, 'portal-search');

    await search.fill('no such thing at all');
    await expect(page.getByText('Nothing matches “no such thing at all”')).toBeVisible();
    await shot(page, 'portal-search-empty');

    await search.fill('');
    await atPhoneSize(page);
    await expect(categories.getByRole('link', { name: 'Support', exact: true })).toBeVisible();
    await shot(page, 'portal-home-phone');
  });

  test('category page lists its request types', async ({ page }) => {
    await signIn(page, 'bob@acme.example');
    await page.getByRole('link', { name: 'Sales Support', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Sales Support' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Request training' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Request an add-on' })).toBeVisible();
    await checkA11y(page, 'category');
    await shot(page, 'category');
    await atPhoneSize(page);
    await shot(page, 'category-phone');

    await page.goto('/portal/categories/nope');
    await expect(page.getByRole('heading', { name: 'Category not found' })).toBeVisible();
  });
});
