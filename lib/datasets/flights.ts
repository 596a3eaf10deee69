/**
 * The chapter 5 "flights.csv": a deterministic, calibrated stand-in for the workshop's file of US
 * domestic flights in October–November 2017 (the original is not publicly available). Figures are
 * those of ../shared/FLIGHTS-CALIBRATION.md §2: columns, ~15 600 flights a day, the hour-of-day
 * shares of BTS on-time records (vega-datasets flights-20k), the weekday factors (Saturday -16 %),
 * the Thanksgiving week of 2017, day-to-day noise and Poisson counts per 15 minutes.
 *
 * Every day is generated from its own seed, so any date slice is byte-for-byte the same as the
 * matching lines of the whole file, and nothing is ever built as one string: callers iterate day
 * chunks (about 0.5 MB each) or stream them.
 *
 * Framework-free: no `server-only`, no I/O beyond an optional Node stream.
 */
import { Readable } from 'node:stream';

export const FLIGHTS_HEADER = 'timestamp,carrier,origin,dest,dep_delay';
export const FLIGHTS_FIRST_DAY = '2017-10-01';
export const FLIGHTS_LAST_DAY = '2017-11-30';
/** The slice the browser test imports: the model learns for two weeks before Thanksgiving. */
export const FLIGHTS_TEST_SLICE = { from: '2017-11-09', to: '2017-11-26' } as const;

const BASE_PER_DAY = 15_600;
const DAILY_NOISE_SD = 0.015;
const SEED = 0x5eed_2017;

/** Hour-of-day shares (%) of BTS departures (calibration §1.3), normalised below. */
const HOUR_SHARE = [0.35, 0.27, 0.04, 0.01, 0.01, 1.2, 6.57, 6.4, 6.62, 6.33, 5.47, 6.12, 6.14, 6.54, 5.58, 5.78, 5.83, 6.87, 6.03, 6.22, 4.94, 3.56, 2.28, 0.85];
/** Sunday first, as `Date#getUTCDay()` counts (calibration §2.3). */
const WEEKDAY_FACTOR = [0.97, 1.02, 0.99, 1.0, 1.02, 1.03, 0.84];

interface SpecialDay {
  factor: number;
  /** Multipliers per hour block before renormalising the day's shape. */
  shape?: { fromHour: number; toHour: number; factor: number }[];
}

/** Calibration §2.4: the Thanksgiving week of 2017 (factors are relative to a normal day of that weekday). */
const SPECIAL_DAYS: Record<string, SpecialDay> = {
  '2017-11-21': { factor: 1.02 },
  '2017-11-22': { factor: 1.02 },
  '2017-11-23': {
    factor: 0.72,
    shape: [
      { fromHour: 12, toHour: 17, factor: 0.8 },
      { fromHour: 18, toHour: 23, factor: 0.75 },
    ],
  },
  '2017-11-24': { factor: 0.9 },
  '2017-11-25': { factor: 1.18 },
  '2017-11-26': { factor: 1.04 },
};

/** 2017 reporting carriers with approximate shares (calibration §2.1, illustrative). */
const CARRIERS: readonly (readonly [string, number])[] = [
  ['WN', 23], ['DL', 16], ['AA', 16], ['OO', 13], ['UA', 10], ['EV', 7], ['B6', 5], ['AS', 3.5], ['NK', 2.8], ['F9', 1.7], ['HA', 1.4], ['VX', 1.3],
];

/** About the 40 busiest US airports of 2017, busiest first; weights fall off like a Zipf law. */
const AIRPORTS = [
  'ATL', 'ORD', 'DFW', 'DEN', 'LAX', 'SFO', 'PHX', 'IAH', 'LAS', 'MSP', 'MCO', 'SEA', 'DTW', 'BOS', 'EWR', 'CLT', 'LGA', 'SLC', 'JFK', 'BWI',
  'MDW', 'DCA', 'FLL', 'SAN', 'MIA', 'PHL', 'TPA', 'DAL', 'HOU', 'BNA', 'PDX', 'STL', 'AUS', 'OAK', 'MCI', 'MSY', 'SJC', 'SMF', 'SNA', 'RDU',
];

const DAY_MS = 86_400_000;
const SLOTS = 96;

function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  weights.forEach((w, i) => {
    acc += w / total;
    out[i] = acc;
  });
  out[out.length - 1] = 1;
  return out;
}

const CARRIER_CDF = cumulative(CARRIERS.map(([, w]) => w));
const AIRPORT_CDF = cumulative(AIRPORTS.map((_, i) => 1 / (i + 4)));

