import 'server-only';
import { createHash } from 'node:crypto';
import { deleteStaleRateLimits, EMPTY_RATE_LIMIT, updateRateLimits, type Database, type RateLimitState } from '../db';

/**
 * The sign-in limits, kept in the database so every app instance applies the same counts.
 *
 * Failed instructor sign-ins slow down rather than lock out: each client address may try 5 times
 * freely, then waits 1 s, 2 s, 4 s ... (at most 5 minutes) between attempts; all clients together
 * may try 20 times freely, then wait 1 s, 2 s, 4 s ... (at most 15 s). An attempt that comes too
 * early is answered `rate_limited` with the wait and is neither checked nor counted. A counter is
 * forgotten after an hour without attempts; a correct password clears its client's counter and
 * the overall one. Someone guessing from one address therefore never keeps the instructor, at
 * another address, out for longer than the overall 15 s.
 *
 * Self-paced sign-ups (which create a participant each) are limited per client address per hour;
 * workshop attendees joining with a code are not counted, so a class behind one NAT address all
 * gets in.
 */
export interface SlowDown {
  /** Attempts without any wait. */
  free: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /** A counter untouched this long starts again from zero. */
  forgetAfterMs: number;
}

const HOUR_MS = 60 * 60_000;

export const INSTRUCTOR_PER_CLIENT: SlowDown = { free: 5, firstDelayMs: 1_000, maxDelayMs: 5 * 60_000, forgetAfterMs: HOUR_MS };
export const INSTRUCTOR_OVERALL: SlowDown = { free: 20, firstDelayMs: 1_000, maxDelayMs: 15_000, forgetAfterMs: HOUR_MS };
export const SELF_PACED_WINDOW_MS = HOUR_MS;

/** The wait after the `count`-th attempt: none for the free ones, then doubling up to the cap. */
export function slowDownDelayMs(policy: SlowDown, count: number): number {
  const over = count - policy.free;
  if (over <= 0) return 0;
  // 2^20 already exceeds any cap in seconds; the bound keeps the power finite.
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(over - 1, 20));
}

export type Verdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Counts one more attempt, or refuses it when it comes before the current wait has passed. */
export function countSlowDownAttempt(state: RateLimitState, now: Date, policy: SlowDown): { verdict: Verdict; state?: RateLimitState } {
  const fresh = now.getTime() - state.lastAt.getTime() >= policy.forgetAfterMs;
  const current = fresh ? { ...EMPTY_RATE_LIMIT, windowStartedAt: now } : state;
  if (current.notBefore.getTime() > now.getTime()) {
    return { verdict: { allowed: false, retryAfterMs: current.notBefore.getTime() - now.getTime() } };
  }
  const count = current.count + 1;
  return {
    verdict: { allowed: true },
    state: { count, windowStartedAt: fresh ? now : current.windowStartedAt, lastAt: now, notBefore: new Date(now.getTime() + slowDownDelayMs(policy, count)) },
  };
}

/** A fixed hourly window: up to `limit` attempts per window. */
export function countWindowAttempt(state: RateLimitState, now: Date, limit: number, windowMs: number): { verdict: Verdict; state?: RateLimitState } {
  const elapsed = now.getTime() - state.windowStartedAt.getTime();
  const current = elapsed >= windowMs ? { ...EMPTY_RATE_LIMIT, windowStartedAt: now } : state;
  if (current.count >= limit) {
    return { verdict: { allowed: false, retryAfterMs: current.windowStartedAt.getTime() + windowMs - now.getTime() } };
  }
  return { verdict: { allowed: true }, state: { ...current, count: current.count + 1, lastAt: now, notBefore: now } };
}

/** A key for a client's counter: a hash, so the database holds no addresses. */
function clientKey(limit: string, client: string | null): string {
  const digest = createHash('sha256').update(client ?? 'unknown').digest('base64url').slice(0, 22);
  return `${limit}:client:${digest}`;
}

const INSTRUCTOR_OVERALL_KEY = 'instructor:all';

let lastSweep = 0;

/** Now and then (once per 10 minutes per instance), counters idle for two hours are deleted. */
async function sweep(db: Database, now: Date): Promise<void> {
  if (now.getTime() - lastSweep < 10 * 60_000) return;
  lastSweep = now.getTime();
  await deleteStaleRateLimits(db, new Date(now.getTime() - 2 * HOUR_MS)).catch((error: unknown) => {
    console.error('[auth] could not delete old sign-in counters:', error instanceof Error ? error.message : String(error));
  });
}

/** Counts an instructor sign-in attempt for the client and overall, or says how long to wait. */
export async function claimInstructorAttempt(db: Database, client: string | null, now = new Date()): Promise<Verdict> {
  const key = clientKey('instructor', client);
  const verdict = await updateRateLimits<Verdict>(db, [key, INSTRUCTOR_OVERALL_KEY], (states) => {
    const own = countSlowDownAttempt(states.get(key) ?? EMPTY_RATE_LIMIT, now, INSTRUCTOR_PER_CLIENT);
    const all = countSlowDownAttempt(states.get(INSTRUCTOR_OVERALL_KEY) ?? EMPTY_RATE_LIMIT, now, INSTRUCTOR_OVERALL);
    if (!own.verdict.allowed || !all.verdict.allowed) {
      const wait = Math.max(own.verdict.allowed ? 0 : own.verdict.retryAfterMs, all.verdict.allowed ? 0 : all.verdict.retryAfterMs);
      return { writes: new Map(), result: { allowed: false, retryAfterMs: wait } };
    }
    return { writes: new Map([[key, own.state!], [INSTRUCTOR_OVERALL_KEY, all.state!]]), result: { allowed: true } };
  });
  await sweep(db, now);
  return verdict;
}

/** The right password: this client's counter and the overall one start again. */
export async function instructorSignedIn(db: Database, client: string | null, now = new Date()): Promise<void> {
  const cleared: RateLimitState = { count: 0, windowStartedAt: now, lastAt: now, notBefore: now };
  await updateRateLimits(db, [clientKey('instructor', client), INSTRUCTOR_OVERALL_KEY], () => ({
    writes: new Map([[clientKey('instructor', client), cleared], [INSTRUCTOR_OVERALL_KEY, cleared]]),
    result: undefined,
  }));
}

/** Counts a self-paced sign-up for the client address, or says how long until the hour is over. */
export async function claimSelfPacedSignUp(db: Database, client: string | null, perHour: number, now = new Date()): Promise<Verdict> {
  const key = clientKey('self-paced', client);
  const verdict = await updateRateLimits<Verdict>(db, [key], (states) => {
    const counted = countWindowAttempt(states.get(key) ?? EMPTY_RATE_LIMIT, now, perHour, SELF_PACED_WINDOW_MS);
    return { writes: new Map(counted.state ? [[key, counted.state]] : []), result: counted.verdict };
  });
  await sweep(db, now);
  return verdict;
}
