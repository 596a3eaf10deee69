import type { FieldMapping, Mappings } from './api';
import { EsError } from './api';
import { DEFAULT_DATE_FORMAT, DateParseError, looksLikeIsoDate, looksLikeSlashDate, parseDate, validateFormat } from './dates';
import { illegalArgument, isPlainObject } from './errors';
import { parseIp } from './ip';
import { simpleMatch } from './wildcard';

/**
 * One index's mapping: the JSON ES shows for `GET _mapping`, a flat table of every field by its
 * full dotted name (multi-fields such as `message.keyword` and aliases included), and dynamic
 * mapping of new documents with ES's rules (strings -> text + `.keyword`, integers -> long,
 * decimals -> float, ISO strings -> date, dynamic templates, `dynamic: false | strict`).
 */

export type Family = 'keyword' | 'text' | 'numeric' | 'date' | 'boolean' | 'ip' | 'object' | 'geo' | 'other';

export interface FieldDef {
  name: string;
  type: string;
  family: Family;
  /** The path in `_source` the value is read from (the parent for multi-fields, the target for aliases). */
  source: string;
  ignoreAbove?: number;
  format: string;
  scalingFactor?: number;
  constValue?: unknown;
  integer: boolean;
  isMulti: boolean;
  aliasOf?: string;
  searchable: boolean;
  docValues: boolean;
  fielddata: boolean;
  nullValue?: unknown;
  coerce: boolean;
}

const NUMERIC = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'unsigned_long']);
const INTEGER = new Set(['long', 'integer', 'short', 'byte', 'unsigned_long']);
const KEYWORD = new Set(['keyword', 'constant_keyword', 'wildcard', 'version']);
const TEXT = new Set(['text', 'match_only_text', 'search_as_you_type', 'annotated_text']);
const KNOWN_TYPES = new Set([
  ...NUMERIC,
  ...KEYWORD,
  ...TEXT,
  'date',
  'date_nanos',
  'boolean',
  'ip',
  'object',
  'nested',
  'flattened',
  'alias',
  'geo_point',
  'geo_shape',
  'binary',
  'integer_range',
  'float_range',
  'long_range',
  'double_range',
  'date_range',
  'ip_range',
  'histogram',
  'dense_vector',
  'rank_feature',
  'rank_features',
  'token_count',
  'completion',
  'percolator',
  'join',
  'point',
  'shape',
  'aggregate_metric_double',
  'semantic_text',
  'sparse_vector',
]);

export function familyOf(type: string): Family {
  if (NUMERIC.has(type)) return 'numeric';
  if (KEYWORD.has(type)) return 'keyword';
  if (TEXT.has(type)) return 'text';
  if (type === 'date' || type === 'date_nanos') return 'date';
  if (type === 'boolean') return 'boolean';
  if (type === 'ip') return 'ip';
  if (type === 'object' || type === 'nested' || type === 'flattened') return 'object';
  if (type === 'geo_point' || type === 'geo_shape') return 'geo';
  return 'other';
}

export class MapperParsingError extends EsError {
  constructor(reason: string, causedBy?: { type: string; reason: string }) {
    super(400, 'mapper_parsing_exception', reason, {}, causedBy);
  }
}

type Dynamic = 'true' | 'false' | 'strict' | 'runtime';

function dynamicOf(v: unknown): Dynamic | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v);
  if (s === 'true' || s === 'false' || s === 'strict' || s === 'runtime') return s;
  return undefined;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Preview ES puts in mapping errors (`Preview of field's value: '...'`). */
function preview(v: unknown): string {
  if (isPlainObject(v)) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}=${preview(x)}`)
      .join(', ')}}`;
  }
  if (Array.isArray(v)) return `[${v.map(preview).join(', ')}]`;
  return String(v);
}

export class MappingState {
  root: Mappings;
  fields = new Map<string, FieldDef>();
  /** Object paths and their explicit `dynamic` setting, if any. */
  objects = new Map<string, { dynamic?: Dynamic; enabled: boolean }>();
  version = 0;

  constructor(mappings?: Mappings) {
    this.root = {};
    if (mappings) this.merge(mappings);
    else this.rebuild();
  }

