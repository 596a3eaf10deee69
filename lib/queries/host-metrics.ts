/**
 * Host metrics panel (chapter 2): which hosts report to `metricbeat-*`, and one host's CPU, memory,
 * load and network series. Pure request builders and response parsers; the route runs them.
 *
 * `metricbeat-*` matches both layouts: 7.x dated/ILM indices (`metricbeat-7.17.0-2026.11.24`,
 * `metricbeat-7.6.2-2020.04.26-000001`) and 8.x data streams (`metricbeat-8.15.0`, whose backing
 * indices are hidden `.ds-…` ones the data stream name resolves to).
 */
import {
  aggregationsOf,
  asNumber,
  asString,
  bucketsOf,
  type Duration,
  durationMs,
  getField,
  hitsOf,
  metricValue,
  searchRequest,
  type SearchRequest,
} from './common';

export const METRICBEAT_INDEX = 'metricbeat-*';

/** A host that has sent nothing for this long shows as stale (Metricbeat's default period is 10 s). */
export const STALE_AFTER_MS = 60_000;

/** Every field the host requests read: the tests check each against real Metricbeat documents. */
export const HOST_METRIC_FIELDS = {
  host: 'host.name',
  timestamp: '@timestamp',
  module: 'event.module',
  dataset: 'event.dataset',
  cpuNorm: 'system.cpu.total.norm.pct',
  cpuUser: 'system.cpu.user.pct',
  cpuSystem: 'system.cpu.system.pct',
  cpuCores: 'system.cpu.cores',
  memory: 'system.memory.actual.used.pct',
  load1: 'system.load.1',
  load5: 'system.load.5',
  load15: 'system.load.15',
  loadCores: 'system.load.cores',
  netInterface: 'system.network.name',
  netIn: 'system.network.in.bytes',
  netOut: 'system.network.out.bytes',
} as const;

/** The metricsets the charts use: keeps the busy `process`/`filesystem` documents out of the query. */
export const HOST_METRIC_DATASETS = ['system.cpu', 'system.memory', 'system.load', 'system.network'] as const;

/** Read from the newest document of each host for the host list (added by `add_host_metadata`). */
const HOST_DETAIL_SOURCE = ['host.os.*', 'host.architecture', 'host.hostname'];

const F = HOST_METRIC_FIELDS;

// ---------------------------------------------------------------------------------------------
// Host list
// ---------------------------------------------------------------------------------------------

export interface HostListParams {
  /** Epoch ms; when given, the range is absolute (deterministic), otherwise ES date math. */
  now?: number;
  /** How far back a host still counts as known. Defaults to 15 minutes. */
  lookback?: Duration;
}

export interface HostOs {
  name?: string;
  family?: string;
  platform?: string;
  version?: string;
}

export interface HostSummary {
  name: string;
  /** Epoch ms of the host's newest document in the lookback. */
  lastSeen: number;
  /** ms between `lastSeen` and the `now` the list was parsed at (negative if the host clock runs ahead). */
  ageMs: number;
  stale: boolean;
  os: HostOs | null;
  architecture: string | null;
  cores: number | null;
}

export interface HostList {
  hosts: HostSummary[];
  /** The `now` staleness was judged against. */
  checkedAt: number;
}

export function buildHostListRequest(params: HostListParams = {}): SearchRequest {
  const lookback = params.lookback ?? '15m';
  const since = params.now === undefined ? `now-${lookback}` : params.now - durationMs(lookback);
  return searchRequest(METRICBEAT_INDEX, {
    size: 0,
    query: {
      bool: {
        filter: [
          { term: { [F.module]: 'system' } },
          // No upper bound: a host whose clock runs ahead must still be listed, not vanish.
          { range: { [F.timestamp]: { gte: since } } },
        ],
      },
    },
    aggs: {
      hosts: {
        terms: { field: F.host, size: 100 },
        aggs: {
          last_seen: { max: { field: F.timestamp } },
          cpu_cores: { max: { field: F.cpuCores } },
          load_cores: { max: { field: F.loadCores } },
          latest: {
            top_hits: { size: 1, sort: [{ [F.timestamp]: { order: 'desc' } }], _source: HOST_DETAIL_SOURCE },
          },
        },
      },
    },
  });
}

