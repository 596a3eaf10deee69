import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createParticipant, createWorkshop, getConnection } from '../db';
import { describeError, type AppError } from '../errors';
import { clusterStatusCard } from '../panels/cluster-status';
import { ManualClock } from '../practice/clock';
import type { WatcherService } from '../practice/watcher/feature';
import { testAppContext } from '../testing/app-context';
import { startTestPractice, type TestPractice } from '../testing/practice-cluster';
import { connectWorkshopPractice, practiceHostAction, recreatePracticeDeployment } from './practice';
import { ACTIVITY_NOTE_EVERY_MS, ACTIVITY_NOTE_SPREAD_MS, notePracticeActivity, noteWait, practiceActivityDueIn, resetPracticeActivityNotes } from './practice-activity';
import { connectParticipantCluster, connectPracticeCluster, disconnectParticipantCluster, participantCluster, PRACTICE_CREATIONS_PER_HOUR } from './service';

/**
 * Issue 12, finding 2: one practice deployment per participant, reused, replaced, deleted, reclaimed
 * when idle (only the learner's own activity counts), recreated with the Beats set-up, limited per
 * participant and refused with its own error when the practice cluster is full.
 */

const MINUTE = 60_000;
const T0 = Date.parse('2026-03-10T09:00:00.000Z');

type Ctx = Awaited<ReturnType<typeof testAppContext>>;

async function rig(options: { idleMinutes?: number; maxDeployments?: number } = {}) {
  const clock = new ManualClock(T0);
  const practice = await startTestPractice({ clock, ...options });
  const ctx = await testAppContext({ practiceUrl: practice.cluster.url, policy: practice.policy });
  return { clock, practice, ctx };
}

let shared: { clock: ManualClock; practice: TestPractice; ctx: Ctx };
const opened: { practice: TestPractice; ctx: Ctx }[] = [];

beforeAll(async () => {
  shared = await rig({ idleMinutes: 120 });
}, 60_000);

afterEach(() => resetPracticeActivityNotes());

afterAll(async () => {
  for (const { practice, ctx } of [shared, ...opened]) {
    await ctx?.close();
    await practice?.close();
  }
});

async function learner(ctx: Ctx, name: string): Promise<string> {
  return (await createParticipant(ctx.db, { displayName: name, role: 'self_paced' })).id;
}

async function deploymentIdOf(ctx: Ctx, participantId: string): Promise<string | null> {
  return (await getConnection(ctx.db, participantId))?.practiceDeploymentId ?? null;
}

