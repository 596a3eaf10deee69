/**
 * The practice cluster's machine learning (anomaly detection) for one deployment: Elasticsearch's
 * `_ml` REST surface as plain-data methods (path and query parameters and body in, ES's response
 * body out, or a thrown `EsError`), on top of the deployment's `Engine`:
 * - job and datafeed configs live in the hidden `.ml-config` index (as ES keeps them);
 * - datafeeds search the deployment's indices through the engine, in bounded slices per `tick`;
 * - bucket, record and model plot results are indexed into `.ml-anomalies-shared` with the
 *   per-job read and write aliases, so Kibana-style searches on `.ml-anomalies-*` work, and the
 *   results APIs read them back from there; audit messages go to `.ml-notifications-*`.
 * The model is in ./model (see its index.ts). HTTP, routing and tenancy are not here.
 */
import type { Clock } from '../clock';
import { type BulkAction, type Engine, EsError } from '../engine/api';
import { isPlainObject } from '../engine/errors';
import { simpleMatch } from '../engine/wildcard';
import {
  applyJobUpdate,
  conflict,
  datafeedNotFound,
  detectorOf,
  illegalArgument,
  inspectAggregations,
  jobNotFound,
  type Json,
  normaliseDatafeed,
  normaliseJob,
  parseDuration,
  parseMemoryLimit,
  parseTime,
} from './config';
import { type MlDialect, mlDialect } from './flavours';
import { BucketDetector, type BucketInput, type BucketResult } from './model';

export type Params = Record<string, string | number | boolean | undefined>;
export type LicenceType = 'basic' | 'trial' | 'gold' | 'platinum' | 'enterprise';

export interface PracticeMlOptions {
  engine: Engine;
  clock: Clock;
  /** The deployment's current licence (ML needs platinum, enterprise or trial). */
  licence: () => LicenceType;
  node: { id: string; name: string };
  /** Simulates a cluster without ML nodes: opening a job answers ES's 429. */
  mlNodes?: () => boolean;
  /** Budget per `tick` for running datafeeds, in ms of work (default 25). */
  tickBudgetMs?: number;
  /** The deployment's version facts (`FeatureContext.info`); the flavour's by default. */
  version?: { version: string; buildHash: string };
}

export const RESULTS_INDEX = '.ml-anomalies-shared';
export const CONFIG_INDEX = '.ml-config';
const RECORD_HASH = 29791; // Java Objects.hash(null, null, null): no by/over/partition field
const DAY_MS = 86_400_000;
const MODEL_FEATURE: Record<string, string> = {
  count: "'count per bucket by person'",
  mean: "'mean value by person'",
  min: "'minimum value by person'",
  max: "'maximum value by person'",
  sum: "'bucket sum by person'",
};

type JobState = 'closing' | 'closed' | 'opened' | 'failed' | 'opening';
type DatafeedState = 'started' | 'stopped' | 'starting' | 'stopping';

interface DataCounts {
  processed_record_count: number;
  processed_field_count: number;
  input_bytes: number;
  input_field_count: number;
  invalid_date_count: number;
  missing_field_count: number;
  out_of_order_timestamp_count: number;
  empty_bucket_count: number;
  sparse_bucket_count: number;
  bucket_count: number;
  earliest_record_timestamp?: number;
  latest_record_timestamp?: number;
  last_data_time?: number;
  latest_empty_bucket_timestamp?: number;
  latest_bucket_timestamp?: number;
  input_record_count: number;
}

interface Timing {
  bucketCount: number;
  total: number;
  min: number;
  max: number;
  expAvg: number;
}

interface JobRuntime {
  config: Json;
  state: JobState;
  openedAt?: number;
  detector?: BucketDetector;
  spanMs: number;
  counts: DataCounts;
  timing: Timing;
  /** The bucket being filled (start ms) and its input. */
  current?: { start: number; input: BucketInput };
  /** Next bucket start to finalise (set by the first record). */
  nextBucket?: number;
  /** Results kept for renormalisation (only those with a non-zero raw score can change). */
  scored: BucketResult[];
  peakBytes: number;
  finishedTime?: number;
  modelSizeTimestamp?: number;
}

interface DatafeedRuntime {
  config: Json;
  state: DatafeedState;
  /** Next search window start (epoch ms) and the lookback end (exclusive), or real time. */
  cursor: number;
  end?: number;
  realTime: boolean;
  searchCount: number;
  searchTimeMs: number;
  bucketCount: number;
  startedAt?: number;
  sawData: boolean;
  /** Current search window length, adapted so one slice takes a fraction of the tick budget. */
  sliceMs?: number;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function bool(v: unknown, dflt = false): boolean {
  if (v === undefined) return dflt;
  return v === true || v === 'true' || v === '';
}

function num(v: unknown, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  return Number.isFinite(n) ? n : dflt;
}

export class PracticeMl {
  private readonly engine: Engine;
  private readonly clock: Clock;
  private readonly dialect: MlDialect;
  private readonly opts: PracticeMlOptions;
  private readonly jobs = new Map<string, JobRuntime>();
  private readonly datafeeds = new Map<string, DatafeedRuntime>();
  private disposed = false;

  constructor(opts: PracticeMlOptions) {
    this.opts = opts;
    this.engine = opts.engine;
    this.clock = opts.clock;
    this.dialect = mlDialect(opts.engine.flavor, opts.version);
  }

  private now(): number {
    return this.clock.now();
  }

  // =========================================================================================
  // Guards

  private requireLicence(): void {
    const l = this.opts.licence();
    if (l === 'trial' || l === 'platinum' || l === 'enterprise') return;
    throw new EsError(403, 'security_exception', 'current license is non-compliant for [ml]', { 'license.expired.feature': 'ml' });
  }

  private job(id: string): JobRuntime {
    const j = this.jobs.get(id);
    if (!j) throw jobNotFound(id);
    return j;
  }

  private datafeed(id: string): DatafeedRuntime {
    const d = this.datafeeds.get(id);
    if (!d) throw datafeedNotFound(id);
    return d;
  }

  private datafeedOfJob(jobId: string): [string, DatafeedRuntime] | undefined {
    for (const entry of this.datafeeds) if (entry[1].config.job_id === jobId) return entry;
    return undefined;
  }

  /** Resolves `_all`, `*`, wildcards and comma lists the way the ML APIs do (`allow_no_match`). */
  private matchIds(expr: string | undefined, ids: string[], allowNoMatch: boolean, notFound: (id: string) => EsError): string[] {
    const parts = (expr === undefined || expr === '' || expr === '_all' ? '*' : expr).split(',').map((s) => s.trim());
    const out = new Set<string>();
    for (const p of parts) {
      if (p.includes('*')) {
        const hits = ids.filter((id) => simpleMatch(p, id));
        if (hits.length === 0 && !allowNoMatch && p !== '*') throw notFound(p);
        hits.forEach((h) => out.add(h));
      } else if (ids.includes(p)) out.add(p);
      else throw notFound(p);
    }
    return [...out].sort();
  }

  // =========================================================================================
  // Hidden indices

  private ensureIndex(name: string, mappings: Json): void {
    if (this.engine.indexExists(name)) return;
    this.engine.createIndex(name, { settings: { index: { hidden: true, number_of_shards: 1, auto_expand_replicas: '0-1' } }, mappings });
  }

