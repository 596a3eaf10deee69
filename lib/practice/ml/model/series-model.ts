/**
 * One time series, one value per bucket: a decomposition into level + damped trend + daily and
 * weekly seasonal components, with a residual distribution fitted to the data. See ./index.ts for
 * the overview and the sources.
 */
import { fTail, logStudentTwoSidedTail, studentQuantile } from './stats';

export type Side = 'both' | 'high' | 'low';

export interface SeriesModelOptions {
  bucketSpanMs: number;
  /** Counts (count, high_count, low_count, sum of counts): non-negative, at least Poisson-like noise. */
  countLike: boolean;
  side: Side;
}

export interface Prediction {
  expected: number;
  variance: number;
  lower: number;
  upper: number;
}

export interface Outcome extends Prediction {
  /** Natural log of the probability of a value at least this unusual (0 while the model is learning). */
  logP: number;
  logPSingle: number;
  logPMulti: number;
  /** -5 (single bucket dominates) to +5 (the run of recent buckets dominates), as ES reports it. */
  multiBucketImpact: number;
}

export interface ModelState {
  observed: number;
  daily: boolean;
  weekly: boolean;
  /** Bucket indices at which components were adopted (for explanations and tests). */
  dailySince?: number;
  weeklySince?: number;
  levelShifts: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Degrees of freedom of the Student-t residual distribution: heavy tails keep chance deviations modest. */
const NU = 4;
const T_SCALE = Math.sqrt((NU - 2) / NU);
/**
 * The mean of twelve buckets would have lighter tails than one bucket, but its residuals are
 * correlated in ways the learned variance only partly captures; lighter tails here (ν = 6)
 * promoted chance runs at night to critical scores in clean synthetic series, so it stays at 4.
 */
const NU_MULTI = 4;
const T_SCALE_MULTI = Math.sqrt((NU_MULTI - 2) / NU_MULTI);
const BOUNDS_Q = studentQuantile(0.025, NU) * T_SCALE;
const MULTI_BUCKET = 12;
const HISTORY_DAYS = 28;
const SIGNIFICANCE = 1e-3;
const PHI = 0.995;

function smoothCircular(a: Float64Array): Float64Array {
  const n = a.length;
  if (n < 24) return a;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 1) out[i] = 0.25 * (a[(i - 1 + n) % n] as number) + 0.5 * (a[i] as number) + 0.25 * (a[(i + 1) % n] as number);
  return out;
}

export class SeriesModel {
  private readonly span: number;
  private readonly countLike: boolean;
  private readonly side: Side;
  /** Buckets per day (0 when the bucket span does not divide a day into at least two). */
  private readonly perDay: number;
  private readonly perWeek: number;
  private readonly perGroup: number;
  private readonly historyLength: number;

  private n = 0;
  private lastIndex = -1;
  private level = 0;
  private trend = 0;
  private daily: Float64Array | null = null;
  private weekly: Float64Array | null = null;
  private dailySince: number | undefined;
  private weeklySince: number | undefined;
  private nextDailyTest: number;
  private nextWeeklyTest: number;
  private sinceStructure = 0;
  /** How much wider the variance starts after the last change of structure (see varianceAt). */
  private structurePrior = 10;
  private levelShifts = 0;
  private minSeen = Infinity;

  /** Exponentially weighted mean and variance of the values themselves (about a day's memory). */
  private valueMean = 0;
  private valueVariance = 0;
  /** Residual variance before the first fit, then var(e) = c0 + c1·e + c2·e². */
  private preVariance = 0;
  private fitted = false;
  private c0 = 0;
  private c1 = 0;
  private c2 = 0;
  private sinceVarianceFit = 0;

  // History ring, indexed by bucket number modulo its length.
  private readonly histY: Float64Array;
  private readonly histE: Float64Array;
  private readonly histW: Float64Array;
  private readonly histIndex: Float64Array;

  private readonly recentZ: number[] = [];
  private multiVariance = 1;
  private multiUpdates = 0;
  private readonly changeZ: number[] = [];
  private readonly changeR: number[] = [];
  private readonly changeWindow: number;

