/**
 * Anomaly detection job and datafeed configurations: validation with Elasticsearch's messages
 * (Messages.java, ES-ML-REFERENCE.md §2.4) and the normalised form ES stores and returns (§2.3, §3.1).
 */
import { EsError } from '../engine/api';
import { isPlainObject } from '../engine/errors';
import type { MlDialect } from './flavours';
import { DETECTOR_FUNCTIONS, type DetectorFunction, baseFunction } from './model';

export type Json = Record<string, unknown>;

export function illegalArgument(reason: string): EsError {
  return new EsError(400, 'illegal_argument_exception', reason);
}

export function conflict(reason: string): EsError {
  return new EsError(409, 'status_exception', reason);
}

export function jobNotFound(id: string): EsError {
  return new EsError(404, 'resource_not_found_exception', `No known job with id '${id}'`);
}

export function datafeedNotFound(id: string): EsError {
  return new EsError(404, 'resource_not_found_exception', `No datafeed with id [${id}] exists`);
}

function unknownField(container: string, field: string): EsError {
  return new EsError(400, 'x_content_parse_exception', `[1:2] [${container}] unknown field [${field}]`);
}

const ID = /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/;
const MAX_ID_LENGTH = 64;

export function validateId(kind: 'job_id' | 'datafeed_id', id: string): void {
  if (!ID.test(id)) throw illegalArgument(`Invalid ${kind}; '${id}' can contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must start and end with alphanumeric`);
  if (kind === 'job_id' && id.length > MAX_ID_LENGTH) throw illegalArgument(`The job id cannot contain more than ${MAX_ID_LENGTH} characters.`);
}

const UNITS: Record<string, number> = { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An ES time value (`15m`, `900s`, `900000ms`) in milliseconds. */
export function parseDuration(value: unknown, setting: string): number {
  const s = String(value ?? '').trim();
  const m = /^(-?\d+(?:\.\d+)?)(nanos|micros|ms|s|m|h|d)$/.exec(s);
  if (!m) throw new EsError(400, 'parse_exception', `failed to parse setting [${setting}] with value [${s}] as a time value: unit is missing or unrecognized`);
  return Number(m[1]) * (UNITS[m[2] as string] as number);
}

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };

/** `model_memory_limit` as ES stores it (`10MB` → `10mb`, a bare number is MiB). */
export function parseMemoryLimit(value: unknown): { text: string; bytes: number } {
  if (typeof value === 'number') return { text: `${value}mb`, bytes: value * BYTE_UNITS.mb! };
  const s = String(value).trim().toLowerCase();
  const m = /^(\d+)(b|kb|mb|gb|tb)?$/.exec(s);
  if (!m) throw new EsError(400, 'parse_exception', `failed to parse setting [model_memory_limit] with value [${String(value)}] as a size in bytes: unit is missing or unrecognized`);
  const unit = m[2] ?? 'mb';
  const bytes = Number(m[1]) * (BYTE_UNITS[unit] as number);
  if (bytes < BYTE_UNITS.mb!) throw illegalArgument(`model_memory_limit must be at least 1 MiB. Value = ${Math.floor(bytes / BYTE_UNITS.mb!)}`);
  return { text: `${m[1]}${unit}`, bytes };
}

const JOB_FIELDS = new Set([
  'job_id', 'description', 'groups', 'analysis_config', 'analysis_limits', 'data_description', 'model_plot_config', 'custom_settings',
  'renormalization_window_days', 'background_persist_interval', 'model_snapshot_retention_days', 'daily_model_snapshot_retention_after_days',
  'results_retention_days', 'results_index_name', 'allow_lazy_open', 'datafeed_config', 'job_type', 'job_version', 'create_time',
]);
const ANALYSIS_FIELDS = new Set(['bucket_span', 'detectors', 'influencers', 'summary_count_field_name', 'categorization_field_name', 'categorization_filters', 'latency', 'multivariate_by_fields', 'model_prune_window', 'per_partition_categorization']);
const DETECTOR_FIELDS = new Set(['function', 'field_name', 'by_field_name', 'over_field_name', 'partition_field_name', 'detector_description', 'exclude_frequent', 'use_null', 'custom_rules', 'detector_index']);

