import moment from 'moment-timezone';
import { isPlainObject } from '../engine/errors';
import { CronError, QuartzCron } from './cron';
import { parseError } from './errors';

/**
 * Watcher's `schedule` trigger (ES-WATCHER-REFERENCE §3): `interval` (s m h d w; a bare number is
 * seconds; at least 1 s), `cron` (Quartz, one or a list), and `hourly`/`daily`/`weekly`/`monthly`/
 * `yearly`, which ES turns into cron expressions the same way. `timezone` (8.x) shifts the cron
 * forms to that zone's wall clock.
 */

export interface Schedule {
  type: string;
  /** The schedule as GET returns it. */
  json: Record<string, unknown>;
  /** The first scheduled time after `now`, for a watch registered at `start` (epoch ms). */
  next(start: number, now: number): number | undefined;
}

const INTERVAL_UNITS: [string, string, number][] = [
  ['s', 'seconds', 1000],
  ['m', 'minutes', 60_000],
  ['h', 'hours', 3_600_000],
  ['d', 'days', 86_400_000],
  ['w', 'weeks', 604_800_000],
];

function intervalSchedule(value: unknown): Schedule {
  let text: string;
  let ms: number;
  if (typeof value === 'number' && Number.isInteger(value)) {
    text = `${value}s`;
    ms = value * 1000;
  } else if (typeof value === 'string') {
    const unit = INTERVAL_UNITS.find(([suffix]) => value.endsWith(suffix));
    if (unit) {
      const num = value.slice(0, value.length - unit[0].length);
      if (!/^-?\d+$/.test(num)) throw parseError(`could not parse [interval] schedule. could not parse [${num}] as a [${unit[1]}] duration`);
      text = `${Number(num)}${unit[0]}`;
      ms = Number(num) * unit[2];
    } else {
      if (!/^-?\d+$/.test(value)) throw parseError(`could not parse [interval] schedule. unrecognized interval format [${value}]`);
      text = `${Number(value)}s`;
      ms = Number(value) * 1000;
    }
  } else {
    throw parseError(`could not parse [interval] schedule. expected either a numeric value (millis) or a string value representing time value (e.g. '5s'), but found [${tokenOf(value)}]`);
  }
  if (ms < 1000) {
    const reason = `interval can't be lower than 1000 ms, but [${text}] was specified`;
    throw parseError(`could not parse schedule: ${reason}`, { type: 'illegal_argument_exception', reason });
  }
  return {
    type: 'interval',
    json: { interval: text },
    // IntervalSchedule.nextScheduledTimeAfter: the next multiple of the interval since registration.
    next: (start, now) => (now < start ? start : start + (Math.floor((now - start) / ms) + 1) * ms),
  };
}

function tokenOf(v: unknown): string {
  if (v === null) return 'VALUE_NULL';
  if (Array.isArray(v)) return 'START_ARRAY';
  if (typeof v === 'object') return 'START_OBJECT';
  if (typeof v === 'string') return 'VALUE_STRING';
  if (typeof v === 'number') return 'VALUE_NUMBER';
  return 'VALUE_BOOLEAN';
}

function compileCrons(type: string, expressions: string[], zone: string | undefined): ((after: number) => number | undefined) {
  const crons = expressions.map((e) => {
    try {
      return new QuartzCron(e);
    } catch (err) {
      if (err instanceof CronError) {
        throw parseError(`could not parse [${type}] schedule`, { type: 'illegal_argument_exception', reason: `invalid cron expression [${e}]`, caused_by: { type: 'parse_exception', reason: err.message } });
      }
      throw err;
    }
  });
  const tz = zone === undefined ? undefined : moment.tz.zone(zone);
  if (zone !== undefined && !tz && zone !== 'UTC' && zone !== 'Z') throw parseError(`could not parse [${type}] schedule. unknown timezone [${zone}]`);
  return (after) => {
    // Cron fields name wall-clock times of the zone: search in local time, then convert back.
    const offset = (ms: number) => (tz ? -tz.utcOffset(ms) * 60_000 : 0);
    let best: number | undefined;
    for (const c of crons) {
      const local = c.next(after + offset(after));
      if (local === undefined) continue;
      const utc = local - offset(local);
      if (best === undefined || utc < best) best = utc;
    }
    return best;
  };
}

const WEEKDAYS: Record<string, string> = {
  sunday: 'SUN', sun: 'SUN', monday: 'MON', mon: 'MON', tuesday: 'TUE', tue: 'TUE', wednesday: 'WED', wed: 'WED',
  thursday: 'THU', thu: 'THU', friday: 'FRI', fri: 'FRI', saturday: 'SAT', sat: 'SAT',
};
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

function intList(type: string, field: string, v: unknown, min: number, max: number): number[] {
  const out = list(v).map((x) => Number(x));
  for (const x of out) {
    if (!Number.isInteger(x) || x < min || x > max) throw parseError(`could not parse [${type}] schedule. invalid ${field} value [${String(v)}]. ${field} must be between ${min} and ${max}`);
  }
  return out;
}

