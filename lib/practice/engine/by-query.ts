import { type ByQueryOptions, EsError } from './api';
import { DEFAULT_SEARCH_TIMEOUT_MS, SearchBudget } from './budget';
import type { Catalog } from './catalog';
import { type DocScript, parseDocScript, runDocScript } from './doc-script';
import type { Documents } from './documents';
import { esErrorEnvelope, illegalArgument, isPlainObject, parsingException, locate } from './errors';
import { filterSource, parseSourceFilter } from './hits';
import type { IndexState } from './index-state';
import { type QueryNode, QueryParser } from './query';
import { matchingDocs } from './search';

/**
 * `_update_by_query`, `_delete_by_query` and `_reindex` within a deployment, answered in their
 * synchronous form (BulkByScrollResponse). As in ES they read each index's searchable view (what
 * the last refresh shows) in batches of `scroll_size` and write with the `_seq_no` they read: a
 * document changed since that refresh is a version conflict, which aborts the request after its
 * batch (HTTP 409 with the failures) unless `conflicts=proceed` only counts it.
 */


interface Tally {
  total: number;
  updated: number;
  created: number;
  deleted: number;
  batches: number;
  versionConflicts: number;
  noops: number;
  failures: Record<string, unknown>[];
  /** The search for the documents ran out of its time budget: nothing was written (ES stops on a timed-out scroll). */
  timedOut: boolean;
}

type Outcome = 'updated' | 'created' | 'deleted' | 'noop';

const DEFAULT_SCROLL_SIZE = 1000;

function conflictsOf(value: string | undefined): 'abort' | 'proceed' {
  if (value === undefined || value === 'abort') return 'abort';
  if (value === 'proceed') return 'proceed';
  throw illegalArgument(`conflicts may only be "proceed" or "abort" but was [${value}]`);
}

function versionConflict(ix: IndexState, id: string, seq: number, current: number | undefined): EsError {
  const what = current === undefined ? `required seqNo [${seq}], primary term [1]. but no document was found` : `required seqNo [${seq}], primary term [1]. current document has seqNo [${current}] and primary term [1]`;
  return ix.versionConflict(id, what);
}

export class ByQuery {
  constructor(
    private readonly c: Catalog,
    private readonly docs: Documents,
    /** The search for the documents has the same time budget as any search (budget.ts). */
    private readonly searchBudget: { timeoutMs?: number; elapsed?: () => number } = {},
  ) {}

  private query(body: Record<string, unknown>, value: unknown, path: (string | number)[]): QueryNode | undefined {
    return value === undefined ? undefined : new QueryParser(body).parse(value, path);
  }

  private failure(ix: string, id: string, e: EsError): Record<string, unknown> {
    const { root_cause: _rootCause, ...cause } = esErrorEnvelope(e).error;
    return this.c.flavor === '7' ? { index: ix, type: '_doc', id, cause, status: e.status } : { index: ix, id, cause, status: e.status };
  }

  /**
   * Runs `apply` on each matched document in batches; a conflict is counted, and recorded as a
   * failure (stopping after the batch) unless conflicts proceed; any other write failure stops.
   */
  private run(
    indices: IndexState[],
    query: QueryNode | undefined,
    opts: ByQueryOptions,
    /** Decides what to do with one document (a script's error fails the whole request, as in ES), then returns the write to run. */
    apply: (ix: IndexState, id: string, seq: number, pos: number) => () => Outcome,
  ): { tally: Tally; touched: Set<string> } {
    const conflicts = conflictsOf(opts.conflicts);
    const now = this.c.now();
    for (const ix of indices) ix.refreshIfDue(now);
    const budget = SearchBudget.of(this.searchBudget.timeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS, this.searchBudget.elapsed ?? (() => performance.now()));
    const found = matchingDocs({ flavor: this.c.flavor, now, indices, nodeId: 'practice', maxBuckets: 65536, budget }, query);
    const limit = opts.maxDocs ?? Number.POSITIVE_INFINITY;
    const size = opts.scrollSize ?? DEFAULT_SCROLL_SIZE;
    const touched = new Set<string>();
    // ES's by-query action finishes at a timed-out search response without its hits (AbstractAsyncBulkByScrollAction).
    const matched = found.timedOut ? [] : found.docs;
    const tally: Tally = { total: Math.min(matched.length, limit), updated: 0, created: 0, deleted: 0, batches: 0, versionConflicts: 0, noops: 0, failures: [], timedOut: found.timedOut };
    // Like ES's scroll, hold each index's view while working through it, so the versions it
    // found stay readable whatever refresh the writes bring due.
    const held = indices.map((ix) => [ix, ix.searchableUpTo] as const);
    for (const [ix, upTo] of held) ix.holdView(upTo);
    try {
      let done = 0;
      let stop = false;
      for (let start = 0; start < matched.length && !stop && done < limit; start += size) {
        tally.batches += 1;
        for (const { ix, id, seq, pos } of matched.slice(start, start + size)) {
          if (done >= limit) break;
          const write = apply(ix, id, seq, pos);
          try {
            const outcome = write();
            tally[outcome === 'noop' ? 'noops' : outcome] += 1;
            done += 1;
            touched.add(ix.name);
          } catch (e) {
            if (!(e instanceof EsError)) throw e;
            if (e.type === 'version_conflict_engine_exception') {
              tally.versionConflicts += 1;
              if (conflicts === 'proceed') continue;
            }
            // A failed write names the index it wrote to (reindex writes elsewhere); the batch
            // finishes, the next does not start.
            tally.failures.push(this.failure(typeof e.extra.index === 'string' ? e.extra.index : ix.name, id, e));
            stop = true;
          }
        }
      }
    } finally {
      for (const [ix, upTo] of held) ix.releaseView(upTo);
    }
    return { tally, touched };
  }

