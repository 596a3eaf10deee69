// Benchmark (not a test): `npm run bench:crafted-filter [-- --in-process]`.
// Issue 12, finding 1: a learner makes SSH attempts as user `aaaa…a` (32 a's) and then filters the
// auth-log panel with `user.name: *a*a*…*a*c`. With a backtracking wildcard matcher each document
// costs time exponential in the number of `*a` groups, and with the practice cluster inside the
// app's process every other request waits for it.
//
// For 9 to 12 groups this times the auth-log panel's own request (lib/queries/auth-log/tail.ts)
// through the official 8.x client, BENCH_RUNS times each, and meanwhile, one after another:
//   - asks the app for GET /api/health (another learner's request to the guide), and
//   - pings the practice cluster (another tenant's request to the same cluster).
// By default the app runs as `npm start` runs it (scripts/start.mjs: the guide, with the practice
// cluster as its child process; a stale or missing build is rebuilt first) on BENCH_APP_PORT
// (default 9723) with the practice cluster on BENCH_PORT (default 9724) and a fresh data folder.
// `--in-process` instead starts the practice cluster inside this process, beside a bare
// /api/health server on the same event loop: the arrangement before issue 12.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'es8';
import { startPracticeCluster } from '../lib/practice/server';
import { buildAuthTailRequest } from '../lib/queries/auth-log/tail';

const IN_PROCESS = process.argv.includes('--in-process');
const PORT = Number(process.env.BENCH_PORT ?? 9724);
const APP_PORT = Number(process.env.BENCH_APP_PORT ?? 9723);
const USERS = Number(process.env.BENCH_DOCUMENTS ?? 11);
const GROUPS = [9, 10, 11, 12];
/** Runs per group (BENCH_RUNS); the table shows the median search and the worst waits. */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = path.resolve(import.meta.dirname, '..');

interface Created {
  id: string;
  url: string;
  username: string;
  password: string;
}

async function control(url: string, method: string, subpath: string, body?: unknown, auth?: Created): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const response = await fetch(`${url}${subpath}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${subpath}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

interface Running {
  /** The practice cluster. */
  url: string;
  /** Where GET /api/health is asked. */
  appUrl: string;
  close: () => Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  return fetch(url).then((r) => r.ok, () => false);
}

/** The old arrangement: the practice cluster and a bare health route share this process's loop. */
async function startInProcess(): Promise<Running> {
  const cluster = await startPracticeCluster({ port: PORT });
  const app = createServer((request, response) => {
    response.writeHead(request.url === '/api/health' ? 200 : 404, { 'content-type': 'application/json' });
    response.end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => app.listen(APP_PORT, '127.0.0.1', resolve));
  return {
    url: cluster.url,
    appUrl: `http://127.0.0.1:${APP_PORT}`,
    close: async () => {
      await new Promise((resolve) => app.close(resolve));
      await cluster.close();
    },
  };
}

/** The app as `npm start` runs it, in a fresh data folder. */
async function startApp(): Promise<Running> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-crafted-'));
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(APP_PORT), PRACTICE_CLUSTER_PORT: String(PORT), PRACTICE_CLUSTER_URL: '', DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stopped = new Promise((resolve) => child.once('exit', resolve));
  const close = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([stopped, sleep(15_000)]);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${PORT}`;
  const appUrl = `http://127.0.0.1:${APP_PORT}`;
  // A build may run first (scripts/start.mjs rebuilds a stale one): up to 15 minutes.
  for (let i = 0; i < 9_000; i += 1) {
    if (child.exitCode !== null) break;
    if ((await answers(`${appUrl}/api/health`)) && (await answers(`${url}/_practice/ping`))) return { url, appUrl, close };
    await sleep(100);
  }
  await close();
  throw new Error(`the app did not answer on ${appUrl}`);
}

