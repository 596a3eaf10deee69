import { analyzeText } from '../analysis';
import type { Flavor } from '../api';
import { compileRegexp, compileWildcard, type Dfa, RegexpSyntaxError, TooComplexError } from '../automaton';
import { DEFAULT_DATE_FORMAT, DateParseError, parseZone, resolveDateMath, type Zone } from '../dates';
import { type ErrorBody, queryShard, ShardFailure } from '../errors';
import type { IndexState, Reader, Val } from '../index-state';
import { compareIp, ipMatcher, parseIp } from '../ip';
import type { FieldDef } from '../mapping';
import { hasWildcard, simpleMatch } from '../wildcard';
import { levenshtein, type QueryNode } from './parse';
import { type Occur, parseQueryString, parseSimpleQueryString, type QsNode, QsSyntaxError } from './query-string';

/**
 * Binding a parsed query to one index: the index's mapping decides keyword vs text vs numeric vs
 * date semantics, and the result is a matcher that returns a document's score, or -1.
 */

export type Matcher = (pos: number) => number;

export interface Bound {
  m: Matcher;
  /** Matches every document (lets callers skip evaluation). */
  all?: boolean;
  /** Matches nothing. */
  none?: boolean;
  /** A time-field range every match lies in, for narrowing by binary search. */
  ts?: { lo: number; hi: number };
  /** Matches only through `ts` (a bare range on the time field): no per-document check needed. */
  tsOnly?: boolean;
  /** The score of every match, when it does not depend on the document (`all` and `tsOnly`). */
  constScore?: number;
}

export interface BindCtx {
  ix: IndexState;
  now: number;
  timeField: string;
  /** Words some errors as that version of Elasticsearch does (Lucene 8 in 7.x, 9 and 10 after). */
  flavor?: Flavor;
}

const NONE: Bound = { m: () => -1, none: true };

function allBound(score: number): Bound {
  return { m: () => score, all: true, constScore: score };
}

/**
 * A matcher that checks the time range itself. Needed where a clause is used outside the narrowed
 * slice (should, must_not, dis_max), because `tsOnly` matchers rely on that narrowing.
 */
function strict(b: Bound, ctx: BindCtx): Matcher {
  const ts = b.ts;
  if (!ts) return b.m;
  const store = ctx.ix.store;
  const inner = b.m;
  const lo = ts.lo;
  const hi = ts.hi;
  return (pos) => {
    const t = store.ts[pos] as number;
    if (t < lo || t > hi) return -1;
    return inner(pos);
  };
}

export function bindQuery(q: QueryNode, ctx: BindCtx): Bound {
  switch (q.t) {
    case 'all':
      return allBound(q.boost);
    case 'none':
      return NONE;
    case 'bool':
      return bindBool(q, ctx);
    case 'term':
      return bindTermLike(ctx, q.field, [q.value], q.boost, q.ci, 'term');
    case 'terms':
      return bindTermLike(ctx, q.field, q.values, q.boost, false, 'terms');
    case 'range':
      return bindRange(q, ctx);
    case 'exists':
      return bindExists(q.field, q.boost, ctx);
    case 'ids': {
      const set = new Set(q.values);
      if (set.size === 0) return NONE;
      const ix = ctx.ix;
      return { m: (pos) => (set.has(ix.idOf(pos)) ? q.boost : -1) };
    }
    case 'match':
      return bindMatch(ctx, q.field, q.query, { operator: q.operator, msm: q.msm, lenient: q.lenient, zeroTerms: q.zeroTerms, fuzziness: q.fuzziness, boost: q.boost });
    case 'phrase':
      return bindPhrase(ctx, q.field, q.query, q.slop, q.prefix, q.zeroTerms, q.boost, false);
    case 'multi':
      return bindMulti(q, ctx);
    case 'prefix':
    case 'wildcard':
      return bindPattern(ctx, q.field, q.t, q.value, q.ci, q.boost);
    case 'regexp':
      return bindPattern(ctx, q.field, q.t, q.value, q.ci, q.boost, { flags: q.flags, maxStates: q.maxStates });
    case 'fuzzy':
      return bindFuzzy(ctx, q.field, q.value, q.fuzziness, q.boost);
    case 'const': {
      const inner = bindQuery(q.filter, ctx);
      if (inner.none) return NONE;
      const b = q.boost;
      return { m: (pos) => (inner.m(pos) >= 0 ? b : -1), all: inner.all, ts: inner.ts, tsOnly: inner.tsOnly, constScore: inner.all || inner.tsOnly ? b : undefined };
    }
    case 'dismax': {
      const subs = q.queries.map((s) => bindQuery(s, ctx)).filter((s) => !s.none);
      if (subs.length === 0) return NONE;
      return { m: disMax(subs.map((s) => strict(s, ctx)), q.tie, q.boost) };
    }
    case 'boosting': {
      const pos = strict(bindQuery(q.positive, ctx), ctx);
      const neg = strict(bindQuery(q.negative, ctx), ctx);
      return { m: (p) => {
        const s = pos(p);
        if (s < 0) return -1;
        return neg(p) >= 0 ? s * q.negativeBoost * q.boost : s * q.boost;
      } };
    }
    case 'qs':
      return bindQueryString(q, ctx);
  }
}

