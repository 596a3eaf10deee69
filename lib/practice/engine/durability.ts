import type { Catalog, CatalogDump, CatalogMeta } from './catalog';
import type { IndexState, SharedResolver } from './index-state';
import type { JournalRecord, JournalSink } from './journal';

/**
 * What the practice cluster's persistence (lib/practice/persistence.ts) needs from a deployment's
 * engine: the journal of its changes, a snapshot of everything, and the way back from both.
 */
export interface EngineDurability {
  /** Where journal lines go from now on (null: nowhere). */
  setSink(sink: JournalSink | null): void;
  /** Writes a `meta` line now if the metadata was changed (announced by the engine). */
  flushMeta(): void;
  /** Writes a `meta` line if the metadata differs from the last one, announced or not. */
  checkMeta(): void;
  /** Everything, copied (writes may continue while it is written out). */
  snapshot(): CatalogDump;
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
    setSink(sink) {
      c.journal.sink = sink;
    },
    flushMeta() {
      c.journal.flushMeta();
    },
    checkMeta() {
      c.journal.check();
    },
    snapshot() {
      return c.dump();
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
