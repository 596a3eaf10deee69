import { createHash } from 'node:crypto';
import { type FlightsRange, flightsCsvChunks, flightsSize } from './flights';

/**
 * Deterministic document ids for imported rows, so that importing the same file twice overwrites
 * instead of duplicating: a file is known by its size and its first 64 KiB (what the server has
 * read before the first row is indexed), a row by its line number in the file. The sample
 * button of the practice cluster computes the same ids for the generated file, so clicking it and
 * uploading the downloaded flights.csv give the same documents.
 */

export const FILE_KEY_HEAD_BYTES = 64 * 1024;

/** 16 hex characters of SHA-256 over the size (unknown: -1) and the head of the file. */
export function fileKey(head: Uint8Array, totalBytes: number | null): string {
  const hash = createHash('sha256');
  hash.update(`${totalBytes ?? -1}\n`);
  hash.update(head.subarray(0, FILE_KEY_HEAD_BYTES));
  return hash.digest('hex').slice(0, 16);
}

/** The `_id` of the row on line `line` (1-based, as an editor counts; the header is line 1). */
export function rowId(key: string, line: number): string {
  return `${key}-${line}`;
}

const flightsKeys = new Map<string, string>();

/** The file key of the generated flights.csv of a range (the whole file by default). */
export function flightsFileKey(range: FlightsRange = {}): string {
  const memo = `${range.from ?? ''}..${range.to ?? ''}`;
  const known = flightsKeys.get(memo);
  if (known) return known;
  const parts: Buffer[] = [];
  let size = 0;
  for (const chunk of flightsCsvChunks(range)) {
    const bytes = Buffer.from(chunk, 'utf8');
    parts.push(bytes);
    size += bytes.length;
    if (size >= FILE_KEY_HEAD_BYTES) break;
  }
  const key = fileKey(Buffer.concat(parts), flightsSize(range).bytes);
  flightsKeys.set(memo, key);
  return key;
}