function disMax(ms: Matcher[], tie: number, boost: number): Matcher {
  return (pos) => {
    let best = -1;
    let sum = 0;
    for (const m of ms) {
      const s = m(pos);
      if (s < 0) continue;
      sum += s;
      if (s > best) best = s;
    }
    if (best < 0) return -1;
    return (best + tie * (sum - best)) * boost;
  };
}

function bindBool(q: Extract<QueryNode, { t: 'bool' }>, ctx: BindCtx): Bound {
  const must = q.must.map((c) => bindQuery(c, ctx));
  const filter = q.filter.map((c) => bindQuery(c, ctx));
  const should = q.should.map((c) => bindQuery(c, ctx));
  const mustNot = q.mustNot.map((c) => bindQuery(c, ctx));
  if (must.some((b) => b.none) || filter.some((b) => b.none)) return NONE;
  if (mustNot.some((b) => b.all)) return NONE;
  const required = must.length + filter.length;
  const msm = minimumShouldMatch(q.msm, should.length, required === 0 ? (should.length > 0 ? 1 : 0) : 0);
  if (msm > should.length) return NONE;
  const liveShould = should.filter((b) => !b.none);
  if (msm > liveShould.length) return NONE;
  let ts: { lo: number; hi: number } | undefined;
  for (const b of [...must, ...filter]) {
    if (!b.ts) continue;
    ts = ts ? { lo: Math.max(ts.lo, b.ts.lo), hi: Math.min(ts.hi, b.ts.hi) } : b.ts;
  }
  if (ts && ts.lo > ts.hi) return NONE;
  // Clauses that only restate the time range are already enforced by narrowing to `ts`.
  const mustM = must.filter((b) => !b.all && !b.tsOnly).map((b) => b.m);
  const mustAllScore = must.filter((b) => b.all || b.tsOnly).reduce((s, b) => s + (b.constScore ?? 0), 0);
  const filterM = filter.filter((b) => !b.all && !b.tsOnly).map((b) => b.m);
  const notM = mustNot.filter((b) => !b.none).map((b) => strict(b, ctx));
  const shouldM = liveShould.map((b) => strict(b, ctx));
  const boost = q.boost;
  const empty = required === 0 && should.length === 0 && mustNot.length === 0;
  if (empty) return allBound(boost);
  if (mustM.length === 0 && filterM.length === 0 && notM.length === 0 && shouldM.length === 0) {
    return { m: () => mustAllScore * boost, all: !ts, ts, tsOnly: !!ts, constScore: mustAllScore * boost };
  }
  const needShould = msm;
  const m: Matcher = (pos) => {
    for (let i = 0; i < filterM.length; i += 1) if ((filterM[i] as Matcher)(pos) < 0) return -1;
    let score = mustAllScore;
    for (let i = 0; i < mustM.length; i += 1) {
      const s = (mustM[i] as Matcher)(pos);
      if (s < 0) return -1;
      score += s;
    }
    for (let i = 0; i < notM.length; i += 1) if ((notM[i] as Matcher)(pos) >= 0) return -1;
    if (shouldM.length > 0) {
      let count = 0;
      for (let i = 0; i < shouldM.length; i += 1) {
        const s = (shouldM[i] as Matcher)(pos);
        if (s >= 0) {
          count += 1;
          score += s;
        }
      }
      if (count < needShould) return -1;
    }
    return score * boost;
  };
  return { m, ts };
}

/** `minimum_should_match`: integers, negatives, percentages and `N<M%` combinations. */
export function minimumShouldMatch(spec: string | number | undefined, optional: number, dflt: number): number {
  if (spec === undefined || spec === null) return dflt;
  const s = String(spec).trim();
  let result: number;
  if (s.includes('<')) {
    result = optional;
    for (const part of s.split(/\s+/)) {
      const [cond, val] = part.split('<');
      if (optional > Number(cond)) result = minimumShouldMatch(val, optional, dflt);
    }
    return result;
  }
  if (s.endsWith('%')) {
    const pct = Number(s.slice(0, -1));
    const calc = Math.floor((optional * Math.abs(pct)) / 100);
    result = pct < 0 ? optional - calc : calc;
  } else {
    const n = Number.parseInt(s, 10);
    result = n < 0 ? optional + n : n;
  }
  return Math.max(0, result);
}

// ---------------------------------------------------------------------------------------------
// Term-level queries

function fieldDef(ctx: BindCtx, field: string): FieldDef | undefined {
  return ctx.ix.mapping.field(field);
}

function failParse(field: string, value: unknown, cause: ErrorBody): never {
  throw queryShard(`failed to create query: ${cause.reason}`, cause);
  void field;
  void value;
}

