// Benchmark (not a test): `npm run bench:class -- --attendees 50 --duration 120`.
//
// One app instance (`next start` on loopback, the built app: run `npm run build` first) with its
// practice cluster, a fresh data folder, then:
// 1. the instructor signs in (next-auth credentials over HTTP) and creates a workshop;
// 2. N attendees join with its code, each creates and connects a practice deployment through the
//    app (`POST /api/practice`), visits chapters 1..c (c = 1, 2 or 3, spread evenly) and starts
//    the practice host's Metricbeat and Filebeat (setup + start) through the app;
// 3. for `--duration` seconds every attendee's client polls what its chapter page polls, at the
//    page's SWR intervals: the cluster status (5 s) and the chapter's checkpoints (5 s, until all are
//    done); on chapter 2 the host metrics panel (5 s); on chapter 3 the auth-log tail from its cursor
//    (3 s), the SSH summary (5 s) and the Filebeat module check (5 s, then 60 s once installed); and
//    one board polls the progress endpoint every 3 s (the board page's interval);
// 4. meanwhile a few attendees on chapter 3 make an SSH attempt on their practice host, and the
//    bench measures how long until the board shows their `ssh-attempt-seen` done: for attendees
//    whose page polls, and for "idle" ones (tab closed) whom only the background verifier checks.
// It prints p50/p99/max latency per route, errors, the board's delays, and the app's CPU and memory.
//
// With --instances N (N >= 2, needs DATABASE_URL) the app runs as `npm run start:instances -- N`
// (N instances behind the sticky proxy, the practice cluster in its own process) and the bench
// also reads each instance's diagnostics port: its event-loop delay, CPU, memory and every check
// its background verifier made, so it can say whether each verification was done exactly once;
// --kill-one-at S kills the last instance (SIGKILL) S seconds into the load and reports how long
// the survivors took to take over its share of the verifier and whether any result was lost.
//
// Flags: --attendees N (50) --duration S (120) --port P (3190) --practice-port P (9290)
//        --instances N (1) --kill-one-at S (off)
//        --poll-ms 5000 --board-ms 3000 --backfill-minutes M (60: the practice host's default hour)
//        --setup-concurrency 8 --idle K (2 attendees with no page open) --practice separate|in-app
//        (in-app: the practice cluster in the app's process, as `npm start` runs it)
//        --keep-polling (checkpoints keep polling after all are done; the page stops)
//        --profile (the app runs with --cpu-prof; the bench prints where its CPU time went)
// Environment variables BOARD_* are passed to the app (e.g. BOARD_VERIFY_INTERVAL_MS); with
// DATABASE_URL (an empty database) the app stores in PostgreSQL instead of the embedded PGlite.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Options {
  attendees: number;
  durationS: number;
  port: number;
  practicePort: number;
  pollMs: number;
  boardMs: number;
  backfillMinutes: number;
  setupConcurrency: number;
  idle: number;
  practice: 'in-app' | 'separate';
  keepPolling: boolean;
  profile: boolean;
  instances: number;
  killOneAtS: number | null;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string, fallback: string): string => {
    const i = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
    if (i < 0) return fallback;
    const arg = argv[i]!;
    return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[i + 1] ?? fallback);
  };
  const number = (name: string, fallback: number) => {
    const n = Number(value(name, String(fallback)));
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number`);
    return n;
  };
  const practice = value('practice', 'in-app');
  if (practice !== 'in-app' && practice !== 'separate') throw new Error('--practice must be in-app or separate');
  return {
    attendees: number('attendees', 50),
    durationS: number('duration', 120),
    port: number('port', 3190),
    practicePort: number('practice-port', 9290),
    pollMs: number('poll-ms', 5_000),
    boardMs: number('board-ms', 3_000),
    backfillMinutes: number('backfill-minutes', 60),
    setupConcurrency: Math.max(1, number('setup-concurrency', 8)),
    idle: number('idle', 2),
    practice,
    keepPolling: argv.includes('--keep-polling'),
    profile: argv.includes('--profile'),
    instances: Math.max(1, number('instances', 1)),
    killOneAtS: argv.some((arg) => arg.startsWith('--kill-one-at')) ? number('kill-one-at', 60) : null,
  };
}

// ---------------------------------------------------------------- HTTP with a cookie jar

class Session {
  private readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async request(method: string, url: string, body?: unknown, form?: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': 'en' };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(form).toString();
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(`${this.base}${url}`, { method, headers, body: payload, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return response;
  }

  async json<T>(method: string, url: string, body?: unknown, expect = [200, 201]): Promise<T> {
    const response = await this.request(method, url, body);
    const text = await response.text();
    if (!expect.includes(response.status)) throw new Error(`${method} ${url} -> ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  /** next-auth's credentials sign-in, as the join page does it. */
  async signIn(provider: 'attendee' | 'instructor', fields: Record<string, string>): Promise<{ id: string }> {
    const { csrfToken } = await this.json<{ csrfToken: string }>('GET', '/api/auth/csrf');
    const response = await this.request('POST', `/api/auth/callback/${provider}`, undefined, { ...fields, csrfToken, json: 'true' });
    await response.text();
    const session = await this.json<{ participant?: { id: string } }>('GET', '/api/auth/session');
    if (!session.participant) throw new Error(`${provider} sign-in failed (${response.status})`);
    return session.participant;
  }
}

