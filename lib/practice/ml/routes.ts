/**
 * The `_ml` REST surface as data, for the HTTP layer to wire: each route names the `PracticeMl`
 * method that answers it. Path parameters in braces are passed as the method's first argument,
 * the query string as the second, the parsed JSON body as the third.
 */
import type { PracticeMl } from './practice-ml';

export interface MlRoute {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  handler: keyof PracticeMl;
  /** Checked against the deployment's licence by the method itself (403 on Basic). */
  licensed?: boolean;
}

const results = (name: string, handler: keyof PracticeMl): MlRoute[] => [
  { method: 'GET', path: `/_ml/anomaly_detectors/{job_id}/results/${name}`, handler },
  { method: 'POST', path: `/_ml/anomaly_detectors/{job_id}/results/${name}`, handler },
];

export const ML_ROUTES: readonly MlRoute[] = [
  { method: 'GET', path: '/_ml/info', handler: 'info' },
  { method: 'POST', path: '/_ml/anomaly_detectors/_validate', handler: 'validateJob' },
  { method: 'POST', path: '/_ml/anomaly_detectors/_estimate_model_memory', handler: 'estimateModelMemory' },
  { method: 'GET', path: '/_ml/anomaly_detectors', handler: 'getJobs' },
  { method: 'GET', path: '/_ml/anomaly_detectors/_stats', handler: 'getJobStats' },
  { method: 'GET', path: '/_ml/anomaly_detectors/{job_id}', handler: 'getJobs' },
  { method: 'PUT', path: '/_ml/anomaly_detectors/{job_id}', handler: 'putJob', licensed: true },
  { method: 'DELETE', path: '/_ml/anomaly_detectors/{job_id}', handler: 'deleteJob' },
  { method: 'POST', path: '/_ml/anomaly_detectors/{job_id}/_update', handler: 'updateJob' },
  { method: 'POST', path: '/_ml/anomaly_detectors/{job_id}/_open', handler: 'openJob', licensed: true },
  { method: 'POST', path: '/_ml/anomaly_detectors/{job_id}/_close', handler: 'closeJob' },
  { method: 'POST', path: '/_ml/anomaly_detectors/{job_id}/_flush', handler: 'flushJob' },
  { method: 'GET', path: '/_ml/anomaly_detectors/{job_id}/_stats', handler: 'getJobStats' },
  ...results('buckets', 'getBuckets'),
  { method: 'GET', path: '/_ml/anomaly_detectors/{job_id}/results/buckets/{timestamp}', handler: 'getBuckets' },
  { method: 'POST', path: '/_ml/anomaly_detectors/{job_id}/results/buckets/{timestamp}', handler: 'getBuckets' },
  ...results('records', 'getRecords'),
  ...results('influencers', 'getInfluencers'),
  ...results('overall_buckets', 'getOverallBuckets'),
  { method: 'GET', path: '/_ml/datafeeds', handler: 'getDatafeeds' },
  { method: 'GET', path: '/_ml/datafeeds/_stats', handler: 'getDatafeedStats' },
  { method: 'GET', path: '/_ml/datafeeds/_preview', handler: 'previewDatafeed', licensed: true },
  { method: 'POST', path: '/_ml/datafeeds/_preview', handler: 'previewDatafeed', licensed: true },
  { method: 'GET', path: '/_ml/datafeeds/{datafeed_id}', handler: 'getDatafeeds' },
  { method: 'PUT', path: '/_ml/datafeeds/{datafeed_id}', handler: 'putDatafeed', licensed: true },
  { method: 'DELETE', path: '/_ml/datafeeds/{datafeed_id}', handler: 'deleteDatafeed' },
  { method: 'POST', path: '/_ml/datafeeds/{datafeed_id}/_update', handler: 'updateDatafeed' },
  { method: 'POST', path: '/_ml/datafeeds/{datafeed_id}/_start', handler: 'startDatafeed', licensed: true },
  { method: 'POST', path: '/_ml/datafeeds/{datafeed_id}/_stop', handler: 'stopDatafeed' },
  { method: 'GET', path: '/_ml/datafeeds/{datafeed_id}/_stats', handler: 'getDatafeedStats' },
  { method: 'GET', path: '/_ml/datafeeds/{datafeed_id}/_preview', handler: 'previewDatafeed', licensed: true },
  { method: 'POST', path: '/_ml/datafeeds/{datafeed_id}/_preview', handler: 'previewDatafeed', licensed: true },
];