export function parseHostList(response: unknown, now: number): HostList {
  const hosts: HostSummary[] = [];
  for (const bucket of bucketsOf(aggregationsOf(response).hosts)) {
    const name = asString(bucket.key);
    const lastSeen = metricValue(bucket.last_seen);
    if (name === undefined || lastSeen === null) continue;
    const latest = hitsOf(bucket.latest)[0]?._source;
    const ageMs = now - lastSeen;
    hosts.push({
      name,
      lastSeen,
      ageMs,
      stale: ageMs > STALE_AFTER_MS,
      os: readOs(latest),
      architecture: asString(getField(latest, 'host.architecture')) ?? null,
      cores: metricValue(bucket.cpu_cores) ?? metricValue(bucket.load_cores),
    });
  }
  hosts.sort((a, b) => a.name.localeCompare(b.name));
  return { hosts, checkedAt: now };
}

function readOs(source: unknown): HostOs | null {
  const os: HostOs = {};
  for (const key of ['name', 'family', 'platform', 'version'] as const) {
    const value = asString(getField(source, `host.os.${key}`));
    if (value !== undefined) os[key] = value;
  }
  return Object.keys(os).length > 0 ? os : null;
}

/** The host a panel shows when none is chosen: the freshest one still reporting, else the last seen. */
export function defaultHost(hosts: readonly HostSummary[]): string | null {
  const newest = [...hosts].sort((a, b) => Number(a.stale) - Number(b.stale) || b.lastSeen - a.lastSeen)[0];
  return newest?.name ?? null;
}

/** The host list looks back at least as far as the chart, so a host silent for a while stays pickable. */
export function hostListLookback(range: HostMetricsRange): '15m' | '1h' | '24h' {
  return range === '24h' ? '24h' : range === '1h' ? '1h' : '15m';
}

// ---------------------------------------------------------------------------------------------
// One host's series
// ---------------------------------------------------------------------------------------------

/** The ranges the panel offers (its range buttons, and what the route accepts). */
export const HOST_METRICS_RANGES = ['5m', '15m', '1h', '24h'] as const;
export type HostMetricsRange = (typeof HOST_METRICS_RANGES)[number];

export const DEFAULT_HOST_METRICS_RANGE: HostMetricsRange = '15m';

/**
 * Bucket size per range: about 30–60 points per chart. 10 s matches Metricbeat's default period,
 * so a 5-minute chart moves with every sample; a bucket that misses its sample is `null`, a gap.
 */
export const HOST_METRICS_INTERVALS: Record<HostMetricsRange, Duration> = {
  '5m': '10s',
  '15m': '30s',
  '1h': '1m',
  '24h': '30m',
};

export interface HostMetricsParams {
  host: string;
  range?: HostMetricsRange;
  /** Epoch ms. Build and parse must get the same value: the route fixes it once per refresh. */
  now?: number;
}

/** The time window a request covers, derived from the params alone so build and parse agree. */
export interface HostMetricsWindow {
  host: string;
  range: HostMetricsRange;
  interval: Duration;
  intervalMs: number;
  /** First bucket shown (aligned to the interval, as date_histogram buckets are). */
  from: number;
  to: number;
  /**
   * One bucket before `from`: a network rate needs the previous counter value, so the query reads
   * one extra bucket and the parser drops it; the first visible point then has a rate too.
   */
  queryFrom: number;
}

export function hostMetricsWindow(params: HostMetricsParams): HostMetricsWindow {
  const range = params.range ?? DEFAULT_HOST_METRICS_RANGE;
  const interval = HOST_METRICS_INTERVALS[range];
  const intervalMs = durationMs(interval);
  const to = params.now ?? Date.now();
  const from = Math.floor((to - durationMs(range)) / intervalMs) * intervalMs;
  return { host: params.host, range, interval, intervalMs, from, to, queryFrom: from - intervalMs };
}

/**
 * One search per refresh for all four charts. Plain metric aggregations only (no pipeline
 * aggregations): an avg over a field ignores the documents of other metricsets, and the network
 * derivative is done in `parseHostMetrics`, so the request runs unchanged on 7.x, 8.x and the
 * practice cluster. `fixed_interval` needs 7.2+ (the handout's 7.6.2 is fine); 8.x removed
 * `interval`.
 */
