import { type DataStreamInfo, type IndexInfo, type Mappings, EsError } from './api';
import { type Catalog, type ResolveOpts, validateIndexName } from './catalog';
import { illegalArgument, indexNotFound, isPlainObject, resourceNotFound } from './errors';
import { type AliasMeta, IndexState, TIME_FIELD } from './index-state';
import { MapperParsingError, normalizeMappings } from './mapping';
import { validatePipeline } from './pipelines';
import { checkPriorityConflicts, findComposable, flattenSettings, nestSettings, parseComposable, parseLegacy } from './templates';
import { hasWildcard, simpleMatch } from './wildcard';

/** Index administration: indices, mappings, settings, aliases, templates, ingest pipelines, data streams. */

export class Metadata {
  constructor(private readonly c: Catalog) {}

  resolve(target: string, opts: ResolveOpts = {}): string[] {
    return this.c.resolveStates(target, opts).map((ix) => ix.name);
  }

  createIndex(name: string, body: { mappings?: Mappings; settings?: Record<string, unknown>; aliases?: Record<string, unknown> } = {}) {
    validateIndexName(name);
    if (isPlainObject(body)) {
      for (const k of Object.keys(body)) {
        if (!['mappings', 'settings', 'aliases'].includes(k)) throw new EsError(400, 'parse_exception', `unknown key [${k}] for create index`);
      }
    }
    const existing = this.c.indices.get(name);
    if (existing) throw new EsError(400, 'resource_already_exists_exception', `index [${name}/${existing.uuid}] already exists`, { index_uuid: existing.uuid, index: name });
    if (this.c.dataStreams.has(name) || this.c.aliasIndices(name).length > 0) {
      throw new EsError(400, 'invalid_index_name_exception', `Invalid index name [${name}], already exists as alias`, { index_uuid: '_na_', index: name });
    }
    const tmpl = findComposable(name, this.c.templates, false);
    if (tmpl?.dataStream) {
      throw illegalArgument(`cannot create index with name [${name}], because it matches with template [${tmpl.name}] that creates data streams only, use create data stream api instead`);
    }
    const ix = this.c.buildIndex(name, body ?? {});
    this.c.indices.set(name, ix);
    return { acknowledged: true as const, shards_acknowledged: true as const, index: name };
  }

  deleteIndex(target: string) {
    const exprs = target.split(',').map((s) => s.trim());
    if (this.c.flavor !== '7' && exprs.some((e) => e === '_all' || e.includes('*'))) {
      throw illegalArgument('Wildcard expressions or all indices are not allowed');
    }
    for (const e of exprs) {
      if (this.c.dataStreams.has(e)) throw illegalArgument(`The provided expression [${e}] matches a data stream, specify the corresponding concrete indices instead.`);
    }
    const list = this.c.resolveStates(target, { allowNoIndices: true, expandWildcards: 'open,hidden' });
    for (const ix of list) {
      if (ix.dataStream) {
        const ds = this.c.dataStreams.get(ix.dataStream);
        if (ds && ds.indices[ds.indices.length - 1] === ix.name) {
          throw illegalArgument(`index [${ix.name}] is the write index for data stream [${ds.name}] and cannot be deleted`);
        }
      }
    }
    for (const ix of list) {
      this.c.indices.delete(ix.name);
      if (ix.dataStream) {
        const ds = this.c.dataStreams.get(ix.dataStream);
        if (ds) ds.indices = ds.indices.filter((n) => n !== ix.name);
      }
    }
    return { acknowledged: true as const };
  }

  indexExists(target: string): boolean {
    try {
      return this.c.resolveStates(target, { allowNoIndices: false, expandWildcards: 'open,hidden' }).length > 0;
    } catch (e) {
      if (e instanceof EsError && e.status === 404) return false;
      throw e;
    }
  }

  getMapping(target?: string) {
    const out: Record<string, { mappings: Mappings }> = {};
    for (const ix of this.c.resolveStates(target)) out[ix.name] = { mappings: ix.mapping.toJSON() };
    return out;
  }

  putMapping(target: string, body: Mappings) {
    if (!isPlainObject(body)) throw new MapperParsingError('Failed to parse mapping: mapping source must be a map');
    const list = this.c.resolveStates(target, { allowNoIndices: false });
    for (const ix of list) ix.mapping.merge(normalizeMappings(body));
    return { acknowledged: true as const };
  }

