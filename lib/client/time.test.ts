import { describe, expect, it } from 'vitest';
import { createTimeFormat } from './time';

// 2026-11-24T12:20:05Z: 21:20:05 in Seoul, 07:20:05 in New York.
const AT = '2026-11-24T12:20:05.000Z';

describe('the time formatter', () => {
  it('shows a time in the viewer\'s zone, in either language', () => {
    // ICU puts a narrow no-break space before AM/PM; \s matches it.
    expect(createTimeFormat('en', 'America/New_York').format(AT, 'clock')).toMatch(/^07:20:05\sAM$/);
    expect(createTimeFormat('en', 'Asia/Seoul').format(AT, 'clock')).toMatch(/^09:20:05\sPM$/);
    // The Korean words for AM/PM depend on the ICU data of the runtime (Chromium has them all).
    expect(createTimeFormat('ko', 'America/New_York').format(AT, 'medium')).toMatch(/7:20:05/);
    expect(createTimeFormat('ko', 'Asia/Seoul').format(AT, 'clock')).toMatch(/09:20:05/);
    expect(createTimeFormat('en', 'Europe/Berlin').format(Date.parse(AT), 'short')).toMatch(/^1:20\sPM$/);
    expect(createTimeFormat('en', 'Asia/Seoul').format(AT, 'dateTime')).toMatch(/^11\/24\/26, 9:20:05\sPM$/);
  });

  it('labels a chart axis in 24-hour time of the same zone, with the date once the range spans days', () => {
    const from = Date.parse(AT) - 15 * 60_000;
    const to = Date.parse(AT);
    expect(createTimeFormat('en', 'America/New_York').axis(from, to)(to)).toBe('07:20');
    expect(createTimeFormat('ko', 'America/New_York').axis(from, to)(to)).toBe('07:20');
    expect(createTimeFormat('en', 'Asia/Kolkata').axis(from, to)(to)).toBe('17:50');
    expect(createTimeFormat('en', 'Asia/Seoul').axis(to - 2 * 86_400_000, to)(to)).toBe('11/24, 21:20');
  });

  it('gives no text before the zone is known (server render, hydration) and for no or a broken value', () => {
    const unknown = createTimeFormat('ko', null);
    expect(unknown.ready).toBe(false);
    expect(unknown.format(AT)).toBe('');
    expect(unknown.axis(0, 1)(0)).toBe('');
    const known = createTimeFormat('ko', 'Asia/Seoul');
    expect(known.format(null)).toBe('');
    expect(known.format('not a time')).toBe('');
  });
});
