/**
 * Chapter 4's reads, pure: the attendee's watches (`_watcher/_query/watches` from 7.11, a search of
 * `.watches` on 7.6-7.10, ES-WATCHER-REFERENCE §15) and their recent executions in
 * `.watcher-history-*` (§10.4: by `watch_id`, newest `result.execution_time` first), each turned
 * into the small facts the panel and the checkpoints use. No I/O and no clock reads.
 */
import { deriveWatchState, explainRecord, formatNumber, recogniseWatch, thresholdOutcome, type ExplanationLine, type Recognition, type WatchState } from '../watches';
import { asNumber, asString, bucketsOf, hitsOf, isObject, responseBody, searchRequest, type Dsl, type SearchRequest } from './common';

/** The most watches the panel lists (a lab has two; a shared cluster may have many). */
export const MAX_WATCHES = 50;
/** Recent executions kept per watch: the panel's history timeline. */
export const HISTORY_PER_WATCH = 10;
/** How far back the history is read: the lab's executions, not a year of them. */
export const HISTORY_LOOKBACK_MS = 24 * 3_600_000;

export const WATCHES_INDEX = '.watches';
export const HISTORY_PATTERN = '.watcher-history-*';

/** The parts of a watch record the panel and the checkpoints read (payloads can be large). */
export const RECORD_FIELDS = [
  'watch_id',
  'state',
  'trigger_event',
  'condition',
  'metadata',
  'messages',
  'exception',
  'result.execution_time',
  'result.input.type',
  'result.input.status',
  'result.input.error',
  'result.input.payload.hits.total',
  'result.input.payload.aggregations',
  'result.condition',
  'result.transform.type',
  'result.transform.status',
  'result.transform.error',
  'result.transform.reason',
  'result.transform.payload.result',
  'result.actions.id',
  'result.actions.type',
  'result.actions.status',
  'result.actions.reason',
  'result.actions.error',
  'result.actions.email.message.to',
  'result.actions.email.message.subject',
  'result.actions.logging.logged_text',
];

/** One stored watch: its definition (the normalised form ES returns) and its status. */
export interface StoredWatch {
  id: string;
  watch: Record<string, unknown>;
  status: Record<string, unknown> | undefined;
}

export interface WatchList {
  watches: StoredWatch[];
  /** All the cluster has (may exceed what was read). */
  total: number;
}

/** `POST _watcher/_query/watches` (7.11+), in the order Kibana 8.x pages it. */
export function buildQueryWatchesBody(size = MAX_WATCHES): Dsl {
  return { size, sort: [{ _seq_no: { order: 'asc' } }] };
}

/** 7.6-7.10 have no `_query/watches`: Kibana read the `.watches` index itself (7.x warns about system-index access). */
export function buildWatchesIndexRequest(size = MAX_WATCHES): SearchRequest {
  return searchRequest(WATCHES_INDEX, { size, query: { match_all: {} } });
}

function totalOf(value: unknown, fallback: number): number {
  if (typeof value === 'number') return value;
  if (isObject(value) && typeof value.value === 'number') return value.value;
  return fallback;
}

/** Reads `_query/watches` (`{count, watches: [{_id, watch, status}]}`). */
export function parseQueryWatches(response: unknown): WatchList {
  const body = responseBody(response);
  const entries = Array.isArray(body.watches) ? body.watches.filter(isObject) : [];
  const watches = entries.flatMap((e) => (typeof e._id === 'string' && isObject(e.watch) ? [{ id: e._id, watch: e.watch, status: isObject(e.status) ? e.status : undefined }] : []));
  return { watches, total: typeof body.count === 'number' ? body.count : watches.length };
}

