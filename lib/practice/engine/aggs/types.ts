import type { CompiledScript } from '../../script/arithmetic';
import type { Flavor } from '../api';
import type { SortSpec } from '../hits';
import type { IndexState } from '../index-state';
import type { QueryNode } from '../query';

/** The shapes aggregation parsing and evaluation share. */

export interface Seg {
  ix: IndexState;
  pos: number[];
  scores?: number[];
}
export type DocSet = Seg[];

export type Path = (string | number)[];

export interface AggDef {
  name: string;
  type: string;
  p: Record<string, unknown>;
  subs: AggDef[];
  meta?: unknown;
  path: Path;
  // Parsed forms for the types that need them:
  query?: QueryNode;
  filters?: { key: string; q: QueryNode }[];
  sort?: SortSpec[];
  script?: CompiledScript;
}

export interface AggCtx {
  now: number;
  flavor: Flavor;
  buckets: { n: number };
  maxBuckets: number;
  /** Renders hits for top_hits (the search module owns hit rendering). */
  topHits(docs: DocSet, def: AggDef): Record<string, unknown>;
  /** Every document of the searched indices (for `global`). */
  allDocs(): DocSet;
}

export type Out = Record<string, unknown>;

/** The evaluator of sub-aggregations, handed to bucket aggregations (which it calls in turn). */
export type EvalAggs = (defs: AggDef[], docs: DocSet, ctx: AggCtx) => Out;

export const METRICS = ['avg', 'min', 'max', 'sum', 'value_count', 'cardinality', 'stats', 'extended_stats', 'percentiles', 'top_hits', 'top_metrics', 'median_absolute_deviation'];
export const BUCKETS = ['terms', 'date_histogram', 'histogram', 'range', 'date_range', 'filter', 'filters', 'missing', 'global', 'composite'];
export const PARENT_PIPELINES = ['derivative', 'cumulative_sum', 'bucket_script', 'bucket_selector', 'bucket_sort', 'serial_diff'];
export const SIBLING_PIPELINES = ['sum_bucket', 'max_bucket', 'min_bucket', 'avg_bucket', 'stats_bucket'];