  private ensureResultsIndex(jobId: string): void {
    this.ensureIndex(RESULTS_INDEX, {
      _meta: { version: this.dialect.version },
      dynamic_templates: [{ strings_as_keywords: { match: '*', mapping: { type: 'keyword' } } }],
      properties: {
        job_id: { type: 'keyword', copy_to: ['all_field_values'] },
        result_type: { type: 'keyword' },
        timestamp: { type: 'date' },
        bucket_span: { type: 'long' },
        detector_index: { type: 'integer' },
        is_interim: { type: 'boolean' },
        anomaly_score: { type: 'double' },
        initial_anomaly_score: { type: 'double' },
        record_score: { type: 'double' },
        initial_record_score: { type: 'double' },
        probability: { type: 'double' },
        multi_bucket_impact: { type: 'double' },
        event_count: { type: 'long' },
        processing_time_ms: { type: 'long' },
        actual: { type: 'double' },
        typical: { type: 'double' },
        model_lower: { type: 'double' },
        model_upper: { type: 'double' },
        model_median: { type: 'double' },
        model_feature: { type: 'keyword' },
        function: { type: 'keyword' },
        function_description: { type: 'keyword' },
        field_name: { type: 'keyword' },
        all_field_values: { type: 'text', analyzer: 'whitespace' },
        bucket_influencers: {
          type: 'nested',
          properties: {
            influencer_field_name: { type: 'keyword' },
            anomaly_score: { type: 'double' },
            initial_anomaly_score: { type: 'double' },
            raw_anomaly_score: { type: 'double' },
            probability: { type: 'double' },
            timestamp: { type: 'date' },
            bucket_span: { type: 'long' },
            is_interim: { type: 'boolean' },
            result_type: { type: 'keyword' },
            job_id: { type: 'keyword' },
          },
        },
      },
    });
    const read = `.ml-anomalies-${jobId}`;
    const write = `.ml-anomalies-.write-${jobId}`;
    const aliases = this.engine.getAliases?.(RESULTS_INDEX) ?? {};
    const existing = (aliases[RESULTS_INDEX] as { aliases: Record<string, unknown> } | undefined)?.aliases ?? {};
    const actions: Json[] = [];
    if (!(read in existing)) actions.push({ add: { index: RESULTS_INDEX, alias: read, filter: { term: { job_id: { value: jobId } } }, is_hidden: true } });
    if (!(write in existing)) actions.push({ add: { index: RESULTS_INDEX, alias: write, is_hidden: true } });
    if (actions.length > 0) {
      if (!this.engine.updateAliases) throw new Error('the practice engine must support aliases for ML results');
      this.engine.updateAliases(actions);
    }
  }

  private writeConfig(id: string, doc: Json): void {
    this.ensureIndex(CONFIG_INDEX, { dynamic: false, properties: { job_id: { type: 'keyword' }, datafeed_id: { type: 'keyword' }, job_type: { type: 'keyword' }, config_type: { type: 'keyword' }, groups: { type: 'keyword' } } });
    this.engine.index(CONFIG_INDEX, doc, { id, refresh: true });
  }

  private deleteConfig(id: string): void {
    if (this.engine.indexExists(CONFIG_INDEX)) this.engine.delete(CONFIG_INDEX, id);
  }

  private audit(jobId: string, message: string, level: 'info' | 'warning' | 'error' = 'info'): void {
    const index = this.dialect.notificationsIndex;
    this.ensureIndex(index, { dynamic: false, properties: { job_id: { type: 'keyword' }, level: { type: 'keyword' }, message: { type: 'text', fields: { raw: { type: 'keyword' } } }, timestamp: { type: 'date' }, node_name: { type: 'keyword' }, job_type: { type: 'keyword' } } });
    this.engine.index(index, { job_id: jobId, message, level, timestamp: this.now(), node_name: this.opts.node.name, job_type: 'anomaly_detector' });
  }

  // =========================================================================================
  // Info and validation

  /** `GET _ml/info` */
  info(): Json {
    const stopwords = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun', 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'GMT', 'UTC'];
    const hasNodes = this.opts.mlNodes?.() ?? true;
    return {
      defaults: {
        anomaly_detectors: {
          categorization_analyzer: { char_filter: ['first_line_with_letters'], tokenizer: this.dialect.categorizationTokenizer, filter: [{ type: 'stop', stopwords }] },
          categorization_examples_limit: 4,
          model_memory_limit: '1gb',
          model_snapshot_retention_days: 10,
          daily_model_snapshot_retention_after_days: 1,
        },
        datafeeds: { scroll_size: 1000 },
      },
      upgrade_mode: false,
      native_code: { version: this.dialect.version, build_hash: this.dialect.buildHash.slice(0, 12) },
      limits: hasNodes ? { max_model_memory_limit: '1gb', effective_max_model_memory_limit: '1gb', total_ml_memory: '2gb' } : { total_ml_memory: '0b' },
    };
  }

  /** `POST _ml/anomaly_detectors/_validate` */
  validateJob(_params: Params, body: unknown): Json {
    const id = isPlainObject(body) && typeof body.job_id === 'string' ? body.job_id : 'validate';
    normaliseJob(id, body, this.dialect, this.now());
    return { acknowledged: true };
  }

  /** `POST _ml/anomaly_detectors/_estimate_model_memory`: a single-series detector needs little. */
  estimateModelMemory(_params: Params, body: unknown): Json {
    const dets = isPlainObject(body) && isPlainObject(body.analysis_config) && Array.isArray(body.analysis_config.detectors) ? body.analysis_config.detectors.length : 1;
    return { model_memory_estimate: `${10 + dets}mb` };
  }

  // =========================================================================================
  // Jobs

  /** `PUT _ml/anomaly_detectors/{job_id}` */
  putJob(path: { job_id: string }, _params: Params, body: unknown): Json {
    this.requireLicence();
    if (this.jobs.has(path.job_id)) throw new EsError(400, 'resource_already_exists_exception', `The job cannot be created with the Id '${path.job_id}'. The Id is already used.`);
    const config = normaliseJob(path.job_id, body, this.dialect, this.now());
    const embedded = isPlainObject(body) ? body.datafeed_config : undefined;
    const spanMs = parseDuration((config.analysis_config as Json).bucket_span, 'bucket_span');
    const runtime: JobRuntime = { config, state: 'closed', spanMs, counts: emptyCounts(), timing: { bucketCount: 0, total: 0, min: 0, max: 0, expAvg: 0 }, scored: [], peakBytes: 0 };
    if (embedded !== undefined) {
      const dfId = isPlainObject(embedded) && typeof embedded.datafeed_id === 'string' ? embedded.datafeed_id : `datafeed-${path.job_id}`;
      normaliseDatafeed(dfId, { ...(embedded as Json), job_id: path.job_id }, config, this.dialect, ['superuser'], this.queryDelay());
    }
    this.jobs.set(path.job_id, runtime);
    this.writeConfig(`anomaly_detector-${path.job_id}`, config);
    this.ensureResultsIndex(path.job_id);
    this.audit(path.job_id, 'Job created');
    if (embedded !== undefined) {
      const dfId = isPlainObject(embedded) && typeof embedded.datafeed_id === 'string' ? embedded.datafeed_id : `datafeed-${path.job_id}`;
      this.putDatafeed({ datafeed_id: dfId }, {}, { ...(embedded as Json), job_id: path.job_id });
    }
    return this.jobBody(path.job_id, false);
  }

  private jobBody(id: string, withDatafeed: boolean): Json {
    const j = this.job(id);
    const out = clone(j.config);
    if (j.finishedTime !== undefined) {
      const { job_id, job_type, job_version, create_time, ...rest } = out;
      Object.keys(out).forEach((k) => delete out[k]);
      Object.assign(out, { job_id, job_type, job_version, create_time, finished_time: j.finishedTime }, rest);
    }
    if (withDatafeed && this.dialect.datafeedInJob) {
      const df = this.datafeedOfJob(id);
      if (df) out.datafeed_config = clone(df[1].config);
    }
    return out;
  }

