import { describe, expect, it } from 'vitest';
import { FilterSyntaxError } from '../filter-language';
import { DOCS_7X, DOCS_8X } from '../testing/auth-samples';
import { type LabDoc, LabEngine } from '../testing/lab-engine';
import { AUTH_TAIL_MAX_SEEN, decodeAuthTailCursor, encodeAuthTailCursor } from './cursor';
import type { AuthEvent } from './events';
import { AUTH_LOG_INDEX } from './fields';
import { buildAuthTailRequest, parseAuthTail } from './tail';

type Doc = Record<string, unknown>;

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const SEC = 1000;

interface ShippedDoc extends LabDoc {
  /** When the document becomes searchable (Filebeat batching + index refresh). */
  visibleAt: number;
}

/** A real 7.x or 8.x sample, re-timed onto the lab host with its own log position. */
function authDoc(
  id: string,
  ms: number,
  opts: { visibleAt?: number; offset?: number; flavour?: '7' | '8'; template?: Doc; host?: string } = {},
): ShippedDoc {
  const flavour = opts.flavour ?? '7';
  const template = opts.template ?? (flavour === '7' ? DOCS_7X[0]! : DOCS_8X[3]!);
  const source: Doc = {
    ...structuredClone(template),
    '@timestamp': new Date(ms).toISOString(),
    'host.name': opts.host ?? 'lab-host',
  };
  if (flavour === '7') {
    source['log.file.path'] = '/var/log/auth.log';
    source['log.offset'] = opts.offset ?? 0;
  }
  return {
    index: flavour === '7' ? 'filebeat-7.17.0-2026.11.24' : 'filebeat-8.15.0',
    id,
    source,
    visibleAt: opts.visibleAt ?? ms,
  };
}

/** The practice engine with documents that become searchable when Filebeat would have shipped them. */
class LabCluster {
  readonly docs: ShippedDoc[] = [];
  private readonly lab = new LabEngine({ now: T0 });
  private waiting: ShippedDoc[] = [];

  add(...docs: ShippedDoc[]): void {
    this.docs.push(...docs);
    this.waiting.push(...docs);
  }

  /** One panel refresh at `now`: ship what is visible by then, build, search, parse. */
  poll(cursor: string | undefined, now: number, size?: number, filter?: string) {
    this.lab.add(this.waiting.filter((d) => d.visibleAt <= now));
    this.waiting = this.waiting.filter((d) => d.visibleAt > now);
    this.lab.setNow(now);
    const request = buildAuthTailRequest({ cursor, now, size, filter });
    return { request, ...parseAuthTail(this.lab.search(request), cursor, { now, size }) };
  }
}

/** Polls like the panel until nothing more is waiting; returns every event delivered. */
function drain(cluster: LabCluster, cursor: string | undefined, now: number, size?: number) {
  const events: AuthEvent[] = [];
  let next = cursor;
  for (let i = 0; i < 100; i++) {
    const page = cluster.poll(next, now, size);
    events.push(...page.events);
    next = page.cursor;
    if (!page.more) break;
  }
  return { events, cursor: next! };
}

function expectNoDuplicates(events: AuthEvent[]): void {
  const ids = events.map((e) => e.id);
  expect(ids.length - new Set(ids).size, 'duplicates').toBe(0);
}

