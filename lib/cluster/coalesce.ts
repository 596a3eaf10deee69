import { LRUCache } from 'lru-cache';

/**
 * Keeps the load on an attendee's cluster independent of how many tabs they (or the instructor's
 * board) keep open: concurrent identical requests share one upstream call (single-flight), and
 * its answer serves everyone for a short window (micro-cache). Keys are built by the caller from
 * (connection, panel or checkpoint, params), e.g. with `coalesceKey`.
 *
 * Per process: several app instances behind a load balancer each make their own call per window.
 */
export interface CoalescerOptions {
  /** Most cached answers kept; old ones are dropped first. */
  max?: number;
  /** Clock for the windows (tests); `performance.now` otherwise. */
  now?: () => number;
}

export interface MicroCacheOptions<T> {
  /** Cache failures for the window too (default true). */
  cacheErrors?: boolean;
  /** Whether a successful answer is kept for the window (default: always). */
  keep?: (value: T) => boolean;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

export class Coalescer {
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly answers: LRUCache<string, Settled>;

  constructor(options: CoalescerOptions = {}) {
    this.answers = new LRUCache<string, Settled>({
      max: options.max ?? 10_000,
      ttl: 1_000,
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    });
  }

  /** Calls `fn` unless a call with the same key is running, whose result is shared instead. */
  singleFlight<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key);
    if (running !== undefined) return running as Promise<T>;
    const promise = Promise.resolve()
      .then(fn)
      .finally(() => {
        if (this.inflight.get(key) === promise) this.inflight.delete(key);
      });
    this.inflight.set(key, promise);
    return promise;
  }

  /**
   * Single-flight, and the settled result is reused for `ttlMs` after it arrives. Failures are
   * cached too (unless `cacheErrors` is false): a cluster that is down gets one attempt per window,
   * not one per tab. `keep` decides whether an answer is worth keeping (e.g. only a complete one);
   * one it declines still serves the calls that shared its flight.
   */
  async microCache<T>(key: string, ttlMs: number, fn: () => Promise<T>, options: MicroCacheOptions<T> = {}): Promise<T> {
    const cached = this.answers.get(key);
    if (cached !== undefined) {
      if (cached.ok) return cached.value as T;
      throw cached.error;
    }
    return this.singleFlight(key, async () => {
      try {
        const value = await fn();
        if (ttlMs > 0 && (options.keep?.(value) ?? true)) this.answers.set(key, { ok: true, value }, { ttl: ttlMs });
        return value;
      } catch (error) {
        if (ttlMs > 0 && options.cacheErrors !== false) this.answers.set(key, { ok: false, error }, { ttl: ttlMs });
        throw error;
      }
    });
  }

  /** Drops cached answers whose key starts with `prefix` (e.g. after a reconnect or a write). */
  invalidate(prefix: string): void {
    for (const key of [...this.answers.keys()]) {
      if (key.startsWith(prefix)) this.answers.delete(key);
    }
  }
}

// On globalThis: Next.js bundles the start-up hook (the class board's background verifier) apart
// from the routes, and both must share one single-flight, or a checkpoint could be checked twice at once.
const store = globalThis as typeof globalThis & { __elasticLabCoalescer?: Coalescer };
const shared = (store.__elasticLabCoalescer ??= new Coalescer());

export function singleFlight<T>(key: string, fn: () => Promise<T>): Promise<T> {
  return shared.singleFlight(key, fn);
}

export function microCache<T>(key: string, ttlMs: number, fn: () => Promise<T>, options?: MicroCacheOptions<T>): Promise<T> {
  return shared.microCache(key, ttlMs, fn, options);
}

export function invalidateCoalesced(prefix: string): void {
  shared.invalidate(prefix);
}

/** A key from parts; objects are serialised with sorted keys so `{a,b}` and `{b,a}` coincide. */
export function coalesceKey(...parts: readonly unknown[]): string {
  return parts.map((part) => (typeof part === 'string' ? part : stableStringify(part))).join('\u241f');
}

function stableStringify(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(',')}}`;
}
