import 'server-only';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { Pool } from 'pg';
import { serverEnv } from '../env';
import { timed } from '../server/diagnostics';
import { assertMigrationsFolder, DEFAULT_MIGRATIONS_FOLDER, migratePgliteDatabase, migratePostgresDatabase } from './migrate';
import { queryShape } from './query-shape';
import * as schema from './schema';
import type { Database } from './types';

export type { Database } from './types';

/** Pass as `dataDir` for a throw-away PGlite database that lives only in memory (tests). */
export const IN_MEMORY = 'memory://';

export interface DbConfig {
  /** A postgres:// URL selects PostgreSQL; otherwise the embedded PGlite database is used. */
  databaseUrl?: string;
  /** The app's data folder; PGlite keeps its files in `<dataDir>/pglite`. `memory://` for none. */
  dataDir?: string;
  migrationsFolder?: string;
  /** Connections per instance when on PostgreSQL. */
  poolSize?: number;
  logger?: Logger;
}

export type DbBackend = 'pglite' | 'postgres';

export interface DbHandle {
  db: Database;
  backend: DbBackend;
  close(): Promise<void>;
}

/**
 * Each query's time by its shape (`db select participants`), with its wait for a pooled connection, for the diagnostics port (nothing is
 * kept without one): a pool too small for the load shows as queries that wait.
 */
function timeQueries(pool: Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => timed(() => `db ${queryShape(args[0])}`, () => query(...args))) as Pool['query'];
}

/** Opens a database and brings its schema up to date before handing it out. */
export async function createDb(config: DbConfig = {}): Promise<DbHandle> {
  const migrationsFolder = config.migrationsFolder ?? DEFAULT_MIGRATIONS_FOLDER;
  assertMigrationsFolder(migrationsFolder);
  if (config.databaseUrl) {
    const pool = new Pool({ connectionString: config.databaseUrl, max: config.poolSize ?? 10 });
    // An idle connection dropped by the server emits here; unhandled, it would end the process.
    pool.on('error', (error) => console.error('[db] idle PostgreSQL connection failed:', error.message));
    try {
      await migratePostgresDatabase(pool, migrationsFolder);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    timeQueries(pool);
    const db: Database = drizzleNodePg({ client: pool, schema, logger: config.logger });
    return { db, backend: 'postgres', close: () => pool.end() };
  }

  const dataDir = config.dataDir ?? './data';
  let location: string | undefined;
  if (dataDir !== IN_MEMORY) {
    location = path.resolve(dataDir, 'pglite');
    mkdirSync(location, { recursive: true });
  }
  const client = new PGlite(location);
  try {
    await client.waitReady;
    await migratePgliteDatabase(client, migrationsFolder);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  const db: Database = drizzlePglite({ client, schema, logger: config.logger });
  return { db, backend: 'pglite', close: () => client.close() };
}

// On globalThis rather than in module scope so that Next's dev reloads, which re-evaluate this
// module, keep the one open database (PGlite's files may be opened by one instance only).
const store = globalThis as typeof globalThis & { __elasticLabDb?: Promise<DbHandle> };

/**
 * The process's database, opened and migrated once however many callers ask at the same time.
 * The configuration is read from the environment unless given; only the first call's counts.
 */
export function getDb(config?: DbConfig): Promise<Database> {
  if (!store.__elasticLabDb) {
    const opening = createDb(config ?? configFromEnv());
    store.__elasticLabDb = opening;
    // A failed start (database down, bad migration) must not be cached: the next call retries.
    opening.catch(() => {
      if (store.__elasticLabDb === opening) store.__elasticLabDb = undefined;
    });
  }
  return store.__elasticLabDb.then((handle) => handle.db);
}

/** Which database the process opened (PGlite is one process's own; PostgreSQL may be shared). */
export async function getDbBackend(): Promise<DbBackend> {
  await getDb();
  const handle = await store.__elasticLabDb;
  if (!handle) throw new Error('the database closed while being asked for its backend');
  return handle.backend;
}

/** Closes the process's database, for shutdown and tests; the next getDb() opens it again. */
export async function closeDb(): Promise<void> {
  const opening = store.__elasticLabDb;
  store.__elasticLabDb = undefined;
  if (!opening) return;
  const handle = await opening.catch(() => undefined);
  await handle?.close();
}

function configFromEnv(): DbConfig {
  const env = serverEnv();
  return { databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, poolSize: env.DATABASE_POOL_SIZE };
}
