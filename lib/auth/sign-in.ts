import 'server-only';
import { timingSafeEqual, createHash } from 'node:crypto';
import { z } from 'zod';
import {
  appendEvent,
  createParticipant,
  getWorkshopByCode,
  upsertParticipantByAuth,
  type Database,
  type Participant,
  type ParticipantRole,
} from '../db';
import { RateLimiter } from '../server/rate-limit';

/** What a sign-in puts in the session token: who, in which role, in which workshop. */
export interface SessionParticipant {
  id: string;
  name: string;
  role: ParticipantRole;
  workshopId: string | null;
}

/**
 * Why a sign-in was refused. next-auth passes a thrown error's message to the browser as `error`,
 * so these codes (never details) are what the join page translates.
 */
export const SIGN_IN_ERRORS = ['invalid_name', 'invalid_code', 'workshop_not_found', 'workshop_closed', 'instructor_disabled', 'wrong_password', 'rate_limited'] as const;
export type SignInError = (typeof SIGN_IN_ERRORS)[number];

export class SignInRefused extends Error {
  constructor(readonly code: SignInError) {
    super(code);
    this.name = 'SignInRefused';
  }
}

const displayName = z
  .string()
  .transform((value) => value.normalize('NFC').replace(/\s+/g, ' ').trim())
  .pipe(z.string().min(1).max(40));

export const attendeeSignInSchema = z.object({ code: z.string().trim().min(1).max(20), name: displayName });
export const selfPacedSignInSchema = z.object({ name: displayName });
export const instructorSignInSchema = z.object({ password: z.string().min(1).max(200) });

function parse<S extends z.ZodTypeAny>(schema: S, input: unknown, error: SignInError): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new SignInRefused(error);
  return result.data;
}

function toSession(participant: Participant): SessionParticipant {
  return { id: participant.id, name: participant.displayName, role: participant.role, workshopId: participant.workshopId };
}

/** An attendee joins an open workshop with its code; each join is a new participant of that class. */
export async function signInAttendee(db: Database, input: unknown): Promise<SessionParticipant> {
  const raw = (input ?? {}) as Record<string, unknown>;
  const name = displayName.safeParse(raw.name);
  if (!name.success) throw new SignInRefused('invalid_name');
  const fields = { ...parse(attendeeSignInSchema.pick({ code: true }), raw, 'invalid_code'), name: name.data };
  const workshop = await getWorkshopByCode(db, fields.code);
  if (!workshop) throw new SignInRefused('workshop_not_found');
  if (workshop.status !== 'open') throw new SignInRefused('workshop_closed');
  const participant = await createParticipant(db, { displayName: fields.name, role: 'attendee', workshopId: workshop.id });
  await appendEvent(db, { type: 'joined', participantId: participant.id, workshopId: workshop.id });
  return toSession(participant);
}

export async function signInSelfPaced(db: Database, input: unknown): Promise<SessionParticipant> {
  const fields = parse(selfPacedSignInSchema, input, 'invalid_name');
  const participant = await createParticipant(db, { displayName: fields.name, role: 'self_paced' });
  await appendEvent(db, { type: 'signed_in', participantId: participant.id });
  return toSession(participant);
}

function samePassword(given: string, expected: string): boolean {
  // Hashing first gives equal-length buffers, so the comparison time says nothing about length.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const instructorAttempts = new RateLimiter({ limit: 10, windowMs: 10 * 60_000 });

/** The instructor signs in with the operator's INSTRUCTOR_PASSWORD; failures are rate limited per address. */
export async function signInInstructor(
  db: Database,
  input: unknown,
  options: { password: string | undefined; clientKey: string },
): Promise<SessionParticipant> {
  if (!options.password) throw new SignInRefused('instructor_disabled');
  const fields = parse(instructorSignInSchema, input, 'wrong_password');
  if (!instructorAttempts.check(options.clientKey).allowed) throw new SignInRefused('rate_limited');
  if (!samePassword(fields.password, options.password)) {
    instructorAttempts.hit(options.clientKey);
    throw new SignInRefused('wrong_password');
  }
  instructorAttempts.reset(options.clientKey);
  const participant = await upsertParticipantByAuth(db, { provider: 'instructor', subject: 'instructor' }, { displayName: 'Instructor', role: 'instructor' });
  return toSession(participant);
}

/** A GitHub or Google account: a self-paced learner whose progress follows the account. */
export async function signInOAuth(db: Database, identity: { provider: string; subject: string; name: string }): Promise<SessionParticipant> {
  const name = displayName.safeParse(identity.name).success ? displayName.parse(identity.name) : identity.provider;
  const participant = await upsertParticipantByAuth(db, { provider: identity.provider, subject: identity.subject }, { displayName: name, role: 'self_paced' });
  return toSession(participant);
}
