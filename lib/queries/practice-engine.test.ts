/**
 * End to end: the real Beats samples bulk-indexed into the practice cluster's engine (both
 * flavours, with the field types Beats' templates give them), queried with the built requests and
 * parsed. Each answer must parse to what the same request gives over the same documents in
 * `simulate-search` (the unit tests' reference). Skipped until lib/practice/engine/index.ts exists.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BulkAction, CreateEngine, Engine, Flavor } from '../practice/engine/api';
import {
  buildAuthTailRequest,
  buildSshSummaryRequest,
  parseAuthTail,
  parseSshSummary,
} from './auth-log';
import type { SearchRequest } from './common';
import { buildHostListRequest, buildHostMetricsRequest, parseHostList, parseHostMetrics } from './host-metrics';
import { localJson } from './testing/fixtures';
import { hostTimeline, NOW, SECOND } from './testing/lab-data';
import { simulateSearch, type StoredDoc } from './testing/simulate-search';

const ENGINE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../practice/engine/index.ts');

type Doc = Record<string, unknown>;
const DOCS_7X = localJson<Doc[]>('filebeat-system-auth-secure-rhel7-expected-excerpt.json');
const DOCS_8X = localJson<Doc[]>('filebeat-system-auth-debian-12-expected.json');

/** The field types `metricbeat setup` / `filebeat setup` templates give the fields the panels read. */
const BEATS_MAPPINGS = {
  dynamic_templates: [
    { strings_as_keyword: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } },
  ],
  properties: {
    '@timestamp': { type: 'date' },
    message: { type: 'text' },
    host: { properties: { name: { type: 'keyword' }, hostname: { type: 'keyword' } } },
    event: { properties: { module: { type: 'keyword' }, dataset: { type: 'keyword' } } },
    user: { properties: { name: { type: 'keyword' } } },
    source: { properties: { ip: { type: 'ip' }, port: { type: 'long' } } },
    log: { properties: { offset: { type: 'long' }, file: { properties: { path: { type: 'keyword' } } } } },
    system: {
      properties: {
        network: {
          properties: {
            name: { type: 'keyword' },
            in: { properties: { bytes: { type: 'long' } } },
            out: { properties: { bytes: { type: 'long' } } },
          },
        },
        auth: { properties: { ssh: { properties: { event: { type: 'keyword' }, method: { type: 'keyword' } } } } },
      },
    },
  },
};

/** Where Beats of each generation write: a dated index (7.x) or a data stream (8.x, 9.x). */
const TARGETS: Record<Flavor, { metricbeat: string; filebeat: string; op: BulkAction['op'] }> = {
  '7': { metricbeat: 'metricbeat-7.17.0-2026.11.24', filebeat: 'filebeat-7.17.0-2026.11.24', op: 'index' },
  '8': { metricbeat: 'metricbeat-8.15.0', filebeat: 'filebeat-8.15.0', op: 'create' },
  '9': { metricbeat: 'metricbeat-9.1.3', filebeat: 'filebeat-9.1.3', op: 'create' },
};

function authDocs(flavor: Flavor): StoredDoc[] {
  const docs = flavor === '7' ? DOCS_7X : DOCS_8X;
  return docs.map((d, i) => ({
    index: TARGETS[flavor].filebeat,
    id: `${flavor}-auth-${i}`,
    source: {
      ...d,
      '@timestamp': new Date(NOW - (60 - i) * SECOND).toISOString(),
      'host.name': 'lab-host',
      ...(flavor === '7' ? { 'log.file.path': '/var/log/secure' } : {}),
    },
  }));
}

function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(6));
  if (Array.isArray(value)) return value.map(rounded);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  }
  return value;
}

function run(engine: Engine, request: SearchRequest): Record<string, unknown> {
  return engine.search(request.index, request.body, {
    ignoreUnavailable: request.ignore_unavailable,
    allowNoIndices: request.allow_no_indices,
  });
}

