import type { NumberKind } from './lexer';

/** The syntax tree of the Painless subset. Every node keeps the offset errors point at. */

export type Expr =
  | { k: 'num'; at: number; v: number; kind: NumberKind }
  | { k: 'str'; at: number; v: string }
  | { k: 'bool'; at: number; v: boolean }
  | { k: 'null'; at: number }
  | { k: 'var'; at: number; name: string }
  | { k: 'field'; at: number; obj: Expr; name: string; nullSafe: boolean }
  | { k: 'index'; at: number; obj: Expr; index: Expr }
  | { k: 'call'; at: number; obj: Expr; name: string; args: Expr[]; nullSafe: boolean }
  | { k: 'static'; at: number; cls: string; name: string; args: Expr[] }
  | { k: 'new'; at: number; type: string; args: Expr[] }
  | { k: 'list'; at: number; items: Expr[] }
  | { k: 'map'; at: number; entries: [Expr, Expr][] }
  | { k: 'unary'; at: number; op: '!' | '-' | '+' | '~'; e: Expr }
  | { k: 'binary'; at: number; op: string; l: Expr; r: Expr }
  | { k: 'logical'; at: number; op: '&&' | '||'; l: Expr; r: Expr }
  | { k: 'cond'; at: number; c: Expr; a: Expr; b: Expr }
  | { k: 'elvis'; at: number; l: Expr; r: Expr }
  | { k: 'assign'; at: number; op: string; target: Expr; value: Expr }
  | { k: 'update'; at: number; op: '++' | '--'; prefix: boolean; target: Expr }
  | { k: 'cast'; at: number; type: string; e: Expr }
  | { k: 'instanceof'; at: number; e: Expr; type: string };

export interface Declarator {
  name: string;
  at: number;
  init?: Expr;
}

export type Stmt =
  | { k: 'block'; at: number; body: Stmt[] }
  | { k: 'if'; at: number; c: Expr; then: Stmt; else?: Stmt }
  | { k: 'for'; at: number; init?: Stmt; c?: Expr; update: Expr[]; body: Stmt }
  | { k: 'foreach'; at: number; type: string; name: string; iterable: Expr; body: Stmt }
  | { k: 'while'; at: number; c: Expr; body: Stmt }
  | { k: 'do'; at: number; body: Stmt; c: Expr }
  | { k: 'return'; at: number; e?: Expr }
  | { k: 'break'; at: number }
  | { k: 'continue'; at: number }
  | { k: 'decl'; at: number; type: string; decls: Declarator[] }
  | { k: 'expr'; at: number; e: Expr }
  | { k: 'empty'; at: number };

export interface Program {
  body: Stmt[];
  /** Start offsets of every statement, for the runtime error snippet. */
  statementStarts: number[];
}
