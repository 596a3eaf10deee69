import { flightsFileKey, rowId } from '../../datasets/file-identity';
import { FLIGHT_AIRPORTS, FLIGHT_CARRIERS, FLIGHTS_FIRST_DAY, FLIGHTS_LAST_DAY, flightsCsvChunks, flightDays, flightsSize, type FlightsRange } from '../../datasets/flights';
import type { BulkAction, Engine, Flavor } from '../engine/api';
import { DateParseError, parseZone, type Zone } from '../engine/dates';
import { findStructure } from '../text-structure';

/**
 * "Use the sample file" on the practice cluster: the generated flights go into index `flights` of
 * a deployment as Kibana's importer would leave them after uploading flights.csv in the learner's
 * time zone (the structure finder's mappings, its pipeline created as `flights-pipeline`, each row
 * as the pipeline's csv, date, convert and remove processors would write it), without the CSV round
 * trip. This one function is what the control route calls, so a shared read-only copy of the
 * sample can later take its place without touching the route or the app.
 */

export const FLIGHTS_INDEX = 'flights';
export const FLIGHTS_PIPELINE = `${FLIGHTS_INDEX}-pipeline`;
/** Documents per engine bulk call: small enough that one call never holds the server's thread long. */
const CHUNK_ROWS = 2_000;

export interface FlightsSampleRequest {
  /** IANA zone (or offset) the naive CSV times are read in: the learner's browser zone. */
  timeZone: string;
  from?: string;
  to?: string;
}

export interface FlightsSampleOptions {
  signal?: AbortSignal;
  /** Called after every chunk with the rows done so far. */
  onProgress?: (rows: number, failedRows: number) => void;
}

export interface FlightsSampleResult {
  rows: number;
  failedRows: number;
  /** The first failures, with the line of the row in flights.csv. */
  failures: { line: number; reason: string }[];
}

export class SampleRequestError extends Error {}

/** Checks a request before anything is written: a real zone, days inside the data. */
export function checkSampleRequest(request: FlightsSampleRequest): { zone: Zone; range: FlightsRange; totalRows: number } {
  let zone: Zone;
  try {
    zone = parseZone(request.timeZone);
  } catch (error) {
    if (error instanceof DateParseError) throw new SampleRequestError(`timeZone: ${error.message}`);
    throw error;
  }
  const range: FlightsRange = { from: request.from, to: request.to };
  try {
    return { zone, range, totalRows: flightsSize(range).rows };
  } catch (error) {
    if (error instanceof RangeError) throw new SampleRequestError(`${error.message} (${FLIGHTS_FIRST_DAY} to ${FLIGHTS_LAST_DAY})`);
    throw error;
  }
}

const proposals = new Map<Flavor, { mappings: Record<string, unknown>; processors: Record<string, Record<string, unknown>>[] }>();

/** What the flavour's structure finder proposes for flights.csv (read from the file's first lines). */
function proposal(flavor: Flavor) {
  const known = proposals.get(flavor);
  if (known) return known;
  // The finder reads its first 1 000 lines: the header and the first day's first flights.
  const head = [...flightsCsvChunks({ from: FLIGHTS_FIRST_DAY, to: FLIGHTS_FIRST_DAY })].join('').slice(0, 100_000);
  const structure = findStructure(head, {}, { flavor }) as unknown as {
    mappings: Record<string, unknown>;
    ingest_pipeline: { processors: Record<string, Record<string, unknown>>[] };
  };
  const made = { mappings: structure.mappings, processors: structure.ingest_pipeline.processors };
  proposals.set(flavor, made);
  return made;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in `zone`, as the date processor writes it. */
function zonedTimestamp(naiveUtcMs: number, zone: Zone): string {
  const instant = naiveUtcMs - zone.offsetForLocal(naiveUtcMs) * 60_000;
  const offset = zone.offsetAt(instant);
  const local = new Date(instant + offset * 60_000).toISOString().slice(0, 23);
  if (offset === 0) return `${local}Z`;
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Indexes the sample into `flights` of `engine`; re-running it overwrites the same documents. */
export async function loadFlightsSample(engine: Engine, request: FlightsSampleRequest, options: FlightsSampleOptions = {}): Promise<FlightsSampleResult> {
  const { zone, range } = checkSampleRequest(request);
  const { mappings, processors } = proposal(engine.flavor);
  const zoned = processors.map((p) => (p.date ? { date: { ...p.date, timezone: zone.id } } : p));
  engine.putPipeline(FLIGHTS_PIPELINE, { description: 'Ingest pipeline created by text structure finder', processors: zoned });
  if (!engine.indexExists(FLIGHTS_INDEX)) {
    engine.createIndex(FLIGHTS_INDEX, { mappings: { _meta: { created_by: 'file-data-visualizer' }, ...mappings } });
  }
  const key = flightsFileKey(range);
  const result: FlightsSampleResult = { rows: 0, failedRows: 0, failures: [] };
  // Line 1 is the header, as in the file the learner would upload.
  let line = 1;
  for (const day of flightDays(range)) {
    for (let start = 0; start < day.count; start += CHUNK_ROWS) {
      if (options.signal?.aborted) return result;
      const end = Math.min(day.count, start + CHUNK_ROWS);
      const actions: BulkAction[] = [];
      for (let i = start; i < end; i += 1) {
        const minute = day.minute[i] as number;
        const naive = day.dayStartUtc + minute * 60_000;
        actions.push({
          op: 'index',
          index: FLIGHTS_INDEX,
          id: rowId(key, line + 1 + i),
          source: {
            timestamp: `${day.date} ${pad(Math.floor(minute / 60))}:${pad(minute % 60)}:00`,
            carrier: FLIGHT_CARRIERS[day.carrier[i] as number],
            origin: FLIGHT_AIRPORTS[day.origin[i] as number],
            dest: FLIGHT_AIRPORTS[day.dest[i] as number],
            dep_delay: day.depDelay[i],
            '@timestamp': zonedTimestamp(naive, zone),
          },
        });
      }
      const response = engine.bulk(actions);
      response.items.forEach((item, k) => {
        const outcome = Object.values(item)[0];
        if (!outcome?.error) return;
        result.failedRows += 1;
        if (result.failures.length < 20) result.failures.push({ line: line + 1 + start + k, reason: outcome.error.reason });
      });
      result.rows += actions.length;
      options.onProgress?.(result.rows, result.failedRows);
      await tick();
    }
    line += day.count;
  }
  engine.refresh(FLIGHTS_INDEX);
  return result;
}