  private answer(started: number, tally: Tally, fields: ('updated' | 'created' | 'deleted')[]): { status: number; body: Record<string, unknown> } {
    const body: Record<string, unknown> = { took: Math.max(0, Date.now() - started), timed_out: tally.timedOut, total: tally.total };
    for (const f of fields) body[f] = tally[f];
    Object.assign(body, {
      batches: tally.batches,
      version_conflicts: tally.versionConflicts,
      noops: tally.noops,
      retries: { bulk: 0, search: 0 },
      throttled_millis: 0,
      requests_per_second: -1,
      throttled_until_millis: 0,
      failures: tally.failures,
    });
    const status = tally.failures.reduce((s, f) => Math.max(s, Number(f.status) || 0), 200);
    return { status, body };
  }

  private refreshTouched(touched: Set<string>, refresh: boolean | undefined): void {
    if (!refresh) return;
    for (const name of touched) this.c.indices.get(name)?.refresh();
  }

  /** The document `id` as the search saw it (`seq`), or the version conflict ES reports. */
  private current(ix: IndexState, id: string, seq: number): number {
    const pos = ix.findId(id);
    const now = pos < 0 ? undefined : (ix.store.seq[pos] as number);
    if (now !== seq) throw versionConflict(ix, id, seq, now);
    return pos;
  }

  private byQueryScript(value: unknown): DocScript | undefined {
    return value === undefined ? undefined : parseDocScript(value);
  }

  updateByQuery(target: string | undefined, body: Record<string, unknown> | undefined, opts: ByQueryOptions = {}) {
    const started = Date.now();
    const b = body ?? {};
    for (const k of Object.keys(b)) if (!['query', 'script', 'max_docs', 'size', 'conflicts', 'slice'].includes(k)) throw parsingException(`Unknown key for a ${typeof b[k] === 'object' ? 'START_OBJECT' : 'VALUE_STRING'} in [${k}].`, locate(b, [k]));
    const query = this.query(b, b.query, ['query']);
    const script = this.byQueryScript(b.script);
    const indices = this.c.resolveStates(target, { expandWildcards: 'open' });
    const merged = { ...opts, conflicts: opts.conflicts ?? (b.conflicts as string | undefined), maxDocs: opts.maxDocs ?? (b.max_docs as number | undefined) };
    const { tally, touched } = this.run(indices, query, merged, (ix, id, seq, pos) => {
      // The script sees the version the search found; the write then checks it is still current.
      let source = ix.source(pos);
      if (script) {
        const ctx = runDocScript(script, { _index: ix.name, _id: id, _version: ix.store.ver[pos], _routing: null, _now: this.c.now(), op: 'index', _source: source });
        if (ctx._index !== ix.name) throw illegalArgument('Modifying [_index] not allowed');
        if (ctx._id !== id) throw illegalArgument('Modifying [_id] not allowed');
        if (ctx.op === 'noop') return () => 'noop';
        if (ctx.op === 'delete') {
          return () => {
            this.current(ix, id, seq);
            this.docs.delete(ix.name, id);
            return 'deleted';
          };
        }
        if (ctx.op !== 'index') throw illegalArgument(`Operation type [${String(ctx.op)}] not allowed, only [noop, index, delete] are allowed`);
        source = isPlainObject(ctx._source) ? ctx._source : {};
      }
      const doc = source;
      return () => {
        this.current(ix, id, seq);
        this.docs.index(ix.name, doc, { id, pipeline: merged.pipeline });
        return 'updated';
      };
    });
    this.refreshTouched(touched, opts.refresh);
    return this.answer(started, tally, ['updated', 'deleted']);
  }

  deleteByQuery(target: string | undefined, body: Record<string, unknown> | undefined, opts: ByQueryOptions = {}) {
    const started = Date.now();
    const b = body ?? {};
    for (const k of Object.keys(b)) if (!['query', 'max_docs', 'size', 'conflicts', 'slice'].includes(k)) throw parsingException(`Unknown key for a ${typeof b[k] === 'object' ? 'START_OBJECT' : 'VALUE_STRING'} in [${k}].`, locate(b, [k]));
    if (b.query === undefined) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: query is missing;');
    const query = this.query(b, b.query, ['query']);
    const indices = this.c.resolveStates(target, { expandWildcards: 'open' });
    const merged = { ...opts, conflicts: opts.conflicts ?? (b.conflicts as string | undefined), maxDocs: opts.maxDocs ?? (b.max_docs as number | undefined) };
    const { tally, touched } = this.run(indices, query, merged, (ix, id, seq) => () => {
      this.current(ix, id, seq);
      this.docs.delete(ix.name, id);
      return 'deleted';
    });
    this.refreshTouched(touched, opts.refresh);
    return this.answer(started, tally, ['deleted']);
  }

