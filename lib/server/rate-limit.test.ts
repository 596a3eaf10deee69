import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  it('refuses the hit after the limit inside the window, and allows again when the window slides', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i += 1) {
      expect(limiter.check('p1').allowed).toBe(true);
      limiter.hit('p1');
      now += 1_000;
    }
    const refused = limiter.check('p1');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBe(57_000);
    expect(limiter.check('p2').allowed).toBe(true);
    now += 57_001;
    expect(limiter.check('p1').allowed).toBe(true);
    limiter.reset('p1');
    expect(limiter.check('p1').remaining).toBe(3);
  });
});
