// `npm run start:instances -- N`: N app instances on one PostgreSQL behind a small proxy, for a
// local try of what a large class runs on (README: "Several app instances").
//
//   DATABASE_URL=postgres://… npm run start:instances -- 2 [--diagnostics]
//
// - The proxy listens on HOST:PORT (127.0.0.1:3000); instance i serves on PORT+i, each started the
//   way `npm start` serves (scripts/start.mjs: it builds first when the build is missing or stale,
//   so the first instance starts alone and the others once it answers).
// - A participant stays on one instance: the proxy sets a `lab_instance` cookie on the first
//   answer and routes by it, so all of a browser's tabs share that instance's coalesced, cached
//   cluster reads. When that instance is gone the browser is moved to another (and re-pinned).
// - The practice cluster runs in its own process (scripts/practice-process.mjs, as `npm start`
//   runs it: unless PRACTICE_CLUSTER=false, or one already answers on PRACTICE_CLUSTER_PORT or at
//   PRACTICE_CLUSTER_URL); the instances are given its URL and use it instead of starting their own.
// - AUTH_SECRET and CREDENTIALS_KEY must be the same in every instance: taken from the
//   environment, else read from (or generated into) DATA_DIR/secrets, the files `npm start` uses.
// - --diagnostics gives instance i a loopback-only figures port, PORT+N+i (lib/server/diagnostics.ts).
// An instance that exits is not restarted; the proxy sends its browsers to the others.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import httpProxy from 'http-proxy';
import { startPracticeProcess } from './practice-process.mjs';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const count = Number(args.find((arg) => /^\d+$/.test(arg)) ?? '2');
const diagnostics = args.includes('--diagnostics');
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? '3000');
const COOKIE = 'lab_instance';

function fail(message) {
  console.error(`[instances] ${message}`);
  process.exit(1);
}

if (!Number.isInteger(count) || count < 1 || count > 16) fail('give the number of instances, 1 to 16: npm run start:instances -- 2');
if (!/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')) {
  fail('set DATABASE_URL to a PostgreSQL database (postgres://user:password@host:5432/name): the embedded database serves one process only');
}

/** The same files lib/server/secrets.ts writes for `npm start`, so both agree on one data folder. */
function secret(variable, file, generate) {
  if (process.env[variable]) return process.env[variable];
  const target = path.join(path.resolve(root, process.env.DATA_DIR ?? './data'), 'secrets', file);
  mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(target, `${generate()}\n`, { mode: 0o600, flag: 'wx' });
    console.log(`[instances] generated ${variable} into ${target} (set ${variable} to use your own)`);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  return readFileSync(target, 'utf8').trim();
}

const shared = {
  ...process.env,
  // The instances see this proxy as their peer: it may tell them the browser's address.
  TRUSTED_PROXIES: [process.env.TRUSTED_PROXIES, '127.0.0.1'].filter(Boolean).join(','),
  AUTH_SECRET: secret('AUTH_SECRET', 'auth-secret', () => randomBytes(32).toString('base64url')),
  CREDENTIALS_KEY: secret('CREDENTIALS_KEY', 'credentials-key', () => randomBytes(32).toString('base64')),
};

