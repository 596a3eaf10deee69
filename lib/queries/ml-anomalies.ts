/**
 * The chapter 5 Single Metric Viewer: a job's state, its model plot (actual per bucket and the
 * model's bounds) and its anomaly records, read the way Kibana's viewer reads them
 * (ES-ML-REFERENCE §6.2: `.ml-anomalies-*` filtered on `job_id`), plus the flights per local day
 * from the job's own index, and the handout's questions answered from those results. Pure: no
 * I/O; the clock and the reader's time zone come in as arguments.
 */
import moment from 'moment-timezone';
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

export function parseDailyCounts(response: unknown, timeZone: string): DayCount[] {
  return bucketsOf(aggregationsOf(response).days).map((b) => ({
    date: asString(b.key_as_string)?.slice(0, 10) ?? localDate(asNumber(b.key) ?? 0, timeZone),
    count: asNumber(b.doc_count) ?? 0,
  }));
}

export function localDate(ms: number, timeZone: string): string {
  return moment.tz(ms, timeZone).format('YYYY-MM-DD');
}

/** 0 = Sunday, as `Date#getUTCDay` counts. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

// ---------------------------------------------------------------------------------------------
// The handout's questions, answered from the attendee's own results

export interface WeekdayFigure {
  weekday: number;
  /** Median flights on that weekday, over the complete days of the data. */
  median: number;
  days: number;
}

export interface DayAnswer {
  date: string;
  weekday: number;
  /** Highest record score that day; null when the job recorded no anomaly. */
  maxScore: number | null;
  severity: Severity | null;
  /** Whether the day's anomalies had more or fewer than typical (most of the day's score, not a count of records). */
  direction: 'higher' | 'lower' | null;
  flights: number | null;
  /** Median flights of the same weekday on the other days. */
  usual: number | null;
  /** flights / usual - 1, e.g. 0.18 for "18 % more than a usual Saturday". */
  change: number | null;
  handout: boolean;
}

