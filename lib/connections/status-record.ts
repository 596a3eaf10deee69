import { coalesceKey } from '../cluster/coalesce';
import type { ConnectionStatusSnapshot } from '../db/schema';
import { spreadWait } from '../spread-wait';

/**
 * When the status card writes a connection's status for the class board. Storing every poll's
 * answer would be a database write per attendee every 5 s, so a status is written when it changed
 * or when the stored one is about a minute old (the board's "last answered" is that fresh).
 *
 * "About": each write draws its own wait of one to two minutes. A class whose pages opened
 * together wrote all its statuses in the same few seconds, and with a fixed minute it rewrote
 * them all together a minute later, every minute: a burst of hundreds of writes that the pages'
 * own queries queued behind (bench:class, 500 attendees: a p99 of about 1 s in the 10 s after it).
 */
export const STATUS_REFRESH_MS = 60_000;

export interface RecordedStatus {
  /** The snapshot with its keys sorted: a stored jsonb comes back with its keys in another order. */
  key: string;
  at: number;
  /** How long this record stands before it is written again unchanged. */
  refreshMs: number;
}

export function recordedStatus(snapshot: ConnectionStatusSnapshot, at: number, random: () => number = Math.random): RecordedStatus {
  return { key: coalesceKey(snapshot), at, refreshMs: spreadWait(STATUS_REFRESH_MS, random) };
}

/** What the connection's row says was stored last (after a restart this process remembers nothing). */
export function storedStatus(
  row: { lastStatus: ConnectionStatusSnapshot | null; lastStatusAt: Date | null },
  random: () => number = Math.random,
): RecordedStatus | undefined {
  return row.lastStatus && row.lastStatusAt ? recordedStatus(row.lastStatus, row.lastStatusAt.getTime(), random) : undefined;
}

/** Whether `snapshot` is to be written now, given what was recorded last. */
export function statusWriteDue(last: RecordedStatus | undefined, snapshot: ConnectionStatusSnapshot, now: number): boolean {
  return !last || last.key !== coalesceKey(snapshot) || now - last.at >= last.refreshMs;
}
