import 'server-only';
import { startBackgroundVerifier } from '../board/start';
import { getDb } from '../db';
import { appContext, syncContext } from './context';

/**
 * What the app prepares when the server starts rather than on the first request: the secrets
 * (generated into the data folder on a first start, with a log line) and the database, migrated;
 * then the class board's background verifier starts.
 */
export async function prepareApp(): Promise<void> {
  syncContext();
  await getDb();
  console.log('[db] database ready (migrations applied)');
  startBackgroundVerifier(await appContext());
}