/** `at` of daily/weekly/monthly/yearly: `"17:00"`, `"noon"`, `"midnight"`, `{hour, minute}`, or a list of them. */
function dayTimes(type: string, at: unknown): { hour: number[]; minute: number[] }[] {
  if (at === undefined) return [{ hour: [0], minute: [0] }];
  return list(at).map((t) => {
    if (t === 'midnight') return { hour: [0], minute: [0] };
    if (t === 'noon') return { hour: [12], minute: [0] };
    if (typeof t === 'string') {
      const m = /^(\d{1,2}):(\d{2})$/.exec(t);
      if (!m) throw parseError(`could not parse time [${t}]. time format must be in the form of hh:mm`);
      return { hour: intList(type, 'hour', Number(m[1]), 0, 23), minute: intList(type, 'minute', Number(m[2]), 0, 59) };
    }
    if (isPlainObject(t)) return { hour: intList(type, 'hour', t.hour ?? 0, 0, 23), minute: intList(type, 'minute', t.minute ?? 0, 0, 59) };
    throw parseError(`could not parse [${type}] schedule. unexpected token [${tokenOf(t)}]`);
  });
}

function timesCron(times: { hour: number[]; minute: number[] }[], dom: string, month: string, dow: string): string[] {
  return times.map((t) => `0 ${t.minute.join(',')} ${t.hour.join(',')} ${dom} ${month} ${dow}`);
}

function calendarSchedule(type: string, value: unknown, zone: string | undefined): Schedule {
  let expressions: string[];
  let json: Record<string, unknown>;
  if (type === 'cron') {
    const exprs = list(value);
    if (exprs.length === 0 || exprs.some((e) => typeof e !== 'string')) throw parseError(`could not parse [cron] schedule. expected a string value or an array of strings, but found [${tokenOf(value)}]`);
    expressions = exprs as string[];
    json = { cron: value };
  } else if (type === 'hourly') {
    const minutes = isPlainObject(value) ? intList(type, 'minute', value.minute ?? 0, 0, 59) : [0];
    expressions = [`0 ${minutes.join(',')} * * * ?`];
    json = { hourly: { minute: minutes } };
  } else if (type === 'daily') {
    const times = dayTimes(type, isPlainObject(value) ? value.at : undefined);
    expressions = timesCron(times, '*', '*', '?');
    json = { daily: { at: times } };
  } else if (type === 'weekly') {
    expressions = list(value).flatMap((v) => {
      const spec = isPlainObject(v) ? v : {};
      const days = list(spec.on ?? 'sunday').map((d) => {
        const name = WEEKDAYS[String(d).toLowerCase()];
        if (!name) throw parseError(`could not parse [weekly] schedule. invalid weekly day value [${String(d)}]`);
        return name;
      });
      return timesCron(dayTimes(type, spec.at), '?', '*', days.join(','));
    });
    json = { weekly: value };
  } else if (type === 'monthly') {
    expressions = list(value).flatMap((v) => {
      const spec = isPlainObject(v) ? v : {};
      const days = list(spec.on ?? 1).map((d) => (d === 'last_day' ? 'L' : String(intList(type, 'day', d, 1, 31)[0])));
      return timesCron(dayTimes(type, spec.at), days.join(','), '*', '?');
    });
    json = { monthly: value };
  } else {
    expressions = list(value).flatMap((v) => {
      const spec = isPlainObject(v) ? v : {};
      const months = list(spec.in ?? 'january').map((m) => {
        const i = typeof m === 'number' ? m - 1 : MONTH_NAMES.indexOf(String(m).toLowerCase());
        if (i < 0 || i > 11) throw parseError(`could not parse [yearly] schedule. invalid month value [${String(m)}]`);
        return i + 1;
      });
      const days = list(spec.on ?? 1).map((d) => (d === 'last_day' ? 'L' : String(intList(type, 'day', d, 1, 31)[0])));
      return timesCron(dayTimes(type, spec.at), days.join(','), months.join(','), '?');
    });
    json = { yearly: value };
  }
  const next = compileCrons(type, expressions, zone);
  if (zone !== undefined) json.timezone = zone;
  return { type, json, next: (_start, now) => next(now) };
}

/** Parses `trigger` (`{"schedule": {...}}`) as WatchParser does, with its errors. */
export function parseTrigger(watchId: string, trigger: unknown): Schedule {
  if (!isPlainObject(trigger)) throw parseError(`could not parse trigger for watch [${watchId}]. expected an object but found [${tokenOf(trigger)}] instead`);
  const keys = Object.keys(trigger);
  if (keys.length !== 1 || keys[0] !== 'schedule') {
    const t = keys[0];
    throw parseError(t === undefined ? `could not parse trigger for watch [${watchId}]. missing trigger type` : `could not parse trigger [${t}] for [${watchId}]. unknown trigger type [${t}]`);
  }
  const schedule = trigger.schedule;
  if (!isPlainObject(schedule)) throw parseError(`could not parse schedule for watch [${watchId}]. expected an object but found [${tokenOf(schedule)}] instead`);
  const { timezone, ...rest } = schedule;
  const types = Object.keys(rest);
  if (types.length !== 1) throw parseError(types.length === 0 ? `could not parse schedule for watch [${watchId}]. missing schedule type` : `could not parse schedule for watch [${watchId}]. found more than one schedule type [${types.join(', ')}]`);
  const type = types[0] as string;
  const zone = typeof timezone === 'string' ? timezone : undefined;
  if (type === 'interval') return intervalSchedule(rest.interval);
  if (['cron', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'].includes(type)) return calendarSchedule(type, rest[type], zone);
  throw parseError(`could not parse schedule. unknown schedule type [${type}]`);
}
