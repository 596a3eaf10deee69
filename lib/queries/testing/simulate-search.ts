/**
 * Test support only: evaluates the query modules' requests over in-memory documents the way
 * Elasticsearch does, for the constructs those requests use (bool, term, terms, range, ids, exists,
 * match, match_phrase, wildcard, match_all; terms, avg, max, filter, top_hits, date_histogram;
 * sort with missing values, search_after, size). It lets the tests run the real request bodies
 * against the real Beats samples instead of hand-written responses.
 */
import { asNumber, type Dsl, getField, isObject, type SearchRequest } from '../common';

export interface StoredDoc {
  /** Concrete index: `metricbeat-7.17.0-2026.11.24` or a data stream's `.ds-metricbeat-8.15.0-2026.11.24-000001`. */
  index: string;
  id: string;
  source: Record<string, unknown>;
}

const DATE_FIELDS = new Set(['@timestamp']);

export function simulateSearch(docs: StoredDoc[], request: SearchRequest, now = Date.now()): Dsl {
  const body = request.body;
  const matching = docs.filter((d) => targets(request.index, d.index) && matches(d, body.query as Dsl | undefined, now));
  const sortSpec = (body.sort as Dsl[] | undefined) ?? [];
  let hits = matching.map((d) => ({ doc: d, sort: sortValues(d, sortSpec) }));
  if (sortSpec.length > 0) hits.sort((a, b) => compareSort(a.sort, b.sort, sortSpec));
  // As in ES, the total counts every match, also those `search_after` skips.
  const total = hits.length;
  const after = body.search_after as (string | number)[] | undefined;
  if (after) hits = hits.filter((h) => compareSort(h.sort, after, sortSpec) > 0);
  const size = typeof body.size === 'number' ? body.size : 10;
  const response: Dsl = {
    took: 1,
    timed_out: false,
    hits: {
      total: { value: total, relation: 'eq' },
      hits: hits.slice(0, size).map((h) => ({
        _index: h.doc.index,
        _id: h.doc.id,
        _source: h.doc.source,
        ...(sortSpec.length > 0 ? { sort: h.sort } : {}),
      })),
    },
  };
  if (isObject(body.aggs)) response.aggregations = aggregate(matching, body.aggs, now);
  return response;
}

