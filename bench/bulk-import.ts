// Benchmark (not a test): `npm run bench:bulk`.
// The chapter 5 import path without the app around it: the generated flights.csv streamed through
// csv-parse and the 8.x client's bulk helper into a practice cluster running in its own process
// (as `npm start` runs it, with its data folder, so the journal is written too). Rows/s end to
// end, with the documents sent ready (the importer computed `@timestamp`) and with the finder's
// date and convert processors run by an ingest pipeline. BENCH_DAYS limits the file (default: all
// 61 days).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse';
import { Client } from 'es8';
import { flightsCsvStream } from '../lib/datasets/flights';

const PORT = Number(process.env.BENCH_PORT ?? 3193);
const DAYS = Number(process.env.BENCH_DAYS ?? 61);
const LAST_DAY = new Date(Date.UTC(2017, 9, 1) + (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer`);
}

async function run(es: Client, index: string, withPipeline: boolean): Promise<void> {
  await es.indices.create({ index, mappings: { properties: { '@timestamp': { type: 'date' }, carrier: { type: 'keyword' }, dep_delay: { type: 'long' }, dest: { type: 'keyword' }, origin: { type: 'keyword' }, timestamp: { type: 'date', format: 'yyyy-MM-dd HH:mm:ss' } } } });
  const rows = flightsCsvStream({ to: LAST_DAY }).pipe(parse({ columns: true }));
  const documents = (async function* () {
    for await (const row of rows as AsyncIterable<Record<string, string>>) {
      if (withPipeline) yield row;
      else yield { ...row, dep_delay: Number(row.dep_delay), '@timestamp': `${row.timestamp?.replace(' ', 'T')}.000Z` };
    }
  })();
  const started = Date.now();
  const result = await es.helpers.bulk({
    datasource: documents,
    onDocument: () => ({ index: { _index: index } }),
    ...(withPipeline ? { pipeline: 'flights-pipeline' } : {}),
    flushBytes: 1_000_000,
    concurrency: 2,
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(`${withPipeline ? 'with the date and convert pipeline' : 'documents sent ready'}: ${result.successful} rows (${result.failed} failed) in ${seconds.toFixed(1)} s = ${Math.round(result.successful / seconds)} rows/s`);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-bulk-'));
  const cluster = spawn(process.execPath, ['--import', 'tsx', 'scripts/practice-cluster.ts'], { env: { ...process.env, PRACTICE_CLUSTER_PORT: String(PORT), DATA_DIR: dataDir }, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitFor(`http://127.0.0.1:${PORT}/_practice/ping`);
    const created = (await (await fetch(`http://127.0.0.1:${PORT}/_practice/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"flavor":"8"}' })).json()) as { url: string; username: string; password: string };
    const es = new Client({ node: created.url, auth: { username: created.username, password: created.password } });
    await es.ingest.putPipeline({
      id: 'flights-pipeline',
      processors: [{ date: { field: 'timestamp', formats: ['yyyy-MM-dd HH:mm:ss'], timezone: 'Asia/Seoul' } }, { convert: { field: 'dep_delay', type: 'long', ignore_missing: true } }],
    });
    console.log(`flights.csv, ${DAYS} days, into a practice cluster in its own process (journal on):`);
    await run(es, 'flights-ready', false);
    await run(es, 'flights-piped', true);
    await es.close();
  } finally {
    cluster.kill('SIGTERM');
    await new Promise((resolve) => cluster.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
