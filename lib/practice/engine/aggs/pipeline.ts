import type { CompiledScript } from '../../script/arithmetic';
import { EsError } from '../api';
import { parseCalendarInterval, parseTimeValue } from '../dates';
import { illegalArgument, isPlainObject } from '../errors';
import type { Val } from '../index-state';
import { type AggCtx, type AggDef, type Out, PARENT_PIPELINES } from './types';
import { compareKeys, formatNumber } from './values';

/**
 * Pipeline aggregations: parent ones (derivative, cumulative_sum, bucket_script, bucket_selector,
 * bucket_sort, serial_diff) applied to a finished bucket list, and sibling ones (`*_bucket`), with
 * Elasticsearch's `buckets_path` syntax and gap policies.
 */

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

export function applyParentPipelines(parent: AggDef, buckets: Out[], ctx: AggCtx, hist: { interval?: number } | undefined): Out[] {
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

export function siblingPipeline(def: AggDef, scope: Out, defs: AggDef[]): Out {
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
