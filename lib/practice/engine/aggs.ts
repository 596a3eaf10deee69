import { compileScript, type CompiledScript, ScriptError } from '../script/arithmetic';
import type { Flavor } from './api';
import { EsError } from './api';
import {
  calendarFloor,
  calendarNext,
  type CalendarUnit,
  DateParseError,
  DEFAULT_DATE_FORMAT,
  fixedFloor,
  formatDate,
  parseCalendarInterval,
  parseTimeValue,
  parseZone,
  resolveDateMath,
  UTC,
  type Zone,
} from './dates';
import { type ErrorBody, illegalArgument, isPlainObject, locate, parsingException, ShardFailure, tokenName, xContentParse } from './errors';
import { fielddataError, makeSortPlan, parseSort, type SortSpec } from './hits';
import type { IndexState, Val } from './index-state';
import type { FieldDef } from './mapping';
import { bindQuery, didYouMean, type Matcher, QueryParser, type QueryNode } from './query';

/**
 * Aggregations: parsing with ES's validation errors, evaluation over the matched documents, and
 * pipeline aggregations (derivative, cumulative_sum, bucket_script, *_bucket) applied to the
 * finished buckets with ES's gap policies.
 */

export interface Seg {
  ix: IndexState;
  pos: number[];
  scores?: number[];
}
export type DocSet = Seg[];

type Path = (string | number)[];

export interface AggDef {
  name: string;
  type: string;
  p: Record<string, unknown>;
  subs: AggDef[];
  meta?: unknown;
  path: Path;
  // Parsed forms for the types that need them:
  query?: QueryNode;
  filters?: { key: string; q: QueryNode }[];
  sort?: SortSpec[];
  script?: CompiledScript;
}

export interface AggCtx {
  now: number;
  flavor: Flavor;
  buckets: { n: number };
  maxBuckets: number;
  /** Renders hits for top_hits (the search module owns hit rendering). */
  topHits(docs: DocSet, def: AggDef): Record<string, unknown>;
  /** Every document of the searched indices (for `global`). */
  allDocs(): DocSet;
}

const METRICS = ['avg', 'min', 'max', 'sum', 'value_count', 'cardinality', 'stats', 'extended_stats', 'percentiles', 'top_hits', 'top_metrics', 'median_absolute_deviation'];
const BUCKETS = ['terms', 'date_histogram', 'histogram', 'range', 'date_range', 'filter', 'filters', 'missing', 'global', 'composite'];
const PARENT_PIPELINES = ['derivative', 'cumulative_sum', 'bucket_script', 'bucket_selector', 'bucket_sort', 'serial_diff'];
const SIBLING_PIPELINES = ['sum_bucket', 'max_bucket', 'min_bucket', 'avg_bucket', 'stats_bucket'];
const KNOWN_UNSUPPORTED = [
  'significant_terms',
  'significant_text',
  'multi_terms',
  'rare_terms',
  'auto_date_histogram',
  'variable_width_histogram',
  'adjacency_matrix',
  'sampler',
  'diversified_sampler',
  'random_sampler',
  'nested',
  'reverse_nested',
  'children',
  'parent',
  'geohash_grid',
  'geotile_grid',
  'geo_distance',
  'geo_bounds',
  'geo_centroid',
  'ip_range',
  'ip_prefix',
  'weighted_avg',
  'percentile_ranks',
  'boxplot',
  'string_stats',
  'matrix_stats',
  't_test',
  'rate',
  'scripted_metric',
  'moving_avg',
  'moving_fn',
  'moving_percentiles',
  'percentiles_bucket',
  'extended_stats_bucket',
  'normalize',
  'inference',
  'categorize_text',
  'frequent_item_sets',
  'time_series',
];

const PARAMS: Record<string, string[]> = {
  terms: ['field', 'size', 'shard_size', 'order', 'min_doc_count', 'shard_min_doc_count', 'missing', 'include', 'exclude', 'execution_hint', 'collect_mode', 'show_term_doc_count_error', 'format', 'value_type'],
  date_histogram: ['field', 'calendar_interval', 'fixed_interval', 'offset', 'time_zone', 'min_doc_count', 'extended_bounds', 'hard_bounds', 'format', 'keyed', 'order', 'missing'],
  histogram: ['field', 'interval', 'offset', 'min_doc_count', 'extended_bounds', 'hard_bounds', 'keyed', 'order', 'missing', 'format'],
  range: ['field', 'ranges', 'keyed', 'format', 'missing'],
  date_range: ['field', 'ranges', 'keyed', 'format', 'time_zone', 'missing'],
  filters: ['filters', 'other_bucket', 'other_bucket_key', 'keyed'],
  missing: ['field'],
  global: [],
  composite: ['sources', 'size', 'after'],
  avg: ['field', 'missing', 'format'],
  min: ['field', 'missing', 'format'],
  max: ['field', 'missing', 'format'],
  sum: ['field', 'missing', 'format'],
  value_count: ['field', 'missing', 'format'],
  cardinality: ['field', 'precision_threshold', 'missing', 'rehash', 'execution_hint'],
  stats: ['field', 'missing', 'format'],
  extended_stats: ['field', 'missing', 'format', 'sigma'],
  percentiles: ['field', 'percents', 'keyed', 'tdigest', 'hdr', 'missing', 'format', 'compression'],
  median_absolute_deviation: ['field', 'missing', 'format', 'compression'],
  top_hits: ['size', 'from', 'sort', '_source', 'version', 'seq_no_primary_term', 'explain', 'docvalue_fields', 'fields', 'stored_fields', 'track_scores'],
  top_metrics: ['metrics', 'sort', 'size'],
  derivative: ['buckets_path', 'gap_policy', 'format', 'unit'],
  cumulative_sum: ['buckets_path', 'format'],
  bucket_script: ['buckets_path', 'script', 'gap_policy', 'format'],
  bucket_selector: ['buckets_path', 'script', 'gap_policy'],
  bucket_sort: ['sort', 'from', 'size', 'gap_policy'],
  serial_diff: ['buckets_path', 'lag', 'gap_policy', 'format'],
  sum_bucket: ['buckets_path', 'gap_policy', 'format'],
  max_bucket: ['buckets_path', 'gap_policy', 'format'],
  min_bucket: ['buckets_path', 'gap_policy', 'format'],
  avg_bucket: ['buckets_path', 'gap_policy', 'format'],
  stats_bucket: ['buckets_path', 'gap_policy', 'format'],
};

// =============================================================================================
// Parsing

