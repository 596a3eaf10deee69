import type { Flavor } from './api';
import type { IndexState } from './index-state';

/**
 * What `GET [<target>]/_stats[/<metric>]` reports per index, counted as the engine works:
 * indexing, deletes and no-op updates, realtime gets (found or missing), searches (query, fetch,
 * scroll, open contexts) and refreshes. Kept beside the index (a WeakMap, so a deleted index's
 * counters go with it). Times are the practice cluster's own, in whole milliseconds.
 */

interface Counters {
  indexTotal: number;
  indexMs: number;
  indexFailed: number;
  deleteTotal: number;
  deleteMs: number;
  noopUpdates: number;
  getTotal: number;
  getMs: number;
  existsTotal: number;
  missingTotal: number;
  queryTotal: number;
  queryMs: number;
  fetchTotal: number;
  scrollTotal: number;
  scrollMs: number;
  openContexts: number;
  refreshTotal: number;
  refreshExternal: number;
}

const counters = new WeakMap<IndexState, Counters>();

function of(ix: IndexState): Counters {
  let c = counters.get(ix);
  if (!c) {
    c = { indexTotal: 0, indexMs: 0, indexFailed: 0, deleteTotal: 0, deleteMs: 0, noopUpdates: 0, getTotal: 0, getMs: 0, existsTotal: 0, missingTotal: 0, queryTotal: 0, queryMs: 0, fetchTotal: 0, scrollTotal: 0, scrollMs: 0, openContexts: 0, refreshTotal: 0, refreshExternal: 0 };
    counters.set(ix, c);
  }
  return c;
}

export const stats = {
  indexed(ix: IndexState, ms: number): void {
    const c = of(ix);
    c.indexTotal += 1;
    c.indexMs += ms;
  },
  indexFailed(ix: IndexState): void {
    of(ix).indexFailed += 1;
  },
  deleted(ix: IndexState, ms: number): void {
    const c = of(ix);
    c.deleteTotal += 1;
    c.deleteMs += ms;
  },
  noopUpdate(ix: IndexState): void {
    of(ix).noopUpdates += 1;
  },
  got(ix: IndexState, found: boolean, ms: number): void {
    const c = of(ix);
    c.getTotal += 1;
    c.getMs += ms;
    if (found) c.existsTotal += 1;
    else c.missingTotal += 1;
  },
  searched(indices: readonly IndexState[], ms: number, fetched: boolean): void {
    for (const ix of indices) {
      const c = of(ix);
      c.queryTotal += 1;
      c.queryMs += ms;
      if (fetched) c.fetchTotal += 1;
    }
  },
  scrolled(indices: readonly IndexState[], ms: number): void {
    for (const ix of indices) {
      const c = of(ix);
      c.scrollTotal += 1;
      c.scrollMs += ms;
    }
  },
  contextOpened(indices: readonly IndexState[], delta: 1 | -1): void {
    for (const ix of indices) of(ix).openContexts += delta;
  },
  refreshed(ix: IndexState, external: boolean): void {
    const c = of(ix);
    c.refreshTotal += 1;
    if (external) c.refreshExternal += 1;
  },
};

export const STATS_METRICS = ['docs', 'shard_stats', 'store', 'indexing', 'get', 'search', 'merge', 'refresh', 'flush', 'warmer', 'query_cache', 'fielddata', 'completion', 'segments', 'translog', 'request_cache', 'recovery', 'bulk'] as const;

type Section = Record<string, unknown>;

