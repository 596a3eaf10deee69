import { isSshAttemptUser, SSH_SOURCE_RULE, SSH_USER_RULE, sshAttemptSource } from '../../validation/ssh-attempt';
import type { Clock } from '../clock';
import type { BulkAction, Engine, Flavor } from '../engine/api';
import { EsError } from '../engine/api';
import type { PracticeFeature } from '../feature';
import { type HostAction } from './actions';
import { beatTemplate, beatWriteTarget, filebeatPipelines, type Beat } from './beats-assets';
import { beatEnvelope, createHostIdentity, randomPublicIpv4, seededUuid, type BeatRun, type HostIdentity } from './identity';
import { LoadModel } from './load-model';
import { fetchDurationNs, METRICBEAT_PERIOD_MS, metricEventsAt, metricsetPeriod, type MetricContext } from './metricbeat-events';
import { hashString, SeededRandom } from './noise';
import {
  adminLoginLines,
  backgroundLines,
  beatCommandLines,
  formatLogLine,
  LOG_PATHS,
  parseAuthLine,
  parseSyslogLine,
  sshAttemptLines,
  type LogLine,
} from './system-logs';

/**
 * The simulated lab VM of one practice deployment: Metricbeat and Filebeat with the handout's
 * lifecycle (setup, start, stop), the `dd` CPU load and SSH login attempts as triggers.
 *
 * Decisions, so they are not rediscovered:
 * - `*-start` without `*-setup` works, as with real Beats: a Beat loads its index template (and
 *   Filebeat its module pipelines) when it connects, unless told not to. Only `setup` sets the
 *   `setup` flag, which stands for "the attendee ran the setup command".
 * - The host writes its logs whether or not Filebeat runs (a real auth.log does). Filebeat keeps a
 *   registry cursor: its first start ships the whole retained file (the VM's log begins an hour
 *   before the deployment was created, so charts are not empty), a later start ships the backlog
 *   written while it was stopped, as a real Filebeat does.
 * - Metricbeat's first start backfills the last hour; a restart leaves the gap a stopped Beat
 *   leaves. `backfillMinutes` in a start's body ships less history (load tests only).
 * - Documents are written already parsed (as the module pipelines would leave them), with op_type
 *   create, to the data stream (8.x) or the day's index (7.x). The pipelines are installed so they
 *   can be seen, not executed.
 * - Nothing here owns a timer: `tick()` catches up to the clock, driven by the shared scheduler or
 *   by a test with a ManualClock. The host is the practice cluster's first feature (feature.ts);
 *   its Beats write to the deployment's engine like any other client.
 */

export { HOST_ACTIONS, isHostAction, type HostAction } from './actions';

/** Raised for bad action bodies; the control API turns it into a 400. */
export class HostActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostActionError';
  }
}

/** How much host data a deployment keeps: at least 24 h (the sweep every 10 minutes drops what is older than this). */
export const RETENTION_MS = 24 * 3_600_000 + 15 * 60_000;
const ROLL_OFF_EVERY_MS = 10 * 60_000;
const BACKFILL_MS = 3_600_000;
const BULK_CHUNK = 4_000;
const MAX_LOG_LINES = 20_000;
/** A kept log line: its object, its text and the wrapper with sequence and offset. */
const BYTES_PER_LOG_LINE = 360;

interface BeatState {
  setup: boolean;
  running: boolean;
  startedAt: number | null;
  lastEventAt: number | null;
  events: number;
  run: BeatRun | null;
  everStarted: boolean;
}

interface StoredLine {
  seq: number;
  line: LogLine;
  offset: number;
}

export interface HostStateJson {
  hostname: string;
  os: string;
  cores: number;
  memoryTotal: number;
  time: string;
  metricbeat: BeatStateJson;
  filebeat: BeatStateJson & { pendingLines: number };
  cpuLoad: { cores: number; until: string | null };
  sshAttempts: number;
  lastError: string | null;
}

