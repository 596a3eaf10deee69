import { createHash } from 'node:crypto';
import type { Shape } from './doc-store';
import type { IndexState } from './index-state';

/**
 * The engine's change journal, for durability (lib/practice/persistence.ts): every change to a
 * deployment's indices, in the order it happened, so that a snapshot plus the lines written after
 * it give back the same engine. Persistence takes the lines about once a second (`drain`).
 *
 * Lines (NDJSON):
 * - `{"t":"meta","m":{...}}`: the whole catalog without documents (indices' settings, mappings,
 *   aliases, id seeds, a shared sample's attachment; templates; pipelines; data streams). Written
 *   before the next document change whenever the metadata changed (and found by comparison at
 *   least every 30 s, so a change made without `touch()` is not lost either).
 * - `{"t":"rows","i":uuid,"k":shape key,"r"?:tree,"l"?:leaves,"n":[idn],"s":[seq],"v":[version],
 *   "ts":[time],"b":[bytes],"c":[[column values]],"id"?:{idn:_id},"u"?:true}`: documents stored,
 *   in the engine's own form (a shape and its column values), so neither writing nor replaying
 *   builds or parses a JSON document per row. A document's content is read when the line is made:
 *   one overwritten or deleted since is written as it is then, or not at all (the later line that
 *   changed it follows). `r`/`l` describe the shape the first time a journal generation uses it.
 * - `{"t":"put","i":uuid,"n":idn,"id"?:string,"s":seq,"v":version,"d":{source}}`: a document
 *   the engine keeps as plain JSON (one whose structure does not fit its columns).
 * - `{"t":"del","i":uuid,"n":idn,"s":seq}`: a document deleted.
 * - `{"t":"hide","i":uuid,"p":slot}`: a shared row deleted or overwritten by the deployment.
 * - `{"t":"roll","i":uuid,"c":cutoff}`: documents older than `cutoff` removed (the host's roll-off).
 *
 * Off (`enabled` false) unless a data folder is configured: then a stored document costs two
 * array slots until the next drain.
 */

/** A journal line, parsed. */
export type JournalRecord =
  | { t: 'meta'; m: unknown }
  | {
      t: 'rows';
      i: string;
      k: string;
      r?: unknown;
      l?: [string, number, number][];
      n: number[];
      s: number[];
      v: number[];
      ts: (number | null)[];
      b: number[];
      c: (number | string)[][];
      id?: Record<string, string>;
      u?: boolean;
    }
  | { t: 'put'; i: string; n: number; id?: string; s: number; v: number; d: Record<string, unknown> }
  | { t: 'del'; i: string; n: number; s: number }
  | { t: 'hide'; i: string; p: number }
  | { t: 'roll'; i: string; c: number };

export const JOURNAL_RECORD_TYPES: readonly string[] = ['meta', 'rows', 'put', 'del', 'hide', 'roll'];

export class Journal {
  enabled = false;
  /** Called when much is waiting (a large bulk): persistence drains early instead of on its timer. */
  onBacklog: (() => void) | null = null;
  /** Lines, and stored documents as (index, idn) pairs, in order. */
  private pending: (string | IndexState | number)[] = [];
  private version = 1;
  private written = 0;
  /** Hash of the last `meta` line's JSON, to tell a change nobody announced (see `check`). */
  private writtenHash = '';
  /** Shapes already described in this journal generation, per index uuid. */
  private described = new Map<string, Set<string>>();

  constructor(private readonly meta: () => unknown) {}

  /** Metadata changed: a `meta` line goes out before the next document change. */
  touch(): void {
    this.version += 1;
  }

  private writeMeta(json: string, hash: string): void {
    this.written = this.version;
    this.writtenHash = hash;
    this.pending.push(`{"t":"meta","m":${json}}`);
  }

  /** Queues a `meta` line now if the metadata was changed (announced). */
  flushMeta(): void {
    if (!this.enabled || this.written === this.version) return;
    const json = JSON.stringify(this.meta());
    this.writeMeta(json, createHash('sha1').update(json).digest('base64'));
  }

  /** Queues a `meta` line if the metadata differs from the last one written, announced or not. */
  check(): void {
    if (!this.enabled) return;
    const json = JSON.stringify(this.meta());
    const hash = createHash('sha1').update(json).digest('base64');
    if (hash !== this.writtenHash) this.writeMeta(json, hash);
    else this.written = this.version;
  }

  /** A snapshot was just taken (after a drain): it holds the metadata and every shape. */
  snapshotTaken(): void {
    const json = JSON.stringify(this.meta());
    this.written = this.version;
    this.writtenHash = createHash('sha1').update(json).digest('base64');
    this.described.clear();
  }

