import { describe, expect, it } from 'vitest';
import { compileFilter, type FilterAst, FilterSyntaxError, filterToQuery, parseFilter } from './filter-language';

const q = (text: string) => filterToQuery(parseFilter(text));

describe('filter language → query DSL', () => {
  it.each<[string, unknown]>([
    ['', { match_all: {} }],
    ['   ', { match_all: {} }],
    ['event.dataset: "system.auth"', { match_phrase: { 'event.dataset': 'system.auth' } }],
    ['event.dataset: system.auth', { match: { 'event.dataset': 'system.auth' } }],
    ['user.name:root', { match: { 'user.name': 'root' } }],
    ['user.name : root', { match: { 'user.name': 'root' } }],
    ['source.port: 22', { match: { 'source.port': '22' } }],
    ['message: Failed password', { match: { message: 'Failed password' } }],
    ['message: "Failed password for invalid user"', { match_phrase: { message: 'Failed password for invalid user' } }],
    ['user.name: hAx*', { wildcard: { 'user.name': { value: 'hAx*' } } }],
    ['user.name: *0R', { wildcard: { 'user.name': { value: '*0R' } } }],
    ['user.name: h?x\\*', { match: { 'user.name': 'h?x*' } }],
    ['user.name: h?x*', { wildcard: { 'user.name': { value: 'h\\?x*' } } }],
    ['source.ip: *', { exists: { field: 'source.ip' } }],
    ['hAx0R', { multi_match: { query: 'hAx0R', fields: ['message'] } }],
    ['"Invalid user"', { multi_match: { query: 'Invalid user', fields: ['message'], type: 'phrase' } }],
    [
      'Fail*',
      { query_string: { query: 'Fail*', fields: ['message'], analyze_wildcard: true, default_operator: 'AND' } },
    ],
    ['source.port >= 1024', { range: { 'source.port': { gte: 1024 } } }],
    ['source.port<22', { range: { 'source.port': { lt: 22 } } }],
    ['@timestamp > now-5m', { range: { '@timestamp': { gt: 'now-5m' } } }],
    ['@timestamp <= "2026-11-24T12:00:00Z"', { range: { '@timestamp': { lte: '2026-11-24T12:00:00Z' } } }],
    [
      'user.name: root and source.ip: 10.0.2.2',
      { bool: { filter: [{ match: { 'user.name': 'root' } }, { match: { 'source.ip': '10.0.2.2' } }] } },
    ],
    [
      'user.name: root AND process.name: sshd and not source.ip: 10.0.2.2',
      {
        bool: {
          filter: [
            { match: { 'user.name': 'root' } },
            { match: { 'process.name': 'sshd' } },
            { bool: { must_not: [{ match: { 'source.ip': '10.0.2.2' } }] } },
          ],
        },
      },
    ],
    [
      'system.auth.ssh.event: Failed OR system.auth.ssh.event: Invalid',
      {
        bool: {
          should: [{ match: { 'system.auth.ssh.event': 'Failed' } }, { match: { 'system.auth.ssh.event': 'Invalid' } }],
          minimum_should_match: 1,
        },
      },
    ],
    [
      'NOT process.name: sudo',
      { bool: { must_not: [{ match: { 'process.name': 'sudo' } }] } },
    ],
    [
      'a: 1 or b: 2 and c: 3',
      {
        bool: {
          should: [{ match: { a: '1' } }, { bool: { filter: [{ match: { b: '2' } }, { match: { c: '3' } }] } }],
          minimum_should_match: 1,
        },
      },
    ],
    [
      '(a: 1 or b: 2) and c: 3',
      {
        bool: {
          filter: [
            { bool: { should: [{ match: { a: '1' } }, { match: { b: '2' } }], minimum_should_match: 1 } },
            { match: { c: '3' } },
          ],
        },
      },
    ],
    [
      'user.name: (root or "hAx0R" or adm*)',
      {
        bool: {
          should: [
            { match: { 'user.name': 'root' } },
            { match_phrase: { 'user.name': 'hAx0R' } },
            { wildcard: { 'user.name': { value: 'adm*' } } },
          ],
          minimum_should_match: 1,
        },
      },
    ],
    [
      'user.name: (root and not admin)',
      {
        bool: {
          filter: [{ match: { 'user.name': 'root' } }, { bool: { must_not: [{ match: { 'user.name': 'admin' } }] } }],
        },
      },
    ],
    ['not not user.name: root', { bool: { must_not: [{ bool: { must_not: [{ match: { 'user.name': 'root' } }] } }] } }],
    // Keywords only count as words on their own: brand, android, notice are values.
    ['message: brand android notice', { match: { message: 'brand android notice' } }],
    ['message: "a or b"', { match_phrase: { message: 'a or b' } }],
    ['message: connection\\: closed', { match: { message: 'connection: closed' } }],
    ['message: a\\ or b', { match: { message: 'a or b' } }],
  ])('%s', (text, dsl) => {
    expect(q(text)).toEqual(dsl);
  });

  it('uses the given free-text fields', () => {
    expect(compileFilter('hAx0R', { defaultFields: ['message', 'user.name'] })).toEqual({
      multi_match: { query: 'hAx0R', fields: ['message', 'user.name'] },
    });
    expect(compileFilter(undefined)).toEqual({ match_all: {} });
  });

  it('escapes query_string operators in free-text wildcards instead of passing them through', () => {
    expect(q('user:root* OR x')).toEqual({
      bool: {
        should: [{ wildcard: { user: { value: 'root*' } } }, { multi_match: { query: 'x', fields: ['message'] } }],
        minimum_should_match: 1,
      },
    });
    const dsl = q('a/b-c+d!* [x]~') as { query_string: { query: string } };
    expect(dsl.query_string.query).toBe('a\\/b\\-c\\+d\\!* \\[x\\]\\~');
  });

  it('keeps the AST small and inspectable', () => {
    const ast: FilterAst = parseFilter('not user.name: hAx* and source.ip: *');
    expect(ast).toEqual({
      type: 'and',
      clauses: [
        { type: 'not', clause: { type: 'wildcard', field: 'user.name', pattern: 'hAx*' } },
        { type: 'exists', field: 'source.ip' },
      ],
    });
  });
});

