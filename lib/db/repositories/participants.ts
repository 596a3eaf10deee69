import 'server-only';
import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { perDatabase } from '../prepared';
import { clusterConnections, type Participant, type ParticipantRole, participants } from '../schema';
import type { Database } from '../types';

export interface CreateParticipantInput {
  displayName: string;
  role: ParticipantRole;
  workshopId?: string | null;
  currentChapter?: number;
}

export interface AuthIdentity {
  /** e.g. `github`, `google`, or `instructor` for the shared-password instructor. */
  provider: string;
  subject: string;
}

export async function createParticipant(db: Database, input: CreateParticipantInput): Promise<Participant> {
  const [row] = await db
    .insert(participants)
    .values({
      displayName: input.displayName,
      role: input.role,
      workshopId: input.workshopId ?? null,
      currentChapter: input.currentChapter,
    })
    .returning();
  return row!;
}

/**
 * The participant behind an OAuth (or other stable) identity, created on first sign-in. A later
 * sign-in refreshes the display name and last-seen time and keeps role, workshop and progress.
 */
export async function upsertParticipantByAuth(
  db: Database,
  identity: AuthIdentity,
  input: CreateParticipantInput,
): Promise<Participant> {
  const [row] = await db
    .insert(participants)
    .values({
      displayName: input.displayName,
      role: input.role,
      workshopId: input.workshopId ?? null,
      currentChapter: input.currentChapter,
      authProvider: identity.provider,
      authSubject: identity.subject,
    })
    .onConflictDoUpdate({
      target: [participants.authProvider, participants.authSubject],
      set: { displayName: input.displayName, lastSeenAt: sql`now()` },
    })
    .returning();
  return row!;
}

const participantById = perDatabase((db) =>
  db
    .select()
    .from(participants)
    .where(eq(participants.id, sql.placeholder('id')))
    .prepare('lab_participant_by_id'),
);

/** Read by every signed-in request (the "still here, not removed" check): a prepared query. */
export async function getParticipant(db: Database, id: string): Promise<Participant | undefined> {
  const [row] = await participantById(db).execute({ id });
  return row;
}

export async function getParticipantByAuth(db: Database, identity: AuthIdentity): Promise<Participant | undefined> {
  const [row] = await db
    .select()
    .from(participants)
    .where(and(eq(participants.authProvider, identity.provider), eq(participants.authSubject, identity.subject)));
  return row;
}

/**
 * Marks participants as seen now, in one statement (the app gathers a moment's worth:
 * lib/auth/session.ts). Every poll asks for it, so each row is written at most once per
 * `minIntervalMs`; returns how many were.
 */
export async function touchParticipants(db: Database, ids: readonly string[], minIntervalMs = 30_000): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db
    .update(participants)
    .set({ lastSeenAt: sql`now()` })
    .where(
      and(
        inArray(participants.id, [...ids]),
        lt(participants.lastSeenAt, sql`now() - make_interval(secs => ${minIntervalMs / 1000})`),
      ),
    )
    .returning({ id: participants.id });
  return rows.length;
}

export async function setCurrentChapter(db: Database, id: string, chapter: number): Promise<Participant | undefined> {
  const [row] = await db
    .update(participants)
    .set({ currentChapter: chapter, lastSeenAt: sql`now()` })
    .where(eq(participants.id, id))
    .returning();
  return row;
}

export interface ListParticipantsOptions {
  /** Defaults to attendees only, the people on the board. */
  roles?: readonly ParticipantRole[];
  includeRemoved?: boolean;
}

/** In joining order. */
export async function listParticipantsByWorkshop(
  db: Database,
  workshopId: string,
  options: ListParticipantsOptions = {},
): Promise<Participant[]> {
  const roles = options.roles ?? ['attendee'];
  return db
    .select()
    .from(participants)
    .where(
      and(
        eq(participants.workshopId, workshopId),
        inArray(participants.role, [...roles]),
        options.includeRemoved ? undefined : isNull(participants.removedAt),
      ),
    )
    .orderBy(asc(participants.createdAt), asc(participants.id));
}

/**
 * Takes an attendee off the board (instructor action). Their stored credentials are forgotten at
 * once; progress and events stay for the record. The auth layer must refuse a removed participant.
 */
export async function removeParticipant(db: Database, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(participants)
      .set({ removedAt: sql`now()` })
      .where(and(eq(participants.id, id), isNull(participants.removedAt)))
      .returning({ id: participants.id });
    if (rows.length === 0) return false;
    await tx.delete(clusterConnections).where(eq(clusterConnections.participantId, id));
    return true;
  });
}

/** Deletes the participant and, by cascade, their connection, results, events and API key records. */
export async function deleteParticipant(db: Database, id: string): Promise<boolean> {
  const rows = await db.delete(participants).where(eq(participants.id, id)).returning({ id: participants.id });
  return rows.length > 0;
}
