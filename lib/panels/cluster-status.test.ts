import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connectParticipantCluster, connectPracticeCluster, disconnectParticipantCluster } from '../connections/service';
import { clusterConnections, createParticipant, getConnection, type ConnectionStatusSnapshot } from '../db';
import { practiceAppForTests } from '../testing/practice-app';
import type { TestDeployment } from '../testing/practice-cluster';
import { clusterStatusCard, flushStatusWrites, gatherStatusWritesFor } from './cluster-status';

const app = practiceAppForTests();

/** The status card's micro-cache window (2 s) has to pass before the next poll reaches the cluster. */
const afterStatusWindow = () => new Promise((resolve) => setTimeout(resolve, 2_100));

describe('the chapter 1 status card under polling', () => {
  it('asks the cluster only for its health once version, nodes and licence are known', async () => {
    const participant = await createParticipant(app.ctx.db, { displayName: 'poller', role: 'self_paced' });
    await connectPracticeCluster(app.ctx, participant.id, '8');
    const connection = (await app.ctx.db.query.clusterConnections.findFirst({ where: (c, { eq }) => eq(c.participantId, participant.id) }))!;
    const deployment = { id: connection.practiceDeploymentId! } as TestDeployment;

    await afterStatusWindow();
    const before = app.practice.requestCount(deployment);
    const first = await clusterStatusCard(app.ctx, participant.id);
    expect(first.error).toBeNull();
    expect(first.status).toMatchObject({ mlNode: true, licence: { status: 'active' }, health: { status: expect.any(String) } });
    const firstCost = app.practice.requestCount(deployment) - before;
    expect(firstCost).toBeLessThanOrEqual(5);

    await afterStatusWindow();
    const between = app.practice.requestCount(deployment);
    const second = await clusterStatusCard(app.ctx, participant.id);
    expect(app.practice.requestCount(deployment) - between).toBe(1);
    expect({ ...second.status, checkedAt: null }).toEqual({ ...first.status, checkedAt: null });
  }, 20_000);

  it('offers the connect form without a connection, and keeps the connection with the reason when the cluster fails', async () => {
    const participant = await createParticipant(app.ctx.db, { displayName: 'card', role: 'self_paced' });
    expect(await clusterStatusCard(app.ctx, participant.id)).toMatchObject({ connection: null, status: null, error: null, checkedAt: expect.any(String) });

    const deployment = await app.practice.deploy('8');
    await connectParticipantCluster(app.ctx, participant.id, { url: deployment.url, username: deployment.username, password: deployment.password });
    await afterStatusWindow();
    const fault = await fetch(`${app.practice.cluster.url}/_practice/deployments/${deployment.id}/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${deployment.username}:${deployment.password}`).toString('base64')}` },
      body: JSON.stringify({ status: 401 }),
    });
    expect(fault.status).toBe(200);
    const failed = await clusterStatusCard(app.ctx, participant.id);
    expect(failed).toMatchObject({ connection: { kind: 'url', endpoint: deployment.url }, status: null, error: { code: 'unauthorized' } });
    const stored = await app.ctx.db.query.clusterConnections.findFirst({ where: (c, { eq }) => eq(c.participantId, participant.id) });
    expect(stored?.lastErrorCode).toBe('unauthorized');

    await disconnectParticipantCluster(app.ctx, participant.id);
    expect(await clusterStatusCard(app.ctx, participant.id)).toMatchObject({ connection: null, error: null });
  }, 20_000);

  it('writes a changed status for the board when the gathered writes are sent, and never an older success after an error', async () => {
    // A minute's gather: the writes wait until the test sends them.
    gatherStatusWritesFor(60_000);
    try {
      const stale: ConnectionStatusSnapshot = { version: '0.0.1', health: 'red', nodeCount: 99, mlNode: false };
      /** A participant on a deployment of their own, whose stored status differs from what a probe finds. */
      const boardRow = async (name: string) => {
        const participant = await createParticipant(app.ctx.db, { displayName: name, role: 'self_paced' });
        const deployment = await app.practice.deploy('8');
        await connectParticipantCluster(app.ctx, participant.id, { url: deployment.url, username: deployment.username, password: deployment.password });
        await app.ctx.db.update(clusterConnections).set({ lastStatus: stale }).where(eq(clusterConnections.participantId, participant.id));
        await afterStatusWindow();
        return { participant, deployment };
      };
      const stored = async (participantId: string) => (await getConnection(app.ctx.db, participantId))!;

      const { participant } = await boardRow('board row');
      const card = await clusterStatusCard(app.ctx, participant.id);
      expect(card.status?.version).toMatch(/^8\./);
      expect((await stored(participant.id)).lastStatus).toEqual(stale);
      await flushStatusWrites(app.ctx.db);
      expect((await stored(participant.id)).lastStatus).toMatchObject({ version: card.status!.version, nodeCount: 1 });

      // A success waiting to be written, then the next probe fails: the error stays the newest.
      const failing = await boardRow('failing row');
      expect((await clusterStatusCard(app.ctx, failing.participant.id)).status).not.toBeNull();
      const { deployment } = failing;
      const fault = await fetch(`${app.practice.cluster.url}/_practice/deployments/${deployment.id}/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${deployment.username}:${deployment.password}`).toString('base64')}` },
        body: JSON.stringify({ status: 401 }),
      });
      expect(fault.status).toBe(200);
      await afterStatusWindow();
      expect(await clusterStatusCard(app.ctx, failing.participant.id)).toMatchObject({ error: { code: 'unauthorized' } });
      await flushStatusWrites(app.ctx.db);
      expect(await stored(failing.participant.id)).toMatchObject({ lastStatus: stale, lastErrorCode: 'unauthorized' });
    } finally {
      gatherStatusWritesFor();
    }
  }, 40_000);
});
