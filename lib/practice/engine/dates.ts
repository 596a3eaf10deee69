import datemath from '@elastic/datemath';
import moment from 'moment-timezone';

/**
 * Dates as Elasticsearch reads and prints them: java-time style formats (named ones such as
 * `strict_date_optional_time` and patterns such as `yyyy-MM-dd HH:mm:ss`), `||`-separated
 * alternatives, date math (`now-1m`, `now/d`, `2026-01-01||-1h`) and time zones. Everything is
 * epoch milliseconds in UTC unless a zone says otherwise.
 */

export const DEFAULT_DATE_FORMAT = 'strict_date_optional_time||epoch_millis';

export class DateParseError extends Error {}

// ---------------------------------------------------------------------------------------------
// Time zones

export interface Zone {
  id: string;
  /** Offset in minutes east of UTC at the given instant. */
  offsetAt(utcMs: number): number;
  /** Offset in minutes for a local wall-clock time (as if UTC) in this zone. */
  offsetForLocal(localMs: number): number;
}

export const UTC: Zone = { id: 'Z', offsetAt: () => 0, offsetForLocal: () => 0 };

const zoneCache = new Map<string, Zone>();

/** Parses `time_zone` values: `Z`, `UTC`, `+09:00`, `-0500`, `+9`, or an IANA name (`Asia/Seoul`). */
export function parseZone(id: string): Zone {
  const cached = zoneCache.get(id);
  if (cached) return cached;
  let zone: Zone | undefined;
  if (id === 'Z' || id === 'UTC' || id === 'utc' || id === 'GMT' || id === 'Etc/UTC') zone = { ...UTC, id };
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(id);
  if (!zone && m) {
    const mins = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
    if (Math.abs(mins) > 18 * 60) throw new DateParseError(`Zone offset hours not in valid range: value ${m[2]} is not in the range -18 to 18`);
    zone = { id, offsetAt: () => mins, offsetForLocal: () => mins };
  }
  if (!zone) {
    const tz = moment.tz.zone(id);
    if (!tz) throw new DateParseError(`Unknown time-zone ID: ${id}`);
    zone = {
      id,
      offsetAt: (ms) => -tz.utcOffset(ms),
      offsetForLocal: (local) => {
        // A wall-clock time maps to the instant whose offset makes it that wall-clock time.
        const guess = -tz.utcOffset(local);
        const second = -tz.utcOffset(local - guess * 60000);
        return second;
      },
    };
  }
  zoneCache.set(id, zone);
  return zone;
}

// ---------------------------------------------------------------------------------------------
// Parsing

interface Parsed {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  /** Offset minutes from the text, if it had a zone. */
  off?: number;
  /** The finest unit the text gave (for rounding up partial dates, as ES does for `lte`/`gt`). */
  unit?: 'y' | 'M' | 'd' | 'h' | 'm' | 's' | 'ms';
}

type Parser = (text: string) => Parsed | number | undefined;

const ISO_STRICT = /^([+-]?\d{4,9})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const ISO_LENIENT = /^([+-]?\d{1,9})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function zoneOffset(z: string | undefined): number | undefined {
  if (z === undefined) return undefined;
  if (z === 'Z') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}

function isoParser(re: RegExp): Parser {
  return (text) => {
    const m = re.exec(text);
    if (!m) return undefined;
    const frac = m[7] ?? '';
    const unit = m[7] ? 'ms' : m[6] ? 's' : m[5] ? 'm' : m[4] ? 'h' : m[3] ? 'd' : m[2] ? 'M' : 'y';
    return {
      unit,
      y: Number(m[1]),
      mo: m[2] ? Number(m[2]) : 1,
      d: m[3] ? Number(m[3]) : 1,
      h: m[4] ? Number(m[4]) : 0,
      mi: m[5] ? Number(m[5]) : 0,
      s: m[6] ? Number(m[6]) : 0,
      ms: frac ? Math.floor(Number(`0.${frac}`) * 1000 + 1e-9) : 0,
      off: zoneOffset(m[8]),
    };
  };
}

const epochMillis: Parser = (text) => {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  return Math.trunc(Number(text));
};

