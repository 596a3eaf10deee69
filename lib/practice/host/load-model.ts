/**
 * The handout's `dd if=/dev/zero of=/dev/null` runs: periods during which N cores are busy. The
 * model answers "how many cores are busy at t", "how many core-milliseconds have been burnt by t"
 * (for the cumulative CPU tick counters) and the kernel's exponentially damped load response.
 */
export interface LoadPeriod {
  start: number;
  end: number;
  cores: number;
}

const MAX_PERIODS = 200;

export class LoadModel {
  private periods: LoadPeriod[] = [];
  /** Core-milliseconds of periods dropped from the list (their load response has long decayed). */
  private retiredCoreMs = 0;

  constructor(private readonly totalCores: number) {}

  add(period: LoadPeriod): void {
    this.periods.push(period);
    if (this.periods.length > MAX_PERIODS) {
      const old = this.periods.shift();
      if (old) this.retiredCoreMs += (old.end - old.start) * old.cores;
    }
  }

  /** The periods and retired total, for the host's snapshot. */
  snapshot(): { periods: LoadPeriod[]; retiredCoreMs: number } {
    return { periods: this.periods.map((p) => ({ ...p })), retiredCoreMs: this.retiredCoreMs };
  }

  restore(s: { periods: LoadPeriod[]; retiredCoreMs: number }): void {
    this.periods = s.periods.map((p) => ({ start: p.start, end: p.end, cores: p.cores }));
    this.retiredCoreMs = s.retiredCoreMs;
  }

  /** The period covering `t` that ends last (the one the host state reports). */
  current(t: number): LoadPeriod | undefined {
    let found: LoadPeriod | undefined;
    for (const p of this.periods) {
      if (p.start <= t && t < p.end && (!found || p.end > found.end)) found = p;
    }
    return found;
  }

  busyCores(t: number): number {
    let busy = 0;
    for (const p of this.periods) if (p.start <= t && t < p.end) busy += p.cores;
    return Math.min(this.totalCores, busy);
  }

  /** Core-milliseconds spent busy up to `t` (capped per period, not across overlapping ones: close enough for counters). */
  busyCoreMs(t: number): number {
    let total = this.retiredCoreMs;
    for (const p of this.periods) {
      if (t <= p.start) continue;
      total += (Math.min(t, p.end) - p.start) * Math.min(p.cores, this.totalCores);
    }
    return total;
  }

  /** Load-average contribution with time constant `tauMs`: rises as 1-e^(-t/τ) while busy, decays after. */
  loadResponse(t: number, tauMs: number): number {
    let load = 0;
    for (const p of this.periods) {
      if (t <= p.start) continue;
      const rise = 1 - Math.exp(-(t - p.start) / tauMs);
      const fall = t > p.end ? 1 - Math.exp(-(t - p.end) / tauMs) : 0;
      load += p.cores * (rise - fall);
    }
    return load;
  }
}
