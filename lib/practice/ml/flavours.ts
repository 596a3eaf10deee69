import type { Flavor } from '../engine/api';
import { flavourInfo } from '../flavours';

/**
 * What the ML APIs answer differently per version. The version and build hash themselves are the
 * deployment's (`flavours.ts`), so `GET /`, `_nodes` and `_ml/info` always agree.
 */
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

const DIALECTS: Record<Flavor, Omit<MlDialect, 'version' | 'buildHash'>> = {
  // 9.x kept the 8.x anomaly-detection API and stored shapes.
  '9': {
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

/** The dialect of a flavour, with the version facts of the deployment (the flavour's own by default). */
export function mlDialect(flavor: Flavor, version: { version: string; buildHash: string } = flavourInfo(flavor)): MlDialect {
  return { ...DIALECTS[flavor], version: version.version, buildHash: version.buildHash };
}
