import type { Declarator, Expr, Program, Stmt } from './ast';
import { PainlessCompileError, notInSubset } from './errors';
import { lex, type Token } from './lexer';
import { CONSTRUCTIBLE, KNOWN_UNSUPPORTED, STATIC_CLASSES, isTypeName } from './types';

/**
 * A recursive-descent parser for the Painless subset, with Java's operator precedence and
 * Painless' scoping rules checked at compile time (an unknown name is a compile error, as in ES).
 */

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '^=', '|=', '<<=', '>>=', '>>>=']);
const KEYWORDS = new Set(['if', 'else', 'for', 'while', 'do', 'return', 'break', 'continue', 'new', 'true', 'false', 'null', 'instanceof', 'in', 'try', 'catch', 'throw']);

export function parseProgram(source: string, globals: readonly string[]): Program {
  return new Parser(source, globals).program();
}

class Parser {
  private readonly toks: Token[];
  private p = 0;
  private readonly scopes: Set<string>[];
  private readonly statementStarts: number[] = [];
  private loopDepth = 0;

  constructor(
    private readonly source: string,
    globals: readonly string[],
  ) {
    this.toks = lex(source);
    this.scopes = [new Set(globals)];
  }

  program(): Program {
    const body: Stmt[] = [];
    while (this.peek().t !== 'eof') {
      const s = this.statement(true);
      body.push(s);
    }
    if (body.length === 0) throw new PainlessCompileError('Cannot generate an empty script.', 0);
    return { body, statementStarts: [...new Set(this.statementStarts)].sort((a, b) => a - b) };
  }

  // -------------------------------------------------------------------------------------------
  // Tokens

