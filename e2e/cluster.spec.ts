import { request as playwrightRequest } from '@playwright/test';
import { createPracticeDeployment, createWorkshop, INSTRUCTOR_PASSWORD, PRACTICE_URL, signInViaApi } from './support/api';
import { connectToPractice, expect, settledPanel, test } from './support/fixtures';

const chapterOneCheckpoints = ['cluster-connected', 'ml-node', 'licence-ok', 'sample-data'];

test.describe('chapter 1: join, connect, live status and checkpoints', () => {
  test('an attendee joins, uses the practice cluster and sees the status and green checkpoints, kept across a reload', async ({
    page,
    baseURL,
    consoleProblems,
  }) => {
    const instructor = await playwrightRequest.newContext({ baseURL });
    await signInViaApi(instructor, 'instructor', { password: INSTRUCTOR_PASSWORD });
    const workshop = await createWorkshop(instructor, 'E2E workshop');
    await instructor.dispose();

    await page.goto('/ko/join');
    await page.getByTestId('join-code').fill(workshop.code.toLowerCase());
    await page.getByTestId('join-name').fill('지민');
    await page.getByTestId('join-submit').click();
    await expect(page).toHaveURL(/\/ko\/chapters\/cluster$/);
    await expect(page.getByTestId('session-name')).toHaveText('지민');

    const panel = await settledPanel(page, 'cluster-status', 'disconnected');
    await connectToPractice(panel);
    await expect(panel.getByTestId('cluster-version')).toHaveText(/^8\.\d+\.\d+$/);
    await expect(panel.getByTestId('cluster-health')).toHaveAttribute('data-health', 'green');
    await expect(panel.getByTestId('cluster-ml')).toHaveAttribute('data-ml', 'true');
    await expect(panel.getByTestId('cluster-licence')).toContainText('trial');

    for (const id of ['cluster-connected', 'ml-node', 'licence-ok']) {
      await expect(page.getByTestId(`checkpoint-${id}`)).toHaveAttribute('data-state', 'done', { timeout: 15_000 });
    }
    await expect(page.getByTestId('checkpoint-sample-data')).toHaveAttribute('data-state', 'pending');
    await page.getByTestId('practice-action-sample-data').getByRole('button').click();
    await expect(page.getByTestId('checkpoint-sample-data')).toHaveAttribute('data-state', 'done', { timeout: 15_000 });
    await expect(page.getByTestId('checkpoint-sample-data-detail')).toContainText('kibana_sample_data_logs');

    await page.reload();
    await expect(page.getByTestId('panel-cluster-status')).toHaveAttribute('data-panel-state', 'connected');
    for (const id of chapterOneCheckpoints) await expect(page.getByTestId(`checkpoint-${id}`)).toHaveAttribute('data-state', 'done');
    expect(consoleProblems).toEqual([]);
  });

  test('a practice deployment that is gone says so, and one button makes it again', async ({ page, consoleProblems }) => {
    await page.goto('/en/join');
    await page.getByTestId('join-tab-self-paced').click();
    await page.getByTestId('join-name').fill('Rae');
    await page.getByTestId('join-submit').click();
    const panel = await settledPanel(page, 'cluster-status', 'disconnected');
    await connectToPractice(panel);

    // What the card answers once the practice cluster has lost the deployment (a restart), until it is recreated.
    // The page reads its panels through the page channel (POST /api/panels, one answer per read) or
    // a panel's own route; either way the cluster status card's answer is the one rewritten.
    let gone = true;
    const lost = (body: Record<string, unknown>) => ({ ...body, status: null, error: { code: 'practice_lost', params: {} } });
    await page.route('**/api/panels/cluster-status*', async (route) => {
      if (!gone) return route.fallback();
      const response = await route.fetch();
      await route.fulfill({ response, json: lost((await response.json()) as Record<string, unknown>) });
    });
    await page.route('**/api/panels', async (route) => {
      if (!gone || route.request().method() !== 'POST') return route.fallback();
      const reads = ((route.request().postDataJSON() as { reads?: string[] } | null)?.reads ?? []);
      const response = await route.fetch();
      const body = (await response.json()) as { answers: { data?: Record<string, unknown> }[] };
      const answers = body.answers.map((answer, i) => (reads[i]?.startsWith('/api/panels/cluster-status') && answer.data ? { ...answer, data: lost(answer.data) } : answer));
      await route.fulfill({ response, json: { ...body, answers } });
    });
    await page.route('**/api/practice/recreate', async (route) => {
      gone = false;
      await route.fallback();
    });
    const error = panel.getByTestId('cluster-error');
    await expect(error).toHaveAttribute('data-code', 'practice_lost', { timeout: 15_000 });
    await expect(error).toContainText('the practice cluster was restarted and lost it');
    await expect(error).toContainText('Recreate the practice deployment');
    await panel.getByTestId('practice-recreate').click();
    await expect(panel).toHaveAttribute('data-panel-state', 'connected');
    await expect(panel.getByTestId('cluster-error')).toHaveCount(0);
    await expect(panel.getByTestId('cluster-version')).toHaveText(/^8\.\d+\.\d+$/);
    expect(consoleProblems).toEqual([]);
  });

  test('a wrong password shows `unauthorized` with its hint, and the form keeps what was typed', async ({ page }) => {
    await page.goto('/en/join');
    await page.getByTestId('join-tab-self-paced').click();
    await page.getByTestId('join-name').fill('Sam');
    await page.getByTestId('join-submit').click();
    await expect(page).toHaveURL(/\/en\/chapters\/cluster$/);

    const panel = await settledPanel(page, 'cluster-status', 'disconnected');
    await panel.getByRole('button', { name: 'URL' }).click();
    await panel.getByTestId('connect-url').fill(PRACTICE_URL);
    await panel.getByTestId('connect-password').fill('not-the-password');
    await panel.getByTestId('connect-submit').click();
    const error = panel.getByTestId('connect-error');
    await expect(error).toHaveAttribute('data-code', 'unauthorized');
    await expect(error).toContainText('password');
    await expect(panel.getByTestId('connect-url')).toHaveValue(PRACTICE_URL);
    await expect(panel).toHaveAttribute('data-panel-state', 'disconnected');
  });

  test('a malformed Cloud ID says what is wrong', async ({ page }) => {
    await page.goto('/en/join');
    await page.getByTestId('join-tab-self-paced').click();
    await page.getByTestId('join-name').fill('Kim');
    await page.getByTestId('join-submit').click();
    const panel = await settledPanel(page, 'cluster-status', 'disconnected');
    await panel.getByTestId('connect-cloud-id').fill('elastic_workshop:not-base64!!');
    await panel.getByTestId('connect-password').fill('whatever');
    await panel.getByTestId('connect-submit').click();
    await expect(panel.getByTestId('connect-error')).toHaveAttribute('data-code', 'invalid_cloud_id');
  });

  test('five typo fixes do not lock a learner out: only a cluster refusing the credentials counts', async ({ page, request }) => {
    const deployment = await createPracticeDeployment(request);
    await page.goto('/en/join');
    await page.getByTestId('join-tab-self-paced').click();
    await page.getByTestId('join-name').fill('Typist');
    await page.getByTestId('join-submit').click();
    const panel = await settledPanel(page, 'cluster-status', 'disconnected');
    const typos = [
      { cloudId: 'elastic_workshop:not-base64!!', password: 'x' },
      { cloudId: 'elastic_workshop', password: 'x' },
      { url: 'htps://my-deployment', password: 'x' },
      { url: 'http://10.0.0.1:9200', password: 'x' },
      { url: 'http://127.0.0.1:1', password: 'x' },
      { cloudId: 'elastic_workshop:abc', password: 'x' },
    ];
    const codes = await page.evaluate(async (bodies) => {
      const out: string[] = [];
      for (const body of bodies) {
        const response = await fetch('/api/cluster', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        out.push(((await response.json()) as { error: { code: string } }).error.code);
      }
      return out;
    }, typos);
    expect(codes).not.toContain('rate_limited');
    expect(codes).toHaveLength(6);
    await panel.getByRole('button', { name: 'URL' }).click();
    await panel.getByTestId('connect-url').fill(deployment.url);
    await panel.getByTestId('connect-password').fill(deployment.password);
    await panel.getByTestId('connect-submit').click();
    await expect(panel).toHaveAttribute('data-panel-state', 'connected');
  });

  test('joining with an unknown code says so', async ({ page }) => {
    await page.goto('/en/join');
    await page.getByTestId('join-code').fill('ZZZZZZ');
    await page.getByTestId('join-name').fill('Lee');
    await page.getByTestId('join-submit').click();
    await expect(page.getByTestId('join-error')).toHaveAttribute('data-code', 'workshop_not_found');
  });
});
