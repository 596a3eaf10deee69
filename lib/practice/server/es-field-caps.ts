import { EsError, type FieldMapping, type Flavor } from '../engine/api';
import { simpleMatch } from '../engine/wildcard';
import type { IndexAction } from '../security';
import { authorizeTarget, NO_AUTHORISED_INDEX } from './authz';
import type { EsContext, EsHandler, EsReply } from './context';
import { parseJsonObject } from './http-utils';
import { boolParam } from './params';
import type { Router } from './router';

/**
 * `GET|POST [/{index}]/_field_caps?fields=...`: each field's type per index and whether it can be
 * searched and aggregated, merged over the target's indices the way Elasticsearch's
 * `TransportFieldCapabilitiesAction` answers (Kibana's field pickers, the threshold builder's
 * among them, read it). Shapes from the ES reference ("Field capabilities API", 7.x-9.x) and the
 * specification's `FieldCapability`: `indices` on a type only when the field has several types
 * (with `include_unmapped`, "unmapped" counts as one), `non_searchable_indices` /
 * `non_aggregatable_indices` only when the indices disagree; `types` and `filters` from 8.2.
 *
 * Differs from ES: `index_filter` keeps the indices with a matching document (ES keeps every index
 * whose shards cannot rule a match out, so it may keep more); runtime fields are refused as in the
 * practice cluster's search.
 */

const FIELD_CAPS: IndexAction = { action: 'indices:data/read/field_caps', granting: ['view_index_metadata', 'read', 'manage', 'all'] };

interface Caps {
  type: string;
  searchable: boolean;
  aggregatable: boolean;
  metadata: boolean;
  meta?: Record<string, string>;
  /** A sub-field of a multi-field, a nested object, an object with sub-fields: for `filters`. */
  multifield?: boolean;
  nested?: boolean;
  parent?: boolean;
}

const NUMERIC = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'unsigned_long', 'date', 'date_nanos', 'boolean', 'ip']);
const ALWAYS_BOTH = new Set(['geo_point', 'geo_shape', 'constant_keyword', 'wildcard', 'flattened', 'version', 'shape', 'point']);

/** One mapped field's capabilities in one index (`MappedFieldType.isSearchable/isAggregatable`). */
function capsOf(mapping: FieldMapping, flavor: Flavor): Caps {
  const type = mapping.type ?? 'object';
  const indexed = mapping.index !== false;
  const docValues = mapping.doc_values !== false;
  if (type === 'object' || type === 'nested') return { type, searchable: false, aggregatable: false, metadata: false };
  if (type === 'text') return { type, searchable: indexed, aggregatable: mapping.fielddata === true, metadata: false };
  if (type === 'match_only_text' || type === 'search_as_you_type' || type === 'annotated_text') return { type, searchable: true, aggregatable: false, metadata: false };
  if (type === 'binary') return { type, searchable: false, aggregatable: false, metadata: false };
  if (type === 'keyword' || NUMERIC.has(type)) {
    // 8.1+ search doc values when a field is not indexed.
    const searchable = indexed || (flavor !== '7' && docValues);
    return { type, searchable, aggregatable: docValues, metadata: false };
  }
  if (ALWAYS_BOTH.has(type)) return { type, searchable: true, aggregatable: true, metadata: false };
  return { type, searchable: indexed, aggregatable: docValues, metadata: false };
}

/** The metadata fields every index has (`fields=*` lists them, as ES does). */
function metadataFields(flavor: Flavor, dataStreamIndex: boolean): Record<string, Caps> {
  const m = (type: string, searchable: boolean, aggregatable: boolean): Caps => ({ type, searchable, aggregatable, metadata: true });
  const out: Record<string, Caps> = {
    // 8.0 stopped aggregating on `_id` (fielddata on _id was deprecated in 7.6).
    _id: m('_id', true, flavor === '7'),
    _index: m('_index', true, true),
    _source: m('_source', false, false),
    _ignored: m('_ignored', true, false),
    _seq_no: m('_seq_no', true, true),
    _version: m('_version', false, true),
    _routing: m('_routing', true, false),
    _field_names: m('_field_names', true, false),
    _doc_count: m('_doc_count', false, false),
    _tier: m('_tier', true, true),
    _nested_path: m('_nested_path', true, false),
  };
  if (flavor === '7') out._type = m('_type', true, true);
  if (dataStreamIndex) out._data_stream_timestamp = m('_data_stream_timestamp', false, false);
  return out;
}