/** Reads a `.watches` search: each document is the watch with its `status` beside it. */
export function parseWatchesIndex(response: unknown): WatchList {
  const hits = hitsOf(response);
  const watches = hits.flatMap((h) => {
    if (typeof h._id !== 'string' || !isObject(h._source)) return [];
    const { status, _status, ...watch } = h._source;
    const s = isObject(status) ? status : isObject(_status) ? _status : undefined;
    return [{ id: h._id, watch, status: s }];
  });
  const hitsObject = responseBody(response).hits;
  return { watches, total: totalOf(isObject(hitsObject) ? hitsObject.total : undefined, watches.length) };
}

/**
 * The newest executions of the listed watches in one search: a `terms` on `watch_id` with the
 * newest records of each (`top_hits`), bounded by the watch count, the per-watch size and the
 * lookback.
 */
export function buildHistoryRequest(params: { watchIds: string[]; now: number; perWatch?: number; lookbackMs?: number }): SearchRequest {
  const perWatch = params.perWatch ?? HISTORY_PER_WATCH;
  return searchRequest(HISTORY_PATTERN, {
    size: 0,
    track_total_hits: false,
    query: {
      bool: {
        filter: [
          { terms: { watch_id: params.watchIds } },
          { range: { 'result.execution_time': { gte: params.now - (params.lookbackMs ?? HISTORY_LOOKBACK_MS), format: 'epoch_millis' } } },
        ],
      },
    },
    aggs: {
      by_watch: {
        terms: { field: 'watch_id', size: Math.max(1, params.watchIds.length) },
        aggs: {
          recent: { top_hits: { size: perWatch, sort: [{ 'result.execution_time': { order: 'desc' } }], _source: { includes: RECORD_FIELDS } } },
          met: { filter: { term: { 'result.condition.met': true } } },
        },
      },
    },
  });
}

export interface WatchHistory {
  /** Newest first. */
  records: { id: string; record: Record<string, unknown> }[];
  /** Executions in the lookback, and how many of them met the condition. */
  executions: number;
  met: number;
}

