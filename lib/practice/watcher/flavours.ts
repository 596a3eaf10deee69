/**
 * What Watcher does differently per Elasticsearch generation (ES-WATCHER-REFERENCE §0.1, §4.2,
 * §10.1). A small table keyed by the deployment's flavour, so a new generation is one more row.
 */

export interface WatcherFlavour {
  /** Where history records go: 7.x daily hidden indices, 8.x+ a hidden data stream. */
  history: { kind: 'daily'; prefix: string } | { kind: 'data_stream'; name: string };
  /** The index template ES installs for the history (`.watch-history-<version>`). */
  historyTemplate: string;
  /** 8.x+ records carry `@timestamp` (= `trigger_event.triggered_time`). */
  recordTimestamp: boolean;
  /**
   * `types` in a search input request: 7.x accepts it (deprecated), 8.x tolerates an empty array
   * (deprecated) and refuses a non-empty one, 9.x refuses any.
   */
  types: 'accept' | 'empty-only' | 'refuse';
}

const FLAVOURS: Record<string, WatcherFlavour> = {
  '7': { history: { kind: 'daily', prefix: '.watcher-history-13-' }, historyTemplate: '.watch-history-13', recordTimestamp: false, types: 'accept' },
  '8': { history: { kind: 'data_stream', name: '.watcher-history-16' }, historyTemplate: '.watch-history-16', recordTimestamp: true, types: 'empty-only' },
  '9': { history: { kind: 'data_stream', name: '.watcher-history-17' }, historyTemplate: '.watch-history-17', recordTimestamp: true, types: 'refuse' },
};

export function watcherFlavour(flavor: string): WatcherFlavour {
  const f = FLAVOURS[flavor];
  if (!f) throw new Error(`no Watcher behaviour defined for flavour [${flavor}]`);
  return f;
}

/** The history index a record triggered at `triggeredMs` is written to (the name a write targets). */
export function historyWriteTarget(f: WatcherFlavour, triggeredMs: number): string {
  if (f.history.kind === 'data_stream') return f.history.name;
  const d = new Date(triggeredMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${f.history.prefix}${d.getUTCFullYear()}.${pad(d.getUTCMonth() + 1)}.${pad(d.getUTCDate())}`;
}
