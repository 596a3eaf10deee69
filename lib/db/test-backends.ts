/**
 * Test support: runs a storage suite on every backend. PGlite always; PostgreSQL when one is
 * reachable at TEST_DATABASE_URL (an account allowed to create databases), else at the local
 * default below. Each suite gets a database of its own, dropped afterwards, so runs never meet.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'drizzle-orm';
import { Client } from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { createDb, type Database, type DbBackend, type DbConfig, type DbHandle, IN_MEMORY } from './client';

const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh PGlite runs initdb in WebAssembly: seconds, more when the suite runs files in parallel. */
export const STARTUP_TIMEOUT_MS = 60_000;

export interface FreshDatabase {
  config: DbConfig;
  drop(): Promise<void>;
}

export interface StorageBackend {
  name: DbBackend;
  /** Why this backend's suites are skipped; undefined when they run. */
  skipReason?: string;
  /** A new, empty database; `persistent` asks PGlite for files instead of memory. */
  freshDatabase(options?: { persistent?: boolean }): Promise<FreshDatabase>;
}

const pgliteBackend: StorageBackend = {
  name: 'pglite',
  async freshDatabase(options = {}) {
    if (!options.persistent) return { config: { dataDir: IN_MEMORY }, drop: async () => undefined };
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lab-db-test-'));
    return { config: { dataDir }, drop: () => rm(dataDir, { recursive: true, force: true }) };
  },
};

async function withAdmin<T>(adminUrl: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function postgresBackend(adminUrl: string, skipReason?: string): StorageBackend {
  return {
    name: 'postgres',
    skipReason,
    async freshDatabase() {
      const name = `lab_test_${randomBytes(6).toString('hex')}`;
      await withAdmin(adminUrl, (admin) => admin.query(`create database "${name}"`));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        config: { databaseUrl: url.toString() },
        drop: () => withAdmin(adminUrl, (admin) => admin.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
      };
    },
  };
}

async function detectBackends(): Promise<StorageBackend[]> {
  // Test set-up, not app configuration, so it is read here rather than through lib/env.ts.
  const explicit = process.env.TEST_DATABASE_URL;
  const adminUrl = explicit || DEFAULT_TEST_DATABASE_URL;
  try {
    await withAdmin(adminUrl, (admin) => admin.query('select 1'));
    return [pgliteBackend, postgresBackend(adminUrl)];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // Asked for by name and not there: a broken set-up, which must not pass as a skip.
    if (explicit) throw new Error(`TEST_DATABASE_URL is set but PostgreSQL is not reachable there: ${reason}`);
    const skipReason = `PostgreSQL not usable at ${DEFAULT_TEST_DATABASE_URL} (${reason}); set TEST_DATABASE_URL to run it`;
    console.warn(`[db tests] PostgreSQL leg skipped: ${skipReason}`);
    return [pgliteBackend, postgresBackend(adminUrl, skipReason)];
  }
}

export const storageBackends: StorageBackend[] = await detectBackends();

export interface StorageContext {
  backend: StorageBackend;
  /** The suite's database (valid inside tests and hooks). */
  db(): Database;
  /** How to open the suite's database again, e.g. as a second app instance. */
  config(): DbConfig;
  /** SQL statements the suite's database ran, for asserting how many a call makes. */
  queries: string[];
}

/** Declares the suite once per backend, each with its own fresh, migrated database. */
export function describeStorage(title: string, body: (context: StorageContext) => void): void {
  describe.each(storageBackends)(`${title} on $name`, (backend) => {
    describe.skipIf(backend.skipReason !== undefined)(backend.skipReason ? `skipped: ${backend.skipReason}` : 'storage', () => {
      let fresh: FreshDatabase | undefined;
      let handle: DbHandle | undefined;
      const queries: string[] = [];
      const logger: Logger = { logQuery: (query) => void queries.push(query) };

      beforeAll(async () => {
        fresh = await backend.freshDatabase();
        handle = await createDb({ ...fresh.config, logger });
      }, STARTUP_TIMEOUT_MS);
      afterAll(async () => {
        await handle?.close();
        await fresh?.drop();
      });

      body({
        backend,
        queries,
        db: () => {
          if (!handle) throw new Error('the storage suite has not started');
          return handle.db;
        },
        config: () => {
          if (!fresh) throw new Error('the storage suite has not started');
          return fresh.config;
        },
      });
    });
  });
}

/** Rows of a raw query on either driver (both results carry `rows`). */
export async function selectRows<T>(db: Database, query: Parameters<Database['execute']>[0]): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
