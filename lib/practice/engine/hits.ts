import type { Flavor } from './api';
import { DateParseError, formatDate, parseDate, resolveDateMath } from './dates';
import { isPlainObject, locate, parsingException, ShardFailure, xContentParse } from './errors';
import type { IndexState, Val } from './index-state';
import type { FieldDef } from './mapping';
import { simpleMatch } from './wildcard';

/** Sorting, `search_after`, `_source` filtering, `fields`, and hit rendering as ES does them. */

export const LONG_MAX = 9223372036854775807;
export const LONG_MIN = -9223372036854775808;

export interface SortSpec {
  kind: 'score' | 'doc' | 'field';
  field: string;
  order: 'asc' | 'desc';
  missing: unknown;
  unmappedType?: string;
  mode?: 'min' | 'max' | 'avg' | 'sum' | 'median';
  format?: string;
}

type Path = (string | number)[];

const SORT_OPTIONS = ['order', 'missing', 'unmapped_type', 'mode', 'format', 'numeric_type', 'nested', 'nested_path', 'nested_filter'];

/** Parses the body's `sort` (string, object or array of them). */
export function parseSort(v: unknown, root: unknown, path: Path): SortSpec[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map((item, i) => parseSortItem(item, root, Array.isArray(v) ? [...path, i] : path));
}

function parseSortItem(item: unknown, root: unknown, path: Path): SortSpec {
  if (typeof item === 'string') return makeSort(item, undefined, {});
  if (!isPlainObject(item)) throw parsingException(`malformed sort format, within the sort array, an object, or an actual string are allowed`, locate(root, path));
  const keys = Object.keys(item);
  if (keys.length !== 1) throw parsingException(`malformed sort format, within the sort array, an object, or an actual string are allowed`, locate(root, path));
  const field = keys[0] as string;
  const spec = item[field];
  if (typeof spec === 'string') {
    const order = spec.toLowerCase();
    if (order !== 'asc' && order !== 'desc') throw illegalOrder(spec, root, [...path, field]);
    return makeSort(field, order, {});
  }
  if (!isPlainObject(spec)) throw parsingException(`malformed sort format, within the sort array, an object, or an actual string are allowed`, locate(root, [...path, field]));
  for (const k of Object.keys(spec)) {
    if (!SORT_OPTIONS.includes(k)) {
      const name = field === '_score' ? 'score_sort' : field === '_geo_distance' ? 'geo_distance_sort' : 'field_sort';
      throw xContentParse(locate(root, [...path, field, k]), `[${name}] unknown field [${k}]`);
    }
  }
  let order: 'asc' | 'desc' | undefined;
  if (spec.order !== undefined) {
    const o = String(spec.order).toLowerCase();
    if (o !== 'asc' && o !== 'desc') throw illegalOrder(String(spec.order), root, [...path, field, 'order']);
    order = o;
  }
  return makeSort(field, order, spec);
}

function illegalOrder(v: string, root: unknown, path: Path) {
  const loc = locate(root, path);
  return xContentParse(loc, `[field_sort] failed to parse field [order]`, { type: 'illegal_argument_exception', reason: `No sort order for value [${v}]` });
}

function makeSort(field: string, order: 'asc' | 'desc' | undefined, o: Record<string, unknown>): SortSpec {
  if (field === '_score') return { kind: 'score', field, order: order ?? 'desc', missing: '_last' };
  if (field === '_doc') return { kind: 'doc', field, order: order ?? 'asc', missing: '_last' };
  const spec: SortSpec = { kind: 'field', field, order: order ?? 'asc', missing: o.missing ?? '_last' };
  if (typeof o.unmapped_type === 'string') spec.unmappedType = o.unmapped_type;
  if (typeof o.mode === 'string') spec.mode = o.mode as SortSpec['mode'];
  if (typeof o.format === 'string') spec.format = o.format;
  return spec;
}

/** `sort=field:desc,other` from the URL. */
export function parseSortParam(s: string): SortSpec[] {
  return s
    .split(',')
    .filter((x) => x !== '')
    .map((part) => {
      const colon = part.lastIndexOf(':');
      if (colon > 0) {
        const o = part.slice(colon + 1).toLowerCase();
        if (o === 'asc' || o === 'desc') return makeSort(part.slice(0, colon), o, {});
      }
      return makeSort(part, undefined, {});
    });
}

/** What a sort key is per document: a number, a string, or null (missing keyword). */
export type SortVal = number | string | null;

