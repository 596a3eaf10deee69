import 'server-only';
import { and, asc, count, eq, gte, inArray, isNull } from 'drizzle-orm';
import { checkpointResults, clusterConnections, type ConnectionKind, events, participants, workshops } from '../schema';
import type { Database } from '../types';

export interface ConnectAttemptRow {
  participantId: string;
  ok: boolean;
  /** The error code of a failed attempt. */
  code: string | null;
  at: Date;
}

/**
 * The workshop's attendees' connect attempts (successful and failed) since a time, oldest first,
 * for stuck detection (of all attendees, or the given ones). Connect events carry no workshop, so
 * they are found through the attendee.
 */
export async function listConnectAttempts(db: Database, workshopId: string, since: Date, participantIds?: readonly string[]): Promise<ConnectAttemptRow[]> {
  if (participantIds && participantIds.length === 0) return [];
  const rows = await db
    .select({ participantId: participants.id, type: events.type, code: events.code, at: events.at })
    .from(events)
    .innerJoin(participants, eq(participants.id, events.participantId))
    .where(
      and(
        eq(participants.workshopId, workshopId),
        eq(participants.role, 'attendee'),
        isNull(participants.removedAt),
        inArray(events.type, ['connected', 'connect_failed']),
        gte(events.at, since),
        participantIds ? inArray(participants.id, [...participantIds]) : undefined,
      ),
    )
    .orderBy(asc(events.id));
  return rows.map((row) => ({ participantId: row.participantId, ok: row.type === 'connected', code: row.code, at: row.at }));
}

export interface VerifierTarget {
  participantId: string;
  workshopId: string;
  connectionId: string;
  kind: ConnectionKind;
  endpoint: string;
  practiceDeploymentId: string | null;
  /** The chapter the attendee last opened in the guide. */
  currentChapter: number;
  /** Checkpoints already done (never checked again). */
  done: Set<string>;
}

/**
 * What the background verifier walks: every attendee of an open workshop (of the given ones, when
 * this instance holds slices of only some) who has a cluster connection, with the checkpoints they
 * already have. Two queries whatever the number of classes.
 */
export async function listVerifierTargets(db: Database, workshopIds?: readonly string[]): Promise<VerifierTarget[]> {
  if (workshopIds && workshopIds.length === 0) return [];
  const inOpenWorkshop = and(
    eq(workshops.status, 'open'),
    eq(participants.role, 'attendee'),
    isNull(participants.removedAt),
    workshopIds ? inArray(workshops.id, [...workshopIds]) : undefined,
  );
  const [people, doneRows] = await Promise.all([
    db
      .select({
        participantId: participants.id,
        workshopId: workshops.id,
        connectionId: clusterConnections.id,
        kind: clusterConnections.kind,
        endpoint: clusterConnections.endpoint,
        practiceDeploymentId: clusterConnections.practiceDeploymentId,
        currentChapter: participants.currentChapter,
      })
      .from(participants)
      .innerJoin(workshops, eq(workshops.id, participants.workshopId))
      .innerJoin(clusterConnections, eq(clusterConnections.participantId, participants.id))
      .where(inOpenWorkshop)
      .orderBy(asc(participants.createdAt), asc(participants.id)),
    db
      .select({ participantId: checkpointResults.participantId, checkpointId: checkpointResults.checkpointId })
      .from(checkpointResults)
      .innerJoin(participants, eq(participants.id, checkpointResults.participantId))
      .innerJoin(workshops, eq(workshops.id, participants.workshopId))
      .where(and(inOpenWorkshop, eq(checkpointResults.state, 'done'))),
  ]);
  const done = new Map<string, Set<string>>();
  for (const row of doneRows) {
    let set = done.get(row.participantId);
    if (!set) done.set(row.participantId, (set = new Set()));
    set.add(row.checkpointId);
  }
  return people.map((person) => ({ ...person, done: done.get(person.participantId) ?? new Set() }));
}

/** Attendees on each workshop's board (not removed), for the instructor's list. */
export async function countAttendeesByWorkshop(db: Database, workshopIds: readonly string[]): Promise<Record<string, number>> {
  if (workshopIds.length === 0) return {};
  const rows = await db
    .select({ workshopId: participants.workshopId, count: count() })
    .from(participants)
    .where(and(inArray(participants.workshopId, [...workshopIds]), eq(participants.role, 'attendee'), isNull(participants.removedAt)))
    .groupBy(participants.workshopId);
  return Object.fromEntries(rows.filter((row) => row.workshopId !== null).map((row) => [row.workshopId!, row.count]));
}