/** Converts a query value to the field's indexed form, throwing ES's shard error when it cannot. */
function queryValue(def: FieldDef, v: unknown, ctx: BindCtx, lenient: boolean, roundUp = false): Val | undefined {
  switch (def.family) {
    case 'keyword':
    case 'text':
      return typeof v === 'string' ? v : String(v);
    case 'numeric': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) {
        if (lenient) return undefined;
        failParse(def.name, v, { type: 'number_format_exception', reason: `For input string: "${String(v)}"` });
      }
      if (def.integer && !Number.isInteger(n)) return undefined;
      return convertForField(def, n);
    }
    case 'date':
      try {
        return resolveDateMath(v, { now: ctx.now, format: def.format, roundUp });
      } catch (e) {
        if (lenient) return undefined;
        if (e instanceof DateParseError) {
          failParse(def.name, v, { type: 'parse_exception', reason: `failed to parse date field [${String(v)}] with format [${def.format}]: [${e.message}]` });
        }
        throw e;
      }
    case 'boolean':
      if (v === true || v === 'true') return 1;
      if (v === false || v === 'false' || v === '') return 0;
      if (lenient) return undefined;
      return failParse(def.name, v, { type: 'illegal_argument_exception', reason: `Can't parse boolean value [${String(v)}], expected [true] or [false]` });
    case 'ip':
      return typeof v === 'string' ? v : String(v);
    default:
      return typeof v === 'string' || typeof v === 'number' ? v : String(v);
  }
}

function convertForField(def: FieldDef, n: number): number {
  switch (def.type) {
    case 'float':
    case 'half_float':
      return Math.fround(n);
    case 'scaled_float': {
      const f = def.scalingFactor ?? 1;
      return Math.round(n * f) / f;
    }
    default:
      return n;
  }
}

function tokensOf(values: readonly Val[]): string[] {
  if (values.length === 1) return analyzeText(String(values[0]));
  const out: string[] = [];
  for (const v of values) out.push(...analyzeText(String(v)));
  return out;
}

function bindTermLike(ctx: BindCtx, field: string, rawValues: unknown[], boost: number, ci: boolean, kind: 'term' | 'terms'): Bound {
  if (field === '_id') {
    const set = new Set(rawValues.map(String));
    return { m: (pos) => (set.has(ctx.ix.idOf(pos)) ? boost : -1) };
  }
  if (field === '_index') {
    const hit = rawValues.some((v) => simpleMatch(String(v), ctx.ix.name) || String(v) === ctx.ix.dataStream);
    return hit ? allBound(boost) : NONE;
  }
  const def = fieldDef(ctx, field);
  if (!def || def.family === 'object') return NONE;
  const reader = ctx.ix.reader(def.name);
  if (def.family === 'ip') {
    const matchers = rawValues.map((v) => {
      const m = ipMatcher(String(v));
      if (!m) failParse(def.name, v, { type: 'illegal_argument_exception', reason: `'${String(v)}' is not an IP string literal.` });
      return m as (s: string) => boolean;
    });
    return { m: (pos) => (reader.values(pos).some((v) => matchers.some((mm) => mm(v as string))) ? boost : -1) };
  }
  if (def.family === 'date' && kind === 'term') {
    const lo = queryValue(def, rawValues[0], ctx, false, false) as number;
    const hi = queryValue(def, rawValues[0], ctx, false, true) as number;
    return rangeMatcher(reader, lo, true, hi, true, boost, ctx, def);
  }
  const values = rawValues.map((v) => queryValue(def, v, ctx, false)).filter((v): v is Val => v !== undefined);
  if (values.length === 0) return NONE;
  if (def.family === 'text') {
    const set = new Set(values.map(String));
    return {
      m: (pos) => {
        const vals = reader.values(pos);
        if (vals.length === 0) return -1;
        const toks = tokensOf(vals);
        let tf = 0;
        for (const t of toks) if (set.has(t)) tf += 1;
        return tf > 0 ? tfScore(tf) * boost : -1;
      },
    };
  }
  if (ci && (def.family === 'keyword' || def.family === 'other')) {
    const set = new Set(values.map((v) => String(v).toLowerCase()));
    return { m: (pos) => (reader.values(pos).some((v) => set.has(String(v).toLowerCase())) ? boost : -1) };
  }
  if (values.length === 1) {
    const target = values[0] as Val;
    return {
      m: (pos) => {
        const vals = reader.values(pos);
        for (let i = 0; i < vals.length; i += 1) if (vals[i] === target) return boost;
        return -1;
      },
    };
  }
  const set = new Set<Val>(values);
  return {
    m: (pos) => {
      const vals = reader.values(pos);
      for (let i = 0; i < vals.length; i += 1) if (set.has(vals[i] as Val)) return boost;
      return -1;
    },
  };
}

function tfScore(tf: number): number {
  return (tf * 2.2) / (tf + 1.2);
}

function rangeMatcher(reader: Reader, lo: number, incLo: boolean, hi: number, incHi: boolean, boost: number, ctx: BindCtx, def: FieldDef): Bound {
  const m: Matcher = (pos) => {
    const vals = reader.values(pos);
    for (let i = 0; i < vals.length; i += 1) {
      const v = vals[i] as number;
      if ((incLo ? v >= lo : v > lo) && (incHi ? v <= hi : v < hi)) return boost;
    }
    return -1;
  };
  if (def.name === ctx.timeField && def.family === 'date' && ctx.ix.timeOrdered) {
    const tsLo = incLo ? lo : lo + 1;
    const tsHi = incHi ? hi : hi - 1;
    return { m, ts: { lo: tsLo, hi: tsHi }, tsOnly: true, constScore: boost };
  }
  return { m };
}

