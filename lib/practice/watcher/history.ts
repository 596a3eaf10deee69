import type { Engine, Mappings } from '../engine/api';
import { historyWriteTarget, type WatcherFlavour } from './flavours';

/**
 * Where Watcher keeps its state, as ordinary hidden indices of the deployment's engine so they are
 * searchable like any index and go with the deployment: `.watches` (one document per watch, the
 * normalised watch plus its status) and the history (`.watcher-history-*`, ES-WATCHER-REFERENCE
 * §10), with the mapping facts of ES' `watch-history.json` template (dynamic false; payloads,
 * inputs and conditions kept in `_source` only; the ids, states and times the panels query mapped).
 */

const keyword = { type: 'keyword' };
const date = { type: 'date' };
const disabled = { type: 'object', enabled: false };

export const HISTORY_MAPPINGS: Mappings = {
  dynamic: false,
  properties: {
    '@timestamp': date,
    watch_id: keyword,
    node: keyword,
    state: keyword,
    user: keyword,
    status: disabled,
    trigger_event: {
      type: 'object',
      dynamic: true,
      properties: {
        type: keyword,
        triggered_time: date,
        manual: { type: 'object', properties: { schedule: { type: 'object', properties: { scheduled_time: date } } } },
        schedule: { type: 'object', properties: { scheduled_time: date } },
      },
    },
    vars: disabled,
    input: disabled,
    condition: disabled,
    metadata: { type: 'object', dynamic: true },
    result: {
      type: 'object',
      properties: {
        execution_time: date,
        execution_duration: { type: 'long' },
        input: { type: 'object', properties: { type: keyword, status: keyword, payload: disabled, search: disabled, error: disabled, chain: disabled } },
        condition: { type: 'object', properties: { type: keyword, status: keyword, met: { type: 'boolean' }, compare: disabled, array_compare: disabled } },
        transform: { type: 'object', properties: { type: keyword, status: keyword, payload: disabled, search: disabled, error: disabled, reason: { type: 'text' }, chain: disabled } },
        actions: {
          type: 'object',
          properties: {
            id: keyword,
            type: keyword,
            status: keyword,
            reason: keyword,
            email: disabled,
            logging: { type: 'object', properties: { logged_text: { type: 'text' } } },
            index: disabled,
            webhook: disabled,
            error: disabled,
            condition: disabled,
            transform: disabled,
          },
        },
      },
    },
    exception: disabled,
    messages: { type: 'text' },
  },
};

export const WATCHES_INDEX = '.watches';

export const WATCHES_MAPPINGS: Mappings = {
  dynamic: false,
  properties: {
    status: { type: 'object', enabled: false },
    trigger: disabled,
    input: disabled,
    condition: disabled,
    transform: disabled,
    throttle_period_in_millis: { type: 'long' },
    actions: disabled,
    metadata: { type: 'object', dynamic: true },
  },
};

export function ensureWatchesIndex(engine: Engine): void {
  if (!engine.indexExists(WATCHES_INDEX)) engine.createIndex(WATCHES_INDEX, { settings: { 'index.hidden': true }, mappings: WATCHES_MAPPINGS });
}

/** Writes a watch record as a history document; returns the index it went to. */
export function writeHistory(engine: Engine, flavour: WatcherFlavour, id: string, record: Record<string, unknown>, triggeredMs: number): string {
  const target = historyWriteTarget(flavour, triggeredMs);
  const templates = engine.getIndexTemplate().index_templates;
  if (!templates.some((t) => t.name === flavour.historyTemplate)) {
    const pattern = flavour.history.kind === 'data_stream' ? `${flavour.history.name}*` : `${flavour.history.prefix}*`;
    const body: Record<string, unknown> = {
      index_patterns: [pattern],
      priority: 2147483647,
      template: { settings: { 'index.hidden': true, number_of_shards: 1, auto_expand_replicas: '0-1' }, mappings: HISTORY_MAPPINGS },
      _meta: { description: 'index template for watcher history indices', managed: true },
    };
    if (flavour.history.kind === 'data_stream') body.data_stream = { hidden: true };
    engine.putIndexTemplate(flavour.historyTemplate, body);
  }
  if (flavour.history.kind === 'daily' && !engine.indexExists(target)) engine.createIndex(target, { settings: { 'index.hidden': true } });
  const r = engine.index(target, record, { id, opType: 'create', refresh: true });
  return r._index;
}
