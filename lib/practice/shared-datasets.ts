import { flightsFileKey } from '../datasets/file-identity';
import { FLIGHT_AIRPORTS, FLIGHT_CARRIERS, flightDays, FLIGHTS_FIRST_DAY, FLIGHTS_LAST_DAY, type FlightsRange } from '../datasets/flights';
import { EsError, type Engine, type Mappings, type SharedIndex } from './engine/api';
import { DateParseError, parseZone, type Zone } from './engine/dates';
import { DocStore } from './engine/doc-store';
import { approximateJsonBytes } from './engine/index-state';

/**
 * Chapter 5's sample, shared: thirty learners who press "use the sample file" must not hold thirty
 * copies of 929 517 flights (issue 16: under 2 GiB beyond their hosts' data). The rows are built
 * once per process into a frozen document store and attached under each learner's `flights` index
 * as a read-only segment; what a learner writes or deletes there is their own (see
 * IndexState.attachShared), and only that counts in their deployment's memory.
 *
 * The documents are what Kibana's importer leaves after uploading flights.csv in the learner's time
 * zone with the structure finder's pipeline (csv, date, convert, remove): the csv columns in file
 * order, `dep_delay` a number, and `@timestamp` last, as the date processor writes it
 * (`yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in that zone). Their `_id`s are the importer's, `<file key>-<line>`,
 * so uploading the downloaded file afterwards overwrites them instead of adding copies.
 *
 * Time zones: everything but `@timestamp` is the same in every zone, so the zone-free columns are
 * built once and each zone asked for adds only its times (a string and a number a row,
 * DocStore.withTimes). A zone's copy lives as long as a deployment uses it, and the two most
 * recent stay ready for the next learner. Building yields to the event loop between days.
 */

export type SharedDatasetName = 'flights';

export interface AttachSharedOptions {
  /** The learner's zone (IANA name or offset), as the browser reports it. */
  timeZone: string;
  /** First and last day (YYYY-MM-DD, inclusive) of the file to show; the whole file when absent. */
  from?: string;
  to?: string;
  /** The index to create; `flights` as the chapter says. */
  index?: string;
  /** The index's mappings, when the caller has its own structure finder's proposal. */
  mappings?: Mappings;
  /** The `_id` prefix (`<file key>-`); by default the key of the generated file of that slice (see `flightsIdPrefix`). */
  idPrefix?: string;
}

export interface AttachedDataset {
  index: string;
  docs: number;
  timeZone: string;
}

/** The mappings the structure finder proposes for the file (find-structure.test.ts), as the importer creates the index. */
export const FLIGHTS_MAPPINGS: Mappings = {
  _meta: { created_by: 'file-data-visualizer' },
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
/** What the zone-free store holds for `@timestamp` until a zone's copy replaces it (any non-ISO string). */
const NO_ZONE_YET = 'zone-free';

let naiveBase: DocStore | undefined;
let buildingBase: Promise<DocStore> | undefined;
const byZone = new Map<string, WeakRef<SharedIndex>>();
const buildingZone = new Map<string, Promise<SharedIndex>>();
const recent: SharedIndex[] = [];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Runs a build to its end at once (start-up, before requests are served). */
function runNow<T>(build: Generator<void, T>): T {
  for (;;) {
    const step = build.next();
    if (step.done) return step.value;
  }
}

/** Runs a build a step at a time, giving the event loop a turn between steps. */
async function runPaced<T>(build: Generator<void, T>): Promise<T> {
  for (;;) {
    const step = build.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * The whole file as the import pipeline leaves each row, zone aside: `ts` holds the naive times
 * read as UTC (file order), `@timestamp` a placeholder. Rows go straight into the store's
 * columns: no JSON object per row. Yields after every day.
 */
function* buildNaiveBase(): Generator<void, DocStore> {
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
        Object.assign(first, { timestamp: text, carrier, origin, dest, dep_delay: delay, '@timestamp': '2017-10-01T00:00:00.000+00:00' });
        bytes = approximateJsonBytes(first);
        first['@timestamp'] = NO_ZONE_YET;
        prepared = store.prepare(first);
        store.append(first, ms, slot, slot + 1, 1, bytes, prepared);
      } else {
        // Leaf order of the shape: timestamp, carrier, origin, dest, dep_delay, @timestamp.
        store.append(first, ms, slot, slot + 1, 1, bytes, { key: prepared.key, shape: prepared.shape, vals: [text, carrier, origin, dest, delay, NO_ZONE_YET] });
      }
      slot += 1;
    }
    yield;
  }
  store.freeze();
  if (!store.frozenIdsAreSlots()) throw new Error('the flights sample was not built in file order');
  return store;
}