function pick(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < (cdf[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** mulberry32: a small, fast, well-mixed 32-bit generator; one per day keeps slices independent. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function daySeed(dayIndex: number): number {
  let h = (SEED ^ Math.imul(dayIndex + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function normal(next: () => number): number {
  const u = Math.max(next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

/** Knuth's multiplication method; exact and cheap for the means here (a few hundred at most). */
function poisson(mean: number, next: () => number): number {
  let n = 0;
  let remaining = mean;
  while (remaining > 0) {
    const part = Math.min(remaining, 500);
    remaining -= part;
    const limit = Math.exp(-part);
    let p = next();
    while (p > limit) {
      n += 1;
      p *= next();
    }
  }
  return n;
}

/** Departure delay in minutes: mostly a little early, a long tail of late departures. */
function departureDelay(next: () => number): number {
  const early = -6 - 2.2 * Math.log(Math.max(next() * next(), 1e-12));
  const late = next() < 0.18 ? -40 * Math.log(Math.max(next(), 1e-12)) : 0;
  return Math.round(early + late);
}

function dayShape(special: SpecialDay | undefined): Float64Array {
  const total = HOUR_SHARE.reduce((a, b) => a + b, 0);
  const shape = new Float64Array(SLOTS);
  for (let s = 0; s < SLOTS; s += 1) shape[s] = (HOUR_SHARE[s >> 2] as number) / total / 4;
  if (special?.shape) {
    for (const block of special.shape) for (let s = block.fromHour * 4; s < (block.toHour + 1) * 4; s += 1) shape[s] = (shape[s] as number) * block.factor;
    const sum = shape.reduce((a, b) => a + b, 0);
    for (let s = 0; s < SLOTS; s += 1) shape[s] = (shape[s] as number) / sum;
  }
  return shape;
}

export interface FlightsRange {
  /** First day, inclusive (`YYYY-MM-DD`); default 2017-10-01. */
  from?: string;
  /** Last day, inclusive; default 2017-11-30. */
  to?: string;
}

/** One day's flights as columns (sorted by departure minute). */
export interface FlightDay {
  date: string;
  /** Epoch ms of the day's midnight read as UTC (the CSV itself has no zone). */
  dayStartUtc: number;
  count: number;
  minute: Uint16Array;
  carrier: Uint8Array;
  origin: Uint8Array;
  dest: Uint8Array;
  depDelay: Int16Array;
}

export const FLIGHT_CARRIERS: readonly string[] = CARRIERS.map(([c]) => c);
export const FLIGHT_AIRPORTS: readonly string[] = AIRPORTS;

function parseDay(s: string, what: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== s) throw new RangeError(`${what} must be a date YYYY-MM-DD, got [${s}]`);
  return ms;
}

function resolveRange(range: FlightsRange): { first: number; last: number } {
  const min = parseDay(FLIGHTS_FIRST_DAY, 'from');
  const max = parseDay(FLIGHTS_LAST_DAY, 'to');
  const first = parseDay(range.from ?? FLIGHTS_FIRST_DAY, 'from');
  const last = parseDay(range.to ?? FLIGHTS_LAST_DAY, 'to');
  if (first < min || last > max) throw new RangeError(`the flights data covers ${FLIGHTS_FIRST_DAY} to ${FLIGHTS_LAST_DAY}`);
  if (last < first) throw new RangeError('to must not be before from');
  return { first, last };
}

/** Generates one day (index 0 = 2017-10-01). */
export function flightDay(dayIndex: number): FlightDay {
  const dayStartUtc = Date.UTC(2017, 9, 1) + dayIndex * DAY_MS;
  const date = new Date(dayStartUtc).toISOString().slice(0, 10);
  const next = rng(daySeed(dayIndex));
  const special = SPECIAL_DAYS[date];
  const weekday = new Date(dayStartUtc).getUTCDay();
  const mean = BASE_PER_DAY * (WEEKDAY_FACTOR[weekday] as number) * (special?.factor ?? 1) * Math.exp(DAILY_NOISE_SD * normal(next));
  const shape = dayShape(special);
  const counts = new Uint32Array(SLOTS);
  let total = 0;
  for (let s = 0; s < SLOTS; s += 1) {
    const n = poisson(mean * (shape[s] as number), next);
    counts[s] = n;
    total += n;
  }
  const day: FlightDay = {
    date,
    dayStartUtc,
    count: total,
    minute: new Uint16Array(total),
    carrier: new Uint8Array(total),
    origin: new Uint8Array(total),
    dest: new Uint8Array(total),
    depDelay: new Int16Array(total),
  };
  let row = 0;
  const perMinute = new Uint16Array(15);
  for (let s = 0; s < SLOTS; s += 1) {
    perMinute.fill(0);
    for (let k = 0; k < (counts[s] as number); k += 1) {
      const m = Math.floor(next() * 15);
      perMinute[m] = (perMinute[m] as number) + 1;
    }
    for (let m = 0; m < 15; m += 1) {
      for (let k = 0; k < (perMinute[m] as number); k += 1) {
        day.minute[row] = s * 15 + m;
        day.carrier[row] = pick(CARRIER_CDF, next());
        const origin = pick(AIRPORT_CDF, next());
        let dest = pick(AIRPORT_CDF, next());
        if (dest === origin) dest = (dest + 1 + Math.floor(next() * (AIRPORTS.length - 1))) % AIRPORTS.length;
        day.origin[row] = origin;
        day.dest[row] = dest;
        day.depDelay[row] = departureDelay(next);
        row += 1;
      }
    }
  }
  return day;
}

/** The days of a range, generated one at a time. */
export function* flightDays(range: FlightsRange = {}): Generator<FlightDay> {
  const { first, last } = resolveRange(range);
  const base = Date.UTC(2017, 9, 1);
  for (let ms = first; ms <= last; ms += DAY_MS) yield flightDay(Math.round((ms - base) / DAY_MS));
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The CSV lines of one day, each ending in `\n`. */
export function flightDayCsv(day: FlightDay): string {
  const parts: string[] = new Array(day.count);
  for (let i = 0; i < day.count; i += 1) {
    const minute = day.minute[i] as number;
    parts[i] = `${day.date} ${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}:00,${FLIGHT_CARRIERS[day.carrier[i] as number]},${AIRPORTS[day.origin[i] as number]},${AIRPORTS[day.dest[i] as number]},${day.depDelay[i]}\n`;
  }
  return parts.join('');
}

/** The file as chunks: the header line, then one chunk per day. */
export function* flightsCsvChunks(range: FlightsRange = {}, opts: { header?: boolean } = {}): Generator<string> {
  if (opts.header !== false) yield `${FLIGHTS_HEADER}\n`;
  for (const day of flightDays(range)) yield flightDayCsv(day);
}

/** A Node stream of the file (UTF-8 bytes), for HTTP responses and uploads. */
export function flightsCsvStream(range: FlightsRange = {}): Readable {
  const chunks = flightsCsvChunks(range);
  return Readable.from((function* () {
    for (const chunk of chunks) yield Buffer.from(chunk, 'utf8');
  })(), { objectMode: false });
}

export interface FlightsSummary {
  rows: number;
  bytes: number;
  days: { date: string; rows: number }[];
}

/** Row and byte counts of a range (generates it, without keeping it). */
export function flightsSummary(range: FlightsRange = {}): FlightsSummary {
  let rows = 0;
  let bytes = FLIGHTS_HEADER.length + 1;
  const days: { date: string; rows: number }[] = [];
  for (const day of flightDays(range)) {
    rows += day.count;
    bytes += Buffer.byteLength(flightDayCsv(day));
    days.push({ date: day.date, rows: day.count });
  }
  return { rows, bytes, days };
}

const dayFacts = new Map<number, { rows: number; bytes: number }>();

/**
 * Rows and bytes of a range's file (header included), like `flightsSummary` but without building
 * the text, and remembered per day: what the sample import and the file identity need at once.
 */
export function flightsSize(range: FlightsRange = {}): { rows: number; bytes: number } {
  const { first, last } = resolveRange(range);
  const base = Date.UTC(2017, 9, 1);
  let rows = 0;
  let bytes = FLIGHTS_HEADER.length + 1;
  for (let ms = first; ms <= last; ms += DAY_MS) {
    const index = Math.round((ms - base) / DAY_MS);
    let facts = dayFacts.get(index);
    if (!facts) {
      const day = flightDay(index);
      // "YYYY-MM-DD HH:MM:00," + carrier + ",XXX,XXX," + delay + "\n"
      let size = 0;
      for (let i = 0; i < day.count; i += 1) size += 30 + (FLIGHT_CARRIERS[day.carrier[i] as number] as string).length + String(day.depDelay[i]).length;
      facts = { rows: day.count, bytes: size };
      dayFacts.set(index, facts);
    }
    rows += facts.rows;
    bytes += facts.bytes;
  }
  return { rows, bytes };
}

/** Epoch ms of a row's naive `timestamp` read in UTC (add the zone's offset for local readings). */
export function flightTimeUtc(day: FlightDay, row: number): number {
  return day.dayStartUtc + (day.minute[row] as number) * 60_000;
}