/** Every field of one index's mappings, by full path. */
function flattenMappings(properties: Record<string, FieldMapping> | undefined, flavor: Flavor, prefix = '', out: Record<string, Caps> = {}, inNested = false): Record<string, Caps> {
  const all = properties ?? {};
  for (const [name, mapping] of Object.entries(all)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (mapping.type === 'alias') continue;
    const caps = capsOf(mapping, flavor);
    if (inNested) caps.nested = true;
    if (mapping.properties) caps.parent = true;
    out[path] = caps;
    for (const [sub, subMapping] of Object.entries(mapping.fields ?? {})) out[`${path}.${sub}`] = { ...capsOf(subMapping, flavor), multifield: true, ...(inNested ? { nested: true } : {}) };
    if (mapping.properties) flattenMappings(mapping.properties, flavor, path, out, inNested || mapping.type === 'nested');
  }
  // Aliases take their target's capabilities and type, once the targets are known.
  const aliases = (list: Record<string, FieldMapping>, at: string) => {
    for (const [name, mapping] of Object.entries(list)) {
      const path = at ? `${at}.${name}` : name;
      if (mapping.type === 'alias' && typeof mapping.path === 'string' && out[mapping.path]) out[path] = { ...(out[mapping.path] as Caps) };
      if (mapping.properties) aliases(mapping.properties, path);
    }
  };
  if (!prefix) aliases(all, '');
  return out;
}

function fieldPatterns(ctx: EsContext, body: Record<string, unknown> | undefined, flavor: Flavor): string[] {
  const list: string[] = [];
  const fromQuery = ctx.query.get('fields');
  if (fromQuery !== null) list.push(...fromQuery.split(','));
  if (body?.fields !== undefined) {
    // The body's `fields` came with 8.5; 7.x reads only the query parameter.
    if (flavor === '7') throw new EsError(400, 'x_content_parse_exception', '[1:2] [field_caps_request] unknown field [fields]');
    const value = body.fields;
    list.push(...(Array.isArray(value) ? value.map(String) : String(value).split(',')));
  }
  const names = list.map((f) => f.trim()).filter((f) => f !== '');
  if (names.length === 0) throw new EsError(400, 'action_request_validation_exception', "Validation Failed: 1: specified fields can't be null or empty;");
  return names;
}

const NEWER_PARAMS = ['types', 'filters', 'include_empty_fields'];

