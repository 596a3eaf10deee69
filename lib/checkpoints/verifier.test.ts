import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectionOfTask, verifyTaskChapter } from '../board/start';
import { ClusterClient } from '../cluster/adapter';
import { invalidateCoalesced } from '../cluster/coalesce';
import { connectPracticeCluster } from '../connections/service';
import { createParticipant, getConnection, type CheckpointResult } from '../db';
import { clusterStatusCard } from '../panels/cluster-status';
import { practiceAppForTests } from '../testing/practice-app';
import { DETAIL_WRITE_EVERY_MS, forgetVerifications, recentVerification, shownAs, verifyChapter, writeDue } from './verifier';

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

describe("a pending checkpoint's detail", () => {
  const T = Date.parse('2026-03-10T09:00:00.000Z');
  const row = (state: 'pending' | 'done' | 'error', detail: string | null, code: string | null, updatedAt = T): CheckpointResult => ({
    participantId: 'p',
    checkpointId: 'highcpu-watch-fired',
    state,
    detail,
    errorCode: code,
    attempts: 1,
    firstDoneAt: state === 'done' ? new Date(updatedAt) : null,
    updatedAt: new Date(updatedAt),
  });
  const runs = (n: number) => ({ state: 'pending' as const, code: 'watch_never_met' as const, detail: `HighCPU: max CPU 0.43 < 0.5 ×${n}` });

  it('alone is written at most once a minute; a new state or reason at once', () => {
    const stored = row('pending', 'HighCPU: max CPU 0.43 < 0.5 ×3', 'watch_never_met');
    expect(writeDue(undefined, runs(1), T)).toBe(true);
    expect(writeDue(stored, runs(3), T + 5 * DETAIL_WRITE_EVERY_MS)).toBe(false);
    expect(writeDue(stored, runs(4), T + 10_000)).toBe(false);
    expect(writeDue(stored, runs(9), T + DETAIL_WRITE_EVERY_MS)).toBe(true);
    expect(writeDue(stored, { state: 'pending', code: 'watch_inactive', detail: 'HighCPU' }, T + 1)).toBe(true);
    expect(writeDue(stored, { state: 'done', detail: 'HighCPU' }, T + 1)).toBe(true);
    expect(writeDue(stored, { state: 'error', code: 'timeout' }, T + 1)).toBe(true);
  });

  it('not yet written is what the page shows; a done result stays as stored', () => {
    const stored = row('pending', 'HighCPU: max CPU 0.43 < 0.5 ×3', 'watch_never_met');
    expect(shownAs('highcpu-watch-fired', stored, runs(4))).toMatchObject({ state: 'pending', code: 'watch_never_met', detail: 'HighCPU: max CPU 0.43 < 0.5 ×4', at: new Date(T).toISOString() });
    // A verdict of another state or reason was written; what is shown is the stored row.
    expect(shownAs('highcpu-watch-fired', stored, { state: 'pending', code: 'watch_inactive', detail: 'x' }).detail).toBe('HighCPU: max CPU 0.43 < 0.5 ×3');
    expect(shownAs('highcpu-watch-fired', row('done', 'HighCPU: 0.71', null), runs(4))).toMatchObject({ state: 'done', detail: 'HighCPU: 0.71' });
    expect(shownAs('highcpu-watch-fired', stored, undefined).detail).toBe('HighCPU: max CPU 0.43 < 0.5 ×3');
  });
});
