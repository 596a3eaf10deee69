/**
 * The watch Kibana's Watcher UI saves for a threshold alert ("Create threshold alert"), built from
 * the same form fields. Written from the documented serializer rules (ES-WATCHER-REFERENCE §12.2,
 * §13.1: Kibana `x-pack/plugins/watcher/common/lib/serialization/serialize_threshold_watch.js`
 * and `build_input/condition/transform/metadata/trigger.js`, identical from 7.6 to 9.x), so the
 * watch opens in Kibana's form on a real cluster. Pure and client-safe.
 */

export type IntervalUnit = 's' | 'm' | 'h' | 'd';
export type ThresholdComparator = '>' | '>=' | '<' | '<=' | 'between';
export type AggType = 'count' | 'avg' | 'sum' | 'min' | 'max';

export const AGG_TYPES: readonly AggType[] = ['count', 'avg', 'sum', 'min', 'max'];
export const COMPARATORS: readonly ThresholdComparator[] = ['>', '>=', '<', '<=', 'between'];

/** Kibana's form fields (its `watcherui` metadata) plus the name and the actions. */
export interface ThresholdWatchFields {
  name: string;
  /** The "Indices to query" combo box: a list (Kibana also stores a single string as given). */
  index: string[] | string;
  timeField: string;
  triggerIntervalSize: number;
  triggerIntervalUnit: IntervalUnit;
  /** count, avg, sum, min or max (Kibana passes any other value through unchanged). */
  aggType: AggType | string;
  /** The field of avg/sum/min/max; absent for count. */
  aggField?: string;
  /** "Top N" of a grouping by term (Kibana's default 5, kept even without grouping). */
  termSize?: number;
  /** Grouping "top N by term"; absent for "over all documents". */
  termField?: string;
  thresholdComparator: ThresholdComparator;
  timeWindowSize: number;
  timeWindowUnit: IntervalUnit;
  /** One value, or `[low, high]` for between. */
  threshold: number | number[];
  /** Kibana computes it (`desc` only for `>`); given to reproduce a serializer input exactly. */
  termOrder?: unknown;
  /** Actions as Kibana's action models serialise them (see `emailAction`, `loggingAction`). */
  actions?: Record<string, unknown>;
}

/** Kibana's default subject and logging text. */
export const DEFAULT_ALERT_TEXT = 'Watch [{{ctx.metadata.name}}] has exceeded the threshold';

/** Kibana's email action model (`email_1`, profile standard, default subject, no default body). */
export function emailAction(to: string[], subject: string = DEFAULT_ALERT_TEXT, body?: string): Record<string, unknown> {
  const email: Record<string, unknown> = { profile: 'standard', to };
  if (subject) email.subject = subject;
  if (body) email.body = { text: body };
  return { email };
}

/** Kibana's logging action model. */
export function loggingAction(text: string = DEFAULT_ALERT_TEXT): Record<string, unknown> {
  return { logging: { text } };
}

/** Kibana's watch id for a new threshold alert: a random UUID (the name goes to `metadata.name`). */
export function newThresholdWatchId(): string {
  return globalThis.crypto.randomUUID();
}

function termOrderFor(comparator: ThresholdComparator): 'desc' | 'asc' {
  // Kibana orders the top-N buckets descending only for `>`; even `>=` sorts ascending.
  return comparator === '>' ? 'desc' : 'asc';
}

/** The value the condition compares: `hits.total`, the metric, or a bucket's count or metric. */
function valueExpression(f: ThresholdWatchFields, inLoop: boolean): string {
  const metric = f.aggType !== 'count';
  if (inLoop) return metric ? "arr[i]['metricAgg'].value" : 'arr[i].doc_count';
  return metric ? 'ctx.payload.aggregations.metricAgg.value' : 'ctx.payload.hits.total';
}

function test(value: string, comparator: ThresholdComparator): string {
  if (comparator === 'between') return `${value} >= params.threshold[0] && ${value} <= params.threshold[1]`;
  return `${value} ${comparator} params.threshold`;
}

export function thresholdConditionScript(f: ThresholdWatchFields): string {
  if (f.termField) {
    return `ArrayList arr = ctx.payload.aggregations.bucketAgg.buckets; for (int i = 0; i < arr.length; i++) { if (${test(valueExpression(f, true), f.thresholdComparator)}) { return true; } } return false;`;
  }
  return `if (${test(valueExpression(f, false), f.thresholdComparator)}) { return true; } return false;`;
}

export function thresholdTransformScript(f: ThresholdWatchFields): string {
  if (f.termField) {
    return `HashMap result = new HashMap(); ArrayList arr = ctx.payload.aggregations.bucketAgg.buckets; ArrayList filteredHits = new ArrayList(); for (int i = 0; i < arr.length; i++) { HashMap filteredHit = new HashMap(); filteredHit.key = arr[i].key; filteredHit.value = ${valueExpression(f, true)}; if (${test('filteredHit.value', f.thresholdComparator)}) { filteredHits.add(filteredHit); } } result.results = filteredHits; return result;`;
  }
  return `HashMap result = new HashMap(); result.result = ${valueExpression(f, false)}; return result;`;
}

