import { type BulkAction, type BulkItemResult, EsError } from './api';
import { type Catalog, validateIndexName } from './catalog';
import { esErrorEnvelope, illegalArgument, indexNotFound, isPlainObject, locate } from './errors';
import { type IndexState, TIME_FIELD } from './index-state';
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
    this.c.journal.touch();
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
      return this.c.typed({ _index: out.ix.name, _id: opts.id ?? '', _version: -3, result: 'created' as const, _seq_no: -2, _primary_term: 0, _shards: { total: 0, successful: 0, failed: 0 } });
    }
    const { ix, r } = out;
    return this.c.typed({ _index: ix.name, _id: r.id, _version: r.version, result: r.result, _shards: ix.writeShards(), _seq_no: r.seqNo, _primary_term: 1 });
  }

  get(index: string, id: string) {
    const ix = this.c.singleIndex(index);
    if (!ix) throw indexNotFound(index);
    const hit = ix.locate(id);
    if (!hit) return this.c.typed({ _index: ix.name, _id: id, found: false });
    const { ix: segment, pos } = hit;
    return this.c.typed({ _index: ix.name, _id: id, _version: segment.store.ver[pos] as number, _seq_no: segment.store.seq[pos] as number, _primary_term: 1, found: true, _source: segment.source(pos) });
  }

  delete(index: string, id: string) {
    if (this.c.dataStreams.has(index)) throw illegalArgument('only write ops with an op_type of create are allowed in data streams');
    const ix = this.c.singleIndex(index);
    if (!ix) throw indexNotFound(index);
    const r = ix.deleteDoc(id);
    return this.c.typed({ _index: ix.name, _id: id, _version: r.version, result: r.found ? ('deleted' as const) : ('not_found' as const), _shards: ix.writeShards(), _seq_no: r.seqNo, _primary_term: 1 });
  }

  private update(target: string, id: string, body: Record<string, unknown>): { ix: IndexState; id: string; version: number; seqNo: number; result: 'created' | 'updated' | 'noop' } {
    if (!isPlainObject(body)) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: script or doc is missing;');
    if (body.script !== undefined) throw illegalArgument('scripted updates are not supported by the practice cluster');
    const doc = body.doc;
    const upsert = body.upsert;
    if (doc === undefined && upsert === undefined) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: script or doc is missing;');
    if (this.c.dataStreams.has(target)) throw illegalArgument('only write ops with an op_type of create are allowed in data streams');
    let ix = this.c.singleIndex(target);
    const hit = ix?.locate(id);
    if (!ix || !hit) {
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
    const current = hit.ix.source(hit.pos);
    const merged = isPlainObject(doc) ? deepMerge(current, doc) : current;
    if (body.detect_noop !== false && deepEqual(merged, current)) {
      return { ix, id, version: hit.ix.store.ver[hit.pos] as number, seqNo: hit.ix.store.seq[hit.pos] as number, result: 'noop' };
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
    const typed = this.c.flavor === '7';
    const items: BulkItemResult[] = new Array<BulkItemResult>(actions.length);
    for (let i = 0; i < actions.length; i += 1) {
      const a = actions[i] as BulkAction;
      const target = (a.index ?? opts.defaultIndex) as string;
      let outcome: BulkItemResult[string];
      try {
        outcome = this.bulkItem(a, target);
      } catch (e) {
        if (!(e instanceof EsError)) throw e;
        errors = true;
        const env = esErrorEnvelope(e);
        const { root_cause: _rc, ...error } = env.error;
        const ds = this.c.dataStreams.get(target);
        outcome = { _index: ds?.indices.at(-1) ?? target, _id: a.id ?? (null as unknown as string), status: e.status, error };
      }
      if (typed) {
        const { _index, ...rest } = outcome;
        outcome = { _index, _type: '_doc', ...rest };
      }
      // Literal keys, not `{ [a.op]: ... }`: a computed key costs a slow path per item in V8.
      items[i] = a.op === 'index' ? { index: outcome } : a.op === 'create' ? { create: outcome } : a.op === 'update' ? { update: outcome } : { delete: outcome };
    }
    return { took: Math.max(0, Date.now() - started), errors, items };
  }

  /** One `_bulk` item's outcome (without `_type`; the caller adds it for 7.x). */
  private bulkItem(a: BulkAction, target: string): BulkItemResult[string] {
    switch (a.op) {
      case 'index':
      case 'create': {
        const out = this.doIndex(target, a.source as Record<string, unknown>, a.id, a.op, a.pipeline);
        if (!('r' in out) || !out.r) return { _index: out.ix.name, _id: a.id ?? (null as unknown as string), _version: -3, result: 'noop', _shards: { total: 0, successful: 0, failed: 0 }, status: 200 };
        const r = out.r;
        return { _index: out.ix.name, _id: r.id, _version: r.version, result: r.result, _shards: out.ix.writeShards(), _seq_no: r.seqNo, _primary_term: 1, status: r.result === 'created' ? 201 : 200 };
      }
      case 'update': {
        const r = this.update(target, a.id as string, a.source as Record<string, unknown>);
        const shards = r.result === 'noop' ? { total: 0, successful: 0, failed: 0 } : r.ix.writeShards();
        return { _index: r.ix.name, _id: r.id, _version: r.version, result: r.result, _shards: shards, _seq_no: r.seqNo, _primary_term: 1, status: r.result === 'created' ? 201 : 200 };
      }
      case 'delete': {
        const r = this.delete(target, a.id as string);
        return { _index: r._index, _id: r._id, _version: r._version, result: r.result, _shards: r._shards, _seq_no: r._seq_no, _primary_term: 1, status: r.result === 'deleted' ? 200 : 404 };
      }
    }
  }

  refresh(target?: string) {
    const list = this.c.resolveStates(target, { expandWildcards: 'open,hidden' });
    let total = 0;
    for (const ix of list) {
      ix.store.tidy();
      total += 1 + ix.replicas;
    }
    return { _shards: { total, successful: total, failed: 0 } };
  }

  rollOff(pattern: string, olderThanMs: number): number {
    // Values that cannot be a recent epoch (before 1973) are read as an age in milliseconds.
    const cutoff = olderThanMs < 1e11 ? this.c.now() - olderThanMs : olderThanMs;
    let removed = 0;
    for (const ix of this.c.resolveStates(pattern, { expandWildcards: 'all', ignoreUnavailable: true })) removed += ix.rollOff(cutoff);
    return removed;
  }
}
