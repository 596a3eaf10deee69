import type { Catalog, CatalogDump, CatalogMeta } from './catalog';
import type { Pause } from './doc-store';
import type { IndexState, SharedResolver } from './index-state';
import type { JournalRecord } from './journal';

/**
 * What the practice cluster's persistence (lib/practice/persistence.ts) needs from a deployment's
 * engine: the journal of its changes, a snapshot of everything, and the way back from both.
 */
export interface EngineDurability {
  /** Starts (or stops) recording changes; `onBacklog` is called when much is waiting. */
  record(on: boolean, onBacklog?: () => void): void;
  /** The lines recorded since the last drain, in order. */
  drain(): string[];
  /** Queues a `meta` line if the metadata differs from the last one, announced or not. */
  checkMeta(): void;
  /**
   * Everything at this instant, cheaply; the returned function makes the dump afterwards, pausing
   * now and then (writes go on meanwhile and are not in it).
   */
  snapshot(): (pause: Pause) => Promise<CatalogDump>;
  /** The journal starts after this snapshot. */
  snapshotTaken(): void;
  /** Replaces everything with a snapshot's state. */
  load(dump: CatalogDump, resolve: SharedResolver): void;
  /** Applies one journal line (after `load`, in the order written). Throws on a line that does not fit. */
  replay(record: JournalRecord, resolve: SharedResolver): void;
}

export function catalogDurability(c: Catalog): EngineDurability {
  let last: IndexState | undefined;
  const index = (uuid: string): IndexState => {
    if (last?.uuid === uuid && c.indices.get(last.name) === last) return last;
    const ix = c.byUuid(uuid);
    if (!ix) throw new Error(`the journal names index uuid [${uuid}], which does not exist at that point`);
    last = ix;
    return ix;
  };
  return {
    record(on, onBacklog) {
      c.journal.enabled = on;
      c.journal.onBacklog = onBacklog ?? null;
      if (!on) c.journal.drain();
    },
    drain() {
      return c.journal.drain();
    },
    checkMeta() {
      c.journal.check();
    },
    snapshot() {
      return c.capture();
    },
    snapshotTaken() {
      c.journal.snapshotTaken();
    },
    load(dump, resolve) {
      c.load(dump, resolve);
      last = undefined;
    },
    replay(r, resolve) {
      switch (r.t) {
        case 'meta':
          c.applyMeta(r.m as CatalogMeta, resolve);
          last = undefined;
          return;
        case 'rows':
          index(r.i).replayRows(r);
          return;
        case 'put':
          index(r.i).replayPut(r.n, r.id, r.s, r.v, r.d);
          return;
        case 'del':
          index(r.i).replayDelete(r.n, r.s);
          return;
        case 'hide':
          index(r.i).replayHide(r.p);
          return;
        case 'roll':
          index(r.i).rollOff(r.c);
          return;
      }
    },
  };
}
