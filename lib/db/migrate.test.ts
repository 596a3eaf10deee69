import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { closeDb, createDb, getDb } from './client';
import { DEFAULT_MIGRATIONS_FOLDER } from './migrate';
import { createParticipant, getParticipant } from './repositories/participants';
import { selectRows, STARTUP_TIMEOUT_MS, storageBackends } from './test-backends';
import type { Database } from './types';

const journal = JSON.parse(readFileSync(path.join(DEFAULT_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
  entries: unknown[];
};
const TABLES = ['api_keys', 'board_changes', 'checkpoint_results', 'cluster_connections', 'events', 'participants', 'rate_limits', 'verifier_instances', 'verifier_leases', 'workshops'];

async function tablesOf(db: Database): Promise<string[]> {
  const rows = await selectRows<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  return rows.map((row) => row.table_name);
}

async function appliedMigrations(db: Database): Promise<number> {
  const rows = await selectRows<{ applied: number | string }>(
    db,
    sql`select count(*) as applied from drizzle.__drizzle_migrations`,
  );
  return Number(rows[0]?.applied);
}

describe.each(storageBackends)('migrations on $name', (backend) => {
  const title = backend.skipReason ? `skipped: ${backend.skipReason}` : 'storage';
  describe.skipIf(backend.skipReason !== undefined)(title, { timeout: STARTUP_TIMEOUT_MS * 2 }, () => {
    it('create every table on an empty database, then keep the data and apply nothing twice when it is opened again', async () => {
      const fresh = await backend.freshDatabase({ persistent: true });
      try {
        const first = await createDb(fresh.config);
        expect(await tablesOf(first.db)).toEqual(TABLES);
        expect(await appliedMigrations(first.db)).toBe(journal.entries.length);
        const created = await createParticipant(first.db, { displayName: 'Ji-woo', role: 'self_paced' });
        await first.close();

        const again = await createDb(fresh.config);
        expect(await getParticipant(again.db, created.id)).toMatchObject({ displayName: 'Ji-woo' });
        expect(await appliedMigrations(again.db)).toBe(journal.entries.length);
        await again.close();
      } finally {
        await fresh.drop();
      }
    });

    it.runIf(backend.name === 'postgres')('apply once when several instances start together', async () => {
      const fresh = await backend.freshDatabase();
      const instances = await Promise.all(Array.from({ length: 4 }, () => createDb(fresh.config)));
      try {
        for (const instance of instances) expect(await tablesOf(instance.db)).toEqual(TABLES);
        expect(await appliedMigrations(instances[0]!.db)).toBe(journal.entries.length);
      } finally {
        await Promise.all(instances.map((instance) => instance.close()));
        await fresh.drop();
      }
    });

    it('open one database per process however many callers ask at once, and retry after a failed start', async () => {
      const fresh = await backend.freshDatabase();
      try {
        await expect(getDb({ ...fresh.config, migrationsFolder: '/nonexistent' })).rejects.toThrow(/migrations not found/);
        const dbs = await Promise.all(Array.from({ length: 5 }, () => getDb(fresh.config)));
        expect(new Set(dbs).size).toBe(1);
        expect(await tablesOf(dbs[0]!)).toEqual(TABLES);
        await closeDb();
        const reopened = await getDb(fresh.config);
        expect(reopened).not.toBe(dbs[0]);
      } finally {
        await closeDb();
        await fresh.drop();
      }
    });
  });
});
