import type { Engine } from '../engine/api';
import { EsError } from '../engine/api';
import { isPlainObject } from '../engine/errors';
import { causeOf, illegalArgument, licenceError, parseError, validationError, watchNotFound } from './errors';
import { executeWatch, type ActionMode, type ExecutionEnv, type ExecutionOutcome, type LoggedEntry, type MailboxEntry, type TriggerEvent, type WebhookEntry } from './execution';
import { watcherFlavour, type WatcherFlavour } from './flavours';
import { WATCHES_INDEX, ensureWatchesIndex, writeHistory } from './history';
import { cloneStatus, newStatus, statusFromJson, statusJson, type WatchStatus } from './status';
import { parseWatch, type ParsedWatch } from './watch-parser';

/**
 * The practice cluster's Watcher for one deployment: one method per REST call of `_watcher`
 * (path params, query params and body in; the ES response body out, or an `EsError` thrown), a
 * scheduler driven by `tick(now)`, and the practice mailbox the email actions deliver to. See
 * README.md beside this file for what is supported.
 *
 * A body with `found: false` (GET or DELETE of an unknown watch) is sent with HTTP 404
 * (`watcherHttpStatus`).
 */

export interface PracticeWatcherOptions {
  engine: Engine;
  /** The deployment's flavour: '7', '8' or '9'. */
  flavor: string;
  /** The practice cluster's clock (epoch ms). */
  now: () => number;
  nodeId: string;
  clusterName: string;
  /** The user that stored the watches, written to records (`user`). */
  user?: string;
  /** The deployment's licence type (`basic` refuses Watcher). */
  licence: () => string;
  /** `xpack.watcher.execution.default_throttle_period` (5 s in ES). */
  defaultThrottleMs?: number;
  /** How many emails, log lines and webhook requests the practice keeps (newest). */
  keep?: number;
}

interface StoredWatch {
  parsed: ParsedWatch;
  status: WatchStatus;
  version: number;
  seqNo: number;
  primaryTerm: number;
  /** When the schedule was registered (PUT or activation): intervals count from here. */
  start: number;
  next: number | undefined;
}

/** The practice extras no index holds (see `snapshot()`). */
export interface WatcherSnapshot {
  mailbox: MailboxEntry[];
  logged: LoggedEntry[];
  webhooks: WebhookEntry[];
  stopped: boolean;
  executions: number;
}

export interface PutWatchQuery {
  active?: boolean | string;
  if_seq_no?: number | string;
  if_primary_term?: number | string;
}

export interface ExecuteWatchQuery {
  ignore_condition?: boolean | string;
  record_execution?: boolean | string;
  debug?: boolean | string;
}

const LICENSED = new Set(['trial', 'standard', 'gold', 'platinum', 'enterprise']);
const ACTION_MODES = new Set<ActionMode>(['simulate', 'force_simulate', 'execute', 'force_execute', 'skip']);
const WATCH_FIELDS = new Set(['trigger', 'input', 'condition', 'transform', 'actions', 'metadata', 'throttle_period', 'throttle_period_in_millis', 'status']);
const STATS_METRICS = new Set(['_all', 'queued_watches', 'current_watches', 'pending_watches']);

/** The HTTP status ES sends with a watcher response body. */
export function watcherHttpStatus(body: Record<string, unknown>): number {
  return body.found === false ? 404 : 200;
}

function bool(v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '') return true;
  if (v === 'false') return false;
  throw illegalArgument(`Failed to parse value [${String(v)}] as only [true] or [false] are allowed.`);
}

export class PracticeWatcher {
  private readonly flavour: WatcherFlavour;
  private readonly watches = new Map<string, StoredWatch>();
  private readonly mailbox: MailboxEntry[] = [];
  private readonly logged: LoggedEntry[] = [];
  private readonly webhooks: WebhookEntry[] = [];
  private warnings: string[] = [];
  private stopped = false;
  private executions = 0;

  constructor(private readonly opts: PracticeWatcherOptions) {
    this.flavour = watcherFlavour(opts.flavor);
  }

  // -------------------------------------------------------------------------------------------
  // REST calls

