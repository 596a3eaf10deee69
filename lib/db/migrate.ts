import 'server-only';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Pool } from 'pg';

/**
 * Resolved from the working directory rather than this file: inside a Next.js server bundle this
 * module's own location is not the source tree, while `next start` and vitest run from the root.
 */
export const DEFAULT_MIGRATIONS_FOLDER = path.join(process.cwd(), 'lib', 'db', 'migrations');

/**
 * Any fixed 64-bit number shared by every instance of this app. Drizzle's migrator is not safe to
 * run twice at once (both would create its schema and table, then apply the same files), so
 * instances starting together against one PostgreSQL take turns on this advisory lock.
 */
export const MIGRATION_LOCK_KEY = 7_226_415_001;

/** Fails before any database is opened when the app was started somewhere the migrations are not. */
export function assertMigrationsFolder(migrationsFolder: string): void {
  const journal = path.join(migrationsFolder, 'meta', '_journal.json');
  if (!existsSync(journal)) {
    throw new Error(`Database migrations not found (${journal}): start the app from the project folder`);
  }
}

export async function migratePgliteDatabase(client: PGlite, migrationsFolder = DEFAULT_MIGRATIONS_FOLDER): Promise<void> {
  // PGlite is one connection in one process: the per-process promise in client.ts is enough.
  await migratePglite(drizzlePglite({ client }), { migrationsFolder });
}

export async function migratePostgresDatabase(pool: Pool, migrationsFolder = DEFAULT_MIGRATIONS_FOLDER): Promise<void> {
  // A session-level advisory lock belongs to one connection, so the whole run stays on this one.
  const connection = await pool.connect();
  let broken: Error | undefined;
  try {
    await connection.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrateNodePg(drizzleNodePg({ client: connection }), { migrationsFolder });
    } finally {
      await connection.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch((error: unknown) => {
        // Destroying the connection below releases the lock as well.
        broken = error instanceof Error ? error : new Error(String(error));
      });
    }
  } catch (error) {
    broken ??= error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    connection.release(broken);
  }
}
