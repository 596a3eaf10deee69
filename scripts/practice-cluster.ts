// `npm run practice-cluster`: the practice cluster alone, on 127.0.0.1:$PRACTICE_CLUSTER_PORT
// (default 9200), until Ctrl+C; deployments are kept in $DATA_DIR/practice (PRACTICE_DATA_DIR).
import { practiceClusterPortFromEnv, practiceDataDirFromEnv } from '../lib/practice/env';
import { startPracticeCluster } from '../lib/practice/server';

async function main(): Promise<void> {
  const port = practiceClusterPortFromEnv();
  const cluster = await startPracticeCluster({ port, dataDir: practiceDataDirFromEnv(), log: (message) => console.error(message) });
  console.log(`Practice cluster listening on ${cluster.url}`);
  console.log(`Create a deployment: curl -s -X POST ${cluster.url}/_practice/deployments -H 'Content-Type: application/json' -d '{"flavor":"8"}'`);
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
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') console.error(`Port ${practiceClusterPortFromEnv()} is in use; set PRACTICE_CLUSTER_PORT to another port.`);
  else console.error(error);
  process.exit(1);
});
