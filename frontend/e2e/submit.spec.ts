import { atPhoneSize, checkA11y, expect, shot, signIn, test } from './fixtures';

test.describe('raising a request', () => {
  test('a super user fills a conditional form, fixes a field error, attaches a file and submits privately', async ({
    page,
  }) => {
    test.setTimeout(90_000); // many steps, two uploads' worth of waiting on a busy machine
    await signIn(page, 'alice@acme.example');
    await page.getByRole('link', { name: 'Sales Support', exact: true }).click();
    await page.getByRole('link', { name: 'Request training' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Request training' })).toBeVisible();

    const summary = `Training for new examiners ${Date.now()}`;
    await page.getByRole('textbox', { name: 'Summary' }).fill(summary);
    await page.getByRole('radio', { name: 'Exam authoring' }).check();

    // The address field belongs to on-site training only: it appears after that choice.
    const address = page.getByRole('textbox', { name: 'Address for the on-site training' });
    await expect(address).toHaveCount(0);
    await page.getByRole('radio', { name: 'On site' }).check();
    await expect(address).toBeVisible();
    await expect(address).toHaveAttribute('required', '');
    await checkA11y(page, 'request-form');
    await shot(page, 'request-form');

    // Sending without the now required address: the browser says so at the field.
    await page.getByRole('button', { name: 'Send request' }).click();
    await expect(page.getByText('Address for the on-site training is required.')).toBeVisible();
    await expect(address).toHaveAttribute('aria-invalid', 'true');
    await expect(address).toBeFocused();
    await checkA11y(page, 'request-form-errors');
    await shot(page, 'request-form-errors');

    // Choosing remote again hides the field (and its error); on site brings it back.
    await page.getByRole('radio', { name: 'Remote (video call)' }).check();
    await expect(address).toHaveCount(0);
    await page.getByRole('radio', { name: 'On site' }).check();
    await address.fill('Acme Exams, Main Street 1, Springfield');

    // A file through the drop zone's file chooser, uploaded at once with its progress.
    await page.locator('#request-attachments-input').setInputFiles({
      name: 'agenda.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(`Agenda for ${summary}\n`),
    });
    const files = page.getByRole('list', { name: 'Files for Files' });
    await expect(files.getByText('agenda.txt')).toBeVisible();
    await expect(files.getByText('Uploaded')).toBeVisible();

    await expect(page.getByRole('radio', { name: 'Private request' })).toBeChecked();
    await expect(page.getByRole('radio', { name: /Share with Acme Exams/ })).not.toBeChecked();
    await shot(page, 'request-form-filled');

    await page.getByRole('button', { name: 'Send request' }).click();
    await expect(page).toHaveURL(/\/requests\/[^/]+$/, { timeout: 20_000 });
    await expect(page.getByText(summary).first()).toBeVisible({ timeout: 20_000 });
    await shot(page, 'request-submitted');
  });

  test('urgency and impact show the resulting priority; the form works on a phone', async ({ page }) => {
    await signIn(page, 'anna@acme.example');
    await page.getByRole('searchbox', { name: 'Search request types' }).fill('outage');
    await page.getByRole('link', { name: 'Report an outage' }).click();
    const priority = page.getByTestId('resulting-priority');
    await expect(priority).toHaveText(/P2/); // the request type's default
    await page.getByRole('radiogroup', { name: 'Urgency' }).getByRole('radio', { name: 'High' }).check();
    await page.getByRole('radiogroup', { name: 'Impact' }).getByRole('radio', { name: 'High' }).check();
    await expect(priority).toHaveText(/P1/);
    await page.getByRole('radiogroup', { name: 'Impact' }).getByRole('radio', { name: 'Low' }).check();
    await expect(priority).toHaveText(/P3/);

    // The invigilator's address is asked only while an exam is running.
    const invigilator = page.getByRole('textbox', { name: 'Invigilator on site' });
    await expect(invigilator).toHaveCount(0);
    await page.getByRole('checkbox', { name: 'An exam session is running right now' }).check();
    await expect(invigilator).toBeVisible();
    await checkA11y(page, 'request-form-incident');
    await shot(page, 'request-form-incident');
    await atPhoneSize(page);
    await shot(page, 'request-form-phone');
  });
});
