import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext, Page } from '@playwright/test';
import { createPracticeDeployment, PRACTICE_URL, signInViaApi } from './support/api';
import { connectToPractice, expect, settledPanel, test } from './support/fixtures';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

async function joinSelfPaced(page: Page, name: string) {
  await page.goto('/en/join');
  await page.getByTestId('join-tab-self-paced').click();
  await page.getByTestId('join-name').fill(name);
  await page.getByTestId('join-submit').click();
  await expect(page).toHaveURL(/\/en\/chapters\/cluster$/);
}

/** Drives a practice deployment's host through the control API, with that deployment's own credentials. */
function hostControl(request: APIRequestContext, deployment: { id: string; username: string; password: string }) {
  const authorization = `Basic ${Buffer.from(`${deployment.username}:${deployment.password}`).toString('base64')}`;
  return async (action: string, data: Record<string, unknown> = {}) => {
    const response = await request.post(`${PRACTICE_URL}/_practice/deployments/${deployment.id}/host/${action}`, { data, headers: { authorization } });
    expect(response.status(), await response.text()).toBe(200);
  };
}

test.describe('chapter 3: Filebeat and the live auth log', () => {
  // Several checkpoints turn green one after another, each on a 5 s poll.
  test.describe.configure({ timeout: 120_000 });

  test('practice cluster: filebeat setup and start, the stream, an SSH attempt highlighted and its checkpoint green', async ({ page, consoleProblems }) => {
    await joinSelfPaced(page, 'Robin');
    const cluster = await settledPanel(page, 'cluster-status', 'disconnected');
    await connectToPractice(cluster);

    await page.goto('/en/chapters/filebeat');
    // Nothing shipped yet: the empty state says which step comes next.
    const panel = await settledPanel(page, 'auth-log', 'empty');
    await expect(panel.getByTestId('auth-log-empty')).toContainText('step 6');
    await expect(panel.getByTestId('auth-log-module')).toHaveAttribute('data-installed', 'false');

    await expect(page.getByTestId('checkpoint-filebeat-setup')).toHaveAttribute('data-state', 'pending');
    await page.getByTestId('practice-action-filebeat-setup').getByRole('button').click();
    await expect(page.getByTestId('checkpoint-filebeat-setup')).toHaveAttribute('data-state', 'done', { timeout: 15_000 });
    await expect(page.getByTestId('checkpoint-filebeat-setup-detail')).toContainText('system-auth-pipeline');
    await expect(panel.getByTestId('auth-log-module')).toHaveAttribute('data-installed', 'true', { timeout: 15_000 });
    await expect(panel.getByTestId('auth-log-empty')).toContainText('step 8');

    await page.getByTestId('practice-action-filebeat-start').getByRole('button').click();
    await expect(panel).toHaveAttribute('data-panel-state', 'live', { timeout: 15_000 });
    const rows = panel.getByTestId('auth-log-row');
    await expect(rows.first()).toBeVisible();
    await expect(page.getByTestId('checkpoint-filebeat-auth-data')).toHaveAttribute('data-state', 'done', { timeout: 15_000 });

    await page.getByTestId('checkpoint-ssh-attempt-seen').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('checkpoint-ssh-attempt-seen')).toHaveAttribute('data-state', 'pending');
    await page.getByTestId('practice-action-ssh-attempt').getByRole('button').click();
    // Highlighted within 10 s: the outcome badge, the user and the source IP.
    const attempt = panel.locator('[data-testid="auth-log-row"][data-user="hAx0R"][data-outcome="invalid_user"]:not([data-source-ip=""])').first();
    await expect(attempt).toBeVisible({ timeout: 10_000 });
    await expect(attempt.getByTestId('auth-log-outcome')).toHaveText('Invalid user');
    const sourceIp = (await attempt.getAttribute('data-source-ip')) ?? '';
    expect(sourceIp).toMatch(IPV4);
    await expect(attempt.getByTestId('auth-log-attempt')).toContainText(`hAx0R ← ${sourceIp}`);
    await expect(panel.locator(`[data-testid="auth-log-row"][data-user="hAx0R"][data-outcome="failed"][data-source-ip="${sourceIp}"]`)).toHaveCount(1);

    await expect(page.getByTestId('checkpoint-ssh-attempt-seen')).toHaveAttribute('data-state', 'done', { timeout: 15_000 });
    await expect(page.getByTestId('checkpoint-ssh-attempt-seen-detail')).toContainText(`hAx0R ← ${sourceIp}`);
    await expect(panel.locator(`[data-testid="auth-log-summary-row"][data-user="hAx0R"][data-source-ip="${sourceIp}"]`)).toBeVisible({ timeout: 10_000 });

    // Expand a row from the keyboard: the whole message and the event's main fields.
    const message = (await attempt.getAttribute('title')) ?? '';
    expect(message).toContain('hAx0R');
    expect(message).toContain(sourceIp);
    const toggle = attempt.getByTestId('auth-log-row-toggle');
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const details = attempt.getByTestId('auth-log-row-details');
    await expect(details.getByTestId('auth-log-row-message')).toHaveText(message);
    await expect(details).toContainText(sourceIp);
    await expect(details).toContainText('Invalid user');
    await expect(details).toBeInViewport();

    // Load older events: the host's auth.log goes back an hour, the stream's first page 15 minutes.
    const count = panel.getByTestId('auth-log-count');
    const held = Number(await count.getAttribute('data-count'));
    const shownTimes = () => rows.evaluateAll((els) => els.map((el) => Date.parse(el.querySelector('time')?.getAttribute('datetime') ?? '')));
    const before = Math.min(...(await shownTimes()));
    await panel.getByTestId('auth-log-load-older').click();
    await expect.poll(async () => Number(await count.getAttribute('data-count'))).toBeGreaterThan(held);
    await expect(panel.getByTestId('auth-log-older-end')).toHaveText('No older events.');
    // The rows that came in are older than the stream's first 15 minutes.
    await expect.poll(async () => Math.min(...(await shownTimes()))).toBeLessThan(Math.min(before, Date.now() - 15 * 60_000));

    // The live tail goes on above the older events: a second attempt from the same source streams in.
    await panel.getByTestId('auth-log-scroller').evaluate((element) => element.scrollTo({ top: 0 }));
    const failed = panel.locator(`[data-testid="auth-log-row"][data-user="hAx0R"][data-outcome="failed"][data-source-ip="${sourceIp}"]`);
    const firstFailedAt = Date.parse((await failed.first().locator('time').first().getAttribute('datetime')) ?? '');
    const response = await page.request.post('/api/practice/host/ssh-attempt', { data: { user: 'hAx0R', sourceIp } });
    expect(response.status(), await response.text()).toBe(200);
    await expect
      .poll(async () => Date.parse((await failed.first().locator('time').first().getAttribute('datetime')) ?? ''), { timeout: 10_000 })
      .toBeGreaterThan(firstFailedAt);

    // The live panel, highlighted rows and all, holds no serious accessibility problem.
    const axe = await new AxeBuilder({ page }).include('[data-testid="panel-auth-log"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

    // The filter box: a syntax error is shown at its position and the stream keeps its filter.
    const filter = panel.getByTestId('auth-log-filter');
    await filter.fill('user.name: ');
    await panel.getByTestId('auth-log-filter-apply').click();
    const filterError = panel.getByTestId('auth-log-filter-error');
    await expect(filterError).toHaveAttribute('data-code', 'invalid_request');
    await expect(filterError).toHaveAttribute('data-position', '10');
    await expect(filterError).toContainText("character 11: a value is missing after ':'");
    await expect(panel.getByTestId('auth-log-filter-marker')).toHaveAttribute('data-position', '10');
    await expect(attempt).toBeVisible();

    await filter.fill('user.name: hAx0R and source.ip: ' + sourceIp);
    await panel.getByTestId('auth-log-filter-apply').click();
    await expect(filterError).toHaveCount(0);
    await expect(panel.locator('[data-testid="auth-log-row"]:not([data-user="hAx0R"])')).toHaveCount(0);
    await expect(rows.first()).toHaveAttribute('data-source-ip', sourceIp);

    // A practice cluster has no Kibana: the panel says where the link would come from.
    await expect(panel.getByTestId('auth-log-kibana')).toHaveCount(0);
    // The browser logs the filter check's 400 itself; that answer is the expected one.
    expect(consoleProblems.filter((problem) => !/status of 400 \(Bad Request\)/.test(problem))).toEqual([]);
  });

  test('1 000 events in a burst: the list stays windowed and the page responsive (7.x documents)', async ({ page, consoleProblems }) => {
    await signInViaApi(page.request, 'self-paced', { name: 'Burst' });
    const deployment = await createPracticeDeployment(page.request, '7');
    const connect = await page.request.post('/api/cluster', { data: { url: deployment.url, username: deployment.username, password: deployment.password } });
    expect(connect.status(), await connect.text()).toBe(201);
    const host = hostControl(page.request, deployment);
    await host('filebeat-setup');
    await host('filebeat-start');

    await page.goto('/en/chapters/filebeat#step-14');
    const panel = await settledPanel(page, 'auth-log', 'live');
    const count = panel.getByTestId('auth-log-count');

    // Paused, the stream holds still while a brute-force burst lands: 4 x 50 attempts by a user
    // that does not exist write 6 lines each, 1 200 lines in all.
    const pause = panel.getByTestId('auth-log-pause');
    await pause.click();
    await expect(panel).toHaveAttribute('data-panel-state', 'paused');
    const before = Number(await count.getAttribute('data-count'));
    for (let i = 0; i < 4; i++) await host('ssh-attempt', { count: 50 });
    await expect(count).toHaveAttribute('data-count', String(before));

    // Resumed, the burst streams in at once.
    await pause.click();
    await expect(pause).toHaveAttribute('aria-pressed', 'false');
    await expect.poll(async () => Number(await count.getAttribute('data-count')), { timeout: 20_000 }).toBeGreaterThanOrEqual(before + 1_000);

    // Only a window of rows is in the DOM, whatever the list holds.
    const rows = panel.getByTestId('auth-log-row');
    await expect(rows.first()).toBeVisible();
    expect(await rows.count()).toBeLessThan(100);

    // The page still answers: pause takes effect, the filter box takes typing, the list scrolls to its oldest rows.
    await pause.click();
    await expect(panel).toHaveAttribute('data-panel-state', 'paused');
    await expect(pause).toHaveAttribute('aria-pressed', 'true');
    await panel.getByTestId('auth-log-filter').fill('user.name: root');
    await expect(panel.getByTestId('auth-log-filter')).toHaveValue('user.name: root');
    const held = Number(await count.getAttribute('data-count'));
    const list = panel.getByTestId('auth-log-scroller');
    await list.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    const lastShown = () => rows.last().evaluate((element) => Math.round(parseFloat((element as HTMLElement).style.top) / parseFloat((element as HTMLElement).style.height)));
    await expect.poll(lastShown).toBe(held - 1);
    await expect(rows.last()).toBeVisible();
    expect(await rows.count()).toBeLessThan(100);
    expect(consoleProblems).toEqual([]);
  });
});
