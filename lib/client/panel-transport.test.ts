import { describe, expect, it } from 'vitest';
import type { ChannelAnswer } from '../panels/channel.contract';
import { ApiError } from './api';
import { createPanelTransport } from './panel-transport';

interface Sent {
  path: string;
  method: string;
  reads: string[] | null;
  language: string | null;
}

/** A fake app: the channel answers each read with `answer(url)`; a route GET with `route(url)`. */
function fakeApp(options: { answer?: (url: string) => ChannelAnswer; route?: (url: string) => unknown; channel?: () => Response }) {
  const sent: Sent[] = [];
  const fetch = async (path: string, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers);
    const reads = init.body ? (JSON.parse(String(init.body)) as { reads: string[] }).reads : null;
    sent.push({ path, method: init.method ?? 'GET', reads, language: headers.get('accept-language') });
    if (init.method !== 'POST') return Response.json(options.route?.(path) ?? { from: 'route', path });
    if (options.channel) return options.channel();
    return Response.json({ answers: reads!.map((url) => options.answer?.(url) ?? { data: { url } }) });
  };
  return { sent, fetch };
}

describe('panel transport (the page channel, browser side)', () => {
  it('sends the reads started together as one request and hands each its own answer', async () => {
    const app = fakeApp({});
    const transport = createPanelTransport({ fetch: app.fetch });
    const urls = ['/api/panels/cluster-status', '/api/checkpoints?chapter=3', '/api/panels/auth-log?filter=', '/api/panels/auth-log/summary?range=15m'];
    const answers = await Promise.all(urls.map((url) => transport.read<{ url: string }>(url, 'en')));
    expect(answers.map((a) => a.url)).toEqual(urls);
    expect(app.sent).toEqual([{ path: '/api/panels', method: 'POST', reads: urls, language: 'en' }]);
  });

  it('a failing read fails alone, with its own status, code, hint and params; the others are answered', async () => {
    const app = fakeApp({
      answer: (url) =>
        url.includes('auth-log')
          ? { status: 400, error: { code: 'invalid_request', message: 'character 11: a value is missing', hint: 'fix the filter', params: { field: 'filter', position: 10 } } }
          : { data: { ok: url } },
    });
    const transport = createPanelTransport({ fetch: app.fetch });
    const [status, tail] = await Promise.allSettled([transport.read('/api/panels/cluster-status', 'en'), transport.read('/api/panels/auth-log?filter=user.name%3A', 'en')]);
    expect(status).toEqual({ status: 'fulfilled', value: { ok: '/api/panels/cluster-status' } });
    expect(tail.status).toBe('rejected');
    const error = (tail as PromiseRejectedResult).reason as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code, error.message, error.hint, error.params]).toEqual([400, 'invalid_request', 'character 11: a value is missing', 'fix the filter', { field: 'filter', position: 10 }]);
    expect(app.sent).toHaveLength(1);
  });

  it('when the request itself fails (signed out), every read in it fails with that error', async () => {
    const app = fakeApp({ channel: () => Response.json({ error: { code: 'not_signed_in', message: 'Sign in', hint: 'join again' } }, { status: 401 }) });
    const transport = createPanelTransport({ fetch: app.fetch });
    const results = await Promise.allSettled([transport.read('/api/panels/cluster-status', 'ko'), transport.read('/api/checkpoints?chapter=1', 'ko')]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect(((result as PromiseRejectedResult).reason as ApiError).code).toBe('not_signed_in');
    }
  });

  it('reads in separate turns go separately; one URL asked twice at once is read once', async () => {
    const app = fakeApp({});
    const transport = createPanelTransport({ fetch: app.fetch, windowMs: 5 });
    const twice = await Promise.all([transport.read('/api/panels/cluster-status', 'en'), transport.read('/api/panels/cluster-status', 'en')]);
    expect(twice[0]).toEqual(twice[1]);
    await transport.read('/api/panels/host-metrics?range=15m', 'en');
    expect(app.sent.map((s) => s.reads)).toEqual([['/api/panels/cluster-status'], ['/api/panels/host-metrics?range=15m']]);
  });

  it('a panel the server does not carry yet ({ route: true }) is read from its own route, then and afterwards', async () => {
    const app = fakeApp({ answer: (url) => (url.startsWith('/api/panels/watches') ? { route: true } : { data: { url } }), route: (path) => ({ watches: [], path }) });
    const transport = createPanelTransport({ fetch: app.fetch });
    const [watches] = await Promise.all([transport.read('/api/panels/watches', 'en'), transport.read('/api/panels/cluster-status', 'en')]);
    expect(watches).toEqual({ watches: [], path: '/api/panels/watches' });
    await Promise.all([transport.read('/api/panels/watches', 'en'), transport.read('/api/panels/cluster-status', 'en')]);
    expect(app.sent.map((s) => [s.method, s.path, s.reads])).toEqual([
      ['POST', '/api/panels', ['/api/panels/watches', '/api/panels/cluster-status']],
      ['GET', '/api/panels/watches', null],
      ['GET', '/api/panels/watches', null],
      ['POST', '/api/panels', ['/api/panels/cluster-status']],
    ]);
  });

  it('more reads than one request carries are split; each locale gets its own request', async () => {
    const app = fakeApp({});
    const transport = createPanelTransport({ fetch: app.fetch });
    const urls = Array.from({ length: 25 }, (_, i) => `/api/panels/host-metrics?host=h${i}`);
    await Promise.all([...urls.map((url) => transport.read(url, 'en')), transport.read('/api/panels/cluster-status', 'ko')]);
    expect(app.sent.map((s) => [s.language, s.reads!.length])).toEqual([
      ['en', 20],
      ['en', 5],
      ['ko', 1],
    ]);
  });
});
