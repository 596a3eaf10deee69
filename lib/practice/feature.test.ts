import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFile } from '@/lib/testing/shared-files';
import { ManualClock } from './clock';
import type { Flavor } from './engine/api';
import { defineFeature, licenseNonCompliant, type FeatureContext, type PracticeFeature } from './feature';
import { PRACTICE_FEATURES } from './features';
import { PracticeHost } from './host/practice-host';
import { licenseAllows } from './license';
import { Scheduler } from './scheduler';
import { errorBody } from './server/http-utils';
import { startPracticeCluster, type PracticeCluster } from './server/index';

/**
 * The feature seam, with a small feature of the shape Watcher and ML take: routes behind a
 * licence and a cluster privilege, state in a hidden index of the deployment's engine, a tick on
 * the shared scheduler, a memory figure, a control route and disposal when the deployment goes.
 */

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const DAY = 86_400_000;
const INDEX = '.practice-counter';
const PUT_COUNTER = { action: 'cluster:admin/xpack/counter/put', granting: ['manage', 'all'] };

class Counter implements PracticeFeature {
  readonly name = 'counter';
  active = true;
  ticks: number[] = [];
  disposed = false;

  constructor(readonly ctx: FeatureContext) {}

  tick(now: number): void {
    if (this.ctx.licensed(now)) this.ticks.push(now);
  }

  put(name: string): void {
    this.ctx.engine.index(INDEX, { name, at: new Date(this.ctx.clock.now()).toISOString() }, { id: name, refresh: true });
  }

  approximateBytes(): number {
    return 1_000 + this.ticks.length * 8;
  }

  dispose(): void {
    this.disposed = true;
  }

  state(): unknown {
    return { ticks: this.ticks.length };
  }
}

const routedFlavours: Flavor[] = [];
const counterFeature = defineFeature<Counter>({
  name: 'counter',
  license: { feature: 'watcher', minimum: 'standard' },
  routes(r, flavor) {
    routedFlavours.push(flavor);
    r.add('GET', '/_counter', (ctx, counter) => ({ body: { deployment: ctx.deployment.id, ticks: counter.ticks.length } }));
    r.add('PUT', '/_counter/{name}', (ctx, counter) => {
      counter.put(ctx.params.name as string);
      return { body: { acknowledged: true } };
    }, { cluster: PUT_COUNTER });
    r.add('DELETE', '/_counter', () => ({ body: { acknowledged: true } }), { licensed: false });
  },
  controlRoutes(r) {
    r.add('GET', '/counter', (_ctx, counter) => ({ body: { ticks: counter.ticks.length } }));
  },
  create: (ctx) => new Counter(ctx),
});

let cluster: PracticeCluster;
let clock: ManualClock;

interface Created {
  id: string;
  url: string;
  username: string;
  password: string;
}

const basic = (d: Created) => `Basic ${Buffer.from(`${d.username}:${d.password}`).toString('base64')}`;

