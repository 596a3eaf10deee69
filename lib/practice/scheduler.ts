import type { Clock } from './clock';
import { inSlices } from './slices';

/**
 * One timer for every feature of every deployment in the process (a load test may hold hundreds
 * of deployments): each second it lets the active features catch up with the clock. A feature
 * that says it is idle (`active === false`) is skipped, so idle deployments cost nothing. One
 * failing feature is logged and does not stop the others. The timer is unref'd so it never keeps
 * a process alive.
 *
 * A live round ticks the members in slices of about `sliceMs` and lets the event loop turn between
 * slices: with 500 deployments' hosts, watches and jobs in one round, a request arriving meanwhile
 * waits for one slice, not for the whole round. A round still running when the next is due is not
 * doubled (the next one starts a second later).
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
  private running: Promise<void> | null = null;
  /** The longest stretch a live round held the thread, ms (one member's tick can exceed `sliceMs`). */
  longestSliceMs = 0;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs = 1_000,
    private readonly onError: (error: unknown, member: Tickable) => void = () => {},
    private readonly sliceMs = 10,
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

  /** Runs one round now, all at once (tests with a ManualClock call this after moving the clock). */
  tickAll(now = this.clock.now()): void {
    for (const member of this.members) this.tickOne(member, now);
  }

  /** One live round in slices; while one runs, the same round is returned. */
  runRound(): Promise<void> {
    this.running ??= this.sliced().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runRound(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tickOne(member: Tickable, now: number): void {
    if (member.active === false) return;
    try {
      member.tick(now);
    } catch (error) {
      this.onError(error, member);
    }
  }

  private async sliced(): Promise<void> {
    const held = await inSlices(
      [...this.members],
      // A member removed during the round (its deployment deleted or closed between slices) is left out.
      (member) => {
        if (this.members.has(member)) this.tickOne(member, this.clock.now());
      },
      this.sliceMs,
    );
    this.longestSliceMs = Math.max(this.longestSliceMs, held);
  }
}
