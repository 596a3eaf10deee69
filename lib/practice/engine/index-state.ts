import type { Mappings, SharedWindow } from './api';
import { EsError } from './api';
import { DEFAULT_DATE_FORMAT, parseDate } from './dates';
import { DocStore, type DocStoreCapture, type DocStoreDump, type Pause, type Shape, StringList, valuesAtPath } from './doc-store';
import { stats } from './index-stats';
import { canonicalIp } from './ip';
import type { Journal, JournalRecord } from './journal';
import { type FieldDef, MappingState, validateValue } from './mapping';

/** A field value as the engine compares and aggregates it: strings for keyword/text/ip, numbers otherwise. */
export type Val = number | string;

export interface Reader {
  readonly def: FieldDef | undefined;
  /** Normalized values of the field in slot `pos` (shared arrays: never mutate). */
  values(pos: number): readonly Val[];
  /**
   * The field's value in slot `pos` when it is a single number read straight from a column
   * (numeric and date fields); `undefined` means "ask `values`". Saves an array per document in
   * metric aggregations over a day of Beats data.
   */
  number?(pos: number): number | undefined;
  /**
   * The values every slot of [from, to) has, when they all have the same ones (a column that is
   * constant in each shape met there: the host's name over a day of its metrics), else undefined.
   * Lets a terms aggregation put a whole segment in one bucket without reading each document.
   */
  constant?(from: number, to: number): readonly Val[] | undefined;
  /**
   * How many slots of [from, to) have a value and the least and greatest of them, without reading
   * each (the time field of a time-ordered index); undefined when that cannot be told at once.
   */
  extent?(from: number, to: number): { count: number; min: number; max: number } | undefined;
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

/** An index's definition without its documents: what a journal `meta` line and a snapshot keep. */
export interface IndexMeta {
  name: string;
  uuid: string;
  creationDate: number;
  settings: Record<string, string>;
  mappings: Mappings;
  aliases: [string, AliasMeta][];
  dataStream?: string;
  /** Base64 of the seed auto-generated ids derive from (ids must read the same after a restart). */
  idSeed: string;
  shared?: { descriptor: Record<string, unknown>; start: number; end: number; idPrefix: string };
}

/** An index in a snapshot: its definition, counters and documents. */
export interface IndexDump {
  meta: IndexMeta;
  seqNo: number;
  nextIdn: number;
  /** Given `_id`s and their id numbers. */
  explicit: { ids: StringList; idns: Float64Array };
  tsUnreliable: boolean;
  store: DocStoreDump;
  shared?: DocStoreDump;
}

/** An index at one instant, before its documents are turned into a dump. */
export type IndexCapture = Omit<IndexDump, 'store' | 'shared'> & { store: DocStoreCapture; shared?: DocStoreCapture };

/** Finds a shared read-only store again from its descriptor (see shared-datasets.ts). */
export type SharedResolver = (descriptor: Record<string, unknown>) => { store: DocStore } | undefined;

export class IndexState {
  readonly uuid: string;
  readonly mapping: MappingState;
  store = new DocStore();
  /** Where changes are recorded for durability (the catalog's journal; off without a data folder). */
  journal: Journal | null = null;
  readonly aliases = new Map<string, AliasMeta>();
  settings: Record<string, string>;
  dataStream?: string;
  /** Next `_seq_no`. */
  private seqNo = 0;
  private nextIdn = 1;
  /** User-given ids; auto-generated ones are derived from the internal id number. */
  private readonly explicit = new Map<string, number>();
  private readonly idText = new Map<number, string>();
  private readonly idSeed: Uint8Array;
  /** True once a document's time field could not be used for time-ordered narrowing. */
  tsUnreliable = false;
  private readers = new Map<string, Reader>();
  private readersVersion = -1;
  /** The index a segment belongs to: itself, or for a shared segment the tenant's index. */
  readonly owner: IndexState = this;
  /** A read-only segment shared with other tenants under this index's own documents (chapter 5's sample). */
  shared?: IndexState;
  /** The shared set's descriptor and window, for persistence and to make a repeated attach a no-op. */
  sharedOrigin?: { descriptor: Record<string, unknown>; start: number; end: number; idPrefix: string };
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
  /** `_seq_no`s below this belong to the shared segment's rows (0 without one). */
  private sharedSeqEnd = 0;

