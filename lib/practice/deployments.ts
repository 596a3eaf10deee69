import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import type { Engine, Flavor } from './engine/api';
import type { FaultConfig } from './faults';
import type { FeatureContext, FeatureDefinition, PracticeFeature } from './feature';
import { flavourInfo, type FlavourInfo } from './flavours';
import type { PracticeHost } from './host/practice-host';
import { licenseAllows, TRIAL_DAYS, type LicenseState, type LicenseType } from './license';
import type { Scheduler, Tickable } from './scheduler';
import { hashSecret, randomApiKeyPart, randomToken, type ApiKey } from './security';

/**
 * Practice deployments: one per attendee (or test), each with its own engine (so its own indices),
 * its own `elastic` password, API keys, licence, faults and an instance of every feature (the
 * simulated host first; see feature.ts).
 *
 * Tenancy is carried by the credentials, not the URL: every deployment answers on the same
 * `http://127.0.0.1:<port>`, and a request belongs to the deployment whose password (random, 24
 * characters, so unique) or API key it presents. That keeps the deployment's URL a plain
 * Elasticsearch URL the unchanged client (and curl, and Beats) can use.
 */

export { TRIAL_DAYS, type LicenseState, type LicenseType } from './license';

/** How the `elastic` password is kept: its SHA-256 (the password is random and long, so no slow hash is needed). */
export function passwordHash(password: string): string {
  return hashSecret(password).toString('base64');
}

/** A deployment as persistence keeps it (lib/practice/persistence.ts): no password, only its hash; API keys only by their secrets' hashes. */
export interface DeploymentRecord {
  id: string;
  name: string;
  flavor: Flavor;
  passwordHash: string;
  createdAt: number;
  clusterUuid: string;
  nodeId: string;
  license: LicenseState;
  faults: FaultConfig;
  apiKeys: (Omit<ApiKey, 'secretHash'> & { secretHash: string })[];
  lastUsedAt: number;
  /** The learner's last activity (idle reclaim counts from it); records written before it existed have none. */
  lastActivityAt?: number;
}

export class Deployment {
  readonly info: FlavourInfo;
  readonly username = 'elastic';
  readonly clusterUuid: string;
  readonly nodeId: string;
  readonly passwordHash: string;
  readonly nodeName = 'instance-0000000000';
  readonly apiKeys = new Map<string, ApiKey>();
  /** The deployment's instance of each feature, by feature name, in the order of the definitions. */
  readonly features: ReadonlyMap<string, PracticeFeature>;
  license: LicenseState;
  faults: FaultConfig = {};
  requestCount = 0;
  /** The last Elasticsearch request of any kind (panels, the app's verifier, tests). */
  lastUsedAt: number;
  /**
   * The last thing the learner did: creation, a host action, or the app's activity note for the
   * learner's own page requests. Idle reclaim counts from here; watches and ML jobs running on
   * the scheduler and the app's background checks do not move it.
   */
  lastActivityAt: number;

  /**
   * `password` is known only when the deployment is created (the control API answers it once); a
   * deployment restored after a restart has only the record's hash.
   */
  constructor(
    readonly id: string,
    readonly name: string,
    readonly flavor: Flavor,
    readonly password: string | undefined,
    readonly engine: Engine,
    readonly createdAt: number,
    clock: Clock,
    definitions: readonly FeatureDefinition[] = [],
    log: (message: string) => void = () => {},
    restored?: DeploymentRecord,
  ) {
    this.info = flavourInfo(flavor);
    this.passwordHash = restored?.passwordHash ?? passwordHash(password ?? '');
    this.clusterUuid = restored?.clusterUuid ?? base64Uuid();
    this.nodeId = restored?.nodeId ?? base64Uuid();
    this.license = { type: 'trial', uid: randomUUID(), issuedAt: createdAt, expiresAt: createdAt + TRIAL_DAYS * 86_400_000, trialUsed: true };
    this.lastUsedAt = createdAt;
    this.lastActivityAt = createdAt;
    if (restored) this.applyRecord(restored);
    const features = new Map<string, PracticeFeature>();
    for (const definition of definitions) {
      const context: FeatureContext = {
        deploymentId: id,
        flavor,
        info: this.info,
        nodeId: this.nodeId,
        nodeName: this.nodeName,
        clusterName: name,
        engine,
        clock,
        createdAt,
        license: () => this.license,
        licensed: (now = clock.now()) => definition.license === undefined || licenseAllows(this.license, definition.license.minimum, now),
        log: (message) => log(`deployment ${id}, ${definition.name}: ${message}`),
      };
      features.set(definition.name, definition.create(context));
    }
    this.features = features;
  }