const epochSecond: Parser = (text) => {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  return Math.round(Number(text) * 1000);
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Converts a java-time pattern into a regex-based parser. */
function patternParser(pattern: string): Parser {
  const groups: string[] = [];
  let re = '^';
  const tokens = tokenizePattern(pattern);
  for (const t of tokens) {
    if (t.literal !== undefined) {
      re += escapeRe(t.literal);
      continue;
    }
    const ch = t.ch as string;
    const n = t.n as number;
    switch (ch) {
      case 'y':
      case 'u':
        re += n === 2 ? '(\\d{2})' : '([+-]?\\d{4,9})';
        groups.push(n === 2 ? 'yy' : 'y');
        break;
      case 'M':
        if (n >= 3) {
          re += '([A-Za-z]+)';
          groups.push('MMM');
        } else {
          re += n === 2 ? '(\\d{2})' : '(\\d{1,2})';
          groups.push('M');
        }
        break;
      case 'd':
        re += n === 2 ? '(\\d{2})' : '(\\d{1,2})';
        groups.push('d');
        break;
      case 'H':
      case 'k':
        re += n === 2 ? '(\\d{2})' : '(\\d{1,2})';
        groups.push('H');
        break;
      case 'h':
      case 'K':
        re += n === 2 ? '(\\d{2})' : '(\\d{1,2})';
        groups.push('h');
        break;
      case 'm':
        re += n === 2 ? '(\\d{2})' : '(\\d{1,2})';
        groups.push('m');
        break;
      case 's':
        re += n === 2 ? '(\\d{2})' : '(\\d{1,2})';
        groups.push('s');
        break;
      case 'S':
        re += `(\\d{1,${Math.max(n, 3)}})`;
        groups.push('S');
        break;
      case 'a':
        re += '([AaPp][Mm])';
        groups.push('a');
        break;
      case 'E':
        re += '([A-Za-z]+)';
        groups.push('E');
        break;
      case 'Z':
      case 'X':
      case 'x':
      case 'z':
      case 'O':
      case 'V':
        re += '(Z|[+-]\\d{2}(?::?\\d{2})?|UTC|GMT)';
        groups.push('Z');
        break;
      default:
        re += escapeRe(ch.repeat(n));
    }
  }
  re += '$';
  const regex = new RegExp(re);
  return (text) => {
    const m = regex.exec(text);
    if (!m) return undefined;
    const p: Parsed = { y: 1970, mo: 1, d: 1, h: 0, mi: 0, s: 0, ms: 0 };
    let pm: boolean | undefined;
    const rank = { y: 0, M: 1, d: 2, h: 3, m: 4, s: 5, ms: 6 } as const;
    const finer = (u: keyof typeof rank) => {
      if (p.unit === undefined || rank[u] > rank[p.unit]) p.unit = u;
    };
    for (let i = 0; i < groups.length; i += 1) {
      const v = m[i + 1] as string;
      switch (groups[i]) {
        case 'y':
          p.y = Number(v);
          finer('y');
          break;
        case 'yy':
          p.y = 2000 + Number(v);
          finer('y');
          break;
        case 'M':
          p.mo = Number(v);
          finer('M');
          break;
        case 'MMM': {
          const idx = MONTHS.indexOf(v.slice(0, 3).toLowerCase());
          if (idx < 0) return undefined;
          p.mo = idx + 1;
          finer('M');
          break;
        }
        case 'd':
          p.d = Number(v);
          finer('d');
          break;
        case 'H':
          p.h = Number(v);
          finer('h');
          break;
        case 'h':
          p.h = Number(v) % 12;
          finer('h');
          break;
        case 'm':
          p.mi = Number(v);
          finer('m');
          break;
        case 's':
          p.s = Number(v);
          finer('s');
          break;
        case 'S':
          p.ms = Math.floor(Number(`0.${v}`) * 1000 + 1e-9);
          finer('ms');
          break;
        case 'a':
          pm = v.toLowerCase() === 'pm';
          break;
        case 'E':
          if (!DAYS.includes(v.slice(0, 3).toLowerCase())) return undefined;
          break;
        case 'Z':
          p.off = v === 'UTC' || v === 'GMT' ? 0 : zoneOffset(v);
          break;
      }
    }
    if (pm) p.h += 12;
    return p;
  };
}

interface PatternToken {
  ch?: string;
  n?: number;
  literal?: string;
}

function tokenizePattern(pattern: string): PatternToken[] {
  const out: PatternToken[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      const lit = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      out.push({ literal: lit === '' ? "'" : lit });
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    if (ch === '[' || ch === ']') {
      // Optional sections are rare in the lab's formats; treat the brackets as absent.
      i += 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      let n = 1;
      while (pattern[i + n] === ch) n += 1;
      out.push({ ch, n });
      i += n;
      continue;
    }
    out.push({ literal: ch });
    i += 1;
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const NAMED: Record<string, string | Parser> = {
  strict_date_optional_time: isoParser(ISO_STRICT),
  strict_date_optional_time_nanos: isoParser(ISO_STRICT),
  date_optional_time: isoParser(ISO_LENIENT),
  iso8601: isoParser(ISO_LENIENT),
  epoch_millis: epochMillis,
  epoch_second: epochSecond,
  strict_date_time: "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
  date_time: "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
  strict_date_time_no_millis: "yyyy-MM-dd'T'HH:mm:ssZ",
  date_time_no_millis: "yyyy-MM-dd'T'HH:mm:ssZ",
  strict_date: 'yyyy-MM-dd',
  date: 'yyyy-MM-dd',
  strict_year_month_day: 'yyyy-MM-dd',
  year_month_day: 'yyyy-MM-dd',
  strict_year_month: 'yyyy-MM',
  year_month: 'yyyy-MM',
  strict_year: 'yyyy',
  year: 'yyyy',
  basic_date: 'yyyyMMdd',
  basic_date_time: "yyyyMMdd'T'HHmmss.SSSZ",
  basic_date_time_no_millis: "yyyyMMdd'T'HHmmssZ",
  strict_date_hour_minute_second: "yyyy-MM-dd'T'HH:mm:ss",
  date_hour_minute_second: "yyyy-MM-dd'T'HH:mm:ss",
  strict_date_hour_minute_second_millis: "yyyy-MM-dd'T'HH:mm:ss.SSS",
  date_hour_minute_second_millis: "yyyy-MM-dd'T'HH:mm:ss.SSS",
  strict_date_hour_minute_second_fraction: "yyyy-MM-dd'T'HH:mm:ss.SSS",
  date_hour_minute_second_fraction: "yyyy-MM-dd'T'HH:mm:ss.SSS",
  strict_date_hour_minute: "yyyy-MM-dd'T'HH:mm",
  date_hour_minute: "yyyy-MM-dd'T'HH:mm",
  strict_date_hour: "yyyy-MM-dd'T'HH",
  date_hour: "yyyy-MM-dd'T'HH",
  strict_hour_minute_second: 'HH:mm:ss',
  hour_minute_second: 'HH:mm:ss',
  strict_hour_minute: 'HH:mm',
  hour_minute: 'HH:mm',
};

const parserCache = new Map<string, Parser[]>();

function parsersFor(format: string): Parser[] {
  const cached = parserCache.get(format);
  if (cached) return cached;
  const list = format.split('||').map((f): Parser => {
    const name = f.trim();
    const named = NAMED[name];
    if (typeof named === 'function') return named;
    if (typeof named === 'string') return patternParser(named);
    return patternParser(name);
  });
  parserCache.set(format, list);
  return list;
}

/** Checks that a `format` value is one ES would accept (the names and pattern letters we know). */
export function validateFormat(format: string): void {
  for (const f of format.split('||')) {
    const name = f.trim();
    if (name === '') throw new DateParseError(`Invalid format: [${format}]: Empty format`);
    if (name in NAMED) continue;
    for (const t of tokenizePattern(name)) {
      if (t.ch && !'yuMdHkhKmsSaEZXxzOVGDewQqLc'.includes(t.ch)) {
        throw new DateParseError(`Invalid format: [${format}]: Unknown pattern letter: ${t.ch}`);
      }
    }
  }
}

function toEpoch(p: Parsed, zone: Zone, roundUp = false): number | undefined {
  if (roundUp && p.unit !== undefined && p.unit !== 'ms') {
    // The last millisecond of the unit the text named: `2026-03-09` -> 2026-03-09T23:59:59.999.
    const next: Parsed = { ...p, unit: 'ms' };
    if (p.unit === 'y') next.y += 1;
    else if (p.unit === 'M') next.mo += 1;
    else if (p.unit === 'd') next.d += 1;
    else if (p.unit === 'h') next.h += 1;
    else if (p.unit === 'm') next.mi += 1;
    else next.s += 1;
    if (next.mo > 12) {
      next.mo = 1;
      next.y += 1;
    }
    const base = toEpoch(p, zone);
    if (base === undefined) return undefined;
    const local = Date.UTC(next.y, next.mo - 1, next.d, next.h, next.mi, next.s, next.ms);
    return local - (p.off ?? zone.offsetForLocal(local)) * 60000 - 1;
  }
  if (p.mo < 1 || p.mo > 12 || p.d < 1 || p.d > 31 || p.h > 24 || p.mi > 59 || p.s > 60) return undefined;
  const local = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, p.ms);
  const check = new Date(local);
  if (check.getUTCDate() !== p.d && p.h !== 24) return undefined; // 2026-02-31
  if (p.y >= 0 && p.y < 100) {
    // Date.UTC maps years 0-99 to 1900-1999.
    const fixed = new Date(local);
    fixed.setUTCFullYear(p.y);
    return fixed.getTime() - (p.off ?? zone.offsetForLocal(fixed.getTime())) * 60000;
  }
  const off = p.off ?? zone.offsetForLocal(local);
  return local - off * 60000;
}

/** Parses a date string (or epoch number) with an ES format; undefined when no alternative matches. */
export function parseDate(value: unknown, format: string = DEFAULT_DATE_FORMAT, zone: Zone = UTC, roundUp = false): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    const parsers = format.split('||').map((s) => s.trim());
    if (parsers.includes('epoch_second') && !parsers.includes('epoch_millis')) return Math.round(value * 1000);
    return Math.trunc(value);
  }
  if (typeof value !== 'string') return undefined;
  for (const p of parsersFor(format)) {
    const r = p(value);
    if (r === undefined) continue;
    if (typeof r === 'number') return r;
    const ms = toEpoch(r, zone, roundUp);
    if (ms !== undefined && Number.isFinite(ms)) return ms;
  }
  return undefined;
}

