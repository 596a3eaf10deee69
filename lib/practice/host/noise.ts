/**
 * Deterministic noise for the simulated host. Every metric is a pure function of (host seed, time),
 * so a backfilled hour and the live stream agree, and a test can predict any value.
 */

/** A 32-bit integer hash (lowbias32 by Chris Wellons): well mixed, cheap, no allocation. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A number in [0, 1) determined by the seed and up to two integer keys. */
export function noise(seed: number, a: number, b = 0): number {
  const h = mix32(seed ^ mix32(Math.floor(a) ^ mix32(Math.floor(a / 4294967296) + 0x9e3779b9) ^ mix32(b + 0x85ebca6b)));
  return h / 4294967296;
}

/** Smooth noise in [0, 1): interpolates `noise` between knots `period` apart (no jumps between samples). */
export function smoothNoise(seed: number, t: number, period: number, channel = 0): number {
  const k = Math.floor(t / period);
  const f = t / period - k;
  const s = f * f * (3 - 2 * f);
  return noise(seed, k, channel) * (1 - s) + noise(seed, k + 1, channel) * s;
}

/** A string's 32-bit FNV-1a hash, to turn ids into seeds. */
export function hashString(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i += 1) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A small seeded generator (mulberry32) for one-off choices such as ports and pids. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** The generator's position, to continue the same sequence after a restart. */
  get position(): number {
    return this.state;
  }

  set position(state: number) {
    this.state = state >>> 0;
  }

  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
