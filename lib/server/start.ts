import 'server-only';
import { startBackgroundVerifier } from '../board/start';
import { getDb } from '../db';
import { appContext, syncContext } from './context';
import { startDiagnostics } from './diagnostics';

/**
 * What the app prepares when the server starts rather than on the first request: the secrets
 * (generated into the data folder on a first start, with a log line) and the database, migrated;
 * then the class board's background verifier starts.
 */
export async function prepareApp(): Promise<void> {
  syncContext();
  await getDb();
  console.log('[db] database ready (migrations applied)');
  const ctx = await appContext();
  if (ctx.env.DIAGNOSTICS_PORT !== undefined) await startDiagnostics(ctx.env.DIAGNOSTICS_PORT);
  await startBackgroundVerifier(ctx);
}
