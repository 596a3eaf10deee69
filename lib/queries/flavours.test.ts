/**
 * The query modules on both flavours of the practice engine (7.17-style dated indices with legacy
 * templates, 8.x data streams with composable ones): the same real Beats samples, the same built
 * requests, the same parsed answers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAuthTailRequest, buildSshSummaryRequest, parseAuthTail, parseSshSummary } from './auth-log';
import { getField } from './common';
import { buildHostListRequest, buildHostMetricsRequest, parseHostList, parseHostMetrics } from './host-metrics';
import { DOCS_7X, DOCS_8X } from './testing/auth-samples';
import { hostTimeline, NOW, SECOND } from './testing/lab-data';
import { type LabDoc, type LabFlavor, LabEngine } from './testing/lab-engine';

const FLAVOURS: LabFlavor[] = ['7', '8', '9'];

/** Where Beats of each generation write: a dated index (7.x) or a data stream (8.x). */
const TARGETS: Record<LabFlavor, { metricbeat: string; filebeat: string }> = {
  '7': { metricbeat: 'metricbeat-7.17.0-2026.11.24', filebeat: 'filebeat-7.17.0-2026.11.24' },
  '8': { metricbeat: 'metricbeat-8.15.0', filebeat: 'filebeat-8.15.0' },
  '9': { metricbeat: 'metricbeat-9.1.3', filebeat: 'filebeat-9.1.3' },
};

function authDocs(flavor: LabFlavor): LabDoc[] {
  const docs = flavor === '7' ? DOCS_7X : DOCS_8X;
  return docs.map((d, i) => ({
    index: TARGETS[flavor].filebeat,
    id: `${flavor}-auth-${i}`,
    source: {
      ...d,
      '@timestamp': new Date(NOW - (60 - i) * SECOND).toISOString(),
      'host.name': 'lab-host',
      ...(flavor === '7' ? { 'log.file.path': '/var/log/secure', 'log.offset': i * 100 } : {}),
    },
  }));
}

/** Rounds floats: dynamic mapping stores the samples' fractions as `float`, as ES does. */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(6));
  if (Array.isArray(value)) return value.map(rounded);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

it.each(FLAVOURS)('an empty %s.x cluster answers every panel with empty results', (flavor) => {
  const lab = new LabEngine({ now: NOW, flavor });
  expect(parseHostList(lab.search(buildHostListRequest({ now: NOW })), NOW).hosts).toEqual([]);
  const params = { host: 'lab', range: '5m' as const, now: NOW };
  expect(parseHostMetrics(lab.search(buildHostMetricsRequest(params)), params).hasData).toBe(false);
  expect(parseAuthTail(lab.search(buildAuthTailRequest({ now: NOW })), undefined, { now: NOW }).events).toEqual([]);
  expect(parseSshSummary(lab.search(buildSshSummaryRequest({ now: NOW }))).rows).toEqual([]);
});

