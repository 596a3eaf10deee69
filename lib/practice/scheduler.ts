import type { Clock } from './clock';

/**
 * One timer for every feature of every deployment in the process (a load test may hold hundreds
 * of deployments): each second it lets the active features catch up with the clock. A feature
 * that says it is idle (`active === false`) is skipped, so idle deployments cost nothing. One
 * failing feature is logged and does not stop the others. The timer is unref'd so it never keeps
 * a process alive.
 */
export interface Tickable {
  readonly name: string;
  /** `false` skips this round; absent means always ticked. */
  readonly active?: boolean;
  tick(now: number): void;
}

export class Scheduler {
  private readonly members = new Set<Tickable>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs = 1_000,
    private readonly onError: (error: unknown, member: Tickable) => void = () => {},
  ) {}

  add(member: Tickable): void {
    this.members.add(member);
  }

  remove(member: Tickable): void {
    this.members.delete(member);
  }

  get size(): number {
    return this.members.size;
  }

  /** Runs one round now (tests with a ManualClock call this after moving the clock). */
  tickAll(now = this.clock.now()): void {
    for (const member of this.members) {
      if (member.active === false) continue;
      try {
        member.tick(now);
      } catch (error) {
        this.onError(error, member);
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
