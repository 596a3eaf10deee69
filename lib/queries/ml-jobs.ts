/**
 * Chapter 5's single-metric job, built exactly as Kibana's single-metric wizard builds it
 * (ES-ML-REFERENCE §2, §3; fixtures `ml/DERIVED-flights-job.*`, `ml/DERIVED-flights-datafeed.*`),
 * Elasticsearch's job id rules, the wizard's "use full data" range and Kibana's bucket span
 * estimator (§7). Pure: no I/O.
 */
import type { ClusterVersion } from '../cluster/version';
import { aggregationsOf, asNumber, bucketsOf, isObject, metricValue, responseBody, searchRequest, type Dsl, type SearchRequest } from './common';

/** Functions the single-metric wizard offers: Count (event rate) and the field metrics. */
export const WIZARD_FUNCTIONS = ['count', 'mean', 'min', 'max', 'sum'] as const;
export type WizardFunction = (typeof WIZARD_FUNCTIONS)[number];

export const DEFAULT_BUCKET_SPAN = '15m';
export const DEFAULT_TIME_FIELD = '@timestamp';
export const MAX_JOB_ID_LENGTH = 64;
/** `MlStrings.VALID_ID_CHAR_PATTERN`: lowercase alphanumerics, `-`, `_` and `.` inside, alphanumeric at both ends. */
const JOB_ID = /^[a-z0-9](?:[a-z0-9_\-.]*[a-z0-9])?$/;

export type JobIdProblem = 'id_format' | 'id_too_long' | null;

/** Elasticsearch's job id checks (`Job.Builder.validateInputFields`), in its order. */
export function jobIdProblem(jobId: string): JobIdProblem {
  if (!JOB_ID.test(jobId)) return 'id_format';
  if (jobId.length > MAX_JOB_ID_LENGTH) return 'id_too_long';
  return null;
}

export function datafeedIdOf(jobId: string): string {
  return `datafeed-${jobId}`;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A time value as ES's `bucket_span` takes it (`15m`, `1h`, `900s`); null when it is not one or not positive. */
export function bucketSpanMs(span: string): number | null {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(span.trim());
  if (!m) return null;
  const ms = Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}

/** Kibana's aggregation for a wizard function's metric in the datafeed (`mlJobAggregation` → ES agg). */
const DATAFEED_METRIC: Record<Exclude<WizardFunction, 'count'>, string> = { mean: 'avg', min: 'min', max: 'max', sum: 'sum' };

export interface WizardJobInput {
  jobId: string;
  index: string;
  fn: WizardFunction;
  field?: string;
  bucketSpan: string;
  timeField: string;
  /** `_estimate_model_memory`'s answer where the cluster has it (7.7+), else Kibana's 10MB default. */
  modelMemoryLimit?: string;
}

/** At least `major.minor`; a 7.x whose minor is unknown (no `monitor` privilege) counts as the last 7.x, 7.17. */
function atLeast(version: ClusterVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && (version.minor ?? 17) >= minor);
}

/** Kibana 7.9 added `annotations_enabled` to the model plot config the wizard writes. */
function annotationsEnabled(version: ClusterVersion): boolean {
  return atLeast(version, 7, 9);
}

/** Kibana 7.5 moved the wizard's histogram from `interval` to `fixed_interval`. */
function fixedInterval(version: ClusterVersion): boolean {
  return atLeast(version, 7, 5);
}

/** Whether the cluster answers `_estimate_model_memory` (7.7+), which newer wizards call. */
export function estimatesModelMemory(version: ClusterVersion): boolean {
  return atLeast(version, 7, 7);
}

/** `10mb` → `10MB`: the wizard writes the estimate in upper case. */
export function wizardMemoryLimit(estimate: string | undefined): string {
  const m = estimate ? /^(\d+)\s*(b|kb|mb|gb)$/i.exec(estimate.trim()) : null;
  return m ? `${m[1]}${(m[2] as string).toUpperCase()}` : '10MB';
}

/** The detector the wizard creates: `{function}` for Count, `{function, field_name}` for a metric. */
function detector(input: WizardJobInput): Dsl {
  return input.fn === 'count' ? { function: 'count' } : { function: input.fn, field_name: input.field };
}

/** The job body of `PUT _ml/anomaly_detectors/{jobId}`, key for key as the wizard sends it. */
export function buildWizardJob(input: WizardJobInput, version: ClusterVersion): Dsl {
  return {
    job_id: input.jobId,
    description: '',
    groups: [],
    analysis_config: {
      bucket_span: input.bucketSpan,
      detectors: [detector(input)],
      influencers: [],
      summary_count_field_name: 'doc_count',
    },
    data_description: { time_field: input.timeField },
    custom_settings: { created_by: 'single-metric-wizard' },
    analysis_limits: { model_memory_limit: input.modelMemoryLimit ?? '10MB' },
    model_plot_config: annotationsEnabled(version) ? { enabled: true, annotations_enabled: true } : { enabled: true },
  };
}

