/**
 * The `standard` analyzer: Unicode word segmentation (UAX #29, the rules that matter for log text)
 * followed by lowercasing. Underscores join words (`input_userauth_request` stays one token), letters
 * stay joined across `.`, `'` and `:` (`example.com`), digits across `.` and `,` (`10.0.0.1`), and
 * each CJK ideograph is its own token, as in Lucene's StandardTokenizer.
 */

const MAX_TOKEN_LENGTH = 255;

const enum Cls {
  Other,
  Letter,
  Digit,
  Extend, // combining marks, joiners: stay inside the token
  Connector, // `_` and other connector punctuation
  Ideo, // Han, Hiragana: one token per character
  MidLetter, // `:` `·`
  MidNum, // `,` `;`
  MidNumLet, // `.` `'` `’`
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;
const MARK = /[\p{M}\u200d]/u;
const CONNECTOR = /\p{Pc}/u;
const IDEO = /[\p{Script=Han}\p{Script=Hiragana}]/u;

function classify(ch: string, code: number): Cls {
  if (code < 128) {
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return Cls.Letter;
    if (code >= 48 && code <= 57) return Cls.Digit;
    if (code === 95) return Cls.Connector;
    if (code === 46 || code === 39) return Cls.MidNumLet;
    if (code === 58) return Cls.MidLetter;
    if (code === 44 || code === 59) return Cls.MidNum;
    return Cls.Other;
  }
  if (code === 0x2019 || code === 0x2018 || code === 0xff0e) return Cls.MidNumLet;
  if (code === 0xb7 || code === 0x387 || code === 0x5f4 || code === 0x2027) return Cls.MidLetter;
  if (IDEO.test(ch)) return Cls.Ideo;
  if (LETTER.test(ch)) return Cls.Letter;
  if (DIGIT.test(ch)) return Cls.Digit;
  if (MARK.test(ch)) return Cls.Extend;
  if (CONNECTOR.test(ch)) return Cls.Connector;
  return Cls.Other;
}

function isWord(c: Cls): boolean {
  return c === Cls.Letter || c === Cls.Digit || c === Cls.Extend || c === Cls.Connector;
}

/** Tokens of `text` as the standard analyzer produces them (lowercased, in order). */
export function analyze(text: string): string[] {
  const chars = Array.from(text);
  const classes = chars.map((ch) => classify(ch, ch.codePointAt(0) ?? 0));
  const out: string[] = [];
  let i = 0;
  const n = chars.length;
  while (i < n) {
    const c = classes[i] as Cls;
    if (c === Cls.Ideo) {
      out.push((chars[i] as string).toLowerCase());
      i += 1;
      continue;
    }
    if (!isWord(c) || c === Cls.Extend) {
      i += 1;
      continue;
    }
    const start = i;
    let lastBase = c; // the last letter/digit class, for the mid-punctuation rules
    i += 1;
    while (i < n) {
      const ci = classes[i] as Cls;
      if (isWord(ci)) {
        if (ci === Cls.Letter || ci === Cls.Digit) lastBase = ci;
        i += 1;
        continue;
      }
      if (ci === Cls.MidLetter || ci === Cls.MidNum || ci === Cls.MidNumLet) {
        const next = classes[i + 1];
        if (next === Cls.Letter && lastBase === Cls.Letter && (ci === Cls.MidLetter || ci === Cls.MidNumLet)) {
          i += 1;
          continue;
        }
        if (next === Cls.Digit && lastBase === Cls.Digit && (ci === Cls.MidNum || ci === Cls.MidNumLet)) {
          i += 1;
          continue;
        }
      }
      break;
    }
    let token = chars.slice(start, i).join('').toLowerCase();
    while (token.length > MAX_TOKEN_LENGTH) {
      out.push(token.slice(0, MAX_TOKEN_LENGTH));
      token = token.slice(MAX_TOKEN_LENGTH);
    }
    if (token.length > 0) out.push(token);
  }
  return out;
}

/** Fast path for ASCII-only text, which is what logs mostly are. */
export function analyzeText(text: string): string[] {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return analyzeAscii(text);
  return analyze(text);
}

function analyzeAscii(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    const c = classify('', code);
    if (c !== Cls.Letter && c !== Cls.Digit && c !== Cls.Connector) {
      i += 1;
      continue;
    }
    const start = i;
    let lastBase = c;
    i += 1;
    while (i < n) {
      const ci = classify('', text.charCodeAt(i));
      if (ci === Cls.Letter || ci === Cls.Digit || ci === Cls.Connector) {
        if (ci !== Cls.Connector) lastBase = ci;
        i += 1;
        continue;
      }
      if (ci === Cls.MidLetter || ci === Cls.MidNum || ci === Cls.MidNumLet) {
        const next = i + 1 < n ? classify('', text.charCodeAt(i + 1)) : Cls.Other;
        if (next === Cls.Letter && lastBase === Cls.Letter && ci !== Cls.MidNum) {
          i += 1;
          continue;
        }
        if (next === Cls.Digit && lastBase === Cls.Digit && ci !== Cls.MidLetter) {
          i += 1;
          continue;
        }
      }
      break;
    }
    let token = text.slice(start, i).toLowerCase();
    while (token.length > MAX_TOKEN_LENGTH) {
      out.push(token.slice(0, MAX_TOKEN_LENGTH));
      token = token.slice(MAX_TOKEN_LENGTH);
    }
    out.push(token);
  }
  return out;
}
