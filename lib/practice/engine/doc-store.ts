/**
 * One index's documents, stored compactly. Documents with the same structure (keys, nesting, value
 * kinds: a "shape") share one key tree, and their leaf values live in per-shape columns: a column
 * that has held one value for every row so far is kept as that single value (host names, agent
 * fields, `event.dataset`), numbers go in Float64Array chunks, and ISO timestamps are kept as epoch
 * numbers. `_source` is rebuilt from shape + row on demand, byte-for-byte the same JSON.
 *
 * The per-document metadata is held in parallel typed arrays ordered by (`@timestamp`, seq_no), so a
 * time range narrows to a slice by binary search. Writes out of time order go to an unsorted tail
 * that is merged in before the next read.
 */

const enum Kind {
  Num = 0,
  Str = 1,
  Bool = 2,
  Null = 3,
  /** A string that `new Date(n).toISOString()` reproduces exactly. */
  IsoMs = 4,
  /** The same without milliseconds (`2026-01-01T00:00:00Z`). */
  IsoS = 5,
}

const KIND_CODE = ['n', 's', 'b', 'z', 'd', 'e'];

export interface Leaf {
  path: string;
  kind: Kind;
  col: number;
}

type Node = { t: 0; keys: string[]; kids: Node[] } | { t: 1; items: Node[] } | { t: 2; leaf: number };

const CHUNK = 1024;

class Column {
  constant = true;
  cv: number | string = 0;
  chunks: Float64Array[] | null = null;
  strs: string[] | null = null;

  constructor(readonly isStr: boolean) {}

  get(row: number): number | string {
    if (this.constant) return this.cv;
    if (this.isStr) return (this.strs as string[])[row] as string;
    const chunks = this.chunks as Float64Array[];
    return (chunks[row >> 10] as Float64Array)[row & (CHUNK - 1)] as number;
  }

  /** Appends the value for row `row` (rows are appended in order). */
  push(row: number, v: number | string): void {
    if (this.constant) {
      if (row === 0) {
        this.cv = v;
        return;
      }
      if (v === this.cv) return;
      this.materialize(row);
    }
    if (this.isStr) {
      (this.strs as string[]).push(v as string);
      return;
    }
    const chunks = this.chunks as Float64Array[];
    const ci = row >> 10;
    const off = row & (CHUNK - 1);
    let chunk = chunks[ci];
    if (!chunk) {
      chunk = new Float64Array(ci === 0 ? 16 : CHUNK);
      chunks[ci] = chunk;
    } else if (off >= chunk.length) {
      const bigger = new Float64Array(Math.min(CHUNK, chunk.length * 2));
      bigger.set(chunk);
      chunk = bigger;
      chunks[ci] = chunk;
    }
    chunk[off] = v as number;
  }

  private materialize(rows: number): void {
    this.constant = false;
    if (this.isStr) {
      this.strs = new Array<string>(rows).fill(this.cv as string);
      return;
    }
    this.chunks = [];
    for (let r = 0; r < rows; r += CHUNK) {
      const len = Math.min(CHUNK, rows - r);
      const size = r === 0 ? Math.min(CHUNK, Math.max(16, nextPow2(len + 1))) : CHUNK;
      const c = new Float64Array(size);
      c.fill(this.cv as number, 0, len);
      this.chunks.push(c);
    }
  }

  /**
   * The column's first `rows` values as persistence keeps them: one value, numbers as one array,
   * or strings as a dictionary and indices. Rows below `rows` never change (columns only grow, and
   * a compaction makes new columns), so this can run after the capture, a slice at a time.
   */
  async dump(rows: number, pause: Pause): Promise<ColumnDump> {
    if (this.constant) return rows === 0 ? { c: 0 } : { c: this.cv };
    if (this.isStr) {
      const strs = this.strs as string[];
      const dict: string[] = [];
      const codes = new Map<string, number>();
      const idx = new Uint32Array(rows);
      for (let r = 0; r < rows; r += 1) {
        const v = strs[r] as string;
        let code = codes.get(v);
        if (code === undefined) {
          code = dict.length;
          dict.push(v);
          codes.set(v, code);
        }
        idx[r] = code;
        if (r % PAUSE_ROWS === PAUSE_ROWS - 1) await pause();
      }
      return { d: new StringList(dict), i: idx };
    }
    const out = new Float64Array(rows);
    const chunks = this.chunks as Float64Array[];
    for (let r = 0; r < rows; r += CHUNK) {
      const chunk = chunks[r >> 10] as Float64Array;
      out.set(chunk.subarray(0, Math.min(CHUNK, rows - r)), r);
    }
    return { f: out };
  }

  static load(isStr: boolean, dump: ColumnDump, rows: number): Column {
    const col = new Column(isStr);
    if ('c' in dump) {
      col.cv = dump.c;
      return col;
    }
    col.constant = false;
    if ('d' in dump) {
      const dict = dump.d.values;
      const strs = new Array<string>(rows);
      for (let r = 0; r < rows; r += 1) strs[r] = dict[dump.i[r] as number] as string;
      col.strs = strs;
      return col;
    }
    col.chunks = [];
    for (let r = 0; r < rows; r += CHUNK) {
      const len = Math.min(CHUNK, rows - r);
      const chunk = new Float64Array(r === 0 ? Math.max(16, nextPow2(len)) : CHUNK);
      chunk.set(dump.f.subarray(r, r + len));
      col.chunks.push(chunk);
    }
    if (col.chunks.length === 0) col.chunks.push(new Float64Array(16));
    return col;
  }

  bytes(): number {
    if (this.constant) return 16;
    if (this.isStr) return 16 + (this.strs as string[]).length * 8;
    return 16 + (this.chunks as Float64Array[]).reduce((n, c) => n + c.byteLength + 64, 0);
  }
}