// ---------------------------------------------------------------- measurements

class Stats {
  private readonly routes = new Map<string, { latencies: number[]; errors: number; statuses: Map<string, number> }>();
  recording = false;
  /** When each error happened (performance.now()), to tell errors around a killed instance from the rest. */
  readonly errorTimes: number[] = [];

  private entry(route: string) {
    let entry = this.routes.get(route);
    if (!entry) this.routes.set(route, (entry = { latencies: [], errors: 0, statuses: new Map() }));
    return entry;
  }

  async time<T>(route: string, run: () => Promise<Response>, read: (response: Response) => Promise<T>): Promise<T | null> {
    const started = performance.now();
    let status = 'network';
    try {
      const response = await run();
      status = String(response.status);
      const value = await read(response);
      const ms = performance.now() - started;
      if (this.recording) {
        const entry = this.entry(route);
        entry.latencies.push(ms);
        if (!response.ok) {
          entry.errors += 1;
          if (!route.startsWith('probe:')) this.errorTimes.push(performance.now());
        }
        entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1);
      }
      return response.ok ? value : null;
    } catch (error) {
      if (this.recording) {
        const entry = this.entry(route);
        entry.errors += 1;
        if (!route.startsWith('probe:')) this.errorTimes.push(performance.now());
        entry.latencies.push(performance.now() - started);
        const key = `${status}:${(error as Error).name}`;
        entry.statuses.set(key, (entry.statuses.get(key) ?? 0) + 1);
      }
      return null;
    }
  }

  report(): { total: number; errors: number; p99: number } {
    const rows: string[][] = [['route', 'requests', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'statuses']];
    const all: number[] = [];
    let errors = 0;
    for (const [route, entry] of [...this.routes].sort()) {
      const sorted = [...entry.latencies].sort((a, b) => a - b);
      if (!route.startsWith('probe:')) {
        all.push(...sorted);
        errors += entry.errors;
      }
      rows.push([route, String(sorted.length), fmt(pct(sorted, 50)), fmt(pct(sorted, 99)), fmt(sorted[sorted.length - 1] ?? NaN), String(entry.errors), [...entry.statuses].map(([s, n]) => `${s}×${n}`).join(' ')]);
    }
    all.sort((a, b) => a - b);
    rows.push(['all', String(all.length), fmt(pct(all, 50)), fmt(pct(all, 99)), fmt(all[all.length - 1] ?? NaN), String(errors), '']);
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
    for (const row of rows) console.log(row.map((cell, i) => (i === 0 || i === 6 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
    return { total: all.length, errors, p99: pct(all, 99) };
  }
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function fmt(ms: number): string {
  return Number.isFinite(ms) ? ms.toFixed(1) : '-';
}

/** CPU seconds and resident memory of a process and its children, from /proc (Linux). */
function processTree(rootPid: number): { cpuS: number; rssBytes: number } {
  const tick = 100;
  const stats = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return [{ pid: Number(pid), ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / tick, rss: Number(fields[21]) * 4096 }];
      } catch {
        return [];
      }
    });
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const stat of stats) {
      if (!tree.has(stat.pid) && tree.has(stat.ppid)) {
        tree.add(stat.pid);
        grew = true;
      }
    }
  }
  const mine = stats.filter((stat) => tree.has(stat.pid));
  return { cpuS: mine.reduce((sum, s) => sum + s.cpu, 0), rssBytes: mine.reduce((sum, s) => sum + s.rss, 0) };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

// ---------------------------------------------------------------- processes

function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`[bench] ${name} exited early (${code ?? signal}); see ${logFile}`);
  });
  return child;
}

let stopping = false;

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

async function inBatches<T>(items: T[], concurrency: number, run: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await run(items[index]!, index);
      }
    }),
  );
}

// ---------------------------------------------------------------- the instances' own figures

interface CheckRecord {
  seq: number;
  participantId: string;
  workshopId: string;
  startedAt: number;
  endedAt: number;
  ok: boolean;
}

interface LeaseUnit {
  workshopId: string;
  slice: number;
}

interface DiagnosticsBody {
  pid: number;
  cpuUs: { user: number; system: number };
  memory: { rss: number };
  eventLoop: { p99Ms: number; maxMs: number };
  verifier?: {
    instanceId: string;
    leases: { instances: number; share: number; held: number };
    leaseChanges: { at: number; claimed: LeaseUnit[]; released: LeaseUnit[] }[];
    checks: CheckRecord[];
  };
}

interface InstanceFigures {
  index: number;
  port: number;
  alive: boolean;
  pid: number | null;
  instanceId: string | null;
  checks: CheckRecord[];
  leaseChanges: Map<string, { at: number; claimed: LeaseUnit[]; released: LeaseUnit[] }>;
  standing: { instances: number; share: number; held: number } | null;
  /** The event loop's p99 over each stretch between two reads. */
  loopP99: number[];
  loopMax: number;
  rssMax: number;
  cpuAtStart: { us: number; at: number } | null;
  cpuLast: { us: number; at: number } | null;
}

