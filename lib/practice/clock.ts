/**
 * The practice cluster's notion of "now". Everything time-dependent (API key expiry, licence dates,
 * the simulated host, date math in the engine) reads this one clock so tests can move time by hand.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: for tests and benchmarks that load "the last 24 h". */
export class ManualClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  set(ms: number): void {
    this.current = ms;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
