// Benchmark (not a test): `npm run build && npm run bench:cold-start -- --runs 5`.
//
// What the first requests after a start cost: the built guide is started as `npm start` serves it
// (scripts/guide-server.mjs, no practice cluster, its data folder made by a first start that is
// not counted: the embedded database's creation is a first install's cost; with DATABASE_URL, a
// fresh PostgreSQL database on that server instead, dropped after), and as soon as it
// listens the bench sends the requests a class's first pages send, each three times in a row: the
// page channel (`POST /api/panels`, answered 401 without a session, after the middleware, the route's
// code and the session check), a chapter page, and the health route. It prints how long the server
// took to listen, each request's first and third time, and the resident memory after them.
// Runs alternate between the build as configured (next.config.js loads every route's code at start,
// `preloadEntriesOnStart`) and with that turned off (NEXT_PRELOAD_ENTRIES=false), so the two
// compare back to back. The requests go --after seconds after the server listens (default 5: a
// class's pages come after its server started; the loading at start runs after listening, so with
// --after 0 the first requests wait for it). Flags: --runs R (5 of each) --port P (3195) --after S (5).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshDatabase } from './support/database';
import { ROOT, processTree, startProcess, stopProcess, stoppingProcesses } from './support/processes';
import { pct } from './support/stats';

function flag(name: string, fallback: number, least = 1): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value < least) throw new Error(`--${name} must be a number of at least ${least}`);
  return value;
}

const runs = flag('runs', 5);
const port = flag('port', 3195);
const afterS = flag('after', 5, 0);
const base = `http://127.0.0.1:${port}`;

const FIRST_REQUESTS: { name: string; send: () => Promise<Response> }[] = [
  {
    name: 'POST /api/panels (no session)',
    send: () => fetch(`${base}/api/panels`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reads":[]}' }),
  },
  { name: 'GET /en/chapters/filebeat', send: () => fetch(`${base}/en/chapters/filebeat`, { redirect: 'manual' }) },
  { name: 'GET /api/health', send: () => fetch(`${base}/api/health`) },
];

/** Resolves once a TCP connection to the port succeeds: no HTTP request, so no route is loaded by waiting. */
async function listening(timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(25);
  }
  throw new Error(`the guide did not listen on port ${port} within ${timeoutMs / 1000} s`);
}

interface RunFigures {
  listenMs: number;
  /** Per request: the first, second and third time, ms. */
  times: Map<string, number[]>;
  rssMiB: number;
}

async function oneRun(dataDir: string, database: Record<string, string>, preload: boolean): Promise<RunFigures> {
  const env = { ...process.env, ...database, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, PRACTICE_CLUSTER: 'false', NEXT_PRELOAD_ENTRIES: preload ? 'true' : 'false' };
  const started = performance.now();
  stoppingProcesses(false);
  const app = startProcess('guide', process.execPath, [path.join(ROOT, 'scripts', 'guide-server.mjs')], env, path.join(dataDir, `guide-${preload ? 'preload' : 'lazy'}.log`));
  try {
    await listening(60_000);
    const listenMs = performance.now() - started;
    await sleep(afterS * 1000);
    const times = new Map<string, number[]>();
    for (const request of FIRST_REQUESTS) {
      const list: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const sent = performance.now();
        const response = await request.send();
        await response.arrayBuffer();
        list.push(performance.now() - sent);
      }
      times.set(request.name, list);
    }
    return { listenMs, times, rssMiB: processTree(app.pid!).rssBytes / 2 ** 20 };
  } finally {
    stoppingProcesses(true);
    await stopProcess(app);
  }
}

const median = (values: number[]) => pct([...values].sort((a, b) => a - b), 50);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lab-cold-start-'));
  const postgres = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL, 'cold_start', 0) : null;
  const database: Record<string, string> = postgres
    ? { DATABASE_URL: postgres.url, AUTH_SECRET: randomBytes(32).toString('hex'), CREDENTIALS_KEY: randomBytes(32).toString('hex') }
    : {};
  const results = { preload: [] as RunFigures[], lazy: [] as RunFigures[] };
  try {
    await oneRun(dataDir, database, true);
    for (let i = 0; i < runs; i += 1) {
      results.preload.push(await oneRun(dataDir, database, true));
      results.lazy.push(await oneRun(dataDir, database, false));
      console.log(`[bench] run ${i + 1} of ${runs} done`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await postgres?.drop();
  }
  console.log(`\nFirst requests after a start, ${postgres ? 'PostgreSQL' : 'the embedded database'}, ${afterS} s after listening (median of ${runs} runs each, ms; "1st / 3rd" time of the same request):`);
  console.log(`  ${'what'.padEnd(40)} ${'routes loaded at start'.padStart(24)} ${'on first request'.padStart(20)}`);
  const row = (name: string, of: (run: RunFigures) => number, unit = 'ms') =>
    console.log(`  ${name.padEnd(40)} ${`${median(results.preload.map(of)).toFixed(0)} ${unit}`.padStart(24)} ${`${median(results.lazy.map(of)).toFixed(0)} ${unit}`.padStart(20)}`);
  row('start to listening', (run) => run.listenMs);
  for (const request of FIRST_REQUESTS) {
    row(`${request.name}, 1st`, (run) => run.times.get(request.name)![0]!);
    row(`${request.name}, 3rd`, (run) => run.times.get(request.name)![2]!);
  }
  row('resident memory after them', (run) => run.rssMiB, 'MiB');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
