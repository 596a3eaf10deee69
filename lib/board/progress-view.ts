import { allCheckpointIds, chapterOfCheckpoint, type CheckpointId } from '@/content/chapters';
import type { BoardAttendee, BoardPerson, BoardResult } from '../db/repositories/board';
import type { ConnectAttemptRow } from '../db/repositories/class-board';
import type { WorkshopDto } from '../workshops';
import { toCsv } from './csv';
import { type ConnectAttempt, DEFAULT_FAILURE_WINDOW_MS, detectStuck, type StuckGroup, type StuckInput, type StuckReason } from './stuck';

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
  /** Connect attempts older than this are not counted (the window the board reads them for). */
  failureWindowMs?: number;
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

type AttendeeRowDto = Omit<BoardAttendeeDto, 'stuck'>;

/** An attendee's part of the board that does not depend on the rest of the class, built once per change. */
interface Entry {
  attendee: BoardAttendee;
  /** Connect attempts (epoch ms), oldest first. */
  attempts: ConnectAttempt[];
  row: AttendeeRowDto | null;
  /** `row` as JSON without its closing brace: `stuck` is appended per request. */
  json: string | null;
  stuckCells: StuckInput['checkpoints'] | null;
}

const byJoining = (a: Entry, b: Entry) =>
  a.attendee.joinedAt.getTime() - b.attendee.joinedAt.getTime() || (a.attendee.id < b.attendee.id ? -1 : a.attendee.id > b.attendee.id ? 1 : 0);

function toAttempt(row: ConnectAttemptRow): ConnectAttempt {
  return { ok: row.ok, code: row.code, at: row.at.getTime() };
}

/**
 * A workshop's board kept between requests: the whole class is loaded once, then only the
 * attendees that changed are replaced (lib/board/live-view.ts feeds it from the database's change
 * feed), and each attendee's row and JSON are rebuilt only when that attendee changed. What depends
 * on the whole class and the clock (stuck, counts) is computed per request from the cached rows.
 * Pure: no database, no clock of its own.
 */
export class ProgressView {
  private readonly entries = new Map<string, Entry>();
  private ordered: Entry[] | null = null;

  get size(): number {
    return this.entries.size;
  }

  has(participantId: string): boolean {
    return this.entries.has(participantId);
  }

  replaceAll(board: readonly BoardAttendee[], attempts: readonly ConnectAttemptRow[]): void {
    this.entries.clear();
    this.ordered = null;
    for (const attendee of board) this.entries.set(attendee.id, this.entry(attendee));
    this.setAttempts(
      board.map((attendee) => attendee.id),
      attempts,
    );
  }

  /** The people (row and connection) of `ids` as read again: missing ones left the board. */
  updatePeople(ids: readonly string[], people: readonly BoardPerson[]): void {
    const found = new Map(people.map((person) => [person.id, person]));
    for (const id of ids) {
      const person = found.get(id);
      const existing = this.entries.get(id);
      if (!person) {
        if (existing) {
          this.entries.delete(id);
          this.ordered = null;
        }
        continue;
      }
      if (existing) {
        existing.attendee = { ...person, checkpoints: existing.attendee.checkpoints };
        this.invalidate(existing);
      } else {
        this.entries.set(id, this.entry({ ...person, checkpoints: {} }));
        this.ordered = null;
      }
    }
  }

