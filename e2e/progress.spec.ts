import type { Page } from '@playwright/test';
import { expect, settledPanel, test } from './support/fixtures';

async function goOnAlone(page: Page, locale: 'ko' | 'en', name: string) {
  await page.goto(`/${locale}/join?as=self-paced`);
  await page.getByTestId('join-name').fill(name);
  await page.getByTestId('join-submit').click();
  await expect(page).toHaveURL(new RegExp(`/${locale}/chapters/cluster$`));
}

async function top(page: Page, selector: string): Promise<number> {
  return (await page.locator(selector).first().boundingBox())!.y;
}

test.describe('progress and layout', () => {
  test('the chapter header and the side navigation count done checkpoints; the chapter end says done only when all are', async ({ page, consoleProblems }) => {
    await goOnAlone(page, 'en', 'Counting');
    const header = page.getByTestId('chapter-progress');
    await expect(header).toHaveAttribute('data-done', '0');
    await expect(header).toHaveText('Checkpoints 0/4 done');
    await expect(page.getByTestId('nav-progress-1')).toHaveAttribute('data-done', '0');
    await expect(page.getByTestId('nav-progress-2')).toHaveText(/0\/2/);
    const end = page.getByTestId('chapter-done');
    await expect(end).toHaveAttribute('data-state', 'open');
    await expect(end).toContainText('4 of 4 checkpoints still open');
    await expect(page.locator('#step-19 h3')).not.toContainText('Done');

    await page.getByTestId('practice-choice-connect').click();
    await expect(header).toHaveAttribute('data-done', '3', { timeout: 20_000 });
    await expect(page.getByTestId('nav-progress-1')).toHaveAttribute('data-done', '3');
    await expect(end).toHaveAttribute('data-state', 'open');
    await expect(end).toContainText('1 of 4 checkpoints still open');
    await expect(end.getByTestId('chapter-open-sample-data')).toBeVisible();

    // The open checkpoint's link leads to it; loading the sample data completes the chapter.
    await end.getByTestId('chapter-open-sample-data').click();
    await expect(page.getByTestId('checkpoint-sample-data')).toBeInViewport();
    await page.getByTestId('practice-action-sample-data').getByRole('button').click();
    await expect(header).toHaveAttribute('data-done', '4', { timeout: 20_000 });
    await expect(end).toHaveAttribute('data-state', 'done');
    await expect(end).toContainText('Done: you have finished this chapter');
    await expect(page.getByTestId('nav-progress-1')).toHaveAttribute('data-done', '4');

    // Another chapter's header counts its own checkpoints; the side navigation keeps chapter 1's.
    await page.getByTestId('nav-chapter-2').click();
    await expect(page).toHaveURL(/\/en\/chapters\/metricbeat$/, { timeout: 20_000 });
    await expect(page.getByTestId('chapter-progress')).toHaveText('Checkpoints 0/2 done', { timeout: 20_000 });
    await expect(page.getByTestId('nav-progress-1')).toHaveAttribute('data-done', '4');
    expect(consoleProblems.filter((problem) => !/status of 409/.test(problem))).toEqual([]);
  });

  test('a tall panel beside a short step leaves no gap beside the step heading; the text starts at the top', async ({ page, consoleProblems }) => {
    await goOnAlone(page, 'ko', '배치');
    // Step 16: the connect form (tall) beside the connect step.
    await settledPanel(page, 'cluster-status', 'disconnected');
    const step = page.locator('#step-16');
    const stepTop = (await step.boundingBox())!.y;
    const beside = (await step.getByTestId('step-beside').boundingBox())!;
    const heading = (await step.locator('h3').boundingBox())!;
    const text = (await step.locator('.guide-step-body > *').first().boundingBox())!;
    const textColumnHeight = (await step.locator('.guide-step-body').boundingBox())!.height + heading.height;
    // The situation of the issue: the panel column is much taller than the step's text.
    expect(beside.height).toBeGreaterThan(textColumnHeight + 100);
    // The heading sits at the top of the step, and the text right under it.
    expect(heading.y - stepTop).toBeLessThan(24);
    expect(text.y - (heading.y + heading.height)).toBeLessThan(32);
    expect(Math.abs(beside.y - stepTop)).toBeLessThan(24);
    expect(await top(page, '#step-16 h3')).toBeLessThan(await top(page, '#step-16 .guide-step-body'));
    expect(consoleProblems).toEqual([]);
  });
});
