import { readFile } from 'node:fs/promises';
import { request as playwrightRequest, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { createWorkshop, INSTRUCTOR_PASSWORD, PRACTICE_URL, signInViaApi } from './support/api';
import { expect, hydrated, test } from './support/fixtures';

const chapterOne = ['cluster-connected', 'ml-node', 'licence-ok'] as const;

/** An attendee in their own browser context: joins with the code from the join link, connected to the practice cluster as they join. */
async function attendeeJoins(browser: Browser, code: string, name: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`/ko/join?code=${code}`);
  await expect(page.getByTestId('join-code')).toHaveValue(code);
  await page.getByTestId('join-name').fill(name);
  await page.getByTestId('join-submit').click();
  await expect(page).toHaveURL(/\/ko\/chapters\/cluster$/);
  const panel = page.getByTestId('panel-cluster-status');
  // The workshop is set to the practice cluster: no connect form, the panel (once its code has
  // loaded and replaced the placeholder of the same test id) shows the practice cluster at once.
  await expect(panel).toHaveAttribute('data-panel-state', 'connected');
  await expect(panel.getByTestId('cluster-status-card')).toHaveAttribute('data-kind', 'practice');
  return page;
}

function boardRow(page: Page, name: string) {
  return page.locator(`[data-testid^="board-row-"][data-name="${name}"]`);
}

function boardCell(page: Page, name: string, checkpoint: string) {
  return boardRow(page, name).locator(`[data-testid^="board-cell-"][data-testid$="-${checkpoint}"]`);
}

async function instructorApi(baseURL: string | undefined): Promise<APIRequestContext> {
  const request = await playwrightRequest.newContext({ baseURL });
  await signInViaApi(request, 'instructor', { password: INSTRUCTOR_PASSWORD });
  return request;
}

