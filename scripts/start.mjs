// `npm start`: builds the guide when there is no build or the sources changed since the last one,
// then serves it with `next start` (the practice cluster starts with it, see instrumentation.ts).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const buildId = path.join(root, '.next', 'BUILD_ID');
const sources = ['app', 'components', 'content', 'lib', 'messages', 'i18n', 'mdx-components.tsx', 'middleware.ts', 'instrumentation.ts', 'next.config.js', 'package-lock.json'];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce((newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))), stat.mtimeMs);
}

const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
const changedAt = Math.max(...sources.map((source) => newestMtime(path.join(root, source))));
const nextBin = path.join(root, 'node_modules', '.bin', 'next');

if (builtAt < changedAt) {
  console.log(builtAt ? 'Sources changed since the last build: rebuilding the guide…' : 'Building the guide (first start)…');
  const build = spawnSync(nextBin, ['build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const host = process.env.HOST ?? '127.0.0.1';
const port = process.env.PORT ?? '3000';
const server = spawn(nextBin, ['start', '-H', host, '-p', port], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
