import { formatDate, resolveDateMath } from '../dates';
import { illegalArgument, ShardFailure } from '../errors';
import { fielddataError } from '../hits';
import type { IndexState, Val } from '../index-state';
import type { FieldDef } from '../mapping';
import { bindQuery, type Matcher, type QueryNode } from '../query';
import type { AggCtx, AggDef, DocSet, Seg } from './types';

/** What metric and bucket aggregations share: field value sources, formats, filters and the bucket limit. */

export function docCount(docs: DocSet): number {
  let n = 0;
  for (const s of docs) n += s.pos.length;
  return n;
}

export function filterDocs(docs: DocSet, q: QueryNode, ctx: AggCtx): DocSet {
  return docs.map((s) => {
    const b = bindQuery(q, { ix: s.ix, now: ctx.now, timeField: '@timestamp', flavor: ctx.flavor });
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

export function countBuckets(ctx: AggCtx, n: number): void {
  ctx.buckets.n += n;
  if (ctx.buckets.n > ctx.maxBuckets) {
    throw new ShardFailure(400, {
      type: 'too_many_buckets_exception',
      reason: `Trying to create too many buckets. Must be less than or equal to: [${ctx.maxBuckets}] but was [${ctx.buckets.n}]. This limit can be set by changing the [search.max_buckets] cluster level setting.`,
      max_buckets: ctx.maxBuckets,
    });
  }
}


export interface SegSource {
  values(pos: number): readonly Val[];
  /** A single numeric value read without an array, or undefined (then ask `values`). */
  number(pos: number): number | undefined;
  /** See Reader.constant (the same values in every slot of a range). */
  constant?(from: number, to: number): readonly Val[] | undefined;
  /** See Reader.extent (count, least and greatest value of a range); absent where `missing` applies. */
  extent?(from: number, to: number): { count: number; min: number; max: number } | undefined;
}

/**
 * The range [from, to) a segment's positions cover when they are every slot of it (they ascend,
 * as matching and bucketing leave them), else undefined.
 */
export function slotRange(positions: readonly number[]): [number, number] | undefined {
  const n = positions.length;
  if (n === 0) return undefined;
  const first = positions[0] as number;
  const last = positions[n - 1] as number;
  return last - first === n - 1 ? [first, last + 1] : undefined;
}

export interface Source {
  def: FieldDef | undefined;
  values(seg: Seg, pos: number): readonly Val[];
  /** The same for one segment, looked up once (for loops over a segment's positions). */
  forSeg(seg: Seg): SegSource;
}

const NO_VALUES: SegSource = { values: () => [], number: () => undefined };

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

interface IndexSource {
  fd: FieldDef | undefined;
  values: (pos: number) => readonly Val[];
  miss: readonly Val[] | undefined;
  seg: SegSource;
}

/** One aggregation's readers per index, kept for the whole search: a sub-aggregation asks for them once per bucket. */
interface SourceCache {
  byIndex: Map<IndexState, IndexSource>;
  forSeg(seg: Seg): SegSource;
  values(seg: Seg, pos: number): readonly Val[];
}

const SOURCE_CACHES = new WeakMap<AggCtx, Map<AggDef, Partial<Record<Need, SourceCache>>>>();

function sourceCache(def: AggDef, ctx: AggCtx, need: Need): SourceCache {
  let byDef = SOURCE_CACHES.get(ctx);
  if (!byDef) {
    byDef = new Map();
    SOURCE_CACHES.set(ctx, byDef);
  }
  let byNeed = byDef.get(def);
  if (!byNeed) {
    byNeed = {};
    byDef.set(def, byNeed);
  }
  let cache = byNeed[need];
  if (!cache) {
    const byIndex = new Map<IndexState, IndexSource>();
    cache = {
      byIndex,
      forSeg: (seg) => byIndex.get(seg.ix)?.seg ?? NO_VALUES,
      values: (seg, pos) => {
        const r = byIndex.get(seg.ix);
        if (!r) return [];
        const v = r.values(pos);
        if (v.length === 0 && r.miss) return r.miss;
        return v;
      },
    };
    byNeed[need] = cache;
  }
  return cache;
}

function indexSource(def: AggDef, ix: IndexState, ctx: AggCtx, need: Need): IndexSource {
  const field = def.p.field as string;
  const r = ix.reader(field);
  const fd = r.def && r.def.family !== 'object' ? r.def : undefined;
  if (fd) {
    if (fd.family === 'text' && !fd.fielddata) throw fielddataError(fd, ix, ctx.flavor);
    if (need === 'numeric' && fd.family !== 'numeric' && fd.family !== 'date' && fd.family !== 'boolean') {
      throw new ShardFailure(400, { type: 'illegal_argument_exception', reason: `Field [${fd.name}] of type [${fd.type}] is not supported for aggregation [${def.type}]` });
    }
  }
  const mv = missingValue(fd, def.p.missing, ctx);
  const miss: readonly Val[] | undefined = mv === undefined ? undefined : [mv];
  const values = fd ? r.values : () => [];
  const number = fd && r.number ? r.number : () => undefined;
  const constant = fd && r.constant ? r.constant.bind(r) : undefined;
  const seg: SegSource = miss
    ? {
        values: (pos) => {
          const v = values(pos);
          return v.length === 0 ? miss : v;
        },
        number,
        // A slot without the field takes `missing`: a constant non-empty value is still everyone's.
        constant: constant && ((from, to) => {
          const c = constant(from, to);
          return c && c.length > 0 ? c : undefined;
        }),
      }
    : { values, number, constant, extent: fd && r.extent ? r.extent.bind(r) : undefined };
  return { fd, values, miss, seg };
}

/**
 * The values of `def`'s field in `docs`. Readers are made once per index for the whole search
 * (the search runs synchronously, so the stores cannot change under them); `def` is the first
 * mapped definition among the indices of these documents.
 */
export function source(def: AggDef, docs: DocSet, ctx: AggCtx, need: Need): Source {
  const cache = sourceCache(def, ctx, need);
  let firstDef: FieldDef | undefined;
  for (const s of docs) {
    let r = cache.byIndex.get(s.ix);
    if (!r) {
      r = indexSource(def, s.ix, ctx, need);
      cache.byIndex.set(s.ix, r);
    }
    firstDef ??= r.fd;
  }
  return { def: firstDef, forSeg: cache.forSeg, values: cache.values };
}

export function fmtValue(def: FieldDef | undefined, v: number, format: unknown): string | undefined {
  if (typeof format === 'string' && def?.family !== 'date') return formatNumber(v, format);
  if (def?.family === 'date') return formatDate(v, typeof format === 'string' ? format : def.format);
  return undefined;
}

/** DecimalFormat-style patterns (`0.00`, `#,##0.0`). */
export function formatNumber(v: number, pattern: string): string {
  const m = /0(?:\.(0+))?/.exec(pattern.replace(/#/g, ''));
  const decimals = m?.[1]?.length ?? 0;
  let s = v.toFixed(decimals);
  if (pattern.includes(',')) {
    const [int, frac] = s.split('.');
    s = (int as string).replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac !== undefined ? `.${frac}` : '');
  }
  return s;
}

/** Bucket keys in order: numbers numerically, anything else as strings. */
export function compareKeys(a: Val, b: Val): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
