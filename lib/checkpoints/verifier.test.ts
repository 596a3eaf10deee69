import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectionOfTask, verifyTaskChapter } from '../board/start';
import { ClusterClient } from '../cluster/adapter';
import { invalidateCoalesced } from '../cluster/coalesce';
import { connectPracticeCluster } from '../connections/service';
import { createParticipant, getConnection } from '../db';
import { clusterStatusCard } from '../panels/cluster-status';
import { practiceAppForTests } from '../testing/practice-app';
import { forgetVerifications, recentVerification, verifyChapter } from './verifier';

const app = practiceAppForTests();

afterEach(() => {
  vi.restoreAllMocks();
});

/** A learner on a fresh 8.x practice deployment, with every answer cached for them dropped. */
async function learner(name: string) {
  const row = await createParticipant(app.ctx.db, { displayName: name, role: 'self_paced' });
  await connectPracticeCluster(app.ctx, row.id, '8');
  const connection = (await getConnection(app.ctx.db, row.id))!;
  return { id: row.id, forgetCached: () => invalidateCoalesced(`conn:${connection.id}:`) };
}

describe('verifying a chapter', () => {
  it('chapter 5: the three job checks share one job lookup and one licence read, which the status card shares too', async () => {
    const { id } = await learner('ml');
    const getJobs = vi.spyOn(ClusterClient.prototype, 'getJobs');
    const license = vi.spyOn(ClusterClient.prototype, 'license');
    const xpackInfo = vi.spyOn(ClusterClient.prototype, 'xpackInfo');
    const items = await verifyChapter(app.ctx, { participantId: id, workshopId: null }, 5, 'en');
    expect(items.map((item) => [item.id, item.state, item.code])).toEqual([
      ['flights-imported', 'pending', 'index_missing'],
      ['ml-job-created', 'pending', 'job_missing'],
      ['ml-job-ran', 'pending', 'job_missing'],
      ['ml-anomalies-found', 'pending', 'job_missing'],
    ]);
    expect(getJobs).toHaveBeenCalledTimes(1);
    // The licence comes with the features from `_xpack`, kept as the connection's facts.
    expect(license).not.toHaveBeenCalled();
    expect(xpackInfo).toHaveBeenCalledTimes(1);
    const card = await clusterStatusCard(app.ctx, id);
    expect(card.status?.licence?.type).toBe('trial');
    expect(xpackInfo).toHaveBeenCalledTimes(1);
  });

  it('remembers each chapter’s last verification, for a while', async () => {
    const { id } = await learner('recent');
    expect(recentVerification(id, 4, 60_000)).toBeNull();
    const items = await verifyChapter(app.ctx, { participantId: id, workshopId: null }, 4, 'en');
    const states = (list: { id: string; state: string; code: string | null }[] | null) => list?.map((item) => [item.id, item.state, item.code]);
    expect(states(recentVerification(id, 4, 60_000))).toEqual(states(items));
    expect(items.length).toBe(4);
    expect(recentVerification(id, 5, 60_000)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(recentVerification(id, 4, 1)).toBeNull();
  });

  it('forgets a participant’s verifications (an instructor’s reset), and only theirs', async () => {
    const [ana, bo] = [await learner('ana'), await learner('bo')];
    for (const { id } of [ana, bo]) {
      await verifyChapter(app.ctx, { participantId: id, workshopId: null }, 4, 'en');
      await verifyChapter(app.ctx, { participantId: id, workshopId: null }, 5, 'en');
    }
    forgetVerifications(ana.id);
    expect(recentVerification(ana.id, 4, 60_000)).toBeNull();
    expect(recentVerification(ana.id, 5, 60_000)).toBeNull();
    expect(recentVerification(bo.id, 4, 60_000)).not.toBeNull();
    expect(recentVerification(bo.id, 5, 60_000)).not.toBeNull();
  });

  it('the background verifier leaves out a chapter the attendee’s page has just verified, and checks it otherwise', async () => {
    const { id, forgetCached } = await learner('board');
    const task = { participantId: id, workshopId: 'w', clusterKey: 'practice', connectionKey: 'c', chapters: [5] };
    await verifyChapter(app.ctx, { participantId: id, workshopId: null }, 5, 'en');
    forgetCached();
    const getJobs = vi.spyOn(ClusterClient.prototype, 'getJobs');
    await expect(verifyTaskChapter(app.ctx, task, 5)).resolves.toEqual({ ok: true });
    expect(getJobs).not.toHaveBeenCalled();
    // Chapter 4 was not verified by the page: the verifier asks the cluster.
    const queryWatches = vi.spyOn(ClusterClient.prototype, 'queryWatches');
    await expect(verifyTaskChapter(app.ctx, { ...task, chapters: [4] }, 4)).resolves.toEqual({ ok: true });
    expect(queryWatches).toHaveBeenCalledTimes(1);
  });

  it('the background verifier reads an attendee’s connection once for all the chapters of one check', async () => {
    const { id } = await learner('once');
    const task = { participantId: id, workshopId: 'w', clusterKey: 'practice', connectionKey: 'c', chapters: [2, 3, 4] };
    const first = connectionOfTask(app.ctx, task);
    expect(connectionOfTask(app.ctx, task)).toBe(first);
    expect((await first)?.participantId).toBe(id);
    // The next round lists a new task: its check reads the row afresh.
    expect(connectionOfTask(app.ctx, { ...task })).not.toBe(first);
    for (const chapter of task.chapters) await expect(verifyTaskChapter(app.ctx, task, chapter)).resolves.toEqual({ ok: true });
  });
});
