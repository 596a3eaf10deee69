import { describe, expect, it } from 'vitest';
import { compileRegexp, compileWildcard, parseRegexpFlags, REGEXP_FLAGS, RegexpSyntaxError, TooComplexError } from './automaton';
import { globMatch, simpleMatch } from './wildcard';

/** The crafted filter: `*a*a…*a*c` with `groups` groups. */
const crafted = (groups: number) => `${'*a'.repeat(groups)}*c`;

describe('wildcard automaton', () => {
  it('matches as Lucene wildcards do: * any string, ? one character, \\ escapes', () => {
    const w = (p: string, v: string, ci = false) => compileWildcard(p, { caseInsensitive: ci }).test(v);
    expect(w('hAx*', 'hAx0R')).toBe(true);
    expect(w('hAx*', 'hax0R')).toBe(false);
    expect(w('hAx*', 'HAX0r', true)).toBe(true);
    expect(w('?oot', 'root')).toBe(true);
    expect(w('?oot', 'oot')).toBe(false);
    expect(w('a\\*b', 'a*b')).toBe(true);
    expect(w('a\\*b', 'axb')).toBe(false);
    expect(w('trailing\\', 'trailing\\')).toBe(true);
    expect(w('*', '')).toBe(true);
    expect(w('', '')).toBe(true);
    expect(w('', 'x')).toBe(false);
    // `?` is one character, a surrogate pair included.
    expect(w('?', '😀')).toBe(true);
    expect(w(crafted(9), `${'a'.repeat(32)}c`)).toBe(true);
    expect(w(crafted(9), 'a'.repeat(32))).toBe(false);
    expect(w(crafted(9), `${'a'.repeat(8)}c`)).toBe(false);
  });

  it("reads each character of a value once: the crafted filter's work grows linearly with the value", () => {
    const stepsFor = (groups: number, length: number) => {
      const dfa = compileWildcard(crafted(groups));
      expect(dfa.test('a'.repeat(length))).toBe(false);
      return dfa.steps;
    };
    for (const groups of [9, 12, 20]) {
      const steps = [1_000, 2_000, 4_000, 16_000].map((length) => stepsFor(groups, length));
      // Each further thousand characters costs the same: one transition per character plus a
      // binary search among a state's few ranges.
      const perThousand = (steps[1] as number) - (steps[0] as number);
      expect(perThousand).toBeGreaterThanOrEqual(1_000);
      expect(perThousand).toBeLessThanOrEqual(4_000);
      expect((steps[2] as number) - (steps[1] as number)).toBe(perThousand * 2);
      expect((steps[3] as number) - (steps[2] as number)).toBe(perThousand * 12);
    }
    // More groups cost (almost) nothing more per character: no backtracking over the a's.
    expect(stepsFor(20, 4_000)).toBeLessThanOrEqual(stepsFor(9, 4_000) * 1.5);
  });

  it('stops at the first character no match can follow', () => {
    const dfa = compileWildcard('abc*');
    expect(dfa.test(`x${'a'.repeat(10_000)}`)).toBe(false);
    expect(dfa.steps).toBeLessThanOrEqual(4);
    const tail = compileWildcard('abc*');
    expect(tail.test(`abc${'z'.repeat(10_000)}`)).toBe(true);
    expect(tail.steps).toBeLessThanOrEqual(12);
  });

  it("refuses a pattern whose automaton passes max_determinized_states, as Lucene's determinize does", () => {
    // "the 11th character from the end is an a": 2^11 states.
    expect(() => compileWildcard(`*a${'?'.repeat(10)}`, { maxDeterminizedStates: 1_000 })).toThrow(TooComplexError);
    expect(compileWildcard(`*a${'?'.repeat(10)}`).test(`a${'b'.repeat(10)}`)).toBe(true);
    expect(() => compileWildcard(`*a${'?'.repeat(20)}`)).toThrow(/would require more than 10000 effort/);
  });
});