  /** `PUT|POST _watcher/watch/{id}`. */
  putWatch(id: string, query: PutWatchQuery, body: unknown): { _id: string; _version: number; _seq_no: number; _primary_term: number; created: boolean } {
    this.checkLicence();
    if (!id) throw validationError('watch id is missing');
    if (/\s/.test(id)) throw validationError('watch id contains whitespace');
    if (body === undefined || body === null) throw validationError('watch source is missing');
    const existing = this.watches.get(id);
    if (query.if_seq_no !== undefined || query.if_primary_term !== undefined) {
      const seq = Number(query.if_seq_no);
      const term = Number(query.if_primary_term);
      if (!existing || existing.seqNo !== seq || existing.primaryTerm !== term) {
        throw new EsError(409, 'version_conflict_engine_exception', `[${id}]: version conflict, required seqNo [${seq}], primary term [${term}]. ${existing ? `current document has seqNo [${existing.seqNo}] and primary term [${existing.primaryTerm}]` : 'but no document was found'}`, { index_uuid: '_na_', shard: '0', index: WATCHES_INDEX });
      }
    }
    const parsed = this.parse(id, body);
    const active = bool(query.active) ?? true;
    const now = this.opts.now();
    const stored: StoredWatch = { parsed, status: newStatus(parsed.actions.map((a) => a.id), active, now), version: 0, seqNo: 0, primaryTerm: 1, start: now, next: undefined };
    this.schedule(stored, now);
    this.persist(stored);
    this.watches.set(id, stored);
    return { _id: id, _version: stored.version, _seq_no: stored.seqNo, _primary_term: stored.primaryTerm, created: !existing };
  }

  /** `GET _watcher/watch/{id}`. */
  getWatch(id: string): Record<string, unknown> {
    this.checkLicence();
    const w = this.watches.get(id);
    if (!w) return { found: false, _id: id };
    return { found: true, _id: id, _version: w.version, _seq_no: w.seqNo, _primary_term: w.primaryTerm, status: statusJson(w.status, w.version), watch: structuredClone(w.parsed.json) };
  }

  /** `DELETE _watcher/watch/{id}`: history records stay. */
  deleteWatch(id: string): { _id: string; _version: number; found: boolean } {
    this.checkLicence();
    const w = this.watches.get(id);
    if (!w) return { _id: id, _version: 1, found: false };
    this.watches.delete(id);
    let version = w.version + 1;
    if (this.opts.engine.indexExists(WATCHES_INDEX)) {
      const r = this.opts.engine.delete(WATCHES_INDEX, id);
      version = r._version;
      this.opts.engine.refresh(WATCHES_INDEX);
    }
    return { _id: id, _version: version, found: true };
  }

  /** `PUT _watcher/watch/{id}/_activate`. */
  activateWatch(id: string): { status: Record<string, unknown> } {
    return this.setActive(id, true);
  }

  /** `PUT _watcher/watch/{id}/_deactivate`. */
  deactivateWatch(id: string): { status: Record<string, unknown> } {
    return this.setActive(id, false);
  }

  /** `PUT _watcher/watch/{id}/_ack[/{action_id,...}]`: only `ackable` actions become `acked`. */
  ackWatch(id: string, actionIds?: string[]): { status: Record<string, unknown> } {
    this.checkLicence();
    const w = this.watches.get(id);
    if (!w) throw watchNotFound(`Watch with id [${id}] does not exist`);
    const ids = !actionIds || actionIds.length === 0 || actionIds.includes('_all') ? Object.keys(w.status.actions) : actionIds;
    for (const a of ids) if (!w.status.actions[a]) throw illegalArgument(`No action with id [${a}] in watch [${id}]`);
    const now = this.opts.now();
    let changed = false;
    for (const a of ids) {
      const s = w.status.actions[a];
      if (s && s.ack.state === 'ackable') {
        s.ack = { timestamp: now, state: 'acked' };
        changed = true;
      }
    }
    if (changed) this.persist(w);
    return { status: statusJson(w.status, w.version) };
  }