/** Lets a long piece of work give the event loop a turn now and then. */
export type Pause = () => Promise<void>;

const PAUSE_ROWS = 65_536;

/** Strings kept as one binary blob in a snapshot (persistence-format.ts), not as JSON. */
export class StringList {
  constructor(readonly values: string[]) {}
}

/** A column in a snapshot: constant `c`, numbers `f`, strings as dictionary `d` and indices `i`. */
export type ColumnDump = { c: number | string } | { f: Float64Array } | { d: StringList; i: Uint32Array };

/** A shape in a snapshot. */
export interface ShapeDump {
  id: number;
  key: string;
  root: unknown;
  leaves: [string, number, number][];
  rows: number;
  cols: ColumnDump[];
}

/** A store at one instant (`capture`): references to what cannot change and copies of what can. */
export type DocStoreCapture =
  | {
      n: number;
      sortedLen: number;
      deleted: number;
      ts: Float64Array;
      seq: Float64Array;
      idn: Float64Array;
      ver: Uint32Array;
      shp: Uint32Array;
      row: Uint32Array;
      bytes: number[];
      shapes: ({ id: number; key: string; root: unknown; leaves: [string, number, number][]; rows: number; cols: Column[] } | null)[];
      raw: (Record<string, unknown> | null)[];
      deadRows: [number, number][];
    }
  | { view: true; start: number; end: number; hidden: Uint8Array | null };

/**
 * A document store as persistence keeps it (lib/practice/persistence): its slots and columns as
 * they are in memory, so a restart loads arrays instead of re-indexing every document. A view on a
 * shared store keeps only its window and hidden bits.
 */
export type DocStoreDump =
  | {
      n: number;
      sortedLen: number;
      deleted: number;
      ts: Float64Array;
      seq: Float64Array;
      idn: Float64Array;
      ver: Uint32Array;
      shp: Uint32Array;
      row: Uint32Array;
      bytes: Float64Array;
      shapes: (ShapeDump | null)[];
      raw: (Record<string, unknown> | null)[];
      deadRows: [number, number][];
    }
  | { view: true; start: number; end: number; hidden: Uint8Array | null };

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** A document's structure key and leaf values, computed once per write. */
export interface Prepared {
  key: string;
  vals: (number | string)[];
  shape?: Shape;
}

export class Shape {
  rows = 0;
  /** Mapping version this shape's fields were last checked against (ingest fast path). */
  mappedVersion = -1;
  /** Leaves whose values must be validated per document against their mapped type. */
  checks: { leaf: number; def: unknown; lastOk?: unknown }[] = [];
  /** Approximate `_source` JSON size of this shape's documents. */
  bytesEstimate = 0;
  readonly byPath = new Map<string, number[]>();
  /** Leaf indices per path prefix, computed when an object field is read. */
  private prefixCache = new Map<string, number[]>();

  /** Column of the single ISO `@timestamp` leaf when the mapping reads it as such, else -1 (write fast path). */
  tsCol = -1;

  constructor(
    readonly id: number,
    readonly key: string,
    readonly root: Node,
    readonly leaves: Leaf[],
    readonly cols: Column[],
  ) {
    leaves.forEach((leaf, i) => {
      const list = this.byPath.get(leaf.path);
      if (list) list.push(i);
      else this.byPath.set(leaf.path, [i]);
    });
  }

  leavesUnder(prefix: string): number[] {
    let hit = this.prefixCache.get(prefix);
    if (!hit) {
      const p = `${prefix}.`;
      hit = [];
      this.leaves.forEach((leaf, i) => {
        if (leaf.path === prefix || leaf.path.startsWith(p)) hit?.push(i);
      });
      this.prefixCache.set(prefix, hit);
    }
    return hit;
  }

  /** The raw JSON value of leaf `i` in `row`. */
  leafValue(i: number, row: number): unknown {
    const leaf = this.leaves[i] as Leaf;
    switch (leaf.kind) {
      case Kind.Null:
        return null;
      case Kind.Num:
        return (this.cols[leaf.col] as Column).get(row);
      case Kind.Str:
        return (this.cols[leaf.col] as Column).get(row);
      case Kind.Bool:
        return (this.cols[leaf.col] as Column).get(row) === 1;
      case Kind.IsoMs:
        return new Date((this.cols[leaf.col] as Column).get(row) as number).toISOString();
      case Kind.IsoS: {
        const iso = new Date((this.cols[leaf.col] as Column).get(row) as number).toISOString();
        return `${iso.slice(0, 19)}Z`;
      }
    }
  }

  /** Leaf `i` as a number when it is stored as one (numbers, booleans, ISO dates as epoch ms). */
  leafNumber(i: number, row: number): number | undefined {
    const leaf = this.leaves[i] as Leaf;
    if (leaf.kind === Kind.Str || leaf.kind === Kind.Null) return undefined;
    return (this.cols[leaf.col] as Column).get(row) as number;
  }

  leafIsDate(i: number): boolean {
    const k = (this.leaves[i] as Leaf).kind;
    return k === Kind.IsoMs || k === Kind.IsoS;
  }

  leafIsConstant(i: number): boolean {
    const leaf = this.leaves[i] as Leaf;
    return leaf.kind === Kind.Null || (this.cols[leaf.col] as Column).constant;
  }

  build(row: number): Record<string, unknown> {
    return this.buildNode(this.root, row) as Record<string, unknown>;
  }

  private buildNode(node: Node, row: number): unknown {
    if (node.t === 2) return this.leafValue(node.leaf, row);
    if (node.t === 1) return node.items.map((n) => this.buildNode(n, row));
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < node.keys.length; i += 1) {
      const k = node.keys[i] as string;
      const v = this.buildNode(node.kids[i] as Node, row);
      if (k === '__proto__') Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
      else obj[k] = v;
    }
    return obj;
  }

  bytes(): number {
    return 200 + this.leaves.length * 80 + this.cols.reduce((n, c) => n + c.bytes(), 0);
  }
}

