import { readFileSync } from 'node:fs';
import path from 'node:path';
import { outlineFromMdx } from '../lib/content/outline';
import { ChapterPage, chapterSlugs, expect, test } from './support/fixtures';

const files: Record<(typeof chapterSlugs)[number], string> = {
  cluster: '01-cluster',
  metricbeat: '02-metricbeat',
  filebeat: '03-filebeat',
  alerting: '04-alerting',
  'machine-learning': '05-machine-learning',
};

function outline(locale: string, slug: (typeof chapterSlugs)[number]) {
  return outlineFromMdx(readFileSync(path.join(__dirname, '..', 'content', locale, `${files[slug]}.mdx`), 'utf8'));
}

test.describe('landing', () => {
  test('the root opens the Korean guide with all five chapters', async ({ page, consoleProblems }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/ko$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
    for (let n = 1; n <= 5; n += 1) await expect(page.getByTestId(`chapter-card-${n}`)).toBeVisible();
    await page.getByTestId('start-chapter-1').click();
    await expect(page).toHaveURL(/\/ko\/chapters\/cluster$/);
    await expect(page.locator('[data-step]').first()).toBeVisible();
    expect(consoleProblems).toEqual([]);
  });

  test('English is one click away', async ({ page, consoleProblems }) => {
    await page.goto('/ko');
    await page.getByTestId('language-switch').click();
    await expect(page).toHaveURL(/\/en$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByTestId('chapter-card-1')).toContainText('Chapter 1');
    expect(consoleProblems).toEqual([]);
  });
});

for (const locale of ['ko', 'en'] as const) {
  for (const slug of chapterSlugs) {
    test(`${locale}: chapter "${slug}" renders every step, checkpoint and panel`, async ({ page, consoleProblems }) => {
      const expected = outline(locale, slug);
      const chapter = new ChapterPage(page);
      await chapter.open(locale, slug);
      await expect(chapter.steps()).toHaveCount(expected.steps.length);
      for (const step of expected.steps) {
        await expect(chapter.step(step.n)).toContainText(step.title);
      }
      for (const id of expected.checkpoints) {
        await expect(page.getByTestId(`checkpoint-${id}`)).toHaveAttribute('data-state', 'pending');
      }
      for (const kind of expected.panels) {
        await expect(page.getByTestId(`panel-${kind}`).first()).toBeVisible();
      }
      expect(consoleProblems).toEqual([]);
    });
  }
}

test('errata and version notes are visible where the handout was wrong or dated', async ({ page }) => {
  const chapter = new ChapterPage(page);
  await chapter.open('en', 'metricbeat');
  await expect(page.getByTestId('erratum').first()).toContainText('In the original handout');
  await expect(page.getByTestId('version-note').first()).toBeVisible();
  await chapter.open('ko', 'alerting');
  await expect(page.getByTestId('erratum').first()).toContainText('원본 핸드아웃에서는');
});

test('the language switch keeps the chapter and the step', async ({ page, consoleProblems }) => {
  const chapter = new ChapterPage(page);
  await chapter.open('ko', 'filebeat', '#step-12');
  await expect(chapter.step(12)).toBeInViewport();
  await page.getByTestId('language-switch').click();
  await expect(page).toHaveURL(/\/en\/chapters\/filebeat#step-12$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(chapter.step(12)).toBeInViewport();
  await page.getByTestId('language-switch').click();
  await expect(page).toHaveURL(/\/ko\/chapters\/filebeat#step-12$/);
  expect(consoleProblems).toEqual([]);
});

test('a copy button copies exactly its command', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const chapter = new ChapterPage(page);
  await chapter.open('en', 'metricbeat');
  const command = chapter.commands().first();
  // The code element alone: EUI adds screen-reader text around it inside <pre>.
  const code = (await command.locator('pre code').innerText()).trim();
  expect(code.length).toBeGreaterThan(0);
  await command.getByTestId('copy-button').click();
  await expect(command.getByTestId('copy-button')).toContainText('Copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(code);
});

test('the theme toggle switches to dark and is remembered', async ({ page, consoleProblems }) => {
  await page.goto('/en');
  const shell = page.getByTestId('app-shell');
  await expect(shell).toHaveAttribute('data-color-mode', 'light');
  // EUI's global styles paint the page background on <html>.
  const pageBackground = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const lightBackground = await pageBackground();
  await page.getByTestId('theme-toggle').click();
  await expect(shell).toHaveAttribute('data-color-mode', 'dark');
  await expect
    .poll(pageBackground)
    .not.toBe(lightBackground);
  await page.reload();
  await expect(shell).toHaveAttribute('data-color-mode', 'dark');
  await expect(page.locator('html')).toHaveAttribute('data-color-mode', 'dark');
  await page.getByTestId('theme-toggle').click();
  await expect(shell).toHaveAttribute('data-color-mode', 'light');
  expect(consoleProblems).toEqual([]);
});

test('server HTML carries the styles and icons its markup uses (no flash of unstyled content)', async ({ request }) => {
  const response = await request.get('/ko/chapters/metricbeat');
  expect(response.ok()).toBe(true);
  const html = await response.text();
  const styled = new Set<string>();
  for (const match of html.matchAll(/<style data-emotion="eui(?:-global)? ([^"]+)"/g)) {
    // Emotion names are `<hash>-<labels>`; class names are `eui-<hash>-<labels>`.
    for (const name of (match[1] ?? '').split(' ')) styled.add(name.split('-')[0] ?? name);
  }
  const used = new Set<string>();
  for (const match of html.matchAll(/class="([^"]*)"/g)) {
    for (const cls of (match[1] ?? '').split(/\s+/)) {
      const hash = /^eui-([a-z0-9]+)-/.exec(cls)?.[1];
      if (hash) used.add(hash);
    }
  }
  expect(used.size).toBeGreaterThan(20);
  const missing = [...used].filter((hash) => !styled.has(hash));
  expect(missing).toEqual([]);
  // EuiIcon renders a placeholder until an icon loads; registered icons are already SVG paths.
  expect(html).not.toContain('data-is-loading="true"');
});

test('an unknown chapter shows the localised not-found page', async ({ page }) => {
  await page.goto('/en/chapters/no-such-chapter');
  await expect(page.getByTestId('not-found')).toContainText('Page not found');
});