function bindRange(q: Extract<QueryNode, { t: 'range' }>, ctx: BindCtx): Bound {
  const def = fieldDef(ctx, q.field);
  if (!def || def.family === 'object') return NONE;
  const reader = ctx.ix.reader(def.name);
  if (def.family === 'date' || (q.format !== undefined && def.family !== 'keyword')) {
    let zone: Zone | undefined;
    if (q.timeZone !== undefined) {
      try {
        zone = parseZone(q.timeZone);
      } catch (e) {
        throw queryShard(`failed to create query: ${(e as Error).message}`, { type: 'illegal_argument_exception', reason: (e as Error).message });
      }
    }
    const format = q.format ?? def.format ?? DEFAULT_DATE_FORMAT;
    const resolve = (v: unknown, roundUp: boolean): number | undefined => {
      if (v === undefined || v === null) return undefined;
      if (def.family !== 'date') return queryValue(def, v, ctx, false) as number;
      try {
        return resolveDateMath(v, { now: ctx.now, format, roundUp, zone });
      } catch (e) {
        if (e instanceof DateParseError) {
          throw queryShard(`failed to create query: ${e.message}`, { type: 'parse_exception', reason: e.message });
        }
        throw e;
      }
    };
    const gt = resolve(q.gt, true);
    const gte = resolve(q.gte, false);
    const lt = resolve(q.lt, false);
    const lte = resolve(q.lte, true);
    return numericRange(reader, gt, gte, lt, lte, q.boost, ctx, def);
  }
  if (def.family === 'numeric' || def.family === 'boolean') {
    const conv = (v: unknown): number | undefined => (v === undefined || v === null ? undefined : (queryValue({ ...def, integer: false }, v, ctx, false) as number));
    return numericRange(reader, conv(q.gt), conv(q.gte), conv(q.lt), conv(q.lte), q.boost, ctx, def);
  }
  if (def.family === 'ip') {
    const p = (v: unknown) => {
      if (v === undefined || v === null) return undefined;
      const ip = parseIp(String(v));
      if (!ip) failParse(def.name, v, { type: 'illegal_argument_exception', reason: `'${String(v)}' is not an IP string literal.` });
      return ip;
    };
    const gt = p(q.gt);
    const gte = p(q.gte);
    const lt = p(q.lt);
    const lte = p(q.lte);
    return {
      m: (pos) => {
        for (const v of reader.values(pos)) {
          const ip = parseIp(v as string);
          if (!ip) continue;
          if (gt && compareIp(ip, gt) <= 0) continue;
          if (gte && compareIp(ip, gte) < 0) continue;
          if (lt && compareIp(ip, lt) >= 0) continue;
          if (lte && compareIp(ip, lte) > 0) continue;
          return q.boost;
        }
        return -1;
      },
    };
  }
  const s = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  const gt = s(q.gt);
  const gte = s(q.gte);
  const lt = s(q.lt);
  const lte = s(q.lte);
  const inRange = (v: string) => !((gt !== undefined && v <= gt) || (gte !== undefined && v < gte) || (lt !== undefined && v >= lt) || (lte !== undefined && v > lte));
  return {
    m: (pos) => {
      const vals = reader.values(pos);
      const list = def.family === 'text' ? tokensOf(vals) : (vals as string[]);
      return list.some((v) => inRange(String(v))) ? q.boost : -1;
    },
  };
}

function numericRange(reader: Reader, gt: number | undefined, gte: number | undefined, lt: number | undefined, lte: number | undefined, boost: number, ctx: BindCtx, def: FieldDef): Bound {
  let lo = -Infinity;
  let incLo = true;
  let hi = Infinity;
  let incHi = true;
  if (gte !== undefined) lo = gte;
  if (gt !== undefined && (gt >= lo || gte === undefined)) {
    lo = gt;
    incLo = false;
  }
  if (lte !== undefined) hi = lte;
  if (lt !== undefined && (lt <= hi || lte === undefined)) {
    hi = lt;
    incHi = false;
  }
  return rangeMatcher(reader, lo, incLo, hi, incHi, boost, ctx, def);
}

function bindExists(field: string, boost: number, ctx: BindCtx): Bound {
  if (field === '_id' || field === '_index' || field === '_source') return allBound(boost);
  const defs = hasWildcard(field) ? ctx.ix.mapping.matchFields(field) : [ctx.ix.mapping.field(field)].filter((d): d is FieldDef => d !== undefined);
  if (defs.length === 0) return NONE;
  const readers = defs.map((d) => ctx.ix.reader(d.name));
  if (readers.length === 1) {
    const r = readers[0] as Reader;
    return { m: (pos) => (r.values(pos).length > 0 ? boost : -1) };
  }
  return { m: (pos) => (readers.some((r) => r.values(pos).length > 0) ? boost : -1) };
}

// ---------------------------------------------------------------------------------------------
// Full-text queries

interface MatchOpts {
  operator: 'or' | 'and';
  msm?: string | number;
  lenient: boolean;
  zeroTerms: 'none' | 'all';
  fuzziness?: unknown;
  boost: number;
}

