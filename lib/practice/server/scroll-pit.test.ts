import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestLab, type RestDeployment, type RestLab } from '@/lib/testing/practice-rest';
import { ManualClock } from '../clock';

/**
 * Scrolls and points in time as ES documents them ("Paginate search results"): a scroll pages
 * through a snapshot taken when it opened, `_scroll_id` in every answer, the keep-alive renewed by
 * each page and counted on the clock, `clear_scroll` freeing it; a point in time the same for
 * `search_after` with the implicit `_shard_doc` tiebreaker and `pit_id` in the answer.
 */

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
let clock: ManualClock;
let lab: RestLab;

beforeAll(async () => {
  clock = new ManualClock(T0);
  lab = await startRestLab({ clock });
});

afterAll(async () => {
  await lab?.close();
});

const missing = (reason = expect.stringMatching(/^No search context found for id \[\d+\]$/)) => ({
  status: 404,
  body: { error: { root_cause: [{ type: 'search_context_missing_exception', reason }], type: 'search_phase_execution_exception', reason: 'all shards failed' }, status: 404 },
});

type Hit = { _id: string; _source: { n: number }; sort?: unknown[] };

describe.each(['7', '8', '9'] as const)('flavour %s', (flavor) => {
  let d: RestDeployment;
  beforeAll(async () => {
    d = await lab.deploy(flavor);
    const lines: unknown[] = [];
    for (let n = 0; n < 25; n += 1) lines.push({ index: { _index: 'pages', _id: `d${n}` } }, { n, '@timestamp': new Date(T0 - n * 60_000).toISOString() });
    expect((await d.call('POST', '/_bulk?refresh=true', lines)).body.errors).toBe(false);
  });

  describe('scroll', () => {
    it('pages through every hit once, with _scroll_id and the total on each page', async () => {
      const first = await d.call('POST', '/pages/_search?scroll=1m', { size: 10, sort: ['_doc'] });
      expect(first.status).toBe(200);
      expect(Object.keys(first.body)[0]).toBe('_scroll_id');
      expect(first.body.hits.total).toEqual({ value: 25, relation: 'eq' });
      const seen: string[] = first.body.hits.hits.map((h: Hit) => h._id);
      const sizes = [first.body.hits.hits.length];
      for (;;) {
        const next = await d.call('POST', '/_search/scroll', { scroll: '1m', scroll_id: first.body._scroll_id });
        expect(next.status).toBe(200);
        expect(next.body._scroll_id).toBe(first.body._scroll_id);
        expect(next.body.hits.total).toEqual({ value: 25, relation: 'eq' });
        sizes.push(next.body.hits.hits.length);
        if (next.body.hits.hits.length === 0) break;
        seen.push(...next.body.hits.hits.map((h: Hit) => h._id));
      }
      expect(sizes).toEqual([10, 10, 5, 0]);
      expect(new Set(seen).size).toBe(25);
    });

    it('keeps the sort across pages, answers integer totals when asked, and sends aggregations once', async () => {
      const first = await d.call('GET', '/pages/_search?scroll=30s&rest_total_hits_as_int=true', { size: 7, sort: [{ n: 'desc' }], aggs: { top: { max: { field: 'n' } } } });
      expect(first.body.hits.total).toBe(25);
      expect(first.body.aggregations.top.value).toBe(24);
      const order: number[] = first.body.hits.hits.map((h: Hit) => h._source.n);
      let id = first.body._scroll_id as string;
      for (let page = 0; page < 3; page += 1) {
        const next = await d.call('GET', `/_search/scroll?scroll=30s&scroll_id=${encodeURIComponent(id)}&rest_total_hits_as_int=true`);
        expect(next.body.hits.total).toBe(25);
        expect(next.body).not.toHaveProperty('aggregations');
        order.push(...next.body.hits.hits.map((h: Hit) => h._source.n));
        id = next.body._scroll_id;
      }
      expect(order).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));
    });

    it('sees the index as it was when it opened: later writes and deletes do not show', async () => {
      await d.call('PUT', '/snap/_doc/a?refresh=true', { n: 1 });
      await d.call('PUT', '/snap/_doc/b?refresh=true', { n: 2 });
      const first = await d.call('POST', '/snap/_search?scroll=1m', { size: 1, sort: [{ n: 'asc' }] });
      await d.call('PUT', '/snap/_doc/c?refresh=true', { n: 3 });
      await d.call('DELETE', '/snap/_doc/b?refresh=true');
      const second = await d.call('POST', '/_search/scroll', { scroll_id: first.body._scroll_id });
      expect(second.body.hits.hits.map((h: Hit) => h._id)).toEqual(['b']);
      expect((await d.call('POST', '/_search/scroll', { scroll_id: first.body._scroll_id })).body.hits.hits).toEqual([]);
      expect((await d.call('GET', '/snap/_search')).body.hits.hits.map((h: Hit) => h._id).sort()).toEqual(['a', 'c']);
    });

    it('expires after its keep-alive on the practice clock, each page renewing it', async () => {
      const first = await d.call('POST', '/pages/_search?scroll=1m', { size: 5 });
      clock.advance(50_000);
      expect((await d.call('POST', '/_search/scroll', { scroll_id: first.body._scroll_id })).status).toBe(200);
      clock.advance(50_000);
      expect((await d.call('POST', '/_search/scroll', { scroll_id: first.body._scroll_id, scroll: '10s' })).status).toBe(200);
      clock.advance(11_000);
      expect(await d.call('POST', '/_search/scroll', { scroll_id: first.body._scroll_id })).toMatchObject(missing());
    });

    it('clear_scroll frees scrolls by id or _all, 404 when there was none', async () => {
      const a = await d.call('POST', '/pages/_search?scroll=1m', { size: 1 });
      const b = await d.call('POST', '/pages/_search?scroll=1m', { size: 1 });
      const c = await d.call('POST', '/pages/_search?scroll=1m', { size: 1 });
      expect(await d.call('DELETE', '/_search/scroll', { scroll_id: [a.body._scroll_id] })).toMatchObject({ status: 200, body: { succeeded: true, num_freed: 1 } });
      expect(await d.call('DELETE', '/_search/scroll', { scroll_id: a.body._scroll_id })).toMatchObject({ status: 404, body: { succeeded: true, num_freed: 0 } });
      expect(await d.call('POST', '/_search/scroll', { scroll_id: a.body._scroll_id })).toMatchObject(missing());
      expect(await d.call('GET', `/_search/scroll/${b.body._scroll_id}`)).toMatchObject({ status: 200, body: { _scroll_id: b.body._scroll_id } });
      expect(await d.call('DELETE', '/_search/scroll/_all')).toMatchObject({ status: 200, body: { succeeded: true, num_freed: 2 } });
      expect(await d.call('POST', '/_search/scroll', { scroll_id: b.body._scroll_id })).toMatchObject(missing());
      expect(await d.call('POST', '/_search/scroll', { scroll_id: c.body._scroll_id })).toMatchObject(missing());
    });

    it('refuses what ES refuses in a scroll context, a keep-alive over 24 h and a malformed id', async () => {
      expect(await d.call('POST', '/pages/_search?scroll=1m', { from: 5 })).toMatchObject({ status: 400, body: { error: { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: using [from] is not allowed in a scroll context;' } } });
      expect(await d.call('POST', '/pages/_search?scroll=1m', { size: 0 })).toMatchObject({ status: 400, body: { error: { reason: 'Validation Failed: 1: [size] cannot be [0] in a scroll context;' } } });
      expect(await d.call('POST', '/pages/_search?scroll=2d', {})).toMatchObject({
        status: 400,
        body: { error: { type: 'illegal_argument_exception', reason: 'Keep alive for request (2d) is too large. It must be less than (24h). This limit can be set by changing the [search.max_keep_alive] cluster level setting.' } },
      });
      expect(await d.call('POST', '/_search/scroll', { scroll_id: 'not-a-scroll-id' })).toMatchObject({ status: 400, body: { error: { type: 'illegal_argument_exception', reason: 'Cannot parse scroll id' } } });
      expect(await d.call('POST', '/_search/scroll', {})).toMatchObject({ status: 400, body: { error: { reason: 'Validation Failed: 1: scrollId is missing;' } } });
    });

    it('belongs to whoever opened it: another API key finds no such context', async () => {
      const key = await d.call('POST', '/_security/api_key', { name: 'reader', role_descriptors: { r: { indices: [{ names: ['pages'], privileges: ['read'] }] } } });
      const reader = d.as(`ApiKey ${key.body.encoded}`);
      const mine = await d.call('POST', '/pages/_search?scroll=1m', { size: 1 });
      expect(await reader.call('POST', '/_search/scroll', { scroll_id: mine.body._scroll_id })).toMatchObject(missing());
      expect((await reader.call('DELETE', '/_search/scroll', { scroll_id: mine.body._scroll_id })).body.num_freed).toBe(0);
      const theirs = await reader.call('POST', '/pages/_search?scroll=1m', { size: 1 });
      expect((await reader.call('POST', '/_search/scroll', { scroll_id: theirs.body._scroll_id })).status).toBe(200);
      expect((await reader.call('POST', '/snap/_search?scroll=1m', {})).status).toBe(403);
    });
  });

  describe('point in time', () => {
    it('pages with search_after and the implicit _shard_doc tiebreaker over a frozen view', async () => {
      const open = await d.call('POST', '/pages/_pit?keep_alive=1m');
      expect(open.status).toBe(200);
      expect(typeof open.body.id).toBe('string');
      if (flavor === '9') expect(open.body._shards).toEqual({ total: 1, successful: 1, skipped: 0, failed: 0 });
      else expect(Object.keys(open.body)).toEqual(['id']);
      await d.call('PUT', '/pages/_doc/late?refresh=true', { n: 99 });
      const seen: number[] = [];
      let after: unknown[] | undefined;
      for (;;) {
        const page = await d.call('POST', '/_search', { size: 10, pit: { id: open.body.id, keep_alive: '1m' }, sort: [{ '@timestamp': 'asc' }], ...(after ? { search_after: after } : {}) });
        expect(page.status).toBe(200);
        expect(Object.keys(page.body)[0]).toBe('pit_id');
        expect(page.body.hits.total).toEqual({ value: 25, relation: 'eq' });
        const hits = page.body.hits.hits as Hit[];
        if (hits.length === 0) break;
        for (const h of hits) expect(h.sort).toHaveLength(2);
        seen.push(...hits.map((h) => h._source.n));
        after = hits[hits.length - 1]?.sort;
      }
      expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));
      expect((await d.call('GET', '/pages/_count')).body.count).toBe(26);
      expect(await d.call('DELETE', '/_pit', { id: open.body.id })).toMatchObject({ status: 200, body: { succeeded: true, num_freed: 1 } });
      expect(await d.call('DELETE', '/_pit', { id: open.body.id })).toMatchObject({ status: 404, body: { succeeded: true, num_freed: 0 } });
      expect(await d.call('POST', '/_search', { pit: { id: open.body.id } })).toMatchObject(missing());
      await d.call('DELETE', '/pages/_doc/late?refresh=true');
    });

    it('accepts search_after without the tiebreaker, and an explicit _shard_doc', async () => {
      const open = await d.call('POST', '/pages/_pit?keep_alive=1m');
      const explicit = await d.call('POST', '/_search', { size: 3, pit: { id: open.body.id }, sort: [{ n: 'asc' }, '_shard_doc'] });
      expect(explicit.body.hits.hits.map((h: Hit) => h.sort?.length)).toEqual([2, 2, 2]);
      const next = await d.call('POST', '/_search', { size: 3, pit: { id: open.body.id }, sort: [{ n: 'asc' }, '_shard_doc'], search_after: explicit.body.hits.hits[2].sort });
      expect(next.body.hits.hits.map((h: Hit) => h._source.n)).toEqual([3, 4, 5]);
      const plain = await d.call('POST', '/_search', { size: 2, pit: { id: open.body.id }, sort: [{ n: 'asc' }], search_after: [10] });
      expect(plain.body.hits.hits.map((h: Hit) => [h._source.n, h.sort?.length])).toEqual([
        [11, 1],
        [12, 1],
      ]);
      const outside = await d.call('POST', '/pages/_search', { sort: ['_shard_doc'] });
      expect(outside.status).toBe(400);
    });

    it('expires after its keep-alive, and is refused with an index, without keep_alive or in a scroll', async () => {
      const open = await d.call('POST', '/pages/_pit?keep_alive=30s');
      clock.advance(31_000);
      expect(await d.call('POST', '/_search', { pit: { id: open.body.id } })).toMatchObject(missing());
      const again = await d.call('POST', '/pages/_pit?keep_alive=1m');
      expect(await d.call('POST', '/pages/_search', { pit: { id: again.body.id } })).toMatchObject({
        status: 400,
        body: { error: { reason: 'Validation Failed: 1: [indices] cannot be used with point in time. Do not specify any index with point in time.;' } },
      });
      expect(await d.call('POST', '/_search?scroll=1m', { pit: { id: again.body.id } })).toMatchObject({ status: 400, body: { error: { reason: 'Validation Failed: 1: using [point in time] is not allowed in a scroll context;' } } });
      expect(await d.call('POST', '/pages/_pit')).toMatchObject({ status: 400, body: { error: { reason: 'Validation Failed: 1: [keep_alive] is not specified;' } } });
      expect((await d.call('POST', '/missing/_pit?keep_alive=1m')).status).toBe(404);
    });
  });
});
