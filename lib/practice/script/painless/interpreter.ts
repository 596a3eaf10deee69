import type { Expr, Program, Stmt } from './ast';
import { PainlessRuntimeError, arithmetic, classCast, illegalArgument, indexOutOfBounds, nullPointer, numberFormat } from './errors';
import { JDouble, JavaDate, isDouble, isMap, isNumber, javaClass, javaEquals, javaToString, mapGet, mapPut, numValue, toDouble, type Num } from './values';

/**
 * A tree-walking interpreter for the parsed Painless subset, with Java's semantics where they
 * change an answer: integer vs floating-point arithmetic, `/ by zero`, int overflow on `int`
 * locals and casts, null dereferences and comparisons failing (as Painless' `def` operations do),
 * list shortcuts (`list.length`, `list[-1]`) and map shortcuts (`map.key` reads and writes).
 */

/** Painless' loop guard (`max_loop_counter` defaults to 1,000,000). */
const MAX_LOOP_ITERATIONS = 1_000_000;

type Signal = { t: 'return'; v: unknown } | { t: 'break' } | { t: 'continue' } | undefined;

interface Slot {
  type: string;
  value: unknown;
}

class Scope {
  readonly vars = new Map<string, Slot>();
  constructor(readonly parent?: Scope) {}

  lookup(name: string): Slot | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }
}

const INTEGRAL = new Set(['int', 'long', 'short', 'byte', 'char']);
const FLOATING = new Set(['float', 'double']);
const UNSUPPORTED_METHODS = new Set(['stream', 'forEach', 'removeIf', 'replaceAll', 'sort', 'iterator', 'entrySet', 'computeIfAbsent', 'computeIfPresent', 'compute', 'merge', 'spliterator', 'toArray', 'collect', 'format', 'matches', 'split']);

export class Interpreter {
  private loops = 0;

  constructor(private readonly program: Program) {}

