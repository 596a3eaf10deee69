/**
 * The timestamp formats the structure finder recognises, with the names Elasticsearch reports for
 * them: Java (`java_timestamp_formats`, the date processor's `formats`), Joda
 * (`joda_timestamp_formats`), the date mapping's `format` and the Grok pattern. The list is a subset
 * of ES's `TimestampFormatFinder` candidates (ISO 8601 and its space-separated variants, epoch
 * seconds and milliseconds, Apache, ctime, syslog, slashed dates), which covers CSV exports such as
 * flights.csv; the names follow find-structure.asciidoc and the fixtures.
 */

export interface TimestampFormat {
  java: string;
  joda: string;
  /** `format` of the date mapping. */
  mapping: string;
  grok: string;
  /** A pattern for the multi-line start of a record (what ES puts before the timestamp's position). */
  simpleRegex: string;
  /** No zone in the text: the date processor needs the client's time zone. */
  zoneless: boolean;
  /** Epoch ms, reading zoneless values as UTC (only used to order values). */
  parse(value: string): number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function month(name: string): number {
  return MONTHS.indexOf(name.slice(0, 1).toUpperCase() + name.slice(1, 3).toLowerCase());
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return 0;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, frac = ''): number {
  const ms = frac === '' ? 0 : Math.round(Number(`0.${frac}`) * 1000);
  return Date.UTC(y, mo, d, h, mi, s, ms);
}

function valid(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
  const t = new Date(Date.UTC(y, mo, d));
  return t.getUTCDate() === d && t.getUTCMonth() === mo;
}

interface Candidate {
  regex: RegExp;
  build(m: RegExpExecArray, all: string[]): TimestampFormat | undefined;
}

const ISO_GROK = 'TIMESTAMP_ISO8601';

function iso(zoneless: boolean): TimestampFormat {
  return {
    java: 'ISO8601',
    joda: 'ISO8601',
    mapping: 'iso8601',
    grok: ISO_GROK,
    simpleRegex: '\\b\\d{4}-\\d{2}-\\d{2}',
    zoneless,
    parse(v) {
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(v);
      if (!m) return NaN;
      return utc(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), m[7] ?? '') - zoneOffsetMs(m[8]);
    },
  };
}

/** `yyyy-MM-dd HH:mm[:ss[.SSS]][XX]`: what BTS-style exports and most CSV tools write. */
function spaced(hasSeconds: boolean, fracSep: string, fracLen: number, zone: 'none' | 'XX' | 'XXX'): TimestampFormat {
  let java = hasSeconds ? 'yyyy-MM-dd HH:mm:ss' : 'yyyy-MM-dd HH:mm';
  if (fracLen > 0) java += `${fracSep}${'S'.repeat(fracLen)}`;
  if (zone !== 'none') java += zone;
  const joda = java.replace('yyyy', 'YYYY').replace(/XXX$/, 'ZZ').replace(/XX$/, 'Z');
  return {
    java,
    joda,
    mapping: java,
    grok: ISO_GROK,
    simpleRegex: '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}',
    zoneless: zone === 'none',
    parse(v) {
      const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(v);
      if (!m) return NaN;
      return utc(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), m[7] ?? '') - zoneOffsetMs(m[8]);
    },
  };
}

