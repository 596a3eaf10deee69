import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, hydrated, PHONE, settledPanel, test } from './support/fixtures';

/** EUI's built-in English strings (its i18n token defaults), placeholders left out. */
const euiEnglish = new Set(
  (JSON.parse(readFileSync(path.join(__dirname, '..', 'node_modules', '@elastic', 'eui', 'i18ntokens.json'), 'utf8')) as { defString: unknown }[])
    .map((token) => token.defString)
    .filter((text): text is string => typeof text === 'string' && !text.includes('{') && text.length > 2),
);
/** What the charts library says for screen readers on its own. */
const chartsEnglish = ['Chart type'];

/** Every accessible name and screen-reader-only text on the page. */
async function accessibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = [];
    for (const element of Array.from(document.querySelectorAll('[aria-label], [title], img[alt]'))) {
      for (const attribute of ['aria-label', 'title', 'alt']) {
        const value = element.getAttribute(attribute);
        if (value) texts.push(value.trim());
      }
    }
    // Rendered (a screen reader reads it) unless inside display: none, which leaves no box at all.
    const rendered = (element: Element) => element.getClientRects().length > 0;
    for (const element of Array.from(document.querySelectorAll('.euiScreenReaderOnly, .echScreenReaderOnly'))) {
      for (const part of [element, ...Array.from(element.querySelectorAll('*'))]) {
        if (rendered(part)) texts.push((part as HTMLElement).innerText.trim());
      }
    }
    return texts.filter(Boolean);
  });
}

function english(texts: string[]): string[] {
  return [...new Set(texts.filter((text) => euiEnglish.has(text.replace(/:$/, '')) || chartsEnglish.some((phrase) => text.includes(phrase))))];
}

test.describe('wording on Korean pages', () => {
  test.describe.configure({ timeout: 120_000 });

  test('EUI’s own labels and the charts’ descriptions are in Korean', async ({ page, consoleProblems }) => {
    // Code blocks (copy, expand), OS tabs and callouts.
    await page.goto('/ko/chapters/metricbeat');
    await hydrated(page);
    await page.locator('[data-testid="command"]').first().hover();
    expect(english(await accessibleTexts(page))).toEqual([]);

    // Signed in with the practice cluster: the connect form's password field, the status card, the live charts.
    await page.goto('/ko/join?as=self-paced');
    await page.getByTestId('join-name').fill('한글');
    await page.getByTestId('join-submit').click();
    await expect(page).toHaveURL(/\/ko\/chapters\/cluster$/);
    await settledPanel(page, 'cluster-status', 'disconnected');
    expect(english(await accessibleTexts(page))).toEqual([]);
    await page.getByTestId('practice-choice-connect').click();
    await expect(page.getByTestId('practice-choice')).toHaveAttribute('data-state', 'connected');
    await page.goto('/ko/chapters/metricbeat');
    await page.getByTestId('practice-action-metricbeat-setup').getByRole('button').click();
    await page.getByTestId('practice-action-metricbeat-start').getByRole('button').click();
    const charts = page.getByTestId('panel-host-metrics').locator('.echChart');
    await expect(charts.first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('panel-host-metrics').locator('.echScreenReaderOnly').first()).toContainText('가로축이 시간입니다');
    expect(english(await accessibleTexts(page))).toEqual([]);

    // A phone: the side navigation's toggle.
    await page.setViewportSize(PHONE);
    await page.goto('/ko/chapters/filebeat');
    await hydrated(page);
    const toggle = page.getByTestId('side-nav').getByRole('button', { name: '장 목록' });
    await expect(toggle).toBeVisible();
    expect(english(await accessibleTexts(page))).toEqual([]);
    expect(consoleProblems.filter((problem) => !/status of (404|409)/.test(problem))).toEqual([]);
  });

  test('one Korean word for workshop (워크숍) on the pages an attendee and an instructor see', async ({ page }) => {
    for (const url of ['/ko', '/ko/join', '/ko/join?as=instructor', '/ko/chapters/machine-learning']) {
      await page.goto(url);
      await hydrated(page);
      const text = await page.locator('body').innerText();
      expect(text, url).not.toContain('워크샵');
    }
    await page.goto('/ko/join');
    await expect(page.getByTestId('join-tab-attendee')).toHaveText('워크숍 참가');
  });
});
