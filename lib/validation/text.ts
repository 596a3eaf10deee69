import { z } from 'zod';

/**
 * Rules for what people type: names, workshop fields, cluster addresses. Client-safe (forms may
 * use them too). A refusal's zod message is the `reason` the error texts know
 * (`control_characters`, `not_a_date`), so the reader is told exactly what is wrong.
 */

/** C0 and C1 control characters and DEL (NUL, line breaks, tabs, escape...). */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTER.test(value);
}

/** Any string without control characters (passwords and keys are kept as typed). */
export function textWithoutControls(max: number) {
  return z.string().max(max).refine((value) => !hasControlCharacters(value), { message: 'control_characters' });
}

/**
 * A one-line name: no control characters, Unicode NFC, runs of spaces made one, trimmed, then
 * between `min` and `max` characters.
 */
export function singleLineText(options: { min?: number; max: number }) {
  return z
    .string()
    .max(options.max * 4)
    .refine((value) => !hasControlCharacters(value), { message: 'control_characters' })
    .transform((value) => value.normalize('NFC').replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(options.min ?? 1).max(options.max));
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Workshops are dated within this century; anything else is a typo. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2099;

/** Whether `value` is YYYY-MM-DD naming a day that exists (no 2026-02-31, no 0000-00-00). */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < FIRST_YEAR || year > LAST_YEAR || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

export const calendarDate = z.string().refine(isCalendarDate, { message: 'not_a_date' });
