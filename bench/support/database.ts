// A database of its own for each bench run, on the PostgreSQL server of DATABASE_URL.
import pg from 'pg';

/** A fresh PostgreSQL database on DATABASE_URL's server for one run; `drop()` removes it after. */
export async function freshDatabase(serverUrl: string, prefix: string, run: number): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${run}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