describe('the lab on both flavours', () => {
  const labs = {} as Record<LabFlavor, LabEngine>;
  const hostOf = (flavor: LabFlavor) => `lab-host-${flavor}`;

  beforeAll(() => {
    for (const flavor of FLAVOURS) {
      labs[flavor] = new LabEngine({ now: NOW, flavor });
      labs[flavor].add([...hostTimeline(TARGETS[flavor].metricbeat, hostOf(flavor)), ...authDocs(flavor)]);
    }
  });

  it('host list', () => {
    for (const flavor of FLAVOURS) {
      const list = parseHostList(labs[flavor].search(buildHostListRequest({ now: NOW })), NOW);
      expect(list.hosts.map((h) => [h.name, h.stale, h.cores])).toEqual([[hostOf(flavor), false, 24]]);
    }
  });

  it.each(['5m', '15m', '1h'] as const)('host metrics over %s: the same series on both', (range) => {
    const [seven, eight] = FLAVOURS.map((flavor) => {
      const params = { host: hostOf(flavor), range, now: NOW };
      const metrics = parseHostMetrics(labs[flavor].search(buildHostMetricsRequest(params)), params);
      expect(metrics.hasData).toBe(true);
      expect(metrics.last.netIn).toBeCloseTo(1500, 6);
      expect(metrics.last.memory).toBeCloseTo(0.3108, 6);
      return { ...metrics, host: '' };
    });
    expect(rounded(seven)).toEqual(rounded(eight));
  });

  it('auth log first page and the filter box', () => {
    for (const flavor of FLAVOURS) {
      const auth = authDocs(flavor);
      const first = parseAuthTail(labs[flavor].search(buildAuthTailRequest({ now: NOW })), undefined, { now: NOW });
      expect(first.events.map((e) => e.id)).toEqual(auth.map((d) => d.id).reverse());

      const filtered = buildAuthTailRequest({ now: NOW, filter: 'user.name: ro* and not source.port: 3576' });
      const expected = auth.filter((d) => String(getField(d.source, 'user.name') ?? '').startsWith('ro') && getField(d.source, 'source.port') !== 3576);
      expect(expected.length).toBeGreaterThan(0);
      const ids = parseAuthTail(labs[flavor].search(filtered), undefined, { now: NOW }).events.map((e) => e.id);
      expect(ids.sort()).toEqual(expected.map((d) => d.id).sort());
    }
  });

  it('SSH summary counts what the pipeline recorded', () => {
    for (const flavor of FLAVOURS) {
      const auth = authDocs(flavor);
      const count = (event: string) => auth.filter((d) => getField(d.source, 'system.auth.ssh.event') === event).length;
      const summary = parseSshSummary(labs[flavor].search(buildSshSummaryRequest({ range: '15m', now: NOW })));
      expect(summary.totals).toEqual({
        failed: count('Failed'),
        invalidUser: count('Invalid'),
        accepted: count('Accepted'),
        total: count('Failed') + count('Invalid') + count('Accepted'),
      });
    }
  });

  it.each(FLAVOURS)('%s.x: a poll brings the next event, and a same-second burst pages through search_after on log position', (flavor) => {
    const lab = labs[flavor];
    const target = TARGETS[flavor].filebeat;
    const first = parseAuthTail(lab.search(buildAuthTailRequest({ now: NOW })), undefined, { now: NOW });
    const template = authDocs(flavor)[0]!;
    lab.add([{ index: target, id: `${flavor}-next`, source: { ...template.source, '@timestamp': new Date(NOW - 5 * SECOND).toISOString() } }]);
    const polled = parseAuthTail(lab.search(buildAuthTailRequest({ cursor: first.cursor, now: NOW + SECOND })), first.cursor, { now: NOW + SECOND });
    expect(polled.events.map((e) => e.id)).toEqual([`${flavor}-next`]);

    const at = new Date(NOW + 2 * SECOND).toISOString();
    lab.add(
      Array.from({ length: 450 }, (_, i) => ({
        index: target,
        id: `${flavor}-burst-${i}`,
        source: { ...DOCS_7X[0]!, '@timestamp': at, 'host.name': 'lab-host', 'log.file.path': '/var/log/auth.log', 'log.offset': 10_000 + i * 97 },
      })),
    );
    const seen = new Set<string>();
    let cursor = polled.cursor;
    let positional = 0;
    for (let i = 0; i < 10; i++) {
      const request = buildAuthTailRequest({ cursor, now: NOW + 3 * SECOND });
      if (request.body.search_after) positional++;
      const page = parseAuthTail(lab.search(request), cursor, { now: NOW + 3 * SECOND });
      for (const e of page.events) {
        expect(seen.has(e.id), e.id).toBe(false);
        seen.add(e.id);
      }
      cursor = page.cursor;
      if (!page.more) break;
    }
    expect(seen.size).toBe(450);
    expect(positional).toBeGreaterThan(0);
    // A later refresh re-reads the window and excludes the burst by log position, not by ids.
    const quiet = buildAuthTailRequest({ cursor, now: NOW + 5 * SECOND });
    expect(JSON.stringify(quiet.body)).toContain('"log.offset":{"lte":');
    expect(parseAuthTail(lab.search(quiet), cursor, { now: NOW + 5 * SECOND }).events).toEqual([]);
  });
});
