import type { BulkAction, BulkItemResult, DataStreamInfo, Engine, EngineOptions, Flavor, IndexInfo, Mappings, SearchParams } from './api';
import { EsError } from './api';
import { esErrorEnvelope, illegalArgument, indexNotFound, isPlainObject, locate, resourceNotFound } from './errors';
import { approximateJsonBytes, type AliasMeta, IndexState, randomBase64Url, TIME_FIELD } from './index-state';
import { MapperParsingError, normalizeMappings } from './mapping';
import { runPipeline, validatePipeline } from './pipelines';
import { executeCount, executeSearch } from './search';
import {
  checkPriorityConflicts,
  type ComposableTemplate,
  findComposable,
  findLegacy,
  flattenSettings,
  type LegacyTemplate,
  nestSettings,
  parseComposable,
  parseLegacy,
  resolveComposable,
  resolveLegacy,
} from './templates';
import { hasWildcard, simpleMatch } from './wildcard';

/** One practice deployment's indices, templates, pipelines and data streams. */

interface DataStreamState {
  name: string;
  indices: string[];
  generation: number;
  template: string;
  hidden: boolean;
}

interface ResolveOpts {
  ignoreUnavailable?: boolean;
  allowNoIndices?: boolean;
  expandWildcards?: string;
}

const VERSION_CREATED: Record<Flavor, string> = { '8': '8150099', '7': '7170099' };
const MAX_BUCKETS = 65536;

