import { describe, expect, it } from 'vitest';
import { calendarDate, hasControlCharacters, isCalendarDate, singleLineText, textWithoutControls } from './text';

describe('control characters', () => {
  it('finds NUL, line breaks, escape and C1 controls, and nothing in ordinary text', () => {
    for (const bad of ['a\u0000b', 'line\nbreak', 'tab\there', '\u001b[31m', 'x\u007f', '\u0085']) expect(hasControlCharacters(bad)).toBe(true);
    for (const good of ['지민', 'Ana María', 'O’Brien (TA)', '🙂 emoji']) expect(hasControlCharacters(good)).toBe(false);
  });

  it('refuses them in a one-line name with the reason the error texts know', () => {
    const name = singleLineText({ max: 40 });
    const result = name.safeParse('Eve\u0000');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('control_characters');
    expect(name.parse('  Kim   Min  ')).toBe('Kim Min');
    expect(name.safeParse('   ').success).toBe(false);
    expect(name.safeParse('x'.repeat(41)).success).toBe(false);
  });

  it('refuses them in secrets too, which are otherwise kept as typed', () => {
    expect(textWithoutControls(100).safeParse('pa ss').success).toBe(true);
    expect(textWithoutControls(100).safeParse('pa\u0000ss').error?.issues[0]?.message).toBe('control_characters');
  });
});

describe('calendar dates', () => {
  it('accepts real days, leap days included', () => {
    for (const good of ['2026-03-14', '2028-02-29', '2000-02-29', '2026-12-31']) expect(isCalendarDate(good)).toBe(true);
  });

  it('refuses days that do not exist and years outside the workshop range', () => {
    for (const bad of ['2026-02-31', '0000-00-00', '2026-02-29', '2100-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '1999-12-31', '2026-3-14', '2026-03-14T00:00']) {
      expect(isCalendarDate(bad), bad).toBe(false);
    }
    expect(calendarDate.safeParse('2026-02-31').error?.issues[0]?.message).toBe('not_a_date');
  });
});
