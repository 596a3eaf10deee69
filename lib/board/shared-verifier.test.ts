import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { ClusterClientCache } from '../cluster/cache';
import { EndpointPolicy } from '../cluster/endpoint-policy';
import { createDb, type DbHandle } from '../db/client';
import { getResults, recordResult } from '../db/repositories/checkpoint-results';
import { upsertConnection } from '../db/repositories/connections';
import { createParticipant } from '../db/repositories/participants';
import { createWorkshop } from '../db/repositories/workshops';
import { describeStorage } from '../db/test-backends';
import type { Database } from '../db/types';
import { parseServerEnv } from '../env';
import type { AppContext } from '../server/context';
import type { VerifyTask } from './background-verifier';
import { createSharedVerifier, type SharedVerifier } from './start';

const INTERVAL = 15_000;
const LEASE = 30_000;
const STEP = LEASE / 6;
const CLASS_SIZE = 40;

function contextOn(db: Database): AppContext {
  return {
    env: parseServerEnv({ BOARD_VERIFY_INTERVAL_MS: String(INTERVAL), BOARD_VERIFY_LEASE_MS: String(LEASE), BOARD_VERIFY_CONCURRENCY: '8' }),
    db,
    secrets: { authSecret: 'x'.repeat(32), credentialsKey: Buffer.alloc(32) },
    policy: new EndpointPolicy({ allowList: [], practiceUrls: [] }),
    clients: new ClusterClientCache(),
    practiceUrl: null,
  } as unknown as AppContext;
}

/**
 * Two app instances: each its own connection pool to the one database and its own verifier, on a
 * shared clock the test moves. A check of chapter 1 records `cluster-connected` done, as a real
 * one would once the attendee's cluster answers; `hang` makes an instance's checks never return.
 */
function instance(handle: DbHandle, name: string, clock: { now: number }, hang: { on: boolean } = { on: false }): SharedVerifier {
  return createSharedVerifier(contextOn(handle.db), {
    instanceId: name,
    exclusive: false,
    now: () => clock.now,
    clockInDatabase: false,
    verifyChapter: async (task: VerifyTask, chapter: number) => {
      if (hang.on) return new Promise(() => undefined);
      if (chapter === 1) await recordResult(handle.db, { participantId: task.participantId, checkpointId: 'cluster-connected', state: 'done' });
      return { ok: true };
    },
  });
}