/** Fast check used by dynamic mapping's `date_detection` (strict_date_optional_time only). */
export function looksLikeIsoDate(s: string): boolean {
  const c = s.charCodeAt(0);
  if (s.length < 4 || c < 48 || c > 57) return false;
  const p = isoParser(ISO_STRICT)(s);
  return p !== undefined && typeof p !== 'number' && toEpoch(p, UTC) !== undefined;
}

/** The `yyyy/MM/dd HH:mm:ss Z||yyyy/MM/dd Z` half of ES's default `dynamic_date_formats`. */
export function looksLikeSlashDate(s: string): boolean {
  return /^\d{4}\/\d{2}\/\d{2}( \d{2}:\d{2}:\d{2})?( [+-]\d{4}| Z)?$/.test(s);
}

// ---------------------------------------------------------------------------------------------
// Date math

const utcMoment = Object.assign((input?: moment.MomentInput) => moment.utc(input), moment) as unknown as typeof moment;

function zonedMoment(zone: Zone): typeof moment {
  if (zone.offsetAt(0) === 0 && zone.id.length <= 3) return utcMoment;
  const tz = moment.tz.zone(zone.id);
  const make = (input?: moment.MomentInput) => (tz ? moment.tz(input, zone.id) : moment.utc(input).utcOffset(zone.offsetAt(0)));
  return Object.assign(make, moment) as unknown as typeof moment;
}

