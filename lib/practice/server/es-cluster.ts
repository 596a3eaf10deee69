import { clusterHealth, licenseBody, NODE_INFO_METRICS, nodesInfo, nodesStats, rootInfo, xpackInfo } from '../cluster-info';
import { EsError, type Flavor, type IndexInfo } from '../engine/api';
import { simpleMatch } from '../engine/wildcard';
import { CLUSTER_ACTIONS, INDEX_ACTIONS } from '../security';
import { authorizeTarget, NO_AUTHORISED_INDEX, requireCluster } from './authz';
import type { EsContext, EsHandler, EsReply } from './context';
import { boolParam } from './params';
import type { Router } from './router';

/** Cluster-level endpoints: `/`, health, nodes, licence, `_xpack`, `_cat`. */

export function getRoot(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.main);
  return { body: rootInfo(ctx.deployment) };
}

function shardCount(ctx: EsContext, target?: string): number {
  return ctx.deployment.engine.catIndices(target).length;
}

export function getHealth(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.health);
  const target = ctx.params.index;
  if (target !== undefined && !target.includes('*') && !ctx.deployment.engine.indexExists(target)) {
    // ES waits for the index up to `timeout` and then answers 408 with red status.
    return { status: 408, body: { ...clusterHealth(ctx.deployment, 0), status: 'red', timed_out: true } };
  }
  return { body: clusterHealth(ctx.deployment, shardCount(ctx, target)) };
}

export function getClusterSettings(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.health);
  return { body: { persistent: {}, transient: {} } };
}

/** `_nodes/{a}`: a list of metrics if every part is a metric name, else node ids. */
function splitNodesParam(value: string | undefined): { metrics: string[] | null } {
  if (value === undefined) return { metrics: null };
  const parts = value.split(',');
  if (parts.every((p) => (NODE_INFO_METRICS as readonly string[]).includes(p) || p === '_all')) return { metrics: parts };
  return { metrics: null };
}

export function getNodes(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.nodesInfo);
  const first = splitNodesParam(ctx.params.a);
  const metrics = ctx.params.b !== undefined ? ctx.params.b.split(',') : first.metrics;
  return { body: nodesInfo(ctx.deployment, metrics) };
}

export function getNodesStats(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.nodesStats);
  const engine = ctx.deployment.engine;
  const indices = engine.catIndices();
  const docs = indices.reduce((n, i) => n + i.docsCount, 0);
  const store = indices.reduce((n, i) => n + i.storeBytes, 0);
  return { body: nodesStats(ctx.deployment, ctx.now, docs, store, Math.min(900_000_000, 180_000_000 + ctx.deployment.approximateBytes())) };
}

// ---------------------------------------------------------------------------------------------
// Licence

export function getLicense(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.licenseGet);
  return { body: licenseBody(ctx.deployment, ctx.now) };
}

export function getTrialStatus(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.licenseGet);
  return { body: { eligible_to_start_trial: !ctx.deployment.license.trialUsed } };
}

export function getBasicStatus(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.licenseGet);
  return { body: { eligible_to_start_basic: ctx.deployment.license.type !== 'basic' } };
}

export function startTrial(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.licensePut);
  const d = ctx.deployment;
  if (d.license.trialUsed) {
    return { status: 403, body: { acknowledged: true, trial_was_started: false, error_message: 'Operation failed: Trial was already activated.' } };
  }
  if (!boolParam(ctx.query, 'acknowledge')) {
    return {
      body: {
        acknowledged: false,
        trial_was_started: false,
        error_message: 'Operation failed: Needs acknowledgement.',
        acknowledge: { message: 'This API initiates a free 30-day trial for all platinum features. By starting this trial, you agree that it is subject to the terms and conditions at https://www.elastic.co/legal/trial_license/. To begin your free trial, call /start_trial again and specify the "acknowledge=true" parameter.' },
      },
    };
  }
  d.setLicense('trial', ctx.now);
  return { body: { acknowledged: true, trial_was_started: true, type: 'trial' } };
}

export function startBasic(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.licensePut);
  const d = ctx.deployment;
  if (d.license.type === 'basic') {
    return { status: 403, body: { acknowledged: true, basic_was_started: false, error_message: 'Operation failed: Current license is basic.' } };
  }
  if (!boolParam(ctx.query, 'acknowledge')) {
    return {
      body: {
        acknowledged: false,
        basic_was_started: false,
        error_message: 'This license update requires acknowledgement. To acknowledge the license, please read the following messages and call /start_basic again, this time with the "acknowledge=true" parameter:',
        acknowledge: {
          message: 'This license update requires acknowledgement. To acknowledge the license, please read the following messages and update the license again, this time with the "acknowledge=true" parameter:',
          ml: ['Machine learning will be disabled'],
          watcher: ['Watcher will be disabled'],
        },
      },
    };
  }
  const trialUsed = d.license.trialUsed;
  d.setLicense('basic', ctx.now);
  d.license.trialUsed = trialUsed;
  return { body: { acknowledged: true, basic_was_started: true } };
}

