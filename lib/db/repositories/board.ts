import 'server-only';
import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import {
  checkpointResults,
  type CheckpointState,
  clusterConnections,
  type ConnectionKind,
  type ConnectionStatusSnapshot,
  participants,
} from '../schema';
import type { Database } from '../types';

export interface BoardCell {
  state: CheckpointState;
  /** When it was done, or when it was last checked while not done. */
  at: Date;
  detail: string | null;
  errorCode: string | null;
  attempts: number;
}

/** What the instructor may see of an attendee's connection: never the credentials. */
export interface BoardConnection {
  kind: ConnectionKind;
  endpoint: string;
  cloudIdLabel: string | null;
  lastStatus: ConnectionStatusSnapshot | null;
  lastStatusAt: Date | null;
  lastErrorCode: string | null;
  lastErrorAt: Date | null;
  connectedAt: Date;
}

export interface BoardAttendee {
  id: string;
  displayName: string;
  currentChapter: number;
  joinedAt: Date;
  lastSeenAt: Date;
  connection: BoardConnection | null;
  /** By checkpoint id; a checkpoint never checked has no entry (pending). */
  checkpoints: Record<string, BoardCell>;
}

/** Who is on a workshop's board: its attendees, not instructors and not removed ones. */
function onBoard(workshopId: string) {
  return and(eq(participants.workshopId, workshopId), eq(participants.role, 'attendee'), isNull(participants.removedAt));
}

/**
 * Every attendee of the workshop with each checkpoint's state and time, in two queries whatever
 * the class size: attendees with their connection, then all their results.
 */
export async function getWorkshopProgress(
  db: Database,
  workshopId: string,
  checkpointIds?: readonly string[],
): Promise<BoardAttendee[]> {
  const [people, results] = await Promise.all([
    db
      .select({
        id: participants.id,
        displayName: participants.displayName,
        currentChapter: participants.currentChapter,
        joinedAt: participants.createdAt,
        lastSeenAt: participants.lastSeenAt,
        connectionKind: clusterConnections.kind,
        endpoint: clusterConnections.endpoint,
        cloudIdLabel: clusterConnections.cloudIdLabel,
        lastStatus: clusterConnections.lastStatus,
        lastStatusAt: clusterConnections.lastStatusAt,
        lastErrorCode: clusterConnections.lastErrorCode,
        lastErrorAt: clusterConnections.lastErrorAt,
        connectedAt: clusterConnections.connectedAt,
      })
      .from(participants)
      .leftJoin(clusterConnections, eq(clusterConnections.participantId, participants.id))
      .where(onBoard(workshopId))
      .orderBy(asc(participants.createdAt), asc(participants.id)),
    checkpointIds && checkpointIds.length === 0
      ? Promise.resolve([])
      : db
          .select({
            participantId: checkpointResults.participantId,
            checkpointId: checkpointResults.checkpointId,
            state: checkpointResults.state,
            at: sql<Date>`coalesce(${checkpointResults.firstDoneAt}, ${checkpointResults.updatedAt})`.mapWith(
              checkpointResults.updatedAt,
            ),
            detail: checkpointResults.detail,
            errorCode: checkpointResults.errorCode,
            attempts: checkpointResults.attempts,
          })
          .from(checkpointResults)
          .innerJoin(participants, eq(participants.id, checkpointResults.participantId))
          .where(
            and(
              onBoard(workshopId),
              checkpointIds ? inArray(checkpointResults.checkpointId, [...checkpointIds]) : undefined,
            ),
          ),
  ]);

  const byId = new Map<string, BoardAttendee>();
  const board = people.map((person): BoardAttendee => {
    const attendee: BoardAttendee = {
      id: person.id,
      displayName: person.displayName,
      currentChapter: person.currentChapter,
      joinedAt: person.joinedAt,
      lastSeenAt: person.lastSeenAt,
      connection:
        person.connectionKind && person.endpoint && person.connectedAt
          ? {
              kind: person.connectionKind,
              endpoint: person.endpoint,
              cloudIdLabel: person.cloudIdLabel,
              lastStatus: person.lastStatus,
              lastStatusAt: person.lastStatusAt,
              lastErrorCode: person.lastErrorCode,
              lastErrorAt: person.lastErrorAt,
              connectedAt: person.connectedAt,
            }
          : null,
      checkpoints: {},
    };
    byId.set(person.id, attendee);
    return attendee;
  });
  for (const { participantId, checkpointId, ...cell } of results) {
    // An attendee who joined between the two queries shows up on the next refresh.
    const attendee = byId.get(participantId);
    if (attendee) attendee.checkpoints[checkpointId] = cell;
  }
  return board;
}

export interface CompletionCounts {
  attendees: number;
  /** Attendees who are done, by checkpoint id. */
  done: Record<string, number>;
}

/** Presenter mode's "18/24 done" beside each checkpoint. */
export async function getCompletionCounts(db: Database, workshopId: string): Promise<CompletionCounts> {
  const [[attendees], perCheckpoint] = await Promise.all([
    db.select({ count: count() }).from(participants).where(onBoard(workshopId)),
    db
      .select({ checkpointId: checkpointResults.checkpointId, count: count() })
      .from(checkpointResults)
      .innerJoin(participants, eq(participants.id, checkpointResults.participantId))
      .where(and(onBoard(workshopId), eq(checkpointResults.state, 'done')))
      .groupBy(checkpointResults.checkpointId),
  ]);
  return {
    attendees: attendees?.count ?? 0,
    done: Object.fromEntries(perCheckpoint.map((row) => [row.checkpointId, row.count])),
  };
}
