import 'server-only';
import { and, asc, desc, eq, gt, gte, inArray, sql } from 'drizzle-orm';
import { events, type EventType, type JsonValue, type StoredEvent } from '../schema';
import type { Database } from '../types';

export interface EventInput {
  type: EventType;
  participantId?: string | null;
  workshopId?: string | null;
  checkpointId?: string | null;
  /** An app error code, for events about a failure. */
  code?: string | null;
  /** Small, secret-free context (never credentials or raw cluster responses). */
  detail?: JsonValue;
}

function toRow(input: EventInput) {
  return {
    type: input.type,
    participantId: input.participantId ?? null,
    workshopId: input.workshopId ?? null,
    checkpointId: input.checkpointId ?? null,
    code: input.code ?? null,
    detail: input.detail ?? null,
  };
}

export async function appendEvent(db: Database, input: EventInput): Promise<StoredEvent> {
  const [row] = await db.insert(events).values(toRow(input)).returning();
  return row!;
}

export async function appendEvents(db: Database, inputs: readonly EventInput[]): Promise<StoredEvent[]> {
  if (inputs.length === 0) return [];
  return db.insert(events).values(inputs.map(toRow)).returning();
}

export interface RecentEventsOptions {
  limit?: number;
  types?: readonly EventType[];
}

/** The workshop's latest events, newest first. */
export async function listRecentEvents(
  db: Database,
  workshopId: string,
  options: RecentEventsOptions = {},
): Promise<StoredEvent[]> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.workshopId, workshopId), options.types ? inArray(events.type, [...options.types]) : undefined))
    .orderBy(desc(events.id))
    .limit(options.limit ?? 100);
}

export interface EventsSinceOptions {
  /** Events with a larger id. */
  afterId?: number;
  /** Events at or after this time. */
  since?: Date;
  types?: readonly EventType[];
  limit?: number;
}

/**
 * The workshop's events after a point, oldest first, for a live feed or stuck detection. Ids are
 * handed out when a row is inserted but become visible when its transaction commits, so under
 * concurrent writers a cursor by id can miss a late commit: a feed should re-read with a little
 * overlap (or use `since`) and de-duplicate by id.
 */
export async function listEventsSince(
  db: Database,
  workshopId: string,
  options: EventsSinceOptions = {},
): Promise<StoredEvent[]> {
  return db
    .select()
    .from(events)
    .where(
      and(
        eq(events.workshopId, workshopId),
        options.afterId !== undefined ? gt(events.id, options.afterId) : undefined,
        options.since ? gte(events.at, options.since) : undefined,
        options.types ? inArray(events.type, [...options.types]) : undefined,
      ),
    )
    .orderBy(asc(events.id))
    .limit(options.limit ?? 500);
}

/** One participant's latest events, newest first (the board's drill-in). */
export async function listParticipantEvents(db: Database, participantId: string, limit = 50): Promise<StoredEvent[]> {
  return db.select().from(events).where(eq(events.participantId, participantId)).orderBy(desc(events.id)).limit(limit);
}

/** The participant's latest event of one type, if any. */
export async function latestParticipantEvent(db: Database, participantId: string, type: EventType): Promise<StoredEvent | undefined> {
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.participantId, participantId), eq(events.type, type)))
    .orderBy(desc(events.id))
    .limit(1);
  return row;
}

/** When the participant first opened a chapter (the first `chapter_changed` event naming it). */
export async function firstChapterVisit(db: Database, participantId: string, chapter: number): Promise<Date | null> {
  const [row] = await db
    .select({ at: events.at })
    .from(events)
    .where(
      and(
        eq(events.participantId, participantId),
        eq(events.type, 'chapter_changed'),
        sql`(${events.detail} ->> 'chapter')::int = ${chapter}`,
      ),
    )
    .orderBy(asc(events.id))
    .limit(1);
  return row?.at ?? null;
}
