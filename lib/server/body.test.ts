import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { assertJsonShape, DEFAULT_BODY_LIMITS, readJsonBody } from './body';

function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request('http://lab.test/api/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** A body that arrives in chunks without a declared length, as a chunked upload does. */
function streamed(chunks: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= chunks) return controller.close();
      sent += 1;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
}

describe('readJsonBody', () => {
  it('parses JSON within the limits, and an empty body as {}', async () => {
    expect(await readJsonBody(post('{"name":"Kim"}'))).toEqual({ name: 'Kim' });
    expect(await readJsonBody(post(null))).toEqual({});
  });

  it('refuses a declared length over the limit before reading', async () => {
    const error = await refusal(readJsonBody(post('{}', { 'content-length': String(DEFAULT_BODY_LIMITS.maxBytes + 1) })));
    expect(error.code).toBe('payload_too_large');
    expect(error.status).toBe(413);
    expect(error.publicParams).toEqual({ reason: 'body', limit: 1024 * 1024 });
  });

  it('stops reading a body without a length as soon as it passes the limit', async () => {
    const error = await refusal(readJsonBody(post(streamed(100, 64 * 1024))));
    expect(error.publicParams).toMatchObject({ reason: 'body' });
    // A route may allow more.
    expect(await readJsonBody(post(streamed(2, 1024)), { maxBytes: 4096 })).toEqual({});
  });

  it('refuses deep nesting and too many entries, and lets a route raise them', async () => {
    expect((await refusal(readJsonBody(post('['.repeat(40) + ']'.repeat(40))))).publicParams).toEqual({ reason: 'depth', limit: 32 });
    const manyKeys = JSON.stringify(Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i])));
    expect((await refusal(readJsonBody(post(manyKeys)))).publicParams).toEqual({ reason: 'entries', limit: 10_000 });
    expect(await readJsonBody(post(manyKeys), { maxEntries: 20_000 })).toHaveProperty('k10000', 10_000);
  });

  it('walks a 100 000-level array without recursion', () => {
    const deep: unknown = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(() => assertJsonShape(deep, { maxDepth: 200_000, maxEntries: 200_000 })).not.toThrow();
  });

  it('calls malformed JSON invalid_request', async () => {
    expect((await refusal(readJsonBody(post('{"a":')))).code).toBe('invalid_request');
  });
});