  private line(line: string): void {
    this.flushMeta();
    this.pending.push(line);
  }

  put(ix: IndexState, idn: number): void {
    if (!this.enabled) return;
    this.flushMeta();
    this.pending.push(ix, idn);
    if (this.pending.length === 100_000) this.onBacklog?.();
  }

  del(uuid: string, idn: number, seq: number): void {
    if (this.enabled) this.line(`{"t":"del","i":"${uuid}","n":${idn},"s":${seq}}`);
  }

  hide(uuid: string, slot: number): void {
    if (this.enabled) this.line(`{"t":"hide","i":"${uuid}","p":${slot}}`);
  }

  roll(uuid: string, cutoff: number): void {
    if (this.enabled) this.line(`{"t":"roll","i":"${uuid}","c":${cutoff}}`);
  }

  /** Everything queued, as lines, in order; the queue is empty after. */
  drain(): string[] {
    this.flushMeta();
    const pending = this.pending;
    this.pending = [];
    const out: string[] = [];
    let run: (IndexState | number)[] = [];
    for (let i = 0; i < pending.length; ) {
      const entry = pending[i] as string | IndexState;
      if (typeof entry === 'string') {
        if (run.length > 0) {
          this.rows(run, out);
          run = [];
        }
        out.push(entry);
        i += 1;
      } else {
        run.push(entry, pending[i + 1] as number);
        i += 2;
      }
    }
    if (run.length > 0) this.rows(run, out);
    return out;
  }

  /** Lines for a run of stored documents: one `rows` line per index and shape. */
  private rows(run: (IndexState | number)[], out: string[]): void {
    const byIndex = new Map<IndexState, Set<number>>();
    for (let i = 0; i < run.length; i += 2) {
      const ix = run[i] as IndexState;
      let set = byIndex.get(ix);
      if (!set) {
        set = new Set();
        byIndex.set(ix, set);
      }
      set.add(run[i + 1] as number);
    }
    for (const [ix, idns] of byIndex) {
      const store = ix.store;
      const groups = new Map<string, { shape: Shape; n: number[]; s: number[]; v: number[]; ts: (number | null)[]; b: number[]; c: (number | string)[][]; id: Record<string, string> }>();
      for (const idn of idns) {
        const pos = ix.liveSlot(idn);
        if (pos < 0) continue;
        const enc = store.encoded(pos);
        const seq = store.seq[pos] as number;
        const version = store.ver[pos] as number;
        const explicit = ix.explicitId(idn);
        if ('raw' in enc) {
          const idPart = explicit === undefined ? '' : `,"id":${JSON.stringify(explicit)}`;
          out.push(`{"t":"put","i":"${ix.uuid}","n":${idn}${idPart},"s":${seq},"v":${version},"d":${JSON.stringify(enc.raw)}}`);
          continue;
        }
        let g = groups.get(enc.shape.key);
        if (!g) {
          g = { shape: enc.shape, n: [], s: [], v: [], ts: [], b: [], c: enc.vals.map(() => []), id: {} };
          groups.set(enc.shape.key, g);
        }
        const ts = store.ts[pos] as number;
        g.n.push(idn);
        g.s.push(seq);
        g.v.push(version);
        g.ts.push(Number.isFinite(ts) ? ts : null);
        g.b.push(enc.bytes);
        for (let c = 0; c < enc.vals.length; c += 1) (g.c[c] as (number | string)[]).push(enc.vals[c] as number | string);
        if (explicit !== undefined) g.id[idn] = explicit;
      }
      let described = this.described.get(ix.uuid);
      if (!described) {
        described = new Set();
        this.described.set(ix.uuid, described);
      }
      for (const g of groups.values()) {
        let shapePart = '';
        if (!described.has(g.shape.key)) {
          described.add(g.shape.key);
          shapePart = `,"r":${JSON.stringify(g.shape.root)},"l":${JSON.stringify(g.shape.leaves.map((l) => [l.path, l.kind, l.col]))}`;
        }
        const idPart = Object.keys(g.id).length > 0 ? `,"id":${JSON.stringify(g.id)}` : '';
        const unreliable = ix.tsUnreliable ? ',"u":true' : '';
        out.push(
          `{"t":"rows","i":"${ix.uuid}","k":${JSON.stringify(g.shape.key)}${shapePart},"n":${JSON.stringify(g.n)},"s":${JSON.stringify(g.s)},"v":${JSON.stringify(g.v)},"ts":${JSON.stringify(g.ts)},"b":${JSON.stringify(g.b)},"c":${JSON.stringify(g.c)}${idPart}${unreliable}}`,
        );
      }
    }
  }
}
