// The practice cluster as a process of its own, beside the guide (`npm start`, `npm run dev`):
// no tenant's search runs on the guide's event loop, and the cluster can outlive the guide and
// serve several guide instances.
//
// - PRACTICE_CLUSTER=false: nothing starts; the guide runs without the practice cluster.
// - PRACTICE_CLUSTER_URL set: that cluster is used and none is started (it may not answer yet).
// - Otherwise, if a practice cluster already answers on 127.0.0.1:PRACTICE_CLUSTER_PORT (another
//   guide instance's, `npm run practice-cluster`, start:instances'), it is reused; else one is
//   started as a child process (scripts/practice-cluster.ts, with DATA_DIR and the port), its log
//   lines prefixed `[practice-cluster]`.
// - A child that dies is restarted after 1 s, 2 s, 4 s …, at most 5 times in 10 minutes; then it
//   stays down and the log says so (the guide keeps serving real clusters). One that cannot start
//   at all fails the guide's start with its reason.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const PREFIX = '[practice-cluster]';
const RESTARTS_ALLOWED = 5;
const RESTART_WINDOW_MS = 10 * 60_000;
const START_TIMEOUT_MS = 60_000;

/**
 * Node flags of the practice cluster's process. A larger young generation (64 MiB semi-spaces
 * instead of 16): the engine's short-lived objects (parsed requests, hits, aggregation buckets)
 * die young instead of being promoted, so the old generation fills and is collected less often.
 * Under a 500-attendee class a third to a half of its longest busy stretches was garbage
 * collection (bench:class --profile); with these flags its CPU fell from 38-41 % to 35-36 % of a core.
 */
export const PRACTICE_NODE_FLAGS = ['--max-semi-space-size=64'];

/** Whether a practice cluster answers its ping at `url`. */
export async function answersAsPracticeCluster(url) {
  try {
    const response = await fetch(`${url}/_practice/ping`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return false;
    const body = await response.json();
    return body?.ok === true;
  } catch {
    return false;
  }
}

/** Copies a child's output line by line with the prefix; reports each line to `onLine`. */
function prefixLines(stream, out, onLine) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (!onLine(line)) out.write(`${PREFIX} ${line}\n`);
  });
  stream.on('end', () => {
    if (rest) out.write(`${PREFIX} ${rest}\n`);
  });
}

const LISTENING = /^Practice cluster listening on (http:\/\/\S+)$/;

/**
 * Starts (or finds) the practice cluster. Resolves to a service with `url` (null when disabled)
 * and `close()`, which stops the child if this call started one. `env` defaults to process.env;
 * `port` 0 lets the child pick a free port (tests).
 */
export async function startPracticeProcess({ root, env = process.env, port, log = console } = {}) {
  if (env.PRACTICE_CLUSTER === 'false') {
    log.log(`${PREFIX} disabled (PRACTICE_CLUSTER=false)`);
    return { url: null, close: async () => {} };
  }
  if (env.PRACTICE_CLUSTER_URL) {
    const url = env.PRACTICE_CLUSTER_URL.replace(/\/+$/, '');
    if (await answersAsPracticeCluster(url)) log.log(`${PREFIX} reusing the practice cluster already on ${url}`);
    else log.error(`${PREFIX} PRACTICE_CLUSTER_URL is ${url}, which does not answer yet; practice deployments fail until it does`);
    return { url, close: async () => {} };
  }
  const wantedPort = port ?? Number(env.PRACTICE_CLUSTER_PORT || 9200);
  if (wantedPort !== 0) {
    const url = `http://127.0.0.1:${wantedPort}`;
    if (await answersAsPracticeCluster(url)) {
      log.log(`${PREFIX} reusing the practice cluster already on ${url}`);
      return { url, close: async () => {} };
    }
  }

  let child = null;
  let stopping = false;
  let url = null;
  const restarts = [];
  const childEnv = { ...env, PRACTICE_CLUSTER_PORT: String(wantedPort), DATA_DIR: env.DATA_DIR || './data' };

  /** Spawns the child and resolves with its URL once it answers; rejects if it stops first. */
  function spawnChild(portToUse) {
    const spawned = spawn(process.execPath, [...PRACTICE_NODE_FLAGS, '--import', 'tsx', path.join('scripts', 'practice-cluster.ts')], {
      cwd: root,
      env: { ...childEnv, PRACTICE_CLUSTER_PORT: String(portToUse) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child = spawned;
    let announced = null;
    const listening = new Promise((resolve) => {
      prefixLines(spawned.stdout, process.stdout, (line) => {
        const m = LISTENING.exec(line);
        if (!m) return false;
        announced = m[1];
        resolve(m[1]);
        return true;
      });
    });
    prefixLines(spawned.stderr, process.stderr, () => false);
    const exited = new Promise((resolve) => spawned.once('exit', (code, signal) => resolve(code ?? signal)));
    return (async () => {
      const deadline = Date.now() + START_TIMEOUT_MS;
      const found = await Promise.race([listening, exited.then((how) => Promise.reject(new Error(`the practice cluster stopped before answering (${how})`)))]);
      while (Date.now() < deadline) {
        if (spawned.exitCode !== null) throw new Error(`the practice cluster stopped before answering (${spawned.exitCode})`);
        if (await answersAsPracticeCluster(found)) {
          spawned.once('exit', (code, signal) => onExit(spawned, code ?? signal));
          return announced;
        }
        await sleep(200);
      }
      spawned.kill('SIGKILL');
      throw new Error(`the practice cluster did not answer within ${START_TIMEOUT_MS / 1000} s`);
    })();
  }

  function onExit(which, how) {
    if (stopping || which !== child) return;
    const now = Date.now();
    while (restarts.length > 0 && now - restarts[0] > RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length >= RESTARTS_ALLOWED) {
      log.error(`${PREFIX} stopped (${how}) for the ${RESTARTS_ALLOWED + 1}th time in ${RESTART_WINDOW_MS / 60_000} minutes; not restarting it. Practice deployments are unavailable until the guide is restarted.`);
      child = null;
      return;
    }
    restarts.push(now);
    const delay = 1_000 * 2 ** (restarts.length - 1);
    log.error(`${PREFIX} stopped (${how}); restarting it in ${delay / 1000} s. Its deployments are gone: learners are told and offered to recreate theirs.`);
    setTimeout(() => {
      if (stopping) return;
      // The same port as before, so the guide's URL stays right.
      spawnChild(Number(new URL(url).port)).then(
        (again) => log.log(`${PREFIX} listening on ${again} again (pid ${child?.pid})`),
        (error) => {
          log.error(`${PREFIX} ${error.message}`);
          if (child) onExit(child, 'failed to start');
        },
      );
    }, delay).unref();
  }

  url = await spawnChild(wantedPort);
  log.log(`${PREFIX} listening on ${url} (its own process, pid ${child.pid})`);
  return {
    url,
    /** The running child's pid (tests), or null. */
    pid: () => child?.pid ?? null,
    close: async () => {
      stopping = true;
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!killed) running.kill('SIGKILL');
    },
  };
}