interface BeatStateJson {
  setup: boolean;
  running: boolean;
  startedAt: string | null;
  lastEventAt: string | null;
  events: number;
  writeTarget: string;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/**
 * What the VM keeps across a restart of the practice cluster (the seam's `snapshot()`): the Beats'
 * state and registry cursor, the lines Filebeat may still ship, the load periods and the random
 * generator's position. The identity is derived from the deployment again.
 */
export interface HostSnapshot {
  v: 1;
  metricbeat: BeatState;
  filebeat: BeatState;
  nextSlot: number;
  logs: StoredLine[];
  nextSeq: number;
  offsets: { auth: number; syslog: number };
  loggedUntil: number;
  shippedSeq: number;
  lastRollOff: number;
  sshAttempts: number;
  lastError: string | null;
  load: ReturnType<LoadModel['snapshot']>;
  random: number;
}

function isHostSnapshot(v: unknown): v is HostSnapshot {
  const s = v as Partial<HostSnapshot> | null;
  return typeof s === 'object' && s !== null && s.v === 1 && Array.isArray(s.logs) && typeof s.nextSlot === 'number' && typeof s.metricbeat === 'object' && typeof s.filebeat === 'object';
}

export class PracticeHost implements PracticeFeature {
  readonly name = 'host';
  readonly identity: HostIdentity;
  private readonly load: LoadModel;
  private readonly random: SeededRandom;
  private metricbeat: BeatState = { setup: false, running: false, startedAt: null, lastEventAt: null, events: 0, run: null, everStarted: false };
  private filebeat: BeatState = { setup: false, running: false, startedAt: null, lastEventAt: null, events: 0, run: null, everStarted: false };
  /** Next 10-second slot Metricbeat will collect. */
  private nextSlot = 0;
  private logs: StoredLine[] = [];
  private nextSeq = 0;
  private offsets = { auth: 48_213, syslog: 1_204_877 };
  private loggedUntil: number;
  /** Where the last catch-up that wrote lines ended: the VM's log is the same when generated again from here. */
  private loggedThrough: number;
  /** Filebeat's registry: the last line sequence number shipped. */
  private shippedSeq = -1;
  private lastRollOff = 0;
  private sshAttempts = 0;
  private lastError: string | null = null;

  constructor(
    readonly deploymentId: string,
    readonly flavor: Flavor,
    private readonly engine: Engine,
    private readonly clock: Clock,
    createdAt = clock.now(),
  ) {
    this.identity = createHostIdentity(deploymentId, createdAt);
    this.load = new LoadModel(this.identity.cores);
    this.random = new SeededRandom(hashString(`${deploymentId}:events`));
    this.loggedUntil = createdAt - BACKFILL_MS;
    this.loggedThrough = this.loggedUntil;
    this.appendLogs(adminLoginLines(this.identity, Math.floor((createdAt - 10 * 60_000) / 1000) * 1000));
  }

  /** Whether the scheduler needs to call `tick` at all (idle hosts cost nothing). */
  get active(): boolean {
    return this.metricbeat.running || this.filebeat.running;
  }

  state(): HostStateJson {
    const now = this.clock.now();
    const load = this.load.current(now);
    return {
      hostname: this.identity.hostname,
      os: 'Ubuntu 22.04.4 LTS',
      cores: this.identity.cores,
      memoryTotal: this.identity.memoryTotal,
      time: new Date(now).toISOString(),
      metricbeat: this.beatJson('metricbeat', this.metricbeat, now),
      filebeat: { ...this.beatJson('filebeat', this.filebeat, now), pendingLines: this.pendingLines() },
      cpuLoad: load ? { cores: Math.min(this.identity.cores, this.load.busyCores(now)), until: iso(load.end) } : { cores: 0, until: null },
      sshAttempts: this.sshAttempts,
      lastError: this.lastError,
    };
  }

  private beatJson(beat: Beat, state: BeatState, now: number): BeatStateJson {
    return {
      setup: state.setup,
      running: state.running,
      startedAt: iso(state.startedAt),
      lastEventAt: iso(state.lastEventAt),
      events: state.events,
      writeTarget: beatWriteTarget(beat, this.flavor, now),
    };
  }

