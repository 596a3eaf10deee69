// Benchmark (not a test): `npm run bench:practice`.
// 1. Loads 24 h of practice-host data into one deployment (a ManualClock drives the host), then
//    times the guide panels' typical queries through the official 8.x client over HTTP and prints
//    p50/p99 per query.
// 2. Loads 24 h into 50 deployments and prints the process memory; fails (exit code 1) above 1 GiB.
import { Client } from 'es8';
import { ManualClock } from '../lib/practice/clock';
import { startPracticeCluster, type PracticeCluster } from '../lib/practice/server';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 50);
const MEMORY_LIMIT = 1024 ** 3;

interface Created {
  id: string;
  url: string;
  username: string;
  password: string;
}

async function control(cluster: PracticeCluster, method: string, path: string, body?: unknown, auth?: Created): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const response = await fetch(`${cluster.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Creates a deployment at the clock's current time with both Beats running (and their first-hour backfill). */
async function labDeployment(cluster: PracticeCluster): Promise<Created> {
  const d = (await control(cluster, 'POST', '/_practice/deployments', { flavor: '8' })) as unknown as Created;
  await control(cluster, 'POST', `/_practice/deployments/${d.id}/host/metricbeat-setup`, {}, d);
  await control(cluster, 'POST', `/_practice/deployments/${d.id}/host/filebeat-setup`, {}, d);
  await control(cluster, 'POST', `/_practice/deployments/${d.id}/host/metricbeat-start`, {}, d);
  await control(cluster, 'POST', `/_practice/deployments/${d.id}/host/filebeat-start`, {}, d);
  return d;
}

/**
 * Moves the clock to `end` an hour at a time, with the handout's events sprinkled in. The hosts
 * are driven in-process here: each step blocks the event loop for a while, and an HTTP call right
 * after it could race the server closing an idle keep-alive connection.
 */
function driveTo(cluster: PracticeCluster, clock: ManualClock, end: number, lab: Created[]): void {
  let hour = 0;
  while (clock.now() < end) {
    clock.set(Math.min(end, clock.now() + HOUR));
    cluster.deployments.tickAll();
    hour += 1;
    if (hour % 3 === 0) {
      for (const d of lab) {
        const host = cluster.deployments.get(d.id)?.host;
        host?.act('ssh-attempt', { count: 1 + (hour % 4) });
        if (hour % 6 === 0) host?.act('cpu-load', { minutes: 5, cores: 1 });
      }
    }
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function time(name: string, run: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 10; i += 1) await run();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i += 1) {
    const started = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  console.log(`${name.padEnd(44)} p50 ${percentile(samples, 50).toFixed(2).padStart(8)} ms   p99 ${percentile(samples, 99).toFixed(2).padStart(8)} ms`);
}

function mib(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

async function main(): Promise<void> {
  const t0 = Math.floor(Date.now() / 1000) * 1000;
  const clock = new ManualClock(t0 - DAY);
  const cluster = await startPracticeCluster({ port: 0, clock, scheduler: false });
  try {
    // ----- one deployment, 24 h, query timings
    let started = Date.now();
    const first = await labDeployment(cluster);
    driveTo(cluster, clock, t0, [first]);
    const es = new Client({ node: first.url, auth: { username: first.username, password: first.password }, maxRetries: 1 });
    await es.indices.refresh({ index: 'metricbeat-*,filebeat-*' });
    const docs = (await es.count({ index: 'metricbeat-*,filebeat-*' })).count;
    console.log(`Loaded 24 h of host data: ${docs} documents in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const hostname = cluster.deployments.get(first.id)?.host.identity.hostname ?? '';

    console.log(`\nPanel queries over HTTP with the 8.x client (${ITERATIONS} runs each):`);
    await time('host list: terms host.name + max @timestamp, 24h', () =>
      es.search({
        index: 'metricbeat-*',
        size: 0,
        query: { range: { '@timestamp': { gte: 'now-24h' } } },
        aggs: { hosts: { terms: { field: 'host.name', size: 50 }, aggs: { last_seen: { max: { field: '@timestamp' } } } } },
      }),
    );
    await time('host list with latest values, 15m', () =>
      es.search({
        index: 'metricbeat-*',
        size: 0,
        query: { bool: { filter: [{ range: { '@timestamp': { gte: 'now-15m' } } }, { term: { 'event.module': 'system' } }] } },
        aggs: {
          hosts: {
            terms: { field: 'host.name', size: 50 },
            aggs: {
              last_seen: { max: { field: '@timestamp' } },
              cpu_norm: { avg: { field: 'system.cpu.total.norm.pct' } },
              mem: { avg: { field: 'system.memory.actual.used.pct' } },
              load1: { avg: { field: 'system.load.1' } },
            },
          },
        },
      }),
    );
    for (const interval of ['10s', '30s']) {
      await time(`CPU/load/memory histogram, 15m @ ${interval}`, () =>
        es.search({
          index: 'metricbeat-*',
          size: 0,
          query: { bool: { filter: [{ term: { 'host.name': hostname } }, { range: { '@timestamp': { gte: 'now-15m', lte: 'now' } } }] } },
          aggs: {
            ts: {
              date_histogram: { field: '@timestamp', fixed_interval: interval, min_doc_count: 0, extended_bounds: { min: 'now-15m', max: 'now' } },
              aggs: {
                cpu: { avg: { field: 'system.cpu.total.norm.pct' } },
                load1: { avg: { field: 'system.load.1' } },
                mem: { avg: { field: 'system.memory.actual.used.pct' } },
              },
            },
          },
        }),
      );
    }
    const tailQuery = { bool: { filter: [{ term: { 'event.dataset': 'system.auth' } }] } };
    const firstPage = await es.search({ index: 'filebeat-*', size: 100, sort: [{ '@timestamp': 'desc' }], query: tailQuery });
    const after = firstPage.hits.hits[firstPage.hits.hits.length - 1]?.sort;
    await time('auth tail: system.auth, @timestamp desc, 100', () => es.search({ index: 'filebeat-*', size: 100, sort: [{ '@timestamp': 'desc' }], query: tailQuery }));
    await time('auth tail: next page with search_after', () =>
      es.search({ index: 'filebeat-*', size: 100, sort: [{ '@timestamp': 'desc' }], query: tailQuery, ...(after ? { search_after: after } : {}) }),
    );
    await es.close();

    // ----- many deployments, memory
    started = Date.now();
    clock.set(t0 - DAY);
    const lab: Created[] = [first];
    for (let i = 1; i < DEPLOYMENTS; i += 1) lab.push(await labDeployment(cluster));
    driveTo(cluster, clock, t0, lab.slice(1));
    const totalDocs = cluster.deployments.list().reduce((n, d) => n + d.engine.catIndices().reduce((m, i) => m + i.docsCount, 0), 0);
    const estimatedBytes = cluster.deployments.list().reduce((n, d) => n + d.approximateBytes(), 0);
    (globalThis as { gc?: () => void }).gc?.();
    const memory = process.memoryUsage();
    console.log(`\n${DEPLOYMENTS} deployments with 24 h of host data each (${totalDocs} documents, loaded in ${((Date.now() - started) / 1000).toFixed(1)} s):`);
    console.log(`  rss ${mib(memory.rss)}, heapUsed ${mib(memory.heapUsed)}, heapTotal ${mib(memory.heapTotal)}, external ${mib(memory.external)}, arrayBuffers ${mib(memory.arrayBuffers)}`);
    console.log(`  deployments' own estimate (engines and features): ${mib(estimatedBytes)}`);
    const ok = memory.rss < MEMORY_LIMIT;
    console.log(`  memory check (rss < 1 GiB): ${ok ? 'ok' : 'FAILED'}`);
    if (!ok) process.exitCode = 1;
  } finally {
    await cluster.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
