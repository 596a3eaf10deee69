import { promisify } from 'node:util';
import { deflateRaw, gunzip, gzip, inflateRawSync } from 'node:zlib';
import { type Pause, StringList } from './engine/doc-store';

/**
 * The bytes of the practice cluster's files (see persistence.ts for what goes in them and when).
 *
 * Journal file `journal-<generation>.log`: frames appended one after another, one per flush:
 *   u32 LE payload length | u32 LE CRC-32 of the payload | payload
 * where the payload is raw DEFLATE of NDJSON lines. A frame cut short by a crash is recognised
 * (too short, or a bad CRC on the file's last frame) and dropped; a bad frame before the end is
 * corruption.
 *
 * Snapshot file `snapshot-<generation>.snap`: gzip of
 *   "ELLSNAP1" | u32 LE length of the JSON | JSON | the binary blobs the JSON refers to, in order
 * Typed arrays in the snapshot (a document store's columns and slots) and long string lists
 * (dictionaries of string columns, given `_id`s) are written as blobs, not as JSON:
 * `{"$blob": i, "type": "f64" | "u32" | "u8" | "str"}` in the JSON stands for blob i; a `str` blob
 * is each string as u32 LE byte length and UTF-8. gzip's own CRC-32 catches a damaged snapshot.
 */

const deflateRawAsync = promisify(deflateRaw);
const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const SNAPSHOT_MAGIC = Buffer.from('ELLSNAP1', 'latin1');
const FRAME_HEADER = 8;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE, as zlib and gzip compute it). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i += 1) c = (CRC_TABLE[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One journal frame for `lines` (compressed off the event loop). */
export async function encodeFrame(lines: string[]): Promise<Buffer> {
  const payload = await deflateRawAsync(Buffer.from(`${lines.join('\n')}\n`, 'utf8'));
  const header = Buffer.alloc(FRAME_HEADER);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

export interface ReadFrames {
  /** The lines of every whole frame, in order. */
  lines: string[];
  /** Where the whole frames end; anything after is a frame a crash cut short (see `torn`). */
  goodBytes: number;
  /** A cut-short last frame was found (and ignored). */
  torn: boolean;
}

export class CorruptFileError extends Error {}

/** Reads a journal file. `last`: it is the newest file, where a crash can have cut the final frame. */
export function readFrames(file: Buffer, last: boolean): ReadFrames {
  const lines: string[] = [];
  let at = 0;
  while (at < file.length) {
    const rest = file.length - at;
    const length = rest >= FRAME_HEADER ? file.readUInt32LE(at) : -1;
    const whole = length >= 0 && rest - FRAME_HEADER >= length;
    const payload = whole ? file.subarray(at + FRAME_HEADER, at + FRAME_HEADER + length) : undefined;
    const sound = payload !== undefined && crc32(payload) === file.readUInt32LE(at + 4);
    if (!sound) {
      const final = !whole || at + FRAME_HEADER + length === file.length;
      if (last && final) return { lines, goodBytes: at, torn: true };
      throw new CorruptFileError(`damaged journal frame at byte ${at} of ${file.length}`);
    }
    let text: string;
    try {
      text = inflateRawSync(payload).toString('utf8');
    } catch (error) {
      throw new CorruptFileError(`journal frame at byte ${at} does not decompress: ${(error as Error).message}`);
    }
    for (const line of text.split('\n')) if (line !== '') lines.push(line);
    at += FRAME_HEADER + length;
  }
  return { lines, goodBytes: at, torn: false };
}

type BlobType = 'f64' | 'u32' | 'u8' | 'str';

const STRINGS_PER_SLICE = 50_000;

async function stringBlob(list: StringList, pause: Pause): Promise<Buffer> {
  const values = list.values;
  let size = 0;
  for (let i = 0; i < values.length; i += 1) size += 4 + Buffer.byteLength(values[i] as string);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < values.length; i += 1) {
    const written = out.write(values[i] as string, at + 4, 'utf8');
    out.writeUInt32LE(written, at);
    at += 4 + written;
    if (i % STRINGS_PER_SLICE === STRINGS_PER_SLICE - 1) await pause();
  }
  return out;
}

function readStringBlob(blob: Buffer): StringList {
  const values: string[] = [];
  let at = 0;
  while (at < blob.length) {
    const length = blob.readUInt32LE(at);
    if (at + 4 + length > blob.length) throw new CorruptFileError('a string list in the snapshot runs past its blob');
    values.push(blob.toString('utf8', at + 4, at + 4 + length));
    at += 4 + length;
  }
  return new StringList(values);
}

/** Replaces typed arrays and string lists in `value` by blob references (a copy; `value` is not changed). */
async function takeBlobs(value: unknown, blobs: Buffer[], pause: Pause): Promise<unknown> {
  if (value instanceof Float64Array || value instanceof Uint32Array || value instanceof Uint8Array) {
    const type: BlobType = value instanceof Float64Array ? 'f64' : value instanceof Uint32Array ? 'u32' : 'u8';
    blobs.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    return { $blob: blobs.length - 1, type };
  }
  if (value instanceof StringList) {
    blobs.push(await stringBlob(value, pause));
    return { $blob: blobs.length - 1, type: 'str' };
  }
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i += 1) out[i] = await takeBlobs(value[i], blobs, pause);
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await takeBlobs(v, blobs, pause);
    return out;
  }
  return value;
}

