// Figures the benches print.

/** The p-th percentile of an ascending list (NaN when empty). */
export function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
