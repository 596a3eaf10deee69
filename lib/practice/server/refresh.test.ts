import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestLab, type RestDeployment, type RestLab } from '@/lib/testing/practice-rest';
import { ManualClock } from '../clock';

/**
 * The `refresh` parameter of the write APIs as ES documents it (?refresh, "Refresh API",
 * `index.refresh_interval`), over HTTP on a manual practice clock: `true` refreshes before
 * answering and says `forced_refresh`, `wait_for` answers once a refresh has made the write
 * searchable (it does not force one), `false` leaves it to the periodic refresh.
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

const total = async (d: RestDeployment, index: string) => (await d.call('GET', `/${index}/_search?rest_total_hits_as_int=true`)).body.hits.total as number;

describe.each(['7', '8', '9'] as const)('flavour %s', (flavor) => {
  let d: RestDeployment;
  beforeAll(async () => {
    d = await lab.deploy(flavor);
  });

  it('without refresh a write is got at once but found by search only after the refresh interval', async () => {
    const put = await d.call('PUT', '/plain/_doc/1', { msg: 'hello' });
    expect(put.status).toBe(201);
    expect(put.body).not.toHaveProperty('forced_refresh');
    expect((await d.call('GET', '/plain/_doc/1')).body).toMatchObject({ found: true, _source: { msg: 'hello' } });
    expect(await total(d, 'plain')).toBe(0);
    expect((await d.call('GET', '/plain/_count')).body.count).toBe(0);
    clock.advance(1_000);
    expect(await total(d, 'plain')).toBe(1);
  });

  it('refresh=true on index, update, delete and bulk answers forced_refresh and is searchable at once', async () => {
    const put = await d.call('PUT', '/now/_doc/1?refresh=true', { n: 1 });
    expect(put.body.forced_refresh).toBe(true);
    expect(await total(d, 'now')).toBe(1);
    const update = await d.call('POST', '/now/_update/1?refresh', { doc: { n: 2 } });
    expect(update.body).toMatchObject({ result: 'updated', forced_refresh: true });
    expect((await d.call('GET', '/now/_search?q=n:2')).body.hits.hits).toHaveLength(1);
    const bulk = await d.call('POST', '/_bulk?refresh=true', [{ index: { _index: 'now', _id: '2' } }, { n: 3 }, { delete: { _index: 'now', _id: '1' } }]);
    expect(bulk.body.items.map((item: Record<string, { forced_refresh?: boolean }>) => Object.values(item)[0]?.forced_refresh)).toEqual([true, true]);
    const del = await d.call('DELETE', '/now/_doc/2?refresh=true');
    expect(del.body).toMatchObject({ result: 'deleted', forced_refresh: true });
    expect(await total(d, 'now')).toBe(0);
  });

  it('refresh=wait_for answers only once a refresh has made the write searchable, without forced_refresh', async () => {
    await d.call('PUT', '/waiting', { settings: { index: { refresh_interval: '-1' } } });
    let answered = false;
    const pending = d.start('PUT', '/waiting/_doc/1?refresh=wait_for', { n: 1 }).then((reply) => {
      answered = true;
      return reply;
    });
    // A round trip later the write is still unsearchable, so the request is still waiting.
    expect(await total(d, 'waiting')).toBe(0);
    expect(answered).toBe(false);
    clock.advance(3_600_000);
    expect(await total(d, 'waiting')).toBe(0);
    expect(answered).toBe(false);
    expect((await d.call('POST', '/waiting/_refresh')).status).toBe(200);
    const reply = await pending;
    expect(reply.status).toBe(201);
    expect(reply.body).not.toHaveProperty('forced_refresh');
    expect(await total(d, 'waiting')).toBe(1);
  });

  it('refresh=wait_for on the default interval is answered when the practice clock passes it', async () => {
    const pending = d.start('POST', '/_bulk?refresh=wait_for', [{ index: { _index: 'interval', _id: 'a' } }, { n: 1 }]);
    expect(await total(d, 'interval')).toBe(0);
    clock.advance(1_000);
    const reply = await pending;
    expect(reply.body.errors).toBe(false);
    expect(reply.body.items[0].index).not.toHaveProperty('forced_refresh');
    expect(await total(d, 'interval')).toBe(1);
  });

  it('honours the index refresh_interval set with PUT _settings, and refuses unknown refresh values', async () => {
    await d.call('PUT', '/slow', { settings: { 'index.refresh_interval': '30s' } });
    expect((await d.call('PUT', '/slow/_settings', { index: { refresh_interval: '10s' } })).body).toEqual({ acknowledged: true });
    expect((await d.call('GET', '/slow/_settings/index.refresh_interval')).body).toEqual({ slow: { settings: { index: { refresh_interval: '10s' } } } });
    await d.call('POST', '/slow/_doc', { n: 1 });
    clock.advance(9_000);
    expect(await total(d, 'slow')).toBe(0);
    clock.advance(1_000);
    expect(await total(d, 'slow')).toBe(1);
    const bad = await d.call('PUT', '/slow/_doc/2?refresh=soon', { n: 2 });
    expect(bad).toMatchObject({ status: 400, body: { error: { type: 'illegal_argument_exception', reason: 'Unknown value for refresh: [soon].' } } });
  });

  it('keeps the searched version of an updated or deleted document until the next refresh', async () => {
    await d.call('PUT', '/versions/_doc/1?refresh=true', { v: 1 });
    await d.call('PUT', '/versions/_doc/1', { v: 2 });
    expect((await d.call('GET', '/versions/_search')).body.hits.hits[0]._source).toEqual({ v: 1 });
    expect((await d.call('GET', '/versions/_doc/1')).body._source).toEqual({ v: 2 });
    await d.call('DELETE', '/versions/_doc/1');
    expect((await d.call('GET', '/versions/_search')).body.hits.hits).toHaveLength(1);
    expect((await d.call('GET', '/versions/_doc/1')).status).toBe(404);
    await d.call('POST', '/versions/_refresh');
    expect((await d.call('GET', '/versions/_search')).body.hits.hits).toHaveLength(0);
  });
});
