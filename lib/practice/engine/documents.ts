import { type BulkAction, type BulkItemResult, EsError } from './api';
import { type Catalog, validateIndexName } from './catalog';
import { parseDocScript, runDocScript } from './doc-script';
import { esErrorEnvelope, illegalArgument, indexNotFound, isPlainObject, locate } from './errors';
import { filterSource, parseSourceFilter, sourceFilterFromParams } from './hits';
import { type IndexState, TIME_FIELD } from './index-state';
import { stats } from './index-stats';
import { runPipeline } from './pipelines';
import { findComposable, findLegacy, resolveComposable, resolveLegacy } from './templates';

/** Writing and reading documents: index, get, delete, update, `_bulk`, refresh and the host's roll-off. */

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

/** A bulk item of a `refresh=true` request: every item that did not fail says `forced_refresh`, after its `result`. */
function withForcedRefresh(item: BulkItemResult): BulkItemResult {
  const [op, outcome] = Object.entries(item)[0] ?? [];
  if (op === undefined || outcome === undefined || outcome.error) return item;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(outcome)) {
    out[k] = v;
    if (k === 'result') out.forced_refresh = true;
  }
  return { [op]: out } as BulkItemResult;
}

export class Documents {
  constructor(private readonly c: Catalog) {}

  /** Where a write to `target` goes, creating the index or data stream on first write. */
  private writeTarget(target: string, opType: 'index' | 'create' | 'update' | 'delete'): IndexState {
    const ds = this.c.dataStreams.get(target);
    if (ds) {
      if (opType !== 'create') throw illegalArgument('only write ops with an op_type of create are allowed in data streams');
      return this.c.indices.get(ds.indices[ds.indices.length - 1] as string) as IndexState;
    }
    const ix = this.c.indices.get(target);
    if (ix) {
      if (ix.dataStream && opType === 'create') {
        throw illegalArgument(`index request with op_type=create targeting backing indices is disallowed, target corresponding data stream [${ix.dataStream}] instead`);
      }
      return ix;
    }
    const aliased = this.c.aliasIndices(target);
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
    const t = findComposable(target, this.c.templates, false);
    if (t?.dataStream) {
      if (opType !== 'create') throw illegalArgument('only write ops with an op_type of create are allowed in data streams');
      const created = this.c.newDataStream(target, t);
      return this.c.indices.get(created.indices[0] as string) as IndexState;
    }
    const fresh = this.c.buildIndex(target);
    this.c.indices.set(target, fresh);
    return fresh;
  }

  private applyPipelines(target: string, doc: Record<string, unknown>, pipeline: string | undefined): Record<string, unknown> | undefined {
    let id = pipeline;
    if (id === undefined) {
      const ix = this.c.indices.get(target) ?? (this.c.dataStreams.has(target) ? this.c.indices.get(this.c.dataStreams.get(target)?.indices.at(-1) ?? '') : undefined);
      id = ix?.settings['index.default_pipeline'];
      if (id === undefined && !ix) {
        const t = findComposable(target, this.c.templates, false);
        const settings = t ? resolveComposable(t, this.c.components).settings : resolveLegacy(findLegacy(target, this.c.legacy)).settings;
        id = settings['index.default_pipeline'] as string | undefined;
      }
    }
    if (id === undefined || id === '_none') return doc;
    return runPipeline(id, doc, { get: (p) => this.c.pipelines.get(p), now: this.c.now() });
  }

  private checkDataStreamDoc(ix: IndexState, doc: Record<string, unknown>): void {
    if (!ix.dataStream) return;
    const ts = doc[TIME_FIELD];
    if (ts === undefined || ts === null) {
      const reason = 'data stream timestamp field [@timestamp] is missing';
      if (this.c.flavor !== '7') throw new EsError(400, 'document_parsing_exception', `[1:${JSON.stringify(doc).length}] failed to parse: ${reason}`, {}, { type: 'illegal_argument_exception', reason });
      throw new EsError(400, 'mapper_parsing_exception', `failed to parse: ${reason}`, {}, { type: 'illegal_argument_exception', reason });
    }
  }