export function parseAggs(v: unknown, root: unknown, path: Path, flavor: Flavor, parent?: AggDef): AggDef[] {
  if (!isPlainObject(v)) throw parsingException(`Unexpected token ${tokenName(v)} in [${String(path[path.length - 1])}].`, locate(root, path));
  const out: AggDef[] = [];
  for (const [name, spec] of Object.entries(v)) {
    const p = [...path, name];
    if (/[[\]>]/.test(name)) {
      throw parsingException(`Invalid aggregation name [${name}]. Aggregation names can contain any character except '[', ']', and '>'`, locate(root, p));
    }
    if (!isPlainObject(spec)) throw parsingException(`Expected [START_OBJECT] under [${name}], but got a [${tokenName(spec)}] in [${name}]`, locate(root, p));
    let type: string | undefined;
    let body: unknown;
    let subsRaw: unknown;
    let subsKey = '';
    let meta: unknown;
    for (const [k, val] of Object.entries(spec)) {
      if (k === 'aggs' || k === 'aggregations') {
        if (subsRaw !== undefined) throw parsingException(`Found two sub aggregation definitions under [${name}]`, locate(root, [...p, k]));
        subsRaw = val;
        subsKey = k;
        continue;
      }
      if (k === 'meta') {
        meta = val;
        continue;
      }
      if (type !== undefined) throw parsingException(`Found two aggregation type definitions in [${name}]: [${type}] and [${k}]`, locate(root, [...p, k]));
      type = k;
      body = val;
    }
    if (type === undefined) throw parsingException(`Missing definition for aggregation [${name}]`, locate(root, p));
    const tp = [...p, type];
    const known = [...METRICS, ...BUCKETS, ...PARENT_PIPELINES, ...SIBLING_PIPELINES];
    if (!known.includes(type)) {
      const loc = locate(root, tp);
      if (KNOWN_UNSUPPORTED.includes(type)) throw parsingException(`[${type}] aggregation is not supported by the practice cluster`, loc);
      const caused: ErrorBody = { type: 'named_object_not_found_exception', reason: `[${loc.line}:${loc.col}] unknown field [${type}]` };
      throw parsingException(`Unknown aggregation type [${type}]${didYouMean(type, known)}`, loc, caused);
    }
    if (!isPlainObject(body)) throw parsingException(`Expected [START_OBJECT] under [${type}], but got a [${tokenName(body)}] in [${name}]`, locate(root, tp));
    const def: AggDef = { name, type, p: body, subs: [], path: tp };
    if (meta !== undefined) def.meta = meta;
    validateParams(def, root, flavor);
    if (subsRaw !== undefined) {
      if (METRICS.includes(type) || PARENT_PIPELINES.includes(type) || SIBLING_PIPELINES.includes(type)) {
        throw new EsError(400, 'aggregation_initialization_exception', `Aggregator [${name}] of type [${type}] cannot accept sub-aggregations`);
      }
      def.subs = parseAggs(subsRaw, root, [...p, subsKey], flavor, def);
    }
    if (PARENT_PIPELINES.includes(type)) checkParentPipeline(def, parent);
    out.push(def);
  }
  return out;
}

function checkParentPipeline(def: AggDef, parent: AggDef | undefined): void {
  if (def.type === 'derivative' || def.type === 'cumulative_sum' || def.type === 'serial_diff') {
    if (!parent) throw illegalArgument(`${def.type} aggregation [${def.name}] must have a histogram, date_histogram or auto_date_histogram as parent but doesn't have a parent`);
    if (parent.type !== 'histogram' && parent.type !== 'date_histogram') {
      throw illegalArgument(`${def.type} aggregation [${def.name}] must have a histogram, date_histogram or auto_date_histogram as parent`);
    }
    const minDoc = parent.p.min_doc_count;
    if (minDoc !== undefined && Number(minDoc) > 0 && def.type !== 'derivative') {
      throw illegalArgument(`parent histogram of ${def.type} aggregation [${def.name}] must have min_doc_count of 0`);
    }
    return;
  }
  if (!parent) throw illegalArgument(`${def.type} aggregation [${def.name}] must be declared inside of another aggregation`);
}

function validateParams(def: AggDef, root: unknown, flavor: Flavor): void {
  const { type, p, path } = def;
  if (type === 'filter') {
    def.query = new QueryParser(root).parse(p, path.slice(0, -1).concat(type));
    return;
  }
  const allowed = PARAMS[type] ?? [];
  for (const k of Object.keys(p)) {
    if (k === 'script' && type !== 'bucket_script' && type !== 'bucket_selector') throw illegalArgument(`[script] is not supported by the practice cluster in aggregation [${def.name}]`);
    if (type === 'date_histogram' && k === 'interval' && flavor === '7') continue;
    if (!allowed.includes(k)) throw xContentParse(locate(root, [...path, k]), `[${type}] unknown field [${k}]${didYouMean(k, allowed)}`);
  }
  const needsField = ['terms', 'date_histogram', 'histogram', 'range', 'date_range', 'missing', 'avg', 'min', 'max', 'sum', 'value_count', 'cardinality', 'stats', 'extended_stats', 'percentiles', 'median_absolute_deviation'];
  if (needsField.includes(type) && typeof p.field !== 'string') {
    throw illegalArgument(`Required one of fields [field, script], but none were specified.`);
  }
  switch (type) {
    case 'filters': {
      const f = p.filters;
      const qp = new QueryParser(root);
      if (Array.isArray(f)) def.filters = f.map((q, i) => ({ key: String(i), q: qp.parse(q, [...path, 'filters', i]) }));
      else if (isPlainObject(f)) def.filters = Object.entries(f).map(([k, q]) => ({ key: k, q: qp.parse(q, [...path, 'filters', k]) }));
      else throw parsingException(`[filters] cannot be empty.`, locate(root, path));
      break;
    }
    case 'top_hits':
      if (p.sort !== undefined) def.sort = parseSort(p.sort, root, [...path, 'sort']);
      break;
    case 'top_metrics':
      if (p.metrics === undefined) throw illegalArgument('[metrics] must not be null');
      def.sort = parseSort(p.sort ?? '_score', root, [...path, 'sort']);
      break;
    case 'bucket_script':
    case 'bucket_selector':
      if (p.buckets_path === undefined) throw illegalArgument(`[buckets_path] must be set for ${type} aggregation [${def.name}]`);
      try {
        def.script = compileScript(p.script);
      } catch (e) {
        if (e instanceof ScriptError) throw new EsError(400, 'script_exception', 'compile error', { script: String(isPlainObject(p.script) ? p.script.source : p.script), lang: 'painless' }, { type: 'illegal_argument_exception', reason: e.message });
        throw e;
      }
      break;
    case 'bucket_sort':
      if (p.sort !== undefined) def.sort = parseSort(p.sort, root, [...path, 'sort']);
      break;
    case 'terms':
      if (p.size !== undefined && (typeof p.size !== 'number' || p.size < 1)) throw illegalArgument(`[size] must be greater than 0. Found [${String(p.size)}] in [${def.name}]`);
      break;
    case 'histogram':
      if (typeof p.interval !== 'number' || p.interval <= 0) throw illegalArgument(`[interval] must be >0 for histogram aggregation [${def.name}]`);
      break;
    case 'range':
    case 'date_range':
      if (!Array.isArray(p.ranges) || p.ranges.length === 0) throw illegalArgument(`No [ranges] specified for the [${def.name}] aggregation`);
      break;
    case 'composite':
      if (!Array.isArray(p.sources)) throw illegalArgument(`Composite [sources] cannot be null or empty`);
      break;
    default:
      if ((PARENT_PIPELINES.includes(type) || SIBLING_PIPELINES.includes(type)) && type !== 'bucket_sort' && p.buckets_path === undefined) {
        throw illegalArgument(`[buckets_path] must be set for ${type} aggregation [${def.name}]`);
      }
  }
}

// =============================================================================================
// Evaluation

type Out = Record<string, unknown>;

function docCount(docs: DocSet): number {
  let n = 0;
  for (const s of docs) n += s.pos.length;
  return n;
}

export function evalAggs(defs: AggDef[], docs: DocSet, ctx: AggCtx): Out {
  const out: Out = {};
  for (const def of defs) {
    if (PARENT_PIPELINES.includes(def.type) || SIBLING_PIPELINES.includes(def.type)) continue;
    const r = evalOne(def, docs, ctx);
    if (def.meta !== undefined) r.meta = def.meta;
    out[def.name] = r;
  }
  for (const def of defs) {
    if (!SIBLING_PIPELINES.includes(def.type)) continue;
    out[def.name] = siblingPipeline(def, out, defs);
  }
  return out;
}

