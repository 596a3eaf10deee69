/**
 * Sharing the background verifier between app instances on one PostgreSQL. Each open workshop's
 * attendees fall into slices (by participant id); an instance verifies an attendee only while it
 * holds a lease on their slice, and each slice has one holder at a time, so no check runs twice.
 *
 * Timing, for a lease period L (BOARD_VERIFY_LEASE_MS) and a step every S = L / 6:
 * - every S the keeper renews what it holds until now + (L - S), on the database's clock, and
 *   claims free or expired slices up to its fair share (slices / live instances);
 * - it starts no check on a slice later than S before the lease would run out, by its own clock
 *   measured from before the renewal was sent, so a check has at least S to finish inside it;
 * - a stopping instance gives back at once the slices it is not checking, and the others when
 *   their checks end: the others take them on their next step (within S);
 *   a dead one stops renewing, its leases run out at most L - S after its last step, and the
 *   others take them on their next step after that: within L of its death;
 * - when an instance joins, the others give back what is over their share (never a slice with a
 *   check in flight) and the newcomer claims it on its next step.
 *
 * Framework-free: the database side is the `store` (lib/db/repositories/verifier-leases.ts), the
 * clock is injectable, and tests drive it with fake timers.
 */

export interface LeaseUnit {
  workshopId: string;
  slice: number;
}

export interface LeaseStoreResult {
  held: (LeaseUnit & { expiresAt: Date })[];
  claimed: LeaseUnit[];
  released: LeaseUnit[];
  instances: number;
  share: number;
}

export interface LeaseStore {
  sync(input: { instanceId: string; ttlMs: number; busy: readonly string[]; at?: Date }): Promise<LeaseStoreResult>;
  /** Gives back every slice but those in `keep`, and stops counting the instance as live. */
  release(instanceId: string, at?: Date, keep?: readonly string[]): Promise<number>;
  /** Only for a database no other process can open: drop everyone else's claims. */
  forgetOthers?(instanceId: string, at?: Date): Promise<void>;
}

export interface LeaseKeeperOptions {
  instanceId: string;
  leaseMs: number;
  slices: number;
  store: LeaseStore;
  /** Slices (`workshopId:slice`) with a check in flight, which are never given back. */
  busy?: () => readonly string[];
  /** This process is the only one on the database (embedded PGlite): take everything at once. */
  exclusive?: boolean;
  now?: () => number;
  /** Send `now()` to the store instead of using the database's clock (tests with a fake clock). */
  clockInDatabase?: boolean;
  log?: (message: string) => void;
  /** Told of every claim and release, for diagnostics. */
  onChange?: (change: { at: number; claimed: LeaseUnit[]; released: LeaseUnit[] }) => void;
}

export const unitKey = (unit: LeaseUnit) => `${unit.workshopId}:${unit.slice}`;

/** A participant's slice: the last 32 bits of the (random) uuid, so slices are even and stable. */
export function sliceOf(participantId: string, slices: number): number {
  const hex = participantId.replace(/-/g, '').slice(-8);
  const n = Number.parseInt(hex, 16);
  return Number.isFinite(n) ? n % slices : 0;
}

export class LeaseKeeper {
  readonly stepMs: number;
  readonly ttlMs: number;
  private readonly now: () => number;
  /** Slice -> local time after which no check starts on it. */
  private held = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stepping: Promise<void> | null = null;
  private running = false;
  private last: { instances: number; share: number } = { instances: 1, share: 0 };

  constructor(private readonly options: LeaseKeeperOptions) {
    if (options.leaseMs < 600) throw new Error(`a verifier lease must last at least 600 ms, got ${options.leaseMs}`);
    this.now = options.now ?? Date.now;
    this.stepMs = Math.floor(options.leaseMs / 6);
    this.ttlMs = options.leaseMs - this.stepMs;
  }

  get instanceId(): string {
    return this.options.instanceId;
  }

  /** Live instances and the fair share, as of the last step. */
  get standing(): Readonly<{ instances: number; share: number; held: number }> {
    return { ...this.last, held: this.held.size };
  }

  /** Whether this instance may start a check of the participant now. */
  owns(workshopId: string, participantId: string): boolean {
    const deadline = this.held.get(`${workshopId}:${sliceOf(participantId, this.options.slices)}`);
    return deadline !== undefined && this.now() < deadline;
  }

  /** Workshops of which this instance holds at least one slice (to narrow what it reads). */
  workshops(): string[] {
    const now = this.now();
    return [...new Set([...this.held].filter(([, deadline]) => now < deadline).map(([key]) => key.slice(0, key.lastIndexOf(':'))))];
  }

  /** Takes its first share before resolving, so the first verifier round already has work. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.options.exclusive) await this.options.store.forgetOthers?.(this.options.instanceId, this.at());
    await this.step().catch((error: unknown) => this.options.log?.(`lease step failed: ${String(error)}`));
    this.plan();
  }

  /**
   * The first half of stopping: no new check may start here, and every slice without a check in
   * flight goes back at once, so the others take it over at their next step; `stop()` gives back
   * the rest once those checks ended.
   */
  async halt(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.stepping?.catch(() => undefined);
    this.held.clear();
    await this.options.store.release(this.options.instanceId, this.at(), this.options.busy?.() ?? []);
  }

  /** Stops renewing and gives every slice back. */
  async stop(): Promise<void> {
    if (this.running) await this.halt();
    this.held.clear();
    await this.options.store.release(this.options.instanceId, this.at());
  }

  /** One renewal and claim now (tests; the timer does this every `stepMs`). */
  step(): Promise<void> {
    this.stepping ??= this.runStep().finally(() => {
      this.stepping = null;
    });
    return this.stepping;
  }

  private at(): Date | undefined {
    return this.options.clockInDatabase === false ? new Date(this.now()) : undefined;
  }

  private plan(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.step()
        .catch((error: unknown) => this.options.log?.(`lease step failed: ${String(error)}`))
        .finally(() => this.plan());
    }, this.stepMs);
    this.timer.unref?.();
  }

  private async runStep(): Promise<void> {
    // Measured before the request: the database's expiry is later than this, never earlier.
    const sentAt = this.now();
    const result = await this.options.store.sync({
      instanceId: this.options.instanceId,
      ttlMs: this.ttlMs,
      busy: this.options.busy?.() ?? [],
      at: this.at(),
    });
    const deadline = sentAt + this.ttlMs - this.stepMs;
    const before = this.held;
    this.held = new Map(result.held.map((unit) => [unitKey(unit), deadline]));
    this.last = { instances: result.instances, share: result.share };
    if (result.claimed.length > 0 || result.released.length > 0) this.options.onChange?.({ at: this.now(), claimed: result.claimed, released: result.released });
    // Logged only when what it holds changed: a renewal, or a give-back and take-back within one step, is not news.
    const changed = before.size !== this.held.size || [...this.held.keys()].some((key) => !before.has(key));
    if (changed) {
      this.options.log?.(
        `verifier slices: took ${result.claimed.length}, gave back ${result.released.length}, hold ${result.held.length} (${result.instances} instance${result.instances === 1 ? '' : 's'}, share ${result.share})`,
      );
    }
  }
}