  /**
   * `_reindex` from indices of this deployment into another (remote sources are refused): the
   * source query and `_source` filter, `dest` with `op_type` and `pipeline`, and a script that may
   * change `ctx._index`, `ctx._id` or `ctx.op` (`noop`, `delete`).
   */
  reindex(body: Record<string, unknown> | undefined, opts: ByQueryOptions = {}) {
    const started = Date.now();
    const b = body ?? {};
    for (const k of Object.keys(b)) if (!['source', 'dest', 'script', 'conflicts', 'max_docs', 'size'].includes(k)) throw parsingException(`[reindex] unknown field [${k}]`, locate(b, [k]));
    const source = isPlainObject(b.source) ? b.source : {};
    const dest = isPlainObject(b.dest) ? b.dest : {};
    if (source.remote !== undefined) throw illegalArgument('reindex from a remote cluster is not supported by the practice cluster');
    const problems: string[] = [];
    const srcIndex = Array.isArray(source.index) ? source.index.map(String).join(',') : typeof source.index === 'string' ? source.index : '';
    if (srcIndex === '') problems.push('use _all if you really want to copy from all existing indexes');
    const destIndex = typeof dest.index === 'string' ? dest.index : '';
    if (destIndex === '') problems.push('index must be specified');
    if (problems.length > 0) throw new EsError(400, 'action_request_validation_exception', `Validation Failed: ${problems.map((p, i) => `${i + 1}: ${p};`).join('')}`);
    const opType = dest.op_type === undefined ? 'index' : String(dest.op_type);
    if (opType !== 'index' && opType !== 'create') throw illegalArgument(`opType must be 'create' or 'index', found: [${opType}]`);
    if (dest.version_type !== undefined && dest.version_type !== 'internal') throw illegalArgument(`version_type [${String(dest.version_type)}] in a reindex is not supported by the practice cluster`);
    const indices = this.c.resolveStates(srcIndex, { expandWildcards: 'open' });
    const writesTo = this.c.indices.get(destIndex) ?? this.c.aliasIndices(destIndex)[0];
    if (writesTo && indices.includes(writesTo)) throw new EsError(400, 'action_request_validation_exception', `Validation Failed: 1: reindex cannot write into an index its reading from [${writesTo.name}];`);
    const query = this.query(b, source.query, ['source', 'query']);
    const filter = source._source !== undefined ? parseSourceFilter(source._source, b, ['source', '_source']) : undefined;
    const script = this.byQueryScript(b.script);
    const pipeline = typeof dest.pipeline === 'string' ? dest.pipeline : opts.pipeline;
    const merged: ByQueryOptions = { ...opts, conflicts: opts.conflicts ?? (b.conflicts as string | undefined), maxDocs: opts.maxDocs ?? ((b.max_docs ?? b.size) as number | undefined), scrollSize: typeof source.size === 'number' ? source.size : undefined };
    const destTouched = new Set<string>();
    // Reindex copies the version its search saw (the slot stays while this request runs: nothing
    // here tidies the source), not a later realtime one.
    const { tally } = this.run(indices, query, merged, (ix, id, _seq, pos) => {
      let doc = ix.source(pos);
      if (filter) doc = filter.enabled ? filterSource(doc, filter) : {};
      let toIndex = destIndex;
      let toId = id;
      if (script) {
        const ctx = runDocScript(script, { _index: ix.name, _id: id, _version: ix.store.ver[pos], _routing: null, _now: this.c.now(), op: 'index', _source: doc });
        if (ctx.op === 'noop') return () => 'noop';
        toIndex = typeof ctx._index === 'string' && ctx._index !== ix.name ? ctx._index : destIndex;
        toId = typeof ctx._id === 'string' ? ctx._id : id;
        if (ctx.op === 'delete') {
          const [index, target] = [toIndex, toId];
          return () => {
            this.docs.delete(index, target);
            destTouched.add(index);
            return 'deleted';
          };
        }
        if (ctx.op !== 'index') throw illegalArgument(`Operation type [${String(ctx.op)}] not allowed, only [noop, index, delete] are allowed`);
        doc = isPlainObject(ctx._source) ? ctx._source : {};
      }
      const [index, target, copy] = [toIndex, toId, doc];
      return () => {
        const r = this.docs.index(index, copy, { id: target, opType: opType as 'index' | 'create', pipeline });
        destTouched.add(r._index);
        return r.result === 'created' ? 'created' : 'updated';
      };
    });
    this.refreshTouched(destTouched, opts.refresh);
    return this.answer(started, tally, ['updated', 'created', 'deleted']);
  }
}