describe('auth log tail', () => {
  it('first page: the last 15 minutes, newest first, from 7.x and 8.x indices', () => {
    const cluster = new LabCluster();
    cluster.add(
      authDoc('old', T0 - 20 * 60 * SEC),
      authDoc('a', T0 - 60 * SEC, { offset: 0 }),
      authDoc('b', T0 - 30 * SEC, { flavour: '8' }),
      authDoc('c', T0 - 10 * SEC, { offset: 97 }),
    );
    const page = cluster.poll(undefined, T0);
    expect(page.request.index).toBe(AUTH_LOG_INDEX);
    expect(page.events.map((e) => e.id)).toEqual(['c', 'b', 'a']);
    expect(page.events[1]!.ssh).toMatchObject({ outcome: 'failed', user: 'root', sourceIp: '192.168.42.119' });
    expect(page.more).toBe(false);
    const state = decodeAuthTailCursor(page.cursor)!;
    expect(state.newest).toBe(T0 - 10 * SEC);
    expect(state.floor).toBe(T0 - 20 * SEC);
  });

  it('always filters on the system.auth dataset and applies the filter box', () => {
    const { body } = buildAuthTailRequest({ filter: 'user.name: hAx*', now: T0 });
    expect(body.query).toMatchObject({
      bool: {
        filter: expect.arrayContaining([
          { term: { 'event.dataset': 'system.auth' } },
          { wildcard: { 'user.name': { value: 'hAx*' } } },
        ]),
      },
    });
    expect(() => buildAuthTailRequest({ filter: 'user.name:' })).toThrow(FilterSyntaxError);
    expect(JSON.stringify(buildAuthTailRequest().body)).toContain('"gte":"now-15m"');
  });

  it('sorts on @timestamp with log position tie-breakers that never need _id or a PIT', () => {
    const { body } = buildAuthTailRequest({ now: T0 });
    expect(body.sort).toEqual([
      { '@timestamp': { order: 'desc' } },
      { 'log.file.path': { order: 'desc', unmapped_type: 'keyword', missing: '' } },
      { 'log.offset': { order: 'desc', unmapped_type: 'long', missing: -1 } },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/_id"|_shard_doc|"pit"/);
  });

  it('events sharing a timestamp and a late event inside the overlap: no duplicates, no gaps', () => {
    const cluster = new LabCluster();
    cluster.add(authDoc('a', T0 - 30 * SEC, { offset: 0 }));
    const first = cluster.poll(undefined, T0);
    expect(first.events.map((e) => e.id)).toEqual(['a']);

    // Five attempts in one syslog second; Filebeat has shipped three when the panel polls.
    const burst = ['s1', 's2', 's3', 's4', 's5'].map((id, i) =>
      authDoc(id, T0 + 5 * SEC, { offset: 100 * (i + 1), visibleAt: i < 3 ? T0 + 5 * SEC : T0 + 8 * SEC }),
    );
    cluster.add(...burst);
    const second = cluster.poll(first.cursor, T0 + 6 * SEC);
    expect(second.events.map((e) => e.id)).toEqual(['s3', 's2', 's1']);

    // The other two arrive, an event from 4 s earlier shows up late (an 8.x journald one without a
    // log position), and a new one.
    cluster.add(
      authDoc('late', T0 + 1 * SEC, { flavour: '8', visibleAt: T0 + 9 * SEC }),
      authDoc('next', T0 + 9 * SEC, { offset: 600 }),
    );
    const third = cluster.poll(second.cursor, T0 + 10 * SEC);
    expect(third.events.map((e) => e.id)).toEqual(['next', 's5', 's4', 'late']);
    // What the poll asked for: from the overlap floor, minus what it already showed.
    expect(third.request.body.query).toMatchObject({
      bool: { must_not: [{ ids: { values: expect.arrayContaining(['s1', 's2', 's3']) } }] },
    });
    expect(third.request.body.search_after).toBeUndefined();

    const fourth = cluster.poll(third.cursor, T0 + 12 * SEC);
    expect(fourth.events).toEqual([]);

    const all = [...first.events, ...second.events, ...third.events, ...fourth.events];
    expectNoDuplicates(all);
    expect(all.map((e) => e.id).sort()).toEqual(cluster.docs.map((d) => d.id).sort());
  });

  it('an event later than the overlap window is the documented loss', () => {
    const cluster = new LabCluster();
    cluster.add(authDoc('a', T0, { offset: 0 }));
    const first = cluster.poll(undefined, T0 + SEC);
    cluster.add(authDoc('b', T0 + 20 * SEC, { offset: 100 }));
    const second = cluster.poll(first.cursor, T0 + 21 * SEC);
    cluster.add(authDoc('too-late', T0 + 5 * SEC, { offset: 50, visibleAt: T0 + 40 * SEC }));
    const third = cluster.poll(second.cursor, T0 + 41 * SEC);
    expect(third.events).toEqual([]);
  });

  it('pages through more same-second events than the cursor can list: search_after, then positions', () => {
    const cluster = new LabCluster();
    cluster.add(authDoc('before', T0 - 5 * SEC, { offset: 0 }));
    const first = cluster.poll(undefined, T0);
    const burst = Array.from({ length: 450 }, (_, i) => authDoc(`b${i}`, T0 + 2 * SEC, { offset: 100 + i }));
    cluster.add(...burst);

    const pages = [];
    let cursor = first.cursor;
    for (let i = 0; i < 10; i++) {
      const page = cluster.poll(cursor, T0 + 3 * SEC, 200);
      pages.push(page);
      cursor = page.cursor;
      if (!page.more) break;
    }
    expect(pages.map((p) => p.events.length)).toEqual([200, 200, 50]);
    // A full page continues right after its last event.
    expect(pages[0]!.request.body.search_after).toBeUndefined();
    expect(pages[1]!.request.body.search_after).toEqual([T0 + 2 * SEC, '/var/log/auth.log', 299]);
    expect(pages[2]!.request.body.search_after).toEqual([T0 + 2 * SEC, '/var/log/auth.log', 499]);
    const all = [...first.events, ...pages.flatMap((p) => p.events)];
    expectNoDuplicates(all);
    expect(all).toHaveLength(451);

    // The crowded second no longer fits as ids: it is remembered as "auth.log up to offset 549".
    const state = decodeAuthTailCursor(cursor)!;
    expect(state).toMatchObject({ foldedTo: T0 + 2 * SEC, positions: [['lab-host', '/var/log/auth.log', 549]] });
    expect(state.seen.flatMap(([, ...ids]) => ids).length).toBeLessThanOrEqual(AUTH_TAIL_MAX_SEEN);
    expect(cursor.length).toBeLessThan(8_000);

    // Quiet polls afterwards stay quiet; the next line of the file is news.
    for (const at of [5, 7, 9]) {
      const quiet = cluster.poll(cursor, T0 + at * SEC);
      expect(quiet.events).toEqual([]);
      expect(quiet.request.body.search_after).toBeUndefined();
      cursor = quiet.cursor;
    }
    cluster.add(authDoc('after', T0 + 2 * SEC, { offset: 600, visibleAt: T0 + 10 * SEC }));
    expect(cluster.poll(cursor, T0 + 11 * SEC).events.map((e) => e.id)).toEqual(['after']);
  });

  it('journald events (no log position) crowding one millisecond: bounded cursor, never repeated', () => {
    const cluster = new LabCluster();
    const first = cluster.poll(undefined, T0);
    cluster.add(...Array.from({ length: 450 }, (_, i) => authDoc(`j${i}`, T0 + SEC, { flavour: '8' })));
    const { events, cursor } = drain(cluster, first.cursor, T0 + 2 * SEC, 200);
    expectNoDuplicates(events);
    // Without log positions a millisecond holding more than the cursor lists is stepped over after
    // its first page: the documented loss.
    expect(events).toHaveLength(200);
    expect(decodeAuthTailCursor(cursor)).toMatchObject({ floor: T0 + SEC + 1, seen: [] });
    cluster.add(authDoc('after', T0 + 3 * SEC, { flavour: '8' }));
    expect(cluster.poll(cursor, T0 + 4 * SEC).events.map((e) => e.id)).toEqual(['after']);
  });

  it('drains a burst of 1 000 events over a few seconds page by page', () => {
    const cluster = new LabCluster();
    const first = cluster.poll(undefined, T0);
    expect(first.events).toEqual([]);
    cluster.add(...Array.from({ length: 1000 }, (_, i) => authDoc(`e${i}`, T0 + Math.floor(i / 250) * SEC, { offset: i * 100 })));
    const { events, cursor } = drain(cluster, first.cursor, T0 + 5 * SEC, 200);
    expectNoDuplicates(events);
    expect(events).toHaveLength(1000);
    expect(cursor.length).toBeLessThan(8_000);
  });

  it('random arrival orders within the overlap: every event exactly once', () => {
    let seed = 20261124;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let run = 0; run < 20; run++) {
      const cluster = new LabCluster();
      let cursor = cluster.poll(undefined, T0).cursor;
      const delivered: AuthEvent[] = [];
      let n = 0;
      for (let now = T0; now < T0 + 90 * SEC; now += SEC) {
        // Up to 8 events a second, syslog (whole-second) timestamps, searchable 0–8 s later.
        const count = Math.floor(random() * 9);
        for (let i = 0; i < count; i++) {
          const ms = Math.floor(now / SEC) * SEC;
          cluster.add(
            authDoc(`r${run}-${n}`, ms, {
              offset: n * 97,
              flavour: random() < 0.3 ? '8' : '7',
              visibleAt: now + Math.floor(random() * 8 * SEC),
            }),
          );
          n++;
        }
        if (Math.floor((now - T0) / SEC) % 3 === 0) {
          const page = drain(cluster, cursor, now, 50);
          delivered.push(...page.events);
          cursor = page.cursor;
        }
      }
      delivered.push(...drain(cluster, cursor, T0 + 100 * SEC, 50).events);
      expectNoDuplicates(delivered);
      expect(delivered.length, `run ${run}`).toBe(cluster.docs.length);
    }
  });

  it('random brute-force bursts and a second host shipping late: every event exactly once', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let run = 0; run < 5; run++) {
      const cluster = new LabCluster();
      let cursor = cluster.poll(undefined, T0).cursor;
      const delivered: AuthEvent[] = [];
      let n = 0;
      let offset = 0;
      // Filebeat ships a file's lines in order: a line is never searchable before an earlier one.
      let shippedUpTo = T0;
      for (let now = T0; now < T0 + 30 * SEC; now += SEC) {
        // The lab host: now and then a brute-force burst of up to 600 lines in one syslog second.
        const count = random() < 0.2 ? Math.floor(random() * 600) : Math.floor(random() * 5);
        for (let i = 0; i < count; i++) {
          shippedUpTo = Math.max(shippedUpTo, now + Math.floor((2 * SEC * i) / count));
          cluster.add(authDoc(`a${run}-${n++}`, now, { offset: (offset += 80), visibleAt: shippedUpTo }));
        }
        // A second host (journald, no log position) whose events arrive up to 8 s late.
        if (random() < 0.5) {
          cluster.add(
            authDoc(`b${run}-${n++}`, now, { flavour: '8', host: 'other-host', visibleAt: now + Math.floor(random() * 8 * SEC) }),
          );
        }
        const page = drain(cluster, cursor, now, 200);
        delivered.push(...page.events);
        cursor = page.cursor;
        expect(cursor.length).toBeLessThan(8_000);
      }
      delivered.push(...drain(cluster, cursor, T0 + 40 * SEC, 200).events);
      expectNoDuplicates(delivered);
      expect(delivered.length, `run ${run}`).toBe(cluster.docs.length);
    }
  });

  it('a host clock running ahead does not hide the other hosts', () => {
    const cluster = new LabCluster();
    // KST written as UTC (timezone not converted): nine hours in the future.
    cluster.add(authDoc('future', T0 + 9 * 3600 * SEC, { offset: 0, visibleAt: T0 }));
    const first = cluster.poll(undefined, T0);
    expect(first.events.map((e) => e.id)).toEqual(['future']);
    cluster.add(authDoc('now', T0 + 3 * SEC, { flavour: '8' }));
    expect(cluster.poll(first.cursor, T0 + 4 * SEC).events.map((e) => e.id)).toEqual(['now']);
  });

  it('a full first page shows the newest events and does not bring the older ones back as new', () => {
    const cluster = new LabCluster();
    cluster.add(...Array.from({ length: 30 }, (_, i) => authDoc(`h${i}`, T0 - 60 * SEC + i * SEC, { offset: i })));
    const first = cluster.poll(undefined, T0, 10);
    expect(first.events.map((e) => e.id)).toEqual(['h29', 'h28', 'h27', 'h26', 'h25', 'h24', 'h23', 'h22', 'h21', 'h20']);
    expect(first.more).toBe(false);
    cluster.add(authDoc('new', T0 + SEC, { offset: 99 }));
    expect(cluster.poll(first.cursor, T0 + 2 * SEC, 10).events.map((e) => e.id)).toEqual(['new']);
  });

  it('cursors are base64url JSON; an unreadable or forged one starts over with the first page', () => {
    const state = { v: 1 as const, floor: T0, newest: T0, seen: [[T0, 'x', 'y']] as [number, ...string[]][] };
    const cursor = encodeAuthTailCursor(state);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeAuthTailCursor(cursor)).toEqual(state);
    for (const bad of ['', 'not*base64', encodeAuthTailCursor({ v: 2 } as never), btoa('{"v":1}')]) {
      expect(decodeAuthTailCursor(bad)).toBeNull();
      expect(buildAuthTailRequest({ cursor: bad, now: T0 }).body.sort).toEqual(buildAuthTailRequest({ now: T0 }).body.sort);
    }
    const tooMany = encodeAuthTailCursor({
      v: 1,
      floor: T0,
      seen: [[T0, ...Array.from({ length: AUTH_TAIL_MAX_SEEN + 1 }, (_, i) => `i${i}`)]],
    });
    expect(decodeAuthTailCursor(tooMany)).toBeNull();

    // The largest cursor a poll can produce, with Elasticsearch's 20-character ids, fits a URL.
    const id = (i: number) => `AVpwYhxbd3MQ${String(i).padStart(8, '0')}`;
    const largest = encodeAuthTailCursor({
      v: 1,
      floor: T0,
      newest: T0 + 10 * SEC,
      seen: Array.from({ length: 10 }, (_, g) => [T0 + g * SEC, ...Array.from({ length: 15 }, (_, i) => id(g * 15 + i))]) as never,
      foldedTo: T0,
      positions: Array.from({ length: 16 }, (_, i) => [`host-${i}.example.internal`, '/var/log/auth.log', 123_456_789]),
      after: [T0 + 10 * SEC, '/var/log/auth.log', 123_456_789],
    });
    expect(decodeAuthTailCursor(largest)).not.toBeNull();
    expect(largest.length).toBeLessThan(8_000);
  });

  it('still never repeats an event when the cluster ignores must_not', () => {
    const response = (ids: string[]) => ({
      hits: {
        total: { value: ids.length, relation: 'eq' },
        hits: ids.map((id, i) => ({
          _id: id,
          _source: { '@timestamp': new Date(T0 + i).toISOString(), message: 'x' },
          sort: [T0 + i, '', -1],
        })),
      },
    });
    const first = parseAuthTail(response(['a', 'b']), undefined, { now: T0 });
    const second = parseAuthTail(response(['a', 'b', 'c']), first.cursor, { now: T0 });
    expect(second.events.map((e) => e.id)).toEqual(['c']);
  });
});