export function fuzzyDistance(fuzziness: unknown, term: string): number {
  if (fuzziness === undefined || fuzziness === null) return 0;
  const s = String(fuzziness).toUpperCase();
  if (s.startsWith('AUTO')) {
    const m = /^AUTO:(\d+),(\d+)$/.exec(s);
    const low = m ? Number(m[1]) : 3;
    const high = m ? Number(m[2]) : 6;
    return term.length < low ? 0 : term.length < high ? 1 : 2;
  }
  const n = Number(s);
  return Number.isFinite(n) ? Math.min(2, Math.floor(n)) : 0;
}

function bindMatch(ctx: BindCtx, field: string, query: unknown, o: MatchOpts): Bound {
  const def = fieldDef(ctx, field);
  if (!def || def.family === 'object') return NONE;
  if (def.family !== 'text') {
    if (def.family === 'keyword' || def.family === 'other') return bindTermLike(ctx, def.name, [query], o.boost, false, 'term');
    try {
      const v = queryValue(def, query, ctx, o.lenient);
      if (v === undefined) return NONE;
      return bindTermLike(ctx, def.name, [query], o.boost, false, 'term');
    } catch (e) {
      if (o.lenient && e instanceof ShardFailure) return NONE;
      throw e;
    }
  }
  const terms = analyzeText(String(query));
  if (terms.length === 0) return o.zeroTerms === 'all' ? allBound(o.boost) : NONE;
  const unique = [...new Set(terms)];
  const need = o.operator === 'and' ? unique.length : Math.max(1, minimumShouldMatch(o.msm, unique.length, 1));
  if (need > unique.length) return NONE;
  const reader = ctx.ix.reader(def.name);
  const fuzzy = unique.map((t) => fuzzyDistance(o.fuzziness, t));
  const anyFuzzy = fuzzy.some((d) => d > 0);
  return {
    m: (pos) => {
      const vals = reader.values(pos);
      if (vals.length === 0) return -1;
      const toks = tokensOf(vals);
      let matched = 0;
      let score = 0;
      for (let i = 0; i < unique.length; i += 1) {
        const t = unique[i] as string;
        let tf = 0;
        const d = fuzzy[i] as number;
        for (const tok of toks) if (tok === t || (anyFuzzy && d > 0 && Math.abs(tok.length - t.length) <= d && levenshtein(tok, t) <= d)) tf += 1;
        if (tf > 0) {
          matched += 1;
          score += tfScore(tf);
        }
      }
      return matched >= need ? score * o.boost : -1;
    },
  };
}

function bindPhrase(ctx: BindCtx, field: string, query: unknown, slop: number, prefix: boolean, zeroTerms: 'none' | 'all', boost: number, lenient: boolean): Bound {
  const def = fieldDef(ctx, field);
  if (!def || def.family === 'object') return NONE;
  if (def.family !== 'text') {
    if (prefix && def.family === 'keyword') return bindPattern(ctx, def.name, 'prefix', String(query), false, boost);
    try {
      return bindTermLike(ctx, def.name, [query], boost, false, 'term');
    } catch (e) {
      if (lenient && e instanceof ShardFailure) return NONE;
      throw e;
    }
  }
  const terms = analyzeText(String(query));
  if (terms.length === 0) return zeroTerms === 'all' ? allBound(boost) : NONE;
  const reader = ctx.ix.reader(def.name);
  return {
    m: (pos) => {
      const vals = reader.values(pos);
      // Each value of a multi-valued field is its own run of positions (position_increment_gap).
      for (const v of vals) {
        const toks = analyzeText(String(v));
        if (phraseAt(toks, terms, slop, prefix)) return boost * terms.length;
      }
      return -1;
    },
  };
}

function phraseAt(toks: string[], terms: string[], slop: number, prefix: boolean): boolean {
  const last = terms.length - 1;
  const eq = (tok: string, i: number) => (prefix && i === last ? tok.startsWith(terms[i] as string) : tok === terms[i]);
  for (let start = 0; start < toks.length; start += 1) {
    if (!eq(toks[start] as string, 0)) continue;
    let p = start;
    let used = 0;
    let ok = true;
    for (let i = 1; i <= last; i += 1) {
      let found = -1;
      for (let q = p + 1; q <= p + 1 + (slop - used) && q < toks.length; q += 1) {
        if (eq(toks[q] as string, i)) {
          found = q;
          break;
        }
      }
      if (found < 0) {
        ok = false;
        break;
      }
      used += found - p - 1;
      p = found;
    }
    if (ok) return true;
  }
  return false;
}

function parseFieldBoost(spec: string): { name: string; boost: number } {
  const caret = spec.lastIndexOf('^');
  if (caret <= 0) return { name: spec, boost: 1 };
  const b = Number(spec.slice(caret + 1));
  return Number.isFinite(b) ? { name: spec.slice(0, caret), boost: b } : { name: spec, boost: 1 };
}

/** Expands field patterns (`*`, `host.*^2`) to mapped fields; `*` alone means every queryable field. */
function expandFields(ctx: BindCtx, specs: string[]): { def: FieldDef; boost: number }[] {
  const out = new Map<string, { def: FieldDef; boost: number }>();
  for (const spec of specs) {
    const { name, boost } = parseFieldBoost(spec);
    if (hasWildcard(name)) {
      for (const def of ctx.ix.mapping.matchFields(name)) {
        if (!queryable(def)) continue;
        if (!out.has(def.name)) out.set(def.name, { def, boost });
      }
    } else {
      const def = ctx.ix.mapping.field(name);
      if (def && def.family !== 'object') out.set(def.name, { def, boost });
    }
  }
  return [...out.values()];
}

