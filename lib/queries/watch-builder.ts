/**
 * The threshold-alert builder's reads, pure: the fields of the indices to query (from
 * `_field_caps`, as Kibana's form fills its pickers) and the preview chart of the metric against
 * the threshold (Kibana's "visualize" of a threshold watch: the watch's own aggregation per time
 * window over a recent range, one series per term when grouped). No I/O and no clock reads.
 */
import type { AggType, IntervalUnit } from '../watches';
import { asNumber, asString, bucketsOf, isObject, metricValue, responseBody, searchRequest, type Dsl, type SearchRequest } from './common';

/** The longest field list handed to the browser (Metricbeat's template has ~1,500 fields; the pickers need a few hundred). */
export const MAX_BUILDER_FIELDS = 1_000;

const NUMBER_TYPES = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'unsigned_long']);
const DATE_TYPES = new Set(['date', 'date_nanos']);
const TERM_TYPES = new Set(['keyword', 'constant_keyword', 'ip', 'boolean', 'long', 'integer', 'short', 'byte']);

export interface BuilderField {
  name: string;
  /** The field's type; `conflict` when the indices disagree (Kibana shows such fields as conflicts). */
  type: string;
  aggregatable: boolean;
}

export interface BuilderFields {
  /** Date fields: the "Time field" choices. */
  timeFields: string[];
  /** Aggregatable numbers: what avg/sum/min/max can be "OF". */
  numberFields: string[];
  /** Aggregatable keywords (and small numbers): what "top N BY" can group on. */
  termFields: string[];
  /** How many concrete indices the pattern matched (0: no data yet). */
  indexCount: number;
}

/** Reads `_field_caps?fields=*` into the builder's three pickers. */
export function parseBuilderFields(response: unknown): BuilderFields {
  const body = responseBody(response);
  const fields = isObject(body.fields) ? body.fields : {};
  const list: BuilderField[] = [];
  for (const [name, byType] of Object.entries(fields)) {
    if (!isObject(byType) || name.startsWith('_')) continue;
    const types = Object.entries(byType).filter(([t]) => t !== 'unmapped');
    if (types.length === 0) continue;
    const [type, caps] = types.length === 1 ? (types[0] as [string, unknown]) : ['conflict', {}];
    if (type === 'object' || type === 'nested') continue;
    list.push({ name, type, aggregatable: isObject(caps) && caps.aggregatable === true });
  }
  list.sort((a, b) => a.name.localeCompare(b.name));
  const pick = (ok: (f: BuilderField) => boolean) => list.filter(ok).map((f) => f.name).slice(0, MAX_BUILDER_FIELDS);
  return {
    timeFields: pick((f) => DATE_TYPES.has(f.type)),
    numberFields: pick((f) => f.aggregatable && NUMBER_TYPES.has(f.type)),
    termFields: pick((f) => f.aggregatable && TERM_TYPES.has(f.type)),
    indexCount: Array.isArray(body.indices) ? body.indices.length : 0,
  };
}

export interface PreviewParams {
  index: string[];
  timeField: string;
  aggType: AggType;
  aggField?: string;
  termField?: string;
  termSize?: number;
  timeWindowSize: number;
  timeWindowUnit: IntervalUnit;
  now: number;
}

const UNIT_MS: Record<IntervalUnit, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** How far back the preview reaches: thirty windows, at least 15 minutes, at most a day. */
export function previewRange(params: Pick<PreviewParams, 'timeWindowSize' | 'timeWindowUnit' | 'now'>): { from: number; to: number; bucketMs: number } {
  const windowMs = params.timeWindowSize * UNIT_MS[params.timeWindowUnit];
  const span = Math.min(86_400_000, Math.max(15 * 60_000, 30 * windowMs));
  // Whole windows, so each bucket is one evaluation of the watch.
  const bucketMs = Math.max(1_000, Math.min(windowMs, span / 10));
  const to = Math.ceil(params.now / bucketMs) * bucketMs;
  return { from: to - span, to, bucketMs };
}

/** The watch's aggregation per time window (`metricAgg` inside `bucketAgg` when grouped), as in its own search. */
export function buildPreviewRequest(params: PreviewParams): SearchRequest {
  const { from, to, bucketMs } = previewRange(params);
  const metric: Dsl | undefined = params.aggType === 'count' ? undefined : { metricAgg: { [params.aggType]: { field: params.aggField } } };
  const histogram: Dsl = {
    date_histogram: { field: params.timeField, fixed_interval: `${Math.round(bucketMs / 1000)}s`, min_doc_count: 0, extended_bounds: { min: from, max: to - 1 } },
    ...(metric ? { aggs: metric } : {}),
  };
  const aggs: Dsl = params.termField
    ? { bucketAgg: { terms: { field: params.termField, size: params.termSize ?? 5 }, aggs: { dateAgg: histogram } } }
    : { dateAgg: histogram };
  return searchRequest(params.index.join(','), {
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: [{ range: { [params.timeField]: { gte: from, lt: to, format: 'epoch_millis' } } }] } },
    aggs,
  });
}

export interface PreviewSeries {
  /** The group's key ("lab-vm-1"), or null for "all documents". */
  key: string | null;
  points: [number, number | null][];
}

export interface ThresholdPreview {
  from: number;
  to: number;
  series: PreviewSeries[];
}

function seriesOf(histogram: unknown, aggType: AggType): [number, number | null][] {
  return bucketsOf(histogram).flatMap((b) => {
    const t = asNumber(b.key);
    if (t === undefined) return [];
    const v = aggType === 'count' ? (asNumber(b.doc_count) ?? 0) : metricValue(b.metricAgg);
    return [[t, v] as [number, number | null]];
  });
}

export function parsePreview(response: unknown, params: PreviewParams): ThresholdPreview {
  const { from, to } = previewRange(params);
  const aggs = isObject(responseBody(response).aggregations) ? (responseBody(response).aggregations as Record<string, unknown>) : {};
  const series: PreviewSeries[] = params.termField
    ? bucketsOf(aggs.bucketAgg).map((b) => ({ key: asString(b.key_as_string) ?? asString(b.key) ?? '', points: seriesOf(b.dateAgg, params.aggType) }))
    : [{ key: null, points: seriesOf(aggs.dateAgg, params.aggType) }];
  return { from, to, series };
}
