import { randomInt } from 'node:crypto';

/** Upper-case letters and digits without the look-alikes 0/O, 1/I/L, read aloud or from a projector. */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;

/** An instructor's own code may be any 4-12 letters and digits. */
const JOIN_CODE_PATTERN = /^[A-Z0-9]{4,12}$/;

export function generateJoinCode(length = JOIN_CODE_LENGTH): string {
  let code = '';
  for (let i = 0; i < length; i += 1) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/**
 * The stored form of what someone typed: upper-case, spaces and dashes dropped ("abc-123" is
 * "ABC123"). Undefined when it cannot be a join code at all.
 */
export function normalizeJoinCode(input: string): string | undefined {
  const code = input.replace(/[\s-]+/g, '').toUpperCase();
  return JOIN_CODE_PATTERN.test(code) ? code : undefined;
}