describeStorage('background verifier shared through the database', ({ db, backend, config }) => {
  async function classOf(size: number) {
    await db().execute(sql`update workshops set status = 'closed'`);
    await db().execute(sql`delete from verifier_leases`);
    await db().execute(sql`delete from verifier_instances`);
    const workshop = await createWorkshop(db(), { name: 'Shared verifier' });
    const attendees: string[] = [];
    for (let i = 0; i < size; i += 1) {
      const person = await createParticipant(db(), { displayName: `A${i}`, role: 'attendee', workshopId: workshop.id });
      await upsertConnection(db(), person.id, { kind: 'practice', endpoint: 'http://127.0.0.1:9200', authType: 'basic', encryptedCredentials: 'v1.blob', practiceDeploymentId: `dep-${i}` });
      attendees.push(person.id);
    }
    return { workshop, attendees, clock: { now: Date.parse('2026-11-26T09:00:00Z') } };
  }

  /** Who checked whom: participant -> instance names, one entry per check. */
  function checkedBy(instances: Record<string, SharedVerifier>, since = 0): Map<string, string[]> {
    const by = new Map<string, string[]>();
    for (const [name, shared] of Object.entries(instances)) {
      for (const check of shared.checks.filter((c) => c.startedAt >= since)) by.set(check.participantId, [...(by.get(check.participantId) ?? []), name]);
    }
    return by;
  }

  it.runIf(backend.name === 'postgres')(
    'two instances on one PostgreSQL check every attendee exactly once per round, sharing the class (PostgreSQL only: PGlite is one process)',
    async () => {
      const { attendees, clock } = await classOf(CLASS_SIZE);
      const [one, two] = await Promise.all([createDb(config()), createDb(config())]);
      try {
        const a = instance(one, 'a', clock);
        const b = instance(two, 'b', clock);
        const rounds = 4;
        for (let round = 0; round < rounds; round += 1) {
          // Three lease steps per round (every 5 s of a 15 s round), both instances at once.
          for (let i = 0; i < INTERVAL / STEP; i += 1) {
            await Promise.all([a.keeper.step(), b.keeper.step()]);
            clock.now += STEP;
          }
          const reports = await Promise.all([a.verifier.runRound(), b.verifier.runRound()]);
          // The first round may fall before the share settled: still no attendee twice, and none left out.
          expect(reports[0].checked + reports[1].checked).toBe(CLASS_SIZE);
        }
        const by = checkedBy({ a, b });
        expect([...by.keys()].sort()).toEqual([...attendees].sort());
        const counts = [...by.values()].map((names) => names.length);
        expect(counts.every((n) => n === rounds)).toBe(true);
        expect(a.checks.length + b.checks.length).toBe(rounds * CLASS_SIZE);
        // The work is shared: from the second round on each instance holds half the slices.
        expect(a.keeper.standing.held).toBe(b.keeper.standing.held);
        expect(Math.min(a.checks.length, b.checks.length)).toBeGreaterThan(CLASS_SIZE / 4);
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    },
  );

  it.runIf(backend.name === 'postgres')(
    'a dead instance’s attendees are taken over within one lease period and none is lost, not even the one it was checking (PostgreSQL only: PGlite is one process)',
    async () => {
      const { attendees, clock } = await classOf(CLASS_SIZE);
      const [one, two] = await Promise.all([createDb(config()), createDb(config())]);
      try {
        const hangA = { on: false };
        const a = instance(one, 'a', clock, hangA);
        const b = instance(two, 'b', clock);
        for (let i = 0; i < 4; i += 1) {
          await Promise.all([a.keeper.step(), b.keeper.step()]);
          clock.now += STEP;
        }
        // a starts a round whose checks never come back, then dies (no release, no more steps).
        hangA.on = true;
        void a.verifier.runRound();
        for (let i = 0; i < 100 && a.verifier.busy().length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
        expect(a.verifier.busy().length).toBeGreaterThan(0);
        // Its last lease step right before dying: the worst moment, its lease runs longest.
        await a.keeper.step();
        const diedAt = clock.now;
        const inFlight = a.verifier.busy().map((task) => task.participantId);

        let takenAt: number | null = null;
        while (takenAt === null && clock.now <= diedAt + 2 * LEASE) {
          clock.now += STEP;
          await b.keeper.step();
          if (b.keeper.standing.held === b.keeper.standing.share && b.keeper.standing.instances === 1) takenAt = clock.now;
        }
        expect(takenAt).not.toBeNull();
        expect(takenAt! - diedAt).toBeLessThanOrEqual(LEASE);

        const report = await b.verifier.runRound();
        expect(report.checked).toBe(CLASS_SIZE);
        const results = await Promise.all(attendees.map((id) => getResults(db(), id, ['cluster-connected'])));
        expect(results.every((rows) => rows[0]?.state === 'done')).toBe(true);
        // The attendees a was checking when it died were checked again, by b.
        for (const id of inFlight) expect(b.checks.some((check) => check.participantId === id)).toBe(true);
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    },
  );

  it.runIf(backend.name === 'postgres')(
    'a stopped instance hands its attendees over at the other’s next lease step (PostgreSQL only: PGlite is one process)',
    async () => {
      const { clock } = await classOf(CLASS_SIZE);
      const [one, two] = await Promise.all([createDb(config()), createDb(config())]);
      try {
        const a = instance(one, 'a', clock);
        const b = instance(two, 'b', clock);
        for (let i = 0; i < 4; i += 1) {
          await Promise.all([a.keeper.step(), b.keeper.step()]);
          clock.now += STEP;
        }
        expect(a.keeper.standing.held).toBeGreaterThan(0);
        expect(b.keeper.standing.held).toBeGreaterThan(0);
        await a.stop();
        clock.now += STEP;
        await b.keeper.step();
        const report = await b.verifier.runRound();
        expect(report.checked).toBe(CLASS_SIZE);
        expect(a.keeper.standing.held).toBe(0);
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    },
  );

  it('one instance alone (the embedded PGlite, or one instance on PostgreSQL) checks the whole class every round', async () => {
    const { attendees, clock } = await classOf(12);
    const alone = createSharedVerifier(contextOn(db()), {
      instanceId: 'alone',
      exclusive: backend.name === 'pglite',
      now: () => clock.now,
      clockInDatabase: false,
      verifyChapter: async () => ({ ok: true }),
    });
    await alone.keeper.step();
    for (let round = 0; round < 2; round += 1) {
      const report = await alone.verifier.runRound();
      expect(report).toMatchObject({ tasks: 12, checked: 12, handedOff: 0 });
      clock.now += INTERVAL;
      await alone.keeper.step();
    }
    expect(new Set(alone.checks.map((check) => check.participantId))).toEqual(new Set(attendees));
    await alone.stop();
  });
});