  constructor(
    readonly name: string,
    readonly creationDate: number,
    mappings: Mappings | undefined,
    settings: Record<string, string>,
    identity?: { uuid: string; idSeed: Uint8Array },
  ) {
    this.uuid = identity?.uuid ?? randomBase64Url(16).slice(0, 22);
    this.idSeed = identity?.idSeed ?? crypto.getRandomValues(new Uint8Array(6));
    this.mapping = new MappingState(mappings);
    this.settings = settings;
  }

  // -------------------------------------------------------------------------------------------
  // persistence (see journal.ts and lib/practice/persistence.ts)

  meta(): IndexMeta {
    const m: IndexMeta = {
      name: this.name,
      uuid: this.uuid,
      creationDate: this.creationDate,
      settings: this.settings,
      mappings: this.mapping.root,
      aliases: [...this.aliases],
      idSeed: Buffer.from(this.idSeed).toString('base64'),
    };
    if (this.dataStream !== undefined) m.dataStream = this.dataStream;
    if (this.sharedOrigin) m.shared = this.sharedOrigin;
    return m;
  }

  /** The index at this instant (see DocStore.capture); `dumpCapture` makes the dump from it later. */
  capture(): IndexCapture {
    const ids = new Array<string>(this.explicit.size);
    const idns = new Float64Array(this.explicit.size);
    let i = 0;
    for (const [id, idn] of this.explicit) {
      ids[i] = id;
      idns[i] = idn;
      i += 1;
    }
    const c: IndexCapture = {
      meta: structuredClone(this.meta()),
      seqNo: this.seqNo,
      nextIdn: this.nextIdn,
      explicit: { ids: new StringList(ids), idns },
      tsUnreliable: this.tsUnreliable,
      store: this.store.capture(),
    };
    // An old version kept only for a reader (a scroll, or search before the next refresh) is not kept over a restart.
    if (this.retired.size > 0 && !('view' in c.store)) {
      const { seq, ver } = c.store;
      for (let p = 0; p < c.store.n; p += 1) {
        if (ver[p] !== 0 && this.retired.has(seq[p] as number)) {
          ver[p] = 0;
          c.store.deleted += 1;
        }
      }
    }
    if (this.shared) {
      const shared = this.shared.store.capture();
      // Shared rows already replaced or deleted are hidden over a restart even if a reader still sees them.
      if ('view' in shared) {
        for (const seq of this.retired.keys()) {
          if (seq >= this.sharedSeqEnd) continue;
          shared.hidden ??= new Uint8Array((this.shared.store.viewOf as DocStore).n + 7 >> 3);
          shared.hidden[seq >> 3] = (shared.hidden[seq >> 3] as number) | (1 << (seq & 7));
        }
      }
      c.shared = shared;
    }
    return c;
  }

  static async dumpCapture(c: IndexCapture, pause: Pause): Promise<IndexDump> {
    const { store, shared, ...rest } = c;
    const d: IndexDump = { ...rest, store: await DocStore.dumpCapture(store, pause) };
    if (shared) d.shared = await DocStore.dumpCapture(shared, pause);
    return d;
  }

  /** An empty index from its definition (a journal `meta` line), its shared segment attached again. */
  static fromMeta(m: IndexMeta, resolve: SharedResolver): IndexState {
    const ix = new IndexState(m.name, m.creationDate, structuredClone(m.mappings), { ...m.settings }, { uuid: m.uuid, idSeed: new Uint8Array(Buffer.from(m.idSeed, 'base64')) });
    ix.applyMeta(m);
    if (m.shared) {
      const shared = resolve(m.shared.descriptor);
      if (!shared) throw new Error(`index [${m.name}] was over the shared dataset ${JSON.stringify(m.shared.descriptor)}, which this process does not know`);
      ix.attachShared(shared.store, m.shared);
      ix.sharedOrigin = structuredClone(m.shared);
    }
    return ix;
  }

  /** Takes a later definition of the same index (settings, mapping, aliases). */
  applyMeta(m: IndexMeta): void {
    this.settings = { ...m.settings };
    this.mapping.merge(structuredClone(m.mappings));
    this.aliases.clear();
    for (const [name, meta] of m.aliases) this.aliases.set(name, structuredClone(meta));
    if (m.dataStream !== undefined) this.dataStream = m.dataStream;
  }

