import { describe, expect, it } from 'vitest';
import { formatDate, parseDate, parseZone, resolveDateMath } from './dates';

const NOW = Date.parse('2026-03-10T12:34:56.789Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('date math with a fixed now', () => {
  it.each([
    ['now', false, '2026-03-10T12:34:56.789Z'],
    ['now-1m', false, '2026-03-10T12:33:56.789Z'],
    ['now-15m', false, '2026-03-10T12:19:56.789Z'],
    ['now+1h', false, '2026-03-10T13:34:56.789Z'],
    ['now-1d', false, '2026-03-09T12:34:56.789Z'],
    ['now/d', false, '2026-03-10T00:00:00.000Z'],
    ['now/d', true, '2026-03-10T23:59:59.999Z'],
    ['now-1d/d', false, '2026-03-09T00:00:00.000Z'],
    ['now/h', false, '2026-03-10T12:00:00.000Z'],
    ['now/M', false, '2026-03-01T00:00:00.000Z'],
    ['now/w', false, '2026-03-09T00:00:00.000Z'],
    ['now-1M/M', true, '2026-02-28T23:59:59.999Z'],
    ['now-30s', false, '2026-03-10T12:34:26.789Z'],
    ['now-2H', false, '2026-03-10T10:34:56.789Z'],
    ['2026-01-01||-1h', false, '2025-12-31T23:00:00.000Z'],
    ['2026-01-01T10:00:00Z||+1d/d', false, '2026-01-02T00:00:00.000Z'],
    ['2026-01-01', false, '2026-01-01T00:00:00.000Z'],
    ['2026-01-01', true, '2026-01-01T23:59:59.999Z'],
    ['2026-01', true, '2026-01-31T23:59:59.999Z'],
    ['2026-01-01T10:15', true, '2026-01-01T10:15:59.999Z'],
  ])('%s (roundUp %s)', (expr, roundUp, expected) => {
    expect(iso(resolveDateMath(expr, { now: NOW, roundUp }))).toBe(expected);
  });

  it('rounds in the requested time zone', () => {
    expect(iso(resolveDateMath('now/d', { now: NOW, zone: parseZone('+09:00') }))).toBe('2026-03-09T15:00:00.000Z');
    expect(iso(resolveDateMath('now/d', { now: NOW, zone: parseZone('Asia/Seoul') }))).toBe('2026-03-09T15:00:00.000Z');
  });

  it('accepts epoch millis numbers and strings', () => {
    expect(resolveDateMath(1767225600000, { now: NOW })).toBe(1767225600000);
    expect(resolveDateMath('1767225600000', { now: NOW })).toBe(1767225600000);
  });

  it('rejects what ES rejects', () => {
    expect(() => resolveDateMath('now-1x', { now: NOW })).toThrow();
    expect(() => resolveDateMath('yesterday', { now: NOW })).toThrow(/failed to parse date field \[yesterday\]/);
  });
});

describe('date formats', () => {
  it.each([
    ['2026-03-10T12:00:00Z', 'strict_date_optional_time', '2026-03-10T12:00:00.000Z'],
    ['2026-03-10T12:00:00.123456Z', 'strict_date_optional_time', '2026-03-10T12:00:00.123Z'],
    ['2026-03-10T21:00:00+09:00', 'strict_date_optional_time', '2026-03-10T12:00:00.000Z'],
    ['2026-03-10T12:00:00', 'strict_date_optional_time', '2026-03-10T12:00:00.000Z'],
    ['2026/03/10 12:00:00', 'yyyy/MM/dd HH:mm:ss||yyyy/MM/dd', '2026-03-10T12:00:00.000Z'],
    ['10/03/2026', 'dd/MM/yyyy', '2026-03-10T00:00:00.000Z'],
    ['Mar 10 2026 12:00:00', 'MMM dd yyyy HH:mm:ss', '2026-03-10T12:00:00.000Z'],
    ['1773144000', 'epoch_second', '2026-03-10T12:00:00.000Z'],
  ])('parses %s with %s', (text, format, expected) => {
    expect(iso(parseDate(text, format) as number)).toBe(expected);
  });

  it('does not read local-time strings in the machine zone', () => {
    expect(parseDate('2026-03-10T12:00:00')).toBe(Date.UTC(2026, 2, 10, 12));
  });

  it('formats with named formats and patterns', () => {
    const ms = Date.parse('2026-03-10T03:04:05.006Z');
    expect(formatDate(ms)).toBe('2026-03-10T03:04:05.006Z');
    expect(formatDate(ms, 'epoch_millis')).toBe(String(ms));
    expect(formatDate(ms, 'yyyy-MM-dd HH:mm')).toBe('2026-03-10 03:04');
    expect(formatDate(ms, 'strict_date_optional_time', parseZone('+09:00'))).toBe('2026-03-10T12:04:05.006+09:00');
  });
});
