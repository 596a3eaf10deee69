import { LRUCache } from 'lru-cache';

export interface RateLimitOptions {
  /** How many hits a key may make inside the window. */
  limit: number;
  windowMs: number;
  /** How many keys to remember; the least recently used are forgotten first. */
  maxKeys?: number;
  now?: () => number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
}

/**
 * A sliding-window limiter held in memory (per app instance), for failed cluster connects and
 * failed instructor sign-ins: enough to stop a loop guessing passwords through the guide.
 */
export class RateLimiter {
  private readonly hits: LRUCache<string, number[]>;
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    this.hits = new LRUCache({ max: options.maxKeys ?? 10_000 });
    this.now = options.now ?? Date.now;
  }

  private recent(key: string): number[] {
    const since = this.now() - this.options.windowMs;
    return (this.hits.get(key) ?? []).filter((at) => at > since);
  }

  /** Whether the key may try now, without counting a hit. */
  check(key: string): RateLimitVerdict {
    const recent = this.recent(key);
    const allowed = recent.length < this.options.limit;
    const oldest = recent[0] ?? this.now();
    return {
      allowed,
      remaining: Math.max(0, this.options.limit - recent.length),
      retryAfterMs: allowed ? 0 : oldest + this.options.windowMs - this.now(),
    };
  }

  hit(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.hits.set(key, recent);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }
}
