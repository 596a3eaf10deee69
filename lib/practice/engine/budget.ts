import { parseTimeValue } from './dates';
import { illegalArgument } from './errors';

/**
 * A search's time budget. Elasticsearch stops collecting when a search's `timeout` (or the cluster's
 * `search.default_search_timeout`) runs out and answers what it collected so far with
 * `timed_out: true`. The practice cluster does the same, and always has a default (2 s), so that
 * no tenant's search holds the process every deployment shares.
 */
export const DEFAULT_SEARCH_TIMEOUT_MS = 2_000;

/** Documents examined between two looks at the clock. */
const CHECK_EVERY = 64;

export class SearchBudget {
  private checks = 0;
  private expired = false;

  constructor(
    private readonly deadline: number,
    private readonly clock: () => number,
  ) {}

  static of(timeoutMs: number, clock: () => number): SearchBudget {
    return new SearchBudget(clock() + timeoutMs, clock);
  }

  /** This budget, or a shorter one for a request with its own `timeout`. */
  narrowed(timeoutMs: number | undefined): SearchBudget {
    if (timeoutMs === undefined) return new SearchBudget(this.deadline, this.clock);
    return new SearchBudget(Math.min(this.deadline, this.clock() + timeoutMs), this.clock);
  }

  /** Called once per document; true (and from then on) once the time is up. */
  spent(): boolean {
    if (this.expired) return true;
    this.checks += 1;
    if (this.checks % CHECK_EVERY === 0 && this.clock() >= this.deadline) this.expired = true;
    return this.expired;
  }

  /** Checks the clock now (between indices, before a phase). */
  spentNow(): boolean {
    if (!this.expired && this.clock() >= this.deadline) this.expired = true;
    return this.expired;
  }

  get timedOut(): boolean {
    return this.expired;
  }
}

/**
 * A request's `timeout` (body or URL) in ms; undefined for none (`-1`). ES refuses what is not a
 * time value with the setting's parse error.
 */
export function requestTimeout(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  if (text === '-1') return undefined;
  if (text === '0') return 0;
  const ms = parseTimeValue(text);
  if (ms === undefined && !/^0+(\.0+)?\s*(nanos|micros|ms|s|m|h|d)$/.test(text)) {
    throw illegalArgument(`failed to parse setting [timeout] with value [${text}] as a time value: unit is missing or unrecognized`);
  }
  return ms ?? 0;
}