  act(action: HostAction, body: Record<string, unknown> = {}): HostStateJson {
    const now = this.clock.now();
    this.tick();
    switch (action) {
      case 'metricbeat-setup':
        this.installTemplate('metricbeat');
        this.metricbeat.setup = true;
        this.appendLogs(beatCommandLines(this.identity, now, 'metricbeat', 'setup'));
        break;
      case 'filebeat-setup':
        this.installTemplate('filebeat');
        this.installPipelines();
        this.filebeat.setup = true;
        this.appendLogs(beatCommandLines(this.identity, now, 'filebeat', 'setup'));
        break;
      case 'metricbeat-start':
        if (!this.metricbeat.running) {
          this.installTemplate('metricbeat', true);
          this.startBeat(this.metricbeat, now);
          // A restart's first event comes within one period of the start (the slot whose phased
          // time is the first not yet past), as a restarted Beat's first fetch does.
          this.nextSlot = this.metricbeat.everStarted
            ? Math.ceil((now - this.identity.phaseMs) / METRICBEAT_PERIOD_MS) * METRICBEAT_PERIOD_MS
            : Math.floor((now - backfillMs(body)) / METRICBEAT_PERIOD_MS) * METRICBEAT_PERIOD_MS;
          this.metricbeat.everStarted = true;
          this.appendLogs(beatCommandLines(this.identity, now, 'metricbeat', 'start'));
        }
        break;
      case 'filebeat-start':
        if (!this.filebeat.running) {
          if (!this.filebeat.everStarted) this.skipLinesBefore(now - backfillMs(body));
          this.installTemplate('filebeat', true);
          this.installPipelines(true);
          this.appendLogs(beatCommandLines(this.identity, now, 'filebeat', 'start'));
          this.startBeat(this.filebeat, now);
          this.filebeat.everStarted = true;
        }
        break;
      case 'metricbeat-stop':
        if (this.metricbeat.running) {
          this.metricbeat.running = false;
          this.appendLogs(beatCommandLines(this.identity, now, 'metricbeat', 'stop'));
        }
        break;
      case 'filebeat-stop':
        if (this.filebeat.running) {
          // Filebeat flushes what it has read before it exits; the lines of its own stop come after.
          this.shipLogs(now, this.nextSeq - 1);
          this.filebeat.running = false;
          this.appendLogs(beatCommandLines(this.identity, now, 'filebeat', 'stop'));
        }
        break;
      case 'cpu-load': {
        const minutes = optionalNumber(body, 'minutes', 3, 0.1, 120);
        const cores = Math.round(optionalNumber(body, 'cores', 1, 1, 64));
        this.load.add({ start: now, end: now + minutes * 60_000, cores });
        break;
      }
      case 'ssh-attempt': {
        const user = optionalString(body, 'user', 'hAx0R');
        if (!isSshAttemptUser(user)) throw new HostActionError(`user must be ${SSH_USER_RULE}`);
        const sourceIp = sshAttemptSource(optionalString(body, 'sourceIp', '') || randomPublicIpv4(this.random));
        if (sourceIp === null) throw new HostActionError(`sourceIp must be ${SSH_SOURCE_RULE}`);
        const count = Math.round(optionalNumber(body, 'count', 1, 1, 50));
        this.appendLogs(sshAttemptLines({ user, sourceIp, count }, Math.floor(now / 1000) * 1000, this.random));
        this.sshAttempts += count;
        break;
      }
    }
    this.tick();
    return this.state();
  }

  /** Catches up with the clock: collects due metric slots, writes the VM's own log lines, ships them. */
  tick(now = this.clock.now()): void {
    this.catchUpLogs(now);
    if (this.metricbeat.running) this.collectMetrics(now);
    if (this.filebeat.running) this.shipLogs(now, this.nextSeq - 1);
    if (now - this.lastRollOff >= ROLL_OFF_EVERY_MS) {
      this.lastRollOff = now;
      this.rollOff(now);
    }
  }

  /** The VM's log buffer and Beats state; the documents the Beats wrote are counted by the engine. */
  approximateBytes(): number {
    return 8_192 + this.logs.length * BYTES_PER_LOG_LINE;
  }

