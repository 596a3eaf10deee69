import 'server-only';
import {
  getWorkshopProgress,
  listBoardPeople,
  listBoardResults,
  listConnectAttempts,
  readBoardChanges,
  type BoardChange,
  type Database,
} from '../db';
import { ProgressView } from './progress-view';
import { DEFAULT_FAILURE_WINDOW_MS } from './stuck';

/**
 * The class boards this instance serves, kept in memory between polls (lib/board/progress-view.ts)
 * and brought up to date from the database's change feed (`board_changes`, written by triggers in
 * every instance): a poll reads the feed (one small query), then again only the attendees that
 * changed since the last poll. A 500-attendee board is loaded whole once, and again every few
 * minutes as a safety net; the board, presenter mode's counts and the drill-in share it.
 */

/** Changes stamped this long before the last read are looked at again (a write stamped before it committed). */
const OVERLAP_MS = 2_000;
/** Everything is read again this often, whatever the feed says. */
const FULL_RELOAD_MS = 5 * 60_000;
/** A board nobody asked for this long is dropped. */
const IDLE_MS = 10 * 60_000;

interface LiveBoard {
  view: ProgressView;
  /** The feed's last times per attendee, as exact microsecond strings. */
  known: Map<string, { personAt: string | null; resultsAt: string | null }>;
  readAt: Date | null;
  loadedAt: number;
  usedAt: number;
  syncing: Promise<void> | null;
  /** performance.now() when the running catch-up started. */
  syncStartedAt: number;
}

export interface LiveViewStats {
  fullLoads: number;
  deltas: number;
  /** Attendees read again by deltas, people and results counted apart. */
  peopleRead: number;
  resultsRead: number;
}

const KEY = Symbol.for('elastic-logging-lab.live-boards');
type GlobalWithBoards = typeof globalThis & { [KEY]?: { boards: WeakMap<Database, Map<string, LiveBoard>>; stats: LiveViewStats } };

function state() {
  const g = globalThis as GlobalWithBoards;
  g[KEY] ??= { boards: new WeakMap(), stats: { fullLoads: 0, deltas: 0, peopleRead: 0, resultsRead: 0 } };
  return g[KEY];
}

export function liveViewStats(): Readonly<LiveViewStats> {
  return { ...state().stats };
}

const newer = (next: string | null, known: string | null | undefined) => next !== null && (known === null || known === undefined || BigInt(next) > BigInt(known));

async function fullLoad(db: Database, workshopId: string, board: LiveBoard): Promise<void> {
  // The feed first: whatever changes while the class is read shows up in the next feed again.
  const feed = await readBoardChanges(db, workshopId);
  const [attendees, attempts] = await Promise.all([
    getWorkshopProgress(db, workshopId),
    listConnectAttempts(db, workshopId, new Date(Date.now() - DEFAULT_FAILURE_WINDOW_MS)),
  ]);
  board.view.replaceAll(attendees, attempts);
  board.known = new Map(feed.changes.map((change) => [change.participantId, { personAt: change.personAt, resultsAt: change.resultsAt }]));
  board.readAt = feed.readAt;
  board.loadedAt = Date.now();
  state().stats.fullLoads += 1;
}

async function catchUp(db: Database, workshopId: string, board: LiveBoard, readAt: Date): Promise<void> {
  const feed = await readBoardChanges(db, workshopId, new Date(readAt.getTime() - OVERLAP_MS));
  const people: string[] = [];
  const results = new Set<string>();
  const seen: BoardChange[] = [];
  for (const change of feed.changes) {
    const known = board.known.get(change.participantId);
    const person = newer(change.personAt, known?.personAt);
    // A newcomer's results are read with them, whichever change the feed shows first.
    if (person) people.push(change.participantId);
    if (newer(change.resultsAt, known?.resultsAt) || (person && !board.view.has(change.participantId))) results.add(change.participantId);
    if (person || results.has(change.participantId)) seen.push(change);
  }
  if (people.length > 0 || results.size > 0) {
    const [rows, cells, attempts] = await Promise.all([
      listBoardPeople(db, workshopId, people),
      listBoardResults(db, workshopId, { participantIds: [...results] }),
      listConnectAttempts(db, workshopId, new Date(Date.now() - DEFAULT_FAILURE_WINDOW_MS), people),
    ]);
    board.view.updatePeople(people, rows);
    board.view.updateResults([...results], cells);
    board.view.setAttempts(people, attempts);
    for (const change of seen) board.known.set(change.participantId, { personAt: change.personAt, resultsAt: change.resultsAt });
    const stats = state().stats;
    stats.peopleRead += people.length;
    stats.resultsRead += results.size;
  }
  board.readAt = feed.readAt;
  state().stats.deltas += 1;
}

function sync(db: Database, workshopId: string, board: LiveBoard): Promise<void> {
  const readAt = board.readAt;
  const run = readAt === null || Date.now() - board.loadedAt > FULL_RELOAD_MS ? fullLoad(db, workshopId, board) : catchUp(db, workshopId, board, readAt);
  board.syncStartedAt = performance.now();
  board.syncing = run
    .catch((error: unknown) => {
      // A failed read leaves the view as it was; the next caller starts from a full load.
      board.readAt = null;
      throw error;
    })
    .finally(() => {
      board.syncing = null;
    });
  return board.syncing;
}

/**
 * The workshop's board, up to date with everything committed before the call. Callers arriving
 * while a catch-up runs share the next one (one that started after they arrived), so a board
 * read right after a write always shows it.
 */
export async function liveProgressView(db: Database, workshopId: string): Promise<ProgressView> {
  const { boards: all } = state();
  let boards = all.get(db);
  if (!boards) all.set(db, (boards = new Map()));
  const now = Date.now();
  for (const [id, other] of boards) if (now - other.usedAt > IDLE_MS && !other.syncing) boards.delete(id);

  let board = boards.get(workshopId);
  if (!board) {
    board = { view: new ProgressView(), known: new Map(), readAt: null, loadedAt: 0, usedAt: now, syncing: null, syncStartedAt: 0 };
    boards.set(workshopId, board);
  }
  board.usedAt = now;
  const arrivedAt = performance.now();
  for (;;) {
    if (!board.syncing) {
      await sync(db, workshopId, board);
      return board.view;
    }
    const startedAt = board.syncStartedAt;
    const mine = startedAt >= arrivedAt;
    try {
      await board.syncing;
    } catch (error) {
      // One that started before this caller arrived failed: this caller tries its own.
      if (mine) throw error;
    }
    if (mine) return board.view;
  }
}