export interface Detector {
  function: DetectorFunction;
  field_name?: string;
}

/** Validates a PUT job body and returns the job as ES stores it. */
export function normaliseJob(jobId: string, body: unknown, dialect: MlDialect, now: number): Json {
  if (!isPlainObject(body)) throw new EsError(400, 'parse_exception', 'request body is required');
  for (const k of Object.keys(body)) if (!JOB_FIELDS.has(k)) throw unknownField('job_details', k);
  if (body.job_id !== undefined && body.job_id !== jobId) throw illegalArgument(`Inconsistent job_id; '${String(body.job_id)}' specified in the body differs from '${jobId}' specified as a URL argument`);
  validateId('job_id', jobId);
  const ac = body.analysis_config;
  if (!isPlainObject(ac)) throw illegalArgument('An analysis_config must be set');
  for (const k of Object.keys(ac)) if (!ANALYSIS_FIELDS.has(k)) throw unknownField('analysis_config', k);
  const dd = body.data_description;
  if (!isPlainObject(dd)) throw illegalArgument('A data_description must be set');
  const bucketSpan = ac.bucket_span === undefined ? '5m' : String(ac.bucket_span);
  const spanMs = parseDuration(bucketSpan, 'bucket_span');
  if (spanMs < 1000 || spanMs % 1000 !== 0) throw illegalArgument(`bucket_span [${bucketSpan}] must be a whole number of seconds and at least 1 second`);
  if (!Array.isArray(ac.detectors) || ac.detectors.length === 0) throw illegalArgument('No detectors configured');
  const detectors = ac.detectors.map((d, i) => normaliseDetector(d, i));
  for (const k of ['categorization_field_name', 'latency'] as const) {
    if (ac[k] !== undefined) throw illegalArgument(`[${k}] is not supported by the practice cluster's anomaly detection`);
  }
  const analysis: Json = { bucket_span: bucketSpan };
  if (ac.summary_count_field_name !== undefined) analysis.summary_count_field_name = String(ac.summary_count_field_name);
  analysis.detectors = detectors;
  analysis.influencers = Array.isArray(ac.influencers) ? ac.influencers.map(String) : [];
  if (dialect.modelPruneWindow) analysis.model_prune_window = ac.model_prune_window ?? '30d';
  const limits = isPlainObject(body.analysis_limits) ? body.analysis_limits : {};
  const memory = parseMemoryLimit(limits.model_memory_limit ?? dialect.defaultModelMemoryLimit);
  const timeField = dd.time_field === undefined ? 'time' : String(dd.time_field);
  for (const d of detectors) {
    if (d.field_name === timeField) throw illegalArgument('data_description.time_field may not be used in the analysis_config');
  }
  const job: Json = {
    job_id: jobId,
    job_type: 'anomaly_detector',
    job_version: dialect.version,
    create_time: now,
  };
  if (body.custom_settings !== undefined) job.custom_settings = body.custom_settings;
  job.description = body.description === undefined ? '' : String(body.description);
  job.groups = validateGroups(body.groups, jobId);
  job.analysis_config = analysis;
  job.analysis_limits = { model_memory_limit: memory.text, categorization_examples_limit: 4 };
  job.data_description = { time_field: timeField, time_format: dd.time_format === undefined ? 'epoch_ms' : String(dd.time_format) };
  if (body.model_plot_config !== undefined) job.model_plot_config = body.model_plot_config;
  if (body.renormalization_window_days !== undefined) job.renormalization_window_days = body.renormalization_window_days;
  if (body.results_retention_days !== undefined) job.results_retention_days = body.results_retention_days;
  job.model_snapshot_retention_days = body.model_snapshot_retention_days ?? 10;
  job.daily_model_snapshot_retention_after_days = body.daily_model_snapshot_retention_after_days ?? 1;
  job.results_index_name = body.results_index_name === undefined ? 'shared' : String(body.results_index_name);
  job.allow_lazy_open = body.allow_lazy_open === true;
  return job;
}