  /** `GET _ml/anomaly_detectors[/{job_id}]` */
  getJobs(path: { job_id?: string }, params: Params): Json {
    const ids = this.matchIds(path.job_id, [...this.jobs.keys()], bool(params.allow_no_match ?? params.allow_no_jobs, true), jobNotFound);
    return { count: ids.length, jobs: ids.map((id) => this.jobBody(id, true)) };
  }

  /** `POST _ml/anomaly_detectors/{job_id}/_update` */
  updateJob(path: { job_id: string }, _params: Params, body: unknown): Json {
    const j = this.job(path.job_id);
    j.config = applyJobUpdate(j.config, body, j.state === 'opened');
    this.writeConfig(`anomaly_detector-${path.job_id}`, j.config);
    this.audit(path.job_id, `Job updated: [${isPlainObject(body) ? Object.keys(body).join(', ') : ''}]`);
    return this.jobBody(path.job_id, false);
  }

  /** `DELETE _ml/anomaly_detectors/{job_id}` */
  deleteJob(path: { job_id: string }, params: Params): Json {
    const j = this.job(path.job_id);
    const force = bool(params.force);
    const df = this.datafeedOfJob(path.job_id);
    if (df && !force) throw conflict(`Cannot delete job [${path.job_id}] because datafeed [${df[0]}] refers to it`);
    if (j.state === 'opened' && !force) throw conflict(`Cannot delete job [${path.job_id}] because the job is opened`);
    if (df) {
      this.datafeeds.delete(df[0]);
      this.deleteConfig(`datafeed-${df[0]}`);
    }
    this.jobs.delete(path.job_id);
    this.deleteConfig(`anomaly_detector-${path.job_id}`);
    this.deleteResults(path.job_id);
    this.audit(path.job_id, 'Job deleted');
    return { acknowledged: true };
  }

  private deleteResults(jobId: string): void {
    if (!this.engine.indexExists(RESULTS_INDEX)) return;
    for (;;) {
      const res = this.engine.search(RESULTS_INDEX, { size: 1000, _source: false, query: { term: { job_id: jobId } } }, { expandWildcards: 'all' }) as { hits: { hits: { _id: string }[] } };
      const hits = res.hits.hits;
      if (hits.length === 0) break;
      this.engine.bulk(hits.map((h) => ({ op: 'delete', index: RESULTS_INDEX, id: h._id })));
      this.engine.refresh(RESULTS_INDEX);
    }
    this.engine.updateAliases?.([{ remove: { index: RESULTS_INDEX, aliases: [`.ml-anomalies-${jobId}`, `.ml-anomalies-.write-${jobId}`], must_exist: false } }]);
  }

  /** `POST _ml/anomaly_detectors/{job_id}/_open` */
  openJob(path: { job_id: string }, _params: Params, _body?: unknown): Json {
    this.requireLicence();
    const j = this.job(path.job_id);
    if (j.state === 'opened' || j.state === 'opening') throw conflict(`Cannot open job [${path.job_id}] because it has already been opened`);
    if (!(this.opts.mlNodes?.() ?? true)) {
      if (j.config.allow_lazy_open === true) {
        j.state = 'opening';
        return { opened: true, node: '' };
      }
      throw new EsError(429, 'status_exception', 'Could not open job because no ML nodes with sufficient capacity were found', {}, {
        type: 'illegal_state_exception',
        reason: `Could not open job because no suitable nodes were found, allocation explanation [Not opening job [${path.job_id}] on node [${this.opts.node.name}]. Reason: This node isn't a machine learning node.]`,
      });
    }
    j.state = 'opened';
    j.openedAt = this.now();
    if (!j.detector) {
      const d = detectorOf(j.config);
      j.detector = new BucketDetector({ fn: d.function, bucketSpanMs: j.spanMs });
    }
    this.ensureResultsIndex(path.job_id);
    this.audit(path.job_id, `Opening job on node [${this.opts.node.name}]`);
    return { opened: true, node: this.opts.node.id };
  }

  /** `POST _ml/anomaly_detectors/{job_id}/_close` */
  closeJob(path: { job_id: string }, params: Params): Json {
    const ids = this.matchIds(path.job_id, [...this.jobs.keys()], bool(params.allow_no_match ?? params.allow_no_jobs, true), jobNotFound);
    for (const id of ids) {
      const j = this.job(id);
      if (j.state === 'closed') continue;
      const df = this.datafeedOfJob(id);
      if (df && df[1].state === 'started') this.stopDatafeedRuntime(df[0], df[1]);
      this.finishJob(id, j, bool(params.force));
    }
    return { closed: true };
  }

  private finishJob(id: string, j: JobRuntime, force: boolean): void {
    this.audit(id, force ? 'Job is closing (forced)' : 'Job is closing');
    this.renormalise(id, j);
    this.persistStats(id, j);
    j.state = 'closed';
    delete j.openedAt;
    j.finishedTime = this.now();
    this.engine.refresh(RESULTS_INDEX);
  }

  /** `POST _ml/anomaly_detectors/{job_id}/_flush` */
  flushJob(path: { job_id: string }, params: Params, body?: unknown): Json {
    const j = this.job(path.job_id);
    if (j.state !== 'opened') throw conflict(`Cannot perform requested action because job [${path.job_id}] is not open`);
    const b = isPlainObject(body) ? body : {};
    const advance = params.advance_time ?? b.advance_time;
    if (advance !== undefined) this.finaliseUpTo(path.job_id, j, parseTime('advance_time', advance, this.now()));
    this.renormalise(path.job_id, j);
    this.engine.refresh(RESULTS_INDEX);
    const out: Json = { flushed: true };
    if (j.nextBucket !== undefined) out.last_finalized_bucket_end = j.nextBucket;
    return out;
  }

  /** `GET _ml/anomaly_detectors[/{job_id}]/_stats` */
  getJobStats(path: { job_id?: string }, params: Params): Json {
    const ids = this.matchIds(path.job_id, [...this.jobs.keys()], bool(params.allow_no_match ?? params.allow_no_jobs, true), jobNotFound);
    return { count: ids.length, jobs: ids.map((id) => this.jobStats(id)) };
  }

  private jobStats(id: string): Json {
    const j = this.job(id);
    const out: Json = { job_id: id, data_counts: { job_id: id, ...j.counts }, model_size_stats: this.modelSizeStats(id, j), forecasts_stats: { total: 0, forecasted_jobs: 0 }, state: j.state };
    if (j.state === 'opened') {
      out.node = { id: this.opts.node.id, name: this.opts.node.name, ephemeral_id: this.opts.node.id.slice(0, 22), transport_address: '127.0.0.1:9300', attributes: { 'ml.machine_memory': '4294967296', 'ml.max_open_jobs': '512' } };
      out.assignment_explanation = '';
      out.open_time = `${Math.max(0, Math.round((this.now() - (j.openedAt ?? this.now())) / 1000))}s`;
    } else if (j.state === 'opening') {
      out.assignment_explanation = `Not opening job [${id}] on node [${this.opts.node.name}]. Reason: This node isn't a machine learning node.`;
    }
    const t = j.timing;
    out.timing_stats = {
      job_id: id,
      bucket_count: t.bucketCount,
      total_bucket_processing_time_ms: t.total,
      minimum_bucket_processing_time_ms: t.min,
      maximum_bucket_processing_time_ms: t.max,
      average_bucket_processing_time_ms: t.bucketCount > 0 ? t.total / t.bucketCount : 0,
      exponential_average_bucket_processing_time_ms: t.expAvg,
      exponential_average_bucket_processing_time_per_hour_ms: t.expAvg * Math.max(1, 3_600_000 / j.spanMs),
    };
    return out;
  }

  private modelBytes(j: JobRuntime): number {
    return j.detector ? j.detector.bytes() + j.scored.length * 160 : 0;
  }

