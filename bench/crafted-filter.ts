// Benchmark (not a test): `npm run bench:crafted-filter [-- --in-process]`.
// Issue 12, finding 1: a learner makes SSH attempts as user `aaaa…a` (32 a's) and then filters the
// auth-log panel with `user.name: *a*a*…*a*c`. With a backtracking wildcard matcher each document
// costs time exponential in the number of `*a` groups, and with the practice cluster inside the
// app's process every other request waits for it.
//
// For 9 to 12 groups this times the auth-log panel's own request (lib/queries/auth-log/tail.ts)
// through the official 8.x client, and meanwhile:
//   - pings the practice cluster every 10 ms (another tenant's request to the same cluster), and
//   - measures this process's event-loop delay (the app's own requests: /api/health, page loads).
// `--in-process` starts the practice cluster inside this process, as the app used to (so the app's
// loop is the cluster's loop); by default it runs as its own process (scripts/practice-cluster.ts),
// as `npm start` runs it now. BENCH_PORT (default 9239) is the practice cluster's port.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'es8';
import { startPracticeCluster } from '../lib/practice/server';
import { buildAuthTailRequest } from '../lib/queries/auth-log/tail';

const IN_PROCESS = process.argv.includes('--in-process');
const PORT = Number(process.env.BENCH_PORT ?? 9239);
const USERS = Number(process.env.BENCH_DOCUMENTS ?? 11);
const GROUPS = [9, 10, 11, 12];
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

async function startCluster(): Promise<{ url: string; close: () => Promise<void> }> {
  if (IN_PROCESS) {
    const cluster = await startPracticeCluster({ port: PORT });
    return { url: cluster.url, close: () => cluster.close() };
  }
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/practice-cluster.ts'], {
    cwd: root,
    env: { ...process.env, PRACTICE_CLUSTER_PORT: String(PORT) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${PORT}`;
  for (let i = 0; i < 200; i += 1) {
    if (child.exitCode !== null) throw new Error('the practice cluster stopped before answering');
    const up = await fetch(`${url}/_practice/ping`).then((r) => r.ok, () => false);
    if (up) return { url, close: async () => void child.kill('SIGTERM') };
    await sleep(100);
  }
  child.kill('SIGTERM');
  throw new Error(`the practice cluster did not answer on ${url}`);
}

async function main(): Promise<void> {
  const cluster = await startCluster();
  try {
    const d = (await control(cluster.url, 'POST', '/_practice/deployments', { flavor: '8' })) as unknown as Created;
    await control(cluster.url, 'POST', `/_practice/deployments/${d.id}/host/filebeat-setup`, {}, d);
    await control(cluster.url, 'POST', `/_practice/deployments/${d.id}/host/filebeat-start`, { backfillMinutes: 0 }, d);
    await control(cluster.url, 'POST', `/_practice/deployments/${d.id}/host/ssh-attempt`, { user: 'a'.repeat(32), count: USERS }, d);
    const client = new Client({ node: cluster.url, auth: { username: d.username, password: d.password }, requestTimeout: 120_000 });
    await client.indices.refresh({ index: 'filebeat-*' });

    console.log(`practice cluster ${IN_PROCESS ? 'in this process (as before)' : 'in its own process'}; ${USERS} SSH attempts as user ${'a'.repeat(32)}`);
    console.log('groups  filter                                 search ms  hits  timed_out  ping max ms  app loop max delay ms');
    for (const groups of GROUPS) {
      const filter = `user.name: ${'*a'.repeat(groups)}*c`;
      const request = buildAuthTailRequest({ filter, now: Date.now(), size: 50 });
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      let pingMax = 0;
      let searching = true;
      const pinger = (async () => {
        // A ping is due 10 ms after the last answer; the wait counts from then, so a ping that
        // could not even be sent (this loop blocked) counts as much as one left unanswered.
        while (searching) {
          const due = performance.now() + 10;
          await sleep(10);
          await fetch(`${cluster.url}/_practice/ping`).then((r) => r.arrayBuffer());
          pingMax = Math.max(pingMax, performance.now() - due);
        }
      })();
      await sleep(30);
      const started = performance.now();
      const response = await client.search({ index: request.index, ignore_unavailable: true, allow_no_indices: true, ...request.body });
      const took = performance.now() - started;
      searching = false;
      await pinger;
      loop.disable();
      const hits = response.hits.hits.length;
      console.log(
        `${String(groups).padStart(6)}  ${filter.padEnd(38)} ${took.toFixed(1).padStart(9)}  ${String(hits).padStart(4)}  ${String(response.timed_out).padStart(9)}  ${pingMax.toFixed(1).padStart(11)}  ${(loop.max / 1e6).toFixed(1).padStart(21)}`,
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
