import { describe, expect, it } from 'vitest';
import { FilterSyntaxError } from '../filter-language';
import { DOCS_7X, DOCS_8X } from '../testing/auth-samples';
import { type LabDoc, LabEngine } from '../testing/lab-engine';
import { decodeAuthTailCursor } from './cursor';
import type { AuthEvent } from './events';
import { buildAuthOlderRequest, parseAuthOlder } from './older';
import { AUTH_OLDER_MAX_TIED, decodeAuthOlderCursor, encodeAuthOlderCursor, olderCursorOf } from './older-cursor';
import { buildAuthTailRequest, parseAuthTail } from './tail';

type Doc = Record<string, unknown>;

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const SEC = 1000;
const MIN = 60 * SEC;

/** A real 7.x (log file, positioned) or 8.x (journald, no position) sample re-timed onto a lab host. */
function authDoc(id: string, ms: number, opts: { offset?: number; flavour?: '7' | '8'; host?: string; user?: string } = {}): LabDoc {
  const flavour = opts.flavour ?? '7';
  const source: Doc = {
    ...structuredClone(flavour === '7' ? DOCS_7X[0]! : DOCS_8X[3]!),
    '@timestamp': new Date(ms).toISOString(),
    'host.name': opts.host ?? 'lab-host',
  };
  if (opts.user !== undefined) source['user.name'] = opts.user;
  if (flavour === '7') {
    source['log.file.path'] = '/var/log/auth.log';
    source['log.offset'] = opts.offset ?? 0;
  }
  return { index: flavour === '7' ? 'filebeat-7.17.0-2026.11.24' : 'filebeat-8.15.0', id, source };
}

function lab(...docs: LabDoc[]): LabEngine {
  const engine = new LabEngine({ now: T0 });
  engine.add(docs);
  return engine;
}

/** The panel's first page of the live tail, as the browser holds it. */
function firstPage(engine: LabEngine, size: number, filter?: string) {
  const page = parseAuthTail(engine.search(buildAuthTailRequest({ now: T0, size, filter })), undefined, { now: T0, size });
  return { events: page.events, floor: decodeAuthTailCursor(page.cursor)!.floor };
}

/** Clicks "Load older events" until nothing older is left; returns every page's ids. */
function scrollBack(engine: LabEngine, held: AuthEvent[], opts: { floor?: number; size?: number; filter?: string } = {}) {
  const pages: string[][] = [];
  for (let i = 0; i < 50; i++) {
    const cursor = olderCursorOf(held, opts.floor);
    expect(cursor).not.toBeNull();
    const params = { before: decodeAuthOlderCursor(cursor)!, filter: opts.filter, size: opts.size };
    const page = parseAuthOlder(engine.search(buildAuthOlderRequest(params)), params);
    pages.push(page.events.map((e) => e.id));
    held.push(...page.events);
    if (!page.more) return { pages, held };
  }
  throw new Error('never reached the oldest event');
}

function expectEachOnce(events: AuthEvent[], ids: string[]): void {
  const shown = events.map((e) => e.id);
  expect(shown.length - new Set(shown).size, 'duplicates').toBe(0);
  expect([...shown].sort()).toEqual([...ids].sort());
}

