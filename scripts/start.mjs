// `npm start`: builds the guide when there is no build or the sources changed since the last one,
// then starts the practice cluster as a child process (scripts/practice-process.mjs: or reuses one
// already running, or none with PRACTICE_CLUSTER=false) and serves the guide through its own
// server (scripts/guide-server.mjs), in this process. Ctrl-C stops the guide, then the cluster.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { serveGuide, stopOnSignals } from './guide-server.mjs';
import { startPracticeProcess } from './practice-process.mjs';

const root = path.resolve(import.meta.dirname, '..');
const sources = ['app', 'components', 'content', 'lib', 'messages', 'i18n', 'mdx-components.tsx', 'middleware.ts', 'instrumentation.ts', 'next.config.js', 'package-lock.json'];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce((newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))), stat.mtimeMs);
}

/** Runs `next build` unless the last build is newer than every source. */
function buildIfChanged() {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const changedAt = Math.max(...sources.map((source) => newestMtime(path.join(root, source))));
  if (builtAt >= changedAt) return;
  console.log(builtAt ? 'Sources changed since the last build: rebuilding the guide…' : 'Building the guide (first start)…');
  const build = spawnSync(path.join(root, 'node_modules', '.bin', 'next'), ['build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

async function main() {
  buildIfChanged();
  /** What runs, in start order; each has `close()`. Ctrl-C / SIGTERM stop them last first. */
  const services = [];
  stopOnSignals(services);
  const host = process.env.HOST || '127.0.0.1';
  const port = process.env.PORT || '3000';
  const practice = await startPracticeProcess({ root });
  services.push(practice);
  // The guide (Next, in this process) finds the cluster where it was found or started.
  if (practice.url) process.env.PRACTICE_CLUSTER_URL = practice.url;
  services.push(await serveGuide({ dir: root, host, port }));
}

main().catch((error) => {
  console.error('[start] could not start the guide:', error);
  process.exit(1);
});
