/**
 * One detector of a single-series job: bucket accumulation for its function, the series model,
 * raw scores and the job's normaliser, and the results kept for renormalisation.
 */
import { anomalyScoreFromLogP, MAXIMUM_ANOMALOUS_PROBABILITY, ScoreNormalizer } from './scores';
import { type ModelState, SeriesModel, type Side } from './series-model';

export const DETECTOR_FUNCTIONS = [
  'count', 'high_count', 'low_count',
  'mean', 'high_mean', 'low_mean', 'avg', 'high_avg', 'low_avg',
  'min', 'high_min', 'low_min',
  'max', 'high_max', 'low_max',
  'sum', 'high_sum', 'low_sum',
] as const;
export type DetectorFunction = (typeof DETECTOR_FUNCTIONS)[number];

type Base = 'count' | 'mean' | 'min' | 'max' | 'sum';

export function baseFunction(fn: DetectorFunction): Base {
  const b = fn.replace(/^(high_|low_)/, '');
  return (b === 'avg' ? 'mean' : b) as Base;
}

function sideOf(fn: DetectorFunction): Side {
  return fn.startsWith('high_') ? 'high' : fn.startsWith('low_') ? 'low' : 'both';
}

/** What one bucket contributes: `count` events (a summary count when pre-aggregated) and optional metric values. */
export interface BucketInput {
  count: number;
  /** For mean: Σ value·count and Σ count of the records that had the field. */
  weightedSum?: number;
  valueCount?: number;
  min?: number;
  max?: number;
  sum?: number;
}

export interface BucketResult {
  /** Bucket start, epoch ms. */
  timestamp: number;
  eventCount: number;
  /** The feature the model saw (count, mean, …); null when the bucket had no value for a metric. */
  actual: number | null;
  typical: number;
  lower: number;
  upper: number;
  probability: number;
  logP: number;
  rawScore: number;
  initialScore: number;
  score: number;
  multiBucketImpact: number;
  /** A record is written (probability below 0.035). */
  anomalous: boolean;
}

export class BucketDetector {
  readonly fn: DetectorFunction;
  readonly base: Base;
  private readonly spanMs: number;
  private readonly model: SeriesModel;
  private readonly normalizer: ScoreNormalizer;

  constructor(opts: { fn: DetectorFunction; bucketSpanMs: number }) {
    this.fn = opts.fn;
    this.base = baseFunction(opts.fn);
    this.spanMs = opts.bucketSpanMs;
    this.model = new SeriesModel({ bucketSpanMs: opts.bucketSpanMs, countLike: this.base === 'count', side: sideOf(opts.fn) });
    this.normalizer = new ScoreNormalizer(opts.bucketSpanMs / 1000);
  }

  /** ES's `function_description` (`low_count` → `count`). */
  get description(): string {
    return this.base;
  }

  private feature(input: BucketInput): number | null {
    switch (this.base) {
      case 'count':
        return input.count;
      case 'mean':
        return input.valueCount && input.valueCount > 0 && input.weightedSum !== undefined ? input.weightedSum / input.valueCount : null;
      case 'min':
        return input.min ?? null;
      case 'max':
        return input.max ?? null;
      case 'sum':
        return input.sum ?? null;
    }
  }

  /** Scores one finished bucket (buckets must come in time order; gaps are allowed). */
  process(bucketStart: number, input: BucketInput): BucketResult {
    const index = Math.floor(bucketStart / this.spanMs);
    const actual = this.feature(input);
    const outcome = this.model.observe(index, actual);
    const pred = outcome ?? this.model.predict(index);
    const logP = outcome?.logP ?? 0;
    const probability = Math.exp(logP);
    const rawScore = probability < MAXIMUM_ANOMALOUS_PROBABILITY ? anomalyScoreFromLogP(logP) : 0;
    this.normalizer.add(rawScore);
    const initialScore = this.normalizer.normalize(rawScore, logP);
    return {
      timestamp: bucketStart,
      eventCount: input.count,
      actual,
      typical: pred.expected,
      lower: pred.lower,
      upper: pred.upper,
      probability,
      logP,
      rawScore,
      initialScore,
      score: initialScore,
      multiBucketImpact: outcome?.multiBucketImpact ?? 0,
      anomalous: outcome !== null && probability < MAXIMUM_ANOMALOUS_PROBABILITY,
    };
  }

  /** The score a past result gets against everything seen so far (ES's renormalisation). */
  renormalize(result: Pick<BucketResult, 'rawScore' | 'logP'>): number {
    return this.normalizer.normalize(result.rawScore, result.logP);
  }

  state(): ModelState {
    return this.model.state();
  }

  bytes(): number {
    return this.model.bytes() + this.normalizer.bytes();
  }
}