describe.skipIf(!existsSync(ENGINE))('query modules on the practice engine', () => {
  let createEngine: CreateEngine;

  beforeAll(async () => {
    createEngine = ((await import(/* @vite-ignore */ ENGINE)) as { createEngine: CreateEngine }).createEngine;
  });

  it.each<Flavor>(['7', '8', '9'])('an empty %s.x cluster answers every panel with empty results', (flavor) => {
    const engine = createEngine({ flavor, now: () => NOW });
    expect(parseHostList(run(engine, buildHostListRequest({ now: NOW })), NOW).hosts).toEqual([]);
    const params = { host: 'lab', range: '5m' as const, now: NOW };
    expect(parseHostMetrics(run(engine, buildHostMetricsRequest(params)), params).hasData).toBe(false);
    expect(parseAuthTail(run(engine, buildAuthTailRequest({ now: NOW })), undefined, { now: NOW }).events).toEqual([]);
    expect(parseSshSummary(run(engine, buildSshSummaryRequest({ now: NOW }))).rows).toEqual([]);
  });

  describe.each<Flavor>(['7', '8', '9'])('flavour %s', (flavor) => {
    const target = TARGETS[flavor];
    const host = `lab-host-${flavor}`;
    const metricDocs = hostTimeline(target.metricbeat, host);
    const auth = authDocs(flavor);
    let engine: Engine;

    beforeAll(() => {
      engine = createEngine({ flavor, now: () => NOW });
      for (const beat of ['metricbeat', 'filebeat'] as const) {
        const name = target[beat];
        if (flavor !== '7') {
          engine.putIndexTemplate(name, {
            index_patterns: [name],
            data_stream: {},
            priority: 150,
            template: { mappings: BEATS_MAPPINGS },
          });
        } else {
          engine.putLegacyTemplate(name.replace(/-\d{4}\.\d{2}\.\d{2}$/, ''), {
            index_patterns: [name.replace(/\d{4}\.\d{2}\.\d{2}$/, '*')],
            mappings: BEATS_MAPPINGS,
          });
        }
      }
      const result = engine.bulk(
        [...metricDocs, ...auth].map((d) => ({ op: target.op, index: d.index, id: d.id, source: d.source })),
        { refresh: true },
      );
      expect(result.errors).toBe(false);
    });

    // Dynamic mapping stores the samples' fractions as `float` (as ES does; Beats templates use
    // scaled_float), so averages differ in the 8th digit.
    const same = <T>(request: SearchRequest, parse: (response: unknown) => T, docs: StoredDoc[]) =>
      expect(rounded(parse(run(engine, request)))).toEqual(rounded(parse(simulateSearch(docs, request, NOW))));

    it('host list', () => {
      const list = parseHostList(run(engine, buildHostListRequest({ now: NOW })), NOW);
      expect(list.hosts.map((h) => [h.name, h.stale, h.cores])).toEqual([[host, false, 24]]);
      same(buildHostListRequest({ now: NOW }), (r) => parseHostList(r, NOW), metricDocs);
    });

    it.each(['5m', '15m', '1h'] as const)('host metrics over %s', (range) => {
      const params = { host, range, now: NOW };
      const metrics = parseHostMetrics(run(engine, buildHostMetricsRequest(params)), params);
      expect(metrics.hasData).toBe(true);
      expect(metrics.last.netIn).toBeCloseTo(1500, 6);
      same(buildHostMetricsRequest(params), (r) => parseHostMetrics(r, params), metricDocs);
    });

    it('auth log first page, the filter box, a poll and the SSH summary', () => {
      const first = parseAuthTail(run(engine, buildAuthTailRequest({ now: NOW })), undefined, { now: NOW });
      expect(first.events).toHaveLength(auth.length);
      same(buildAuthTailRequest({ now: NOW }), (r) => parseAuthTail(r, undefined, { now: NOW }).events, auth);

      const filtered = buildAuthTailRequest({ now: NOW, filter: 'user.name: ro* and not source.port: 3576' });
      same(filtered, (r) => parseAuthTail(r, undefined, { now: NOW }).events.map((e) => e.id), auth);

      const next = { ...auth[0]!, id: `${flavor}-next`, source: { ...auth[0]!.source, '@timestamp': new Date(NOW - 5 * SECOND).toISOString() } };
      engine.bulk([{ op: target.op, index: next.index, id: next.id, source: next.source }], { refresh: true });
      const poll = buildAuthTailRequest({ cursor: first.cursor, now: NOW + SECOND });
      const polled = parseAuthTail(run(engine, poll), first.cursor, { now: NOW + SECOND });
      expect(polled.events.map((e) => e.id)).toEqual([next.id]);

      same(buildSshSummaryRequest({ range: '15m', now: NOW }), parseSshSummary, [...auth, next]);
    });

    it('pages a same-second burst through search_after on log position', () => {
      const start = parseAuthTail(run(engine, buildAuthTailRequest({ now: NOW })), undefined, { now: NOW });
      const at = new Date(NOW + 2 * SECOND).toISOString();
      const burst = Array.from({ length: 450 }, (_, i) => ({
        op: target.op,
        index: target.filebeat,
        id: `${flavor}-burst-${i}`,
        source: { ...DOCS_7X[0]!, '@timestamp': at, 'log.file.path': '/var/log/auth.log', 'log.offset': 10_000 + i * 97 },
      }));
      expect(engine.bulk(burst, { refresh: true }).errors).toBe(false);
      const seen = new Set<string>();
      let cursor = start.cursor;
      let positional = 0;
      for (let i = 0; i < 10; i++) {
        const request = buildAuthTailRequest({ cursor, now: NOW + 3 * SECOND });
        if (request.body.search_after) positional++;
        const page = parseAuthTail(run(engine, request), cursor, { now: NOW + 3 * SECOND });
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
      expect(parseAuthTail(run(engine, quiet), cursor, { now: NOW + 5 * SECOND }).events).toEqual([]);
    });
  });
});
