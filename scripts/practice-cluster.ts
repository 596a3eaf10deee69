// `npm run practice-cluster`: the practice cluster alone, on 127.0.0.1:$PRACTICE_CLUSTER_PORT
// (default 9200), until Ctrl+C; deployments are kept in $DATA_DIR/practice (PRACTICE_DATA_DIR).
// `npm start` and `npm run dev` run it as their child process (scripts/practice-process.mjs):
// then it also stops when the guide's process goes away.
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { DEFAULT_IDLE_MINUTES, DEFAULT_MAX_DEPLOYMENTS } from '../lib/practice/deployments';
import { practiceClusterPortFromEnv, practiceDataDirFromEnv, practiceIdleMinutesFromEnv, practiceMaxDeploymentsFromEnv } from '../lib/practice/env';
import { startPracticeCluster } from '../lib/practice/server';

/** Collections that held the thread this long are said in the log, as Elasticsearch's GC monitor does. */
const GC_LOG_MS = 200;
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'young',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'old',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

function logLongCollections(): void {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration < GC_LOG_MS) continue;
      const kind = GC_KINDS[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
      console.error(`practice cluster: garbage collection (${kind}) held the thread ${Math.round(entry.duration)} ms`);
    }
  }).observe({ entryTypes: ['gc'] });
}

async function main(): Promise<void> {
  logLongCollections();
  const port = practiceClusterPortFromEnv();
  const cluster = await startPracticeCluster({
    port,
    dataDir: practiceDataDirFromEnv(),
    idleMinutes: practiceIdleMinutesFromEnv(DEFAULT_IDLE_MINUTES),
    maxDeployments: practiceMaxDeploymentsFromEnv(DEFAULT_MAX_DEPLOYMENTS),
    log: (message) => console.error(message),
  });
  // The launcher reads this line to learn the URL (the port may have been 0).
  console.log(`Practice cluster listening on ${cluster.url}`);
  if (process.stdout.isTTY) console.log(`Create a deployment: curl -s -X POST ${cluster.url}/_practice/deployments -H 'Content-Type: application/json' -d '{"flavor":"8"}'`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    cluster.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Started by the guide: no orphan when the guide's process ends, however it ends.
  if (process.send) process.on('disconnect', stop);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') console.error(`Port ${practiceClusterPortFromEnv()} is in use; set PRACTICE_CLUSTER_PORT to another port.`);
  else console.error(error);
  process.exit(1);
});
