/**
 * Finite automata for the `wildcard` and `regexp` queries and the terms aggregation's regex
 * include/exclude, compiled the way Lucene compiles them: the pattern becomes an NFA, the NFA is
 * determinized under a limit (`max_determinized_states`, 10 000 by default, answered with
 * `too_complex_to_determinize_exception` when exceeded), and a value is matched by walking the DFA
 * once, one transition per character. Nothing backtracks, so a match costs time linear in the
 * value whatever the pattern (issue 12: `*a*a*…*a*c` over `aaaa…` took seconds per document with a
 * backtracking RegExp).
 *
 * Regexp syntax is Lucene's (documented in Elasticsearch's "Regular expression syntax"): anchored,
 * `.` `?` `*` `+` `{n}` `{n,}` `{n,m}` `|` `( )` `[ ]` `[^ ]` `"literal"` `\` escapes and the
 * `\d \w \s` classes, and with the optional operators of `flags` (ALL by default): `@` any string,
 * `#` the empty language, `<n-m>` numeric intervals, `&` intersection and `~` complement.
 */

export const MAX_CODE_POINT = 0x10ffff;
export const DEFAULT_MAX_DETERMINIZED_STATES = 10_000;

/** Elasticsearch's regexp `flags` (Lucene's syntax flags). */
export const REGEXP_FLAGS = {
  INTERSECTION: 0x1,
  COMPLEMENT: 0x2,
  EMPTY: 0x4,
  ANYSTRING: 0x8,
  INTERVAL: 0x20,
  NONE: 0,
  ALL: 0xffff,
} as const;

/** An NFA bigger than this is refused as too complex before determinizing (`(((a{99}){99}){99})`). */
const MAX_NFA_STATES = 200_000;

type Range = readonly [number, number];

/** A pattern Lucene's parser refuses; the reason reads like Lucene's. */
export class RegexpSyntaxError extends Error {}

/** Determinizing would pass the limit. `flavor7` wording is Lucene 8's (ES 7.x), the other Lucene 9's and 10's. */
export class TooComplexError extends Error {
  constructor(
    readonly states: number,
    readonly transitions: number,
    readonly limit: number,
  ) {
    super(`Determinizing automaton with ${states} states and ${transitions} transitions would require more than ${limit} effort.`);
  }

