import { describe, expect, it } from 'vitest';
import { AppError, toErrorBody } from '../errors';
import { encodeAuthOlderCursor } from '../queries/auth-log';
import { asksForOlder, assertFilter, authLogOlderQuery, authLogQuery, authLogSummaryQuery } from './auth-log';

function filterError(text: string): AppError {
  try {
    assertFilter(text);
  } catch (error) {
    return error as AppError;
  }
  throw new Error(`"${text}" compiled`);
}

describe('the auth log filter on the server', () => {
  it('accepts what attendees type in Kibana, and no filter at all', () => {
    for (const text of [undefined, '', 'event.dataset: "system.auth"', 'user.name: hAx* and not source.ip: 10.0.2.2', 'Failed password']) {
      expect(() => assertFilter(text)).not.toThrow();
    }
  });

  it('turns a syntax error into invalid_request with the position, in both languages', () => {
    const error = filterError('user.name: root and');
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.publicParams).toEqual({ field: 'filter', reason: 'filter_syntax', position: 19, syntax: 'expected_condition_after', token: 'and' });

    const en = toErrorBody(error, 'en').error;
    expect(en.message).toBe("The filter has a syntax error at character 20: a condition is missing after 'and'.");
    expect(en.hint).toMatch(/field: value/);
    expect(en.params).toMatchObject({ position: 19 });
    const ko = toErrorBody(error, 'ko').error;
    expect(ko.message).toBe("필터의 20번째 글자에서 문법이 올바르지 않습니다: 'and' 뒤에 조건이 없습니다.");
    expect(ko.hint).toMatch(/따옴표/);
  });

  it('words every syntax error the parser can raise, in Korean and English', () => {
    const samples = ['user.name: ', 'a: (b', ')', 'a b: c', 'user.*: x', '"a": b', 'x: "open', 'a: b c: d', 'a: b(c', 'x: {y}', 'a\\', 'a not b', '()', '>= 5', 'n >= ', 'a: b"c'];
    for (const text of samples) {
      const error = filterError(text);
      for (const locale of ['en', 'ko'] as const) {
        const { message } = toErrorBody(error, locale).error;
        expect(message, `${text} (${locale})`).toMatch(locale === 'en' ? /^The filter has a syntax error at character \d+: .+\.$/ : /^필터의 \d+번째 글자에서 .+: .+\.$/);
        expect(message).not.toMatch(/undefined/);
      }
    }
  });
});

describe('auth log query parameters', () => {
  it('accepts a base64url cursor and a filter, and rejects anything else in the cursor', () => {
    expect(authLogQuery.parse({ cursor: 'eyJ2IjoxfQ', filter: 'user.name: root' })).toEqual({ cursor: 'eyJ2IjoxfQ', filter: 'user.name: root' });
    expect(authLogQuery.safeParse({ cursor: 'not a cursor!' }).success).toBe(false);
    expect(authLogQuery.safeParse({ filter: 'x'.repeat(2_001) }).success).toBe(false);
  });

  it('reads an empty cursor or a blank filter as none, so they share the first page\'s cache entry', () => {
    expect(authLogQuery.parse({ cursor: '', filter: '   ' })).toEqual({ cursor: undefined, filter: undefined });
    expect(authLogQuery.parse({ filter: ' user.name: root ' })).toEqual({ cursor: undefined, filter: 'user.name: root' });
  });

  it('offers the summary over 15 minutes, an hour or a day', () => {
    expect(authLogSummaryQuery.parse({})).toEqual({ range: '15m' });
    expect(authLogSummaryQuery.parse({ range: '24h' })).toEqual({ range: '24h' });
    expect(authLogSummaryQuery.safeParse({ range: '7d' }).success).toBe(false);
  });

  it('older pages: a readable before cursor and the filter; an unreadable cursor or one with the live cursor is refused', () => {
    const before = encodeAuthOlderCursor({ v: 1, sort: [1_764_000_000_000, '/var/log/auth.log', 42], ids: ['a'] });
    expect(authLogOlderQuery.parse({ before, filter: ' user.name: root ' })).toEqual({
      before: { v: 1, sort: [1_764_000_000_000, '/var/log/auth.log', 42], ids: ['a'] },
      filter: 'user.name: root',
    });
    for (const bad of [{ before: '' }, { before: 'not a cursor!' }, { before: 'eyJ2IjoxfQ' }, { before, cursor: 'eyJ2IjoxfQ' }, { before, filter: 'x'.repeat(2_001) }]) {
      expect(authLogOlderQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    // The stable first page and live polls are untouched: only `before` asks for older pages.
    expect(asksForOlder(new URLSearchParams('before=x'))).toBe(true);
    expect(asksForOlder(new URLSearchParams('cursor=eyJ2IjoxfQ&filter=a'))).toBe(false);
  });
});