describe('older auth log pages', () => {
  it('scrolls back beyond the first 15 minutes, newest first, to the oldest event', () => {
    const docs = [
      authDoc('h2', T0 - 2 * 3_600_000, { offset: 10 }),
      authDoc('h1', T0 - 50 * MIN, { offset: 20 }),
      authDoc('m', T0 - 20 * MIN, { offset: 30, flavour: '8' }),
      authDoc('r2', T0 - 5 * MIN, { offset: 40 }),
      authDoc('r1', T0 - 1 * MIN, { offset: 50 }),
    ];
    const engine = lab(...docs);
    const first = firstPage(engine, 200);
    expect(first.events.map((e) => e.id)).toEqual(['r1', 'r2']);
    // Every event carries its place in the sort: the browser continues from the oldest.
    expect(first.events[1]!.sort).toEqual([T0 - 5 * MIN, '/var/log/auth.log', 40]);

    const { pages, held } = scrollBack(engine, [...first.events], { size: 2 });
    expect(pages).toEqual([['m', 'h1'], ['h2']]);
    expectEachOnce(held, docs.map((d) => d.id));
    const older = held.slice(2);
    expect(older[0]!.ssh).toMatchObject({ outcome: 'failed', user: 'root', sourceIp: '192.168.42.119' });
    expect(older[0]!.sort).toEqual([T0 - 20 * MIN, '', -1]);
  });

  it('equal timestamps across a page boundary (7.x, log positions): no duplicates, no gaps', () => {
    // A brute-force burst: eight attempts in one syslog second, then two earlier lines.
    const burst = Array.from({ length: 8 }, (_, i) => authDoc(`s${i}`, T0 - 20 * MIN, { offset: 1_000 + 100 * i }));
    const docs = [authDoc('new', T0 - MIN, { offset: 5_000 }), ...burst, authDoc('e1', T0 - 21 * MIN, { offset: 500 }), authDoc('e0', T0 - 22 * MIN, { offset: 400 })];
    const engine = lab(...docs);
    const first = firstPage(engine, 200);
    const { pages, held } = scrollBack(engine, [...first.events], { size: 3 });
    // Descending by log position within the second, each page continuing right after the last.
    expect(pages).toEqual([['s7', 's6', 's5'], ['s4', 's3', 's2'], ['s1', 's0', 'e1'], ['e0']]);
    expectEachOnce(held, docs.map((d) => d.id));
  });

  it('events that sort exactly alike across a page boundary (journald, one millisecond; two hosts at one offset)', () => {
    const journald = Array.from({ length: 7 }, (_, i) => authDoc(`j${i}`, T0 - 30 * MIN, { flavour: '8' }));
    const twins = ['hostA', 'hostB', 'hostC'].map((host) => authDoc(`t-${host}`, T0 - 25 * MIN, { offset: 777, host }));
    const docs = [authDoc('new', T0 - MIN, { offset: 9_000 }), ...twins, ...journald, authDoc('e0', T0 - 40 * MIN, { offset: 1 })];
    const engine = lab(...docs);
    const first = firstPage(engine, 200);
    const { pages, held } = scrollBack(engine, [...first.events], { size: 2 });
    expectEachOnce(held, docs.map((d) => d.id));
    expect(pages.flat().at(-1)).toBe('e0');
    // Each cursor inside a tie names the tied events shown, and the next page starts at that key.
    const tied = held.filter((e) => e.id.startsWith('j')).slice(0, 3);
    const state = decodeAuthOlderCursor(olderCursorOf(tied))!;
    expect(state.sort).toEqual([T0 - 30 * MIN, '', -1]);
    expect(state.ids?.sort()).toEqual(tied.map((e) => e.id).sort());
    const body = buildAuthOlderRequest({ before: state }).body;
    expect(body.search_after).toEqual([T0 - 30 * MIN, '', 0]);
    expect(JSON.stringify(body.query)).toContain('"must_not":[{"ids":{"values":');
  });

  it('an empty older page says nothing older is left; with no events shown it starts before the tail\'s floor', () => {
    const engine = lab(authDoc('old', T0 - 3 * 3_600_000, { offset: 1 }));
    // Nothing in the last 15 minutes: the tail delivers from its floor on, older pages before it.
    const first = firstPage(engine, 200);
    expect(first.events).toEqual([]);
    expect(olderCursorOf([])).toBeNull();
    const { pages, held } = scrollBack(engine, [], { floor: first.floor });
    expect(pages).toEqual([['old']]);
    // The oldest one reached: the next page is empty and says so.
    const params = { before: decodeAuthOlderCursor(olderCursorOf(held))! };
    expect(parseAuthOlder(engine.search(buildAuthOlderRequest(params)), params)).toEqual({ events: [], more: false });
    // "Before the floor" is strict: an event at the floor's millisecond is the tail's, not history's.
    expect(decodeAuthOlderCursor(olderCursorOf([], first.floor))).toEqual({ v: 1, sort: [first.floor, '', -1] });
  });

  it('respects the stream\'s filter, and refuses a filter with a syntax error', () => {
    const docs = [
      authDoc('root-new', T0 - MIN, { offset: 90, user: 'root' }),
      authDoc('hax-new', T0 - 2 * MIN, { offset: 80, user: 'hAx0R' }),
      authDoc('root-old', T0 - 30 * MIN, { offset: 70, user: 'root' }),
      authDoc('hax-old', T0 - 31 * MIN, { offset: 60, user: 'hAx0R' }),
      authDoc('hax-older', T0 - 60 * MIN, { offset: 50, user: 'hAx0R' }),
    ];
    const engine = lab(...docs);
    const filter = 'user.name: hAx0R';
    const first = firstPage(engine, 200, filter);
    expect(first.events.map((e) => e.id)).toEqual(['hax-new']);
    const { pages } = scrollBack(engine, [...first.events], { filter });
    expect(pages).toEqual([['hax-old', 'hax-older']]);
    const before = decodeAuthOlderCursor(olderCursorOf(first.events))!;
    expect(() => buildAuthOlderRequest({ before, filter: 'user.name:' })).toThrow(FilterSyntaxError);
    expect(buildAuthOlderRequest({ before, filter }).body.query).toMatchObject({
      bool: { filter: expect.arrayContaining([{ term: { 'event.dataset': 'system.auth' } }, { match: { 'user.name': 'hAx0R' } }]) },
    });
  });

  it('continues from the oldest event by sort, whatever order the list holds them in', () => {
    const event = (id: string, sort: [number, string, number]): AuthEvent => ({ id, time: new Date(sort[0]).toISOString(), host: null, process: null, message: '', sort });
    const held = [event('b', [T0, '/var/log/auth.log', 200]), event('a', [T0, '/var/log/auth.log', 100]), event('c', [T0, '/var/log/auth.log', 300])];
    expect(decodeAuthOlderCursor(olderCursorOf(held))).toEqual({ v: 1, sort: [T0, '/var/log/auth.log', 100], ids: ['a'] });
    // More ties than the cursor carries: strictly after them, never the same page again.
    const crowd = Array.from({ length: AUTH_OLDER_MAX_TIED + 1 }, (_, i) => event(`j${i}`, [T0, '', -1]));
    expect(decodeAuthOlderCursor(olderCursorOf(crowd))).toEqual({ v: 1, sort: [T0, '', -1] });
  });

  it('reads only cursors of its own shape', () => {
    expect(decodeAuthOlderCursor(encodeAuthOlderCursor({ v: 1, sort: [T0, '', -1], ids: ['x'] }))).toEqual({ v: 1, sort: [T0, '', -1], ids: ['x'] });
    for (const bad of [undefined, '', 'not a cursor!', encodeAuthOlderCursor({ v: 1, sort: [T0, '', 1.5] }), btoa(JSON.stringify({ v: 2, sort: [T0, '', -1] }))]) {
      expect(decodeAuthOlderCursor(bad)).toBeNull();
    }
  });
});
