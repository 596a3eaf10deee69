import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import {
  forgetOtherVerifiers,
  listVerifierLeases,
  releaseVerifierLeases,
  syncVerifierLeases,
  VERIFIER_SLICES,
} from '../db/repositories/verifier-leases';
import { closeWorkshop, createWorkshop } from '../db/repositories/workshops';
import { describeStorage } from '../db/test-backends';
import type { Database } from '../db/types';
import { LeaseKeeper, sliceOf } from './leases';

const LEASE = 30_000;
const STEP = LEASE / 6;

/** An instance's keeper on a shared clock; steps are driven by the test, never by timers. */
function keeperFor(db: () => Database, instanceId: string, clock: { now: number }, busy: () => string[] = () => []) {
  return new LeaseKeeper({
    instanceId,
    leaseMs: LEASE,
    slices: VERIFIER_SLICES,
    now: () => clock.now,
    clockInDatabase: false,
    busy,
    store: {
      sync: (input) => syncVerifierLeases(db(), input),
      release: (id, at, keep) => releaseVerifierLeases(db(), id, at, keep),
      forgetOthers: (id, at) => forgetOtherVerifiers(db(), id, at),
    },
  });
}

/** Participant ids spread over every slice, so "who may check whom" covers all of them. */
const people = Array.from({ length: 4 * VERIFIER_SLICES }, () => randomUUID());