  constructor(opts: SeriesModelOptions) {
    this.span = opts.bucketSpanMs;
    this.countLike = opts.countLike;
    this.side = opts.side;
    const perDay = DAY_MS / this.span;
    this.perDay = Number.isInteger(perDay) && perDay >= 2 ? perDay : 0;
    const perWeek = (7 * DAY_MS) / this.span;
    this.perWeek = Number.isInteger(perWeek) && perWeek >= 7 ? perWeek : 0;
    this.perGroup = this.perDay >= 24 ? this.perDay / 24 : 1;
    this.historyLength = Math.max(2000, Math.ceil((HISTORY_DAYS * DAY_MS) / this.span));
    this.histY = new Float64Array(this.historyLength).fill(NaN);
    this.histE = new Float64Array(this.historyLength);
    this.histW = new Float64Array(this.historyLength);
    this.histIndex = new Float64Array(this.historyLength).fill(-1);
    this.nextDailyTest = this.perDay > 0 ? Math.ceil(3.5 * this.perDay) : Infinity;
    this.nextWeeklyTest = this.perWeek > 0 ? 2 * this.perWeek : Infinity;
    this.changeWindow = Math.max(8, Math.round(DAY_MS / this.span));
  }

  state(): ModelState {
    const s: ModelState = { observed: this.n, daily: this.daily !== null, weekly: this.weekly !== null, levelShifts: this.levelShifts };
    if (this.dailySince !== undefined) s.dailySince = this.dailySince;
    if (this.weeklySince !== undefined) s.weeklySince = this.weeklySince;
    return s;
  }

  /** Rough memory held (model_size_stats.model_bytes). */
  bytes(): number {
    return 4 * 8 * this.historyLength + 8 * ((this.daily?.length ?? 0) + (this.weekly?.length ?? 0)) + 1024;
  }

  private seasonal(index: number): number {
    let s = 0;
    if (this.daily) s += this.daily[index % this.perDay] as number;
    if (this.weekly) s += this.weekly[index % this.perWeek] as number;
    return s;
  }

  private levelAt(index: number): number {
    if (this.lastIndex < 0) return this.level;
    const h = Math.max(1, index - this.lastIndex);
    const damp = (PHI * (1 - PHI ** h)) / (1 - PHI);
    return this.level + this.trend * damp;
  }

  private varianceAt(expected: number): number {
    let v = this.rawVariance(expected);
    // Before any period is known the level-only model cannot follow a day's swings: its noise is at
    // least the spread of the values themselves, so the first days' bounds are wide and calm.
    if (!this.daily && !this.weekly) v = Math.max(v, this.valueVariance);
    if (this.countLike) v = Math.max(v, 1, 0.5 * Math.max(expected, 0));
    else v = Math.max(v, 1e-12, (1e-3 * Math.abs(expected)) ** 2);
    // Parameter uncertainty: wide while little has been seen since the last change of structure.
    const settle = Math.max(48, this.perDay || 96);
    return v * (1 + this.structurePrior * Math.exp(-this.sinceStructure / settle));
  }

  predict(index: number): Prediction {
    let expected = this.levelAt(index) + this.seasonal(index);
    if (this.countLike) expected = Math.max(expected, 0);
    const variance = this.varianceAt(expected);
    const half = BOUNDS_Q * Math.sqrt(variance);
    let lower = expected - half;
    if (this.countLike || this.minSeen >= 0) lower = Math.max(lower, 0);
    return { expected, variance, lower, upper: expected + half };
  }

  private tailLogP(z: number, multi = false): number {
    if (this.side === 'high' && z <= 0) return 0;
    if (this.side === 'low' && z >= 0) return 0;
    return multi ? Math.min(0, logStudentTwoSidedTail(Math.abs(z) / T_SCALE_MULTI, NU_MULTI)) : Math.min(0, logStudentTwoSidedTail(Math.abs(z) / T_SCALE, NU));
  }

