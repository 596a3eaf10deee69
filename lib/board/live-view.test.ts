import { expect, it } from 'vitest';
import { createDb } from '../db/client';
import { getWorkshopProgress } from '../db/repositories/board';
import { recordResult, resetProgress } from '../db/repositories/checkpoint-results';
import { listConnectAttempts } from '../db/repositories/class-board';
import { deleteConnection, recordConnectionError, recordConnectionStatus, upsertConnection } from '../db/repositories/connections';
import { appendEvent } from '../db/repositories/events';
import { createParticipant, deleteParticipant, removeParticipant, setCurrentChapter, touchParticipants } from '../db/repositories/participants';
import { createWorkshop } from '../db/repositories/workshops';
import type { Participant } from '../db/schema';
import { describeStorage } from '../db/test-backends';
import { workshopDto } from '../workshops';
import { liveProgressView, liveViewStats } from './live-view';
import { buildProgress, type ProgressOptions } from './progress-view';
import { DEFAULT_FAILURE_WINDOW_MS } from './stuck';

const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

describeStorage('class board kept in memory', ({ db, queries, backend, config }) => {
  async function classOf(size: number) {
    const workshop = await createWorkshop(db(), { name: 'Live board' });
    const attendees: Participant[] = [];
    for (let i = 0; i < size; i += 1) {
      attendees.push(await createParticipant(db(), { displayName: `Attendee ${i}`, role: 'attendee', workshopId: workshop.id }));
      await tick();
    }
    return { workshop, attendees };
  }

  const options = (now: number): ProgressOptions => ({
    now,
    automatic: ['cluster-connected', 'ml-node', 'licence-ok', 'sample-data', 'metricbeat-setup', 'metricbeat-data'],
    stuckMinutes: 10,
    stuckRepeats: 3,
    checkIntervalMs: 15_000,
  });

  /** What one request built from scratch before the board was kept in memory. */
  async function fromScratch(workshop: Awaited<ReturnType<typeof createWorkshop>>, now: number) {
    const [board, attempts] = await Promise.all([
      getWorkshopProgress(db(), workshop.id),
      listConnectAttempts(db(), workshop.id, new Date(now - DEFAULT_FAILURE_WINDOW_MS)),
    ]);
    return buildProgress(workshopDto(workshop), board, attempts, options(now));
  }

  it('answers after every kind of change exactly what a board built from scratch answers, as objects and as JSON', async () => {
    const { workshop, attendees } = await classOf(6);
    const [a, b, c, d, e] = attendees;
    const connect = (p: Participant, endpoint = 'https://es.example.com') =>
      upsertConnection(db(), p.id, { kind: 'url', endpoint, authType: 'basic', encryptedCredentials: 'v1.sealed-blob' });
    const steps: [string, () => Promise<unknown>][] = [
      ['connect', () => connect(a!)],
      ['done', () => recordResult(db(), { participantId: a!.id, checkpointId: 'cluster-connected', state: 'done', detail: '8.15.0' })],
      ['error', () => recordResult(db(), { participantId: b!.id, checkpointId: 'ml-node', state: 'error', errorCode: 'no_ml_node' })],
      ['status', () => recordConnectionStatus(db(), a!.id, { health: 'yellow', version: '8.15.0' })],
      ['touch', () => touchParticipants(db(), [c!.id], 0)],
      ['chapter', () => setCurrentChapter(db(), c!.id, 3)],
      ['connect failures', async () => {
        for (let i = 0; i < 3; i += 1) await appendEvent(db(), { type: 'connect_failed', participantId: d!.id, code: 'unauthorized' });
      }],
      ['newcomer with results', async () => {
        const late = await createParticipant(db(), { displayName: 'Late', role: 'attendee', workshopId: workshop.id });
        await recordResult(db(), { participantId: late.id, checkpointId: 'cluster-connected', state: 'done' });
      }],
      ['connection error', () => connect(b!, 'https://b.example.com').then(() => recordConnectionError(db(), b!.id, 'timeout'))],
      ['disconnect', () => deleteConnection(db(), a!.id)],
      ['reset', () => resetProgress(db(), a!.id)],
      ['removed', () => removeParticipant(db(), e!.id)],
      ['deleted', () => deleteParticipant(db(), d!.id)],
      ['many at once', () => Promise.all(attendees.slice(0, 3).map((p) => recordResult(db(), { participantId: p.id, checkpointId: 'licence-ok', state: 'done' })))],
    ];
    await liveProgressView(db(), workshop.id);
    for (const [name, step] of steps) {
      await tick();
      await step();
      const now = Date.now() + 11 * 60_000;
      const view = await liveProgressView(db(), workshop.id);
      const expected = await fromScratch(workshop, now);
      expect(view.build(workshopDto(workshop), options(now)), name).toEqual(expected);
      expect(view.json(workshopDto(workshop), options(now)), name).toBe(JSON.stringify(expected));
      expect(view.counts(), name).toEqual(expected.counts);
    }
    const final = await fromScratch(workshop, Date.now());
    expect(final.attendees.map((row) => row.name)).toEqual(['Attendee 0', 'Attendee 1', 'Attendee 2', 'Attendee 5', 'Late']);
    expect(final.counts.done).toEqual({ 'cluster-connected': 1, 'licence-ok': 3 });
  });

  it('reads only the change feed on a poll with no change, and only the attendees that changed otherwise', async () => {
    const { workshop, attendees } = await classOf(24);
    for (const p of attendees) await recordResult(db(), { participantId: p.id, checkpointId: 'cluster-connected', state: 'done' });
    await liveProgressView(db(), workshop.id);

    queries.length = 0;
    const before = liveViewStats();
    await liveProgressView(db(), workshop.id);
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatch(/board_changes/);

    await recordResult(db(), { participantId: attendees[3]!.id, checkpointId: 'ml-node', state: 'done' });
    await recordResult(db(), { participantId: attendees[7]!.id, checkpointId: 'ml-node', state: 'error', errorCode: 'no_ml_node' });
    await touchParticipants(db(), [attendees[9]!.id], 0);
    queries.length = 0;
    const view = await liveProgressView(db(), workshop.id);
    const after = liveViewStats();
    // The feed, then the changed attendees' results, people and connect attempts: no full read.
    expect(queries).toHaveLength(4);
    expect(after.fullLoads - before.fullLoads).toBe(0);
    expect(after.resultsRead - before.resultsRead).toBe(2);
    expect(after.peopleRead - before.peopleRead).toBe(1);
    expect(view.counts().done).toEqual({ 'cluster-connected': 24, 'ml-node': 1 });

    // The same changes are not read again on the next poll, though the feed overlaps in time.
    queries.length = 0;
    await liveProgressView(db(), workshop.id);
    expect(queries).toHaveLength(1);
  });

  it('gives callers that arrive together one catch-up, and one that arrives after a write sees it', async () => {
    const { workshop, attendees } = await classOf(3);
    await liveProgressView(db(), workshop.id);
    queries.length = 0;
    await Promise.all([liveProgressView(db(), workshop.id), liveProgressView(db(), workshop.id), liveProgressView(db(), workshop.id)]);
    expect(queries.length).toBeLessThanOrEqual(2);
    const running = liveProgressView(db(), workshop.id);
    await recordResult(db(), { participantId: attendees[0]!.id, checkpointId: 'ml-node', state: 'done' });
    const view = await liveProgressView(db(), workshop.id);
    await running;
    expect(view.counts().done).toEqual({ 'ml-node': 1 });
  });

  it.runIf(backend.name === 'postgres')(
    'shows at the next poll what another app instance wrote (PostgreSQL only: PGlite is one process)',
    async () => {
      const { workshop, attendees } = await classOf(4);
      const other = await createDb(config());
      try {
        const first = await liveProgressView(db(), workshop.id);
        expect(first.counts().done).toEqual({});
        await recordResult(other.db, { participantId: attendees[2]!.id, checkpointId: 'sample-data', state: 'done' });
        await createParticipant(other.db, { displayName: 'Joined elsewhere', role: 'attendee', workshopId: workshop.id });
        const view = await liveProgressView(db(), workshop.id);
        expect(view.counts()).toEqual({ attendees: 5, done: { 'sample-data': 1 } });
      } finally {
        await other.close();
      }
    },
  );
});
