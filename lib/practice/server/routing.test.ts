import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flavor } from '../engine/api';
import { startPracticeCluster, type PracticeCluster } from './index';

/**
 * Routing as Elasticsearch's REST layer does it: an endpoint the practice cluster does not have is
 * "no handler found" (400), never an index or a document named after it; and a new index's name
 * follows Elasticsearch's rules, whichever request would create it.
 */

let cluster: PracticeCluster;

beforeAll(async () => {
  cluster = await startPracticeCluster({ port: 0, scheduler: false });
});

afterAll(async () => {
  await cluster?.close();
});

interface Reply {
  status: number;
  body: unknown;
}

describe.each<Flavor>(['7', '8', '9'])('flavour %s', (flavor) => {
  let auth = '';

  beforeAll(async () => {
    const response = await fetch(`${cluster.url}/_practice/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flavor }) });
    const d = (await response.json()) as { username: string; password: string };
    auth = `Basic ${Buffer.from(`${d.username}:${d.password}`).toString('base64')}`;
  });

  /** node:http sends the path as written (fetch would resolve `%2E%2E` before sending). */
  function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: cluster.port, path, method, headers: { authorization: auth, 'content-type': contentType } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: raw === '' ? null : JSON.parse(raw) });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(text);
    });
  }

  async function indexNames(): Promise<string[]> {
    const cat = await call('GET', '/_cat/indices?format=json&expand_wildcards=all');
    return (cat.body as { index: string }[]).map((row) => row.index);
  }

  const noHandler = (method: string, uri: string) => ({ status: 400, body: { error: `no handler found for uri [${uri}] and method [${method}]` } });

  it('answers an endpoint it does not have with "no handler found", creating nothing', async () => {
    expect(await call('POST', '/idx/_eql/search', { query: 'process where true' })).toEqual(noHandler('POST', '/idx/_eql/search'));
    expect(await call('PUT', '/idx/_eql/search', { query: 'process where true' })).toEqual(noHandler('PUT', '/idx/_eql/search'));
    expect(await call('POST', '/_transform/t/_start', {})).toEqual(noHandler('POST', '/_transform/t/_start'));
    expect(await call('GET', '/_rollup/job')).toEqual(noHandler('GET', '/_rollup/job'));
    // `_reindex` is an endpoint now (POST only): never an index named `_reindex`.
    expect(await call('GET', '/_reindex')).toMatchObject({ status: 405, body: { error: 'Incorrect HTTP method for uri [/_reindex] and method [GET], allowed: [POST]' } });
    expect(await call('PUT', '/_logs')).toEqual(noHandler('PUT', '/_logs'));
    expect(await call('DELETE', '/idx/_eql')).toEqual(noHandler('DELETE', '/idx/_eql'));
    expect(await call('GET', '/_nothing/here/at/all?pretty')).toEqual(noHandler('GET', '/_nothing/here/at/all?pretty'));
    expect((await call('HEAD', '/idx')).status).toBe(404);
    expect(await indexNames()).toEqual([]);
  });

  it('still routes the endpoints it has, `_all` included, and answers 405 for a known path with another method', async () => {
    expect((await call('PUT', '/routed')).status).toBe(200);
    expect((await call('POST', '/routed/_doc/1?refresh=true', { n: 1 })).status).toBe(201);
    expect(await call('GET', '/_all/_count')).toMatchObject({ status: 200, body: { count: 1 } });
    expect(await call('GET', '/_all/_search')).toMatchObject({ status: 200, body: { hits: { hits: [{ _index: 'routed', _id: '1' }] } } });
    const wrong = await call('PUT', '/_search');
    expect(wrong.status).toBe(405);
    expect(wrong.body).toMatchObject({ error: 'Incorrect HTTP method for uri [/_search] and method [PUT], allowed: [GET, POST]', status: 405 });
    expect((await call('DELETE', '/routed')).status).toBe(200);
  });

  const invalid = (name: string, why: string) => ({
    status: 400,
    body: {
      error: {
        root_cause: [{ type: 'invalid_index_name_exception', reason: `Invalid index name [${name}], ${why}`, index_uuid: '_na_', index: name }],
        type: 'invalid_index_name_exception',
        reason: `Invalid index name [${name}], ${why}`,
        index_uuid: '_na_',
        index: name,
      },
      status: 400,
    },
  });

  it.each([
    ['Logs', 'Logs', 'must be lowercase'],
    ['-logs', '-logs', "must not start with '_', '-', or '+'"],
    ['+logs', '+logs', "must not start with '_', '-', or '+'"],
    ['lo%23gs', 'lo#gs', "must not contain '#'"],
    ['lo:gs', 'lo:gs', "must not contain ':'"],
    ['lo%20gs', 'lo gs', 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]'],
    ['lo%3Fgs', 'lo?gs', 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]'],
    ['lo%22gs', 'lo"gs', 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]'],
    ['lo%7Cgs', 'lo|gs', 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]'],
    ['%2E%2E', '..', "must not be '.' or '..'"],
    ['%2E', '.', "must not be '.' or '..'"],
    ['a'.repeat(256), 'a'.repeat(256), 'index name is too long, (256 > 255)'],
    ['%C3%A9'.repeat(128), 'é'.repeat(128), 'index name is too long, (256 > 255)'],
  ])('refuses to create index %s as Elasticsearch does', async (path, name, why) => {
    expect(await call('PUT', `/${path}`)).toEqual(invalid(name, why));
  });

  it('applies the same rules to an index a write would create', async () => {
    expect(await call('POST', '/Logs/_doc', { n: 1 })).toEqual(invalid('Logs', 'must be lowercase'));
    expect(await call('PUT', '/lo%23gs/_doc/1', { n: 1 })).toEqual(invalid('lo#gs', "must not contain '#'"));
    const bulk = await call('POST', '/_bulk', `${JSON.stringify({ index: { _index: 'Bad' } })}\n${JSON.stringify({ n: 1 })}\n${JSON.stringify({ index: { _index: 'good' } })}\n${JSON.stringify({ n: 2 })}\n`, 'application/x-ndjson');
    expect(bulk.status).toBe(200);
    const items = (bulk.body as { errors: boolean; items: { index: { status: number; error?: { type: string; reason: string } } }[] }).items;
    expect((bulk.body as { errors: boolean }).errors).toBe(true);
    expect(items[0]?.index).toMatchObject({ status: 400, error: { type: 'invalid_index_name_exception', reason: 'Invalid index name [Bad], must be lowercase' } });
    expect(items[1]?.index.status).toBe(201);
    expect(await indexNames()).toEqual(['good']);
  });
});
