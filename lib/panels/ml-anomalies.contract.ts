/** The chapter 5 Single Metric Viewer panel, client-safe: its query, DTO and limits (see `contract.ts`). */
import type { AnomalyRecord, SeriesPoint, Severity } from '../queries/ml-anomalies';
import type { TimeView, MlAnswers } from '../queries/ml-answers';
import { panelContract, type PanelReading } from './contract';

export { FOCUS_MAX_POINTS, HANDOUT_DAYS, OVERVIEW_MAX_POINTS, SEVERITY_COLOURS, severityOf } from '../queries/ml-anomalies';
export type { AnomalyRecord, SeriesPoint, Severity } from '../queries/ml-anomalies';
export type { DayAnswer, MlAnswers, TimeView, WeekdayFigure } from '../queries/ml-answers';

export const DEFAULT_ML_JOB = 'flights';
/** Anomalies listed for the chosen range at most (the highest scores). */
export const MAX_LISTED_ANOMALIES = 100;

export type MlAnomaliesQuery = {
  job?: string | null;
  /** The focus range (epoch ms); absent: the whole job. */
  from?: number | null;
  to?: number | null;
  /** The reader's IANA zone: days (weekdays, 11/23) are counted in it. */
  tz?: string | null;
  /** `job`: the job's state only (the wizard's progress), without results. */
  part?: 'job' | 'all' | null;
};

export interface MlJobView {
  id: string;
  state: string;
  datafeedState: string | null;
  processedRecords: number;
  earliestRecordTimestamp: string | null;
  latestRecordTimestamp: string | null;
  bucketSpan: string;
  function: string;
  field: string | null;
  modelPlot: boolean;
  /** The look-back ran to its end: the datafeed stopped (a closed job then is the normal end). */
  finished: boolean;
  assignmentExplanation: string | null;
}

export interface MlAnomaliesDto extends PanelReading {
  /** Null when the job does not exist (yet). */
  job: MlJobView | null;
  /** Other anomaly detection jobs of the cluster, for a picker. */
  jobs: string[];
  /** The job's data range and the focus range shown, with the interval of the focus chart. */
  range: { from: number; to: number } | null;
  view: { from: number; to: number; intervalMs: number } | null;
  views: TimeView[];
  series: SeriesPoint[];
  overview: SeriesPoint[];
  /** Records in the focus range, highest score first. */
  anomalies: AnomalyRecord[];
  answers: MlAnswers | null;
  kibana: { url: string } | null;
}

/** Severities in the order of Kibana's legend. */
export const SEVERITIES: readonly Severity[] = ['critical', 'major', 'minor', 'warning', 'low'];

/** `GET /api/panels/ml-anomalies?job=&from=&to=&tz=`, every 5 s (faster while the datafeed runs). */
export const mlAnomaliesPanel = panelContract<MlAnomaliesQuery, MlAnomaliesDto>('ml-anomalies', 5_000);
