import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { ChapterPage, connectToPractice, expect, settledPanel, test } from './support/fixtures';

/**
 * Chapter 4 on the practice cluster, as a learner does it in the browser: the HighCPU alert built
 * with the guide's form (a short interval so the test stays short), fired by the practice `dd`,
 * then the chapter's SSH watch saved from the editor, fired by an SSH attempt, its mail read in
 * the practice mailbox, and every checkpoint green. Waits are on conditions, never fixed sleeps.
 */

async function practiceLearner(page: Page, name: string, flavor: '9' | '8' | '7' = '8') {
  await page.goto('/en/join');
  await page.getByTestId('join-tab-self-paced').click();
  await page.getByTestId('join-name').fill(name);
  await page.getByTestId('join-submit').click();
  await expect(page).toHaveURL(/\/en\/chapters\/cluster$/);
  const panel = await settledPanel(page, 'cluster-status', 'disconnected');
  await panel.getByTestId('practice-flavor').selectOption(flavor);
  await connectToPractice(panel);
}

/** Chapters 2 and 3 done on the practice host (their own browser tests cover those steps). */
/** Serious or critical accessibility problems inside the given parts of the page. */
async function axeProblems(page: Page, selectors: string[]): Promise<string[]> {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  for (const selector of selectors) builder = builder.include(selector);
  const results = await builder.analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

async function beatsRunning(page: Page) {
  for (const action of ['metricbeat-setup', 'metricbeat-start', 'filebeat-setup', 'filebeat-start']) {
    const response = await page.request.post(`/api/practice/host/${action}`, { data: action.endsWith('start') ? { backfillMinutes: 2 } : {} });
    expect(response.ok(), await response.text()).toBe(true);
  }
}

test.describe('chapter 4: Watcher on the practice cluster', () => {
  test.describe.configure({ timeout: 240_000 });

  test('builds HighCPU in the guide, fires it with dd, saves the SSH watch, fires it with an SSH attempt and reads the mail', async ({ page, consoleProblems }) => {
    await practiceLearner(page, 'Ara');
    await beatsRunning(page);
    const chapter = new ChapterPage(page);
    await chapter.open('en', 'alerting');

    // Step 4: the builder is prefilled with the chapter's condition; the field picker comes from _field_caps.
    // The tools load after the page: wait for the loaded builder (its placeholder has the same test id).
    const builder = chapter.step(4).getByTestId('threshold-builder');
    await expect(builder).toHaveAttribute('data-fields', 'ready', { timeout: 20_000 });
    await builder.scrollIntoViewIfNeeded();
    await expect(builder.getByTestId('builder-name')).toHaveValue('HighCPU');
    await expect(builder.getByTestId('builder-indices')).toHaveValue('metricbeat-*');
    await expect(builder.getByTestId('builder-agg')).toHaveValue('max');
    await expect(builder.getByTestId('builder-field')).toHaveValue('system.cpu.total.norm.pct');
    await expect(builder.getByTestId('builder-field').locator('option', { hasText: 'system.cpu.total.pct' })).toHaveCount(1);
    await expect(builder.getByTestId('builder-comparator')).toHaveValue('>');
    await expect(builder.getByTestId('builder-threshold')).toHaveValue('0.5');
    await expect.poll(async () => Number(await builder.getByTestId('builder-preview').getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect(builder.getByTestId('builder-preview').locator('canvas').first()).toBeVisible();
    await builder.getByTestId('builder-interval-size').fill('10');
    await builder.getByTestId('builder-interval-unit').selectOption('s');
    await builder.getByTestId('builder-save').click();
    await expect(builder.getByTestId('builder-invalid')).toBeVisible();
    await builder.getByTestId('builder-email').fill('ara@example.com');
    await builder.getByTestId('builder-save').click();
    const saved = builder.getByTestId('builder-saved');
    await expect(saved).toBeVisible({ timeout: 15_000 });
    const highcpuId = (await saved.getAttribute('data-watch-id')) ?? '';
    expect(highcpuId).toMatch(/^[0-9a-f-]{36}$/);

    // Step 7: the panel lists it; the checkpoint finds it by what it does.
    const panel = await settledPanel(page, 'watches', 'live');
    const highcpu = panel.locator(`[data-testid="watch-row"][data-watch-id="${highcpuId}"]`);
    await expect(highcpu).toHaveAttribute('data-kind', 'highcpu', { timeout: 15_000 });
    await expect(page.getByTestId('checkpoint-highcpu-watch-created')).toHaveAttribute('data-state', 'done', { timeout: 20_000 });
    await expect(page.getByTestId('checkpoint-highcpu-watch-created-detail')).toContainText('HighCPU (max system.cpu.total.norm.pct > 0.5)');
    await expect(panel.getByTestId('watches-version-note')).toHaveAttribute('data-style', 'active-inactive');
    // It runs every 10 s: an execution below the threshold shows with the value that decided it.
    await expect(highcpu.getByTestId('watch-execution').first()).toHaveAttribute('data-condition-met', 'false', { timeout: 30_000 });
    await expect(highcpu.getByTestId('watch-execution-outcome').first()).toContainText(/max CPU 0\.\d+ < 0\.5/);
    await expect(page.getByTestId('checkpoint-highcpu-watch-fired')).toHaveAttribute('data-state', 'pending');
    await expect(page.getByTestId('checkpoint-highcpu-watch-fired-detail')).toContainText(/HighCPU: max CPU 0\.\d+ < 0\.5/, { timeout: 20_000 });

    // Step 9: the practice dd on every core; the watch fires and the checkpoint turns green.
    await chapter.step(9).getByTestId('practice-action-cpu-load').getByRole('button').click();
    await expect(highcpu).toHaveAttribute('data-state', 'firing', { timeout: 60_000 });
    await expect(highcpu.getByTestId('watch-state')).toHaveText('Firing');
    await expect(highcpu.getByTestId('watch-execution-outcome').first()).toContainText(/max CPU (0\.9\d*|1) > 0\.5/);
    await expect(page.getByTestId('checkpoint-highcpu-watch-fired')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });

    // Simulate: one run, nothing sent, the result in words beside the raw record.
    await highcpu.getByTestId('watch-simulate').click();
    const simulation = highcpu.getByTestId('watch-simulation');
    await expect(simulation).toHaveAttribute('data-condition-met', 'true', { timeout: 15_000 });
    await expect(simulation).toContainText('simulated: nothing was sent');
    expect(await axeProblems(page, ['[data-testid="panel-watches"]', '[data-testid="threshold-builder"]'])).toEqual([]);

    // Step 18: the HighCPU mail in the practice mailbox.
    const firstBox = chapter.step(18).getByTestId('practice-mailbox');
    await firstBox.scrollIntoViewIfNeeded();
    await expect(firstBox.getByTestId('mail-subject').first()).toHaveText('Watch [HighCPU] has exceeded the threshold', { timeout: 20_000 });

    // Step 23: the chapter's SSH watch for this learner, with a short interval for the test.
    const editor = chapter.step(23).getByTestId('ssh-watch-editor');
    const json = editor.getByTestId('ssh-watch-json');
    await expect(json).toBeVisible();
    await json.scrollIntoViewIfNeeded();
    await expect(json).toHaveValue(/"ara@example\.com"/);
    await expect(json).not.toHaveValue(/"types"/);
    await json.fill((await json.inputValue()).replace('"interval": "1m"', '"interval": "10s"'));
    await editor.getByTestId('ssh-watch-save').click();
    await expect(editor.getByTestId('ssh-watch-saved')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('checkpoint-ssh-watch-created')).toHaveAttribute('data-state', 'done', { timeout: 20_000 });
    await expect(page.getByTestId('checkpoint-ssh-watch-created-detail')).toContainText('SSH Login Attempt');

    // Step 26: an SSH attempt as foo; the watch fires and mails.
    await chapter.step(26).getByTestId('practice-action-ssh-attempt').getByRole('button').click();
    await expect(page.getByTestId('checkpoint-ssh-watch-fired')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await expect(page.getByTestId('checkpoint-ssh-watch-fired-detail')).toContainText(/SSH Login Attempt: hits\.total \d+ > 0/);
    const box = chapter.step(27).getByTestId('practice-mailbox');
    await box.scrollIntoViewIfNeeded();
    const sshMail = box.locator('[data-testid="mail-item"][data-watch-id="ssh-login-attempt"]').first();
    await expect(sshMail.getByTestId('mail-subject')).toHaveText('[Elastic Alert] SSH Login Attempt', { timeout: 20_000 });
    await expect(sshMail.getByTestId('mail-body')).toContainText(/SSH login attempts have failed:\n.*foo/i);
    await expect(sshMail).toContainText('ara@example.com');

    for (const id of ['highcpu-watch-created', 'highcpu-watch-fired', 'ssh-watch-created', 'ssh-watch-fired']) {
      await expect(page.getByTestId(`checkpoint-${id}`)).toHaveAttribute('data-state', 'done');
    }
    expect(await axeProblems(page, ['[data-testid="ssh-watch-editor"]', '[data-testid="practice-mailbox"]'])).toEqual([]);
    expect(consoleProblems).toEqual([]);
  });

  test('the same panel on a 7.x practice deployment: Kibana 7 state names, a watch saved through the API, simulated on a known SSH failure', async ({ page, consoleProblems }) => {
    await practiceLearner(page, 'Bora', '7');
    const body = {
      trigger: { schedule: { interval: '1h' } },
      input: { search: { request: { indices: ['filebeat-*'], types: [], body: { query: { query_string: { query: 'input_userauth_request OR "Invalid user"' } } } } } },
      condition: { compare: { 'ctx.payload.hits.total': { gt: 0 } } },
      actions: { send_email: { email: { to: ['bora@example.com'], subject: 'SSH' } } },
    };
    // 7.x still accepts the handout's `types`; the route checks it with 7.x rules.
    const put = await page.request.put('/api/watches/handout-ssh?name=Handout%20SSH', { data: body });
    expect(put.status(), await put.text()).toBe(201);
    const broken = await page.request.put('/api/watches/broken', { headers: { 'content-type': 'application/json' }, data: '{\n  "trigger": {\n    "schedule": { "interval": "1m" }\n  },\n  "input": { "nope": {} }\n}' });
    expect(broken.status()).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: 'invalid_watch', params: { field: 'nope', line: 5 } } });

    const chapter = new ChapterPage(page);
    await chapter.open('en', 'alerting');
    const panel = await settledPanel(page, 'watches', 'live');
    const row = panel.locator('[data-testid="watch-row"][data-watch-id="handout-ssh"]');
    await expect(row).toHaveAttribute('data-kind', 'ssh');
    await expect(row).toHaveAttribute('data-state', 'ok');
    await expect(row.getByTestId('watch-last-checked')).toHaveText('Not run yet');
    await expect(panel.getByTestId('watches-version-note')).toHaveAttribute('data-style', 'classic');
    await expect(panel.getByTestId('watches-version-note')).toContainText('OK, Firing, Error or Disabled');
    await expect(row.getByTestId('watch-simulate-input')).toHaveValue('ssh-failed-login');
    await row.getByTestId('watch-simulate').click();
    const simulation = row.getByTestId('watch-simulation');
    await expect(simulation).toHaveAttribute('data-condition-met', 'true', { timeout: 15_000 });
    await expect(simulation).toContainText('hits.total 1 > 0');
    await expect(page.getByTestId('checkpoint-ssh-watch-created')).toHaveAttribute('data-state', 'done', { timeout: 20_000 });
    await expect(page.getByTestId('checkpoint-ssh-watch-fired')).toHaveAttribute('data-state', 'pending');
    await expect(page.getByTestId('checkpoint-ssh-watch-fired-detail')).toContainText('has not run since it was created');
    expect(consoleProblems).toEqual([]);
  });
});
