/**
 * The handout's questions of chapter 5 (steps 21-23) answered from the attendee's own results:
 * when the model's bounds settled, the weekday with the fewest flights, and what happened on
 * 11/23 and 11/25, plus the handout's three views of the viewer. Pure; days are counted in the
 * reader's zone (moment-timezone, server side only).
 */
import moment from 'moment-timezone';
import { HANDOUT_DAYS, severityOf, type AnomalyRecord, type DayCount, type SeriesPoint, type Severity } from './ml-anomalies';

const DAY_MS = 86_400_000;

export function localDate(ms: number, timeZone: string): string {
  return moment.tz(ms, timeZone).format('YYYY-MM-DD');
}

/** 0 = Sunday, as `Date#getUTCDay` counts. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export interface WeekdayFigure {
  weekday: number;
  /** Median flights on that weekday, over the complete days of the data. */
  median: number;
  days: number;
}

export interface DayAnswer {
  date: string;
  weekday: number;
  /** Highest record score that day; null when the job recorded no anomaly. */
  maxScore: number | null;
  severity: Severity | null;
  /** Whether the day's anomalies had more or fewer than typical (most of the day's score, not a count of records). */
  direction: 'higher' | 'lower' | null;
  flights: number | null;
  /** Median flights of the same weekday on the other days. */
  usual: number | null;
  /** flights / usual - 1, e.g. 0.18 for "18 % more than a usual Saturday". */
  change: number | null;
  handout: boolean;
}

