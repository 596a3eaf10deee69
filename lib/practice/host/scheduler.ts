/**
 * One timer for every practice host in the process (a load test may hold hundreds of
 * deployments): each second it lets the active hosts catch up with the clock. Hosts whose Beats
 * are stopped are skipped. The timer is unref'd so it never keeps a process alive.
 */
export interface Tickable {
  readonly active: boolean;
  tick(): void;
}

export class HostScheduler {
  private readonly hosts = new Set<Tickable>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs = 1_000,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  add(host: Tickable): void {
    this.hosts.add(host);
  }

  remove(host: Tickable): void {
    this.hosts.delete(host);
  }

  get size(): number {
    return this.hosts.size;
  }

  /** Runs one round now (tests with a ManualClock call this after moving the clock). */
  tickAll(): void {
    for (const host of this.hosts) {
      if (!host.active) continue;
      try {
        host.tick();
      } catch (error) {
        this.onError(error);
      }
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tickAll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