describe('filter syntax errors carry the position', () => {
  it.each<[string, string, number, string, string]>([
    ['user.name: ', "Expected a value after ':'", 11, 'expected_value_after', ':'],
    ['user.name:', "Expected a value after ':'", 10, 'expected_value_after', ':'],
    ['event.dataset:  ', "Expected a value after ':'", 16, 'expected_value_after', ':'],
    ['user.name: root and', "Expected a condition after 'and'", 19, 'expected_condition_after', 'and'],
    ['user.name: root or ', "Expected a condition after 'or'", 19, 'expected_condition_after', 'or'],
    ['not', "Expected a condition after 'not'", 3, 'expected_condition_after', 'not'],
    ['(user.name: root', "Expected ')' to close this '('", 0, 'unclosed_group', ''],
    ['user.name: (root or admin', "Expected ')' to close this '('", 11, 'unclosed_group', ''],
    ['user.name: root)', "Unexpected ')' without a matching '('", 15, 'unmatched_close', ''],
    [')', "Unexpected ')' without a matching '('", 0, 'unmatched_close', ''],
    ['()', "Expected a condition inside '( )'", 1, 'empty_group', ''],
    [': root', "Expected a field name before ':'", 0, 'expected_field_before', ':'],
    ['message: "Failed password', `Missing closing '"' for the quoted value that starts`, 9, 'unclosed_quote', ''],
    ['user name: root', "Field name 'user name' cannot contain spaces (join conditions with 'and' or 'or')", 0, 'field_spaces', 'user name'],
    ['user.*: root', 'Wildcards in field names are not supported', 0, 'field_wildcard', ''],
    ['a: b c: d', "Unexpected ':' (quote values that contain ':' or join conditions with 'and')", 6, 'unexpected_colon', ''],
    ['message: pam_unix(sshd', "Unexpected '(' (quote values that contain '(' or ')')", 17, 'unexpected_open', ''],
    ['source.port >= ', "Expected a value after '>='", 15, 'expected_value_after', '>='],
    ['>= 5', "Expected a field name before '>'", 0, 'expected_field_before', '>'],
    ['user.name: root not admin', "Expected 'and' or 'or' before 'not'", 16, 'not_without_operator', ''],
    ['user: {x}', 'Nested field queries with { } are not supported', 6, 'nested_braces', '{'],
    ['message: trailing\\', "Nothing to escape after '\\'", 17, 'nothing_to_escape', ''],
    ['time: 10:30', "Unexpected ':' (quote values that contain ':' or join conditions with 'and')", 8, 'unexpected_colon', ''],
  ])('%j', (text, reason, position, syntax, token) => {
    let error: unknown;
    try {
      parseFilter(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FilterSyntaxError);
    const e = error as FilterSyntaxError;
    expect({ reason: e.reason, position: e.position, syntax: e.syntax, token: e.token }).toEqual({ reason, position, syntax, token });
    expect(e.message).toBe(`${reason} at position ${position}`);
  });

  it('rejects a filter that is too long', () => {
    expect(() => parseFilter('a'.repeat(2001))).toThrow(FilterSyntaxError);
    expect(() => parseFilter('a'.repeat(2001))).toThrow(expect.objectContaining({ syntax: 'too_long', token: '2000' }));
  });
});
