// Benchmark (not a test): `npm run bench:import` (run `npm run build` first; flags below).
//
// Chapter 5's import through the app's route into the practice cluster: the built app (`next
// start`) and the practice cluster in a process of its own (`scripts/practice-cluster.ts`, under
// tsx), as `npm start` runs them (--practice in-app expects one the app itself starts). A self-paced
// learner signs in over HTTP and connects a practice deployment; then
// 1. engine only: the same rows as Kibana's importer sends them (`{message}` + the finder's
//    pipeline, 5 000 per `_bulk`) posted straight to a second deployment, to see what the
//    practice cluster itself takes;
// 2. through the app: the generated flights.csv streamed as the body of
//    `POST /api/imports?index=flights` (analysis, index and pipeline, the client's bulk helper).
// It prints rows/s of both and CPU per row: the engine's (run 1: bulk parsing, indexing and the
// ingest pipeline) and the route's own overhead (run 2 minus run 1: reading the upload, the
// client's bulk helper, HTTP between the two). Rows/s depend on what else the machine runs; the
// CPU per row much less.
//
// Flags: --from 2017-11-09 --to 2017-11-26 (the browser test's slice; --full: the whole file)
//        --port 3152 --practice-port 9252 --repeat N (through-the-app runs, 1)
//        --practice separate|in-app (separate)
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { flightsCsvChunks, flightsCsvStream, flightsSize, type FlightsRange } from '../lib/datasets/flights';
import { processTree, ROOT, startProcess, stoppingProcesses, stopProcess, waitFor } from './support/processes';

function option(argv: string[], name: string, fallback: string): string {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 && argv[at + 1] ? (argv[at + 1] as string) : fallback;
}