export function getXpack(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.xpackInfo);
  const categories = ctx.query.get('categories');
  return { body: xpackInfo(ctx.deployment, categories === null ? null : categories.split(','), ctx.now) };
}

// ---------------------------------------------------------------------------------------------
// _cat

const UNITS: readonly [string, number][] = [
  ['pb', 1024 ** 5],
  ['tb', 1024 ** 4],
  ['gb', 1024 ** 3],
  ['mb', 1024 ** 2],
  ['kb', 1024],
];

/** ES's ByteSizeValue rendering: `225b`, `4.5kb`, `12mb`. */
export function humanBytes(bytes: number): string {
  for (const [suffix, size] of UNITS) {
    if (bytes >= size) {
      const value = Math.round((bytes / size) * 10) / 10;
      return `${Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1)}${suffix}`;
    }
  }
  return `${bytes}b`;
}

function bytesIn(bytes: number, unit: string | null): string {
  if (unit === null) return humanBytes(bytes);
  const divisor = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4, pb: 1024 ** 5 }[unit];
  if (divisor === undefined) throw new EsError(400, 'illegal_argument_exception', `failed to parse [bytes] with value [${unit}]`);
  return String(Math.floor(bytes / divisor));
}

interface CatColumn {
  name: string;
  aliases: string[];
  numeric: boolean;
  value: (row: IndexInfo, bytes: string | null) => string;
}

function indexColumns(flavor: Flavor): CatColumn[] {
  const cols: CatColumn[] = [
    { name: 'health', aliases: ['h'], numeric: false, value: (r) => r.health },
    { name: 'status', aliases: ['s'], numeric: false, value: (r) => r.status },
    { name: 'index', aliases: ['i', 'idx'], numeric: false, value: (r) => r.name },
    { name: 'uuid', aliases: ['id', 'uuid'], numeric: false, value: (r) => r.uuid },
    { name: 'pri', aliases: ['p', 'shards.primary', 'shardsPrimary'], numeric: true, value: () => '1' },
    { name: 'rep', aliases: ['r', 'shards.replica', 'shardsReplica'], numeric: true, value: () => '1' },
    { name: 'docs.count', aliases: ['dc', 'docsCount'], numeric: true, value: (r) => String(r.docsCount) },
    { name: 'docs.deleted', aliases: ['dd', 'docsDeleted'], numeric: true, value: () => '0' },
    { name: 'store.size', aliases: ['ss', 'storeSize'], numeric: true, value: (r, b) => bytesIn(r.storeBytes * 2, b) },
    { name: 'pri.store.size', aliases: [], numeric: true, value: (r, b) => bytesIn(r.storeBytes, b) },
  ];
  if (flavor !== '7') cols.push({ name: 'dataset.size', aliases: [], numeric: true, value: (r, b) => bytesIn(r.storeBytes, b) });
  cols.push({ name: 'creation.date', aliases: ['cd'], numeric: true, value: (r) => String(r.creationDate) });
  cols.push({ name: 'creation.date.string', aliases: ['cds'], numeric: false, value: (r) => new Date(r.creationDate).toISOString() });
  return cols;
}

const DEFAULT_INDEX_COLUMNS = ['health', 'status', 'index', 'uuid', 'pri', 'rep', 'docs.count', 'docs.deleted', 'store.size', 'pri.store.size', 'dataset.size'];

function pickColumns(all: CatColumn[], h: string | null, defaults: string[]): CatColumn[] {
  const wanted = h === null ? defaults : h.split(',').map((s) => s.trim()).filter(Boolean);
  const out: CatColumn[] = [];
  for (const name of wanted) {
    if (name.includes('*')) {
      out.push(...all.filter((c) => simpleMatch(name, c.name)));
      continue;
    }
    const col = all.find((c) => c.name === name || c.aliases.includes(name));
    if (!col) {
      if (h === null) continue;
      throw new EsError(400, 'illegal_argument_exception', `header [${name}] not found`);
    }
    out.push(col);
  }
  return out;
}