/** Reads each instance's diagnostics port (lib/server/diagnostics.ts) every few seconds. */
class InstanceDiagnostics {
  readonly instances: InstanceFigures[];
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(ports: number[]) {
    this.instances = ports.map((port, i) => ({
      index: i + 1,
      port,
      alive: true,
      pid: null,
      instanceId: null,
      checks: [],
      leaseChanges: new Map(),
      standing: null,
      loopP99: [],
      loopMax: 0,
      rssMax: 0,
      cpuAtStart: null,
      cpuLast: null,
    }));
  }

  async poll(recordLoop = false): Promise<void> {
    await Promise.all(
      this.instances
        .filter((instance) => instance.alive)
        .map(async (instance) => {
          const after = instance.checks[instance.checks.length - 1]?.seq ?? 0;
          let body: DiagnosticsBody;
          try {
            const response = await fetch(`http://127.0.0.1:${instance.port}/?reset=1&checksAfter=${after}`, { signal: AbortSignal.timeout(5_000) });
            body = (await response.json()) as DiagnosticsBody;
          } catch {
            return;
          }
          instance.pid = body.pid;
          instance.cpuLast = { us: body.cpuUs.user + body.cpuUs.system, at: performance.now() };
          instance.rssMax = Math.max(instance.rssMax, body.memory.rss);
          if (recordLoop) {
            instance.loopP99.push(body.eventLoop.p99Ms);
            instance.loopMax = Math.max(instance.loopMax, body.eventLoop.maxMs);
          }
          if (body.verifier) {
            instance.instanceId = body.verifier.instanceId;
            instance.standing = body.verifier.leases;
            instance.checks.push(...body.verifier.checks);
            for (const change of body.verifier.leaseChanges) instance.leaseChanges.set(`${change.at}:${JSON.stringify(change)}`, change);
          }
        }),
    );
  }

