import { EsError } from '../api';
import { compileRegexp, type Dfa, RegexpSyntaxError, TooComplexError } from '../automaton';
import { calendarFloor, calendarNext, type CalendarUnit, DateParseError, DEFAULT_DATE_FORMAT, fixedFloor, formatDate, parseCalendarInterval, parseTimeValue, parseZone, resolveDateMath, UTC, type Zone } from '../dates';
import { illegalArgument, isPlainObject, ShardFailure, shardIllegalArgument } from '../errors';
import type { IndexState, Val } from '../index-state';
import type { FieldDef } from '../mapping';
import { applyParentPipelines, resolvePath } from './pipeline';
import { type AggCtx, type AggDef, type DocSet, type EvalAggs, type Out, type Seg, BUCKETS, PARENT_PIPELINES, SIBLING_PIPELINES } from './types';
import { compareKeys, countBuckets, docCount, filterDocs, formatNumber, type SegSource, slotRange, source } from './values';

/**
 * Bucket aggregations: terms, (date_)histogram, (date_)range, filter(s), missing, global, composite.
 * Their sub-aggregations are evaluated by the `sub` evaluator they are handed.
 */

export function single(def: AggDef, docs: DocSet, ctx: AggCtx, sub: EvalAggs): Out {
  return { doc_count: docCount(docs), ...sub(def.subs, docs, ctx) };
}


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

function compileIncludeExclude(v: unknown, ctx: AggCtx): ((k: Val) => boolean) | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    const set = new Set(v.map(String));
    return (k) => set.has(String(k));
  }
  if (typeof v === 'string') {
    // A Lucene regexp, determinized under the default limit as Elasticsearch's IncludeExclude does.
    let dfa: Dfa;
    try {
      dfa = compileRegexp(v);
    } catch (e) {
      if (e instanceof TooComplexError) throw new ShardFailure(500, { type: 'too_complex_to_determinize_exception', reason: e.reasonFor(ctx.flavor) });
      if (e instanceof RegexpSyntaxError) throw shardIllegalArgument(e.message);
      throw e;
    }
    return (k) => dfa.test(String(k));
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

/**
 * When every document of `seg` has the same single term (a day of one host's Beats data under
 * `terms host.name`), the bucket takes the segment's positions as they are instead of copying
 * them one by one. Returns false, having changed nothing, otherwise.
 */
function termsOneBucket(seg: Seg, values: SegSource, accs: Map<Val, Acc>): boolean {
  const positions = seg.pos;
  if (positions.length === 0) return false;
  let key: Val | undefined;
  let lastVals: readonly Val[] | undefined;
  const range = values.constant ? slotRange(positions) : undefined;
  const same = range ? values.constant?.(range[0], range[1]) : undefined;
  if (same) {
    if (same.length !== 1) return false;
    key = same[0] as Val;
  }
  for (let j = same ? positions.length : 0; j < positions.length; j += 1) {
    const vals = values.values(positions[j] as number);
    // Constant columns hand back the same array: compare it before the value.
    if (vals === lastVals) continue;
    if (vals.length !== 1) return false;
    const k = vals[0] as Val;
    if (key === undefined) key = k;
    else if (k !== key) return false;
    lastVals = vals;
  }
  if (key === undefined) return false;
  let a = accs.get(key);
  if (!a) {
    a = { key, count: 0, segs: [] };
    accs.set(key, a);
  }
  a.count += positions.length;
  a.segs.push({ ix: seg.ix, pos: positions });
  a.lastIx = undefined;
  return true;
}

export function terms(def: AggDef, docs: DocSet, ctx: AggCtx, sub: EvalAggs): Out {
  const src = source(def, docs, ctx, 'keyed');
  const size = typeof def.p.size === 'number' ? def.p.size : 10;
  const minDoc = typeof def.p.min_doc_count === 'number' ? def.p.min_doc_count : 1;
  const order = parseOrder(def.p.order, [{ path: '_count', asc: false }]);
  validateOrderPath(def, order);
  if (!order.some((o) => o.path === '_key')) order.push({ path: '_key', asc: true });
  const include = compileIncludeExclude(def.p.include, ctx);
  const exclude = compileIncludeExclude(def.p.exclude, ctx);
  const collect = def.subs.length > 0;
  const accs = new Map<Val, Acc>();
  for (const seg of docs) {
    if (collect && termsOneBucket(seg, src.forSeg(seg), accs)) continue;
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
    if (withSubs) Object.assign(b, sub(def.subs, a.segs, ctx));
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

export function histogram(def: AggDef, docs: DocSet, ctx: AggCtx, sub: EvalAggs): Out {
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
    Object.assign(b, sub(def.subs, a.segs, ctx));
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

export function ranges(def: AggDef, docs: DocSet, ctx: AggCtx, sub: EvalAggs): Out {
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
    Object.assign(b, sub(def.subs, segs, ctx));
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

export function filtersAgg(def: AggDef, docs: DocSet, ctx: AggCtx, sub: EvalAggs): Out {
  const filters = def.filters ?? [];
  const keyed = def.p.keyed !== false && !Array.isArray(def.p.filters);
  const results = filters.map((f) => ({ key: f.key, docs: filterDocs(docs, f.q, ctx) }));
  const buckets: Out[] = results.map((r) => ({ key: r.key, doc_count: docCount(r.docs), ...sub(def.subs, r.docs, ctx) }));
  if (def.p.other_bucket === true || typeof def.p.other_bucket_key === 'string') {
    const other = docs.map((seg, i) => {
      const hit = new Set<number>();
      for (const r of results) for (const p of (r.docs[i] as Seg).pos) hit.add(p);
      return { ix: seg.ix, pos: seg.pos.filter((p) => !hit.has(p)) };
    });
    buckets.push({ key: typeof def.p.other_bucket_key === 'string' ? def.p.other_bucket_key : '_other_', doc_count: docCount(other), ...sub(def.subs, other, ctx) });
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

export function composite(def: AggDef, docs: DocSet, ctx: AggCtx, sub: EvalAggs): Out {
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
    return { key, doc_count: a.count, ...sub(def.subs, a.segs, ctx) };
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
