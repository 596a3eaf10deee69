/**
 * The chapter 5 Single Metric Viewer: a job's state, its model plot (actual per bucket and the
 * model's bounds) and its anomaly records, read the way Kibana's viewer reads them
 * (ES-ML-REFERENCE §6.2: `.ml-anomalies-*` filtered on `job_id`), plus the flights per local day
 * from the job's own index, and the handout's questions answered from those results. Pure: no
 * I/O; the clock and the reader's time zone come in as arguments.
 */
import type { ClusterVersion } from '../cluster/version';
import { aggregationsOf, asNumber, asString, bucketsOf, hitsOf, isObject, metricValue, searchRequest, type Dsl, type SearchRequest } from './common';

export const ML_RESULTS_PATTERN = '.ml-anomalies-*';
/** Points of the focus chart at most: a week of 15-minute buckets fits at full detail. */
export const FOCUS_MAX_POINTS = 700;
/** Points of the overview (brush) chart at most. */
export const OVERVIEW_MAX_POINTS = 300;
/** Records read per job: the highest-scoring ones; a two-month flights job has far fewer. */
export const RECORDS_LIMIT = 500;
/** How far from the job's first bucket the "bounds narrowed" answer looks. */
export const EARLY_WINDOW_MS = 14 * 86_400_000;
/** The handout's Thanksgiving questions (step 23). */
export const HANDOUT_DAYS = ['2017-11-23', '2017-11-25'] as const;
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Severity (Kibana's anomaly thresholds and colours, ES-ML-REFERENCE §8.1)

export type Severity = 'critical' | 'major' | 'minor' | 'warning' | 'low';

export const SEVERITY_COLOURS: Record<Severity, string> = {
  critical: '#fe5050',
  major: '#fba740',
  minor: '#fdec25',
  warning: '#8bc8fb',
  low: '#d2e9f7',
};

/** `getSeverityType`: the colour band of a score. */
export function severityOf(score: number): Severity {
  if (score >= 75) return 'critical';
  if (score >= 50) return 'major';
  if (score >= 25) return 'minor';
  if (score >= 3) return 'warning';
  return 'low';
}

// ---------------------------------------------------------------------------------------------
// Job and datafeed state

export interface JobStatus {
  id: string;
  state: string;
  datafeedId: string | null;
  datafeedState: string | null;
  processedRecords: number;
  earliestRecordTimestamp: number | null;
  latestRecordTimestamp: number | null;
  bucketSpanMs: number;
  bucketSpan: string;
  function: string;
  field: string | null;
  modelPlot: boolean;
  timeField: string;
  /** The datafeed's indices and query (for the flights per day). */
  indices: string[];
  query: Dsl | null;
  /** Why a job waits (lazy ML node), as ES explains it. */
  assignmentExplanation: string | null;
}

const SPAN_UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: DAY_MS };

function spanMs(span: string | undefined): number {
  const m = span ? /^(\d+)(ms|s|m|h|d)$/.exec(span) : null;
  return m ? Number(m[1]) * (SPAN_UNIT_MS[m[2] as string] as number) : 900_000;
}

function first(list: unknown, key: string): Dsl | null {
  const items = isObject(list) ? list[key] : undefined;
  return Array.isArray(items) && isObject(items[0]) ? items[0] : null;
}

/**
 * One job's status from `GET _ml/anomaly_detectors/{id}`, its `_stats`, and its datafeed's config
 * and `_stats` (8.x inlines the config in the job; 7.x needs `GET _ml/datafeeds/{id}`).
 */