  private modelSizeStats(id: string, j: JobRuntime): Json {
    const bytes = this.modelBytes(j);
    j.peakBytes = Math.max(j.peakBytes, bytes);
    const out: Json = {
      job_id: id,
      result_type: 'model_size_stats',
      model_bytes: bytes,
    };
    if (this.dialect.peakModelBytes) out.peak_model_bytes = j.peakBytes;
    Object.assign(out, {
      model_bytes_exceeded: 0,
      model_bytes_memory_limit: parseMemoryLimit((j.config.analysis_limits as Json).model_memory_limit).bytes,
      total_by_field_count: j.detector ? 3 : 0,
      total_over_field_count: 0,
      total_partition_field_count: j.detector ? 2 : 0,
      bucket_allocation_failures_count: 0,
      memory_status: 'ok',
    });
    if (this.dialect.peakModelBytes) out.assignment_memory_basis = 'model_memory_limit';
    Object.assign(out, {
      categorized_doc_count: 0,
      total_category_count: 0,
      frequent_category_count: 0,
      rare_category_count: 0,
      dead_category_count: 0,
      failed_category_count: 0,
      categorization_status: 'ok',
      log_time: this.now(),
      timestamp: j.modelSizeTimestamp ?? j.counts.latest_bucket_timestamp ?? 0,
    });
    return out;
  }

  private persistStats(id: string, j: JobRuntime): void {
    const actions: BulkAction[] = [
      { op: 'index', index: RESULTS_INDEX, id: `${id}_model_size_stats_${j.counts.latest_bucket_timestamp ?? 0}`, source: this.modelSizeStats(id, j) },
      { op: 'index', index: RESULTS_INDEX, id: `${id}_data_counts`, source: { job_id: id, ...j.counts } },
    ];
    this.engine.bulk(actions);
  }

  // =========================================================================================
  // Datafeeds

  private queryDelay(): number {
    return 60_000 + Math.floor(Math.random() * 60_000);
  }

  /** `PUT _ml/datafeeds/{datafeed_id}` */
  putDatafeed(path: { datafeed_id: string }, _params: Params, body: unknown, caller: { roles?: string[] } = {}): Json {
    this.requireLicence();
    if (this.datafeeds.has(path.datafeed_id)) throw new EsError(400, 'resource_already_exists_exception', `A datafeed with id [${path.datafeed_id}] already exists`);
    const jobId = isPlainObject(body) && typeof body.job_id === 'string' ? body.job_id : undefined;
    const job = jobId !== undefined ? this.jobs.get(jobId)?.config : undefined;
    const config = normaliseDatafeed(path.datafeed_id, body, job, this.dialect, caller.roles ?? ['superuser'], this.queryDelay());
    const existing = this.datafeedOfJob(String(config.job_id));
    if (existing) throw conflict(`A datafeed [${existing[0]}] already exists for job [${String(config.job_id)}]`);
    this.datafeeds.set(path.datafeed_id, { config, state: 'stopped', cursor: 0, realTime: false, searchCount: 0, searchTimeMs: 0, bucketCount: 0, sawData: false });
    this.writeConfig(`datafeed-${path.datafeed_id}`, { ...config, config_type: 'datafeed' });
    return clone(config);
  }

  /** `GET _ml/datafeeds[/{datafeed_id}]` */
  getDatafeeds(path: { datafeed_id?: string }, params: Params): Json {
    const ids = this.matchIds(path.datafeed_id, [...this.datafeeds.keys()], bool(params.allow_no_match ?? params.allow_no_datafeeds, true), datafeedNotFound);
    return { count: ids.length, datafeeds: ids.map((id) => clone(this.datafeed(id).config)) };
  }

  /** `POST _ml/datafeeds/{datafeed_id}/_update` */
  updateDatafeed(path: { datafeed_id: string }, _params: Params, body: unknown): Json {
    const d = this.datafeed(path.datafeed_id);
    if (d.state !== 'stopped') throw conflict(`Cannot update datafeed [${path.datafeed_id}] while its status is ${d.state}`);
    if (!isPlainObject(body)) throw new EsError(400, 'parse_exception', 'request body is required');
    const merged = { ...d.config, ...body };
    delete merged.authorization;
    const job = this.jobs.get(String(merged.job_id))?.config;
    const config = normaliseDatafeed(path.datafeed_id, merged, job, this.dialect, ((d.config.authorization as Json | undefined)?.roles as string[]) ?? ['superuser'], this.queryDelay());
    d.config = config;
    this.writeConfig(`datafeed-${path.datafeed_id}`, { ...config, config_type: 'datafeed' });
    return clone(config);
  }

  /** `DELETE _ml/datafeeds/{datafeed_id}` */
  deleteDatafeed(path: { datafeed_id: string }, params: Params): Json {
    const d = this.datafeed(path.datafeed_id);
    if (d.state !== 'stopped' && !bool(params.force)) throw conflict(`Cannot delete datafeed [${path.datafeed_id}] while its status is ${d.state}`);
    this.datafeeds.delete(path.datafeed_id);
    this.deleteConfig(`datafeed-${path.datafeed_id}`);
    return { acknowledged: true };
  }

  /** `POST _ml/datafeeds/{datafeed_id}/_start` (`start`, `end` in the query or the body). */
  startDatafeed(path: { datafeed_id: string }, params: Params, body?: unknown): Json {
    this.requireLicence();
    const d = this.datafeed(path.datafeed_id);
    const b = isPlainObject(body) ? body : {};
    const jobId = String(d.config.job_id);
    const j = this.job(jobId);
    if (d.state === 'started') throw conflict(`cannot start datafeed [${path.datafeed_id}] because it has already been started`);
    if (j.state !== 'opened' && j.state !== 'opening') throw conflict(`cannot start datafeed [${path.datafeed_id}] because job [${jobId}] is ${j.state}`);
    const now = this.now();
    const startRaw = params.start ?? b.start;
    const endRaw = params.end ?? b.end;
    const start = startRaw === undefined ? undefined : parseTime('start', startRaw, now);
    const end = endRaw === undefined ? undefined : parseTime('end', endRaw, now);
    if (start !== undefined && end !== undefined && end < start) throw illegalArgument(`Invalid time range: end time '${String(endRaw)}' is earlier than start time '${String(startRaw)}'.`);
    for (const index of d.config.indices as string[]) {
      if (!index.includes('*') && !this.engine.indexExists(index)) {
        throw new EsError(400, 'status_exception', `cannot start datafeed [${path.datafeed_id}] because index [${index}] does not exist, is closed, or is still initializing.`);
      }
    }
    // Continue after what the job has already seen, as ES does when no start is given.
    const resumeFrom = j.counts.latest_record_timestamp !== undefined ? j.counts.latest_record_timestamp + 1 : undefined;
    d.cursor = start ?? resumeFrom ?? this.earliestData(d) ?? now;
    if (j.nextBucket !== undefined) d.cursor = Math.max(d.cursor, j.nextBucket);
    if (end !== undefined) d.end = end;
    else delete d.end;
    d.realTime = end === undefined;
    d.state = 'started';
    d.startedAt = now;
    d.sawData = false;
    const freq = d.config.frequency ?? `${Math.min(j.spanMs, 600_000)}ms`;
    this.audit(jobId, `Datafeed started (from: ${new Date(d.cursor).toISOString()} to: ${end === undefined ? 'real-time' : new Date(end).toISOString()}) with frequency [${String(freq)}]`);
    const out: Json = { started: true };
    if (this.dialect.startReturnsNode) out.node = this.opts.node.id;
    return out;
  }