function validateGroups(groups: unknown, jobId: string): string[] {
  if (groups === undefined) return [];
  if (!Array.isArray(groups)) throw illegalArgument('[groups] must be an array');
  return groups.map((g) => {
    const s = String(g);
    if (!ID.test(s)) throw illegalArgument(`Invalid group id '${s}'; must be non-empty string and may contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must start and end with alphanumeric`);
    if (s === jobId) throw illegalArgument(`job and group names must be unique but job [${jobId}] and group [${jobId}] have the same name`);
    return s;
  });
}

function normaliseDetector(d: unknown, index: number): Json {
  if (!isPlainObject(d)) throw illegalArgument('[detectors] must contain objects');
  for (const k of Object.keys(d)) if (!DETECTOR_FIELDS.has(k)) throw unknownField('detector', k);
  const fn = String(d.function ?? '');
  if (fn === '') throw new EsError(400, 'illegal_argument_exception', '[function] must not be null.');
  const known = ['count', 'high_count', 'low_count', 'non_zero_count', 'high_non_zero_count', 'low_non_zero_count', 'distinct_count', 'high_distinct_count', 'low_distinct_count', 'rare', 'freq_rare', 'info_content', 'high_info_content', 'low_info_content', 'metric', 'mean', 'high_mean', 'low_mean', 'avg', 'high_avg', 'low_avg', 'median', 'high_median', 'low_median', 'min', 'max', 'sum', 'high_sum', 'low_sum', 'non_null_sum', 'high_non_null_sum', 'low_non_null_sum', 'varp', 'high_varp', 'low_varp', 'time_of_day', 'time_of_week', 'lat_long', 'high_min', 'low_min', 'high_max', 'low_max'];
  if (!known.includes(fn)) throw illegalArgument(`Unknown function '${fn}'`);
  if (!(DETECTOR_FUNCTIONS as readonly string[]).includes(fn)) throw illegalArgument(`The practice cluster's anomaly detection supports the functions [${DETECTOR_FUNCTIONS.join(', ')}]; '${fn}' is not one of them`);
  const isCount = baseFunction(fn as DetectorFunction) === 'count';
  if (isCount && d.field_name !== undefined) throw illegalArgument(`field_name cannot be used with function '${fn}'`);
  if (!isCount && (d.field_name === undefined || d.field_name === '')) throw illegalArgument(`field_name must be set when the '${fn}' function is used`);
  for (const k of ['by_field_name', 'over_field_name', 'partition_field_name'] as const) {
    if (d[k] !== undefined) throw illegalArgument(`[${k}] is not supported by the practice cluster's anomaly detection, which models one series per detector; remove [${k}] or use a real cluster`);
  }
  const description = d.detector_description === undefined ? (isCount ? fn : `${fn}(${String(d.field_name)})`) : String(d.detector_description);
  const out: Json = { detector_description: description, function: fn };
  if (d.field_name !== undefined) out.field_name = String(d.field_name);
  if (d.custom_rules !== undefined) out.custom_rules = d.custom_rules;
  out.detector_index = index;
  return out;
}

const UPDATABLE = new Set(['description', 'groups', 'custom_settings', 'model_plot_config', 'analysis_limits', 'renormalization_window_days', 'background_persist_interval', 'model_snapshot_retention_days', 'daily_model_snapshot_retention_after_days', 'results_retention_days', 'allow_lazy_open', 'detectors', 'model_prune_window', 'job_id']);

