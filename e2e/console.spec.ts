import { createWorkshop, INSTRUCTOR_PASSWORD, signInViaApi } from './support/api';
import { chapterSlugs, DESKTOP, expect, horizontalOverflow, hydrated, PHONE, test } from './support/fixtures';

const pages = ['ko', 'en'].flatMap((locale) => [`/${locale}`, ...chapterSlugs.map((slug) => `/${locale}/chapters/${slug}`)]);

/**
 * No hydration errors (React #418/#423) or other console problems on the landing and every chapter,
 * on a desktop and on a phone, loaded twice. The server renders once without the window's width and
 * registers more icons as other pages render (an instructor page first), which is what broke both.
 */
test.describe('the console stays clean', () => {
  test.describe.configure({ timeout: 240_000 });

  test.beforeAll(async ({ browser }) => {
    // An instructor page renders first, so the server holds the instructor pages' icons too.
    const context = await browser.newContext();
    await signInViaApi(context.request, 'instructor', { password: INSTRUCTOR_PASSWORD });
    const workshop = await createWorkshop(context.request, 'Console check');
    const page = await context.newPage();
    await page.goto(`/ko/instructor/${workshop.id}`);
    await expect(page.getByTestId('board-empty')).toBeVisible();
    await context.close();
  });

  test('the server HTML of every page has its icons drawn, none left as a loading placeholder', async ({ request }) => {
    for (const path of pages) {
      const html = await (await request.get(path)).text();
      // EuiIcon's placeholder for an icon it has not loaded: the client would draw the SVG (a mismatch, or a pop-in).
      expect(html, path).not.toContain('data-is-loading="true"');
    }
  });

  for (const [name, viewport] of [['desktop', DESKTOP], ['phone (390 × 844)', PHONE]] as const) {
    test.describe(name, () => {
      test.use({ viewport });

      test('the landing and every chapter, in both languages, loaded twice', async ({ page, consoleProblems }) => {
        for (const path of pages) {
          for (let load = 0; load < 2; load += 1) {
            await page.goto(path);
            await hydrated(page);
            expect(await horizontalOverflow(page), `${path} is wider than the ${viewport.width} px viewport`).toBe(0);
            expect(consoleProblems, `${path}, load ${load + 1}`).toEqual([]);
          }
        }
      });
    });
  }
});
