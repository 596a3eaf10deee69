import type { Page, Request } from '@playwright/test';
import { createPracticeDeployment, PRACTICE_URL, signInViaApi } from './support/api';
import { expect, settledPanel, test } from './support/fixtures';

/**
 * Issue 18: a chapter page's live data arrives through one channel (`POST /api/panels`) instead of
 * one poll per panel: one request per beat carries every panel and the checkpoints that are due,
 * a failing read fails only its own panel, pause and resume hold, and a page in a background tab
 * reads nothing until it is shown again.
 */

interface Sent {
  method: string;
  path: string;
  reads: string[];
}

/** Every request of the page's live reads: the channel's (with the reads it carries) and any per-panel GET. */
function recordLiveRequests(page: Page): Sent[] {
  const sent: Sent[] = [];
  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/api/panels') && !url.pathname.startsWith('/api/checkpoints')) return;
    const reads = request.method() === 'POST' ? ((request.postDataJSON() as { reads?: string[] } | null)?.reads ?? []) : [`${url.pathname}${url.search}`];
    sent.push({ method: request.method(), path: url.pathname, reads });
  });
  return sent;
}

/** Page Visibility as a background tab sees it. Headless Chromium keeps every tab "visible", so the page is told what a real browser would say. */
async function setHidden(page: Page, hidden: boolean) {
  await page.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (value ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** A self-paced learner whose practice host runs Metricbeat, on the metricbeat chapter with its panel live. */
async function metricbeatPage(page: Page, name: string) {
  await signInViaApi(page.request, 'self-paced', { name });
  const deployment = await createPracticeDeployment(page.request, '8');
  const connect = await page.request.post('/api/cluster', { data: { url: deployment.url, username: deployment.username, password: deployment.password } });
  expect(connect.status(), await connect.text()).toBe(201);
  const authorization = `Basic ${Buffer.from(`${deployment.username}:${deployment.password}`).toString('base64')}`;
  for (const action of ['metricbeat-setup', 'metricbeat-start']) {
    const response = await page.request.post(`${PRACTICE_URL}/_practice/deployments/${deployment.id}/host/${action}`, { data: {}, headers: { authorization } });
    expect(response.status(), await response.text()).toBe(200);
  }
  const sent = recordLiveRequests(page);
  await page.goto('/en/chapters/metricbeat');
  // The first page after the server starts may take a while on a busy machine (the panel loads lazily).
  await expect(page.getByTestId('panel-host-metrics')).toHaveAttribute('data-panel-state', 'live', { timeout: 60_000 });
  const panel = await settledPanel(page, 'host-metrics', 'live');
  return { panel, sent };
}

const channelPosts = (sent: Sent[]) => sent.filter((s) => s.method === 'POST' && s.path === '/api/panels');
const panelGets = (sent: Sent[]) => sent.filter((s) => s.method === 'GET');
const readsOf = (requests: Sent[]) => new Set(requests.flatMap((s) => s.reads.map((read) => read.split('?')[0])));
const readCount = (requests: Sent[], path: string) => requests.flatMap((s) => s.reads).filter((read) => read.split('?')[0] === path).length;

test.describe('the page channel', () => {
  test.describe.configure({ timeout: 180_000 });

  test('a chapter page reads its panels and checkpoints in one request per beat; a background tab reads nothing and catches up when shown', async ({ page, consoleProblems }) => {
    const { sent } = await metricbeatPage(page, 'Channel reader');

    // Steady state: every request carries several reads, and no panel or the checkpoints is polled on its own.
    const from = sent.length;
    await expect.poll(() => channelPosts(sent.slice(from)).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    const steady = sent.slice(from);
    expect(panelGets(steady)).toEqual([]);
    const pageReads = ['/api/panels/cluster-status', '/api/panels/host-metrics', '/api/checkpoints'];
    expect([...readsOf(steady)].filter((read) => !pageReads.includes(read ?? ''))).toEqual([]);
    expect(readsOf(steady)).toContain('/api/panels/host-metrics');
    // Without the status card (chapter 1) the page reads its connection every 30 s, the host every 5 s.
    expect(readCount(steady, '/api/panels/cluster-status')).toBeLessThan(readCount(steady, '/api/panels/host-metrics'));
    // The page's first reads went the same way: nothing reached a per-panel route at all.
    expect(panelGets(sent)).toEqual([]);
    expect(readsOf(sent)).toContain('/api/checkpoints');

    // In the background: nothing for well over two beats.
    await setHidden(page, true);
    const hiddenFrom = sent.length;
    await page.waitForTimeout(12_000);
    expect(sent.slice(hiddenFrom)).toEqual([]);

    // Shown again: one request reads everything that fell due meanwhile.
    await setHidden(page, false);
    await expect.poll(() => channelPosts(sent.slice(hiddenFrom)).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    const [catchUp] = channelPosts(sent.slice(hiddenFrom));
    const caughtUp = new Set(catchUp!.reads.map((read) => read.split('?')[0]));
    expect(caughtUp).toContain('/api/panels/host-metrics');
    expect([...caughtUp].filter((read) => !pageReads.includes(read ?? ''))).toEqual([]);
    await expect(page.getByTestId('panel-host-metrics')).toHaveAttribute('data-panel-state', 'live');

    // Reads due on the same beat go together: the connection, when its 30 s fall due, rides the host
    // metrics' request (a read still in flight on a slow machine waits for the next beat).
    await expect.poll(() => channelPosts(sent.slice(from)).some((post) => post.reads.length >= 2), { timeout: 70_000 }).toBe(true);
    expect(panelGets(sent)).toEqual([]);
    expect(consoleProblems).toEqual([]);
  });

  test('a failing read fails only its own panel; pause holds the panel still and resume reads it at once', async ({ page, consoleProblems }) => {
    let failHostMetrics = false;
    // The channel's real answer, with the host metrics read turned into a cluster error when asked.
    await page.route('**/api/panels', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const response = await route.fetch();
      const body = (await response.json()) as { answers: unknown[] };
      const reads = (route.request().postDataJSON() as { reads: string[] }).reads;
      if (failHostMetrics) {
        reads.forEach((read, i) => {
          if (read.startsWith('/api/panels/host-metrics')) {
            body.answers[i] = { status: 503, error: { code: 'cluster_unavailable', message: 'The cluster did not answer.', hint: 'Check that the deployment is running.' } };
          }
        });
      }
      await route.fulfill({ response, json: body });
    });
    const { panel, sent } = await metricbeatPage(page, 'Channel errors');
    const checkpoint = page.getByTestId('checkpoint-metricbeat-setup');
    await expect(checkpoint).toHaveAttribute('data-state', 'done', { timeout: 20_000 });

    failHostMetrics = true;
    const error = panel.getByTestId('host-metrics-error');
    await expect(error).toHaveAttribute('data-code', 'cluster_unavailable', { timeout: 15_000 });
    await expect(error).toContainText('Check that the deployment is running.');
    // The panel keeps its last reading and its time; the rest of the page is untouched.
    await expect(panel.getByTestId('host-metrics-updated')).toBeVisible();
    await expect(checkpoint).toHaveAttribute('data-state', 'done');
    await expect(page.getByTestId('panel-host-metrics')).toHaveAttribute('data-panel-state', 'live');

    failHostMetrics = false;
    await expect(error).toHaveCount(0, { timeout: 30_000 });

    // Paused: the host metrics read leaves the page's requests (the others go on).
    await panel.getByTestId('host-metrics-pause').click();
    await expect(panel).toHaveAttribute('data-panel-state', 'paused');
    const pausedFrom = sent.length;
    // Longer than two of the panel's beats (the page's other reads are done or every 30 s, so
    // there may be no request at all meanwhile).
    await page.waitForTimeout(12_000);
    expect(readsOf(sent.slice(pausedFrom))).not.toContain('/api/panels/host-metrics');
    const heldAt = await panel.getByTestId('host-metrics-updated').getAttribute('datetime');

    // Resumed: read at once, and on the beat again.
    const resumedFrom = sent.length;
    await panel.getByTestId('host-metrics-pause').click();
    await expect(panel).toHaveAttribute('data-panel-state', 'live');
    await expect.poll(() => readsOf(sent.slice(resumedFrom)).has('/api/panels/host-metrics'), { timeout: 10_000 }).toBe(true);
    await expect(panel.getByTestId('host-metrics-updated')).not.toHaveAttribute('datetime', heldAt ?? '', { timeout: 15_000 });
    expect(panelGets(sent)).toEqual([]);
    expect(consoleProblems).toEqual([]);
  });

  test('the channel answers only a signed-in participant, and each read as its route would', async ({ page, playwright }) => {
    const stranger = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
    const refused = await stranger.post('/api/panels', { data: { reads: ['/api/panels/cluster-status'] } });
    expect(refused.status()).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('not_signed_in');
    await stranger.dispose();

    await signInViaApi(page.request, 'self-paced', { name: 'Channel API' });
    const answer = await page.request.post('/api/panels', {
      data: { reads: ['/api/panels/cluster-status', '/api/panels/host-metrics?range=15m', '/api/checkpoints?chapter=9'] },
      headers: { 'accept-language': 'en' },
    });
    expect(answer.status()).toBe(200);
    const { answers } = (await answer.json()) as { answers: Record<string, unknown>[] };
    const direct = (await (await page.request.get('/api/panels/cluster-status')).json()) as Record<string, unknown>;
    expect(answers[0]).toEqual({ data: { ...direct, checkedAt: expect.any(String) } });
    expect(answers[1]).toMatchObject({ status: 409, error: { code: 'not_connected' } });
    expect(answers[2]).toMatchObject({ status: 400, error: { code: 'invalid_request', params: { field: 'chapter' } } });

    const tooMany = await page.request.post('/api/panels', { data: { reads: Array.from({ length: 21 }, () => '/api/panels/cluster-status') } });
    expect(tooMany.status()).toBe(400);
  });
});
