import { describe, expect, it } from 'vitest';
import { DocStore, isoKind } from './doc-store';

/** The definition isoKind implements by hand: a string that toISOString gives back (with or without millis), 1970-9999. */
function reference(s: string): number | undefined {
  const len = s.length;
  if ((len !== 24 && len !== 20) || !s.endsWith('Z') || s[10] !== 'T' || s[4] !== '-') return undefined;
  const ms = Date.parse(s);
  if (!Number.isFinite(ms) || ms < 0 || ms > 253402300799999) return undefined;
  const iso = new Date(ms).toISOString();
  if (len === 24) return iso === s ? ms : undefined;
  return iso.endsWith('.000Z') && iso.slice(0, 19) === s.slice(0, 19) ? ms : undefined;
}

describe('isoKind', () => {
  it('agrees with toISOString on canonical, out-of-range and malformed timestamps', () => {
    const cases = [
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00Z',
      '2024-02-29T23:59:59.999Z',
      '2023-02-29T00:00:00.000Z',
      '2100-02-29T00:00:00Z',
      '2000-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-01-32T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:59:60Z',
      '1969-12-31T23:59:59Z',
      '1970-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '2026-01-01T00:00:00,000Z',
      '2026-01-01 00:00:00.000Z',
      '2026-01-01T00:00:00.0a0Z',
      '2026-1-01T00:00:00.000ZZ',
      '+02026-01-01T00:00:00Z',
      '2026-01-01T00:00:00.000+',
    ];
    for (const s of cases) expect(isoKind(s), s).toBe(reference(s));
    // A sweep of real instants, with and without millis.
    for (let t = 0; t < 253402300799999; t += 9_876_543_210_123) {
      const iso = new Date(t).toISOString();
      expect(isoKind(iso)).toBe(reference(iso));
      const noMillis = `${iso.slice(0, 19)}Z`;
      expect(isoKind(noMillis)).toBe(reference(noMillis));
    }
  });
});

describe('DocStore shapes', () => {
  it('reuses the previous structure only when keys, order and leaf kinds are the same, and rebuilds each source exactly', () => {
    const store = new DocStore();
    const docs: Record<string, unknown>[] = [
      { '@timestamp': '2026-01-01T00:00:00.000Z', a: 1, b: 'x' },
      { '@timestamp': '2026-01-01T00:00:01.000Z', a: 2, b: 'y' },
      { '@timestamp': '2026-01-01T00:00:02Z', a: 3, b: 'z' },
      { '@timestamp': '2026-01-01T00:00:03.000Z', b: 'w', a: 4 },
      { '@timestamp': '2026-01-01T00:00:04.000Z', a: '5', b: 'v' },
      { '@timestamp': '2026-01-01T00:00:05.000Z', a: 6, b: '2026-01-01T00:00:00.000Z' },
      { '@timestamp': '2026-01-01T00:00:06.000Z', a: 7, b: null },
      { '@timestamp': '2026-01-01T00:00:07.000Z', a: [1, 2], b: 'u' },
      { '@timestamp': '2026-01-01T00:00:08.000Z', a: [1, 2, 3], b: 'u' },
      { '@timestamp': '2026-01-01T00:00:09.000Z', a: 8, b: 'x', c: { d: true } },
      { '@timestamp': '2026-01-01T00:00:10.000Z', a: 9, b: 'x', c: { d: false } },
    ];
    const keys = docs.map((doc, i) => {
      const p = store.prepare(doc);
      store.append(doc, i, i, i + 1, 1, 10, p);
      return p?.key;
    });
    expect(keys[1]).toBe(keys[0]);
    expect(new Set(keys).size).toBe(9);
    docs.forEach((doc, i) => expect(store.source(i)).toEqual(doc));
    docs.forEach((doc, i) => expect(JSON.stringify(store.source(i))).toBe(JSON.stringify(doc)));
  });
});

describe('DocStore snapshots', () => {
  it('a capture taken before more writes loads back as the store was then: slots, deletions, the unsorted tail and plain-JSON documents', async () => {
    const { decodeSnapshot, encodeSnapshot } = await import('../persistence-format');
    const store = new DocStore();
    const docs: Record<string, unknown>[] = [];
    for (let i = 0; i < 3000; i += 1) {
      const doc = { '@timestamp': new Date(Date.UTC(2026, 0, 1) + (i % 7 === 0 ? -i : i) * 1000).toISOString(), host: 'vm', n: i, tag: `t${i % 13}` };
      docs.push(doc);
      store.append(doc, Date.parse(doc['@timestamp']), i, i + 1, 1, 50, store.prepare(doc));
    }
    const wide = { values: Array.from({ length: 4_100 }, (_, i) => i) };
    store.append(wide, Number.NEGATIVE_INFINITY, 3000, 3001, 1, 9000);
    for (const pos of [5, 6, 700]) store.remove(pos);
    const capture = store.capture();
    const expected = Array.from({ length: store.n }, (_, p) => (store.ver[p] === 0 ? null : { src: store.source(p), ts: store.ts[p], seq: store.seq[p] }));
    // Writes after the capture (and a tidy that rewrites slots and columns) do not reach it.
    for (let i = 0; i < 500; i += 1) store.remove(1000 + i);
    store.tidy();
    store.append({ '@timestamp': '2026-01-02T00:00:00.000Z', host: 'vm', n: -1, tag: 'late' }, Date.UTC(2026, 0, 2), 9999, 9999, 1, 50);

    const bytes = await encodeSnapshot(await DocStore.dumpCapture(capture, async () => {}));
    const loaded = DocStore.load((await decodeSnapshot(bytes)) as Parameters<typeof DocStore.load>[0]);
    expect(loaded.n).toBe(expected.length);
    expect(Array.from({ length: loaded.n }, (_, p) => (loaded.ver[p] === 0 ? null : { src: loaded.source(p), ts: loaded.ts[p], seq: loaded.seq[p] }))).toEqual(expected);
    expect(loaded.live).toBe(3001 - 3);
    loaded.tidy();
    expect(loaded.live).toBe(3001 - 3);
    const times = Array.from({ length: loaded.n }, (_, p) => loaded.ts[p] as number);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(loaded.find(3001) >= 0 && loaded.source(loaded.find(3001))).toEqual(wide);
  });
});
