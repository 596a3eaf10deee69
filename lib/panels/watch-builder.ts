import 'server-only';
import { z } from 'zod';
import { buildPreviewRequest, parseBuilderFields, parsePreview } from '../queries/watch-builder';
import { AGG_TYPES } from '../watches';
import { panelReader, searchCluster } from './read';
import { BUILDER_INDEX_MAX, watchFieldsPanel, watchPreviewPanel } from './watch-builder.contract';

/** The threshold builder's field pickers and preview chart, through the one panel path. */

const TIMEOUT_MS = 8_000;

const indexList = z
  .string()
  .trim()
  .min(1)
  .max(BUILDER_INDEX_MAX)
  .regex(/^[^\s"\\/?#<>|]+$/, 'index names or patterns separated by commas')
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const fieldName = z.string().trim().min(1).max(255);

export const watchFields = panelReader(watchFieldsPanel, {
  query: z.object({ index: indexList }),
  ttlMs: 10_000,
  async read({ client }, { index }) {
    return parseBuilderFields(await client.fieldCaps(index, '*', { timeoutMs: TIMEOUT_MS }));
  },
});

const optional = <T extends z.ZodTypeAny>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

export const watchPreview = panelReader(watchPreviewPanel, {
  query: z
    .object({
      index: indexList,
      timeField: fieldName,
      aggType: z.enum(AGG_TYPES as [string, ...string[]]),
      aggField: optional(fieldName),
      termField: optional(fieldName),
      termSize: optional(z.coerce.number().int().min(1).max(50)),
      timeWindowSize: z.coerce.number().int().min(1).max(100_000),
      timeWindowUnit: z.enum(['s', 'm', 'h', 'd']),
    })
    .refine((q) => q.aggType === 'count' || q.aggField !== undefined, { message: 'a field for the aggregation', path: ['aggField'] }),
  ttlMs: 5_000,
  async read({ client, now }, q) {
    const params = { ...q, aggType: q.aggType as (typeof AGG_TYPES)[number], now };
    return parsePreview(await searchCluster(client, buildPreviewRequest(params), TIMEOUT_MS), params);
  },
});