  /** Scores the value of bucket `index` against the model, then learns from it. `null`: no data in the bucket. */
  observe(index: number, value: number | null): Outcome | null {
    if (value === null || Number.isNaN(value)) return null;
    const first = this.n === 0;
    if (first) {
      this.level = value;
      this.preVariance = this.countLike ? Math.max(value, 1) : Math.max((0.5 * value) ** 2, 1e-6);
    }
    const pred = this.predict(index);
    const sd = Math.sqrt(pred.variance);
    const r = value - pred.expected;
    const rc = this.countLike ? Math.sign(r) * Math.max(Math.abs(r) - 0.5, 0) : r;
    const z = rc / sd;
    // Nothing scores during the first day: a model that has seen one night cannot judge a morning
    // (ES-ML-REFERENCE.md §10.2; ml-cpp's wide early priors have the same effect).
    const minObserved = Math.max(12, Math.round(DAY_MS / this.span));
    const learning = this.n < minObserved;
    const logPSingle = learning ? 0 : this.tailLogP(z);

    this.recentZ.push(r / sd);
    if (this.recentZ.length > MULTI_BUCKET) this.recentZ.shift();
    let logPMulti = 0;
    let meanZ = NaN;
    if (this.recentZ.length === MULTI_BUCKET) {
      meanZ = this.recentZ.reduce((a, b) => a + b, 0) / MULTI_BUCKET;
      if (!learning && this.multiUpdates >= 2 * MULTI_BUCKET) logPMulti = this.tailLogP(meanZ / Math.sqrt(this.multiVariance), true);
    }
    const logP = Math.min(logPSingle, logPMulti);
    let impact = 0;
    const worst = Math.max(-logPSingle, -logPMulti);
    if (worst > 0) impact = Math.max(-5, Math.min(5, (5 * (logPSingle - logPMulti)) / worst));

    // Learn, giving anomalous buckets little weight so one holiday does not bend the model. The
    // weight ignores the function's side: a dip teaches a high_count model no more than a count one.
    const twoSided = learning ? 0 : Math.min(logStudentTwoSidedTail(Math.abs(z) / T_SCALE, NU), Number.isNaN(meanZ) || this.multiUpdates < 2 * MULTI_BUCKET ? 0 : logStudentTwoSidedTail(Math.abs(meanZ / Math.sqrt(this.multiVariance)) / T_SCALE_MULTI, NU_MULTI));
    const weight = Math.min(1, Math.exp(twoSided) / 0.01);
    this.learn(index, value, pred, r, z, weight, meanZ);
    return { ...pred, logP, logPSingle, logPMulti, multiBucketImpact: impact };
  }

  private learn(index: number, value: number, pred: Prediction, r: number, z: number, weight: number, meanZ: number): void {
    const h = this.lastIndex < 0 ? 1 : Math.max(1, index - this.lastIndex);
    const levelPred = this.levelAt(index);
    const seasonalPart = this.seasonal(index);
    const err = value - seasonalPart - levelPred;
    const horizon = this.daily || this.weekly ? 12 * HOUR_MS : 3 * HOUR_MS;
    const alpha = 1 - Math.exp(-this.span / horizon);
    const beta = 0.01 * alpha;
    this.level = levelPred + alpha * weight * err;
    this.trend = this.trend * PHI ** h + beta * weight * err;
    if (this.daily) this.nudge(this.daily, index % this.perDay, weight * err * Math.max(0.1, 1 / (1 + this.n / this.perDay)));
    if (this.weekly) this.nudge(this.weekly, index % this.perWeek, weight * err * Math.max(0.2, 1 / (1 + this.n / this.perWeek)));
    this.lastIndex = index;
    this.n += 1;
    this.sinceStructure += 1;
    this.minSeen = Math.min(this.minSeen, value);
    const rate = Math.max(1 / this.n, this.span / DAY_MS);
    const delta = value - this.valueMean;
    this.valueMean += rate * delta;
    this.valueVariance = (1 - rate) * (this.valueVariance + rate * delta * delta);

    const slot = index % this.historyLength;
    this.histY[slot] = value;
    this.histE[slot] = pred.expected;
    this.histW[slot] = weight;
    this.histIndex[slot] = index;

    if (!this.fitted) {
      const r2 = Math.min(r * r, 25 * Math.max(this.preVariance, 1e-12));
      this.preVariance += 0.1 * weight * (r2 - this.preVariance);
    }
    this.sinceVarianceFit += 1;
    if (this.sinceVarianceFit >= (this.perDay || 96) && this.n >= 48) this.fitVariance(this.historyWindow(), 1);

    if (!Number.isNaN(meanZ) && weight >= 0.5) {
      this.multiUpdates += 1;
      const rate = Math.max(1 / this.multiUpdates, 1 / 500);
      this.multiVariance += rate * (Math.min(meanZ * meanZ, 25 * this.multiVariance) - this.multiVariance);
      this.multiVariance = Math.max(this.multiVariance, 1 / MULTI_BUCKET);
    }

    if (this.perDay > 0 && index % this.perDay === 0) this.recentre();
    this.detectLevelShift(z, r);
    if (this.n >= this.nextDailyTest || this.n >= this.nextWeeklyTest) this.testSeasonality();
  }

