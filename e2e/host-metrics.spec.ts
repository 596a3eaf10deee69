import type { Page } from '@playwright/test';
import { PRACTICE_URL } from './support/api';
import { ChapterPage, connectToPractice, expect, settledPanel, test } from './support/fixtures';

interface HostMetricsDto {
  hosts: { name: string; stale: boolean }[];
  selected: string | null;
  metrics: { last: { cpu: number | null } } | null;
}

/** A self-paced learner on the practice cluster (8.x flavour), as a person would set it up. */
async function practiceLearner(page: Page, name: string) {
  await page.goto('/en/join');
  await page.getByTestId('join-tab-self-paced').click();
  await page.getByTestId('join-name').fill(name);
  await page.getByTestId('join-submit').click();
  await expect(page).toHaveURL(/\/en\/chapters\/cluster$/);
  const panel = await settledPanel(page, 'cluster-status', 'disconnected');
  await connectToPractice(panel);
}

async function lastCpu(page: Page): Promise<number> {
  const response = await page.request.get('/api/panels/host-metrics?range=5m');
  expect(response.ok()).toBe(true);
  return ((await response.json()) as HostMetricsDto).metrics?.last.cpu ?? -1;
}

test.describe('chapter 2: Metricbeat and the live host metrics panel', () => {
  // Two chapters, a practice host driven through several steps and a CPU load to wait for.
  test.describe.configure({ timeout: 180_000 });

  test('setup and start on the practice host: the host appears with CPU points within 10 s, both checkpoints turn green, and dd load raises the CPU', async ({
    page,
    consoleProblems,
  }) => {
    await practiceLearner(page, 'Mina');
    const chapter = new ChapterPage(page);
    await chapter.open('en', 'metricbeat');

    const panel = await settledPanel(page, 'host-metrics', 'empty');
    await expect(panel.getByTestId('host-metrics-empty')).toContainText('step 6');
    await expect(page.getByTestId('checkpoint-metricbeat-setup')).toHaveAttribute('data-state', 'pending');

    await page.getByTestId('practice-action-metricbeat-setup').getByRole('button').click();
    await expect(page.getByTestId('checkpoint-metricbeat-setup')).toHaveAttribute('data-state', 'done', { timeout: 15_000 });
    await expect(page.getByTestId('checkpoint-metricbeat-setup-detail')).toContainText('metricbeat-8.');

    await page.getByTestId('practice-action-metricbeat-start').getByRole('button').click();
    const started = Date.now();
    const host = panel.getByTestId('host-metrics-host').first();
    await expect(host).toBeVisible({ timeout: 10_000 });
    await expect(host).toHaveAttribute('data-stale', 'false');
    const cpuChart = panel.getByTestId('host-metrics-chart-cpu');
    await expect(cpuChart).toBeVisible({ timeout: 10_000 });
    await expect.poll(async () => Number(await cpuChart.getAttribute('data-points')), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(cpuChart.locator('canvas').first()).toBeVisible();
    await expect(panel).toHaveAttribute('data-panel-state', 'live');
    const hostName = (await host.getAttribute('data-host')) ?? '';
    expect(hostName).toMatch(/^lab-vm-/);
    await expect(page.getByTestId('checkpoint-metricbeat-data')).toHaveAttribute('data-state', 'done', { timeout: 15_000 });
    await expect(page.getByTestId('checkpoint-metricbeat-data-detail')).toContainText(hostName);

    // Pause stops the refresh; resume starts it again.
    await panel.getByTestId('host-metrics-pause').click();
    await expect(panel).toHaveAttribute('data-panel-state', 'paused');
    await panel.getByTestId('host-metrics-pause').click();
    await expect(panel).toHaveAttribute('data-panel-state', 'live');
    await panel.getByTestId('host-metrics-range-1h').click();
    await expect(panel.getByTestId('host-metrics')).toHaveAttribute('data-range', '1h');

    // Chapter 4's `dd` step: the practice button loads every core, and the CPU series rises.
    const idle = await lastCpu(page);
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(idle).toBeLessThan(0.6);
    await chapter.open('en', 'alerting');
    await page.getByTestId('practice-action-cpu-load').getByRole('button').click();
    await expect.poll(() => lastCpu(page), { timeout: 30_000, intervals: [2_000] }).toBeGreaterThan(0.8);
    const alertingPanel = await settledPanel(page, 'host-metrics', 'live');
    // The panel's default 15 m range averages 30 s buckets: its last one can still hold samples from
    // before the load for up to a bucket and a sample period after the 5 m series has risen.
    await expect.poll(async () => Number(await alertingPanel.getByTestId('host-metrics').getAttribute('data-last-cpu')), { timeout: 45_000 }).toBeGreaterThan(0.8);

    // The charts follow the colour mode.
    await page.getByTestId('theme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-color-mode', 'dark');
    await expect(alertingPanel.getByTestId('host-metrics-chart-cpu').locator('canvas').first()).toBeVisible();
    await page.getByTestId('theme-toggle').click();
    expect(consoleProblems).toEqual([]);
  });

  test('a Metricbeat API key is shown once, kept by id only, works in the cluster and can be revoked', async ({ page, consoleProblems }) => {
    await practiceLearner(page, 'Joon');
    const chapter = new ChapterPage(page);
    await chapter.open('en', 'metricbeat');

    const install = page.getByTestId('beat-setup-metricbeat').and(page.locator('[data-part="install"]'));
    await expect(install).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
    await expect(install.getByTestId('beat-install')).toHaveAttribute('data-version', '8.15.0');
    await install.getByTestId('beat-install-tab-linux-rpm').click();
    await expect(install.getByTestId('command').first()).toContainText('https://artifacts.elastic.co/downloads/beats/metricbeat/metricbeat-8.15.0-x86_64.rpm');

    const setup = page.getByTestId('beat-setup-metricbeat').and(page.locator('[data-part="config"]'));
    await setup.scrollIntoViewIfNeeded();
    await expect(setup).toHaveAttribute('data-state', 'ready');
    await expect(setup.getByTestId('beat-config')).toHaveAttribute('data-filled', 'false');
    await expect(setup.getByTestId('beat-config')).toContainText('<id>:<api_key>');
    await expect(setup.getByTestId('beat-api-key-privileges')).toContainText('create_doc');
    // The platform chosen in step 1 carries over to the set-up command.
    await expect(setup.getByTestId('beat-setup-command')).toContainText("sudo metricbeat setup -E \"output.elasticsearch.api_key=''\"");

    await setup.getByTestId('beat-api-key-create').click();
    const secretBlock = setup.getByTestId('beat-api-key-secret');
    await expect(secretBlock).toBeVisible();
    const apiKey = (await secretBlock.locator('pre code').innerText()).trim();
    expect(apiKey).toMatch(/^[\w-]+:[\w-]+$/);
    const keyId = apiKey.split(':')[0]!;
    await expect(setup.getByTestId('beat-config')).toHaveAttribute('data-filled', 'true');
    await expect(setup.getByTestId('beat-config')).toContainText(`api_key: "${apiKey}"`);
    await expect(setup.locator(`[data-testid="beat-api-key-row"][data-key-id="${keyId}"]`)).toBeVisible();

    // The key authenticates against the cluster, as Metricbeat would use it.
    const asBeat = { authorization: `ApiKey ${Buffer.from(apiKey).toString('base64')}` };
    expect((await page.request.get(`${PRACTICE_URL}/`, { headers: asBeat })).status()).toBe(200);

    // Shown once: after a reload the key is listed by id, its secret is nowhere on the page.
    await page.reload();
    await expect(setup).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
    await expect(setup.locator(`[data-testid="beat-api-key-row"][data-key-id="${keyId}"]`)).toBeVisible();
    await expect(setup.getByTestId('beat-api-key-secret')).toHaveCount(0);
    expect(await page.content()).not.toContain(apiKey.split(':')[1]!);
    const dto = await (await page.request.get('/api/beats/metricbeat/setup')).text();
    expect(dto).not.toContain(apiKey.split(':')[1]!);

    // The handout's way writes a placeholder where the password goes.
    await setup.getByRole('button', { name: 'elastic password (handout)' }).click();
    await expect(setup.getByTestId('beat-config')).toContainText('<your password>');
    await setup.getByRole('button', { name: 'API key (recommended)' }).click();

    page.once('dialog', (dialog) => void dialog.accept());
    await setup.getByTestId('beat-api-key-revoke').first().click();
    await expect(setup.getByTestId('beat-api-key-row')).toHaveCount(0);
    expect((await page.request.get(`${PRACTICE_URL}/`, { headers: asBeat })).status()).toBe(401);
    expect(consoleProblems).toEqual([]);
  });
});