/** Asks `url` again and again until `running()` is false; the slowest answer in ms. */
function prober(url: string, running: () => boolean): { worst: () => number; done: Promise<void> } {
  let worst = 0;
  const done = (async () => {
    // Each request goes 10 ms after the last answer; its time counts from then, so a request that
    // could not even be sent (this loop blocked) counts as much as one left unanswered.
    while (running()) {
      const due = performance.now() + 10;
      await sleep(10);
      const response = await fetch(url);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      worst = Math.max(worst, performance.now() - due);
    }
  })();
  return { worst: () => worst, done };
}

async function main(): Promise<void> {
  const cluster = IN_PROCESS ? await startInProcess() : await startApp();
  try {
    const d = (await control(cluster.url, 'POST', '/_practice/deployments', { flavor: '8' })) as unknown as Created;
    await control(cluster.url, 'POST', `/_practice/deployments/${d.id}/host/filebeat-setup`, {}, d);
    await control(cluster.url, 'POST', `/_practice/deployments/${d.id}/host/filebeat-start`, { backfillMinutes: 0 }, d);
    // The host makes at most 50 attempts per call.
    for (let made = 0; made < USERS; made += 50) {
      await control(cluster.url, 'POST', `/_practice/deployments/${d.id}/host/ssh-attempt`, { user: 'a'.repeat(32), count: Math.min(50, USERS - made) }, d);
    }
    const client = new Client({ node: cluster.url, auth: { username: d.username, password: d.password }, requestTimeout: 120_000 });
    await client.indices.refresh({ index: 'filebeat-*' });
    // First requests warm the route and the connections; they are not measured.
    for (let i = 0; i < 5; i += 1) await Promise.all([fetch(`${cluster.appUrl}/api/health`), fetch(`${cluster.url}/_practice/ping`)].map((r) => r.then((x) => x.arrayBuffer())));

    console.log(
      IN_PROCESS
        ? `practice cluster in this process, beside a bare /api/health (the arrangement before issue 12)`
        : `the app as npm start runs it (${cluster.appUrl}), its practice cluster a child process (${cluster.url})`,
    );
    console.log(`${USERS} SSH attempts as user ${'a'.repeat(32)}; ${RUNS} runs per filter; each column's worst or median over the runs`);
    console.log('groups  filter                                 search ms median  search ms max  hits  timed_out  /api/health max ms  cluster ping max ms');
    for (const groups of GROUPS) {
      const filter = `user.name: ${'*a'.repeat(groups)}*c`;
      const searches: number[] = [];
      let healthWorst = 0;
      let pingWorst = 0;
      let hits = 0;
      let timedOut = false;
      for (let run = 0; run < RUNS; run += 1) {
        const request = buildAuthTailRequest({ filter, now: Date.now(), size: 50 });
        let searching = true;
        const health = prober(`${cluster.appUrl}/api/health`, () => searching);
        const ping = prober(`${cluster.url}/_practice/ping`, () => searching);
        await sleep(30);
        const started = performance.now();
        const response = await client.search({ index: request.index, ignore_unavailable: true, allow_no_indices: true, ...request.body });
        searches.push(performance.now() - started);
        searching = false;
        await Promise.all([health.done, ping.done]);
        healthWorst = Math.max(healthWorst, health.worst());
        pingWorst = Math.max(pingWorst, ping.worst());
        hits = response.hits.hits.length;
        timedOut ||= response.timed_out;
      }
      const sorted = [...searches].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
      const max = sorted[sorted.length - 1] ?? NaN;
      console.log(
        `${String(groups).padStart(6)}  ${filter.padEnd(38)} ${median.toFixed(1).padStart(16)}  ${max.toFixed(1).padStart(13)}  ${String(hits).padStart(4)}  ${String(timedOut).padStart(9)}  ${healthWorst.toFixed(1).padStart(18)}  ${pingWorst.toFixed(1).padStart(19)}`,
      );
    }
    await client.close();
  } finally {
    await cluster.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
