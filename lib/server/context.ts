import 'server-only';
import { ClusterClientCache } from '../cluster/cache';
import { EndpointPolicy } from '../cluster/endpoint-policy';
import { getDb, type Database } from '../db';
import { practiceClusterUrl, serverEnv, type ServerEnv } from '../env';
import { loadAppSecrets, type AppSecrets } from './secrets';

/** What every route handler needs, built once per process from the environment. */
export interface AppContext {
  env: ServerEnv;
  db: Database;
  secrets: AppSecrets;
  policy: EndpointPolicy;
  clients: ClusterClientCache;
  /** The practice cluster's base URL (its own process), or null when it is switched off. */
  practiceUrl: string | null;
}

interface SyncContext {
  env: ServerEnv;
  secrets: AppSecrets;
  policy: EndpointPolicy;
  clients: ClusterClientCache;
  practiceUrl: string | null;
}

// On globalThis so Next's dev reloads keep one client cache (open sockets) and one secrets load.
const store = globalThis as typeof globalThis & { __elasticLabContext?: SyncContext };

/** The parts that need no I/O beyond reading the secrets files: also what next-auth's options use. */
export function syncContext(): SyncContext {
  if (!store.__elasticLabContext) {
    const env = serverEnv();
    const practiceUrl = practiceClusterUrl(env);
    store.__elasticLabContext = {
      env,
      practiceUrl,
      secrets: loadAppSecrets({
        dataDir: env.DATA_DIR,
        production: env.NODE_ENV === 'production',
        sharedDatabase: env.DATABASE_URL !== undefined,
        authSecret: env.AUTH_SECRET,
        credentialsKey: env.CREDENTIALS_KEY,
      }),
      policy: new EndpointPolicy({
        allowList: env.ALLOWED_CLUSTER_HOSTS?.split(',').map((entry) => entry.trim()).filter(Boolean) ?? [],
        practiceUrls: practiceUrl ? [practiceUrl] : [],
      }),
      clients: new ClusterClientCache({
        onCloseError: (error, connectionId) => console.error(`[cluster] closing the client of connection ${connectionId} failed:`, String(error)),
      }),
    };
  }
  return store.__elasticLabContext;
}

export async function appContext(): Promise<AppContext> {
  const sync = syncContext();
  return { ...sync, db: await getDb() };
}
