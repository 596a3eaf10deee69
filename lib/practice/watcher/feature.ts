import type { Flavor } from '../engine/api';
import { defineFeature, EsError, parseJsonObject, type ClusterAction, type EsContext, type EsReply, type FeatureContext, type PracticeFeature } from '../feature';
import { PracticeWatcher, watcherHttpStatus, type WatcherSnapshot } from './watcher';

/**
 * Watcher as a practice feature: Elasticsearch's `_watcher` REST API for each deployment (with
 * the privileges and licence ES checks, 404 for a missing watch, deprecation `Warning` headers),
 * the schedule run on the shared scheduler, and the practice mailbox under the control API
 * (`GET /_practice/deployments/{id}/outbox`, DESIGN.md). State lives in the deployment's `.watches`
 * and `.watcher-history-*` indices (see watcher.ts).
 */

/** The cluster actions of the `_watcher` API and the privileges that grant them (ES' `ClusterPrivilegeResolver`). */
const ADMIN = ['manage_watcher', 'manage', 'all'];
const MONITOR = ['monitor_watcher', 'manage_watcher', 'monitor', 'manage', 'all'];
export const WATCHER_ACTIONS = {
  put: { action: 'cluster:admin/xpack/watcher/watch/put', granting: ADMIN },
  get: { action: 'cluster:monitor/xpack/watcher/watch/get', granting: MONITOR },
  delete: { action: 'cluster:admin/xpack/watcher/watch/delete', granting: ADMIN },
  execute: { action: 'cluster:admin/xpack/watcher/watch/execute', granting: ADMIN },
  ack: { action: 'cluster:admin/xpack/watcher/watch/ack', granting: ADMIN },
  activate: { action: 'cluster:admin/xpack/watcher/watch/activate', granting: ADMIN },
  stats: { action: 'cluster:monitor/xpack/watcher/stats/dist', granting: MONITOR },
  query: { action: 'cluster:monitor/xpack/watcher/watch/query', granting: MONITOR },
  service: { action: 'cluster:admin/xpack/watcher/service', granting: ADMIN },
  settingsGet: { action: 'cluster:admin/xpack/watcher/settings/get', granting: MONITOR },
  settingsUpdate: { action: 'cluster:admin/xpack/watcher/settings/update', granting: ADMIN },
} satisfies Record<string, ClusterAction>;

/** The `.watches` index settings `PUT _watcher/settings` may change (8.x; ES' `WatcherUpdateSettingsAction`). */
const UPDATABLE_SETTINGS = new Set(['index.auto_expand_replicas', 'index.number_of_replicas']);

export class WatcherService implements PracticeFeature {
  readonly name = 'watcher';
  readonly watcher: PracticeWatcher;
  private readonly settings: Record<string, string> = {};

  constructor(private readonly ctx: FeatureContext) {
    this.watcher = new PracticeWatcher({
      engine: ctx.engine,
      flavor: ctx.flavor,
      now: () => ctx.clock.now(),
      nodeId: ctx.nodeId,
      clusterName: ctx.clusterName,
      user: 'elastic',
      // An expired trial refuses Watcher like a Basic licence does.
      licence: () => (ctx.licensed() ? ctx.license().type : 'basic'),
    });
  }

  /** Only ticked when a scheduled execution is due: an idle deployment costs nothing. */
  get active(): boolean {
    const due = this.watcher.nextDue();
    return due !== undefined && due <= this.ctx.clock.now();
  }

  tick(now: number): void {
    // Scheduled runs go on without a licence, with their actions throttled, as ES does after a licence expires.
    this.watcher.tick(now);
  }

  approximateBytes(): number {
    return this.watcher.approximateBytes();
  }

  dispose(): void {
    this.watcher.dispose();
  }

  snapshot(): unknown {
    return { watcher: this.watcher.snapshot(), settings: { ...this.settings } };
  }

  restore(snapshot: unknown): void {
    const s = (snapshot ?? {}) as { watcher?: WatcherSnapshot; settings?: Record<string, string> };
    this.watcher.restore(s.watcher);
    for (const key of Object.keys(this.settings)) delete this.settings[key];
    Object.assign(this.settings, s.settings ?? {});
  }

  state(): unknown {
    return { executions: this.watcher.executionCount, mails: this.watcher.outbox().emails.length, nextDue: this.nextDueIso() };
  }

  /** `GET|PUT _watcher/settings` (8.x): the `.watches` index settings. */
  getSettings(): Record<string, unknown> {
    return { index: nest(this.settings) };
  }

  updateSettings(body: Record<string, unknown> | undefined): { acknowledged: true } {
    const flat = flatten(body ?? {});
    for (const key of Object.keys(flat)) {
      if (!UPDATABLE_SETTINGS.has(key)) throw new EsError(400, 'action_request_validation_exception', `Validation Failed: 1: illegal settings: [${key}], these settings may not be configured. Only the following settings may be configured: [index.auto_expand_replicas, index.number_of_replicas];`);
    }
    Object.assign(this.settings, Object.fromEntries(Object.entries(flat).map(([k, v]) => [k, String(v)])));
    return { acknowledged: true };
  }

  private nextDueIso(): string | null {
    const due = this.watcher.nextDue();
    return due === undefined ? null : new Date(due).toISOString();
  }
}

function flatten(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, key));
    else out[key] = v;
  }
  return out;
}

function nest(flat: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) out[k.replace(/^index\./, '')] = v;
  return out;
}