  /** `POST _watcher/watch/{id}/_execute` and `POST _watcher/watch/_execute` (inline `watch`). */
  executeWatch(id: string | undefined, query: ExecuteWatchQuery, body: unknown): { _id: string; watch_record: Record<string, unknown> } {
    this.checkLicence();
    const req = this.parseExecuteBody(body ?? {});
    const ignoreCondition = bool(query.ignore_condition) ?? req.ignoreCondition ?? false;
    const recordExecution = bool(query.record_execution) ?? req.recordExecution ?? false;
    if (id !== undefined && id !== '' && req.watch !== undefined) throw validationError('a watch execution request must either have a watch id or an inline watch source, but not both');
    if ((id === undefined || id === '') && req.watch === undefined) throw validationError('watch id is missing');
    if (req.watch !== undefined && recordExecution) throw validationError('the execution of an inline watch cannot be recorded');
    const now = this.opts.now();
    const trigger: TriggerEvent = { type: 'manual', triggeredTime: req.triggeredTime ?? now, scheduledTime: req.scheduledTime ?? req.triggeredTime ?? now };
    let stored: StoredWatch | undefined;
    let parsed: ParsedWatch;
    let status: WatchStatus;
    let version: number;
    if (req.watch !== undefined) {
      parsed = this.parse('_inlined_', req.watch);
      status = newStatus(parsed.actions.map((a) => a.id), true, now);
      version = -1;
    } else {
      stored = this.watches.get(id as string);
      if (!stored) throw watchNotFound(`watch [${id}] does not exist`);
      parsed = stored.parsed;
      status = recordExecution ? stored.status : cloneStatus(stored.status);
      version = stored.version;
    }
    const outcome = executeWatch(this.env(), {
      watch: parsed,
      status,
      version,
      trigger,
      ignoreCondition,
      ...(req.alternativeInput ? { alternativeInput: req.alternativeInput } : {}),
      actionModes: req.actionModes ?? {},
    });
    if (stored && recordExecution) this.keep(stored, outcome, trigger);
    return { _id: outcome.id, watch_record: outcome.record };
  }

  /** `GET _watcher/stats[/{metric}]`. */
  stats(metric?: string): Record<string, unknown> {
    this.checkLicence();
    const metrics = (metric ?? '_all').split(',');
    for (const m of metrics) if (!STATS_METRICS.has(m)) throw illegalArgument(`request [/_watcher/stats/${metric}] contains unrecognized metric: [${m}]`);
    if (metrics.includes('pending_watches')) this.warnings.push('The pending_watches parameter is deprecated, use queued_watches instead');
    const node: Record<string, unknown> = {
      node_id: this.opts.nodeId,
      watcher_state: this.stopped ? 'stopped' : 'started',
      watch_count: [...this.watches.values()].filter((w) => w.status.state.active).length,
      execution_thread_pool: { queue_size: 0, max_size: 10 },
    };
    // Executions run to completion inside a tick, so nothing is ever running or queued between calls.
    if (metrics.includes('_all') || metrics.includes('current_watches')) node.current_watches = [];
    if (metrics.includes('_all') || metrics.includes('queued_watches') || metrics.includes('pending_watches')) node.queued_watches = [];
    if (metric === undefined) {
      delete node.current_watches;
      delete node.queued_watches;
    }
    return { _nodes: { total: 1, successful: 1, failed: 0 }, cluster_name: this.opts.clusterName, manually_stopped: this.stopped, stats: [node] };
  }