const CANDIDATES: Candidate[] = [
  {
    // ISO 8601 with a `T`, or a plain date: ES reports both as ISO8601 (see the books fixture).
    regex: /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/,
    build(m) {
      if (!valid(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0))) return undefined;
      return iso(m[8] === undefined);
    },
  },
  {
    regex: /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2})(?:([.,])(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}|[+-]\d{4})?$/,
    build(m) {
      if (!valid(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0))) return undefined;
      const zone = m[9] === undefined ? 'none' : m[9].includes(':') || m[9] === 'Z' ? 'XXX' : 'XX';
      return spaced(m[6] !== undefined, m[7] ?? '.', m[8]?.length ?? 0, zone);
    },
  },
  {
    regex: /^\d{13}$/,
    build: () => ({ java: 'UNIX_MS', joda: 'UNIX_MS', mapping: 'epoch_millis', grok: 'POSINT', simpleRegex: '\\b\\d{13}\\b', zoneless: false, parse: (v) => Number(v) }),
  },
  {
    regex: /^\d{10}(?:\.\d{1,9})?$/,
    build: () => ({ java: 'UNIX', joda: 'UNIX', mapping: 'epoch_second', grok: 'NUMBER', simpleRegex: '\\b\\d{10}\\b', zoneless: false, parse: (v) => Number(v) * 1000 }),
  },
  {
    // Apache access logs: 10/Oct/2000:13:55:36 -0700
    regex: /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$/,
    build(m) {
      if (month(m[2] as string) < 0) return undefined;
      return {
        java: 'dd/MMM/yyyy:HH:mm:ss XX',
        joda: 'dd/MMM/YYYY:HH:mm:ss Z',
        mapping: 'dd/MMM/yyyy:HH:mm:ss XX',
        grok: 'HTTPDATE',
        simpleRegex: '\\b\\d{2}/[A-Z]\\S{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} ',
        zoneless: false,
        parse(v) {
          const p = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$/.exec(v);
          return p ? utc(Number(p[3]), month(p[2] as string), Number(p[1]), Number(p[4]), Number(p[5]), Number(p[6])) - zoneOffsetMs(p[7]) : NaN;
        },
      };
    },
  },
  {
    // ctime: Tue Nov 21 14:05:00 2017
    regex: /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) ( ?\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/,
    build(m) {
      if (month(m[1] as string) < 0) return undefined;
      return {
        java: 'EEE MMM dd HH:mm:ss yyyy',
        joda: 'EEE MMM dd HH:mm:ss YYYY',
        mapping: 'EEE MMM dd HH:mm:ss yyyy',
        grok: 'DATESTAMP_EVENTLOG',
        simpleRegex: '\\b[A-Z]\\S{2} [A-Z]\\S{2} {1,2}\\d{1,2} \\d{2}:\\d{2}:\\d{2}\\b',
        zoneless: true,
        parse(v) {
          const p = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(v);
          return p ? utc(Number(p[6]), month(p[1] as string), Number(p[2]), Number(p[3]), Number(p[4]), Number(p[5])) : NaN;
        },
      };
    },
  },
  {
    // syslog: Nov 21 14:05:00 (no year)
    regex: /^([A-Z][a-z]{2}) ( ?\d{1,2}) (\d{2}):(\d{2}):(\d{2})$/,
    build(m) {
      if (month(m[1] as string) < 0) return undefined;
      const padded = (m[2] as string).startsWith(' ');
      return {
        java: padded ? 'MMM  d HH:mm:ss' : 'MMM dd HH:mm:ss',
        joda: padded ? 'MMM  d HH:mm:ss' : 'MMM dd HH:mm:ss',
        mapping: padded ? 'MMM  d HH:mm:ss' : 'MMM dd HH:mm:ss',
        grok: 'SYSLOGTIMESTAMP',
        simpleRegex: '\\b[A-Z]\\S{2,8} {1,2}\\d{1,2} \\d{2}:\\d{2}:\\d{2}\\b',
        zoneless: true,
        parse(v) {
          const p = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})$/.exec(v);
          return p ? utc(1970, month(p[1] as string), Number(p[2]), Number(p[3]), Number(p[4]), Number(p[5])) : NaN;
        },
      };
    },
  },
  {
    // Slashed dates: the day/month order is decided over all values (a first number above 12 means dd/MM).
    regex: /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/,
    build(m, all) {
      const dayFirst = all.some((v) => Number(/^(\d{1,2})\//.exec(v)?.[1] ?? 0) > 12);
      const time = m[4] === undefined ? '' : m[6] === undefined ? ' HH:mm' : ' HH:mm:ss';
      const java = `${dayFirst ? 'dd/MM' : 'MM/dd'}/yyyy${time}`;
      const [d, mo] = dayFirst ? [Number(m[1]), Number(m[2])] : [Number(m[2]), Number(m[1])];
      if (!valid(Number(m[3]), mo - 1, d, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0))) return undefined;
      return {
        java,
        joda: java.replace('yyyy', 'YYYY'),
        mapping: java,
        grok: 'DATESTAMP',
        simpleRegex: '\\b\\d{1,2}/\\d{1,2}/\\d{4}\\b',
        zoneless: true,
        parse(v) {
          const p = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(v);
          if (!p) return NaN;
          const [dd, mm] = dayFirst ? [Number(p[1]), Number(p[2])] : [Number(p[2]), Number(p[1])];
          return utc(Number(p[3]), mm - 1, dd, Number(p[4] ?? 0), Number(p[5] ?? 0), Number(p[6] ?? 0));
        },
      };
    },
  },
];

/** ES requires `MM/dd` values to keep `MM/dd` (a single format) across a field; the same holds here. */
export function findTimestampFormat(values: string[]): TimestampFormat | undefined {
  if (values.length === 0) return undefined;
  const first = values[0] as string;
  for (const c of CANDIDATES) {
    const m = c.regex.exec(first);
    if (!m) continue;
    const format = c.build(m, values);
    if (!format) continue;
    if (values.every((v) => sameFormat(format, v))) return format;
  }
  return undefined;
}

function sameFormat(format: TimestampFormat, value: string): boolean {
  for (const c of CANDIDATES) {
    const m = c.regex.exec(value);
    if (!m) continue;
    const f = c.build(m, [value]);
    if (f && f.java === format.java && f.zoneless === format.zoneless && !Number.isNaN(format.parse(value))) return true;
    if (f && format.java.includes('/') && f.grok === format.grok && !Number.isNaN(format.parse(value))) return true;
  }
  return false;
}

/**
 * A user-given `timestamp_format` (Java pattern or ISO8601/UNIX/UNIX_MS): only the formats above
 * are understood; anything else is refused with ES's message.
 */
export function formatByName(name: string): TimestampFormat | undefined {
  if (name === 'ISO8601') return iso(true);
  if (name === 'UNIX_MS') return CANDIDATES[2]?.build(/./.exec('x') as RegExpExecArray, []);
  if (name === 'UNIX') return CANDIDATES[3]?.build(/./.exec('x') as RegExpExecArray, []);
  const m = /^yyyy-MM-dd HH:mm(:ss)?(?:([.,])(S{1,9}))?(XXX|XX)?$/.exec(name);
  if (m) return spaced(m[1] !== undefined, m[2] ?? '.', m[3]?.length ?? 0, (m[4] as 'XX' | 'XXX' | undefined) ?? 'none');
  return undefined;
}