const EMPTY_SOURCE: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
const MAX_SHAPES = 2000;
const MAX_LEAVES = 4000;
const INTERN_LIMIT = 50_000;
const RAW = 0;

/** Values from `doc` at the flattened path `path` (objects and arrays walked, dotted keys honoured). */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path, '', out);
  return out;
}

function collect(node: unknown, path: string, prefix: string, out: unknown[]): void {
  if (Array.isArray(node)) {
    for (const el of node) collect(el, path, prefix, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    const full = prefix === '' ? k : `${prefix}.${k}`;
    if (full === path) pushLeaves(v, out);
    else if (path.startsWith(full) && path.charCodeAt(full.length) === 46) collect(v, path, full, out);
  }
}

function pushLeaves(v: unknown, out: unknown[]): void {
  if (Array.isArray(v)) {
    for (const el of v) pushLeaves(el, out);
    return;
  }
  out.push(v);
}

/** Paths of every leaf in `doc` (for documents kept raw). */
export function leafPaths(doc: unknown, prefix = '', out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(doc)) {
    for (const el of doc) leafPaths(el, prefix, out);
    return out;
  }
  if (doc !== null && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) leafPaths(v, prefix === '' ? k : `${prefix}.${k}`, out);
    return out;
  }
  out.add(prefix);
  return out;
}

/**
 * A read-only window on a frozen store shared between tenants (chapter 5's sample): the arrays,
 * shapes and columns are the frozen store's own objects; what a tenant deleted or overwrote is a
 * bit in its own `hidden` map. See shared-datasets.ts.
 */
interface ViewOf {
  frozen: DocStore;
  /** First and last-plus-one slot the tenant sees (a date slice of the sample). */
  start: number;
  end: number;
}

export class DocStore {
  readonly shapes: (Shape | null)[] = [null];
  private readonly shapeByKey = new Map<string, Shape>();
  /** The shape of the last document prepared (tried first for the next one). */
  private lastShape: Shape | null = null;
  readonly raw: (Record<string, unknown> | undefined)[] = [];
  private intern = new Map<string, string>();

  /** Number of slots in the metadata arrays (including deleted ones); a view's slots are [start, n). */
  n = 0;
  /** First slot: 0, except for a view on a slice of a frozen store. */
  start = 0;
  /** A shared frozen store this one is a read-only view of (its deletions are `hidden` bits). */
  readonly viewOf?: DocStore;
  /** Set once a store is shared: it takes no more writes. */
  frozen = false;
  /** A view's hidden slots (deleted or overwritten by the tenant), one bit per slot; allocated on the first. */
  hidden?: Uint8Array;
  private hiddenCount = 0;
  /** Slot of each internal id number (index = idn - posBase), -1 when none; built on the first lookup. */
  private posOf: Int32Array | null = null;
  private posBase = 0;
  /** Slots [0, sortedLen) are ordered by (ts, seq); the rest were appended out of order. */
  private sortedLen = 0;
  deleted = 0;
  /** Bumped whenever columns are rebuilt, so cached readers start afresh. */
  generation = 0;
  ts: Float64Array = new Float64Array(64);
  seq: Float64Array = new Float64Array(64);
  idn: Float64Array = new Float64Array(64);
  ver: Uint32Array = new Uint32Array(64);
  shp: Uint32Array = new Uint32Array(64);
  row: Uint32Array = new Uint32Array(64);
  /** Rows no longer referenced, per shape, to know when to compact. */
  private deadRows = new Map<number, number>();
  /** Approximate bytes of the `_source` JSON of live documents. */
  sourceBytes = 0;
  private sourceBytesByPos: number[] = [];

  constructor(view?: ViewOf) {
    if (!view) return;
    const f = view.frozen;
    if (!f.frozen) throw new Error('a view needs a frozen store');
    this.viewOf = f;
    this.frozen = true;
    this.shapes = f.shapes;
    this.raw = f.raw;
    this.ts = f.ts;
    this.seq = f.seq;
    this.idn = f.idn;
    this.ver = f.ver;
    this.shp = f.shp;
    this.row = f.row;
    this.sourceBytesByPos = f.sourceBytesByPos;
    this.start = Math.max(0, Math.min(view.start, f.n));
    this.n = Math.max(this.start, Math.min(view.end, f.n));
    this.sortedLen = this.n;
    for (let p = this.start; p < this.n; p += 1) this.sourceBytes += f.sourceBytesByPos[p] ?? 0;
  }

  get live(): number {
    return this.n - this.start - this.deleted - this.hiddenCount;
  }

  /** Whether a view hides slot `pos` (a tenant's deletion over a shared row). */
  isHidden(pos: number): boolean {
    const h = this.hidden;
    return h !== undefined && ((h[pos >> 3] as number) & (1 << (pos & 7))) !== 0;
  }