function evalOne(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  switch (def.type) {
    case 'avg':
    case 'min':
    case 'max':
    case 'sum':
    case 'stats':
    case 'extended_stats':
      return numericStats(def, docs, ctx);
    case 'value_count':
    case 'cardinality':
      return countValues(def, docs, ctx);
    case 'percentiles':
    case 'median_absolute_deviation':
      return percentiles(def, docs, ctx);
    case 'top_hits':
      return ctx.topHits(docs, def);
    case 'top_metrics':
      return topMetrics(def, docs, ctx);
    case 'terms':
      return terms(def, docs, ctx);
    case 'date_histogram':
    case 'histogram':
      return histogram(def, docs, ctx);
    case 'range':
    case 'date_range':
      return ranges(def, docs, ctx);
    case 'filter':
      return single(def, filterDocs(docs, def.query as QueryNode, ctx), ctx);
    case 'filters':
      return filtersAgg(def, docs, ctx);
    case 'missing': {
      const field = def.p.field as string;
      const sub = docs.map((s) => {
        const r = s.ix.reader(field);
        return { ix: s.ix, pos: s.pos.filter((p) => r.values(p).length === 0) };
      });
      return single(def, sub, ctx);
    }
    case 'global':
      return single(def, ctx.allDocs(), ctx);
    case 'composite':
      return composite(def, docs, ctx);
  }
  throw illegalArgument(`aggregation [${def.type}] is not supported`);
}

function single(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  return { doc_count: docCount(docs), ...evalAggs(def.subs, docs, ctx) };
}

function filterDocs(docs: DocSet, q: QueryNode, ctx: AggCtx): DocSet {
  return docs.map((s) => {
    const b = bindQuery(q, { ix: s.ix, now: ctx.now, timeField: '@timestamp' });
    if (b.all) return s;
    if (b.none) return { ix: s.ix, pos: [] };
    const m: Matcher = b.ts ? tsChecked(b.m, s.ix, b.ts) : b.m;
    return { ix: s.ix, pos: s.pos.filter((p) => m(p) >= 0) };
  });
}

function tsChecked(m: Matcher, ix: IndexState, ts: { lo: number; hi: number }): Matcher {
  return (pos) => {
    const t = ix.store.ts[pos] as number;
    return t < ts.lo || t > ts.hi ? -1 : m(pos);
  };
}