  /** ES 8.x reports document parse failures as document_parsing_exception with the value's location. */
  private flavorParseError(e: unknown, doc: Record<string, unknown>): unknown {
    if (this.c.flavor !== '7' && e instanceof EsError && e.type === 'mapper_parsing_exception' && e.reason.startsWith('failed to parse field')) {
      const field = /^failed to parse field \[([^\]]+)\]/.exec(e.reason)?.[1] ?? '';
      const loc = locate(doc, keyPath(doc, field));
      return new EsError(400, 'document_parsing_exception', `[${loc.line}:${loc.col}] ${e.reason}`, e.extra, e.causedBy);
    }
    return e;
  }

  private doIndex(target: string, doc: Record<string, unknown>, id: string | undefined, opType: 'index' | 'create', pipeline: string | undefined) {
    if (!isPlainObject(doc)) throw new EsError(400, 'mapper_parsing_exception', 'failed to parse', {}, { type: 'not_x_content_exception', reason: 'Compressor detection can only be called on some xcontent bytes or compressed xcontent bytes' });
    if (id !== undefined && Buffer.byteLength(id) > 512) throw new EsError(400, 'action_request_validation_exception', `Validation Failed: 1: id [${id}] is too long, must be no longer than 512 bytes but was: ${Buffer.byteLength(id)};`);
    const processed = this.applyPipelines(target, doc, pipeline);
    const ix = this.writeTarget(target, opType);
    // ES checks an empty id when it routes the request, after the index exists (IndexRequest.process).
    if (id === '') throw illegalArgument('if _id is specified it must not be empty');
    if (!processed) return { ix, dropped: true as const };
    this.checkDataStreamDoc(ix, processed);
    try {
      const r = this.written(ix, () => ix.write(processed, id, opType));
      return { ix, r };
    } catch (e) {
      throw this.flavorParseError(e, processed);
    }
  }

  /**
   * Runs one write on `ix`: first the periodic refresh that was due before it (so a later write is
   * not made searchable by an earlier deadline), then the write, noted for the next refresh.
   */
  private written<T>(ix: IndexState, write: () => T, kind: 'index' | 'delete' = 'index'): T {
    const now = this.c.now();
    ix.refreshIfDue(now);
    const started = Date.now();
    let result: T;
    try {
      result = write();
    } catch (e) {
      if (kind === 'index') stats.indexFailed(ix);
      throw e;
    }
    ix.noteWrite(now);
    if (kind === 'index') stats.indexed(ix, Date.now() - started);
    else stats.deleted(ix, Date.now() - started);
    return result;
  }

  index(target: string, doc: Record<string, unknown>, opts: { id?: string; opType?: 'index' | 'create'; pipeline?: string; refresh?: boolean } = {}) {
    const opType = opts.opType ?? 'index';
    const out = this.doIndex(target, doc, opts.id, opType, opts.pipeline);
    if (!('r' in out) || !out.r) {
      return this.c.typed({ _index: out.ix.name, _id: opts.id ?? '', _version: -3, result: 'created' as const, _seq_no: -2, _primary_term: 0, _shards: { total: 0, successful: 0, failed: 0 } });
    }
    const { ix, r } = out;
    if (opts.refresh) ix.refresh();
    // `forced_refresh` sits between `result` and `_shards`, as ES writes it.
    return this.c.typed({ _index: ix.name, _id: r.id, _version: r.version, result: r.result, ...(opts.refresh ? { forced_refresh: true as const } : {}), _shards: ix.writeShards(), _seq_no: r.seqNo, _primary_term: 1 });
  }

  get(index: string, id: string) {
    const ix = this.c.singleIndex(index);
    if (!ix) throw indexNotFound(index);
    const started = Date.now();
    ix.store.tidy();
    const pos = ix.findId(id);
    stats.got(ix, pos >= 0, Date.now() - started);
    if (pos < 0) return this.c.typed({ _index: ix.name, _id: id, found: false });
    return this.c.typed({ _index: ix.name, _id: id, _version: ix.store.ver[pos] as number, _seq_no: ix.store.seq[pos] as number, _primary_term: 1, found: true, _source: ix.source(pos) });
  }

  /**
   * `_mget`: realtime gets of several documents, each with its own `_source` filter (or the
   * request's); a failing item carries its error in place of the document, as ES answers.
   */
  mget(items: { index: string; id: string; source?: unknown }[], params: { source?: string | boolean; sourceIncludes?: string; sourceExcludes?: string } = {}) {
    const requestFilter = sourceFilterFromParams(params.source, params.sourceIncludes, params.sourceExcludes);
    const docs = items.map((item, i) => {
      try {
        const filter = item.source !== undefined ? parseSourceFilter(item.source, { docs: items.map((d) => ({ _source: d.source })) }, ['docs', i, '_source']) : requestFilter;
        const got = this.get(item.index, item.id) as Record<string, unknown>;
        const source = got._source as Record<string, unknown> | undefined;
        if (!got.found || !filter || !source) return got;
        if (!filter.enabled) {
          const { _source: _dropped, ...rest } = got;
          return rest;
        }
        return { ...got, _source: filterSource(source, filter) };
      } catch (e) {
        if (!(e instanceof EsError)) throw e;
        return this.c.typed({ _index: item.index, _id: item.id, error: esErrorEnvelope(e).error });
      }
    });
    return { docs };
  }

  delete(index: string, id: string, opts: { refresh?: boolean } = {}) {
    if (this.c.dataStreams.has(index)) throw illegalArgument('only write ops with an op_type of create are allowed in data streams');
    const ix = this.c.singleIndex(index);
    if (!ix) throw indexNotFound(index);
    const r = this.written(ix, () => ix.deleteDoc(id), 'delete');
    if (opts.refresh) ix.refresh();
    return this.c.typed({ _index: ix.name, _id: id, _version: r.version, result: r.found ? ('deleted' as const) : ('not_found' as const), ...(opts.refresh ? { forced_refresh: true as const } : {}), _shards: ix.writeShards(), _seq_no: r.seqNo, _primary_term: 1 });
  }

  private update(target: string, id: string, body: Record<string, unknown>): { ix: IndexState; id: string; version: number; seqNo: number; result: 'created' | 'updated' | 'noop' | 'deleted' } {
    if (!isPlainObject(body)) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: script or doc is missing;');
    if (body.script !== undefined) return this.scriptedUpdate(target, id, body);
    const doc = body.doc;
    const upsert = body.upsert;
    if (doc === undefined && upsert === undefined) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: script or doc is missing;');
    if (this.c.dataStreams.has(target)) throw illegalArgument('only write ops with an op_type of create are allowed in data streams');
    const ix = this.c.singleIndex(target);
    const existing = ix ? ix.findId(id) : -1;
    if (!ix || existing < 0) {
      const fresh = body.doc_as_upsert === true ? doc : upsert;
      if (!isPlainObject(fresh)) {
        const uuid = ix?.uuid ?? '_na_';
        if (!ix) throw indexNotFound(target);
        throw new EsError(404, 'document_missing_exception', `[${id}]: document missing`, { index_uuid: uuid, shard: '0', index: ix.name });
      }
      const into = ix ?? this.writeTarget(target, 'index');
      try {
        const r = this.written(into, () => into.write(fresh, id, 'create'));
        return { ix: into, ...r };
      } catch (e) {
        throw this.flavorParseError(e, fresh);
      }
    }
    const current = ix.source(existing);
    const merged = isPlainObject(doc) ? deepMerge(current, doc) : current;
    if (body.detect_noop !== false && deepEqual(merged, current)) {
      stats.noopUpdate(ix);
      return { ix, id, version: ix.store.ver[existing] as number, seqNo: ix.store.seq[existing] as number, result: 'noop' };
    }
    const into = ix;
    try {
      const r = this.written(into, () => into.write(merged, id, 'index'));
      return { ix: into, ...r };
    } catch (e) {
      throw this.flavorParseError(e, merged);
    }
  }

  /**
   * `_update` with a `script` (UpdateHelper): the script sees the current `_source` in `ctx` and
   * may change it, or set `ctx.op` to `noop` or `delete`; a missing document takes the `upsert`
   * (run through the script with `scripted_upsert`). A failing script is ES's "failed to execute
   * script" with the `script_exception` as its cause.
   */
  private scriptedUpdate(target: string, id: string, body: Record<string, unknown>): { ix: IndexState; id: string; version: number; seqNo: number; result: 'created' | 'updated' | 'noop' | 'deleted' } {
    if (body.doc !== undefined) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: can\'t provide both script and doc;');
    if (this.c.dataStreams.has(target)) throw illegalArgument('only write ops with an op_type of create are allowed in data streams');
    const run = (ctx: Record<string, unknown>) => {
      try {
        return runDocScript(parseDocScript(body.script), ctx);
      } catch (e) {
        if (e instanceof EsError && e.type === 'script_exception') {
          throw new EsError(400, 'illegal_argument_exception', 'failed to execute script', {}, { type: e.type, reason: e.reason, ...e.extra, ...(e.causedBy ? { caused_by: e.causedBy } : {}) });
        }
        throw e;
      }
    };
    const ix = this.c.singleIndex(target);
    const existing = ix ? ix.findId(id) : -1;
    const now = this.c.now();
    if (!ix || existing < 0) {
      if (!isPlainObject(body.upsert)) {
        if (!ix) throw indexNotFound(target);
        throw new EsError(404, 'document_missing_exception', `[${id}]: document missing`, { index_uuid: ix.uuid, shard: '0', index: ix.name });
      }
      let fresh = structuredClone(body.upsert);
      if (body.scripted_upsert === true) {
        const ctx = run({ _index: ix?.name ?? target, _id: id, _version: -1, _routing: null, _now: now, op: 'create', _source: fresh });
        if (ctx.op !== 'create' && ctx.op !== 'index') return { ix: ix ?? this.writeTarget(target, 'index'), id, version: -1, seqNo: -2, result: 'noop' };
        fresh = ctx._source as Record<string, unknown>;
      }
      const into = ix ?? this.writeTarget(target, 'index');
      try {
        const r = this.written(into, () => into.write(fresh, id, 'create'));
        return { ix: into, ...r };
      } catch (e) {
        throw this.flavorParseError(e, fresh);
      }
    }
    const version = ix.store.ver[existing] as number;
    const ctx = run({ _index: ix.name, _id: id, _version: version, _routing: null, _now: now, op: 'index', _source: ix.source(existing) });
    if (ctx.op === 'delete') {
      const r = this.written(ix, () => ix.deleteDoc(id), 'delete');
      return { ix, id, version: r.version, seqNo: r.seqNo, result: 'deleted' };
    }
    // ES logs and ignores an unknown `ctx.op`, as `noop`/`none` do.
    if (ctx.op !== 'index' || !isPlainObject(ctx._source)) return { ix, id, version, seqNo: ix.store.seq[existing] as number, result: 'noop' };
    const source = ctx._source;
    try {
      const r = this.written(ix, () => ix.write(source, id, 'index'));
      return { ix, ...r };
    } catch (e) {
      throw this.flavorParseError(e, source);
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
      const base = (name: string, id: string | undefined) => this.c.typed({ _index: name, _id: id ?? (null as unknown as string) });
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
            const seq = r.seqNo >= 0 ? { _seq_no: r.seqNo, _primary_term: 1 } : {};
            return { update: { ...base(r.ix.name, r.id), _version: r.version, result: r.result, _shards: shards, ...seq, status: r.result === 'created' ? 201 : 200 } };
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
        const ds = this.c.dataStreams.get(target);
        const index = ds?.indices.at(-1) ?? target;
        return { [a.op]: { ...base(index, a.id), status: e.status, error } };
      }
      return {};
    });
    if (opts.refresh) {
      const touched = new Set<IndexState>();
      for (const item of items) {
        const outcome = Object.values(item)[0];
        if (outcome && !outcome.error) {
          const ix = this.c.indices.get(outcome._index);
          if (ix) touched.add(ix);
        }
      }
      for (const ix of touched) ix.refresh();
      return { took: Math.max(0, Date.now() - started), errors, items: items.map(withForcedRefresh) };
    }
    return { took: Math.max(0, Date.now() - started), errors, items };
  }

  refresh(target?: string) {
    const list = this.c.resolveStates(target, { expandWildcards: 'open,hidden' });
    let total = 0;
    for (const ix of list) {
      ix.refresh();
      ix.store.tidy();
      total += 1 + ix.replicas;
    }
    return { _shards: { total, successful: total, failed: 0 } };
  }

  refreshState(index: string, seqNo: number): { searchable: boolean; dueAt?: number } {
    const ix = this.c.indices.get(index);
    // A deleted index has nothing left to wait for.
    if (!ix) return { searchable: true };
    ix.refreshIfDue(this.c.now());
    if (seqNo < ix.searchableUpTo) return { searchable: true };
    const dueAt = ix.refreshDueAt();
    return dueAt === undefined ? { searchable: false } : { searchable: false, dueAt };
  }

  rollOff(pattern: string, olderThanMs: number): number {
    // Values that cannot be a recent epoch (before 1973) are read as an age in milliseconds.
    const cutoff = olderThanMs < 1e11 ? this.c.now() - olderThanMs : olderThanMs;
    let removed = 0;
    for (const ix of this.c.resolveStates(pattern, { expandWildcards: 'all', ignoreUnavailable: true })) removed += ix.rollOff(cutoff);
    return removed;
  }
}