  private earliestData(d: DatafeedRuntime): number | undefined {
    const timeField = this.timeFieldOf(d);
    try {
      const res = this.engine.search((d.config.indices as string[]).join(','), { size: 0, query: d.config.query, aggs: { earliest: { min: { field: timeField } } } }, { ignoreUnavailable: true, allowNoIndices: true }) as { aggregations?: { earliest?: { value: number | null } } };
      const v = res.aggregations?.earliest?.value;
      return typeof v === 'number' ? v : undefined;
    } catch (e) {
      if (e instanceof EsError) return undefined;
      throw e;
    }
  }

  private timeFieldOf(d: DatafeedRuntime): string {
    return String((this.job(String(d.config.job_id)).config.data_description as Json).time_field);
  }

  /** `POST _ml/datafeeds/{datafeed_id}/_stop` */
  stopDatafeed(path: { datafeed_id: string }, params: Params): Json {
    const ids = this.matchIds(path.datafeed_id, [...this.datafeeds.keys()], bool(params.allow_no_match ?? params.allow_no_datafeeds, true), datafeedNotFound);
    for (const id of ids) {
      const d = this.datafeed(id);
      if (d.state === 'started') this.stopDatafeedRuntime(id, d);
    }
    return { stopped: true };
  }

  private stopDatafeedRuntime(_id: string, d: DatafeedRuntime): void {
    d.state = 'stopped';
    const jobId = String(d.config.job_id);
    const j = this.jobs.get(jobId);
    if (j) this.renormalise(jobId, j);
    this.audit(jobId, 'Datafeed stopped');
  }

  /** `GET _ml/datafeeds[/{datafeed_id}]/_stats` */
  getDatafeedStats(path: { datafeed_id?: string }, params: Params): Json {
    const ids = this.matchIds(path.datafeed_id, [...this.datafeeds.keys()], bool(params.allow_no_match ?? params.allow_no_datafeeds, true), datafeedNotFound);
    return {
      count: ids.length,
      datafeeds: ids.map((id) => {
        const d = this.datafeed(id);
        const out: Json = { datafeed_id: id, state: d.state };
        if (d.state === 'started') {
          out.node = { id: this.opts.node.id, name: this.opts.node.name, ephemeral_id: this.opts.node.id.slice(0, 22), transport_address: '127.0.0.1:9300', attributes: { 'ml.machine_memory': '4294967296', 'ml.max_open_jobs': '512' } };
          out.assignment_explanation = '';
        }
        out.timing_stats = {
          job_id: d.config.job_id,
          search_count: d.searchCount,
          bucket_count: d.bucketCount,
          total_search_time_ms: d.searchTimeMs,
          average_search_time_per_bucket_ms: d.bucketCount > 0 ? d.searchTimeMs / d.bucketCount : 0,
          exponential_average_search_time_per_hour_ms: d.searchTimeMs,
        };
        if (d.state === 'started') {
          const rs: Json = { real_time_configured: d.realTime, real_time_running: d.realTime && d.end === undefined && d.cursor >= this.now() - this.queryDelayOf(d) - this.job(String(d.config.job_id)).spanMs };
          rs.search_interval = { start_ms: d.cursor, end_ms: d.end ?? this.now() };
          out.running_state = rs;
        }
        return out;
      }),
    };
  }

  private queryDelayOf(d: DatafeedRuntime): number {
    return parseDuration(d.config.query_delay, 'query_delay');
  }

  /** `GET|POST _ml/datafeeds/{datafeed_id}/_preview` (or a body with `datafeed_config` and `job_config`). */
  previewDatafeed(path: { datafeed_id?: string }, params: Params, body?: unknown): unknown[] {
    this.requireLicence();
    let d: DatafeedRuntime;
    if (path.datafeed_id !== undefined) d = this.datafeed(path.datafeed_id);
    else {
      const b = isPlainObject(body) ? body : {};
      const jobConfig = isPlainObject(b.job_config) ? normaliseJob('preview', b.job_config, this.dialect, this.now()) : this.jobs.get(String((b.datafeed_config as Json | undefined)?.job_id))?.config;
      const config = normaliseDatafeed('preview', { ...(b.datafeed_config as Json), job_id: jobConfig?.job_id ?? 'preview' }, jobConfig, this.dialect, ['superuser'], 60_000);
      if (jobConfig && !this.jobs.has(String(jobConfig.job_id))) {
        this.jobs.set('preview', { config: jobConfig, state: 'closed', spanMs: parseDuration((jobConfig.analysis_config as Json).bucket_span, 'bucket_span'), counts: emptyCounts(), timing: { bucketCount: 0, total: 0, min: 0, max: 0, expAvg: 0 }, scored: [], peakBytes: 0 });
      }
      d = { config, state: 'stopped', cursor: 0, realTime: false, searchCount: 0, searchTimeMs: 0, bucketCount: 0, sawData: false };
    }
    try {
      const j = this.job(String(d.config.job_id));
      const now = this.now();
      const from = params.start !== undefined ? parseTime('start', params.start, now) : this.earliestData(d) ?? now;
      const to = params.end !== undefined ? parseTime('end', params.end, now) : from + Math.max(j.spanMs * 1000, DAY_MS);
      const { records } = this.searchRecords(d, j, from, to);
      return records.slice(0, 1000).map((r) => r.preview);
    } finally {
      if (path.datafeed_id === undefined) this.jobs.delete('preview');
    }
  }

  // =========================================================================================
  // Running datafeeds

  /** True while a datafeed still has look-back work to do. */
  busy(): boolean {
    for (const d of this.datafeeds.values()) if (d.state === 'started' && (d.end !== undefined ? d.cursor < d.end : d.cursor < this.now() - this.queryDelayOf(d))) return true;
    return false;
  }

  /**
   * Advances every started datafeed by bounded slices of searching and modelling (about
   * `tickBudgetMs` of work in all), then renormalises and refreshes the results. Call it from the
   * deployment's scheduler; a two-month look-back takes a few seconds of ticks.
   */
  tick(now: number = this.now()): void {
    if (this.disposed) return;
    const budget = this.opts.tickBudgetMs ?? 25;
    const started = Date.now();
    const touched = new Set<string>();
    for (const [id, d] of this.datafeeds) {
      if (d.state !== 'started') continue;
      const jobId = String(d.config.job_id);
      const j = this.jobs.get(jobId);
      if (!j || j.state !== 'opened') continue;
      touched.add(jobId);
      let slices = 0;
      while (slices === 0 || Date.now() - started < budget) {
        slices += 1;
        const limit = d.end ?? now - this.queryDelayOf(d);
        if (d.cursor >= limit) break;
        // Slices end on histogram boundaries, so no histogram bucket is split over two searches.
        const { interval, max } = this.sliceBounds(d, j);
        const step = d.sliceMs ?? 16 * interval;
        const sliceEnd = Math.min(limit, Math.floor((d.cursor + step) / interval) * interval || d.cursor + interval);
        const t0 = Date.now();
        this.runSlice(d, j, d.cursor, sliceEnd);
        const took = Date.now() - t0;
        if (took * 4 < budget) d.sliceMs = Math.min(max, step * 2);
        else if (took > budget) d.sliceMs = Math.max(interval, Math.floor(step / 2 / interval) * interval);
        d.cursor = sliceEnd;
        this.finaliseUpTo(jobId, j, d.end !== undefined && sliceEnd >= d.end ? d.end : Math.floor(sliceEnd / j.spanMs) * j.spanMs);
      }
      const limit = d.end ?? now - this.queryDelayOf(d);
      if (d.end !== undefined && d.cursor >= limit) this.lookbackDone(id, d, jobId, j);
    }
    for (const jobId of touched) {
      const j = this.jobs.get(jobId);
      if (j && j.state === 'opened') this.renormalise(jobId, j);
    }
    if (touched.size > 0 && this.engine.indexExists(RESULTS_INDEX)) this.engine.refresh(RESULTS_INDEX);
  }