export function applyJobUpdate(job: Json, update: unknown, opened: boolean): Json {
  if (!isPlainObject(update)) throw new EsError(400, 'parse_exception', 'request body is required');
  for (const k of Object.keys(update)) if (!UPDATABLE.has(k)) throw unknownField('job_update', k);
  const next = structuredClone(job);
  for (const [k, v] of Object.entries(update)) {
    if (k === 'job_id') continue;
    if (k === 'groups') next.groups = validateGroups(v, String(job.job_id));
    else if (k === 'analysis_limits') {
      if (opened) throw conflict(`Cannot update analysis_limits while the job is open`);
      const limits = isPlainObject(v) ? v : {};
      next.analysis_limits = { ...(next.analysis_limits as Json), model_memory_limit: parseMemoryLimit(limits.model_memory_limit ?? (next.analysis_limits as Json).model_memory_limit).text };
    } else if (k === 'detectors') {
      const list = Array.isArray(v) ? v : [];
      const dets = (next.analysis_config as Json).detectors as Json[];
      for (const d of list) {
        if (!isPlainObject(d) || typeof d.detector_index !== 'number' || !dets[d.detector_index]) throw illegalArgument(`Invalid detector_index [${isPlainObject(d) ? String(d.detector_index) : ''}]`);
        const target = dets[d.detector_index] as Json;
        if (d.description !== undefined) target.detector_description = String(d.description);
        if (d.custom_rules !== undefined) target.custom_rules = d.custom_rules;
      }
    } else if (k === 'model_prune_window') (next.analysis_config as Json).model_prune_window = v;
    else next[k] = v;
  }
  return next;
}

// -------------------------------------------------------------------------------------------
// Datafeeds

const DATAFEED_FIELDS = new Set(['datafeed_id', 'job_id', 'indices', 'indexes', 'query', 'aggregations', 'aggs', 'query_delay', 'frequency', 'scroll_size', 'chunking_config', 'delayed_data_check_config', 'indices_options', 'script_fields', 'runtime_mappings', 'max_empty_searches']);

export interface AggregatedFeed {
  histogramName: string;
  intervalMs: number;
  timeAggName: string;
}

/** Finds the date_histogram of an aggregated datafeed and checks it the way DatafeedJobValidator does. */
export function inspectAggregations(aggs: Json, timeField: string): AggregatedFeed {
  const entries = Object.entries(aggs);
  const histograms = entries.filter(([, a]) => isPlainObject(a) && (isPlainObject(a.date_histogram) || isPlainObject(a.histogram)));
  if (histograms.length === 0) throw illegalArgument('A date_histogram (or histogram) aggregation is required');
  if (histograms.length > 1) throw illegalArgument('Aggregations can only have 1 date_histogram or histogram aggregation');
  if (entries.length > 1) throw illegalArgument('The date_histogram (or histogram) aggregation cannot have sibling aggregations');
  const [name, agg] = histograms[0] as [string, Json];
  const h = (agg.date_histogram ?? agg.histogram) as Json;
  const raw = h.fixed_interval ?? h.interval ?? h.calendar_interval;
  let intervalMs: number;
  if (typeof raw === 'number') intervalMs = raw;
  else if (raw === '1m' || raw === 'minute') intervalMs = 60_000;
  else if (raw === '1h' || raw === 'hour') intervalMs = 3_600_000;
  else if (raw === '1d' || raw === 'day') intervalMs = 86_400_000;
  else intervalMs = parseDuration(raw, 'interval');
  if (!(intervalMs > 0)) throw illegalArgument('Aggregation interval must be greater than 0');
  const sub = (agg.aggregations ?? agg.aggs ?? {}) as Json;
  const timeAgg = Object.entries(sub).find(([, a]) => isPlainObject(a) && isPlainObject(a.max) && (a.max as Json).field === timeField);
  if (!timeAgg) throw illegalArgument(`Missing max aggregation for time_field [${timeField}]`);
  return { histogramName: name, intervalMs, timeAggName: timeAgg[0] };
}