function queryable(def: FieldDef): boolean {
  return def.family !== 'object' && def.family !== 'geo' && def.family !== 'other' && def.type !== 'alias' && def.searchable;
}

function defaultFields(ctx: BindCtx): string[] {
  const setting = ctx.ix.settings['index.query.default_field'];
  if (setting === undefined) return ['*'];
  try {
    const parsed: unknown = JSON.parse(setting);
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // a plain field name
  }
  return [setting];
}

function bindMulti(q: Extract<QueryNode, { t: 'multi' }>, ctx: BindCtx): Bound {
  const specs = q.fields.length > 0 ? q.fields : defaultFields(ctx);
  const allFields = specs.length === 1 && specs[0] === '*';
  const lenient = q.lenient ?? allFields;
  const fields = expandFields(ctx, specs);
  const subs: Bound[] = [];
  for (const { def, boost } of fields) {
    let b: Bound;
    try {
      if (q.type === 'phrase' || q.type === 'phrase_prefix') b = bindPhrase(ctx, def.name, q.query, q.slop, q.type === 'phrase_prefix', q.zeroTerms, boost * q.boost, lenient);
      else if (q.type === 'cross_fields' && q.operator === 'and') {
        b = bindMatch(ctx, def.name, q.query, { operator: 'or', lenient, zeroTerms: q.zeroTerms, boost: boost * q.boost, fuzziness: q.fuzziness });
      } else b = bindMatch(ctx, def.name, q.query, { operator: q.operator, msm: q.msm, lenient, zeroTerms: q.zeroTerms, fuzziness: q.fuzziness, boost: boost * q.boost });
    } catch (e) {
      if (lenient && e instanceof ShardFailure) continue;
      throw e;
    }
    if (!b.none) subs.push(b);
  }
  if (subs.length === 0) return NONE;
  if (q.type === 'cross_fields' && q.operator === 'and') {
    // Every term must appear in at least one of the fields.
    const terms = [...new Set(analyzeText(String(q.query)))];
    const perTerm = terms.map((t) => {
      const ms = fields
        .map(({ def }) => {
          try {
            return bindMatch(ctx, def.name, t, { operator: 'or', lenient: true, zeroTerms: 'none', boost: 1 });
          } catch {
            return NONE;
          }
        })
        .filter((b) => !b.none)
        .map((b) => b.m);
      return disMax(ms, 0, 1);
    });
    const anyField = disMax(subs.map((s) => s.m), q.tie, 1);
    return { m: (pos) => (perTerm.every((m) => m(pos) >= 0) ? anyField(pos) : -1) };
  }
  if (subs.some((s) => s.all)) return allBound(q.boost);
  return { m: disMax(subs.map((s) => s.m), q.tie, 1) };
}

// ---------------------------------------------------------------------------------------------
// Pattern queries

/** Elasticsearch's `index.max_regex_length` default: longer regexps are refused before parsing. */
const MAX_REGEX_LENGTH = 1000;

interface RegexpOptions {
  flags?: number;
  maxStates?: number;
}

/**
 * A `wildcard` or `regexp` pattern as a DFA (automaton.ts), or the shard failure Elasticsearch
 * answers: `failed to create query: …` caused by Lucene's refusal.
 */
export function patternAutomaton(kind: 'wildcard' | 'regexp', value: string, ci: boolean, ctx: Pick<BindCtx, 'ix' | 'flavor'>, options: RegexpOptions = {}): Dfa {
  if (kind === 'regexp') {
    const max = Number(ctx.ix.settings['index.max_regex_length'] ?? MAX_REGEX_LENGTH) || MAX_REGEX_LENGTH;
    if (value.length > max) {
      const reason = `The length of regex [${value.length}] used in the Regexp Query request has exceeded the allowed maximum of [${max}]. This maximum can be set by changing the [index.max_regex_length] index level setting.`;
      throw queryShard(`failed to create query: ${reason}`, { type: 'illegal_argument_exception', reason });
    }
  }
  try {
    const limits = { caseInsensitive: ci, maxDeterminizedStates: options.maxStates };
    return kind === 'wildcard' ? compileWildcard(value, limits) : compileRegexp(value, { ...limits, flags: options.flags });
  } catch (e) {
    if (e instanceof TooComplexError) {
      const reason = e.reasonFor(ctx.flavor);
      throw queryShard(`failed to create query: ${reason}`, { type: 'too_complex_to_determinize_exception', reason });
    }
    if (e instanceof RegexpSyntaxError) throw queryShard(`failed to create query: ${e.message}`, { type: 'illegal_argument_exception', reason: e.message });
    throw e;
  }
}