export function parseJobStatus(jobs: unknown, stats: unknown, datafeeds: unknown, datafeedStats: unknown): JobStatus | null {
  const job = first(jobs, 'jobs');
  if (!job) return null;
  const jobStats = first(stats, 'jobs');
  const counts = isObject(jobStats?.data_counts) ? jobStats.data_counts : {};
  const analysis = isObject(job.analysis_config) ? job.analysis_config : {};
  const detector = Array.isArray(analysis.detectors) && isObject(analysis.detectors[0]) ? analysis.detectors[0] : {};
  const datafeed = isObject(job.datafeed_config) ? job.datafeed_config : first(datafeeds, 'datafeeds');
  const feedStats = first(datafeedStats, 'datafeeds');
  const bucketSpan = asString(analysis.bucket_span) ?? '15m';
  return {
    id: asString(job.job_id) ?? '',
    state: asString(jobStats?.state) ?? 'closed',
    datafeedId: asString(datafeed?.datafeed_id) ?? asString(feedStats?.datafeed_id) ?? null,
    datafeedState: asString(feedStats?.state) ?? null,
    processedRecords: asNumber(counts.processed_record_count) ?? 0,
    earliestRecordTimestamp: asNumber(counts.earliest_record_timestamp) ?? null,
    latestRecordTimestamp: asNumber(counts.latest_record_timestamp) ?? null,
    bucketSpanMs: spanMs(bucketSpan),
    bucketSpan,
    function: asString(detector.function) ?? 'count',
    field: asString(detector.field_name) ?? null,
    modelPlot: isObject(job.model_plot_config) && job.model_plot_config.enabled === true,
    timeField: (isObject(job.data_description) ? asString(job.data_description.time_field) : undefined) ?? '@timestamp',
    indices: Array.isArray(datafeed?.indices) ? (datafeed.indices as unknown[]).map(String) : [],
    query: isObject(datafeed?.query) ? datafeed.query : null,
    assignmentExplanation: asString(jobStats?.assignment_explanation) ?? null,
  };
}

/** The datafeed has stopped and the job is closed or idle: a look-back that ran to its end. */
export function jobFinished(job: JobStatus): boolean {
  return (job.datafeedState === null || job.datafeedState === 'stopped') && job.state !== 'opening' && job.state !== 'closing';
}

// ---------------------------------------------------------------------------------------------
// Model plot

const NICE_MULTIPLES = [1, 2, 4, 8, 12, 16, 24, 32, 48, 96, 192, 384, 672];

/** A multiple of the bucket span that keeps `[from, to]` within `maxPoints` points. */
export function chartInterval(from: number, to: number, bucketSpanMs: number, maxPoints: number): number {
  const buckets = Math.max(1, Math.ceil((to - from) / bucketSpanMs));
  const factor = NICE_MULTIPLES.find((m) => buckets / m <= maxPoints) ?? Math.ceil(buckets / maxPoints);
  return factor * bucketSpanMs;
}

/**
 * Kibana's `getModelPlotOutput` (result_service_rx.ts): model plot documents of the job in the
 * range, per interval the mean actual and the widest bounds.
 */
export function buildModelPlotRequest(jobId: string, from: number, to: number, intervalMs: number): SearchRequest {
  return searchRequest(ML_RESULTS_PATTERN, {
    size: 0,
    query: {
      bool: {
        filter: [
          { query_string: { query: 'result_type:model_plot', analyze_wildcard: true } },
          {
            bool: {
              must: [{ term: { job_id: jobId } }, { range: { timestamp: { gte: from, lte: to, format: 'epoch_millis' } } }],
              should: [{ term: { detector_index: 0 } }, { bool: { must_not: [{ exists: { field: 'detector_index' } }] } }],
              minimum_should_match: 1,
            },
          },
        ],
      },
    },
    aggs: {
      times: {
        date_histogram: { field: 'timestamp', fixed_interval: `${intervalMs}ms`, min_doc_count: 0 },
        aggs: { actual: { avg: { field: 'actual' } }, modelUpper: { max: { field: 'model_upper' } }, modelLower: { min: { field: 'model_lower' } } },
      },
    },
  });
}

export interface SeriesPoint {
  /** Epoch ms of the interval's start. */
  t: number;
  actual: number | null;
  lower: number | null;
  upper: number | null;
}

export function parseModelPlot(response: unknown): SeriesPoint[] {
  return bucketsOf(aggregationsOf(response).times).map((b) => ({
    t: asNumber(b.key) ?? 0,
    actual: metricValue(b.actual),
    lower: metricValue(b.modelLower),
    upper: metricValue(b.modelUpper),
  }));
}

// ---------------------------------------------------------------------------------------------
// Records

