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
    // Each fork keeps its modules from one file to the next instead of loading the app afresh for
    // each of the 120 files (a third of the run went to that). So a test file must leave no state
    // behind that another relies on being fresh: no module mocks (vi.mock), fake timers put back,
    // spies restored, servers closed; each file makes its own participants and databases. The
    // suite passes in shuffled file orders (`npx vitest run --sequence.shuffle.files`).
    isolate: false,
  },
});
