import { type Flavor, type Mappings, EsError } from './api';
import type { Pause } from './doc-store';
import { illegalArgument, indexNotFound, isPlainObject } from './errors';
import { approximateJsonBytes, type AliasMeta, type IndexDump, type IndexMeta, IndexState, type SharedResolver, TIME_FIELD } from './index-state';
import { Journal } from './journal';
import { MapperParsingError, normalizeMappings } from './mapping';
import { type ComposableTemplate, findComposable, findLegacy, flattenSettings, type LegacyTemplate, resolveComposable, resolveLegacy } from './templates';
import { simpleMatch } from './wildcard';

/**
 * What one deployment's engine holds (indices, data streams, templates, pipelines) and how names
 * resolve to indices: the state that the metadata, document and search parts of the engine share.
 */

export interface DataStreamState {
  name: string;
  indices: string[];
  generation: number;
  template: string;
  hidden: boolean;
}

export interface ResolveOpts {
  ignoreUnavailable?: boolean;
  allowNoIndices?: boolean;
  expandWildcards?: string;
}

// 9.x reports the IndexVersion id (9.1's is 9_033_0_00, IndexVersions.java).
const VERSION_CREATED: Record<Flavor, string> = { '9': '9033000', '8': '8150099', '7': '7170099' };

/**
 * Elasticsearch's rules for a new index's name, checked in its order with its messages
 * (`MetadataCreateIndexService.validateIndexOrAliasName`, then lowercase).
 */