  /** `GET|POST _watcher/_query/watches` (7.11+): `from`, `size`, `query` (on `_id` and `metadata.*`), `sort` (incl. `_seq_no`), `search_after`. */
  queryWatches(body: unknown): { count: number; watches: Record<string, unknown>[] } {
    this.checkLicence();
    const b = body === undefined || body === null ? {} : body;
    if (!isPlainObject(b)) throw parseError('request body is required');
    for (const k of Object.keys(b)) if (!['from', 'size', 'query', 'sort', 'search_after'].includes(k)) throw new EsError(400, 'x_content_parse_exception', `[1:2] [query_watches_request] unknown field [${k}]`);
    const from = b.from === undefined ? 0 : Number(b.from);
    const size = b.size === undefined ? 10 : Number(b.size);
    if (!Number.isInteger(from) || from < 0) throw illegalArgument('[from] parameter cannot be negative');
    if (!Number.isInteger(size) || size < 0) throw illegalArgument('[size] parameter cannot be negative');
    let ids: string[] = [];
    if (this.opts.engine.indexExists(WATCHES_INDEX)) {
      const res = this.opts.engine.search(WATCHES_INDEX, { query: b.query ?? { match_all: {} }, size: 10_000, _source: false }, { expandWildcards: 'all' }) as { hits: { hits: { _id: string }[] } };
      ids = res.hits.hits.map((h) => h._id).filter((i) => this.watches.has(i));
    }
    const sorts = this.sortKeys(b.sort);
    const value = (w: StoredWatch, field: string): unknown => (field === '_id' ? w.parsed.id : field === '_seq_no' ? w.seqNo : field.startsWith('metadata.') ? field.slice(9).split('.').reduce<unknown>((o, k) => (isPlainObject(o) ? o[k] : undefined), w.parsed.metadata) : undefined);
    const cmp = (x: unknown, y: unknown): number => (x === y ? 0 : x === undefined || x === null ? 1 : y === undefined || y === null ? -1 : (x as number | string) < (y as number | string) ? -1 : 1);
    let list = ids.map((i) => this.watches.get(i) as StoredWatch);
    if (sorts.length > 0) {
      list.sort((p, q) => {
        for (const s of sorts) {
          const c = cmp(value(p, s.field), value(q, s.field));
          if (c !== 0) return s.desc ? -c : c;
        }
        return 0;
      });
    }
    const count = list.length;
    if (Array.isArray(b.search_after)) {
      const after = b.search_after;
      list = list.filter((w) => {
        for (let i = 0; i < sorts.length; i += 1) {
          const s = sorts[i] as { field: string; desc: boolean };
          const c = cmp(value(w, s.field), after[i]);
          if (c !== 0) return s.desc ? c < 0 : c > 0;
        }
        return false;
      });
    }
    const page = list.slice(from, from + size);
    return {
      count,
      watches: page.map((w) => ({ _id: w.parsed.id, watch: structuredClone(w.parsed.json), status: statusJson(w.status, -1), _seq_no: w.seqNo, _primary_term: w.primaryTerm })),
    };
  }

  /** `POST _watcher/_start`. */
  start(): { acknowledged: true } {
    this.checkLicence();
    if (this.stopped) {
      this.stopped = false;
      const now = this.opts.now();
      for (const w of this.watches.values()) this.schedule(w, now);
    }
    return { acknowledged: true };
  }

  /** `POST _watcher/_stop`: scheduled runs stop; watches can still be stored. */
  stop(): { acknowledged: true } {
    this.checkLicence();
    this.stopped = true;
    return { acknowledged: true };
  }

  // -------------------------------------------------------------------------------------------
  // Scheduler and practice extras

  /**
   * Runs every active watch whose scheduled time has come (ES' ticker: one execution per due
   * watch, `scheduled_time` the due boundary, `triggered_time` now). Returns how many ran.
   */
  tick(now: number = this.opts.now()): number {
    if (this.stopped) return 0;
    const due = [...this.watches.values()].filter((w) => w.status.state.active && w.next !== undefined && w.next <= now).sort((a, b) => (a.next as number) - (b.next as number));
    for (const w of due) {
      const scheduled = w.next as number;
      w.next = w.parsed.schedule.next(w.start, now);
      const trigger: TriggerEvent = { type: 'schedule', triggeredTime: now, scheduledTime: scheduled };
      const outcome = executeWatch(this.env(), { watch: w.parsed, status: w.status, version: w.version, trigger });
      this.keep(w, outcome, trigger);
    }
    return due.length;
  }

  /** The mail this deployment's watches "sent", newest first (the control API's outbox). */
  outbox(): { emails: MailboxEntry[] } {
    return { emails: [...this.mailbox].reverse() };
  }

  /** What logging actions logged, newest first. */
  loggedText(): LoggedEntry[] {
    return [...this.logged].reverse();
  }

  /** Webhook requests the watches would have sent, newest first (never sent). */
  webhookRequests(): WebhookEntry[] {
    return [...this.webhooks].reverse();
  }

  /** Deprecation warnings of the last calls (ES `Warning` headers); reading clears them. */
  takeWarnings(): string[] {
    const w = this.warnings;
    this.warnings = [];
    return w;
  }

  /** When the next scheduled execution is due, for a scheduler that sleeps until then. */
  nextDue(): number | undefined {
    let best: number | undefined;
    for (const w of this.watches.values()) if (w.status.state.active && w.next !== undefined && (best === undefined || w.next < best)) best = w.next;
    return this.stopped ? undefined : best;
  }

  get executionCount(): number {
    return this.executions;
  }