describe('regexp automaton (Lucene syntax)', () => {
  const r = (p: string, v: string, options: Parameters<typeof compileRegexp>[1] = {}) => compileRegexp(p, options).test(v);

  it('is anchored and knows the standard operators', () => {
    expect(r('k.*y', 'kimchy')).toBe(true);
    expect(r('k.*y', 'kimchyz')).toBe(false);
    expect(r('ab?c', 'ac')).toBe(true);
    expect(r('ab+c', 'ac')).toBe(false);
    expect(r('a{2,3}', 'aaa')).toBe(true);
    expect(r('a{2,3}', 'aaaa')).toBe(false);
    expect(r('a{2,}', 'aaaaa')).toBe(true);
    expect(r('a{2}', 'a')).toBe(false);
    expect(r('(root|admin)[0-9]*', 'admin42')).toBe(true);
    expect(r('[^a-c]x', 'dx')).toBe(true);
    expect(r('[^a-c]x', 'bx')).toBe(false);
    expect(r('"a.b"', 'a.b')).toBe(true);
    expect(r('"a.b"', 'axb')).toBe(false);
    expect(r('a\\.b', 'axb')).toBe(false);
    expect(r('\\d+', '2026')).toBe(true);
    expect(r('\\w+', 'a b')).toBe(false);
    expect(r('()', '')).toBe(true);
    expect(r('hax', 'HAX', { caseInsensitive: true })).toBe(true);
    expect(r('hax', 'HAX')).toBe(false);
  });

  it('knows the optional operators of `flags` (ALL by default), and treats them as characters without their flag', () => {
    expect(r('@', 'anything')).toBe(true);
    expect(r('#|a', 'a')).toBe(true);
    expect(r('#', '')).toBe(false);
    expect(r('foo<1-100>', 'foo42')).toBe(true);
    expect(r('foo<1-100>', 'foo101')).toBe(false);
    expect(r('<01-10>', '07')).toBe(true);
    expect(r('<01-10>', '7')).toBe(false);
    expect(r('<1-100>', '007')).toBe(true);
    expect(r('a.*&.*z', 'abcz')).toBe(true);
    expect(r('a.*&.*z', 'abc')).toBe(false);
    expect(r('ab~(cd)', 'abxx')).toBe(true);
    expect(r('ab~(cd)', 'abcd')).toBe(false);
    const none = { flags: REGEXP_FLAGS.NONE };
    expect(r('a@', 'a@', none)).toBe(true);
    expect(r('a@', 'ab', none)).toBe(false);
    expect(r('a&b', 'a&b', none)).toBe(true);
    expect(parseRegexpFlags('INTERVAL|ANYSTRING')).toBe(REGEXP_FLAGS.INTERVAL | REGEXP_FLAGS.ANYSTRING);
    expect(parseRegexpFlags('BOGUS')).toBeNull();
  });

  it('refuses bad syntax with a reason like Lucene\'s', () => {
    expect(() => compileRegexp('(ab')).toThrow(RegexpSyntaxError);
    expect(() => compileRegexp('(ab')).toThrow("expected ')' at position 3");
    expect(() => compileRegexp('[ab')).toThrow(/expected '\]'/);
    expect(() => compileRegexp('a{x}')).toThrow('integer expected at position 2');
    expect(() => compileRegexp('ab)')).toThrow('end-of-string expected at position 2');
  });

  it('matches backtracking-prone expressions in linear work', () => {
    for (const pattern of ['(a+)+c', '(a|aa)*c', '(.*a){12}c']) {
      const steps = [1_000, 2_000, 8_000].map((length) => {
        const dfa = compileRegexp(pattern);
        expect(dfa.test('a'.repeat(length))).toBe(false);
        return dfa.steps;
      });
      const perThousand = (steps[1] as number) - (steps[0] as number);
      expect(perThousand, pattern).toBeLessThanOrEqual(4_000);
      expect((steps[2] as number) - (steps[1] as number), pattern).toBe(perThousand * 6);
    }
  });

  it('throws too_complex past max_determinized_states (default 10 000) and honours a higher limit', () => {
    // (a|b)*a(a|b){n}: the DFA must remember the last n+1 characters, 2^(n+1) states.
    expect(compileRegexp('(a|b)*a(a|b){5}').test('aabbbbb')).toBe(true);
    const error = (() => {
      try {
        compileRegexp('(a|b)*a(a|b){20}');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(TooComplexError);
    const tooComplex = error as TooComplexError;
    expect(tooComplex.limit).toBe(10_000);
    expect(tooComplex.reasonFor('8')).toMatch(/^Determinizing automaton with \d+ states and \d+ transitions would require more than 10000 effort\.$/);
    expect(tooComplex.reasonFor('7')).toMatch(/^Determinizing automaton with \d+ states and \d+ transitions would result in more than 10000 states\.$/);
    expect(() => compileRegexp('(a|b)*a(a|b){9}', { maxDeterminizedStates: 100 })).toThrow(TooComplexError);
    expect(compileRegexp('(a|b)*a(a|b){9}', { maxDeterminizedStates: 100_000 }).test(`b${'a'.repeat(10)}`)).toBe(true);
  });

  it('refuses a repetition that would build a huge automaton before determinizing it', () => {
    expect(() => compileRegexp('((a{999}){999}){999}')).toThrow(TooComplexError);
  });
});

describe('glob patterns (index, field and column names)', () => {
  it('match * runs (and ? where asked) without backtracking', () => {
    expect(simpleMatch('filebeat-*', 'filebeat-8.15.0')).toBe(true);
    expect(simpleMatch('*beat-*', 'metricbeat-1')).toBe(true);
    expect(simpleMatch('*beat-*', 'beat')).toBe(false);
    expect(simpleMatch('a*b*a', 'aba')).toBe(true);
    expect(simpleMatch('a*a', 'a')).toBe(false);
    expect(simpleMatch('file?', 'files')).toBe(false);
    expect(globMatch('file?', 'files', { questionMark: true })).toBe(true);
    expect(globMatch('f*l?s', 'fooles', { questionMark: true })).toBe(true);
    expect(globMatch('f*l?s', 'fools', { questionMark: true })).toBe(false);
    expect(globMatch('F*', 'filebeat', { caseInsensitive: true })).toBe(true);
    expect(simpleMatch(crafted(12), 'a'.repeat(255))).toBe(false);
    expect(simpleMatch(crafted(12), `${'a'.repeat(254)}c`)).toBe(true);
    // Thousands of groups over a long name: earliest-match pieces, one pass.
    expect(simpleMatch(crafted(5_000), 'a'.repeat(100_000))).toBe(false);
  });
});