async function call(method: string, path: string, auth?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = auth;
  const response = await fetch(`${cluster.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

async function deploy(flavor: Flavor = '8'): Promise<Created> {
  const created = await call('POST', '/_practice/deployments', undefined, { flavor });
  expect(created.status).toBe(201);
  return created.body as unknown as Created;
}

function counterOf(d: Created): Counter {
  return cluster.deployments.get(d.id)?.feature<Counter>('counter') as Counter;
}

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(sharedFile('fixtures', 'errors', name), 'utf8'));
}

beforeAll(async () => {
  clock = new ManualClock(T0);
  cluster = await startPracticeCluster({ port: 0, clock, scheduler: false, features: [...PRACTICE_FEATURES, counterFeature] });
});

afterAll(async () => {
  await cluster?.close();
});

describe('licences', () => {
  it('builds Elasticsearch\'s non-compliant licence error for a feature name', () => {
    expect(errorBody(licenseNonCompliant('watcher'))).toEqual(fixture('es-issue-23490.watcher-license-non-compliant.403.json'));
    expect(errorBody(licenseNonCompliant('ml'))).toEqual(fixture('DERIVED-ml-basic-license.403.json'));
  });

  it('allows a paid feature on a trial or a high enough licence that has not expired', () => {
    const trial = { type: 'trial' as const, expiresAt: T0 + DAY };
    expect(licenseAllows(trial, 'platinum', T0)).toBe(true);
    expect(licenseAllows(trial, 'platinum', T0 + 2 * DAY)).toBe(false);
    expect(licenseAllows(trial, 'basic', T0 + 2 * DAY)).toBe(true);
    const basicLicence = { type: 'basic' as const, expiresAt: null };
    expect(licenseAllows(basicLicence, 'basic', T0)).toBe(true);
    expect(licenseAllows(basicLicence, 'standard', T0)).toBe(false);
  });
});

describe('a feature on the practice cluster', () => {
  it('registers its routes once per flavour and answers with this deployment\'s instance', async () => {
    expect([...routedFlavours].sort()).toEqual(['7', '8', '9']);
    const a = await deploy();
    const b = await deploy('7');
    counterOf(b).ticks.push(T0);
    expect(await call('GET', '/_counter', basic(a))).toEqual({ status: 200, body: { deployment: a.id, ticks: 0 } });
    expect(await call('GET', '/_counter', basic(b))).toEqual({ status: 200, body: { deployment: b.id, ticks: 1 } });
  });

  it('keeps its state in a hidden index of the deployment, where a search finds it', async () => {
    const d = await deploy();
    expect((await call('PUT', '/_counter/first', basic(d))).status).toBe(200);
    const hidden = await call('GET', `/${INDEX}/_search`, basic(d));
    expect(hidden.body).toMatchObject({ hits: { total: { value: 1 }, hits: [{ _id: 'first', _source: { name: 'first' } }] } });
    expect((await call('GET', '/*/_search', basic(d))).body).toMatchObject({ hits: { total: { value: 0 } } });
  });

  it('answers Elasticsearch\'s licence 403 on a basic or expired licence, except on exempt routes', async () => {
    const d = await deploy();
    expect((await call('PUT', `/_practice/deployments/${d.id}/license`, basic(d), { type: 'basic' })).status).toBe(200);
    expect(await call('GET', '/_counter', basic(d))).toEqual({ status: 403, body: fixture('es-issue-23490.watcher-license-non-compliant.403.json') });
    expect((await call('DELETE', '/_counter', basic(d))).status).toBe(200);
    expect((await call('GET', '/_xpack', basic(d))).body).toMatchObject({ features: { watcher: { available: false }, ml: { available: false }, security: { available: true } } });
    expect((await call('POST', '/_license/start_trial?acknowledge=true', basic(d))).status).toBe(200);
    expect((await call('GET', '/_counter', basic(d))).status).toBe(200);
    expect((await call('GET', '/_xpack', basic(d))).body).toMatchObject({ features: { watcher: { available: true }, ml: { available: true } } });

    const expiring = await deploy();
    clock.advance(31 * DAY);
    try {
      expect((await call('GET', '/_counter', basic(expiring))).status).toBe(403);
      expect((await call('GET', '/_xpack', basic(expiring))).body).toMatchObject({ license: { status: 'expired' }, features: { watcher: { available: false } } });
      cluster.scheduler.tickAll();
      expect(counterOf(expiring).ticks).toEqual([]);
    } finally {
      clock.set(T0);
    }
  });

  it('checks the route\'s cluster privilege before the licence, as Elasticsearch\'s security filter runs first', async () => {
    const d = await deploy();
    const key = await call('POST', '/_security/api_key', basic(d), { name: 'reader', role_descriptors: { reader: { cluster: ['monitor'], indices: [] } } });
    const apiKey = `ApiKey ${key.body.encoded as string}`;
    await call('PUT', `/_practice/deployments/${d.id}/license`, basic(d), { type: 'basic' });
    const denied = await call('PUT', '/_counter/x', apiKey);
    expect(denied.status).toBe(403);
    expect(JSON.stringify(denied.body)).toContain('action [cluster:admin/xpack/counter/put] is unauthorized');
    expect((await call('PUT', '/_counter/x', basic(d))).body).toMatchObject({ error: { reason: 'current license is non-compliant for [watcher]' } });
  });

  it('ticks on the shared scheduler, skipped while idle, with the clock\'s time', async () => {
    const d = await deploy();
    const counter = counterOf(d);
    clock.advance(5_000);
    cluster.scheduler.tickAll();
    expect(counter.ticks).toEqual([T0 + 5_000]);
    counter.active = false;
    cluster.scheduler.tickAll();
    expect(counter.ticks).toHaveLength(1);
    cluster.deployments.tickAll();
    expect(counter.ticks).toHaveLength(2);
    clock.set(T0);
  });

  it('counts its memory in the deployment\'s figure and is disposed with the deployment', async () => {
    const d = await deploy();
    const deployment = cluster.deployments.get(d.id);
    const counter = counterOf(d);
    const features = [...(deployment?.features.values() ?? [])];
    expect(deployment?.approximateBytes()).toBe((deployment?.engine.approximateBytes() ?? 0) + features.reduce((sum, f) => sum + f.approximateBytes(), 0));
    expect(features).toContain(counter);
    const before = cluster.scheduler.size;
    expect((await call('DELETE', `/_practice/deployments/${d.id}`, basic(d))).status).toBe(200);
    expect(counter.disposed).toBe(true);
    // Every feature that ticks leaves the scheduler with the deployment.
    expect(cluster.scheduler.size).toBe(before - features.filter((f) => typeof f.tick === 'function').length);
  });

  it('adds control routes only its own deployment may call, and its state to the deployment\'s summary', async () => {
    const a = await deploy();
    const b = await deploy();
    counterOf(a).ticks.push(T0, T0);
    expect(await call('GET', `/_practice/deployments/${a.id}/counter`, basic(a))).toEqual({ status: 200, body: { ticks: 2 } });
    expect((await call('GET', `/_practice/deployments/${a.id}/counter`, basic(b))).status).toBe(403);
    expect((await call('GET', `/_practice/deployments/${a.id}/counter`)).status).toBe(401);
    const summary = await call('GET', `/_practice/deployments/${a.id}`, basic(a));
    expect(summary.body).toMatchObject({ id: a.id, counter: { ticks: 2 }, host: { metricbeat: { running: false } } });
  });

  it('makes the simulated host the first feature', async () => {
    const d = await deploy();
    const deployment = cluster.deployments.get(d.id);
    expect([...(deployment?.features.keys() ?? [])]).toEqual([...PRACTICE_FEATURES.map((f) => f.name), 'counter']);
    expect(PRACTICE_FEATURES[0]?.name).toBe('host');
    expect(deployment?.features.get('host')).toBeInstanceOf(PracticeHost);
  });
});

describe('the seam\'s guards', () => {
  it('refuses a feature that would take over a route another already answers', async () => {
    const thief = defineFeature<Counter>({
      name: 'thief',
      routes: (r) => r.add('GET', '/_cluster/health', () => ({ body: {} })),
      create: (ctx) => new Counter(ctx),
    });
    await expect(startPracticeCluster({ port: 0, scheduler: false, features: [thief] })).rejects.toThrow('route GET /_cluster/health is registered twice');
  });

  it('without the host feature a deployment has no host routes', async () => {
    const bare = await startPracticeCluster({ port: 0, scheduler: false, features: [] });
    try {
      const created = await fetch(`${bare.url}/_practice/deployments`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      const d = (await created.json()) as Created;
      const host = await fetch(`${bare.url}/_practice/deployments/${d.id}/host/metricbeat-start`, { method: 'POST', headers: { authorization: basic(d) } });
      expect(host.status).toBe(404);
      expect(bare.deployments.get(d.id)?.features.size).toBe(0);
    } finally {
      await bare.close();
    }
  });
});

describe('the shared scheduler', () => {
  it('keeps ticking the others when one member fails, and reports which one', () => {
    const clockHere = new ManualClock(T0);
    const failures: string[] = [];
    const scheduler = new Scheduler(clockHere, 1_000, (error, member) => failures.push(`${member.name}: ${(error as Error).message}`));
    const seen: number[] = [];
    scheduler.add({ name: 'broken', tick: () => { throw new Error('boom'); } });
    scheduler.add({ name: 'fine', tick: (now) => seen.push(now) });
    clockHere.advance(1_000);
    scheduler.tickAll();
    expect(seen).toEqual([T0 + 1_000]);
    expect(failures).toEqual(['broken: boom']);
  });
});