export interface DateMathOptions {
  now: number;
  roundUp?: boolean;
  format?: string;
  zone?: Zone;
}

/**
 * Resolves an ES date math expression: `now`, `now-15m`, `now/d`, `2026-01-01||-1h/h`, or a plain
 * date in `format`. Rounding (`/d`) goes to the start of the unit, or to its last millisecond when
 * `roundUp` (ES does so for `gt` and `lte`).
 */
export function resolveDateMath(value: unknown, opts: DateMathOptions): number {
  const zone = opts.zone ?? UTC;
  const format = opts.format ?? DEFAULT_DATE_FORMAT;
  if (typeof value === 'number') {
    const v = parseDate(value, format, zone);
    if (v === undefined) throw new DateParseError(`failed to parse date field [${value}] with format [${format}]`);
    return v;
  }
  if (typeof value !== 'string') throw new DateParseError(`failed to parse date field [${String(value)}] with format [${format}]`);
  let anchor: number;
  let math: string;
  if (value.startsWith('now')) {
    anchor = opts.now;
    math = value.slice(3);
  } else {
    const sep = value.indexOf('||');
    const text = sep < 0 ? value : value.slice(0, sep);
    math = sep < 0 ? '' : value.slice(sep + 2);
    // ES rounds a partial date up to the end of what it names when rounding up (`lte`, `gt`).
    const parsed = parseDate(text, format, zone, (opts.roundUp ?? false) && math === '');
    if (parsed === undefined) {
      throw new DateParseError(`failed to parse date field [${text}] with format [${format}]`);
    }
    anchor = parsed;
  }
  if (math === '') return anchor;
  if (!/^([+-]\d*[yMwdhHms]|\/[yMwdhHms])+$/.test(math)) {
    throw new DateParseError(`failed to parse date field [${value}] with format [${format}]: [operator not supported for date math [${math}]]`);
  }
  // ES accepts `H` for hours; datemath only knows `h`. ES weeks start on Monday (ISO), moment's
  // default locale on Sunday, so `/w` is rounded here and the rest goes through datemath.
  const ops = math.replace(/H/g, 'h').match(/[+-]\d*[yMwdhms]|\/[yMwdhms]/g) ?? [];
  const roundUp = opts.roundUp ?? false;
  const factory = zonedMoment(zone);
  let current = anchor;
  let chunk = '';
  const flush = (): void => {
    if (chunk === '') return;
    const result = datemath.parse(`now${chunk}`, { forceNow: new Date(current), roundUp, momentInstance: factory });
    if (!result || !result.isValid()) throw new DateParseError(`failed to parse date field [${value}] with format [${format}]`);
    current = result.valueOf();
    chunk = '';
  };
  for (const op of ops) {
    if (op !== '/w') {
      chunk += op;
      continue;
    }
    flush();
    const m = factory(current);
    current = (roundUp ? m.endOf('isoWeek') : m.startOf('isoWeek')).valueOf();
  }
  flush();
  return current;
}

