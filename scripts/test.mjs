// `npm test`: typecheck, lint, unit tests, then the browser tests against the built app. The
// typecheck and lint each keep one core busy and the unit tests wait on sockets much of the time,
// so the production build the browser tests need runs beside them instead of after them (on two
// cores this takes about a minute and a half off the run). Each step's output is printed whole
// when it ends, so parallel steps do not interleave; the unit tests, in front, print as they go.
//
// `node scripts/test.mjs --no-parallel-build` builds after the unit tests instead (as
// `npm run test:e2e` alone does).
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** The steps still running, so a failure or Ctrl-C can stop them. */
const running = new Set();

/** Runs an npm script; with `quiet`, its output is kept and returned instead of printed. */
function run(script, { quiet = false, env = {} } = {}) {
  const started = performance.now();
  const child = spawn(npm, ['run', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    // Its own process group, so a stop reaches the build's workers too.
    detached: true,
  });
  running.add(child);
  const chunks = [];
  child.stdout?.on('data', (chunk) => chunks.push(chunk));
  child.stderr?.on('data', (chunk) => chunks.push(chunk));
  const done = new Promise((resolve) => {
    child.on('error', (error) => chunks.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ script, ok: code === 0, code: code ?? signal, seconds: (performance.now() - started) / 1000, output: Buffer.concat(chunks).toString() });
    });
  });
  return done;
}


function stopAll() {
  for (const child of running) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

function report(result) {
  const status = result.ok ? 'passed' : `failed (exit ${result.code})`;
  console.log(`\n── npm run ${result.script}: ${status} in ${result.seconds.toFixed(0)} s ──`);
  if (result.output) process.stdout.write(result.output.endsWith('\n') ? result.output : `${result.output}\n`);
}

function fail(result) {
  stopAll();
  console.error(`\nnpm test: \`npm run ${result.script}\` failed (exit ${result.code}).`);
  process.exit(1);
}

const parallelBuild = !process.argv.includes('--no-parallel-build');
const build = parallelBuild ? run('build', { quiet: true }) : null;

const checks = await Promise.all([run('typecheck', { quiet: true }), run('lint', { quiet: true })]);
for (const result of checks) report(result);
for (const result of checks) if (!result.ok) fail(result);

const unit = await run('test:unit');
if (!unit.ok) fail(unit);

if (build) {
  const built = await build;
  report(built);
  if (!built.ok) fail(built);
}

// The browser tests' server skips its own build when this run has just made one.
const e2e = await run('test:e2e', { env: build ? { E2E_BUILT: '1' } : {} });
if (!e2e.ok) fail(e2e);