/** Wildcards match data streams by name and regular indices, never hidden `.ds-` backing indices directly. */
function targets(expression: string, index: string): boolean {
  const dataStream = /^\.ds-(.+)-\d{4}\.\d{2}\.\d{2}-\d{6}$/.exec(index)?.[1];
  return expression.split(',').some((pattern) => {
    const re = new RegExp(`^${pattern.split('*').map(escapeRe).join('.*')}$`);
    return dataStream !== undefined ? re.test(dataStream) : re.test(index);
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function values(doc: StoredDoc, field: string): unknown[] {
  const v = getField(doc.source, field);
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return DATE_FIELDS.has(field) ? list.map((x) => (typeof x === 'string' ? Date.parse(x) : x)) : list;
}

function toComparable(field: string, value: unknown, now: number): unknown {
  if (DATE_FIELDS.has(field) && typeof value === 'string') {
    const math = /^now(?:-(\d+)([smhd]))?$/.exec(value);
    if (math) {
      const unit = { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[math[2] as 's' | 'm' | 'h' | 'd'] ?? 0;
      return now - Number(math[1] ?? 0) * unit;
    }
    return Date.parse(value);
  }
  return value;
}

function matches(doc: StoredDoc, query: Dsl | undefined, now: number): boolean {
  if (!query) return true;
  const [type, spec] = Object.entries(query)[0] ?? [];
  if (!isObject(spec)) throw new Error(`unsupported query ${JSON.stringify(query)}`);
  switch (type) {
    case 'match_all':
      return true;
    case 'bool': {
      const all = (key: string) => ((spec[key] as Dsl[] | undefined) ?? []).map((q) => matches(doc, q, now));
      const should = all('should');
      const min = typeof spec.minimum_should_match === 'number' ? spec.minimum_should_match : should.length > 0 ? 1 : 0;
      return (
        all('filter').every(Boolean) &&
        all('must').every(Boolean) &&
        !all('must_not').some(Boolean) &&
        should.filter(Boolean).length >= min
      );
    }
    case 'term':
    case 'match': {
      const [field, raw] = Object.entries(spec)[0]!;
      const wanted = isObject(raw) ? (raw.value ?? raw.query) : raw;
      return values(doc, field).some((v) => String(v) === String(wanted));
    }
    case 'terms': {
      const [field, list] = Object.entries(spec)[0]!;
      return values(doc, field).some((v) => (list as unknown[]).map(String).includes(String(v)));
    }
    case 'match_phrase': {
      const [field, phrase] = Object.entries(spec)[0]!;
      return values(doc, field).some((v) => String(v).toLowerCase().includes(String(phrase).toLowerCase()));
    }
    case 'wildcard': {
      const [field, raw] = Object.entries(spec)[0]!;
      const pattern = String(isObject(raw) ? raw.value : raw);
      const re = new RegExp(`^${pattern.split('*').map(escapeRe).join('.*')}$`);
      return values(doc, field).some((v) => re.test(String(v)));
    }
    case 'exists':
      return values(doc, String(spec.field)).length > 0;
    case 'ids':
      return (spec.values as string[]).includes(doc.id);
    case 'range': {
      const [field, bounds] = Object.entries(spec)[0]!;
      const b = bounds as Dsl;
      return values(doc, field).some((raw) => {
        const v = asNumber(raw) ?? NaN;
        const bound = (k: string) => asNumber(toComparable(field, b[k], now));
        const gte = bound('gte');
        const lte = bound('lte');
        const gt = bound('gt');
        const lt = bound('lt');
        return (
          (gte === undefined || v >= gte) &&
          (lte === undefined || v <= lte) &&
          (gt === undefined || v > gt) &&
          (lt === undefined || v < lt)
        );
      });
    }
    default:
      throw new Error(`unsupported query type ${type}`);
  }
}

type SortValue = string | number;

function sortValues(doc: StoredDoc, spec: Dsl[]): SortValue[] {
  return spec.map((s) => {
    const [field, opts] = Object.entries(s)[0]!;
    const v = values(doc, field)[0];
    if (typeof v === 'number' || typeof v === 'string') return v;
    const missing = isObject(opts) ? opts.missing : undefined;
    if (typeof missing === 'number' || typeof missing === 'string') return missing;
    return Number.MAX_SAFE_INTEGER;
  });
}

function compareSort(a: SortValue[], b: SortValue[], spec: Dsl[]): number {
  for (let i = 0; i < spec.length; i++) {
    const opts = Object.values(spec[i]!)[0];
    const desc = isObject(opts) && opts.order === 'desc';
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
    return desc ? -c : c;
  }
  return 0;
}

function aggregate(docs: StoredDoc[], aggs: Dsl, now: number): Dsl {
  const out: Dsl = {};
  for (const [name, def] of Object.entries(aggs)) {
    if (!isObject(def)) continue;
    const sub = isObject(def.aggs) ? def.aggs : undefined;
    const withSub = (bucketDocs: StoredDoc[], bucket: Dsl): Dsl =>
      sub ? { ...bucket, ...aggregate(bucketDocs, sub, now) } : bucket;
    if (isObject(def.terms)) {
      const field = String(def.terms.field);
      const groups = new Map<string, { key: unknown; docs: StoredDoc[] }>();
      for (const d of docs) {
        for (const v of new Set(values(d, field))) {
          const g = groups.get(String(v)) ?? { key: v, docs: [] };
          g.docs.push(d);
          groups.set(String(v), g);
        }
      }
      const sorted = [...groups.values()].sort(
        (a, b) => b.docs.length - a.docs.length || String(a.key).localeCompare(String(b.key)),
      );
      const size = typeof def.terms.size === 'number' ? def.terms.size : 10;
      out[name] = {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: sorted.slice(size).reduce((n, g) => n + g.docs.length, 0),
        buckets: sorted.slice(0, size).map((g) => withSub(g.docs, { key: g.key, doc_count: g.docs.length })),
      };
    } else if (isObject(def.max) || isObject(def.avg)) {
      const field = String(((def.max ?? def.avg) as Dsl).field);
      const nums = docs.flatMap((d) => values(d, field).map((v) => asNumber(v)).filter((n): n is number => n !== undefined));
      out[name] = {
        value: nums.length === 0 ? null : isObject(def.max) ? Math.max(...nums) : nums.reduce((s, n) => s + n, 0) / nums.length,
      };
    } else if (isObject(def.filter)) {
      const inside = docs.filter((d) => matches(d, def.filter as Dsl, now));
      out[name] = withSub(inside, { doc_count: inside.length });
    } else if (isObject(def.top_hits)) {
      const spec = (def.top_hits.sort as Dsl[] | undefined) ?? [];
      const sorted = docs.map((d) => ({ d, s: sortValues(d, spec) })).sort((a, b) => compareSort(a.s, b.s, spec));
      const size = typeof def.top_hits.size === 'number' ? def.top_hits.size : 3;
      out[name] = {
        hits: {
          total: { value: docs.length, relation: 'eq' },
          hits: sorted.slice(0, size).map(({ d, s }) => ({ _index: d.index, _id: d.id, _source: d.source, sort: s })),
        },
      };
    } else if (isObject(def.date_histogram)) {
      const h = def.date_histogram;
      const interval = intervalMs(String(h.fixed_interval));
      const field = String(h.field);
      const byKey = new Map<number, StoredDoc[]>();
      for (const d of docs) {
        const ms = asNumber(values(d, field)[0]);
        if (ms === undefined) continue;
        const key = Math.floor(ms / interval) * interval;
        byKey.set(key, [...(byKey.get(key) ?? []), d]);
      }
      const keys = [...byKey.keys()];
      const bounds = isObject(h.extended_bounds) ? h.extended_bounds : {};
      const lo = asNumber(bounds.min);
      const hi = asNumber(bounds.max);
      if (lo !== undefined) keys.push(Math.floor(lo / interval) * interval);
      if (hi !== undefined) keys.push(Math.floor(hi / interval) * interval);
      const buckets: Dsl[] = [];
      if (keys.length > 0 && (byKey.size > 0 || lo !== undefined)) {
        const first = Math.min(...keys);
        const last = Math.max(...keys);
        for (let key = first; key <= last; key += interval) {
          const inBucket = byKey.get(key) ?? [];
          if (inBucket.length === 0 && h.min_doc_count !== 0) continue;
          buckets.push(
            withSub(inBucket, { key_as_string: new Date(key).toISOString(), key, doc_count: inBucket.length }),
          );
        }
      }
      out[name] = { buckets };
    } else {
      throw new Error(`unsupported aggregation ${name}: ${JSON.stringify(def)}`);
    }
  }
  return out;
}

function intervalMs(interval: string): number {
  const m = /^(\d+)([smhd])$/.exec(interval);
  if (!m) throw new Error(`unsupported interval ${interval}`);
  return Number(m[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2] as 's' | 'm' | 'h' | 'd'];
}
