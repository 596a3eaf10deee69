import { PainlessCompileError } from './errors';

/**
 * Tokens of Painless source, with their offsets so errors can point at the character ES points at.
 * Follows the lexical rules of Painless' ANTLR grammar (elastic/elasticsearch
 * `modules/lang-painless/src/main/antlr/PainlessLexer.g4`): strings in single or double quotes
 * with only `\\` and `\"`/`\'` escapes, integer suffixes `l`, float suffixes `f`/`d`, hex and octal
 * integers, `//` and block comments.
 */

export type NumberKind = 'int' | 'long' | 'float' | 'double';

export type Token =
  | { t: 'id'; v: string; start: number; end: number }
  | { t: 'num'; v: number; kind: NumberKind; start: number; end: number }
  | { t: 'str'; v: string; start: number; end: number }
  | { t: 'op'; v: string; start: number; end: number }
  | { t: 'eof'; start: number; end: number };

// Longest first, so `>>>=` wins over `>>` and `>`.
const OPERATORS = [
  '>>>=', '===', '!==', '>>>', '<<=', '>>=', '?.', '?:', '==', '!=', '<=', '>=', '&&', '||', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '^=', '|=',
  '<<', '>>', '->', '::', '{', '}', '[', ']', '(', ')', '.', ',', ';', '!', '~', '*', '/', '%', '+', '-', '<', '>', '&', '^', '|', '?', ':', '=',
];

const INT_MAX = 2147483647;

export function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i += 1;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new PainlessCompileError('unexpected end of script: unclosed comment', i);
      i = end + 2;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(src[j] as string)) j += 1;
      out.push({ t: 'id', v: src.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    const prev = out[out.length - 1];
    const afterDot = prev?.t === 'op' && (prev.v === '.' || prev.v === '?.');
    if (afterDot && /[0-9]/.test(c)) {
      // `hits.0._source`: after a member dot only an integer list shortcut can follow.
      let j = i + 1;
      while (j < n && /[0-9]/.test(src[j] as string)) j += 1;
      out.push({ t: 'num', v: Number(src.slice(i, j)), kind: 'int', start: i, end: j });
      i = j;
      continue;
    }
    const afterOperand = prev !== undefined && (prev.t === 'id' || prev.t === 'str' || (prev.t === 'op' && (prev.v === ')' || prev.v === ']')));
    if (/[0-9]/.test(c) || (c === '.' && !afterOperand && /[0-9]/.test(src[i + 1] ?? ''))) {
      const tok = number(src, i);
      out.push(tok);
      i = tok.end;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= n) throw new PainlessCompileError('unexpected end of script: unterminated string', i);
        const d = src[j] as string;
        if (d === c) break;
        if (d === '\\') {
          const e = src[j + 1];
          if (e === '\\' || e === c) {
            text += e;
            j += 2;
            continue;
          }
          throw new PainlessCompileError(`unexpected character [${src.slice(i, j + 2)}].`, i);
        }
        text += d;
        j += 1;
      }
      out.push({ t: 'str', v: text, start: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new PainlessCompileError(`unexpected character [${c}].`, i);
    out.push({ t: 'op', v: op, start: i, end: i + op.length });
    i += op.length;
  }
  out.push({ t: 'eof', start: n, end: n });
  return out;
}

function number(src: string, start: number): Token {
  const rest = src.slice(start);
  const hex = /^0[xX]([0-9a-fA-F]+)([lL]?)/.exec(rest);
  if (hex) {
    const v = parseInt(hex[1] as string, 16);
    return integer(v, hex[2] !== '', start, start + hex[0].length);
  }
  const dec = /^(\d*\.\d+|\d+\.(?!\.)\d*|\d+)([eE][+-]?\d+)?([lLfFdD]?)/.exec(rest);
  if (!dec) throw new PainlessCompileError('invalid number', start);
  const end = start + dec[0].length;
  const body = (dec[1] as string) + (dec[2] ?? '');
  const suffix = (dec[3] ?? '').toLowerCase();
  const isDecimal = body.includes('.') || /[eE]/.test(body);
  if (suffix === 'f') return { t: 'num', v: Number(body), kind: 'float', start, end };
  if (suffix === 'd' || isDecimal) {
    if (suffix === 'l') throw new PainlessCompileError(`Invalid long constant [${dec[0]}].`, start);
    return { t: 'num', v: Number(body), kind: 'double', start, end };
  }
  // Java reads a leading 0 as octal.
  const v = body.length > 1 && body.startsWith('0') ? parseInt(body, 8) : Number(body);
  return integer(v, suffix === 'l', start, end);
}

function integer(v: number, isLong: boolean, start: number, end: number): Token {
  if (!isLong && v > INT_MAX + 1) throw new PainlessCompileError(`Invalid int constant [${v}]. If you want a long constant then change it to [${v}L].`, start);
  return { t: 'num', v, kind: isLong ? 'long' : 'int', start, end };
}