/** `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` of an instant in `zone`, as the date processor writes its output. */
function zonedText(instant: number, zone: Zone): string {
  const offset = zone.offsetAt(instant);
  const local = new Date(instant + offset * 60_000).toISOString().slice(0, 23);
  if (offset === 0) return `${local}Z`;
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** The sample's times in `zone`, a copy sharing every other column with the zone-free store. Yields every 100 000 rows. */
function* buildZone(base: DocStore, zone: Zone): Generator<void, SharedIndex> {
  const times = new Float64Array(base.n);
  const texts = new Array<string>(base.n);
  let lastNaive = NaN;
  let instant = NaN;
  let text = '';
  for (let p = 0; p < base.n; p += 1) {
    const naive = base.ts[p] as number;
    if (naive !== lastNaive) {
      // A wall-clock time in the zone, as the date processor reads a zoneless timestamp.
      instant = naive - zone.offsetForLocal(naive) * 60_000;
      text = zonedText(instant, zone);
      lastNaive = naive;
    }
    times[p] = instant;
    texts[p] = text;
    if (p % 100_000 === 99_999) yield;
  }
  const store = DocStore.withTimes(base, '@timestamp', times, texts);
  if (!store) throw new Error(`the flights sample's times in ${zone.id} are not in file order`);
  return { descriptor: { dataset: 'flights', timeZone: zone.id }, store, mappings: FLIGHTS_MAPPINGS };
}

function zoneOf(timeZone: string): Zone {
  try {
    return parseZone(timeZone);
  } catch (error) {
    if (error instanceof DateParseError) throw new EsError(400, 'illegal_argument_exception', `[timeZone] ${error.message}`);
    throw error;
  }
}

function remember(shared: SharedIndex): SharedIndex {
  byZone.set(String(shared.descriptor.timeZone), new WeakRef(shared));
  const i = recent.indexOf(shared);
  if (i >= 0) recent.splice(i, 1);
  recent.unshift(shared);
  recent.length = Math.min(recent.length, KEEP_RECENT);
  return shared;
}

/** The sample in `timeZone`, built at once if needed (start-up: restoring deployments). */
export function sharedFlights(timeZone: string): SharedIndex {
  const zone = zoneOf(timeZone);
  const cached = byZone.get(zone.id)?.deref();
  if (cached) return remember(cached);
  naiveBase ??= runNow(buildNaiveBase());
  return remember(runNow(buildZone(naiveBase, zone)));
}

/** The sample in `timeZone`; a first build gives the event loop a turn between days, and callers asking meanwhile share it. */
export async function sharedFlightsPaced(timeZone: string): Promise<SharedIndex> {
  const zone = zoneOf(timeZone);
  const cached = byZone.get(zone.id)?.deref();
  if (cached) return remember(cached);
  let building = buildingZone.get(zone.id);
  if (!building) {
    building = (async () => {
      if (!naiveBase) {
        buildingBase ??= runPaced(buildNaiveBase());
        naiveBase = await buildingBase;
      }
      return remember(await runPaced(buildZone(naiveBase, zone)));
    })().finally(() => buildingZone.delete(zone.id));
    buildingZone.set(zone.id, building);
  }
  return building;
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
 * `<file key>-`: the `_id` prefix the importer gives the rows of the generated flights.csv of
 * `range` (lib/datasets/file-identity.ts), so the shared rows and an upload of the same file have
 * the same ids.
 */
export function flightsIdPrefix(range: FlightsRange = {}): string {
  return `${flightsFileKey(range)}-`;
}

/**
 * "Use the sample file": creates the deployment's `flights` index over the shared sample in the
 * learner's zone (or the days `from`-`to` of it). The first call in a process builds the shared
 * copy (a few seconds, in slices that let other requests through); the others take a moment.
 * Pressing it again with the same choice is a no-op; an existing `flights` index of another origin
 * answers 400 resource_already_exists_exception (a caller can then load a copy instead).
 */
export async function attachSharedDataset(engine: Engine, dataset: SharedDatasetName, options: AttachSharedOptions): Promise<AttachedDataset> {
  if (dataset !== 'flights') throw new EsError(400, 'illegal_argument_exception', `no shared dataset [${String(dataset)}]`);
  if (!engine.attachShared) throw new Error('this engine cannot attach shared datasets');
  const first = dayMs(options.from, FLIGHTS_FIRST_DAY, 'from');
  const last = dayMs(options.to, FLIGHTS_LAST_DAY, 'to');
  if (last < first) throw new EsError(400, 'illegal_argument_exception', '[to] must not be before [from]');
  const shared = await sharedFlightsPaced(options.timeZone);
  const base = naiveBase as DocStore;
  // Slots are in file order, the same in every zone: the day slice is found on the naive times.
  const [start, end] = base.range(first, last + DAY_MS - 1);
  const idPrefix = options.idPrefix ?? flightsIdPrefix({ from: options.from, to: options.to });
  const index = options.index ?? 'flights';
  const r = engine.attachShared(index, shared, { start, end, idPrefix }, options.mappings);
  return { index, docs: r.docs, timeZone: String(shared.descriptor.timeZone) };
}

/** Finds a shared set again from its descriptor (a restart's persistence); undefined for an unknown one. */
export function resolveSharedDataset(descriptor: Record<string, unknown>): SharedIndex | undefined {
  if (descriptor.dataset === 'flights' && typeof descriptor.timeZone === 'string') return sharedFlights(descriptor.timeZone);
  return undefined;
}