  /** The results of `ids` as read again (all of each attendee's results). */
  updateResults(ids: readonly string[], results: readonly BoardResult[]): void {
    const cells = new Map<string, Record<string, BoardAttendee['checkpoints'][string]>>();
    for (const id of ids) cells.set(id, {});
    for (const { participantId, checkpointId, ...cell } of results) cells.get(participantId)![checkpointId] = cell;
    for (const [id, checkpoints] of cells) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      entry.attendee = { ...entry.attendee, checkpoints };
      this.invalidate(entry);
    }
  }

  /** The connect attempts of `ids` as read again. */
  setAttempts(ids: readonly string[], attempts: readonly ConnectAttemptRow[]): void {
    const by = new Map<string, ConnectAttempt[]>(ids.map((id) => [id, []]));
    for (const attempt of attempts) by.get(attempt.participantId)?.push(toAttempt(attempt));
    for (const [id, list] of by) {
      const entry = this.entries.get(id);
      if (entry) entry.attempts = list;
    }
  }

  /** Presenter mode's counts: attendees on the board, and done per checkpoint. */
  counts(): { attendees: number; done: Record<string, number> } {
    const done: Record<string, number> = {};
    for (const entry of this.entries.values()) {
      for (const id of allCheckpointIds) if (entry.attendee.checkpoints[id]?.state === 'done') done[id] = (done[id] ?? 0) + 1;
    }
    return { attendees: this.entries.size, done };
  }

  build(workshop: WorkshopDto, options: ProgressOptions): ProgressDto {
    const { stuck, ordered } = this.classWide(options);
    const attendees = ordered.map((entry): BoardAttendeeDto => {
      const reason = stuck.byAttendee[entry.attendee.id];
      return { ...entry.row!, stuck: reason ? stuckReasonDto(reason) : null };
    });
    return this.envelope(workshop, options, attendees, stuck.groups);
  }

  /** The same as `JSON.stringify(build(...))`, from each attendee's cached JSON. */
  json(workshop: WorkshopDto, options: ProgressOptions): string {
    const { stuck, ordered } = this.classWide(options);
    const rows = ordered.map((entry) => {
      const reason = stuck.byAttendee[entry.attendee.id];
      return `${entry.json!},"stuck":${reason ? JSON.stringify(stuckReasonDto(reason)) : 'null'}}`;
    });
    const envelope = JSON.stringify(this.envelope(workshop, options, [], stuck.groups));
    const marker = '"attendees":[]';
    const at = envelope.indexOf(marker);
    return `${envelope.slice(0, at)}"attendees":[${rows.join(',')}]${envelope.slice(at + marker.length)}`;
  }

  /** One attendee's row with their stuck reason (which depends on the class). */
  attendee(participantId: string, options: ProgressOptions): BoardAttendeeDto | undefined {
    const entry = this.entries.get(participantId);
    if (!entry) return undefined;
    const { stuck } = this.classWide(options);
    const reason = stuck.byAttendee[participantId];
    return { ...this.prepared(entry).row!, stuck: reason ? stuckReasonDto(reason) : null };
  }

  private entry(attendee: BoardAttendee): Entry {
    return { attendee, attempts: [], row: null, json: null, stuckCells: null };
  }

  private invalidate(entry: Entry): void {
    entry.row = null;
    entry.json = null;
    entry.stuckCells = null;
  }

  private order(): Entry[] {
    this.ordered ??= [...this.entries.values()].sort(byJoining);
    return this.ordered;
  }

  private prepared(entry: Entry): Entry & { row: AttendeeRowDto; json: string; stuckCells: StuckInput['checkpoints'] } {
    if (!entry.row || entry.json === null || !entry.stuckCells) {
      const row = attendeeRow(entry.attendee);
      entry.row = row;
      entry.json = JSON.stringify(row).slice(0, -1);
      entry.stuckCells = Object.fromEntries(
        Object.entries(entry.attendee.checkpoints).map(([id, cell]) => [id, { state: cell.state, at: cell.at.getTime(), code: cell.errorCode }]),
      );
    }
    return entry as Entry & { row: AttendeeRowDto; json: string; stuckCells: StuckInput['checkpoints'] };
  }

  private classWide(options: ProgressOptions) {
    const ordered = this.order().map((entry) => this.prepared(entry));
    const failureWindowMs = options.failureWindowMs ?? DEFAULT_FAILURE_WINDOW_MS;
    const stuck = detectStuck(
      ordered.map((entry) => ({
        id: entry.attendee.id,
        joinedAt: entry.attendee.joinedAt.getTime(),
        checkpoints: entry.stuckCells,
        // As read for one request before: attempts older than the window do not count.
        connectAttempts: entry.attempts.filter((attempt) => attempt.at >= options.now - failureWindowMs),
      })),
      {
        now: options.now,
        checkpointIds: options.automatic,
        pendingMs: options.stuckMinutes * 60_000,
        repeats: options.stuckRepeats,
        checkIntervalMs: options.checkIntervalMs,
      },
    );
    return { stuck, ordered };
  }

  private envelope(workshop: WorkshopDto, options: ProgressOptions, attendees: BoardAttendeeDto[], groups: StuckGroup[]): ProgressDto {
    const automatic = new Set(options.automatic);
    return {
      workshop,
      generatedAt: new Date(options.now).toISOString(),
      checkpoints: allCheckpointIds.map((id) => ({ id, chapter: chapterOfCheckpoint(id), automatic: automatic.has(id) })),
      attendees,
      stuck: { minutes: options.stuckMinutes, groups },
      counts: this.counts(),
    };
  }
}

function attendeeRow(attendee: BoardAttendee): AttendeeRowDto {
  const checkpoints = {} as Record<CheckpointId, BoardCellDto>;
  let done = 0;
  for (const id of allCheckpointIds) {
    const cell = attendee.checkpoints[id];
    checkpoints[id] = cell
      ? { state: cell.state, at: cell.at.toISOString(), detail: cell.detail, code: cell.errorCode }
      : { state: 'pending', at: null, detail: null, code: null };
    if (cell?.state === 'done') done += 1;
  }
  return {
    id: attendee.id,
    name: attendee.displayName,
    currentChapter: attendee.currentChapter,
    joinedAt: attendee.joinedAt.toISOString(),
    lastSeenAt: attendee.lastSeenAt.toISOString(),
    connection: attendee.connection ? connectionDto(attendee.connection) : null,
    done,
    checkpoints,
  };
}

/** The board built from scratch: what one request used to do, and what the view's answers must equal. */
export function buildProgress(workshop: WorkshopDto, board: readonly BoardAttendee[], attempts: readonly ConnectAttemptRow[], options: ProgressOptions): ProgressDto {
  const view = new ProgressView();
  view.replaceAll(board, attempts);
  return view.build(workshop, options);
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