  /**
   * A frozen store sharing everything with the frozen `base` except time: slot p's time becomes
   * `times[p]` in `ts`, and `texts[p]` the value of the string leaf at `path` (a zoned timestamp as
   * the date processor writes it). One copy of the sample's columns then serves learners in every
   * time zone, each zone adding only its times. Undefined when the new times are out of slot order
   * or a document cannot take them.
   */
  static withTimes(base: DocStore, path: string, times: Float64Array, texts: string[]): DocStore | undefined {
    if (!base.frozen || base.viewOf || times.length < base.n || texts.length < base.n || base.raw.length > 0) return undefined;
    for (let p = 1; p < base.n; p += 1) if ((times[p] as number) < (times[p - 1] as number)) return undefined;
    const out = new DocStore();
    out.shapes.length = 0;
    for (const shape of base.shapes) {
      if (!shape) {
        out.shapes.push(null);
        continue;
      }
      const leaves = shape.byPath.get(path) ?? [];
      if (leaves.length === 0) {
        out.shapes.push(shape);
        continue;
      }
      const leafIndex = leaves[0] as number;
      const leaf = shape.leaves[leafIndex] as Leaf;
      if (leaves.length !== 1 || leaf.kind !== Kind.Str) return undefined;
      const byRow = new Array<string>(shape.rows);
      for (let p = 0; p < base.n; p += 1) if (base.shp[p] === shape.id) byRow[base.row[p] as number] = texts[p] as string;
      const col = new Column(true);
      for (let r = 0; r < shape.rows; r += 1) col.push(r, byRow[r] as string);
      const cols = shape.cols.slice();
      cols[leaf.col] = col;
      const copy = new Shape(shape.id, shape.key, shape.root, shape.leaves, cols);
      copy.rows = shape.rows;
      out.shapes.push(copy);
    }
    out.ts = times.slice(0, base.n);
    out.seq = base.seq;
    out.idn = base.idn;
    out.ver = base.ver;
    out.shp = base.shp;
    out.row = base.row;
    out.sourceBytesByPos = base.sourceBytesByPos;
    out.sourceBytes = base.sourceBytes;
    out.n = base.n;
    out.sortedLen = base.n;
    out.frozen = true;
    return out;
  }

  /** Freezes a finished store so views can share it (it is tidied first). */
  freeze(): this {
    this.tidy();
    this.frozen = true;
    this.lastShape = null;
    this.intern = new Map();
    return this;
  }

  shapeOf(pos: number): Shape | null {
    return this.shapes[this.shp[pos] as number] ?? null;
  }

  /** Computes a document's shape key and values; `shape` is set when the shape is already known. */
  prepare(source: Record<string, unknown>): Prepared | undefined {
    // Bulk writes mostly repeat the previous document's structure: check it without building a key.
    const last = this.lastShape;
    if (last) {
      const vals: (number | string)[] = [];
      if (this.matches(last, last.root, source, vals)) return { key: last.key, vals, shape: last };
    }
    const p = this.prepareByKey(source);
    if (p?.shape) this.lastShape = p.shape;
    return p;
  }