function renderCat(ctx: EsContext, columns: CatColumn[], rows: IndexInfo[]): EsReply {
  const bytes = ctx.query.get('bytes');
  const table = rows.map((r) => columns.map((c) => c.value(r, bytes)));
  const sortSpec = ctx.query.get('s');
  if (sortSpec) {
    const keys = sortSpec.split(',').map((k) => {
      const [name = '', dir] = k.split(':');
      const index = columns.findIndex((c) => c.name === name || c.aliases.includes(name));
      if (index < 0) throw new EsError(400, 'unsupported_operation_exception', `Unable to sort by unknown sort key \`${name}\``);
      return { index, desc: dir === 'desc', numeric: columns[index]?.numeric ?? false, col: columns[index] };
    });
    const raw = rows.map((r) => columns.map((c) => c.value(r, 'b')));
    const order = table.map((_, i) => i);
    order.sort((a, b) => {
      for (const k of keys) {
        const va = raw[a]?.[k.index] ?? '';
        const vb = raw[b]?.[k.index] ?? '';
        const cmp = k.numeric ? Number(va) - Number(vb) : va < vb ? -1 : va > vb ? 1 : 0;
        if (cmp !== 0) return k.desc ? -cmp : cmp;
      }
      return 0;
    });
    table.splice(0, table.length, ...order.map((i) => table[i] as string[]));
  }
  const format = ctx.query.get('format');
  if (format === 'json') {
    return { body: table.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i]]))) };
  }
  if (format !== null && format !== 'text' && format !== 'txt') {
    throw new EsError(400, 'illegal_argument_exception', `Unsupported format [${format}]`);
  }
  const verbose = boolParam(ctx.query, 'v');
  const all = verbose ? [columns.map((c) => c.name), ...table] : table;
  const widths = columns.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const text = all
    .map((row, r) =>
      row
        .map((cell, i) => {
          const width = widths[i] ?? 0;
          const right = columns[i]?.numeric && !(verbose && r === 0);
          return right ? cell.padStart(width) : cell.padEnd(width);
        })
        .join(' ')
        .trimEnd(),
    )
    .join('\n');
  return { text: all.length > 0 ? `${text}\n` : '' };
}

export function catIndices(ctx: EsContext): EsReply {
  const engine = ctx.deployment.engine;
  let pattern = ctx.params.index;
  if (!ctx.permissions.unrestricted) {
    const target = authorizeTarget(ctx, pattern, INDEX_ACTIONS.monitor, 'all');
    if (target === NO_AUTHORISED_INDEX) return renderCat(ctx, pickColumns(indexColumns(ctx.deployment.flavor), ctx.query.get('h'), DEFAULT_INDEX_COLUMNS), []);
    pattern = target;
  }
  const rows = engine.catIndices(pattern);
  return renderCat(ctx, pickColumns(indexColumns(ctx.deployment.flavor), ctx.query.get('h'), DEFAULT_INDEX_COLUMNS), rows);
}

export function catHealth(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.health);
  const shards = shardCount(ctx);
  const d = new Date(ctx.now);
  const row: Record<string, string> = {
    epoch: String(Math.floor(ctx.now / 1000)),
    timestamp: `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')}`,
    cluster: ctx.deployment.clusterName,
    status: 'green',
    'node.total': '1',
    'node.data': '1',
    shards: String(shards),
    pri: String(shards),
    relo: '0',
    init: '0',
    unassign: '0',
    ...(ctx.deployment.flavor !== '7' ? { 'unassign.pri': '0' } : {}),
    pending_tasks: '0',
    max_task_wait_time: '-',
    active_shards_percent: '100.0%',
  };
  if (ctx.query.get('format') === 'json') return { body: [row] };
  const keys = Object.keys(row);
  const lines = boolParam(ctx.query, 'v') ? [keys.join(' '), keys.map((k) => row[k]).join(' ')] : [keys.map((k) => row[k]).join(' ')];
  return { text: `${lines.join('\n')}\n` };
}

export function clusterRoutes(r: Router<EsHandler>): void {
  r.add(['GET', 'HEAD'], '/', getRoot);
  r.add('GET', '/_cluster/health', getHealth);
  r.add('GET', '/_cluster/health/{index}', getHealth);
  r.add('GET', '/_cluster/settings', getClusterSettings);
  r.add('GET', '/_nodes', getNodes);
  r.add('GET', '/_nodes/stats', getNodesStats);
  r.add('GET', '/_nodes/stats/{metric}', getNodesStats);
  r.add('GET', '/_nodes/{a}', getNodes);
  r.add('GET', '/_nodes/{a}/stats', getNodesStats);
  r.add('GET', '/_nodes/{a}/{b}', getNodes);
  r.add('GET', '/_license', getLicense);
  r.add('GET', '/_license/trial_status', getTrialStatus);
  r.add('GET', '/_license/basic_status', getBasicStatus);
  r.add('POST', '/_license/start_trial', startTrial);
  r.add('POST', '/_license/start_basic', startBasic);
  r.add('GET', '/_xpack', getXpack);
  r.add('GET', '/_cat/indices', catIndices);
  r.add('GET', '/_cat/indices/{index}', catIndices);
  r.add('GET', '/_cat/health', catHealth);
}