  /** An index from `dump()`. */
  static load(d: IndexDump, resolve: SharedResolver): IndexState {
    const ix = IndexState.fromMeta(d.meta, resolve);
    ix.seqNo = d.seqNo;
    // Everything read back is searchable, as after Elasticsearch's recovery.
    ix.searchableSeq = d.seqNo;
    ix.nextIdn = d.nextIdn;
    const ids = d.explicit.ids.values;
    for (let i = 0; i < ids.length; i += 1) {
      ix.explicit.set(ids[i] as string, d.explicit.idns[i] as number);
      ix.idText.set(d.explicit.idns[i] as number, ids[i] as string);
    }
    ix.tsUnreliable = d.tsUnreliable;
    ix.store = DocStore.load(d.store);
    if (d.shared && ix.shared) (ix.shared as { store: DocStore }).store = DocStore.load(d.shared, ix.shared.store.viewOf);
    return ix;
  }

  /** The `_id` given to the document with id number `idn`, if it was given (not generated). */
  explicitId(idn: number): string | undefined {
    return this.idText.get(idn);
  }

  /** Replays a journal `rows` line: documents in the store's own form, without validating them again. */
  replayRows(r: Extract<JournalRecord, { t: 'rows' }>): void {
    const shape = this.store.shapeFor(r.k, r.r, r.l);
    if (!shape) throw new Error(`the journal uses a document structure of index [${this.name}] it never described`);
    if (r.c.length !== shape.cols.length) throw new Error(`the journal's rows of index [${this.name}] do not fit their structure`);
    const vals = new Array<number | string>(r.c.length);
    for (let i = 0; i < r.n.length; i += 1) {
      const idn = r.n[i] as number;
      const seq = r.s[i] as number;
      const existing = this.store.find(idn);
      if (existing >= 0) this.store.remove(existing);
      const id = r.id?.[idn];
      if (id !== undefined && !this.explicit.has(id)) {
        this.explicit.set(id, idn);
        this.idText.set(idn, id);
      }
      for (let c = 0; c < vals.length; c += 1) vals[c] = (r.c[c] as (number | string)[])[i] as number | string;
      const ts = r.ts[i];
      this.store.appendEncoded(shape, vals.slice(), ts === null || ts === undefined ? Number.NEGATIVE_INFINITY : ts, seq, idn, r.v[i] as number, r.b[i] as number);
      this.seqNo = Math.max(this.seqNo, seq + 1);
      this.searchableSeq = this.seqNo;
      this.nextIdn = Math.max(this.nextIdn, idn + 1);
    }
    if (r.u) this.tsUnreliable = true;
  }

  /** Replays a journal `put` line: the document as it was stored, without validating it again. */
  replayPut(idn: number, id: string | undefined, seq: number, version: number, doc: Record<string, unknown>): void {
    const existing = this.store.find(idn);
    if (existing >= 0) this.store.remove(existing);
    if (id !== undefined && !this.explicit.has(id)) {
      this.explicit.set(id, idn);
      this.idText.set(idn, id);
    }
    const prepared = this.store.prepare(doc);
    this.store.append(doc, this.extractTs(doc), seq, idn, version, approximateJsonBytes(doc), prepared);
    this.seqNo = Math.max(this.seqNo, seq + 1);
    this.searchableSeq = this.seqNo;
    this.nextIdn = Math.max(this.nextIdn, idn + 1);
  }

  replayDelete(idn: number, seq: number): void {
    const pos = this.store.find(idn);
    if (pos >= 0) {
      this.store.remove(pos);
      this.forgetId(idn);
    }
    this.seqNo = Math.max(this.seqNo, seq + 1);
    this.searchableSeq = this.seqNo;
  }

  replayHide(slot: number): void {
    this.shared?.store.remove(slot);
  }

  /**
   * What a search reads: the shared segment first (when there is one), then this index's own
   * documents. Each segment has its own slots (`pos`), so a hit is a segment and a slot; writes
   * always go to `owner`.
   */
  get segments(): IndexState[] {
    return this.shared ? [this.shared, this] : [this];
  }

