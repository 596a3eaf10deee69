import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { listApiKeys, recordApiKey } from './repositories/api-keys';
import { getWorkshopProgress, listBoardPeople, listBoardResults, readBoardChanges } from './repositories/board';
import { getResults, recordResult, resetProgress } from './repositories/checkpoint-results';
import { deleteConnection, getConnection, recordConnectionError, recordConnectionStatus, upsertConnection } from './repositories/connections';
import { appendEvent, listRecentEvents } from './repositories/events';
import { createParticipant, deleteParticipant, removeParticipant, setCurrentChapter, touchParticipants } from './repositories/participants';
import { createWorkshop, getWorkshop } from './repositories/workshops';
import { events, type Participant } from './schema';
import { describeStorage } from './test-backends';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describeStorage('class board', ({ db, queries }) => {
  async function classWith(names: string[]) {
    const workshop = await createWorkshop(db(), { name: 'Board' });
    const attendees: Participant[] = [];
    for (const displayName of names) {
      attendees.push(await createParticipant(db(), { displayName, role: 'attendee', workshopId: workshop.id }));
      await tick();
    }
    const named = (displayName: string) => {
      const found = attendees.find((attendee) => attendee.displayName === displayName);
      if (!found) throw new Error(`no attendee ${displayName}`);
      return found;
    };
    return { workshop, attendees, named };
  }

  it('lists every attendee with each checkpoint’s state and time, and never credentials', async () => {
    const { workshop, named } = await classWith(['Ana', 'Bo', 'Cy', 'Dropped']);
    const ana = named('Ana');
    const bo = named('Bo');
    const cy = named('Cy');
    const dropped = named('Dropped');
    await createParticipant(db(), { displayName: 'Teacher', role: 'instructor', workshopId: workshop.id });
    const elsewhere = await createWorkshop(db(), { name: 'Elsewhere' });
    const stranger = await createParticipant(db(), { displayName: 'Stranger', role: 'attendee', workshopId: elsewhere.id });
    await recordResult(db(), { participantId: stranger.id, checkpointId: 'cluster-connected', state: 'done' });

    await upsertConnection(db(), ana.id, {
      kind: 'practice',
      endpoint: 'http://127.0.0.1:9200',
      authType: 'basic',
      encryptedCredentials: 'ana-secret-blob',
      practiceDeploymentId: 'dep-ana',
    });
    await upsertConnection(db(), bo.id, {
      kind: 'url',
      endpoint: 'https://bo.example.com:9243',
      authType: 'api_key',
      encryptedCredentials: 'bo-secret-blob',
    });
    await recordConnectionError(db(), bo.id, 'unauthorized');
    const anaDone = await recordResult(db(), { participantId: ana.id, checkpointId: 'cluster-connected', state: 'done', detail: '8.15.0' });
    await recordResult(db(), { participantId: ana.id, checkpointId: 'ml-node', state: 'pending' });
    await recordResult(db(), { participantId: bo.id, checkpointId: 'cluster-connected', state: 'error', errorCode: 'unauthorized' });
    await recordResult(db(), { participantId: dropped.id, checkpointId: 'cluster-connected', state: 'done' });
    await removeParticipant(db(), dropped.id);

    const board = await getWorkshopProgress(db(), workshop.id);
    expect(board.map((row) => row.displayName)).toEqual(['Ana', 'Bo', 'Cy']);
    const [anaRow, boRow, cyRow] = board;
    expect(anaRow).toMatchObject({ id: ana.id, currentChapter: 1, connection: { kind: 'practice', endpoint: 'http://127.0.0.1:9200', lastErrorCode: null } });
    expect(anaRow!.checkpoints).toEqual({
      'cluster-connected': { state: 'done', at: anaDone.result.firstDoneAt, detail: '8.15.0', errorCode: null, attempts: 1 },
      'ml-node': expect.objectContaining({ state: 'pending', at: expect.any(Date) }),
    });
    expect(boRow).toMatchObject({ connection: { kind: 'url', lastErrorCode: 'unauthorized' } });
    expect(boRow!.checkpoints['cluster-connected']).toMatchObject({ state: 'error', errorCode: 'unauthorized' });
    expect(cyRow).toMatchObject({ id: cy.id, connection: null, checkpoints: {} });
    expect(JSON.stringify(board)).not.toMatch(/secret-blob|encrypted/i);

    const chapter1Only = await getWorkshopProgress(db(), workshop.id, ['ml-node']);
    expect(Object.keys(chapter1Only[0]!.checkpoints)).toEqual(['ml-node']);
    expect((await getWorkshopProgress(db(), workshop.id, []))[0]!.checkpoints).toEqual({});
  });

  it('reads the board in two queries whatever the class size (no query per attendee)', async () => {
    for (const size of [2, 12]) {
      const { workshop, attendees } = await classWith(Array.from({ length: size }, (_, i) => `A${i}`));
      for (const attendee of attendees) {
        await recordResult(db(), { participantId: attendee.id, checkpointId: 'cluster-connected', state: 'done' });
        await recordResult(db(), { participantId: attendee.id, checkpointId: 'ml-node', state: 'pending' });
      }
      queries.length = 0;
      const board = await getWorkshopProgress(db(), workshop.id);
      expect(queries).toHaveLength(2);
      expect(board).toHaveLength(size);
      expect(board.every((row) => Object.keys(row.checkpoints).length === 2)).toBe(true);
    }
  });

  it('reads the people and results of only the given attendees when asked', async () => {
    const { workshop, named } = await classWith(['Ann', 'Ben', 'Cat']);
    for (const name of ['Ann', 'Ben', 'Cat']) await recordResult(db(), { participantId: named(name).id, checkpointId: 'ml-node', state: 'done' });
    expect((await listBoardPeople(db(), workshop.id, [named('Ben').id])).map((row) => row.displayName)).toEqual(['Ben']);
    expect(await listBoardPeople(db(), workshop.id, [])).toEqual([]);
    const results = await listBoardResults(db(), workshop.id, { participantIds: [named('Ann').id, named('Cat').id] });
    expect(results.map((row) => row.participantId).sort()).toEqual([named('Ann').id, named('Cat').id].sort());
    expect(await listBoardResults(db(), workshop.id, { participantIds: [] })).toEqual([]);
  });

  it('notes in the change feed every write that changes what the board shows of an attendee, and only then', async () => {
    const { workshop, named } = await classWith(['Feed', 'Quiet']);
    const feed = named('Feed');
    const other = await createWorkshop(db(), { name: 'Other class' });
    const stranger = await createParticipant(db(), { displayName: 'Stranger', role: 'attendee', workshopId: other.id });
    const selfPaced = await createParticipant(db(), { displayName: 'Alone', role: 'self_paced' });
    const start = await readBoardChanges(db(), workshop.id);
    expect(start.changes.map((change) => change.participantId).sort()).toEqual([feed.id, named('Quiet').id].sort());

    const writes: [string, 'person' | 'results', () => Promise<unknown>][] = [
      ['touch', 'person', () => touchParticipants(db(), [feed.id], 0)],
      ['chapter', 'person', () => setCurrentChapter(db(), feed.id, 2)],
      ['connect', 'person', () => upsertConnection(db(), feed.id, { kind: 'url', endpoint: 'https://es.example.com', authType: 'basic', encryptedCredentials: 'x' })],
      ['status', 'person', () => recordConnectionStatus(db(), feed.id, { health: 'yellow' })],
      ['error', 'person', () => recordConnectionError(db(), feed.id, 'unauthorized')],
      ['failed connect', 'person', () => appendEvent(db(), { type: 'connect_failed', participantId: feed.id, code: 'unauthorized' })],
      ['disconnect', 'person', () => deleteConnection(db(), feed.id)],
      ['result', 'results', () => recordResult(db(), { participantId: feed.id, checkpointId: 'ml-node', state: 'done' })],
      ['reset', 'results', () => resetProgress(db(), feed.id)],
      ['removal', 'person', () => removeParticipant(db(), feed.id)],
      ['deletion', 'person', () => deleteParticipant(db(), feed.id)],
    ];
    let since = (await readBoardChanges(db(), workshop.id)).readAt;
    for (const [name, kind, write] of writes) {
      await tick();
      await write();
      const read = await readBoardChanges(db(), workshop.id, since);
      expect(read.changes.map((change) => change.participantId), name).toEqual([feed.id]);
      const [change] = read.changes;
      const field = kind === 'person' ? change!.personAt : change!.resultsAt;
      expect(BigInt(field!), name).toBeGreaterThan(BigInt(since.getTime()) * 1000n);
      since = read.readAt;
    }
    // Events that are not connect attempts, other classes and self-paced learners leave the feed alone.
    await tick();
    await appendEvent(db(), { type: 'chapter_changed', participantId: named('Quiet').id, workshopId: workshop.id });
    await recordResult(db(), { participantId: stranger.id, checkpointId: 'ml-node', state: 'done' });
    await recordResult(db(), { participantId: selfPaced.id, checkpointId: 'ml-node', state: 'done' });
    expect((await readBoardChanges(db(), workshop.id, since)).changes).toEqual([]);
  });

  it('deletes everything of a deleted participant and nothing of anyone else', async () => {
    const { workshop, named } = await classWith(['Goes', 'Stays']);
    const goes = named('Goes');
    const stays = named('Stays');
    for (const person of [goes, stays]) {
      await upsertConnection(db(), person.id, { kind: 'url', endpoint: 'https://es.example.com', authType: 'basic', encryptedCredentials: 'x' });
      await recordResult(db(), { participantId: person.id, checkpointId: 'cluster-connected', state: 'done' });
      await appendEvent(db(), { type: 'joined', participantId: person.id, workshopId: workshop.id });
      await recordApiKey(db(), { participantId: person.id, esKeyId: `key-${person.id}`, name: 'metricbeat', purpose: 'metricbeat' });
    }
    await appendEvent(db(), { type: 'workshop_updated', workshopId: workshop.id });

    expect(await deleteParticipant(db(), goes.id)).toBe(true);
    expect(await getConnection(db(), goes.id)).toBeUndefined();
    expect(await getResults(db(), goes.id)).toEqual([]);
    expect(await listApiKeys(db(), goes.id, { includeInvalidated: true })).toEqual([]);
    expect(await db().select().from(events).where(eq(events.participantId, goes.id))).toEqual([]);

    expect(await getConnection(db(), stays.id)).toBeDefined();
    expect(await getResults(db(), stays.id)).toHaveLength(1);
    expect(await listApiKeys(db(), stays.id)).toHaveLength(1);
    expect((await listRecentEvents(db(), workshop.id)).map((event) => event.type)).toEqual(['workshop_updated', 'joined']);
    expect(await getWorkshop(db(), workshop.id)).toBeDefined();
  });
});