/** Validates a PUT datafeed body against its job and returns the datafeed as ES stores it. */
export function normaliseDatafeed(datafeedId: string, body: unknown, job: Json | undefined, dialect: MlDialect, roles: string[], queryDelayMs: number): Json {
  if (!isPlainObject(body)) throw new EsError(400, 'parse_exception', 'request body is required');
  for (const k of Object.keys(body)) if (!DATAFEED_FIELDS.has(k)) throw unknownField('datafeed_config', k);
  if (body.datafeed_id !== undefined && body.datafeed_id !== datafeedId) throw illegalArgument(`Inconsistent datafeed_id; '${String(body.datafeed_id)}' specified in the body differs from '${datafeedId}' specified as a URL argument`);
  validateId('datafeed_id', datafeedId);
  if (body.job_id === undefined || body.job_id === null || body.job_id === '') throw illegalArgument('[job_id] must not be null.');
  const indicesRaw = body.indices ?? body.indexes;
  const indices = (Array.isArray(indicesRaw) ? indicesRaw : typeof indicesRaw === 'string' ? indicesRaw.split(',') : []).map(String).filter((s) => s !== '');
  if (indices.length === 0) throw illegalArgument(`Invalid indices value '[]' in datafeed configuration`);
  if (!job) throw jobNotFound(String(body.job_id));
  const aggs = (body.aggregations ?? body.aggs) as Json | undefined;
  if (aggs !== undefined) {
    if (!isPlainObject(aggs)) throw illegalArgument('[aggregations] must be an object');
    if (body.script_fields !== undefined) throw illegalArgument('script_fields cannot be used in combination with aggregations');
    const ac = job.analysis_config as Json;
    if (ac.summary_count_field_name === undefined) throw illegalArgument('A job configured with a datafeed with aggregations must set summary_count_field_name; use doc_count or suitable alternative');
    const timeField = String((job.data_description as Json).time_field);
    const feed = inspectAggregations(aggs, timeField);
    const spanMs = parseDuration(ac.bucket_span, 'bucket_span');
    const intervalText = String(((aggs[feed.histogramName] as Json).date_histogram as Json | undefined)?.fixed_interval ?? ((aggs[feed.histogramName] as Json).date_histogram as Json | undefined)?.interval ?? `${feed.intervalMs}ms`);
    if (feed.intervalMs > spanMs) throw illegalArgument(`Aggregation interval [${intervalText}] must be less than or equal to the bucket_span [${String(ac.bucket_span)}]`);
    if (spanMs % feed.intervalMs !== 0) throw illegalArgument(`Aggregation interval [${intervalText}] must be a divisor of the bucket_span [${String(ac.bucket_span)}]`);
  }
  if (body.query_delay !== undefined) parseDuration(body.query_delay, 'query_delay');
  if (body.frequency !== undefined) parseDuration(body.frequency, 'frequency');
  const out: Json = { datafeed_id: datafeedId, job_id: String(body.job_id) };
  if (dialect.datafeedAuthorization) out.authorization = { roles };
  out.query_delay = body.query_delay ?? `${queryDelayMs}ms`;
  if (body.frequency !== undefined) out.frequency = body.frequency;
  out.chunking_config = body.chunking_config ?? { mode: 'auto' };
  out.indices_options = body.indices_options ?? { expand_wildcards: ['open'], ignore_unavailable: false, allow_no_indices: true, ignore_throttled: true };
  out.query = body.query ?? { match_all: { boost: 1.0 } };
  out.indices = indices;
  if (aggs !== undefined) out.aggregations = aggs;
  if (body.script_fields !== undefined) out.script_fields = body.script_fields;
  if (body.runtime_mappings !== undefined) out.runtime_mappings = body.runtime_mappings;
  out.scroll_size = body.scroll_size ?? 1000;
  out.delayed_data_check_config = body.delayed_data_check_config ?? { enabled: true };
  if (body.max_empty_searches !== undefined) out.max_empty_searches = body.max_empty_searches;
  return out;
}

/** `start`/`end` of `_start` and results queries: epoch ms, ISO-8601, or `now` with date math. */
export function parseTime(name: string, value: unknown, now: number): number {
  if (typeof value === 'number') return value;
  const s = String(value).trim();
  if (/^-?\d+$/.test(s)) return Number(s);
  const math = /^now(?:([+-])(\d+)(ms|s|m|h|d|w))?$/.exec(s);
  if (math) {
    if (!math[1]) return now;
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[math[3] as 'ms'] as number;
    return now + (math[1] === '-' ? -1 : 1) * Number(math[2]) * unit;
  }
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new EsError(400, 'parse_exception', `Query param [${name}] with value [${s}] cannot be parsed as a date or converted to a number (epoch).`);
  return t;
}

export function detectorOf(job: Json): Detector {
  const d = ((job.analysis_config as Json).detectors as Json[])[0] as Json;
  const out: Detector = { function: d.function as DetectorFunction };
  if (typeof d.field_name === 'string') out.field_name = d.field_name;
  return out;
}