export interface MlAnswers {
  /** When the bounds settled into the daily pattern (the handout: "after about 3 days"). */
  narrowedAt: number | null;
  narrowedAfterDays: number | null;
  weekdays: WeekdayFigure[];
  fewest: { weekday: number; median: number; othersMedian: number; below: number } | null;
  days: DayAnswer[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The moment the model's band settled: the band width over the previous 24 hours, relative to
 * the level of the data, first comes within 25 % of where it ends the early window and stays
 * within 50 % of it. Null without model plot or enough data.
 */
export function boundsNarrowedAt(series: SeriesPoint[], bucketSpanMs: number): number | null {
  const points = series.filter((p) => p.lower !== null && p.upper !== null && p.actual !== null);
  const perDay = Math.round(DAY_MS / bucketSpanMs);
  if (points.length < perDay * 3) return null;
  const relative: { t: number; r: number }[] = [];
  for (let i = perDay - 1; i < points.length; i += 1) {
    let width = 0;
    let level = 0;
    for (let k = i - perDay + 1; k <= i; k += 1) {
      const p = points[k] as SeriesPoint;
      width += (p.upper as number) - (p.lower as number);
      level += Math.max(p.actual as number, ((p.upper as number) + (p.lower as number)) / 2, 1);
    }
    relative.push({ t: (points[i] as SeriesPoint).t + bucketSpanMs, r: width / level });
  }
  const settled = median(relative.slice(Math.floor(relative.length / 2)).map((x) => x.r));
  for (let i = 0; i < relative.length; i += 1) {
    if ((relative[i] as { r: number }).r > settled * 1.25) continue;
    if (relative.slice(i).every((x) => x.r <= settled * 1.5)) return (relative[i] as { t: number }).t;
  }
  return null;
}

export interface AnswerInput {
  early: SeriesPoint[];
  bucketSpanMs: number;
  jobStart: number | null;
  daily: DayCount[];
  records: AnomalyRecord[];
  timeZone: string;
}

export function computeAnswers(input: AnswerInput): MlAnswers {
  const narrowedAt = boundsNarrowedAt(input.early, input.bucketSpanMs);
  const narrowedAfterDays = narrowedAt !== null && input.jobStart !== null ? Math.round(((narrowedAt - input.jobStart) / DAY_MS) * 10) / 10 : null;

  // Partial days at the edges (a zone other than the import's) would look like quiet days.
  const typicalDay = input.daily.length > 0 ? median(input.daily.map((d) => d.count)) : 0;
  const complete = input.daily.filter((d, i) => !((i === 0 || i === input.daily.length - 1) && d.count < typicalDay * 0.8));
  const weekdays: WeekdayFigure[] = [];
  for (let wd = 0; wd < 7; wd += 1) {
    const counts = complete.filter((d) => weekdayOf(d.date) === wd).map((d) => d.count);
    if (counts.length > 0) weekdays.push({ weekday: wd, median: median(counts), days: counts.length });
  }
  let fewest: MlAnswers['fewest'] = null;
  if (weekdays.length >= 7) {
    const low = weekdays.reduce((a, b) => (b.median < a.median ? b : a));
    const othersMedian = median(weekdays.filter((w) => w !== low).map((w) => w.median));
    fewest = { weekday: low.weekday, median: low.median, othersMedian, below: othersMedian > 0 ? 1 - low.median / othersMedian : 0 };
  }

  const byDay = new Map<string, AnomalyRecord[]>();
  for (const record of input.records) {
    const date = localDate(record.timestamp, input.timeZone);
    const list = byDay.get(date) ?? [];
    list.push(record);
    byDay.set(date, list);
  }
  const counted = new Map(input.daily.map((d) => [d.date, d.count]));
  const first = input.daily[0]?.date;
  const last = input.daily.at(-1)?.date;
  const topDays = [...byDay.entries()]
    .map(([date, list]) => ({ date, max: Math.max(...list.map((r) => r.score)) }))
    .filter((d) => d.max >= 25)
    .sort((a, b) => b.max - a.max)
    .slice(0, 3)
    .map((d) => d.date);
  const handoutDays = HANDOUT_DAYS.filter((d) => first !== undefined && last !== undefined && d >= first && d <= last);
  const dates = [...new Set([...handoutDays, ...topDays])].sort();
  const days: DayAnswer[] = dates.map((date) => {
    const list = byDay.get(date) ?? [];
    const maxScore = list.length > 0 ? Math.max(...list.map((r) => r.score)) : null;
    const up = list.filter((r) => r.direction === 'higher').reduce((a, r) => a + r.score, 0);
    const down = list.filter((r) => r.direction === 'lower').reduce((a, r) => a + r.score, 0);
    const weekday = weekdayOf(date);
    const others = complete.filter((d) => d.date !== date && weekdayOf(d.date) === weekday).map((d) => d.count);
    const flights = counted.get(date) ?? null;
    const usual = others.length > 0 ? median(others) : null;
    return {
      date,
      weekday,
      maxScore,
      severity: maxScore === null ? null : severityOf(maxScore),
      direction: list.length === 0 ? null : up > down ? 'higher' : 'lower',
      flights,
      usual,
      change: flights !== null && usual !== null && usual > 0 ? flights / usual - 1 : null,
      handout: (HANDOUT_DAYS as readonly string[]).includes(date),
    };
  });
  return { narrowedAt, narrowedAfterDays, weekdays, fewest, days };
}

export interface TimeView {
  id: 'first-week' | 'four-weeks' | 'thanksgiving' | 'all';
  from: number;
  to: number;
}

/** The first week; the four weeks after it; the week from 22 November (in the reader's zone); everything. */
export function handoutViews(start: number, end: number, timeZone: string): TimeView[] {
  const views: TimeView[] = [];
  views.push({ id: 'first-week', from: start, to: Math.min(end, start + 7 * DAY_MS) });
  if (end > start + 7 * DAY_MS) views.push({ id: 'four-weeks', from: start + 7 * DAY_MS, to: Math.min(end, start + 35 * DAY_MS) });
  const year = moment.tz(start, timeZone).year();
  const thanksgiving = moment.tz(`${year}-11-22T00:00:00`, timeZone).valueOf();
  if (thanksgiving < end && thanksgiving + 7 * DAY_MS > start) views.push({ id: 'thanksgiving', from: Math.max(start, thanksgiving), to: Math.min(end, thanksgiving + 7 * DAY_MS) });
  views.push({ id: 'all', from: start, to: end });
  return views;
}
