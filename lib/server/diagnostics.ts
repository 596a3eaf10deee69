import 'server-only';
import { createServer, type Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * An instance's own figures for benchmarks and operators, as JSON on a loopback-only port
 * (DIAGNOSTICS_PORT), never through the app's routes: event-loop delay, CPU, memory, and what
 * the parts of the app register (the background verifier: rounds, checks, leases). It holds no
 * credentials and no attendee names, only ids.
 *
 * `GET /` answers everything; `?reset=1` restarts the event-loop histogram and the durations after
 * reading them, so a reader polling it gets the delay and the durations of each stretch; `?mark=1`
 * restarts `eventLoopSinceMark` after reading it (the delay over a whole load); providers get the
 * query (e.g. `checksAfter`).
 */

type Provider = (query: URLSearchParams) => unknown;

/** Durations kept per name between two reads of the port; a reader that stops reading costs at most this many. */
const MAX_DURATIONS = 50_000;

interface Registry {
  providers: Map<string, Provider>;
  server?: Server;
  durations: Map<string, number[]>;
  /** On the registry object so scripts/guide-server.mjs (plain JavaScript in the same process) can time requests too. */
  recordDuration(name: string, ms: number): void;
}

const KEY = Symbol.for('elastic-logging-lab.diagnostics');
type GlobalWithDiagnostics = typeof globalThis & { [KEY]?: Registry };

function registry(): Registry {
  const g = globalThis as GlobalWithDiagnostics;
  if (!g[KEY]) {
    const state: Registry = {
      providers: new Map(),
      durations: new Map(),
      recordDuration(name, ms) {
        // Nothing is kept while no one can read it.
        if (!state.server) return;
        let list = state.durations.get(name);
        if (!list) state.durations.set(name, (list = []));
        if (list.length < MAX_DURATIONS) list.push(Math.round(ms * 10) / 10);
      },
    };
    g[KEY] = state;
  }
  return g[KEY];
}

export function registerDiagnostics(name: string, provider: Provider): void {
  registry().providers.set(name, provider);
}

/**
 * How long something took in this instance (a channel read, a request as the server saw it), for
 * the diagnostics port: each read of the port with `?reset=1` takes the durations since the last.
 */
export function recordDuration(name: string, ms: number): void {
  registry().recordDuration(name, ms);
}

/**
 * Runs `work` and, while the port is open, records how long the promise it returns took to settle
 * under `name` (a function when the name costs something to build). With the port closed it only
 * runs `work`: the hot paths that use it (every channel read, cluster request and database query)
 * pay nothing for it.
 */
export function timed<T>(name: string | (() => string), work: () => T): T {
  const state = registry();
  if (!state.server) return work();
  const started = performance.now();
  const result = work();
  if (result instanceof Promise) {
    const done = () => state.recordDuration(typeof name === 'string' ? name : name(), performance.now() - started);
    result.then(done, done);
  }
  return result;
}

const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;

export function startDiagnostics(port: number): Promise<Server> {
  const state = registry();
  if (state.server) return Promise.resolve(state.server);
  // 10 ms resolution: finer sampling costs the loop it measures.
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let since = Date.now();
  // A second one, restarted only by `?mark=1`: the whole of a load, whatever stretches the first was read in.
  const sinceMark = monitorEventLoopDelay({ resolution: 10 });
  sinceMark.enable();
  let markedAt = Date.now();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body: Record<string, unknown> = {
      pid: process.pid,
      uptimeS: Math.round(process.uptime()),
      cpuUs: process.cpuUsage(),
      memory: process.memoryUsage(),
      eventLoop: {
        sinceMs: Date.now() - since,
        meanMs: ms(histogram.mean),
        p50Ms: ms(histogram.percentile(50)),
        p99Ms: ms(histogram.percentile(99)),
        maxMs: ms(histogram.max),
      },
      eventLoopSinceMark: {
        sinceMs: Date.now() - markedAt,
        p50Ms: ms(sinceMark.percentile(50)),
        p99Ms: ms(sinceMark.percentile(99)),
        maxMs: ms(sinceMark.max),
      },
    };
    body.durations = Object.fromEntries(state.durations);
    for (const [name, provider] of state.providers) {
      try {
        body[name] = provider(url.searchParams);
      } catch (error) {
        body[name] = { error: String(error) };
      }
    }
    if (url.searchParams.get('mark') === '1') {
      sinceMark.reset();
      markedAt = Date.now();
    }
    if (url.searchParams.get('reset') === '1') {
      state.durations.clear();
      histogram.reset();
      since = Date.now();
    }
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(body));
  });
  server.unref();
  state.server = server;
  // Once closed, nothing more is kept (a test that closes it, an instance that stops).
  server.once('close', () => {
    if (state.server === server) state.server = undefined;
    state.durations.clear();
    histogram.disable();
    sinceMark.disable();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      console.log(`[diagnostics] instance figures on http://127.0.0.1:${port}/ (loopback only)`);
      resolve(server);
    });
  });
}
