import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackgroundVerifier, type BackgroundVerifierOptions, type ChapterOutcome, type VerifyTask } from './background-verifier';

const INTERVAL = 15_000;

function task(n: number, overrides: Partial<VerifyTask> = {}): VerifyTask {
  return { participantId: `p${n}`, workshopId: 'w1', clusterKey: `cluster-${n}`, connectionKey: `conn-${n}`, chapters: [1], ...overrides };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function verifier(overrides: Partial<BackgroundVerifierOptions> & Pick<BackgroundVerifierOptions, 'listTasks' | 'verifyChapter'>) {
  return new BackgroundVerifier({ intervalMs: INTERVAL, concurrency: 4, perCluster: 2, maxBackoffMs: 8 * INTERVAL, ...overrides });
}

describe('BackgroundVerifier', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('checks every task once per interval after start, and nothing after stop', async () => {
    const checked: string[] = [];
    const bv = verifier({
      listTasks: async () => [task(1), task(2, { chapters: [1, 2, 3] })],
      verifyChapter: async (t, chapter) => {
        checked.push(`${t.participantId}:${chapter}`);
        return { ok: true };
      },
    });
    bv.start();
    await vi.advanceTimersByTimeAsync(INTERVAL - 1);
    expect(checked).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(checked.sort()).toEqual(['p1:1', 'p2:1', 'p2:2', 'p2:3']);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(checked).toHaveLength(8);
    await bv.stop();
    await vi.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(checked).toHaveLength(8);
    expect(bv.started).toBe(false);
  });

  it('checks the chapter an attendee is on every round and their other open chapters in one round of four, spread over the class', async () => {
    const checked: string[] = [];
    const attendees = Array.from({ length: 40 }, (_, i) => task(i, { chapters: [1, 2, 4], currentChapter: 4 }));
    const bv = verifier({
      listTasks: async () => attendees,
      verifyChapter: async (t, chapter) => {
        checked.push(`${t.participantId}:${chapter}`);
        return { ok: true };
      },
    });
    const reports = [];
    for (let round = 0; round < 4; round += 1) reports.push(await bv.runRound());
    const count = (id: string, chapter: number) => checked.filter((entry) => entry === `${id}:${chapter}`).length;
    for (const attendee of attendees) {
      expect(count(attendee.participantId, 4)).toBe(4);
      expect(count(attendee.participantId, 1)).toBe(1);
      expect(count(attendee.participantId, 2)).toBe(1);
    }
    // Spread: no round carries all the other chapters (each attendee's turn comes from their id).
    const perRound = reports.map((report) => report.checked);
    expect(perRound).toEqual([40, 40, 40, 40]);
    expect(checked.length).toBe(40 * 4 + 40 * 2);
    expect(new Set(attendees.map((a) => bv.chaptersDue(a, 0).length)).size).toBe(2);
  });

  it('leaves out an attendee whose only open chapters are ones they are not on, until their turn', async () => {
    const checked: number[] = [];
    const bv = verifier({
      otherChaptersEvery: 3,
      listTasks: async () => [task(7, { chapters: [1, 2], currentChapter: 5 })],
      verifyChapter: async (_t, chapter) => {
        checked.push(chapter);
        return { ok: true };
      },
    });
    const reports = [await bv.runRound(), await bv.runRound(), await bv.runRound()];
    expect(reports.map((report) => report.checked).sort()).toEqual([0, 0, 1]);
    expect(reports.map((report) => report.deferred).sort()).toEqual([0, 1, 1]);
    expect(checked).toEqual([1, 2]);
  });

  it('checks every open chapter every round without a current chapter, or with otherChaptersEvery 1', async () => {
    const bv = verifier({ otherChaptersEvery: 1, listTasks: async () => [], verifyChapter: async () => ({ ok: true }) });
    expect(bv.chaptersDue(task(1, { chapters: [1, 3], currentChapter: 3 }), 1)).toEqual([1, 3]);
    const fourRounds = verifier({ listTasks: async () => [], verifyChapter: async () => ({ ok: true }) });
    expect([0, 1, 2, 3].map((round) => fourRounds.chaptersDue(task(1, { chapters: [1, 3] }), round))).toEqual([[1, 3], [1, 3], [1, 3], [1, 3]]);
  });

  it('never overlaps rounds: a slow round delays the next, which then starts at once', async () => {
    const gate = deferred<ChapterOutcome>();
    let rounds = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const bv = verifier({
      listTasks: async () => {
        rounds += 1;
        return [task(1)];
      },
      verifyChapter: async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const outcome = rounds === 1 ? await gate.promise : { ok: true as const };
        inFlight -= 1;
        return outcome;
      },
    });
    bv.start();
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(rounds).toBe(1);
    await vi.advanceTimersByTimeAsync(3 * INTERVAL);
    expect(rounds).toBe(1);
    gate.resolve({ ok: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(rounds).toBe(2);
    expect(maxInFlight).toBe(1);
    await bv.stop();
  });

  it('runs at most `concurrency` checks at once, and at most `perCluster` against one cluster', async () => {
    const running = new Map<string, number>();
    let total = 0;
    let maxTotal = 0;
    const maxPerCluster = new Map<string, number>();
    const tasks = [
      ...Array.from({ length: 6 }, (_, i) => task(i, { clusterKey: 'shared-cloud' })),
      ...Array.from({ length: 6 }, (_, i) => task(100 + i)),
    ];
    const bv = verifier({
      listTasks: async () => tasks,
      verifyChapter: async (t) => {
        total += 1;
        running.set(t.clusterKey, (running.get(t.clusterKey) ?? 0) + 1);
        maxTotal = Math.max(maxTotal, total);
        maxPerCluster.set(t.clusterKey, Math.max(maxPerCluster.get(t.clusterKey) ?? 0, running.get(t.clusterKey)!));
        await new Promise((resolve) => setTimeout(resolve, 100));
        total -= 1;
        running.set(t.clusterKey, running.get(t.clusterKey)! - 1);
        return { ok: true };
      },
    });
    const round = bv.runRound();
    await vi.advanceTimersByTimeAsync(10_000);
    const report = await round;
    expect(report).toMatchObject({ tasks: 12, checked: 12, failed: 0, backingOff: 0 });
    expect(maxTotal).toBe(4);
    expect(maxPerCluster.get('shared-cloud')).toBe(2);
    expect(Math.max(...[...maxPerCluster.entries()].filter(([key]) => key !== 'shared-cloud').map(([, n]) => n))).toBe(1);
  });

  it('backs a failing connection off exponentially (2, 4, 8 intervals, capped), and a success resets it', async () => {
    const attempts: number[] = [];
    let healthy = false;
    const bv = verifier({
      maxBackoffMs: 8 * INTERVAL,
      listTasks: async () => [task(1)],
      verifyChapter: async () => {
        attempts.push(Date.now());
        return healthy ? { ok: true } : { ok: false, code: 'cluster_unavailable' };
      },
    });
    const start = Date.now();
    bv.start();
    await vi.advanceTimersByTimeAsync(40 * INTERVAL);
    const rounds = attempts.map((at) => Math.round((at - start) / INTERVAL));
    // Tried at round 1, then after 2, 4, 8 intervals, then every 8 (the cap).
    expect(rounds.slice(0, 6)).toEqual([1, 3, 7, 15, 23, 31]);
    expect(bv.backoffOf('conn-1')).toMatchObject({ code: 'cluster_unavailable' });

    healthy = true;
    await vi.advanceTimersByTimeAsync(8 * INTERVAL);
    expect(bv.backoffOf('conn-1')).toBeUndefined();
    const before = attempts.length;
    await vi.advanceTimersByTimeAsync(3 * INTERVAL);
    expect(attempts.length - before).toBe(3);
    await bv.stop();
  });

  it('backs off twice as far on a rate limit, and forgets the back-off of a replaced connection', async () => {
    let connectionKey = 'conn-old';
    const seen: string[] = [];
    const bv = verifier({
      listTasks: async () => [task(1, { connectionKey })],
      verifyChapter: async (t) => {
        seen.push(t.connectionKey);
        return t.connectionKey === 'conn-old' ? { ok: false, code: 'rate_limited' } : { ok: true };
      },
    });
    await bv.runRound();
    expect(bv.backoffOf('conn-old')).toMatchObject({ failures: 2, code: 'rate_limited' });
    await vi.advanceTimersByTimeAsync(3 * INTERVAL);
    await bv.runRound();
    expect(seen).toEqual(['conn-old']);

    connectionKey = 'conn-new';
    const report = await bv.runRound();
    expect(report).toMatchObject({ checked: 1, failed: 0 });
    expect(seen).toEqual(['conn-old', 'conn-new']);
    expect(bv.backoffOf('conn-old')).toBeUndefined();
  });

  it('stops at the first failing chapter and counts a thrown error as a failure', async () => {
    const checked: number[] = [];
    const bv = verifier({
      listTasks: async () => [task(1, { chapters: [1, 2, 3] })],
      verifyChapter: async (_t, chapter) => {
        checked.push(chapter);
        if (chapter === 2) throw new Error('database went away');
        return { ok: true };
      },
      log: () => undefined,
    });
    const report = await bv.runRound();
    expect(checked).toEqual([1, 2]);
    expect(report).toMatchObject({ checked: 1, failed: 1 });
    expect(bv.backoffOf('conn-1')).toMatchObject({ failures: 1, code: 'internal' });
  });

  it('stop() waits for the checks in flight and starts no new ones', async () => {
    const gate = deferred<ChapterOutcome>();
    const started: string[] = [];
    const bv = verifier({
      concurrency: 1,
      listTasks: async () => [task(1), task(2), task(3)],
      verifyChapter: async (t) => {
        started.push(t.participantId);
        return gate.promise;
      },
    });
    bv.start();
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(started).toEqual(['p1']);
    let stopped = false;
    const stopping = bv.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    gate.resolve({ ok: true });
    await stopping;
    expect(started).toEqual(['p1']);
  });

  it('asks before each check whether the attendee is still its own, and reports what it hands off and checks', async () => {
    const gate = deferred<ChapterOutcome>();
    const owned = new Set(['p1', 'p2', 'p3']);
    const started: string[] = [];
    const reported: { participantId: string; ok: boolean }[] = [];
    const bv = verifier({
      concurrency: 1,
      listTasks: async () => [task(1), task(2), task(3)],
      owns: (t) => owned.has(t.participantId),
      verifyChapter: async (t) => {
        started.push(t.participantId);
        return t.participantId === 'p1' ? gate.promise : { ok: false, code: 'timeout' };
      },
      onChecked: (t, check) => reported.push({ participantId: t.participantId, ok: check.ok }),
    });
    const round = bv.runRound();
    await vi.advanceTimersByTimeAsync(0);
    expect(bv.busy().map((t) => t.participantId)).toEqual(['p1']);
    // Another instance took p2's slice while p1 was being checked.
    owned.delete('p2');
    gate.resolve({ ok: true });
    const report = await round;
    expect(started).toEqual(['p1', 'p3']);
    expect(report).toMatchObject({ tasks: 3, checked: 2, handedOff: 1, failed: 1 });
    expect(reported).toEqual([
      { participantId: 'p1', ok: true },
      { participantId: 'p3', ok: false },
    ]);
    expect(bv.busy()).toEqual([]);
  });

  it('keeps going after a round whose task list could not be read', async () => {
    let calls = 0;
    const logged: string[] = [];
    const bv = verifier({
      listTasks: async () => {
        calls += 1;
        if (calls === 1) throw new Error('connection refused');
        return [];
      },
      verifyChapter: async () => ({ ok: true }),
      log: (message) => logged.push(message),
    });
    bv.start();
    await vi.advanceTimersByTimeAsync(2 * INTERVAL);
    expect(calls).toBe(2);
    expect(logged[0]).toMatch(/connection refused/);
    await bv.stop();
  });
});