  /**
   * `PUT <target>/_settings`: the dynamic index settings (ES's IndexScopedSettings marked
   * Dynamic) change at once, `null` resets one; a static setting of an open index, or an unknown
   * one, is refused with ES's messages before anything changes.
   */
  updateSettings(target: string, body: Record<string, unknown>) {
    if (!isPlainObject(body)) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: no settings to update;');
    const given = Object.keys(body).length === 1 && isPlainObject(body.settings) ? body.settings : body;
    const flat = flattenWithNulls(given);
    if (Object.keys(flat).length === 0) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: no settings to update;');
    const list = this.c.resolveStates(target, { allowNoIndices: false, expandWildcards: 'open' });
    for (const key of Object.keys(flat)) {
      if (STATIC_SETTINGS.has(key)) {
        throw illegalArgument(`Can't update non dynamic settings [[${key}]] for open indices [${list.map((ix) => `[${ix.name}/${ix.uuid}]`).join(', ')}]`);
      }
      if (!DYNAMIC_SETTINGS.has(key) && !DYNAMIC_PREFIXES.some((p) => key.startsWith(p))) {
        throw illegalArgument(`unknown setting [${key}] please check that any required plugins are installed, or check the breaking changes documentation for removed settings`);
      }
    }
    const interval = flat['index.refresh_interval'];
    if (interval !== undefined && interval !== null && !/^(-1|\d+(nanos|micros|ms|s|m|h|d))$/.test(interval.trim())) {
      throw illegalArgument(`failed to parse setting [index.refresh_interval] with value [${interval}] as a time value: unit is missing or unrecognized`);
    }
    const now = this.c.now();
    for (const ix of list) {
      // Writes made under the old interval become searchable as that interval said.
      ix.refreshIfDue(now);
      for (const [key, value] of Object.entries(flat)) {
        if (value === null) delete ix.settings[key];
        else ix.settings[key] = value;
      }
    }
    return { acknowledged: true as const };
  }

  getSettings(target?: string) {
    const out: Record<string, { settings: Record<string, unknown> }> = {};
    for (const ix of this.c.resolveStates(target)) out[ix.name] = { settings: nestSettings(ix.settings) };
    return out;
  }

  catIndices(pattern?: string): IndexInfo[] {
    const now = this.c.now();
    return this.c.resolveStates(pattern ?? '*', { expandWildcards: 'all', ignoreUnavailable: false }).map((ix) => {
      ix.refreshIfDue(now);
      const info: IndexInfo = {
        name: ix.name,
        uuid: ix.uuid,
        health: 'green',
        status: 'open',
        docsCount: ix.docsCount(),
        storeBytes: Math.round(ix.store.sourceBytes * 0.6) + 225,
        creationDate: ix.creationDate,
        hidden: ix.hidden,
      };
      if (ix.dataStream) info.dataStream = ix.dataStream;
      return info;
    });
  }

  updateAliases(actions: Record<string, unknown>[]) {
    if (!Array.isArray(actions) || actions.length === 0) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: No action specified;');
    const plan: (() => void)[] = [];
    for (const a of actions) {
      if (!isPlainObject(a) || Object.keys(a).length !== 1) throw illegalArgument('[aliases] malformed action');
      const type = Object.keys(a)[0] as string;
      const spec = a[type] as Record<string, unknown>;
      const indexExpr = [spec.index, ...(Array.isArray(spec.indices) ? spec.indices : [])].filter((x) => typeof x === 'string').join(',');
      const aliasNames = [spec.alias, ...(Array.isArray(spec.aliases) ? spec.aliases : [])].filter((x): x is string => typeof x === 'string');
      const list = this.c.resolveStates(indexExpr, { allowNoIndices: false, expandWildcards: 'open,hidden' });
      if (type === 'add') {
        for (const alias of aliasNames) {
          if (this.c.indices.has(alias)) throw new EsError(400, 'invalid_alias_name_exception', `Invalid alias name [${alias}]: an index or data stream exists with the same name as the alias`, { index_uuid: '_na_', index: alias });
          const meta: AliasMeta = {};
          for (const k of ['is_write_index', 'is_hidden', 'filter', 'routing', 'index_routing', 'search_routing'] as const) if (spec[k] !== undefined) (meta as Record<string, unknown>)[k] = spec[k];
          plan.push(() => list.forEach((ix) => ix.aliases.set(alias, meta)));
        }
      } else if (type === 'remove') {
        for (const alias of aliasNames) {
          if (!list.some((ix) => [...ix.aliases.keys()].some((k) => simpleMatch(alias, k))) && spec.must_exist !== false) {
            throw new EsError(404, 'aliases_not_found_exception', `aliases [${alias}] missing`, { 'resource.type': 'aliases', 'resource.id': alias });
          }
          plan.push(() => list.forEach((ix) => [...ix.aliases.keys()].filter((k) => simpleMatch(alias, k)).forEach((k) => ix.aliases.delete(k))));
        }
      } else if (type === 'remove_index') {
        plan.push(() => list.forEach((ix) => this.c.indices.delete(ix.name)));
      } else throw illegalArgument(`Unsupported action [${type}]`);
    }
    for (const step of plan) step();
    return { acknowledged: true as const };
  }

