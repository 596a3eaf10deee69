import type { Flavor } from '../engine/api';

/** What the ML APIs answer differently per version (a "9" entry slots in here). */
export interface MlDialect {
  version: string;
  buildHash: string;
  /** `analysis_config.model_prune_window` in stored jobs (8.x). */
  modelPruneWindow: boolean;
  /** GET job inlines `datafeed_config` (8.x). */
  datafeedInJob: boolean;
  /** Datafeeds store the creator's `authorization`. */
  datafeedAuthorization: boolean;
  /** `_start` answers with the node id. */
  startReturnsNode: boolean;
  /** `model_size_stats.peak_model_bytes` and `assignment_memory_basis`. */
  peakModelBytes: boolean;
  defaultModelMemoryLimit: string;
  notificationsIndex: string;
  categorizationTokenizer: string;
}

const DIALECTS: Record<Flavor, MlDialect> = {
  // 9.x kept the 8.x anomaly-detection API and stored shapes.
  '9': {
    version: '9.1.3',
    buildHash: '0c781091a2f57de895a73a1391ff8426c0153c8d',
    modelPruneWindow: true,
    datafeedInJob: true,
    datafeedAuthorization: true,
    startReturnsNode: true,
    peakModelBytes: true,
    defaultModelMemoryLimit: '1024mb',
    notificationsIndex: '.ml-notifications-000002',
    categorizationTokenizer: 'ml_standard',
  },
  '8': {
    version: '8.15.0',
    buildHash: '1a77947f34deddb41af25e6f0ddb8e830159c179',
    modelPruneWindow: true,
    datafeedInJob: true,
    datafeedAuthorization: true,
    startReturnsNode: true,
    peakModelBytes: true,
    defaultModelMemoryLimit: '1024mb',
    notificationsIndex: '.ml-notifications-000002',
    categorizationTokenizer: 'ml_standard',
  },
  '7': {
    version: '7.17.0',
    buildHash: 'bee86328705acaa9a6daede7140defd4d9ec56bd',
    modelPruneWindow: false,
    datafeedInJob: false,
    datafeedAuthorization: true,
    startReturnsNode: true,
    peakModelBytes: true,
    defaultModelMemoryLimit: '1024mb',
    notificationsIndex: '.ml-notifications-000002',
    categorizationTokenizer: 'ml_standard',
  },
};

export function mlDialect(flavor: Flavor): MlDialect {
  return DIALECTS[flavor];
}