  /** Memory held outside the engine (watches, mailbox, logs); records live in the engine's indices. */
  approximateBytes(): number {
    let total = 1024;
    for (const w of this.watches.values()) total += 512 + JSON.stringify(w.parsed.json).length * 4;
    for (const list of [this.mailbox, this.logged, this.webhooks] as unknown[][]) for (const e of list) total += 128 + JSON.stringify(e).length * 2;
    return total;
  }

  /** What `.watches` and the history cannot hold: the mailbox, logs, webhook requests and the service state. */
  snapshot(): WatcherSnapshot {
    return { mailbox: [...this.mailbox], logged: [...this.logged], webhooks: [...this.webhooks], stopped: this.stopped, executions: this.executions };
  }

  /**
   * After the deployment's indices are restored: the watches are read back from `.watches` (each
   * document is the stored watch with its status, as ES keeps it) and scheduled from now; the
   * snapshot brings back what no index holds.
   */
  restore(snapshot: WatcherSnapshot | undefined): void {
    this.watches.clear();
    const engine = this.opts.engine;
    const now = this.opts.now();
    if (engine.indexExists(WATCHES_INDEX)) {
      const res = engine.search(WATCHES_INDEX, { query: { match_all: {} }, size: 10_000, _source: false }, { expandWildcards: 'all' }) as { hits: { hits: { _id: string }[] } };
      for (const { _id: id } of res.hits.hits) {
        const doc = engine.get(WATCHES_INDEX, id);
        if (!doc.found || !doc._source) continue;
        const { status, ...json } = doc._source;
        let parsed: ParsedWatch;
        try {
          parsed = parseWatch(id, json, { flavour: this.flavour, warn: () => {} });
        } catch {
          // A document this flavour can no longer parse stays in the index, unscheduled, as ES would leave it.
          continue;
        }
        const restored = statusFromJson(status) ?? newStatus(parsed.actions.map((a) => a.id), true, now);
        const stored: StoredWatch = { parsed, status: restored, version: doc._version ?? 1, seqNo: doc._seq_no ?? 0, primaryTerm: doc._primary_term ?? 1, start: now, next: undefined };
        this.schedule(stored, now);
        this.watches.set(id, stored);
      }
    }
    this.mailbox.splice(0, this.mailbox.length, ...(snapshot?.mailbox ?? []));
    this.logged.splice(0, this.logged.length, ...(snapshot?.logged ?? []));
    this.webhooks.splice(0, this.webhooks.length, ...(snapshot?.webhooks ?? []));
    this.stopped = snapshot?.stopped ?? false;
    this.executions = snapshot?.executions ?? 0;
  }

