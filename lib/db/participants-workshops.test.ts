import { describe, expect, it } from 'vitest';
import { InvalidJoinCodeError, isUniqueViolation, JoinCodeTakenError } from './errors';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, normalizeJoinCode } from './join-code';
import { getResults, recordResult } from './repositories/checkpoint-results';
import { getConnection, upsertConnection } from './repositories/connections';
import {
  createParticipant,
  deleteParticipant,
  getParticipant,
  getParticipantByAuth,
  listParticipantsByWorkshop,
  removeParticipant,
  setCurrentChapter,
  touchParticipants,
  upsertParticipantByAuth,
} from './repositories/participants';
import {
  closeWorkshop,
  createWorkshop,
  getWorkshop,
  getWorkshopByCode,
  listOpenWorkshops,
  listWorkshopsByInstructor,
  reopenWorkshop,
  updateWorkshop,
} from './repositories/workshops';
import { workshops } from './schema';
import { describeStorage } from './test-backends';

/** PGlite's clock has millisecond steps; orderings by time need rows at least that far apart. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

it('normalizes what an attendee types into a join code', () => {
  expect(normalizeJoinCode(' k7m-p2q ')).toBe('K7MP2Q');
  expect(normalizeJoinCode('abc')).toBeUndefined();
  expect(normalizeJoinCode('ABC$12')).toBeUndefined();
});

describeStorage('participants and workshops', ({ db }) => {
  describe('participants', () => {
    it('round-trips a participant with its defaults', async () => {
      const created = await createParticipant(db(), { displayName: '김민수', role: 'self_paced' });
      expect(created).toMatchObject({ displayName: '김민수', role: 'self_paced', workshopId: null, currentChapter: 1, removedAt: null });
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await getParticipant(db(), created.id)).toEqual(created);
      expect(await getParticipant(db(), '00000000-0000-4000-8000-000000000000')).toBeUndefined();
    });

    it('refuses a role outside the three', async () => {
      await expect(createParticipant(db(), { displayName: 'x', role: 'admin' as never })).rejects.toThrow();
    });

    it('writes last-seen at most once per interval, for many participants in one statement', async () => {
      const poller = await createParticipant(db(), { displayName: 'Poller', role: 'self_paced' });
      const other = await createParticipant(db(), { displayName: 'Other', role: 'self_paced' });
      const untouched = await createParticipant(db(), { displayName: 'Away', role: 'self_paced' });
      expect(await touchParticipants(db(), [poller.id, other.id])).toBe(0);
      await tick();
      expect(await touchParticipants(db(), [poller.id, other.id], 0)).toBe(2);
      expect(await touchParticipants(db(), [])).toBe(0);
      for (const before of [poller, other]) {
        const seen = await getParticipant(db(), before.id);
        expect(seen!.lastSeenAt.getTime()).toBeGreaterThan(before.lastSeenAt.getTime());
      }
      expect((await getParticipant(db(), untouched.id))!.lastSeenAt.getTime()).toBe(untouched.lastSeenAt.getTime());
    });

    it('moves to another chapter', async () => {
      const participant = await createParticipant(db(), { displayName: 'Reader', role: 'self_paced' });
      expect(await setCurrentChapter(db(), participant.id, 4)).toMatchObject({ currentChapter: 4 });
    });

    it('finds the same participant again by sign-in identity', async () => {
      const identity = { provider: 'github', subject: `gh-${Math.random()}` };
      const first = await upsertParticipantByAuth(db(), identity, { displayName: 'octo', role: 'self_paced' });
      const again = await upsertParticipantByAuth(db(), identity, { displayName: 'Octo Cat', role: 'self_paced' });
      expect(again.id).toBe(first.id);
      expect(again.displayName).toBe('Octo Cat');
      expect(await getParticipantByAuth(db(), identity)).toMatchObject({ id: first.id });
    });

    it('lists a workshop’s attendees in joining order, without instructors or removed ones', async () => {
      const workshop = await createWorkshop(db(), { name: 'Seoul' });
      const other = await createWorkshop(db(), { name: 'Busan' });
      const a = await createParticipant(db(), { displayName: 'A', role: 'attendee', workshopId: workshop.id });
      await tick();
      const b = await createParticipant(db(), { displayName: 'B', role: 'attendee', workshopId: workshop.id });
      const gone = await createParticipant(db(), { displayName: 'Gone', role: 'attendee', workshopId: workshop.id });
      await createParticipant(db(), { displayName: 'Teacher', role: 'instructor', workshopId: workshop.id });
      await createParticipant(db(), { displayName: 'Elsewhere', role: 'attendee', workshopId: other.id });
      await removeParticipant(db(), gone.id);

      const listed = await listParticipantsByWorkshop(db(), workshop.id);
      expect(listed.map((p) => p.displayName)).toEqual(['A', 'B']);
      expect(listed.map((p) => p.id)).toEqual([a.id, b.id]);
      const everyone = await listParticipantsByWorkshop(db(), workshop.id, { roles: ['attendee', 'instructor'], includeRemoved: true });
      expect(everyone.map((p) => p.displayName).sort()).toEqual(['A', 'B', 'Gone', 'Teacher']);
    });

    it('forgets the credentials of a removed attendee and keeps their progress', async () => {
      const participant = await createParticipant(db(), { displayName: 'Leaver', role: 'attendee' });
      await upsertConnection(db(), participant.id, {
        kind: 'url',
        endpoint: 'https://es.example.com:9243',
        authType: 'basic',
        encryptedCredentials: 'v1:iv:ciphertext:tag',
      });
      await recordResult(db(), { participantId: participant.id, checkpointId: 'cluster-connected', state: 'done' });

      expect(await removeParticipant(db(), participant.id)).toBe(true);
      expect(await removeParticipant(db(), participant.id)).toBe(false);
      expect((await getParticipant(db(), participant.id))!.removedAt).toBeInstanceOf(Date);
      expect(await getConnection(db(), participant.id)).toBeUndefined();
      expect(await getResults(db(), participant.id)).toHaveLength(1);
      expect(await deleteParticipant(db(), participant.id)).toBe(true);
      expect(await getParticipant(db(), participant.id)).toBeUndefined();
    });
  });

  describe('workshops', () => {
    it('creates a workshop with a short, unambiguous join code', async () => {
      const instructor = await createParticipant(db(), { displayName: 'Teacher', role: 'instructor' });
      const workshop = await createWorkshop(db(), {
        name: 'Elastic logging, Seoul',
        date: '2024-05-21',
        clusterMode: 'practice',
        createdBy: instructor.id,
      });
      expect(workshop).toMatchObject({ name: 'Elastic logging, Seoul', date: '2024-05-21', clusterMode: 'practice', status: 'open', closedAt: null });
      expect(workshop.code).toHaveLength(JOIN_CODE_LENGTH);
      expect([...workshop.code].every((char) => JOIN_CODE_ALPHABET.includes(char))).toBe(true);
      expect(await getWorkshop(db(), workshop.id)).toEqual(workshop);
    });

    it('finds a workshop by its code in any case, with spaces or dashes', async () => {
      const workshop = await createWorkshop(db(), { name: 'Lookup' });
      const typed = `${workshop.code.slice(0, 3)}-${workshop.code.slice(3)}`.toLowerCase();
      expect(await getWorkshopByCode(db(), typed)).toMatchObject({ id: workshop.id });
      expect(await getWorkshopByCode(db(), ` ${workshop.code.toLowerCase()} `)).toMatchObject({ id: workshop.id });
      expect(await getWorkshopByCode(db(), 'ZZZZ99')).toBeUndefined();
      expect(await getWorkshopByCode(db(), '??')).toBeUndefined();
    });

    it('gives every workshop its own code', async () => {
      const created = await Promise.all(Array.from({ length: 60 }, (_, i) => createWorkshop(db(), { name: `W${i}` })));
      expect(new Set(created.map((w) => w.code)).size).toBe(created.length);
    });

    it('draws another code when the generated one is taken, and gives up after the attempts', async () => {
      const taken = await createWorkshop(db(), { name: 'First' });
      const fresh = 'QWERTY';
      const codes = [taken.code, taken.code.toLowerCase(), fresh];
      const second = await createWorkshop(db(), { name: 'Second' }, { generateCode: () => codes.shift()! });
      expect(second.code).toBe(fresh);
      await expect(createWorkshop(db(), { name: 'Third' }, { generateCode: () => taken.code, maxAttempts: 3 })).rejects.toThrow(
        JoinCodeTakenError,
      );
    });

    it('accepts the instructor’s own code unless another workshop has it in any case', async () => {
      const mine = await createWorkshop(db(), { name: 'Mine', code: 'elk-2024' });
      expect(mine.code).toBe('ELK2024');
      await expect(createWorkshop(db(), { name: 'Copy', code: 'Elk2024' })).rejects.toThrow(JoinCodeTakenError);
      await expect(createWorkshop(db(), { name: 'Bad', code: 'no!' })).rejects.toThrow(InvalidJoinCodeError);
    });

    it('enforces case-insensitive uniqueness in the database itself', async () => {
      const workshop = await createWorkshop(db(), { name: 'Index' });
      const error = await db()
        .insert(workshops)
        .values({ name: 'Sneaky', code: workshop.code.toLowerCase() })
        .then(() => undefined, (caught: unknown) => caught);
      expect(isUniqueViolation(error)).toBe(true);
    });

    it('edits, closes and reopens a workshop', async () => {
      const other = await createWorkshop(db(), { name: 'Other' });
      const workshop = await createWorkshop(db(), { name: 'Draft' });
      expect(await updateWorkshop(db(), workshop.id, { name: 'Final', date: '2024-06-01', code: 'final1' })).toMatchObject({
        name: 'Final',
        date: '2024-06-01',
        code: 'FINAL1',
      });
      expect(await updateWorkshop(db(), workshop.id, {})).toMatchObject({ name: 'Final' });
      await expect(updateWorkshop(db(), workshop.id, { code: other.code.toLowerCase() })).rejects.toThrow(JoinCodeTakenError);

      const closed = await closeWorkshop(db(), workshop.id);
      expect(closed).toMatchObject({ status: 'closed' });
      expect(closed!.closedAt).toBeInstanceOf(Date);
      expect((await closeWorkshop(db(), workshop.id))!.closedAt).toEqual(closed!.closedAt);
      expect((await listOpenWorkshops(db())).map((w) => w.id)).not.toContain(workshop.id);
      expect(await reopenWorkshop(db(), workshop.id)).toMatchObject({ status: 'open', closedAt: null });
      expect(await updateWorkshop(db(), '00000000-0000-4000-8000-000000000000', { name: 'x' })).toBeUndefined();
    });

    it('lists an instructor’s workshops, newest first', async () => {
      const instructor = await createParticipant(db(), { displayName: 'Lead', role: 'instructor' });
      const older = await createWorkshop(db(), { name: 'Older', createdBy: instructor.id });
      await tick();
      const newer = await createWorkshop(db(), { name: 'Newer', createdBy: instructor.id });
      await createWorkshop(db(), { name: 'Not mine' });
      await closeWorkshop(db(), older.id);
      expect((await listWorkshopsByInstructor(db(), instructor.id)).map((w) => w.id)).toEqual([newer.id, older.id]);
      expect((await listWorkshopsByInstructor(db(), instructor.id, 'open')).map((w) => w.id)).toEqual([newer.id]);
    });
  });
});
