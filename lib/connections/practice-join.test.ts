import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParticipant, createWorkshop, getConnectionSummary } from '../db';
import { testAppContext } from '../testing/app-context';
import { startTestPractice, type TestPractice } from '../testing/practice-cluster';
import { connectWorkshopPractice } from './practice';

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

async function attendeeOf(clusterMode: 'practice' | 'cloud', name: string) {
  const teacher = await createParticipant(ctx.db, { displayName: `teacher of ${name}`, role: 'instructor' });
  const workshop = await createWorkshop(ctx.db, { name: `${clusterMode} class`, clusterMode, createdBy: teacher.id });
  const attendee = await createParticipant(ctx.db, { displayName: name, role: 'attendee', workshopId: workshop.id });
  return { id: attendee.id, role: attendee.role, workshopId: workshop.id };
}

describe('joining a workshop set to the practice cluster', () => {
  it('connects the attendee to a practice deployment of their own, once', async () => {
    const attendee = await attendeeOf('practice', 'Ana');
    expect(await connectWorkshopPractice(ctx, attendee)).toBe(true);
    const connection = await getConnectionSummary(ctx.db, attendee.id);
    expect(connection).toMatchObject({ kind: 'practice', practiceDeploymentId: expect.any(String) });
    // A second sign-in of the same participant keeps the connection (and its practice host).
    expect(await connectWorkshopPractice(ctx, attendee)).toBe(false);
    expect((await getConnectionSummary(ctx.db, attendee.id))?.practiceDeploymentId).toBe(connection?.practiceDeploymentId);

    const other = await attendeeOf('practice', 'Bo');
    await connectWorkshopPractice(ctx, other);
    expect((await getConnectionSummary(ctx.db, other.id))?.practiceDeploymentId).not.toBe(connection?.practiceDeploymentId);
  }, 20_000);

  it('leaves attendees of an Elastic Cloud workshop and self-paced learners to choose', async () => {
    const cloud = await attendeeOf('cloud', 'Cy');
    expect(await connectWorkshopPractice(ctx, cloud)).toBe(false);
    expect(await getConnectionSummary(ctx.db, cloud.id)).toBeUndefined();
    const alone = await createParticipant(ctx.db, { displayName: 'Di', role: 'self_paced' });
    expect(await connectWorkshopPractice(ctx, { id: alone.id, role: alone.role, workshopId: null })).toBe(false);
  });

  it('never fails the join: without a reachable practice cluster the attendee is simply not connected yet', async () => {
    const attendee = await attendeeOf('practice', 'Ed');
    expect(await connectWorkshopPractice({ ...ctx, practiceUrl: null }, attendee)).toBe(false);
    expect(await connectWorkshopPractice({ ...ctx, practiceUrl: 'http://127.0.0.1:9' }, attendee)).toBe(false);
    expect(await getConnectionSummary(ctx.db, attendee.id)).toBeUndefined();
  });
});