export function buildHostMetricsRequest(params: HostMetricsParams): SearchRequest {
  const w = hostMetricsWindow(params);
  return searchRequest(METRICBEAT_INDEX, {
    size: 0,
    query: {
      bool: {
        filter: [
          { term: { [F.host]: w.host } },
          { terms: { [F.dataset]: [...HOST_METRIC_DATASETS] } },
          { range: { [F.timestamp]: { gte: w.queryFrom, lte: w.to } } },
        ],
      },
    },
    aggs: {
      timeline: {
        date_histogram: {
          field: F.timestamp,
          fixed_interval: w.interval,
          min_doc_count: 0,
          extended_bounds: { min: w.queryFrom, max: w.to },
        },
        aggs: {
          cpu_norm: { avg: { field: F.cpuNorm } },
          cpu_user: { avg: { field: F.cpuUser } },
          cpu_system: { avg: { field: F.cpuSystem } },
          cpu_cores: { max: { field: F.cpuCores } },
          memory: { avg: { field: F.memory } },
          load_1: { avg: { field: F.load1 } },
          load_5: { avg: { field: F.load5 } },
          load_15: { avg: { field: F.load15 } },
          // Counters are cumulative per interface, so the rate is taken per interface (max of the
          // counter per bucket, then its derivative) before interfaces are summed, as Kibana does.
          interfaces: {
            terms: { field: F.netInterface, size: 32 },
            aggs: {
              in_bytes: { max: { field: F.netIn } },
              out_bytes: { max: { field: F.netOut } },
              sampled_at: { max: { field: F.timestamp } },
            },
          },
        },
      },
    },
  });
}

/** `[epoch ms of the bucket start, value]`; `null` when the bucket has no value (a gap, not zero). */
export type SeriesPoint = [t: number, v: number | null];

export type HostMetricName = 'cpu' | 'memory' | 'load1' | 'load5' | 'load15' | 'netIn' | 'netOut';

export interface HostMetrics {
  host: string;
  range: HostMetricsRange;
  intervalMs: number;
  from: number;
  to: number;
  /** 0…1, all cores together (`system.cpu.total.norm.pct`). */
  cpu: SeriesPoint[];
  /** 0…1 (`system.memory.actual.used.pct`: used minus cache and buffers). */
  memory: SeriesPoint[];
  load1: SeriesPoint[];
  load5: SeriesPoint[];
  load15: SeriesPoint[];
  /** Bytes per second received, all interfaces. */
  netIn: SeriesPoint[];
  /** Bytes per second sent, all interfaces. */
  netOut: SeriesPoint[];
  /** The newest non-null value of each series (the figure beside each chart). */
  last: Record<HostMetricName, number | null>;
  /** Whether any bucket had a document; false means "no Metricbeat data for this host yet". */
  hasData: boolean;
}

export interface CounterSample {
  inBytes: number | null;
  outBytes: number | null;
  /** Newest document time in the bucket; the rate divides by the time between real samples. */
  at: number;
}

export function parseHostMetrics(response: unknown, params: HostMetricsParams & { now: number }): HostMetrics {
  const w = hostMetricsWindow(params);
  const buckets = bucketsOf(aggregationsOf(response).timeline)
    .map((b) => ({ key: asNumber(b.key), bucket: b }))
    .filter((b): b is { key: number; bucket: Record<string, unknown> } => b.key !== undefined)
    .sort((a, b) => a.key - b.key);

  const series: Record<HostMetricName, SeriesPoint[]> = {
    cpu: [],
    memory: [],
    load1: [],
    load5: [],
    load15: [],
    netIn: [],
    netOut: [],
  };

  const keys = buckets.map((b) => b.key);
  const counters = new Map<string, (CounterSample | null)[]>();
  buckets.forEach(({ key, bucket }, i) => {
    for (const iface of bucketsOf(bucket.interfaces)) {
      const name = asString(iface.key);
      if (name === undefined) continue;
      let samples = counters.get(name);
      if (!samples) {
        samples = new Array<CounterSample | null>(buckets.length).fill(null);
        counters.set(name, samples);
      }
      samples[i] = {
        inBytes: metricValue(iface.in_bytes),
        outBytes: metricValue(iface.out_bytes),
        at: metricValue(iface.sampled_at) ?? key,
      };
    }
  });
  const netIn = sumAcrossInterfaces([...counters.values()].map((s) => counterRates(s, 'inBytes')), keys.length);
  const netOut = sumAcrossInterfaces([...counters.values()].map((s) => counterRates(s, 'outBytes')), keys.length);

  let hasData = false;
  buckets.forEach(({ key, bucket }, i) => {
    if ((asNumber(bucket.doc_count) ?? 0) > 0) hasData = true;
    // The warm-up bucket only feeds the first rate.
    if (key < w.from) return;
    series.cpu.push([key, cpuValue(bucket)]);
    series.memory.push([key, metricValue(bucket.memory)]);
    series.load1.push([key, metricValue(bucket.load_1)]);
    series.load5.push([key, metricValue(bucket.load_5)]);
    series.load15.push([key, metricValue(bucket.load_15)]);
    series.netIn.push([key, netIn[i] ?? null]);
    series.netOut.push([key, netOut[i] ?? null]);
  });

  const last = Object.fromEntries(
    (Object.keys(series) as HostMetricName[]).map((name) => [name, lastValue(series[name])]),
  ) as Record<HostMetricName, number | null>;

  return { host: w.host, range: w.range, intervalMs: w.intervalMs, from: w.from, to: w.to, ...series, last, hasData };
}