export interface MlAnswers {
  /** When the bounds settled into the daily pattern (the handout: "after about 3 days"). */
  narrowedAt: number | null;
  narrowedAfterDays: number | null;
  weekdays: WeekdayFigure[];
  fewest: { weekday: number; median: number; othersMedian: number; below: number } | null;
  days: DayAnswer[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The moment the model's band settled: the band width over the previous 24 hours, relative to
 * the level of the data, first comes within 25 % of where it ends the early window and stays
 * within 50 % of it. Null without model plot or enough data.
 */
export function boundsNarrowedAt(series: SeriesPoint[], bucketSpanMs: number): number | null {
  const points = series.filter((p) => p.lower !== null && p.upper !== null && p.actual !== null);
  const perDay = Math.round(DAY_MS / bucketSpanMs);
  if (points.length < perDay * 3) return null;
  const relative: { t: number; r: number }[] = [];
  for (let i = perDay - 1; i < points.length; i += 1) {
    let width = 0;
    let level = 0;
    for (let k = i - perDay + 1; k <= i; k += 1) {
      const p = points[k] as SeriesPoint;
      width += (p.upper as number) - (p.lower as number);
      level += Math.max(p.actual as number, ((p.upper as number) + (p.lower as number)) / 2, 1);
    }
    relative.push({ t: (points[i] as SeriesPoint).t + bucketSpanMs, r: width / level });
  }
  const settled = median(relative.slice(Math.floor(relative.length / 2)).map((x) => x.r));
  for (let i = 0; i < relative.length; i += 1) {
    if ((relative[i] as { r: number }).r > settled * 1.25) continue;
    if (relative.slice(i).every((x) => x.r <= settled * 1.5)) return (relative[i] as { t: number }).t;
  }
  return null;
}

export interface AnswerInput {
  early: SeriesPoint[];
  bucketSpanMs: number;
  jobStart: number | null;
  daily: DayCount[];
  records: AnomalyRecord[];
  timeZone: string;
}

export function computeAnswers(input: AnswerInput): MlAnswers {
  const narrowedAt = boundsNarrowedAt(input.early, input.bucketSpanMs);
  const narrowedAfterDays = narrowedAt !== null && input.jobStart !== null ? Math.round(((narrowedAt - input.jobStart) / DAY_MS) * 10) / 10 : null;

  // Partial days at the edges (a zone other than the import's) would look like quiet days.
  const typicalDay = input.daily.length > 0 ? median(input.daily.map((d) => d.count)) : 0;
  const complete = input.daily.filter((d, i) => !((i === 0 || i === input.daily.length - 1) && d.count < typicalDay * 0.8));
  const weekdays: WeekdayFigure[] = [];
  for (let wd = 0; wd < 7; wd += 1) {
    const counts = complete.filter((d) => weekdayOf(d.date) === wd).map((d) => d.count);
    if (counts.length > 0) weekdays.push({ weekday: wd, median: median(counts), days: counts.length });
  }
  let fewest: MlAnswers['fewest'] = null;
  if (weekdays.length >= 7) {
    const low = weekdays.reduce((a, b) => (b.median < a.median ? b : a));
    const othersMedian = median(weekdays.filter((w) => w !== low).map((w) => w.median));
    fewest = { weekday: low.weekday, median: low.median, othersMedian, below: othersMedian > 0 ? 1 - low.median / othersMedian : 0 };
  }

  const byDay = new Map<string, AnomalyRecord[]>();
  for (const record of input.records) {
    const date = localDate(record.timestamp, input.timeZone);
    const list = byDay.get(date) ?? [];
    list.push(record);
    byDay.set(date, list);
  }
  const counted = new Map(input.daily.map((d) => [d.date, d.count]));
  const first = input.daily[0]?.date;
  const last = input.daily.at(-1)?.date;
  const topDays = [...byDay.entries()]
    .map(([date, list]) => ({ date, max: Math.max(...list.map((r) => r.score)) }))
    .filter((d) => d.max >= 25)
    .sort((a, b) => b.max - a.max)
    .slice(0, 3)
    .map((d) => d.date);
  const handoutDays = HANDOUT_DAYS.filter((d) => first !== undefined && last !== undefined && d >= first && d <= last);
  const dates = [...new Set([...handoutDays, ...topDays])].sort();
  const days: DayAnswer[] = dates.map((date) => {
    const list = byDay.get(date) ?? [];
    const maxScore = list.length > 0 ? Math.max(...list.map((r) => r.score)) : null;
    const up = list.filter((r) => r.direction === 'higher').reduce((a, r) => a + r.score, 0);
    const down = list.filter((r) => r.direction === 'lower').reduce((a, r) => a + r.score, 0);
    const weekday = weekdayOf(date);
    const others = complete.filter((d) => d.date !== date && weekdayOf(d.date) === weekday).map((d) => d.count);
    const flights = counted.get(date) ?? null;
    const usual = others.length > 0 ? median(others) : null;
    return {
      date,
      weekday,
      maxScore,
      severity: maxScore === null ? null : severityOf(maxScore),
      direction: list.length === 0 ? null : up > down ? 'higher' : 'lower',
      flights,
      usual,
      change: flights !== null && usual !== null && usual > 0 ? flights / usual - 1 : null,
      handout: (HANDOUT_DAYS as readonly string[]).includes(date),
    };
  });
  return { narrowedAt, narrowedAfterDays, weekdays, fewest, days };
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

// ---------------------------------------------------------------------------------------------
// The three views of the handout (steps 21-23)

export interface TimeView {
  id: 'first-week' | 'four-weeks' | 'thanksgiving' | 'all';
  from: number;
  to: number;
}

/** The first week; the four weeks after it; the week from 22 November (in the reader's zone); everything. */
export function handoutViews(start: number, end: number, timeZone: string): TimeView[] {
  const views: TimeView[] = [];
  views.push({ id: 'first-week', from: start, to: Math.min(end, start + 7 * DAY_MS) });
  if (end > start + 7 * DAY_MS) views.push({ id: 'four-weeks', from: start + 7 * DAY_MS, to: Math.min(end, start + 35 * DAY_MS) });
  const year = moment.tz(start, timeZone).year();
  const thanksgiving = moment.tz(`${year}-11-22T00:00:00`, timeZone).valueOf();
  if (thanksgiving < end && thanksgiving + 7 * DAY_MS > start) views.push({ id: 'thanksgiving', from: Math.max(start, thanksgiving), to: Math.min(end, thanksgiving + 7 * DAY_MS) });
  views.push({ id: 'all', from: start, to: end });
  return views;
}
