/**
 * Probability to raw anomaly score and the normalisation of raw scores to 0-100, with the
 * constants of ml-cpp (ES-ML-REFERENCE.md §8.2-8.3; elastic/ml-cpp `CTools::anomalyScore`,
 * `CAnomalyScore::CNormalizer::normalize`, `CAnomalyDetectorModelConfig`).
 *
 * The normalised score is the smallest of four ceilings:
 *  1. noise: a multiple of the raw score at the noise (50th) percentile, lifted out of the way
 *     while at least half of all buckets score 0;
 *  2. percentile: the raw score's percentile among every raw score seen (with a 70 % confidence
 *     band, rescaled to 30-minute buckets) through the knots (0,0) (70,1) … (99.9,90) (100,100);
 *  3. maximum: 100·min(1.5r, 0.5 + 0.5r) with r the ratio to the largest raw score seen (aged);
 *  4. probability cap: log-linear from 5 at p = 0.05 to 100 at p = 1e-4, so barely significant
 *     probabilities never get big scores however rare they are in the job's history.
 */

export const LARGEST_SIGNIFICANT_PROBABILITY = 0.05;
export const SMALL_PROBABILITY = 1e-4;
const MINUSCULE_PROBABILITY = 1e-50;
const SMALLEST_PROBABILITY = Number.MIN_VALUE;
/** Records are written only below this probability (DEFAULT_MAXIMUM_ANOMALOUS_PROBABILITY). */
export const MAXIMUM_ANOMALOUS_PROBABILITY = 0.035;

const LOG_SMALL = Math.log(SMALL_PROBABILITY);
const LOG_MINUSCULE = Math.log(MINUSCULE_PROBABILITY);
const LOG_SMALLEST = Math.log(SMALLEST_PROBABILITY);

/** ml-cpp `CTools::anomalyScore`: 0 for p >= 0.05, 0-1 down to 1e-4, 1-50 down to 1e-50, 50-100 below. */
export function anomalyScoreFromLogP(logP: number): number {
  if (logP >= Math.log(LARGEST_SIGNIFICANT_PROBABILITY)) return 0;
  if (logP >= LOG_SMALL) {
    const p = Math.exp(logP);
    return (1 / p - 1 / LARGEST_SIGNIFICANT_PROBABILITY) / (1 / SMALL_PROBABILITY - 1 / LARGEST_SIGNIFICANT_PROBABILITY);
  }
  if (logP >= LOG_MINUSCULE) return 1 + (49 * (LOG_SMALL - logP)) / (LOG_SMALL - LOG_MINUSCULE);
  return Math.min(100, 50 + (50 * (LOG_MINUSCULE - logP)) / (LOG_MINUSCULE - LOG_SMALLEST));
}

/** The inverse of `anomalyScoreFromLogP` (as a log probability). */
export function logProbabilityFromScore(score: number): number {
  if (score <= 0) return Math.log(LARGEST_SIGNIFICANT_PROBABILITY);
  if (score <= 1) return -Math.log(score * (1 / SMALL_PROBABILITY - 1 / LARGEST_SIGNIFICANT_PROBABILITY) + 1 / LARGEST_SIGNIFICANT_PROBABILITY);
  if (score <= 50) return LOG_SMALL - ((score - 1) * (LOG_SMALL - LOG_MINUSCULE)) / 49;
  return LOG_MINUSCULE - ((score - 50) * (LOG_MINUSCULE - LOG_SMALLEST)) / 50;
}

const KNOTS: readonly (readonly [number, number])[] = [
  [0, 0], [70, 1], [85, 1.2], [90, 1.5], [95, 3], [97, 20], [99, 50], [99.9, 90], [100, 100],
];
const NOISE_PERCENTILE = 50;
const NOISE_MULTIPLIER = 1;
const DISCRETIZATION = 1000;
const MAX_NORMALIZED = 100;
const CONFIDENCE_Z = 1.0364; // two-sided 70 % band of a proportion (normal approximation)
const STANDARD_BUCKET_S = 1800;
const DEFAULT_DECAY_RATE = 0.0005;

function knotValue(percentile: number): number {
  for (let i = 1; i < KNOTS.length; i += 1) {
    const [x1, y1] = KNOTS[i] as readonly [number, number];
    if (percentile <= x1) {
      const [x0, y0] = KNOTS[i - 1] as readonly [number, number];
      return y0 + ((y1 - y0) * (percentile - x0)) / (x1 - x0);
    }
  }
  return MAX_NORMALIZED;
}

