import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParticipant } from '../db';
import { testAppContext } from '../testing/app-context';
import { startTestPractice, type TestDeployment, type TestPractice } from '../testing/practice-cluster';
import { clusterPanel, connectPracticeCluster } from './service';

let practice: TestPractice;
let ctx: Awaited<ReturnType<typeof testAppContext>>;

beforeAll(async () => {
  practice = await startTestPractice();
  ctx = await testAppContext({ practiceUrl: practice.cluster.url, policy: practice.policy });
}, 60_000);

afterAll(async () => {
  await ctx?.close();
  await practice?.close();
});

/** The status card's micro-cache window (2 s) has to pass before the next poll reaches the cluster. */
const afterStatusWindow = () => new Promise((resolve) => setTimeout(resolve, 2_100));

describe('the chapter 1 status card under polling', () => {
  it('asks the cluster only for its health once version, nodes and licence are known', async () => {
    const participant = await createParticipant(ctx.db, { displayName: 'poller', role: 'self_paced' });
    await connectPracticeCluster(ctx, participant.id, '8');
    const connection = (await ctx.db.query.clusterConnections.findFirst({ where: (c, { eq }) => eq(c.participantId, participant.id) }))!;
    const deployment = { id: connection.practiceDeploymentId! } as TestDeployment;

    await afterStatusWindow();
    const before = practice.requestCount(deployment);
    const first = await clusterPanel(ctx, participant.id);
    expect(first.error).toBeNull();
    expect(first.status).toMatchObject({ mlNode: true, licence: { status: 'active' }, health: { status: expect.any(String) } });
    const firstCost = practice.requestCount(deployment) - before;
    expect(firstCost).toBeLessThanOrEqual(5);

    await afterStatusWindow();
    const between = practice.requestCount(deployment);
    const second = await clusterPanel(ctx, participant.id);
    expect(practice.requestCount(deployment) - between).toBe(1);
    expect({ ...second.status, checkedAt: null }).toEqual({ ...first.status, checkedAt: null });
  }, 20_000);
});
