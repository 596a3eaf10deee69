import { defineConfig } from 'drizzle-kit';

// Only `npm run db:generate` reads this: the app runs the committed migrations itself at start
// (lib/db/migrate.ts), for PGlite and PostgreSQL alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: './lib/db/schema.ts',
  out: './lib/db/migrations',
  strict: true,
  verbose: true,
});