function discrete(raw: number): number {
  return Math.round(raw * DISCRETIZATION);
}

/** The four-ceiling normaliser of one job (one series: the bucket and record levels share it). */
export class ScoreNormalizer {
  private zeros = 0;
  /** Sorted discrete non-zero raw scores. */
  private readonly nonZero: number[] = [];
  private maxRaw = 0;
  private readonly bucketFactor: number;
  private readonly maxDecay: number;

  constructor(bucketSpanSeconds: number) {
    this.bucketFactor = Math.min(1, bucketSpanSeconds / STANDARD_BUCKET_S);
    // ml-cpp ages the maximum by exp(-2·decayRate) per bucket, the decay rate being scaled to the bucket length.
    const decayRate = DEFAULT_DECAY_RATE * this.bucketFactor * Math.max(bucketSpanSeconds / STANDARD_BUCKET_S, 1);
    this.maxDecay = Math.exp(-2 * decayRate);
  }

  get count(): number {
    return this.zeros + this.nonZero.length;
  }

  /** Adds one bucket's raw score (zeros too: they make the noise percentile). */
  add(raw: number): void {
    this.maxRaw *= this.maxDecay;
    const d = discrete(raw);
    if (d <= 0) {
      this.zeros += 1;
      return;
    }
    this.maxRaw = Math.max(this.maxRaw, raw);
    let lo = 0;
    let hi = this.nonZero.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.nonZero[mid] as number) < d) lo = mid + 1;
      else hi = mid;
    }
    this.nonZero.splice(lo, 0, d);
  }

  /** Number of raw scores strictly below discrete score `d`. */
  private below(d: number): number {
    if (d <= 0) return 0;
    let lo = 0;
    let hi = this.nonZero.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.nonZero[mid] as number) < d) lo = mid + 1;
      else hi = mid;
    }
    return this.zeros + lo;
  }

  private quantileRaw(q: number): number {
    const n = this.count;
    const rank = Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
    if (rank < this.zeros) return 0;
    return (this.nonZero[rank - this.zeros] as number) / DISCRETIZATION;
  }

  /** The normalised 0-100 score of `raw` (whose probability is exp(logP)) against everything added so far. */
  normalize(raw: number, logP: number): number {
    if (raw <= 0 || this.count === 0) return 0;
    const n = this.count;
    const d = discrete(raw);
    // 1. noise ceiling
    const noiseRaw = this.quantileRaw(NOISE_PERCENTILE / 100);
    const signal = ((NOISE_MULTIPLIER * 10) / DISCRETIZATION) * (d - discrete(noiseRaw));
    const f0 = this.zeros / n;
    const noiseKnot = KNOTS.find(([p]) => p >= NOISE_PERCENTILE)?.[1] ?? 1;
    const noise = noiseKnot * Math.max(1 + signal, 0) + MAX_NORMALIZED * Math.max(2 * Math.min((50 * 2 * f0) / NOISE_PERCENTILE, 1) - 1, 0);
    // 2. percentile ceiling
    const p = this.below(d) / n;
    const half = CONFIDENCE_Z * Math.sqrt(Math.max(p * (1 - p), 0.25 / n) / n);
    const lower = 100 * Math.max(0, p - half) ** (1 / this.bucketFactor);
    const upper = 100 * Math.min(1, p + half) ** (1 / this.bucketFactor);
    const percentile = (knotValue(lower) + knotValue(upper)) / 2;
    // 3. maximum score ceiling
    const r = this.maxRaw > 0 ? raw / this.maxRaw : 1;
    const maximum = MAX_NORMALIZED * Math.min(1.5 * r, 0.5 + 0.5 * r);
    // 4. probability cap
    const m = 1 / (LOG_SMALL - Math.log(LARGEST_SIGNIFICANT_PROBABILITY));
    const cap = MAX_NORMALIZED * (0.95 * m * (logP - Math.log(LARGEST_SIGNIFICANT_PROBABILITY)) + 0.05);
    return Math.max(0, Math.min(noise, percentile, maximum, cap, MAX_NORMALIZED));
  }

  bytes(): number {
    return 200 + this.nonZero.length * 8;
  }
}