  reasonFor(flavor: string | undefined): string {
    return flavor === '7'
      ? `Determinizing automaton with ${this.states} states and ${this.transitions} transitions would result in more than ${this.limit} states.`
      : this.message;
  }
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

type Re =
  | { k: 'chars'; ranges: Range[] }
  | { k: 'empty' }
  | { k: 'none' }
  | { k: 'any' }
  | { k: 'cat'; items: Re[] }
  | { k: 'alt'; items: Re[] }
  | { k: 'and'; a: Re; b: Re }
  | { k: 'not'; a: Re }
  | { k: 'rep'; a: Re; min: number; max: number };

const ANY_CHAR: Range[] = [[0, MAX_CODE_POINT]];
const DIGIT: Range[] = [[0x30, 0x39]];
const WORD: Range[] = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const SPACE: Range[] = [[0x09, 0x0d], [0x20, 0x20]];

function normalize(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function negate(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of normalize(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

/** The character and, case-insensitively, its other-case forms that are single characters too. */
function charRanges(cp: number, caseInsensitive: boolean): Range[] {
  if (!caseInsensitive) return [[cp, cp]];
  const ch = String.fromCodePoint(cp);
  const forms = new Set([cp]);
  for (const other of [ch.toLowerCase(), ch.toUpperCase()]) {
    const code = other.codePointAt(0);
    if (code !== undefined && [...other].length === 1) forms.add(code);
  }
  return normalize([...forms].map((c) => [c, c] as Range));
}

function literal(text: string, caseInsensitive: boolean): Re {
  return { k: 'cat', items: [...text].map((ch) => ({ k: 'chars', ranges: charRanges(ch.codePointAt(0) as number, caseInsensitive) })) };
}

/** Lucene's regexp grammar (RegExp's javadoc), read as code points. */
class RegexpParser {
  private pos = 0;
  private readonly cps: number[];

  constructor(
    pattern: string,
    private readonly flags: number,
    private readonly caseInsensitive: boolean,
  ) {
    this.cps = [...pattern].map((ch) => ch.codePointAt(0) as number);
  }

  parse(): Re {
    const re = this.union();
    if (this.pos < this.cps.length) throw new RegexpSyntaxError(`end-of-string expected at position ${this.pos}`);
    return re;
  }

  private check(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  private more(): boolean {
    return this.pos < this.cps.length;
  }

  private peek(chars: string): boolean {
    return this.more() && chars.includes(String.fromCodePoint(this.cps[this.pos] as number));
  }

  private match(ch: string): boolean {
    if (this.more() && this.cps[this.pos] === ch.codePointAt(0)) {
      this.pos += 1;
      return true;
    }
    return false;
  }

  private next(): number {
    if (!this.more()) throw new RegexpSyntaxError('unexpected end-of-string');
    const cp = this.cps[this.pos] as number;
    this.pos += 1;
    return cp;
  }

  private union(): Re {
    const items = [this.inter()];
    while (this.match('|')) items.push(this.inter());
    return items.length === 1 ? (items[0] as Re) : { k: 'alt', items };
  }

  private inter(): Re {
    const a = this.concat();
    if (this.check(REGEXP_FLAGS.INTERSECTION) && this.match('&')) return { k: 'and', a, b: this.inter() };
    return a;
  }

  private concat(): Re {
    const items: Re[] = [];
    do items.push(this.repeat());
    while (this.more() && !this.peek(')|') && (!this.check(REGEXP_FLAGS.INTERSECTION) || !this.peek('&')));
    return items.length === 1 ? (items[0] as Re) : { k: 'cat', items };
  }

  private repeat(): Re {
    let e = this.complement();
    while (this.peek('?*+{')) {
      if (this.match('?')) e = { k: 'rep', a: e, min: 0, max: 1 };
      else if (this.match('*')) e = { k: 'rep', a: e, min: 0, max: Infinity };
      else if (this.match('+')) e = { k: 'rep', a: e, min: 1, max: Infinity };
      else if (this.match('{')) {
        const min = this.integer();
        let max = min;
        if (this.match(',')) max = this.peek('}') ? Infinity : this.integer();
        if (!this.match('}')) throw new RegexpSyntaxError(`expected '}' at position ${this.pos}`);
        if (max < min) throw new RegexpSyntaxError(`invalid repetition {${min},${max}}`);
        e = { k: 'rep', a: e, min, max };
      }
    }
    return e;
  }

  private integer(): number {
    const start = this.pos;
    while (this.peek('0123456789')) this.pos += 1;
    if (start === this.pos) throw new RegexpSyntaxError(`integer expected at position ${this.pos}`);
    return Number(String.fromCodePoint(...this.cps.slice(start, this.pos)));
  }

  private complement(): Re {
    if (this.check(REGEXP_FLAGS.COMPLEMENT) && this.match('~')) return { k: 'not', a: this.complement() };
    return this.charClass();
  }

  private charClass(): Re {
    if (!this.match('[')) return this.simple();
    const negated = this.match('^');
    const ranges: Range[] = [];
    do ranges.push(...this.classItem());
    while (this.more() && !this.peek(']'));
    if (!this.match(']')) throw new RegexpSyntaxError(`expected ']' at position ${this.pos}`);
    return { k: 'chars', ranges: negated ? negate(ranges) : normalize(ranges) };
  }

  private classItem(): Range[] {
    const shorthand = this.shorthand();
    if (shorthand) return shorthand;
    const lo = this.charExp();
    if (this.match('-')) {
      if (this.peek(']')) return [[lo, lo], [0x2d, 0x2d]];
      const hi = this.charExp();
      if (hi < lo) throw new RegexpSyntaxError(`invalid range: from (${lo}) cannot be > to (${hi})`);
      return [[lo, hi]];
    }
    return charRanges(lo, this.caseInsensitive);
  }

  /** `\d \D \w \W \s \S`, or null (and nothing read) for anything else. */
  private shorthand(): Range[] | null {
    if (this.cps[this.pos] !== 0x5c || this.pos + 1 >= this.cps.length) return null;
    const letter = String.fromCodePoint(this.cps[this.pos + 1] as number);
    const base = letter.toLowerCase() === 'd' ? DIGIT : letter.toLowerCase() === 'w' ? WORD : letter.toLowerCase() === 's' ? SPACE : null;
    if (!base) return null;
    this.pos += 2;
    return letter === letter.toUpperCase() ? negate(base) : base;
  }

  private charExp(): number {
    if (this.match('\\')) return this.next();
    return this.next();
  }

  private simple(): Re {
    if (this.match('.')) return { k: 'chars', ranges: ANY_CHAR };
    if (this.check(REGEXP_FLAGS.EMPTY) && this.match('#')) return { k: 'none' };
    if (this.check(REGEXP_FLAGS.ANYSTRING) && this.match('@')) return { k: 'any' };
    if (this.match('"')) {
      const start = this.pos;
      while (this.more() && !this.peek('"')) this.pos += 1;
      if (!this.match('"')) throw new RegexpSyntaxError(`expected '"' at position ${this.pos}`);
      return literal(String.fromCodePoint(...this.cps.slice(start, this.pos - 1)), this.caseInsensitive);
    }
    if (this.match('(')) {
      if (this.match(')')) return { k: 'empty' };
      const e = this.union();
      if (!this.match(')')) throw new RegexpSyntaxError(`expected ')' at position ${this.pos}`);
      return e;
    }
    if (this.check(REGEXP_FLAGS.INTERVAL) && this.match('<')) {
      const start = this.pos;
      while (this.more() && !this.peek('>')) this.pos += 1;
      if (!this.match('>')) throw new RegexpSyntaxError(`expected '>' at position ${this.pos}`);
      const body = String.fromCodePoint(...this.cps.slice(start, this.pos - 1));
      const m = /^(\d+)-(\d+)$/.exec(body);
      if (!m) throw new RegexpSyntaxError(`interval syntax error at position ${this.pos - 1}`);
      return interval(m[1] as string, m[2] as string);
    }
    const shorthand = this.shorthand();
    if (shorthand) return { k: 'chars', ranges: shorthand };
    return { k: 'chars', ranges: charRanges(this.charExp(), this.caseInsensitive) };
  }
}

/**
 * `<n-m>`: decimal numbers from n to m. Bounds of equal length fix the width (leading zeros
 * required, as Lucene does); otherwise any number of leading zeros is allowed.
 */
function interval(a: string, b: string): Re {
  let lo = a;
  let hi = b;
  if (BigInt(lo) > BigInt(hi)) [lo, hi] = [hi, lo];
  if (lo.length === hi.length) return digitsBetween(lo, hi);
  const bare = (s: string) => s.replace(/^0+(?=\d)/, '');
  const min = bare(lo);
  const max = bare(hi);
  const items: Re[] = [];
  for (let width = min.length; width <= max.length; width += 1) {
    const from = width === min.length ? min : `1${'0'.repeat(width - 1)}`;
    const to = width === max.length ? max : '9'.repeat(width);
    if (BigInt(from) <= BigInt(to)) items.push(digitsBetween(from.padStart(width, '0'), to));
  }
  return { k: 'cat', items: [{ k: 'rep', a: { k: 'chars', ranges: [[0x30, 0x30]] }, min: 0, max: Infinity }, { k: 'alt', items }] };
}

/** Fixed-width digit strings from lo to hi (same length). */
function digitsBetween(lo: string, hi: string): Re {
  if (lo.length === 0) return { k: 'empty' };
  const d = (c: string) => c.charCodeAt(0);
  const rest = lo.length - 1;
  if (lo[0] === hi[0]) return { k: 'cat', items: [{ k: 'chars', ranges: [[d(lo[0] as string), d(lo[0] as string)]] }, digitsBetween(lo.slice(1), hi.slice(1))] };
  const anyDigits: Re = { k: 'rep', a: { k: 'chars', ranges: DIGIT }, min: rest, max: rest };
  const items: Re[] = [{ k: 'cat', items: [{ k: 'chars', ranges: [[d(lo[0] as string), d(lo[0] as string)]] }, digitsBetween(lo.slice(1), '9'.repeat(rest))] }];
  if (d(hi[0] as string) - d(lo[0] as string) > 1) items.push({ k: 'cat', items: [{ k: 'chars', ranges: [[d(lo[0] as string) + 1, d(hi[0] as string) - 1]] }, anyDigits] });
  items.push({ k: 'cat', items: [{ k: 'chars', ranges: [[d(hi[0] as string), d(hi[0] as string)]] }, digitsBetween('0'.repeat(rest), hi.slice(1))] });
  return { k: 'alt', items };
}

/** Lucene's wildcard syntax: `*` any string, `?` any one character, `\` takes the next character literally. */
function wildcardTree(pattern: string, caseInsensitive: boolean): Re {
  const cps = [...pattern];
  const items: Re[] = [];
  for (let i = 0; i < cps.length; i += 1) {
    const ch = cps[i] as string;
    if (ch === '*') items.push({ k: 'any' });
    else if (ch === '?') items.push({ k: 'chars', ranges: ANY_CHAR });
    else if (ch === '\\' && i + 1 < cps.length) {
      i += 1;
      items.push({ k: 'chars', ranges: charRanges(cps[i]?.codePointAt(0) as number, caseInsensitive) });
    } else items.push({ k: 'chars', ranges: charRanges(ch.codePointAt(0) as number, caseInsensitive) });
  }
  return { k: 'cat', items };
}

// ---------------------------------------------------------------------------------------------
// NFA (Thompson construction, with epsilon moves)

interface Edge {
  lo: number;
  hi: number;
  to: number;
}

interface Frag {
  start: number;
  end: number;
}

class Nfa {
  readonly eps: number[][] = [];
  readonly edges: Edge[][] = [];

  constructor(private readonly limits: Limits) {}

  state(): number {
    if (this.eps.length >= MAX_NFA_STATES) throw new TooComplexError(this.eps.length, this.transitions(), this.limits.maxStates);
    this.eps.push([]);
    this.edges.push([]);
    return this.eps.length - 1;
  }

  transitions(): number {
    let n = 0;
    for (const list of this.edges) n += list.length;
    return n;
  }

  build(re: Re): Frag {
    const start = this.state();
    switch (re.k) {
      case 'chars': {
        const end = this.state();
        for (const [lo, hi] of re.ranges) this.edges[start]?.push({ lo, hi, to: end });
        return { start, end };
      }
      case 'empty': {
        const end = this.state();
        this.eps[start]?.push(end);
        return { start, end };
      }
      case 'none':
        return { start, end: this.state() };
      case 'any': {
        this.edges[start]?.push({ lo: 0, hi: MAX_CODE_POINT, to: start });
        const end = this.state();
        this.eps[start]?.push(end);
        return { start, end };
      }
      case 'cat': {
        let end = start;
        for (const item of re.items) {
          const f = this.build(item);
          this.eps[end]?.push(f.start);
          end = f.end;
        }
        return { start, end };
      }
      case 'alt': {
        const end = this.state();
        for (const item of re.items) {
          const f = this.build(item);
          this.eps[start]?.push(f.start);
          this.eps[f.end]?.push(end);
        }
        return { start, end };
      }
      case 'rep': {
        let end = start;
        for (let i = 0; i < re.min; i += 1) {
          const f = this.build(re.a);
          this.eps[end]?.push(f.start);
          end = f.end;
        }
        if (re.max === Infinity) {
          const f = this.build(re.a);
          this.eps[end]?.push(f.start);
          this.eps[f.end]?.push(f.start);
          const out = this.state();
          this.eps[end]?.push(out);
          this.eps[f.end]?.push(out);
          return { start, end: out };
        }
        const out = this.state();
        for (let i = re.min; i < re.max; i += 1) {
          const f = this.build(re.a);
          this.eps[end]?.push(f.start, out);
          end = f.end;
        }
        this.eps[end]?.push(out);
        return { start, end: out };
      }
      case 'not': {
        const dfa = determinize(this.sub(re.a), this.limits);
        return this.embed(start, complementOf(dfa));
      }
      case 'and': {
        const a = determinize(this.sub(re.a), this.limits);
        const b = determinize(this.sub(re.b), this.limits);
        return this.embed(start, intersectionOf(a, b, this.limits));
      }
    }
  }

  /** A separate NFA for an operand that must be determinized on its own (`~`, `&`). */
  private sub(re: Re): { nfa: Nfa; frag: Frag } {
    const nfa = new Nfa(this.limits);
    return { nfa, frag: nfa.build(re) };
  }

  /** Copies a DFA in, entered from `start`. */
  private embed(start: number, dfa: DfaTables): Frag {
    const base = this.eps.length;
    for (let s = 0; s < dfa.accept.length; s += 1) this.state();
    const end = this.state();
    this.eps[start]?.push(base);
    for (let s = 0; s < dfa.accept.length; s += 1) {
      for (const e of dfa.out[s] ?? []) this.edges[base + s]?.push({ lo: e.lo, hi: e.hi, to: base + e.to });
      if (dfa.accept[s]) this.eps[base + s]?.push(end);
    }
    return { start, end };
  }
}

// ---------------------------------------------------------------------------------------------
// Determinization (subset construction over the NFA states that read a character or accept)

interface Limits {
  /** `max_determinized_states`: DFA states at most (Lucene 8), and a tenth of the effort (Lucene 9+: NFA states visited). */
  maxStates: number;
}

interface DfaTables {
  accept: boolean[];
  out: Edge[][];
}

function closureOf(nfa: Nfa, seeds: Iterable<number>, accept: number, seen: Uint32Array, mark: number): number[] {
  const stack = [...seeds];
  const out: number[] = [];
  for (const s of stack) seen[s] = mark;
  while (stack.length > 0) {
    const s = stack.pop() as number;
    if ((nfa.edges[s]?.length ?? 0) > 0 || s === accept) out.push(s);
    for (const t of nfa.eps[s] ?? []) {
      if (seen[t] !== mark) {
        seen[t] = mark;
        stack.push(t);
      }
    }
  }
  return out.sort((a, b) => a - b);
}

function determinize({ nfa, frag }: { nfa: Nfa; frag: Frag }, limits: Limits): DfaTables {
  const n = nfa.eps.length;
  const seen = new Uint32Array(n);
  let mark = 0;
  let important = 0;
  for (let s = 0; s < n; s += 1) if ((nfa.edges[s]?.length ?? 0) > 0 || s === frag.end) important += 1;
  const tooComplex = () => new TooComplexError(important, nfa.transitions(), limits.maxStates);
  const maxEffort = limits.maxStates * 10;
  let effort = 0;

  const ids = new Map<string, number>();
  const sets: number[][] = [];
  const stateOf = (set: number[]): number => {
    const key = set.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = sets.length;
      if (id >= limits.maxStates) throw tooComplex();
      ids.set(key, id);
      sets.push(set);
    }
    return id;
  };
  stateOf(closureOf(nfa, [frag.start], frag.end, seen, (mark += 1)));

  const accept: boolean[] = [];
  const out: Edge[][] = [];
  for (let d = 0; d < sets.length; d += 1) {
    const set = sets[d] as number[];
    effort += set.length;
    if (effort > maxEffort) throw tooComplex();
    accept.push(set.includes(frag.end));
    // Sweep the set's edges over the alphabet: between two boundaries the same edges apply.
    const bounds: [number, number, number][] = [];
    for (const s of set) {
      for (const e of nfa.edges[s] ?? []) {
        bounds.push([e.lo, 1, e.to]);
        bounds.push([e.hi + 1, -1, e.to]);
      }
    }
    bounds.sort((a, b) => a[0] - b[0]);
    const active = new Map<number, number>();
    const edges: Edge[] = [];
    for (let i = 0; i < bounds.length; ) {
      const at = (bounds[i] as [number, number, number])[0];
      while (i < bounds.length && (bounds[i] as [number, number, number])[0] === at) {
        const [, delta, to] = bounds[i] as [number, number, number];
        const count = (active.get(to) ?? 0) + delta;
        if (count === 0) active.delete(to);
        else active.set(to, count);
        i += 1;
      }
      if (active.size === 0 || i >= bounds.length) continue;
      const hi = (bounds[i] as [number, number, number])[0] - 1;
      const target = stateOf(closureOf(nfa, active.keys(), frag.end, seen, (mark += 1)));
      const last = edges[edges.length - 1];
      if (last && last.to === target && last.hi + 1 === at) last.hi = hi;
      else edges.push({ lo: at, hi, to: target });
    }
    out.push(edges);
  }
  return { accept, out };
}

/** Every state gets a move for every character (a sink for the rest), then acceptance flips. */
function complementOf(dfa: DfaTables): DfaTables {
  const sink = dfa.accept.length;
  const accept = [...dfa.accept.map((a) => !a), true];
  const out: Edge[][] = dfa.out.map((edges) => {
    const full: Edge[] = [];
    let next = 0;
    for (const e of edges) {
      if (e.lo > next) full.push({ lo: next, hi: e.lo - 1, to: sink });
      full.push(e);
      next = e.hi + 1;
    }
    if (next <= MAX_CODE_POINT) full.push({ lo: next, hi: MAX_CODE_POINT, to: sink });
    return full;
  });
  out.push([{ lo: 0, hi: MAX_CODE_POINT, to: sink }]);
  return { accept, out };
}

function intersectionOf(a: DfaTables, b: DfaTables, limits: Limits): DfaTables {
  const ids = new Map<number, number>();
  const pairs: [number, number][] = [];
  const width = b.accept.length;
  const stateOf = (x: number, y: number): number => {
    const key = x * width + y;
    let id = ids.get(key);
    if (id === undefined) {
      id = pairs.length;
      if (id >= limits.maxStates) throw new TooComplexError(a.accept.length + b.accept.length, 0, limits.maxStates);
      ids.set(key, id);
      pairs.push([x, y]);
    }
    return id;
  };
  stateOf(0, 0);
  const accept: boolean[] = [];
  const out: Edge[][] = [];
  for (let p = 0; p < pairs.length; p += 1) {
    const [x, y] = pairs[p] as [number, number];
    accept.push((a.accept[x] ?? false) && (b.accept[y] ?? false));
    const edges: Edge[] = [];
    for (const ea of a.out[x] ?? []) {
      for (const eb of b.out[y] ?? []) {
        const lo = Math.max(ea.lo, eb.lo);
        const hi = Math.min(ea.hi, eb.hi);
        if (lo <= hi) edges.push({ lo, hi, to: stateOf(ea.to, eb.to) });
      }
    }
    out.push(edges.sort((e, f) => e.lo - f.lo));
  }
  return { accept, out };
}

// ---------------------------------------------------------------------------------------------
// Matching

/**
 * A determinized pattern. `test` reads the value once, left to right, one transition per
 * character (a binary search among the state's few ranges); it stops early where no match is
 * possible any more, or where every continuation matches. `steps` counts the work done, so tests
 * can show it grows linearly with the value.
 */
export class Dfa {
  steps = 0;
  private readonly lo: Int32Array[];
  private readonly hi: Int32Array[];
  private readonly to: Int32Array[];
  private readonly accept: Uint8Array;
  /** Accepting states that every character keeps in an accepting state (`abc*`'s tail). */
  private readonly acceptsRest: Uint8Array;

  constructor(tables: DfaTables) {
    const n = tables.accept.length;
    // States from which no accepting state can be reached are dropped: reading into one is a miss.
    const live = new Uint8Array(n);
    const incoming: number[][] = Array.from({ length: n }, () => []);
    tables.out.forEach((edges, s) => edges.forEach((e) => incoming[e.to]?.push(s)));
    const queue: number[] = [];
    tables.accept.forEach((a, s) => {
      if (a) {
        live[s] = 1;
        queue.push(s);
      }
    });
    while (queue.length > 0) {
      for (const p of incoming[queue.pop() as number] ?? []) {
        if (!live[p]) {
          live[p] = 1;
          queue.push(p);
        }
      }
    }
    this.accept = Uint8Array.from(tables.accept, (a) => (a ? 1 : 0));
    this.lo = [];
    this.hi = [];
    this.to = [];
    for (let s = 0; s < n; s += 1) {
      const edges = (tables.out[s] ?? []).filter((e) => live[e.to]);
      this.lo.push(Int32Array.from(edges, (e) => e.lo));
      this.hi.push(Int32Array.from(edges, (e) => e.hi));
      this.to.push(Int32Array.from(edges, (e) => e.to));
    }
    this.acceptsRest = new Uint8Array(n);
    for (let s = 0; s < n; s += 1) {
      const los = this.lo[s] as Int32Array;
      const tos = this.to[s] as Int32Array;
      if (this.accept[s] && los.length === 1 && los[0] === 0 && (this.hi[s] as Int32Array)[0] === MAX_CODE_POINT && tos[0] === s) this.acceptsRest[s] = 1;
    }
  }

  get stateCount(): number {
    return this.accept.length;
  }

  test(value: string): boolean {
    let state = 0;
    let steps = 0;
    const length = value.length;
    for (let i = 0; i < length; i += 1) {
      if (this.acceptsRest[state]) break;
      let cp = value.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < length) {
        const low = value.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          i += 1;
        }
      }
      const los = this.lo[state] as Int32Array;
      const his = this.hi[state] as Int32Array;
      let a = 0;
      let b = los.length - 1;
      let next = -1;
      steps += 1;
      while (a <= b) {
        steps += 1;
        const mid = (a + b) >> 1;
        if (cp < (los[mid] as number)) b = mid - 1;
        else if (cp > (his[mid] as number)) a = mid + 1;
        else {
          next = (this.to[state] as Int32Array)[mid] as number;
          break;
        }
      }
      if (next < 0) {
        this.steps += steps;
        return false;
      }
      state = next;
    }
    this.steps += steps;
    return this.accept[state] === 1;
  }
}

export interface CompileOptions {
  caseInsensitive?: boolean;
  /** `max_determinized_states`; 10 000 unless the request says otherwise. */
  maxDeterminizedStates?: number;
}

const cache = new Map<string, Dfa | Error>();

function compiled(key: string, build: () => Dfa): Dfa {
  let hit = cache.get(key);
  if (hit === undefined) {
    try {
      hit = build();
    } catch (error) {
      if (!(error instanceof TooComplexError || error instanceof RegexpSyntaxError)) throw error;
      hit = error;
    }
    if (cache.size >= 1_000) cache.clear();
    cache.set(key, hit);
  }
  if (hit instanceof Error) throw hit;
  // A fresh counter per caller: the cached tables are shared, the step count is not.
  return Object.assign(Object.create(Dfa.prototype) as Dfa, hit, { steps: 0 });
}

/** States the Thompson construction will make for `re` (`~` and `&` operands counted once). */
function nfaSize(re: Re): number {
  switch (re.k) {
    case 'chars':
    case 'empty':
    case 'none':
    case 'any':
      return 2;
    case 'cat':
    case 'alt':
      return re.items.reduce((sum, item) => sum + nfaSize(item), 2);
    case 'and':
      return nfaSize(re.a) + nfaSize(re.b) + 2;
    case 'not':
      return nfaSize(re.a) + 2;
    case 'rep':
      return nfaSize(re.a) * (re.max === Infinity ? re.min + 1 : re.max) + 3;
  }
}

function compileTree(re: Re, maxStates: number): Dfa {
  const size = nfaSize(re);
  if (size > MAX_NFA_STATES) throw new TooComplexError(size, size, maxStates);
  const limits = { maxStates };
  const nfa = new Nfa(limits);
  const frag = nfa.build(re);
  return new Dfa(determinize({ nfa, frag }, limits));
}

/** A `regexp` query's pattern (Lucene syntax, `flags` as Elasticsearch's, ALL by default). */
export function compileRegexp(pattern: string, options: CompileOptions & { flags?: number } = {}): Dfa {
  const flags = options.flags ?? REGEXP_FLAGS.ALL;
  const ci = options.caseInsensitive === true;
  const max = options.maxDeterminizedStates ?? DEFAULT_MAX_DETERMINIZED_STATES;
  return compiled(`r${flags}:${ci ? 1 : 0}:${max}:${pattern}`, () => compileTree(new RegexpParser(pattern, flags, ci).parse(), max));
}

/** A `wildcard` query's pattern (also query_string's and the filter box's `*`/`?` terms). */
export function compileWildcard(pattern: string, options: CompileOptions = {}): Dfa {
  const ci = options.caseInsensitive === true;
  const max = options.maxDeterminizedStates ?? DEFAULT_MAX_DETERMINIZED_STATES;
  return compiled(`w${ci ? 1 : 0}:${max}:${pattern}`, () => compileTree(wildcardTree(pattern, ci), max));
}

/** ES's `flags` value (`ALL`, `NONE`, or names joined by `|`); null for an unknown name. */
export function parseRegexpFlags(value: string): number | null {
  let flags = 0;
  for (const raw of value.split('|')) {
    const name = raw.trim().toUpperCase();
    if (name === '') continue;
    if (!Object.hasOwn(REGEXP_FLAGS, name)) return null;
    flags |= REGEXP_FLAGS[name as keyof typeof REGEXP_FLAGS];
  }
  return flags;
}