export function parseHistory(response: unknown): Map<string, WatchHistory> {
  const out = new Map<string, WatchHistory>();
  const aggs = responseBody(response).aggregations;
  const byWatch = isObject(aggs) ? aggs.by_watch : undefined;
  for (const bucket of bucketsOf(byWatch)) {
    const id = asString(bucket.key);
    if (id === undefined) continue;
    const recent = isObject(bucket.recent) ? bucket.recent : {};
    const records = hitsOf(recent).flatMap((h) => (isObject(h._source) ? [{ id: String(h._id ?? ''), record: h._source }] : []));
    const met = isObject(bucket.met) ? (asNumber(bucket.met.doc_count) ?? 0) : 0;
    out.set(id, { records, executions: asNumber(bucket.doc_count) ?? records.length, met });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// What a watch is, in the panel's and the checkpoints' words

export interface ExplainedLine {
  key: string;
  values: Record<string, string | number>;
}

export interface WatchExecution {
  /** The watch record's id. */
  id: string;
  /** When it ran (`result.execution_time`, else the trigger time). */
  at: string | null;
  /** The record's state: `executed`, `execution_not_needed`, `throttled`, `acknowledged`, `failed`, … */
  state: string;
  manual: boolean;
  conditionMet: boolean | null;
  throttled: boolean;
  /** The value that decided the condition ("max CPU 0.83 > 0.5", "hits.total 3 > 0"). */
  outcome: ExplainedLine | null;
  actions: { id: string; type: string; status: string; reason: string | null }[];
  error: string | null;
  lines: ExplainedLine[];
}

export interface WatchSummary {
  id: string;
  name: string;
  state: WatchState;
  active: boolean;
  lastChecked: string | null;
  lastMetCondition: string | null;
  lastFired: string | null;
  /** When the watch was last activated or stored (`status.state.timestamp`). */
  activeSince: string | null;
  /** `threshold` (Kibana's form), `json` (advanced watch) or `other`. */
  type: 'threshold' | 'json' | 'other';
  interval: string | null;
  recognition: Recognition;
  executions: number;
  history: WatchExecution[];
}

function plain(line: ExplanationLine): ExplainedLine {
  return { key: line.key, values: line.values };
}

function iso(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  return null;
}

function at(record: Record<string, unknown>): string | null {
  const result = isObject(record.result) ? record.result : {};
  const trigger = isObject(record.trigger_event) ? record.trigger_event : {};
  return iso(result.execution_time) ?? iso(trigger.triggered_time);
}

function nameOf(id: string, watch: Record<string, unknown>): string {
  const metadata = isObject(watch.metadata) ? watch.metadata : {};
  return typeof metadata.name === 'string' && metadata.name.trim() !== '' ? metadata.name : id;
}

function typeOf(watch: Record<string, unknown>): WatchSummary['type'] {
  const metadata = isObject(watch.metadata) ? watch.metadata : {};
  const xpack = isObject(metadata.xpack) ? metadata.xpack : {};
  return xpack.type === 'threshold' ? 'threshold' : xpack.type === 'json' ? 'json' : 'other';
}

/** `1m`, `every 10s`, a cron expression, …: what the trigger says, for the panel. */
export function intervalOf(watch: Record<string, unknown>): string | null {
  const trigger = isObject(watch.trigger) ? watch.trigger : {};
  const schedule = isObject(trigger.schedule) ? trigger.schedule : {};
  if (typeof schedule.interval === 'string' || typeof schedule.interval === 'number') return String(schedule.interval);
  if (typeof schedule.cron === 'string') return schedule.cron;
  const kind = Object.keys(schedule)[0];
  return kind ?? null;
}

/**
 * Kibana's "last fired" (`watch_status` model): the newest `last_execution` of the watch's
 * actions, so an execution whose actions were throttled does not count as fired.
 */
export function lastFiredOf(status: Record<string, unknown> | undefined): string | null {
  const actions = status && isObject(status.actions) ? Object.values(status.actions).filter(isObject) : [];
  let newest: string | null = null;
  for (const a of actions) {
    const exec = isObject(a.last_execution) ? a.last_execution : undefined;
    const t = exec ? iso(exec.timestamp) : null;
    if (t !== null && (newest === null || Date.parse(t) > Date.parse(newest))) newest = t;
  }
  return newest;
}

export function describeExecution(id: string, record: Record<string, unknown>, watch?: unknown): WatchExecution {
  const explanation = explainRecord(record, watch);
  const result = isObject(record.result) ? record.result : {};
  const trigger = isObject(record.trigger_event) ? record.trigger_event : {};
  const state = String(record.state ?? '');
  const actions = (Array.isArray(result.actions) ? result.actions.filter(isObject) : []).map((a) => {
    const reason = typeof a.reason === 'string' ? a.reason : isObject(a.error) && typeof a.error.reason === 'string' ? a.error.reason : null;
    return { id: String(a.id ?? ''), type: String(a.type ?? ''), status: String(a.status ?? ''), reason };
  });
  const outcomeKeys = new Set(['watches.explain.threshold', 'watches.explain.between', 'watches.explain.outside', 'watches.explain.noValue', 'watches.explain.compare', 'watches.explain.compareOther']);
  const outcome = explanation.lines.find((l) => outcomeKeys.has(l.key));
  const exception = isObject(record.exception) ? record.exception : undefined;
  const failedAction = actions.find((a) => a.status === 'failure' || a.status === 'partial_failure');
  const inputError = isObject(result.input) && isObject(result.input.error) ? asString(result.input.error.reason) : undefined;
  const error = exception ? String(exception.reason ?? exception.type ?? 'failed') : (inputError ?? (failedAction ? `${failedAction.id}: ${failedAction.reason ?? 'failed'}` : state === 'failed' ? (Array.isArray(record.messages) ? record.messages.map(String).join('; ') : 'failed') : null));
  return {
    id,
    at: at(record),
    state,
    manual: trigger.type === 'manual',
    conditionMet: explanation.conditionMet ?? null,
    throttled: state === 'throttled' || state === 'acknowledged' || actions.some((a) => a.status === 'throttled' || a.status === 'acknowledged'),
    outcome: outcome ? plain(outcome) : null,
    actions,
    error,
    lines: explanation.lines.map(plain),
  };
}

export function summariseWatch(stored: StoredWatch, history: WatchHistory | undefined): WatchSummary {
  const { id, watch, status } = stored;
  const latest = history?.records[0]?.record;
  const state = isObject(status?.state) ? status.state : {};
  return {
    id,
    name: nameOf(id, watch),
    state: deriveWatchState(status, latest),
    active: state.active !== false,
    lastChecked: iso(status?.last_checked),
    lastMetCondition: iso(status?.last_met_condition),
    lastFired: lastFiredOf(status),
    activeSince: iso(state.timestamp),
    type: typeOf(watch),
    interval: intervalOf(watch),
    recognition: recogniseWatch(watch),
    executions: history?.executions ?? 0,
    history: (history?.records ?? []).map((r) => describeExecution(r.id, r.record, watch)),
  };
}

// ---------------------------------------------------------------------------------------------
// The checkpoints' question: did the watch run, and what did it see?

export interface ExecutionVerdict {
  /** Executions recorded since the watch was stored or activated. */
  runs: number;
  /** The newest of them whose condition held, with the value that decided it. */
  fired: { at: string | null; outcome: string | null } | null;
  /** None fired: the value that came closest ("max CPU 0.27 < 0.5"), when the watch says how to read it. */
  closest: string | null;
  /** Every run's search matched no document. */
  noHits: boolean;
  /** Documents matched but the measured field had no value in any run (a metric on a field the data lacks). */
  noValue: boolean;
}

type Outcome = { label: string; value: number | null; comparator: string; threshold: number | number[] };

function outcomeText(o: Outcome | undefined): string | null {
  if (!o || o.value === null) return null;
  const t = Array.isArray(o.threshold) ? o.threshold.map(Number) : [Number(o.threshold)];
  if (o.comparator === 'between') {
    const inside = o.value >= (t[0] ?? 0) && o.value <= (t[1] ?? 0);
    return `${o.label} ${formatNumber(o.value)} ${inside ? '∈' : '∉'} [${formatNumber(t[0] ?? 0)}, ${formatNumber(t[1] ?? 0)}]`;
  }
  const threshold = t[0] ?? 0;
  const sign = o.value > threshold ? '>' : o.value < threshold ? '<' : '=';
  return `${o.label} ${formatNumber(o.value)} ${sign} ${formatNumber(threshold)}`;
}

function hitsTotal(record: Record<string, unknown>): number | undefined {
  const result = isObject(record.result) ? record.result : {};
  const input = isObject(result.input) ? result.input : {};
  const payload = isObject(input.payload) ? input.payload : {};
  const hits = isObject(payload.hits) ? payload.hits : undefined;
  const total = hits ? totalOf(hits.total, Number.NaN) : undefined;
  return total === undefined || Number.isNaN(total) ? undefined : total;
}

/** A compare condition's resolved value against its configured one (the handout's SSH watch). */
function compareOutcome(record: Record<string, unknown>): Outcome | undefined {
  const condition = isObject(record.condition) && isObject(record.condition.compare) ? record.condition.compare : undefined;
  const result = isObject(record.result) ? record.result : {};
  const resolved = isObject(result.condition) && isObject(result.condition.compare) && isObject(result.condition.compare.resolved_values) ? result.condition.compare.resolved_values : undefined;
  if (!condition || !resolved) return undefined;
  const [path, spec] = Object.entries(condition)[0] ?? [];
  if (!path || !isObject(spec)) return undefined;
  const [op, configured] = Object.entries(spec)[0] ?? [];
  if (typeof configured !== 'number') return undefined;
  const value = resolved[path];
  return { label: path.replace(/^ctx\.payload\./, ''), value: typeof value === 'number' ? value : null, comparator: op === 'lt' || op === 'lte' ? '<' : '>', threshold: configured };
}

/**
 * Reads a watch's recent records (newest first) for its checkpoint. Only records at or after
 * `sinceMs` count: history outlives a deleted watch, and a re-created one starts again. `total`
 * is how many such records the cluster holds, when more were recorded than read.
 */
export function judgeExecutions(records: Record<string, unknown>[], watch: unknown, sinceMs: number | null, total?: number): ExecutionVerdict {
  const counted = records.filter((r) => {
    const t = at(r);
    return sinceMs === null || (t !== null && Date.parse(t) >= sinceMs);
  });
  let fired: ExecutionVerdict['fired'] = null;
  let best: { score: number; text: string } | null = null;
  let anyHits = false;
  let anyValue = false;
  let measured = false;
  for (const record of counted) {
    const o = thresholdOutcome(record, watch) ?? compareOutcome(record);
    const hits = hitsTotal(record);
    if (hits !== undefined && hits > 0) anyHits = true;
    if (o) {
      measured = true;
      if (o.value !== null) anyValue = true;
      if (o.label === 'count' || o.label === 'hits.total') anyHits ||= (o.value ?? 0) > 0;
    }
    const result = isObject(record.result) ? record.result : {};
    const met = isObject(result.condition) && result.condition.met === true;
    if (met && fired === null) fired = { at: at(record), outcome: outcomeText(o) };
    if (!met && o && o.value !== null) {
      // Closest to firing: the highest value for an "above" watch, the lowest for a "below" one.
      const score = o.comparator.startsWith('<') ? -o.value : o.value;
      if (best === null || score > best.score) best = { score, text: outcomeText(o) ?? '' };
    }
  }
  const runs = Math.max(counted.length, total ?? 0);
  return { runs, fired, closest: best?.text ?? null, noHits: counted.length > 0 && !anyHits, noValue: counted.length > 0 && anyHits && measured && !anyValue };
}

/** The records of one watch since a time, newest first, for a checkpoint (bounded). */
export function buildWatchRunsRequest(params: { watchId: string; sinceMs: number | null; size?: number }): SearchRequest {
  const filter: Dsl[] = [{ term: { watch_id: params.watchId } }];
  if (params.sinceMs !== null) filter.push({ range: { 'result.execution_time': { gte: params.sinceMs, format: 'epoch_millis' } } });
  return searchRequest(HISTORY_PATTERN, {
    size: params.size ?? 50,
    track_total_hits: true,
    query: { bool: { filter } },
    sort: [{ 'result.execution_time': { order: 'desc' } }],
    _source: { includes: RECORD_FIELDS },
  });
}

export function parseWatchRuns(response: unknown): { records: Record<string, unknown>[]; total: number } {
  const hits = hitsOf(response);
  const hitsObject = responseBody(response).hits;
  return { records: hits.flatMap((h) => (isObject(h._source) ? [h._source] : [])), total: totalOf(isObject(hitsObject) ? hitsObject.total : undefined, hits.length) };
}

/**
 * "Open in Kibana": the watch's status page in Kibana's Watcher UI. Kibana 7.6-7.8 route it under
 * the legacy `kibana#/management/elasticsearch/watcher`; from 7.9 Stack Management has it under
 * "Alerts and Insights" (`/app/management/insightsAndAlerting/watcher`) ◐ (read from Kibana's
 * route constants, not run against every release).
 */
export function kibanaWatchUrl(kibanaUrl: string | null, version: { major: number; minor: number | null } | null, id: string): string | null {
  if (!kibanaUrl) return null;
  const base = kibanaUrl.replace(/\/+$/, '');
  const watch = `watches/watch/${encodeURIComponent(id)}/status`;
  if (version && version.major === 7 && (version.minor ?? 0) < 9) return `${base}/app/kibana#/management/elasticsearch/watcher/${watch}`;
  return `${base}/app/management/insightsAndAlerting/watcher/${watch}`;
}