/** Kibana's records search for the viewer: the job's records, highest score first. */
export function buildRecordsRequest(jobId: string, size = RECORDS_LIMIT): SearchRequest {
  return searchRequest(ML_RESULTS_PATTERN, {
    size,
    query: { bool: { filter: [{ term: { result_type: 'record' } }, { term: { job_id: jobId } }] } },
    sort: [{ record_score: { order: 'desc' } }, { timestamp: { order: 'asc' } }],
    _source: ['timestamp', 'record_score', 'initial_record_score', 'probability', 'actual', 'typical', 'function', 'multi_bucket_impact', 'bucket_span'],
  });
}

export interface AnomalyRecord {
  timestamp: number;
  score: number;
  initialScore: number | null;
  severity: Severity;
  actual: number | null;
  typical: number | null;
  /** How many times higher or lower than typical (Kibana's "N× higher / lower"); null when typical or actual is 0. */
  factor: number | null;
  direction: 'higher' | 'lower' | 'same';
  probability: number | null;
}

function firstNumber(value: unknown): number | null {
  return asNumber(Array.isArray(value) ? value[0] : value) ?? null;
}

export function parseRecords(response: unknown): AnomalyRecord[] {
  return hitsOf(response).map((hit) => {
    const s = hit._source ?? {};
    const score = asNumber(s.record_score) ?? 0;
    const actual = firstNumber(s.actual);
    const typical = firstNumber(s.typical);
    let direction: AnomalyRecord['direction'] = 'same';
    if (actual !== null && typical !== null) direction = actual > typical ? 'higher' : actual < typical ? 'lower' : 'same';
    let factor: number | null = null;
    if (actual !== null && typical !== null && actual > 0 && typical > 0) factor = direction === 'higher' ? actual / typical : typical / actual;
    return {
      timestamp: asNumber(s.timestamp) ?? 0,
      score,
      initialScore: asNumber(s.initial_record_score) ?? null,
      severity: severityOf(score),
      actual,
      typical,
      factor,
      direction,
      probability: asNumber(s.probability) ?? null,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Flights per local day, from the job's own index

/** Documents per calendar day in the reader's zone, over the datafeed's indices and query. */
export function buildDailyCountsRequest(job: Pick<JobStatus, 'indices' | 'query' | 'timeField'>, timeZone: string): SearchRequest {
  return searchRequest(job.indices.join(','), {
    size: 0,
    query: job.query ?? { match_all: {} },
    aggs: { days: { date_histogram: { field: job.timeField, calendar_interval: '1d', time_zone: timeZone, min_doc_count: 1 } } },
  });
}

export interface DayCount {
  /** `YYYY-MM-DD` in the reader's zone. */
  date: string;
  count: number;
}

/** Day keys as ES writes them in the request's zone (`key_as_string` starts with the local date). */
export function parseDailyCounts(response: unknown): DayCount[] {
  return bucketsOf(aggregationsOf(response).days).map((b) => ({
    date: asString(b.key_as_string)?.slice(0, 10) ?? new Date(asNumber(b.key) ?? 0).toISOString().slice(0, 10),
    count: asNumber(b.doc_count) ?? 0,
  }));
}

// ---------------------------------------------------------------------------------------------
// Open in Kibana

function risonString(text: string): string {
  return `'${text.replace(/!/g, '!!').replace(/'/g, "!'")}'`;
}

/**
 * The Single Metric Viewer of the job and range in the attendee's Kibana: hash routes until 7.9,
 * path routes from 7.10 (the ML app's move to the new platform router).
 */
export function singleMetricViewerLink(kibanaUrl: string, version: Pick<ClusterVersion, 'major' | 'minor'>, jobId: string, from: number, to: number): string {
  const base = kibanaUrl.replace(/\/+$/, '');
  const g = `(ml:(jobIds:!(${risonString(jobId)})),refreshInterval:(display:Off,pause:!t,value:0),time:(from:${risonString(new Date(from).toISOString())},mode:absolute,to:${risonString(new Date(to).toISOString())}))`;
  const hashRoutes = version.major === 7 && (version.minor ?? 17) < 10;
  return `${base}/app/ml${hashRoutes ? '#' : ''}/timeseriesexplorer?_g=${encodeURIComponent(g)}`;
}