export interface SortPlan {
  specs: SortSpec[];
  /** Per index: one key function per sort spec. */
  keyFns(ix: IndexState): ((pos: number, score: number) => SortVal)[];
  /** The value ES prints in a hit's `sort` array. */
  render(i: number, v: SortVal, ix: IndexState): unknown;
  /** Converts `search_after` values into comparable keys. */
  afterKeys(values: unknown[], ix: IndexState, now: number): SortVal[];
  compare(a: SortVal[], b: SortVal[]): number;
  tracksScore: boolean;
}

function fielddataError(def: FieldDef, ix: IndexState, flavor: Flavor): ShardFailure {
  const tail = `Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${def.name}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`;
  const reason = flavor !== '7' ? `Fielddata is disabled on [${def.name}] in [${ix.name}]. ${tail}` : tail;
  return new ShardFailure(400, { type: 'illegal_argument_exception', reason });
}

export { fielddataError };

function isLongLike(def: FieldDef | undefined, unmappedType: string | undefined): boolean {
  const type = def?.type ?? unmappedType ?? 'long';
  if (def?.family === 'date' || type === 'date' || type === 'date_nanos' || type === 'boolean') return true;
  return ['long', 'integer', 'short', 'byte', 'unsigned_long'].includes(type);
}

function isNumericFamily(def: FieldDef | undefined, unmappedType: string | undefined): boolean {
  if (def) return def.family === 'numeric' || def.family === 'date' || def.family === 'boolean';
  return unmappedType !== undefined && !['keyword', 'text', 'ip', 'wildcard', 'constant_keyword'].includes(unmappedType);
}

function pick(vals: readonly Val[], mode: string): Val | undefined {
  if (vals.length === 0) return undefined;
  if (vals.length === 1) return vals[0];
  if (mode === 'sum' || mode === 'avg' || mode === 'median') {
    const nums = vals.map(Number).sort((a, b) => a - b);
    if (mode === 'sum') return nums.reduce((s, v) => s + v, 0);
    if (mode === 'avg') return nums.reduce((s, v) => s + v, 0) / nums.length;
    const mid = nums.length >> 1;
    return nums.length % 2 ? (nums[mid] as number) : ((nums[mid - 1] as number) + (nums[mid] as number)) / 2;
  }
  let best = vals[0] as Val;
  for (const v of vals) if (mode === 'max' ? v > best : v < best) best = v;
  return best;
}

export function makeSortPlan(specs: SortSpec[], flavor: Flavor): SortPlan {
  const missingKey = (spec: SortSpec, numeric: boolean, longLike: boolean): SortVal => {
    const first = spec.missing === '_first';
    if (spec.missing !== '_last' && spec.missing !== '_first') {
      if (numeric) return Number(spec.missing);
      return String(spec.missing);
    }
    if (!numeric) return null;
    const high = (spec.order === 'asc') !== first;
    if (longLike) return high ? LONG_MAX : LONG_MIN;
    return high ? Infinity : -Infinity;
  };
  const plan: SortPlan = {
    specs,
    tracksScore: specs.some((s) => s.kind === 'score'),
    keyFns(ix) {
      return specs.map((spec) => {
        if (spec.kind === 'score') return (_pos: number, score: number) => score;
        if (spec.kind === 'doc') return (pos: number) => ix.store.seq[pos] as number;
        if (spec.field === '_id') {
          if (flavor !== '7') {
            throw new ShardFailure(400, {
              type: 'illegal_argument_exception',
              reason: 'Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster setting: indices.id_field_data.enabled',
            });
          }
          return (pos: number) => ix.idOf(pos);
        }
        if (spec.field === '_index') return () => ix.name;
        const def = ix.mapping.field(spec.field);
        if (!def || def.family === 'object') {
          if (spec.unmappedType === undefined) {
            throw new ShardFailure(400, { type: 'query_shard_exception', reason: `No mapping found for [${spec.field}] in order to sort on`, index_uuid: ix.uuid, index: ix.name });
          }
          const k = missingKey(spec, isNumericFamily(undefined, spec.unmappedType), isLongLike(undefined, spec.unmappedType));
          return () => k;
        }
        if (def.family === 'text' && !def.fielddata) throw fielddataError(def, ix, flavor);
        const numeric = isNumericFamily(def, undefined);
        const missing = missingKey(spec, numeric, isLongLike(def, undefined));
        const mode = spec.mode ?? (spec.order === 'asc' ? 'min' : 'max');
        if (def.name === '@timestamp' && def.family === 'date' && ix.timeOrdered) {
          const store = ix.store;
          return (pos: number) => {
            const t = store.ts[pos] as number;
            return t === Number.NEGATIVE_INFINITY ? missing : t;
          };
        }
        const reader = ix.reader(def.name);
        return (pos: number) => {
          const v = pick(reader.values(pos), mode);
          return v === undefined ? missing : v;
        };
      });
    },
    render(i, v, ix) {
      const spec = specs[i] as SortSpec;
      if (v === Infinity) return 'Infinity';
      if (v === -Infinity) return '-Infinity';
      if (spec.kind !== 'field' || v === null) return v;
      const def = ix.mapping.field(spec.field);
      if (spec.format && def?.family === 'date' && typeof v === 'number' && v !== LONG_MAX && v !== LONG_MIN) return formatDate(v, spec.format);
      return v;
    },
    afterKeys(values, ix, now) {
      return specs.map((spec, i) => {
        const v = values[i];
        if (v === null || v === undefined) return null;
        if (v === 'Infinity') return Infinity;
        if (v === '-Infinity') return -Infinity;
        if (spec.kind === 'score' || spec.kind === 'doc') return Number(v);
        const def = ix.mapping.field(spec.field);
        if (def?.family === 'date') {
          if (typeof v === 'number') return v;
          try {
            return resolveDateMath(v, { now, format: spec.format ?? def.format });
          } catch (e) {
            if (e instanceof DateParseError) throw new ShardFailure(400, { type: 'parse_exception', reason: e.message });
            throw e;
          }
        }
        if (isNumericFamily(def, spec.unmappedType)) {
          if (typeof v === 'boolean') return v ? 1 : 0;
          const n = Number(v);
          if (!Number.isFinite(n)) {
            throw new ShardFailure(400, { type: 'illegal_argument_exception', reason: `Failed to parse search_after value for field [${spec.field}].` });
          }
          return n;
        }
        return String(v);
      });
    },
    compare(a, b) {
      for (let i = 0; i < specs.length; i += 1) {
        const x = a[i] as SortVal;
        const y = b[i] as SortVal;
        if (x === y) continue;
        const spec = specs[i] as SortSpec;
        const first = spec.missing === '_first';
        if (x === null) return first ? -1 : 1;
        if (y === null) return first ? 1 : -1;
        let c: number;
        if (typeof x === 'number' && typeof y === 'number') c = x < y ? -1 : x > y ? 1 : 0;
        else {
          const sx = String(x);
          const sy = String(y);
          c = sx < sy ? -1 : sx > sy ? 1 : 0;
        }
        if (c !== 0) return spec.order === 'desc' ? -c : c;
      }
      return 0;
    },
  };
  return plan;
}

