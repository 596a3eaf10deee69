// `npm run practice-cluster`: the practice cluster alone, on 127.0.0.1:$PRACTICE_CLUSTER_PORT
// (default 9200), until Ctrl+C; deployments are kept in $DATA_DIR/practice (PRACTICE_DATA_DIR).
// `npm start` and `npm run dev` run it as their child process (scripts/practice-process.mjs):
// then it also stops when the guide's process goes away.
import { DEFAULT_IDLE_MINUTES, DEFAULT_MAX_DEPLOYMENTS } from '../lib/practice/deployments';
import { practiceClusterPortFromEnv, practiceDataDirFromEnv, practiceIdleMinutesFromEnv, practiceMaxDeploymentsFromEnv } from '../lib/practice/env';
import { startPracticeCluster } from '../lib/practice/server';

async function main(): Promise<void> {
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
