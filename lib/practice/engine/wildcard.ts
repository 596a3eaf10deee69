/** Glob-style `*` / `?` matching, as ES uses for index patterns, field patterns and `wildcard` queries. */

const cache = new Map<string, RegExp>();

export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

/** `*` only (ES index and field name patterns do not treat `?` as a wildcard). */
export function simpleMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  return globRegExp(pattern, false, false).test(value);
}

/** A regex for `pattern`; `questionMark` also makes `?` a single-character wildcard (wildcard query). */
export function globRegExp(pattern: string, questionMark: boolean, caseInsensitive: boolean): RegExp {
  const key = `${questionMark ? 1 : 0}${caseInsensitive ? 1 : 0}${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let re = '^';
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i] as string;
    if (ch === '\\' && questionMark && i + 1 < pattern.length) {
      i += 1;
      re += escapeChar(pattern[i] as string);
    } else if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?' && questionMark) re += '[\\s\\S]';
    else re += escapeChar(ch);
  }
  re += '$';
  const compiled = new RegExp(re, caseInsensitive ? 'iu' : 'u');
  if (cache.size > 2000) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

function escapeChar(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}
