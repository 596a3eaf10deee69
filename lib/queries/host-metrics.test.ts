import { describe, expect, it } from 'vitest';
import { getField, msearchLines } from './common';
import {
  buildHostListRequest,
  buildHostMetricsRequest,
  counterRates,
  HOST_METRIC_FIELDS,
  hostMetricsWindow,
  METRICBEAT_INDEX,
  parseHostList,
  parseHostMetrics,
  STALE_AFTER_MS,
  sumAcrossInterfaces,
} from './host-metrics';
import { referencedFields } from './testing/fixtures';
import { hostTimeline, METRICBEAT_FLAVOURS as FLAVOURS, NOW, sample, SAMPLES, SECOND } from './testing/lab-data';
import { type LabDoc, searchLab } from './testing/lab-engine';

describe('host metrics requests read fields real Metricbeat documents have', () => {
  const docs = Object.values(SAMPLES);
  const inSamples = (field: string) => docs.some((d) => getField(d, field) !== undefined);

  it('every field in HOST_METRIC_FIELDS is in a sample, except host.name which Beats samples omit', () => {
    const missing = Object.values(HOST_METRIC_FIELDS).filter((f) => !inSamples(f));
    expect(missing).toEqual(['host.name']);
  });

  it('the built requests reference exactly the declared fields', () => {
    const fields = new Set([
      ...referencedFields(buildHostListRequest({ now: NOW }).body),
      ...referencedFields(buildHostMetricsRequest({ host: 'h', range: '15m', now: NOW }).body),
    ]);
    expect([...fields].sort()).toEqual([...new Set(Object.values(HOST_METRIC_FIELDS))].sort());
    for (const field of fields) {
      if (field !== 'host.name') expect(inSamples(field), field).toBe(true);
    }
  });

  it('targets metricbeat-* and tolerates a cluster without Metricbeat indices', () => {
    for (const request of [buildHostListRequest(), buildHostMetricsRequest({ host: 'h', now: NOW })]) {
      expect(request.index).toBe(METRICBEAT_INDEX);
      expect(request.ignore_unavailable).toBe(true);
      expect(request.allow_no_indices).toBe(true);
    }
  });
});

describe('one round trip per refresh', () => {
  it('packs the host list and the series into one _msearch whose answers the parsers read', () => {
    const params = { host: 'lab-host-7', range: '15m' as const, now: NOW };
    const requests = [buildHostListRequest({ now: NOW }), buildHostMetricsRequest(params)];
    const lines = msearchLines(requests);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({ index: 'metricbeat-*', ignore_unavailable: true, allow_no_indices: true });
    const docs = hostTimeline('metricbeat-7.17.0-2026.11.24', 'lab-host-7');
    const responses = requests.map((r) => searchLab(docs, r, NOW));
    expect(parseHostList(responses[0], NOW).hosts.map((h) => h.name)).toEqual(['lab-host-7']);
    expect(parseHostMetrics(responses[1], params).last.memory).toBeCloseTo(0.3108, 6);
  });
});

