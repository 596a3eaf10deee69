/**
 * Who in the class is stuck, and why: pure, so the rules are tested on their own and any app
 * instance computes the same answer from the same stored progress.
 *
 * Two rules (the instructor's view of "stuck"):
 * - behind: a checkpoint is still open `pendingMs` (default 10 minutes) after at least half the
 *   class passed it. "When half the class had passed" is the time the middle attendee got it done;
 *   for a latecomer the minutes count from their arrival.
 * - repeated error: the same error came back `repeats` times in a row, either trying to connect
 *   (the connect attempts after the last successful one, e.g. a wrong password typed three times)
 *   or on a checkpoint (an error state that stayed through `repeats` background checks).
 *
 * Each stuck attendee gets one primary reason (a repeated error first, it is the most specific;
 * else the earliest checkpoint, in course order, they are behind on) and the class is grouped by
 * it: "4 attendees: unauthorized", "6 attendees behind on metricbeat-data".
 */

export interface StuckCell {
  state: 'pending' | 'done' | 'error';
  /** Epoch ms: when it was done, or when its current state was first recorded. */
  at: number | null;
  code: string | null;
}

export interface ConnectAttempt {
  ok: boolean;
  /** The error code of a failed attempt. */
  code: string | null;
  at: number;
}

export interface StuckInput {
  id: string;
  /** Epoch ms: a latecomer gets the same `pendingMs` from their arrival, not from the class's pace. */
  joinedAt?: number;
  /** By checkpoint id; a checkpoint never checked is absent (pending). */
  checkpoints: Readonly<Record<string, StuckCell | undefined>>;
  /** Connect attempts, oldest first (only their tail after the last success matters). */
  connectAttempts: readonly ConnectAttempt[];
}

export interface StuckOptions {
  now: number;
  /** The checkpoints that are verified automatically, in course order. */
  checkpointIds: readonly string[];
  pendingMs: number;
  repeats: number;
  /** How often an open checkpoint is checked again: an error state this old has come back this often. */
  checkIntervalMs: number;
  /** Connect failures older than this no longer make anyone stuck (they left, or gave up long ago). */
  failureWindowMs?: number;
}

export type StuckReason =
  | { kind: 'behind'; checkpointId: string; code: string | null; since: number }
  | { kind: 'repeated_error'; code: string; checkpointId: string | null; count: number; since: number };

export interface StuckGroup {
  /** `error:<code>` or `behind:<checkpoint>`: what the board groups by. */
  key: string;
  kind: StuckReason['kind'];
  code: string | null;
  checkpointId: string | null;
  attendeeIds: string[];
}

export interface StuckReport {
  byAttendee: Record<string, StuckReason>;
  /** Largest group first. */
  groups: StuckGroup[];
  /** When at least half the class had passed each checkpoint (absent while fewer have). */
  halfClassAt: Record<string, number>;
}

export const DEFAULT_FAILURE_WINDOW_MS = 30 * 60_000;

/** The moment the middle attendee (ceil(n/2)-th fastest) got each checkpoint done. */
export function halfClassTimes(attendees: readonly StuckInput[], checkpointIds: readonly string[]): Record<string, number> {
  const half = Math.ceil(attendees.length / 2);
  const times: Record<string, number> = {};
  if (half === 0) return times;
  for (const id of checkpointIds) {
    const done = attendees
      .map((attendee) => attendee.checkpoints[id])
      .filter((cell): cell is StuckCell & { at: number } => cell?.state === 'done' && cell.at !== null)
      .map((cell) => cell.at)
      .sort((a, b) => a - b);
    const at = done[half - 1];
    if (at !== undefined) times[id] = at;
  }
  return times;
}

function repeatedConnectFailure(attempts: readonly ConnectAttempt[], options: StuckOptions): StuckReason | null {
  let count = 0;
  let code: string | null = null;
  let since = 0;
  for (let i = attempts.length - 1; i >= 0; i -= 1) {
    const attempt = attempts[i]!;
    if (attempt.ok || (code !== null && attempt.code !== code)) break;
    code = attempt.code;
    since = attempt.at;
    count += 1;
  }
  const last = attempts[attempts.length - 1];
  const window = options.failureWindowMs ?? DEFAULT_FAILURE_WINDOW_MS;
  if (code === null || count < options.repeats || !last || options.now - last.at > window) return null;
  return { kind: 'repeated_error', code, checkpointId: null, count, since };
}

function repeatedCheckpointError(attendee: StuckInput, options: StuckOptions): StuckReason | null {
  for (const id of options.checkpointIds) {
    const cell = attendee.checkpoints[id];
    if (cell?.state !== 'error' || !cell.code || cell.at === null) continue;
    // Results are stored when they change, so an error recorded at `at` has come back at every check since.
    const count = 1 + Math.floor(Math.max(0, options.now - cell.at) / options.checkIntervalMs);
    if (count >= options.repeats) return { kind: 'repeated_error', code: cell.code, checkpointId: id, count, since: cell.at };
  }
  return null;
}

function behind(attendee: StuckInput, halfAt: Record<string, number>, options: StuckOptions): StuckReason | null {
  for (const id of options.checkpointIds) {
    const halfPassed = halfAt[id];
    if (halfPassed === undefined) continue;
    const since = Math.max(halfPassed, attendee.joinedAt ?? 0);
    if (options.now - since < options.pendingMs) continue;
    const cell = attendee.checkpoints[id];
    if (cell?.state === 'done') continue;
    return { kind: 'behind', checkpointId: id, code: cell?.code ?? null, since };
  }
  return null;
}

export function stuckReasonKey(reason: StuckReason): string {
  return reason.kind === 'repeated_error' ? `error:${reason.code}` : `behind:${reason.checkpointId}`;
}

export function detectStuck(attendees: readonly StuckInput[], options: StuckOptions): StuckReport {
  const halfClassAt = halfClassTimes(attendees, options.checkpointIds);
  const byAttendee: Record<string, StuckReason> = {};
  const groups = new Map<string, StuckGroup>();
  for (const attendee of attendees) {
    const reason =
      repeatedConnectFailure(attendee.connectAttempts, options) ?? repeatedCheckpointError(attendee, options) ?? behind(attendee, halfClassAt, options);
    if (!reason) continue;
    byAttendee[attendee.id] = reason;
    const key = stuckReasonKey(reason);
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        kind: reason.kind,
        code: reason.kind === 'repeated_error' ? reason.code : null,
        checkpointId: reason.kind === 'behind' ? reason.checkpointId : null,
        attendeeIds: [],
      };
      groups.set(key, group);
    }
    group.attendeeIds.push(attendee.id);
  }
  const order = (group: StuckGroup) => (group.checkpointId ? options.checkpointIds.indexOf(group.checkpointId) : -1);
  const sorted = [...groups.values()].sort(
    (a, b) => b.attendeeIds.length - a.attendeeIds.length || order(a) - order(b) || a.key.localeCompare(b.key),
  );
  return { byAttendee, groups: sorted, halfClassAt };
}
