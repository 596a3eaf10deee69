import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { listApiKeys, recordApiKey } from './repositories/api-keys';
import { getCompletionCounts, getWorkshopProgress } from './repositories/board';
import { getResults, recordResult } from './repositories/checkpoint-results';
import { getConnection, recordConnectionError, upsertConnection } from './repositories/connections';
import { appendEvent, listRecentEvents } from './repositories/events';
import { createParticipant, deleteParticipant, removeParticipant } from './repositories/participants';
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

  it('counts, per checkpoint, how many attendees are done', async () => {
    const { workshop, attendees } = await classWith(['P', 'Q', 'R']);
    for (const [i, attendee] of attendees.entries()) {
      await recordResult(db(), { participantId: attendee.id, checkpointId: 'cluster-connected', state: 'done' });
      await recordResult(db(), { participantId: attendee.id, checkpointId: 'ml-node', state: i === 0 ? 'done' : 'error', errorCode: 'no_ml_node' });
    }
    expect(await getCompletionCounts(db(), workshop.id)).toEqual({ attendees: 3, done: { 'cluster-connected': 3, 'ml-node': 1 } });
    const empty = await createWorkshop(db(), { name: 'Empty' });
    expect(await getCompletionCounts(db(), empty.id)).toEqual({ attendees: 0, done: {} });
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