function fieldCaps(flavor: Flavor): EsHandler {
  return (ctx: EsContext): EsReply => {
    if (flavor === '7') {
      const unknown = NEWER_PARAMS.filter((p) => ctx.query.has(p));
      if (unknown.length > 0) throw new EsError(400, 'illegal_argument_exception', `request [${ctx.path}] contains unrecognized parameter${unknown.length > 1 ? 's' : ''}: [${unknown.join('], [')}]`);
    }
    const body = parseJsonObject(ctx.body);
    for (const key of Object.keys(body ?? {})) {
      if (key === 'runtime_mappings') throw new EsError(400, 'illegal_argument_exception', '[runtime_mappings] is not supported by the practice cluster');
      if (key !== 'fields' && key !== 'index_filter') throw new EsError(400, 'x_content_parse_exception', `[1:2] [field_caps_request] unknown field [${key}]`);
    }
    const patterns = fieldPatterns(ctx, body, flavor);
    const includeUnmapped = boolParam(ctx.query, 'include_unmapped');
    const types = (ctx.query.get('types') ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    const filters = new Set((ctx.query.get('filters') ?? '').split(',').map((t) => t.trim()).filter(Boolean));
    for (const f of filters) {
      if (!['+metadata', '-metadata', '-nested', '-multifield', '-parent'].includes(f)) throw new EsError(400, 'illegal_argument_exception', `${f} is not a recognized filter.`);
    }
    const expandWildcards = ctx.query.get('expand_wildcards') ?? undefined;
    const engine = ctx.deployment.engine;
    const target = authorizeTarget(ctx, ctx.params.index, FIELD_CAPS, expandWildcards);
    let indices: string[] = [];
    if (target !== NO_AUTHORISED_INDEX) {
      indices = engine.resolve(target ?? '*', {
        ignoreUnavailable: boolParam(ctx.query, 'ignore_unavailable'),
        allowNoIndices: boolParam(ctx.query, 'allow_no_indices', true),
        ...(expandWildcards ? { expandWildcards } : {}),
      });
    }
    if (body?.index_filter !== undefined) {
      const query = body.index_filter;
      indices = indices.filter((index) => engine.count(index, { query }).count > 0);
    }
    indices = [...new Set(indices)].sort();

    const dataStreamIndices = new Set(engine.catIndices('*').filter((i) => i.dataStream !== undefined).map((i) => i.name));
    const mappings = indices.length > 0 ? engine.getMapping(indices.join(',')) : {};
    // field -> type -> the indices where it has that type and their capabilities
    const merged = new Map<string, Map<string, { caps: Caps; indices: string[]; searchable: string[]; aggregatable: string[] }>>();
    const seenIn = new Map<string, Set<string>>();
    for (const index of indices) {
      const fields = { ...metadataFields(flavor, dataStreamIndices.has(index)), ...flattenMappings(mappings[index]?.mappings.properties, flavor) };
      for (const [name, caps] of Object.entries(fields)) {
        if (!patterns.some((p) => simpleMatch(p, name))) continue;
        if (caps.metadata ? filters.has('-metadata') : filters.has('+metadata')) continue;
        if ((filters.has('-nested') && caps.nested) || (filters.has('-multifield') && caps.multifield) || (filters.has('-parent') && caps.parent)) continue;
        if (types.length > 0 && !types.includes(caps.type)) continue;
        const byType = merged.get(name) ?? new Map();
        merged.set(name, byType);
        const entry = byType.get(caps.type) ?? { caps, indices: [], searchable: [], aggregatable: [] };
        byType.set(caps.type, entry);
        entry.indices.push(index);
        if (caps.searchable) entry.searchable.push(index);
        if (caps.aggregatable) entry.aggregatable.push(index);
        const seen = seenIn.get(name) ?? new Set<string>();
        seenIn.set(name, seen);
        seen.add(index);
      }
    }

    const out: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const name of [...merged.keys()].sort()) {
      const byType = merged.get(name) as NonNullable<ReturnType<typeof merged.get>>;
      const missing = includeUnmapped ? indices.filter((i) => !seenIn.get(name)?.has(i)) : [];
      const several = byType.size + (missing.length > 0 ? 1 : 0) > 1;
      const entries: Record<string, Record<string, unknown>> = {};
      for (const [type, e] of byType) {
        const cap: Record<string, unknown> = { type };
        // `metadata_field` is in every answer since 7.13.
        cap.metadata_field = e.caps.metadata;
        cap.searchable = e.searchable.length === e.indices.length;
        cap.aggregatable = e.aggregatable.length === e.indices.length;
        if (several) cap.indices = e.indices;
        if (e.searchable.length > 0 && e.searchable.length < e.indices.length) cap.non_searchable_indices = e.indices.filter((i) => !e.searchable.includes(i));
        if (e.aggregatable.length > 0 && e.aggregatable.length < e.indices.length) cap.non_aggregatable_indices = e.indices.filter((i) => !e.aggregatable.includes(i));
        entries[type] = cap;
      }
      if (missing.length > 0) entries.unmapped = { type: 'unmapped', metadata_field: false, searchable: false, aggregatable: false, indices: missing };
      out[name] = entries;
    }
    return { body: { indices, fields: out } };
  };
}

export function fieldCapsRoutes(r: Router<EsHandler>, flavor: Flavor): void {
  const handler = fieldCaps(flavor);
  r.add(['GET', 'POST'], '/_field_caps', handler);
  r.add(['GET', 'POST'], '/{index}/_field_caps', handler);
}