/** One shard copy's stats of `ix` for the chosen metrics (the primary's; replicas mirror the data). */
function shardStats(ix: IndexState, metrics: ReadonlySet<string>, flavor: Flavor, copies: number): { primaries: Section; total: Section } {
  const c = of(ix);
  const docs = ix.docsCount();
  const bytes = Math.round(ix.store.sourceBytes * 0.6) + 225;
  const primaries: Section = {};
  const total: Section = {};
  const put = (name: string, primary: Section, all: Section = primary) => {
    if (!metrics.has(name)) return;
    primaries[name === 'merge' ? 'merges' : name] = primary;
    total[name === 'merge' ? 'merges' : name] = all;
  };
  const times = (s: Section, n: number): Section => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' && !k.startsWith('is_') ? v * n : v]));
  put('docs', { count: docs, deleted: 0 }, { count: docs * copies, deleted: 0 });
  if (flavor !== '7') put('shard_stats', { total_count: 1 }, { total_count: copies });
  put('store', { size_in_bytes: bytes, total_data_set_size_in_bytes: bytes, reserved_in_bytes: 0 }, { size_in_bytes: bytes * copies, total_data_set_size_in_bytes: bytes * copies, reserved_in_bytes: 0 });
  const indexing: Section = {
    index_total: c.indexTotal,
    index_time_in_millis: Math.round(c.indexMs),
    index_current: 0,
    index_failed: c.indexFailed,
    delete_total: c.deleteTotal,
    delete_time_in_millis: Math.round(c.deleteMs),
    delete_current: 0,
    noop_update_total: c.noopUpdates,
    is_throttled: false,
    throttle_time_in_millis: 0,
  };
  put('indexing', indexing, { ...times(indexing, copies), noop_update_total: c.noopUpdates });
  put('get', { total: c.getTotal, time_in_millis: Math.round(c.getMs), exists_total: c.existsTotal, exists_time_in_millis: 0, missing_total: c.missingTotal, missing_time_in_millis: 0, current: 0 });
  put('search', {
    open_contexts: c.openContexts,
    query_total: c.queryTotal,
    query_time_in_millis: Math.round(c.queryMs),
    query_current: 0,
    fetch_total: c.fetchTotal,
    fetch_time_in_millis: 0,
    fetch_current: 0,
    scroll_total: c.scrollTotal,
    scroll_time_in_millis: Math.round(c.scrollMs),
    scroll_current: c.openContexts,
    suggest_total: 0,
    suggest_time_in_millis: 0,
    suggest_current: 0,
  });
  const zero = (keys: string[]): Section => Object.fromEntries(keys.map((k) => [k, 0]));
  put('merge', { current: 0, current_docs: 0, current_size_in_bytes: 0, total: 0, total_time_in_millis: 0, total_docs: 0, total_size_in_bytes: 0, total_stopped_time_in_millis: 0, total_throttled_time_in_millis: 0, total_auto_throttle_in_bytes: 20971520 });
  const refresh: Section = { total: c.refreshTotal, total_time_in_millis: 0, external_total: c.refreshExternal, external_total_time_in_millis: 0, listeners: 0 };
  put('refresh', refresh, { ...times(refresh, copies), listeners: 0 });
  put('flush', zero(['total', 'periodic', 'total_time_in_millis']));
  put('warmer', zero(['current', 'total', 'total_time_in_millis']));
  put('query_cache', zero(['memory_size_in_bytes', 'total_count', 'hit_count', 'miss_count', 'cache_size', 'cache_count', 'evictions']));
  put('fielddata', zero(['memory_size_in_bytes', 'evictions']));
  put('completion', zero(['size_in_bytes']));
  put('segments', { count: docs > 0 ? 1 : 0, memory_in_bytes: 0, terms_memory_in_bytes: 0, stored_fields_memory_in_bytes: 0, term_vectors_memory_in_bytes: 0, norms_memory_in_bytes: 0, points_memory_in_bytes: 0, doc_values_memory_in_bytes: 0, index_writer_memory_in_bytes: 0, version_map_memory_in_bytes: 0, fixed_bit_set_memory_in_bytes: 0, max_unsafe_auto_id_timestamp: -1, file_sizes: {} });
  put('translog', { operations: 0, size_in_bytes: 55, uncommitted_operations: 0, uncommitted_size_in_bytes: 55, earliest_last_modified_age: 0 });
  put('request_cache', zero(['memory_size_in_bytes', 'evictions', 'hit_count', 'miss_count']));
  put('recovery', zero(['current_as_source', 'current_as_target', 'throttle_time_in_millis']));
  if (flavor !== '7') put('bulk', zero(['total_operations', 'total_time_in_millis', 'total_size_in_bytes', 'avg_time_in_millis', 'avg_size_in_bytes']));
  return { primaries, total };
}

function sum(into: Section, add: Section): void {
  for (const [k, v] of Object.entries(add)) {
    if (typeof v === 'number') into[k] = ((into[k] as number | undefined) ?? 0) + v;
    else if (typeof v === 'boolean') into[k] = (into[k] as boolean | undefined) === true || v;
    else if (v !== null && typeof v === 'object') {
      into[k] ??= {};
      sum(into[k] as Section, v as Section);
    }
  }
}

/** The `_stats` answer for `indices` (`level`: cluster, indices). */
export function indicesStats(indices: readonly IndexState[], metrics: readonly string[], level: 'cluster' | 'indices', flavor: Flavor): Record<string, unknown> {
  const chosen = new Set<string>(metrics.length === 0 || metrics.includes('_all') ? STATS_METRICS.filter((m) => flavor !== '7' || (m !== 'bulk' && m !== 'shard_stats')) : metrics);
  const all = { primaries: {} as Section, total: {} as Section };
  const byIndex: Record<string, unknown> = {};
  let shards = 0;
  for (const ix of indices) {
    const copies = 1 + ix.replicas;
    shards += copies;
    const s = shardStats(ix, chosen, flavor, copies);
    sum(all.primaries, s.primaries);
    sum(all.total, s.total);
    byIndex[ix.name] = flavor === '7' ? { uuid: ix.uuid, primaries: s.primaries, total: s.total } : { uuid: ix.uuid, health: 'green', status: 'open', primaries: s.primaries, total: s.total };
  }
  const out: Record<string, unknown> = { _shards: { total: shards, successful: shards, failed: 0 }, _all: all };
  if (level === 'indices') out.indices = byIndex;
  return out;
}