/**
 * A snapshot's bytes: its JSON with typed arrays and string lists taken out as blobs, pausing now
 * and then; gzipped off the event loop.
 */
export async function encodeSnapshot(value: unknown, pause: Pause = async () => {}): Promise<Buffer> {
  const blobs: Buffer[] = [];
  const json = JSON.stringify(await takeBlobs(value, blobs, pause));
  const jsonBytes = Buffer.from(json, 'utf8');
  const head = Buffer.alloc(SNAPSHOT_MAGIC.length + 4);
  SNAPSHOT_MAGIC.copy(head);
  head.writeUInt32LE(jsonBytes.length, SNAPSHOT_MAGIC.length);
  const lengths = Buffer.alloc(4 * blobs.length);
  blobs.forEach((b, i) => lengths.writeUInt32LE(b.length, 4 * i));
  const countBytes = Buffer.alloc(4);
  countBytes.writeUInt32LE(blobs.length, 0);
  const whole = Buffer.concat([head, jsonBytes, countBytes, lengths, ...blobs]);
  await pause();
  return gzipAsync(whole);
}

/** Reads `encodeSnapshot`'s bytes back; a damaged file throws CorruptFileError. */
export async function decodeSnapshot(file: Buffer): Promise<unknown> {
  let raw: Buffer;
  try {
    raw = await gunzipAsync(file);
  } catch (error) {
    throw new CorruptFileError(`snapshot does not decompress: ${(error as Error).message}`);
  }
  if (raw.length < SNAPSHOT_MAGIC.length + 8 || !raw.subarray(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC)) throw new CorruptFileError('not a practice cluster snapshot');
  const jsonLength = raw.readUInt32LE(SNAPSHOT_MAGIC.length);
  let at = SNAPSHOT_MAGIC.length + 4;
  const json = raw.subarray(at, at + jsonLength).toString('utf8');
  at += jsonLength;
  const count = raw.readUInt32LE(at);
  at += 4;
  const lengths: number[] = [];
  for (let i = 0; i < count; i += 1) lengths.push(raw.readUInt32LE(at + 4 * i));
  at += 4 * count;
  const blobs: Buffer[] = [];
  for (const length of lengths) {
    if (at + length > raw.length) throw new CorruptFileError('snapshot is shorter than its blobs');
    blobs.push(raw.subarray(at, at + length));
    at += length;
  }
  try {
    return JSON.parse(json, (_key, v: unknown) => {
      const ref = v as { $blob?: unknown; type?: unknown } | null;
      if (ref === null || typeof ref !== 'object' || typeof ref.$blob !== 'number') return v;
      const blob = blobs[ref.$blob];
      if (!blob) throw new CorruptFileError(`snapshot refers to a missing blob ${ref.$blob}`);
      // Copied into fresh buffers: typed arrays need aligned offsets.
      const bytes = new Uint8Array(blob);
      if (ref.type === 'f64') return new Float64Array(bytes.buffer, 0, bytes.length / 8);
      if (ref.type === 'u32') return new Uint32Array(bytes.buffer, 0, bytes.length / 4);
      if (ref.type === 'str') return readStringBlob(blob);
      return bytes;
    });
  } catch (error) {
    if (error instanceof CorruptFileError) throw error;
    throw new CorruptFileError(`snapshot JSON does not parse: ${(error as Error).message}`);
  }
}