  /** Spreads an update over neighbouring slots, so the profile stays smooth. */
  private nudge(profile: Float64Array, slot: number, amount: number): void {
    const n = profile.length;
    if (n >= 24) {
      profile[(slot - 1 + n) % n] = (profile[(slot - 1 + n) % n] as number) + 0.25 * amount;
      profile[slot] = (profile[slot] as number) + 0.5 * amount;
      profile[(slot + 1) % n] = (profile[(slot + 1) % n] as number) + 0.25 * amount;
    } else profile[slot] = (profile[slot] as number) + amount;
  }

  /** Keeps the daily profile zero-mean and the weekly one zero-mean per time of day (the level holds the mean). */
  private recentre(): void {
    if (this.weekly && this.daily) {
      for (let s = 0; s < this.perDay; s += 1) {
        let mean = 0;
        for (let d = 0; d < 7; d += 1) mean += this.weekly[d * this.perDay + s] as number;
        mean /= 7;
        for (let d = 0; d < 7; d += 1) this.weekly[d * this.perDay + s] = (this.weekly[d * this.perDay + s] as number) - mean;
        this.daily[s] = (this.daily[s] as number) + mean;
      }
    }
    for (const profile of [this.daily, this.weekly]) {
      if (!profile) continue;
      const mean = profile.reduce((a, b) => a + b, 0) / profile.length;
      for (let i = 0; i < profile.length; i += 1) profile[i] = (profile[i] as number) - mean;
      this.level += mean;
    }
  }

  /**
   * A change that lasts: when the standardised residuals of the last day have kept one sign and a
   * similar size in both halves (a level shift, not a holiday's dip and recovery), the level moves.
   */
  private detectLevelShift(z: number, r: number): void {
    this.changeZ.push(z);
    this.changeR.push(r);
    if (this.changeZ.length > this.changeWindow) {
      this.changeZ.shift();
      this.changeR.shift();
    }
    if (this.changeZ.length < this.changeWindow || this.n < 2 * this.changeWindow) return;
    const half = this.changeWindow >> 1;
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const all = mean(this.changeZ);
    if (Math.abs(all) < 3) return;
    const a = mean(this.changeZ.slice(0, half));
    const b = mean(this.changeZ.slice(half));
    if (Math.sign(a) !== Math.sign(b) || Math.abs(a) < 2 || Math.abs(b) < 2 || Math.max(Math.abs(a), Math.abs(b)) > 2 * Math.min(Math.abs(a), Math.abs(b))) return;
    this.level += mean(this.changeR.slice(half));
    this.trend = 0;
    this.levelShifts += 1;
    this.sinceStructure = 0;
    this.structurePrior = 3;
    this.changeZ.length = 0;
    this.changeR.length = 0;
    this.recentZ.length = 0;
  }

  private historyWindow(): number[] {
    const out: number[] = [];
    const from = Math.max(0, this.lastIndex - this.historyLength + 1);
    for (let i = from; i <= this.lastIndex; i += 1) {
      const slot = i % this.historyLength;
      if (this.histIndex[slot] === i && !Number.isNaN(this.histY[slot] as number)) out.push(i);
    }
    return out;
  }

  /** The noise variance the model believes in at `expected`, before the parameter-uncertainty widening. */
  private rawVariance(expected: number): number {
    return this.fitted ? this.c0 + this.c1 * Math.max(expected, 0) + this.c2 * expected * expected : this.preVariance;
  }

  /** Least squares of r² on (1, e, e²), non-negative, on the well-behaved buckets of the window. */
  private fitVariance(indices: number[], inflate: number, residual?: (i: number) => number, expectedOf?: (i: number) => number): void {
    this.sinceVarianceFit = 0;
    const rows: [number, number][] = [];
    for (const i of indices) {
      const slot = i % this.historyLength;
      if ((this.histW[slot] as number) < 0.5) continue;
      const e = expectedOf ? expectedOf(i) : (this.histE[slot] as number);
      const r = residual ? residual(i) : (this.histY[slot] as number) - e;
      // Winsorised, so one wild bucket cannot blow the noise up.
      rows.push([e, Math.min(r * r, 25 * Math.max(this.rawVariance(e), this.countLike ? Math.max(1, e) : 1e-12))]);
    }
    if (rows.length < 24) return;
    const candidates: { terms: number[]; fns: ((e: number) => number)[] }[] = [
      { terms: [0, 1, 2], fns: [() => 1, (e) => Math.max(e, 0), (e) => e * e] },
      { terms: [0, 2], fns: [() => 1, (e) => e * e] },
      { terms: [0, 1], fns: [() => 1, (e) => Math.max(e, 0)] },
      { terms: [0], fns: [() => 1] },
    ];
    for (const { terms, fns } of candidates) {
      const coef = leastSquares(rows, fns);
      if (!coef || coef.some((c) => !(c >= 0))) continue;
      const c = [0, 0, 0];
      terms.forEach((t, j) => {
        c[t] = (coef[j] as number) * inflate;
      });
      [this.c0, this.c1, this.c2] = c as [number, number, number];
      this.fitted = true;
      return;
    }
  }