function validateIndexName(name: string): void {
  const bad = (why: string) => new EsError(400, 'invalid_index_name_exception', `Invalid index name [${name}], ${why}`, { index_uuid: '_na_', index: name });
  if (name === '' || name === '.' || name === '..') throw bad('must not be \'.\' or \'..\'');
  if (name !== name.toLowerCase()) throw bad('must be lowercase');
  if (/[\\/*?"<>| ,#]/.test(name)) throw bad('must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]');
  if (name.includes(':')) throw bad('must not contain \':\'');
  if (/^[_\-+]/.test(name)) throw bad('must not start with \'_\', \'-\', or \'+\'');
  if (Buffer.byteLength(name) > 255) throw bad(`index name is too long, (${Buffer.byteLength(name)} > 255)`);
}

function utcDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** Deep merge for partial updates (`_update` with `doc`): objects merge, everything else replaces. */
function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    out[k] = isPlainObject(cur) && isPlainObject(v) ? deepMerge(cur, v) : structuredClone(v);
  }
  return out;
}

/** The keys leading to a dotted field in a document, whether it is stored nested or with dotted keys. */
function keyPath(doc: unknown, field: string): string[] {
  if (!isPlainObject(doc) || field === '') return [];
  if (field in doc) return [field];
  for (const k of Object.keys(doc)) {
    if (field.startsWith(`${k}.`)) {
      const rest = keyPath(doc[k], field.slice(k.length + 1));
      if (rest.length > 0) return [k, ...rest];
    }
  }
  return [];
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class PracticeEngine implements Engine {
  readonly flavor: Flavor;
  private readonly clock: () => number;
  private readonly indices = new Map<string, IndexState>();
  private readonly dataStreams = new Map<string, DataStreamState>();
  private readonly templates = new Map<string, ComposableTemplate>();
  private readonly components = new Map<string, Record<string, unknown>>();
  private readonly legacy = new Map<string, LegacyTemplate>();
  private readonly pipelines = new Map<string, Record<string, unknown>>();
  private readonly nodeId = randomBase64Url(16).slice(0, 22);

  constructor(opts: EngineOptions) {
    this.flavor = opts.flavor;
    this.clock = opts.now ?? Date.now;
  }

  private now(): number {
    return this.clock();
  }

  private typed<T extends object>(o: T): T {
    if (this.flavor !== '7' || !('_index' in o)) return o;
    const { _index, ...rest } = o as T & { _index: string };
    return { _index, _type: '_doc', ...rest } as T;
  }

  // ===========================================================================================
  // Resolution

  private aliasIndices(alias: string): IndexState[] {
    const out: IndexState[] = [];
    for (const ix of this.indices.values()) if (ix.aliases.has(alias)) out.push(ix);
    return out;
  }

  private allAliases(): Map<string, IndexState[]> {
    const m = new Map<string, IndexState[]>();
    for (const ix of this.indices.values()) {
      for (const a of ix.aliases.keys()) {
        const list = m.get(a);
        if (list) list.push(ix);
        else m.set(a, [ix]);
      }
    }
    return m;
  }

  resolve(target: string, opts: ResolveOpts = {}): string[] {
    return this.resolveStates(target, opts).map((ix) => ix.name);
  }

  private resolveStates(target: string | undefined, opts: ResolveOpts = {}): IndexState[] {
    const expand = (opts.expandWildcards ?? 'open').split(',').map((s) => s.trim());
    const expandOpen = expand.includes('open') || expand.includes('all');
    const expandHidden = expand.includes('hidden') || expand.includes('all');
    const allowNoIndices = opts.allowNoIndices ?? true;
    const result = new Set<IndexState>();
    const exprs = (target ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (exprs.length === 0 || (exprs.length === 1 && (exprs[0] === '_all' || exprs[0] === '*'))) exprs.splice(0, exprs.length, '*');
    let wildcardSeen = false;
    const visible = (name: string, hidden: boolean, expr: string) => {
      if (!hidden && !name.startsWith('.')) return expandOpen;
      if (expandHidden) return true;
      // A pattern that itself starts with a dot matches dot-prefixed hidden indices.
      return expr.startsWith('.') && name.startsWith('.');
    };
    for (const expr of exprs) {
      if (expr.startsWith('-') && wildcardSeen) {
        const pattern = expr.slice(1);
        for (const ix of [...result]) {
          if (simpleMatch(pattern, ix.name) || (ix.dataStream !== undefined && simpleMatch(pattern, ix.dataStream))) result.delete(ix);
          else for (const a of ix.aliases.keys()) if (simpleMatch(pattern, a)) result.delete(ix);
        }
        continue;
      }
      if (expr === '_all') {
        for (const ix of this.indices.values()) if (visible(ix.name, ix.hidden, '*')) result.add(ix);
        continue;
      }
      if (expr.includes('*')) {
        wildcardSeen = true;
        const before = result.size;
        let matchedAny = false;
        for (const ix of this.indices.values()) {
          if (ix.dataStream !== undefined && !expr.startsWith('.')) continue;
          if (simpleMatch(expr, ix.name) && visible(ix.name, ix.hidden, expr)) {
            result.add(ix);
            matchedAny = true;
          }
        }
        for (const [alias, list] of this.allAliases()) {
          if (!simpleMatch(expr, alias)) continue;
          const hidden = list.some((ix) => ix.aliases.get(alias)?.is_hidden === true);
          if (!visible(alias, hidden, expr)) continue;
          for (const ix of list) result.add(ix);
          matchedAny = true;
        }
        for (const ds of this.dataStreams.values()) {
          if (!simpleMatch(expr, ds.name) || !visible(ds.name, ds.hidden, expr)) continue;
          for (const n of ds.indices) {
            const ix = this.indices.get(n);
            if (ix) result.add(ix);
          }
          matchedAny = true;
        }
        if (!matchedAny && result.size === before && !allowNoIndices) throw indexNotFound(expr);
        continue;
      }
      const ix = this.indices.get(expr);
      if (ix) {
        result.add(ix);
        continue;
      }
      const ds = this.dataStreams.get(expr);
      if (ds) {
        for (const n of ds.indices) {
          const b = this.indices.get(n);
          if (b) result.add(b);
        }
        continue;
      }
      const aliased = this.aliasIndices(expr);
      if (aliased.length > 0) {
        for (const a of aliased) result.add(a);
        continue;
      }
      if (!opts.ignoreUnavailable) throw indexNotFound(expr);
    }
    if (result.size === 0 && !allowNoIndices) throw indexNotFound(target ?? '_all');
    return [...result].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The one index a single-document operation addresses (index name or single-index alias). */
  private singleIndex(name: string): IndexState | undefined {
    const ix = this.indices.get(name);
    if (ix) return ix;
    if (this.dataStreams.has(name)) {
      throw illegalArgument(`The provided expression [${name}] matches a data stream, specify the corresponding concrete indices instead.`);
    }
    const aliased = this.aliasIndices(name);
    if (aliased.length > 1) {
      throw illegalArgument(`alias [${name}] has more than one index associated with it [${aliased.map((a) => a.name).join(', ')}], can't execute a single index op`);
    }
    return aliased[0];
  }

  // ===========================================================================================
  // Indices

  private buildIndex(name: string, body: { mappings?: Mappings; settings?: Record<string, unknown>; aliases?: Record<string, unknown> } = {}, extra: { hidden?: boolean; dataStream?: string } = {}): IndexState {
    const givenSettings = isPlainObject(body.settings) ? flattenSettings(body.settings) : {};
    const hiddenRequested = extra.hidden === true || givenSettings['index.hidden'] === 'true';
    let resolved = { settings: {} as Record<string, unknown>, mappings: [] as Mappings[], aliases: {} as Record<string, unknown> };
    const composable = findComposable(extra.dataStream ?? name, this.templates, hiddenRequested);
    if (composable) resolved = resolveComposable(composable, this.components);
    else resolved = resolveLegacy(findLegacy(name, this.legacy));
    const now = this.now();
    const settings: Record<string, string> = {
      'index.number_of_shards': '1',
      'index.number_of_replicas': '1',
      ...(resolved.settings as Record<string, string>),
      ...givenSettings,
      'index.creation_date': String(now),
      'index.provided_name': name,
      'index.version.created': VERSION_CREATED[this.flavor],
    };
    if (extra.hidden) settings['index.hidden'] = 'true';
    if (settings['index.number_of_shards'] !== '1' && Number(settings['index.number_of_shards']) < 1) {
      throw illegalArgument(`Failed to parse value [${settings['index.number_of_shards']}] for setting [index.number_of_shards] must be >= 1`);
    }
    const ix = new IndexState(name, now, undefined, settings);
    settings['index.uuid'] = ix.uuid;
    for (const m of resolved.mappings) ix.mapping.merge(m);
    if (extra.dataStream) {
      ix.mapping.merge({ _data_stream_timestamp: { enabled: true }, properties: { [TIME_FIELD]: { type: 'date' } } });
      ix.dataStream = extra.dataStream;
    }
    if (body.mappings !== undefined) {
      if (!isPlainObject(body.mappings)) throw new MapperParsingError('Failed to parse mapping: Expected map for property [mappings]');
      ix.mapping.merge(normalizeMappings(body.mappings));
    }
    const aliases = { ...resolved.aliases, ...(isPlainObject(body.aliases) ? body.aliases : {}) };
    for (const [alias, meta] of Object.entries(aliases)) {
      if (this.indices.has(alias)) throw new EsError(400, 'invalid_alias_name_exception', `Invalid alias name [${alias}]: an index or data stream exists with the same name as the alias`, { index_uuid: '_na_', index: alias });
      ix.aliases.set(alias, (isPlainObject(meta) ? meta : {}) as AliasMeta);
    }
    return ix;
  }

  createIndex(name: string, body: { mappings?: Mappings; settings?: Record<string, unknown>; aliases?: Record<string, unknown> } = {}) {
    validateIndexName(name);
    if (isPlainObject(body)) {
      for (const k of Object.keys(body)) {
        if (!['mappings', 'settings', 'aliases'].includes(k)) throw new EsError(400, 'parse_exception', `unknown key [${k}] for create index`);
      }
    }
    const existing = this.indices.get(name);
    if (existing) throw new EsError(400, 'resource_already_exists_exception', `index [${name}/${existing.uuid}] already exists`, { index_uuid: existing.uuid, index: name });
    if (this.dataStreams.has(name) || this.aliasIndices(name).length > 0) {
      throw new EsError(400, 'invalid_index_name_exception', `Invalid index name [${name}], already exists as alias`, { index_uuid: '_na_', index: name });
    }
    const tmpl = findComposable(name, this.templates, false);
    if (tmpl?.dataStream) {
      throw illegalArgument(`cannot create index with name [${name}], because it matches with template [${tmpl.name}] that creates data streams only, use create data stream api instead`);
    }
    const ix = this.buildIndex(name, body ?? {});
    this.indices.set(name, ix);
    return { acknowledged: true as const, shards_acknowledged: true as const, index: name };
  }

  deleteIndex(target: string) {
    const exprs = target.split(',').map((s) => s.trim());
    if (this.flavor === '8' && exprs.some((e) => e === '_all' || e.includes('*'))) {
      throw illegalArgument('Wildcard expressions or all indices are not allowed');
    }
    for (const e of exprs) {
      if (this.dataStreams.has(e)) throw illegalArgument(`The provided expression [${e}] matches a data stream, specify the corresponding concrete indices instead.`);
    }
    const list = this.resolveStates(target, { allowNoIndices: true, expandWildcards: 'open,hidden' });
    for (const ix of list) {
      if (ix.dataStream) {
        const ds = this.dataStreams.get(ix.dataStream);
        if (ds && ds.indices[ds.indices.length - 1] === ix.name) {
          throw illegalArgument(`index [${ix.name}] is the write index for data stream [${ds.name}] and cannot be deleted`);
        }
      }
    }
    for (const ix of list) {
      this.indices.delete(ix.name);
      if (ix.dataStream) {
        const ds = this.dataStreams.get(ix.dataStream);
        if (ds) ds.indices = ds.indices.filter((n) => n !== ix.name);
      }
    }
    return { acknowledged: true as const };
  }

  indexExists(target: string): boolean {
    try {
      return this.resolveStates(target, { allowNoIndices: false, expandWildcards: 'open,hidden' }).length > 0;
    } catch (e) {
      if (e instanceof EsError && e.status === 404) return false;
      throw e;
    }
  }

  getMapping(target?: string) {
    const out: Record<string, { mappings: Mappings }> = {};
    for (const ix of this.resolveStates(target)) out[ix.name] = { mappings: ix.mapping.toJSON() };
    return out;
  }

  putMapping(target: string, body: Mappings) {
    if (!isPlainObject(body)) throw new MapperParsingError('Failed to parse mapping: mapping source must be a map');
    const list = this.resolveStates(target, { allowNoIndices: false });
    for (const ix of list) ix.mapping.merge(normalizeMappings(body));
    return { acknowledged: true as const };
  }

  getSettings(target?: string) {
    const out: Record<string, { settings: Record<string, unknown> }> = {};
    for (const ix of this.resolveStates(target)) out[ix.name] = { settings: nestSettings(ix.settings) };
    return out;
  }

  catIndices(pattern?: string): IndexInfo[] {
    return this.resolveStates(pattern ?? '*', { expandWildcards: 'all', ignoreUnavailable: false }).map((ix) => {
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

  // ===========================================================================================
  // Aliases

  updateAliases(actions: Record<string, unknown>[]) {
    if (!Array.isArray(actions) || actions.length === 0) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: No action specified;');
    const plan: (() => void)[] = [];
    for (const a of actions) {
      if (!isPlainObject(a) || Object.keys(a).length !== 1) throw illegalArgument('[aliases] malformed action');
      const type = Object.keys(a)[0] as string;
      const spec = a[type] as Record<string, unknown>;
      const indexExpr = [spec.index, ...(Array.isArray(spec.indices) ? spec.indices : [])].filter((x) => typeof x === 'string').join(',');
      const aliasNames = [spec.alias, ...(Array.isArray(spec.aliases) ? spec.aliases : [])].filter((x): x is string => typeof x === 'string');
      const list = this.resolveStates(indexExpr, { allowNoIndices: false, expandWildcards: 'open,hidden' });
      if (type === 'add') {
        for (const alias of aliasNames) {
          if (this.indices.has(alias)) throw new EsError(400, 'invalid_alias_name_exception', `Invalid alias name [${alias}]: an index or data stream exists with the same name as the alias`, { index_uuid: '_na_', index: alias });
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
        plan.push(() => list.forEach((ix) => this.indices.delete(ix.name)));
      } else throw illegalArgument(`Unsupported action [${type}]`);
    }
    for (const step of plan) step();
    return { acknowledged: true as const };
  }

  getAliases(target?: string, name?: string) {
    const out: Record<string, { aliases: Record<string, Record<string, unknown>> }> = {};
    for (const ix of this.resolveStates(target ?? '*', { expandWildcards: 'all' })) {
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

  // ===========================================================================================
  // Templates

  putIndexTemplate(name: string, body: Record<string, unknown>) {
    const t = parseComposable(name, body, this.components);
    checkPriorityConflicts(t, this.templates);
    this.templates.set(name, t);
    return { acknowledged: true as const };
  }

  getIndexTemplate(name?: string) {
    const list = [...this.templates.values()].filter((t) => name === undefined || name.split(',').some((n) => simpleMatch(n, t.name)));
    if (name !== undefined && !hasWildcard(name) && list.length === 0) throw resourceNotFound(`index template matching [${name}] not found`);
    return { index_templates: list.sort((a, b) => (a.name < b.name ? -1 : 1)).map((t) => ({ name: t.name, index_template: structuredClone(t.body) })) };
  }

  deleteIndexTemplate(name: string) {
    const names = [...this.templates.keys()].filter((n) => name.split(',').some((p) => simpleMatch(p, n)));
    if (names.length === 0) throw resourceNotFound(`index_template [${name}] missing`);
    const inUse = [...this.dataStreams.values()].filter((ds) => names.includes(ds.template));
    if (inUse.length > 0) {
      throw illegalArgument(`unable to remove composable templates [${names.join(', ')}] as they are in use by a data streams [${inUse.map((d) => d.name).join(', ')}]`);
    }
    for (const n of names) this.templates.delete(n);
    return { acknowledged: true as const };
  }

  putComponentTemplate(name: string, body: Record<string, unknown>) {
    if (!isPlainObject(body) || !isPlainObject(body.template)) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: template is missing;');
    if (body.template.mappings !== undefined) new IndexState('_validate', 0, normalizeMappings(body.template.mappings as Mappings), {});
    this.components.set(name, structuredClone(body));
    return { acknowledged: true as const };
  }

  getComponentTemplate(name?: string) {
    const list = [...this.components.entries()].filter(([n]) => name === undefined || name.split(',').some((p) => simpleMatch(p, n)));
    if (name !== undefined && !hasWildcard(name) && list.length === 0) throw resourceNotFound(`component template matching [${name}] not found`);
    return { component_templates: list.map(([n, b]) => ({ name: n, component_template: structuredClone(b) })) };
  }

  deleteComponentTemplate(name: string) {
    if (!this.components.has(name)) throw resourceNotFound(`component_template [${name}] missing`);
    const users = [...this.templates.values()].filter((t) => t.composedOf.includes(name));
    if (users.length > 0) {
      throw illegalArgument(`component templates [${name}] cannot be removed as they are still in use by index templates [${users.map((u) => u.name).join(', ')}]`);
    }
    this.components.delete(name);
    return { acknowledged: true as const };
  }

  putLegacyTemplate(name: string, body: Record<string, unknown>) {
    this.legacy.set(name, parseLegacy(name, body));
    return { acknowledged: true as const };
  }

  getLegacyTemplate(name?: string) {
    const out: Record<string, Record<string, unknown>> = {};
    for (const t of this.legacy.values()) {
      if (name !== undefined && !name.split(',').some((n) => simpleMatch(n, t.name))) continue;
      const settings = isPlainObject(t.body.settings) ? nestSettings(flattenSettings(t.body.settings)) : {};
      const entry: Record<string, unknown> = { order: t.order, index_patterns: t.patterns, settings, mappings: t.body.mappings ? normalizeMappings(t.body.mappings as Mappings) : {}, aliases: t.body.aliases ?? {} };
      if (t.body.version !== undefined) entry.version = t.body.version;
      out[t.name] = entry;
    }
    return out;
  }

  deleteLegacyTemplate(name: string) {
    const names = [...this.legacy.keys()].filter((n) => simpleMatch(name, n));
    if (names.length === 0) throw new EsError(404, 'index_template_missing_exception', `index_template [${name}] missing`);
    for (const n of names) this.legacy.delete(n);
    return { acknowledged: true as const };
  }

  // ===========================================================================================
  // Pipelines

  putPipeline(id: string, body: Record<string, unknown>) {
    validatePipeline(body);
    this.pipelines.set(id, structuredClone(body));
    return { acknowledged: true as const };
  }

  getPipeline(id?: string) {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [k, v] of this.pipelines) {
      if (id === undefined || id === '*' || id.split(',').some((p) => simpleMatch(p, k))) out[k] = structuredClone(v);
    }
    return out;
  }

  deletePipeline(id: string) {
    const ids = [...this.pipelines.keys()].filter((k) => id.split(',').some((p) => simpleMatch(p, k)));
    if (ids.length === 0) throw resourceNotFound(`pipeline [${id}] is missing`);
    for (const k of ids) this.pipelines.delete(k);
    return { acknowledged: true as const };
  }

  // ===========================================================================================
  // Data streams

  private newDataStream(name: string, template: ComposableTemplate): DataStreamState {
    validateIndexName(name);
    const backing = `.ds-${name}-${utcDay(this.now())}-000001`;
    const ix = this.buildIndex(backing, {}, { hidden: true, dataStream: name });
    this.indices.set(backing, ix);
    const ds: DataStreamState = { name, indices: [backing], generation: 1, template: template.name, hidden: template.dataStream?.hidden ?? false };
    this.dataStreams.set(name, ds);
    return ds;
  }

  createDataStream(name: string) {
    if (this.dataStreams.has(name)) throw new EsError(400, 'resource_already_exists_exception', `data_stream [${name}] already exists`);
    if (this.indices.has(name) || this.aliasIndices(name).length > 0) throw new EsError(400, 'resource_already_exists_exception', `index [${name}] already exists`);
    const t = findComposable(name, this.templates, false);
    if (!t || !t.dataStream) throw illegalArgument(`no matching index template found for data stream [${name}]`);
    this.newDataStream(name, t);
    return { acknowledged: true as const };
  }

  getDataStream(name?: string) {
    const list = [...this.dataStreams.values()].filter((ds) => name === undefined || name === '*' || name === '_all' || name.split(',').some((p) => simpleMatch(p, ds.name)));
    if (name !== undefined && !hasWildcard(name) && name !== '_all' && list.length === 0) throw indexNotFound(name);
    return {
      data_streams: list
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map(
          (ds): DataStreamInfo => ({
            name: ds.name,
            timestampField: TIME_FIELD,
            indices: ds.indices.map((n) => ({ index_name: n, index_uuid: this.indices.get(n)?.uuid ?? '_na_' })),
            generation: ds.generation,
            template: ds.template,
            hidden: ds.hidden,
          }),
        ),
    };
  }

  deleteDataStream(name: string) {
    const list = [...this.dataStreams.values()].filter((ds) => name.split(',').some((p) => simpleMatch(p, ds.name)));
    if (list.length === 0 && !hasWildcard(name)) throw indexNotFound(name);
    for (const ds of list) {
      for (const n of ds.indices) this.indices.delete(n);
      this.dataStreams.delete(ds.name);
    }
    return { acknowledged: true as const };
  }

  // ===========================================================================================
  // Documents

  /** Where a write to `target` goes, creating the index or data stream on first write. */
  private writeTarget(target: string, opType: 'index' | 'create' | 'update' | 'delete'): IndexState {
    const ds = this.dataStreams.get(target);
    if (ds) {
      if (opType !== 'create') throw illegalArgument('only write ops with an op_type of create are allowed in data streams');
      return this.indices.get(ds.indices[ds.indices.length - 1] as string) as IndexState;
    }
    const ix = this.indices.get(target);
    if (ix) {
      if (ix.dataStream && opType === 'create') {
        throw illegalArgument(`index request with op_type=create targeting backing indices is disallowed, target corresponding data stream [${ix.dataStream}] instead`);
      }
      return ix;
    }
    const aliased = this.aliasIndices(target);
    if (aliased.length > 0) {
      const writers = aliased.filter((a) => a.aliases.get(target)?.is_write_index === true);
      if (writers.length === 1) return writers[0] as IndexState;
      if (aliased.length === 1 && aliased[0]?.aliases.get(target)?.is_write_index !== false) return aliased[0] as IndexState;
      throw illegalArgument(
        `no write index is defined for alias [${target}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index`,
      );
    }
    if (opType === 'update' || opType === 'delete') throw indexNotFound(target);
    validateIndexName(target);
    const t = findComposable(target, this.templates, false);
    if (t?.dataStream) {
      if (opType !== 'create') throw illegalArgument('only write ops with an op_type of create are allowed in data streams');
      const created = this.newDataStream(target, t);
      return this.indices.get(created.indices[0] as string) as IndexState;
    }
    const fresh = this.buildIndex(target);
    this.indices.set(target, fresh);
    return fresh;
  }

  private applyPipelines(target: string, doc: Record<string, unknown>, pipeline: string | undefined): Record<string, unknown> | undefined {
    let id = pipeline;
    if (id === undefined) {
      const ix = this.indices.get(target) ?? (this.dataStreams.has(target) ? this.indices.get(this.dataStreams.get(target)?.indices.at(-1) ?? '') : undefined);
      id = ix?.settings['index.default_pipeline'];
      if (id === undefined && !ix) {
        const t = findComposable(target, this.templates, false);
        const settings = t ? resolveComposable(t, this.components).settings : resolveLegacy(findLegacy(target, this.legacy)).settings;
        id = settings['index.default_pipeline'] as string | undefined;
      }
    }
    if (id === undefined || id === '_none') return doc;
    return runPipeline(id, doc, { get: (p) => this.pipelines.get(p), now: this.now() });
  }

  private checkDataStreamDoc(ix: IndexState, doc: Record<string, unknown>): void {
    if (!ix.dataStream) return;
    const ts = doc[TIME_FIELD];
    if (ts === undefined || ts === null) {
      const reason = 'data stream timestamp field [@timestamp] is missing';
      if (this.flavor === '8') throw new EsError(400, 'document_parsing_exception', `[1:${JSON.stringify(doc).length}] failed to parse: ${reason}`, {}, { type: 'illegal_argument_exception', reason });
      throw new EsError(400, 'mapper_parsing_exception', `failed to parse: ${reason}`, {}, { type: 'illegal_argument_exception', reason });
    }
  }

  /** ES 8.x reports document parse failures as document_parsing_exception with the value's location. */
  private flavorParseError(e: unknown, doc: Record<string, unknown>): unknown {
    if (this.flavor === '8' && e instanceof EsError && e.type === 'mapper_parsing_exception' && e.reason.startsWith('failed to parse field')) {
      const field = /^failed to parse field \[([^\]]+)\]/.exec(e.reason)?.[1] ?? '';
      const loc = locate(doc, keyPath(doc, field));
      return new EsError(400, 'document_parsing_exception', `[${loc.line}:${loc.col}] ${e.reason}`, e.extra, e.causedBy);
    }
    return e;
  }

  private doIndex(target: string, doc: Record<string, unknown>, id: string | undefined, opType: 'index' | 'create', pipeline: string | undefined) {
    if (!isPlainObject(doc)) throw new EsError(400, 'mapper_parsing_exception', 'failed to parse', {}, { type: 'not_x_content_exception', reason: 'Compressor detection can only be called on some xcontent bytes or compressed xcontent bytes' });
    if (id !== undefined && id === '') throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: an id must be provided if version type or value are set;');
    if (id !== undefined && Buffer.byteLength(id) > 512) throw new EsError(400, 'action_request_validation_exception', `Validation Failed: 1: id [${id}] is too long, must be no longer than 512 bytes but was: ${Buffer.byteLength(id)};`);
    const processed = this.applyPipelines(target, doc, pipeline);
    const ix = this.writeTarget(target, opType);
    if (!processed) return { ix, dropped: true as const };
    this.checkDataStreamDoc(ix, processed);
    try {
      const r = ix.write(processed, id, opType);
      return { ix, r };
    } catch (e) {
      throw this.flavorParseError(e, processed);
    }
  }

  index(target: string, doc: Record<string, unknown>, opts: { id?: string; opType?: 'index' | 'create'; pipeline?: string; refresh?: boolean } = {}) {
    const opType = opts.opType ?? 'index';
    const out = this.doIndex(target, doc, opts.id, opType, opts.pipeline);
    if (!('r' in out) || !out.r) {
      return this.typed({ _index: out.ix.name, _id: opts.id ?? '', _version: -3, result: 'created' as const, _seq_no: -2, _primary_term: 0, _shards: { total: 0, successful: 0, failed: 0 } });
    }
    const { ix, r } = out;
    return this.typed({ _index: ix.name, _id: r.id, _version: r.version, result: r.result, _shards: ix.writeShards(), _seq_no: r.seqNo, _primary_term: 1 });
  }

  get(index: string, id: string) {
    const ix = this.singleIndex(index);
    if (!ix) throw indexNotFound(index);
    ix.store.tidy();
    const pos = ix.findId(id);
    if (pos < 0) return this.typed({ _index: ix.name, _id: id, found: false });
    return this.typed({ _index: ix.name, _id: id, _version: ix.store.ver[pos] as number, _seq_no: ix.store.seq[pos] as number, _primary_term: 1, found: true, _source: ix.source(pos) });
  }

  delete(index: string, id: string) {
    if (this.dataStreams.has(index)) throw illegalArgument('only write ops with an op_type of create are allowed in data streams');
    const ix = this.singleIndex(index);
    if (!ix) throw indexNotFound(index);
    const r = ix.deleteDoc(id);
    return this.typed({ _index: ix.name, _id: id, _version: r.version, result: r.found ? ('deleted' as const) : ('not_found' as const), _shards: ix.writeShards(), _seq_no: r.seqNo, _primary_term: 1 });
  }

  private update(target: string, id: string, body: Record<string, unknown>): { ix: IndexState; id: string; version: number; seqNo: number; result: 'created' | 'updated' | 'noop' } {
    if (!isPlainObject(body)) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: script or doc is missing;');
    if (body.script !== undefined) throw illegalArgument('scripted updates are not supported by the practice cluster');
    const doc = body.doc;
    const upsert = body.upsert;
    if (doc === undefined && upsert === undefined) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: script or doc is missing;');
    if (this.dataStreams.has(target)) throw illegalArgument('only write ops with an op_type of create are allowed in data streams');
    let ix = this.singleIndex(target);
    const existing = ix ? ix.findId(id) : -1;
    if (!ix || existing < 0) {
      const fresh = body.doc_as_upsert === true ? doc : upsert;
      if (!isPlainObject(fresh)) {
        const uuid = ix?.uuid ?? '_na_';
        if (!ix) throw indexNotFound(target);
        throw new EsError(404, 'document_missing_exception', `[${id}]: document missing`, { index_uuid: uuid, shard: '0', index: ix.name });
      }
      ix ??= this.writeTarget(target, 'index');
      try {
        const r = ix.write(fresh, id, 'create');
        return { ix, ...r };
      } catch (e) {
        throw this.flavorParseError(e, fresh);
      }
    }
    const current = ix.source(existing);
    const merged = isPlainObject(doc) ? deepMerge(current, doc) : current;
    if (body.detect_noop !== false && deepEqual(merged, current)) {
      return { ix, id, version: ix.store.ver[existing] as number, seqNo: ix.store.seq[existing] as number, result: 'noop' };
    }
    try {
      const r = ix.write(merged, id, 'index');
      return { ix, ...r };
    } catch (e) {
      throw this.flavorParseError(e, merged);
    }
  }

  bulk(actions: BulkAction[], opts: { defaultIndex?: string; refresh?: boolean } = {}) {
    const started = Date.now();
    const problems: string[] = [];
    actions.forEach((a) => {
      if (!a.index && !opts.defaultIndex) problems.push('index is missing');
      if ((a.op === 'update' || a.op === 'delete') && !a.id) problems.push('id is missing');
      if (a.op !== 'delete' && !isPlainObject(a.source)) problems.push('source is missing');
    });
    if (problems.length > 0) {
      const reason = `Validation Failed: ${problems.map((p, i) => `${i + 1}: ${p};`).join('')}`;
      throw new EsError(400, 'action_request_validation_exception', reason);
    }
    let errors = false;
    const items: BulkItemResult[] = actions.map((a): BulkItemResult => {
      const target = (a.index ?? opts.defaultIndex) as string;
      const base = (name: string, id: string | undefined) => this.typed({ _index: name, _id: id ?? (null as unknown as string) });
      try {
        switch (a.op) {
          case 'index':
          case 'create': {
            const out = this.doIndex(target, a.source as Record<string, unknown>, a.id, a.op, a.pipeline);
            if (!('r' in out) || !out.r) return { [a.op]: { ...base(out.ix.name, a.id), _version: -3, result: 'noop' as const, _shards: { total: 0, successful: 0, failed: 0 }, status: 200 } };
            const r = out.r;
            return {
              [a.op]: { ...base(out.ix.name, r.id), _version: r.version, result: r.result, _shards: out.ix.writeShards(), _seq_no: r.seqNo, _primary_term: 1, status: r.result === 'created' ? 201 : 200 },
            };
          }
          case 'update': {
            const r = this.update(target, a.id as string, a.source as Record<string, unknown>);
            const shards = r.result === 'noop' ? { total: 0, successful: 0, failed: 0 } : r.ix.writeShards();
            return { update: { ...base(r.ix.name, r.id), _version: r.version, result: r.result, _shards: shards, _seq_no: r.seqNo, _primary_term: 1, status: r.result === 'created' ? 201 : 200 } };
          }
          case 'delete': {
            const r = this.delete(target, a.id as string);
            return { delete: { ...base(r._index, r._id), _version: r._version, result: r.result, _shards: r._shards, _seq_no: r._seq_no, _primary_term: 1, status: r.result === 'deleted' ? 200 : 404 } };
          }
        }
      } catch (e) {
        if (!(e instanceof EsError)) throw e;
        errors = true;
        const env = esErrorEnvelope(e);
        const { root_cause: _rc, ...error } = env.error;
        const ds = this.dataStreams.get(target);
        const index = ds?.indices.at(-1) ?? target;
        return { [a.op]: { ...base(index, a.id), status: e.status, error } };
      }
      return {};
    });
    return { took: Math.max(0, Date.now() - started), errors, items };
  }

  refresh(target?: string) {
    const list = this.resolveStates(target, { expandWildcards: 'open,hidden' });
    let total = 0;
    for (const ix of list) {
      ix.store.tidy();
      total += 1 + ix.replicas;
    }
    return { _shards: { total, successful: total, failed: 0 } };
  }

  rollOff(pattern: string, olderThanMs: number): number {
    // Values that cannot be a recent epoch (before 1973) are read as an age in milliseconds.
    const cutoff = olderThanMs < 1e11 ? this.now() - olderThanMs : olderThanMs;
    let removed = 0;
    for (const ix of this.resolveStates(pattern, { expandWildcards: 'all', ignoreUnavailable: true })) removed += ix.rollOff(cutoff);
    return removed;
  }

  // ===========================================================================================
  // Search

  private searchIndices(target: string | undefined, params: SearchParams = {}): IndexState[] {
    return this.resolveStates(target, {
      ignoreUnavailable: params.ignoreUnavailable ?? false,
      allowNoIndices: params.allowNoIndices ?? true,
      expandWildcards: params.expandWildcards ?? 'open',
    });
  }

  search(target: string | undefined, body: Record<string, unknown> | undefined, params: SearchParams = {}) {
    const indices = this.searchIndices(target, params);
    return executeSearch({ flavor: this.flavor, now: this.now(), indices, nodeId: this.nodeId, maxBuckets: MAX_BUCKETS }, body, params);
  }

  count(target: string | undefined, body: Record<string, unknown> | undefined, params: SearchParams = {}) {
    const indices = this.searchIndices(target, params);
    const count = executeCount({ flavor: this.flavor, now: this.now(), indices, nodeId: this.nodeId, maxBuckets: MAX_BUCKETS }, body, params);
    return { count, _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 } };
  }

  msearch(requests: { header: Record<string, unknown>; body: Record<string, unknown> }[], params: SearchParams & { defaultIndex?: string } = {}) {
    const started = Date.now();
    const responses = requests.map(({ header, body }) => {
      try {
        const h = isPlainObject(header) ? header : {};
        const index = Array.isArray(h.index) ? h.index.join(',') : typeof h.index === 'string' ? h.index : params.defaultIndex;
        const p: SearchParams = { ...params };
        if (h.ignore_unavailable !== undefined) p.ignoreUnavailable = String(h.ignore_unavailable) === 'true';
        if (h.allow_no_indices !== undefined) p.allowNoIndices = String(h.allow_no_indices) === 'true';
        if (h.expand_wildcards !== undefined) p.expandWildcards = String(h.expand_wildcards);
        if (h.rest_total_hits_as_int !== undefined) p.restTotalHitsAsInt = String(h.rest_total_hits_as_int) === 'true';
        return { ...this.search(index, body, p), status: 200 };
      } catch (e) {
        if (e instanceof EsError) return esErrorEnvelope(e);
        throw e;
      }
    });
    return { took: Math.max(0, Date.now() - started), responses };
  }

  approximateBytes(): number {
    let total = 4096;
    for (const ix of this.indices.values()) total += 2048 + ix.store.bytes() + approximateJsonBytes(ix.mapping.root) * 4;
    for (const t of this.templates.values()) total += approximateJsonBytes(t.body) * 3;
    for (const p of this.pipelines.values()) total += approximateJsonBytes(p) * 3;
    return total;
  }
}