function aggs(f: ThresholdWatchFields): Record<string, unknown> | undefined {
  const order = f.termOrder ?? termOrderFor(f.thresholdComparator);
  const metricAgg = { metricAgg: { [f.aggType]: { field: f.aggField } } };
  if (f.aggType === 'count') {
    if (!f.termField) return undefined;
    return { bucketAgg: { terms: { field: f.termField, size: f.termSize ?? 5, order: { _count: order } } } };
  }
  if (!f.termField) return metricAgg;
  return { bucketAgg: { terms: { field: f.termField, size: f.termSize ?? 5, order: { metricAgg: order } }, aggs: metricAgg } };
}

/** The body Kibana PUTs to `_watcher/watch/<uuid>` for these fields (7.x, 8.x and 9.x alike). */
export function buildThresholdWatch(f: ThresholdWatchFields): Record<string, unknown> {
  const body: Record<string, unknown> = {
    size: 0,
    query: {
      bool: {
        filter: {
          range: {
            [f.timeField]: {
              gte: `{{ctx.trigger.scheduled_time}}||-${f.timeWindowSize}${f.timeWindowUnit}`,
              lte: '{{ctx.trigger.scheduled_time}}',
              format: 'strict_date_optional_time||epoch_millis',
            },
          },
        },
      },
    },
  };
  const a = aggs(f);
  if (a) body.aggs = a;
  const watcherui: Record<string, unknown> = {
    index: f.index,
    time_field: f.timeField,
    trigger_interval_size: f.triggerIntervalSize,
    trigger_interval_unit: f.triggerIntervalUnit,
    agg_type: f.aggType,
    agg_field: f.aggField,
    term_size: f.termSize ?? 5,
    term_field: f.termField,
    threshold_comparator: f.thresholdComparator,
    time_window_size: f.timeWindowSize,
    time_window_unit: f.timeWindowUnit,
    threshold: f.threshold,
  };
  // Kibana's JSON serialisation drops the keys whose value is undefined.
  for (const k of Object.keys(watcherui)) if (watcherui[k] === undefined) delete watcherui[k];
  return {
    trigger: { schedule: { interval: `${f.triggerIntervalSize}${f.triggerIntervalUnit}` } },
    input: { search: { request: { body, indices: Array.isArray(f.index) ? f.index : [f.index] } } },
    condition: { script: { source: thresholdConditionScript(f), params: { threshold: f.threshold } } },
    transform: { script: { source: thresholdTransformScript(f), params: { threshold: f.threshold } } },
    actions: f.actions ?? {},
    metadata: { xpack: { type: 'threshold' }, watcherui, name: f.name },
  };
}

/** Reads the form fields back from a saved threshold watch (`metadata.watcherui`), or undefined. */
export function thresholdFieldsOf(watch: unknown): (ThresholdWatchFields & { name: string }) | undefined {
  const meta = isObject(watch) && isObject(watch.metadata) ? watch.metadata : undefined;
  const ui = meta && isObject(meta.watcherui) ? meta.watcherui : undefined;
  if (!meta || !ui || !isObject(meta.xpack) || meta.xpack.type !== 'threshold') return undefined;
  const fields: ThresholdWatchFields = {
    name: typeof meta.name === 'string' ? meta.name : '',
    index: ui.index as string[] | string,
    timeField: String(ui.time_field ?? '@timestamp'),
    triggerIntervalSize: Number(ui.trigger_interval_size),
    triggerIntervalUnit: ui.trigger_interval_unit as IntervalUnit,
    aggType: String(ui.agg_type ?? 'count'),
    thresholdComparator: ui.threshold_comparator as ThresholdComparator,
    timeWindowSize: Number(ui.time_window_size),
    timeWindowUnit: ui.time_window_unit as IntervalUnit,
    threshold: ui.threshold as number | number[],
  };
  if (typeof ui.agg_field === 'string') fields.aggField = ui.agg_field;
  if (typeof ui.term_field === 'string') fields.termField = ui.term_field;
  if (typeof ui.term_size === 'number') fields.termSize = ui.term_size;
  return fields;
}

/** Kibana's advanced (JSON) watch serialisation: `metadata.name` and `metadata.xpack.type: json` added, other metadata kept. */
export function buildJsonWatch(name: string, watch: Record<string, unknown>): Record<string, unknown> {
  const metadata = isObject(watch.metadata) ? watch.metadata : {};
  const xpack = isObject(metadata.xpack) ? metadata.xpack : {};
  return { ...watch, metadata: { ...metadata, name, xpack: { ...xpack, type: 'json' } } };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