  dispose(): void {
    this.watches.clear();
    this.mailbox.length = 0;
    this.logged.length = 0;
    this.webhooks.length = 0;
    this.stopped = true;
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  private checkLicence(): void {
    if (!LICENSED.has(this.opts.licence())) throw licenceError();
  }

  private parse(id: string, body: unknown): ParsedWatch {
    return parseWatch(id, body, { flavour: this.flavour, warn: (m) => this.warnings.push(m) });
  }

  private env(): ExecutionEnv {
    const keep = this.opts.keep ?? 200;
    const push = <T>(list: T[], e: T) => {
      list.push(e);
      if (list.length > keep) list.splice(0, list.length - keep);
    };
    return {
      engine: this.opts.engine,
      flavour: this.flavour,
      nodeId: this.opts.nodeId,
      user: this.opts.user ?? 'elastic',
      now: this.opts.now,
      actionsAllowed: LICENSED.has(this.opts.licence()),
      defaultThrottleMs: this.opts.defaultThrottleMs ?? 5000,
      deliver: (m) => push(this.mailbox, m),
      log: (l) => push(this.logged, l),
      webhook: (w) => push(this.webhooks, w),
    };
  }

  private schedule(w: StoredWatch, now: number): void {
    w.start = now;
    w.next = w.status.state.active ? w.parsed.schedule.next(now, now) : undefined;
  }

  private setActive(id: string, active: boolean): { status: Record<string, unknown> } {
    this.checkLicence();
    const w = this.watches.get(id);
    if (!w) throw watchNotFound(`Watch with id [${id}] does not exist`);
    if (w.status.state.active !== active) {
      const now = this.opts.now();
      w.status.state = { active, timestamp: now };
      this.schedule(w, now);
      this.persist(w);
    }
    return { status: statusJson(w.status, w.version) };
  }

  /** Stores the watch document (normalised watch + status) in `.watches`; its version is the document's. */
  private persist(w: StoredWatch): void {
    const engine = this.opts.engine;
    ensureWatchesIndex(engine);
    const doc = { ...structuredClone(w.parsed.json), status: statusJson(w.status, w.version + 1) };
    const r = engine.index(WATCHES_INDEX, doc, { id: w.parsed.id, refresh: true });
    w.version = r._version;
    w.seqNo = r._seq_no;
    w.primaryTerm = r._primary_term;
  }

  /** A recorded execution: the record goes to history and the status is persisted. */
  private keep(w: StoredWatch, outcome: ExecutionOutcome, trigger: TriggerEvent): void {
    this.executions += 1;
    writeHistory(this.opts.engine, this.flavour, outcome.id, outcome.record, trigger.triggeredTime);
    if (this.watches.get(w.parsed.id) === w) this.persist(w);
  }

  private sortKeys(sort: unknown): { field: string; desc: boolean }[] {
    if (sort === undefined) return [];
    const list = Array.isArray(sort) ? sort : [sort];
    return list.map((s) => {
      if (typeof s === 'string') return { field: s, desc: false };
      if (isPlainObject(s)) {
        const [field, spec] = Object.entries(s)[0] ?? ['_id', 'asc'];
        const order = isPlainObject(spec) ? spec.order : spec;
        return { field, desc: String(order ?? 'asc').toLowerCase() === 'desc' };
      }
      throw illegalArgument('malformed sort');
    });
  }

  /** `RestExecuteWatchAction`'s body parser, with its errors. */
  private parseExecuteBody(body: unknown): {
    watch?: unknown;
    ignoreCondition?: boolean;
    recordExecution?: boolean;
    alternativeInput?: Record<string, unknown>;
    actionModes?: Record<string, ActionMode>;
    triggeredTime?: number;
    scheduledTime?: number;
  } {
    if (!isPlainObject(body)) throw parseError('could not parse watch execution request. expected an object');
    const out: ReturnType<PracticeWatcher['parseExecuteBody']> = {};
    const kindOf = (v: unknown) => (Array.isArray(v) ? 'array' : isPlainObject(v) ? 'object' : typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'null');
    const unexpected = (k: string, v: unknown) => parseError(`could not parse watch execution request. unexpected ${kindOf(v)} field [${k}]`);
    for (const [k, v] of Object.entries(body)) {
      if (WATCH_FIELDS.has(k)) throw parseError(`please wrap watch including field [${k}] inside a "watch" field`);
      switch (k) {
        case 'watch':
          if (!isPlainObject(v)) throw unexpected(k, v);
          out.watch = v;
          break;
        case 'ignore_condition':
        case 'record_execution':
          if (typeof v !== 'boolean') throw unexpected(k, v);
          if (k === 'ignore_condition') out.ignoreCondition = v;
          else out.recordExecution = v;
          break;
        case 'alternative_input':
          if (!isPlainObject(v)) throw unexpected(k, v);
          out.alternativeInput = structuredClone(v);
          break;
        case 'action_modes': {
          if (!isPlainObject(v)) throw unexpected(k, v);
          const modes: Record<string, ActionMode> = {};
          for (const [actionId, mode] of Object.entries(v)) {
            const m = String(mode).toLowerCase() as ActionMode;
            if (!ACTION_MODES.has(m)) throw parseError(`could not parse watch execution request. could not parse action execution mode [${String(mode)}] for action [${actionId}]`, causeOf(illegalArgument(`unknown action execution mode [${String(mode)}]`)));
            modes[actionId] = m;
          }
          out.actionModes = modes;
          break;
        }
        case 'trigger_data': {
          if (!isPlainObject(v)) throw unexpected(k, v);
          const time = (t: unknown) => {
            if (t === undefined || t === 'now') return this.opts.now();
            const ms = typeof t === 'number' ? t : Date.parse(String(t));
            if (Number.isNaN(ms)) throw parseError(`could not parse watch execution request. could not parse trigger data date [${String(t)}]`);
            return ms;
          };
          out.triggeredTime = time(v.triggered_time);
          out.scheduledTime = v.scheduled_time === undefined ? out.triggeredTime : time(v.scheduled_time);
          break;
        }
        default:
          throw unexpected(k, v);
      }
    }
    return out;
  }
}