  /** Whether `v` has exactly the structure of `node` (keys in order, leaf kinds); pushes its leaf values. */
  private matches(shape: Shape, node: Node, v: unknown, vals: (number | string)[]): boolean {
    if (node.t === 2) {
      const leaf = shape.leaves[node.leaf] as Leaf;
      switch (leaf.kind) {
        case Kind.Num:
          if (typeof v !== 'number' || !Number.isFinite(v)) return false;
          vals.push(v);
          return true;
        case Kind.Str:
          if (typeof v !== 'string' || isoKind(v) !== undefined) return false;
          vals.push(this.internString(v));
          return true;
        case Kind.Bool:
          if (typeof v !== 'boolean') return false;
          vals.push(v ? 1 : 0);
          return true;
        case Kind.Null:
          return v === null;
        case Kind.IsoMs:
        case Kind.IsoS: {
          if (typeof v !== 'string' || v.length !== (leaf.kind === Kind.IsoMs ? 24 : 20)) return false;
          const ms = isoKind(v);
          if (ms === undefined) return false;
          vals.push(ms);
          return true;
        }
      }
      return false;
    }
    if (node.t === 1) {
      if (!Array.isArray(v) || v.length !== node.items.length) return false;
      for (let i = 0; i < v.length; i += 1) if (!this.matches(shape, node.items[i] as Node, v[i], vals)) return false;
      return true;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
    const keys = node.keys;
    let i = 0;
    for (const name in v) {
      if (!Object.prototype.hasOwnProperty.call(v, name)) continue;
      if (i >= keys.length || name !== keys[i]) return false;
      const child = (v as Record<string, unknown>)[name];
      if (child === undefined || !this.matches(shape, node.kids[i] as Node, child, vals)) return false;
      i += 1;
    }
    return i === keys.length;
  }

  private prepareByKey(source: Record<string, unknown>): Prepared | undefined {
    const vals: (number | string)[] = [];
    let key: string;
    try {
      key = this.shapeKey(source, vals);
    } catch {
      return undefined;
    }
    const p: Prepared = { key, vals };
    const shape = this.shapeByKey.get(key);
    if (shape) p.shape = shape;
    return p;
  }

  /** Leaf value `i` of a prepared document (as stored: numbers for numbers, booleans and ISO dates). */
  static preparedValue(p: Prepared, shape: Shape, leaf: number): unknown {
    const l = shape.leaves[leaf] as Leaf;
    const v = p.vals[l.col];
    if (l.kind === Kind.Bool) return v === 1;
    return v;
  }

  /** Appends a document; returns its slot. */
  append(source: Record<string, unknown>, ts: number, seq: number, idn: number, version: number, bytes: number, prepared?: Prepared): number {
    if (this.frozen) throw new Error('a frozen document store takes no writes');
    const { shape, row } = this.encode(source, prepared);
    if (this.n === this.ts.length) this.grow();
    const pos = this.n;
    this.ts[pos] = ts;
    this.seq[pos] = seq;
    this.idn[pos] = idn;
    this.ver[pos] = version;
    this.shp[pos] = shape;
    this.row[pos] = row;
    this.sourceBytesByPos[pos] = bytes;
    this.sourceBytes += bytes;
    this.n += 1;
    if (this.posOf) this.indexPos(idn, pos);
    if (this.sortedLen === pos && (pos === 0 || ts > (this.ts[pos - 1] as number) || (ts === this.ts[pos - 1] && seq > (this.seq[pos - 1] as number)))) {
      this.sortedLen = this.n;
    }
    return pos;
  }

  /** Marks a slot deleted; the slot disappears at the next `tidy()`. */
  remove(pos: number): void {
    if (this.viewOf) {
      this.hide(pos);
      return;
    }
    if (this.frozen) throw new Error('a frozen document store takes no writes');
    if (this.ver[pos] === 0) return;
    if (this.posOf) {
      const i = (this.idn[pos] as number) - this.posBase;
      if (this.posOf[i] === pos) this.posOf[i] = -1;
    }
    this.ver[pos] = 0;
    this.deleted += 1;
    const s = this.shp[pos] as number;
    this.deadRows.set(s, (this.deadRows.get(s) ?? 0) + 1);
    if (s === RAW) this.raw[this.row[pos] as number] = undefined;
    this.sourceBytes -= this.sourceBytesByPos[pos] ?? 0;
  }

  private hide(pos: number): void {
    if (pos < this.start || pos >= this.n || this.isHidden(pos)) return;
    this.hidden ??= new Uint8Array((this.viewOf as DocStore).n + 7 >> 3);
    this.hidden[pos >> 3] = (this.hidden[pos >> 3] as number) | (1 << (pos & 7));
    this.hiddenCount += 1;
    this.sourceBytes -= this.sourceBytesByPos[pos] ?? 0;
  }

  /** Slot of the live document with internal id number `idn`, or -1. */
  find(idn: number): number {
    if (this.viewOf) {
      // A frozen store's slot p holds id number p + 1 (see `frozenIdsAreSlots`).
      const pos = idn - 1;
      return pos >= this.start && pos < this.n && !this.isHidden(pos) ? pos : -1;
    }
    if (!this.posOf) this.buildPosIndex();
    const i = idn - this.posBase;
    const posOf = this.posOf as Int32Array;
    if (i < 0 || i >= posOf.length) return -1;
    const pos = posOf[i] as number;
    return pos >= 0 && this.ver[pos] !== 0 ? pos : -1;
  }

  /** Whether slot p holds id number p + 1 everywhere (how a frozen shared store is built; views rely on it). */
  frozenIdsAreSlots(): boolean {
    for (let p = 0; p < this.n; p += 1) if (this.idn[p] !== p + 1) return false;
    return true;
  }

  private buildPosIndex(): void {
    let lo = Infinity;
    let hi = -Infinity;
    for (let p = 0; p < this.n; p += 1) {
      if (this.ver[p] === 0) continue;
      const idn = this.idn[p] as number;
      if (idn < lo) lo = idn;
      if (idn > hi) hi = idn;
    }
    this.posBase = lo === Infinity ? 1 : lo;
    this.posOf = new Int32Array(lo === Infinity ? 64 : Math.max(64, hi - lo + 64)).fill(-1);
    for (let p = 0; p < this.n; p += 1) {
      if (this.ver[p] === 0) continue;
      // An id can have two live slots for a while (an old version a reader still sees, see
      // IndexState.retire): the index points at the newest, which outlives the other.
      const idn = this.idn[p] as number;
      const known = (this.posOf as Int32Array)[idn - this.posBase] as number;
      if (known >= 0 && (this.seq[known] as number) > (this.seq[p] as number)) continue;
      this.indexPos(idn, p);
    }
  }

  private indexPos(idn: number, pos: number): void {
    let posOf = this.posOf as Int32Array;
    if (idn < this.posBase) {
      // An id number below the indexed range (rare): rebuild at the next lookup.
      this.posOf = null;
      return;
    }
    const i = idn - this.posBase;
    if (i >= posOf.length) {
      const bigger = new Int32Array(Math.max(i + 64, Math.ceil(posOf.length * 1.5))).fill(-1);
      bigger.set(posOf);
      posOf = bigger;
      this.posOf = bigger;
    }
    posOf[i] = pos;
  }

  source(pos: number): Record<string, unknown> {
    const s = this.shp[pos] as number;
    if (s === RAW) return structuredClone(this.raw[this.row[pos] as number] as Record<string, unknown>);
    return (this.shapes[s] as Shape).build(this.row[pos] as number);
  }

  /** Merges the unsorted tail and drops deleted slots, so [0, n) is ordered and live. */
  tidy(): void {
    if (this.sortedLen === this.n && this.deleted === 0) return;
    if (this.frozen) return;
    const order: number[] = [];
    const tail: number[] = [];
    for (let i = 0; i < this.sortedLen; i += 1) if (this.ver[i] !== 0) order.push(i);
    for (let i = this.sortedLen; i < this.n; i += 1) if (this.ver[i] !== 0) tail.push(i);
    const cmp = (a: number, b: number): number => (this.ts[a] as number) - (this.ts[b] as number) || (this.seq[a] as number) - (this.seq[b] as number);
    tail.sort(cmp);
    const merged: number[] = new Array<number>(order.length + tail.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < order.length && j < tail.length) merged[k++] = cmp(order[i] as number, tail[j] as number) <= 0 ? (order[i++] as number) : (tail[j++] as number);
    while (i < order.length) merged[k++] = order[i++] as number;
    while (j < tail.length) merged[k++] = tail[j++] as number;
    this.permute(merged);
    this.compactShapes();
  }

  private permute(order: number[]): void {
    const n = order.length;
    const cap = Math.max(64, Math.ceil(n * 1.25));
    const ts = new Float64Array(cap);
    const seq = new Float64Array(cap);
    const idn = new Float64Array(cap);
    const ver = new Uint32Array(cap);
    const shp = new Uint32Array(cap);
    const row = new Uint32Array(cap);
    const bytes: number[] = new Array<number>(n);
    for (let k = 0; k < n; k += 1) {
      const p = order[k] as number;
      ts[k] = this.ts[p] as number;
      seq[k] = this.seq[p] as number;
      idn[k] = this.idn[p] as number;
      ver[k] = this.ver[p] as number;
      shp[k] = this.shp[p] as number;
      row[k] = this.row[p] as number;
      bytes[k] = this.sourceBytesByPos[p] ?? 0;
    }
    this.ts = ts;
    this.seq = seq;
    this.idn = idn;
    this.ver = ver;
    this.shp = shp;
    this.row = row;
    this.sourceBytesByPos = bytes;
    this.n = n;
    this.sortedLen = n;
    this.deleted = 0;
    this.posOf = null;
  }

  /** Rebuilds the columns of shapes that are mostly dead rows (after roll-off or overwrites). */
  private compactShapes(): void {
    for (const [s, dead] of this.deadRows) {
      const shape = s === RAW ? null : this.shapes[s];
      const rows = s === RAW ? this.raw.length : (shape?.rows ?? 0);
      if (dead < 256 || dead * 2 < rows) continue;
      const remap = new Map<number, number>();
      for (let p = 0; p < this.n; p += 1) {
        if (this.shp[p] !== s) continue;
        const old = this.row[p] as number;
        const fresh = remap.size;
        remap.set(old, fresh);
        this.row[p] = fresh;
      }
      if (s === RAW) {
        const raw = this.raw.slice();
        this.raw.length = 0;
        for (const [old] of remap) this.raw.push(raw[old]);
      } else if (shape) {
        const cols = shape.cols.map((c) => {
          const fresh = new Column(c.isStr);
          let r = 0;
          for (const [old] of remap) fresh.push(r++, c.get(old));
          return fresh;
        });
        shape.cols.splice(0, shape.cols.length, ...cols);
        shape.rows = remap.size;
        if (remap.size === 0) this.dropShape(shape);
      }
      this.deadRows.delete(s);
      this.generation += 1;
    }
  }

  private dropShape(shape: Shape): void {
    for (const [key, sh] of this.shapeByKey) {
      if (sh === shape) {
        this.shapeByKey.delete(key);
        break;
      }
    }
    this.shapes[shape.id] = null;
    if (this.lastShape === shape) this.lastShape = null;
  }

  /** Slots [from, to) in time order whose ts lies in [lo, hi] (call `tidy()` first). */
  range(lo: number, hi: number): [number, number] {
    return [this.lowerBound(lo), this.upperBound(hi)];
  }

  private lowerBound(v: number): number {
    let a = this.start;
    let b = this.n;
    while (a < b) {
      const m = (a + b) >> 1;
      if ((this.ts[m] as number) < v) a = m + 1;
      else b = m;
    }
    return a;
  }

  private upperBound(v: number): number {
    let a = this.start;
    let b = this.n;
    while (a < b) {
      const m = (a + b) >> 1;
      if ((this.ts[m] as number) <= v) a = m + 1;
      else b = m;
    }
    return a;
  }

  /** Deletes documents with a finite ts below `cutoff`; returns their internal id numbers. */
  removeOlderThan(cutoff: number): number[] {
    if (this.viewOf) {
      // A view drops the shared rows before the cutoff by moving its first slot.
      const end = this.lowerBound(cutoff);
      const gone: number[] = [];
      for (let p = this.start; p < end; p += 1) {
        if (this.isHidden(p)) continue;
        gone.push(this.idn[p] as number);
        this.sourceBytes -= this.sourceBytesByPos[p] ?? 0;
      }
      for (let p = this.start; p < end; p += 1) if (this.isHidden(p)) this.hiddenCount -= 1;
      if (end > this.start) this.start = end;
      return gone;
    }
    this.tidy();
    const start = this.lowerBound(-Number.MAX_VALUE);
    const end = this.lowerBound(cutoff);
    const gone: number[] = [];
    for (let p = start; p < end; p += 1) {
      gone.push(this.idn[p] as number);
      this.remove(p);
    }
    if (gone.length > 0) this.tidy();
    return gone;
  }

  private grow(): void {
    const cap = Math.ceil(this.ts.length * 1.5);
    const grow64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const grow32 = (a: Uint32Array): Uint32Array => {
      const b = new Uint32Array(cap);
      b.set(a);
      return b;
    };
    this.ts = grow64(this.ts);
    this.seq = grow64(this.seq);
    this.idn = grow64(this.idn);
    this.ver = grow32(this.ver);
    this.shp = grow32(this.shp);
    this.row = grow32(this.row);
  }

  private internString(s: string): string {
    if (s.length > 128) return s;
    const hit = this.intern.get(s);
    if (hit !== undefined) return hit;
    if (this.intern.size >= INTERN_LIMIT) this.intern = new Map();
    this.intern.set(s, s);
    return s;
  }

  private encode(source: Record<string, unknown>, prepared?: Prepared): { shape: number; row: number } {
    const p = prepared ?? this.prepare(source);
    if (!p) return this.appendRaw(source);
    const { key, vals } = p;
    let shape = p.shape ?? this.shapeByKey.get(key);
    if (!shape) {
      if (this.shapeByKey.size >= MAX_SHAPES || vals.length > MAX_LEAVES) return this.appendRaw(source);
      shape = this.createShape(source, key);
      this.shapeByKey.set(key, shape);
      p.shape = shape;
      this.lastShape = shape;
    }
    const row = shape.rows;
    const cols = shape.cols;
    for (let i = 0; i < cols.length; i += 1) (cols[i] as Column).push(row, vals[i] as number | string);
    shape.rows += 1;
    return { shape: shape.id, row };
  }

  private appendRaw(source: Record<string, unknown>): { shape: number; row: number } {
    this.raw.push(structuredClone(source));
    return { shape: RAW, row: this.raw.length - 1 };
  }

  /** The structure key of a value; pushes its leaf values (in column order) onto `vals`. */
  private shapeKey(v: unknown, vals: (number | string)[]): string {
    if (v === null) return 'z';
    switch (typeof v) {
      case 'number':
        if (!Number.isFinite(v)) throw new Error('non-finite');
        vals.push(v);
        return 'n';
      case 'boolean':
        vals.push(v ? 1 : 0);
        return 'b';
      case 'string': {
        const iso = isoKind(v);
        if (iso !== undefined) {
          vals.push(iso);
          return v.length === 24 ? 'd' : 'e';
        }
        vals.push(this.internString(v));
        return 's';
      }
      case 'object': {
        if (Array.isArray(v)) {
          let k = '[';
          for (const el of v) k += this.shapeKey(el, vals);
          return `${k}]`;
        }
        let k = '{';
        for (const name in v) {
          if (!Object.prototype.hasOwnProperty.call(v, name)) continue;
          const child = (v as Record<string, unknown>)[name];
          if (child === undefined) throw new Error('undefined value');
          k += `\u0003${name.includes('\u0001') || name.includes('\u0003') ? JSON.stringify(name) : name}\u0001${this.shapeKey(child, vals)}`;
        }
        return `${k}}`;
      }
      default:
        throw new Error('unsupported value');
    }
  }

  private createShape(source: Record<string, unknown>, key: string): Shape {
    const leaves: Leaf[] = [];
    const cols: Column[] = [];
    const build = (v: unknown, path: string): Node => {
      if (Array.isArray(v)) return { t: 1, items: v.map((el) => build(el, path)) };
      if (v !== null && typeof v === 'object') {
        const keys: string[] = [];
        const kids: Node[] = [];
        for (const name in v) {
          if (!Object.prototype.hasOwnProperty.call(v, name)) continue;
          keys.push(name);
          kids.push(build((v as Record<string, unknown>)[name], path === '' ? name : `${path}.${name}`));
        }
        return { t: 0, keys, kids };
      }
      let kind: Kind;
      if (v === null) kind = Kind.Null;
      else if (typeof v === 'number') kind = Kind.Num;
      else if (typeof v === 'boolean') kind = Kind.Bool;
      else if (isoKind(v as string) !== undefined) kind = (v as string).length === 24 ? Kind.IsoMs : Kind.IsoS;
      else kind = Kind.Str;
      let col = -1;
      if (kind !== Kind.Null) {
        col = cols.length;
        cols.push(new Column(kind === Kind.Str));
      }
      leaves.push({ path, kind, col });
      return { t: 2, leaf: leaves.length - 1 };
    };
    const root = build(source, '');
    const id = this.shapes.length;
    const shape = new Shape(id, key, root, leaves, cols);
    this.shapes.push(shape);
    return shape;
  }

  bytes(): number {
    // A view holds only its hidden bits: the shared store is counted once, by the process.
    if (this.viewOf) return 256 + (this.hidden?.byteLength ?? 0);
    let total = this.ts.length * 36;
    for (const s of this.shapes) if (s) total += s.bytes();
    for (const r of this.raw) if (r) total += 600;
    total += this.sourceBytesByPos.length * 8;
    total += this.intern.size * 48;
    return total;
  }

  /** A slot as stored, for the journal: its shape and leaf values (column order), or the raw document. */
  encoded(pos: number): { shape: Shape; vals: (number | string)[]; bytes: number } | { raw: Record<string, unknown>; bytes: number } {
    const s = this.shp[pos] as number;
    const row = this.row[pos] as number;
    const bytes = this.sourceBytesByPos[pos] ?? 0;
    if (s === RAW) return { raw: this.raw[row] as Record<string, unknown>, bytes };
    const shape = this.shapes[s] as Shape;
    const vals = new Array<number | string>(shape.cols.length);
    for (let c = 0; c < shape.cols.length; c += 1) vals[c] = (shape.cols[c] as Column).get(row);
    return { shape, vals, bytes };
  }

  /** The shape with `key`; made from a journal's description of it when this store has none yet. */
  shapeFor(key: string, root?: unknown, leaves?: [string, number, number][]): Shape | undefined {
    const known = this.shapeByKey.get(key);
    if (known || root === undefined || !leaves) return known;
    const list: Leaf[] = leaves.map(([path, kind, col]) => ({ path, kind: kind as Kind, col }));
    const cols = list.filter((l) => l.col >= 0).sort((a, b) => a.col - b.col).map((l) => new Column(l.kind === Kind.Str));
    const shape = new Shape(this.shapes.length, key, root as Node, list, cols);
    this.shapes.push(shape);
    this.shapeByKey.set(key, shape);
    return shape;
  }

  /** Appends a slot from its stored form (journal replay): no document to read, no structure to find. */
  appendEncoded(shape: Shape, vals: (number | string)[], ts: number, seq: number, idn: number, version: number, bytes: number): number {
    return this.append(EMPTY_SOURCE, ts, seq, idn, version, bytes, { key: shape.key, vals, shape });
  }

  /**
   * This store at this instant, cheaply: arrays that are only ever appended to (or replaced
   * whole) are shared up to `n`, arrays changed in place (`ver`, `row`) are copied, and columns
   * are referenced with their row counts. `dumpCapture` turns it into a dump later, a slice at a
   * time, while the store goes on taking writes.
   */
  capture(): DocStoreCapture {
    if (this.viewOf) return { view: true, start: this.start, end: this.n, hidden: this.hidden ? this.hidden.slice() : null };
    const n = this.n;
    return {
      n,
      sortedLen: this.sortedLen,
      deleted: this.deleted,
      ts: this.ts.subarray(0, n),
      seq: this.seq.subarray(0, n),
      idn: this.idn.subarray(0, n),
      ver: this.ver.slice(0, n),
      shp: this.shp.subarray(0, n),
      row: this.row.slice(0, n),
      bytes: this.sourceBytesByPos,
      shapes: this.shapes.map((shape) =>
        shape ? { id: shape.id, key: shape.key, root: shape.root, leaves: shape.leaves.map((l): [string, number, number] => [l.path, l.kind, l.col]), rows: shape.rows, cols: shape.cols.slice() } : null,
      ),
      raw: this.raw.map((d) => (d === undefined ? null : d)),
      deadRows: [...this.deadRows],
    };
  }

  /** A capture as a dump (see `capture`), pausing now and then so other work runs. */
  static async dumpCapture(c: DocStoreCapture, pause: Pause): Promise<DocStoreDump> {
    if ('view' in c) return c;
    const bytes = new Float64Array(c.n);
    for (let p = 0; p < c.n; p += 1) bytes[p] = c.bytes[p] ?? 0;
    const shapes: (ShapeDump | null)[] = [];
    for (const shape of c.shapes) {
      if (!shape) {
        shapes.push(null);
        continue;
      }
      const cols: ColumnDump[] = [];
      for (const col of shape.cols) cols.push(await col.dump(shape.rows, pause));
      shapes.push({ id: shape.id, key: shape.key, root: shape.root, leaves: shape.leaves, rows: shape.rows, cols });
      await pause();
    }
    return { n: c.n, sortedLen: c.sortedLen, deleted: c.deleted, ts: c.ts, seq: c.seq, idn: c.idn, ver: c.ver, shp: c.shp, row: c.row, bytes, shapes, raw: c.raw, deadRows: c.deadRows };
  }

  /** A store from `dump()`; a view's dump needs the frozen store it was a view of. */
  static load(dump: DocStoreDump, frozen?: DocStore): DocStore {
    if ('view' in dump) {
      if (!frozen) throw new Error('a view needs its shared store');
      const view = new DocStore({ frozen, start: dump.start, end: dump.end });
      if (dump.hidden) {
        view.hidden = dump.hidden.slice();
        for (let p = view.start; p < view.n; p += 1) {
          if (!view.isHidden(p)) continue;
          view.hiddenCount += 1;
          view.sourceBytes -= view.sourceBytesByPos[p] ?? 0;
        }
      }
      return view;
    }
    const store = new DocStore();
    const n = dump.n;
    const cap = Math.max(64, Math.ceil(n * 1.25));
    const grown64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a.subarray(0, n));
      return b;
    };
    const grown32 = (a: Uint32Array) => {
      const b = new Uint32Array(cap);
      b.set(a.subarray(0, n));
      return b;
    };
    store.ts = grown64(dump.ts);
    store.seq = grown64(dump.seq);
    store.idn = grown64(dump.idn);
    store.ver = grown32(dump.ver);
    store.shp = grown32(dump.shp);
    store.row = grown32(dump.row);
    store.n = n;
    store.sortedLen = dump.sortedLen;
    store.deleted = dump.deleted;
    store.sourceBytesByPos = Array.from(dump.bytes);
    for (let p = 0; p < n; p += 1) if (store.ver[p] !== 0) store.sourceBytes += dump.bytes[p] ?? 0;
    store.shapes.length = 0;
    for (const d of dump.shapes) {
      if (!d) {
        store.shapes.push(null);
        continue;
      }
      const leaves: Leaf[] = d.leaves.map(([path, kind, col]) => ({ path, kind: kind as Kind, col }));
      const cols = leaves.filter((l) => l.col >= 0).sort((a, b) => a.col - b.col).map((l, i) => Column.load(l.kind === Kind.Str, d.cols[i] as ColumnDump, d.rows));
      const shape = new Shape(d.id, d.key, d.root as Node, leaves, cols);
      shape.rows = d.rows;
      store.shapes.push(shape);
      store.shapeByKey.set(d.key, shape);
    }
    for (const doc of dump.raw) store.raw.push(doc ?? undefined);
    for (const [shape, dead] of dump.deadRows) store.deadRows.set(shape, dead);
    return store;
  }

  /** Leaf kind code of every leaf of a shape (for diagnostics and tests). */
  static kindCode(kind: number): string {
    return KIND_CODE[kind] ?? '?';
  }
}