/** A browser-like session: next-auth's cookies kept between requests. */
class Session {
  private readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async request(method: string, url: string, init: { json?: unknown; form?: Record<string, string>; body?: ReadableStream<Uint8Array>; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': 'en', ...init.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: BodyInit | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.body) body = init.body;
    const response = await fetch(`${this.base}${url}`, { method, headers, body, redirect: 'manual', ...(init.body ? { duplex: 'half' } : {}) } as RequestInit);
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return response;
  }

  async json<T>(method: string, url: string, json?: unknown): Promise<T> {
    const response = await this.request(method, url, { json });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url} -> ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  async signInSelfPaced(name: string): Promise<void> {
    const { csrfToken } = await this.json<{ csrfToken: string }>('GET', '/api/auth/csrf');
    await (await this.request('POST', '/api/auth/callback/self-paced', { form: { name, csrfToken, json: 'true' } })).text();
    const session = await this.json<{ participant?: { id: string } }>('GET', '/api/auth/session');
    if (!session.participant) throw new Error('self-paced sign-in failed');
  }
}

/** The rows as Kibana's importer sends them, straight to a practice deployment (5 000 per request). */
async function engineOnly(practiceUrl: string, range: FlightsRange): Promise<{ rows: number; seconds: number }> {
  const created = (await (await fetch(`${practiceUrl}/_practice/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flavor: '8' }) })).json()) as {
    username: string;
    password: string;
  };
  const auth = `Basic ${Buffer.from(`${created.username}:${created.password}`).toString('base64')}`;
  const es = async (method: string, p: string, body: string, type = 'application/json') => {
    const response = await fetch(`${practiceUrl}${p}`, { method, headers: { authorization: auth, 'content-type': type }, body });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${p} -> ${response.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const head = [...flightsCsvChunks({ from: range.from, to: range.from })].join('').slice(0, 100_000).split('\n').slice(0, -1);
  const structure = await es('POST', '/_text_structure/find_structure', `${head.join('\n')}\n`, 'application/x-ndjson');
  const pipeline = structure.ingest_pipeline as { processors: Record<string, Record<string, unknown>>[] };
  pipeline.processors = pipeline.processors.map((p) => (p.date ? { date: { ...p.date, timezone: 'UTC' } } : p));
  await es('PUT', '/_ingest/pipeline/flights-pipeline', JSON.stringify(pipeline));
  await es('PUT', '/flights', JSON.stringify({ mappings: structure.mappings }));
  let rows = 0;
  let batch: string[] = [];
  let seconds = 0;
  const flush = async () => {
    const body = `${batch.join('\n')}\n`;
    const t0 = performance.now();
    const answer = await es('POST', '/_bulk', body, 'application/x-ndjson');
    seconds += (performance.now() - t0) / 1000;
    if (answer.errors) throw new Error('bulk item errors');
    batch = [];
  };
  let first = true;
  for (const chunk of flightsCsvChunks(range)) {
    for (const line of chunk.split('\n')) {
      if (line === '') continue;
      if (first) {
        first = false;
        continue;
      }
      batch.push(JSON.stringify({ index: { _index: 'flights', _id: String(rows), pipeline: 'flights-pipeline' } }), JSON.stringify({ message: line }));
      rows += 1;
      if (batch.length >= 10_000) await flush();
    }
  }
  if (batch.length > 0) await flush();
  return { rows, seconds };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const range: FlightsRange = argv.includes('--full') ? {} : { from: option(argv, 'from', '2017-11-09'), to: option(argv, 'to', '2017-11-26') };
  const port = Number(option(argv, 'port', '3152'));
  const practicePort = Number(option(argv, 'practice-port', '9252'));
  const repeat = Math.max(1, Number(option(argv, 'repeat', '1')));
  const separate = option(argv, 'practice', 'separate') === 'separate';
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('No build: run `npm run build` first (the bench measures the built app).');
  const size = flightsSize(range);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'import-bench-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    DATA_DIR: dataDir,
    PRACTICE_CLUSTER_PORT: String(practicePort),
  };
  console.log(`[bench] flights.csv ${range.from ?? '2017-10-01'}..${range.to ?? '2017-11-30'}: ${size.rows} rows, ${(size.bytes / 2 ** 20).toFixed(1)} MiB; ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}`);
  let practice: ChildProcess | undefined;
  let app: ChildProcess | undefined;
  const finish = async () => {
    stoppingProcesses(true);
    await stopProcess(app);
    await stopProcess(practice);
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void finish().then(() => process.exit(130)));
  try {
    const practiceUrl = `http://127.0.0.1:${practicePort}`;
    if (separate) {
      practice = startProcess('practice cluster', process.execPath, ['--import', 'tsx', 'scripts/practice-cluster.ts'], env, path.join(dataDir, 'practice.log'));
      await waitFor(`${practiceUrl}/_practice/ping`, 60_000);
    }
    app = startProcess('app', path.join(ROOT, 'node_modules', '.bin', 'next'), ['start', '-H', '127.0.0.1', '-p', String(port)], env, path.join(dataDir, 'app.log'));
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/api/health`, 120_000);
    await waitFor(`${practiceUrl}/_practice/ping`, 60_000);
    // In-app, the engine's CPU is the app process's: what run 1 spends is all engine.
    const enginePid = separate ? practice!.pid! : app.pid!;

    const engineCpu0 = processTree(enginePid).cpuS;
    const engine = await engineOnly(practiceUrl, range);
    const engineUs = ((processTree(enginePid).cpuS - engineCpu0) / engine.rows) * 1e6;
    console.log(`[bench] 1. engine only: ${engine.rows} rows in ${engine.seconds.toFixed(1)} s of _bulk = ${Math.round(engine.rows / engine.seconds)} rows/s; engine ${engineUs.toFixed(0)} µs CPU/row`);

    const session = new Session(base);
    await session.signInSelfPaced('Import bench');
    await session.json('POST', '/api/practice', { flavor: '8' });
    for (let run = 1; run <= repeat; run += 1) {
      const appCpu0 = processTree(app.pid!).cpuS;
      const rssBefore = processTree(app.pid!).rssBytes;
      let rssPeak = rssBefore;
      const appPid = app.pid!;
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, processTree(appPid).rssBytes);
      }, 200);
      const practiceCpuStart = separate ? processTree(practice!.pid!).cpuS : 0;
      const t0 = performance.now();
      const body = Readable.toWeb(flightsCsvStream(range)) as ReadableStream<Uint8Array>;
      const response = await session.request('POST', `/api/imports?index=flights&tz=UTC&size=${size.bytes}`, { body, headers: { 'content-type': 'text/csv' } });
      const progress = (await response.json()) as { state?: string; rows?: number; failedRows?: number; rowsPerSecond?: number; error?: unknown };
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      const appCpu = processTree(app.pid!).cpuS - appCpu0;
      const practiceCpu = separate ? processTree(practice!.pid!).cpuS - practiceCpuStart : 0;
      if (!response.ok || progress.state !== 'done') throw new Error(`import answered ${response.status}: ${JSON.stringify(progress).slice(0, 300)}`);
      const rows = progress.rows ?? 0;
      const totalUs = ((appCpu + practiceCpu) / rows) * 1e6;
      const routeUs = separate ? (appCpu / rows) * 1e6 : totalUs - engineUs;
      console.log(
        `[bench] 2. through the app (run ${run}): ${rows} rows (${progress.failedRows} failed) in ${seconds.toFixed(1)} s = ${Math.round(rows / seconds)} rows/s end to end (${progress.rowsPerSecond} rows/s while indexing); ` +
          `${totalUs.toFixed(0)} µs CPU/row in all, of which the route's own overhead ${routeUs.toFixed(0)} µs/row (engine ${(totalUs - routeUs).toFixed(0)} µs/row); ` +
          `on one free core the route alone would allow ~${Math.round(1e6 / Math.max(1, routeUs))} rows/s, the engine ~${Math.round(1e6 / Math.max(1, totalUs - routeUs))} rows/s; ` +
          `app resident ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, ${(rssPeak / 2 ** 20).toFixed(0)} MiB at most during the upload of ${(size.bytes / 2 ** 20).toFixed(1)} MiB`,
      );
    }
  } finally {
    await finish();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
