import { describe, expect, it } from 'vitest';
import { createParticipant, createWorkshop, getConnectionSummary } from '../db';
import { practiceAppForTests } from '../testing/practice-app';
import { connectWorkshopPractice } from './practice';

const app = practiceAppForTests();

async function attendeeOf(clusterMode: 'practice' | 'cloud', name: string) {
  const teacher = await createParticipant(app.ctx.db, { displayName: `teacher of ${name}`, role: 'instructor' });
  const workshop = await createWorkshop(app.ctx.db, { name: `${clusterMode} class`, clusterMode, createdBy: teacher.id });
  const attendee = await createParticipant(app.ctx.db, { displayName: name, role: 'attendee', workshopId: workshop.id });
  return { id: attendee.id, role: attendee.role, workshopId: workshop.id };
}

describe('joining a workshop set to the practice cluster', () => {
  it('connects the attendee to a practice deployment of their own, once', async () => {
    const attendee = await attendeeOf('practice', 'Ana');
    expect(await connectWorkshopPractice(app.ctx, attendee)).toBe(true);
    const connection = await getConnectionSummary(app.ctx.db, attendee.id);
    expect(connection).toMatchObject({ kind: 'practice', practiceDeploymentId: expect.any(String) });
    // A second sign-in of the same participant keeps the connection (and its practice host).
    expect(await connectWorkshopPractice(app.ctx, attendee)).toBe(false);
    expect((await getConnectionSummary(app.ctx.db, attendee.id))?.practiceDeploymentId).toBe(connection?.practiceDeploymentId);

    const other = await attendeeOf('practice', 'Bo');
    await connectWorkshopPractice(app.ctx, other);
    expect((await getConnectionSummary(app.ctx.db, other.id))?.practiceDeploymentId).not.toBe(connection?.practiceDeploymentId);
  }, 20_000);

  it('leaves attendees of an Elastic Cloud workshop and self-paced learners to choose', async () => {
    const cloud = await attendeeOf('cloud', 'Cy');
    expect(await connectWorkshopPractice(app.ctx, cloud)).toBe(false);
    expect(await getConnectionSummary(app.ctx.db, cloud.id)).toBeUndefined();
    const alone = await createParticipant(app.ctx.db, { displayName: 'Di', role: 'self_paced' });
    expect(await connectWorkshopPractice(app.ctx, { id: alone.id, role: alone.role, workshopId: null })).toBe(false);
  });

  it('never fails the join: without a reachable practice cluster the attendee is simply not connected yet', async () => {
    const attendee = await attendeeOf('practice', 'Ed');
    expect(await connectWorkshopPractice({ ...app.ctx, practiceUrl: null }, attendee)).toBe(false);
    expect(await connectWorkshopPractice({ ...app.ctx, practiceUrl: 'http://127.0.0.1:9' }, attendee)).toBe(false);
    expect(await getConnectionSummary(app.ctx.db, attendee.id)).toBeUndefined();
  });
});