  /** The scheduled tests for daily (from 3.5 days) and weekly (from 2 weeks) periodicity. */
  private testSeasonality(): void {
    const indices = this.historyWindow();
    if (this.n >= this.nextDailyTest) this.nextDailyTest = this.daily ? Infinity : this.n + Math.ceil(3.5 * this.perDay);
    if (this.n >= this.nextWeeklyTest) this.nextWeeklyTest = this.weekly ? Infinity : this.n + this.perWeek;
    const N = indices.length;
    if (N < 48) return;
    const ys = indices.map((i) => this.histY[i % this.historyLength] as number);
    const ws = indices.map((i) => ((this.histW[i % this.historyLength] as number) >= 0.5 ? 1 : 0));
    // Linear trend by weighted least squares.
    let sw = 0;
    let st = 0;
    let sy = 0;
    let stt = 0;
    let sty = 0;
    indices.forEach((t, k) => {
      const w = ws[k] as number;
      const y = ys[k] as number;
      sw += w;
      st += w * t;
      sy += w * y;
      stt += w * t * t;
      sty += w * t * y;
    });
    const den = sw * stt - st * st;
    const slope = den > 0 ? (sw * sty - st * sy) / den : 0;
    const intercept = sw > 0 ? (sy - slope * st) / sw : 0;
    const u = indices.map((t, k) => (ys[k] as number) - intercept - slope * t);
    const ss = (v: number[]) => v.reduce((a, x, k) => a + (ws[k] as number) * x * x, 0);
    const ss0 = ss(u);
    const spanBuckets = (indices[N - 1] as number) - (indices[0] as number) + 1;

    let daily: Float64Array | null = this.daily ? this.daily.slice() : null;
    let afterDaily = u;
    if (this.perDay > 0 && spanBuckets >= 3.5 * this.perDay) {
      const prof = this.profile(indices, u, ws, this.perDay, (i) => i % this.perDay);
      const cand = smoothCircular(prof);
      const resid = u.map((x, k) => x - (cand[(indices[k] as number) % this.perDay] as number));
      const ss1 = ss(resid);
      const k1 = this.perDay;
      const df2 = sw - 2 - k1;
      const accept = df2 > 0 && ss0 > 0 && fTail(((ss0 - ss1) / k1) / (ss1 / df2), k1, df2) < SIGNIFICANCE && (ss0 - ss1) / ss0 >= 0.1;
      if (accept || this.daily) {
        daily = cand;
        afterDaily = resid;
      }
    }
    let weekly: Float64Array | null = this.weekly ? this.weekly.slice() : null;
    if (this.perWeek > 0 && spanBuckets >= 2 * this.perWeek) {
      const groupsPerWeek = this.perWeek / this.perGroup;
      const groupOf = (i: number) => Math.floor((i % this.perWeek) / this.perGroup);
      const groups = this.profile(indices, afterDaily, ws, groupsPerWeek, groupOf);
      if (daily) {
        const groupsPerDay = this.perDay / this.perGroup;
        for (let g = 0; g < groupsPerDay; g += 1) {
          let m = 0;
          for (let d = 0; d < 7; d += 1) m += groups[d * groupsPerDay + g] as number;
          for (let d = 0; d < 7; d += 1) groups[d * groupsPerDay + g] = (groups[d * groupsPerDay + g] as number) - m / 7;
        }
      }
      const resid = afterDaily.map((x, k) => x - (groups[groupOf(indices[k] as number)] as number));
      const ssD = ss(afterDaily);
      const ssW = ss(resid);
      const k2 = daily ? groupsPerWeek - this.perDay / this.perGroup : groupsPerWeek;
      const df2 = sw - 2 - k2 - (daily ? this.perDay : 0);
      const accept = df2 > 0 && ssD > 0 && fTail(((ssD - ssW) / k2) / (ssW / df2), k2, df2) < SIGNIFICANCE && (ssD - ssW) / ssD >= 0.05;
      if (accept || this.weekly) {
        weekly = new Float64Array(this.perWeek);
        for (let i = 0; i < this.perWeek; i += 1) weekly[i] = groups[Math.floor(i / this.perGroup)] as number;
      }
    }
    const changed = (daily !== null) !== (this.daily !== null) || (weekly !== null) !== (this.weekly !== null);
    if (!changed) return;
    if (daily && !this.daily) this.dailySince = this.lastIndex;
    if (weekly && !this.weekly) this.weeklySince = this.lastIndex;
    // A first period changes the model completely; adding the weekly one to a daily one refines it.
    this.structurePrior = this.daily || this.weekly ? 1 : 3;
    this.daily = daily;
    this.weekly = weekly;
    this.refit(indices, ys, ws);
  }

