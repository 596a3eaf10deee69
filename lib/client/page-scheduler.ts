/**
 * When a page's live reads happen (framework-free; `use-panel.ts` wires SWR to it, the class-load
 * bench drives it as pages do). Every panel and the checkpoints register their key here instead
 * of keeping a timer each; the page then reads on one beat:
 *
 * - The page ticks every `base` ms, the shortest interval among its active reads (3 s with the
 *   auth log, else 5 s). At a tick every read that is due (its interval since it last started,
 *   give or take a tenth of a beat) starts, together, so the transport sends them as one request:
 *   one request per page per refresh window. A read whose interval is not a multiple of the tick
 *   waits for the next tick (a 5 s panel beside the 3 s auth log reads every 6 s).
 * - A read that is still running is not started again; one that failed waits longer each time
 *   (its interval, at least 5 s, doubled per failure, at most a minute).
 * - A paused read (the panel's pause button) and one whose interval is 0 (checkpoints all done)
 *   are not read on the beat; resuming reads at once (the hook does that).
 * - A hidden page (another tab in front, a minimised window: Page Visibility) does not tick at
 *   all. When it is shown again, it ticks at once: everything overdue is read in that one request.
 */

export interface SchedulerClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PageVisibility {
  hidden(): boolean;
  /** Calls `onChange` when the page is hidden or shown; returns the unsubscribe. */
  subscribe(onChange: () => void): () => void;
}

/** One component's interest in a key (several components may read the same key). */
export interface ScheduledReader {
  /** Milliseconds between reads now (it may depend on the latest answer); 0: not on the beat. */
  intervalMs(): number;
  paused(): boolean;
  /** Starts a read of the key now; its outcome is reported with `started`/`settled`. */
  read(): void;
}

export interface PageSchedulerOptions {
  clock?: SchedulerClock;
  visibility?: PageVisibility;
  /** How early (a share of the beat) a read may start at a tick: a read that began a little after a tick is still due at the next. */
  tolerance?: number;
  /** The first retry after a failure waits at least this long. */
  minRetryMs?: number;
  /** Retries wait at most this long (or the read's own interval, when longer). */
  maxRetryMs?: number;
}

interface KeyState {
  readers: Set<ScheduledReader>;
  /** When the last read of this key started (whoever started it: the beat, a mount, a refresh). */
  startedAt: number | null;
  running: boolean;
  failures: number;
}

const realClock: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const alwaysVisible: PageVisibility = { hidden: () => false, subscribe: () => () => undefined };

/** The browser's Page Visibility API. */
export function documentVisibility(doc: Document): PageVisibility {
  return {
    hidden: () => doc.visibilityState === 'hidden',
    subscribe(onChange) {
      doc.addEventListener('visibilitychange', onChange);
      return () => doc.removeEventListener('visibilitychange', onChange);
    },
  };
}

export class PageScheduler {
  private readonly keys = new Map<string, KeyState>();
  private readonly clock: SchedulerClock;
  private readonly visibility: PageVisibility;
  private readonly tolerance: number;
  private readonly minRetryMs: number;
  private readonly maxRetryMs: number;
  private timer: unknown = null;
  private lastTick: number | null = null;
  private readonly unsubscribe: () => void;

  constructor(options: PageSchedulerOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.visibility = options.visibility ?? alwaysVisible;
    this.tolerance = options.tolerance ?? 0.1;
    this.minRetryMs = options.minRetryMs ?? 5_000;
    this.maxRetryMs = options.maxRetryMs ?? 60_000;
    this.unsubscribe = this.visibility.subscribe(() => this.visibilityChanged());
  }

  /** A component reads `key`; the returned function ends that. */
  add(key: string, reader: ScheduledReader): () => void {
    let state = this.keys.get(key);
    if (!state) this.keys.set(key, (state = { readers: new Set(), startedAt: null, running: false, failures: 0 }));
    state.readers.add(reader);
    this.plan();
    return () => {
      const current = this.keys.get(key);
      if (!current) return;
      current.readers.delete(reader);
      if (current.readers.size === 0) this.keys.delete(key);
      this.plan();
    };
  }

  /**
   * A read of `key` began, whoever began it. A component's first read may start before it adds
   * its key (SWR reads on mount before effects run): the key is remembered from here.
   */
  started(key: string): void {
    let state = this.keys.get(key);
    if (!state) this.keys.set(key, (state = { readers: new Set(), startedAt: null, running: false, failures: 0 }));
    state.startedAt = this.clock.now();
    state.running = true;
  }

  /** A read of `key` ended. */
  settled(key: string, ok: boolean): void {
    const state = this.keys.get(key);
    if (!state) return;
    state.running = false;
    state.failures = ok ? 0 : state.failures + 1;
    if (state.readers.size === 0) this.keys.delete(key);
  }

  /** A reader's interval or pause changed: the beat may change. */
  changed(): void {
    this.plan();
  }

  /** The page's beat in ms (the shortest interval among active reads), or null: nothing to read. */
  beatMs(): number | null {
    let beat = Infinity;
    // Nominal intervals: a failing read waits longer, but does not slow the others.
    for (const state of this.keys.values()) beat = Math.min(beat, this.intervalOf(state, false));
    return Number.isFinite(beat) ? beat : null;
  }

  dispose(): void {
    this.unsubscribe();
    this.stopTimer();
    this.keys.clear();
  }

  /** The key's interval now: the shortest among its active readers, longer after failures; Infinity: not on the beat. */
  private intervalOf(state: KeyState, withRetries = true): number {
    let interval = Infinity;
    for (const reader of state.readers) {
      if (reader.paused()) continue;
      const ms = reader.intervalMs();
      if (ms > 0) interval = Math.min(interval, ms);
    }
    if (!Number.isFinite(interval) || state.failures === 0 || !withRetries) return interval;
    const backoff = Math.max(interval, this.minRetryMs) * 2 ** (state.failures - 1);
    return Math.min(backoff, Math.max(this.maxRetryMs, interval));
  }

  private stopTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Sets the timer for the next tick: a beat after the last one (at once if that is past). */
  private plan(): void {
    this.stopTimer();
    if (this.visibility.hidden()) return;
    const beat = this.beatMs();
    if (beat === null) return;
    const now = this.clock.now();
    this.lastTick ??= now;
    const at = Math.max(now, this.lastTick + beat);
    this.timer = this.clock.setTimeout(() => this.tick(), at - now);
  }

  private tick(): void {
    this.timer = null;
    const now = this.clock.now();
    this.lastTick = now;
    const beat = this.beatMs();
    if (beat !== null) {
      const due: ScheduledReader[] = [];
      for (const state of this.keys.values()) {
        if (state.running) continue;
        const interval = this.intervalOf(state);
        if (!Number.isFinite(interval)) continue;
        if (state.startedAt === null || state.startedAt + interval <= now + this.tolerance * beat) {
          const reader = [...state.readers].find((r) => !r.paused() && r.intervalMs() > 0);
          if (!reader) continue;
          // Counted from now even if the read does not report back (a reader gone meanwhile).
          state.startedAt = now;
          due.push(reader);
        }
      }
      // All of them in this one turn of the event loop: the transport sends them together.
      for (const reader of due) reader.read();
    }
    this.plan();
  }

  private visibilityChanged(): void {
    if (this.visibility.hidden()) {
      this.stopTimer();
      return;
    }
    // Shown again: one tick now reads everything that fell due while hidden.
    this.tick();
  }
}