function countBuckets(ctx: AggCtx, n: number): void {
  ctx.buckets.n += n;
  if (ctx.buckets.n > ctx.maxBuckets) {
    throw new ShardFailure(400, {
      type: 'too_many_buckets_exception',
      reason: `Trying to create too many buckets. Must be less than or equal to: [${ctx.maxBuckets}] but was [${ctx.buckets.n}]. This limit can be set by changing the [search.max_buckets] cluster level setting.`,
      max_buckets: ctx.maxBuckets,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Value sources

interface Source {
  def: FieldDef | undefined;
  values(seg: Seg, pos: number): readonly Val[];
}

function missingValue(def: FieldDef | undefined, v: unknown, ctx: AggCtx): Val | undefined {
  if (v === undefined || v === null) return undefined;
  if (!def) return typeof v === 'number' ? v : String(v);
  switch (def.family) {
    case 'numeric':
      return Number(v);
    case 'date':
      try {
        return resolveDateMath(v, { now: ctx.now, format: def.format });
      } catch {
        throw illegalArgument(`failed to parse date field [${String(v)}] with format [${def.format}]`);
      }
    case 'boolean':
      return v === true || v === 'true' ? 1 : 0;
    default:
      return String(v);
  }
}

type Need = 'numeric' | 'any' | 'keyed';

function source(def: AggDef, docs: DocSet, ctx: AggCtx, need: Need): Source {
  const field = def.p.field as string;
  const readers = new Map<IndexState, { values: (pos: number) => readonly Val[]; miss: readonly Val[] | undefined }>();
  let firstDef: FieldDef | undefined;
  for (const s of docs) {
    if (readers.has(s.ix)) continue;
    const r = s.ix.reader(field);
    const fd = r.def && r.def.family !== 'object' ? r.def : undefined;
    if (fd) {
      if (fd.family === 'text' && !fd.fielddata) throw fielddataError(fd, s.ix, ctx.flavor);
      if (need === 'numeric' && fd.family !== 'numeric' && fd.family !== 'date' && fd.family !== 'boolean') {
        throw new ShardFailure(400, { type: 'illegal_argument_exception', reason: `Field [${fd.name}] of type [${fd.type}] is not supported for aggregation [${def.type}]` });
      }
      firstDef ??= fd;
    }
    const mv = missingValue(fd, def.p.missing, ctx);
    readers.set(s.ix, { values: fd ? r.values : () => [], miss: mv === undefined ? undefined : [mv] });
  }
  return {
    def: firstDef,
    values(seg, pos) {
      const r = readers.get(seg.ix);
      if (!r) return [];
      const v = r.values(pos);
      if (v.length === 0 && r.miss) return r.miss;
      return v;
    },
  };
}

function fmtValue(def: FieldDef | undefined, v: number, format: unknown): string | undefined {
  if (typeof format === 'string' && def?.family !== 'date') return formatNumber(v, format);
  if (def?.family === 'date') return formatDate(v, typeof format === 'string' ? format : def.format);
  return undefined;
}

/** DecimalFormat-style patterns (`0.00`, `#,##0.0`). */
function formatNumber(v: number, pattern: string): string {
  const m = /0(?:\.(0+))?/.exec(pattern.replace(/#/g, ''));
  const decimals = m?.[1]?.length ?? 0;
  let s = v.toFixed(decimals);
  if (pattern.includes(',')) {
    const [int, frac] = s.split('.');
    s = (int as string).replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac !== undefined ? `.${frac}` : '');
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Metrics

function numericStats(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  const src = source(def, docs, ctx, 'numeric');
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const seg of docs) {
    for (const pos of seg.pos) {
      const vals = src.values(seg, pos);
      for (let i = 0; i < vals.length; i += 1) {
        const v = vals[i] as number;
        count += 1;
        sum += v;
        sumSq += v * v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  }
  const fd = src.def;
  const withString = (o: Out, key: string, v: number | null): Out => {
    o[key] = v;
    if (v !== null) {
      const s = fmtValue(fd, v, def.p.format);
      if (s !== undefined) o[`${key}_as_string`] = s;
    }
    return o;
  };
  switch (def.type) {
    case 'avg':
      return withString({}, 'value', count ? sum / count : null);
    case 'sum':
      return withString({}, 'value', sum);
    case 'min':
      return withString({}, 'value', count ? min : null);
    case 'max':
      return withString({}, 'value', count ? max : null);
  }
  const o: Out = { count };
  withString(o, 'min', count ? min : null);
  withString(o, 'max', count ? max : null);
  withString(o, 'avg', count ? sum / count : null);
  withString(o, 'sum', sum);
  if (def.type === 'extended_stats') {
    const avg = count ? sum / count : NaN;
    const variance = count ? Math.max(0, sumSq / count - avg * avg) : NaN;
    const varianceSampling = count > 1 ? (variance * count) / (count - 1) : NaN;
    const sigma = typeof def.p.sigma === 'number' ? def.p.sigma : 2;
    const nn = (x: number) => (Number.isFinite(x) ? x : null);
    o.sum_of_squares = count ? sumSq : null;
    o.variance = nn(variance);
    o.variance_population = nn(variance);
    o.variance_sampling = nn(varianceSampling);
    o.std_deviation = nn(Math.sqrt(variance));
    o.std_deviation_population = nn(Math.sqrt(variance));
    o.std_deviation_sampling = nn(Math.sqrt(varianceSampling));
    o.std_deviation_bounds = {
      upper: nn(avg + sigma * Math.sqrt(variance)),
      lower: nn(avg - sigma * Math.sqrt(variance)),
      upper_population: nn(avg + sigma * Math.sqrt(variance)),
      lower_population: nn(avg - sigma * Math.sqrt(variance)),
      upper_sampling: nn(avg + sigma * Math.sqrt(varianceSampling)),
      lower_sampling: nn(avg - sigma * Math.sqrt(varianceSampling)),
    };
  }
  return o;
}

function countValues(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  const src = source(def, docs, ctx, 'any');
  if (def.type === 'value_count') {
    let n = 0;
    for (const seg of docs) for (const pos of seg.pos) n += src.values(seg, pos).length;
    return { value: n };
  }
  const set = new Set<Val>();
  for (const seg of docs) for (const pos of seg.pos) for (const v of src.values(seg, pos)) set.add(v);
  return { value: set.size };
}

function collectNumbers(def: AggDef, docs: DocSet, ctx: AggCtx): { vals: number[]; src: Source } {
  const src = source(def, docs, ctx, 'numeric');
  const vals: number[] = [];
  for (const seg of docs) for (const pos of seg.pos) for (const v of src.values(seg, pos)) vals.push(v as number);
  vals.sort((a, b) => a - b);
  return { vals, src };
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  if (sorted.length === 1) return sorted[0] as number;
  const pos = (q / 100) * sorted.length - 0.5;
  if (pos <= 0) return sorted[0] as number;
  if (pos >= sorted.length - 1) return sorted[sorted.length - 1] as number;
  const lo = Math.floor(pos);
  const f = pos - lo;
  return (sorted[lo] as number) * (1 - f) + (sorted[lo + 1] as number) * f;
}

function percentiles(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  const { vals, src } = collectNumbers(def, docs, ctx);
  if (def.type === 'median_absolute_deviation') {
    const med = quantile(vals, 50);
    if (med === null) return { value: null };
    const dev = vals.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
    return { value: quantile(dev, 50) };
  }
  const percents = Array.isArray(def.p.percents) ? def.p.percents.map(Number) : [1, 5, 25, 50, 75, 95, 99];
  const keyed = def.p.keyed !== false;
  const entries = percents.map((p) => {
    const v = quantile(vals, p);
    return { key: p, value: v, str: v === null ? undefined : fmtValue(src.def, v, def.p.format) };
  });
  if (keyed) {
    const values: Out = {};
    for (const e of entries) {
      const k = Number.isInteger(e.key) ? `${e.key}.0` : String(e.key);
      values[k] = e.value;
      if (e.str !== undefined) values[`${k}_as_string`] = e.str;
    }
    return { values };
  }
  return { values: entries.map((e) => ({ key: e.key, value: e.value, ...(e.str !== undefined ? { value_as_string: e.str } : {}) })) };
}

function topMetrics(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  const metrics = (Array.isArray(def.p.metrics) ? def.p.metrics : [def.p.metrics]).map((m) => {
    if (!isPlainObject(m) || typeof m.field !== 'string') throw illegalArgument('[metrics] must specify a [field]');
    return m.field;
  });
  const size = typeof def.p.size === 'number' ? def.p.size : 1;
  const plan = makeSortPlan(def.sort as SortSpec[], ctx.flavor);
  const rows: { keys: (number | string | null)[]; seg: Seg; pos: number }[] = [];
  for (const seg of docs) {
    const fns = plan.keyFns(seg.ix);
    seg.pos.forEach((pos, i) => rows.push({ keys: fns.map((f) => f(pos, seg.scores?.[i] ?? 1)), seg, pos }));
  }
  rows.sort((a, b) => plan.compare(a.keys, b.keys));
  const top = rows.slice(0, size).map((r) => {
    const m: Out = {};
    for (const f of metrics) {
      const rd = r.seg.ix.reader(f);
      const v = rd.values(r.pos)[0];
      m[f] = v === undefined ? null : rd.def?.family === 'date' ? formatDate(v as number, rd.def.format) : v;
    }
    return { sort: r.keys.map((k, i) => plan.render(i, k, r.seg.ix)), metrics: m };
  });
  return { top };
}

// ---------------------------------------------------------------------------------------------
// Buckets

interface Acc {
  key: Val;
  count: number;
  segs: Seg[];
  lastIx?: IndexState;
}

function addTo(acc: Acc, seg: Seg, pos: number, collect: boolean): void {
  acc.count += 1;
  if (!collect) return;
  if (acc.lastIx !== seg.ix) {
    acc.segs.push({ ix: seg.ix, pos: [] });
    acc.lastIx = seg.ix;
  }
  (acc.segs[acc.segs.length - 1] as Seg).pos.push(pos);
}

function keyAsString(def: FieldDef | undefined, key: Val, format: unknown, zone?: Zone): string | undefined {
  if (!def) return undefined;
  if (def.family === 'date') return formatDate(key as number, typeof format === 'string' ? format : def.format, zone);
  if (def.family === 'boolean') return key === 1 ? 'true' : 'false';
  if (typeof format === 'string' && typeof key === 'number') return formatNumber(key, format);
  return undefined;
}

interface OrderSpec {
  path: string;
  asc: boolean;
}

function parseOrder(v: unknown, dflt: OrderSpec[]): OrderSpec[] {
  if (v === undefined) return dflt;
  const list = Array.isArray(v) ? v : [v];
  const out: OrderSpec[] = [];
  for (const item of list) {
    if (!isPlainObject(item)) continue;
    for (const [k, dir] of Object.entries(item)) {
      const d = String(dir).toLowerCase();
      if (d !== 'asc' && d !== 'desc') throw illegalArgument(`Unknown order direction [${String(dir)}]`);
      out.push({ path: k === '_term' ? '_key' : k, asc: d === 'asc' });
    }
  }
  return out;
}

function compareKeys(a: Val, b: Val): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function validateOrderPath(def: AggDef, order: OrderSpec[]): void {
  for (const o of order) {
    if (o.path === '_count' || o.path === '_key') continue;
    const head = o.path.split(/[.>[]/)[0] as string;
    const sub = def.subs.find((s) => s.name === head);
    if (!sub || PARENT_PIPELINES.includes(sub.type) || SIBLING_PIPELINES.includes(sub.type)) {
      throw new EsError(400, 'aggregation_execution_exception', `Invalid aggregator order path [${o.path}]. The provided aggregation [${head}] either does not exist, or is a pipeline aggregation and cannot be used to sort the buckets.`);
    }
    if (!['filter', 'missing', 'global'].includes(sub.type) && BUCKETS.includes(sub.type)) {
      throw new EsError(400, 'aggregation_execution_exception', `Invalid aggregation order path [${o.path}]. Buckets can only be sorted on a sub-aggregator path that is built out of zero or more single-bucket aggregations within the path and a final single-bucket or a metrics aggregation at the path end.`);
    }
  }
}

function sortBuckets(buckets: Out[], order: OrderSpec[]): void {
  buckets.sort((a, b) => {
    for (const o of order) {
      let c: number;
      if (o.path === '_key') c = compareKeys(a.key as Val, b.key as Val);
      else if (o.path === '_count') c = (a.doc_count as number) - (b.doc_count as number);
      else {
        const x = resolvePath(a, o.path);
        const y = resolvePath(b, o.path);
        // Buckets without a value go last whatever the direction.
        if (x === null && y === null) c = 0;
        else if (x === null) return 1;
        else if (y === null) return -1;
        else c = x - y;
      }
      if (c !== 0) return o.asc ? c : -c;
    }
    return 0;
  });
}

function compileIncludeExclude(v: unknown): ((k: Val) => boolean) | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    const set = new Set(v.map(String));
    return (k) => set.has(String(k));
  }
  if (typeof v === 'string') {
    const re = new RegExp(`^(?:${v})$`, 'u');
    return (k) => re.test(String(k));
  }
  if (isPlainObject(v) && typeof v.partition === 'number' && typeof v.num_partitions === 'number') {
    const part = v.partition;
    const n = v.num_partitions;
    return (k) => {
      let h = 0;
      for (const ch of String(k)) h = (Math.imul(h, 31) + (ch.codePointAt(0) ?? 0)) | 0;
      return Math.abs(h) % n === part;
    };
  }
  throw illegalArgument('Unsupported include/exclude value');
}

function terms(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  const src = source(def, docs, ctx, 'keyed');
  const size = typeof def.p.size === 'number' ? def.p.size : 10;
  const minDoc = typeof def.p.min_doc_count === 'number' ? def.p.min_doc_count : 1;
  const order = parseOrder(def.p.order, [{ path: '_count', asc: false }]);
  validateOrderPath(def, order);
  if (!order.some((o) => o.path === '_key')) order.push({ path: '_key', asc: true });
  const include = compileIncludeExclude(def.p.include);
  const exclude = compileIncludeExclude(def.p.exclude);
  const collect = def.subs.length > 0;
  const accs = new Map<Val, Acc>();
  for (const seg of docs) {
    for (const pos of seg.pos) {
      const vals = src.values(seg, pos);
      if (vals.length === 1) {
        const k = vals[0] as Val;
        let a = accs.get(k);
        if (!a) {
          a = { key: k, count: 0, segs: [] };
          accs.set(k, a);
        }
        addTo(a, seg, pos, collect);
      } else if (vals.length > 1) {
        for (const k of new Set(vals)) {
          let a = accs.get(k);
          if (!a) {
            a = { key: k, count: 0, segs: [] };
            accs.set(k, a);
          }
          addTo(a, seg, pos, collect);
        }
      }
    }
  }
  if (minDoc === 0) {
    // ES lists every term of the searched indices, matched or not.
    const all = ctx.allDocs();
    const allSrc = source(def, all, ctx, 'keyed');
    for (const seg of all) for (const pos of seg.pos) for (const k of allSrc.values(seg, pos)) if (!accs.has(k)) accs.set(k, { key: k, count: 0, segs: [] });
  }
  let list = [...accs.values()];
  if (include) list = list.filter((a) => include(a.key));
  if (exclude) list = list.filter((a) => !exclude(a.key));
  list = list.filter((a) => a.count >= minDoc);
  const needsSubsForOrder = order.some((o) => o.path !== '_key' && o.path !== '_count');
  const fd = src.def;
  const toBucket = (a: Acc, withSubs: boolean): Out => {
    const b: Out = { key: a.key };
    const kas = keyAsString(fd, a.key, def.p.format);
    if (kas !== undefined) b.key_as_string = kas;
    b.doc_count = a.count;
    if (withSubs) Object.assign(b, evalAggs(def.subs, a.segs, ctx));
    return b;
  };
  let buckets: Out[];
  let total = 0;
  for (const a of list) total += a.count;
  if (needsSubsForOrder) {
    buckets = list.map((a) => toBucket(a, true));
    sortBuckets(buckets, order);
    buckets = buckets.slice(0, size);
  } else {
    const tmp = list.map((a) => ({ key: a.key, doc_count: a.count, acc: a }) as Out);
    sortBuckets(tmp, order);
    buckets = tmp.slice(0, size).map((t) => toBucket(t.acc as Acc, true));
  }
  countBuckets(ctx, buckets.length);
  let shown = 0;
  for (const b of buckets) shown += b.doc_count as number;
  applyParentPipelines(def, buckets, ctx, undefined);
  return { doc_count_error_upper_bound: 0, sum_other_doc_count: total - shown, buckets };
}

function histogram(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  const isDate = def.type === 'date_histogram';
  const src = source(def, docs, ctx, 'numeric');
  const p = def.p;
  let zone: Zone = UTC;
  if (typeof p.time_zone === 'string') {
    try {
      zone = parseZone(p.time_zone);
    } catch (e) {
      throw illegalArgument((e as Error).message);
    }
  }
  let interval = 0;
  let calendar: CalendarUnit | undefined;
  let offset = 0;
  if (isDate) {
    const given = ['calendar_interval', 'fixed_interval', 'interval'].filter((k) => p[k] !== undefined);
    if (given.length === 0) throw illegalArgument('Invalid interval specified, must be non-null and non-empty');
    if (p.calendar_interval !== undefined && p.fixed_interval !== undefined) throw illegalArgument('Cannot use [fixed_interval] with [calendar_interval] configuration option.');
    if (p.interval !== undefined && given.length > 1) throw illegalArgument(`Cannot use [interval] with [${given.find((g) => g !== 'interval')}] configuration option.`);
    if (p.calendar_interval !== undefined) {
      calendar = parseCalendarInterval(p.calendar_interval);
      if (!calendar) throw illegalArgument(`The supplied interval [${String(p.calendar_interval)}] could not be parsed as a calendar interval.`);
    } else if (p.fixed_interval !== undefined) {
      const ms = parseTimeValue(p.fixed_interval);
      if (ms === undefined) throw illegalArgument(`failed to parse setting [date_histogram.fixedInterval] with value [${String(p.fixed_interval)}] as a time value: unit is missing or unrecognized`);
      interval = ms;
    } else {
      calendar = parseCalendarInterval(p.interval);
      if (!calendar) {
        const ms = typeof p.interval === 'number' ? p.interval : parseTimeValue(p.interval);
        if (ms === undefined) throw illegalArgument(`failed to parse setting [date_histogram.interval] with value [${String(p.interval)}] as a time value: unit is missing or unrecognized`);
        interval = ms;
      }
    }
    if (p.offset !== undefined) {
      const s = String(p.offset);
      const neg = s.startsWith('-');
      const ms = typeof p.offset === 'number' ? Math.abs(p.offset) : parseTimeValue(s.replace(/^[+-]/, ''));
      if (ms === undefined) throw illegalArgument(`failed to parse setting [date_histogram.offset] with value [${s}] as a time value: unit is missing or unrecognized`);
      offset = neg ? -ms : ms;
    }
  } else {
    interval = p.interval as number;
    offset = typeof p.offset === 'number' ? p.offset : 0;
  }
  const floor = (v: number): number => {
    if (!isDate) return Math.floor((v - offset) / interval) * interval + offset;
    if (calendar) return calendarFloor(v - offset, calendar, zone) + offset;
    return fixedFloor(v, interval, offset, zone);
  };
  const next = (k: number): number => {
    if (!isDate) return k + interval;
    if (calendar) return calendarNext(k - offset, calendar, zone) + offset;
    return k + interval;
  };
  const minDoc = typeof p.min_doc_count === 'number' ? p.min_doc_count : 0;
  const collect = def.subs.length > 0;
  const accs = new Map<number, Acc>();
  let hardMin = -Infinity;
  let hardMax = Infinity;
  const bound = (v: unknown): number | undefined => {
    if (v === undefined || v === null) return undefined;
    if (!isDate) return Number(v);
    try {
      return resolveDateMath(v, { now: ctx.now, format: typeof p.format === 'string' ? `${p.format}||${DEFAULT_DATE_FORMAT}` : (src.def?.format ?? DEFAULT_DATE_FORMAT), zone });
    } catch (e) {
      if (e instanceof DateParseError) throw new ShardFailure(400, { type: 'parse_exception', reason: e.message });
      throw e;
    }
  };
  if (isPlainObject(p.hard_bounds)) {
    hardMin = bound(p.hard_bounds.min) ?? -Infinity;
    hardMax = bound(p.hard_bounds.max) ?? Infinity;
  }
  for (const seg of docs) {
    for (const pos of seg.pos) {
      const vals = src.values(seg, pos);
      if (vals.length === 0) continue;
      let prevKey = NaN;
      for (let i = 0; i < vals.length; i += 1) {
        const v = vals[i] as number;
        if (v < hardMin || v > hardMax) continue;
        const k = floor(v);
        if (k === prevKey) continue;
        prevKey = k;
        let a = accs.get(k);
        if (!a) {
          a = { key: k, count: 0, segs: [] };
          accs.set(k, a);
        }
        if (vals.length > 1 && a.segs.length > 0 && a.lastIx === seg.ix && (a.segs[a.segs.length - 1] as Seg).pos.at(-1) === pos) continue;
        addTo(a, seg, pos, collect || vals.length > 1);
      }
    }
  }
  let keys = [...accs.keys()].sort((a, b) => a - b);
  if (minDoc === 0) {
    let lo = keys[0];
    let hi = keys[keys.length - 1];
    if (isPlainObject(p.extended_bounds)) {
      const emin = bound(p.extended_bounds.min);
      const emax = bound(p.extended_bounds.max);
      if (emin !== undefined && emax !== undefined && emin > emax) {
        throw illegalArgument(`[extended_bounds.min][${emin}] cannot be greater than [extended_bounds.max][${emax}] for histogram [${def.name}]`);
      }
      if (emin !== undefined) lo = lo === undefined ? floor(emin) : Math.min(lo, floor(Math.max(emin, hardMin)));
      if (emax !== undefined) hi = hi === undefined ? floor(emax) : Math.max(hi, floor(Math.min(emax, hardMax)));
      if (lo === undefined && hi !== undefined) lo = hi;
      if (hi === undefined && lo !== undefined) hi = lo;
    }
    if (lo !== undefined && hi !== undefined) {
      const filled: number[] = [];
      for (let k = lo; k <= hi; k = next(k)) {
        filled.push(k);
        if (filled.length + ctx.buckets.n > ctx.maxBuckets) countBuckets(ctx, filled.length);
      }
      keys = filled;
    }
  } else {
    keys = keys.filter((k) => (accs.get(k)?.count ?? 0) >= minDoc);
  }
  countBuckets(ctx, keys.length);
  const fd = src.def;
  let buckets: Out[] = keys.map((k) => {
    const a = accs.get(k) ?? { key: k, count: 0, segs: [] };
    const b: Out = {};
    const kas = isDate ? formatDate(k, typeof p.format === 'string' ? p.format : (fd?.format ?? DEFAULT_DATE_FORMAT), zone) : keyAsString(fd, k, p.format);
    if (kas !== undefined) b.key_as_string = kas;
    b.key = k;
    b.doc_count = a.count;
    Object.assign(b, evalAggs(def.subs, a.segs, ctx));
    return b;
  });
  if (p.order !== undefined) {
    const order = parseOrder(p.order, []);
    validateOrderPath(def, order);
    sortBuckets(buckets, order);
  }
  buckets = applyParentPipelines(def, buckets, ctx, { interval: calendar ? undefined : interval });
  if (p.keyed === true) {
    const keyed: Out = {};
    for (const b of buckets) keyed[String(b.key_as_string ?? b.key)] = b;
    return { buckets: keyed };
  }
  return { buckets };
}

function ranges(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  const isDate = def.type === 'date_range';
  const src = source(def, docs, ctx, 'numeric');
  const fd = src.def;
  let zone: Zone = UTC;
  if (typeof def.p.time_zone === 'string') zone = parseZone(def.p.time_zone);
  const fmt = typeof def.p.format === 'string' ? def.p.format : fd?.format;
  const parseBound = (v: unknown): number | undefined => {
    if (v === undefined || v === null) return undefined;
    if (!isDate) return Number(v);
    return resolveDateMath(v, { now: ctx.now, format: fmt ?? DEFAULT_DATE_FORMAT, zone });
  };
  const specs = (def.p.ranges as unknown[]).map((r) => {
    if (!isPlainObject(r)) throw illegalArgument('[ranges] must contain objects');
    return { from: parseBound(r.from), to: parseBound(r.to), key: typeof r.key === 'string' ? r.key : undefined };
  });
  const str = (v: number): string => (isDate ? formatDate(v, fmt ?? DEFAULT_DATE_FORMAT, zone) : Number.isInteger(v) ? `${v}.0` : String(v));
  const buckets = specs.map((r) => {
    const segs: Seg[] = [];
    let count = 0;
    for (const seg of docs) {
      const pos = seg.pos.filter((p) => src.values(seg, p).some((v) => (r.from === undefined || (v as number) >= r.from) && (r.to === undefined || (v as number) < r.to)));
      count += pos.length;
      if (pos.length) segs.push({ ix: seg.ix, pos });
    }
    const key = r.key ?? `${r.from === undefined ? '*' : str(r.from)}-${r.to === undefined ? '*' : str(r.to)}`;
    const b: Out = { key };
    if (r.from !== undefined) {
      b.from = r.from;
      if (isDate) b.from_as_string = str(r.from);
    }
    if (r.to !== undefined) {
      b.to = r.to;
      if (isDate) b.to_as_string = str(r.to);
    }
    b.doc_count = count;
    Object.assign(b, evalAggs(def.subs, segs, ctx));
    return b;
  });
  countBuckets(ctx, buckets.length);
  if (def.p.keyed === true) {
    const keyed: Out = {};
    for (const b of buckets) {
      const { key, ...rest } = b;
      keyed[String(key)] = rest;
    }
    return { buckets: keyed };
  }
  return { buckets };
}

function filtersAgg(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  const filters = def.filters ?? [];
  const keyed = def.p.keyed !== false && !Array.isArray(def.p.filters);
  const results = filters.map((f) => ({ key: f.key, docs: filterDocs(docs, f.q, ctx) }));
  const buckets: Out[] = results.map((r) => ({ key: r.key, doc_count: docCount(r.docs), ...evalAggs(def.subs, r.docs, ctx) }));
  if (def.p.other_bucket === true || typeof def.p.other_bucket_key === 'string') {
    const other = docs.map((seg, i) => {
      const hit = new Set<number>();
      for (const r of results) for (const p of (r.docs[i] as Seg).pos) hit.add(p);
      return { ix: seg.ix, pos: seg.pos.filter((p) => !hit.has(p)) };
    });
    buckets.push({ key: typeof def.p.other_bucket_key === 'string' ? def.p.other_bucket_key : '_other_', doc_count: docCount(other), ...evalAggs(def.subs, other, ctx) });
  }
  countBuckets(ctx, buckets.length);
  if (keyed) {
    const out: Out = {};
    for (const b of buckets) {
      const { key, ...rest } = b;
      out[String(key)] = rest;
    }
    return { buckets: out };
  }
  return { buckets: buckets.map(({ key: _key, ...rest }) => rest) };
}

function composite(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  const sources = (def.p.sources as unknown[]).map((s) => {
    if (!isPlainObject(s) || Object.keys(s).length !== 1) throw illegalArgument('Composite [sources] must be objects with a single key');
    const name = Object.keys(s)[0] as string;
    const spec = s[name];
    if (!isPlainObject(spec) || Object.keys(spec).length !== 1) throw illegalArgument(`Invalid source [${name}]`);
    const type = Object.keys(spec)[0] as string;
    const body = spec[type] as Record<string, unknown>;
    if (!['terms', 'date_histogram', 'histogram'].includes(type)) throw illegalArgument(`[${type}] is not supported as a composite source by the practice cluster`);
    const sub: AggDef = { name, type, p: { ...body }, subs: [], path: def.path };
    delete sub.p.missing_bucket;
    delete sub.p.order;
    return { name, type, sub, asc: String(body.order ?? 'asc') !== 'desc', missingBucket: body.missing_bucket === true };
  });
  const size = typeof def.p.size === 'number' ? def.p.size : 10;
  type Key = (Val | null)[];
  const accs = new Map<string, { key: Key; count: number; segs: Seg[]; lastIx?: IndexState }>();
  const srcs = sources.map((s) => ({ s, src: source(s.sub, docs, ctx, 'keyed'), floor: histogramFloor(s.sub) }));
  for (const seg of docs) {
    for (const pos of seg.pos) {
      let combos: Key[] = [[]];
      for (const { s, src, floor } of srcs) {
        const vals = [...new Set(src.values(seg, pos).map((v) => (floor ? floor(v as number) : v)))];
        if (vals.length === 0) {
          if (!s.missingBucket) {
            combos = [];
            break;
          }
          combos = combos.map((c) => [...c, null]);
        } else combos = combos.flatMap((c) => vals.map((v) => [...c, v]));
      }
      for (const key of combos) {
        const id = JSON.stringify(key);
        let a = accs.get(id);
        if (!a) {
          a = { key, count: 0, segs: [] };
          accs.set(id, a);
        }
        addTo(a as unknown as Acc, seg, pos, def.subs.length > 0);
      }
    }
  }
  const cmp = (x: Key, y: Key): number => {
    for (let i = 0; i < sources.length; i += 1) {
      const a = x[i] ?? null;
      const b = y[i] ?? null;
      if (a === b) continue;
      const asc = (sources[i] as { asc: boolean }).asc;
      if (a === null) return -1;
      if (b === null) return 1;
      const c = compareKeys(a, b);
      if (c !== 0) return asc ? c : -c;
    }
    return 0;
  };
  let list = [...accs.values()].sort((a, b) => cmp(a.key, b.key));
  if (isPlainObject(def.p.after)) {
    const after = sources.map((s) => {
      const v = (def.p.after as Record<string, unknown>)[s.name];
      if (v === undefined) throw illegalArgument(`[after] has ${Object.keys(def.p.after as object).length} value(s) but [sources] has ${sources.length}`);
      return v as Val | null;
    });
    list = list.filter((a) => cmp(a.key, after) > 0);
  }
  list = list.slice(0, size);
  countBuckets(ctx, list.length);
  const buckets = list.map((a) => {
    const key: Out = {};
    sources.forEach((s, i) => (key[s.name] = a.key[i] ?? null));
    return { key, doc_count: a.count, ...evalAggs(def.subs, a.segs, ctx) };
  });
  const out: Out = {};
  if (buckets.length > 0) out.after_key = (buckets[buckets.length - 1] as Out).key;
  out.buckets = buckets;
  return out;
}

function histogramFloor(def: AggDef): ((v: number) => number) | undefined {
  if (def.type === 'histogram') {
    const i = Number(def.p.interval);
    return (v) => Math.floor(v / i) * i;
  }
  if (def.type !== 'date_histogram') return undefined;
  const zone = typeof def.p.time_zone === 'string' ? parseZone(def.p.time_zone) : UTC;
  const cal = parseCalendarInterval(def.p.calendar_interval ?? def.p.interval);
  if (cal) return (v) => calendarFloor(v, cal, zone);
  const ms = parseTimeValue(def.p.fixed_interval ?? def.p.interval);
  if (ms === undefined) throw illegalArgument('Invalid interval specified, must be non-null and non-empty');
  return (v) => fixedFloor(v, ms, 0, zone);
}

// =============================================================================================
// Pipelines

/** Resolves a buckets_path (`agg`, `agg.metric`, `agg[99.0]`, `a>b>c`, `_count`, `_key`) in a bucket. */
export function resolvePath(bucket: Out, path: string): number | null {
  if (path === '_count') return bucket.doc_count as number;
  if (path === '_key') return typeof bucket.key === 'number' ? bucket.key : null;
  const parts = path.split('>');
  let node: Out = bucket;
  for (let i = 0; i < parts.length; i += 1) {
    let part = parts[i] as string;
    let metric: string | undefined;
    const br = /^(.+)\[(.+)\]$/.exec(part);
    if (br) {
      part = br[1] as string;
      metric = br[2] as string;
    } else if (i === parts.length - 1 && part.includes('.')) {
      const dot = part.indexOf('.');
      metric = part.slice(dot + 1);
      part = part.slice(0, dot);
    }
    const child = node[part];
    if (!isPlainObject(child)) return null;
    if (i < parts.length - 1) {
      node = child;
      continue;
    }
    let v: unknown;
    if (metric === undefined) {
      if ('value' in child) v = child.value;
      else if ('doc_count' in child) v = child.doc_count;
      else return null;
    } else if (metric === '_count') v = child.doc_count;
    else if (metric in child) v = child[metric];
    else if (isPlainObject(child.values)) v = child.values[metric] ?? child.values[Number.isInteger(Number(metric)) ? `${Number(metric)}.0` : metric];
    else if (isPlainObject(child.std_deviation_bounds) && metric.startsWith('std_deviation_bounds.')) v = child.std_deviation_bounds[metric.slice(21)];
    if (typeof v === 'number') return v;
    return null;
  }
  return null;
}

type Gap = 'skip' | 'insert_zeros' | 'keep_values';

function gapPolicy(v: unknown): Gap {
  if (v === undefined) return 'skip';
  const s = String(v).toLowerCase();
  if (s === 'skip' || s === 'insert_zeros' || s === 'keep_values') return s;
  throw illegalArgument(`Invalid gap policy: [${String(v)}], accepted values: [insert_zeros, keep_values, skip]`);
}

function bucketValue(bucket: Out, path: string, gap: Gap): number {
  const v = resolvePath(bucket, path);
  const isCount = path === '_count';
  const value = v === null ? NaN : v;
  if (!Number.isFinite(value) || (bucket.doc_count === 0 && !isCount)) {
    if (gap === 'insert_zeros') return 0;
    if (gap === 'keep_values') return Number.isFinite(value) ? value : NaN;
    return NaN;
  }
  return value;
}

function checkPath(def: AggDef, buckets: Out[], path: string, parent: AggDef): void {
  if (path === '_count' || path === '_key') return;
  const head = path.split(/[.>[]/)[0] as string;
  if (!parent.subs.some((s) => s.name === head)) throw illegalArgument(`No aggregation found for path [${path}]`);
  void buckets;
  void def;
}

function valueOut(v: number, format: unknown): Out {
  const o: Out = { value: Number.isFinite(v) ? v : null };
  if (typeof format === 'string' && Number.isFinite(v)) o.value_as_string = formatNumber(v, format);
  return o;
}

function applyParentPipelines(parent: AggDef, buckets: Out[], ctx: AggCtx, hist: { interval?: number } | undefined): Out[] {
  let list = buckets;
  for (const def of parent.subs) {
    if (!PARENT_PIPELINES.includes(def.type)) continue;
    const gap = gapPolicy(def.p.gap_policy);
    switch (def.type) {
      case 'derivative': {
        const path = String(def.p.buckets_path);
        checkPath(def, list, path, parent);
        let unitMs: number | undefined;
        if (def.p.unit !== undefined) {
          const cal = parseCalendarInterval(def.p.unit);
          unitMs = parseTimeValue(def.p.unit) ?? (cal ? { second: 1000, minute: 60000, hour: 3600000, day: 86400000, week: 604800000, month: 2592000000, quarter: 7776000000, year: 31536000000 }[cal] : undefined);
          if (unitMs === undefined) throw illegalArgument(`failed to parse setting [unit] with value [${String(def.p.unit)}] as a time value`);
        }
        let last: number | undefined;
        let lastKey: number | undefined;
        for (const b of list) {
          const v = bucketValue(b, path, gap);
          const key = b.key as number;
          if (last !== undefined && lastKey !== undefined) {
            const d = v - last;
            const o = valueOut(d, def.p.format);
            if (unitMs !== undefined) {
              const xDiff = (key - lastKey) / unitMs;
              const nv = d / xDiff;
              o.normalized_value = Number.isFinite(nv) ? nv : null;
            }
            b[def.name] = o;
          }
          last = v;
          lastKey = key;
        }
        break;
      }
      case 'serial_diff': {
        const path = String(def.p.buckets_path);
        const lag = typeof def.p.lag === 'number' ? def.p.lag : 1;
        const vals = list.map((b) => bucketValue(b, path, gap));
        list.forEach((b, i) => {
          if (i < lag) return;
          const d = (vals[i] as number) - (vals[i - lag] as number);
          if (Number.isFinite(d)) b[def.name] = valueOut(d, def.p.format);
        });
        break;
      }
      case 'cumulative_sum': {
        const path = String(def.p.buckets_path);
        checkPath(def, list, path, parent);
        let sum = 0;
        for (const b of list) {
          const v = bucketValue(b, path, 'insert_zeros');
          sum += Number.isFinite(v) ? v : 0;
          b[def.name] = valueOut(sum, def.p.format);
        }
        break;
      }
      case 'bucket_script':
      case 'bucket_selector': {
        const paths = scriptPaths(def);
        const kept: Out[] = [];
        for (const b of list) {
          const vars: Record<string, unknown> = {};
          let skip = false;
          for (const [k, path] of Object.entries(paths)) {
            const v = bucketValue(b, path, gap);
            if (Number.isNaN(v) && gap === 'skip') skip = true;
            vars[k] = v;
          }
          if (skip) {
            if (def.type === 'bucket_script') kept.push(b);
            else kept.push(b);
            continue;
          }
          let r: unknown;
          try {
            r = (def.script as CompiledScript).run(vars);
          } catch (e) {
            throw new EsError(400, 'script_exception', 'runtime error', { lang: 'painless' }, { type: 'illegal_argument_exception', reason: (e as Error).message });
          }
          if (def.type === 'bucket_script') {
            if (typeof r === 'number') b[def.name] = valueOut(r, def.p.format);
            else if (r !== null && r !== undefined) throw new EsError(400, 'aggregation_execution_exception', `buckets_path must reference either a number value or a single value numeric metric aggregation, but [${String(r)}] was returned`);
            kept.push(b);
          } else if (r === true) kept.push(b);
        }
        list = kept;
        break;
      }
      case 'bucket_sort': {
        const specs = def.sort ?? [];
        if (specs.length > 0) {
          list = [...list].sort((a, b) => {
            for (const s of specs) {
              const path = s.field === '_key' ? '_key' : s.field === '_count' ? '_count' : s.field;
              const x = path === '_key' ? null : resolvePath(a, path);
              const y = path === '_key' ? null : resolvePath(b, path);
              let c: number;
              if (path === '_key') c = compareKeys(a.key as Val, b.key as Val);
              else if (x === null && y === null) c = 0;
              else if (x === null) return 1;
              else if (y === null) return -1;
              else c = x - y;
              if (c !== 0) return s.order === 'desc' ? -c : c;
            }
            return 0;
          });
        }
        const from = typeof def.p.from === 'number' ? def.p.from : 0;
        const size = typeof def.p.size === 'number' ? def.p.size : undefined;
        list = list.slice(from, size === undefined ? undefined : from + size);
        break;
      }
    }
  }
  void ctx;
  void hist;
  return list;
}

function scriptPaths(def: AggDef): Record<string, string> {
  const bp = def.p.buckets_path;
  if (typeof bp === 'string') return { _value0: bp };
  if (Array.isArray(bp)) return Object.fromEntries(bp.map((p, i) => [`_value${i}`, String(p)]));
  if (isPlainObject(bp)) return Object.fromEntries(Object.entries(bp).map(([k, v]) => [k, String(v)]));
  throw illegalArgument(`[buckets_path] must be a string, an array or an object`);
}

function siblingPipeline(def: AggDef, scope: Out, defs: AggDef[]): Out {
  const path = String(def.p.buckets_path);
  const gap = gapPolicy(def.p.gap_policy);
  const parts = path.split('>');
  const head = (parts[0] as string).split(/[.[]/)[0] as string;
  const target = defs.find((d) => d.name === head);
  if (!target) throw illegalArgument(`No aggregation found for path [${path}]`);
  if (!['terms', 'date_histogram', 'histogram', 'range', 'date_range', 'filters', 'composite'].includes(target.type)) {
    throw illegalArgument(`The first aggregation in buckets_path must be a multi-bucket aggregation for aggregation [${def.name}] found :${target.type} for buckets path: ${path}`);
  }
  const agg = scope[head] as Out;
  const raw = agg.buckets;
  const buckets: Out[] = Array.isArray(raw) ? (raw as Out[]) : isPlainObject(raw) ? Object.entries(raw).map(([k, b]) => ({ key: k, ...(b as Out) })) : [];
  const rest = parts.slice(1).join('>') || '_count';
  const values: { key: string; v: number }[] = [];
  for (const b of buckets) {
    const v = bucketValue(b, rest, gap);
    if (Number.isNaN(v)) continue;
    values.push({ key: String(b.key_as_string ?? (isPlainObject(b.key) ? JSON.stringify(b.key) : b.key)), v });
  }
  const fmt = def.p.format;
  switch (def.type) {
    case 'sum_bucket':
      return valueOut(values.reduce((s, x) => s + x.v, 0), fmt);
    case 'avg_bucket':
      return valueOut(values.length ? values.reduce((s, x) => s + x.v, 0) / values.length : NaN, fmt);
    case 'max_bucket':
    case 'min_bucket': {
      if (values.length === 0) return { value: null, keys: [] };
      const best = values.reduce((m, x) => (def.type === 'max_bucket' ? Math.max(m, x.v) : Math.min(m, x.v)), def.type === 'max_bucket' ? -Infinity : Infinity);
      return { ...valueOut(best, fmt), keys: values.filter((x) => x.v === best).map((x) => x.key) };
    }
    case 'stats_bucket': {
      const n = values.length;
      const sum = values.reduce((s, x) => s + x.v, 0);
      return {
        count: n,
        min: n ? Math.min(...values.map((x) => x.v)) : null,
        max: n ? Math.max(...values.map((x) => x.v)) : null,
        avg: n ? sum / n : null,
        sum,
      };
    }
  }
  throw illegalArgument(`unsupported pipeline [${def.type}]`);
}