  run(globals: Record<string, unknown>): unknown {
    this.loops = 0;
    const scope = new Scope();
    for (const [k, v] of Object.entries(globals)) scope.vars.set(k, { type: 'def', value: v });
    const body = this.program.body;
    for (let i = 0; i < body.length; i += 1) {
      const s = body[i] as Stmt;
      // The value of a final expression statement is the script's result.
      if (i === body.length - 1 && s.k === 'expr') return this.eval(s.e, scope);
      const sig = this.exec(s, scope);
      if (sig?.t === 'return') return sig.v;
    }
    return null;
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  private exec(s: Stmt, scope: Scope): Signal {
    switch (s.k) {
      case 'empty':
        return undefined;
      case 'block': {
        const inner = new Scope(scope);
        for (const x of s.body) {
          const sig = this.exec(x, inner);
          if (sig) return sig;
        }
        return undefined;
      }
      case 'expr':
        this.eval(s.e, scope);
        return undefined;
      case 'decl':
        for (const d of s.decls) {
          const value = d.init ? this.coerce(s.type, this.eval(d.init, scope), d.init.at) : defaultValue(s.type);
          scope.vars.set(d.name, { type: s.type, value });
        }
        return undefined;
      case 'if':
        if (this.truth(this.eval(s.c, scope), s.c.at)) return this.exec(s.then, new Scope(scope));
        return s.else ? this.exec(s.else, new Scope(scope)) : undefined;
      case 'return':
        return { t: 'return', v: s.e ? this.eval(s.e, scope) : null };
      case 'break':
        return { t: 'break' };
      case 'continue':
        return { t: 'continue' };
      case 'while':
        while (this.truth(this.eval(s.c, scope), s.c.at)) {
          this.tick(s.at);
          const sig = this.exec(s.body, new Scope(scope));
          if (sig?.t === 'break') break;
          if (sig?.t === 'return') return sig;
        }
        return undefined;
      case 'do':
        do {
          this.tick(s.at);
          const sig = this.exec(s.body, new Scope(scope));
          if (sig?.t === 'break') break;
          if (sig?.t === 'return') return sig;
        } while (this.truth(this.eval(s.c, scope), s.c.at));
        return undefined;
      case 'for': {
        const loop = new Scope(scope);
        if (s.init) this.exec(s.init, loop);
        while (!s.c || this.truth(this.eval(s.c, loop), s.c.at)) {
          this.tick(s.at);
          const sig = this.exec(s.body, new Scope(loop));
          if (sig?.t === 'break') break;
          if (sig?.t === 'return') return sig;
          for (const u of s.update) this.eval(u, loop);
        }
        return undefined;
      }
      case 'foreach': {
        const it = this.eval(s.iterable, scope);
        let items: unknown[];
        if (Array.isArray(it)) items = [...it];
        else if (isMap(it)) throw this.at(illegalArgument(`Cannot iterate over [${javaClass(it)}]`), s.iterable.at);
        else if (it === null || it === undefined) throw this.at(nullPointer('Cannot invoke "Object.iterator()" because the iterable is null'), s.iterable.at);
        else throw this.at(illegalArgument(`Cannot iterate over [${javaClass(it)}]`), s.iterable.at);
        for (const item of items) {
          this.tick(s.at);
          const inner = new Scope(scope);
          inner.vars.set(s.name, { type: s.type, value: this.coerce(s.type, item, s.at) });
          const sig = this.exec(s.body, inner);
          if (sig?.t === 'break') break;
          if (sig?.t === 'return') return sig;
        }
        return undefined;
      }
    }
  }

  private tick(at: number): void {
    this.loops += 1;
    if (this.loops > MAX_LOOP_ITERATIONS) {
      throw this.at(new PainlessRuntimeError('painless_error', 'The maximum number of statements that can be executed in a loop has been reached.'), at);
    }
  }

  private at(e: PainlessRuntimeError, offset: number): PainlessRuntimeError {
    if (e.offset < 0) e.offset = offset;
    return e;
  }

  private truth(v: unknown, at: number): boolean {
    if (typeof v === 'boolean') return v;
    if (v === null || v === undefined) throw this.at(nullPointer('Cannot invoke "java.lang.Boolean.booleanValue()" because the value is null'), at);
    throw this.at(classCast(`Cannot cast ${javaClass(v)} to java.lang.Boolean`), at);
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  eval(e: Expr, scope: Scope): unknown {
    try {
      return this.evalInner(e, scope);
    } catch (err) {
      if (err instanceof PainlessRuntimeError && err.offset < 0) err.offset = e.at;
      throw err;
    }
  }

  private evalInner(e: Expr, scope: Scope): unknown {
    switch (e.k) {
      case 'num':
        return e.kind === 'double' || e.kind === 'float' ? toDouble(e.v) : e.kind === 'int' ? e.v | 0 : e.v;
      case 'str':
        return e.v;
      case 'bool':
        return e.v;
      case 'null':
        return null;
      case 'var':
        return (scope.lookup(e.name) as Slot).value;
      case 'field': {
        const obj = this.eval(e.obj, scope);
        if ((obj === null || obj === undefined) && e.nullSafe) return null;
        return getField(obj, e.name);
      }
      case 'index':
        return getIndex(this.eval(e.obj, scope), this.eval(e.index, scope));
      case 'call': {
        const obj = this.eval(e.obj, scope);
        if ((obj === null || obj === undefined) && e.nullSafe) return null;
        const args = e.args.map((a) => this.eval(a, scope));
        return callMethod(obj, e.name, args);
      }
      case 'static':
        return callStatic(e.cls, e.name, e.args.map((a) => this.eval(a, scope)));
      case 'new': {
        const args = e.args.map((a) => this.eval(a, scope));
        return construct(e.type, args);
      }
      case 'list':
        return e.items.map((x) => this.eval(x, scope));
      case 'map': {
        const out: Record<string, unknown> = {};
        for (const [k, v] of e.entries) mapPut(out, mapKey(this.eval(k, scope)), this.eval(v, scope));
        return out;
      }
      case 'unary': {
        const v = this.eval(e.e, scope);
        if (e.op === '!') return !this.truth(v, e.at);
        const n = numeric(v, e.op);
        if (e.op === '-') return isDouble(n) ? toDouble(-numValue(n)) : -numValue(n);
        if (e.op === '+') return n;
        if (isDouble(n)) throw illegalArgument(`Cannot apply [~] operation to type [${javaClass(n)}].`);
        return ~numValue(n);
      }
      case 'binary':
        return binary(e.op, this.eval(e.l, scope), this.eval(e.r, scope));
      case 'logical': {
        const l = this.truth(this.eval(e.l, scope), e.l.at);
        if (e.op === '&&') return l ? this.truth(this.eval(e.r, scope), e.r.at) : false;
        return l ? true : this.truth(this.eval(e.r, scope), e.r.at);
      }
      case 'cond':
        return this.truth(this.eval(e.c, scope), e.c.at) ? this.eval(e.a, scope) : this.eval(e.b, scope);
      case 'elvis': {
        const l = this.eval(e.l, scope);
        return l === null || l === undefined ? this.eval(e.r, scope) : l;
      }
      case 'instanceof':
        return instanceOf(this.eval(e.e, scope), e.type);
      case 'cast':
        return cast(e.type, this.eval(e.e, scope));
      case 'assign': {
        const value = this.eval(e.value, scope);
        if (e.op === '=') return this.store(e.target, scope, value, false);
        const current = this.eval(e.target, scope);
        return this.store(e.target, scope, binary(e.op.slice(0, -1), current, value), true);
      }
      case 'update': {
        const current = this.eval(e.target, scope);
        const n = numeric(current, e.op);
        const next = isDouble(n) ? toDouble(numValue(n) + (e.op === '++' ? 1 : -1)) : numValue(n) + (e.op === '++' ? 1 : -1);
        this.store(e.target, scope, next, true);
        return e.prefix ? next : current;
      }
    }
  }

  /** Writes a variable, map entry or list element; compound assignments cast back to the variable's type as Java does. */
  private store(target: Expr, scope: Scope, value: unknown, compound: boolean): unknown {
    if (target.k === 'var') {
      const slot = scope.lookup(target.name) as Slot;
      slot.value = compound && slot.type !== 'def' ? cast(slot.type, value) : this.coerce(slot.type, value, target.at);
      return slot.value;
    }
    if (target.k === 'field') {
      const obj = this.eval(target.obj, scope);
      setField(obj, target.name, value);
      return value;
    }
    if (target.k === 'index') {
      const obj = this.eval(target.obj, scope);
      setIndex(obj, this.eval(target.index, scope), value);
      return value;
    }
    throw illegalArgument('invalid assignment');
  }

  /** Assignment conversion into a declared type (widening only; anything else fails like a def cast). */
  private coerce(type: string, v: unknown, at: number): unknown {
    try {
      return coerce(type, v);
    } catch (err) {
      if (err instanceof PainlessRuntimeError) throw this.at(err, at);
      throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Types

function defaultValue(type: string): unknown {
  if (INTEGRAL.has(type)) return 0;
  if (FLOATING.has(type)) return new JDouble(0);
  if (type === 'boolean') return false;
  return null;
}

const BOXED: Record<string, string> = { int: 'java.lang.Integer', long: 'java.lang.Long', short: 'java.lang.Short', byte: 'java.lang.Byte', char: 'java.lang.Character', float: 'java.lang.Float', double: 'java.lang.Double', boolean: 'java.lang.Boolean' };

function coerce(type: string, v: unknown): unknown {
  if (v === undefined) v = null;
  switch (type) {
    case 'def':
    case 'Object':
      return v;
    case 'int':
    case 'long':
    case 'short':
    case 'byte':
    case 'char':
      if (v === null) throw nullPointer(`Cannot cast null to a primitive type [${type}].`);
      if (!isNumber(v) || isDouble(v)) throw classCast(`Cannot cast ${javaClass(v)} to ${BOXED[type]}`);
      return type === 'int' ? numValue(v) | 0 : numValue(v);
    case 'float':
    case 'double':
      if (v === null) throw nullPointer(`Cannot cast null to a primitive type [${type}].`);
      if (!isNumber(v)) throw classCast(`Cannot cast ${javaClass(v)} to ${BOXED[type]}`);
      return toDouble(numValue(v));
    case 'boolean':
      if (v === null) throw nullPointer('Cannot cast null to a primitive type [boolean].');
      if (typeof v !== 'boolean') throw classCast(`Cannot cast ${javaClass(v)} to java.lang.Boolean`);
      return v;
    default:
      if (v === null) return null;
      if (!instanceOf(v, type)) throw classCast(`Cannot cast ${javaClass(v)} to ${classNameOf(type)}`);
      return v;
  }
}

function classNameOf(type: string): string {
  switch (type) {
    case 'String':
    case 'Number':
    case 'Integer':
    case 'Long':
    case 'Double':
    case 'Float':
    case 'Short':
    case 'Byte':
    case 'Boolean':
    case 'Object':
      return `java.lang.${type}`;
    case 'ZonedDateTime':
      return 'java.time.ZonedDateTime';
    default:
      return `java.util.${type}`;
  }
}

function instanceOf(v: unknown, type: string): boolean {
  if (v === null || v === undefined) return false;
  switch (type) {
    case 'def':
    case 'Object':
      return true;
    case 'String':
      return typeof v === 'string';
    case 'Number':
      return isNumber(v);
    case 'Integer':
    case 'int':
      return javaClass(v) === 'java.lang.Integer';
    case 'Long':
    case 'long':
      return javaClass(v) === 'java.lang.Long';
    case 'Double':
    case 'double':
    case 'Float':
    case 'float':
      return isNumber(v) && isDouble(v);
    case 'Boolean':
    case 'boolean':
      return typeof v === 'boolean';
    case 'Map':
    case 'HashMap':
    case 'LinkedHashMap':
      return isMap(v);
    case 'List':
    case 'ArrayList':
    case 'Collection':
      return Array.isArray(v);
    case 'ZonedDateTime':
      return v instanceof JavaDate;
    default:
      return false;
  }
}

/** Explicit casts: numeric conversions narrow (int wraps to 32 bits), references are checked. */
function cast(type: string, v: unknown): unknown {
  if (INTEGRAL.has(type) || FLOATING.has(type)) {
    if (v === null || v === undefined) throw nullPointer(`Cannot cast null to a primitive type [${type}].`);
    if (!isNumber(v)) throw classCast(`Cannot cast ${javaClass(v)} to ${BOXED[type]}`);
    const x = numValue(v);
    if (FLOATING.has(type)) return toDouble(type === 'float' ? Math.fround(x) : x);
    const t = Number.isFinite(x) ? Math.trunc(x) : Number.isNaN(x) ? 0 : x > 0 ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
    if (type === 'int') return t | 0;
    if (type === 'short') return (t << 16) >> 16;
    if (type === 'byte') return (t << 24) >> 24;
    return t;
  }
  return coerce(type, v);
}

// ---------------------------------------------------------------------------------------------
// Operators

function numeric(v: unknown, op: string): Num {
  if (v === null || v === undefined) throw nullPointer(`Cannot apply [${op}] operation to a null value`);
  if (!isNumber(v)) throw classCast(`Cannot apply [${op}] operation to type [${javaClass(v)}].`);
  return v;
}

function binary(op: string, l: unknown, r: unknown): unknown {
  switch (op) {
    case '==':
      return javaEquals(l, r);
    case '!=':
      return !javaEquals(l, r);
    case '===':
      return isNumber(l) && isNumber(r) ? numValue(l) === numValue(r) : l === r;
    case '!==':
      return !(isNumber(l) && isNumber(r) ? numValue(l) === numValue(r) : l === r);
    case '+':
      if (typeof l === 'string' || typeof r === 'string') return javaToString(l) + javaToString(r);
      break;
    case '&':
    case '|':
    case '^':
      if (typeof l === 'boolean' && typeof r === 'boolean') return op === '&' ? l && r : op === '|' ? l || r : l !== r;
      break;
  }
  if (l === null || l === undefined || r === null || r === undefined) {
    // What the JDK's helpful NullPointerException says for Painless' def operators.
    throw nullPointer(`Cannot invoke "Object.getClass()" because "${l === null || l === undefined ? 'left' : 'right'}" is null`);
  }
  if (!isNumber(l) || !isNumber(r)) {
    throw classCast(`Cannot apply [${op}] operation to types [${javaClass(l)}] and [${javaClass(r)}].`);
  }
  const x = numValue(l);
  const y = numValue(r);
  const floating = isDouble(l) || isDouble(r);
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '+':
      return floating ? toDouble(x + y) : x + y;
    case '-':
      return floating ? toDouble(x - y) : x - y;
    case '*':
      return floating ? toDouble(x * y) : x * y;
    case '/':
      if (floating) return toDouble(x / y);
      if (y === 0) throw arithmetic('/ by zero');
      return Math.trunc(x / y);
    case '%':
      if (floating) return toDouble(x % y);
      if (y === 0) throw arithmetic('/ by zero');
      return x % y;
  }
  if (floating) throw illegalArgument(`Cannot apply [${op}] operation to types [${javaClass(l)}] and [${javaClass(r)}].`);
  switch (op) {
    case '&':
      return x & y;
    case '|':
      return x | y;
    case '^':
      return x ^ y;
    case '<<':
      return x << y;
    case '>>':
      return x >> y;
    case '>>>':
      return x >>> y;
  }
  throw illegalArgument(`Unknown operator [${op}]`);
}

// ---------------------------------------------------------------------------------------------
// Members

function mapKey(k: unknown): string {
  return typeof k === 'string' ? k : javaToString(k);
}

function listIndex(list: unknown[], i: unknown): number {
  if (!isNumber(i) || isDouble(i)) throw classCast(`Cannot cast ${javaClass(i)} to java.lang.Integer`);
  const raw = numValue(i);
  // Painless reads negative indexes from the end of lists.
  const n = raw < 0 ? list.length + raw : raw;
  if (n < 0 || n >= list.length) throw indexOutOfBounds(`Index ${raw} out of bounds for length ${list.length}`);
  return n;
}

function getField(obj: unknown, name: string): unknown {
  if (obj === null || obj === undefined) throw nullPointer(`Cannot invoke "Object.getClass()" because "receiver" is null`);
  if (isMap(obj)) return mapGet(obj, name);
  if (Array.isArray(obj)) {
    if (name === 'length') return obj.length;
    if (name === 'empty') return obj.length === 0;
    if (/^-?\d+$/.test(name)) return obj[listIndex(obj, Number(name))] ?? null;
    throw illegalArgument(`Illegal list shortcut value [${name}].`);
  }
  if (obj instanceof JavaDate && name in DATE_GETTERS) return (DATE_GETTERS[name] as (d: JavaDate) => unknown)(obj);
  if (typeof obj === 'string' && name === 'empty') return obj.length === 0;
  throw illegalArgument(`dynamic getter [${javaClass(obj)}, ${name}] not found`);
}

function setField(obj: unknown, name: string, value: unknown): void {
  if (obj === null || obj === undefined) throw nullPointer(`Cannot invoke "Object.getClass()" because "receiver" is null`);
  if (isMap(obj)) {
    mapPut(obj, name, value);
    return;
  }
  if (Array.isArray(obj) && /^-?\d+$/.test(name)) {
    obj[listIndex(obj, Number(name))] = value;
    return;
  }
  throw illegalArgument(`dynamic setter [${javaClass(obj)}, ${name}] not found`);
}

function getIndex(obj: unknown, index: unknown): unknown {
  if (obj === null || obj === undefined) throw nullPointer(`Cannot invoke "Object.getClass()" because "receiver" is null`);
  if (isMap(obj)) return mapGet(obj, mapKey(index));
  if (Array.isArray(obj)) return obj[listIndex(obj, index)] ?? null;
  throw illegalArgument(`Attempting to address a non-array-like type [${javaClass(obj)}] as an array.`);
}

function setIndex(obj: unknown, index: unknown, value: unknown): void {
  if (obj === null || obj === undefined) throw nullPointer(`Cannot invoke "Object.getClass()" because "receiver" is null`);
  if (isMap(obj)) {
    mapPut(obj, mapKey(index), value);
    return;
  }
  if (Array.isArray(obj)) {
    obj[listIndex(obj, index)] = value;
    return;
  }
  throw illegalArgument(`Attempting to address a non-array-like type [${javaClass(obj)}] as an array.`);
}

const DATE_GETTERS: Record<string, (d: JavaDate) => unknown> = {
  millis: (d) => d.ms,
  year: (d) => new Date(d.ms).getUTCFullYear(),
  monthValue: (d) => new Date(d.ms).getUTCMonth() + 1,
  dayOfMonth: (d) => new Date(d.ms).getUTCDate(),
  hour: (d) => new Date(d.ms).getUTCHours(),
  minute: (d) => new Date(d.ms).getUTCMinutes(),
  second: (d) => new Date(d.ms).getUTCSeconds(),
};

function methodNotFound(obj: unknown, name: string, arity: number): PainlessRuntimeError {
  if (UNSUPPORTED_METHODS.has(name)) return illegalArgument(`method [${javaClass(obj)}, ${name}/${arity}] is not supported by the practice cluster's Painless`);
  return illegalArgument(`dynamic method [${javaClass(obj)}, ${name}/${arity}] not found`);
}

function arg(args: unknown[], i: number): unknown {
  const v = args[i];
  return v === undefined ? null : v;
}

function intArg(args: unknown[], i: number): number {
  const v = arg(args, i);
  if (!isNumber(v) || isDouble(v)) throw classCast(`Cannot cast ${javaClass(v)} to java.lang.Integer`);
  return numValue(v);
}

function strArg(args: unknown[], i: number): string {
  const v = arg(args, i);
  if (v === null) throw nullPointer('Cannot invoke "String.length()" because "str" is null');
  if (typeof v !== 'string') throw classCast(`Cannot cast ${javaClass(v)} to java.lang.String`);
  return v;
}

function callMethod(obj: unknown, name: string, args: unknown[]): unknown {
  if (obj === null || obj === undefined) throw nullPointer(`Cannot invoke "Object.getClass()" because "receiver" is null`);
  const n = args.length;
  if (name === 'toString' && n === 0) return javaToString(obj);
  if (name === 'equals' && n === 1) return javaEquals(obj, args[0]);
  if (Array.isArray(obj)) return listMethod(obj, name, args);
  if (isMap(obj)) return mapMethod(obj, name, args);
  if (typeof obj === 'string') return stringMethod(obj, name, args);
  if (isNumber(obj)) {
    const x = numValue(obj);
    switch (`${name}/${n}`) {
      case 'intValue/0':
        return Math.trunc(x) | 0;
      case 'longValue/0':
        return Math.trunc(x);
      case 'doubleValue/0':
      case 'floatValue/0':
        return toDouble(x);
      case 'compareTo/1': {
        const y = numValue(numeric(args[0], 'compareTo'));
        return x < y ? -1 : x > y ? 1 : 0;
      }
      case 'isNaN/0':
        return Number.isNaN(x);
    }
  }
  if (typeof obj === 'boolean') {
    if (name === 'booleanValue' && n === 0) return obj;
    if (name === 'compareTo' && n === 1) return obj === args[0] ? 0 : obj ? 1 : -1;
  }
  if (obj instanceof JavaDate) return dateMethod(obj, name, args);
  throw methodNotFound(obj, name, n);
}

function listMethod(list: unknown[], name: string, args: unknown[]): unknown {
  switch (`${name}/${args.length}`) {
    case 'size/0':
    case 'getLength/0':
      return list.length;
    case 'isEmpty/0':
      return list.length === 0;
    case 'get/1':
      return list[listIndex(list, args[0])] ?? null;
    case 'add/1':
      list.push(arg(args, 0));
      return true;
    case 'add/2': {
      const i = intArg(args, 0);
      if (i < 0 || i > list.length) throw indexOutOfBounds(`Index: ${i}, Size: ${list.length}`);
      list.splice(i, 0, arg(args, 1));
      return null;
    }
    case 'addAll/1': {
      const other = arg(args, 0);
      if (!Array.isArray(other)) throw classCast(`Cannot cast ${javaClass(other)} to java.util.Collection`);
      list.push(...other);
      return other.length > 0;
    }
    case 'set/2': {
      const i = listIndex(list, args[0]);
      const old = list[i] ?? null;
      list[i] = arg(args, 1);
      return old;
    }
    case 'remove/1': {
      const a = arg(args, 0);
      if (isNumber(a) && !isDouble(a)) {
        const i = listIndex(list, a);
        return list.splice(i, 1)[0] ?? null;
      }
      const i = list.findIndex((x) => javaEquals(x, a));
      if (i >= 0) list.splice(i, 1);
      return i >= 0;
    }
    case 'contains/1':
      return list.some((x) => javaEquals(x, args[0]));
    case 'indexOf/1':
      return list.findIndex((x) => javaEquals(x, args[0]));
    case 'lastIndexOf/1': {
      for (let i = list.length - 1; i >= 0; i -= 1) if (javaEquals(list[i], args[0])) return i;
      return -1;
    }
    case 'clear/0':
      list.length = 0;
      return null;
    case 'subList/2': {
      const from = intArg(args, 0);
      const to = intArg(args, 1);
      if (from < 0 || to > list.length || from > to) throw indexOutOfBounds(`fromIndex: ${from}, toIndex: ${to}, size: ${list.length}`);
      return list.slice(from, to);
    }
  }
  throw methodNotFound(list, name, args.length);
}

function mapMethod(map: Record<string, unknown>, name: string, args: unknown[]): unknown {
  switch (`${name}/${args.length}`) {
    case 'get/1':
      return mapGet(map, mapKey(args[0]));
    case 'put/2':
      return mapPut(map, mapKey(args[0]), arg(args, 1));
    case 'containsKey/1':
      return Object.prototype.hasOwnProperty.call(map, mapKey(args[0]));
    case 'containsValue/1':
      return Object.values(map).some((v) => javaEquals(v, args[0]));
    case 'remove/1': {
      const k = mapKey(args[0]);
      const old = mapGet(map, k);
      delete map[k];
      return old;
    }
    case 'size/0':
      return Object.keys(map).length;
    case 'isEmpty/0':
      return Object.keys(map).length === 0;
    case 'keySet/0':
      return Object.keys(map);
    case 'values/0':
      return Object.values(map);
    case 'getOrDefault/2': {
      const k = mapKey(args[0]);
      return Object.prototype.hasOwnProperty.call(map, k) ? mapGet(map, k) : arg(args, 1);
    }
    case 'putAll/1': {
      const other = arg(args, 0);
      if (!isMap(other)) throw classCast(`Cannot cast ${javaClass(other)} to java.util.Map`);
      for (const [k, v] of Object.entries(other)) mapPut(map, k, v);
      return null;
    }
    case 'clear/0':
      for (const k of Object.keys(map)) delete map[k];
      return null;
  }
  throw methodNotFound(map, name, args.length);
}

function stringMethod(s: string, name: string, args: unknown[]): unknown {
  switch (`${name}/${args.length}`) {
    case 'length/0':
      return s.length;
    case 'isEmpty/0':
      return s.length === 0;
    case 'substring/1':
    case 'substring/2': {
      const from = intArg(args, 0);
      const to = args.length === 2 ? intArg(args, 1) : s.length;
      if (from < 0 || to > s.length || from > to) throw new PainlessRuntimeError('string_index_out_of_bounds_exception', `begin ${from}, end ${to}, length ${s.length}`);
      return s.slice(from, to);
    }
    case 'contains/1':
      return s.includes(strArg(args, 0));
    case 'startsWith/1':
      return s.startsWith(strArg(args, 0));
    case 'endsWith/1':
      return s.endsWith(strArg(args, 0));
    case 'indexOf/1':
      return s.indexOf(strArg(args, 0));
    case 'lastIndexOf/1':
      return s.lastIndexOf(strArg(args, 0));
    case 'toLowerCase/0':
      return s.toLowerCase();
    case 'toUpperCase/0':
      return s.toUpperCase();
    case 'trim/0':
      return s.trim();
    case 'equalsIgnoreCase/1': {
      const o = arg(args, 0);
      return typeof o === 'string' && o.toLowerCase() === s.toLowerCase();
    }
    case 'replace/2':
      return s.split(strArg(args, 0)).join(strArg(args, 1));
    case 'compareTo/1': {
      const o = strArg(args, 0);
      return s < o ? -1 : s > o ? 1 : 0;
    }
    case 'splitOnToken/1':
      return s.split(strArg(args, 0));
  }
  throw methodNotFound(s, name, args.length);
}

function dateArg(args: unknown[], i: number): JavaDate {
  const v = arg(args, i);
  if (!(v instanceof JavaDate)) throw classCast(`Cannot cast ${javaClass(v)} to java.time.ZonedDateTime`);
  return v;
}

const PLUS_UNITS: Record<string, number> = { Seconds: 1000, Minutes: 60_000, Hours: 3_600_000, Days: 86_400_000, Weeks: 604_800_000 };

function dateMethod(d: JavaDate, name: string, args: unknown[]): unknown {
  const n = args.length;
  if (n === 0 && name.startsWith('get')) {
    const getter = DATE_GETTERS[name.charAt(3).toLowerCase() + name.slice(4)];
    if (getter) return getter(d);
  }
  switch (`${name}/${n}`) {
    case 'toInstant/0':
      return d;
    case 'toEpochMilli/0':
      return d.ms;
    case 'toEpochSecond/0':
      return Math.floor(d.ms / 1000);
    case 'isAfter/1':
      return d.ms > dateArg(args, 0).ms;
    case 'isBefore/1':
      return d.ms < dateArg(args, 0).ms;
    case 'compareTo/1': {
      const o = dateArg(args, 0).ms;
      return d.ms < o ? -1 : d.ms > o ? 1 : 0;
    }
  }
  const m = /^(plus|minus)(Seconds|Minutes|Hours|Days|Weeks)$/.exec(name);
  if (m && n === 1) {
    const amount = intArg(args, 0) * (PLUS_UNITS[m[2] as string] as number);
    return new JavaDate(d.ms + (m[1] === 'plus' ? amount : -amount));
  }
  throw methodNotFound(d, name, n);
}

function construct(type: string, args: unknown[]): unknown {
  const a = args.length === 1 ? arg(args, 0) : undefined;
  if (type === 'ArrayList') {
    if (args.length === 0 || (isNumber(a) && !isDouble(a))) return [];
    if (Array.isArray(a)) return [...a];
    throw illegalArgument(`constructor [java.util.ArrayList, <init>/${args.length}] not found`);
  }
  if (args.length === 0) return {};
  if (isMap(a)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a)) mapPut(out, k, v);
    return out;
  }
  if (isNumber(a)) return {};
  throw illegalArgument(`constructor [java.util.${type}, <init>/${args.length}] not found`);
}

function parseNumber(s: unknown, integral: boolean): number {
  if (typeof s !== 'string') throw classCast(`Cannot cast ${javaClass(s)} to java.lang.String`);
  const ok = integral ? /^[+-]?\d+$/.test(s) : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/.test(s.trim());
  if (!ok) throw numberFormat(integral ? `For input string: "${s}"` : s.trim() === '' ? 'empty String' : `For input string: "${s}"`);
  return Number(s.replace(/[dDfF]$/, ''));
}

function callStatic(cls: string, name: string, args: unknown[]): unknown {
  const n = args.length;
  if (cls === 'Math') {
    const nums = args.map((a) => numeric(a, `Math.${name}`));
    const xs = nums.map(numValue);
    const anyDouble = nums.some(isDouble);
    switch (`${name}/${n}`) {
      case 'max/2':
        return anyDouble ? toDouble(Math.max(xs[0] as number, xs[1] as number)) : Math.max(xs[0] as number, xs[1] as number);
      case 'min/2':
        return anyDouble ? toDouble(Math.min(xs[0] as number, xs[1] as number)) : Math.min(xs[0] as number, xs[1] as number);
      case 'abs/1':
        return anyDouble ? toDouble(Math.abs(xs[0] as number)) : Math.abs(xs[0] as number);
      case 'round/1':
        // Java rounds half up (towards positive infinity), as Math.round does here.
        return Math.round(xs[0] as number);
      case 'floor/1':
        return toDouble(Math.floor(xs[0] as number));
      case 'ceil/1':
        return toDouble(Math.ceil(xs[0] as number));
      case 'sqrt/1':
        return toDouble(Math.sqrt(xs[0] as number));
      case 'pow/2':
        return toDouble(Math.pow(xs[0] as number, xs[1] as number));
      case 'log/1':
        return toDouble(Math.log(xs[0] as number));
      case 'log10/1':
        return toDouble(Math.log10(xs[0] as number));
      case 'exp/1':
        return toDouble(Math.exp(xs[0] as number));
      case 'signum/1':
        return toDouble(Math.sign(xs[0] as number));
    }
  }
  if ((cls === 'Integer' && name === 'parseInt') || (cls === 'Long' && name === 'parseLong') || ((cls === 'Integer' || cls === 'Long') && name === 'valueOf')) {
    if (n === 1) return parseNumber(arg(args, 0), true);
  }
  if ((cls === 'Double' || cls === 'Float') && (name === 'parseDouble' || name === 'parseFloat' || name === 'valueOf') && n === 1) {
    return toDouble(parseNumber(arg(args, 0), false));
  }
  if (cls === 'Boolean' && name === 'parseBoolean' && n === 1) return String(arg(args, 0)).toLowerCase() === 'true';
  if (cls === 'String' && name === 'valueOf' && n === 1) return javaToString(arg(args, 0));
  if (cls === 'String' && name === 'join' && n === 2) {
    const list = arg(args, 1);
    if (!Array.isArray(list)) throw classCast(`Cannot cast ${javaClass(list)} to java.lang.Iterable`);
    return list.map(javaToString).join(strArg(args, 0));
  }
  throw illegalArgument(`static method [java.lang.${cls}, ${name}/${n}] not found`);
}
