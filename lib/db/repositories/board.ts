import 'server-only';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
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

/** An attendee's row on the board without their checkpoints. */
export type BoardPerson = Omit<BoardAttendee, 'checkpoints'>;

/** A stored result as the board shows it. */
export interface BoardResult extends BoardCell {
  participantId: string;
  checkpointId: string;
}

/** The workshop's attendees with their connection (all, or the given ones), in joining order. */
export async function listBoardPeople(db: Database, workshopId: string, participantIds?: readonly string[]): Promise<BoardPerson[]> {
  if (participantIds && participantIds.length === 0) return [];
  const people = await db
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
    .where(and(onBoard(workshopId), participantIds ? inArray(participants.id, [...participantIds]) : undefined))
    .orderBy(asc(participants.createdAt), asc(participants.id));
  return people.map((person) => ({
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
  }));
}

/** The results of the workshop's attendees (all, or the given ones), for all or the given checkpoints. */
export async function listBoardResults(
  db: Database,
  workshopId: string,
  filter: { checkpointIds?: readonly string[]; participantIds?: readonly string[] } = {},
): Promise<BoardResult[]> {
  if (filter.checkpointIds?.length === 0 || filter.participantIds?.length === 0) return [];
  return db
    .select({
      participantId: checkpointResults.participantId,
      checkpointId: checkpointResults.checkpointId,
      state: checkpointResults.state,
      at: sql<Date>`coalesce(${checkpointResults.firstDoneAt}, ${checkpointResults.updatedAt})`.mapWith(checkpointResults.updatedAt),
      detail: checkpointResults.detail,
      errorCode: checkpointResults.errorCode,
      attempts: checkpointResults.attempts,
    })
    .from(checkpointResults)
    .innerJoin(participants, eq(participants.id, checkpointResults.participantId))
    .where(
      and(
        onBoard(workshopId),
        filter.checkpointIds ? inArray(checkpointResults.checkpointId, [...filter.checkpointIds]) : undefined,
        filter.participantIds ? inArray(checkpointResults.participantId, [...filter.participantIds]) : undefined,
      ),
    );
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
  const [people, results] = await Promise.all([listBoardPeople(db, workshopId), listBoardResults(db, workshopId, { checkpointIds })]);
  const byId = new Map<string, BoardAttendee>();
  const board = people.map((person): BoardAttendee => {
    const attendee: BoardAttendee = { ...person, checkpoints: {} };
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

/** One attendee's entry in the change feed; times are microseconds since the epoch, as text (exact). */
export interface BoardChange {
  participantId: string;
  personAt: string | null;
  resultsAt: string | null;
}

export interface BoardChanges {
  /** The database's clock when read: the next read asks from (a little before) here. */
  readAt: Date;
  changes: BoardChange[];
}

/**
 * The workshop's attendees whose board row changed since a time (all that ever changed without
 * one), from the feed the triggers of migration 0002 write. One query, a handful of rows.
 */
export async function readBoardChanges(db: Database, workshopId: string, since?: Date): Promise<BoardChanges> {
  const after = (column: string) => (since ? sql`${sql.raw(column)} > ${since.toISOString()}::timestamptz` : sql`${sql.raw(column)} is not null`);
  const result = (await db.execute(sql`
    select (extract(epoch from clock_timestamp()) * 1000)::float8 as read_at,
      (select json_agg(json_build_object(
          'participantId', participant_id,
          'personAt', (extract(epoch from person_at) * 1000000)::bigint::text,
          'resultsAt', (extract(epoch from results_at) * 1000000)::bigint::text))
        from board_changes
        where workshop_id = ${workshopId} and (${after('person_at')} or ${after('results_at')})) as changes`)) as unknown as {
    rows: { read_at: number | string; changes: BoardChange[] | string | null }[];
  };
  const row = result.rows[0];
  const changes = typeof row?.changes === 'string' ? (JSON.parse(row.changes) as BoardChange[]) : (row?.changes ?? []);
  return { readAt: new Date(Number(row?.read_at ?? Date.now())), changes };
}
