import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

/** Debian's Chromium: browsers are never downloaded on these machines. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Two browsers at once: most of a test is waiting for the guide's polls and the practice host's
  // ticks, so a second worker roughly halves the run on two cores (E2E_WORKERS=1 for one).
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    { name: 'chromium', use: { browserName: 'chromium' }, testIgnore: /security\.spec\.ts/ },
    // The hardening tests move what every client shares (the overall sign-in slow-down, the server
    // log's lines), so they run on their own once the others are done.
    { name: 'security', use: { browserName: 'chromium' }, testMatch: /security\.spec\.ts/, dependencies: ['chromium'] },
  ],
  webServer: {
    // The built app, served as `npm start` serves it (scripts/start.mjs: the guide's own server in
    // front of Next); the readiness route answers once Next is up. A fresh data folder per run;
    // the server log is kept in it for the security test's grep. `npm test` (scripts/test.mjs)
    // builds beside the unit tests and says so with E2E_BUILT=1.
    command: `rm -rf .e2e-data && mkdir -p .e2e-data && ${process.env.E2E_BUILT === '1' ? '' : 'npm run build && '}node scripts/start.mjs 2>&1 | tee .e2e-data/server.log`,
    url: `${baseURL}/api/health`,
    // A build on a busy two-core machine can take several minutes.
    timeout: 900_000,
    reuseExistingServer: !process.env.CI,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      // A pretend reverse proxy on another loopback address (e2e/support/proxy.ts sends from it);
      // the browser and the tests' own requests come from 127.0.0.1, an untrusted client.
      TRUSTED_PROXIES: '127.0.0.2',
      PRACTICE_CLUSTER_PORT: process.env.PRACTICE_CLUSTER_PORT ?? '9251',
      DATA_DIR: '.e2e-data',
      INSTRUCTOR_PASSWORD: 'e2e-instructor-password',
      NEXT_TELEMETRY_DISABLED: '1',
    },
  },
});
