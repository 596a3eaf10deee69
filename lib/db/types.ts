import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema';

/**
 * The drizzle database every repository takes. PGlite and node-postgres databases (and a
 * transaction of either) are all assignable to it, so repositories never care which one runs.
 */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
