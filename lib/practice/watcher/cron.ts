/**
 * Quartz cron expressions as Watcher reads them (ES `org.elasticsearch.xpack.core.scheduler.Cron`,
 * derived from Quartz): `sec min hour day-of-month month day-of-week [year]`, with `?` in exactly one
 * of the day fields, day-of-week 1-7 = SUN-SAT, names (`JAN`, `MON-FRI`), steps, `L`, `nW`, `LW`,
 * `L-n`, `nL` and `n#k`. Times are UTC.
 *
 * Written here rather than taken from an npm cron library: the common ones number weekdays 0-6
 * from Sunday, treat a day-of-month and day-of-week pair with OR, have no `W` or year field, or
 * (croner) read `?` as "the time of start-up" — each would fire Quartz expressions at other times.
 */

export class CronError extends Error {}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  values: Set<number>;
  any: boolean;
}

interface DayOfMonth extends Field {
  last: boolean;
  lastOffset: number;
  nearestWeekday: number | undefined;
  lastWeekday: boolean;
  none: boolean;
}

interface DayOfWeek extends Field {
  /** `nL`: the last such weekday of the month (1-7). */
  lastOf: number | undefined;
  /** `n#k`: the k-th such weekday of the month. */
  nth: { day: number; k: number } | undefined;
  none: boolean;
}

interface Parsed {
  seconds: Field;
  minutes: Field;
  hours: Field;
  dom: DayOfMonth;
  months: Field;
  dow: DayOfWeek;
  years: Field;
}

function parseValue(token: string, min: number, max: number, names?: string[]): number {
  const upper = token.toUpperCase();
  if (names) {
    const i = names.indexOf(upper);
    if (i >= 0) return i + min;
  }
  if (!/^\d+$/.test(token)) throw new CronError(`Illegal characters for this position: '${token}'`);
  const v = Number(token);
  if (v < min || v > max) throw new CronError(`value [${v}] out of range [${min}-${max}]`);
  return v;
}

function parseField(text: string, min: number, max: number, names?: string[]): Field {
  const values = new Set<number>();
  let any = false;
  for (const part of text.split(',')) {
    if (part === '') throw new CronError('Unexpected end of expression.');
    const [rangeText, stepText] = part.split('/') as [string, string | undefined];
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw new CronError(`invalid increment [${stepText}]`);
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (rangeText === '*' || rangeText === '?') {
      from = min;
      to = max;
      if (stepText === undefined) any = true;
    } else if (rangeText.includes('-')) {
      const [a, b] = rangeText.split('-') as [string, string];
      from = parseValue(a, min, max, names);
      to = parseValue(b, min, max, names);
    } else {
      from = parseValue(rangeText, min, max, names);
      to = stepText === undefined ? from : max;
    }
    if (from <= to) {
      for (let v = from; v <= to; v += step) values.add(v);
    } else {
      // Quartz wraps ranges such as FRI-MON or 22-2.
      const span = max - min + 1;
      const count = (to - from + span) % span;
      for (let k = 0; k <= count; k += step) values.add(min + ((from - min + k) % span));
    }
  }
  return { values, any };
}

function parseDayOfMonth(text: string): DayOfMonth {
  const base = { values: new Set<number>(), any: false, last: false, lastOffset: 0, nearestWeekday: undefined, lastWeekday: false, none: false };
  if (text === '?') return { ...base, none: true };
  if (text === 'LW') return { ...base, lastWeekday: true };
  const last = /^L(?:-(\d+))?$/.exec(text);
  if (last) return { ...base, last: true, lastOffset: Number(last[1] ?? 0) };
  const w = /^(\d+)W$/.exec(text);
  if (w) return { ...base, nearestWeekday: parseValue(w[1] as string, 1, 31) };
  if (/[LW?]/.test(text)) throw new CronError(`Illegal characters for this position: '${text}'`);
  return { ...base, ...parseField(text, 1, 31) };
}

