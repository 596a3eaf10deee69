import { describe, expect, it } from 'vitest';
import { parseServerEnv } from './env';

describe('parseServerEnv', () => {
  it('applies the embedded defaults', () => {
    expect(parseServerEnv({})).toMatchObject({ PRACTICE_CLUSTER_PORT: 9200, PRACTICE_CLUSTER: true });
  });

  it('names the variable that is wrong', () => {
    expect(() => parseServerEnv({ PRACTICE_CLUSTER_PORT: 'ninety' })).toThrow(/PRACTICE_CLUSTER_PORT/);
    expect(() => parseServerEnv({ PRACTICE_CLUSTER: 'maybe' })).toThrow(/PRACTICE_CLUSTER/);
  });
});
