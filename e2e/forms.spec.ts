import type { Locator, Page } from '@playwright/test';
import { createPracticeDeployment } from './support/api';
import { expect, settledPanel, test } from './support/fixtures';

/** What EUI paints red: a natively invalid control (`:invalid`, e.g. an empty `required` one) or one marked `aria-invalid`. */
function redFields(scope: Page | Locator) {
  return scope.locator('input:invalid, input[aria-invalid="true"]');
}

async function goOnAlone(page: Page, name: string) {
  await page.goto('/en/join?as=self-paced');
  await page.getByTestId('join-name').fill(name);
  await page.getByTestId('join-submit').click();
  await expect(page).toHaveURL(/\/en\/chapters\/cluster$/);
}

test.describe('forms', () => {
  test('the join form stays inert until the page has hydrated: nothing typed is lost, no click reloads the page', async ({ page }) => {
    // Hold the page's scripts back: what a person meets on a slow connection before React runs.
    let release!: () => void;
    const scriptsHeld = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/_next/static/chunks/**', async (route) => {
      await scriptsHeld;
      await route.continue();
    });
    await page.goto('/en/join?as=self-paced', { waitUntil: 'domcontentloaded' });
    await expect(page.getByTestId('join-name')).toHaveAttribute('readonly', '');
    await expect(page.getByTestId('join-submit')).toBeDisabled();
    await expect(page.getByTestId('join-tab-attendee')).toBeDisabled();

    release();
    await expect(page.getByTestId('join-submit')).toBeEnabled({ timeout: 20_000 });
    await page.getByTestId('join-name').fill('Early');
    await page.getByTestId('join-submit').click();
    await expect(page).toHaveURL(/\/en\/chapters\/cluster$/);
  });

  test('the join form shows nothing red before typing; an empty submit says what is missing, and typing clears it', async ({ page, consoleProblems }) => {
    await page.goto('/en/join');
    await expect(page.getByTestId('join-code')).toBeVisible();
    await expect(redFields(page)).toHaveCount(0);

    let signInCalls = 0;
    page.on('request', (request) => {
      if (request.url().includes('/api/auth/callback/')) signInCalls += 1;
    });
    await page.getByTestId('join-submit').click();
    await expect(page.getByText('Enter the workshop code.')).toBeVisible();
    await expect(page.getByTestId('join-code')).toHaveAttribute('aria-invalid', 'true');
    expect(signInCalls).toBe(0);

    await page.getByTestId('join-code').fill('ZZZZZZ');
    await expect(redFields(page)).toHaveCount(0);
    await page.getByTestId('join-submit').click();
    await expect(page.getByText('Enter a display name.')).toBeVisible();
    await page.getByTestId('join-name').fill('Lee');
    await page.getByTestId('join-submit').click();
    // The request went out this time: an unknown code is the server's answer.
    await expect(page.getByTestId('join-error')).toHaveAttribute('data-code', 'workshop_not_found');
    expect(signInCalls).toBe(1);

    for (const tab of ['self-paced', 'instructor'] as const) {
      await page.getByTestId(`join-tab-${tab}`).click();
      await expect(redFields(page)).toHaveCount(0);
    }
    expect(consoleProblems.filter((problem) => !/status of 401/.test(problem))).toEqual([]);
  });

  test('the connect form recovers from a wrong password: the right one connects without a reload', async ({ page, request, consoleProblems }) => {
    const deployment = await createPracticeDeployment(request);
    await goOnAlone(page, 'Recovering');
    const panel = await settledPanel(page, 'cluster-status', 'disconnected');
    const form = panel.getByTestId('connect-form');
    await expect(redFields(form)).toHaveCount(0);

    // An empty Cloud ID is named, and nothing is sent.
    await panel.getByTestId('connect-submit').click();
    await expect(form.getByText('Enter the Cloud ID.')).toBeVisible();
    await expect(panel.getByTestId('connect-error')).toHaveCount(0);

    await panel.getByRole('button', { name: 'URL' }).click();
    await panel.getByTestId('connect-url').fill(deployment.url);
    await panel.getByTestId('connect-username').fill(deployment.username);
    await panel.getByTestId('connect-password').fill('not-the-password');
    await panel.getByTestId('connect-submit').click();
    await expect(panel.getByTestId('connect-error')).toHaveAttribute('data-code', 'unauthorized');
    await expect(panel.getByTestId('connect-password')).toHaveAttribute('aria-invalid', 'true');

    // Typing the right password clears the mark, and Connect sends it (no native "Invalid" bubble).
    await panel.getByTestId('connect-password').fill(deployment.password);
    await expect(redFields(form)).toHaveCount(0);
    const posted = page.waitForRequest((r) => r.url().endsWith('/api/cluster') && r.method() === 'POST');
    await panel.getByTestId('connect-submit').click();
    await posted;
    await expect(panel).toHaveAttribute('data-panel-state', 'connected');
    await expect(panel.getByTestId('cluster-version')).toHaveText(/^8\.\d+\.\d+$/);
    // 422 `unauthorized`: the wrong password's answer.
    expect(consoleProblems.filter((problem) => !/status of 422/.test(problem))).toEqual([]);
  });
});
