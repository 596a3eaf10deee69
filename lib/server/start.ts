import 'server-only';
import { getDb } from '../db';
import { syncContext } from './context';

/**
 * What the app prepares when the server starts rather than on the first request: the secrets
 * (generated into the data folder on a first start, with a log line) and the database, migrated.
 */
export async function prepareApp(): Promise<void> {
  syncContext();
  await getDb();
  console.log('[db] database ready (migrations applied)');
}
