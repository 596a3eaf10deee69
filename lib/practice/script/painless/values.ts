/**
 * How Java values look from JavaScript, for the Painless interpreter and for Watcher's mustache
 * (which prints maps, lists, doubles and dates with their Java `toString()`).
 *
 * Numbers: an integral JS number is a Java `Integer`/`Long`; a fractional one is a `Double`. A
 * double whose value is integral (`2.0`) is boxed in `JDouble` so `2.0 / 4` stays `0.5` and prints
 * as `2.0`. Numbers read from JSON keep the JSON reading ES uses (`1` an integer, `1.5` a double),
 * except that JSON already parsed into JavaScript cannot tell `1.0` from `1`.
 */

export class JDouble {
  constructor(readonly v: number) {}
  toJSON(): number {
    return this.v;
  }
}

/** A `java.time.ZonedDateTime` in UTC, as Watcher puts `ctx.execution_time` and `ctx.trigger.*` in scripts and templates. */
export class JavaDate {
  constructor(readonly ms: number) {}

  /** ES writes dates in JSON as `strict_date_optional_time` (always with milliseconds). */
  toJSON(): string {
    return new Date(this.ms).toISOString();
  }

  /** `ZonedDateTime.toString()`: seconds and fraction only when not zero (`2024-05-01T10:05Z`). */
  toString(): string {
    return javaInstantString(this.ms);
  }
}

export function javaInstantString(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-05-01T10:05:00.015Z
  const base = iso.slice(0, 16);
  const sec = iso.slice(17, 19);
  const millis = iso.slice(20, 23);
  if (millis !== '000') return `${base}:${sec}.${millis}Z`;
  if (sec !== '00') return `${base}:${sec}Z`;
  return `${base}Z`;
}

export type Num = number | JDouble;

export function isNumber(v: unknown): v is Num {
  return typeof v === 'number' || v instanceof JDouble;
}

export function numValue(v: Num): number {
  return typeof v === 'number' ? v : v.v;
}

export function isDouble(v: unknown): boolean {
  return v instanceof JDouble || (typeof v === 'number' && !Number.isInteger(v));
}

/** Makes a Java double from a JS number, boxing integral values. */
export function toDouble(x: number): Num {
  return Number.isInteger(x) ? new JDouble(x) : x;
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JDouble) && !(v instanceof JavaDate);
}

export function mapGet(m: Record<string, unknown>, key: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(m, key)) return null;
  const v = m[key];
  return v === undefined ? null : v;
}

export function mapPut(m: Record<string, unknown>, key: string, value: unknown): unknown {
  const old = mapGet(m, key);
  Object.defineProperty(m, key, { value, writable: true, enumerable: true, configurable: true });
  return old;
}

/** The Java class name of a value, as ES' error messages print it. */
export function javaClass(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'java.lang.String';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  if (v instanceof JDouble) return 'java.lang.Double';
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return 'java.lang.Double';
    return v >= -2147483648 && v <= 2147483647 ? 'java.lang.Integer' : 'java.lang.Long';
  }
  if (Array.isArray(v)) return 'java.util.ArrayList';
  if (v instanceof JavaDate) return 'java.time.ZonedDateTime';
  return 'java.util.HashMap';
}

/** `Double.toString`: at least one fraction digit, scientific notation outside [1e-3, 1e7). */
export function javaDoubleString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i += 1) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The order a `java.util.HashMap` filled with these keys (in this order) iterates in: by bucket
 * (the spread String hash masked by the table size, which starts at 16 and doubles past a 0.75
 * load), then insertion order. ES parses JSON into HashMaps, so this is the order `toString()` shows.
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  let capacity = 16;
  while (keys.length > capacity * 0.75) capacity *= 2;
  return keys
    .map((k, i) => {
      const h = javaStringHash(k);
      return { k, i, bucket: (h ^ (h >>> 16)) & (capacity - 1) };
    })
    .sort((a, b) => a.bucket - b.bucket || a.i - b.i)
    .map((e) => e.k);
}

/** `String.valueOf(v)` for the values scripts and payloads hold. */
export function javaToString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof JDouble) return javaDoubleString(v.v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : javaDoubleString(v);
  if (v instanceof JavaDate) return v.toString();
  if (Array.isArray(v)) return `[${v.map(javaToString).join(', ')}]`;
  if (isMap(v)) {
    const keys = javaHashMapOrder(Object.keys(v).filter((k) => v[k] !== undefined));
    return `{${keys.map((k) => `${k}=${javaToString(v[k])}`).join(', ')}}`;
  }
  return String(v);
}

/** Java `equals` as Painless' `==` uses it: numbers by value across types, collections deeply. */
export function javaEquals(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null || b === null) return a === b;
  if (isNumber(a) && isNumber(b)) return numValue(a) === numValue(b);
  if (a instanceof JavaDate && b instanceof JavaDate) return a.ms === b.ms;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => javaEquals(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && javaEquals(a[k], b[k]));
  }
  return a === b;
}

/** What a script hands back to Watcher: plain JSON values (boxed doubles unboxed, dates as ISO strings). */
export function toPlain(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof JDouble) return v.v;
  if (v instanceof JavaDate) return v.toJSON();
  if (Array.isArray(v)) return v.map(toPlain);
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) mapPut(out, k, toPlain(x));
    return out;
  }
  return v;
}