// ---------------------------------------------------------------------------------------------
// _source filtering

export interface SourceFilter {
  enabled: boolean;
  includes: string[];
  excludes: string[];
}

export const FULL_SOURCE: SourceFilter = { enabled: true, includes: [], excludes: [] };

export function parseSourceFilter(v: unknown, root: unknown, path: Path): SourceFilter {
  if (v === undefined || v === true) return FULL_SOURCE;
  if (v === false) return { enabled: false, includes: [], excludes: [] };
  if (typeof v === 'string') return { enabled: true, includes: [v], excludes: [] };
  if (Array.isArray(v)) return { enabled: true, includes: v.map(String), excludes: [] };
  if (isPlainObject(v)) {
    const list = (x: unknown): string[] => (x === undefined ? [] : Array.isArray(x) ? x.map(String) : [String(x)]);
    for (const k of Object.keys(v)) {
      if (!['includes', 'include', 'excludes', 'exclude'].includes(k)) {
        throw parsingException(`Unknown key for a ${Array.isArray(v[k]) ? 'START_ARRAY' : 'VALUE_STRING'} in [${k}].`, locate(root, [...path, k]));
      }
    }
    return { enabled: true, includes: list(v.includes ?? v.include), excludes: list(v.excludes ?? v.exclude) };
  }
  throw parsingException('Expected one of [VALUE_BOOLEAN, VALUE_STRING, START_ARRAY, START_OBJECT] but found [VALUE_NUMBER]', locate(root, path));
}

/** Source filtering from the `_source`, `_source_includes`, `_source_excludes` URL parameters. */
export function sourceFilterFromParams(source: string | boolean | undefined, includes: string | undefined, excludes: string | undefined): SourceFilter | undefined {
  if (source === undefined && includes === undefined && excludes === undefined) return undefined;
  if (source === false || source === 'false') return { enabled: false, includes: [], excludes: [] };
  const inc = includes ? includes.split(',') : typeof source === 'string' && source !== 'true' ? source.split(',') : [];
  const exc = excludes ? excludes.split(',') : [];
  return { enabled: true, includes: inc, excludes: exc };
}

function literalPrefix(pattern: string): string {
  const star = pattern.indexOf('*');
  return star < 0 ? pattern : pattern.slice(0, star);
}

interface CompiledFilter {
  include(path: string): boolean;
  exclude(path: string): boolean;
  /** Whether some include pattern could match a field below `path`. */
  below(path: string): boolean;
  hasIncludes: boolean;
  hasExcludes: boolean;
}