  get dateDetection(): boolean {
    return this.root.date_detection !== false && String(this.root.date_detection) !== 'false';
  }

  get numericDetection(): boolean {
    return this.root.numeric_detection === true || this.root.numeric_detection === 'true';
  }

  field(name: string): FieldDef | undefined {
    return this.fields.get(name);
  }

  /** Fields (not objects) whose names match a `*` pattern, in name order. */
  matchFields(pattern: string): FieldDef[] {
    const out: FieldDef[] = [];
    for (const def of this.fields.values()) {
      if (def.family === 'object') continue;
      if (simpleMatch(pattern, def.name)) out.push(def);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The mapping as `GET _mapping` prints it: properties sorted by name, as ES does. */
  toJSON(): Mappings {
    const out = clone(this.root);
    sortProperties(out as Record<string, unknown>);
    return out;
  }

  /** Merges new mappings in (PUT index / PUT _mapping / templates), refusing type changes as ES does. */
  merge(incoming: Mappings): void {
    const m = normalizeMappings(incoming);
    const next = clone(this.root);
    for (const [k, v] of Object.entries(m)) {
      if (k === 'properties') continue;
      if (k === '_meta') next._meta = clone(v as Record<string, unknown>);
      else if (k === 'dynamic_templates') next.dynamic_templates = mergeDynamicTemplates(next.dynamic_templates, v);
      else next[k] = clone(v);
    }
    if (m.properties !== undefined) {
      if (!isPlainObject(m.properties)) throw new MapperParsingError('Expected map for property [properties] on field [_doc] but got a class java.lang.String');
      next.properties = mergeProperties((next.properties ?? {}) as Record<string, FieldMapping>, m.properties as Record<string, FieldMapping>, '');
    }
    this.root = next;
    this.rebuild();
  }

  private rebuild(): void {
    this.fields.clear();
    this.objects.clear();
    this.objects.set('', { dynamic: dynamicOf(this.root.dynamic), enabled: this.root.enabled !== false });
    const walk = (props: Record<string, FieldMapping> | undefined, prefix: string): void => {
      if (!props) return;
      for (const [name, fm] of Object.entries(props)) {
        const path = prefix ? `${prefix}.${name}` : name;
        const type = fm.type ?? (fm.properties ? 'object' : 'object');
        if (type === 'object' || type === 'nested') {
          this.objects.set(path, { dynamic: dynamicOf(fm.dynamic), enabled: fm.enabled !== false });
          this.fields.set(path, makeDef(path, type, fm, path));
          if (fm.enabled !== false) walk(fm.properties, path);
          continue;
        }
        this.fields.set(path, makeDef(path, type, fm, path));
        if (fm.fields) {
          for (const [sub, sm] of Object.entries(fm.fields)) {
            const subPath = `${path}.${sub}`;
            const def = makeDef(subPath, sm.type ?? 'keyword', sm, path);
            def.isMulti = true;
            this.fields.set(subPath, def);
          }
        }
      }
    };
    walk(this.root.properties, '');
    for (const def of this.fields.values()) {
      if (def.type !== 'alias' || !def.aliasOf) continue;
      const target = this.fields.get(def.aliasOf);
      if (!target) continue;
      Object.assign(def, { ...target, name: def.name, aliasOf: def.aliasOf });
    }
    this.version += 1;
  }

  /** The `dynamic` setting in force for new fields under `objectPath`. */
  dynamicFor(objectPath: string): Dynamic {
    let p = objectPath;
    for (;;) {
      const o = this.objects.get(p);
      if (o?.dynamic) return o.dynamic;
      if (p === '') return 'true';
      const dot = p.lastIndexOf('.');
      p = dot < 0 ? '' : p.slice(0, dot);
    }
  }

  private enabledPath(path: string): boolean {
    let p = path;
    while (p !== '') {
      const o = this.objects.get(p);
      if (o && !o.enabled) return false;
      const dot = p.lastIndexOf('.');
      p = dot < 0 ? '' : p.slice(0, dot);
    }
    return this.objects.get('')?.enabled !== false;
  }

  /**
   * Walks a new document: validates its values against the mapped types and returns the dynamic
   * mapping update it needs (undefined if none). Throws the mapper errors ES gives.
   */
  dynamicUpdate(doc: Record<string, unknown>, id: string): Mappings | undefined {
    const pending = new Map<string, FieldMapping>();
    const pendingObjects = new Set<string>();
    const defOf = (path: string): { family: Family; def?: FieldDef; pendingMapping?: FieldMapping } | undefined => {
      const def = this.fields.get(path);
      if (def) return { family: def.family, def };
      if (pendingObjects.has(path)) return { family: 'object' };
      const pm = pending.get(path);
      if (pm) return { family: familyOf(pm.type ?? 'object'), pendingMapping: pm };
      return undefined;
    };
    const parentOf = (path: string): string => {
      const dot = path.lastIndexOf('.');
      return dot < 0 ? '' : path.slice(0, dot);
    };
    const ensureParents = (path: string): boolean => {
      // Dotted keys (`{"a.b": 1}`) imply object mappings for `a`.
      const parent = parentOf(path);
      if (parent === '') return true;
      const existing = defOf(parent);
      if (existing) {
        if (existing.family !== 'object') {
          throw new MapperParsingError(
            `Could not dynamically add mapping for field [${path}]. Existing mapping for [${parent}] must be of type object but found [${existing.def?.type ?? existing.pendingMapping?.type}].`,
          );
        }
        return true;
      }
      if (!ensureParents(parent)) return false;
      const dyn = this.dynamicFor(parentOf(parent));
      if (dyn === 'strict') throw strictError(parent, parentOf(parent));
      if (dyn === 'false' || dyn === 'runtime') return false;
      pendingObjects.add(parent);
      return true;
    };
    const visit = (path: string, value: unknown): void => {
      if (value === null || value === undefined) return;
      if (Array.isArray(value)) {
        for (const v of value) visit(path, v);
        return;
      }
      if (!this.enabledPath(parentOf(path))) return;
      const existing = defOf(path);
      if (isPlainObject(value)) {
        if (existing && existing.family !== 'object') {
          if (existing.family === 'geo' || existing.family === 'other') return;
          throw new MapperParsingError(
            `failed to parse field [${path}] of type [${existing.def?.type ?? existing.pendingMapping?.type}] in document with id '${id}'. Preview of field's value: '${preview(value)}'`,
          );
        }
        if (!existing) {
          if (!ensureParents(path)) return;
          const dyn = this.dynamicFor(parentOf(path));
          if (dyn === 'strict') throw strictError(path, parentOf(path));
          if (dyn === 'false' || dyn === 'runtime') return;
          const tmpl = this.matchDynamicTemplate(path, 'object');
          if (tmpl && tmpl.type && tmpl.type !== 'object') {
            pending.set(path, tmpl);
            return;
          }
          pendingObjects.add(path);
        } else if (existing.def && this.objects.get(path)?.enabled === false) {
          return;
        }
        for (const [k, v] of Object.entries(value)) visit(`${path}.${k}`, v);
        return;
      }
      if (existing) {
        if (existing.family === 'object') {
          throw new MapperParsingError(`object mapping for [${path}] tried to parse field [${path.slice(path.lastIndexOf('.') + 1)}] as object, but found a concrete value`);
        }
        if (existing.def) validateValue(existing.def, value, id);
        return;
      }
      if (!ensureParents(path)) return;
      const dyn = this.dynamicFor(parentOf(path));
      if (dyn === 'strict') throw strictError(path, parentOf(path));
      if (dyn === 'false' || dyn === 'runtime') return;
      const mapping = this.inferMapping(path, value);
      if (mapping) pending.set(path, mapping);
    };
    for (const [k, v] of Object.entries(doc)) visit(k, v);
    if (pending.size === 0 && pendingObjects.size === 0) return undefined;
    const props: Record<string, FieldMapping> = {};
    const place = (path: string, fm: FieldMapping): void => {
      const parts = path.split('.');
      let cur = props;
      for (let i = 0; i < parts.length - 1; i += 1) {
        const key = parts[i] as string;
        const node = (cur[key] ??= {});
        cur = (node.properties ??= {}) as Record<string, FieldMapping>;
      }
      const last = parts[parts.length - 1] as string;
      const existing = cur[last];
      cur[last] = existing ? { ...fm, ...existing } : fm;
    };
    for (const path of pendingObjects) {
      const existingProps = {};
      place(path, { type: 'object', properties: existingProps });
    }
    for (const [path, fm] of pending) place(path, fm);
    stripObjectTypes(props);
    return { properties: props };
  }

  private matchDynamicTemplate(path: string, mappingType: string): FieldMapping | undefined {
    const list = this.root.dynamic_templates;
    if (!Array.isArray(list)) return undefined;
    const name = path.slice(path.lastIndexOf('.') + 1);
    for (const entry of list) {
      if (!isPlainObject(entry)) continue;
      for (const [tmplName, t] of Object.entries(entry)) {
        if (!isPlainObject(t)) continue;
        const mmt = t.match_mapping_type;
        if (mmt !== undefined && mmt !== '*' && !(Array.isArray(mmt) ? mmt.includes(mappingType) : mmt === mappingType)) continue;
        if (!matches(t.match, name, t.match_pattern)) continue;
        if (t.unmatch !== undefined && matches(t.unmatch, name, t.match_pattern)) continue;
        if (!matches(t.path_match, path, undefined)) continue;
        if (t.path_unmatch !== undefined && matches(t.path_unmatch, path, undefined)) continue;
        if (t.match_mapping_type === undefined && t.match === undefined && t.path_match === undefined && t.unmatch === undefined && t.path_unmatch === undefined) continue;
        if (!isPlainObject(t.mapping)) continue;
        const dynamicType = mappingType === 'string' ? 'keyword' : mappingType;
        const json = JSON.stringify(t.mapping).replace(/\{name\}/g, name).replace(/\{dynamic_type\}/g, dynamicType);
        const fm = JSON.parse(json) as FieldMapping;
        void tmplName;
        if (fm.type === undefined && mappingType !== 'object') fm.type = defaultTypeFor(mappingType);
        return fm;
      }
    }
    return undefined;
  }

  private inferMapping(path: string, value: unknown): FieldMapping | undefined {
    let mappingType: string;
    if (typeof value === 'boolean') mappingType = 'boolean';
    else if (typeof value === 'number') mappingType = Number.isInteger(value) ? 'long' : 'double';
    else if (typeof value === 'string') {
      if (this.dateDetection && (looksLikeIsoDate(value) || looksLikeSlashDate(value))) mappingType = 'date';
      else if (this.numericDetection && value.trim() !== '' && Number.isFinite(Number(value))) mappingType = Number.isInteger(Number(value)) ? 'long' : 'double';
      else mappingType = 'string';
    } else return undefined;
    const tmpl = this.matchDynamicTemplate(path, mappingType);
    if (tmpl) return tmpl;
    switch (mappingType) {
      case 'boolean':
        return { type: 'boolean' };
      case 'long':
        return { type: 'long' };
      case 'double':
        return { type: 'float' };
      case 'date':
        return looksLikeSlashDate(value as string) ? { type: 'date', format: 'yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis' } : { type: 'date' };
      default:
        return { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
    }
  }
}

function defaultTypeFor(mappingType: string): string {
  switch (mappingType) {
    case 'string':
      return 'text';
    case 'double':
      return 'float';
    default:
      return mappingType;
  }
}

function matches(pattern: unknown, value: string, kind: unknown): boolean {
  if (pattern === undefined) return true;
  const list = Array.isArray(pattern) ? pattern : [pattern];
  return list.some((p) => {
    if (typeof p !== 'string') return false;
    if (kind === 'regex') return new RegExp(`^(?:${p})$`).test(value);
    return simpleMatch(p, value);
  });
}

function strictError(path: string, parent: string): MapperParsingError {
  const name = path.slice(path.lastIndexOf('.') + 1);
  const e = new EsError(400, 'strict_dynamic_mapping_exception', `[${parent || '_doc'}] object mapping [${parent || '_doc'}] set to strict, dynamic introduction of [${name}] within [${parent || '_doc'}] is not allowed`);
  return e as MapperParsingError;
}

function makeDef(name: string, type: string, fm: FieldMapping, source: string): FieldDef {
  const family = familyOf(type);
  const def: FieldDef = {
    name,
    type,
    family,
    source,
    format: typeof fm.format === 'string' ? fm.format : DEFAULT_DATE_FORMAT,
    integer: INTEGER.has(type),
    isMulti: false,
    searchable: fm.index !== false,
    docValues: fm.doc_values !== false && family !== 'text',
    fielddata: fm.fielddata === true,
    coerce: fm.coerce !== false,
  };
  if (typeof fm.ignore_above === 'number') def.ignoreAbove = fm.ignore_above;
  if (typeof fm.scaling_factor === 'number') def.scalingFactor = fm.scaling_factor;
  if (type === 'constant_keyword') def.constValue = fm.value;
  if (type === 'alias' && typeof fm.path === 'string') def.aliasOf = fm.path;
  if (fm.null_value !== undefined) def.nullValue = fm.null_value;
  return def;
}

/** Checks a value against its field type the way ES's field mappers do while indexing. */
export function validateValue(def: FieldDef, value: unknown, id: string): void {
  const fail = (cause: { type: string; reason: string }): never => {
    throw new MapperParsingError(`failed to parse field [${def.name}] of type [${def.type}] in document with id '${id}'. Preview of field's value: '${preview(value)}'`, cause);
  };
  switch (def.family) {
    case 'numeric':
      if (typeof value === 'number') return;
      if (typeof value === 'string') {
        if (value.trim() !== '' && Number.isFinite(Number(value))) {
          if (!def.coerce) fail({ type: 'illegal_argument_exception', reason: `[coerce] is false, cannot parse value: ${value}` });
          return;
        }
        fail({ type: 'number_format_exception', reason: `For input string: "${value}"` });
      }
      if (typeof value === 'boolean') fail({ type: 'illegal_argument_exception', reason: `Current token (VALUE_${value ? 'TRUE' : 'FALSE'}) not numeric, can not use numeric value accessors` });
      return;
    case 'date':
      if (typeof value === 'number') return;
      if (typeof value === 'string') {
        if (parseDate(value, def.format) === undefined) {
          fail({ type: 'illegal_argument_exception', reason: `failed to parse date field [${value}] with format [${def.format}]` });
        }
        return;
      }
      if (typeof value === 'boolean') fail({ type: 'illegal_argument_exception', reason: `failed to parse date field [${value}] with format [${def.format}]` });
      return;
    case 'boolean':
      if (typeof value === 'boolean') return;
      if (value === 'true' || value === 'false' || value === '') return;
      fail({ type: 'illegal_argument_exception', reason: `Failed to parse value [${String(value)}] as only [true] or [false] are allowed.` });
      return;
    case 'ip':
      if (typeof value === 'string' && parseIp(value) !== undefined) return;
      fail({ type: 'illegal_argument_exception', reason: `'${String(value)}' is not an IP string literal.` });
      return;
    default:
      return;
  }
}

/** Accepts typeless mappings and the 7.x `{"_doc": {...}}` wrapper. */
export function normalizeMappings(m: Mappings): Mappings {
  if (!isPlainObject(m)) return {};
  const keys = Object.keys(m);
  if (keys.length === 1 && keys[0] === '_doc' && isPlainObject(m._doc)) return m._doc as Mappings;
  return m;
}

function mergeDynamicTemplates(existing: unknown, incoming: unknown): unknown[] {
  const out = Array.isArray(existing) ? [...existing] : [];
  if (!Array.isArray(incoming)) return out;
  for (const entry of incoming) {
    if (!isPlainObject(entry)) continue;
    const name = Object.keys(entry)[0];
    const idx = out.findIndex((e) => isPlainObject(e) && Object.keys(e)[0] === name);
    if (idx >= 0) out[idx] = clone(entry);
    else out.push(clone(entry));
  }
  return out;
}

function mergeProperties(existing: Record<string, FieldMapping>, incoming: Record<string, FieldMapping>, prefix: string): Record<string, FieldMapping> {
  const out: Record<string, FieldMapping> = { ...existing };
  for (const [rawName, rawFm] of Object.entries(incoming)) {
    if (!isPlainObject(rawFm)) throw new MapperParsingError(`Expected map for property [fields] on field [${rawName}] but got a class java.lang.String`);
    // Dotted names in mappings mean nested objects.
    const dot = rawName.indexOf('.');
    if (dot > 0) {
      const head = rawName.slice(0, dot);
      const nested = { [rawName.slice(dot + 1)]: rawFm };
      const merged = mergeProperties({}, { [head]: { properties: nested } }, prefix);
      Object.assign(out, mergeProperties(out, merged, prefix));
      continue;
    }
    const name = rawName;
    const path = prefix ? `${prefix}.${name}` : name;
    const fm = rawFm as FieldMapping;
    validateFieldMapping(path, fm);
    const cur = out[name];
    if (!cur) {
      out[name] = clone(fm);
      if (fm.properties) out[name].properties = mergeProperties({}, fm.properties, path);
      continue;
    }
    const curType = cur.type ?? 'object';
    const newType = fm.type ?? (fm.properties ? 'object' : curType);
    if (curType !== newType) {
      if ((curType === 'object' || curType === 'nested') !== (newType === 'object' || newType === 'nested')) {
        throw illegalArgument(curType === 'object' ? `can't merge a non object mapping [${path}] with an object mapping` : `can't merge a non object mapping [${path}] with an object mapping`);
      }
      throw illegalArgument(`mapper [${path}] cannot be changed from type [${curType}] to [${newType}]`);
    }
    const merged: FieldMapping = { ...cur };
    for (const [k, v] of Object.entries(fm)) {
      if (k === 'properties') merged.properties = mergeProperties(cur.properties ?? {}, v as Record<string, FieldMapping>, path);
      else if (k === 'fields') merged.fields = { ...(cur.fields ?? {}), ...clone(v as Record<string, FieldMapping>) };
      else merged[k] = clone(v);
    }
    out[name] = merged;
  }
  return out;
}

function validateFieldMapping(path: string, fm: FieldMapping): void {
  if (fm.type !== undefined) {
    if (typeof fm.type !== 'string' || !KNOWN_TYPES.has(fm.type)) {
      throw new MapperParsingError(`No handler for type [${String(fm.type)}] declared on field [${path.slice(path.lastIndexOf('.') + 1)}]`);
    }
  }
  if (fm.format !== undefined && typeof fm.format === 'string' && (fm.type === 'date' || fm.type === 'date_nanos')) {
    try {
      validateFormat(fm.format);
    } catch (e) {
      if (e instanceof DateParseError) throw new MapperParsingError(`Error parsing [format] on field [${path}]: ${e.message}`);
      throw e;
    }
  }
  if (fm.type === 'scaled_float' && typeof fm.scaling_factor !== 'number') {
    throw new MapperParsingError(`Failed to parse mapping: Field [scaling_factor] is required`);
  }
  if (fm.type === 'alias' && typeof fm.path !== 'string') {
    throw new MapperParsingError(`The [path] property must be specified for field [${path}].`);
  }
}

/** ES prints dynamic objects without `type`, except empty ones (`{"type": "object"}`). */
function stripObjectTypes(props: Record<string, FieldMapping>): void {
  for (const fm of Object.values(props)) {
    if (!fm.properties) continue;
    if (Object.keys(fm.properties).length === 0) {
      delete fm.properties;
      fm.type = 'object';
      continue;
    }
    if (fm.type === 'object') delete fm.type;
    stripObjectTypes(fm.properties);
  }
}

function sortProperties(node: Record<string, unknown>): void {
  const props = node.properties;
  if (isPlainObject(props)) {
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(props).sort()) {
      const child = props[k];
      if (isPlainObject(child)) sortProperties(child);
      sorted[k] = child;
    }
    node.properties = sorted;
  }
}