describeStorage('verifier leases', ({ db }) => {
  /** Each test gets a clean lease table, one open workshop and a clock of its own. */
  async function fresh() {
    await db().execute(sql`delete from verifier_leases`);
    await db().execute(sql`delete from verifier_instances`);
    await db().execute(sql`update workshops set status = 'closed'`);
    const workshop = await createWorkshop(db(), { name: 'Leases' });
    return { workshop, clock: { now: Date.parse('2026-11-26T09:00:00Z') } };
  }

  const owners = (workshopId: string, keepers: LeaseKeeper[]) =>
    people.map((person) => keepers.filter((keeper) => keeper.owns(workshopId, person)).map((keeper) => keeper.instanceId));

  it('gives one instance alone every slice of every open workshop, and nothing of a closed one', async () => {
    const { workshop, clock } = await fresh();
    const closed = await createWorkshop(db(), { name: 'Closed' });
    await closeWorkshop(db(), closed.id);
    const a = keeperFor(db, 'a', clock);
    await a.step();
    expect(a.standing).toEqual({ instances: 1, share: VERIFIER_SLICES, held: VERIFIER_SLICES });
    expect(owners(workshop.id, [a]).every((names) => names.join() === 'a')).toBe(true);
    expect(people.some((person) => a.owns(closed.id, person))).toBe(false);
    expect(a.workshops()).toEqual([workshop.id]);

    await closeWorkshop(db(), workshop.id);
    await a.step();
    expect(a.standing.held).toBe(0);
    expect(a.workshops()).toEqual([]);
  });

  it('splits the slices between two instances without a moment where a slice has two holders', async () => {
    const { workshop, clock } = await fresh();
    const a = keeperFor(db, 'a', clock);
    const b = keeperFor(db, 'b', clock);
    await a.step();
    for (let i = 0; i < 4; i += 1) {
      clock.now += STEP;
      // Both step at the same moment, as two instances do.
      await Promise.all([a.step(), b.step()]);
      expect(owners(workshop.id, [a, b]).every((names) => names.length <= 1)).toBe(true);
    }
    expect(a.standing).toMatchObject({ instances: 2, share: VERIFIER_SLICES / 2, held: VERIFIER_SLICES / 2 });
    expect(b.standing).toMatchObject({ instances: 2, share: VERIFIER_SLICES / 2, held: VERIFIER_SLICES / 2 });
    expect(owners(workshop.id, [a, b]).every((names) => names.length === 1)).toBe(true);
    const holders = (await listVerifierLeases(db())).filter((lease) => lease.workshopId === workshop.id).map((lease) => lease.holder);
    expect(holders.filter((holder) => holder === 'a')).toHaveLength(VERIFIER_SLICES / 2);
    expect(holders.filter((holder) => holder === 'b')).toHaveLength(VERIFIER_SLICES / 2);
  });

  it('hands a stopped instance’s slices to the other at its next step', async () => {
    const { workshop, clock } = await fresh();
    const a = keeperFor(db, 'a', clock);
    const b = keeperFor(db, 'b', clock);
    for (let i = 0; i < 3; i += 1) {
      await Promise.all([a.step(), b.step()]);
      clock.now += STEP;
    }
    expect(b.standing.held).toBe(VERIFIER_SLICES / 2);
    await a.stop();
    expect(owners(workshop.id, [a]).flat()).toEqual([]);
    clock.now += 1;
    await b.step();
    expect(b.standing).toMatchObject({ instances: 1, held: VERIFIER_SLICES });
    expect(owners(workshop.id, [a, b]).every((names) => names.join() === 'b')).toBe(true);
  });

  it('takes over a dead instance’s slices within one lease period, and not while its lease runs', async () => {
    const { workshop, clock } = await fresh();
    const a = keeperFor(db, 'a', clock);
    const b = keeperFor(db, 'b', clock);
    for (let i = 0; i < 3; i += 1) {
      await Promise.all([a.step(), b.step()]);
      clock.now += STEP;
    }
    const aSlices = people.filter((person) => a.owns(workshop.id, person));
    expect(aSlices.length).toBeGreaterThan(0);
    // `a` dies right after a step (the worst moment): no release, no more steps.
    await a.step();
    const diedAt = clock.now;
    let takenAt: number | null = null;
    while (clock.now <= diedAt + 2 * LEASE) {
      clock.now += STEP;
      await b.step();
      const bHasAll = aSlices.every((person) => b.owns(workshop.id, person));
      if (clock.now < diedAt + (LEASE - STEP)) {
        // a's lease still runs: b must not have its slices (a could still be checking them).
        expect(aSlices.some((person) => b.owns(workshop.id, person))).toBe(false);
      }
      if (bHasAll) {
        takenAt = clock.now;
        break;
      }
    }
    expect(takenAt).not.toBeNull();
    expect(takenAt! - diedAt).toBeLessThanOrEqual(LEASE);
    // a's own clock stopped it from starting checks before its lease ran out.
    expect(aSlices.some((person) => a.owns(workshop.id, person))).toBe(false);
  });

  it('never gives back a slice with a check in flight, even over its share', async () => {
    const { workshop, clock } = await fresh();
    const busyPerson = people[0]!;
    const busyKey = `${workshop.id}:${sliceOf(busyPerson, VERIFIER_SLICES)}`;
    let busy: string[] = [];
    const a = keeperFor(db, 'a', clock, () => busy);
    const b = keeperFor(db, 'b', clock);
    await a.step();
    busy = [busyKey];
    for (let i = 0; i < 3; i += 1) {
      clock.now += STEP;
      await b.step();
      await a.step();
      expect(a.owns(workshop.id, busyPerson)).toBe(true);
    }
    expect(b.owns(workshop.id, busyPerson)).toBe(false);
    expect(b.standing.held + a.standing.held).toBe(VERIFIER_SLICES);
  });

  it('gives back at once, when stopping, every slice but the one with a check in flight, and that one when it ended', async () => {
    const { workshop, clock } = await fresh();
    const busyPerson = people[0]!;
    let busy = [`${workshop.id}:${sliceOf(busyPerson, VERIFIER_SLICES)}`];
    const a = keeperFor(db, 'a', clock, () => busy);
    const b = keeperFor(db, 'b', clock);
    await a.step();
    await a.halt();
    expect(people.some((person) => a.owns(workshop.id, person))).toBe(false);
    clock.now += 1;
    await b.step();
    expect(b.standing.held).toBe(VERIFIER_SLICES - 1);
    expect(b.owns(workshop.id, busyPerson)).toBe(false);
    busy = [];
    await a.stop();
    clock.now += 1;
    await b.step();
    expect(b.standing).toMatchObject({ instances: 1, held: VERIFIER_SLICES });
  });

  it('claims, beyond its share, slices that nobody took for a whole lease', async () => {
    const { workshop, clock } = await fresh();
    const a = keeperFor(db, 'a', clock);
    // An instance that says it is alive but never claims anything (say, stuck on a long start).
    const stuckSeen = () =>
      db().execute(sql`insert into verifier_instances (id, started_at, seen_at) values ('stuck', ${new Date(clock.now).toISOString()}::timestamptz, ${new Date(clock.now).toISOString()}::timestamptz)
                       on conflict (id) do update set seen_at = excluded.seen_at`);
    await stuckSeen();
    await a.step();
    expect(a.standing).toMatchObject({ instances: 2, held: VERIFIER_SLICES / 2 });
    let steps = 0;
    while (a.standing.held < VERIFIER_SLICES && steps < 20) {
      clock.now += STEP;
      steps += 1;
      await stuckSeen();
      await a.step();
    }
    expect(a.standing.held).toBe(VERIFIER_SLICES);
    expect(steps * STEP).toBeLessThanOrEqual(LEASE);
    expect(owners(workshop.id, [a]).every((names) => names.join() === 'a')).toBe(true);
  });

  it('drops the claims of an earlier run when the database is its own (embedded PGlite)', async () => {
    const { workshop, clock } = await fresh();
    const earlier = keeperFor(db, 'earlier-run', clock);
    await earlier.step();
    const a = new LeaseKeeper({
      instanceId: 'a',
      leaseMs: LEASE,
      slices: VERIFIER_SLICES,
      exclusive: true,
      now: () => clock.now,
      clockInDatabase: false,
      store: {
        sync: (input) => syncVerifierLeases(db(), input),
        release: (id, at, keep) => releaseVerifierLeases(db(), id, at, keep),
        forgetOthers: (id, at) => forgetOtherVerifiers(db(), id, at),
      },
    });
    await a.start();
    try {
      expect(a.standing).toMatchObject({ instances: 1, held: VERIFIER_SLICES });
      expect(owners(workshop.id, [a]).every((names) => names.join() === 'a')).toBe(true);
    } finally {
      await a.stop();
    }
    expect((await listVerifierLeases(db())).every((lease) => lease.holder === null)).toBe(true);
  });
});