export function validateIndexName(name: string): void {
  const bad = (why: string) => new EsError(400, 'invalid_index_name_exception', `Invalid index name [${name}], ${why}`, { index_uuid: '_na_', index: name });
  if (/[\\/*?"<>| ,]/.test(name)) throw bad('must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]');
  if (name === '') throw bad('must not be empty');
  if (name.includes('#')) throw bad('must not contain \'#\'');
  if (name.includes(':')) throw bad('must not contain \':\'');
  if (/^[_\-+]/.test(name)) throw bad('must not start with \'_\', \'-\', or \'+\'');
  const bytes = Buffer.byteLength(name);
  if (bytes > 255) throw bad(`index name is too long, (${bytes} > 255)`);
  if (name === '.' || name === '..') throw bad('must not be \'.\' or \'..\'');
  if (name !== name.toLowerCase()) throw bad('must be lowercase');
}

function utcDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** The catalog without documents: a journal `meta` line. */
export interface CatalogMeta {
  indices: IndexMeta[];
  dataStreams: DataStreamState[];
  templates: ComposableTemplate[];
  components: [string, Record<string, unknown>][];
  legacy: LegacyTemplate[];
  pipelines: [string, Record<string, unknown>][];
}

/** The catalog in a snapshot: its metadata and every index with its documents. */
export interface CatalogDump {
  meta: Omit<CatalogMeta, 'indices'>;
  indices: IndexDump[];
}

export class Catalog {
  readonly indices = new Map<string, IndexState>();
  /** Changes for durability; its sink is set when the deployment is persisted. */
  readonly journal = new Journal(() => this.meta());
  readonly dataStreams = new Map<string, DataStreamState>();
  readonly templates = new Map<string, ComposableTemplate>();
  readonly components = new Map<string, Record<string, unknown>>();
  readonly legacy = new Map<string, LegacyTemplate>();
  readonly pipelines = new Map<string, Record<string, unknown>>();

  constructor(
    readonly flavor: Flavor,
    private readonly clock: () => number,
  ) {}

  now(): number {
    return this.clock();
  }

  typed<T extends object>(o: T): T {
    if (this.flavor !== '7' || !('_index' in o)) return o;
    const { _index, ...rest } = o as T & { _index: string };
    return { _index, _type: '_doc', ...rest } as T;
  }

  aliasIndices(alias: string): IndexState[] {
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

  resolveStates(target: string | undefined, opts: ResolveOpts = {}): IndexState[] {
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
  singleIndex(name: string): IndexState | undefined {
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

  buildIndex(name: string, body: { mappings?: Mappings; settings?: Record<string, unknown>; aliases?: Record<string, unknown> } = {}, extra: { hidden?: boolean; dataStream?: string } = {}): IndexState {
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
    ix.journal = this.journal;
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

  newDataStream(name: string, template: ComposableTemplate): DataStreamState {
    validateIndexName(name);
    const backing = `.ds-${name}-${utcDay(this.now())}-000001`;
    const ix = this.buildIndex(backing, {}, { hidden: true, dataStream: name });
    this.indices.set(backing, ix);
    this.journal.touch();
    const ds: DataStreamState = { name, indices: [backing], generation: 1, template: template.name, hidden: template.dataStream?.hidden ?? false };
    this.dataStreams.set(name, ds);
    return ds;
  }

  // -------------------------------------------------------------------------------------------
  // persistence

  meta(): CatalogMeta {
    return {
      indices: [...this.indices.values()].map((ix) => ix.meta()),
      ...this.metaWithoutIndices(),
    };
  }

  private metaWithoutIndices(): Omit<CatalogMeta, 'indices'> {
    return {
      dataStreams: [...this.dataStreams.values()],
      templates: [...this.templates.values()],
      components: [...this.components],
      legacy: [...this.legacy.values()],
      pipelines: [...this.pipelines],
    };
  }

  /**
   * Everything at this instant, cheaply (see DocStore.capture), as a function that makes the dump
   * afterwards, a slice at a time: the event loop is not held for the whole of a large index.
   */
  capture(): (pause: Pause) => Promise<CatalogDump> {
    const meta = structuredClone(this.metaWithoutIndices());
    const indices = [...this.indices.values()].map((ix) => ix.capture());
    return async (pause) => {
      const dumps: IndexDump[] = [];
      for (const c of indices) dumps.push(await IndexState.dumpCapture(c, pause));
      return { meta, indices: dumps };
    };
  }

  /** Replaces everything with a snapshot's catalog. */
  load(d: CatalogDump, resolve: SharedResolver): void {
    this.applyMetaWithoutIndices(d.meta);
    this.indices.clear();
    for (const dump of d.indices) this.adopt(IndexState.load(dump, resolve));
  }

  /** Replays a journal `meta` line: the catalog's definitions become the line's, documents stay. */
  applyMeta(m: CatalogMeta, resolve: SharedResolver): void {
    this.applyMetaWithoutIndices(m);
    const byUuid = new Map([...this.indices.values()].map((ix) => [ix.uuid, ix]));
    this.indices.clear();
    for (const im of m.indices) {
      const existing = byUuid.get(im.uuid);
      if (existing) {
        existing.applyMeta(im);
        this.indices.set(im.name, existing);
      } else this.adopt(IndexState.fromMeta(im, resolve));
    }
  }

  private applyMetaWithoutIndices(m: Omit<CatalogMeta, 'indices'>): void {
    this.dataStreams.clear();
    for (const ds of m.dataStreams) this.dataStreams.set(ds.name, structuredClone(ds));
    this.templates.clear();
    for (const t of m.templates) this.templates.set(t.name, structuredClone(t));
    this.components.clear();
    for (const [name, body] of m.components) this.components.set(name, structuredClone(body));
    this.legacy.clear();
    for (const t of m.legacy) this.legacy.set(t.name, structuredClone(t));
    this.pipelines.clear();
    for (const [id, body] of m.pipelines) this.pipelines.set(id, structuredClone(body));
  }

  /** Puts an index in the catalog with the catalog's journal. */
  adopt(ix: IndexState): IndexState {
    ix.journal = this.journal;
    this.indices.set(ix.name, ix);
    return ix;
  }

  /** The index with uuid `uuid` (journal lines name indices by uuid: a name can be reused). */
  byUuid(uuid: string): IndexState | undefined {
    for (const ix of this.indices.values()) if (ix.uuid === uuid) return ix;
    return undefined;
  }

  approximateBytes(): number {
    let total = 4096;
    for (const ix of this.indices.values()) total += 2048 + ix.store.bytes() + approximateJsonBytes(ix.mapping.root) * 4;
    for (const t of this.templates.values()) total += approximateJsonBytes(t.body) * 3;
    for (const p of this.pipelines.values()) total += approximateJsonBytes(p) * 3;
    return total;
  }
}