  feature<F extends PracticeFeature>(name: string): F | undefined {
    return this.features.get(name) as F | undefined;
  }

  /** The simulated lab host (the `host` feature), for the tests and benchmarks that drive it directly. */
  get host(): PracticeHost {
    const host = this.feature<PracticeHost>('host');
    if (!host) throw new Error(`deployment ${this.id} has no host feature`);
    return host;
  }

  /** Rough memory held: the engine's indices and every feature's own state. */
  approximateBytes(): number {
    let total = this.engine.approximateBytes();
    for (const feature of this.features.values()) total += feature.approximateBytes();
    return total;
  }

  get clusterName(): string {
    return this.name;
  }

  setLicense(type: LicenseType, now: number): LicenseState {
    this.license =
      type === 'trial'
        ? { type, uid: randomUUID(), issuedAt: now, expiresAt: now + TRIAL_DAYS * 86_400_000, trialUsed: true }
        : { type, uid: randomUUID(), issuedAt: now, expiresAt: null, trialUsed: this.license.trialUsed };
    return this.license;
  }

  /** Takes the mutable part of a later record (persistence, at start-up). */
  applyRecord(record: DeploymentRecord): void {
    this.license = { ...record.license };
    this.faults = structuredClone(record.faults);
    this.lastUsedAt = record.lastUsedAt;
    // A restart is not activity: the idle time goes on from the learner's last request.
    this.lastActivityAt = record.lastActivityAt ?? record.lastUsedAt;
    this.apiKeys.clear();
    for (const { secretHash, ...key } of record.apiKeys) this.apiKeys.set(key.id, { ...structuredClone(key), secretHash: Buffer.from(secretHash, 'base64') });
  }

  /** What persistence keeps of the deployment itself (its indices and features are kept apart). */
  record(): DeploymentRecord {
    return {
      id: this.id,
      name: this.name,
      flavor: this.flavor,
      passwordHash: this.passwordHash,
      createdAt: this.createdAt,
      clusterUuid: this.clusterUuid,
      nodeId: this.nodeId,
      license: this.license,
      faults: this.faults,
      apiKeys: [...this.apiKeys.values()].map((key) => ({ ...key, secretHash: key.secretHash.toString('base64') })),
      lastUsedAt: this.lastUsedAt,
      lastActivityAt: this.lastActivityAt,
    };
  }

  /** The summary the control API returns (credentials only at creation). */
  summary(url: string): Record<string, unknown> {
    return {
      id: this.id,
      name: this.name,
      url,
      username: this.username,
      version: this.info.version,
      flavor: this.flavor,
      createdAt: new Date(this.createdAt).toISOString(),
      license: this.license.type,
      faults: this.faults,
      apiKeys: this.apiKeys.size,
      lastActivityAt: new Date(this.lastActivityAt).toISOString(),
    };
  }
}

/** 22-character URL-safe ids, as ES prints cluster and node UUIDs. */
function base64Uuid(): string {
  return randomApiKeyPart(16).slice(0, 22);
}

export interface RegistryOptions {
  clock: Clock;
  createEngine: (flavor: Flavor, now: () => number) => Engine;
  /** The features every new deployment gets (`PRACTICE_FEATURES` in the server). */
  features?: readonly FeatureDefinition[];
  scheduler?: Scheduler;
  log?: (message: string) => void;
  /** Upper bound, so a runaway script cannot exhaust memory (each deployment keeps a day of data). */
  maxDeployments?: number;
  /** A deployment without learner activity for this long is reclaimed; 0 never reclaims. */
  idleMs?: number;
  /** Keeps deployments across restarts (lib/practice/persistence.ts); in memory only without it. */
  persistence?: DeploymentPersistence;
}

