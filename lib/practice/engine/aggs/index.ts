import { illegalArgument } from '../errors';
import type { QueryNode } from '../query';
import { composite, filtersAgg, histogram, ranges, single, terms } from './buckets';
import { countValues, numericStats, percentiles, topMetrics } from './metrics';
import { siblingPipeline } from './pipeline';
import { type AggCtx, type AggDef, type DocSet, type Out, PARENT_PIPELINES, SIBLING_PIPELINES } from './types';
import { filterDocs } from './values';

/**
 * Aggregations: `parse.ts` validates a request's `aggs` with Elasticsearch's errors; this module
 * evaluates them over the matched documents (`metrics.ts`, `buckets.ts`), then applies the pipeline
 * aggregations (`pipeline.ts`) to the finished buckets.
 */

export { parseAggs } from './parse';
export type { AggCtx, AggDef, DocSet, Seg } from './types';

export function evalAggs(defs: AggDef[], docs: DocSet, ctx: AggCtx): Out {
  const out: Out = {};
  for (const def of defs) {
    if (PARENT_PIPELINES.includes(def.type) || SIBLING_PIPELINES.includes(def.type)) continue;
    const r = evalOne(def, docs, ctx);
    if (def.meta !== undefined) r.meta = def.meta;
    out[def.name] = r;
  }
  for (const def of defs) {
    if (!SIBLING_PIPELINES.includes(def.type)) continue;
    out[def.name] = siblingPipeline(def, out, defs);
  }
  return out;
}

function evalOne(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  switch (def.type) {
    case 'avg':
    case 'min':
    case 'max':
    case 'sum':
    case 'stats':
    case 'extended_stats':
      return numericStats(def, docs, ctx);
    case 'value_count':
    case 'cardinality':
      return countValues(def, docs, ctx);
    case 'percentiles':
    case 'median_absolute_deviation':
      return percentiles(def, docs, ctx);
    case 'top_hits':
      return ctx.topHits(docs, def);
    case 'top_metrics':
      return topMetrics(def, docs, ctx);
    case 'terms':
      return terms(def, docs, ctx, evalAggs);
    case 'date_histogram':
    case 'histogram':
      return histogram(def, docs, ctx, evalAggs);
    case 'range':
    case 'date_range':
      return ranges(def, docs, ctx, evalAggs);
    case 'filter':
      return single(def, filterDocs(docs, def.query as QueryNode, ctx), ctx, evalAggs);
    case 'filters':
      return filtersAgg(def, docs, ctx, evalAggs);
    case 'missing': {
      const field = def.p.field as string;
      const sub = docs.map((s) => {
        const r = s.ix.reader(field);
        return { ix: s.ix, pos: s.pos.filter((p) => r.values(p).length === 0) };
      });
      return single(def, sub, ctx, evalAggs);
    }
    case 'global':
      return single(def, ctx.allDocs(), ctx, evalAggs);
    case 'composite':
      return composite(def, docs, ctx, evalAggs);
  }
  throw illegalArgument(`aggregation [${def.type}] is not supported`);
}
