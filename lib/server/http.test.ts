import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../errors';
import { readParams, readQuery } from './http';

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