// ---------------------------------------------------------------------------------------------
// Formatting

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
}

function offsetText(mins: number, colon: boolean, zForZero: boolean): string {
  if (mins === 0 && zForZero) return 'Z';
  const sign = mins < 0 ? '-' : '+';
  const a = Math.abs(mins);
  return `${sign}${pad(Math.floor(a / 60), 2)}${colon ? ':' : ''}${pad(a % 60, 2)}`;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const FORMAT_NAMED: Record<string, string> = {
  strict_date_optional_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
  date_optional_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
  strict_date_optional_time_nanos: "yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX",
  iso8601: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
  strict_date_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
  date_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
  strict_date_time_no_millis: "yyyy-MM-dd'T'HH:mm:ssXXX",
  date_time_no_millis: "yyyy-MM-dd'T'HH:mm:ssXXX",
  basic_date_time: "yyyyMMdd'T'HHmmss.SSSX",
  basic_date_time_no_millis: "yyyyMMdd'T'HHmmssX",
};

/** Prints epoch millis with an ES format (the first of `||` alternatives, as ES does). */
const formatTokens = new Map<string, PatternToken[]>();

export function formatDate(ms: number, format: string = DEFAULT_DATE_FORMAT, zone: Zone = UTC): string {
  const first = (format.split('||')[0] ?? '').trim();
  if (first === 'epoch_millis') return String(ms);
  if (first === 'epoch_second') return String(Math.floor(ms / 1000));
  if (zone === UTC && (first === 'strict_date_optional_time' || first === 'date_optional_time' || first === 'strict_date_time' || first === 'date_time')) {
    if (ms >= -62135596800000 && ms <= 253402300799999) return new Date(ms).toISOString();
  }
  const pattern = FORMAT_NAMED[first] ?? (typeof NAMED[first] === 'string' ? (NAMED[first] as string) : first);
  const off = zone.offsetAt(ms);
  const d = new Date(ms + off * 60000);
  let out = '';
  // Ingest's date processor formats every document with the same pattern: tokenize it once.
  let tokens = formatTokens.get(pattern);
  if (!tokens) {
    tokens = tokenizePattern(pattern);
    if (formatTokens.size < 256) formatTokens.set(pattern, tokens);
  }
  for (const t of tokens) {
    if (t.literal !== undefined) {
      out += t.literal;
      continue;
    }
    const n = t.n as number;
    switch (t.ch) {
      case 'y':
      case 'u':
        out += n === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), n);
        break;
      case 'M':
        if (n >= 4) out += MONTH_NAMES[d.getUTCMonth()];
        else if (n === 3) out += (MONTH_NAMES[d.getUTCMonth()] as string).slice(0, 3);
        else out += pad(d.getUTCMonth() + 1, n);
        break;
      case 'd':
        out += pad(d.getUTCDate(), n);
        break;
      case 'H':
      case 'k':
        out += pad(d.getUTCHours(), n);
        break;
      case 'h':
      case 'K':
        out += pad(d.getUTCHours() % 12 || 12, n);
        break;
      case 'm':
        out += pad(d.getUTCMinutes(), n);
        break;
      case 's':
        out += pad(d.getUTCSeconds(), n);
        break;
      case 'S':
        out += (pad(d.getUTCMilliseconds(), 3) + '000000').slice(0, n);
        break;
      case 'a':
        out += d.getUTCHours() < 12 ? 'AM' : 'PM';
        break;
      case 'E':
        out += n >= 4 ? DAY_NAMES[d.getUTCDay()] : (DAY_NAMES[d.getUTCDay()] as string).slice(0, 3);
        break;
      case 'X':
        out += offsetText(off, n >= 3 || n === 1 ? n !== 1 : false, true);
        break;
      case 'x':
        out += offsetText(off, n >= 3, false);
        break;
      case 'Z':
        out += n >= 4 ? (off === 0 ? 'Z' : offsetText(off, true, false)) : offsetText(off, false, false);
        break;
      case 'z':
      case 'V':
        out += zone.id;
        break;
      default:
        out += (t.ch as string).repeat(n);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Intervals

const TIME_UNITS: Record<string, number> = {
  nanos: 1e-6,
  micros: 1e-3,
  ms: 1,
  s: 1000,
  m: 60000,
  h: 3600000,
  d: 86400000,
};

/** Parses an ES time value (`10s`, `1m`, `30m`, `1h`, `1d`, `500ms`) into milliseconds. */
export function parseTimeValue(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(nanos|micros|ms|s|m|h|d)$/.exec(value.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (TIME_UNITS[m[2] as string] as number);
  return ms > 0 ? ms : undefined;
}

export type CalendarUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year' | 'second';

const CALENDAR: Record<string, CalendarUnit> = {
  '1s': 'second',
  second: 'second',
  '1m': 'minute',
  minute: 'minute',
  '1h': 'hour',
  hour: 'hour',
  '1d': 'day',
  day: 'day',
  '1w': 'week',
  week: 'week',
  '1M': 'month',
  month: 'month',
  '1q': 'quarter',
  quarter: 'quarter',
  '1y': 'year',
  year: 'year',
};

export function parseCalendarInterval(value: unknown): CalendarUnit | undefined {
  return typeof value === 'string' ? CALENDAR[value] : undefined;
}

/** Start of the calendar unit containing `ms`, in `zone`. */
export function calendarFloor(ms: number, unit: CalendarUnit, zone: Zone): number {
  const off = zone.offsetAt(ms);
  const local = new Date(ms + off * 60000);
  let start: number;
  switch (unit) {
    case 'second':
      return Math.floor(ms / 1000) * 1000;
    case 'minute':
      start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes());
      break;
    case 'hour':
      start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), local.getUTCHours());
      break;
    case 'day':
      start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
      break;
    case 'week': {
      const day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
      const dow = (local.getUTCDay() + 6) % 7; // ISO weeks start on Monday
      start = day - dow * 86400000;
      break;
    }
    case 'month':
      start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1);
      break;
    case 'quarter':
      start = Date.UTC(local.getUTCFullYear(), Math.floor(local.getUTCMonth() / 3) * 3, 1);
      break;
    case 'year':
      start = Date.UTC(local.getUTCFullYear(), 0, 1);
      break;
  }
  return start - zone.offsetForLocal(start) * 60000;
}

/** The start of the next calendar unit after the one starting at `start`. */
export function calendarNext(start: number, unit: CalendarUnit, zone: Zone): number {
  const off = zone.offsetAt(start);
  const local = new Date(start + off * 60000);
  let next: number;
  switch (unit) {
    case 'second':
      return start + 1000;
    case 'minute':
      next = local.getTime() + 60000;
      break;
    case 'hour':
      next = local.getTime() + 3600000;
      break;
    case 'day':
      next = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1);
      break;
    case 'week':
      next = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 7);
      break;
    case 'month':
      next = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1);
      break;
    case 'quarter':
      next = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 3, 1);
      break;
    case 'year':
      next = Date.UTC(local.getUTCFullYear() + 1, 0, 1);
      break;
  }
  return calendarFloor(next - zone.offsetForLocal(next) * 60000, unit, zone);
}

/** Start of the fixed-length interval containing `ms`; rounding happens on local time, as ES does. */
export function fixedFloor(ms: number, interval: number, offset: number, zone: Zone): number {
  const off = zone.offsetAt(ms) * 60000;
  const local = ms + off - offset;
  const k = Math.floor(local / interval) * interval + offset;
  return k - zone.offsetForLocal(k) * 60000;
}
