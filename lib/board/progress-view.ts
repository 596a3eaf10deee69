import { allCheckpointIds, chapterOfCheckpoint, type CheckpointId } from '@/content/chapters';
import type { BoardAttendee } from '../db/repositories/board';
import type { ConnectAttemptRow } from '../db/repositories/class-board';
import type { WorkshopDto } from '../workshops';
import { toCsv } from './csv';
import { detectStuck, type StuckGroup, type StuckReason } from './stuck';

/**
 * The class board's data as the browser (and the instructor's own tooling) receives it from
 * `GET /api/workshops/{id}/progress`: built from stored progress only, never from the clusters,
 * and never with credentials (the board query does not read them). Pure, so it is tested alone.
 */

export type CellState = 'pending' | 'done' | 'error';

export interface BoardCellDto {
  state: CellState;
  /** When it was done, or since when it is in its current state; null when never checked. */
  at: string | null;
  detail: string | null;
  /** Why it is open or failed (an app error code). */
  code: string | null;
}

export interface BoardConnectionDto {
  kind: 'cloud_id' | 'url' | 'practice';
  /** The endpoint's host and port only. */
  host: string;
  cloudIdLabel: string | null;
  version: string | null;
  clusterName: string | null;
  health: 'green' | 'yellow' | 'red' | null;
  /** `error` when the last thing the guide heard from the cluster was an error. */
  state: 'ok' | 'error';
  lastErrorCode: string | null;
  lastErrorAt: string | null;
  lastStatusAt: string | null;
  connectedAt: string;
}

export type StuckReasonDto =
  | { kind: 'behind'; checkpointId: string; code: string | null; since: string }
  | { kind: 'repeated_error'; code: string; checkpointId: string | null; count: number; since: string };

export interface BoardAttendeeDto {
  id: string;
  name: string;
  currentChapter: number;
  joinedAt: string;
  lastSeenAt: string;
  connection: BoardConnectionDto | null;
  /** Checkpoints done, of all chapters. */
  done: number;
  /** Every checkpoint of chapters 1-5, by id. */
  checkpoints: Record<CheckpointId, BoardCellDto>;
  stuck: StuckReasonDto | null;
}

export interface BoardCheckpointDto {
  id: CheckpointId;
  chapter: number;
  /** Whether the guide checks it by itself today (chapters 4-5 are checked in Kibana for now). */
  automatic: boolean;
}

export interface ProgressDto {
  workshop: WorkshopDto;
  generatedAt: string;
  checkpoints: BoardCheckpointDto[];
  attendees: BoardAttendeeDto[];
  stuck: { minutes: number; groups: StuckGroup[] };
  /** Presenter mode's "18/24 done": attendees on the board, and done per checkpoint. */
  counts: { attendees: number; done: Record<string, number> };
}

