import type { Page } from '@playwright/test';
import { createPracticeDeployment, PRACTICE_URL, signInViaApi } from './support/api';
import { expect, settledPanel, test } from './support/fixtures';

/**
 * Issue 17, items 5 and 10: times in the viewer's own zone (words and chart axes, through the one
 * formatter, none in the server's HTML), and the load chart's legend showing its three series on a
 * phone too.
 */

interface HostMetricsDto {
  checkedAt: string;
  metrics: { cpu: [number, number | null][] } | null;
}

/** A self-paced learner whose practice host runs Metricbeat, on the metricbeat chapter. */
async function learnerWithMetricbeat(page: Page, name: string, locale: 'ko' | 'en') {
  await signInViaApi(page.request, 'self-paced', { name });
  const deployment = await createPracticeDeployment(page.request, '8');
  const connect = await page.request.post('/api/cluster', { data: { url: deployment.url, username: deployment.username, password: deployment.password } });
  expect(connect.status(), await connect.text()).toBe(201);
  const authorization = `Basic ${Buffer.from(`${deployment.username}:${deployment.password}`).toString('base64')}`;
  for (const action of ['metricbeat-setup', 'metricbeat-start']) {
    const response = await page.request.post(`${PRACTICE_URL}/_practice/deployments/${deployment.id}/host/${action}`, { data: {}, headers: { authorization } });
    expect(response.status(), await response.text()).toBe(200);
  }
  await page.goto(`/${locale}/chapters/metricbeat`);
  const panel = await settledPanel(page, 'host-metrics', 'live');
  await expect.poll(async () => Number(await panel.getByTestId('host-metrics-chart-cpu').getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThan(0);
  return panel;
}

/** The same instant in a given zone, formatted by the browser as the guide's formatter does. */
function inZone(page: Page, iso: string, timeZone: string, options: Intl.DateTimeFormatOptions, locale = 'ko') {
  return page.evaluate(({ iso, timeZone, options, locale }) => new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(new Date(iso)), { iso, timeZone, options, locale });
}

test.describe('times in the viewer\'s zone', () => {
  test.describe.configure({ timeout: 120_000 });
  // A Korean page read in New York: 13-14 hours from the Seoul time the guide used to force.
  test.use({ timezoneId: 'America/New_York' });

  test('"updated", the chart axis and a checkpoint\'s time follow the browser\'s zone; the server HTML has no time', async ({ page, consoleProblems }) => {
    const panel = await learnerWithMetricbeat(page, 'Ana', 'ko');
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('America/New_York');

    // "갱신" under the panel: the reading's time in New York, not in Seoul.
    const updated = panel.getByTestId('host-metrics-updated');
    await expect(updated).toHaveAttribute('data-time-zone', 'America/New_York');
    const iso = (await updated.getAttribute('datetime')) ?? '';
    const text = (await updated.textContent()) ?? '';
    const newYork = await inZone(page, iso, 'America/New_York', { timeStyle: 'medium' });
    const seoul = await inZone(page, iso, 'Asia/Seoul', { timeStyle: 'medium' });
    expect(newYork).not.toBe(seoul);
    expect(text).toContain(newYork);
    expect(text).not.toContain(seoul);

    // The CPU chart's tooltip names its bucket with the axis's own formatter: a New York time of
    // one of the panel's buckets.
    const reading = (await (await page.request.get('/api/panels/host-metrics?range=15m')).json()) as HostMetricsDto;
    const buckets = reading.metrics!.cpu.map(([t]) => new Date(t).toISOString());
    const bucketsIn = async (zone: string) => Promise.all(buckets.map((b) => inZone(page, b, zone, { timeStyle: 'medium' })));
    const [newYorkBuckets, seoulBuckets] = [await bucketsIn('America/New_York'), await bucketsIn('Asia/Seoul')];
    const canvas = panel.getByTestId('host-metrics-chart-cpu').locator('canvas').first();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    const tooltip = page.locator('.echTooltipHeader').first();
    await expect(tooltip).toBeVisible();
    const header = ((await tooltip.textContent()) ?? '').trim();
    expect(newYorkBuckets).toContain(header);
    expect(seoulBuckets).not.toContain(header);

    // A checkpoint's "done at" reads the same clock.
    const checkpoint = page.getByTestId('checkpoint-metricbeat-data');
    await expect(checkpoint).toHaveAttribute('data-state', 'done', { timeout: 20_000 });
    const items = (await (await page.request.get('/api/checkpoints?chapter=2')).json()) as { id: string; at: string | null }[];
    const at = items.find((item) => item.id === 'metricbeat-data')!.at!;
    await expect(page.getByTestId('checkpoint-metricbeat-data-detail')).toContainText(await inZone(page, at, 'America/New_York', { timeStyle: 'short' }));

    // The server's HTML of the same page carries no clock time: times are written in the browser only.
    const html = await (await page.request.get('/ko/chapters/metricbeat')).text();
    const visibleText = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ');
    expect(visibleText).not.toMatch(/\b\d{1,2}:\d{2}:\d{2}\b/);
    expect(html).not.toContain('data-time-zone');
    expect(consoleProblems).toEqual([]);
  });
});

test.describe('the load chart on a phone', () => {
  test.describe.configure({ timeout: 120_000 });
  test.use({ viewport: { width: 390, height: 844 } });

  // The console at 390 px is issue 17 item 3's to check (hydration of the mobile header).
  test('the legend shows the 1, 5 and 15 minute series with their values, inside the screen', async ({ page }) => {
    const panel = await learnerWithMetricbeat(page, 'Noa', 'en');
    const legend = panel.getByTestId('host-metrics-legend-load');
    await legend.scrollIntoViewIfNeeded();
    const items = legend.locator('li');
    await expect(items).toHaveCount(3);
    await expect(items).toHaveText([/^1 min\s+\d/, /^5 min\s+\d/, /^15 min\s+\d/]);
    for (const item of await items.all()) {
      await expect(item).toBeVisible();
      const box = (await item.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    // Each series is drawn in its legend colour, three distinct ones.
    const colours = await items.locator('.host-metrics-legend__swatch').evaluateAll((swatches) => swatches.map((s) => getComputedStyle(s).backgroundColor));
    expect(new Set(colours).size).toBe(3);
  });
});
