// Benchmark (not a test): `npm run bench:durability`.
// 1. One practice deployment with both Beats running for 24 h (a ManualClock, the journal written
//    every 10 simulated seconds, as the one-second flush meets the host's 10-second slots): the
//    disk use per deployment (largest seen and at the end), the number of compactions, and the
//    longest synchronous parts of a flush and a compaction (the event loop's share).
// 2. The restart: time to read the deployment back, and that it is whole.
// 3. 929 517 flights-shaped documents bulk-indexed into one deployment with and without the
//    journal: docs/s, and the compaction of a large index.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { FLIGHT_AIRPORTS, FLIGHT_CARRIERS, flightDays } from '../lib/datasets/flights';
import { ManualClock } from '../lib/practice/clock';
import type { BulkAction } from '../lib/practice/engine/api';
import { startPracticeCluster } from '../lib/practice/server';

const MIB = 1024 ** 2;
const HOUR = 3_600_000;

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) total += statSync(path.join(dir, name)).size;
  return total;
}

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

async function hostDay(root: string): Promise<void> {
  const dataDir = path.join(root, 'host');
  const t0 = Math.floor(Date.now() / 1000) * 1000;
  const clock = new ManualClock(t0 - 24 * HOUR);
  let cluster = await startPracticeCluster({ port: 0, clock, scheduler: false, dataDir, persistence: { flushEveryMs: 3_600_000 } });
  const d = cluster.deployments.create({ flavor: '8' });
  for (const action of ['metricbeat-setup', 'filebeat-setup', 'metricbeat-start', 'filebeat-start'] as const) d.host.act(action);
  const dir = path.join(dataDir, 'deployments', d.id);
  let largest = 0;
  let step = 0;
  const started = Date.now();
  while (clock.now() < t0) {
    clock.set(clock.now() + 10_000);
    cluster.deployments.tickAll();
    if (step % 90 === 0) d.host.act('ssh-attempt', { count: 2 });
    await cluster.store?.flush();
    if (step % 60 === 0) largest = Math.max(largest, dirBytes(dir));
    step += 1;
  }
  largest = Math.max(largest, dirBytes(dir));
  const docs = d.engine.count('metricbeat-*,filebeat-*', undefined).count;
  const stats = cluster.store?.stats;
  console.log(`24 h of host data in one deployment: ${docs} documents, ${step} flushes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  disk: ${mib(dirBytes(dir))} at the end, ${mib(largest)} at most (sampled every 10 simulated minutes); ${stats?.compactions} compactions`);
  console.log(`  event loop: longest flush collection ${stats?.longestCollectMs.toFixed(1)} ms, longest compaction capture ${stats?.longestCaptureMs.toFixed(1)} ms, longest slice of a snapshot's encoding ${stats?.longestSliceMs.toFixed(1)} ms, longest slice of the timer's flush ${stats?.longestFlushSliceMs.toFixed(1)} ms`);
  console.log(`  engine memory estimate ${mib(d.engine.approximateBytes())}`);
  await cluster.close();

  const restart = Date.now();
  cluster = await startPracticeCluster({ port: 0, clock, scheduler: false, dataDir });
  const back = cluster.deployments.get(d.id)?.engine.count('metricbeat-*,filebeat-*', undefined).count;
  console.log(`  restart: read back in ${Date.now() - restart} ms, ${back} documents (${back === docs ? 'whole' : 'NOT WHOLE'})`);
  if (back !== docs) process.exitCode = 1;
  await cluster.close();
}

function flightActions(): BulkAction[][] {
  const batches: BulkAction[][] = [];
  for (const day of flightDays()) {
    const actions: BulkAction[] = [];
    for (let i = 0; i < day.count; i += 1) {
      const iso = new Date(day.dayStartUtc + (day.minute[i] as number) * 60_000).toISOString();
      actions.push({
        op: 'index',
        index: 'flights',
        source: { '@timestamp': iso, timestamp: `${iso.slice(0, 10)} ${iso.slice(11, 19)}`, carrier: FLIGHT_CARRIERS[day.carrier[i] as number], origin: FLIGHT_AIRPORTS[day.origin[i] as number], dest: FLIGHT_AIRPORTS[day.dest[i] as number], dep_delay: day.depDelay[i] },
      });
      if (actions.length === 5_000) batches.push(actions.splice(0));
    }
    if (actions.length > 0) batches.push(actions);
  }
  return batches;
}

async function flights(root: string): Promise<void> {
  const batches = flightActions();
  const docs = batches.reduce((n, b) => n + b.length, 0);
  for (const persisted of [false, true]) {
    const dataDir = path.join(root, persisted ? 'flights' : 'flights-memory');
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const cluster = await startPracticeCluster({ port: 0, clock, scheduler: false, dataDir: persisted ? dataDir : undefined });
    const d = cluster.deployments.create({ flavor: '8' });
    d.engine.createIndex('flights', { mappings: { properties: { '@timestamp': { type: 'date' }, timestamp: { type: 'date', format: 'yyyy-MM-dd HH:mm:ss' }, carrier: { type: 'keyword' }, origin: { type: 'keyword' }, dest: { type: 'keyword' }, dep_delay: { type: 'long' } } } });
    const started = Date.now();
    for (const batch of batches) {
      d.engine.bulk(structuredClone(batch));
      // As the one-second timer would, between requests.
      cluster.store?.flushAll();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const indexedMs = Date.now() - started;
    await cluster.store?.flush();
    const writtenMs = Date.now() - started;
    console.log(`flights, ${docs} documents in batches of 5 000, ${persisted ? 'with the journal' : 'in memory only'}: ${Math.round(docs / (indexedMs / 1000))} docs/s indexing${persisted ? `, ${Math.round(docs / (writtenMs / 1000))} docs/s until the journal was on disk` : ''}`);
    if (persisted) {
      const dir = path.join(dataDir, 'deployments', d.id);
      console.log(`  journal ${mib(dirBytes(dir))}; compaction:`);
      const compactStarted = Date.now();
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      await cluster.store?.compactNow(d.id);
      delay.disable();
      console.log(`  event loop delay while compacting: max ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms`);
      const stats = cluster.store?.stats;
      console.log(`  snapshot written in ${Date.now() - compactStarted} ms, ${mib(dirBytes(dir))} on disk; event loop: capture ${stats?.longestCaptureMs.toFixed(0)} ms, longest slice of the encoding ${stats?.longestSliceMs.toFixed(0)} ms`);
    }
    await cluster.close();
    if (persisted) {
      const restart = Date.now();
      const again = await startPracticeCluster({ port: 0, clock, scheduler: false, dataDir });
      console.log(`  restart: ${again.deployments.list()[0]?.engine.count('flights', undefined).count} documents read back in ${Date.now() - restart} ms`);
      await again.close();
    }
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'bench-durability-'));
  try {
    await hostDay(root);
    await flights(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
