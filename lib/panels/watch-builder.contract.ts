/** The threshold-alert builder's reads, client-safe (see `contract.ts`): the field pickers and the preview chart. */
import type { BuilderFields, ThresholdPreview } from '../queries/watch-builder';
import type { AggType, IntervalUnit } from '../watches';
import { panelContract, type PanelReading } from './contract';

export type { BuilderFields, PreviewSeries, ThresholdPreview } from '../queries/watch-builder';

/** Longest index pattern list the builder sends. */
export const BUILDER_INDEX_MAX = 500;

export type WatchFieldsQuery = {
  /** Comma-separated indices or patterns, as the form's "Indices to query". */
  index: string;
};

export interface WatchFieldsDto extends BuilderFields, PanelReading {}

export type WatchPreviewQuery = {
  index: string;
  timeField: string;
  aggType: AggType;
  aggField?: string | null;
  termField?: string | null;
  termSize?: number | null;
  timeWindowSize: number;
  timeWindowUnit: IntervalUnit;
};

export interface WatchPreviewDto extends ThresholdPreview, PanelReading {}

/** `GET /api/panels/watches/fields?index=`: the time, number and term fields of the indices (`_field_caps`). */
export const watchFieldsPanel = panelContract<WatchFieldsQuery, WatchFieldsDto>('watches/fields', 60_000);

/** `GET /api/panels/watches/preview?...`: the metric per time window against the threshold, as Kibana's form previews it. */
export const watchPreviewPanel = panelContract<WatchPreviewQuery, WatchPreviewDto>('watches/preview', 10_000);
