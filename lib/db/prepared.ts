import 'server-only';
import type { Database } from './types';

/**
 * A value built once per database handle instead of once per call: a prepared query, or a
 * batcher of writes (lib/db/write-batcher.ts). Building a drizzle query (SQL text, parameter
 * list, row mapping) cost more of a request's CPU than sending it on the hottest paths (every
 * page poll reads the participant, their connection and their results); a prepared query keeps
 * the built form, and on PostgreSQL its name lets each pooled connection parse it once. A
 * transaction is a handle of its own and gets its own copy.
 */
export function perDatabase<T>(build: (db: Database) => T): (db: Database) => T {
  const byDatabase = new WeakMap<Database, T>();
  return (db) => {
    let value = byDatabase.get(db);
    if (value === undefined) byDatabase.set(db, (value = build(db)));
    return value;
  };
}