/**
 * `system.cpu.total.norm.pct` when Metricbeat sends it; older releases default `cpu.metrics` to
 * `[percentages]` only, so fall back to Kibana's inventory formula (user + system) / cores.
 */
function cpuValue(bucket: Record<string, unknown>): number | null {
  const norm = metricValue(bucket.cpu_norm);
  if (norm !== null) return norm;
  const user = metricValue(bucket.cpu_user);
  const system = metricValue(bucket.cpu_system);
  const cores = metricValue(bucket.cpu_cores);
  if (user === null || system === null || cores === null || cores <= 0) return null;
  return (user + system) / cores;
}

/**
 * Per-second rate of one interface's counter, bucket by bucket: the difference to the previous
 * bucket that had a sample, divided by the time between the two samples. A negative difference is
 * a counter reset (reboot, interface re-created, 32-bit wrap) and yields no value; the next bucket
 * measures from the reset value again.
 */
export function counterRates(samples: (CounterSample | null)[], counter: 'inBytes' | 'outBytes'): (number | null)[] {
  const rates: (number | null)[] = [];
  let previous: { value: number; at: number } | null = null;
  for (const sample of samples) {
    const value = sample?.[counter] ?? null;
    if (sample === null || value === null) {
      rates.push(null);
      continue;
    }
    const seconds = previous ? (sample.at - previous.at) / 1000 : 0;
    const delta = previous ? value - previous.value : -1;
    rates.push(previous && seconds > 0 && delta >= 0 ? delta / seconds : null);
    previous = { value, at: sample.at };
  }
  return rates;
}

/** Sum of the interfaces that have a rate in the bucket; `null` only when none has. */
export function sumAcrossInterfaces(perInterface: (number | null)[][], length: number): (number | null)[] {
  const sums: (number | null)[] = [];
  for (let i = 0; i < length; i++) {
    let sum: number | null = null;
    for (const rates of perInterface) {
      const rate = rates[i];
      if (rate !== null && rate !== undefined) sum = (sum ?? 0) + rate;
    }
    sums.push(sum);
  }
  return sums;
}

function lastValue(points: SeriesPoint[]): number | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i]?.[1];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Kibana links
// ---------------------------------------------------------------------------------------------

export interface KibanaMetricsLinks {
  inventory: string;
  host: string | null;
}

/**
 * Kibana's Metrics app (7.x "Metrics", 8.x "Observability > Infrastructure"): the inventory, and a
 * host's detail page through the app's stable `link-to` route. Before 7.10 the app lived under
 * `/app/infra#/`.
 */
export function kibanaMetricsLinks(kibanaUrl: string | null, version: { major: number; minor: number | null } | null, host: string | null): KibanaMetricsLinks | null {
  if (!kibanaUrl) return null;
  const base = kibanaUrl.replace(/\/+$/, '');
  const legacy = version !== null && version.major === 7 && (version.minor ?? 0) < 10;
  const app = legacy ? `${base}/app/infra#` : `${base}/app/metrics`;
  return {
    inventory: `${app}${legacy ? '/infrastructure/inventory' : '/inventory'}`,
    host: host === null ? null : `${app}/link-to/host-detail/${encodeURIComponent(host)}`,
  };
}