  startLoad(): void {
    for (const instance of this.instances) instance.cpuAtStart = instance.cpuLast;
    this.timer = setInterval(() => void this.poll(true), 5_000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Slices an instance held at its last change: what a survivor must take over when it dies. */
  heldSlices(instance: InstanceFigures): Set<string> {
    const held = new Set<string>();
    for (const change of [...instance.leaseChanges.values()].sort((a, b) => a.at - b.at)) {
      for (const unit of change.claimed) held.add(`${unit.workshopId}:${unit.slice}`);
      for (const unit of change.released) held.delete(`${unit.workshopId}:${unit.slice}`);
    }
    return held;
  }
}

interface CheckAnalysis {
  total: number;
  perInstance: number[];
  attendees: number;
  /** The same attendee checked by two instances at overlapping times: must never happen. */
  concurrent: number;
  /** Checked again by another instance less than half an interval after the last check (a hand-over, not a double). */
  earlyByOther: number;
  /** Attendees with only successful checks whose longest wait between two checks exceeded 1.5 intervals, and that wait. */
  lateAttendees: number;
  longestGapMs: number;
}

function analyseChecks(instances: InstanceFigures[], intervalMs: number): CheckAnalysis {
  const byAttendee = new Map<string, (CheckRecord & { instance: number })[]>();
  for (const instance of instances) {
    for (const check of instance.checks) {
      let list = byAttendee.get(check.participantId);
      if (!list) byAttendee.set(check.participantId, (list = []));
      list.push({ ...check, instance: instance.index });
    }
  }
  let concurrent = 0;
  let earlyByOther = 0;
  let lateAttendees = 0;
  let longestGapMs = 0;
  for (const checks of byAttendee.values()) {
    checks.sort((a, b) => a.startedAt - b.startedAt);
    let longest = 0;
    for (let i = 1; i < checks.length; i += 1) {
      const previous = checks[i - 1]!;
      const check = checks[i]!;
      if (check.instance !== previous.instance && check.startedAt < previous.endedAt) concurrent += 1;
      else if (check.instance !== previous.instance && check.startedAt - previous.startedAt < intervalMs / 2) earlyByOther += 1;
      longest = Math.max(longest, check.startedAt - previous.startedAt);
    }
    if (checks.every((check) => check.ok)) {
      if (longest > intervalMs * 1.5) lateAttendees += 1;
      longestGapMs = Math.max(longestGapMs, longest);
    }
  }
  return {
    total: instances.reduce((sum, instance) => sum + instance.checks.length, 0),
    perInstance: instances.map((instance) => instance.checks.length),
    attendees: byAttendee.size,
    concurrent,
    earlyByOther,
    lateAttendees,
    longestGapMs,
  };
}

// ---------------------------------------------------------------- the class

interface Attendee {
  index: number;
  name: string;
  session: Session;
  id: string;
  chapter: 1 | 2 | 3;
  /** No page open: only the background verifier checks this attendee. */
  idle: boolean;
  chapterDone: boolean;
}

interface ProgressBody {
  attendees: { id: string; checkpoints: Record<string, { state: string }> }[];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const several = options.instances > 1;
  if (several && !process.env.DATABASE_URL) throw new Error('--instances needs DATABASE_URL (an empty PostgreSQL database): instances share it');
  if (several) options.practice = 'separate';
  if (options.killOneAtS !== null && !several) throw new Error('--kill-one-at needs --instances 2 or more');
  // Enough attendees without a page that some were checked by the instance that is killed.
  if (options.killOneAtS !== null && !process.argv.some((arg) => arg.startsWith('--idle'))) options.idle = 8;
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('No build: run `npm run build` first (the bench measures the built app).');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'class-load-'));
  const base = `http://127.0.0.1:${options.port}`;
  const password = 'bench-instructor-password';
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('BOARD_') || ['PATH', 'HOME', 'TMPDIR'].includes(key))),
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    DATA_DIR: dataDir,
    PRACTICE_CLUSTER_PORT: String(options.practicePort),
    INSTRUCTOR_PASSWORD: password,
    // DATABASE_URL (an empty PostgreSQL database) measures the set-up for a real class: production
    // then needs the two secrets the embedded default generates.
    ...(process.env.DATABASE_URL
      ? { DATABASE_URL: process.env.DATABASE_URL, AUTH_SECRET: randomBytes(32).toString('hex'), CREDENTIALS_KEY: randomBytes(32).toString('hex') }
      : {}),
  };
  // One instance: the app on --port, its figures on --port + 1. Several: the proxy on --port, instance
  // i on --port + i and its figures on --port + N + i (scripts/start-instances.mjs).
  const diagnosticsPorts = several
    ? Array.from({ length: options.instances }, (_, i) => options.port + options.instances + i + 1)
    : [options.port + 1];
  if (!several) env.DIAGNOSTICS_PORT = String(diagnosticsPorts[0]);
  console.log(
    `[bench] ${options.attendees} attendees, ${options.durationS} s, ${several ? `${options.instances} instances behind the proxy, ` : ''}${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, practice cluster ${options.practice}, backfill ${options.backfillMinutes} min, data in ${dataDir}`,
  );

  let practice: ChildProcess | undefined;
  let app: ChildProcess | undefined;
  const finish = async () => {
    stopping = true;
    await stopProcess(app);
    await stopProcess(practice);
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void finish().then(() => process.exit(130)));

  try {
    if (options.practice === 'separate') {
      practice = startProcess('practice cluster', process.execPath, ['--import', 'tsx', 'scripts/practice-cluster.ts'], env, path.join(dataDir, 'practice.log'));
      await waitFor(`http://127.0.0.1:${options.practicePort}/_practice/ping`, 30_000);
    }
    const profileDir = path.join(dataDir, 'profile');
    // --cpu-prof is refused in NODE_OPTIONS, so a profiled app runs Next's CLI under node directly.
    const nextArgs = ['start', '-H', '127.0.0.1', '-p', String(options.port)];
    if (several) {
      app = startProcess('app instances', process.execPath, ['scripts/start-instances.mjs', String(options.instances), '--diagnostics'], { ...env, PORT: String(options.port), HOST: '127.0.0.1' }, path.join(dataDir, 'app.log'));
    } else {
      app = options.profile
        ? startProcess('app', process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), ...nextArgs], env, path.join(dataDir, 'app.log'))
        : startProcess('app', path.join(ROOT, 'node_modules', '.bin', 'next'), nextArgs, env, path.join(dataDir, 'app.log'));
    }
    await waitFor(`${base}/api/health`, several ? 15 * 60_000 : 60_000);
    for (const port of diagnosticsPorts) await waitFor(`http://127.0.0.1:${port}/`, 60_000);
    const diagnostics = new InstanceDiagnostics(diagnosticsPorts);
    await diagnostics.poll();
    await waitFor(`http://127.0.0.1:${options.practicePort}/_practice/ping`, 30_000);
    const appPid = app.pid!;

    // ----- set-up: instructor, workshop, attendees with practice clusters and running Beats
    const setupStarted = performance.now();
    const instructor = new Session(base);
    await instructor.signIn('instructor', { password });
    const workshop = await instructor.json<{ id: string; code: string }>('POST', '/api/workshops', { name: `Class load ${options.attendees}`, clusterMode: 'practice' });

    const attendees: Attendee[] = [];
    let setupRetries = 0;
    /** A set-up step that a loaded machine answered with a 5xx or not at all is tried again (twice at most): set-up is not what is measured. */
    const setupStep = async <T,>(run: () => Promise<T>): Promise<T> => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await run();
        } catch (error) {
          if (attempt >= 3 || !/-> 5\d\d|timeout|fetch failed/i.test(String(error))) throw error;
          setupRetries += 1;
          await sleep(2_000 * attempt);
        }
      }
    };
    const beatBody = options.backfillMinutes < 60 ? { backfillMinutes: options.backfillMinutes } : {};
    await inBatches(
      Array.from({ length: options.attendees }, (_, i) => i),
      options.setupConcurrency,
      async (i) => {
        const session = new Session(base);
        const name = `Attendee ${String(i + 1).padStart(3, '0')}`;
        const { id } = await session.signIn('attendee', { code: workshop.code, name });
        const chapter = ((i % 3) + 1) as 1 | 2 | 3;
        for (let c = 1; c <= chapter; c += 1) await session.json('POST', '/api/progress', { chapter: c });
        await setupStep(() => session.json('POST', '/api/practice', { flavor: '8' }));
        for (const action of ['metricbeat-setup', 'filebeat-setup', 'metricbeat-start', 'filebeat-start']) {
          await setupStep(() => session.json('POST', `/api/practice/host/${action}`, action.endsWith('-start') ? beatBody : {}));
        }
        attendees.push({ index: i, name, session, id, chapter, idle: false, chapterDone: false });
        if ((i + 1) % 50 === 0) console.log(`[bench] ${i + 1} attendees set up (${((performance.now() - setupStarted) / 1000).toFixed(0)} s)`);
      },
    );
    attendees.sort((a, b) => a.index - b.index);
    // The last attendees on chapter 3 keep no page open: only the background verifier sees them.
    for (const attendee of attendees.filter((a) => a.chapter === 3).slice(-options.idle)) attendee.idle = true;
    const setupS = (performance.now() - setupStarted) / 1000;
    const afterSetup = processTree(appPid);
    console.log(`[bench] set-up done in ${setupS.toFixed(0)} s (${setupRetries} steps tried again); app ${mib(afterSetup.rssBytes)} resident, ${afterSetup.cpuS.toFixed(0)} CPU s so far`);

    // ----- the class at work
    const stats = new Stats();
    let running = true;
    let latest: { at: number; body: ProgressBody } | null = null;
    const waiters: { attendeeId: string; since: number; resolve: (ms: number) => void }[] = [];

    /** Polls one thing every `ms` (after a random start, as tabs open at different times) while the load runs. */
    const every = async (ms: number | (() => number), poll: () => Promise<unknown>) => {
      const interval = () => (typeof ms === 'number' ? ms : ms());
      await sleep(Math.random() * interval());
      while (running) {
        await poll();
        await sleep(interval());
      }
    };

    // What each chapter's page polls (the SWR intervals of its live panels and checkpoints).
    const attendeeLoop = async (attendee: Attendee) => {
      const get = <T,>(route: string, url: string, read: (r: Response) => Promise<T> = (r) => r.text() as Promise<T>) =>
        stats.time(`GET ${route}`, () => attendee.session.request('GET', url), read);
      const loops: Promise<void>[] = [
        // The chapter 1 panel, and on chapters 2-3 the practice buttons and the auth-log panel's link.
        every(options.pollMs, () => get('/api/panels/cluster-status', '/api/panels/cluster-status')),
        every(options.pollMs, async () => {
          if (attendee.chapterDone && !options.keepPolling) return;
          const items = await get('/api/checkpoints', `/api/checkpoints?chapter=${attendee.chapter}`, (r) => r.json() as Promise<{ state: string }[]>);
          // Like the page: once every checkpoint of the chapter is done, it stops asking.
          if (items && items.every((item) => item.state === 'done')) attendee.chapterDone = true;
        }),
      ];
      if (attendee.chapter === 2) {
        loops.push(every(options.pollMs, () => get('/api/panels/host-metrics', '/api/panels/host-metrics?range=15m')));
      }
      if (attendee.chapter === 3) {
        let cursor: string | null = null;
        let moduleInstalled = false;
        loops.push(
          // The stream's tail every 3 s from the last cursor (the page's first read has no cursor).
          every(3_000, async () => {
            const url = `/api/panels/auth-log?filter=${cursor ? `&cursor=${cursor}` : ''}`;
            const page = await get('/api/panels/auth-log', url, (r) => r.json() as Promise<{ cursor?: string }>);
            if (page?.cursor) cursor = page.cursor;
          }),
          every(options.pollMs, () => get('/api/panels/auth-log/summary', '/api/panels/auth-log/summary?range=15m')),
          every(
            () => (moduleInstalled ? 60_000 : options.pollMs),
            async () => {
              const body = await get('/api/panels/auth-log/module', '/api/panels/auth-log/module', (r) => r.json() as Promise<{ installed?: boolean }>);
              moduleInstalled = body?.installed === true;
            },
          ),
        );
      }
      await Promise.all(loops);
    };

    const boardLoop = async () => {
      while (running) {
        const body = await stats.time(`GET /api/workshops/:id/progress`, () => instructor.request('GET', `/api/workshops/${workshop.id}/progress`), (r) => r.json() as Promise<ProgressBody>);
        if (body) {
          const at = performance.now();
          latest = { at, body };
          for (const waiter of [...waiters]) {
            const row = body.attendees.find((a) => a.id === waiter.attendeeId);
            if (row?.checkpoints['ssh-attempt-seen']?.state === 'done') {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.resolve(at - waiter.since);
            }
          }
        }
        await sleep(options.boardMs);
      }
    };

    const triggered = new Set<string>();
    const boardDelays: { name: string; idle: boolean; ms: number | null }[] = [];
    /** An SSH attempt on the attendee's practice host; resolves with how long until the board shows it. */
    const trigger = async (idle: boolean, prefer: (attendee: Attendee) => boolean = () => true) => {
      const candidates = attendees.filter((a) => a.chapter === 3 && a.idle === idle && !triggered.has(a.id));
      const open = candidates.filter((a) => latest?.body.attendees.find((row) => row.id === a.id)?.checkpoints['ssh-attempt-seen']?.state !== 'done');
      const attendee = open.find(prefer) ?? open[0];
      if (!attendee) return;
      triggered.add(attendee.id);
      await attendee.session.json('POST', '/api/practice/host/ssh-attempt', { user: 'hAx0R', count: 1 });
      const since = performance.now();
      const ms = await Promise.race([
        new Promise<number>((resolve) => waiters.push({ attendeeId: attendee.id, since, resolve })),
        sleep(90_000).then(() => null),
      ]);
      boardDelays.push({ name: attendee.name, idle, ms });
    };

    // Two probes tell the app's own delays from the practice cluster's: the app's health route (no
    // session, no database) shows its event loop lag; a bare GET / on a practice deployment shows the
    // practice cluster's.
    const probeDeployment = (await (
      await fetch(`http://127.0.0.1:${options.practicePort}/_practice/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"flavor":"8"}' })
    ).json()) as { username: string; password: string };
    const probeAuth = `Basic ${Buffer.from(`${probeDeployment.username}:${probeDeployment.password}`).toString('base64')}`;
    const probeLoop = async () => {
      while (running) {
        await Promise.all([
          stats.time('probe: app GET /api/health', () => fetch(`${base}/api/health`), (r) => r.text()),
          stats.time('probe: practice cluster GET /', () => fetch(`http://127.0.0.1:${options.practicePort}/`, { headers: { authorization: probeAuth } }), (r) => r.text()),
        ]);
        await sleep(1_000);
      }
    };

    await diagnostics.poll();
    diagnostics.startLoad();
    const cpuBefore = processTree(appPid);
    const loadStarted = performance.now();
    stats.recording = true;
    const loops = [...attendees.filter((a) => !a.idle).map(attendeeLoop), boardLoop(), probeLoop()];
    const rssSamples: number[] = [];
    const sampler = setInterval(() => rssSamples.push(processTree(appPid).rssBytes), 5_000);
    // --kill-one-at: the last instance dies (SIGKILL: no clean stop, no lease given back).
    let killed: { instance: InstanceFigures; atWall: number; atPerf: number; slices: Set<string>; attendees: Set<string>; doneCells: Set<string> } | null = null;
    const doneCells = (body: ProgressBody | undefined) =>
      new Set((body?.attendees ?? []).flatMap((row) => Object.entries(row.checkpoints).filter(([, cell]) => cell.state === 'done').map(([id]) => `${row.id}:${id}`)));
    const killer = (async () => {
      if (options.killOneAtS === null) return;
      await sleep(options.killOneAtS * 1000);
      if (!running) return;
      await diagnostics.poll(true);
      const victim = diagnostics.instances[diagnostics.instances.length - 1]!;
      const slices = diagnostics.heldSlices(victim);
      const attendeesOfVictim = new Set(victim.checks.map((check) => check.participantId));
      const before = doneCells((latest as { body: ProgressBody } | null)?.body);
      process.kill(victim.pid!, 'SIGKILL');
      victim.alive = false;
      killed = { instance: victim, atWall: Date.now(), atPerf: performance.now(), slices, attendees: attendeesOfVictim, doneCells: before };
      console.log(`[bench] killed instance ${victim.index} (pid ${victim.pid}) ${options.killOneAtS} s into the load; it held ${slices.size} verifier slices`);
    })();
    const triggers = (async () => {
      const duration = options.durationS * 1000;
      const plan: [number, boolean][] = [[0.2, false], [0.35, true], [0.5, false], [0.65, true], [0.8, false]];
      // After a kill, also attendees with no page open whom the killed instance was checking: only a takeover shows them.
      if (options.killOneAtS !== null) plan.push([0.72, true], [0.85, true]);
      plan.sort((a, b) => a[0] - b[0]);
      for (const [fraction, idle] of plan) {
        const wait = loadStarted + fraction * duration - performance.now();
        if (wait > 0) await sleep(wait);
        if (!running) return;
        const victim = killed as { attendees: Set<string> } | null;
        void trigger(idle, victim && idle ? (a) => victim.attendees.has(a.id) : undefined);
      }
    })();
    await sleep(options.durationS * 1000);
    running = false;
    clearInterval(sampler);
    const loadS = (performance.now() - loadStarted) / 1000;
    const cpuAfter = processTree(appPid);
    await Promise.all(loops);
    stats.recording = false;
    await triggers;
    await killer;
    // Give a late trigger the rest of its board polls.
    const lateDeadline = performance.now() + 20_000;
    while (waiters.length > 0 && performance.now() < lateDeadline) {
      await stats.time('late board poll', () => instructor.request('GET', `/api/workshops/${workshop.id}/progress`), (r) => r.json() as Promise<ProgressBody>).then((body) => {
        if (!body) return;
        for (const waiter of [...waiters]) {
          if (body.attendees.find((a) => a.id === waiter.attendeeId)?.checkpoints['ssh-attempt-seen']?.state === 'done') {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(performance.now() - waiter.since);
          }
        }
      });
      await sleep(options.boardMs);
    }
    await sleep(100);
    diagnostics.stop();
    await diagnostics.poll(true);
    const finalBoard = await instructor.json<ProgressBody>('GET', `/api/workshops/${workshop.id}/progress`);

    // ----- report
    console.log(`\n[bench] ${options.attendees} attendees (${attendees.filter((a) => a.idle).length} without a page open), ${loadS.toFixed(0)} s of load, polls every ${options.pollMs / 1000} s, board every ${options.boardMs / 1000} s`);
    const { errors, p99 } = stats.report();
    console.log('\nBoard shows an SSH attempt made on the attendee’s practice host after:');
    for (const delay of boardDelays) console.log(`  ${delay.name.padEnd(14)} ${delay.idle ? 'no page open (background verifier)' : 'page open (own polling)          '}  ${delay.ms === null ? 'not within 90 s' : `${(delay.ms / 1000).toFixed(1)} s`}`);
    const appCpu = cpuAfter.cpuS - cpuBefore.cpuS;
    console.log(`\n${several ? `App processes (the proxy and ${options.instances} instances)` : 'App process'} (with ${options.practice === 'in-app' ? 'the practice cluster inside' : 'the practice cluster in its own process'}): ${((appCpu / loadS) * 100).toFixed(0)}% CPU on average over the load (${os.cpus().length} cores), resident ${mib(Math.max(...rssSamples, afterSetup.rssBytes))} at most`);
    if (practice?.pid) {
      const p = processTree(practice.pid);
      console.log(`Practice cluster process: ${p.cpuS.toFixed(0)} CPU s in all, resident ${mib(p.rssBytes)}`);
    }
    console.log(`Set-up (sign-in, practice deployment, Beats with ${options.backfillMinutes} min backfill): ${setupS.toFixed(0)} s`);
    const worstBoard = Math.max(...boardDelays.map((d) => d.ms ?? Infinity));
    console.log(
      `\nGoals (500 attendees on 2 cores): p99 ${fmt(p99)} ms ${p99 <= 250 ? '≤' : '>'} 250 ms · errors ${errors} · board ${Number.isFinite(worstBoard) ? `${(worstBoard / 1000).toFixed(1)} s` : 'missed'} ${worstBoard <= 15_000 ? '≤' : '>'} 15 s`,
    );
    console.log('\nPer instance (diagnostics port; event-loop p99 of each 5 s stretch: median / worst; max single delay):');
    for (const instance of diagnostics.instances) {
      const cpu = instance.cpuAtStart && instance.cpuLast ? (instance.cpuLast.us - instance.cpuAtStart.us) / 1000 / (instance.cpuLast.at - instance.cpuAtStart.at) : NaN;
      const loops = [...instance.loopP99].sort((a, b) => a - b);
      console.log(
        `  instance ${instance.index} (pid ${instance.pid}${instance.alive ? '' : ', killed'}): CPU ${(cpu * 100).toFixed(0)}% of a core, resident ${mib(instance.rssMax)} at most, ` +
          `event loop p99 ${fmt(pct(loops, 50))} / ${fmt(loops[loops.length - 1] ?? NaN)} ms, max ${fmt(instance.loopMax)} ms; ` +
          `${instance.checks.length} background checks; verifier slices ${instance.standing ? `${instance.standing.held} (share ${instance.standing.share}, ${instance.standing.instances} live)` : '-'}`,
      );
    }
    if (several) {
      const intervalMs = Number(process.env.BOARD_VERIFY_INTERVAL_MS ?? 15_000);
      const analysis = analyseChecks(diagnostics.instances, intervalMs);
      console.log(
        `\nBackground verifications (set-up and load): ${analysis.total} checks of ${analysis.attendees} attendees (${analysis.perInstance.map((n, i) => `instance ${i + 1}: ${n}`).join(', ')}); ` +
          `the same attendee checked by two instances at once: ${analysis.concurrent}; ` +
          `re-checked by another instance within half an interval (a hand-over): ${analysis.earlyByOther}; ` +
          `longest wait between two checks of an attendee whose checks all succeeded: ${(analysis.longestGapMs / 1000).toFixed(1)} s (${analysis.lateAttendees} attendees waited over 1.5 intervals)`,
      );
    }
    const victim = killed as { instance: InstanceFigures; atWall: number; atPerf: number; slices: Set<string>; attendees: Set<string>; doneCells: Set<string> } | null;
    if (victim) {
      const leaseMs = Number(process.env.BOARD_VERIFY_LEASE_MS ?? 30_000);
      const survivors = diagnostics.instances.filter((instance) => instance !== victim.instance);
      const claims = survivors.flatMap((instance) => [...instance.leaseChanges.values()].filter((change) => change.at >= victim.atWall).flatMap((change) => change.claimed.map((unit) => ({ key: `${unit.workshopId}:${unit.slice}`, at: change.at }))));
      const takenAt = [...victim.slices].map((key) => claims.filter((claim) => claim.key === key).map((claim) => claim.at).sort((a, b) => a - b)[0]);
      const allTaken = takenAt.every((at) => at !== undefined);
      const takeoverMs = allTaken ? Math.max(0, ...(takenAt as number[])) - victim.atWall : NaN;
      const firstChecks = [...victim.attendees].map((id) =>
        survivors.flatMap((instance) => instance.checks.filter((check) => check.participantId === id && check.startedAt >= victim.atWall).map((check) => check.startedAt)).sort((a, b) => a - b)[0],
      );
      const checkedAgain = firstChecks.filter((at) => at !== undefined) as number[];
      const after = doneCells(finalBoard);
      const lost = [...victim.doneCells].filter((cell) => !after.has(cell));
      const errorsAround = stats.errorTimes.filter((at) => at >= victim.atPerf - 1_000 && at <= victim.atPerf + 10_000).length;
      console.log(
        `\nKilled instance ${victim.instance.index}: its ${victim.slices.size} verifier slices taken over by the survivors ${allTaken ? `${(takeoverMs / 1000).toFixed(1)} s after the kill` : `only in part (${takenAt.filter((at) => at !== undefined).length})`} ` +
          `(lease ${leaseMs / 1000} s: ${allTaken && takeoverMs <= leaseMs ? 'within' : 'NOT within'} one lease period); ` +
          `${checkedAgain.length} of the ${victim.attendees.size} attendees it had been checking were checked again by a survivor, the last ${checkedAgain.length ? `${((Math.max(...checkedAgain) - victim.atWall) / 1000).toFixed(1)} s` : '-'} after the kill; ` +
          `checkpoints done before the kill: ${victim.doneCells.size}, of them not done at the end: ${lost.length}; done at the end: ${after.size}; ` +
          `errors from 1 s before to 10 s after the kill: ${errorsAround} of ${stats.errorTimes.length}`,
      );
    }
    const appLog = readFileSync(path.join(dataDir, 'app.log'), 'utf8');
    const apiErrors = appLog.split('\n').filter((line) => line.includes('[api]') || line.includes('[board]') && line.includes('failed'));
    if (apiErrors.length > 0) console.log(`\nApp log (${apiErrors.length} error lines), first ones:\n${apiErrors.slice(0, 8).join('\n')}`);
    if (options.profile) {
      stopping = true;
      await stopProcess(app);
      printProfile(profileDir);
    }
  } finally {
    await finish();
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Where the app's CPU went: self time by area (from module paths) and the busiest functions. */
function printProfile(dir: string): void {
  const files = existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.cpuprofile')) : [];
  if (files.length === 0) return void console.log('\n(no CPU profile was written)');
  const self = new Map<number, number>();
  const nodes = new Map<number, ProfileNode>();
  let totalUs = 0;
  /** Stretches of the main thread without a break (no idle sample): the event loop was blocked. */
  const stretches: { us: number; samples: number[] }[] = [];
  for (const file of files) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
    const offset = nodes.size * 1_000_000;
    for (const node of profile.nodes) nodes.set(node.id + offset, node);
    let current: { us: number; samples: number[] } | null = null;
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas[i + 1] ?? 0;
      self.set(id + offset, (self.get(id + offset) ?? 0) + delta);
      totalUs += delta;
      const idle = nodes.get(id + offset)?.callFrame.functionName === '(idle)';
      if (idle) {
        if (current && current.us > 100_000) stretches.push(current);
        current = null;
      } else {
        current ??= { us: 0, samples: [] };
        current.us += delta;
        current.samples.push(id + offset);
      }
    });
  }
  const area = (url: string, name: string): string => {
    if (name === '(idle)') return 'idle';
    if (name === '(garbage collector)') return 'garbage collection';
    if (name === '(program)') return 'V8/native (program)';
    if (/^(hkdf|pbkdf2)$/.test(name)) return 'sessions (next-auth JWT)';
    if (/^(fstat|expandFileStorage|writeSync|readSync|fsync)/.test(name)) return 'database (PGlite)';
    const rules: [RegExp, string][] = [
      [/pglite|^wasm:/i, 'database (PGlite)'],
      [/postgres/i, 'database (PostgreSQL client)'],
      [/drizzle-orm/, 'drizzle (SQL building, row mapping)'],
      [/lib\/practice\/engine/, 'practice cluster: query engine'],
      [/lib\/practice\/host/, 'practice cluster: simulated hosts'],
      [/lib\/practice/, 'practice cluster: server'],
      [/@elastic\/elasticsearch|@elastic\/transport|es7|es8|undici/, 'Elasticsearch client + HTTP'],
      [/jose|next-auth|openid/, 'sessions (next-auth JWT)'],
      [/next\/dist\/compiled\/react|react-dom|react-server/, 'React rendering'],
      [/next\/dist/, 'Next.js server'],
      [/node:|^internal|^node:/, 'Node.js core (http, zlib, streams)'],
      [/\.next\/server/, 'app code (server bundle)'],
    ];
    return rules.find(([pattern]) => pattern.test(url))?.[1] ?? (url ? 'other' : 'native/builtin');
  };
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const node = nodes.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = area(url, functionName);
    byArea.set(key, (byArea.get(key) ?? 0) + us);
    if (key !== 'idle') {
      const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\.next\//, '.next/')}:${lineNumber + 1}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    }
  }
  const busy = totalUs - (byArea.get('idle') ?? 0);
  console.log(`\nApp CPU profile: ${(busy / 1e6).toFixed(1)} s busy of ${(totalUs / 1e6).toFixed(1)} s on the main thread`);
  for (const [key, us] of [...byArea].filter(([key]) => key !== 'idle').sort((a, b) => b[1] - a[1])) {
    console.log(`  ${key.padEnd(40)} ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(1)} s`);
  }
  console.log('Busiest functions (self time):');
  for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${fn.slice(0, 150)}`);
  stretches.sort((a, b) => b.us - a.us);
  const blocked = stretches.reduce((sum, stretch) => sum + stretch.us, 0);
  console.log(`Event loop blocked for more than 100 ms at a time: ${stretches.length} times, ${(blocked / 1e6).toFixed(1)} s in all; the longest:`);
  for (const stretch of stretches.slice(0, 5)) {
    const areas = new Map<string, number>();
    for (const id of stretch.samples) {
      const frame = nodes.get(id)?.callFrame;
      if (frame) areas.set(area(frame.url, frame.functionName), (areas.get(area(frame.url, frame.functionName)) ?? 0) + 1);
    }
    const top = [...areas].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([key, n]) => `${key} ${((n / stretch.samples.length) * 100).toFixed(0)}%`);
    console.log(`  ${(stretch.us / 1000).toFixed(0).padStart(6)} ms: ${top.join(', ')}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);