  /**
   * Puts the frozen `store` under this empty index as a shared read-only segment showing slots
   * [start, end) with `_id`s `${idPrefix}${line}` (see SharedWindow). The segment reads through
   * this index's mapping, settings and aliases; its deletions are bits of its own.
   */
  attachShared(frozen: DocStore, window: SharedWindow): void {
    if (this.store.n > 0 || this.shared) throw new Error(`index [${this.name}] already has documents`);
    const store = new DocStore({ frozen, start: window.start, end: window.end });
    const owner = this.owner;
    const { start, idPrefix } = window;
    // The segment is this index seen through another store: everything else reads through to the owner.
    const segment = Object.create(owner) as IndexState;
    Object.defineProperties(segment, {
      store: { value: store, writable: true },
      owner: { value: owner },
      shared: { value: undefined },
      readers: { value: new Map<string, Reader>(), writable: true },
      readersVersion: { value: -1, writable: true },
      idOf: { value: (pos: number) => `${idPrefix}${pos - start + 2}` },
      findId: {
        value: (id: string) => {
          if (!id.startsWith(idPrefix)) return -1;
          const rest = id.slice(idPrefix.length);
          if (!/^[1-9]\d{0,9}$/.test(rest)) return -1;
          const pos = start + Number(rest) - 2;
          const found = segment.store.find(pos + 1);
          // Replaced or deleted, and kept only for search until the next refresh.
          return found >= 0 && owner.retired.has(found) ? -1 : found;
        },
      },
      write: { value: owner.write.bind(owner) },
      deleteDoc: { value: owner.deleteDoc.bind(owner) },
      rollOff: { value: owner.rollOff.bind(owner) },
      attachShared: { value: owner.attachShared.bind(owner) },
    });
    this.shared = segment;
    // Seq numbers of the tenant's own writes follow the shared rows' (slot p has seq p); the rows are searchable at once.
    this.seqNo = Math.max(this.seqNo, frozen.n);
    this.searchableSeq = this.seqNo;
    this.sharedSeqEnd = frozen.n;
  }

  /** The live document with `_id` `id`: its segment and slot, or undefined. */
  locate(id: string): { ix: IndexState; pos: number } | undefined {
    const pos = this.findId(id);
    if (pos >= 0) return { ix: this, pos };
    const shared = this.shared?.findId(id) ?? -1;
    return shared >= 0 ? { ix: this.shared as IndexState, pos: shared } : undefined;
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
    return this.liveSlot(n);
  }