/** What the registry tells persistence (implemented by PracticeStore). */
export interface DeploymentPersistence {
  /** A new or restored deployment: record its changes from now on. */
  track(deployment: Deployment): void;
  /** Something about the deployment changed outside its engine (licence, faults, API keys, a request). */
  touch(id: string): void;
  /** The deployment is deleted: its files go too. */
  forget(id: string): void;
  /** Whether `id` was a deployment that could not be read back after a restart, and why. */
  lost(id: string): LostDeployment | undefined;
  /** Forgets a lost deployment (and its files). */
  dropLost(id: string): boolean;
}

/** A deployment whose files could not be read back after a restart (the control API answers 410 for it). */
export interface LostDeployment {
  id: string;
  reason: string;
  lostAt: number;
}

export const DEFAULT_MAX_DEPLOYMENTS = 2_000;
export const DEFAULT_IDLE_MINUTES = 120;

export class DeploymentLimitError extends Error {}

/** What is left of a reclaimed deployment: enough to tell its owner what happened, nothing else. */
export interface Tombstone {
  id: string;
  flavor: Flavor;
  reclaimedAt: number;
  idleMinutes: number;
  /** A hash of its password, so only the owner's credentials learn that it was reclaimed. */
  passwordHash: string;
}

/** Tombstones kept (oldest forgotten first); a forgotten one reads as a lost deployment. */
const MAX_TOMBSTONES = 20_000;

export class DeploymentRegistry {
  private readonly byId = new Map<string, Deployment>();
  /** By the SHA-256 of the `elastic` password (a restored deployment has no other form of it). */
  private readonly byPasswordHash = new Map<string, Deployment>();
  private readonly byApiKeyId = new Map<string, Deployment>();
  private readonly tombstones = new Map<string, Tombstone>();

  constructor(private readonly options: RegistryOptions) {}

  get idleMs(): number {
    return this.options.idleMs ?? DEFAULT_IDLE_MINUTES * 60_000;
  }

  get capacity(): number {
    return this.options.maxDeployments ?? DEFAULT_MAX_DEPLOYMENTS;
  }

  get size(): number {
    return this.byId.size;
  }

  list(): Deployment[] {
    return [...this.byId.values()];
  }

  get(id: string): Deployment | undefined {
    return this.byId.get(id);
  }

  findByPassword(password: string): Deployment | undefined {
    return this.byPasswordHash.get(passwordHash(password));
  }

  /** A deployment lost at start-up (its files were unreadable), if `id` names one. */
  lost(id: string): LostDeployment | undefined {
    return this.options.persistence?.lost(id);
  }

  /** Forgets a lost deployment and its files. */
  dropLost(id: string): boolean {
    return this.options.persistence?.dropLost(id) ?? false;
  }

  /** Tells persistence that something outside the engine changed (see DeploymentPersistence.touch). */
  touch(id: string): void {
    this.options.persistence?.touch(id);
  }

  /** Puts back a deployment read from disk (persistence calls this at start-up, before its indices are restored). */
  restore(record: DeploymentRecord): Deployment {
    const clock = this.options.clock;
    const engine = this.options.createEngine(record.flavor, () => clock.now());
    const deployment = new Deployment(record.id, record.name, record.flavor, undefined, engine, record.createdAt, clock, this.options.features, this.options.log, record);
    this.add(deployment);
    for (const key of deployment.apiKeys.values()) this.byApiKeyId.set(key.id, deployment);
    return deployment;
  }

  /** Takes the latest record of a restored deployment (licence, faults, API keys changed after its first record). */
  applyRecord(deployment: Deployment, record: DeploymentRecord): void {
    deployment.applyRecord(record);
    for (const key of deployment.apiKeys.values()) this.byApiKeyId.set(key.id, deployment);
  }

  /** Drops a deployment whose restore failed half-way (its files are dealt with by persistence). */
  discard(id: string): void {
    const deployment = this.byId.get(id);
    if (!deployment) return;
    this.byId.delete(id);
    this.byPasswordHash.delete(deployment.passwordHash);
    for (const keyId of deployment.apiKeys.keys()) this.byApiKeyId.delete(keyId);
    for (const feature of deployment.features.values()) {
      if (ticks(feature)) this.options.scheduler?.remove(feature);
      feature.dispose();
    }
  }

  /** Starts the deployment's features on the scheduler and its persistence (after a restore has put their state back). */
  start(deployment: Deployment): void {
    for (const feature of deployment.features.values()) if (ticks(feature)) this.options.scheduler?.add(feature);
    this.options.persistence?.track(deployment);
  }

