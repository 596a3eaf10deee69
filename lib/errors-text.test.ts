import { describe, expect, it } from 'vitest';
import { describeError } from './errors';

describe('the refused address hint', () => {
  it('tells the learner what to do, and leaves the operator setting to the operator’s documentation', () => {
    for (const reason of ['private_address', 'scheme', 'port', undefined]) {
      const en = describeError('endpoint_not_allowed', 'en', { host: '169.254.169.254', reason });
      const ko = describeError('endpoint_not_allowed', 'ko', { host: '169.254.169.254', reason });
      for (const hint of [en.hint, ko.hint]) expect(hint).not.toMatch(/ALLOWED_CLUSTER_HOSTS|operator|운영자/);
      expect(en.hint).toMatch(/Cloud ID/);
      expect(en.hint).toMatch(/practice cluster/);
      expect(ko.hint).toMatch(/연습 클러스터/);
      expect(ko.hint).toMatch(/강사/);
    }
  });
});
