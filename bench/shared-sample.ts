// Benchmark (not a test): `npm run bench:sample`.
// 30 practice deployments press "use the sample file" (chapter 5, loadFlightsSample): each gets the whole generated
// flights file in its `flights` index, read in its learner's zone, as one shared read-only copy
// plus the deployment's own changes (shared-datasets.ts). Prints the process memory before and
// after, with each deployment's own search and aggregation run on it, and (BENCH_ML=1, the
// default) each running chapter 5's wizard job over the two months, and the time of the first
// attach (the shared copy is built) and of the others. Fails (exit 1) above 2 GiB resident.
import { readFileSync } from 'node:fs';
import { ManualClock } from '../lib/practice/clock';
import { loadFlightsSample } from '../lib/practice/datasets/flights-sample';
import { PracticeMl } from '../lib/practice/ml';
import { startPracticeCluster } from '../lib/practice/server';
import { sharedFile } from '../lib/testing/shared-files';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 30);
const ML = process.env.BENCH_ML !== '0';
const LIMIT = 2 * 1024 ** 3;
const MIB = 1024 ** 2;
/** A class in one room: most in one zone, a few joining from elsewhere. */
const ZONES = ['Asia/Seoul', 'Asia/Seoul', 'Asia/Seoul', 'Asia/Seoul', 'Asia/Seoul', 'America/New_York'];

const fixture = (name: string) => JSON.parse(readFileSync(sharedFile('fixtures', 'ml', name), 'utf8')) as Record<string, unknown>;

function memory(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.arrayBuffers };
}

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(0)} MiB`;
}

async function main(): Promise<void> {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
  const cluster = await startPracticeCluster({ port: 0, clock, scheduler: false });
  const before = memory();
  console.log(`before: rss ${mib(before.rss)}, heap+buffers ${mib(before.heap)}`);
  const attachMs: number[] = [];
  const jobs: { ms: number; records: number }[] = [];
  try {
    for (let i = 0; i < TENANTS; i += 1) {
      const d = cluster.deployments.create({ flavor: i % 3 === 0 ? '7' : i % 3 === 1 ? '8' : '9' });
      const started = Date.now();
      // What the "use the sample file" button runs (the control route's load).
      const attached = { docs: (await loadFlightsSample(d.engine, { timeZone: ZONES[i % ZONES.length] as string })).rows };
      attachMs.push(Date.now() - started);
      // The learner looks at it: a count per day, the busiest airports, a page of hits.
      d.engine.search('flights', { size: 0, aggs: { days: { date_histogram: { field: '@timestamp', calendar_interval: 'day' } }, origins: { terms: { field: 'origin', size: 5 } } } });
      d.engine.search('flights', { size: 20, sort: [{ '@timestamp': 'desc' }] });
      if (attached.docs !== 929_517) throw new Error(`deployment ${i} sees ${attached.docs} rows`);
      if (ML) {
        const ml = new PracticeMl({ engine: d.engine, clock, licence: () => 'trial', node: { id: `benchnode${String(i).padStart(13, '0')}`, name: 'instance-0000000000' } });
        const { job_id: _j, ...job } = fixture('DERIVED-flights-job.kibana-8x-single-metric-wizard.put-body.json');
        const { datafeed_id: _d, job_id: _dj, ...feed } = fixture('DERIVED-flights-datafeed.kibana-later-7x-and-8x.put-body.json');
        ml.putJob({ job_id: 'flights' }, {}, job);
        ml.putDatafeed({ datafeed_id: 'datafeed-flights' }, {}, { ...feed, job_id: 'flights' });
        const jobStarted = Date.now();
        ml.openJob({ job_id: 'flights' }, {});
        ml.startDatafeed({ datafeed_id: 'datafeed-flights' }, { start: '2017-09-30T00:00:00Z', end: '2017-12-01T00:00:00Z' });
        do ml.tick();
        while (ml.busy());
        const stats = (ml.getJobStats({ job_id: 'flights' }, {}) as { jobs: { data_counts: { processed_record_count: number } }[] }).jobs[0];
        jobs.push({ ms: Date.now() - jobStarted, records: stats?.data_counts.processed_record_count ?? 0 });
      }
    }
    const after = memory();
    const own = cluster.deployments.list().reduce((n, d) => n + d.approximateBytes(), 0);
    const zones = new Set(ZONES.slice(0, Math.min(TENANTS, ZONES.length))).size;
    console.log(`${TENANTS} deployments with the whole sample (${zones} zones)${ML ? ' and the wizard job run over it' : ''}:`);
    console.log(`  rss ${mib(after.rss)} (+${mib(after.rss - before.rss)}), heap+buffers ${mib(after.heap)} (+${mib(after.heap - before.heap)})`);
    console.log(`  the deployments' own estimate (their changes, indices and features): ${mib(own)}`);
    console.log(`  attach: first ${attachMs[0]} ms (builds the shared copy), a new zone ${attachMs[5] ?? '-'} ms, others median ${[...attachMs.slice(1, 5), ...attachMs.slice(6)].sort((a, b) => a - b)[Math.floor((attachMs.length - 2) / 2)] ?? '-'} ms`);
    if (ML) console.log(`  wizard job per deployment: median ${jobs.map((j) => j.ms).sort((a, b) => a - b)[Math.floor(jobs.length / 2)]} ms, ${jobs[0]?.records} records each`);
    const ok = after.rss < LIMIT;
    console.log(`  memory check (rss < 2 GiB): ${ok ? 'ok' : 'FAILED'}`);
    if (!ok) process.exitCode = 1;
  } finally {
    await cluster.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