  private profile(indices: number[], values: number[], ws: number[], size: number, slotOf: (i: number) => number): Float64Array {
    const sum = new Float64Array(size);
    const cnt = new Float64Array(size);
    indices.forEach((i, k) => {
      const s = slotOf(i);
      sum[s] = (sum[s] as number) + (ws[k] as number) * (values[k] as number);
      cnt[s] = (cnt[s] as number) + (ws[k] as number);
    });
    for (let s = 0; s < size; s += 1) sum[s] = (cnt[s] as number) > 0 ? (sum[s] as number) / (cnt[s] as number) : 0;
    return sum;
  }

  /** After adopting a component: replay the window's level with the new seasonality and refit the noise. */
  private refit(indices: number[], ys: number[], ws: number[]): void {
    const horizon = 12 * HOUR_MS;
    const alpha = 1 - Math.exp(-this.span / horizon);
    let level = (ys[0] as number) - this.seasonal(indices[0] as number);
    let trend = 0;
    let last = indices[0] as number;
    const expected = new Map<number, number>();
    indices.forEach((i, k) => {
      const h = Math.max(1, i - last);
      const lp = level + trend * ((PHI * (1 - PHI ** h)) / (1 - PHI));
      let e = lp + this.seasonal(i);
      if (this.countLike) e = Math.max(0, e);
      expected.set(i, e);
      const err = (ys[k] as number) - this.seasonal(i) - lp;
      const w = ws[k] as number;
      level = lp + alpha * w * err;
      trend = trend * PHI ** h + 0.01 * alpha * w * err;
      last = i;
    });
    this.level = level;
    this.trend = trend;
    const params = (this.daily ? this.perDay : 0) + (this.weekly ? this.perWeek / this.perGroup : 0);
    const inflate = indices.length / Math.max(1, indices.length - params);
    const settled = indices.slice(Math.min(indices.length - 24, Math.round(HOUR_MS * 6 / this.span)));
    this.fitVariance(settled, inflate, (i) => (this.histY[i % this.historyLength] as number) - (expected.get(i) as number), (i) => expected.get(i) as number);
    this.sinceStructure = 0;
    this.recentZ.length = 0;
    this.changeZ.length = 0;
    this.changeR.length = 0;
  }
}

/** Ordinary least squares of y on the given basis functions of x (normal equations, Gaussian elimination). */
function leastSquares(rows: [number, number][], fns: ((x: number) => number)[]): number[] | undefined {
  const k = fns.length;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (const [x, y] of rows) {
    const f = fns.map((fn) => fn(x));
    for (let i = 0; i < k; i += 1) {
      for (let j = 0; j < k; j += 1) (a[i] as number[])[j] = ((a[i] as number[])[j] as number) + (f[i] as number) * (f[j] as number);
      (a[i] as number[])[k] = ((a[i] as number[])[k] as number) + (f[i] as number) * y;
    }
  }
  for (let c = 0; c < k; c += 1) {
    let p = c;
    for (let r = c + 1; r < k; r += 1) if (Math.abs((a[r] as number[])[c] as number) > Math.abs((a[p] as number[])[c] as number)) p = r;
    [a[c], a[p]] = [a[p] as number[], a[c] as number[]];
    const pivot = (a[c] as number[])[c] as number;
    if (Math.abs(pivot) < 1e-12) return undefined;
    for (let r = 0; r < k; r += 1) {
      if (r === c) continue;
      const f = ((a[r] as number[])[c] as number) / pivot;
      for (let j = c; j <= k; j += 1) (a[r] as number[])[j] = ((a[r] as number[])[j] as number) - f * ((a[c] as number[])[j] as number);
    }
  }
  return a.map((row, i) => (row[k] as number) / (row[i] as number));
}
