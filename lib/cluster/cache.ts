import 'server-only';
import { LRUCache } from 'lru-cache';
import type { ClusterClient } from './adapter';

/**
 * One client per cluster connection, reused by every panel and checkpoint of that attendee (a
 * client holds keep-alive sockets; one per request would reconnect and re-probe every 5 s).
 * Entries are keyed by connection id and remember the credentials version they were built with:
 * after a reconnect the version differs, so the old client is replaced and closed.
 *
 * Closing: an idle-expired client is closed at once (nobody uses it); a replaced, evicted or
 * deleted one after a grace period longer than a request timeout, so a panel request that is
 * using it right now is not cut off.
 */
export interface ClientCacheOptions {
  max?: number;
  idleTtlMs?: number;
  closeGraceMs?: number;
  /** Where a failing close() is reported (it never throws into a request). */
  onCloseError?: (error: unknown, connectionId: string) => void;
  /** Clock for the idle timeout (tests); `performance.now` otherwise. */
  now?: () => number;
}

export interface ClientKey {
  connectionId: string;
  /** Changes whenever the connection's endpoint or credentials change (e.g. a row version or updatedAt). */
  credentialsVersion: string | number;
}

interface Entry {
  version: string;
  /** Creation order, so a slow creation for old credentials cannot replace a newer client. */
  sequence: number;
  client: ClusterClient;
}

export class ClusterClientCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly creating = new Map<string, { version: string; promise: Promise<ClusterClient> }>();
  private readonly closeGraceMs: number;
  private readonly onCloseError: (error: unknown, connectionId: string) => void;
  private readonly closing = new Set<ClusterClient>();
  private sequence = 0;
  /** Off while closeAll() closes clients itself. */
  private disposing = true;

  constructor(options: ClientCacheOptions = {}) {
    this.closeGraceMs = options.closeGraceMs ?? 15_000;
    this.onCloseError = options.onCloseError ?? (() => undefined);
    this.entries = new LRUCache<string, Entry>({
      max: options.max ?? 1000,
      ttl: options.idleTtlMs ?? 30 * 60_000,
      updateAgeOnGet: true,
      // Without autopurge an idle client would keep its sockets until its key is touched again.
      ttlAutopurge: true,
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
      dispose: (entry, connectionId, reason) => {
        if (this.disposing) this.close(entry.client, connectionId, reason === 'expire' ? 0 : this.closeGraceMs);
      },
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached client if it was built for this credentials version. */
  get(key: ClientKey): ClusterClient | undefined {
    const entry = this.entries.get(key.connectionId);
    return entry !== undefined && entry.version === String(key.credentialsVersion) ? entry.client : undefined;
  }

  /**
   * The cached client, or one made by `create` (which probes the cluster); concurrent requests
   * for the same key share one creation. A failed creation is not cached.
   */
  async getOrCreate(key: ClientKey, create: () => Promise<ClusterClient>): Promise<ClusterClient> {
    const version = String(key.credentialsVersion);
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const pending = this.creating.get(key.connectionId);
    if (pending !== undefined && pending.version === version) return pending.promise;

    const sequence = ++this.sequence;
    const promise = create().then(
      (client) => {
        this.settled(key.connectionId, promise);
        const current = this.entries.peek(key.connectionId);
        if (current !== undefined && current.sequence > sequence) {
          // Newer credentials were connected meanwhile: serve this request, then let it go.
          this.close(client, key.connectionId, this.closeGraceMs);
        } else {
          this.entries.set(key.connectionId, { version, sequence, client });
        }
        return client;
      },
      (error: unknown) => {
        this.settled(key.connectionId, promise);
        throw error;
      },
    );
    this.creating.set(key.connectionId, { version, promise });
    return promise;
  }

  /** Forget a connection (disconnect, credentials deleted); its client is closed. */
  delete(connectionId: string): void {
    this.entries.delete(connectionId);
  }

  /** Close every client now (shutdown, tests). */
  async closeAll(): Promise<void> {
    const clients = [...this.entries.values()].map((entry) => entry.client);
    this.disposing = false;
    try {
      this.entries.clear();
    } finally {
      this.disposing = true;
    }
    const lingering = [...this.closing];
    this.closing.clear();
    await Promise.all([...clients, ...lingering].map((client) => this.closeNow(client, '*')));
  }

  private settled(connectionId: string, promise: Promise<ClusterClient>): void {
    if (this.creating.get(connectionId)?.promise === promise) this.creating.delete(connectionId);
  }

  private close(client: ClusterClient, connectionId: string, afterMs: number): void {
    if (afterMs <= 0) {
      void this.closeNow(client, connectionId);
      return;
    }
    this.closing.add(client);
    setTimeout(() => {
      if (this.closing.delete(client)) void this.closeNow(client, connectionId);
    }, afterMs).unref();
  }

  private closeNow(client: ClusterClient, connectionId: string): Promise<void> {
    return client.close().catch((error: unknown) => this.onCloseError(error, connectionId));
  }
}