  /**
   * The state to keep across a restart. Only the log lines Filebeat can still ship are kept: those
   * after its registry cursor once it has run, or the last hour (a first start's backfill) before.
   */
  snapshot(): HostSnapshot {
    const now = this.clock.now();
    const keep = this.filebeat.everStarted ? (stored: StoredLine) => stored.seq > this.shippedSeq : (stored: StoredLine) => stored.line.t >= now - BACKFILL_MS;
    return {
      v: 1,
      metricbeat: { ...this.metricbeat },
      filebeat: { ...this.filebeat },
      nextSlot: this.nextSlot,
      logs: this.logs.filter(keep),
      nextSeq: this.nextSeq,
      offsets: { ...this.offsets },
      // Background lines are generated from the time alone: after a restart they come again from
      // here, so the snapshot need not change every second while nothing is written.
      loggedUntil: this.loggedThrough,
      shippedSeq: this.shippedSeq,
      lastRollOff: this.lastRollOff,
      sshAttempts: this.sshAttempts,
      lastError: this.lastError,
      load: this.load.snapshot(),
      random: this.random.position,
    };
  }

  /** Takes back a `snapshot()` (or nothing) after the deployment's indices were restored; the next tick catches up with the clock. */
  restore(snapshot: unknown): void {
    // Nothing kept (no frame was written after the deployment was created): the VM is as new.
    if (snapshot === undefined) return;
    if (!isHostSnapshot(snapshot)) throw new Error('not a practice host snapshot');
    this.metricbeat = { ...snapshot.metricbeat };
    this.filebeat = { ...snapshot.filebeat };
    this.nextSlot = snapshot.nextSlot;
    this.logs = snapshot.logs.map((stored) => ({ seq: stored.seq, offset: stored.offset, line: { ...stored.line } }));
    this.nextSeq = snapshot.nextSeq;
    this.offsets = { ...snapshot.offsets };
    this.loggedUntil = snapshot.loggedUntil;
    this.loggedThrough = snapshot.loggedUntil;
    this.shippedSeq = snapshot.shippedSeq;
    this.lastRollOff = snapshot.lastRollOff;
    this.sshAttempts = snapshot.sshAttempts;
    this.lastError = snapshot.lastError;
    this.load.restore(snapshot.load);
    this.random.position = snapshot.random;
  }

  /** The deployment is gone: the Beats stop and the VM's log buffer is dropped. */
  dispose(): void {
    this.metricbeat.running = false;
    this.filebeat.running = false;
    this.logs.length = 0;
  }

  private startBeat(state: BeatState, now: number): void {
    state.running = true;
    state.startedAt = now;
    const random = new SeededRandom(hashString(`${this.deploymentId}:${now}:${state === this.metricbeat ? 'm' : 'f'}`));
    const persistent = new SeededRandom(hashString(`${this.deploymentId}:${state === this.metricbeat ? 'metricbeat' : 'filebeat'}`));
    state.run = { id: seededUuid(persistent), ephemeralId: seededUuid(random) };
  }

  /** `onlyIfMissing`: a Beat's start-up loads its template and pipelines only when absent; `setup` overwrites. */
  private installTemplate(beat: Beat, onlyIfMissing = false): void {
    const template = beatTemplate(beat, this.flavor);
    try {
      if (onlyIfMissing && this.templateExists(template.kind, template.name)) return;
      if (template.kind === 'index_template') this.engine.putIndexTemplate(template.name, template.body);
      else this.engine.putLegacyTemplate(template.name, template.body);
    } catch (error) {
      this.recordError(error);
    }
  }

  private templateExists(kind: 'index_template' | 'legacy', name: string): boolean {
    try {
      if (kind === 'index_template') return this.engine.getIndexTemplate(name).index_templates.length > 0;
      return Object.keys(this.engine.getLegacyTemplate(name)).length > 0;
    } catch {
      return false;
    }
  }

  private installPipelines(onlyIfMissing = false): void {
    for (const pipeline of filebeatPipelines(this.flavor)) {
      try {
        if (onlyIfMissing && this.pipelineExists(pipeline.id)) continue;
        this.engine.putPipeline(pipeline.id, pipeline.body);
      } catch (error) {
        this.recordError(error);
      }
    }
  }

  private pipelineExists(id: string): boolean {
    try {
      return Object.keys(this.engine.getPipeline(id)).length > 0;
    } catch {
      return false;
    }
  }

