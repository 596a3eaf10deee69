import { datasetsFeature } from './datasets/feature';
import type { FeatureDefinition } from './feature';
import { hostFeature } from './host/feature';
import { mlFeature } from './ml/feature';
import { textStructureFeature } from './text-structure/feature';
import { watcherFeature } from './watcher/feature';

/**
 * The practice cluster's features, in the order each deployment creates and ticks them. A new
 * feature (`lib/practice/watcher/`, `lib/practice/ml/`) adds its definition here; see feature.ts.
 */
export const PRACTICE_FEATURES: readonly FeatureDefinition[] = [
  hostFeature,
  // Chapter 4: Watcher.
  watcherFeature,
  // Chapter 5: anomaly detection, the File Data Visualizer's structure finder, the flights sample.
  mlFeature,
  textStructureFeature,
  datasetsFeature,
];
