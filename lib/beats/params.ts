import { z } from 'zod';
import { AppError } from '../errors';
import { BEATS, type BeatName } from './beats';

/** Route params of `/api/beats/{beat}/…`, validated at the edge. */
export const beatParamSchema = z.enum(BEATS);
/** Elasticsearch API key ids are URL-safe base64 (20 characters today); anything else is not ours. */
export const apiKeyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export function parseBeatParam(value: string): BeatName {
  const parsed = beatParamSchema.safeParse(value);
  if (!parsed.success) throw new AppError('not_found', { detail: `unknown beat ${value}` });
  return parsed.data;
}

export function parseApiKeyId(value: string): string {
  const parsed = apiKeyIdSchema.safeParse(value);
  if (!parsed.success) throw new AppError('invalid_request', { params: { field: 'id', reason: 'not an API key id' } });
  return parsed.data;
}