  private collectMetrics(now: number): void {
    const run = this.metricbeat.run;
    if (!run) return;
    const envelope = beatEnvelope(this.identity, this.flavor, 'metricbeat', run);
    const ctx: MetricContext = { identity: this.identity, flavor: this.flavor, load: this.load };
    let batch: BulkAction[] = [];
    let times: number[] = [];
    while (this.nextSlot + this.identity.phaseMs <= now) {
      const slot = this.nextSlot;
      const events = metricEventsAt(ctx, slot);
      events.forEach((event, i) => {
        const t = slot + this.identity.phaseMs + i * 3;
        const { host: eventHost, system, ...rest } = event.doc;
        const doc: Record<string, unknown> = {
          '@timestamp': new Date(t).toISOString(),
          agent: envelope.agent,
          ecs: envelope.ecs,
          host: eventHost ? { ...envelope.host, ...(eventHost as Record<string, unknown>) } : envelope.host,
          event: { dataset: `system.${event.metricset}`, module: 'system', duration: fetchDurationNs(this.identity.seed, slot, i) },
          metricset: { name: event.metricset, period: metricsetPeriod(event.metricset) },
          service: { type: 'system' },
          ...rest,
          system,
        };
        batch.push({ op: 'create', index: beatWriteTarget('metricbeat', this.flavor, t), source: doc });
        times.push(t);
        this.metricbeat.lastEventAt = t;
      });
      this.nextSlot += METRICBEAT_PERIOD_MS;
      if (batch.length >= BULK_CHUNK) {
        this.write(batch, times, this.metricbeat, now);
        batch = [];
        times = [];
      }
    }
    if (batch.length > 0) this.write(batch, times, this.metricbeat, now);
  }

  private appendLogs(lines: LogLine[]): void {
    for (const line of lines) {
      const raw = formatLogLine(line, this.identity.hostname);
      this.logs.push({ seq: this.nextSeq, line, offset: this.offsets[line.file] });
      this.nextSeq += 1;
      this.offsets[line.file] += Buffer.byteLength(raw) + 1;
    }
    if (this.logs.length > MAX_LOG_LINES) this.logs.splice(0, this.logs.length - MAX_LOG_LINES);
  }

  private catchUpLogs(now: number): void {
    if (now <= this.loggedUntil) return;
    const lines = backgroundLines(this.identity, this.loggedUntil, now);
    this.appendLogs(lines);
    this.loggedUntil = now;
    if (lines.length > 0) this.loggedThrough = now;
  }

  /** A first start told to ship less history: the registry starts at the first line not older than `cutoff`. */
  private skipLinesBefore(cutoff: number): void {
    const first = this.logs.find((stored) => stored.line.t >= cutoff);
    this.shippedSeq = Math.max(this.shippedSeq, (first?.seq ?? this.nextSeq) - 1);
  }

  private pendingLines(): number {
    const firstSeq = this.logs[0]?.seq ?? this.nextSeq;
    return this.nextSeq - Math.max(firstSeq, this.shippedSeq + 1);
  }

  private shipLogs(now: number, upToSeq: number): void {
    const run = this.filebeat.run;
    if (!run) return;
    const envelope = beatEnvelope(this.identity, this.flavor, 'filebeat', run);
    const year = new Date(now).getUTCFullYear();
    let batch: BulkAction[] = [];
    let times: number[] = [];
    // Lines are kept in sequence order, so the first unshipped one is found by arithmetic.
    const firstSeq = this.logs[0]?.seq ?? this.nextSeq;
    for (let i = Math.max(0, this.shippedSeq + 1 - firstSeq); i < this.logs.length; i += 1) {
      const stored = this.logs[i] as StoredLine;
      if (stored.seq > upToSeq) break;
      const { line } = stored;
      const raw = formatLogLine(line, this.identity.hostname);
      const parsed = line.file === 'auth' ? parseAuthLine(raw, this.flavor, now, year) : parseSyslogLine(raw, this.flavor, now, year);
      const { host: parsedHost, event: parsedEvent, ...rest } = parsed;
      const doc: Record<string, unknown> = {
        agent: envelope.agent,
        ecs: envelope.ecs,
        host: { ...envelope.host, ...(parsedHost as Record<string, unknown> | undefined) },
        input: { type: 'log' },
        log: { file: { path: LOG_PATHS[line.file] }, offset: stored.offset },
        fileset: { name: line.file },
        service: { type: 'system' },
        event: { module: 'system', dataset: `system.${line.file}`, timezone: '+00:00', ...(parsedEvent as Record<string, unknown> | undefined) },
        ...rest,
      };
      batch.push({ op: 'create', index: beatWriteTarget('filebeat', this.flavor, line.t), source: doc });
      times.push(line.t);
      this.filebeat.lastEventAt = line.t;
      this.shippedSeq = stored.seq;
      if (batch.length >= BULK_CHUNK) {
        this.write(batch, times, this.filebeat, now);
        batch = [];
        times = [];
      }
    }
    if (batch.length > 0) this.write(batch, times, this.filebeat, now);
  }

