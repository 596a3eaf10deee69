import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { listApiKeys, markApiKeyInvalidated, recordApiKey } from './repositories/api-keys';
import {
  deleteConnection,
  getConnection,
  getConnectionSummary,
  recordConnectionError,
  recordConnectionStatus,
  recordConnectionStatuses,
  upsertConnection,
} from './repositories/connections';
import { appendEvent, appendEvents, listEventsSince, listParticipantEvents, listRecentEvents } from './repositories/events';
import { createParticipant } from './repositories/participants';
import { createWorkshop } from './repositories/workshops';
import { describeStorage } from './test-backends';

describeStorage('connections, API keys and events', ({ db }) => {
  describe('cluster connections', () => {
    const cloud = {
      kind: 'cloud_id' as const,
      endpoint: 'https://abc123.asia-northeast3.gcp.elastic-cloud.com:443',
      cloudIdLabel: 'my-deployment',
      kibanaUrl: 'https://def456.asia-northeast3.gcp.elastic-cloud.com:443',
      authType: 'basic' as const,
    };

    it('stores the encrypted blob exactly as given', async () => {
      const participant = await createParticipant(db(), { displayName: 'Blob', role: 'self_paced' });
      const blobs = [
        `v1.${randomBytes(12).toString('base64url')}.${randomBytes(300).toString('base64')}.${randomBytes(16).toString('hex')}`,
        ' padded, "quoted", \\back\\slashed\\, \'single\', 한국어, emoji 🔐, tab\tand\nnewline ',
      ];
      for (const blob of blobs) {
        await upsertConnection(db(), participant.id, { ...cloud, encryptedCredentials: blob, credentialsVersion: 3 });
        const stored = await getConnection(db(), participant.id);
        expect(stored!.encryptedCredentials).toBe(blob);
        expect(stored!.credentialsVersion).toBe(3);
      }
    });

    it('replaces the connection with a new id and a clean status, and records status and errors', async () => {
      const participant = await createParticipant(db(), { displayName: 'Reconnect', role: 'attendee' });
      const first = await upsertConnection(db(), participant.id, { ...cloud, encryptedCredentials: 'first' });
      expect(first).toMatchObject({ ...cloud, practiceDeploymentId: null, lastStatus: null, lastErrorCode: null });

      const status = { version: '8.15.0', health: 'green' as const, nodeCount: 3, mlNode: true, licence: { type: 'trial', status: 'active' } };
      expect(await recordConnectionStatus(db(), participant.id, status, { connectionId: first.id })).toBe(true);
      expect(await recordConnectionError(db(), participant.id, 'timeout')).toBe(true);
      const probed = await getConnection(db(), participant.id);
      expect(probed).toMatchObject({ lastStatus: status, lastErrorCode: 'timeout' });
      expect(probed!.lastStatusAt).toBeInstanceOf(Date);
      expect(probed!.lastErrorAt).toBeInstanceOf(Date);

      const second = await upsertConnection(db(), participant.id, {
        kind: 'practice',
        endpoint: 'http://127.0.0.1:9200',
        authType: 'basic',
        encryptedCredentials: 'second',
        practiceDeploymentId: 'dep-1',
      });
      expect(second.id).not.toBe(first.id);
      expect(second).toMatchObject({ kind: 'practice', cloudIdLabel: null, kibanaUrl: null, lastStatus: null, lastStatusAt: null, lastErrorCode: null, lastErrorAt: null });
      // A probe that started with the old credentials must not land on the new connection.
      expect(await recordConnectionStatus(db(), participant.id, status, { connectionId: first.id })).toBe(false);
      expect(await recordConnectionError(db(), participant.id, 'unauthorized', { connectionId: first.id })).toBe(false);
      expect((await getConnection(db(), participant.id))!.lastStatus).toBeNull();
    });

    it('writes many connections\' statuses in one statement, each only on the connection that was probed', async () => {
      const ana = await createParticipant(db(), { displayName: 'Ana', role: 'attendee' });
      const ben = await createParticipant(db(), { displayName: 'Ben', role: 'attendee' });
      const anas = await upsertConnection(db(), ana.id, { ...cloud, encryptedCredentials: 'a' });
      const bens = await upsertConnection(db(), ben.id, { ...cloud, encryptedCredentials: 'b' });
      const green = { version: '8.15.0', health: 'green' as const, nodeCount: 3, mlNode: true, licence: { type: 'trial', status: 'active' } };
      const yellow = { version: '7.17.9', health: 'yellow' as const, nodeCount: 1, mlNode: false };
      expect(await recordConnectionStatuses(db(), [])).toEqual([]);
      const written = await recordConnectionStatuses(db(), [
        { participantId: ana.id, connectionId: anas.id, status: green },
        { participantId: ben.id, connectionId: bens.id, status: yellow },
        // Another participant's connection id: never written.
        { participantId: ana.id, connectionId: bens.id, status: green },
      ]);
      expect(written.sort()).toEqual([anas.id, bens.id].sort());
      expect(await getConnection(db(), ana.id)).toMatchObject({ lastStatus: green, lastStatusAt: expect.any(Date) });
      expect(await getConnection(db(), ben.id)).toMatchObject({ lastStatus: yellow, lastStatusAt: expect.any(Date) });
    });

    it('leaves the credentials out of the summary', async () => {
      const participant = await createParticipant(db(), { displayName: 'Summary', role: 'attendee' });
      await upsertConnection(db(), participant.id, { ...cloud, encryptedCredentials: 'secret-blob' });
      const summary = await getConnectionSummary(db(), participant.id);
      expect(summary).toMatchObject({ endpoint: cloud.endpoint });
      expect(summary).not.toHaveProperty('encryptedCredentials');
      expect(JSON.stringify(summary)).not.toContain('secret-blob');
    });

    it('forgets the credentials on disconnect', async () => {
      const participant = await createParticipant(db(), { displayName: 'Bye', role: 'attendee' });
      await upsertConnection(db(), participant.id, { ...cloud, encryptedCredentials: 'blob' });
      expect(await deleteConnection(db(), participant.id)).toBe(true);
      expect(await getConnection(db(), participant.id)).toBeUndefined();
      expect(await deleteConnection(db(), participant.id)).toBe(false);
      expect(await recordConnectionStatus(db(), participant.id, { health: 'green' })).toBe(false);
    });
  });

  describe('API keys', () => {
    it('records, lists and invalidates the Beats keys made for an attendee', async () => {
      const participant = await createParticipant(db(), { displayName: 'Beats', role: 'attendee' });
      await recordApiKey(db(), { participantId: participant.id, esKeyId: 'k-metric', name: 'metricbeat-lab', purpose: 'metricbeat' });
      await recordApiKey(db(), { participantId: participant.id, esKeyId: 'k-metric', name: 'metricbeat-lab', purpose: 'metricbeat' });
      await recordApiKey(db(), { participantId: participant.id, esKeyId: 'k-file', name: 'filebeat-lab', purpose: 'filebeat' });

      expect((await listApiKeys(db(), participant.id)).map((key) => key.esKeyId).sort()).toEqual(['k-file', 'k-metric']);
      expect(await listApiKeys(db(), participant.id, { purpose: 'filebeat' })).toHaveLength(1);
      expect(await markApiKeyInvalidated(db(), participant.id, 'k-metric')).toBe(true);
      expect(await markApiKeyInvalidated(db(), participant.id, 'k-metric')).toBe(false);
      expect((await listApiKeys(db(), participant.id)).map((key) => key.esKeyId)).toEqual(['k-file']);
      const all = await listApiKeys(db(), participant.id, { includeInvalidated: true });
      expect(all.find((key) => key.esKeyId === 'k-metric')!.invalidatedAt).toBeInstanceOf(Date);
    });
  });

  describe('events', () => {
    it('appends events and reads them back newest first, or after a point oldest first', async () => {
      const workshop = await createWorkshop(db(), { name: 'Events' });
      const other = await createWorkshop(db(), { name: 'Other events' });
      const participant = await createParticipant(db(), { displayName: 'Evt', role: 'attendee', workshopId: workshop.id });
      const joined = await appendEvent(db(), { type: 'joined', participantId: participant.id, workshopId: workshop.id });
      expect(joined).toMatchObject({ type: 'joined', checkpointId: null, code: null, detail: null });
      expect(typeof joined.id).toBe('number');
      expect(joined.at).toBeInstanceOf(Date);

      const later = await appendEvents(db(), [
        { type: 'connect_failed', participantId: participant.id, workshopId: workshop.id, code: 'unauthorized', detail: { attempt: 1 } },
        { type: 'checkpoint_done', participantId: participant.id, workshopId: workshop.id, checkpointId: 'cluster-connected' },
        { type: 'joined', workshopId: other.id },
      ]);
      expect(later).toHaveLength(3);
      expect(await appendEvents(db(), [])).toEqual([]);

      const recent = await listRecentEvents(db(), workshop.id);
      expect(recent.map((event) => event.type)).toEqual(['checkpoint_done', 'connect_failed', 'joined']);
      expect(recent[1]).toMatchObject({ code: 'unauthorized', detail: { attempt: 1 } });
      expect(await listRecentEvents(db(), workshop.id, { limit: 1, types: ['joined'] })).toMatchObject([{ id: joined.id }]);

      const since = await listEventsSince(db(), workshop.id, { afterId: joined.id });
      expect(since.map((event) => event.type)).toEqual(['connect_failed', 'checkpoint_done']);
      expect(await listEventsSince(db(), workshop.id, { since: new Date(Date.now() + 60_000) })).toEqual([]);
      expect(await listEventsSince(db(), workshop.id, { types: ['checkpoint_done'] })).toHaveLength(1);
      expect((await listParticipantEvents(db(), participant.id)).map((event) => event.type)).toEqual([
        'checkpoint_done',
        'connect_failed',
        'joined',
      ]);
    });
  });
});