it('puts participants in stable, evenly spread slices', () => {
  const counts = new Array<number>(VERIFIER_SLICES).fill(0);
  for (let i = 0; i < 16_000; i += 1) counts[sliceOf(randomUUID(), VERIFIER_SLICES)]! += 1;
  expect(Math.min(...counts)).toBeGreaterThan(800);
  expect(Math.max(...counts)).toBeLessThan(1_200);
  const id = randomUUID();
  expect(sliceOf(id, VERIFIER_SLICES)).toBe(sliceOf(id, VERIFIER_SLICES));
});

it('logs what it holds only when that changes, not at every renewal', async () => {
  const lines: string[] = [];
  const unit = (slice: number) => ({ workshopId: 'w', slice, expiresAt: new Date(0) });
  // The store's answers step by step: takes two, renews them, gives one back and takes it again in one step (same set), takes a third.
  const answers = [
    { held: [unit(0), unit(1)], claimed: [unit(0), unit(1)], released: [] },
    { held: [unit(0), unit(1)], claimed: [], released: [] },
    { held: [unit(0), unit(1)], claimed: [unit(1)], released: [{ workshopId: 'w', slice: 1 }] },
    { held: [unit(0), unit(1), unit(2)], claimed: [unit(2)], released: [] },
  ];
  let step = 0;
  const keeper = new LeaseKeeper({
    instanceId: 'a',
    leaseMs: LEASE,
    slices: VERIFIER_SLICES,
    log: (line) => lines.push(line),
    store: { sync: async () => ({ ...answers[step++]!, instances: 1, share: 3 }), release: async () => 0 },
  });
  for (let i = 0; i < answers.length; i++) await keeper.step();
  expect(lines).toEqual([
    'verifier slices: took 2, gave back 0, hold 2 (1 instance, share 3)',
    'verifier slices: took 1, gave back 0, hold 3 (1 instance, share 3)',
  ]);
});