  /** Slot of the realtime version of the document with id number `n` (not an old one a reader still sees), or -1. */
  liveSlot(n: number): number {
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
    // An id of the shared segment: the tenant's new version hides the shared row.
    const sharedPos = existingPos < 0 && id !== undefined && this.shared ? this.shared.findId(id) : -1;
    const idForErrors = id ?? '_auto_';
    const prepared = this.store.prepare(doc);
    const shape = prepared?.shape;
    if (shape && shape.mappedVersion === this.mapping.version) {
      // Known structure, unchanged mapping: only values of mismatching kinds need checking.
      for (const c of shape.checks) {
        const value = DocStore.preparedValue(prepared, shape, c.leaf);
        // Consecutive documents often repeat a value (a CSV's minute-resolution timestamps): validate it once.
        if (value === c.lastOk && value !== undefined) continue;
        validateValue(c.def as FieldDef, value, idForErrors);
        c.lastOk = value;
      }
    } else {
      const update = this.mapping.dynamicUpdate(doc, idForErrors);
      if (update) {
        this.mapping.merge(update);
        this.journal?.touch();
      }
    }
    if (existingPos >= 0 && opType === 'create') {
      throw this.versionConflict(id as string, `document already exists (current version [${this.store.ver[existingPos]}])`);
    }
    if (sharedPos >= 0 && opType === 'create') {
      throw this.versionConflict(id as string, `document already exists (current version [${(this.shared as IndexState).store.ver[sharedPos]}])`);
    }
    const ts = shape && shape.mappedVersion === this.mapping.version && shape.tsCol >= 0 ? (prepared.vals[shape.tsCol] as number) : this.extractTs(doc);
    const seqNo = this.seqNo++;
    let version = 1;
    let idn: number;
    if (existingPos >= 0) {
      version = (this.store.ver[existingPos] as number) + 1;
      idn = this.store.idn[existingPos] as number;
      this.retire(existingPos, seqNo);
    } else if (id !== undefined) {
      if (sharedPos >= 0) {
        const shared = this.shared as IndexState;
        version = (shared.store.ver[sharedPos] as number) + 1;
        this.retireShared(sharedPos, seqNo);
        this.journal?.hide(this.uuid, sharedPos);
      }
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
    this.journal?.put(this, idn);
    const stored = prepared?.shape;
    if (stored && stored.mappedVersion !== this.mapping.version) {
      stored.bytesEstimate = bytes;
      stored.checks = valueChecks(stored, this.mapping);
      stored.tsCol = isoTimeColumn(stored, this.mapping, this.tsUnreliable);
      stored.mappedVersion = this.mapping.version;
    }
    return { id: id ?? this.autoId(idn), version, seqNo, result: existingPos >= 0 || sharedPos >= 0 ? 'updated' : 'created' };
  }

  deleteDoc(id: string): { found: boolean; version: number; seqNo: number } {
    const pos = this.findId(id);
    const sharedPos = pos < 0 && this.shared ? this.shared.findId(id) : -1;
    if (sharedPos >= 0) {
      const shared = this.shared as IndexState;
      const version = (shared.store.ver[sharedPos] as number) + 1;
      const seqNo = this.seqNo++;
      this.retireShared(sharedPos, seqNo);
      this.journal?.hide(this.uuid, sharedPos);
      return { found: true, version, seqNo };
    }
    if (pos < 0) return { found: false, version: 1, seqNo: this.seqNo++ };
    const version = (this.store.ver[pos] as number) + 1;
    const idn = this.store.idn[pos] as number;
    const seqNo = this.seqNo++;
    if (!this.retire(pos, seqNo)) this.forgetId(idn);
    this.journal?.del(this.uuid, idn, seqNo);
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

  /** A shared row replaced or deleted by the write `bySeq`: search sees it until the next refresh, as any old version (its `_seq_no` is its slot). */
  private retireShared(pos: number, bySeq: number): void {
    const shared = this.shared as IndexState;
    const seq = shared.store.seq[pos] as number;
    if (seq >= this.searchableSeq && !this.viewSees(seq)) shared.store.remove(pos);
    else this.retired.set(seq, bySeq);
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
    // Shared rows' `_seq_no`s are their slots, below every write of this index's own.
    if (this.shared) for (const s of gone) if (s < this.sharedSeqEnd) this.shared.store.remove(s);
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
    const removed = gone.length + (this.shared?.store.removeOlderThan(cutoff).length ?? 0);
    if (removed > 0) this.journal?.roll(this.uuid, cutoff);
    return removed;
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
      const def = this.mapping.field(field);
      r = def && isTimeField(def) && this.timeOrdered ? timeReader(this.store, def) : makeReader(this.store, def);
      this.readers.set(field, r);
    }
    return r;
  }

  /** Documents search sees (what `_count`, `_cat/indices` and `_stats` report, as ES counts refreshed segments). */
  docsCount(): number {
    // A shared segment's rows are all searchable (deleting one hides it at once).
    const shared = this.shared?.store.live ?? 0;
    if (this.fullyRefreshed) return this.store.live + shared;
    let n = 0;
    for (let p = 0; p < this.store.n; p += 1) if (this.store.ver[p] !== 0 && this.visibleAt(p, this.searchableSeq)) n += 1;
    return n + shared;
  }

  /** Approximate `_source` bytes of the live documents, shared ones included (for `_cat/indices`). */
  sourceBytes(): number {
    return this.store.sourceBytes + (this.shared?.store.sourceBytes ?? 0);
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

/** Formats that read a canonical ISO UTC string as `isoKind` does (the stored epoch is then the time field's value). */
const ISO_FORMATS = new Set([DEFAULT_DATE_FORMAT, 'strict_date_optional_time', 'date_optional_time', 'strict_date_optional_time||epoch_millis', 'date_optional_time||epoch_millis']);

/** The column holding a shape's `@timestamp` as epoch millis when it can stand for `extractTs`, else -1. */
function isoTimeColumn(shape: Shape, mapping: MappingState, unreliable: boolean): number {
  const def = mapping.field(TIME_FIELD);
  if (unreliable || !def || def.family !== 'date' || def.type !== 'date' || !ISO_FORMATS.has(def.format)) return -1;
  const leaves = shape.byPath.get(TIME_FIELD);
  if (!leaves || leaves.length !== 1) return -1;
  const leaf = shape.leaves[leaves[0] as number];
  return leaf && shape.leafIsDate(leaves[0] as number) ? leaf.col : -1;
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
  const numberPlans: (((row: number) => number | undefined) | undefined)[] = [];
  const noNumber = (): undefined => undefined;
  const numberPlanFor = (s: number): ((row: number) => number | undefined) => {
    if (s === 0 || (def.family !== 'numeric' && def.family !== 'date')) return noNumber;
    const shape = store.shapes[s] as Shape | null;
    const leaves = shape?.byPath.get(def.source);
    if (!shape || !leaves || leaves.length !== 1) return noNumber;
    const i = leaves[0] as number;
    if (shape.leafNumber(i, 0) === undefined || (def.family === 'date' && !shape.leafIsDate(i)) || shape.leafIsConstant(i)) return noNumber;
    const conv = def.family === 'numeric' ? numericConverter(def) : undefined;
    return conv ? (row) => conv(shape.leafNumber(i, row) as number) : (row) => shape.leafNumber(i, row);
  };
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
    number(pos: number): number | undefined {
      const s = store.shp[pos] as number;
      let plan = numberPlans[s];
      if (!plan) {
        plan = numberPlanFor(s);
        numberPlans[s] = plan;
      }
      return plan(store.row[pos] as number);
    },
    constant(from: number, to: number): readonly Val[] | undefined {
      if (def.family === 'object') return undefined;
      let out: readonly Val[] | undefined;
      // Shapes already checked in this call (a day of metrics interleaves a few shapes slot by slot).
      const checked: boolean[] = [];
      for (let p = from; p < to; p += 1) {
        const s = store.shp[p] as number;
        if (checked[s]) continue;
        checked[s] = true;
        // Raw documents (shape 0) are read one by one; a shape's column may stop being constant as rows are added, so this is asked each time.
        const shape = s === 0 ? null : (store.shapes[s] as Shape | null);
        const leaves = shape?.byPath.get(def.source);
        if (!shape || !leaves || leaves.length !== 1 || !shape.leafIsConstant(leaves[0] as number)) return undefined;
        let plan = plans[s];
        if (!plan) {
          plan = planFor(s);
          plans[s] = plan;
        }
        const vals = plan(store.row[p] as number);
        if (out === undefined) out = vals;
        else if (vals !== out && (vals.length !== out.length || vals.some((v, i) => v !== out?.[i]))) return undefined;
      }
      return out;
    },
  };
}

function isTimeField(def: FieldDef): boolean {
  return def.name === TIME_FIELD && def.source === TIME_FIELD && def.type === 'date' && def.nullValue === undefined;
}

/**
 * The time field of a time-ordered index read from the slots' times: the value extractTs parsed
 * with the field's format when the document was stored (one value, or none), whatever its text
 * (a zoned timestamp in a string column is not parsed again for every bucket of a histogram).
 */
function timeReader(store: DocStore, def: FieldDef): Reader {
  return {
    def,
    values(pos) {
      const t = store.ts[pos] as number;
      return t === Number.NEGATIVE_INFINITY ? EMPTY : [t];
    },
    number(pos) {
      const t = store.ts[pos] as number;
      return t === Number.NEGATIVE_INFINITY ? undefined : t;
    },
    extent(from, to) {
      // Times ascend in a time-ordered store (tidied before a search); documents without one come first.
      let a = from;
      let b = to;
      while (a < b) {
        const m = (a + b) >> 1;
        if ((store.ts[m] as number) === Number.NEGATIVE_INFINITY) a = m + 1;
        else b = m;
      }
      if (a >= to) return { count: 0, min: Infinity, max: -Infinity };
      const min = store.ts[a] as number;
      const max = store.ts[to - 1] as number;
      return min <= max ? { count: to - a, min, max } : undefined;
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