export interface ProgressOptions {
  now: number;
  automatic: readonly CheckpointId[];
  stuckMinutes: number;
  stuckRepeats: number;
  checkIntervalMs: number;
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

function connectionDto(connection: NonNullable<BoardAttendee['connection']>): BoardConnectionDto {
  const failing = connection.lastErrorAt !== null && (connection.lastStatusAt === null || connection.lastErrorAt > connection.lastStatusAt);
  const status = connection.lastStatus ?? {};
  return {
    kind: connection.kind,
    host: hostOf(connection.endpoint),
    cloudIdLabel: connection.cloudIdLabel,
    version: typeof status.version === 'string' ? status.version : null,
    clusterName: typeof status.clusterName === 'string' ? status.clusterName : null,
    health: status.health ?? null,
    state: failing ? 'error' : 'ok',
    lastErrorCode: connection.lastErrorCode,
    lastErrorAt: iso(connection.lastErrorAt),
    lastStatusAt: iso(connection.lastStatusAt),
    connectedAt: connection.connectedAt.toISOString(),
  };
}

export function stuckReasonDto(reason: StuckReason): StuckReasonDto {
  return { ...reason, since: new Date(reason.since).toISOString() };
}

export function buildProgress(workshop: WorkshopDto, board: readonly BoardAttendee[], attempts: readonly ConnectAttemptRow[], options: ProgressOptions): ProgressDto {
  const attemptsBy = new Map<string, { ok: boolean; code: string | null; at: number }[]>();
  for (const attempt of attempts) {
    let list = attemptsBy.get(attempt.participantId);
    if (!list) attemptsBy.set(attempt.participantId, (list = []));
    list.push({ ok: attempt.ok, code: attempt.code, at: attempt.at.getTime() });
  }
  const stuck = detectStuck(
    board.map((attendee) => ({
      id: attendee.id,
      joinedAt: attendee.joinedAt.getTime(),
      checkpoints: Object.fromEntries(
        Object.entries(attendee.checkpoints).map(([id, cell]) => [id, { state: cell.state, at: cell.at.getTime(), code: cell.errorCode }]),
      ),
      connectAttempts: attemptsBy.get(attendee.id) ?? [],
    })),
    {
      now: options.now,
      checkpointIds: options.automatic,
      pendingMs: options.stuckMinutes * 60_000,
      repeats: options.stuckRepeats,
      checkIntervalMs: options.checkIntervalMs,
    },
  );

  const done: Record<string, number> = {};
  const attendees = board.map((attendee): BoardAttendeeDto => {
    const checkpoints = {} as Record<CheckpointId, BoardCellDto>;
    let doneCount = 0;
    for (const id of allCheckpointIds) {
      const cell = attendee.checkpoints[id];
      checkpoints[id] = cell
        ? { state: cell.state, at: cell.at.toISOString(), detail: cell.detail, code: cell.errorCode }
        : { state: 'pending', at: null, detail: null, code: null };
      if (cell?.state === 'done') {
        doneCount += 1;
        done[id] = (done[id] ?? 0) + 1;
      }
    }
    const reason = stuck.byAttendee[attendee.id];
    return {
      id: attendee.id,
      name: attendee.displayName,
      currentChapter: attendee.currentChapter,
      joinedAt: attendee.joinedAt.toISOString(),
      lastSeenAt: attendee.lastSeenAt.toISOString(),
      connection: attendee.connection ? connectionDto(attendee.connection) : null,
      done: doneCount,
      checkpoints,
      stuck: reason ? stuckReasonDto(reason) : null,
    };
  });

  const automatic = new Set(options.automatic);
  return {
    workshop,
    generatedAt: new Date(options.now).toISOString(),
    checkpoints: allCheckpointIds.map((id) => ({ id, chapter: chapterOfCheckpoint(id), automatic: automatic.has(id) })),
    attendees,
    stuck: { minutes: options.stuckMinutes, groups: stuck.groups },
    counts: { attendees: attendees.length, done },
  };
}

export const CSV_HEADER = ['attendee', 'attendee_id', 'chapter', 'checkpoint', 'state', 'time', 'detail', 'code'] as const;

/** One record per attendee and checkpoint, in joining and course order. */
export function progressCsv(progress: ProgressDto): string {
  const rows: (string | number | null)[][] = [[...CSV_HEADER]];
  for (const attendee of progress.attendees) {
    for (const { id, chapter } of progress.checkpoints) {
      const cell = attendee.checkpoints[id];
      // A pending checkpoint has no time worth exporting ("pending since" is only when it was last checked).
      rows.push([attendee.name, attendee.id, chapter, id, cell.state, cell.state === 'pending' ? null : cell.at, cell.detail, cell.code]);
    }
  }
  return toCsv(rows);
}

/** `progress-K7Q2PM-2026-11-26.csv`: safe characters only, so the header needs no encoding. */
export function progressCsvFilename(progress: ProgressDto): string {
  const code = progress.workshop.code.replace(/[^A-Za-z0-9]/g, '') || 'workshop';
  return `progress-${code}-${progress.generatedAt.slice(0, 10)}.csv`;
}
