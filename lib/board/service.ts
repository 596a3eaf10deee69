import 'server-only';
import { allCheckpointIds, type CheckpointId } from '@/content/chapters';
import { checkpointDefinition } from '../checkpoints/registry';
import { getResults, listParticipantEvents, type StoredEvent } from '../db';
import { describeError, isErrorCode, type ErrorLocale } from '../errors';
import type { AppContext } from '../server/context';
import { ownedWorkshop, workshopAttendee, workshopDto } from '../workshops';
import { liveProgressView } from './live-view';
import { type BoardAttendeeDto, type ProgressDto } from './progress-view';

/** The checkpoints the guide verifies by itself today (chapters with definitions). */
export function automaticCheckpoints(): CheckpointId[] {
  return allCheckpointIds.filter((id) => checkpointDefinition(id) !== undefined);
}

function progressOptions(ctx: AppContext, now: number) {
  return {
    now,
    automatic: automaticCheckpoints(),
    stuckMinutes: ctx.env.BOARD_STUCK_MINUTES,
    stuckRepeats: ctx.env.BOARD_STUCK_REPEATS,
    // With the background verifier off, the attendees' own pages (every 5 s) are what re-checks.
    checkIntervalMs: ctx.env.BOARD_VERIFY_INTERVAL_MS || 5_000,
  };
}

/**
 * `GET /api/workshops/{id}/progress`: from the board this instance keeps in memory, brought up to
 * date with the attendees that changed since the last poll (lib/board/live-view.ts).
 */
export async function workshopProgress(ctx: AppContext, instructorId: string, workshopId: string, now = Date.now()): Promise<ProgressDto> {
  const workshop = await ownedWorkshop(ctx, instructorId, workshopId);
  const view = await liveProgressView(ctx.db, workshop.id);
  return view.build(workshopDto(workshop), progressOptions(ctx, now));
}

/** The same as `JSON.stringify(workshopProgress(...))`, assembled from each attendee's cached JSON. */
export async function workshopProgressJson(ctx: AppContext, instructorId: string, workshopId: string, now = Date.now()): Promise<string> {
  const workshop = await ownedWorkshop(ctx, instructorId, workshopId);
  const view = await liveProgressView(ctx.db, workshop.id);
  return view.json(workshopDto(workshop), progressOptions(ctx, now));
}

export interface CountsDto {
  workshop: { id: string; name: string; code: string; status: string };
  attendees: number;
  done: Record<string, number>;
}

/** Presenter mode polls this: the counts of the same board in memory. */
export async function workshopCounts(ctx: AppContext, instructorId: string, workshopId: string): Promise<CountsDto> {
  const workshop = await ownedWorkshop(ctx, instructorId, workshopId);
  const view = await liveProgressView(ctx.db, workshop.id);
  return { workshop: { id: workshop.id, name: workshop.name, code: workshop.code, status: workshop.status }, ...view.counts() };
}

export interface AttendeeEventDto {
  type: StoredEvent['type'];
  at: string;
  checkpointId: string | null;
  code: string | null;
  chapter: number | null;
}

export interface AttendeeDetailDto {
  attendee: BoardAttendeeDto;
  /** The latest error the guide saw for this attendee, explained in the reader's language. */
  lastError: { code: string; message: string; hint: string; at: string; source: 'connect' | 'cluster' | 'checkpoint'; checkpointId: string | null } | null;
  events: AttendeeEventDto[];
}

const SHOWN_EVENTS = new Set<StoredEvent['type']>(['joined', 'connected', 'connect_failed', 'disconnected', 'chapter_changed', 'checkpoint_done', 'checkpoint_error', 'progress_reset']);

function eventDto(event: StoredEvent): AttendeeEventDto {
  const detail = event.detail;
  const chapter = event.type === 'chapter_changed' && detail && typeof detail === 'object' && !Array.isArray(detail) && typeof detail.chapter === 'number' ? detail.chapter : null;
  // Only the type, time, checkpoint, code and chapter: event details may hold cluster names and hosts, never needed here.
  return { type: event.type, at: event.at.toISOString(), checkpointId: event.checkpointId, code: event.code, chapter };
}

/** The drill-in: where the attendee is, their connection (never its credentials), last error and recent events. */
export async function attendeeDetail(ctx: AppContext, instructorId: string, workshopId: string, attendeeId: string, locale: ErrorLocale, now = Date.now()): Promise<AttendeeDetailDto> {
  const { workshop } = await workshopAttendee(ctx, instructorId, workshopId, attendeeId);
  const [view, events, results] = await Promise.all([
    liveProgressView(ctx.db, workshop.id),
    listParticipantEvents(ctx.db, attendeeId, 40),
    getResults(ctx.db, attendeeId),
  ]);
  // Stuck is relative to the class, so it is worked out on the whole board (in memory).
  const attendee = view.attendee(attendeeId, progressOptions(ctx, now));
  if (!attendee) throw new Error(`attendee ${attendeeId} left the board while being read`);

  const candidates: NonNullable<AttendeeDetailDto['lastError']>[] = [];
  const explain = (code: string) => (isErrorCode(code) ? describeError(code, locale) : { message: code, hint: '' });
  if (attendee.connection?.lastErrorCode && attendee.connection.lastErrorAt) {
    candidates.push({ code: attendee.connection.lastErrorCode, ...explain(attendee.connection.lastErrorCode), at: attendee.connection.lastErrorAt, source: 'cluster', checkpointId: null });
  }
  const failedConnect = events.find((event) => event.type === 'connect_failed' && event.code);
  if (failedConnect?.code) candidates.push({ code: failedConnect.code, ...explain(failedConnect.code), at: failedConnect.at.toISOString(), source: 'connect', checkpointId: null });
  for (const result of results) {
    if (result.state === 'error' && result.errorCode) {
      candidates.push({ code: result.errorCode, ...explain(result.errorCode), at: result.updatedAt.toISOString(), source: 'checkpoint', checkpointId: result.checkpointId });
    }
  }
  candidates.sort((a, b) => b.at.localeCompare(a.at));

  return {
    attendee,
    lastError: candidates[0] ?? null,
    events: events.filter((event) => SHOWN_EVENTS.has(event.type)).slice(0, 20).map(eventDto),
  };
}
