import { describe, expect, it } from 'vitest';
import { spreadWait } from './spread-wait';

describe('spreadWait', () => {
  it('waits from ms up to (not including) twice ms', () => {
    expect(spreadWait(30_000, () => 0)).toBe(30_000);
    expect(spreadWait(30_000, () => 0.5)).toBe(45_000);
    expect(spreadWait(30_000, () => 0.999_999)).toBe(59_999);
  });

  it('draws anew each time', () => {
    const waits = new Set(Array.from({ length: 50 }, () => spreadWait(60_000)));
    expect(waits.size).toBeGreaterThan(40);
    for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(60_000);
  });
});
