/**
 * Time values as Elasticsearch reads and prints them: `TimeValue` (`throttle_period`, `timeout`),
 * schedule intervals (`1m`, units s m h d w, a bare number is seconds) and the Java date strings
 * Watcher writes (record ids use `ISO_DATE_TIME`, JSON uses `strict_date_optional_time`).
 */

const TIME_UNITS: Record<string, number> = { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `TimeValue.parseTimeValue`: `500ms`, `10s`, `1m`, `2h`, `1d` (or a millisecond number). Undefined when unreadable. */
export function parseTimeValue(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(nanos|micros|ms|s|m|h|d)\s*$/i.exec(v);
  if (!m) return v.trim() === '-1' ? -1 : v.trim() === '0' ? 0 : undefined;
  return Math.round(Number(m[1]) * (TIME_UNITS[(m[2] as string).toLowerCase()] as number));
}

/** `TimeValue.toString()`: the largest unit the value reaches, with at most one fraction digit (`10.2s`, `1m`). */
export function formatTimeValue(ms: number): string {
  if (ms < 0) return String(ms);
  if (ms === 0) return '0s';
  const steps: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
    [1, 'ms'],
  ];
  for (const [size, unit] of steps) {
    if (ms >= size) {
      const v = Math.round((ms / size) * 10) / 10;
      return `${Number.isInteger(v) ? v : v.toFixed(1)}${unit}`;
    }
  }
  return `${ms}ms`;
}

/** Java's `ISO_DATE_TIME` for a UTC instant: seconds always, fraction only when not zero, trailing zeros dropped. */
export function isoDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  const millis = iso.slice(20, 23);
  const fraction = millis === '000' ? '' : `.${millis.replace(/0+$/, '')}`;
  return `${iso.slice(0, 19)}${fraction}Z`;
}

/** `strict_date_optional_time` as ES writes dates in JSON (always milliseconds). */
export function esDate(ms: number): string {
  return new Date(ms).toISOString();
}