describe('buildHostMetricsRequest', () => {
  it('is one search with a fixed-interval histogram and no pipeline aggregations', () => {
    const { body } = buildHostMetricsRequest({ host: 'lab', range: '5m', now: NOW });
    const json = JSON.stringify(body);
    expect(json).toContain('"fixed_interval":"10s"');
    expect(json).not.toMatch(/"interval"|_bucket|bucket_script|derivative/);
    expect(body.query).toMatchObject({ bool: { filter: expect.arrayContaining([{ term: { 'host.name': 'lab' } }]) } });
  });

  it.each([
    ['5m', 10_000],
    ['15m', 30_000],
    ['1h', 60_000],
    ['24h', 1_800_000],
  ] as const)('range %s uses %i ms buckets and reads one warm-up bucket before the window', (range, intervalMs) => {
    const w = hostMetricsWindow({ host: 'h', range, now: NOW });
    expect(w.intervalMs).toBe(intervalMs);
    expect(w.from % intervalMs).toBe(0);
    const rangeMs = { '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '24h': 86_400_000 }[range];
    expect(w.to - w.from).toBeGreaterThanOrEqual(rangeMs);
    expect(w.to - w.from).toBeLessThan(rangeMs + intervalMs);
    expect(w.queryFrom).toBe(w.from - intervalMs);
  });
});

describe.each(FLAVOURS)('host metrics against real samples in a $flavour', ({ index, host }) => {
  const docs = hostTimeline(index, host);
  const params = { host, range: '15m' as const, now: NOW };
  const metrics = parseHostMetrics(searchLab(docs, buildHostMetricsRequest(params), NOW), params);
  const at = (hh: number, mm: number, ss: number) => Date.UTC(2026, 10, 24, hh, mm, ss);
  const point = (series: [number, number | null][], t: number) => series.find(([k]) => k === t)?.[1];

  it('covers the range in 30 s buckets, warm-up bucket dropped', () => {
    expect(metrics.host).toBe(host);
    expect(metrics.intervalMs).toBe(30_000);
    expect(metrics.cpu[0]![0]).toBe(at(11, 45, 0));
    expect(metrics.cpu.at(-1)![0]).toBe(at(12, 0, 0));
    expect(metrics.cpu).toHaveLength(31);
    expect(metrics.hasData).toBe(true);
  });

  it('reads cpu, memory and load as the samples carry them', () => {
    expect(point(metrics.cpu, at(11, 45, 0))).toBeCloseTo(0.0457, 6);
    expect(point(metrics.memory, at(11, 45, 0))).toBeCloseTo(0.3108, 6);
    expect(point(metrics.load1, at(11, 45, 0))).toBeCloseTo(2.33, 6);
    expect(point(metrics.load5, at(11, 45, 0))).toBeCloseTo(1.93, 6);
    expect(point(metrics.load15, at(11, 45, 0))).toBeCloseTo(2.03, 6);
  });

  it('leaves a bucket without cpu documents null, not 0', () => {
    expect(point(metrics.cpu, at(11, 55, 0))).toBeNull();
    expect(point(metrics.memory, at(11, 55, 0))).toBeCloseTo(0.3108, 6);
  });

  it('turns per-interface counters into bytes per second summed over interfaces', () => {
    // The first visible bucket has a rate thanks to the warm-up bucket.
    expect(point(metrics.netIn, at(11, 45, 0))).toBeCloseTo(1500, 6);
    expect(point(metrics.netOut, at(11, 45, 0))).toBeCloseTo(700, 6);
    expect(point(metrics.netIn, at(11, 58, 30))).toBeCloseTo(1500, 6);
  });

  it('drops the counter reset instead of charting a negative spike', () => {
    // wlp4s0 went from ~3.8e10 to 20 100 bytes: only lo counts in that bucket.
    expect(point(metrics.netIn, at(11, 50, 0))).toBeCloseTo(500, 6);
    expect(point(metrics.netOut, at(11, 50, 0))).toBeCloseTo(500, 6);
    expect(point(metrics.netIn, at(11, 50, 30))).toBeCloseTo(1500, 6);
    expect(metrics.netIn.every(([, v]) => v === null || v >= 0)).toBe(true);
  });

  it('reports the newest value of each series', () => {
    expect(metrics.last.cpu).toBeCloseTo(0.0457, 6);
    expect(metrics.last.memory).toBeCloseTo(0.3108, 6);
    expect(metrics.last.load15).toBeCloseTo(2.03, 6);
    expect(metrics.last.netIn).toBeCloseTo(1500, 6);
  });
});

describe('parseHostMetrics edge cases', () => {
  it('falls back to (user + system) / cores when normalised cpu is not sent (7.6 default)', () => {
    const docs: LabDoc[] = [
      {
        index: 'metricbeat-7.6.2-2020.04.26-000001',
        id: '1',
        source: sample('cpu', NOW - 20 * SECOND, 'old-beat', (d) => {
          delete ((d.system as Record<string, Record<string, unknown>>).cpu!.total as Record<string, unknown>).norm;
        }),
      },
    ];
    const params = { host: 'old-beat', range: '5m' as const, now: NOW };
    const metrics = parseHostMetrics(searchLab(docs, buildHostMetricsRequest(params), NOW), params);
    expect(metrics.last.cpu).toBeCloseTo((0.7068 + 0.3309) / 24, 6);
  });

  it('gives empty series on a cluster without Metricbeat data', () => {
    const params = { host: 'nobody', range: '5m' as const, now: NOW };
    const metrics = parseHostMetrics(searchLab([], buildHostMetricsRequest(params), NOW), params);
    expect(metrics.hasData).toBe(false);
    expect(metrics.cpu.every(([, v]) => v === null)).toBe(true);
    expect(metrics.last).toEqual({
      cpu: null,
      memory: null,
      load1: null,
      load5: null,
      load15: null,
      netIn: null,
      netOut: null,
    });
    expect(parseHostMetrics({}, params).cpu).toEqual([]);
  });
});

describe('counter rate math', () => {
  const s = (at: number, inBytes: number | null) => ({ inBytes, outBytes: null, at: at * SECOND });

  it('divides by the time between the samples and skips gaps', () => {
    expect(counterRates([s(0, 100), s(10, 1100), null, s(30, 3100)], 'inBytes')).toEqual([null, 100, null, 100]);
  });

  it('yields no value for a reset and measures from the reset value after it', () => {
    expect(counterRates([s(0, 5000), s(10, 6000), s(20, 300), s(30, 1300)], 'inBytes')).toEqual([
      null,
      100,
      null,
      100,
    ]);
  });

  it('sums interfaces that have a rate; null when none has', () => {
    expect(
      sumAcrossInterfaces(
        [
          [null, 100, null],
          [null, 50, 25],
        ],
        3,
      ),
    ).toEqual([null, 150, 25]);
  });
});

describe('host list', () => {
  const docs: LabDoc[] = [
    // A 7.x host reporting now, an 8.x host that stopped two minutes ago.
    ...['cpu', 'memory', 'load'].map((kind, i) => ({
      index: 'metricbeat-7.17.0-2026.11.24',
      id: `a${i}`,
      source: sample(kind as 'cpu', NOW - (5 + i) * SECOND, 'web-01', (d) => {
        d.host = { ...(d.host as object), os: { name: 'Ubuntu', family: 'debian', platform: 'ubuntu', version: '22.04' } };
      }),
    })),
    {
      index: 'metricbeat-8.15.0',
      id: 'b1',
      source: sample('load', NOW - 2 * 60 * SECOND, 'db-01'),
    },
    // Out of the lookback: not listed.
    { index: 'metricbeat-7.17.0-2026.11.23', id: 'c1', source: sample('cpu', NOW - 60 * 60 * SECOND, 'gone-01') },
  ];

  it('lists hosts from both index layouts with last-seen time, OS, cores and staleness', () => {
    const list = parseHostList(searchLab(docs, buildHostListRequest({ now: NOW, lookback: '15m' }), NOW), NOW);
    expect(list.checkedAt).toBe(NOW);
    expect(list.hosts.map((h) => h.name)).toEqual(['db-01', 'web-01']);
    const [db, web] = list.hosts;
    expect(web).toMatchObject({
      lastSeen: NOW - 5 * SECOND,
      stale: false,
      cores: 24,
      os: { name: 'Ubuntu', family: 'debian', platform: 'ubuntu', version: '22.04' },
    });
    expect(db).toMatchObject({ lastSeen: NOW - 120 * SECOND, stale: true, cores: 4, os: null });
  });

  it('is stale only after 60 s of silence', () => {
    const at = (age: number) =>
      parseHostList(
        { aggregations: { hosts: { buckets: [{ key: 'h', doc_count: 1, last_seen: { value: NOW - age } }] } } },
        NOW,
      ).hosts[0]!.stale;
    expect(at(STALE_AFTER_MS)).toBe(false);
    expect(at(STALE_AFTER_MS + 1)).toBe(true);
  });

  it('uses date math when no clock is given and answers an empty cluster with no hosts', () => {
    expect(JSON.stringify(buildHostListRequest({ lookback: '5m' }).body)).toContain('"gte":"now-5m"');
    expect(parseHostList(searchLab([], buildHostListRequest({ now: NOW }), NOW), NOW).hosts).toEqual([]);
    expect(parseHostList({ body: {} }, NOW).hosts).toEqual([]);
  });
});
