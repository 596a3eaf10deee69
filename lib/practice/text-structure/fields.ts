/**
 * Field types and field statistics of a sample, decided the way Elasticsearch's text structure
 * finder decides them (`TextStructureUtils.guessScalarMapping`, `FieldStatsCalculator`): booleans
 * first, then dates (one format for all values), then numbers (long when every value parses as a
 * long, else double), IP addresses, and keyword unless a value is long or wordy enough for text.
 * Statistics: count, cardinality, the ten most frequent values (ties by value), and for numbers
 * min/max/mean/median, for dates the earliest and latest value as written.
 */
import { findTimestampFormat, type TimestampFormat } from './timestamps';

export type FieldMapping = { type: string; format?: string };

export interface FieldStats {
  count: number;
  cardinality: number;
  min_value?: number;
  max_value?: number;
  mean_value?: number;
  median_value?: number;
  earliest?: string;
  latest?: string;
  top_hits: { value: string | number; count: number }[];
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?[0-3]?[0-9]{1,2})?$/;
const LONG = /^[+-]?\d+$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}$|^(?:[0-9a-fA-F]{1,4}:){1,7}:$|^:(?::[0-9a-fA-F]{1,4}){1,7}$|^(?:[0-9a-fA-F]{1,4}:){1,6}(?::[0-9a-fA-F]{1,4}){1,6}$/;
const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;
const KEYWORD_MAX_LEN = 256;
const KEYWORD_MAX_SPACES = 5;
const NUM_TOP_HITS = 10;

function isLong(v: string): boolean {
  if (!LONG.test(v)) return false;
  const n = BigInt(v.startsWith('+') ? v.slice(1) : v);
  return n <= LONG_MAX && n >= LONG_MIN;
}

function moreLikelyText(v: string): boolean {
  return v.length > KEYWORD_MAX_LEN || v.length - v.replace(/\s/g, '').length > KEYWORD_MAX_SPACES;
}

export interface GuessedField {
  mapping: FieldMapping;
  timestamp?: TimestampFormat;
}

export function guessScalarMapping(values: string[], explanation: string[], fieldName: string): GuessedField {
  if (values.every((v) => v === 'true' || v === 'false')) return { mapping: { type: 'boolean' } };
  const ts = findTimestampFormat(values);
  if (ts) return { mapping: { type: 'date', format: ts.mapping }, timestamp: ts };
  if (values.every((v) => NUMBER.test(v))) {
    if (values.every(isLong)) return { mapping: { type: 'long' } };
    explanation.push(`Rejecting type 'long' for field [${fieldName}] due to parse failure: [For input string: "${values.find((v) => !isLong(v)) ?? ''}"]`);
    return { mapping: { type: 'double' } };
  }
  if (values.every((v) => IPV4.test(v) || IPV6.test(v))) return { mapping: { type: 'ip' } };
  if (values.some(moreLikelyText)) return { mapping: { type: 'text' } };
  return { mapping: { type: 'keyword' } };
}

/** Java's `Double.toString` shows integral values as `2.0`; ES prints top hits of whole numbers as integers. */
function numericValue(v: string): number {
  return Number(v);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function fieldStats(mapping: FieldMapping, values: string[], ts?: TimestampFormat): FieldStats {
  const numeric = ['byte', 'short', 'integer', 'long', 'half_float', 'float', 'double'].includes(mapping.type);
  if (numeric) {
    const counts = new Map<number, number>();
    for (const v of values) {
      const n = numericValue(v);
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    const keys = [...counts.keys()].sort((a, b) => a - b);
    if (keys.length === 0) return { count: 0, cardinality: 0, top_hits: [] };
    let mean = NaN;
    let running = 0;
    for (const k of keys) {
      const c = counts.get(k) as number;
      const next = running + c;
      mean = running > 0 ? mean * (running / next) + k * (c / next) : k;
      running = next;
    }
    const sorted = values.map(numericValue).sort((a, b) => a - b);
    const n = sorted.length;
    const median = n % 2 === 1 ? (sorted[(n - 1) / 2] as number) : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, NUM_TOP_HITS);
    return {
      count: values.length,
      cardinality: keys.length,
      min_value: keys[0] as number,
      max_value: keys[keys.length - 1] as number,
      mean_value: mean,
      median_value: median,
      top_hits: top.map(([value, count]) => ({ value, count })),
    };
  }
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const stats = { count: values.length, cardinality: counts.size } as FieldStats;
  if (mapping.type === 'date' && ts) {
    let earliest: [number, string] | undefined;
    let latest: [number, string] | undefined;
    for (const v of values) {
      const t = ts.parse(v);
      if (Number.isNaN(t)) continue;
      if (!earliest || t < earliest[0]) earliest = [t, v];
      if (!latest || t > latest[0]) latest = [t, v];
    }
    if (earliest) stats.earliest = earliest[1];
    if (latest) stats.latest = latest[1];
  }
  stats.top_hits = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))
    .slice(0, NUM_TOP_HITS)
    .map(([value, count]) => ({ value, count }));
  return stats;
}

/** Java `TreeMap<String, …>` order (UTF-16 code units), which ES uses for mappings and field_stats. */
export function sortedKeys<T>(obj: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(obj).sort(compareStrings)) out[k] = obj[k] as T;
  return out;
}