  private sliceBounds(d: DatafeedRuntime, j: JobRuntime): { interval: number; max: number } {
    // ES chunks aggregated look-backs by about 1 000 histogram buckets; here the window grows and
    // shrinks with the measured cost so that one tick stays within its budget.
    const interval = d.config.aggregations ? inspectAggregations(d.config.aggregations as Json, this.timeFieldOf(d)).intervalMs : j.spanMs;
    return { interval, max: Math.max(interval, Math.min(interval * 1000, 7 * DAY_MS)) };
  }

  private lookbackDone(id: string, d: DatafeedRuntime, jobId: string, j: JobRuntime): void {
    this.audit(jobId, d.sawData ? 'Datafeed lookback completed' : 'Datafeed lookback retrieved no data', d.sawData ? 'info' : 'warning');
    this.stopDatafeedRuntime(id, d);
    // A look-back with an end closes its job (DatafeedRunner: autoCloseJob = isLookbackOnly).
    if (j.state === 'opened') this.finishJob(jobId, j, false);
  }

  private searchRecords(d: DatafeedRuntime, j: JobRuntime, from: number, to: number): { records: { time: number; input: BucketInput; preview: Json }[] } {
    const timeField = String((j.config.data_description as Json).time_field);
    const det = detectorOf(j.config);
    const field = det.field_name;
    const summaryField = (j.config.analysis_config as Json).summary_count_field_name as string | undefined;
    const userAggs = d.config.aggregations as Json | undefined;
    const query = { bool: { filter: [d.config.query, { range: { [timeField]: { gte: from, lt: to, format: 'epoch_millis' } } }] } };
    let aggs: Json;
    let histogramName: string;
    let timeAggName: string;
    if (userAggs) {
      const feed = inspectAggregations(userAggs, timeField);
      aggs = userAggs;
      histogramName = feed.histogramName;
      timeAggName = feed.timeAggName;
    } else {
      // A datafeed without aggregations reads every document; summing them per bucket through a
      // histogram gives the job the same features with far less work (input counts stay per document).
      histogramName = 'ml_practice_buckets';
      timeAggName = 'ml_practice_time';
      const sub: Json = { [timeAggName]: { max: { field: timeField } } };
      if (field) {
        sub.ml_practice_count = { value_count: { field } };
        sub.ml_practice_avg = { avg: { field } };
        sub.ml_practice_min = { min: { field } };
        sub.ml_practice_max = { max: { field } };
        sub.ml_practice_sum = { sum: { field } };
      }
      aggs = { [histogramName]: { date_histogram: { field: timeField, fixed_interval: `${j.spanMs}ms`, min_doc_count: 1 }, aggs: sub } };
    }
    const t0 = Date.now();
    const res = this.engine.search((d.config.indices as string[]).join(','), { size: 0, query, aggs }, { ignoreUnavailable: true, allowNoIndices: true }) as { aggregations?: Record<string, { buckets?: Json[] }> };
    d.searchCount += 1;
    d.searchTimeMs += Date.now() - t0;
    const buckets = res.aggregations?.[histogramName]?.buckets ?? [];
    const records: { time: number; input: BucketInput; preview: Json }[] = [];
    for (const b of buckets) {
      const docCount = Number(b.doc_count ?? 0);
      if (docCount === 0) continue;
      const time = Number((b[timeAggName] as Json | undefined)?.value ?? b.key);
      if (userAggs) {
        const count = summaryField && summaryField !== 'doc_count' ? Number((b[summaryField] as Json | undefined)?.value ?? docCount) : docCount;
        const value = field ? (b[field] as Json | undefined)?.value : undefined;
        const input: BucketInput = { count };
        const preview: Json = { [timeField]: time };
        if (field && typeof value === 'number') {
          Object.assign(input, { weightedSum: value * count, valueCount: count, min: value, max: value, sum: value });
          preview[field] = value;
        }
        preview[summaryField ?? 'doc_count'] = count;
        records.push({ time, input, preview });
      } else {
        const input: BucketInput = { count: docCount };
        const preview: Json = { [timeField]: time };
        if (field) {
          const n = Number((b.ml_practice_count as Json).value ?? 0);
          if (n > 0) {
            Object.assign(input, { weightedSum: Number((b.ml_practice_avg as Json).value) * n, valueCount: n, min: Number((b.ml_practice_min as Json).value), max: Number((b.ml_practice_max as Json).value), sum: Number((b.ml_practice_sum as Json).value) });
            preview[field] = (b.ml_practice_avg as Json).value;
          }
        }
        preview.doc_count = docCount;
        records.push({ time, input, preview });
      }
    }
    return { records };
  }

  private runSlice(d: DatafeedRuntime, j: JobRuntime, from: number, to: number): void {
    const { records } = this.searchRecords(d, j, from, to);
    const det = detectorOf(j.config);
    const hasField = det.field_name !== undefined;
    const perDoc = d.config.aggregations === undefined;
    for (const r of records) {
      d.sawData = true;
      const bucket = Math.floor(r.time / j.spanMs) * j.spanMs;
      if (j.nextBucket === undefined) j.nextBucket = bucket;
      if (bucket < j.nextBucket) {
        j.counts.out_of_order_timestamp_count += perDoc ? r.input.count : 1;
        continue;
      }
      this.finaliseUpTo(String(j.config.job_id), j, bucket);
      if (!j.current) j.current = { start: bucket, input: { count: 0 } };
      mergeInput(j.current.input, r.input);
      const c = j.counts;
      const n = perDoc ? r.input.count : 1;
      c.input_record_count += n;
      c.processed_record_count += n;
      const present = hasField ? (perDoc ? r.input.valueCount ?? 0 : r.input.valueCount !== undefined ? 1 : 0) : 0;
      c.missing_field_count += hasField ? n - present : 0;
      c.processed_field_count += perDoc ? present : 1 + present;
      c.input_field_count += perDoc ? n * (1 + (hasField ? 1 : 0)) : 2 + (hasField ? 1 : 0);
      c.input_bytes += JSON.stringify(r.preview).length * (perDoc ? n : 1);
      c.earliest_record_timestamp = Math.min(c.earliest_record_timestamp ?? r.time, r.time);
      c.latest_record_timestamp = Math.max(c.latest_record_timestamp ?? r.time, r.time);
      c.last_data_time = this.now();
    }
    d.bucketCount = j.counts.bucket_count;
  }

  /** Finalises (models and writes) every bucket that ends at or before `upTo`. */
  private finaliseUpTo(jobId: string, j: JobRuntime, upTo: number): void {
    if (j.nextBucket === undefined || !j.detector) return;
    const actions: BulkAction[] = [];
    for (let start: number = j.nextBucket; start + j.spanMs <= upTo; start = j.nextBucket) {
      const input = j.current && j.current.start === start ? j.current.input : { count: 0 };
      if (j.current && j.current.start === start) delete j.current;
      const t0 = performance.now();
      const result = j.detector.process(start, input);
      const took = performance.now() - t0;
      const t = j.timing;
      t.min = t.bucketCount === 0 ? took : Math.min(t.min, took);
      t.max = Math.max(t.max, took);
      t.total += took;
      t.expAvg = t.bucketCount === 0 ? took : 0.9 * t.expAvg + 0.1 * took;
      t.bucketCount += 1;
      const c = j.counts;
      c.bucket_count += 1;
      c.latest_bucket_timestamp = start;
      if (input.count === 0) {
        c.empty_bucket_count += 1;
        c.latest_empty_bucket_timestamp = start;
      }
      actions.push(...this.resultDocs(jobId, j, result, Math.round(took)));
      if (result.rawScore > 0) j.scored.push(result);
      j.nextBucket = start + j.spanMs;
      j.modelSizeTimestamp = start;
    }
    if (actions.length > 0) this.engine.bulk(actions);
  }