  getAliases(target?: string, name?: string) {
    const out: Record<string, { aliases: Record<string, Record<string, unknown>> }> = {};
    for (const ix of this.c.resolveStates(target ?? '*', { expandWildcards: 'all' })) {
      const aliases: Record<string, Record<string, unknown>> = {};
      for (const [a, meta] of ix.aliases) {
        if (name !== undefined && !name.split(',').some((n) => simpleMatch(n, a))) continue;
        aliases[a] = { ...meta };
      }
      if (name === undefined || Object.keys(aliases).length > 0) out[ix.name] = { aliases };
    }
    if (name !== undefined && !hasWildcard(name) && Object.keys(out).length === 0) {
      throw new EsError(404, 'aliases_not_found_exception', `alias [${name}] missing`, { 'resource.type': 'aliases', 'resource.id': name });
    }
    return out;
  }

  putIndexTemplate(name: string, body: Record<string, unknown>) {
    const t = parseComposable(name, body, this.c.components);
    checkPriorityConflicts(t, this.c.templates);
    this.c.templates.set(name, t);
    return { acknowledged: true as const };
  }

  getIndexTemplate(name?: string) {
    const list = [...this.c.templates.values()].filter((t) => name === undefined || name.split(',').some((n) => simpleMatch(n, t.name)));
    if (name !== undefined && !hasWildcard(name) && list.length === 0) throw resourceNotFound(`index template matching [${name}] not found`);
    return { index_templates: list.sort((a, b) => (a.name < b.name ? -1 : 1)).map((t) => ({ name: t.name, index_template: structuredClone(t.body) })) };
  }

  deleteIndexTemplate(name: string) {
    const names = [...this.c.templates.keys()].filter((n) => name.split(',').some((p) => simpleMatch(p, n)));
    if (names.length === 0) throw resourceNotFound(`index_template [${name}] missing`);
    const inUse = [...this.c.dataStreams.values()].filter((ds) => names.includes(ds.template));
    if (inUse.length > 0) {
      throw illegalArgument(`unable to remove composable templates [${names.join(', ')}] as they are in use by a data streams [${inUse.map((d) => d.name).join(', ')}]`);
    }
    for (const n of names) this.c.templates.delete(n);
    return { acknowledged: true as const };
  }

  putComponentTemplate(name: string, body: Record<string, unknown>) {
    if (!isPlainObject(body) || !isPlainObject(body.template)) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: template is missing;');
    if (body.template.mappings !== undefined) new IndexState('_validate', 0, normalizeMappings(body.template.mappings as Mappings), {});
    this.c.components.set(name, structuredClone(body));
    return { acknowledged: true as const };
  }

  getComponentTemplate(name?: string) {
    const list = [...this.c.components.entries()].filter(([n]) => name === undefined || name.split(',').some((p) => simpleMatch(p, n)));
    if (name !== undefined && !hasWildcard(name) && list.length === 0) throw resourceNotFound(`component template matching [${name}] not found`);
    return { component_templates: list.map(([n, b]) => ({ name: n, component_template: structuredClone(b) })) };
  }

  deleteComponentTemplate(name: string) {
    if (!this.c.components.has(name)) throw resourceNotFound(`component_template [${name}] missing`);
    const users = [...this.c.templates.values()].filter((t) => t.composedOf.includes(name));
    if (users.length > 0) {
      throw illegalArgument(`component templates [${name}] cannot be removed as they are still in use by index templates [${users.map((u) => u.name).join(', ')}]`);
    }
    this.c.components.delete(name);
    return { acknowledged: true as const };
  }

  putLegacyTemplate(name: string, body: Record<string, unknown>) {
    this.c.legacy.set(name, parseLegacy(name, body));
    return { acknowledged: true as const };
  }

  getLegacyTemplate(name?: string) {
    const out: Record<string, Record<string, unknown>> = {};
    for (const t of this.c.legacy.values()) {
      if (name !== undefined && !name.split(',').some((n) => simpleMatch(n, t.name))) continue;
      const settings = isPlainObject(t.body.settings) ? nestSettings(flattenSettings(t.body.settings)) : {};
      const entry: Record<string, unknown> = { order: t.order, index_patterns: t.patterns, settings, mappings: t.body.mappings ? normalizeMappings(t.body.mappings as Mappings) : {}, aliases: t.body.aliases ?? {} };
      if (t.body.version !== undefined) entry.version = t.body.version;
      out[t.name] = entry;
    }
    return out;
  }