const compiled = new WeakMap<SourceFilter, CompiledFilter>();

function matcher(patterns: string[]): (path: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns.filter((p) => p.includes('*'));
  return (path) => exact.has(path) || globs.some((glob) => simpleMatch(glob, path));
}

function compile(f: SourceFilter): CompiledFilter {
  let c = compiled.get(f);
  if (!c) {
    const prefixes = f.includes.map(literalPrefix);
    c = {
      include: matcher(f.includes),
      exclude: matcher(f.excludes),
      below: (path) => {
        const p = `${path}.`;
        return prefixes.some((lp) => lp.startsWith(p) || p.startsWith(lp));
      },
      hasIncludes: f.includes.length > 0,
      hasExcludes: f.excludes.length > 0,
    };
    compiled.set(f, c);
  }
  return c;
}

export function filterSource(src: Record<string, unknown>, f: SourceFilter): Record<string, unknown> {
  if (f.includes.length === 0 && f.excludes.length === 0) return src;
  return filterObject(src, '', compile(f), false) ?? {};
}

function filterObject(node: Record<string, unknown>, prefix: string, f: CompiledFilter, included: boolean): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [k, v] of Object.entries(node)) {
    const path = prefix === '' ? k : `${prefix}.${k}`;
    const r = filterValue(v, path, f, included);
    if (r !== SKIP) {
      out[k] = r;
      any = true;
    }
  }
  return any ? out : undefined;
}

const SKIP = Symbol('skip');

function filterValue(v: unknown, path: string, f: CompiledFilter, parentIncluded: boolean): unknown {
  if (f.hasExcludes && f.exclude(path)) return SKIP;
  const included = parentIncluded || !f.hasIncludes || f.include(path);
  if (Array.isArray(v)) {
    const items: unknown[] = [];
    for (const el of v) {
      if (isPlainObject(el)) {
        const r = filterObject(el, path, f, included);
        if (r) items.push(r);
      } else if (Array.isArray(el)) {
        const r = filterValue(el, path, f, included);
        if (r !== SKIP) items.push(r);
      } else if (included) items.push(el);
    }
    if (items.length === 0 && !(included && v.length === 0)) return SKIP;
    return items;
  }
  if (isPlainObject(v)) {
    if (!included && !f.below(path)) return SKIP;
    const r = filterObject(v, path, f, included);
    if (r) return r;
    return included && Object.keys(v).length === 0 && !f.hasExcludes ? {} : SKIP;
  }
  return included ? v : SKIP;
}

// ---------------------------------------------------------------------------------------------
// `fields` and `docvalue_fields`

export interface FieldRequest {
  pattern: string;
  format?: string;
  docValues: boolean;
}

export function parseFieldRequests(v: unknown, docValues: boolean, root: unknown, path: Path): FieldRequest[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw parsingException(`[${docValues ? 'docvalue_fields' : 'fields'}] must be an array`, locate(root, path));
  return v.map((item, i) => {
    if (typeof item === 'string') return { pattern: item, docValues };
    if (isPlainObject(item) && typeof item.field === 'string') {
      const r: FieldRequest = { pattern: item.field, docValues };
      if (typeof item.format === 'string' && item.format !== 'use_field_mapping') r.format = item.format;
      return r;
    }
    throw parsingException('Expected [VALUE_STRING] or [START_OBJECT] but found something else', locate(root, [...path, i]));
  });
}

/** Values for `fields` as ES 8 returns them: dates formatted, booleans as booleans, arrays always. */
export function fieldValues(ix: IndexState, pos: number, reqs: FieldRequest[]): Record<string, unknown[]> | undefined {
  const out: Record<string, unknown[]> = {};
  let any = false;
  for (const req of reqs) {
    const defs = req.pattern.includes('*') ? ix.mapping.matchFields(req.pattern) : [ix.mapping.field(req.pattern)].filter((d): d is FieldDef => d !== undefined);
    for (const def of defs) {
      if (def.family === 'object' || (req.docValues && def.family === 'text')) continue;
      const vals = ix.reader(def.name).values(pos);
      if (vals.length === 0) continue;
      out[def.name] = vals.map((v) => displayValue(def, v, req.format));
      any = true;
    }
  }
  return any ? out : undefined;
}

export function displayValue(def: FieldDef, v: Val, format?: string): unknown {
  switch (def.family) {
    case 'date':
      return formatDate(v as number, format ?? def.format);
    case 'boolean':
      return v === 1;
    default:
      return v;
  }
}

/** Parses a date in a field's format for `missing` values and bounds. */
export function parseFieldDate(def: FieldDef, v: unknown): number | undefined {
  return parseDate(v, def.format);
}