/** ES' `Warning` header value for a deprecation (`HeaderWarning.formatWarning`). */
function warningHeader(ctx: EsContext, text: string): string {
  const info = ctx.deployment.info;
  return `299 Elasticsearch-${info.version}-${info.buildHash} "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Runs a `PracticeWatcher` call and answers with its body, ES' status for it (404 for `found:
 * false`) and the deprecation warnings the call raised. Warnings of a failed call are dropped.
 */
function reply(ctx: EsContext, service: WatcherService, call: (w: PracticeWatcher) => Record<string, unknown>): EsReply {
  service.watcher.takeWarnings();
  let body: Record<string, unknown>;
  try {
    body = call(service.watcher);
  } catch (error) {
    service.watcher.takeWarnings();
    throw error;
  }
  const warnings = service.watcher.takeWarnings();
  // `RestPutWatchAction`: 201 when the watch was created, 200 when it replaced one.
  const status = body.created === true ? 201 : watcherHttpStatus(body);
  const out: EsReply = { status, body };
  if (warnings.length > 0) out.headers = { Warning: warnings.map((w) => warningHeader(ctx, w)) };
  return out;
}

function jsonBody(ctx: EsContext): Record<string, unknown> | undefined {
  return parseJsonObject(ctx.body);
}

/** Query parameters a `_watcher` call accepts besides the ones every REST call takes. */
function queryOf(ctx: EsContext, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = ctx.query.get(name);
    if (v !== null) out[name] = v;
  }
  return out;
}

function watchId(ctx: EsContext): string {
  return ctx.params.id ?? ctx.params.watch_id ?? '';
}

export const watcherFeature = defineFeature<WatcherService>({
  name: 'watcher',
  license: { feature: 'watcher', minimum: 'standard' },
  routes(r, flavor: Flavor) {
    const PUT_POST = ['PUT', 'POST'];
    r.add(PUT_POST, '/_watcher/watch/{id}', (ctx, s) => reply(ctx, s, (w) => w.putWatch(watchId(ctx), queryOf(ctx, ['active', 'if_seq_no', 'if_primary_term']), jsonBody(ctx))), { cluster: WATCHER_ACTIONS.put });
    r.add('GET', '/_watcher/watch/{id}', (ctx, s) => reply(ctx, s, (w) => w.getWatch(watchId(ctx))), { cluster: WATCHER_ACTIONS.get });
    r.add('DELETE', '/_watcher/watch/{id}', (ctx, s) => reply(ctx, s, (w) => w.deleteWatch(watchId(ctx))), { cluster: WATCHER_ACTIONS.delete });
    r.add(PUT_POST, '/_watcher/watch/{watch_id}/_activate', (ctx, s) => reply(ctx, s, (w) => w.activateWatch(watchId(ctx))), { cluster: WATCHER_ACTIONS.activate });
    r.add(PUT_POST, '/_watcher/watch/{watch_id}/_deactivate', (ctx, s) => reply(ctx, s, (w) => w.deactivateWatch(watchId(ctx))), { cluster: WATCHER_ACTIONS.activate });
    r.add(PUT_POST, '/_watcher/watch/{watch_id}/_ack', (ctx, s) => reply(ctx, s, (w) => w.ackWatch(watchId(ctx))), { cluster: WATCHER_ACTIONS.ack });
    r.add(PUT_POST, '/_watcher/watch/{watch_id}/_ack/{action_id}', (ctx, s) =>
      reply(ctx, s, (w) => w.ackWatch(watchId(ctx), (ctx.params.action_id ?? '').split(',').map((a) => a.trim()).filter(Boolean))), { cluster: WATCHER_ACTIONS.ack });
    r.add(PUT_POST, '/_watcher/watch/{id}/_execute', (ctx, s) => reply(ctx, s, (w) => w.executeWatch(watchId(ctx), queryOf(ctx, ['ignore_condition', 'record_execution', 'debug']), jsonBody(ctx))), { cluster: WATCHER_ACTIONS.execute });
    r.add(PUT_POST, '/_watcher/watch/_execute', (ctx, s) => reply(ctx, s, (w) => w.executeWatch(undefined, queryOf(ctx, ['ignore_condition', 'record_execution', 'debug']), jsonBody(ctx))), { cluster: WATCHER_ACTIONS.execute });
    r.add('GET', '/_watcher/stats', (ctx, s) => reply(ctx, s, (w) => w.stats(ctx.query.get('metric') ?? undefined)), { cluster: WATCHER_ACTIONS.stats });
    r.add('GET', '/_watcher/stats/{metric}', (ctx, s) => reply(ctx, s, (w) => w.stats(ctx.params.metric)), { cluster: WATCHER_ACTIONS.stats });
    r.add(['GET', 'POST'], '/_watcher/_query/watches', (ctx, s) => reply(ctx, s, (w) => w.queryWatches(jsonBody(ctx))), { cluster: WATCHER_ACTIONS.query });
    r.add('POST', '/_watcher/_start', (ctx, s) => reply(ctx, s, (w) => w.start()), { cluster: WATCHER_ACTIONS.service });
    r.add('POST', '/_watcher/_stop', (ctx, s) => reply(ctx, s, (w) => w.stop()), { cluster: WATCHER_ACTIONS.service });
    if (flavor !== '7') {
      // 8.x: the `.watches` index settings (it became a system index in 8.0).
      r.add('GET', '/_watcher/settings', (_ctx, s) => ({ body: s.getSettings() }), { cluster: WATCHER_ACTIONS.settingsGet });
      r.add('PUT', '/_watcher/settings', (ctx, s) => ({ body: s.updateSettings(jsonBody(ctx)) }), { cluster: WATCHER_ACTIONS.settingsUpdate });
    }
  },
  controlRoutes(r) {
    // DESIGN.md: `{"emails": [{"watch_id", "action_id", "to", "subject", "body", "sent_at"}]}`, newest first.
    r.add('GET', '/outbox', (_ctx, s) => ({ body: s.watcher.outbox() }));
  },
  create: (ctx) => new WatcherService(ctx),
});