function parseDayOfWeek(text: string): DayOfWeek {
  const base = { values: new Set<number>(), any: false, lastOf: undefined, nth: undefined, none: false };
  if (text === '?') return { ...base, none: true };
  if (text === 'L') return { ...base, values: new Set([7]) };
  const lastOf = /^(\w+)L$/.exec(text);
  if (lastOf) return { ...base, lastOf: parseValue(lastOf[1] as string, 1, 7, DAYS) };
  const nth = /^(\w+)#([1-5])$/.exec(text);
  if (nth) return { ...base, nth: { day: parseValue(nth[1] as string, 1, 7, DAYS), k: Number(nth[2]) } };
  if (/[L#?]/.test(text)) throw new CronError(`Illegal characters for this position: '${text}'`);
  return { ...base, ...parseField(text, 1, 7, DAYS) };
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export class QuartzCron {
  private readonly f: Parsed;

  constructor(readonly expression: string) {
    const parts = expression.trim().split(/\s+/);
    if (parts.length < 6) throw new CronError('Unexpected end of expression.');
    if (parts.length > 7) throw new CronError('Expression has too many fields.');
    const [sec, min, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string, string | undefined];
    this.f = {
      seconds: parseField(sec, 0, 59),
      minutes: parseField(min, 0, 59),
      hours: parseField(hour, 0, 23),
      dom: parseDayOfMonth(dom.toUpperCase()),
      months: parseField(month, 1, 12, MONTHS),
      dow: parseDayOfWeek(dow.toUpperCase()),
      years: year === undefined ? { values: new Set(), any: true } : parseField(year, 1970, 2199),
    };
    if (this.f.dom.none && this.f.dow.none) throw new CronError("'?' can only be specified for Day-of-Month -OR- Day-of-Week.");
    if (!this.f.dom.none && !this.f.dow.none) throw new CronError('Support for specifying both a day-of-week AND a day-of-month parameter is not implemented.');
  }

  private dayMatches(y: number, m: number, d: number): boolean {
    const { dom, dow } = this.f;
    const dim = daysInMonth(y, m);
    if (!dom.none) {
      if (dom.last) return d === dim - dom.lastOffset;
      if (dom.lastWeekday) return d === nearestWeekday(y, m, dim, dim);
      if (dom.nearestWeekday !== undefined) return d === nearestWeekday(y, m, Math.min(dom.nearestWeekday, dim), dim);
      return dom.values.has(d);
    }
    const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 1; // 1 = Sunday
    if (dow.lastOf !== undefined) return weekday === dow.lastOf && d + 7 > dim;
    if (dow.nth) return weekday === dow.nth.day && Math.ceil(d / 7) === dow.nth.k;
    return dow.values.has(weekday);
  }

  /** The first firing time strictly after `after` (epoch ms, UTC); undefined when it never fires again. */
  next(after: number): number | undefined {
    const start = Math.floor(after / 1000) * 1000 + 1000;
    const s0 = new Date(start);
    let y = s0.getUTCFullYear();
    let m = s0.getUTCMonth() + 1;
    let d = s0.getUTCDate();
    let first = true;
    for (let guard = 0; guard < 366 * 240; guard += 1) {
      if (y > 2199) return undefined;
      if (!this.f.years.any && !this.f.years.values.has(y)) {
        y += 1;
        m = 1;
        d = 1;
        first = false;
        continue;
      }
      if (!this.f.months.values.has(m)) {
        m += 1;
        d = 1;
        if (m > 12) {
          m = 1;
          y += 1;
        }
        first = false;
        continue;
      }
      if (d <= daysInMonth(y, m) && this.dayMatches(y, m, d)) {
        const t = this.firstTimeOfDay(y, m, d, first ? start : undefined);
        if (t !== undefined) return t;
      }
      d += 1;
      first = false;
      if (d > daysInMonth(y, m)) {
        d = 1;
        m += 1;
        if (m > 12) {
          m = 1;
          y += 1;
        }
      }
    }
    return undefined;
  }

  private firstTimeOfDay(y: number, m: number, d: number, notBefore: number | undefined): number | undefined {
    const dayStart = Date.UTC(y, m - 1, d);
    const sorted = (f: Field) => [...f.values].sort((a, b) => a - b);
    for (const h of sorted(this.f.hours)) {
      for (const mi of sorted(this.f.minutes)) {
        for (const s of sorted(this.f.seconds)) {
          const t = dayStart + h * 3_600_000 + mi * 60_000 + s * 1000;
          if (notBefore === undefined || t >= notBefore) return t;
        }
      }
    }
    return undefined;
  }
}

/** Quartz `nW`: the weekday (Mon-Fri) nearest to day `n`, never crossing into another month. */
function nearestWeekday(y: number, m: number, n: number, dim: number): number {
  const wd = new Date(Date.UTC(y, m - 1, n)).getUTCDay();
  if (wd === 6) return n === 1 ? 3 : n - 1;
  if (wd === 0) return n === dim ? n - 2 : n + 1;
  return n;
}
