import { describe, expect, it } from 'vitest';
import { chapterProgress } from './progress-summary';

describe('progress per chapter', () => {
  it('counts the done checkpoints of each chapter against its total', () => {
    expect(chapterProgress(['cluster-connected', 'ml-node', 'metricbeat-data', 'not-a-checkpoint'])).toEqual([
      { chapter: 1, done: 2, total: 4 },
      { chapter: 2, done: 1, total: 2 },
      { chapter: 3, done: 0, total: 3 },
      { chapter: 4, done: 0, total: 4 },
      { chapter: 5, done: 0, total: 4 },
    ]);
  });
});