  private resultDocs(jobId: string, j: JobRuntime, r: BucketResult, processingMs: number): BulkAction[] {
    const spanS = j.spanMs / 1000;
    const det = detectorOf(j.config);
    const detectorDoc = ((j.config.analysis_config as Json).detectors as Json[])[0] as Json;
    const out: BulkAction[] = [{ op: 'index', index: `.ml-anomalies-.write-${jobId}`, id: `${jobId}_bucket_${r.timestamp}_${spanS}`, source: this.bucketDoc(jobId, spanS, r, processingMs) }];
    if (r.anomalous && r.actual !== null) out.push({ op: 'index', index: `.ml-anomalies-.write-${jobId}`, id: `${jobId}_record_${r.timestamp}_${spanS}_0_${RECORD_HASH}_0`, source: this.recordDoc(jobId, spanS, r, det.function, String(detectorDoc.field_name ?? '')) });
    const plot = j.config.model_plot_config as Json | undefined;
    if (plot?.enabled === true && r.actual !== null) {
      out.push({
        op: 'index',
        index: `.ml-anomalies-.write-${jobId}`,
        id: `${jobId}_model_plot_${r.timestamp}_${spanS}_0_${RECORD_HASH}_0`,
        source: { job_id: jobId, result_type: 'model_plot', bucket_span: spanS, detector_index: 0, timestamp: r.timestamp, model_feature: MODEL_FEATURE[j.detector?.base ?? 'count'], model_lower: r.lower, model_upper: r.upper, model_median: r.typical, actual: r.actual },
      });
    }
    return out;
  }

  private bucketDoc(jobId: string, spanS: number, r: BucketResult, processingMs: number): Json {
    const influencers =
      r.rawScore > 0
        ? [{ job_id: jobId, result_type: 'bucket_influencer', influencer_field_name: 'bucket_time', initial_anomaly_score: r.initialScore, anomaly_score: r.score, raw_anomaly_score: r.rawScore, probability: r.probability, timestamp: r.timestamp, bucket_span: spanS, is_interim: false }]
        : [];
    return { job_id: jobId, timestamp: r.timestamp, anomaly_score: r.score, bucket_span: spanS, initial_anomaly_score: r.initialScore, event_count: r.eventCount, is_interim: false, bucket_influencers: influencers, processing_time_ms: processingMs, result_type: 'bucket' };
  }

  private recordDoc(jobId: string, spanS: number, r: BucketResult, fn: string, fieldName: string): Json {
    const doc: Json = {
      job_id: jobId,
      result_type: 'record',
      probability: r.probability,
      multi_bucket_impact: Math.round(r.multiBucketImpact * 1000) / 1000,
      record_score: r.score,
      initial_record_score: r.initialScore,
      bucket_span: spanS,
      detector_index: 0,
      is_interim: false,
      timestamp: r.timestamp,
      function: fn,
      function_description: fn.replace(/^(high_|low_)/, '').replace(/^avg$/, 'mean'),
      typical: [r.typical],
      actual: [r.actual],
    };
    if (fieldName) doc.field_name = fieldName;
    return doc;
  }

  /** Re-scores the job's results in its renormalisation window against everything seen so far. */
  private renormalise(jobId: string, j: JobRuntime): void {
    if (!j.detector || j.scored.length === 0 || j.nextBucket === undefined) return;
    const days = typeof j.config.renormalization_window_days === 'number' ? j.config.renormalization_window_days : undefined;
    const windowMs = days !== undefined ? days * DAY_MS : Math.max(30 * DAY_MS, 100 * j.spanMs);
    const from = j.nextBucket - windowMs;
    const spanS = j.spanMs / 1000;
    const det = detectorOf(j.config);
    const detectorDoc = ((j.config.analysis_config as Json).detectors as Json[])[0] as Json;
    const actions: BulkAction[] = [];
    j.scored = j.scored.filter((r) => r.timestamp >= from);
    for (const r of j.scored) {
      const score = j.detector.renormalize(r);
      if (Math.abs(score - r.score) < 1e-6) continue;
      r.score = score;
      actions.push({ op: 'index', index: `.ml-anomalies-.write-${jobId}`, id: `${jobId}_bucket_${r.timestamp}_${spanS}`, source: this.bucketDoc(jobId, spanS, r, 0) });
      if (r.anomalous && r.actual !== null) actions.push({ op: 'index', index: `.ml-anomalies-.write-${jobId}`, id: `${jobId}_record_${r.timestamp}_${spanS}_0_${RECORD_HASH}_0`, source: this.recordDoc(jobId, spanS, r, det.function, String(detectorDoc.field_name ?? '')) });
    }
    if (actions.length > 0) this.engine.bulk(actions);
  }

  // =========================================================================================
  // Results APIs (read back from the results index, as ES does)

  private resultsSearch(jobIds: string[], resultType: string, filters: Json[], sort: Json[], from: number, size: number): { total: number; hits: Json[] } {
    if (!this.engine.indexExists(RESULTS_INDEX)) return { total: 0, hits: [] };
    const res = this.engine.search(RESULTS_INDEX, { from, size, track_total_hits: true, sort, query: { bool: { filter: [{ terms: { job_id: jobIds } }, { term: { result_type: resultType } }, ...filters] } } }, { expandWildcards: 'all' }) as { hits: { total: { value: number } | number; hits: { _source: Json }[] } };
    const total = typeof res.hits.total === 'number' ? res.hits.total : res.hits.total.value;
    return { total, hits: res.hits.hits.map((h) => h._source) };
  }

  private timeFilters(params: Params, b: Json): Json[] {
    const now = this.now();
    const start = params.start ?? b.start;
    const end = params.end ?? b.end;
    const range: Json = {};
    if (start !== undefined) range.gte = parseTime('start', start, now);
    if (end !== undefined) range.lt = parseTime('end', end, now);
    return Object.keys(range).length > 0 ? [{ range: { timestamp: range } }] : [];
  }

  private page(params: Params, b: Json): { from: number; size: number } {
    const p = isPlainObject(b.page) ? b.page : {};
    return { from: num(params.from ?? p.from, 0), size: num(params.size ?? p.size, 100) };
  }

  /** `GET|POST _ml/anomaly_detectors/{job_id}/results/buckets[/{timestamp}]` */
  getBuckets(path: { job_id: string; timestamp?: string }, params: Params, body?: unknown): Json {
    this.job(path.job_id);
    const b = isPlainObject(body) ? body : {};
    const filters = this.timeFilters(params, b);
    if (path.timestamp !== undefined) filters.push({ term: { timestamp: parseTime('timestamp', path.timestamp, this.now()) } });
    const minScore = params.anomaly_score ?? b.anomaly_score;
    if (minScore !== undefined) filters.push({ range: { anomaly_score: { gte: Number(minScore) } } });
    if (bool(params.exclude_interim ?? b.exclude_interim)) filters.push({ term: { is_interim: false } });
    const sortField = String(params.sort ?? b.sort ?? 'timestamp');
    const desc = bool(params.desc ?? b.desc);
    const { from, size } = this.page(params, b);
    const { total, hits } = this.resultsSearch([path.job_id], 'bucket', filters, [{ [sortField]: desc ? 'desc' : 'asc' }, { timestamp: 'asc' }], from, size);
    if (bool(params.expand ?? b.expand)) {
      for (const bucket of hits) {
        bucket.records = this.resultsSearch([path.job_id], 'record', [{ term: { timestamp: bucket.timestamp } }], [{ record_score: 'desc' }], 0, 500).hits;
      }
    }
    return { count: total, buckets: hits };
  }

