import { readFile } from 'node:fs/promises';
import { request as playwrightRequest } from '@playwright/test';
import { INSTRUCTOR_PASSWORD, signInViaApi } from './support/api';
import { expect, hydrated, test } from './support/fixtures';

const TIME = /\d{1,2}:\d{2}/;

test.describe('the class board and presenter mode, as an instructor reads them', () => {
  test.describe.configure({ timeout: 180_000 });

  test('Korean checkpoint headers read horizontally with their full names in tooltips; pending checkpoints have no time; one <main>', async ({ page, baseURL, consoleProblems }) => {
    await signInViaApi(page.request, 'instructor', { password: INSTRUCTOR_PASSWORD });
    const created = await page.request.post('/api/workshops', { data: { name: '보드 확인', clusterMode: 'practice' } });
    const workshop = (await created.json()) as { id: string; code: string };

    // One attendee, connected to the practice cluster as they join; chapter 1 checked once.
    const attendee = await playwrightRequest.newContext({ baseURL });
    await signInViaApi(attendee, 'attendee', { code: workshop.code, name: '민서' });
    await expect
      .poll(async () => ((await (await attendee.get('/api/checkpoints?chapter=1')).json()) as { id: string; state: string }[]).filter((c) => c.state === 'done').length, { timeout: 20_000 })
      .toBe(3);

    await page.goto(`/ko/instructor/${workshop.id}`);
    await expect(page.locator('main')).toHaveCount(1);
    const row = page.locator('[data-testid^="board-row-"][data-name="민서"]');
    await expect(row.locator('[data-testid$="-cluster-connected"]')).toHaveAttribute('data-state', 'done', { timeout: 20_000 });

    // Headers: short horizontal labels, not rotated text; every one fits in a low header row.
    const columns = page.locator('[data-testid^="board-column-"]');
    await expect(columns).toHaveCount(17);
    const header = page.getByTestId('board-column-cluster-connected');
    await expect(header).toContainText('연결');
    for (const column of await columns.all()) {
      const layout = await column.evaluate((th) => {
        const label = th.querySelector('.class-board-checkpoint-label') as HTMLElement;
        const style = getComputedStyle(label);
        return { writingMode: style.writingMode, transform: style.transform, height: th.getBoundingClientRect().height };
      });
      expect(layout.writingMode).toBe('horizontal-tb');
      expect(layout.transform).toBe('none');
      expect(layout.height).toBeLessThan(60);
    }
    await header.locator('.class-board-checkpoint-label').hover();
    await expect(page.getByRole('tooltip')).toHaveText('클러스터 연결됨');

    // The drill-in: a done checkpoint says when; a pending one (checked, so it has a "since") does not.
    await row.locator('[data-testid^="board-attendee-"]').click();
    const flyout = page.getByTestId('attendee-flyout');
    await expect(flyout.getByTestId('drill-checkpoint-cluster-connected')).toHaveAttribute('data-state', 'done');
    await expect(flyout.getByTestId('drill-checkpoint-cluster-connected')).toContainText(TIME);
    await expect(flyout.getByTestId('drill-checkpoint-sample-data')).toHaveAttribute('data-state', 'pending');
    await expect(flyout.getByTestId('drill-checkpoint-sample-data')).not.toContainText(TIME);
    await page.keyboard.press('Escape');

    // The CSV: no time for a pending checkpoint either.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('board-export').click()]);
    const lines = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines.find((line) => line.includes(',cluster-connected,'))).toMatch(/,cluster-connected,done,\d{4}-\d{2}-\d{2}T/);
    expect(lines.find((line) => line.includes(',sample-data,'))).toMatch(/,sample-data,pending,,/);

    for (const path of ['/ko/instructor', `/ko/instructor/${workshop.id}/present/cluster`, '/ko', '/ko/chapters/cluster']) {
      await page.goto(path);
      await expect(page.getByTestId('app-shell')).toBeVisible();
      await expect(page.locator('main'), path).toHaveCount(1);
    }
    await attendee.dispose();
    expect(consoleProblems).toEqual([]);
  });

  test('presenter mode moves step by step with the arrow keys, and on to the next and previous chapter', async ({ page, consoleProblems }) => {
    await signInViaApi(page.request, 'instructor', { password: INSTRUCTOR_PASSWORD });
    const workshop = (await (await page.request.post('/api/workshops', { data: { name: 'Presenter keys' } })).json()) as { id: string };
    await page.goto(`/en/instructor/${workshop.id}/present/metricbeat`);
    await expect(page.getByTestId('presenter-keys')).toBeVisible();
    // The keys are heard once React has hydrated; a key pressed before that is lost (as it would be for a person).
    await hydrated(page);
    const stepAtTop = async (n: number) => {
      await expect.poll(async () => Math.abs((await page.locator(`#step-${n}`).boundingBox())!.y), { message: `step ${n} at the top` }).toBeLessThan(60);
    };

    await page.keyboard.press('ArrowRight');
    await stepAtTop(1);
    await page.keyboard.press('ArrowRight');
    await stepAtTop(2);
    await page.keyboard.press('PageDown');
    await stepAtTop(3);
    await page.keyboard.press('ArrowLeft');
    await stepAtTop(2);

    // At the end of the chapter → opens the next chapter; at its start ← goes back.
    await page.keyboard.press('End');
    await expect.poll(() => page.evaluate(() => window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2)).toBe(true);
    await page.keyboard.press('ArrowRight');
    await expect(page).toHaveURL(/\/present\/filebeat$/);
    await expect(page.getByTestId('presenter-title')).toContainText('Chapter 3');
    await page.keyboard.press('ArrowLeft');
    await expect(page).toHaveURL(/\/present\/metricbeat$/);
    expect(consoleProblems).toEqual([]);
  });
});