/** The `_estimate_model_memory` body the wizard sends for its one detector. */
export function buildModelMemoryEstimate(input: WizardJobInput): Dsl {
  return {
    analysis_config: { bucket_span: input.bucketSpan, detectors: [detector(input)], influencers: [], summary_count_field_name: 'doc_count' },
    overall_cardinality: {},
    max_bucket_cardinality: {},
  };
}

/**
 * The datafeed body of `PUT _ml/datafeeds/datafeed-{jobId}`: the default match-all query and the
 * aggregated feed, one histogram bucket per bucket span for Count, a tenth of it for a metric
 * (ES-ML-REFERENCE §2.1 step 5), with the max of the time field and the metric named after its field.
 */
export function buildWizardDatafeed(input: WizardJobInput, version: ClusterVersion): Dsl {
  const spanMs = bucketSpanMs(input.bucketSpan) ?? 900_000;
  const intervalMs = input.fn === 'count' ? spanMs : Math.max(1, Math.floor(spanMs / 10));
  const aggregations: Dsl = { [input.timeField]: { max: { field: input.timeField } } };
  if (input.fn !== 'count' && input.field) aggregations[input.field] = { [DATAFEED_METRIC[input.fn]]: { field: input.field } };
  return {
    datafeed_id: datafeedIdOf(input.jobId),
    job_id: input.jobId,
    indices: input.index.split(',').map((part) => part.trim()),
    query: { bool: { must: [{ match_all: {} }] } },
    aggregations: {
      buckets: {
        date_histogram: { field: input.timeField, [fixedInterval(version) ? 'fixed_interval' : 'interval']: `${intervalMs}ms` },
        aggregations,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// "Use full data": the index's time range

export function buildDataRangeRequest(index: string, timeField: string): SearchRequest {
  return searchRequest(index, {
    size: 0,
    track_total_hits: true,
    aggs: { earliest: { min: { field: timeField } }, latest: { max: { field: timeField } } },
  });
}

export interface DataRange {
  start: number;
  end: number;
  documents: number;
}

/** The earliest and latest time of the index (epoch ms), null when it has no timed documents. */
export function parseDataRange(response: unknown): DataRange | null {
  const aggs = aggregationsOf(response);
  const start = metricValue(aggs.earliest);
  const end = metricValue(aggs.latest);
  const hits = responseBody(response).hits;
  const total = isObject(hits) ? hits.total : undefined;
  const documents = typeof total === 'number' ? total : isObject(total) ? (asNumber(total.value) ?? 0) : 0;
  if (start === null || end === null) return null;
  return { start, end, documents };
}

// ---------------------------------------------------------------------------------------------
// The index's fields: which can be the metric, which is the time field

const NUMBER_TYPES = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'unsigned_long']);

export interface IndexFields {
  numeric: string[];
  dates: string[];
}

/** From `GET /<index>/_mapping` (every index of a pattern): number and date fields, with dotted names for objects. */
export function parseIndexFields(response: unknown): IndexFields {
  const types = new Map<string, Set<string>>();
  const walk = (properties: unknown, prefix: string) => {
    if (!isObject(properties)) return;
    for (const [name, mapping] of Object.entries(properties)) {
      if (!isObject(mapping)) continue;
      const path = `${prefix}${name}`;
      if (typeof mapping.type === 'string') types.set(path, (types.get(path) ?? new Set()).add(mapping.type));
      walk(mapping.properties, `${path}.`);
    }
  };
  for (const index of Object.values(isObject(response) ? response : {})) {
    const mappings = isObject(index) && isObject(index.mappings) ? index.mappings : {};
    walk(mappings.properties, '');
  }
  const numeric: string[] = [];
  const dates: string[] = [];
  for (const [name, set] of types) {
    if ([...set].every((t) => NUMBER_TYPES.has(t))) numeric.push(name);
    if ([...set].every((t) => t === 'date' || t === 'date_nanos')) dates.push(name);
  }
  return { numeric: numeric.sort(), dates: dates.sort() };
}

// ---------------------------------------------------------------------------------------------
// Bucket span estimation (Kibana-side: `bucket_span_estimator`, ES-ML-REFERENCE §7)

/** Kibana's candidate spans, shortest first. */
export const BUCKET_SPAN_CANDIDATES = ['15m', '30m', '1h', '3h', '12h', '1d', '3d', '7d'] as const;
/** Only the last 250 hours of data are examined. */
export const ESTIMATE_WINDOW_MS = 250 * 3_600_000;
const BASE_MS = 900_000;
/** The polled-data check looks at one-minute buckets over the last six hours. */
const POLL_WINDOW_MS = 6 * 3_600_000;

/** One search: 15-minute buckets over the last 250 h (count, and the metric for a field job) and 1-minute ones over the last 6 h. */
export function buildBucketSpanRequest(index: string, timeField: string, end: number, fn: WizardFunction, field?: string): SearchRequest {
  const metric = fn !== 'count' && field ? { metric: { [fn === 'mean' ? 'avg' : fn]: { field } } } : undefined;
  return searchRequest(index, {
    size: 0,
    query: { range: { [timeField]: { gte: end - ESTIMATE_WINDOW_MS, lte: end, format: 'epoch_millis' } } },
    aggs: {
      coarse: { date_histogram: { field: timeField, fixed_interval: `${BASE_MS}ms`, min_doc_count: 0 }, ...(metric ? { aggs: metric } : {}) },
      recent: {
        filter: { range: { [timeField]: { gte: end - POLL_WINDOW_MS, lte: end, format: 'epoch_millis' } } },
        aggs: { minutes: { date_histogram: { field: timeField, fixed_interval: '60000ms', min_doc_count: 1 } } },
      },
    },
  });
}

export interface BucketSpanEstimate {
  bucketSpan: string;
  /** `polled`: data arrives at a fixed interval; `checked`: the first candidate that passed the checks; `fallback`: none did. */
  basis: 'polled' | 'checked' | 'fallback';
}

function coefficientOfVariation(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (mean === 0) return Infinity;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance) / mean;
}

function spanLabel(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.max(1, Math.round(ms / 60_000))}m`;
}

/**
 * Kibana's estimate from the search above: polled data (regular gaps, coefficient of variation
 * under 0.1) gets its polling interval; otherwise the first candidate with more than 20 % of
 * buckets non-empty and, for count and sum, a mean of at least 5 documents per bucket, and for
 * metrics under an hour a variance ratio of 5 or less (one bucket's spread to the spread of
 * bucket means).
 */
export function parseBucketSpanEstimate(response: unknown, fn: WizardFunction): BucketSpanEstimate {
  const aggs = aggregationsOf(response);
  const minutes = bucketsOf(isObject(aggs.recent) ? aggs.recent.minutes : undefined);
  const times = minutes.map((b) => asNumber(b.key)).filter((t): t is number => t !== undefined);
  if (times.length >= 10) {
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    if (mean > 60_000 && coefficientOfVariation(gaps) < 0.1) return { bucketSpan: spanLabel(mean), basis: 'polled' };
  }
  const base = bucketsOf(aggs.coarse).map((b) => ({ count: asNumber(b.doc_count) ?? 0, metric: metricValue(b.metric) }));
  // Drop the empty buckets before the data starts: the window may begin before it.
  const firstData = base.findIndex((b) => b.count > 0);
  const series = firstData === -1 ? [] : base.slice(firstData);
  for (const candidate of BUCKET_SPAN_CANDIDATES) {
    const factor = Math.round((bucketSpanMs(candidate) as number) / BASE_MS);
    const merged: { count: number; metrics: number[] }[] = [];
    for (let i = 0; i < series.length; i += factor) {
      const part = series.slice(i, i + factor);
      merged.push({ count: part.reduce((a, b) => a + b.count, 0), metrics: part.map((b) => b.metric).filter((m): m is number => m !== null) });
    }
    if (merged.length < 2) continue;
    const nonEmpty = merged.filter((b) => b.count > 0).length / merged.length;
    if (nonEmpty <= 0.2) continue;
    if (fn === 'count' || fn === 'sum') {
      const meanCount = merged.reduce((a, b) => a + b.count, 0) / merged.length;
      if (meanCount < 5) continue;
    } else if (factor * BASE_MS < 3_600_000) {
      const means = merged.filter((b) => b.metrics.length > 0).map((b) => b.metrics.reduce((a, c) => a + c, 0) / b.metrics.length);
      const within = merged.flatMap((b) => b.metrics);
      const spread = (values: number[]) => {
        const mean = values.reduce((a, c) => a + c, 0) / values.length;
        return values.reduce((a, c) => a + (c - mean) ** 2, 0) / values.length;
      };
      if (means.length > 1 && within.length > 1 && spread(means) > 0 && spread(within) / spread(means) > 5) continue;
    }
    return { bucketSpan: candidate, basis: 'checked' };
  }
  return { bucketSpan: DEFAULT_BUCKET_SPAN, basis: 'fallback' };
}
