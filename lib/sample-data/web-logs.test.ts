import { describe, expect, it } from 'vitest';
import { generateSampleWebLogs, SAMPLE_WEB_LOGS_INDEX } from './web-logs';

describe('generateSampleWebLogs', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  const docs = generateSampleWebLogs(now, 1_000);

  it('spans the week before now, in time order, with the sample index name', () => {
    expect(docs).toHaveLength(1_000);
    const times = docs.map((doc) => Date.parse(String(doc.timestamp)));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(now - 7 * 24 * 3_600_000);
    expect(Math.max(...times)).toBeLessThanOrEqual(now);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(docs.every((doc) => doc.index === SAMPLE_WEB_LOGS_INDEX)).toBe(true);
  });

  it('is deterministic per seed and has a realistic share of errors', () => {
    expect(generateSampleWebLogs(now, 50)).toEqual(generateSampleWebLogs(now, 50));
    const errors = docs.filter((doc) => doc.response !== '200').length / docs.length;
    expect(errors).toBeGreaterThan(0.03);
    expect(errors).toBeLessThan(0.12);
  });
});