const children = new Set();
function run(name, command, commandArgs, env) {
  const child = spawn(command, commandArgs, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream, out) => {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

async function answers(url) {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

async function waitFor(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`${url} stopped before answering`);
    if (await answers(url)) return;
    await sleep(300);
  }
  fail(`${url} did not answer within ${timeoutMs / 1000} s`);
}

const practice = await startPracticeProcess({ root, env: shared }).catch((error) => fail(`the practice cluster could not start: ${error.message}`));
if (practice.url) shared.PRACTICE_CLUSTER_URL = practice.url;

/** Instance i (1-based): its port, its process, and whether it is up. */
const instances = Array.from({ length: count }, (_, i) => ({ index: i + 1, port: port + i + 1, child: null, up: false }));
function startInstance(instance) {
  const env = { ...shared, PORT: String(instance.port), HOST: '127.0.0.1', ...(diagnostics ? { DIAGNOSTICS_PORT: String(port + count + instance.index) } : {}) };
  instance.child = run(`i${instance.index}`, process.execPath, ['scripts/start.mjs'], env);
  instance.child.on('exit', (code, signal) => {
    instance.up = false;
    if (!stopping) console.error(`[instances] instance ${instance.index} (port ${instance.port}) exited (${code ?? signal}); its browsers move to the others`);
  });
  return waitFor(`http://127.0.0.1:${instance.port}/api/health`, instance.child, 15 * 60_000).then(() => {
    instance.up = true;
  });
}
// The first one alone: it builds when needed, and the others then find the build up to date.
await startInstance(instances[0]);
await Promise.all(instances.slice(1).map(startInstance));

let next = 0;
function pick(request) {
  const pinned = /(?:^|;\s*)lab_instance=(\d+)/.exec(request.headers.cookie ?? '')?.[1];
  const byCookie = instances.find((instance) => String(instance.index) === pinned && instance.up);
  if (byCookie) return { instance: byCookie, pin: false };
  const up = instances.filter((instance) => instance.up);
  if (up.length === 0) return null;
  next = (next + 1) % up.length;
  return { instance: up[next], pin: true };
}

const proxy = httpProxy.createProxyServer({ ws: true, proxyTimeout: 120_000 });
proxy.on('proxyReq', (proxyRequest, request) => {
  // The proxy is the edge here: what the app reads as the client's address is the socket's, never a header sent by the client.
  proxyRequest.setHeader('x-forwarded-for', request.socket.remoteAddress ?? '');
  proxyRequest.setHeader('x-forwarded-host', request.headers.host ?? `${host}:${port}`);
  proxyRequest.setHeader('x-forwarded-proto', 'http');
});
proxy.on('proxyRes', (proxyResponse, request) => {
  if (!request.pin) return;
  const cookie = `${COOKIE}=${request.pin}; Path=/; HttpOnly; SameSite=Lax`;
  const existing = proxyResponse.headers['set-cookie'] ?? [];
  proxyResponse.headers['set-cookie'] = [...(Array.isArray(existing) ? existing : [existing]), cookie];
});

/** Request bodies are held (up to this size) so a request refused by a dead instance can go to another. */
const MAX_HELD_BODY = 8 * 1024 * 1024;

function forward(request, response, body, attempt = 0) {
  const choice = pick(request);
  if (!choice) {
    response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' });
    return response.end('No app instance is up.\n');
  }
  request.pin = choice.pin ? String(choice.instance.index) : undefined;
  const target = `http://127.0.0.1:${choice.instance.port}`;
  proxy.web(request, response, { target, ...(body ? { buffer: Readable.from([body]) } : {}) }, (error) => {
    // Refused: the instance is gone (or not answering for now, see the health check below). The
    // request never reached it, so it is safe to send to another, a POST too (the page channel is
    // one): its body is held here.
    if (error.code === 'ECONNREFUSED') choice.instance.up = false;
    console.error(`[instances] ${request.method} ${request.url} to instance ${choice.instance.index}: ${error.code ?? error.message}${error.code === 'ECONNREFUSED' && attempt < count ? ', sent to another' : ''}`);
    if (error.code === 'ECONNREFUSED' && attempt < count && !response.headersSent) {
      request.headers.cookie = (request.headers.cookie ?? '').replace(/(?:^|;\s*)lab_instance=\d+/, '');
      return forward(request, response, body, attempt + 1);
    }
    if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
    response.end('The app instance did not answer.\n');
  });
}

function receive(request, response) {
  if (request.method === 'GET' || request.method === 'HEAD') return forward(request, response, null);
  const chunks = [];
  let size = 0;
  request.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_HELD_BODY) {
      response.writeHead(413, { 'content-type': 'text/plain', connection: 'close' });
      response.end('Request body too large.\n');
      request.destroy();
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    if (size <= MAX_HELD_BODY) forward(request, response, Buffer.concat(chunks));
  });
  request.on('error', () => response.destroy());
}

// An instance still running that stopped answering for a moment comes back once its health route answers.
setInterval(async () => {
  for (const instance of instances) {
    if (!instance.up && instance.child?.exitCode === null && (await answers(`http://127.0.0.1:${instance.port}/api/health`))) instance.up = true;
  }
}, 2_000).unref();

const server = http.createServer(receive);
server.on('upgrade', (request, socket, head) => {
  const choice = pick(request);
  if (!choice) return socket.destroy();
  proxy.ws(request, socket, head, { target: `http://127.0.0.1:${choice.instance.port}` }, () => socket.destroy());
});
server.listen(port, host, () => {
  console.log(`[instances] ${count} instance${count === 1 ? '' : 's'} (ports ${instances.map((i) => i.port).join(', ')}) behind http://${host}:${port}`);
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  server.close();
  // Instances first: each gives its verifier's share back on SIGTERM.
  const exits = [...children].map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve))));
  for (const child of children) child.kill('SIGTERM');
  await Promise.race([Promise.all(exits), sleep(15_000)]);
  for (const child of children) child.kill('SIGKILL');
  await practice.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
