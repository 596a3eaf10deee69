/**
 * Started by the Next.js start-up hook (instrumentation.ts): starts the embedded practice cluster beside the guide (Node.js runtime
 * only, once per process). Set PRACTICE_CLUSTER=false to run without it. If the port already
 * serves a practice cluster (another app instance, or `npm run practice-cluster`), that one is
 * reused instead of failing the start.
 */
const STARTED = Symbol.for('elastic-logging-lab.practice-cluster');

type GlobalWithCluster = typeof globalThis & { [STARTED]?: Promise<void> };

async function isPracticeCluster(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/_practice/ping`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return false;
    const body = (await response.json()) as { ok?: unknown };
    return body.ok === true;
  } catch {
    return false;
  }
}

async function startOnce(): Promise<void> {
  const { serverEnv } = await import('../env');
  const env = serverEnv();
  if (!env.PRACTICE_CLUSTER) {
    console.log('[practice-cluster] disabled (PRACTICE_CLUSTER=false)');
    return;
  }
  const { startPracticeCluster } = await import('./server');
  try {
    const { join } = await import('node:path');
    const cluster = await startPracticeCluster({ port: env.PRACTICE_CLUSTER_PORT, dataDir: join(env.DATA_DIR, 'practice'), log: (message) => console.error(`[practice-cluster] ${message}`) });
    console.log(`[practice-cluster] listening on ${cluster.url}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && (await isPracticeCluster(env.PRACTICE_CLUSTER_PORT))) {
      console.log(`[practice-cluster] reusing the practice cluster already on http://127.0.0.1:${env.PRACTICE_CLUSTER_PORT}`);
      return;
    }
    console.error(`[practice-cluster] could not start on port ${env.PRACTICE_CLUSTER_PORT}:`, error);
  }
}

export async function startWithApp(): Promise<void> {
  const g = globalThis as GlobalWithCluster;
  g[STARTED] ??= startOnce();
  await g[STARTED];
}
