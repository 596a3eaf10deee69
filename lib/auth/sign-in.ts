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
import { singleLineText } from '../validation/text';
import { signInErrorText, type SignInError } from './sign-in-errors';
import { claimInstructorAttempt, claimSelfPacedSignUp, instructorSignedIn } from './sign-in-limits';

/** What a sign-in puts in the session token: who, in which role, in which workshop. */
export interface SessionParticipant {
  id: string;
  name: string;
  role: ParticipantRole;
  workshopId: string | null;
}

export { SIGN_IN_ERRORS, type SignInError } from './sign-in-errors';

export class SignInRefused extends Error {
  constructor(
    readonly code: SignInError,
    readonly value?: string | number,
  ) {
    super(signInErrorText(code, value));
    this.name = 'SignInRefused';
  }
}

const displayName = singleLineText({ max: 40 });

/** A refused display name: control characters get their own message. */
function nameError(error: z.ZodError): SignInError {
  return error.issues.some((issue) => issue.message === 'control_characters') ? 'name_control_characters' : 'invalid_name';
}

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
  if (!name.success) throw new SignInRefused(nameError(name.error));
  const fields = { ...parse(attendeeSignInSchema.pick({ code: true }), raw, 'invalid_code'), name: name.data };
  const workshop = await getWorkshopByCode(db, fields.code);
  if (!workshop) throw new SignInRefused('workshop_not_found');
  if (workshop.status !== 'open') throw new SignInRefused('workshop_closed');
  const participant = await createParticipant(db, { displayName: fields.name, role: 'attendee', workshopId: workshop.id });
  await appendEvent(db, { type: 'joined', participantId: participant.id, workshopId: workshop.id });
  return toSession(participant);
}

/** Who signs in from where, for the limits: the client address (lib/server/client-address.ts). */
export interface SignInClient {
  address: string | null;
  now?: Date;
}

/** A self-paced learner starts alone; each sign-up is a new participant, so they are limited per address. */
export async function signInSelfPaced(db: Database, input: unknown, client: SignInClient & { perHour: number }): Promise<SessionParticipant> {
  const name = displayName.safeParse(((input ?? {}) as Record<string, unknown>).name);
  if (!name.success) throw new SignInRefused(nameError(name.error));
  const fields = { name: name.data };
  const verdict = await claimSelfPacedSignUp(db, client.address, client.perHour, client.now);
  if (!verdict.allowed) throw new SignInRefused('too_many_sign_ups', Math.ceil(verdict.retryAfterMs / 60_000));
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

/**
 * The instructor signs in with the operator's INSTRUCTOR_PASSWORD. Failures slow down per client
 * address and overall (lib/auth/sign-in-limits.ts); an attempt before its wait is over is refused
 * unchecked, with the seconds to wait.
 */
export async function signInInstructor(
  db: Database,
  input: unknown,
  options: SignInClient & { password: string | undefined },
): Promise<SessionParticipant> {
  if (!options.password) throw new SignInRefused('instructor_disabled');
  const fields = parse(instructorSignInSchema, input, 'wrong_password');
  const verdict = await claimInstructorAttempt(db, options.address, options.now);
  if (!verdict.allowed) throw new SignInRefused('rate_limited', Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)));
  if (!samePassword(fields.password, options.password)) throw new SignInRefused('wrong_password');
  await instructorSignedIn(db, options.address, options.now);
  const participant = await upsertParticipantByAuth(db, { provider: 'instructor', subject: 'instructor' }, { displayName: 'Instructor', role: 'instructor' });
  return toSession(participant);
}

/** A GitHub or Google account: a self-paced learner whose progress follows the account. */
export async function signInOAuth(db: Database, identity: { provider: string; subject: string; name: string }): Promise<SessionParticipant> {
  const name = displayName.safeParse(identity.name).success ? displayName.parse(identity.name) : identity.provider;
  const participant = await upsertParticipantByAuth(db, { provider: identity.provider, subject: identity.subject }, { displayName: name, role: 'self_paced' });
  return toSession(participant);
}