/** Two decimal digits at `i`, or -1. */
function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch millis when `s` is an ISO timestamp that toISOString reproduces (with or without millis):
 * `YYYY-MM-DDTHH:MM:SS.mmmZ` or `YYYY-MM-DDTHH:MM:SSZ`, year 1970-9999, every field in range. Read
 * digit by digit (every Beats document carries one, so this is on the indexing hot path).
 */
export function isoKind(s: string): number | undefined {
  const len = s.length;
  if ((len !== 24 && len !== 20) || s.charCodeAt(len - 1) !== 90 || s.charCodeAt(10) !== 84 || s.charCodeAt(4) !== 45) return undefined;
  if (s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const hi = digits2(s, 0);
  const lo = digits2(s, 2);
  const mo = digits2(s, 5);
  const d = digits2(s, 8);
  const h = digits2(s, 11);
  const mi = digits2(s, 14);
  const sec = digits2(s, 17);
  if (hi < 0 || lo < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return undefined;
  const y = hi * 100 + lo;
  if (y < 1970) return undefined;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (DAYS_IN_MONTH[mo - 1] as number) + (leap ? 1 : 0)) return undefined;
  let ms = 0;
  if (len === 24) {
    if (s.charCodeAt(19) !== 46) return undefined;
    const m1 = digits2(s, 20);
    const m2 = s.charCodeAt(22) - 48;
    if (m1 < 0 || m2 < 0 || m2 > 9) return undefined;
    ms = m1 * 10 + m2;
  }
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}