  /**
   * Ships `actions` (events at `times`, in time order) at `now`. A tick that catches up over a
   * while ships at once what a running Beat would have shipped along the way, and that part would
   * have been made searchable by the index's periodic refresh long before `now`: so the events
   * older than one refresh interval are written and refreshed first, and only the rest waits for
   * the next refresh, as a live Beat's latest batch does.
   */
  private write(actions: BulkAction[], times: number[], state: BeatState, now: number): void {
    const cutoff = now - this.refreshIntervalOf(actions[0]?.index);
    let split = 0;
    while (split < times.length && (times[split] as number) <= cutoff) split += 1;
    const older = actions.slice(0, split);
    const recent = actions.slice(split);
    if (older.length > 0) {
      this.bulk(older, state);
      for (const target of new Set(older.map((a) => a.index as string))) {
        try {
          this.engine.refresh(target);
        } catch (error) {
          this.recordError(error);
        }
      }
    }
    if (recent.length > 0) this.bulk(recent, state);
  }

  private bulk(actions: BulkAction[], state: BeatState): void {
    try {
      const result = this.engine.bulk(actions);
      let failed = 0;
      for (const item of result.items) {
        const outcome = Object.values(item)[0];
        if (outcome?.error) {
          failed += 1;
          this.lastError ??= `${outcome.error.type}: ${outcome.error.reason}`;
        }
      }
      state.events += actions.length - failed;
    } catch (error) {
      this.recordError(error);
    }
  }

  /** The write target's `index.refresh_interval` in ms (ES's default 1 s before the index exists or when unset; off counts as never). */
  private refreshIntervalOf(target: string | undefined): number {
    if (target === undefined) return 1_000;
    try {
      for (const { settings } of Object.values(this.engine.getSettings(target))) {
        const value = (settings.index as Record<string, unknown> | undefined)?.refresh_interval;
        if (typeof value !== 'string') continue;
        if (value.trim() === '-1') return Number.POSITIVE_INFINITY;
        const m = /^(\d+)(ms|s|m|h)?$/.exec(value.trim());
        if (m) return Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms'];
      }
    } catch {
      // Not created yet: the first write creates it with the template's settings.
    }
    return 1_000;
  }

  private rollOff(now: number): void {
    const cutoff = now - RETENTION_MS;
    for (const beat of ['metricbeat', 'filebeat'] as const) {
      try {
        this.engine.rollOff(`${beat}-*`, cutoff);
        // 7.x writes one index a day: drop days that have rolled off entirely.
        if (this.flavor === '7') {
          for (const index of this.engine.catIndices(`${beat}-*`)) {
            const m = /-(\d{4})\.(\d{2})\.(\d{2})$/.exec(index.name);
            if (m && Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + 86_400_000 <= cutoff && index.docsCount === 0) {
              this.engine.deleteIndex(index.name);
            }
          }
        }
      } catch (error) {
        this.recordError(error);
      }
    }
  }

  private recordError(error: unknown): void {
    this.lastError = error instanceof EsError ? `${error.type}: ${error.reason}` : error instanceof Error ? error.message : String(error);
  }
}

/**
 * How much history a Beat's first start ships: an hour, as the handout's VM has, unless the body
 * asks for less (`backfillMinutes`, 0-60). Load tests with hundreds of deployments use that; the
 * guide never does.
 */
function backfillMs(body: Record<string, unknown>): number {
  return optionalNumber(body, 'backfillMinutes', BACKFILL_MS / 60_000, 0, BACKFILL_MS / 60_000) * 60_000;
}

function optionalNumber(body: Record<string, unknown>, key: string, fallback: number, min: number, max: number): number {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
    throw new HostActionError(`${key} must be a number between ${min} and ${max}`);
  }
  return n;
}

function optionalString(body: Record<string, unknown>, key: string, fallback: string): string {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new HostActionError(`${key} must be a string`);
  return value;
}
