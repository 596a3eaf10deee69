import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(__dirname),
      // `server-only` throws outside a React Server Components bundle; unit tests run in plain Node.
      'server-only': path.resolve(__dirname, 'lib/testing/server-only-noop.ts'),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'content/**/*.test.ts', 'components/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
    // Two forks on two cores: many files wait on PGlite, PostgreSQL or a practice cluster's HTTP.
    maxWorkers: 2,
  },
});
