import { compileScript, ScriptError } from '../../script/arithmetic';
import { type Flavor, EsError } from '../api';
import { type ErrorBody, illegalArgument, isPlainObject, locate, parsingException, tokenName, xContentParse } from '../errors';
import { parseSort } from '../hits';
import { didYouMean, QueryParser } from '../query';
import { type AggDef, type Path, BUCKETS, METRICS, PARENT_PIPELINES, SIBLING_PIPELINES } from './types';

/** Parsing the `aggs` of a request, with Elasticsearch's validation errors and their positions. */

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
