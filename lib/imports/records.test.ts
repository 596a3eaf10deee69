import { describe, expect, it } from 'vitest';
import { csvRecords, MalformedFileError, ndjsonRecords, type FileRecord } from './records';

/** Splits `text` into chunks of `size` bytes, as a request body arrives. */
async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function all(records: AsyncGenerator<FileRecord>): Promise<FileRecord[]> {
  const out: FileRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
}

describe('reading an upload as records', () => {
  it('gives CSV rows with their first line, across chunk borders, quoted line breaks and CRLF', async () => {
    const text = '\ufefftime,note\r\n2017-11-23 00:01:00,"two\nlines"\r\n\r\n2017-11-23 00:02:00,"say ""hi"""\n2017-11-23 00:03:00,last';
    for (const size of [1, 3, 7, 1000]) {
      expect(await all(csvRecords(chunks(text, size)))).toEqual([
        { line: 1, text: 'time,note' },
        { line: 2, text: '2017-11-23 00:01:00,"two\nlines"' },
        { line: 5, text: '2017-11-23 00:02:00,"say ""hi"""' },
        { line: 6, text: '2017-11-23 00:03:00,last' },
      ]);
    }
  });

  it('keeps multi-byte characters whole when a chunk splits them', async () => {
    expect(await all(csvRecords(chunks('도시,값\n서울,1\n', 1)))).toEqual([
      { line: 1, text: '도시,값' },
      { line: 2, text: '서울,1' },
    ]);
  });

  it('refuses a quote that is never closed, naming the row\'s line', async () => {
    const error = await all(csvRecords(chunks('a,b\n1,2\n3,"open\n4,5\n', 4))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedFileError);
    expect((error as MalformedFileError).line).toBe(3);
  });

  it('gives NDJSON lines, skipping blank ones', async () => {
    expect(await all(ndjsonRecords(chunks('{"a":1}\n\n{"a":2}\n', 2)))).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 3, text: '{"a":2}' },
    ]);
  });
});
