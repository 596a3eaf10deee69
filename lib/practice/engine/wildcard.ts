/**
 * Glob matching as Elasticsearch's `Regex.simpleMatch` does it for index, alias, template, field
 * and column name patterns (`*` any run; `?` one character where a caller allows it).
 *
 * No regular expression and no backtracking: the pattern is cut at its `*`s into fixed-length
 * pieces; the first must start the value, the last must end it, and each middle piece is taken at
 * its earliest place after the previous one (taking it later can never help, as every piece has a
 * fixed length). Work is at most the value's length times the pattern's, whatever the pattern, so
 * a crafted `*a*a*a…*c` cannot stall the server. The `wildcard` query compiles its pattern to an
 * automaton instead (automaton.ts), as Lucene does, with the same linear matching.
 */

export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

/** One piece between two `*`s: its characters, null standing for `?`. */
type Piece = (string | null)[];

interface Glob {
  pieces: Piece[];
  /** No `?` anywhere: pieces can be found with indexOf on the string itself. */
  plain: string[] | null;
}

const cache = new Map<string, Glob>();

function compile(pattern: string, questionMark: boolean): Glob {
  const key = `${questionMark ? 1 : 0}${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const pieces: Piece[] = [[]];
  const chars = [...pattern];
  let anyQuestion = false;
  for (let i = 0; i < chars.length; i += 1) {
    const ch = chars[i] as string;
    const current = pieces[pieces.length - 1] as Piece;
    if (ch === '*') pieces.push([]);
    else if (ch === '?' && questionMark) {
      current.push(null);
      anyQuestion = true;
    } else if (ch === '\\' && questionMark && i + 1 < chars.length) {
      i += 1;
      current.push(chars[i] as string);
    } else current.push(ch);
  }
  const glob: Glob = { pieces, plain: anyQuestion ? null : pieces.map((p) => p.join('')) };
  if (cache.size > 2000) cache.clear();
  cache.set(key, glob);
  return glob;
}

function plainMatch(parts: string[], value: string): boolean {
  if (parts.length === 1) return value === parts[0];
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let from = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < parts.length - 1; i += 1) {
    const part = parts[i] as string;
    const at = value.indexOf(part, from);
    if (at < 0 || at + part.length > end) return false;
    from = at + part.length;
  }
  return true;
}

function pieceAt(piece: Piece, value: string[], at: number): boolean {
  for (let j = 0; j < piece.length; j += 1) {
    const ch = piece[j];
    if (ch !== null && ch !== value[at + j]) return false;
  }
  return true;
}

function pieceMatch(pieces: Piece[], value: string[]): boolean {
  const first = pieces[0] as Piece;
  if (pieces.length === 1) return value.length === first.length && pieceAt(first, value, 0);
  const last = pieces[pieces.length - 1] as Piece;
  const end = value.length - last.length;
  if (end < first.length || !pieceAt(first, value, 0) || !pieceAt(last, value, end)) return false;
  let from = first.length;
  for (let i = 1; i < pieces.length - 1; i += 1) {
    const piece = pieces[i] as Piece;
    let at = from;
    while (at + piece.length <= end && !pieceAt(piece, value, at)) at += 1;
    if (at + piece.length > end) return false;
    from = at + piece.length;
  }
  return true;
}

/**
 * Whether `value` matches the glob `pattern`. `questionMark` also makes `?` match one character
 * and `\` escape the next one (the `wildcard` syntax); without it only `*` is special.
 */
export function globMatch(pattern: string, value: string, options: { questionMark?: boolean; caseInsensitive?: boolean } = {}): boolean {
  const questionMark = options.questionMark === true;
  if (!pattern.includes('*') && !(questionMark && (pattern.includes('?') || pattern.includes('\\')))) {
    return options.caseInsensitive ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  const p = options.caseInsensitive ? pattern.toLowerCase() : pattern;
  const v = options.caseInsensitive ? value.toLowerCase() : value;
  const glob = compile(p, questionMark);
  return glob.plain ? plainMatch(glob.plain, v) : pieceMatch(glob.pieces, [...v]);
}

/** `*` only (ES index and field name patterns do not treat `?` as a wildcard). */
export function simpleMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  return globMatch(pattern, value);
}
