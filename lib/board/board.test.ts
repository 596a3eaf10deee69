import { expect, it } from 'vitest';
import { ClusterClientCache } from '../cluster/cache';
import { EndpointPolicy } from '../cluster/endpoint-policy';
import { appendEvent, getConnection, getParticipant, getResults, listRecentEvents, recordResult, upsertConnection } from '../db/index';
import { createParticipant, setCurrentChapter } from '../db/repositories/participants';
import { describeStorage } from '../db/test-backends';
import { parseServerEnv } from '../env';
import { AppError } from '../errors';
import type { AppContext } from '../server/context';
import {
  createInstructorWorkshop,
  listInstructorWorkshops,
  removeAttendee,
  resetAttendee,
  updateInstructorWorkshop,
} from '../workshops';
import { parseCsv } from './csv';
import { progressCsv } from './progress-view';
import { attendeeDetail, workshopCounts, workshopProgress } from './service';
import { clusterKeyOf, listVerifyTasks, openChapters } from './start';

async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
}

describeStorage('class board', ({ db }) => {
  const ctx = (): AppContext =>
    ({
      env: parseServerEnv({}),
      db: db(),
      secrets: { authSecret: 'x'.repeat(32), credentialsKey: Buffer.alloc(32) },
      policy: new EndpointPolicy({ allowList: [], practiceUrls: [] }),
      clients: new ClusterClientCache(),
      practiceUrl: null,
    }) as unknown as AppContext;

  async function instructor(name = 'Teacher') {
    return createParticipant(db(), { displayName: name, role: 'instructor' });
  }

  async function classroom(names: string[]) {
    const teacher = await instructor();
    const workshop = await createInstructorWorkshop(ctx(), teacher.id, { name: 'Logging 101', clusterMode: 'practice' });
    const attendees = [];
    for (const displayName of names) {
      // Joining order is by creation time, and PGlite's clock can give two quick inserts the same
      // millisecond (the tie then falls to the random id): join a moment apart, as people do.
      if (attendees.length > 0) await new Promise((resolve) => setTimeout(resolve, 3));
      attendees.push(await createParticipant(db(), { displayName, role: 'attendee', workshopId: workshop.id }));
    }
    return { teacher, workshop, attendees };
  }

  const connect = (participantId: string, extra: { kind?: 'practice' | 'url'; endpoint?: string; deployment?: string } = {}) =>
    upsertConnection(db(), participantId, {
      kind: extra.kind ?? 'practice',
      endpoint: extra.endpoint ?? 'http://127.0.0.1:9257',
      authType: 'basic',
      encryptedCredentials: 'v1.sealed-secret-blob',
      practiceDeploymentId: extra.deployment ?? `dep-${participantId.slice(0, 6)}`,
    });

  it('shows an instructor only their own workshops: someone else’s is not found, whatever the route', async () => {
    const { workshop, attendees } = await classroom(['Ana']);
    const other = await instructor('Other');
    await expectCode(workshopProgress(ctx(), other.id, workshop.id), 'not_found');
    await expectCode(workshopCounts(ctx(), other.id, workshop.id), 'not_found');
    await expectCode(updateInstructorWorkshop(ctx(), other.id, workshop.id, { status: 'closed' }), 'not_found');
    await expectCode(removeAttendee(ctx(), other.id, workshop.id, attendees[0]!.id), 'not_found');
    await expectCode(resetAttendee(ctx(), other.id, workshop.id, attendees[0]!.id), 'not_found');
    await expectCode(attendeeDetail(ctx(), other.id, workshop.id, attendees[0]!.id, 'en'), 'not_found');
    await expectCode(workshopProgress(ctx(), other.id, 'not-a-uuid'), 'not_found');
    expect(await listInstructorWorkshops(ctx(), other.id)).toEqual([]);
  });

  it('edits, closes and reopens a workshop, and lists it with its attendee count', async () => {
    const { teacher, workshop } = await classroom(['Ana', 'Bo']);
    const edited = await updateInstructorWorkshop(ctx(), teacher.id, workshop.id, { name: 'Logging 102', date: '2026-12-01', code: 'elk-2026' });
    expect(edited).toMatchObject({ name: 'Logging 102', date: '2026-12-01', code: 'ELK2026', status: 'open' });
    const taken = await createInstructorWorkshop(ctx(), teacher.id, { name: 'Other class' });
    await expectCode(updateInstructorWorkshop(ctx(), teacher.id, taken.id, { code: 'ELK2026' }), 'invalid_request');
    await expectCode(updateInstructorWorkshop(ctx(), teacher.id, taken.id, { code: 'no!' }), 'invalid_request');

    const closed = await updateInstructorWorkshop(ctx(), teacher.id, workshop.id, { status: 'closed' });
    expect(closed.status).toBe('closed');
    expect(closed.closedAt).not.toBeNull();
    const reopened = await updateInstructorWorkshop(ctx(), teacher.id, workshop.id, { status: 'open' });
    expect(reopened).toMatchObject({ status: 'open', closedAt: null });
    const types = (await listRecentEvents(db(), workshop.id)).map((event) => event.type);
    expect(types).toEqual(['workshop_updated', 'workshop_closed', 'workshop_updated', 'workshop_created']);

    const list = await listInstructorWorkshops(ctx(), teacher.id);
    expect(list.map((row) => [row.name, row.attendees])).toEqual([
      ['Other class', 0],
      ['Logging 102', 2],
    ]);
  });

  it('removes an attendee: off the board, credentials gone, session refused; the record stays', async () => {
    const { teacher, workshop, attendees } = await classroom(['Ana', 'Bo']);
    const [ana, bo] = attendees;
    await connect(ana!.id);
    await recordResult(db(), { participantId: ana!.id, checkpointId: 'cluster-connected', state: 'done' });
    expect(await removeAttendee(ctx(), teacher.id, workshop.id, ana!.id)).toEqual({ removed: true });
    expect((await getParticipant(db(), ana!.id))?.removedAt).not.toBeNull();
    expect(await getConnection(db(), ana!.id)).toBeUndefined();
    expect(await getResults(db(), ana!.id)).toHaveLength(1);
    await expectCode(removeAttendee(ctx(), teacher.id, workshop.id, ana!.id), 'not_found');
    const progress = await workshopProgress(ctx(), teacher.id, workshop.id);
    expect(progress.attendees.map((row) => row.name)).toEqual(['Bo']);
    expect((await listRecentEvents(db(), workshop.id, { types: ['participant_removed'] }))[0]).toMatchObject({ participantId: ana!.id });

    const elsewhere = await classroom(['Stranger']);
    await expectCode(removeAttendee(ctx(), teacher.id, workshop.id, elsewhere.attendees[0]!.id), 'not_found');
    await expectCode(removeAttendee(ctx(), teacher.id, workshop.id, teacher.id), 'not_found');
    expect(bo).toBeDefined();
  });

  it('resets an attendee’s progress (all, or chosen checkpoints): the only way a done checkpoint goes back', async () => {
    const { teacher, workshop, attendees } = await classroom(['Ana']);
    const ana = attendees[0]!;
    for (const id of ['cluster-connected', 'ml-node', 'licence-ok']) await recordResult(db(), { participantId: ana.id, checkpointId: id, state: 'done' });
    expect(await resetAttendee(ctx(), teacher.id, workshop.id, ana.id, ['ml-node'])).toEqual({ reset: 1 });
    expect((await getResults(db(), ana.id)).map((row) => row.checkpointId)).toEqual(['cluster-connected', 'licence-ok']);
    expect(await resetAttendee(ctx(), teacher.id, workshop.id, ana.id)).toEqual({ reset: 2 });
    expect(await getResults(db(), ana.id)).toEqual([]);
    expect((await listRecentEvents(db(), workshop.id, { types: ['progress_reset'] })).length).toBe(2);
  });

  it('builds the board: every checkpoint of every attendee, counts, stuck groups, CSV, and never credentials', async () => {
    const { teacher, workshop, attendees } = await classroom(['Ana', 'Kim, "JM"', 'Cy']);
    const [ana, kim, cy] = attendees;
    await connect(ana!.id);
    await connect(kim!.id, { kind: 'url', endpoint: 'https://kim.es.example.com:9243' });
    await recordResult(db(), { participantId: ana!.id, checkpointId: 'cluster-connected', state: 'done', detail: 'lab · 8.15.0' });
    await recordResult(db(), { participantId: kim!.id, checkpointId: 'cluster-connected', state: 'done' });
    await recordResult(db(), { participantId: kim!.id, checkpointId: 'ml-node', state: 'error', errorCode: 'timeout' });
    for (let i = 0; i < 3; i += 1) await appendEvent(db(), { type: 'connect_failed', participantId: cy!.id, code: 'unauthorized' });

    const progress = await workshopProgress(ctx(), teacher.id, workshop.id);
    expect(progress.attendees.map((row) => [row.name, row.done])).toEqual([
      ['Ana', 1],
      ['Kim, "JM"', 1],
      ['Cy', 0],
    ]);
    expect(Object.keys(progress.attendees[0]!.checkpoints)).toHaveLength(17);
    expect(progress.attendees[0]!.checkpoints['cluster-connected']).toMatchObject({ state: 'done', detail: 'lab · 8.15.0', at: expect.any(String) });
    expect(progress.attendees[0]!.checkpoints['ml-node']).toEqual({ state: 'pending', at: null, detail: null, code: null });
    expect(progress.attendees[1]!.connection).toMatchObject({ kind: 'url', host: 'kim.es.example.com:9243', state: 'ok' });
    expect(progress.counts).toEqual({ attendees: 3, done: { 'cluster-connected': 2 } });
    expect(progress.checkpoints.filter((c) => c.automatic).map((c) => c.id)).toEqual([
      'cluster-connected', 'ml-node', 'licence-ok', 'sample-data', 'metricbeat-setup', 'metricbeat-data', 'filebeat-setup', 'filebeat-auth-data', 'ssh-attempt-seen',
      'highcpu-watch-created', 'highcpu-watch-fired', 'ssh-watch-created', 'ssh-watch-fired',
      'flights-imported', 'ml-job-created', 'ml-job-ran', 'ml-anomalies-found',
    ]);
    expect(progress.attendees[2]!.stuck).toMatchObject({ kind: 'repeated_error', code: 'unauthorized', count: 3 });
    expect(progress.stuck.groups).toEqual([{ key: 'error:unauthorized', kind: 'repeated_error', code: 'unauthorized', checkpointId: null, attendeeIds: [cy!.id] }]);
    expect(JSON.stringify(progress)).not.toMatch(/sealed-secret-blob|encrypted|password/i);

    const rows = parseCsv(progressCsv(progress));
    expect(rows[0]).toEqual(['attendee', 'attendee_id', 'chapter', 'checkpoint', 'state', 'time', 'detail', 'code']);
    expect(rows).toHaveLength(1 + 3 * 17);
    expect(rows[1]).toEqual(['Ana', ana!.id, '1', 'cluster-connected', 'done', expect.stringMatching(/^\d{4}-/), 'lab · 8.15.0', '']);
    expect(rows.find((row) => row[0] === 'Kim, "JM"' && row[3] === 'ml-node')).toEqual(['Kim, "JM"', kim!.id, '1', 'ml-node', 'error', expect.any(String), '', 'timeout']);

    expect(await workshopCounts(ctx(), teacher.id, workshop.id)).toMatchObject({ attendees: 3, done: { 'cluster-connected': 2 }, workshop: { code: workshop.code } });
  });

  it('drills into an attendee: connection host and status, the latest error explained, recent events', async () => {
    const { teacher, workshop, attendees } = await classroom(['Ana']);
    const ana = attendees[0]!;
    await appendEvent(db(), { type: 'connect_failed', participantId: ana.id, code: 'unauthorized' });
    let detail = await attendeeDetail(ctx(), teacher.id, workshop.id, ana.id, 'en');
    expect(detail.attendee.connection).toBeNull();
    expect(detail.lastError).toMatchObject({ code: 'unauthorized', source: 'connect', message: expect.any(String), hint: expect.any(String) });
    expect(detail.events.map((event) => event.type)).toEqual(['connect_failed']);

    await new Promise((resolve) => setTimeout(resolve, 5));
    await connect(ana.id, { kind: 'url', endpoint: 'https://ana.es.example.com' });
    await appendEvent(db(), { type: 'chapter_changed', participantId: ana.id, workshopId: workshop.id, detail: { chapter: 2, from: 1 } });
    await recordResult(db(), { participantId: ana.id, checkpointId: 'metricbeat-data', state: 'error', errorCode: 'index_missing' });
    detail = await attendeeDetail(ctx(), teacher.id, workshop.id, ana.id, 'ko');
    expect(detail.attendee.connection).toMatchObject({ host: 'ana.es.example.com', kind: 'url' });
    expect(detail.lastError).toMatchObject({ code: 'index_missing', source: 'checkpoint', checkpointId: 'metricbeat-data' });
    expect(detail.events[0]).toEqual({ type: 'chapter_changed', at: expect.any(String), checkpointId: null, code: null, chapter: 2 });
    expect(JSON.stringify(detail)).not.toMatch(/sealed-secret-blob/);
  });

  it('gives the background verifier each connected attendee of an open workshop with the chapters still open', async () => {
    const { teacher, workshop, attendees } = await classroom(['Ana', 'Bo', 'Cy', 'Gone']);
    const [ana, bo, cy, gone] = attendees;
    const anaConnection = await connect(ana!.id, { deployment: 'dep-ana' });
    await connect(bo!.id, { kind: 'url', endpoint: 'https://shared.es.example.com:443' });
    await connect(gone!.id);
    for (const id of ['cluster-connected', 'ml-node', 'licence-ok', 'sample-data', 'metricbeat-setup', 'metricbeat-data']) {
      await recordResult(db(), { participantId: ana!.id, checkpointId: id, state: 'done' });
    }
    await setCurrentChapter(db(), ana!.id, 4);
    await removeAttendee(ctx(), teacher.id, workshop.id, gone!.id);
    const closedClass = await classroom(['Dee']);
    await connect(closedClass.attendees[0]!.id);
    await updateInstructorWorkshop(ctx(), closedClass.teacher.id, closedClass.workshop.id, { status: 'closed' });

    const tasks = (await listVerifyTasks(ctx())).filter((task) => task.workshopId === workshop.id || task.workshopId === closedClass.workshop.id);
    expect(tasks).toEqual([
      { participantId: ana!.id, workshopId: workshop.id, clusterKey: 'practice:dep-ana', connectionKey: anaConnection.id, chapters: [3, 4, 5], currentChapter: 4 },
      { participantId: bo!.id, workshopId: workshop.id, clusterKey: 'endpoint:https://shared.es.example.com:443', connectionKey: expect.any(String), chapters: [1, 2, 3, 4, 5], currentChapter: 1 },
    ]);
    expect(cy).toBeDefined();
  });
});

it('open chapters are those with a verifiable checkpoint not done yet', () => {
  expect(openChapters(new Set())).toEqual([1, 2, 3, 4, 5]);
  expect(openChapters(new Set(['cluster-connected', 'ml-node', 'licence-ok', 'sample-data', 'filebeat-setup']))).toEqual([2, 3, 4, 5]);
  expect(clusterKeyOf({ kind: 'practice', endpoint: 'http://127.0.0.1:9200', practiceDeploymentId: 'abc' })).toBe('practice:abc');
  expect(clusterKeyOf({ kind: 'cloud_id', endpoint: 'https://x.es.io:443', practiceDeploymentId: null })).toBe('endpoint:https://x.es.io:443');
});