function bindPattern(ctx: BindCtx, field: string, kind: 'prefix' | 'wildcard' | 'regexp', value: string, ci: boolean, boost: number, options: RegexpOptions = {}): Bound {
  if (field === '_id') {
    const test = patternTest(ctx, kind, value, ci, options);
    return { m: (pos) => (test(ctx.ix.idOf(pos)) ? boost : -1) };
  }
  if (field === '_index') return patternTest(ctx, kind, value, ci, options)(ctx.ix.name) ? allBound(boost) : NONE;
  const def = fieldDef(ctx, field);
  if (!def || def.family === 'object') return NONE;
  if (def.family === 'numeric' || def.family === 'date' || def.family === 'boolean' || def.family === 'ip') {
    throw queryShard(`failed to create query: Can only use ${kind === 'regexp' ? 'regexp' : kind} queries on keyword and text fields - not on [${def.name}] which is of type [${def.type}]`, {
      type: 'illegal_argument_exception',
      reason: `Can only use ${kind} queries on keyword and text fields - not on [${def.name}] which is of type [${def.type}]`,
    });
  }
  // Text fields' multi-term queries see normalized (lowercased) terms.
  const test = patternTest(ctx, kind, def.family === 'text' && kind === 'wildcard' ? value.toLowerCase() : value, ci, options);
  const reader = ctx.ix.reader(def.name);
  if (def.family === 'text') {
    return { m: (pos) => (tokensOf(reader.values(pos)).some((t) => test(t)) ? boost : -1) };
  }
  return { m: (pos) => (reader.values(pos).some((v) => test(String(v))) ? boost : -1) };
}

function patternTest(ctx: BindCtx, kind: 'prefix' | 'wildcard' | 'regexp', value: string, ci: boolean, options: RegexpOptions): (s: string) => boolean {
  if (kind === 'prefix') {
    if (ci) {
      const lower = value.toLowerCase();
      return (s) => s.toLowerCase().startsWith(lower);
    }
    return (s) => s.startsWith(value);
  }
  const dfa = patternAutomaton(kind, value, ci, ctx, options);
  return (s) => dfa.test(s);
}

function bindFuzzy(ctx: BindCtx, field: string, value: string, fuzziness: unknown, boost: number): Bound {
  const def = fieldDef(ctx, field);
  if (!def || (def.family !== 'text' && def.family !== 'keyword')) return NONE;
  const d = fuzzyDistance(fuzziness, value);
  const reader = ctx.ix.reader(def.name);
  const near = (t: string) => Math.abs(t.length - value.length) <= d && levenshtein(t, value) <= d;
  if (def.family === 'text') return { m: (pos) => (tokensOf(reader.values(pos)).some(near) ? boost : -1) };
  return { m: (pos) => (reader.values(pos).some((v) => near(String(v))) ? boost : -1) };
}

// ---------------------------------------------------------------------------------------------
// query_string / simple_query_string

function bindQueryString(q: Extract<QueryNode, { t: 'qs' }>, ctx: BindCtx): Bound {
  let tree: QsNode | undefined;
  try {
    tree = q.simple ? parseSimpleQueryString(q.query, q.operator, q.flags) : parseQueryString(q.query, q.operator);
  } catch (e) {
    if (e instanceof QsSyntaxError) {
      throw queryShard(`Failed to parse query [${q.query}]`, { type: 'parse_exception', reason: e.message });
    }
    throw e;
  }
  if (!tree) return NONE;
  if (q.allowLeadingWildcard === false) {
    const leading = leadingWildcard(tree);
    if (leading) {
      throw queryShard(`Failed to parse query [${q.query}]`, { type: 'parse_exception', reason: `Cannot parse '${q.query}': '*' or '?' not allowed as first character in WildcardQuery` });
    }
  }
  const specs = q.fields ?? (q.defaultField !== undefined ? [q.defaultField] : defaultFields(ctx));
  const allFields = specs.length === 1 && specs[0] === '*';
  const lenient = q.lenient ?? allFields;
  const b = bindQs(tree, ctx, specs, lenient, q, true);
  if (!b.none && b.m && q.boost !== 1) {
    const inner = b.m;
    return { ...b, m: (pos) => {
      const s = inner(pos);
      return s < 0 ? -1 : s * q.boost;
    } };
  }
  return b;
}

function leadingWildcard(node: QsNode): boolean {
  if (node.k === 'bool') return node.clauses.some((c) => leadingWildcard(c.q));
  return node.k === 'term' && node.wildcard && (node.text.startsWith('*') || node.text.startsWith('?'));
}

