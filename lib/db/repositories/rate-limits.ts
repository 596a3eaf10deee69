import 'server-only';
import { inArray, lt } from 'drizzle-orm';
import { rateLimits } from '../schema';
import type { Database } from '../types';

/** One limit's counter; a key never seen (or forgotten) reads as `count` 0. */
export interface RateLimitState {
  count: number;
  windowStartedAt: Date;
  lastAt: Date;
  notBefore: Date;
}

const NEVER = new Date(0);

export const EMPTY_RATE_LIMIT: RateLimitState = { count: 0, windowStartedAt: NEVER, lastAt: NEVER, notBefore: NEVER };

export interface RateLimitDecision<T> {
  /** The new state of each key to change; keys left out stay as they were. */
  writes: ReadonlyMap<string, RateLimitState>;
  result: T;
}

/**
 * Reads the counters of `keys` with their rows locked, lets `decide` work out the new states, and
 * writes them, all in one transaction: several app instances (or concurrent requests) deciding at
 * once take turns, so an attempt counted by one is seen by the next. Rows are locked in key order,
 * so two transactions never wait on each other in a circle.
 */
export async function updateRateLimits<T>(
  db: Database,
  keys: readonly string[],
  decide: (states: ReadonlyMap<string, RateLimitState>) => RateLimitDecision<T>,
): Promise<T> {
  const sorted = [...new Set(keys)].sort();
  return db.transaction(async (tx) => {
    // A row to lock for every key, so a first attempt is serialised like any other.
    await tx
      .insert(rateLimits)
      .values(sorted.map((key) => ({ key, ...EMPTY_RATE_LIMIT })))
      .onConflictDoNothing();
    const rows = await tx.select().from(rateLimits).where(inArray(rateLimits.key, sorted)).orderBy(rateLimits.key).for('update');
    const states = new Map<string, RateLimitState>(rows.map(({ key, ...state }) => [key, state]));
    const { writes, result } = decide(states);
    for (const [key, state] of writes) {
      await tx.insert(rateLimits).values({ key, ...state }).onConflictDoUpdate({ target: rateLimits.key, set: state });
    }
    return result;
  });
}

/** Forgets counters untouched since `before`. */
export async function deleteStaleRateLimits(db: Database, before: Date): Promise<number> {
  const removed = await db.delete(rateLimits).where(lt(rateLimits.lastAt, before)).returning({ key: rateLimits.key });
  return removed.length;
}
