import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import type { Engine, Flavor } from './engine/api';
import type { FaultConfig } from './faults';
import type { FeatureContext, FeatureDefinition, PracticeFeature } from './feature';
import { flavourInfo, type FlavourInfo } from './flavours';
import type { PracticeHost } from './host/practice-host';
import { licenseAllows, TRIAL_DAYS, type LicenseState, type LicenseType } from './license';
import type { Scheduler, Tickable } from './scheduler';
import { randomApiKeyPart, randomToken, type ApiKey } from './security';

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

export class Deployment {
  readonly info: FlavourInfo;
  readonly username = 'elastic';
  readonly clusterUuid = base64Uuid();
  readonly nodeId = base64Uuid();
  readonly nodeName = 'instance-0000000000';
  readonly apiKeys = new Map<string, ApiKey>();
  /** The deployment's instance of each feature, by feature name, in the order of the definitions. */
  readonly features: ReadonlyMap<string, PracticeFeature>;
  license: LicenseState;
  faults: FaultConfig = {};
  requestCount = 0;
  lastUsedAt: number;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly flavor: Flavor,
    readonly password: string,
    readonly engine: Engine,
    readonly createdAt: number,
    clock: Clock,
    definitions: readonly FeatureDefinition[] = [],
    log: (message: string) => void = () => {},
  ) {
    this.info = flavourInfo(flavor);
    this.license = { type: 'trial', uid: randomUUID(), issuedAt: createdAt, expiresAt: createdAt + TRIAL_DAYS * 86_400_000, trialUsed: true };
    this.lastUsedAt = createdAt;
    const features = new Map<string, PracticeFeature>();
    for (const definition of definitions) {
      const context: FeatureContext = {
        deploymentId: id,
        flavor,
        info: this.info,
        nodeId: this.nodeId,
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
}

export class DeploymentLimitError extends Error {}

export class DeploymentRegistry {
  private readonly byId = new Map<string, Deployment>();
  private readonly byPassword = new Map<string, Deployment>();
  private readonly byApiKeyId = new Map<string, Deployment>();

  constructor(private readonly options: RegistryOptions) {}

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
    return this.byPassword.get(password);
  }

  findByApiKeyId(id: string): Deployment | undefined {
    return this.byApiKeyId.get(id);
  }

  create(input: { flavor: Flavor; name?: string }): Deployment {
    const max = this.options.maxDeployments ?? 2_000;
    if (this.byId.size >= max) throw new DeploymentLimitError(`this practice cluster already holds ${max} deployments`);
    let id = randomToken(12).toLowerCase();
    while (this.byId.has(id)) id = randomToken(12).toLowerCase();
    let password = randomToken(24);
    while (this.byPassword.has(password)) password = randomToken(24);
    const clock = this.options.clock;
    const engine = this.options.createEngine(input.flavor, () => clock.now());
    const deployment = new Deployment(id, input.name ?? `practice-${id}`, input.flavor, password, engine, clock.now(), clock, this.options.features, this.options.log);
    this.byId.set(id, deployment);
    this.byPassword.set(password, deployment);
    for (const feature of deployment.features.values()) if (ticks(feature)) this.options.scheduler?.add(feature);
    return deployment;
  }

  delete(id: string): boolean {
    const deployment = this.byId.get(id);
    if (!deployment) return false;
    this.byId.delete(id);
    this.byPassword.delete(deployment.password);
    for (const keyId of deployment.apiKeys.keys()) this.byApiKeyId.delete(keyId);
    for (const feature of deployment.features.values()) {
      if (ticks(feature)) this.options.scheduler?.remove(feature);
      feature.dispose();
    }
    return true;
  }

  registerApiKey(deployment: Deployment, key: ApiKey): void {
    deployment.apiKeys.set(key.id, key);
    this.byApiKeyId.set(key.id, deployment);
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
