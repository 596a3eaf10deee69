import { FLIGHT_AIRPORTS, FLIGHT_CARRIERS, flightDays, FLIGHTS_FIRST_DAY, FLIGHTS_LAST_DAY } from '../datasets/flights';
import { EsError, type Engine, type Mappings, type SharedIndex } from './engine/api';
import { DateParseError, parseDate, parseZone } from './engine/dates';
import { DocStore } from './engine/doc-store';
import { approximateJsonBytes } from './engine/index-state';

/**
 * Chapter 5's sample, shared: thirty learners who press "use the sample file" must not hold thirty
 * copies of 929 517 flights (issue 16: under 2 GiB beyond their hosts' data). The rows are built
 * once per process into a frozen document store and attached under each learner's `flights` index
 * as a read-only segment; what a learner writes or deletes there is their own (see
 * IndexState.attachShared), and only that counts in their deployment's memory.
 *
 * Time zones: the file's times have no zone and are read in the learner's zone, as Kibana's
 * importer does. Everything but `@timestamp` is the same in every zone, so the zone-free columns
 * are built once and each zone asked for adds only its times (two arrays of 8 bytes a row,
 * DocStore.withTimes). A zone's copy lives as long as a deployment uses it, and the two most
 * recent stay ready for the next learner.
 */

export type SharedDatasetName = 'flights';

export interface AttachSharedOptions {
  /** The learner's zone (IANA name or offset), as the browser reports it; UTC when absent. */
  timeZone?: string;
  /** First and last day (YYYY-MM-DD, inclusive) of the file to show; the whole file when absent. */
  from?: string;
  to?: string;
  /** The index to create; `flights` as the chapter says. */
  index?: string;
}

export interface AttachedDataset {
  index: string;
  docs: number;
  timeZone: string;
}

/** The mappings the structure finder proposes for the file (find-structure.test.ts), as the importer creates the index. */
export const FLIGHTS_MAPPINGS: Mappings = {
  properties: {
    '@timestamp': { type: 'date' },
    carrier: { type: 'keyword' },
    dep_delay: { type: 'long' },
    dest: { type: 'keyword' },
    origin: { type: 'keyword' },
    timestamp: { type: 'date', format: 'yyyy-MM-dd HH:mm:ss' },
  },
};

const DAY_MS = 86_400_000;
const KEEP_RECENT = 2;

/** The same in every process, so a learner's deletions of sample rows (kept by `_id`) survive a restart. */
const FLIGHTS_ID_SEED = new Uint8Array([0x3a, 0x91, 0xc4, 0x5e, 0x07, 0xb2]);

let naiveBase: DocStore | undefined;
const byZone = new Map<string, WeakRef<SharedIndex>>();
const recent: SharedIndex[] = [];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * The whole file as the import pipeline leaves each row (csv columns, `dep_delay` converted to a
 * number, `@timestamp` added last by the date processor), with the naive times read as UTC.
 * Rows go straight into the store's columns: no JSON object per row.
 */
function buildNaiveBase(): DocStore {
  const store = new DocStore();
  let slot = 0;
  let bytes = 0;
  let prepared: ReturnType<DocStore['prepare']>;
  const first: Record<string, unknown> = {};
  for (const day of flightDays()) {
    const minuteText: string[] = [];
    for (let i = 0; i < day.count; i += 1) {
      const minute = day.minute[i] as number;
      const text = (minuteText[minute] ??= `${day.date} ${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}:00`);
      const ms = day.dayStartUtc + minute * 60_000;
      const carrier = FLIGHT_CARRIERS[day.carrier[i] as number] as string;
      const origin = FLIGHT_AIRPORTS[day.origin[i] as number] as string;
      const dest = FLIGHT_AIRPORTS[day.dest[i] as number] as string;
      const delay = day.depDelay[i] as number;
      if (!prepared?.shape) {
        Object.assign(first, { timestamp: text, carrier, origin, dest, dep_delay: delay, '@timestamp': new Date(ms).toISOString() });
        prepared = store.prepare(first);
        bytes = approximateJsonBytes(first);
        store.append(first, ms, slot, slot + 1, 1, bytes, prepared);
      } else {
        // Leaf order of the shape: timestamp, carrier, origin, dest, dep_delay, @timestamp (epoch ms).
        store.append(first, ms, slot, slot + 1, 1, bytes, { key: prepared.key, shape: prepared.shape, vals: [text, carrier, origin, dest, delay, ms] });
      }
      slot += 1;
    }
  }
  store.freeze();
  if (!store.frozenIdsAreSlots()) throw new Error('the flights sample was not built in time order');
  return store;
}