async function failure(run: () => Promise<unknown>): Promise<AppError> {
  try {
    await run();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a failure');
}

/** Waits for a condition (the app notes activity in the background). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('one practice deployment per participant', () => {
  it('is reused by a repeat POST /api/practice of the same flavour', async () => {
    const { ctx, practice } = shared;
    const id = await learner(ctx, 'Ana');
    await connectPracticeCluster(ctx, id, '8');
    const first = await deploymentIdOf(ctx, id);
    const before = practice.cluster.deployments.size;
    const again = await connectPracticeCluster(ctx, id, '8');
    expect(await deploymentIdOf(ctx, id)).toBe(first);
    expect(practice.cluster.deployments.size).toBe(before);
    expect(again.status?.version).toMatch(/^8\./);
  }, 30_000);

  it('is replaced, the old one deleted, when the learner picks another flavour', async () => {
    const { ctx, practice } = shared;
    const id = await learner(ctx, 'Bo');
    await connectPracticeCluster(ctx, id, '8');
    const old = (await deploymentIdOf(ctx, id)) as string;
    const panel = await connectPracticeCluster(ctx, id, '7');
    const replacement = (await deploymentIdOf(ctx, id)) as string;
    expect(replacement).not.toBe(old);
    expect(panel.status?.version).toBe('7.17.0');
    expect(practice.cluster.deployments.get(old)).toBeUndefined();
    expect(practice.cluster.deployments.get(replacement)?.flavor).toBe('7');
  }, 30_000);

  it('is deleted by DELETE /api/cluster, and when the learner connects another cluster', async () => {
    const { ctx, practice } = shared;
    const id = await learner(ctx, 'Cy');
    await connectPracticeCluster(ctx, id, '9');
    const first = (await deploymentIdOf(ctx, id)) as string;
    await disconnectParticipantCluster(ctx, id);
    expect(await getConnection(ctx.db, id)).toBeUndefined();
    expect(practice.cluster.deployments.get(first)).toBeUndefined();

    await connectPracticeCluster(ctx, id, '8');
    const second = (await deploymentIdOf(ctx, id)) as string;
    // "Another cluster": any cluster connected by URL (here one the test made on the practice cluster).
    const elsewhere = await practice.deploy('8');
    await connectParticipantCluster(ctx, id, { url: elsewhere.url, username: elsewhere.username, password: elsewhere.password });
    expect((await getConnection(ctx.db, id))?.kind).toBe('url');
    expect(practice.cluster.deployments.get(second)).toBeUndefined();
    expect(practice.cluster.deployments.get(elsewhere.id)).toBeDefined();
  }, 30_000);
});

describe('idle reclaim (120 minutes here, on a manual clock)', () => {
  it("counts only the learner's own requests: not the app's background reads, not scheduled ticks", async () => {
    const { ctx, practice, clock } = shared;
    const id = await learner(ctx, 'Di');
    await connectPracticeCluster(ctx, id, '8');
    const deploymentId = (await deploymentIdOf(ctx, id)) as string;
    const deployment = practice.cluster.deployments.get(deploymentId)!;

    // 100 minutes later the learner's page polls: the app notes activity (at once here).
    clock.advance(100 * MINUTE);
    notePracticeActivity(ctx, id, 0);
    await until(() => deployment.lastActivityAt === clock.now());

    // For the next two hours only the background verifier reads the cluster and the scheduler
    // ticks: the deployment goes when the two hours are over (the live sweep runs each minute).
    const { client } = await participantCluster(ctx, id);
    for (let i = 1; i <= 4; i += 1) {
      clock.advance(30 * MINUTE);
      if (i < 4) await client.request({ method: 'GET', path: '/_cluster/health' });
      practice.cluster.scheduler.tickAll();
      practice.cluster.deployments.reclaimIdle();
      expect(practice.cluster.deployments.get(deploymentId) === undefined, `after ${i * 30} idle minutes`).toBe(i === 4);
    }

    // The learner comes back: the status card and the host buttons say so, in both languages.
    const card = await clusterStatusCard(ctx, id);
    expect(card.connection?.kind).toBe('practice');
    expect(card.error).toEqual({ code: 'practice_reclaimed', params: { idleMinutes: 120 } });
    expect(describeError('practice_reclaimed', 'en', { idleMinutes: 120 }).message).toMatch(/removed after 120 minutes without activity/);
    expect(describeError('practice_reclaimed', 'ko', { idleMinutes: 120 }).message).toMatch(/120분/);
    expect((await failure(() => practiceHostAction(ctx, id, 'ssh-attempt', {}))).code).toBe('practice_reclaimed');
  }, 30_000);

  it("notes a class's activity once, then again after one to two minutes drawn for each (not all in the same second)", async () => {
    const { ctx } = shared;
    const ids = ['n-1', 'n-2', 'n-3', 'n-4', 'n-5', 'n-6', 'n-7', 'n-8'];
    for (const id of ids) notePracticeActivity(ctx, id);
    const dueIn = ids.map((id) => practiceActivityDueIn(id));
    for (const wait of dueIn) expect(wait).toBeGreaterThan(ACTIVITY_NOTE_EVERY_MS - 1_000);
    for (const wait of dueIn) expect(wait).toBeLessThanOrEqual(2 * ACTIVITY_NOTE_EVERY_MS);
    // Eight draws over a minute all within one second: about 3 in 10^12 (8 · (1/60)^7).
    expect(Math.max(...dueIn) - Math.min(...dueIn)).toBeGreaterThan(1_000);
    // A second request within the wait notes nothing new: the wait stays as drawn.
    notePracticeActivity(ctx, ids[0]!);
    expect(practiceActivityDueIn(ids[0]!)).toBeLessThanOrEqual(dueIn[0]!);
  });

  it('sends a due note after a wait drawn from 0-10 s, so a class back from a break does not note all in its first seconds', async () => {
    const { ctx, practice, clock } = shared;
    const id = await learner(ctx, 'Dot');
    await connectPracticeCluster(ctx, id, '8');
    const deployment = practice.cluster.deployments.get((await deploymentIdOf(ctx, id)) as string)!;
    const before = deployment.lastActivityAt;
    clock.advance(10 * MINUTE);
    notePracticeActivity(ctx, id, 400);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(deployment.lastActivityAt).toBe(before);
    await until(() => deployment.lastActivityAt === clock.now());
    // The next tests count what the idle sweep reclaims.
    await disconnectParticipantCluster(ctx, id);

    // Without a wait given, each note draws its own, from 0 up to 10 s.
    expect(noteWait(() => 0)).toBe(0);
    expect(noteWait(() => 0.5)).toBe(ACTIVITY_NOTE_SPREAD_MS / 2);
    expect(noteWait(() => 0.999_999)).toBeLessThan(ACTIVITY_NOTE_SPREAD_MS);
    expect(ACTIVITY_NOTE_SPREAD_MS).toBe(10_000);
  }, 30_000);

  it('is not kept alive by a scheduled watch; reclaiming it stops the watch', async () => {
    const { ctx, practice, clock } = shared;
    const id = await learner(ctx, 'Dee');
    await connectPracticeCluster(ctx, id, '8');
    const deploymentId = (await deploymentIdOf(ctx, id)) as string;
    const deployment = practice.cluster.deployments.get(deploymentId)!;
    const createdAt = deployment.lastActivityAt;
    const { client } = await participantCluster(ctx, id);
    await client.request({
      method: 'PUT',
      path: '/_watcher/watch/every-ten-minutes',
      body: {
        trigger: { schedule: { interval: '10m' } },
        input: { simple: { checked: true } },
        condition: { always: {} },
        actions: { note: { logging: { text: 'still here' } } },
      },
    });
    const watcher = (deployment.features.get('watcher') as WatcherService).watcher;
    const executed = watcher.executionCount;

    // The watch runs on the practice cluster's own schedule for almost two hours: no activity.
    for (let minutes = 10; minutes < 120; minutes += 10) {
      clock.advance(10 * MINUTE);
      practice.cluster.scheduler.tickAll();
      expect(practice.cluster.deployments.reclaimIdle()).not.toContain(deploymentId);
    }
    expect(watcher.executionCount - executed).toBeGreaterThanOrEqual(10);
    expect(deployment.lastActivityAt).toBe(createdAt);

    clock.advance(10 * MINUTE);
    const membersBefore = practice.cluster.scheduler.size;
    expect(practice.cluster.deployments.reclaimIdle()).toContain(deploymentId);
    expect(practice.cluster.scheduler.size).toBe(membersBefore - [...deployment.features.values()].filter((f) => typeof f.tick === 'function').length);
    // Disposed: the watch is gone and never runs again, whatever time it is.
    expect(watcher.nextDue()).toBeUndefined();
    const afterReclaim = watcher.executionCount;
    clock.advance(60 * MINUTE);
    practice.cluster.scheduler.tickAll();
    expect(watcher.executionCount).toBe(afterReclaim);
  }, 30_000);

  it('is not kept alive by a running ML datafeed either; reclaiming it stops the job', async () => {
    const { ctx, practice, clock } = shared;
    const id = await learner(ctx, 'Dai');
    await connectPracticeCluster(ctx, id, '8');
    await practiceHostAction(ctx, id, 'metricbeat-setup', {});
    await practiceHostAction(ctx, id, 'metricbeat-start', { backfillMinutes: 30 });
    const deploymentId = (await deploymentIdOf(ctx, id)) as string;
    const deployment = practice.cluster.deployments.get(deploymentId)!;
    const lastAction = deployment.lastActivityAt;
    const { client } = await participantCluster(ctx, id);
    const es = (method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown) => client.request({ method, path, body }) as Promise<Record<string, unknown>>;
    await es('PUT', '/_ml/anomaly_detectors/host-events', {
      analysis_config: { bucket_span: '15m', detectors: [{ function: 'count' }] },
      data_description: { time_field: '@timestamp' },
    });
    await es('PUT', '/_ml/datafeeds/datafeed-host-events', { job_id: 'host-events', indices: ['metricbeat-*'], query: { match_all: {} } });
    await es('POST', '/_ml/anomaly_detectors/host-events/_open');
    await es('POST', '/_ml/datafeeds/datafeed-host-events/_start', {});
    const processed = async () => {
      const stats = (await es('GET', '/_ml/anomaly_detectors/host-events/_stats')) as { jobs: { data_counts: { processed_record_count: number } }[] };
      return stats.jobs[0]?.data_counts.processed_record_count ?? 0;
    };

    // The datafeed follows the host's data in real time for almost two hours: no activity.
    let before = -1;
    for (let minutes = 10; minutes < 120; minutes += 10) {
      clock.advance(10 * MINUTE);
      practice.cluster.scheduler.tickAll();
      expect(practice.cluster.deployments.reclaimIdle()).not.toContain(deploymentId);
      if (minutes === 10) before = await processed();
    }
    expect(await processed()).toBeGreaterThan(before);
    expect(deployment.lastActivityAt).toBe(lastAction);

    clock.advance(10 * MINUTE);
    const ml = deployment.features.get('ml')!;
    let disposed = false;
    const dispose = ml.dispose.bind(ml);
    ml.dispose = () => {
      disposed = true;
      dispose();
    };
    // Ten more minutes of data wait for the datafeed when the deployment is reclaimed.
    expect(ml.active).toBe(true);
    expect(practice.cluster.deployments.reclaimIdle()).toContain(deploymentId);
    expect(disposed).toBe(true);
    expect(ml.active).toBe(false);
  }, 60_000);

  it('frees what the deployment held: its host and every feature are disposed', async () => {
    const { ctx, practice, clock } = shared;
    const id = await learner(ctx, 'Ed');
    await connectPracticeCluster(ctx, id, '8');
    await practiceHostAction(ctx, id, 'metricbeat-setup', {});
    await practiceHostAction(ctx, id, 'metricbeat-start', { backfillMinutes: 5 });
    const deployment = practice.cluster.deployments.get((await deploymentIdOf(ctx, id)) as string)!;
    const disposed: string[] = [];
    for (const feature of deployment.features.values()) {
      const dispose = feature.dispose.bind(feature);
      feature.dispose = () => {
        disposed.push(feature.name);
        dispose();
      };
    }
    const schedulerBefore = practice.cluster.scheduler.size;
    clock.advance(121 * MINUTE);
    practice.cluster.deployments.reclaimIdle();
    expect(disposed.sort()).toEqual([...deployment.features.keys()].sort());
    expect(practice.cluster.scheduler.size).toBeLessThan(schedulerBefore);
  }, 30_000);
});

describe('coming back to a deployment that is gone', () => {
  it('recreates it with one call, same flavour, and runs the Beats set-up the learner had done again', async () => {
    const { ctx, practice, clock } = shared;
    const id = await learner(ctx, 'Fa');
    await connectPracticeCluster(ctx, id, '7');
    await practiceHostAction(ctx, id, 'metricbeat-setup', {});
    await practiceHostAction(ctx, id, 'metricbeat-start', { backfillMinutes: 5 });
    await practiceHostAction(ctx, id, 'filebeat-setup', {});
    const old = (await deploymentIdOf(ctx, id)) as string;
    clock.advance(121 * MINUTE);
    practice.cluster.deployments.reclaimIdle();

    const recreated = await recreatePracticeDeployment(ctx, id);
    const renewed = (await deploymentIdOf(ctx, id)) as string;
    expect(renewed).not.toBe(old);
    expect(recreated.status?.version).toBe('7.17.0');
    expect(recreated.error).toBeNull();
    expect(recreated.rerun).toEqual(['metricbeat-setup', 'metricbeat-start', 'filebeat-setup']);
    const host = practice.cluster.deployments.get(renewed)!.host.state();
    expect(host.metricbeat).toMatchObject({ setup: true, running: true });
    expect(host.filebeat).toMatchObject({ setup: true, running: false });
    expect((await clusterStatusCard(ctx, id)).error).toBeNull();

    // A second click finds the new deployment there: nothing is created or run again.
    const twice = await recreatePracticeDeployment(ctx, id);
    expect(twice.rerun).toEqual([]);
    expect(await deploymentIdOf(ctx, id)).toBe(renewed);
  }, 60_000);

  it('says "lost" for a deployment the practice cluster no longer knows (a restart), and recreates that too', async () => {
    const { ctx, practice } = shared;
    const id = await learner(ctx, 'Gu');
    await connectPracticeCluster(ctx, id, '9');
    await practiceHostAction(ctx, id, 'filebeat-setup', {});
    await practiceHostAction(ctx, id, 'filebeat-start', { backfillMinutes: 5 });
    const old = (await deploymentIdOf(ctx, id)) as string;
    // What a restart does to a deployment kept in memory: gone without a trace.
    practice.cluster.deployments.delete(old);

    const card = await clusterStatusCard(ctx, id);
    expect(card.error?.code).toBe('practice_lost');
    expect(describeError('practice_lost', 'en').hint).toMatch(/Recreate the practice deployment/);
    expect(describeError('practice_lost', 'ko').hint).toMatch(/연습 배포 다시 만들기/);
    const recreated = await recreatePracticeDeployment(ctx, id);
    expect(recreated.rerun).toEqual(['filebeat-setup', 'filebeat-start']);
    expect(recreated.status?.version).toMatch(/^9\./);
  }, 60_000);

  it("does not bring back another deployment's Beats: after a flavour switch only the new one's actions count", async () => {
    const { ctx, practice } = shared;
    const id = await learner(ctx, 'Ha');
    await connectPracticeCluster(ctx, id, '8');
    await practiceHostAction(ctx, id, 'metricbeat-setup', {});
    await connectPracticeCluster(ctx, id, '7');
    practice.cluster.deployments.delete((await deploymentIdOf(ctx, id)) as string);
    expect((await recreatePracticeDeployment(ctx, id)).rerun).toEqual([]);
  }, 60_000);
});

describe('limits', () => {
  it(`lets one participant create ${PRACTICE_CREATIONS_PER_HOUR} deployments an hour; reuse is free`, async () => {
    const { ctx } = shared;
    const id = await learner(ctx, 'Io');
    const now = new Date(T0);
    for (let i = 0; i < PRACTICE_CREATIONS_PER_HOUR; i += 1) {
      await connectPracticeCluster(ctx, id, i % 2 === 0 ? '8' : '7', { now });
      await connectPracticeCluster(ctx, id, i % 2 === 0 ? '8' : '7', { now });
    }
    const refused = await failure(() => connectPracticeCluster(ctx, id, '9', { now }));
    expect(refused.code).toBe('rate_limited');
    expect(refused.params).toMatchObject({ reason: 'practice_creations' });
    expect(Number(refused.params.retryAfterSeconds)).toBeGreaterThan(0);
    // Another participant is not affected, and an hour later this one may create again.
    await connectPracticeCluster(ctx, await learner(ctx, 'Jo'), '9', { now });
    await connectPracticeCluster(ctx, id, '9', { now: new Date(T0 + 61 * MINUTE) });
  }, 120_000);

  it('answers practice_full, not an Elastic Cloud hint, when the practice cluster holds all it can', async () => {
    const small = await rig({ maxDeployments: 2 });
    opened.push(small);
    for (const name of ['Ka', 'Lu']) await connectPracticeCluster(small.ctx, await learner(small.ctx, name), '8');
    const full = await failure(async () => connectPracticeCluster(small.ctx, await learner(small.ctx, 'Mo'), '8'));
    expect(full.code).toBe('practice_full');
    expect(full.status).toBe(503);
    const text = describeError('practice_full', 'en', full.publicParams);
    expect(text.message).toBe('The practice cluster is full: it already holds as many practice deployments as it can.');
    expect(text.hint).toMatch(/Try again in 5 minutes .* or connect your own cluster/);
    expect(`${text.message} ${text.hint}`).not.toMatch(/Elastic Cloud console/);
    expect(describeError('practice_full', 'ko', full.publicParams).message).toMatch(/연습 클러스터가 가득 찼습니다/);
  }, 60_000);

  it('gives each of 30 attendees of one practice workshop their own deployment as they join', async () => {
    const room = await rig();
    opened.push(room);
    const teacher = await createParticipant(room.ctx.db, { displayName: 'teacher', role: 'instructor' });
    const workshop = await createWorkshop(room.ctx.db, { name: 'practice class', clusterMode: 'practice', createdBy: teacher.id });
    const attendees = await Promise.all(
      Array.from({ length: 30 }, (_, i) => createParticipant(room.ctx.db, { displayName: `Attendee ${i + 1}`, role: 'attendee', workshopId: workshop.id })),
    );
    const joined = await Promise.all(attendees.map((a) => connectWorkshopPractice(room.ctx, { id: a.id, role: a.role, workshopId: workshop.id })));
    expect(joined).toEqual(Array(30).fill(true));
    const ids = await Promise.all(attendees.map((a) => deploymentIdOf(room.ctx, a.id)));
    expect(new Set(ids).size).toBe(30);
    expect(room.practice.cluster.deployments.size).toBe(30);
    // Joining again (a second sign-in) reuses: still 30.
    await Promise.all(attendees.map((a) => connectWorkshopPractice(room.ctx, { id: a.id, role: a.role, workshopId: workshop.id })));
    expect(room.practice.cluster.deployments.size).toBe(30);
  }, 120_000);
});
