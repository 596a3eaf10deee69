/**
 * The engine's change journal, for durability (lib/practice/persistence.ts): every change to a
 * deployment's indices as one NDJSON line, in the order it happened, so that a snapshot plus the
 * lines written after it give back the same engine.
 *
 * Lines:
 * - `{"t":"meta","m":{...}}`: the whole catalog without documents (indices' settings, mappings,
 *   aliases, ids; templates; pipelines; data streams). Written before the next document line
 *   whenever the metadata changed (and found by comparison at least every 30 s, so a change made
 *   without `touch()` is not lost either).
 * - `{"t":"put","i":uuid,"n":idn,"id"?:string,"s":seq,"v":version,"d":{source}}`: a document stored.
 * - `{"t":"del","i":uuid,"n":idn,"s":seq}`: a document deleted.
 * - `{"t":"hide","i":uuid,"p":slot}`: a shared row deleted or overwritten by the deployment.
 * - `{"t":"roll","i":uuid,"c":cutoff}`: documents older than `cutoff` removed (the host's roll-off).
 *
 * Document lines are written as the document is stored (its JSON is taken then, so a caller that
 * reuses the object cannot change what is kept). The journal is off (`sink` null) unless a data
 * folder is configured: then each line costs one JSON.stringify of the document.
 */
import { createHash } from 'node:crypto';

export type JournalSink = (line: string) => void;

/** A journal line, parsed. */
export type JournalRecord =
  | { t: 'meta'; m: unknown }
  | { t: 'put'; i: string; n: number; id?: string; s: number; v: number; d: Record<string, unknown> }
  | { t: 'del'; i: string; n: number; s: number }
  | { t: 'hide'; i: string; p: number }
  | { t: 'roll'; i: string; c: number };

export const JOURNAL_RECORD_TYPES: readonly string[] = ['meta', 'put', 'del', 'hide', 'roll'];

export class Journal {
  sink: JournalSink | null = null;
  private version = 1;
  private written = 0;
  /** Hash of the last `meta` line's JSON, to tell a change nobody announced (see `check`). */
  private writtenHash = '';

  constructor(private readonly meta: () => unknown) {}

  private writeMeta(json: string, hash: string): void {
    this.written = this.version;
    this.writtenHash = hash;
    this.sink?.(`{"t":"meta","m":${json}}`);
  }

  /** Writes a `meta` line if the metadata differs from the last one written, announced or not. */
  check(): void {
    if (!this.sink) return;
    const json = JSON.stringify(this.meta());
    const hash = createHash('sha1').update(json).digest('base64');
    if (hash !== this.writtenHash) this.writeMeta(json, hash);
    else this.written = this.version;
  }

  /** Metadata changed: a `meta` line goes out before the next document line. */
  touch(): void {
    this.version += 1;
  }

  /** Writes the `meta` line now if the metadata changed since the last one. */
  flushMeta(): void {
    if (!this.sink || this.written === this.version) return;
    const json = JSON.stringify(this.meta());
    this.writeMeta(json, createHash('sha1').update(json).digest('base64'));
  }

  /** A snapshot was just taken: it holds the metadata, so the next line need not repeat it. */
  snapshotTaken(): void {
    const json = JSON.stringify(this.meta());
    this.written = this.version;
    this.writtenHash = createHash('sha1').update(json).digest('base64');
  }

  put(uuid: string, idn: number, id: string | undefined, seq: number, version: number, doc: Record<string, unknown>): void {
    const sink = this.sink;
    if (!sink) return;
    this.flushMeta();
    const idPart = id === undefined ? '' : `,"id":${JSON.stringify(id)}`;
    sink(`{"t":"put","i":"${uuid}","n":${idn}${idPart},"s":${seq},"v":${version},"d":${JSON.stringify(doc)}}`);
  }

  del(uuid: string, idn: number, seq: number): void {
    const sink = this.sink;
    if (!sink) return;
    this.flushMeta();
    sink(`{"t":"del","i":"${uuid}","n":${idn},"s":${seq}}`);
  }

  hide(uuid: string, slot: number): void {
    const sink = this.sink;
    if (!sink) return;
    this.flushMeta();
    sink(`{"t":"hide","i":"${uuid}","p":${slot}}`);
  }

  roll(uuid: string, cutoff: number): void {
    const sink = this.sink;
    if (!sink) return;
    this.flushMeta();
    sink(`{"t":"roll","i":"${uuid}","c":${cutoff}}`);
  }
}
