import { constants } from 'node:fs';
import { appendFile, mkdir, open, readdir, readFile, rename, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from './clock';
import type { Deployment, DeploymentPersistence, DeploymentRecord, DeploymentRegistry, LostDeployment } from './deployments';
import type { CatalogDump } from './engine/catalog';
import type { Pause } from './engine/doc-store';
import type { EngineDurability } from './engine/durability';
import type { SharedResolver } from './engine/index-state';
import { JOURNAL_RECORD_TYPES, type JournalRecord } from './engine/journal';
import { CorruptFileError, decodeSnapshot, encodeFrame, encodeSnapshot, readFrames } from './persistence-format';
import { resolveSharedDataset } from './shared-datasets';
import { inSlices } from './slices';

/**
 * Durability of practice deployments (issue 13): what a deployment holds survives a restart of
 * the practice cluster with the same data folder (`DATA_DIR/practice`).
 *
 * Why a journal with compaction, not periodic snapshots alone: a deployment changes a little and
 * often (the simulated host writes ten documents every ten seconds, all day), and a snapshot of a
 * day of host data is megabytes; rewriting it every few seconds would cost far more than writing
 * the few new documents. So every change is appended to the deployment's journal, batched: a
 * write-behind buffer is compressed and appended as one frame about once a second (compression
 * and file writes run off the event loop). When the journal outgrows the last snapshot (or 4 MiB,
 * whichever is larger), a snapshot of the whole deployment (its indices as the engine holds them:
 * arrays, not documents) is written beside it and the old generation is deleted. A restart loads
 * the newest snapshot and replays the journal written after it. A crash loses at most the last
 * second or so (the buffer not yet written); the operating system may hold back unflushed file
 * writes for up to ~30 s if the whole machine loses power.
 *
 * Layout: `<dir>/deployments/<id>/snapshot-<g>.snap` and `journal-<g>.log` (persistence-format.ts),
 * at most two generations at once; `<dir>/lost/<id>/` for deployments that could not be read back
 * (with `lost.json` saying why); `<dir>/LOCK` holds the pid of the one process using the folder.
 *
 * What is kept: the deployment record (name, flavour, the password's SHA-256 never the password,
 * API keys by their secrets' hashes, licence, faults), every index with its documents, templates,
 * pipelines, data streams and aliases (the engine's journal, engine/journal.ts), a shared sample's
 * attachment and the deployment's own deletions over it, and each feature's `snapshot()` (the
 * host's Beats state, Watcher's mailbox and service state) when it changed, in the same frame as
 * the documents it wrote. What features keep in indices (Watcher's `.watches` and history, ML's
 * `.ml-config` and results) is covered by the indices; after a restart every feature's `restore()`
 * is called, with its kept state or `undefined`, to rebuild from them.
 *
 * A file that cannot be read loses that deployment only: it is moved to `lost/`, a log line says
 * why, and the control API answers 410 `practice_deployment_lost` for its id (see control-api.ts).
 */

export interface PracticeStoreOptions {
  /** The folder (created if missing), e.g. `DATA_DIR/practice`. */
  dir: string;
  clock: Clock;
  log?: (message: string) => void;
  /** How often the write-behind buffers are written (ms). */
  flushEveryMs?: number;
  /** A journal is compacted into a snapshot when it is larger than this and than the last snapshot. */
  compactAfterBytes?: number;
  /** How often a deployment's metadata is compared with what was last written, for changes nobody announced (ms). */
  metaCheckEveryMs?: number;
  /** Finds shared datasets again (chapter 5's sample) from their descriptors. */
  resolveShared?: SharedResolver;
}

export class PracticeDataLockedError extends Error {}

/** Data folders opened by this process (its own pid in a LOCK file is no proof it is free). */
const OPEN_HERE = new Set<string>();

const LOCK = 'LOCK';
const DEPLOYMENTS = 'deployments';
const LOST = 'lost';
const SNAPSHOT_RE = /^snapshot-(\d+)\.snap$/;
const JOURNAL_RE = /^journal-(\d+)\.log$/;
const SNAPSHOT_VERSION = 1;
/** `lastUsedAt` changes with every request: it is written when something else changes, or when it moved by this much. */
const LAST_USED_GRAIN_MS = 10 * 60_000;

interface SnapshotFile<E = CatalogDump> {
  v: number;
  deployment: DeploymentRecord;
  features: Record<string, unknown>;
  engine: E;
}

interface Tracked {
  deployment: Deployment;
  durability: EngineDurability;
  dir: string;
  generation: number;
  /** Lines taken from the engine but not yet written (a failed write keeps them here). */
  queue: string[];
  /** Flushes and compactions of this deployment, one after another. */
  chain: Promise<void>;
  busy: boolean;
  journalBytes: number;
  snapshotBytes: number;
  /** What was last written of the deployment record and of each feature's snapshot. */
  lastRecord: string;
  lastFeatures: Map<string, string>;
  dirty: boolean;
  lastMetaCheck: number;
  removed: boolean;
  failures: number;
}

function isEngineRecord(r: { t?: unknown }): r is JournalRecord {
  return typeof r.t === 'string' && JOURNAL_RECORD_TYPES.includes(r.t);
}

/** The record as compared for changes: `lastUsedAt` and `lastActivityAt` coarsened, so requests alone do not write a line each. */
function comparable(record: DeploymentRecord): string {
  const coarse = (ms: number | undefined) => (ms === undefined ? undefined : Math.floor(ms / LAST_USED_GRAIN_MS));
  return JSON.stringify({ ...record, lastUsedAt: coarse(record.lastUsedAt), lastActivityAt: coarse(record.lastActivityAt) });
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What the store did, for the benchmark and diagnostics: the event loop's share of it in particular. */
export interface PracticeStoreStats {
  frames: number;
  compactions: number;
  /** Longest synchronous part of a flush (collecting lines and feature state), ms. */
  longestCollectMs: number;
  /** Longest synchronous part of a compaction: taking the engine's state at one instant, ms. */
  longestCaptureMs: number;
  /** Longest stretch between two pauses while a snapshot is encoded (compression runs off the loop), ms. */
  longestSliceMs: number;
  /** Longest stretch the timer's flush of every deployment held the thread between two turns of the loop, ms. */
  longestFlushSliceMs: number;
}

/** A compaction whose capture held the thread this long is said in the log. */
const LONG_CAPTURE_LOG_MS = 100;

/** The timer's flush walks every deployment in slices of about this long (lib/practice/slices.ts). */
const FLUSH_SLICE_MS = 10;

export class PracticeStore implements DeploymentPersistence {
  readonly stats: PracticeStoreStats = { frames: 0, compactions: 0, longestCollectMs: 0, longestCaptureMs: 0, longestSliceMs: 0, longestFlushSliceMs: 0 };
  private readonly tracked = new Map<string, Tracked>();
  private readonly lostById = new Map<string, LostDeployment>();
  private timer: NodeJS.Timeout | null = null;
  /** The timer's flush while it runs (one at a time). */
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly log: (message: string) => void;
  private readonly flushEveryMs: number;
  private readonly compactAfterBytes: number;
  private readonly metaCheckEveryMs: number;
  private readonly resolve: SharedResolver;

  private constructor(private readonly options: PracticeStoreOptions) {
    this.log = options.log ?? (() => {});
    this.flushEveryMs = options.flushEveryMs ?? 1_000;
    this.compactAfterBytes = options.compactAfterBytes ?? 4 * 1024 * 1024;
    this.metaCheckEveryMs = options.metaCheckEveryMs ?? 30_000;
    this.resolve = options.resolveShared ?? resolveSharedDataset;
  }

  /** Opens the folder, taking its lock (one practice cluster process per folder). */
  static async open(options: PracticeStoreOptions): Promise<PracticeStore> {
    const store = new PracticeStore(options);
    await mkdir(path.join(options.dir, DEPLOYMENTS), { recursive: true });
    await mkdir(path.join(options.dir, LOST), { recursive: true });
    await store.lock();
    return store;
  }

  private get lockPath(): string {
    return path.join(this.options.dir, LOCK);
  }

  private async lock(): Promise<void> {
    const resolved = path.resolve(this.options.dir);
    if (OPEN_HERE.has(resolved)) throw new PracticeDataLockedError(`the practice data folder ${this.options.dir} is in use by process ${process.pid} (this one)`);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const handle = await open(this.lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
        await handle.writeFile(String(process.pid));
        await handle.close();
        OPEN_HERE.add(resolved);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const pid = Number((await readFile(this.lockPath, 'utf8').catch(() => '')).trim());
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
          throw new PracticeDataLockedError(`the practice data folder ${this.options.dir} is in use by process ${pid}`);
        }
        // A lock left by a process that is gone.
        await unlink(this.lockPath).catch(() => {});
      }
    }
    throw new PracticeDataLockedError(`could not take the lock of ${this.options.dir}`);
  }

  private deploymentDir(id: string): string {
    return path.join(this.options.dir, DEPLOYMENTS, id);
  }

  // -------------------------------------------------------------------------------------------
  // start-up

  /** Reads every deployment back into `registry`; an unreadable one is moved to `lost/` with a log line. */
  async loadAll(registry: DeploymentRegistry): Promise<{ restored: number; lost: number }> {
    let restored = 0;
    for (const entry of await readdir(path.join(this.options.dir, LOST), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      try {
        const info = JSON.parse(await readFile(path.join(this.options.dir, LOST, entry.name, 'lost.json'), 'utf8')) as LostDeployment;
        this.lostById.set(info.id, info);
      } catch {
        this.lostById.set(entry.name, { id: entry.name, reason: 'its files could not be read', lostAt: 0 });
      }
    }
    const lostBefore = this.lostById.size;
    for (const entry of await readdir(path.join(this.options.dir, DEPLOYMENTS), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const id = entry.name;
      try {
        if (await this.loadOne(registry, id)) restored += 1;
      } catch (error) {
        registry.discard(id);
        await this.markLost(id, error instanceof CorruptFileError ? error.message : `it could not be read back: ${(error as Error).message}`);
      }
    }
    return { restored, lost: this.lostById.size - lostBefore };
  }

  private async loadOne(registry: DeploymentRegistry, id: string): Promise<boolean> {
    const dir = this.deploymentDir(id);
    const names = await readdir(dir);
    for (const name of names) if (name.endsWith('.tmp')) await unlink(path.join(dir, name)).catch(() => {});
    const generations = (re: RegExp) =>
      names
        .map((n) => re.exec(n)?.[1])
        .filter((g): g is string => g !== undefined)
        .map(Number)
        .sort((a, b) => a - b);
    const snapshots = generations(SNAPSHOT_RE);
    const base = snapshots.at(-1) ?? -1;
    const journals = generations(JOURNAL_RE).filter((g) => g >= base);

    let deployment: Deployment | undefined;
    let record: DeploymentRecord | undefined;
    const features = new Map<string, unknown>();
    let snapshotBytes = 0;
    if (base >= 0) {
      const file = await readFile(path.join(dir, `snapshot-${base}.snap`));
      snapshotBytes = file.length;
      const snap = (await decodeSnapshot(file)) as SnapshotFile;
      if (snap.v !== SNAPSHOT_VERSION || !snap.deployment || !snap.engine) throw new CorruptFileError(`snapshot-${base} is not a version ${SNAPSHOT_VERSION} practice snapshot`);
      record = snap.deployment;
      deployment = registry.restore(record);
      deployment.engine.durability?.().load(snap.engine, this.resolve);
      for (const [name, state] of Object.entries(snap.features ?? {})) features.set(name, state);
    }
    let journalBytes = 0;
    for (const [i, generation] of journals.entries()) {
      const file = path.join(dir, `journal-${generation}.log`);
      const bytes = await readFile(file);
      const frames = readFrames(bytes, i === journals.length - 1);
      if (frames.torn) {
        this.log(`practice deployment ${id}: dropped ${bytes.length - frames.goodBytes} bytes of a journal frame cut short by a crash (${path.basename(file)})`);
        await truncate(file, frames.goodBytes);
      }
      journalBytes = frames.goodBytes;
      for (const [n, line] of frames.lines.entries()) {
        let r: { t?: unknown; m?: unknown; f?: unknown; s?: unknown };
        try {
          r = JSON.parse(line) as typeof r;
        } catch {
          throw new CorruptFileError(`journal-${generation} line ${n + 1} is not JSON`);
        }
        if (r.t === 'dep') {
          record = r.m as DeploymentRecord;
          deployment ??= registry.restore(record);
        } else if (r.t === 'feat' && typeof r.f === 'string') {
          features.set(r.f, r.s);
        } else if (isEngineRecord(r)) {
          if (!deployment) throw new CorruptFileError(`journal-${generation} changes indices before it names its deployment`);
          try {
            deployment.engine.durability?.().replay(r, this.resolve);
          } catch (error) {
            throw new CorruptFileError(`journal-${generation} line ${n + 1} does not apply: ${(error as Error).message}`);
          }
        } else throw new CorruptFileError(`journal-${generation} line ${n + 1} is of an unknown kind`);
      }
    }
    if (!deployment || !record) {
      // Created and gone before its first flush: nothing to restore.
      this.log(`practice deployment ${id}: no record was written before the restart; removing its folder`);
      await rm(dir, { recursive: true, force: true });
      return false;
    }
    registry.applyRecord(deployment, record);
    for (const name of features.keys()) {
      if (!deployment.features.get(name)?.restore) this.log(`practice deployment ${id}: kept state of feature [${name}] that this server does not have; ignored`);
    }
    // Every feature rebuilds from the restored indices (Watcher schedules the watches of `.watches`),
    // with its kept state when it wrote one.
    for (const feature of deployment.features.values()) {
      if (!feature.restore) continue;
      try {
        feature.restore(features.get(feature.name));
      } catch (error) {
        throw new CorruptFileError(`the state of feature [${feature.name}] could not be restored: ${(error as Error).message}`);
      }
    }
    const generation = Math.max(base, journals.at(-1) ?? 0, 0);
    for (const name of names) {
      const g = Number(SNAPSHOT_RE.exec(name)?.[1] ?? JOURNAL_RE.exec(name)?.[1] ?? NaN);
      if (Number.isFinite(g) && g < base) await unlink(path.join(dir, name)).catch(() => {});
    }
    this.pendingStart.set(id, { generation, journalBytes: journals.at(-1) === generation ? journalBytes : 0, snapshotBytes, record, features });
    registry.start(deployment);
    return true;
  }

  /** What a restored deployment's tracking starts from (set by loadOne, taken by track). */
  private readonly pendingStart = new Map<string, { generation: number; journalBytes: number; snapshotBytes: number; record: DeploymentRecord; features: Map<string, unknown> }>();

  private async markLost(id: string, reason: string): Promise<void> {
    const info: LostDeployment = { id, reason, lostAt: this.options.clock.now() };
    this.log(`practice deployment ${id} is LOST: ${reason}. Its files were moved to ${path.join(this.options.dir, LOST, id)}; the learner is told to recreate it.`);
    const target = path.join(this.options.dir, LOST, id);
    await rm(target, { recursive: true, force: true });
    await rename(this.deploymentDir(id), target).catch(async () => {
      await mkdir(target, { recursive: true });
      await rm(this.deploymentDir(id), { recursive: true, force: true });
    });
    await writeFile(path.join(target, 'lost.json'), JSON.stringify(info));
    this.lostById.set(id, info);
  }

  // -------------------------------------------------------------------------------------------
  // DeploymentPersistence

  track(deployment: Deployment): void {
    if (this.closed) return;
    const durability = deployment.engine.durability?.();
    if (!durability) {
      this.log(`practice deployment ${deployment.id}: its engine cannot be persisted; it lives in memory only`);
      return;
    }
    const start = this.pendingStart.get(deployment.id);
    this.pendingStart.delete(deployment.id);
    const t: Tracked = {
      deployment,
      durability,
      dir: this.deploymentDir(deployment.id),
      generation: start?.generation ?? 0,
      queue: [],
      chain: Promise.resolve(),
      busy: false,
      journalBytes: start?.journalBytes ?? 0,
      snapshotBytes: start?.snapshotBytes ?? 0,
      lastRecord: start ? comparable(start.record) : '',
      lastFeatures: new Map([...(start?.features ?? new Map<string, unknown>())].map(([name, state]) => [name, JSON.stringify(state)])),
      dirty: true,
      lastMetaCheck: this.options.clock.now(),
      removed: false,
      failures: 0,
    };
    // After a restore the journal continues from the state just read: its metadata is known.
    if (start) durability.snapshotTaken();
    durability.record(true, () => {
      if (!t.busy) setImmediate(() => this.flushOne(t));
    });
    this.tracked.set(deployment.id, t);
    this.lostById.delete(deployment.id);
    this.startTimer();
  }

  touch(id: string): void {
    const t = this.tracked.get(id);
    if (t) t.dirty = true;
  }

  forget(id: string): void {
    const t = this.tracked.get(id);
    if (!t) return;
    this.tracked.delete(id);
    t.removed = true;
    t.durability.record(false);
    t.queue = [];
    const removal = t.chain
      .then(() => rm(t.dir, { recursive: true, force: true }))
      .catch((error: unknown) => this.log(`practice deployment ${id}: could not delete its files: ${(error as Error).message}`))
      .finally(() => this.removals.delete(removal));
    this.removals.add(removal);
  }

  /** Deletions of deployments' files still running (awaited by `flush` and `close`). */
  private readonly removals = new Set<Promise<void>>();

  lost(id: string): LostDeployment | undefined {
    return this.lostById.get(id);
  }

  dropLost(id: string): boolean {
    if (!this.lostById.delete(id)) return false;
    const removal = rm(path.join(this.options.dir, LOST, id), { recursive: true, force: true })
      .catch((error: unknown) => this.log(`practice deployment ${id}: could not delete its lost files: ${(error as Error).message}`))
      .finally(() => this.removals.delete(removal));
    this.removals.add(removal);
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // writing

  private startTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.flushInSlices(), this.flushEveryMs);
    this.timer.unref();
  }

  /**
   * The timer's flush: every deployment's buffer, a slice at a time, so a class of 500
   * deployments does not hold the practice cluster's thread for all of them at once. A flush
   * still running when the next is due is not doubled.
   */
  private flushInSlices(): Promise<void> {
    this.flushing ??= inSlices(
      [...this.tracked.values()],
      (t) => {
        if (!this.closed) this.flushOne(t);
      },
      FLUSH_SLICE_MS,
    )
      .then((held) => {
        this.stats.longestFlushSliceMs = Math.max(this.stats.longestFlushSliceMs, held);
      })
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  /** Writes every deployment's buffer (the timer does it about once a second). */
  flushAll(): void {
    for (const t of this.tracked.values()) this.flushOne(t);
  }

  /** Lines describing what changed outside the engine, then the queue, taken at one instant. */
  private takeLines(t: Tracked): string[] {
    const now = this.options.clock.now();
    if (now - t.lastMetaCheck >= this.metaCheckEveryMs) {
      t.lastMetaCheck = now;
      t.durability.checkMeta();
    }
    const engineLines = t.durability.drain();
    if (engineLines.length > 0) t.queue = t.queue.length > 0 ? t.queue.concat(engineLines) : engineLines;
    const active = [...t.deployment.features.values()].some((f) => f.active !== false && typeof f.tick === 'function');
    if (t.dirty || active || t.queue.length > 0) {
      t.dirty = false;
      const record = t.deployment.record();
      const key = comparable(record);
      if (key !== t.lastRecord) {
        t.lastRecord = key;
        // First: the deployment must be named before its indices change (and nothing in it depends on them).
        t.queue.unshift(`{"t":"dep","m":${JSON.stringify(record)}}`);
      }
      // Last: a feature's state follows the documents it wrote.
      for (const feature of t.deployment.features.values()) {
        if (!feature.snapshot) continue;
        const json = JSON.stringify(feature.snapshot() ?? null);
        if (json === t.lastFeatures.get(feature.name)) continue;
        t.lastFeatures.set(feature.name, json);
        t.queue.push(`{"t":"feat","f":${JSON.stringify(feature.name)},"s":${json}}`);
      }
    }
    const lines = t.queue;
    t.queue = [];
    return lines;
  }

  private flushOne(t: Tracked): void {
    if (t.busy || t.removed) return;
    let lines: string[];
    try {
      const started = performance.now();
      lines = this.takeLines(t);
      this.stats.longestCollectMs = Math.max(this.stats.longestCollectMs, performance.now() - started);
    } catch (error) {
      this.log(`practice deployment ${t.deployment.id}: could not collect its changes: ${(error as Error).stack ?? String(error)}`);
      return;
    }
    if (lines.length === 0) return;
    t.busy = true;
    t.chain = t.chain
      .then(async () => {
        try {
          await this.append(t, t.generation, lines);
        } catch (error) {
          t.failures += 1;
          // Kept for the next attempt (a full disk may clear); said once in a while, not every second.
          t.queue = [...lines, ...t.queue];
          if (t.failures === 1 || t.failures % 60 === 0) this.log(`practice deployment ${t.deployment.id}: could not write its journal (${t.failures} tries): ${(error as Error).message}`);
          return;
        }
        if (t.journalBytes > Math.max(this.compactAfterBytes, t.snapshotBytes)) {
          // A failed compaction leaves the journal growing on the older snapshot: nothing is lost.
          await this.compact(t).catch((error: unknown) => this.log(`practice deployment ${t.deployment.id}: could not compact its journal: ${(error as Error).message}`));
        }
      })
      .finally(() => {
        t.busy = false;
      });
  }

  private async append(t: Tracked, generation: number, lines: string[]): Promise<void> {
    if (lines.length === 0 || t.removed) return;
    const frame = await encodeFrame(lines);
    if (t.removed) return;
    if (t.journalBytes === 0 && !(await exists(t.dir))) await mkdir(t.dir, { recursive: true });
    await appendFile(path.join(t.dir, `journal-${generation}.log`), frame);
    t.journalBytes += frame.length;
    this.stats.frames += 1;
    t.failures = 0;
  }

  /**
   * A snapshot of everything, taken at one instant (what was queued before it goes to the old
   * journal), written beside the old generation and renamed into place; then the old generation
   * is deleted. A crash at any point leaves either generation whole.
   */
  private async compact(t: Tracked): Promise<void> {
    if (t.removed) return;
    const started = performance.now();
    const before = this.takeLines(t);
    const snapshot: SnapshotFile<(pause: Pause) => Promise<CatalogDump>> = {
      v: SNAPSHOT_VERSION,
      deployment: structuredClone(t.deployment.record()),
      features: {},
      engine: t.durability.snapshot(),
    };
    for (const feature of t.deployment.features.values()) if (feature.snapshot) snapshot.features[feature.name] = structuredClone(feature.snapshot());
    t.durability.snapshotTaken();
    t.lastRecord = comparable(snapshot.deployment);
    for (const [name, state] of Object.entries(snapshot.features)) t.lastFeatures.set(name, JSON.stringify(state));
    const old = t.generation;
    t.generation = old + 1;
    const captureMs = performance.now() - started;
    this.stats.longestCaptureMs = Math.max(this.stats.longestCaptureMs, captureMs);
    if (captureMs >= LONG_CAPTURE_LOG_MS) this.log(`practice deployment ${t.deployment.id}: taking its snapshot held the thread ${Math.round(captureMs)} ms`);
    this.stats.compactions += 1;
    await this.append(t, old, before);
    // The dump and its encoding give the event loop a turn between slices; the longest slice is measured.
    let sliceStarted = performance.now();
    const pause: Pause = async () => {
      this.stats.longestSliceMs = Math.max(this.stats.longestSliceMs, performance.now() - sliceStarted);
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    };
    const engine = await snapshot.engine(pause);
    const bytes = await encodeSnapshot({ ...snapshot, engine }, pause);
    if (t.removed) return;
    const file = path.join(t.dir, `snapshot-${t.generation}.snap`);
    const handle = await open(`${file}.tmp`, 'w', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(`${file}.tmp`, file);
    const dir = await open(t.dir, 'r');
    await dir.sync().finally(() => dir.close());
    t.snapshotBytes = bytes.length;
    t.journalBytes = 0;
    await unlink(path.join(t.dir, `journal-${old}.log`)).catch(() => {});
    await unlink(path.join(t.dir, `snapshot-${old}.snap`)).catch(() => {});
  }

  /** Writes what is buffered and waits for every deployment's writes (tests, shutdown). */
  async flush(): Promise<void> {
    this.flushAll();
    await Promise.all([...[...this.tracked.values()].map((t) => t.chain), ...this.removals]);
    // A flush that was running when this started left newer lines queued.
    if ([...this.tracked.values()].some((t) => t.queue.length > 0)) {
      this.flushAll();
      await Promise.all([...this.tracked.values()].map((t) => t.chain));
    }
  }

  /** Compacts one deployment now (tests, and the disk-use figures). */
  async compactNow(id: string): Promise<void> {
    const t = this.tracked.get(id);
    if (!t) return;
    await t.chain;
    t.chain = t.chain.then(() => this.compact(t));
    await t.chain;
  }

  /** Bytes on disk per deployment (journal and snapshot), for the README's figure and tests. */
  diskUse(id: string): { journalBytes: number; snapshotBytes: number } | undefined {
    const t = this.tracked.get(id);
    return t && { journalBytes: t.journalBytes, snapshotBytes: t.snapshotBytes };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flushing;
    await this.flush();
    this.closed = true;
    for (const t of this.tracked.values()) t.durability.record(false);
    this.tracked.clear();
    await unlink(this.lockPath).catch(() => {});
    OPEN_HERE.delete(path.resolve(this.options.dir));
  }
}