  private add(deployment: Deployment): void {
    this.byId.set(deployment.id, deployment);
    this.byPasswordHash.set(deployment.passwordHash, deployment);
  }

  findByApiKeyId(id: string): Deployment | undefined {
    return this.byApiKeyId.get(id);
  }

  create(input: { flavor: Flavor; name?: string }): Deployment {
    const max = this.capacity;
    if (this.byId.size >= max) throw new DeploymentLimitError(`this practice cluster already holds ${max} deployments`);
    let id = randomToken(12).toLowerCase();
    while (this.byId.has(id)) id = randomToken(12).toLowerCase();
    let password = randomToken(24);
    while (this.byPasswordHash.has(passwordHash(password))) password = randomToken(24);
    const clock = this.options.clock;
    const engine = this.options.createEngine(input.flavor, () => clock.now());
    const deployment = new Deployment(id, input.name ?? `practice-${id}`, input.flavor, password, engine, clock.now(), clock, this.options.features, this.options.log);
    this.add(deployment);
    this.start(deployment);
    return deployment;
  }

  delete(id: string): boolean {
    const deployment = this.byId.get(id);
    if (!deployment) return false;
    this.byId.delete(id);
    this.byPasswordHash.delete(deployment.passwordHash);
    for (const keyId of deployment.apiKeys.keys()) this.byApiKeyId.delete(keyId);
    for (const feature of deployment.features.values()) {
      if (ticks(feature)) this.options.scheduler?.remove(feature);
      feature.dispose();
    }
    this.options.persistence?.forget(id);
    return true;
  }

  /** The learner did something with the deployment: its idle time starts again (and is kept across a restart). */
  noteActivity(deployment: Deployment, now = this.options.clock.now()): void {
    const before = deployment.lastActivityAt;
    deployment.lastActivityAt = Math.max(before, now);
    if (deployment.lastActivityAt !== before) this.touch(deployment.id);
  }

  /** When an idle deployment will be reclaimed (null: never). */
  reclaimAt(deployment: Deployment): number | null {
    return this.idleMs > 0 ? deployment.lastActivityAt + this.idleMs : null;
  }

  /**
   * Deletes every deployment idle for the idle time (its features' `dispose()` frees the host,
   * watches and jobs) and keeps a tombstone of each. Returns the ids reclaimed.
   */
  reclaimIdle(now = this.options.clock.now()): string[] {
    const idleMs = this.idleMs;
    if (idleMs <= 0) return [];
    const reclaimed: string[] = [];
    for (const deployment of [...this.byId.values()]) {
      if (now - deployment.lastActivityAt < idleMs) continue;
      this.delete(deployment.id);
      this.tombstones.set(deployment.id, {
        id: deployment.id,
        flavor: deployment.flavor,
        reclaimedAt: now,
        idleMinutes: Math.round(idleMs / 60_000),
        passwordHash: deployment.passwordHash,
      });
      while (this.tombstones.size > MAX_TOMBSTONES) this.tombstones.delete(this.tombstones.keys().next().value as string);
      reclaimed.push(deployment.id);
      this.options.log?.(`deployment ${deployment.id} reclaimed after ${Math.round((now - deployment.lastActivityAt) / 60_000)} minutes without learner activity`);
    }
    return reclaimed;
  }

  /** The tombstone of a reclaimed deployment, if `password` was its password. */
  reclaimedWith(id: string, password: string): Tombstone | undefined {
    const tombstone = this.tombstones.get(id);
    return tombstone && tombstone.passwordHash === passwordHash(password) ? tombstone : undefined;
  }

  registerApiKey(deployment: Deployment, key: ApiKey): void {
    deployment.apiKeys.set(key.id, key);
    this.byApiKeyId.set(key.id, deployment);
    this.touch(deployment.id);
  }

  /** Moves every feature of every deployment, idle or not, up to the clock (tests with a ManualClock; the scheduler does it live). */
  tickAll(): void {
    const now = this.options.clock.now();
    for (const deployment of this.byId.values()) for (const feature of deployment.features.values()) feature.tick?.(now);
  }
}

function ticks(feature: PracticeFeature): feature is PracticeFeature & Tickable {
  return typeof feature.tick === 'function';
}