function zoneOf(timeZone: string): ReturnType<typeof parseZone> {
  try {
    return parseZone(timeZone);
  } catch (error) {
    if (error instanceof DateParseError) throw new EsError(400, 'illegal_argument_exception', `[timeZone] ${error.message}`);
    throw error;
  }
}

/** The sample with its times read in `timeZone` (built on first use, shared while anyone uses it). */
export function sharedFlights(timeZone = 'UTC'): SharedIndex {
  const zone = zoneOf(timeZone);
  const cached = byZone.get(zone.id)?.deref();
  if (cached) return remember(cached);
  naiveBase ??= buildNaiveBase();
  const base = naiveBase;
  const times = new Float64Array(base.n);
  let same = true;
  let lastNaive = NaN;
  let lastUtc = NaN;
  for (let p = 0; p < base.n; p += 1) {
    const naive = base.ts[p] as number;
    if (naive !== lastNaive) {
      const text = new Date(naive).toISOString();
      lastUtc = parseDate(`${text.slice(0, 10)} ${text.slice(11, 19)}`, 'yyyy-MM-dd HH:mm:ss', zone) as number;
      lastNaive = naive;
    }
    times[p] = lastUtc;
    if (lastUtc !== naive) same = false;
  }
  const store = same ? base : DocStore.withTimes(base, '@timestamp', times);
  if (!store) throw new Error(`the flights sample's times in ${zone.id} are not in file order`);
  const shared: SharedIndex = { descriptor: { dataset: 'flights', timeZone: zone.id }, store, idSeed: FLIGHTS_ID_SEED, mappings: FLIGHTS_MAPPINGS };
  byZone.set(zone.id, new WeakRef(shared));
  return remember(shared);
}

function remember(shared: SharedIndex): SharedIndex {
  const i = recent.indexOf(shared);
  if (i >= 0) recent.splice(i, 1);
  recent.unshift(shared);
  recent.length = Math.min(recent.length, KEEP_RECENT);
  return shared;
}

function dayMs(value: string | undefined, fallback: string, what: string): number {
  const text = value ?? fallback;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) throw new EsError(400, 'illegal_argument_exception', `[${what}] must be a date YYYY-MM-DD, got [${text}]`);
  if (text < FLIGHTS_FIRST_DAY || text > FLIGHTS_LAST_DAY) throw new EsError(400, 'illegal_argument_exception', `[${what}] must be within the sample's days, ${FLIGHTS_FIRST_DAY} to ${FLIGHTS_LAST_DAY}, got [${text}]`);
  return ms;
}

/**
 * "Use the sample file": creates the deployment's `flights` index over the shared sample in the
 * learner's zone (or the days `from`-`to` of it). Pressing it again with the same choice is a
 * no-op; an existing `flights` index of another origin answers 400 resource_already_exists_exception.
 */
export function attachSharedDataset(engine: Engine, dataset: SharedDatasetName, options: AttachSharedOptions = {}): AttachedDataset {
  if (dataset !== 'flights') throw new EsError(400, 'illegal_argument_exception', `no shared dataset [${String(dataset)}]`);
  if (!engine.attachShared) throw new Error('this engine cannot attach shared datasets');
  const first = dayMs(options.from, FLIGHTS_FIRST_DAY, 'from');
  const last = dayMs(options.to, FLIGHTS_LAST_DAY, 'to');
  if (last < first) throw new EsError(400, 'illegal_argument_exception', '[to] must not be before [from]');
  const shared = sharedFlights(options.timeZone ?? 'UTC');
  naiveBase ??= buildNaiveBase();
  // Slots are in file order, the same in every zone: the day slice is found on the naive times.
  const [start, end] = naiveBase.range(first, last + DAY_MS - 1);
  const index = options.index ?? 'flights';
  const r = engine.attachShared(index, shared, { start, end });
  return { index, docs: r.docs, timeZone: String(shared.descriptor.timeZone) };
}

/** Finds a shared set again from its descriptor (a restart's persistence); undefined for an unknown one. */
export function resolveSharedDataset(descriptor: Record<string, unknown>): SharedIndex | undefined {
  if (descriptor.dataset === 'flights' && typeof descriptor.timeZone === 'string') return sharedFlights(descriptor.timeZone);
  return undefined;
}