  private peek(ahead = 0): Token {
    return this.toks[Math.min(this.p + ahead, this.toks.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.t !== 'eof') this.p += 1;
    return t;
  }

  private isOp(v: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.t === 'op' && t.v === v;
  }

  private isId(v?: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.t === 'id' && (v === undefined || t.v === v);
  }

  private fail(t: Token = this.peek()): never {
    if (t.t === 'eof') throw new PainlessCompileError('unexpected end of script.', t.start);
    if (t.t === 'op' && t.v === '->') throw notInSubset('a lambda', t.start);
    if (t.t === 'op' && t.v === '::') throw notInSubset('a method reference', t.start);
    throw new PainlessCompileError(`invalid sequence of tokens near ['${this.source.slice(t.start, t.end)}'].`, t.start);
  }

  private expect(v: string): Token {
    if (!this.isOp(v)) this.fail();
    return this.next();
  }

  private ident(): Token & { t: 'id' } {
    const t = this.peek();
    if (t.t !== 'id' || KEYWORDS.has(t.v)) this.fail();
    this.p += 1;
    return t as Token & { t: 'id' };
  }

  // -------------------------------------------------------------------------------------------
  // Scopes

  private declare(name: string, at: number): void {
    for (const s of this.scopes) if (s.has(name)) throw new PainlessCompileError(`variable [${name}] is already defined`, at);
    (this.scopes[this.scopes.length - 1] as Set<string>).add(name);
  }

  private known(name: string): boolean {
    return this.scopes.some((s) => s.has(name));
  }

  private scoped<T>(fn: () => T): T {
    this.scopes.push(new Set());
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  private statement(topLevel = false): Stmt {
    const t = this.peek();
    const at = t.start;
    if (t.t === 'op' && t.v === '{') return this.scoped(() => this.block());
    // Painless records where each statement starts (not blocks) for its runtime error snippets.
    this.statementStarts.push(at);
    if (t.t === 'op' && t.v === ';') {
      this.next();
      return { k: 'empty', at };
    }
    if (t.t === 'id') {
      switch (t.v) {
        case 'if': {
          this.next();
          this.expect('(');
          const c = this.expression();
          this.expect(')');
          const then = this.scoped(() => this.statement());
          let otherwise: Stmt | undefined;
          if (this.isId('else')) {
            this.next();
            otherwise = this.scoped(() => this.statement());
          }
          return otherwise ? { k: 'if', at, c, then, else: otherwise } : { k: 'if', at, c, then };
        }
        case 'for':
          return this.scoped(() => this.forStatement(at));
        case 'while': {
          this.next();
          this.expect('(');
          const c = this.expression();
          this.expect(')');
          const body = this.loopBody();
          return { k: 'while', at, c, body };
        }
        case 'do': {
          this.next();
          const body = this.loopBody();
          if (!this.isId('while')) this.fail();
          this.next();
          this.expect('(');
          const c = this.expression();
          this.expect(')');
          this.endOfStatement(topLevel);
          return { k: 'do', at, body, c };
        }
        case 'return': {
          this.next();
          if (this.isOp(';') || (topLevel && this.peek().t === 'eof')) {
            this.endOfStatement(topLevel);
            return { k: 'return', at };
          }
          const e = this.expression();
          this.endOfStatement(topLevel);
          return { k: 'return', at, e };
        }
        case 'break':
        case 'continue': {
          this.next();
          if (this.loopDepth === 0) throw new PainlessCompileError(`Statement [${t.v}] outside of a loop.`, at);
          this.endOfStatement(topLevel);
          return t.v === 'break' ? { k: 'break', at } : { k: 'continue', at };
        }
        case 'try':
        case 'throw':
          throw notInSubset(`[${t.v}]`, at);
        default:
          if (this.startsDeclaration()) {
            const d = this.declaration();
            this.endOfStatement(topLevel);
            return d;
          }
      }
    }
    const e = this.expression();
    this.endOfStatement(topLevel);
    return { k: 'expr', at, e };
  }

  /** Painless lets the last statement of a script, or of a block (`{ ctx.op = 'delete' }`), omit its semicolon. */
  private endOfStatement(topLevel: boolean): void {
    if (this.isOp(';')) {
      this.next();
      return;
    }
    if (topLevel && this.peek().t === 'eof') return;
    if (!topLevel && this.isOp('}')) return;
    this.fail();
  }

  private block(): Stmt {
    const at = this.expect('{').start;
    const body: Stmt[] = [];
    while (!this.isOp('}')) {
      if (this.peek().t === 'eof') this.fail();
      body.push(this.statement());
    }
    this.next();
    return { k: 'block', at, body };
  }

  private loopBody(): Stmt {
    this.loopDepth += 1;
    try {
      return this.scoped(() => this.statement());
    } finally {
      this.loopDepth -= 1;
    }
  }

  private startsDeclaration(): boolean {
    const t = this.peek();
    if (t.t !== 'id') return false;
    if (KNOWN_UNSUPPORTED.has(t.v) && this.isId(undefined, 1)) throw notInSubset(`the type [${t.v}]`, t.start);
    if (!isTypeName(t.v)) return false;
    if (this.isOp('[', 1)) throw notInSubset('an array type', t.start);
    return this.isId(undefined, 1);
  }

  private declaration(): Stmt {
    const typeTok = this.ident();
    const decls: Declarator[] = [];
    do {
      if (decls.length > 0) this.next();
      const nameTok = this.ident();
      let init: Expr | undefined;
      if (this.isOp('=')) {
        this.next();
        init = this.expression();
      }
      this.declare(nameTok.v, nameTok.start);
      decls.push(init ? { name: nameTok.v, at: nameTok.start, init } : { name: nameTok.v, at: nameTok.start });
    } while (this.isOp(','));
    return { k: 'decl', at: typeTok.start, type: typeTok.v, decls };
  }

  private forStatement(at: number): Stmt {
    this.next();
    this.expect('(');
    // for (Type x : list) and for (x in list)
    if (this.isId() && this.isId(undefined, 1) && this.isOp(':', 2) && isTypeName((this.peek() as { v: string }).v)) {
      const type = this.ident().v;
      const name = this.ident();
      this.next();
      const iterable = this.expression();
      this.expect(')');
      this.declare(name.v, name.start);
      return { k: 'foreach', at, type, name: name.v, iterable, body: this.loopBody() };
    }
    if (this.isId() && this.isId('in', 1)) {
      const name = this.ident();
      this.next();
      const iterable = this.expression();
      this.expect(')');
      this.declare(name.v, name.start);
      return { k: 'foreach', at, type: 'def', name: name.v, iterable, body: this.loopBody() };
    }
    let init: Stmt | undefined;
    if (!this.isOp(';')) {
      const initAt = this.peek().start;
      if (this.startsDeclaration()) init = this.declaration();
      else init = { k: 'expr', at: initAt, e: this.expression() };
    }
    this.expect(';');
    const c = this.isOp(';') ? undefined : this.expression();
    this.expect(';');
    const update: Expr[] = [];
    if (!this.isOp(')')) {
      update.push(this.expression());
      while (this.isOp(',')) {
        this.next();
        update.push(this.expression());
      }
    }
    this.expect(')');
    const body = this.loopBody();
    const out: Stmt = { k: 'for', at, update, body };
    if (init) out.init = init;
    if (c) out.c = c;
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Expressions (Java precedence)

  expression(): Expr {
    return this.assignment();
  }

  private assignment(): Expr {
    const left = this.conditional();
    const t = this.peek();
    if (t.t === 'op' && ASSIGN_OPS.has(t.v)) {
      if (left.k !== 'var' && left.k !== 'field' && left.k !== 'index') {
        throw new PainlessCompileError('invalid assignment: cannot assign a value to this expression', t.start);
      }
      this.next();
      const value = this.assignment();
      return { k: 'assign', at: left.at, op: t.v, target: left, value };
    }
    return left;
  }

  private conditional(): Expr {
    const c = this.binary(0);
    if (this.isOp('?')) {
      const q = this.next();
      const a = this.assignment();
      this.expect(':');
      const b = this.conditional();
      return { k: 'cond', at: q.start, c, a, b };
    }
    if (this.isOp('?:')) {
      const q = this.next();
      const r = this.conditional();
      return { k: 'elvis', at: q.start, l: c, r };
    }
    return c;
  }

  private static readonly LEVELS: string[][] = [
    ['||'],
    ['&&'],
    ['|'],
    ['^'],
    ['&'],
    ['==', '!=', '===', '!=='],
    ['<', '<=', '>', '>=', 'instanceof'],
    ['<<', '>>', '>>>'],
    ['+', '-'],
    ['*', '/', '%'],
  ];

  private binary(level: number): Expr {
    if (level >= Parser.LEVELS.length) return this.unary();
    const ops = Parser.LEVELS[level] as string[];
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      const op = t.t === 'op' ? t.v : t.t === 'id' && t.v === 'instanceof' ? 'instanceof' : undefined;
      if (op === undefined || !ops.includes(op)) return left;
      this.next();
      if (op === 'instanceof') {
        const type = this.ident();
        if (!isTypeName(type.v)) throw new PainlessCompileError(`cannot resolve type [${type.v}]`, type.start);
        left = { k: 'instanceof', at: left.at, e: left, type: type.v };
        continue;
      }
      const right = this.binary(level + 1);
      left = op === '&&' || op === '||' ? { k: 'logical', at: left.at, op, l: left, r: right } : { k: 'binary', at: left.at, op, l: left, r: right };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.t === 'op') {
      if (t.v === '!' || t.v === '-' || t.v === '+' || t.v === '~') {
        this.next();
        const e = this.unary();
        if (t.v === '-' && e.k === 'num') return { ...e, at: t.start, v: -e.v };
        return { k: 'unary', at: t.start, op: t.v, e };
      }
      if (t.v === '++' || t.v === '--') {
        this.next();
        const target = this.unary();
        this.assignable(target, t.start);
        return { k: 'update', at: t.start, op: t.v, prefix: true, target };
      }
      if (t.v === '(' && this.isId(undefined, 1) && this.isOp(')', 2)) {
        const name = (this.peek(1) as { v: string }).v;
        if (isTypeName(name)) {
          this.p += 3;
          return { k: 'cast', at: t.start, type: name, e: this.unary() };
        }
      }
    }
    return this.postfix(this.primary());
  }

  private assignable(e: Expr, at: number): void {
    if (e.k !== 'var' && e.k !== 'field' && e.k !== 'index') throw new PainlessCompileError('invalid assignment: cannot assign a value to this expression', at);
  }

  private postfix(start: Expr): Expr {
    let e = start;
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op') return e;
      if (t.v === '.' || t.v === '?.') {
        this.next();
        const name = this.peek();
        if (name.t === 'num' && name.kind === 'int' && t.v === '.') {
          // `list.0` reads as a list shortcut.
          this.next();
          e = { k: 'field', at: e.at, obj: e, name: String(name.v), nullSafe: false };
          continue;
        }
        const id = this.ident();
        if (this.isOp('(')) {
          const args = this.args();
          e = { k: 'call', at: e.at, obj: e, name: id.v, args, nullSafe: t.v === '?.' };
        } else {
          e = { k: 'field', at: e.at, obj: e, name: id.v, nullSafe: t.v === '?.' };
        }
        continue;
      }
      if (t.v === '[') {
        this.next();
        const index = this.expression();
        this.expect(']');
        e = { k: 'index', at: e.at, obj: e, index };
        continue;
      }
      if (t.v === '++' || t.v === '--') {
        this.assignable(e, t.start);
        this.next();
        e = { k: 'update', at: e.at, op: t.v, prefix: false, target: e };
        continue;
      }
      if (t.v === '->') throw notInSubset('a lambda', t.start);
      if (t.v === '::') throw notInSubset('a method reference', t.start);
      return e;
    }
  }

  private args(): Expr[] {
    this.expect('(');
    const out: Expr[] = [];
    if (!this.isOp(')')) {
      out.push(this.expression());
      while (this.isOp(',')) {
        this.next();
        out.push(this.expression());
      }
    }
    this.expect(')');
    return out;
  }

  private primary(): Expr {
    const t = this.peek();
    const at = t.start;
    switch (t.t) {
      case 'num':
        this.next();
        return { k: 'num', at, v: t.v, kind: t.kind };
      case 'str':
        this.next();
        return { k: 'str', at, v: t.v };
      case 'eof':
        return this.fail(t);
      case 'op':
        if (t.v === '(') {
          // `(a, b) -> ...` and `x -> ...` are lambdas.
          this.next();
          if (this.isOp(')') && this.isOp('->', 1)) throw notInSubset('a lambda', at);
          const e = this.expression();
          if (this.isOp(',')) throw notInSubset('a lambda', at);
          this.expect(')');
          if (this.isOp('->')) throw notInSubset('a lambda', at);
          return e;
        }
        if (t.v === '[') return this.collectionLiteral();
        return this.fail(t);
      case 'id':
        break;
    }
    const name = (t as { v: string }).v;
    if (name === 'true' || name === 'false') {
      this.next();
      return { k: 'bool', at, v: name === 'true' };
    }
    if (name === 'null') {
      this.next();
      return { k: 'null', at };
    }
    if (name === 'new') return this.newExpression();
    if (this.isOp('->', 1)) throw notInSubset('a lambda', at);
    if (this.isOp('::', 1)) throw notInSubset('a method reference', at);
    if (!this.known(name)) {
      if (STATIC_CLASSES.has(name) && this.isOp('.', 1)) {
        this.next();
        this.next();
        const method = this.ident();
        if (!this.isOp('(')) throw notInSubset(`the static field [${name}.${method.v}]`, method.start);
        return { k: 'static', at, cls: name, name: method.v, args: this.args() };
      }
      if (KNOWN_UNSUPPORTED.has(name)) throw notInSubset(`the class [${name}]`, at);
      if (KEYWORDS.has(name)) this.fail(t);
      throw new PainlessCompileError(`cannot resolve symbol [${name}]`, at);
    }
    this.next();
    return { k: 'var', at, name };
  }

  private newExpression(): Expr {
    const at = this.next().start;
    const type = this.ident();
    if (this.isOp('[')) throw notInSubset('an array', type.start);
    if (!CONSTRUCTIBLE.has(type.v)) {
      if (isTypeName(type.v) || KNOWN_UNSUPPORTED.has(type.v)) throw notInSubset(`new [${type.v}]`, type.start);
      throw new PainlessCompileError(`cannot resolve type [${type.v}]`, type.start);
    }
    return { k: 'new', at, type: type.v, args: this.args() };
  }

  /** `[1, 2]`, `[]`, `['k': v]` and `[:]`. */
  private collectionLiteral(): Expr {
    const at = this.next().start;
    if (this.isOp(':') && this.isOp(']', 1)) {
      this.p += 2;
      return { k: 'map', at, entries: [] };
    }
    if (this.isOp(']')) {
      this.next();
      return { k: 'list', at, items: [] };
    }
    const first = this.expression();
    if (this.isOp(':')) {
      this.next();
      const entries: [Expr, Expr][] = [[first, this.expression()]];
      while (this.isOp(',')) {
        this.next();
        const k = this.expression();
        this.expect(':');
        entries.push([k, this.expression()]);
      }
      this.expect(']');
      return { k: 'map', at, entries };
    }
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      items.push(this.expression());
    }
    this.expect(']');
    return { k: 'list', at, items };
  }
}
