export const THEME_COOKIE = 'ell-theme';
export type ColorMode = 'light' | 'dark';

export function parseColorMode(value: string | undefined): ColorMode {
  return value === 'dark' ? 'dark' : 'light';
}
