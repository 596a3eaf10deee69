import type { Page } from '@playwright/test';
import { ChapterPage, connectToPractice, expect, settledPanel, test } from './support/fixtures';

/** The browser test's slice of flights.csv: two weeks for the model to learn before Thanksgiving. */
const SLICE = { from: '2017-11-09', to: '2017-11-26' };

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

test.describe('chapter 5: import flights, run the job, find Thanksgiving', () => {
  // An import of 270 000 rows and a two-and-a-half-week job on a shared machine: waits are on conditions.
  test.describe.configure({ timeout: 420_000 });
  // The learner's zone, so the days of the answers are US days.
  test.use({ timezoneId: 'America/New_York' });

  test('imports a slice with progress, creates and runs the job in the guide, sees bounds and anomalies, and all four checkpoints turn green', async ({ page }) => {
    await practiceLearner(page, 'Jun');
    const chapter = new ChapterPage(page);
    await chapter.open('en', 'machine-learning');
    await expect(page.getByTestId('checkpoint-flights-imported')).toHaveAttribute('data-state', 'pending', { timeout: 20_000 });
    await expect(page.getByTestId('checkpoint-flights-imported-detail')).toContainText('flights');

    // The download the guide offers is the generated file; a slice of it is what this learner uploads.
    await expect(page.getByTestId('flights-download-link')).toHaveAttribute('href', '/api/datasets/flights.csv');
    const csv = await page.request.get(`/api/datasets/flights.csv?from=${SLICE.from}&to=${SLICE.to}`);
    expect(csv.ok()).toBe(true);
    const bytes = await csv.body();
    const rows = bytes.toString('utf8').trimEnd().split('\n').length - 1;

    const importer = page.getByTestId('flights-import');
    await importer.scrollIntoViewIfNeeded();
    await importer.locator('input[type="file"]').setInputFiles({ name: 'flights.csv', mimeType: 'text/csv', buffer: bytes });
    const summary = importer.getByTestId('flights-import-summary');
    await expect(summary).toHaveAttribute('data-format', 'delimited', { timeout: 30_000 });
    await expect(summary).toHaveAttribute('data-time-field', 'timestamp');
    await expect(importer.getByTestId('flights-import-index')).toHaveValue('flights');
    await importer.getByTestId('flights-import-start').click();

    // Live progress: the bar's row count moves before the import ends.
    const progress = importer.getByTestId('flights-import-progress');
    await expect.poll(async () => Number((await progress.getAttribute('data-rows')) ?? 0), { timeout: 120_000 }).toBeGreaterThan(0);
    const result = importer.getByTestId('flights-import-result');
    await expect(result).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
    await expect(result).toHaveAttribute('data-rows', String(rows));
    await expect(result).toHaveAttribute('data-failed', '0');
    await expect(page.getByTestId('checkpoint-flights-imported')).toHaveAttribute('data-state', 'done', { timeout: 20_000 });

    // The single-metric wizard, with its defaults: index flights, Count, 15m, job id flights.
    const wizard = page.getByTestId('ml-wizard');
    await wizard.scrollIntoViewIfNeeded();
    await expect(wizard.getByTestId('ml-wizard-job-id')).toHaveValue('flights');
    await wizard.getByTestId('ml-wizard-create').click();
    const run = wizard.getByTestId('ml-wizard-progress');
    await expect(run).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('checkpoint-ml-job-created')).toHaveAttribute('data-state', 'done', { timeout: 20_000 });
    await expect(run).toHaveAttribute('data-state', 'finished', { timeout: 180_000 });
    expect(Number(await run.getAttribute('data-processed'))).toBeGreaterThan(1_000);
    await expect(run).toHaveAttribute('data-datafeed-state', 'stopped');
    await expect(page.getByTestId('checkpoint-ml-job-ran')).toHaveAttribute('data-state', 'done', { timeout: 20_000 });

    // The Single Metric Viewer beside step 21: bounds over the actual counts, then the week of 11/22.
    const viewer = await settledPanel(page, 'ml-anomalies', 'done');
    const chart = viewer.getByTestId('ml-anomalies-chart');
    await expect.poll(async () => Number((await chart.getAttribute('data-bounds')) ?? 0), { timeout: 30_000 }).toBeGreaterThan(100);
    await viewer.getByTestId('ml-anomalies-view-thanksgiving').click();
    await expect(viewer.getByTestId('ml-anomalies')).toHaveAttribute('data-view', 'thanksgiving', { timeout: 20_000 });
    await expect.poll(async () => Number((await viewer.getByTestId('ml-anomalies-chart').getAttribute('data-markers')) ?? 0), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect(viewer.getByTestId('ml-anomalies-chart').locator('canvas').first()).toBeVisible();
    await expect(viewer.getByTestId('ml-anomalies-table')).toContainText(/× lower|× higher/);

    // Step 23, answered from the learner's own records; the fourth checkpoint.
    const thanksgiving = page.getByTestId('ml-answer-thanksgiving');
    await thanksgiving.scrollIntoViewIfNeeded();
    const day = thanksgiving.getByTestId('ml-answer-day-2017-11-23');
    await expect(day).toHaveAttribute('data-direction', 'lower', { timeout: 30_000 });
    expect(Number(await day.getAttribute('data-score'))).toBeGreaterThanOrEqual(75);
    await expect(thanksgiving.getByTestId('ml-answer-day-2017-11-25')).toBeVisible();
    await expect(page.getByTestId('ml-answer-weekday')).toContainText('Saturday');
    await expect(page.getByTestId('checkpoint-ml-anomalies-found')).toHaveAttribute('data-state', 'done', { timeout: 20_000 });
  });
});
