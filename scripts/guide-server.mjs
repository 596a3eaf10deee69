// The guide's HTTP server: Next.js behind a small Node server of our own, so the app knows who
// is asking. Route handlers and next-auth never see the socket, so this server removes any copy of
// the internal peer-address header a client sent and writes the socket's peer address into it
// (lib/server/client-address.ts reads it, and believes X-Forwarded-* only from TRUSTED_PROXIES).
// `npm start` (scripts/start.mjs) serves the built guide with it; `npm run dev` runs it with --dev
// (and `npm run serve` without the build step), both with the practice cluster as a child process.
import { createServer } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startPracticeProcess } from './practice-process.mjs';

/** Keep in step with PEER_ADDRESS_HEADER in lib/server/client-address.ts. */
export const PEER_ADDRESS_HEADER = 'x-lab-peer-address';

/** Overwrites the internal header with the socket's peer address, whatever the client sent. */
export function stampPeerAddress(req) {
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
    if (req.rawHeaders[i].toLowerCase() === PEER_ADDRESS_HEADER) req.rawHeaders.splice(i, 2);
  }
  const peer = req.socket.remoteAddress ?? '';
  req.headers[PEER_ADDRESS_HEADER] = peer;
  req.rawHeaders.push(PEER_ADDRESS_HEADER, peer);
}

/**
 * Next.js builds redirects from the address it was started on (and writes 127.0.0.1 as
 * `localhost`), not from the address the user opened: `/` would send someone on 127.0.0.1 or a
 * LAN address to `http://localhost:3000/ko`. A Location that points at this server's own origin
 * is therefore sent relative (`/ko`), which the browser resolves against the origin it is on.
 */
export function keepRedirectsOnTheUsersOrigin(res, ownOrigins) {
  const relativeOne = (value) => {
    if (typeof value !== 'string') return value;
    try {
      const url = new URL(value);
      return ownOrigins.has(url.origin) ? `${url.pathname}${url.search}${url.hash}` : value;
    } catch {
      return value;
    }
  };
  const relative = (name, value) => {
    if (String(name).toLowerCase() !== 'location') return value;
    return Array.isArray(value) ? value.map(relativeOne) : relativeOne(value);
  };
  const { setHeader, appendHeader } = res;
  res.setHeader = function setHeaderKeepingOrigin(name, value) {
    return setHeader.call(this, name, relative(name, value));
  };
  res.appendHeader = function appendHeaderKeepingOrigin(name, value) {
    return appendHeader.call(this, name, relative(name, value));
  };
}

const DIAGNOSTICS = Symbol.for('elastic-logging-lab.diagnostics');

/**
 * With a diagnostics port (lib/server/diagnostics.ts, started by the app in this process), how long
 * each request took from the moment this server read it until its last byte was handed to the
 * socket: the part of a client's wait spent in this process. The page channel on its own, the rest
 * together.
 */
function timeRequest(req, res) {
  const diagnostics = globalThis[DIAGNOSTICS];
  if (!diagnostics?.server) return;
  const started = performance.now();
  const name = req.method === 'POST' && req.url === '/api/panels' ? 'server POST /api/panels' : 'server other';
  res.once('finish', () => diagnostics.recordDuration(name, performance.now() - started));
}

/**
 * The origins Next.js may put into a redirect for a server on host:port: https too, as Next takes
 * the scheme from X-Forwarded-Proto (a TLS proxy's, or one a client made up).
 */
function ownOriginsOf(host, port) {
  const names = new Set(['localhost', '127.0.0.1', '[::1]', host.includes(':') ? `[${host}]` : host]);
  return new Set([...names].flatMap((name) => [`http://${name}:${port}`, `https://${name}:${port}`]));
}

/**
 * Starts Next.js (the built app, or the dev server) behind our HTTP server on host:port and
 * resolves once it listens. Returns a `close()` for shutdown.
 */
export async function serveGuide({ dir, host, port, dev = false }) {
  if (!dev) process.env.NODE_ENV = 'production';
  const { default: next } = await import('next');
  const app = next({ dev, dir, hostname: host, port: Number(port) });
  await app.prepare();
  const handle = app.getRequestHandler();
  const ownOrigins = ownOriginsOf(host, port);
  const server = createServer((req, res) => {
    timeRequest(req, res);
    stampPeerAddress(req);
    keepRedirectsOnTheUsersOrigin(res, ownOrigins);
    handle(req, res).catch((error) => {
      console.error('[guide-server] request failed:', error instanceof Error ? error.message : error);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  console.log(`[guide] ${dev ? 'development server' : 'serving the guide'} on http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  return {
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive sockets (browsers, pollers) would otherwise hold the close open.
        server.closeAllConnections();
      }),
  };
}

/**
 * Ctrl-C / SIGTERM stop the services in reverse order of start, then the process. Modules of the
 * app listen for these signals too (the board's verifier stops on them), which takes away Node's
 * default of exiting, so the exit is explicit.
 */
export function stopOnSignals(services) {
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    for (const service of [...services].reverse()) await service.close().catch(() => undefined);
    process.exit(signal === 'SIGINT' ? 130 : 0);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop(signal));
}

// `node scripts/guide-server.mjs [--dev]`: serve without the build step of start.mjs.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dev = process.argv.includes('--dev');
  const root = path.resolve(import.meta.dirname, '..');
  const host = process.env.HOST || '127.0.0.1';
  const port = process.env.PORT || '3000';
  const services = [];
  stopOnSignals(services);
  startPracticeProcess({ root })
    .then((practice) => {
      services.push(practice);
      if (practice.url) process.env.PRACTICE_CLUSTER_URL = practice.url;
    })
    .then(() => serveGuide({ dir: root, host, port, dev }))
    .then((guide) => services.push(guide))
    .catch((error) => {
      console.error('[guide] could not start:', error);
      process.exit(1);
    });
}
