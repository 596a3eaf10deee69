/**
 * Writes that may wait a moment, gathered and sent as one statement. A class's pages come back
 * together (after a break, or an instructor's "open chapter 3 now"), and every one of them then
 * has its bookkeeping due at once: an attendee's "last seen", the status the board shows. Sent
 * one by one, 500 small transactions each waited for a pooled connection and a commit, ahead of
 * the pages' own reads; gathered for `waitMs`, they are a few statements.
 *
 * - The latest value per key wins: a key added twice before a send is written once.
 * - One send at a time: what is added during a send goes in the next one.
 * - A failed send is reported (`onError`) and dropped, not retried: these writes are refreshed by
 *   the next request anyway, and a retry loop against a struggling database would add to it.
 * - Timers are unref'd: pending writes never keep a process alive (and a stopping process may
 *   lose the last `waitMs` of them, which the next request writes again).
 */
export interface WriteBatcherOptions<K, V> {
  /** How long the first write of a batch waits for others. */
  waitMs: number;
  write(batch: ReadonlyMap<K, V>): Promise<void>;
  onError?(error: unknown, batch: ReadonlyMap<K, V>): void;
}

export class WriteBatcher<K, V> {
  private pending = new Map<K, V>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending: Promise<void> | null = null;

  constructor(private readonly options: WriteBatcherOptions<K, V>) {}

  /** Writes waiting for the next send. */
  get size(): number {
    return this.pending.size;
  }

  add(key: K, value: V): void {
    this.pending.set(key, value);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.options.waitMs);
    this.timer.unref?.();
  }

  /** Takes back a write not yet sent (one a later write made wrong); whether there was one. */
  drop(key: K): boolean {
    return this.pending.delete(key);
  }

  /** Sends what is pending now, after a send in flight; resolves once it is written (or failed). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.sending) await this.sending;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.sending = this.options
      .write(batch)
      .catch((error: unknown) => this.options.onError?.(error, batch))
      .finally(() => {
        this.sending = null;
      });
    await this.sending;
  }
}
