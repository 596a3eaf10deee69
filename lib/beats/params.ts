import { z } from 'zod';
import { BEATS } from './beats';

/** Route params of `/api/beats/{beat}/…`, validated at the edge with `readParams`. */
export const beatParamSchema = z.enum(BEATS);
/** Elasticsearch API key ids are URL-safe base64 (20 characters today); anything else is not ours. */
export const apiKeyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
