import type { Mappings } from './api';
import { EsError } from './api';
import { parseDate } from './dates';
import { DocStore, type Shape, valuesAtPath } from './doc-store';
import { stats } from './index-stats';
import { canonicalIp } from './ip';
import { type FieldDef, MappingState, validateValue } from './mapping';

/** A field value as the engine compares and aggregates it: strings for keyword/text/ip, numbers otherwise. */
export type Val = number | string;

export interface Reader {
  readonly def: FieldDef | undefined;
  /** Normalized values of the field in slot `pos` (shared arrays: never mutate). */
  values(pos: number): readonly Val[];
}

const EMPTY: readonly Val[] = Object.freeze([]);

export interface AliasMeta {
  is_write_index?: boolean;
  is_hidden?: boolean;
  filter?: Record<string, unknown>;
  routing?: string;
  index_routing?: string;
  search_routing?: string;
}

export const TIME_FIELD = '@timestamp';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function randomBase64Url(bytes: number): string {
  let out = '';
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  for (let i = 0; i < bytes; i += 3) {
    const n = ((b[i] ?? 0) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += ID_ALPHABET[(n >> 18) & 63]! + ID_ALPHABET[(n >> 12) & 63]! + ID_ALPHABET[(n >> 6) & 63]! + ID_ALPHABET[n & 63]!;
  }
  return out.slice(0, Math.ceil((bytes * 4) / 3));
}

export class IndexState {
  readonly uuid = randomBase64Url(16).slice(0, 22);
  readonly mapping: MappingState;
  readonly store = new DocStore();
  readonly aliases = new Map<string, AliasMeta>();
  settings: Record<string, string>;
  dataStream?: string;
  /** Next `_seq_no`. */
  private seqNo = 0;
  private nextIdn = 1;
  /** User-given ids; auto-generated ones are derived from the internal id number. */
  private readonly explicit = new Map<string, number>();
  private readonly idText = new Map<number, string>();
  private readonly idSeed = crypto.getRandomValues(new Uint8Array(6));
  /** True once a document's time field could not be used for time-ordered narrowing. */
  tsUnreliable = false;
  private readers = new Map<string, Reader>();
  private readersVersion = -1;
  /**
   * What search sees, as Lucene's refreshed reader does: slots written with a `_seq_no` below
   * `searchableSeq` (the last refresh). A slot replaced or deleted since stays searchable until a
   * refresh (and as long as a scroll or point in time still looks at it): `retired` maps its
   * `_seq_no` to the `_seq_no` of the write that replaced it. Get by id is realtime and skips
   * retired slots.
   */
  private searchableSeq = 0;
  private readonly retired = new Map<number, number>();
  /** Open views (scrolls, points in time) by the `_seq_no` they see up to; they keep retired slots. */
  private readonly views = new Map<number, number>();
  /** Practice-clock time of the first write a refresh has not yet made searchable. */
  private dirtySince: number | undefined;

  constructor(
    readonly name: string,
    readonly creationDate: number,
    mappings: Mappings | undefined,
    settings: Record<string, string>,
  ) {
    this.mapping = new MappingState(mappings);
    this.settings = settings;
  }

  get hidden(): boolean {
    return this.settings['index.hidden'] === 'true';
  }

  get replicas(): number {
    return Number(this.settings['index.number_of_replicas'] ?? '1') || 0;
  }

  get maxResultWindow(): number {
    return Number(this.settings['index.max_result_window'] ?? '10000') || 10000;
  }

  /** `_shards` of a write: one primary, plus replicas on other nodes (all assigned). */
  writeShards(): { total: number; successful: number; failed: number } {
    const total = 1 + this.replicas;
    return { total, successful: total, failed: 0 };
  }

  /** Whether the time field can narrow searches by binary search in this index. */
  get timeOrdered(): boolean {
    return !this.tsUnreliable && this.mapping.field(TIME_FIELD)?.family === 'date';
  }

  // -------------------------------------------------------------------------------------------
  // ids

  idOf(pos: number): string {
    const n = this.store.idn[pos] as number;
    return this.idText.get(n) ?? this.autoId(n);
  }

  private autoId(n: number): string {
    const b = new Uint8Array(15);
    const seed = this.idSeed;
    let x = n;
    for (let i = 5; i >= 0; i -= 1) {
      b[i] = (x & 0xff) ^ (seed[(i + 3) % 6] as number);
      x = Math.floor(x / 256);
    }
    b.set(seed, 6);
    const h = mix(n, seed);
    b[12] = h & 0xff;
    b[13] = (h >> 8) & 0xff;
    b[14] = (h >> 16) & 0xff;
    let out = '';
    for (let i = 0; i < 15; i += 3) {
      const v = ((b[i] as number) << 16) | ((b[i + 1] as number) << 8) | (b[i + 2] as number);
      out += ID_ALPHABET[(v >> 18) & 63]! + ID_ALPHABET[(v >> 12) & 63]! + ID_ALPHABET[(v >> 6) & 63]! + ID_ALPHABET[v & 63]!;
    }
    return out;
  }

  private decodeAutoId(id: string): number | undefined {
    if (id.length !== 20) return undefined;
    const b = new Uint8Array(15);
    for (let i = 0; i < 20; i += 4) {
      let v = 0;
      for (let k = 0; k < 4; k += 1) {
        const c = ID_ALPHABET.indexOf(id[i + k] as string);
        if (c < 0) return undefined;
        v = (v << 6) | c;
      }
      const o = (i / 4) * 3;
      b[o] = (v >> 16) & 0xff;
      b[o + 1] = (v >> 8) & 0xff;
      b[o + 2] = v & 0xff;
    }
    for (let i = 0; i < 6; i += 1) if (b[6 + i] !== this.idSeed[i]) return undefined;
    let n = 0;
    for (let i = 0; i < 6; i += 1) n = n * 256 + (((b[i] as number) ^ (this.idSeed[(i + 3) % 6] as number)) & 0xff);
    const h = mix(n, this.idSeed);
    if (b[12] !== (h & 0xff) || b[13] !== ((h >> 8) & 0xff) || b[14] !== ((h >> 16) & 0xff)) return undefined;
    return n;
  }

  /** Internal id number of `id` (live or not), or undefined if the id was never used here. */
  private idnOf(id: string): number | undefined {
    return this.explicit.get(id) ?? this.decodeAutoId(id);
  }

  /** Slot of the live (realtime) document with `_id` `id`, or -1. */
  findId(id: string): number {
    const n = this.idnOf(id);
    if (n === undefined) return -1;
    if (this.retired.size === 0) return this.store.find(n);
    const { idn, ver, seq } = this.store;
    for (let i = this.store.n - 1; i >= 0; i -= 1) if (idn[i] === n && ver[i] !== 0 && !this.retired.has(seq[i] as number)) return i;
    return -1;
  }

  // -------------------------------------------------------------------------------------------
  // writes

  /**
   * Indexes `doc` (mapping update included). `create` refuses an existing id with ES's 409.
   * Returns the stored document's metadata.
   */
  write(
    doc: Record<string, unknown>,
    id: string | undefined,
    opType: 'index' | 'create',
  ): { id: string; version: number; seqNo: number; result: 'created' | 'updated' } {
    const existingPos = id === undefined ? -1 : this.findId(id);
    const idForErrors = id ?? '_auto_';
    const prepared = this.store.prepare(doc);
    const shape = prepared?.shape;
    if (shape && shape.mappedVersion === this.mapping.version) {
      // Known structure, unchanged mapping: only values of mismatching kinds need checking.
      for (const c of shape.checks) validateValue(c.def as FieldDef, DocStore.preparedValue(prepared, shape, c.leaf), idForErrors);
    } else {
      const update = this.mapping.dynamicUpdate(doc, idForErrors);
      if (update) this.mapping.merge(update);
    }
    if (existingPos >= 0 && opType === 'create') {
      throw this.versionConflict(id as string, `document already exists (current version [${this.store.ver[existingPos]}])`);
    }
    const ts = this.extractTs(doc);
    const seqNo = this.seqNo++;
    let version = 1;
    let idn: number;
    if (existingPos >= 0) {
      version = (this.store.ver[existingPos] as number) + 1;
      idn = this.store.idn[existingPos] as number;
      this.retire(existingPos, seqNo);
    } else if (id !== undefined) {
      idn = this.idnOf(id) ?? this.nextIdn++;
      if (!this.explicit.has(id) && this.decodeAutoId(id) === undefined) {
        this.explicit.set(id, idn);
        this.idText.set(idn, id);
      }
    } else {
      idn = this.nextIdn++;
    }
    const known = prepared?.shape;
    const bytes = known && known.bytesEstimate > 0 ? known.bytesEstimate : approximateJsonBytes(doc);
    this.store.append(doc, ts, seqNo, idn, version, bytes, prepared);
    const stored = prepared?.shape;
    if (stored && stored.mappedVersion !== this.mapping.version) {
      stored.bytesEstimate = bytes;
      stored.checks = valueChecks(stored, this.mapping);
      stored.mappedVersion = this.mapping.version;
    }
    return { id: id ?? this.autoId(idn), version, seqNo, result: existingPos >= 0 ? 'updated' : 'created' };
  }

  deleteDoc(id: string): { found: boolean; version: number; seqNo: number } {
    const pos = this.findId(id);
    if (pos < 0) return { found: false, version: 1, seqNo: this.seqNo++ };
    const version = (this.store.ver[pos] as number) + 1;
    const seqNo = this.seqNo++;
    if (!this.retire(pos, seqNo)) this.forgetId(this.store.idn[pos] as number);
    return { found: true, version, seqNo };
  }

  // -------------------------------------------------------------------------------------------
  // refresh

  /** Replaces or deletes slot `pos` (by the write `bySeq`); false when it is gone at once because no reader ever saw it. */
  private retire(pos: number, bySeq: number): boolean {
    const seq = this.store.seq[pos] as number;
    if (seq >= this.searchableSeq && !this.viewSees(seq)) {
      this.store.remove(pos);
      return false;
    }
    this.retired.set(seq, bySeq);
    return true;
  }

  private viewSees(seq: number): boolean {
    for (const upTo of this.views.keys()) if (seq < upTo) return true;
    return false;
  }

  /** `index.refresh_interval` in ms (ES's default 1 s); -1 when periodic refresh is off. */
  get refreshIntervalMs(): number {
    const raw = this.settings['index.refresh_interval'];
    if (raw === undefined) return 1000;
    if (raw.trim() === '-1') return -1;
    const m = /^(\d+)(nanos|micros|ms|s|m|h|d)?$/.exec(raw.trim());
    if (!m) return 1000;
    const unit = { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
    return Number(m[1]) * unit;
  }

  /** The `_seq_no` search sees up to (exclusive). */
  get searchableUpTo(): number {
    return this.searchableSeq;
  }

  /** Whether search sees exactly what get sees (no write since the last refresh). */
  get fullyRefreshed(): boolean {
    return this.searchableSeq === this.seqNo && this.retired.size === 0;
  }

  /** Whether slot `pos` is in the view of a reader that sees writes below `upTo`. */
  visibleAt(pos: number, upTo: number): boolean {
    const seq = this.store.seq[pos] as number;
    if (seq >= upTo) return false;
    if (this.retired.size === 0) return true;
    const by = this.retired.get(seq);
    return by === undefined || by >= upTo;
  }

  /** Notes a write at practice-clock time `now`, so the periodic refresh knows when it is due. */
  noteWrite(now: number): void {
    this.dirtySince ??= now;
  }

  /**
   * The refresh Elasticsearch would have run by `now` (every `refresh_interval` after a write):
   * run lazily, before a write or a read, which nobody can tell from a timer.
   */
  refreshIfDue(now: number): boolean {
    const interval = this.refreshIntervalMs;
    if (this.dirtySince === undefined || interval < 0 || now < this.dirtySince + interval) return false;
    this.refresh();
    return true;
  }

  /** Practice-clock time the pending writes become searchable, or undefined when none are pending or periodic refresh is off. */
  refreshDueAt(): number | undefined {
    const interval = this.refreshIntervalMs;
    return this.dirtySince === undefined || interval < 0 ? undefined : this.dirtySince + interval;
  }

  /** Makes every write so far searchable and drops retired slots no open view still sees. */
  refresh(): void {
    stats.refreshed(this, true);
    this.searchableSeq = this.seqNo;
    this.dirtySince = undefined;
    this.collectRetired();
  }

  /** Registers a scroll or point in time that sees writes below `upTo`; retired slots it sees are kept until it is released. */
  holdView(upTo: number): void {
    this.views.set(upTo, (this.views.get(upTo) ?? 0) + 1);
  }

  releaseView(upTo: number): void {
    const n = (this.views.get(upTo) ?? 0) - 1;
    if (n > 0) this.views.set(upTo, n);
    else this.views.delete(upTo);
    this.collectRetired();
  }

  private collectRetired(): void {
    if (this.retired.size === 0) return;
    let oldest = this.searchableSeq;
    for (const upTo of this.views.keys()) oldest = Math.min(oldest, upTo);
    const gone = new Set<number>();
    for (const [seq, by] of this.retired) if (by < oldest) gone.add(seq);
    if (gone.size === 0) return;
    const { seq, ver, idn } = this.store;
    const idns: number[] = [];
    for (let p = 0; p < this.store.n; p += 1) {
      if (ver[p] === 0 || !gone.has(seq[p] as number)) continue;
      idns.push(idn[p] as number);
      this.store.remove(p);
    }
    for (const s of gone) this.retired.delete(s);
    for (const n of idns) if (this.store.find(n) < 0) this.forgetId(n);
  }

  private forgetId(idn: number): void {
    const text = this.idText.get(idn);
    if (text !== undefined) {
      this.idText.delete(idn);
      this.explicit.delete(text);
    }
  }

  rollOff(cutoff: number): number {
    const gone = this.store.removeOlderThan(cutoff);
    // A retired old version may go while its replacement stays: keep the id of a live document.
    for (const idn of gone) if (this.retired.size === 0 || this.store.find(idn) < 0) this.forgetId(idn);
    return gone.length;
  }

  versionConflict(id: string, what: string): EsError {
    return new EsError(409, 'version_conflict_engine_exception', `[${id}]: version conflict, ${what}`, { index_uuid: this.uuid, shard: '0', index: this.name });
  }

  private extractTs(doc: Record<string, unknown>): number {
    const raw = TIME_FIELD in doc ? [doc[TIME_FIELD]].flat() : valuesAtPath(doc, TIME_FIELD);
    const values = raw.filter((v) => v !== null && v !== undefined);
    if (values.length === 0) return Number.NEGATIVE_INFINITY;
    const def = this.mapping.field(TIME_FIELD);
    if (!def || def.family !== 'date' || values.length > 1) {
      this.tsUnreliable = true;
      return Number.NEGATIVE_INFINITY;
    }
    const ms = parseDate(values[0], def.format);
    if (ms === undefined) {
      this.tsUnreliable = true;
      return Number.NEGATIVE_INFINITY;
    }
    return ms;
  }

  get seqNoNext(): number {
    return this.seqNo;
  }

  // -------------------------------------------------------------------------------------------
  // reads

  source(pos: number): Record<string, unknown> {
    return this.store.source(pos);
  }

  /** A reader for `field` (full dotted name); unmapped fields read as empty. */
  reader(field: string): Reader {
    const version = this.mapping.version * 1_000_000 + this.store.generation;
    if (version !== this.readersVersion) {
      this.readers.clear();
      this.readersVersion = version;
    }
    let r = this.readers.get(field);
    if (!r) {
      r = makeReader(this.store, this.mapping.field(field));
      this.readers.set(field, r);
    }
    return r;
  }

  /** Documents search sees (what `_count`, `_cat/indices` and `_stats` report, as ES counts refreshed segments). */
  docsCount(): number {
    if (this.fullyRefreshed) return this.store.live;
    let n = 0;
    for (let p = 0; p < this.store.n; p += 1) if (this.store.ver[p] !== 0 && this.visibleAt(p, this.searchableSeq)) n += 1;
    return n;
  }
}

/** Leaves of a shape whose stored kind can disagree with the mapped type (e.g. strings in a long field). */
function valueChecks(shape: Shape, mapping: MappingState): { leaf: number; def: FieldDef }[] {
  const out: { leaf: number; def: FieldDef }[] = [];
  shape.leaves.forEach((leaf, i) => {
    const def = mapping.field(leaf.path);
    if (!def || leaf.kind === 3) return;
    const fam = def.family;
    const isString = leaf.kind === 1;
    const isBool = leaf.kind === 2;
    const isNum = leaf.kind === 0;
    if ((isString && (fam === 'numeric' || fam === 'date' || fam === 'boolean' || fam === 'ip')) || (isBool && (fam === 'numeric' || fam === 'date' || fam === 'ip')) || (isNum && (fam === 'boolean' || fam === 'ip'))) {
      out.push({ leaf: i, def });
    }
  });
  return out;
}

function mix(n: number, seed: Uint8Array): number {
  let h = 0x811c9dc5 ^ (n >>> 0) ^ Math.floor(n / 4294967296);
  for (const b of seed) h = Math.imul(h ^ b, 0x01000193);
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Rough JSON size of a document without serializing it. */
export function approximateJsonBytes(v: unknown): number {
  if (v === null) return 4;
  switch (typeof v) {
    case 'string':
      return v.length + 2;
    case 'number':
      return 8;
    case 'boolean':
      return 5;
    case 'object': {
      let n = 2;
      if (Array.isArray(v)) {
        for (const el of v) n += approximateJsonBytes(el) + 1;
        return n;
      }
      for (const k in v) n += k.length + 4 + approximateJsonBytes((v as Record<string, unknown>)[k]);
      return n;
    }
    default:
      return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Readers: raw `_source` values -> the values ES indexes for the field's type

type Normalizer = (raw: unknown, out: Val[]) => void;

function numericConverter(def: FieldDef): (n: number) => number {
  if (def.integer) return Math.trunc;
  switch (def.type) {
    case 'float':
    case 'half_float':
      return Math.fround;
    case 'scaled_float': {
      const f = def.scalingFactor ?? 1;
      return (n) => Math.round(n * f) / f;
    }
    default:
      return (n) => n;
  }
}

export function normalizerFor(def: FieldDef): Normalizer {
  const base = baseNormalizer(def);
  if (def.nullValue === undefined) return base;
  const nv = def.nullValue;
  return (raw, out) => base(raw === null ? nv : raw, out);
}

function baseNormalizer(def: FieldDef): Normalizer {
  switch (def.family) {
    case 'keyword': {
      const limit = def.ignoreAbove ?? Infinity;
      return (raw, out) => {
        if (raw === null || raw === undefined || typeof raw === 'object') return;
        const s = typeof raw === 'string' ? raw : String(raw);
        if (s.length <= limit) out.push(s);
      };
    }
    case 'text':
      return (raw, out) => {
        if (raw === null || raw === undefined || typeof raw === 'object') return;
        out.push(typeof raw === 'string' ? raw : String(raw));
      };
    case 'numeric': {
      const conv = numericConverter(def);
      return (raw, out) => {
        if (typeof raw === 'number') out.push(conv(raw));
        else if (typeof raw === 'string' && raw.trim() !== '') {
          const n = Number(raw);
          if (Number.isFinite(n)) out.push(conv(n));
        }
      };
    }
    case 'date': {
      const fmt = def.format;
      return (raw, out) => {
        const ms = parseDate(raw, fmt);
        if (ms !== undefined) out.push(ms);
      };
    }
    case 'boolean':
      return (raw, out) => {
        if (raw === true || raw === 'true') out.push(1);
        else if (raw === false || raw === 'false' || raw === '') out.push(0);
      };
    case 'ip':
      return (raw, out) => {
        if (typeof raw !== 'string') return;
        const c = canonicalIp(raw);
        if (c !== undefined) out.push(c);
      };
    case 'object':
      return (raw, out) => {
        if (raw !== null && raw !== undefined) out.push(1);
      };
    default:
      return (raw, out) => {
        if (raw !== null && raw !== undefined) out.push(typeof raw === 'number' ? raw : typeof raw === 'string' ? raw : JSON.stringify(raw));
      };
  }
}

function makeReader(store: DocStore, def: FieldDef | undefined): Reader {
  if (!def || def.type === 'alias') return { def, values: () => EMPTY };
  if (def.type === 'constant_keyword') {
    const c: readonly Val[] = def.constValue === undefined || def.constValue === null ? EMPTY : Object.freeze([String(def.constValue)]);
    return { def, values: () => c };
  }
  const norm = normalizerFor(def);
  const plans: (((row: number) => readonly Val[]) | undefined)[] = [];
  const rawPlan = (row: number): readonly Val[] => {
    const doc = store.raw[row];
    if (!doc) return EMPTY;
    const raws = def.family === 'object' ? objectLeaves(doc, def.source) : valuesAtPath(doc, def.source);
    if (raws.length === 0) return EMPTY;
    const out: Val[] = [];
    for (const r of raws) norm(r, out);
    return out;
  };
  const planFor = (s: number): ((row: number) => readonly Val[]) => {
    if (s === 0) return rawPlan;
    const shape = store.shapes[s] as Shape | null;
    if (!shape) return () => EMPTY;
    const leaves = def.family === 'object' ? shape.leavesUnder(def.source) : (shape.byPath.get(def.source) ?? []);
    if (leaves.length === 0) return () => EMPTY;
    if (leaves.length === 1) {
      const i = leaves[0] as number;
      let constant: readonly Val[] | undefined;
      const fastNumber = (def.family === 'numeric' || def.family === 'date') && shape.leafNumber(i, 0) !== undefined && (def.family === 'numeric' || shape.leafIsDate(i));
      const conv = def.family === 'numeric' ? numericConverter(def) : (n: number) => n;
      return (row) => {
        if (shape.leafIsConstant(i)) {
          if (constant === undefined) {
            const out: Val[] = [];
            norm(shape.leafValue(i, row), out);
            constant = Object.freeze(out);
          }
          return constant;
        }
        if (fastNumber) return [conv(shape.leafNumber(i, row) as number)];
        const out: Val[] = [];
        norm(shape.leafValue(i, row), out);
        return out;
      };
    }
    return (row) => {
      const out: Val[] = [];
      for (const i of leaves) norm(shape.leafValue(i, row), out);
      return out;
    };
  };
  return {
    def,
    values(pos: number): readonly Val[] {
      const s = store.shp[pos] as number;
      let plan = plans[s];
      if (!plan) {
        plan = planFor(s);
        plans[s] = plan;
      }
      return plan(store.row[pos] as number);
    },
  };
}

function objectLeaves(doc: Record<string, unknown>, prefix: string): unknown[] {
  const direct = valuesAtPath(doc, prefix);
  const out: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v as Record<string, unknown>).forEach(walk);
    else if (v !== null && v !== undefined) out.push(v);
  };
  direct.forEach(walk);
  // Dotted keys below the prefix (`{"system.cpu.total": 1}` under `system`).
  for (const [k, v] of Object.entries(doc)) if (k.startsWith(`${prefix}.`)) walk(v);
  return out;
}