  /** `GET|POST _ml/anomaly_detectors/{job_id}/results/records` */
  getRecords(path: { job_id: string }, params: Params, body?: unknown): Json {
    this.job(path.job_id);
    const b = isPlainObject(body) ? body : {};
    const filters = this.timeFilters(params, b);
    const minScore = params.record_score ?? b.record_score;
    if (minScore !== undefined) filters.push({ range: { record_score: { gte: Number(minScore) } } });
    if (bool(params.exclude_interim ?? b.exclude_interim)) filters.push({ term: { is_interim: false } });
    const sortField = String(params.sort ?? b.sort ?? 'record_score');
    const desc = bool(params.desc ?? b.desc, true);
    const { from, size } = this.page(params, b);
    const { total, hits } = this.resultsSearch([path.job_id], 'record', filters, [{ [sortField]: desc ? 'desc' : 'asc' }, { timestamp: 'asc' }], from, size);
    return { count: total, records: hits };
  }

  /** `GET|POST _ml/anomaly_detectors/{job_id}/results/influencers`: single-series jobs have none. */
  getInfluencers(path: { job_id: string }, _params: Params, _body?: unknown): Json {
    this.job(path.job_id);
    return { count: 0, influencers: [] };
  }

  /** `GET|POST _ml/anomaly_detectors/{job_id}/results/overall_buckets` */
  getOverallBuckets(path: { job_id: string }, params: Params, body?: unknown): Json {
    const b = isPlainObject(body) ? body : {};
    const ids = this.matchIds(path.job_id, [...this.jobs.keys()], bool(params.allow_no_match ?? b.allow_no_match ?? params.allow_no_jobs, true), jobNotFound);
    if (ids.length === 0) return { count: 0, overall_buckets: [] };
    const topN = num(params.top_n ?? b.top_n, 1);
    const maxSpan = Math.max(...ids.map((id) => this.job(id).spanMs));
    const spanRaw = params.bucket_span ?? b.bucket_span;
    const span = spanRaw === undefined ? maxSpan : parseDuration(spanRaw, 'bucket_span');
    if (span < maxSpan) {
      const widest = this.job(ids.find((id) => this.job(id).spanMs === maxSpan) as string).config.analysis_config as Json;
      throw illegalArgument(`Param [bucket_span] must be greater or equal to the max bucket_span [${String(widest.bucket_span)}]`);
    }
    const minScore = Number(params.overall_score ?? b.overall_score ?? 0);
    const filters = this.timeFilters(params, b);
    const { hits } = this.resultsSearch(ids, 'bucket', filters, [{ timestamp: 'asc' }], 0, 10_000);
    const groups = new Map<number, Map<string, number>>();
    for (const h of hits) {
      const t = Math.floor(Number(h.timestamp) / span) * span;
      const g = groups.get(t) ?? new Map<string, number>();
      g.set(String(h.job_id), Math.max(g.get(String(h.job_id)) ?? 0, Number(h.anomaly_score)));
      groups.set(t, g);
    }
    const out: Json[] = [];
    for (const [t, g] of [...groups].sort((a, c) => a[0] - c[0])) {
      const scores = [...g.values()].sort((a, c) => c - a).slice(0, topN);
      const overall = scores.reduce((a, c) => a + c, 0) / Math.max(1, Math.min(topN, scores.length));
      if (overall < minScore) continue;
      out.push({ timestamp: t, bucket_span: span / 1000, overall_score: overall, jobs: [...g].map(([job_id, max_anomaly_score]) => ({ job_id, max_anomaly_score })).sort((a, c) => (a.job_id < c.job_id ? -1 : 1)), is_interim: false, result_type: 'overall_bucket' });
    }
    return { count: out.length, overall_buckets: out };
  }

  // =========================================================================================
  // Housekeeping

  approximateBytes(): number {
    let total = 2048;
    for (const j of this.jobs.values()) total += 2048 + JSON.stringify(j.config).length * 2 + this.modelBytes(j);
    for (const d of this.datafeeds.values()) total += 1024 + JSON.stringify(d.config).length * 2;
    return total;
  }

  dispose(): void {
    this.disposed = true;
    this.jobs.clear();
    this.datafeeds.clear();
  }

  /** What `.ml-config` does not hold: each job's counts and timing (for durability, see restore). */
  snapshot(): MlSnapshot {
    const jobs: MlSnapshot['jobs'] = {};
    for (const [id, j] of this.jobs) jobs[id] = { counts: clone(j.counts), timing: clone(j.timing), peakBytes: j.peakBytes, finishedTime: j.finishedTime, modelSizeTimestamp: j.modelSizeTimestamp };
    return { jobs };
  }

  /**
   * After a restart: jobs and datafeeds read back from `.ml-config` with their counts from the
   * snapshot, closed and stopped (the model in memory is not kept: a look-back running at the
   * restart stops there, its results so far stay in the results index).
   */
  restore(snapshot: MlSnapshot | undefined): void {
    this.jobs.clear();
    this.datafeeds.clear();
    if (!this.engine.indexExists(CONFIG_INDEX)) return;
    const res = this.engine.search(CONFIG_INDEX, { query: { match_all: {} }, size: 10_000, _source: false }, { expandWildcards: 'all' }) as { hits: { hits: { _id: string }[] } };
    const feeds: [string, Json][] = [];
    for (const { _id: id } of res.hits.hits) {
      const doc = this.engine.get(CONFIG_INDEX, id);
      if (!doc.found || !doc._source) continue;
      const config = doc._source as Json;
      if (config.config_type === 'datafeed') {
        const { config_type: _type, ...feed } = config;
        feeds.push([String(feed.datafeed_id), feed]);
        continue;
      }
      const jobId = String(config.job_id);
      const kept = snapshot?.jobs[jobId];
      const spanMs = parseDuration((config.analysis_config as Json).bucket_span, 'bucket_span');
      this.jobs.set(jobId, {
        config,
        state: 'closed',
        spanMs,
        counts: kept ? clone(kept.counts) : emptyCounts(),
        timing: kept ? clone(kept.timing) : { bucketCount: 0, total: 0, min: 0, max: 0, expAvg: 0 },
        scored: [],
        peakBytes: kept?.peakBytes ?? 0,
        finishedTime: kept?.finishedTime,
        modelSizeTimestamp: kept?.modelSizeTimestamp,
      });
    }
    for (const [id, config] of feeds) this.datafeeds.set(id, { config, state: 'stopped', cursor: 0, realTime: false, searchCount: 0, searchTimeMs: 0, bucketCount: 0, sawData: false });
  }
}

export interface MlSnapshot {
  jobs: Record<string, { counts: DataCounts; timing: Timing; peakBytes: number; finishedTime?: number; modelSizeTimestamp?: number }>;
}

function emptyCounts(): DataCounts {
  return {
    processed_record_count: 0,
    processed_field_count: 0,
    input_bytes: 0,
    input_field_count: 0,
    invalid_date_count: 0,
    missing_field_count: 0,
    out_of_order_timestamp_count: 0,
    empty_bucket_count: 0,
    sparse_bucket_count: 0,
    bucket_count: 0,
    input_record_count: 0,
  };
}

function mergeInput(into: BucketInput, add: BucketInput): void {
  into.count += add.count;
  if (add.valueCount !== undefined && add.valueCount > 0) {
    into.weightedSum = (into.weightedSum ?? 0) + (add.weightedSum ?? 0);
    into.valueCount = (into.valueCount ?? 0) + add.valueCount;
    into.min = Math.min(into.min ?? Infinity, add.min ?? Infinity);
    into.max = Math.max(into.max ?? -Infinity, add.max ?? -Infinity);
    into.sum = (into.sum ?? 0) + (add.sum ?? 0);
  }
}
