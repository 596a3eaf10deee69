/**
 * Test support: an AppContext like the server's, on an in-memory database, whose endpoint policy
 * admits the given practice cluster. Close it to release the clients and the database.
 */
import { ClusterClientCache } from '../cluster/cache';
import type { EndpointPolicy } from '../cluster/endpoint-policy';
import { generateCredentialsKey, parseCredentialsKey } from '../crypto/credentials';
import { createDb, IN_MEMORY } from '../db/client';
import { parseServerEnv } from '../env';
import type { AppContext } from '../server/context';

export async function testAppContext(options: { practiceUrl: string; policy: EndpointPolicy }): Promise<AppContext & { close(): Promise<void> }> {
  const handle = await createDb({ dataDir: IN_MEMORY });
  const clients = new ClusterClientCache();
  return {
    env: parseServerEnv({ NODE_ENV: 'test' }),
    db: handle.db,
    secrets: { authSecret: 'test-auth-secret-0123456789abcdef', credentialsKey: parseCredentialsKey(generateCredentialsKey()) },
    policy: options.policy,
    clients,
    practiceUrl: options.practiceUrl,
    async close() {
      await clients.closeAll();
      await handle.close();
    },
  };
}