test.describe('the instructor’s class board', () => {
  test('create a workshop in the UI, two attendees join and connect, the board turns green live, presenter counts, CSV export', async ({
    page,
    browser,
    consoleProblems,
  }) => {
    test.setTimeout(180_000);
    await page.goto('/en/join');
    await page.getByTestId('join-tab-instructor').click();
    await page.getByTestId('join-password').fill(INSTRUCTOR_PASSWORD);
    await page.getByTestId('join-submit').click();
    await expect(page).toHaveURL(/\/en\/instructor$/);
    await expect(page.getByTestId('nav-instructor')).toBeVisible();
    // The form is heard once React has hydrated it; typed before that, the values may be lost.
    await hydrated(page);

    await page.getByTestId('workshop-name').fill('Board E2E class');
    await page.getByTestId('workshop-cluster-mode').selectOption('practice');
    await page.getByTestId('workshop-create-submit').click();
    const created = page.getByTestId('workshop-created');
    await expect(created).toBeVisible();
    const code = (await created.getAttribute('data-code')) ?? '';
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    await expect(created).toContainText(`Join code: ${code}`);
    await expect(page.getByTestId(`workshop-row-${code}`)).toContainText('No attendees');

    await page.getByTestId('workshop-created-open').click();
    await expect(page).toHaveURL(/\/en\/instructor\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId('join-code-large')).toHaveText(code);
    await expect(page.getByTestId('join-url')).toHaveText(new RegExp(`/en/join\\?code=${code}$`));
    // Served on 127.0.0.1 here: the board says phones cannot open the link, and how to fix it.
    await expect(page.getByTestId('join-loopback-warning')).toContainText('Phones cannot open this link');
    await expect(page.getByTestId('join-loopback-warning')).toContainText('NEXTAUTH_URL');
    const qr = await page.request.get((await page.getByTestId('join-qr').getAttribute('src'))!);
    expect(qr.headers()['content-type']).toBe('image/svg+xml');
    expect(await qr.text()).toContain('<svg');
    await expect(page.getByTestId('board-empty')).toBeVisible();

    const alice = await attendeeJoins(browser, code, 'Alice');
    const bora = await attendeeJoins(browser, code, '보라');

    // The board was never reloaded: rows and green cells arrive by polling.
    await expect(boardRow(page, 'Alice')).toBeVisible({ timeout: 15_000 });
    await expect(boardRow(page, '보라')).toBeVisible();
    await expect(page.getByTestId('board-count-attendees')).toContainText('2');
    for (const name of ['Alice', '보라']) {
      for (const checkpoint of chapterOne) await expect(boardCell(page, name, checkpoint)).toHaveAttribute('data-state', 'done', { timeout: 25_000 });
      await expect(boardCell(page, name, 'sample-data')).toHaveAttribute('data-state', 'pending');
    }
    await alice.getByTestId('practice-action-sample-data').getByRole('button').click();
    await expect(alice.getByTestId('checkpoint-sample-data')).toHaveAttribute('data-state', 'done', { timeout: 15_000 });
    await expect(boardCell(page, 'Alice', 'sample-data')).toHaveAttribute('data-state', 'done', { timeout: 15_000 });
    await expect(boardRow(page, 'Alice').locator('[data-testid^="board-progress-"]')).toHaveText('4/17');

    // The cell's tooltip says when and what.
    await boardCell(page, 'Alice', 'cluster-connected').hover();
    await expect(page.getByRole('tooltip')).toContainText(/Cluster connected · Done/);
    await expect(page.getByRole('tooltip')).toContainText(/Done at/);

    // Filter to chapter 2: only its two columns.
    await page.getByTestId('board-chapter').selectOption('2');
    await expect(page.locator('[data-testid^="board-column-"]')).toHaveCount(2);
    await page.getByTestId('board-chapter').selectOption('all');
    await expect(page.locator('[data-testid^="board-column-"]')).toHaveCount(17);

    // Drill-in: connection host, never credentials.
    await boardRow(page, '보라').locator('[data-testid^="board-attendee-"]').click();
    const flyout = page.getByTestId('attendee-flyout');
    await expect(flyout.getByTestId('drill-host')).toContainText('Practice cluster · 127.0.0.1');
    await expect(flyout.getByTestId('drill-checkpoints')).toContainText('Cluster connected');
    await flyout.getByRole('button', { name: 'Close' }).first().click();

    // CSV export.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('board-export').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^progress-${code}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const csv = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('attendee,attendee_id,chapter,checkpoint,state,time,detail,code');
    expect(lines).toHaveLength(1 + 2 * 17);
    expect(lines.find((line) => line.startsWith('Alice,') && line.includes(',sample-data,'))).toMatch(/,1,sample-data,done,\d{4}-\d{2}-\d{2}T[\d:.]+Z,kibana_sample_data_logs,$/);
    expect(lines.find((line) => line.startsWith('보라,') && line.includes(',cluster-connected,'))).toMatch(/,cluster-connected,done,\d{4}-/);
    // Pending: no time and no detail; the reason code appears once the background verifier has looked at chapter 5.
    expect(lines.find((line) => line.startsWith('보라,') && line.includes(',ml-job-ran,'))).toMatch(/,5,ml-job-ran,pending,,,(job_missing)?$/);

    // Presenter mode: chapter 1 in large type with the class's counts.
    await page.getByTestId('board-present').click();
    await expect(page).toHaveURL(/\/present\/cluster$/);
    await expect(page.getByTestId('presenter-title')).toContainText('Chapter 1');
    await expect(page.getByTestId('presenter-join-code')).toContainText(code);
    await expect(page.getByTestId('presenter-count-cluster-connected')).toHaveText('2/2 done');
    await expect(page.getByTestId('presenter-count-sample-data')).toHaveText('1/2 done');
    await expect(page.getByTestId('checkpoint-cluster-connected')).toHaveAttribute('data-state', 'done');
    // No connect form (or the instructor's own cluster) on the projector.
    await expect(page.getByTestId('panel-cluster-status')).toHaveAttribute('data-panel-state', 'presenter');
    await page.getByTestId('presenter-next').click();
    await expect(page).toHaveURL(/\/present\/metricbeat$/);
    await expect(page.getByTestId('presenter-count-metricbeat-data')).toHaveText('0/2 done');

    await alice.context().close();
    await bora.context().close();
    expect(consoleProblems).toEqual([]);
  });

  test('only instructors reach the board, management routes and exports (401 signed out, 403 attendee, 404 not theirs)', async ({ baseURL, page }) => {
    const instructor = await instructorApi(baseURL);
    const workshop = await createWorkshop(instructor, 'Auth check');
    const attendee = await playwrightRequest.newContext({ baseURL });
    const joined = await signInViaApi(attendee, 'attendee', { code: workshop.code, name: 'Eve' });
    const anonymous = await playwrightRequest.newContext({ baseURL });

    const routes: [string, string, unknown?][] = [
      ['GET', '/api/workshops'],
      ['POST', '/api/workshops', { name: 'x' }],
      ['GET', `/api/workshops/${workshop.id}`],
      ['PATCH', `/api/workshops/${workshop.id}`, { status: 'closed' }],
      ['GET', `/api/workshops/${workshop.id}/progress`],
      ['GET', `/api/workshops/${workshop.id}/progress?format=csv`],
      ['GET', `/api/workshops/${workshop.id}/counts`],
      ['GET', `/api/workshops/${workshop.id}/join-qr`],
      ['GET', `/api/workshops/${workshop.id}/attendees/${joined.id}`],
      ['DELETE', `/api/workshops/${workshop.id}/attendees/${joined.id}`],
      ['POST', `/api/workshops/${workshop.id}/attendees/${joined.id}/reset`, {}],
    ];
    for (const [method, url, data] of routes) {
      const signedOut = await anonymous.fetch(url, { method, data });
      expect([method, url, signedOut.status()]).toEqual([method, url, 401]);
      expect(((await signedOut.json()) as { error: { code: string } }).error.code).toBe('not_signed_in');
      const asAttendee = await attendee.fetch(url, { method, data });
      expect([method, url, asAttendee.status()]).toEqual([method, url, 403]);
      expect(((await asAttendee.json()) as { error: { code: string } }).error.code).toBe('role_required');
    }
    // Still in the class: nothing above went through.
    expect((await attendee.get('/api/cluster')).status()).toBe(200);

    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const url of [`/api/workshops/${unknown}/progress`, `/api/workshops/${unknown}`, '/api/workshops/not-a-uuid/progress', `/api/workshops/${workshop.id}/attendees/${unknown}`]) {
      const response = await instructor.get(url);
      expect([url, response.status()]).toEqual([url, 404]);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
    const progress = (await (await instructor.get(`/api/workshops/${workshop.id}/progress`)).json()) as { attendees: { name: string; checkpoints: Record<string, { state: string }> }[] };
    expect(progress.attendees.map((row) => row.name)).toEqual(['Eve']);
    expect(Object.keys(progress.attendees[0]!.checkpoints)).toHaveLength(17);

    // Pages: signed out goes to the instructor sign-in; an attendee is told who the page is for.
    await page.goto(`/en/instructor/${workshop.id}`);
    await expect(page).toHaveURL(/\/en\/join\?as=instructor&callbackUrl=/);
    await expect(page.getByTestId('join-form-instructor')).toBeVisible();
    await page.getByTestId('join-password').fill(INSTRUCTOR_PASSWORD);
    await page.getByTestId('join-submit').click();
    await expect(page).toHaveURL(new RegExp(`/en/instructor/${workshop.id}$`));
    await expect(page.getByTestId('join-code-large')).toHaveText(workshop.code);

    const attendeePage = await page.context().browser()!.newPage();
    await attendeePage.goto('/en/join');
    await attendeePage.getByTestId('join-tab-self-paced').click();
    await attendeePage.getByTestId('join-name').fill('Not a teacher');
    await attendeePage.getByTestId('join-submit').click();
    await expect(attendeePage).toHaveURL(/\/en\/chapters\/cluster$/);
    await attendeePage.goto('/en/instructor');
    await expect(attendeePage.getByTestId('role-required')).toBeVisible();
    await attendeePage.close();

    await Promise.all([instructor.dispose(), attendee.dispose(), anonymous.dispose()]);
  });

  test('stuck detection groups a repeated wrong password; the drill-in explains it; removing ends the session', async ({ page, baseURL }) => {
    const instructor = await instructorApi(baseURL);
    const workshop = await createWorkshop(instructor, 'Stuck class');
    const mallory = await playwrightRequest.newContext({ baseURL });
    await signInViaApi(mallory, 'attendee', { code: workshop.code, name: 'Mallory' });
    for (let i = 0; i < 3; i += 1) {
      const response = await mallory.post('/api/cluster', { data: { url: PRACTICE_URL, password: `wrong-${i}` } });
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }

    await page.goto('/en/join?as=instructor');
    await page.getByTestId('join-password').fill(INSTRUCTOR_PASSWORD);
    await page.getByTestId('join-submit').click();
    await expect(page).toHaveURL(/\/en\/instructor$/);
    await page.goto(`/en/instructor/${workshop.id}`);
    const group = page.getByTestId('stuck-group-error:unauthorized');
    await expect(group).toContainText('1 attendee: unauthorized — wrong password or API key');
    await expect(boardRow(page, 'Mallory')).toHaveAttribute('data-stuck', 'true');

    await boardRow(page, 'Mallory').locator('[data-testid^="board-attendee-"]').click();
    const flyout = page.getByTestId('attendee-flyout');
    await expect(flyout.getByTestId('drill-last-error')).toHaveAttribute('data-code', 'unauthorized');
    await expect(flyout.getByTestId('drill-events')).toContainText('Connect failed: unauthorized');
    await flyout.getByTestId('drill-remove').click();
    await page.getByTestId('drill-confirm-remove').getByRole('button', { name: 'Yes' }).click();
    await expect(flyout).toBeHidden();
    await expect(boardRow(page, 'Mallory')).toHaveCount(0);
    await expect(page.getByTestId('board-empty')).toBeVisible();

    // The removed attendee's session stops working within seconds.
    await expect.poll(async () => (await mallory.get('/api/checkpoints?chapter=1')).status(), { timeout: 10_000 }).toBe(401);
    await Promise.all([instructor.dispose(), mallory.dispose()]);
  });

  test('edit and close a workshop in the UI: a closed workshop turns joiners away', async ({ page, baseURL }) => {
    await page.goto('/ko/join?as=instructor');
    await page.getByTestId('join-password').fill(INSTRUCTOR_PASSWORD);
    await page.getByTestId('join-submit').click();
    await expect(page).toHaveURL(/\/ko\/instructor$/);
    await hydrated(page);
    const code = `E2E${Date.now().toString(36).slice(-5).toUpperCase()}`;
    await page.getByTestId('workshop-name').fill('수정할 워크샵');
    await page.getByTestId('workshop-code').fill(code.toLowerCase());
    await page.getByTestId('workshop-create-submit').click();
    await expect(page.getByTestId(`workshop-row-${code}`)).toBeVisible();

    await page.getByTestId(`workshop-edit-${code}`).click();
    const edit = page.getByTestId('workshop-edit');
    await edit.getByTestId('workshop-name').fill('수정한 워크샵');
    await edit.getByTestId('workshop-date').fill('2026-12-01');
    await page.getByTestId('workshop-edit-submit').click();
    await expect(page.getByTestId(`workshop-row-${code}`)).toContainText('수정한 워크샵');
    await expect(page.getByTestId(`workshop-row-${code}`)).toContainText('2026-12-01');

    await page.getByTestId(`workshop-close-${code}`).click();
    await page.getByTestId('workshop-close-confirm').getByRole('button', { name: '마감' }).click();
    await expect(page.getByTestId(`workshop-row-${code}`)).toContainText('마감');
    await expect(page.getByTestId(`workshop-reopen-${code}`)).toBeVisible();

    const late = await playwrightRequest.newContext({ baseURL });
    const csrf = (await (await late.get('/api/auth/csrf')).json()) as { csrfToken: string };
    const refused = await late.post('/api/auth/callback/attendee', { form: { code, name: 'Late', csrfToken: csrf.csrfToken, json: 'true' } });
    expect(refused.status()).toBe(401);
    expect(await refused.text()).toContain('workshop_closed');
    await late.dispose();

    await page.getByTestId(`workshop-reopen-${code}`).click();
    await expect(page.getByTestId(`workshop-close-${code}`)).toBeVisible();
  });
});
