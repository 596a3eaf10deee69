import { expect, it } from 'vitest';
import { createDb } from './client';
import { getResults, recordResult, recordResults, resetProgress } from './repositories/checkpoint-results';
import { createParticipant } from './repositories/participants';
import { type CheckpointState } from './schema';
import { describeStorage } from './test-backends';

const CHAPTER_1 = ['cluster-connected', 'ml-node', 'licence-ok', 'sample-data'];

describeStorage('checkpoint results', ({ db, backend, config }) => {
  async function newParticipant() {
    return createParticipant(db(), { displayName: 'Learner', role: 'attendee' });
  }

  it('records pending and error results, counting attempts', async () => {
    const { id } = await newParticipant();
    const first = await recordResult(db(), { participantId: id, checkpointId: 'ml-node', state: 'pending', detail: 'no ML node yet' });
    expect(first).toMatchObject({ applied: true, becameDone: false });
    expect(first.result).toMatchObject({ state: 'pending', detail: 'no ML node yet', errorCode: null, attempts: 1, firstDoneAt: null });

    const second = await recordResult(db(), { participantId: id, checkpointId: 'ml-node', state: 'error', errorCode: 'unauthorized' });
    expect(second.result).toMatchObject({ state: 'error', detail: null, errorCode: 'unauthorized', attempts: 2 });
  });

  it('keeps a done checkpoint done whatever is recorded later', async () => {
    const { id } = await newParticipant();
    await recordResult(db(), { participantId: id, checkpointId: 'sample-data', state: 'error', errorCode: 'timeout' });
    const done = await recordResult(db(), { participantId: id, checkpointId: 'sample-data', state: 'done', detail: '3 sample indices' });
    expect(done).toMatchObject({ applied: true, becameDone: true });
    expect(done.result).toMatchObject({ state: 'done', detail: '3 sample indices', errorCode: null, attempts: 2 });
    expect(done.result.firstDoneAt).toBeInstanceOf(Date);

    for (const state of ['pending', 'error', 'done'] as const) {
      const later = await recordResult(db(), { participantId: id, checkpointId: 'sample-data', state, errorCode: 'index_missing' });
      expect(later).toMatchObject({ applied: false, becameDone: false });
      expect(later.result).toEqual(done.result);
    }
    expect(await getResults(db(), id, ['sample-data'])).toEqual([done.result]);
  });

  it("writes a chapter's results in one call, each by the same rule: a done one stays done", async () => {
    const { id } = await newParticipant();
    await recordResult(db(), { participantId: id, checkpointId: 'licence-ok', state: 'done', detail: 'trial' });
    const outcomes = await recordResults(db(), id, [
      { checkpointId: 'sample-data', state: 'pending' },
      { checkpointId: 'cluster-connected', state: 'done', detail: 'lab · 8.15.0' },
      { checkpointId: 'licence-ok', state: 'pending', detail: 'basic (active)' },
      { checkpointId: 'ml-node', state: 'error', errorCode: 'timeout' },
    ]);
    expect([...outcomes.keys()].sort()).toEqual([...CHAPTER_1].sort());
    expect(outcomes.get('cluster-connected')).toMatchObject({ applied: true, becameDone: true, result: { state: 'done', detail: 'lab · 8.15.0' } });
    expect(outcomes.get('licence-ok')).toMatchObject({ applied: false, becameDone: false, result: { state: 'done', detail: 'trial' } });
    expect(outcomes.get('ml-node')).toMatchObject({ applied: true, becameDone: false, result: { state: 'error', errorCode: 'timeout' } });
    expect((await getResults(db(), id, CHAPTER_1)).map((row) => [row.checkpointId, row.state])).toEqual([
      ['cluster-connected', 'done'],
      ['licence-ok', 'done'],
      ['ml-node', 'error'],
      ['sample-data', 'pending'],
    ]);
    // Two callers racing on the same chapter: each checkpoint becomes done for exactly one of them.
    const { id: racer } = await newParticipant();
    const all = CHAPTER_1.map((checkpointId) => ({ checkpointId, state: 'done' as const }));
    const raced = await Promise.all(Array.from({ length: 6 }, () => recordResults(db(), racer, all)));
    for (const checkpointId of CHAPTER_1) expect(raced.filter((outcome) => outcome.get(checkpointId)?.becameDone)).toHaveLength(1);
  });

  it('reports the transition to done exactly once when writers race', async () => {
    const { id } = await newParticipant();
    const states: CheckpointState[] = Array.from({ length: 40 }, (_, i) => (i % 8 === 3 ? 'done' : i % 2 ? 'error' : 'pending'));
    const outcomes = await Promise.all(
      states.map((state) => recordResult(db(), { participantId: id, checkpointId: 'licence-ok', state, errorCode: state === 'error' ? 'rate_limited' : null })),
    );
    expect(outcomes.filter((outcome) => outcome.becameDone)).toHaveLength(1);
    const [stored] = await getResults(db(), id, ['licence-ok']);
    expect(stored).toMatchObject({ state: 'done', errorCode: null });

    await Promise.all(Array.from({ length: 10 }, () => recordResult(db(), { participantId: id, checkpointId: 'licence-ok', state: 'pending' })));
    expect(await getResults(db(), id, ['licence-ok'])).toEqual([stored]);
  });

  it.runIf(backend.name === 'postgres')('stays done when two app instances race on one PostgreSQL', async () => {
    const { id } = await newParticipant();
    const [one, two] = await Promise.all([createDb(config()), createDb(config())]);
    try {
      const rounds = Array.from({ length: 30 }, (_, i) => i);
      const outcomes = await Promise.all(
        rounds.flatMap((i) => [
          recordResult(one.db, { participantId: id, checkpointId: 'cluster-connected', state: i === 7 ? 'done' : 'pending' }),
          recordResult(two.db, { participantId: id, checkpointId: 'cluster-connected', state: i === 21 ? 'done' : 'error', errorCode: 'timeout' }),
        ]),
      );
      expect(outcomes.filter((outcome) => outcome.becameDone)).toHaveLength(1);
      expect((await getResults(db(), id, ['cluster-connected']))[0]).toMatchObject({ state: 'done' });
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('returns a chapter’s results and nothing for an empty list', async () => {
    const { id } = await newParticipant();
    for (const checkpointId of [...CHAPTER_1, 'metricbeat-setup']) {
      await recordResult(db(), { participantId: id, checkpointId, state: 'pending' });
    }
    expect((await getResults(db(), id, CHAPTER_1)).map((result) => result.checkpointId).sort()).toEqual([...CHAPTER_1].sort());
    expect(await getResults(db(), id, [])).toEqual([]);
    expect(await getResults(db(), id)).toHaveLength(5);
  });

  it('goes back to pending only through the instructor’s reset', async () => {
    const { id } = await newParticipant();
    const other = await newParticipant();
    for (const participantId of [id, other.id]) {
      await recordResult(db(), { participantId, checkpointId: 'cluster-connected', state: 'done' });
      await recordResult(db(), { participantId, checkpointId: 'ml-node', state: 'done' });
    }
    expect(await resetProgress(db(), id, ['ml-node'])).toBe(1);
    expect((await getResults(db(), id)).map((result) => result.checkpointId)).toEqual(['cluster-connected']);
    expect(await resetProgress(db(), id, [])).toBe(0);
    expect(await resetProgress(db(), id)).toBe(1);
    expect(await getResults(db(), id)).toEqual([]);
    expect(await getResults(db(), other.id)).toHaveLength(2);

    const again = await recordResult(db(), { participantId: id, checkpointId: 'cluster-connected', state: 'pending' });
    expect(again).toMatchObject({ applied: true, result: { state: 'pending', attempts: 1, firstDoneAt: null } });
  });
});
