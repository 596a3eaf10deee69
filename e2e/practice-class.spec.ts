import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { INSTRUCTOR_PASSWORD, signInViaApi } from './support/api';
import { expect, settledPanel, test } from './support/fixtures';

const CLASS_SIZE = 30;

interface ClusterStatus {
  connection: { kind: string } | null;
  status: { version: string } | null;
}

async function instructorWorkshop(baseURL: string | undefined, name: string, clusterMode: 'practice' | 'cloud') {
  const instructor = await playwrightRequest.newContext({ baseURL });
  await signInViaApi(instructor, 'instructor', { password: INSTRUCTOR_PASSWORD });
  const response = await instructor.post('/api/workshops', { data: { name, clusterMode } });
  expect(response.status(), await response.text()).toBe(201);
  return { instructor, workshop: (await response.json()) as { id: string; code: string } };
}

async function clusterOf(attendee: APIRequestContext): Promise<ClusterStatus> {
  const response = await attendee.get('/api/panels/cluster-status');
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()) as ClusterStatus;
}

test.describe('a workshop set to the practice cluster', () => {
  test.describe.configure({ timeout: 240_000 });

  test(`a class of ${CLASS_SIZE} joins from one address and everyone starts connected to the practice cluster`, async ({ page, baseURL, consoleProblems }) => {
    const { instructor, workshop } = await instructorWorkshop(baseURL, 'Practice class', 'practice');

    // 29 attendees join at once through next-auth's endpoint, all from 127.0.0.1 like a classroom behind one NAT.
    const attendees = await Promise.all(
      Array.from({ length: CLASS_SIZE - 1 }, async (_, i) => {
        const context = await playwrightRequest.newContext({ baseURL });
        await signInViaApi(context, 'attendee', { code: workshop.code, name: `Attendee ${i + 1}` });
        return context;
      }),
    );
    for (const attendee of attendees) {
      const cluster = await clusterOf(attendee);
      expect(cluster.connection?.kind).toBe('practice');
      expect(cluster.status?.version).toMatch(/^8\.\d+\.\d+$/);
    }

    // The 30th joins in the browser: chapter 1 opens connected, no Elastic Cloud sign-up, no button to find.
    await page.goto(`/ko/join?code=${workshop.code}`);
    await page.getByTestId('join-name').fill('서른째');
    await page.getByTestId('join-submit').click();
    await expect(page).toHaveURL(/\/ko\/chapters\/cluster$/);
    await expect(page.getByTestId('practice-choice')).toHaveAttribute('data-state', 'connected');
    await expect(page.getByTestId('practice-choice').getByRole('link')).toHaveAttribute('href', '#step-16');
    const panel = await settledPanel(page, 'cluster-status', 'connected');
    await expect(panel.getByTestId('cluster-status-card')).toHaveAttribute('data-kind', 'practice');
    await expect(page.getByTestId('checkpoint-cluster-connected')).toHaveAttribute('data-state', 'done', { timeout: 15_000 });

    // The board sees the whole class connected to the practice cluster.
    const progress = (await (await instructor.get(`/api/workshops/${workshop.id}/progress`)).json()) as {
      attendees: { connection: { kind: string } | null }[];
    };
    expect(progress.attendees).toHaveLength(CLASS_SIZE);
    expect(progress.attendees.filter((attendee) => attendee.connection?.kind === 'practice')).toHaveLength(CLASS_SIZE);

    // Chapter 2 on the practice host: starting Metricbeat says that it sent the last hour at once.
    await page.goto('/ko/chapters/metricbeat');
    await page.getByTestId('practice-action-metricbeat-setup').getByRole('button').click();
    await expect(page.getByTestId('checkpoint-metricbeat-setup')).toHaveAttribute('data-state', 'done', { timeout: 20_000 });
    await page.getByTestId('practice-action-metricbeat-start').getByRole('button').click();
    await expect(page.getByTestId('practice-note-metricbeat-start')).toContainText('지난 1시간');

    await Promise.all(attendees.map((attendee) => attendee.dispose()));
    await instructor.dispose();
    expect(consoleProblems).toEqual([]);
  });

  test('attendees of an Elastic Cloud workshop and self-paced learners are offered the practice cluster at the top of chapter 1', async ({ page, baseURL, consoleProblems }) => {
    const { instructor, workshop } = await instructorWorkshop(baseURL, 'Cloud class', 'cloud');
    const attendee = await playwrightRequest.newContext({ baseURL });
    await signInViaApi(attendee, 'attendee', { code: workshop.code, name: 'Cloud attendee' });
    expect((await clusterOf(attendee)).connection).toBeNull();
    await attendee.dispose();
    await instructor.dispose();

    // Signed out: the offer says to start first, in both languages.
    await page.goto('/en/chapters/cluster');
    await expect(page.getByTestId('chapter-body')).toContainText('You can use the guide\'s built-in practice cluster instead');
    await expect(page.getByTestId('practice-choice')).toHaveAttribute('data-state', 'signed-out');
    await page.goto('/ko/chapters/cluster');
    await expect(page.getByTestId('chapter-body')).toContainText('연습 클러스터를 쓸 수 있다');

    // A self-paced learner connects with the one button near the top and is told where to go on.
    await page.getByTestId('practice-choice-sign-in').click();
    await expect(page.getByTestId('join-form-self-paced')).toBeVisible();
    await page.getByTestId('join-name').fill('혼자');
    await page.getByTestId('join-submit').click();
    await expect(page).toHaveURL(/\/ko\/chapters\/cluster$/);
    const choice = page.getByTestId('practice-choice');
    await expect(choice).toHaveAttribute('data-state', 'offer');
    expect((await choice.boundingBox())!.y).toBeLessThan(1_200);
    await choice.getByTestId('practice-choice-connect').click();
    await expect(choice).toHaveAttribute('data-state', 'connected');
    await expect(page.getByTestId('panel-cluster-status')).toHaveAttribute('data-panel-state', 'connected');
    expect(consoleProblems).toEqual([]);
  });
});