function bindQs(node: QsNode, ctx: BindCtx, defaults: string[], lenient: boolean, q: Extract<QueryNode, { t: 'qs' }>, top = false): Bound {
  switch (node.k) {
    case 'all':
      return allBound(node.boost);
    case 'exists':
      return bindExists(node.field, node.boost, ctx);
    case 'bool': {
      const musts: Bound[] = [];
      const shoulds: Bound[] = [];
      const nots: Bound[] = [];
      for (const c of node.clauses) {
        const b = bindQs(c.q, ctx, defaults, lenient, q);
        (c.occur === 'must' ? musts : c.occur === 'should' ? shoulds : nots).push(b);
      }
      const occurs: Occur[] = node.clauses.map((c) => c.occur);
      const pureNegative = !occurs.includes('must') && !occurs.includes('should');
      if (pureNegative) musts.push(allBound(0));
      // `minimum_should_match` applies to the top-level boolean the query string parsed into (Queries.maybeApplyMinimumShouldMatch).
      const dflt = musts.length > 0 ? 0 : shoulds.length > 0 ? 1 : 0;
      const msm = top && q.msm !== undefined && shoulds.length > 0 ? minimumShouldMatch(q.msm, shoulds.length, dflt) : dflt;
      if (musts.some((b) => b.none)) return NONE;
      const liveShould = shoulds.filter((b) => !b.none);
      if (msm > liveShould.length) return NONE;
      const mm = musts.map((b) => b.m);
      const sm = liveShould.map((b) => b.m);
      const nm = nots.filter((b) => !b.none).map((b) => b.m);
      const boost = node.boost;
      return {
        m: (pos) => {
          let score = 0;
          for (const m of mm) {
            const s = m(pos);
            if (s < 0) return -1;
            score += s;
          }
          for (const m of nm) if (m(pos) >= 0) return -1;
          let count = 0;
          for (const m of sm) {
            const s = m(pos);
            if (s >= 0) {
              count += 1;
              score += s;
            }
          }
          if (count < msm) return -1;
          return score * boost;
        },
      };
    }
    case 'range':
    case 'term': {
      const specs = node.field !== undefined ? [node.field] : defaults;
      const fields = expandFields(ctx, specs);
      const subs: Matcher[] = [];
      for (const { def, boost } of fields) {
        let b: Bound;
        try {
          b = bindQsLeaf(node, def, ctx, boost * node.boost, q, lenient);
        } catch (e) {
          if (lenient && e instanceof ShardFailure) continue;
          throw e;
        }
        if (b.all) return b;
        if (!b.none) subs.push(b.m);
      }
      if (subs.length === 0) return NONE;
      return { m: disMax(subs, 0, 1) };
    }
  }
}

function bindQsLeaf(node: Extract<QsNode, { k: 'term' | 'range' }>, def: FieldDef, ctx: BindCtx, boost: number, q: Extract<QueryNode, { t: 'qs' }>, lenient: boolean): Bound {
  if (node.k === 'range') {
    const range: QueryNode = { t: 'range', field: def.name, boost };
    if (node.lo !== undefined) {
      if (node.incLo) range.gte = node.lo;
      else range.gt = node.lo;
    }
    if (node.hi !== undefined) {
      if (node.incHi) range.lte = node.hi;
      else range.lt = node.hi;
    }
    return bindRange(range, ctx);
  }
  if (node.regex) return bindPattern(ctx, def.name, 'regexp', node.text, false, boost);
  if (node.wildcard) {
    if (def.family !== 'text' && def.family !== 'keyword') {
      if (lenient) return NONE;
      return bindPattern(ctx, def.name, 'wildcard', node.text, false, boost);
    }
    // A text field normalizes the pattern (lowercase); `analyze_wildcard` also splits it into the
    // analyzer's tokens, each a term or a pattern, joined by the default operator.
    if (def.family === 'text' && q.analyzeWildcard) {
      const parts = node.text.toLowerCase().split(/[^\p{L}\p{N}_*?\\]+/u).filter((t) => t !== '');
      if (parts.length > 1) {
        const subs = parts.map((part) => (/[*?]/.test(part) ? wildcardOrPrefix(ctx, def.name, part, boost) : bindMatch(ctx, def.name, part, { operator: 'or', lenient, zeroTerms: 'none', boost })));
        return q.operator === 'and' ? conjunctionOf(subs) : disjunctionOf(subs);
      }
    }
    const text = def.family === 'text' ? node.text.toLowerCase() : node.text;
    return wildcardOrPrefix(ctx, def.name, text, boost);
  }
  if (node.fuzzy !== undefined && def.family === 'text') return bindFuzzy(ctx, def.name, node.text.toLowerCase(), node.fuzzy, boost);
  if (node.phrase) return bindPhrase(ctx, def.name, node.text, node.slop ?? 0, false, 'none', boost, lenient);
  if (def.family === 'text') {
    // A bare term that analyzes into several tokens becomes a boolean of them (default operator).
    return bindMatch(ctx, def.name, node.text, { operator: q.operator, lenient, zeroTerms: 'none', boost });
  }
  return bindMatch(ctx, def.name, node.text, { operator: 'or', lenient, zeroTerms: 'none', boost });
}

function wildcardOrPrefix(ctx: BindCtx, field: string, text: string, boost: number): Bound {
  if (/^[^*?]*\*$/.test(text) && !text.includes('\\')) return bindPattern(ctx, field, 'prefix', text.slice(0, -1), false, boost);
  return bindPattern(ctx, field, 'wildcard', text, false, boost);
}

function conjunctionOf(subs: Bound[]): Bound {
  if (subs.some((b) => b.none)) return NONE;
  const ms = subs.map((b) => b.m);
  return {
    m: (pos) => {
      let score = 0;
      for (const m of ms) {
        const s = m(pos);
        if (s < 0) return -1;
        score += s;
      }
      return score;
    },
  };
}

function disjunctionOf(subs: Bound[]): Bound {
  const ms = subs.filter((b) => !b.none).map((b) => b.m);
  if (ms.length === 0) return NONE;
  return {
    m: (pos) => {
      let score = -1;
      for (const m of ms) {
        const s = m(pos);
        if (s >= 0) score = score < 0 ? s : score + s;
      }
      return score;
    },
  };
}
