import { isPlainObject } from '../engine/errors';

/**
 * The arithmetic subset of Painless that bucket_script / bucket_selector use in Kibana and in the
 * guide (`params.user + params.system`, comparisons, ternaries, Math.*). Anything else is a script
 * error rather than a guess.
 */

export class ScriptError extends Error {}

type Expr = (params: Record<string, unknown>) => unknown;

export interface CompiledScript {
  run(params: Record<string, unknown>): unknown;
  params: Record<string, unknown>;
}

export function compileScript(spec: unknown): CompiledScript {
  let source: string;
  let params: Record<string, unknown> = {};
  if (typeof spec === 'string') source = spec;
  else if (isPlainObject(spec)) {
    const s = spec.source ?? spec.inline;
    if (typeof s !== 'string') throw new ScriptError('must specify either [source] for an inline script or [id] for a stored script');
    if (spec.lang !== undefined && spec.lang !== 'painless' && spec.lang !== 'expression') throw new ScriptError(`script_lang not supported [${String(spec.lang)}]`);
    source = s;
    if (isPlainObject(spec.params)) params = spec.params;
  } else throw new ScriptError('script must be a string or an object');
  const expr = parse(source);
  return { run: (p) => expr({ ...params, ...p }), params };
}

type Tok = { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'str'; v: string } | { t: 'op'; v: string } | { t: 'eof' };

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const num = /^(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)[dDfFlL]?/.exec(src.slice(i));
    if (num && /[\d.]/.test(c)) {
      out.push({ t: 'num', v: Number(num[1]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new ScriptError('unterminated string');
      out.push({ t: 'str', v: src.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const op = /^(==|!=|<=|>=|&&|\|\||[-+*/%<>!?:().,[\];])/.exec(src.slice(i));
    if (!op) throw new ScriptError(`unexpected character [${c}]`);
    out.push({ t: 'op', v: op[0] });
    i += op[0].length;
  }
  out.push({ t: 'eof' });
  return out;
}

const MATH: Record<string, (...a: number[]) => number> = {
  max: Math.max,
  min: Math.min,
  abs: Math.abs,
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
  sqrt: Math.sqrt,
  pow: Math.pow,
  log: Math.log,
  log10: Math.log10,
  exp: Math.exp,
  signum: Math.sign,
};

function parse(src: string): Expr {
  const toks = lex(src);
  let p = 0;
  const peek = () => toks[p] as Tok;
  const isOp = (v: string) => {
    const t = peek();
    return t.t === 'op' && t.v === v;
  };
  const expect = (v: string) => {
    if (!isOp(v)) throw new ScriptError(`expected [${v}]`);
    p += 1;
  };
  const num = (x: unknown): number => {
    if (typeof x === 'number') return x;
    if (typeof x === 'boolean') return x ? 1 : 0;
    if (x === null || x === undefined) throw new ScriptError('cannot use a null value in arithmetic');
    return Number(x);
  };

  const primary = (): Expr => {
    const t = toks[p++] as Tok;
    if (t.t === 'num') return () => t.v;
    if (t.t === 'str') return () => t.v;
    if (t.t === 'op' && t.v === '(') {
      const e = ternary();
      expect(')');
      return e;
    }
    if (t.t === 'op' && t.v === '-') {
      const e = unary();
      return (ps) => -num(e(ps));
    }
    if (t.t === 'id') {
      if (t.v === 'true') return () => true;
      if (t.v === 'false') return () => false;
      if (t.v === 'null') return () => null;
      if (t.v === 'params') {
        let get: Expr = (ps) => ps;
        while (isOp('.') || isOp('[')) {
          if (isOp('.')) {
            p += 1;
            const key = toks[p++] as Tok;
            if (key.t !== 'id') throw new ScriptError('expected a name after [.]');
            const prev = get;
            get = (ps) => {
              const o = prev(ps);
              if (key.v === 'get') return o;
              return isPlainObject(o) ? o[key.v] : undefined;
            };
          } else {
            p += 1;
            const k = ternary();
            expect(']');
            const prev = get;
            get = (ps) => {
              const o = prev(ps);
              return isPlainObject(o) ? o[String(k(ps))] : undefined;
            };
          }
          if (isOp('(')) {
            p += 1;
            const arg = ternary();
            expect(')');
            const prev = get;
            get = (ps) => {
              const o = prev(ps);
              return isPlainObject(o) ? o[String(arg(ps))] : undefined;
            };
          }
        }
        return get;
      }
      if (t.v === 'Math') {
        expect('.');
        const fn = toks[p++] as Tok;
        if (fn.t !== 'id' || !MATH[fn.v]) throw new ScriptError(`unknown call [Math.${fn.t === 'id' ? fn.v : '?'}]`);
        expect('(');
        const args: Expr[] = [];
        if (!isOp(')')) {
          args.push(ternary());
          while (isOp(',')) {
            p += 1;
            args.push(ternary());
          }
        }
        expect(')');
        const f = MATH[fn.v] as (...a: number[]) => number;
        return (ps) => f(...args.map((a) => num(a(ps))));
      }
      throw new ScriptError(`cannot resolve symbol [${t.v}]`);
    }
    throw new ScriptError('unexpected token');
  };
  const unary = (): Expr => {
    if (isOp('!')) {
      p += 1;
      const e = unary();
      return (ps) => !e(ps);
    }
    return primary();
  };
  const binary = (next: () => Expr, ops: string[], apply: (op: string, a: unknown, b: unknown) => unknown): (() => Expr) => {
    return () => {
      let left = next();
      for (;;) {
        const t = peek();
        if (t.t !== 'op' || !ops.includes(t.v)) return left;
        p += 1;
        const right = next();
        const l = left;
        const op = t.v;
        left = (ps) => apply(op, l(ps), right(ps));
      }
    };
  };
  const mul = binary(unary, ['*', '/', '%'], (op, a, b) => (op === '*' ? num(a) * num(b) : op === '/' ? num(a) / num(b) : num(a) % num(b)));
  const add = binary(mul, ['+', '-'], (op, a, b) => (op === '+' ? (typeof a === 'string' || typeof b === 'string' ? `${String(a)}${String(b)}` : num(a) + num(b)) : num(a) - num(b)));
  const cmp = binary(add, ['<', '<=', '>', '>='], (op, a, b) => {
    const x = num(a);
    const y = num(b);
    return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
  });
  const eq = binary(cmp, ['==', '!='], (op, a, b) => (op === '==' ? a === b : a !== b));
  const and = binary(eq, ['&&'], (_op, a, b) => Boolean(a) && Boolean(b));
  const or = binary(and, ['||'], (_op, a, b) => Boolean(a) || Boolean(b));
  const ternary = (): Expr => {
    const c = or();
    if (!isOp('?')) return c;
    p += 1;
    const a = ternary();
    expect(':');
    const b = ternary();
    return (ps) => (c(ps) ? a(ps) : b(ps));
  };
  if (peek().t === 'id' && (peek() as { v: string }).v === 'return') p += 1;
  const e = ternary();
  while (isOp(';')) p += 1;
  if (peek().t !== 'eof') throw new ScriptError('unexpected tokens after expression');
  return e;
}
