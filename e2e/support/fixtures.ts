import { test as base, expect, type ConsoleMessage, type Locator, type Page } from '@playwright/test';

/** Console noise from Chromium itself on a machine with no network, not from the app. */
const ignoredConsole = [/Failed to load resource: net::ERR_/, /favicon\.ico/];

export interface GuideFixtures {
  /** Every console error or warning the page printed, collected for the "no console errors" checks. */
  consoleProblems: string[];
}

export const test = base.extend<GuideFixtures>({
  consoleProblems: async ({ page }, use) => {
    const problems: string[] = [];
    const onConsole = (message: ConsoleMessage) => {
      if (message.type() !== 'error' && message.type() !== 'warning') return;
      const text = message.text();
      if (ignoredConsole.some((pattern) => pattern.test(text))) return;
      problems.push(`${message.type()}: ${text}`);
    };
    page.on('console', onConsole);
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    // Anything the Content-Security-Policy blocks (a style without the nonce, an eval) is a problem
    // too, reported with the directive even where the browser would not print it.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
      });
    });
    await use(problems);
    page.off('console', onConsole);
  },
});

export { expect };

export const chapterSlugs = ['cluster', 'metricbeat', 'filebeat', 'alerting', 'machine-learning'] as const;

/** Page object for a chapter page. */
export class ChapterPage {
  constructor(readonly page: Page) {}

  async open(locale: 'ko' | 'en', slug: string, hash = '') {
    await this.page.goto(`/${locale}/chapters/${slug}${hash}`);
    await expect(this.page.getByTestId('chapter-body')).toBeVisible();
  }

  steps() {
    return this.page.locator('[data-step]');
  }

  step(n: number) {
    return this.page.locator(`#step-${n}`);
  }

  commands() {
    return this.page.getByTestId('command');
  }
}

/**
 * A live panel once it has settled into `state`: panels load lazily and replace their skeleton, so
 * a test waits for the state before scrolling to or clicking inside the panel.
 */
export async function settledPanel(page: Page, kind: string, state: string) {
  const panel = page.getByTestId(`panel-${kind}`);
  await expect(panel).toHaveAttribute('data-panel-state', state, { timeout: 20_000 });
  await panel.scrollIntoViewIfNeeded();
  return panel;
}

/**
 * Presses "use the practice cluster" on the cluster-status panel and waits until it says connected.
 * Making a deployment (its simulated host and indices) can take longer than an expect's default
 * 10 s while the other worker loads the machine, so this wait is longer.
 */
export async function connectToPractice(panel: Locator) {
  await panel.getByTestId('use-practice').click();
  await expect(panel).toHaveAttribute('data-panel-state', 'connected', { timeout: 30_000 });
}

/** A phone (iPhone 12-15 class): the size the mobile checks use. */
export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

/**
 * Resolves once React has hydrated the page (the app sets `<html data-hydrated>` in its first
 * effect), so a hydration error, if any, is already in `consoleProblems`.
 */
export async function hydrated(page: Page) {
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true', { timeout: 20_000 });
}

/** How much wider than the viewport the page lays out (0 when nothing sticks out). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
