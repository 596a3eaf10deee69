/**
 * An uploaded file as records with their line numbers, read as it streams in: CSV rows (a quoted
 * field may hold line breaks, so a row ends at a line break outside quotes) or NDJSON lines.
 * Fields are not split here: the cluster's ingest pipeline does that, as with Kibana's importer,
 * which sends each row as `{ message }`. Nothing but the current line is held.
 */

export interface FileRecord {
  /** 1-based line where the record starts (line 1 is the header row of a CSV). */
  line: number;
  text: string;
}

export class MalformedFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** UTF-8 text of a byte stream, chunk by chunk; a byte order mark is dropped. */
async function* decode(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of bytes) {
    let text = decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** Lines of the text (without `\n` or `\r\n`), with their numbers. */
async function* lines(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<{ line: number; text: string }> {
  let carry = '';
  let line = 0;
  for await (const text of decode(bytes)) {
    const buffer = carry + text;
    let start = 0;
    let end = buffer.indexOf('\n', start);
    while (end !== -1) {
      line += 1;
      const raw = buffer.slice(start, end);
      yield { line, text: raw.endsWith('\r') ? raw.slice(0, -1) : raw };
      start = end + 1;
      end = buffer.indexOf('\n', start);
    }
    carry = buffer.slice(start);
  }
  if (carry !== '') yield { line: line + 1, text: carry.endsWith('\r') ? carry.slice(0, -1) : carry };
}

function countQuotes(text: string, quote: string): number {
  let n = 0;
  let i = text.indexOf(quote);
  while (i !== -1) {
    n += 1;
    i = text.indexOf(quote, i + 1);
  }
  return n;
}

/**
 * CSV rows: a row continues onto the next line while a quote is open (an odd number of quote
 * characters so far; doubled quotes inside a field keep the count even). Blank lines are
 * skipped. A quote still open at the end of the file is an error naming the row's first line.
 */
export async function* csvRecords(bytes: AsyncIterable<Uint8Array>, quote = '"'): AsyncGenerator<FileRecord> {
  let pending: FileRecord | null = null;
  let open = false;
  for await (const { line, text } of lines(bytes)) {
    if (pending) {
      pending.text += `\n${text}`;
      if (countQuotes(text, quote) % 2 === 1) open = !open;
    } else {
      if (text.trim() === '') continue;
      pending = { line, text };
      open = countQuotes(text, quote) % 2 === 1;
    }
    if (!open) {
      yield pending;
      pending = null;
    }
  }
  if (pending) throw new MalformedFileError(pending.line, `a quoted field opened on line ${pending.line} is never closed`);
}

/** NDJSON: one record per non-blank line (each is parsed, and refused if not an object, by the caller). */
export async function* ndjsonRecords(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<FileRecord> {
  for await (const record of lines(bytes)) if (record.text.trim() !== '') yield record;
}