  deleteLegacyTemplate(name: string) {
    const names = [...this.c.legacy.keys()].filter((n) => simpleMatch(name, n));
    if (names.length === 0) throw new EsError(404, 'index_template_missing_exception', `index_template [${name}] missing`);
    for (const n of names) this.c.legacy.delete(n);
    return { acknowledged: true as const };
  }

  putPipeline(id: string, body: Record<string, unknown>) {
    validatePipeline(body);
    this.c.pipelines.set(id, structuredClone(body));
    return { acknowledged: true as const };
  }

  getPipeline(id?: string) {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [k, v] of this.c.pipelines) {
      if (id === undefined || id === '*' || id.split(',').some((p) => simpleMatch(p, k))) out[k] = structuredClone(v);
    }
    return out;
  }

  deletePipeline(id: string) {
    const ids = [...this.c.pipelines.keys()].filter((k) => id.split(',').some((p) => simpleMatch(p, k)));
    if (ids.length === 0) throw resourceNotFound(`pipeline [${id}] is missing`);
    for (const k of ids) this.c.pipelines.delete(k);
    return { acknowledged: true as const };
  }

  createDataStream(name: string) {
    if (this.c.dataStreams.has(name)) throw new EsError(400, 'resource_already_exists_exception', `data_stream [${name}] already exists`);
    if (this.c.indices.has(name) || this.c.aliasIndices(name).length > 0) throw new EsError(400, 'resource_already_exists_exception', `index [${name}] already exists`);
    const t = findComposable(name, this.c.templates, false);
    if (!t || !t.dataStream) throw illegalArgument(`no matching index template found for data stream [${name}]`);
    this.c.newDataStream(name, t);
    return { acknowledged: true as const };
  }

  getDataStream(name?: string) {
    const list = [...this.c.dataStreams.values()].filter((ds) => name === undefined || name === '*' || name === '_all' || name.split(',').some((p) => simpleMatch(p, ds.name)));
    if (name !== undefined && !hasWildcard(name) && name !== '_all' && list.length === 0) throw indexNotFound(name);
    return {
      data_streams: list
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map(
          (ds): DataStreamInfo => ({
            name: ds.name,
            timestampField: TIME_FIELD,
            indices: ds.indices.map((n) => ({ index_name: n, index_uuid: this.c.indices.get(n)?.uuid ?? '_na_' })),
            generation: ds.generation,
            template: ds.template,
            hidden: ds.hidden,
          }),
        ),
    };
  }

  deleteDataStream(name: string) {
    const list = [...this.c.dataStreams.values()].filter((ds) => name.split(',').some((p) => simpleMatch(p, ds.name)));
    if (list.length === 0 && !hasWildcard(name)) throw indexNotFound(name);
    for (const ds of list) {
      for (const n of ds.indices) this.c.indices.delete(n);
      this.c.dataStreams.delete(ds.name);
    }
    return { acknowledged: true as const };
  }
}

/** Index settings ES lets `_settings` change on an open index (the ones the practice cluster reads, and a few common others). */
const DYNAMIC_SETTINGS = new Set([
  'index.refresh_interval',
  'index.number_of_replicas',
  'index.auto_expand_replicas',
  'index.max_result_window',
  'index.max_inner_result_window',
  'index.max_docvalue_fields_search',
  'index.default_pipeline',
  'index.final_pipeline',
  'index.hidden',
  'index.priority',
  'index.mapping.total_fields.limit',
  'index.query.default_field',
  'index.search.idle.after',
]);
const DYNAMIC_PREFIXES = ['index.blocks.', 'index.lifecycle.', 'index.routing.allocation.', 'index.translog.'];
const STATIC_SETTINGS = new Set(['index.number_of_shards', 'index.codec', 'index.routing_partition_size', 'index.sort.field', 'index.sort.order', 'index.mode', 'index.uuid', 'index.creation_date', 'index.provided_name', 'index.version.created']);

function flattenWithNulls(s: Record<string, unknown>, prefix = ''): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(s)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v)) Object.assign(out, flattenWithNulls(v, key));
    else out[key.startsWith('index.') ? key : `index.${key}`] = v === null || v === undefined ? null : Array.isArray(v) ? JSON.stringify(v) : String(v);
  }
  return out;
}
