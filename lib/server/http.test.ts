import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppError } from '../errors';
import { errorResponse, readParams, readQuery } from './http';

afterEach(() => vi.restoreAllMocks());

const thrown = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('did not throw');
};

describe('reading a route\'s input with zod', () => {
  it('reads the query string (first value of each parameter) and names the field it refuses', () => {
    const schema = z.object({ chapter: z.coerce.number().int().min(1).max(5), range: z.enum(['15m', '1h']).default('15m') });
    expect(readQuery(new Request('http://lab/api/x?chapter=3&chapter=4'), schema)).toEqual({ chapter: 3, range: '15m' });
    const error = thrown(() => readQuery(new Request('http://lab/api/x?chapter=9'), schema));
    expect(error.code).toBe('invalid_request');
    expect(error.publicParams).toMatchObject({ field: 'chapter' });
  });

  it('reads path segments; one that names nothing the route serves is not_found', () => {
    const schema = z.object({ action: z.enum(['metricbeat-start', 'cpu-load']) });
    expect(readParams({ action: 'cpu-load' }, schema)).toEqual({ action: 'cpu-load' });
    const error = thrown(() => readParams({ action: 'rm-rf' }, schema));
    expect(error.code).toBe('not_found');
    expect(error.status).toBe(404);
  });
});

describe('errorResponse', () => {
  it('answers a database failure as `internal` with a request id; the statement goes to the log only', async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args));
    const failure = new Error('Failed query: insert into "participants" ("display_name") values ($1)\nparams: Eve\u0000');
    const response = errorResponse(failure, new Request('http://lab.test/api/workshops', { method: 'POST', headers: { 'accept-language': 'en' } }));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/insert|participants|Eve/);
    const body = JSON.parse(text) as { error: { code: string; message: string; params: { requestId: string } } };
    expect(body.error.code).toBe('internal');
    expect(body.error.params.requestId).toMatch(/^[0-9a-f]{10}$/);
    expect(body.error.message).toContain(body.error.params.requestId);
    expect(logged).toHaveLength(1);
    expect(String(logged[0]![0])).toContain(`request ${body.error.params.requestId}`);
    expect(JSON.stringify(logged[0]![1])).toContain('insert into');
  });

  it('keeps a known error as it is', async () => {
    const response = errorResponse(new AppError('payload_too_large', { params: { reason: 'body', limit: 1024 * 1024 } }), new Request('http://lab.test/api/cluster', { method: 'POST' }));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });
});
