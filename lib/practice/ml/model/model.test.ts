import { describe, expect, it } from 'vitest';
import { flightDays } from '../../../datasets/flights';
import { anomalyScoreFromLogP, BucketDetector, type BucketResult, type DetectorFunction, ScoreNormalizer } from './index';

const SPAN = 900_000;
const DAY = 86_400_000;
const START = Date.UTC(2021, 0, 4);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const normal = (r: () => number) => Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
function poisson(m: number, r: () => number): number {
  let n = 0;
  let p = r();
  const limit = Math.exp(-m);
  while (p > limit) {
    n += 1;
    p *= r();
  }
  return n;
}

/** Event counts per 15 minutes: a day/night shape, quieter weekends, 1.5 % day-to-day noise, Poisson counts. */
function cleanCounts(seed: number, days: number): number[] {
  const r = rng(seed);
  const out: number[] = [];
  let dayNoise = 1;
  for (let i = 0; i < days * 96; i += 1) {
    if (i % 96 === 0) dayNoise = Math.exp(0.015 * normal(r));
    const t = START + i * SPAN;
    const h = (t % DAY) / 3_600_000;
    const dow = new Date(t).getUTCDay();
    const shape = 0.15 + Math.max(0, Math.sin((Math.PI * (h - 5)) / 18)) ** 1.2;
    out.push(poisson(200 * shape * (dow === 6 ? 0.8 : dow === 0 ? 0.9 : 1) * dayNoise, r));
  }
  return out;
}

/** A response time: a daily wave, a slow trend and normal noise. */
function cleanMetric(seed: number, days: number): number[] {
  const r = rng(seed);
  return Array.from({ length: days * 96 }, (_, i) => 120 + 30 * Math.sin((2 * Math.PI * ((START + i * SPAN) % DAY)) / DAY) + 8 * normal(r) + i * 0.002);
}

function run(values: number[], fn: DetectorFunction = 'count'): { det: BucketDetector; results: BucketResult[] } {
  const det = new BucketDetector({ fn, bucketSpanMs: SPAN });
  const results = values.map((v, i) => det.process(START + i * SPAN, fn.includes('count') ? { count: v } : { count: 1, weightedSum: v, valueCount: 1, min: v, max: v, sum: v }));
  const last = (results.at(-1) as BucketResult).timestamp;
  for (const x of results) if (last - x.timestamp <= 30 * DAY) x.score = det.renormalize(x);
  return { det, results };
}

const top = (rs: BucketResult[]) => rs.reduce((a, b) => (b.score > a.score ? b : a));

describe('the model finds anomalies planted on dates it does not know', () => {
  const planted = [
    { name: 'a doubling for an hour', len: 4, change: (v: number) => v * 2 },
    { name: 'a 60 % dip for three hours', len: 12, change: (v: number) => Math.round(v * 0.4) },
    { name: 'an hour with no events', len: 4, change: () => 0 },
  ];
  for (const seed of [11, 23, 37]) {
    const draw = rng(seed * 7919);
    for (const p of planted) {
      const day = 16 + Math.floor(draw() * 50);
      const hour = 8 + Math.floor(draw() * 10);
      it(`${p.name} (series ${seed}, day ${day} ${hour}:00) is the run's top anomaly, critical`, () => {
        const values = cleanCounts(seed, 70);
        const at = day * 96 + hour * 4;
        for (let i = at; i < at + p.len; i += 1) values[i] = p.change(values[i] as number);
        const { results } = run(values);
        const best = top(results);
        const index = (best.timestamp - START) / SPAN;
        expect(index).toBeGreaterThanOrEqual(at);
        expect(index).toBeLessThan(at + p.len + 12);
        expect(best.score).toBeGreaterThanOrEqual(75);
        expect(results[at + 1]?.anomalous || results[at + 2]?.anomalous).toBe(true);
      });
    }
    it(`a response time 45 ms too high for an hour (series ${seed}) is the run's top anomaly, at least major`, () => {
      const values = cleanMetric(seed, 70);
      const at = (16 + Math.floor(draw() * 50)) * 96 + 40;
      for (let i = at; i < at + 4; i += 1) values[i] = (values[i] as number) + 45;
      const best = top(run(values, 'mean').results);
      expect((best.timestamp - START) / SPAN).toBeGreaterThanOrEqual(at);
      expect((best.timestamp - START) / SPAN).toBeLessThan(at + 16);
      expect(best.score).toBeGreaterThanOrEqual(50);
    });
  }

  it('high_count ignores dips and low_count ignores spikes', () => {
    const values = cleanCounts(5, 40);
    const dip = 30 * 96 + 48;
    for (let i = dip; i < dip + 8; i += 1) values[i] = 0;
    const around = (rs: BucketResult[]) => rs.slice(dip, dip + 8);
    expect(Math.max(...around(run(values, 'high_count').results).map((r) => r.score))).toBeLessThan(3);
    const low = run(values, 'low_count').results;
    expect(Math.max(...around(low).map((r) => r.score))).toBeGreaterThanOrEqual(75);
    expect(top(low).timestamp).toBeGreaterThanOrEqual(START + dip * SPAN);
  });
});

describe('the model stays calm on clean data', () => {
  for (const seed of [1, 2, 3]) {
    for (const kind of ['count', 'metric'] as const) {
      it(`raises no critical anomaly over eight weeks of a clean seasonal ${kind} series after two weeks of learning (series ${seed})`, () => {
        const { det, results } = run(kind === 'count' ? cleanCounts(seed, 70) : cleanMetric(seed, 70), kind === 'count' ? 'count' : 'mean');
        const after = results.slice(14 * 96);
        expect(after).toHaveLength(56 * 96);
        expect(Math.max(...after.map((r) => Math.max(r.score, r.initialScore)))).toBeLessThan(75);
        expect(det.state()).toMatchObject({ daily: true, weekly: kind === 'count' });
      });
    }
  }

  it('learns a lasting level change within two days', () => {
    const values = cleanCounts(7, 50);
    for (let i = 30 * 96; i < values.length; i += 1) values[i] = Math.round((values[i] as number) * 1.6);
    const { results } = run(values);
    const dayMax = (d: number) => Math.max(...results.slice(d * 96, (d + 1) * 96).map((r) => r.initialScore));
    expect(dayMax(30)).toBeGreaterThanOrEqual(75);
    for (let d = 33; d < 50; d += 1) expect(dayMax(d)).toBeLessThan(25);
  });

  it('keeps wide bounds before it has seen 3.5 days and narrow ones after', () => {
    const { results } = run(cleanCounts(9, 10));
    const width = (r: BucketResult) => r.upper - r.lower;
    const noon = (d: number) => results[d * 96 + 48] as BucketResult;
    expect(width(noon(1))).toBeGreaterThan(2 * width(noon(8)));
  });
});

describe('scores', () => {
  it('maps probabilities to raw scores as ml-cpp CTools::anomalyScore', () => {
    expect(anomalyScoreFromLogP(Math.log(0.05))).toBe(0);
    expect(anomalyScoreFromLogP(Math.log(1e-4))).toBeCloseTo(1, 9);
    expect(anomalyScoreFromLogP(Math.log(1e-50))).toBeCloseTo(50, 9);
    // The bucket influencer of the ES docs' low_request_rate example.
    expect(anomalyScoreFromLogP(Math.log(1.7340849573442696e-4))).toBeCloseTo(0.5758246639716365, 4);
  });

  it('caps a barely significant probability, as the ES docs examples show (bucket 91.585, record 94.986)', () => {
    const score = (p: number) => {
      const norm = new ScoreNormalizer(3600);
      for (let i = 0; i < 20_000; i += 1) norm.add(0);
      norm.add(anomalyScoreFromLogP(Math.log(p)));
      return norm.normalize(anomalyScoreFromLogP(Math.log(p)), Math.log(p));
    };
    expect(score(1.7340849573442696e-4)).toBeCloseTo(91.58505459594764, 2);
    expect(score(1.3882308899968812e-4)).toBeCloseTo(94.98554565630553, 2);
  });

  it('gives the biggest anomaly of a history the top score and renormalises earlier ones down', () => {
    const norm = new ScoreNormalizer(900);
    for (let i = 0; i < 2000; i += 1) norm.add(0);
    const early = { raw: anomalyScoreFromLogP(Math.log(1e-8)), logP: Math.log(1e-8) };
    norm.add(early.raw);
    const initial = norm.normalize(early.raw, early.logP);
    const big = { raw: anomalyScoreFromLogP(Math.log(1e-30)), logP: Math.log(1e-30) };
    norm.add(big.raw);
    expect(norm.normalize(big.raw, big.logP)).toBeGreaterThan(90);
    expect(norm.normalize(early.raw, early.logP)).toBeLessThan(initial);
  });
});

describe('the generated flights.csv, whole two months, 15 m count', () => {
  const counts = new Map<number, number>();
  for (const day of flightDays()) {
    for (const m of day.minute) {
      const b = Math.floor((day.dayStartUtc + m * 60_000) / SPAN) * SPAN;
      counts.set(b, (counts.get(b) ?? 0) + 1);
    }
  }
  const first = Math.min(...counts.keys());
  const last = Math.max(...counts.keys());
  const det = new BucketDetector({ fn: 'count', bucketSpanMs: SPAN });
  const results: BucketResult[] = [];
  for (let t = first; t <= last; t += SPAN) results.push(det.process(t, { count: counts.get(t) ?? 0 }));
  for (const r of results) if (last - r.timestamp <= 30 * DAY) r.score = det.renormalize(r);
  const onDay = (d: string) => results.filter((r) => new Date(r.timestamp).toISOString().startsWith(d));

  it('learns the daily pattern after 3.5 days and the weekly one after two weeks', () => {
    const s = det.state();
    expect(s.daily && s.weekly).toBe(true);
    expect(((s.dailySince as number) * SPAN - first) / DAY).toBeCloseTo(3.5, 0);
    expect(((s.weeklySince as number) * SPAN - first) / DAY).toBeCloseTo(14, 0);
  });

  it('scores Thanksgiving (2017-11-23) highest, critical, with fewer flights than typical', () => {
    const best = top(results);
    expect(new Date(best.timestamp).toISOString().slice(0, 10)).toBe('2017-11-23');
    expect(best.score).toBeGreaterThanOrEqual(75);
    expect(best.actual as number).toBeLessThan(best.typical);
    const byDay = new Map<string, number>();
    for (const r of results) byDay.set(new Date(r.timestamp).toISOString().slice(0, 10), Math.max(byDay.get(new Date(r.timestamp).toISOString().slice(0, 10)) ?? 0, r.score));
    const others = [...byDay].filter(([d]) => d !== '2017-11-23').map(([, s]) => s);
    expect(Math.max(...others)).toBeLessThan(50);
  });

  it('sees Saturday 2017-11-25 above typical (records with more flights than the model expected)', () => {
    const daytime = onDay('2017-11-25').filter((r) => new Date(r.timestamp).getUTCHours() >= 7 && new Date(r.timestamp).getUTCHours() < 21);
    expect(daytime.filter((r) => r.anomalous).length).toBeGreaterThan(10);
    const actual = daytime.reduce((a, r) => a + (r.actual as number), 0);
    const typical = daytime.reduce((a, r) => a + r.typical, 0);
    expect(actual / typical).toBeGreaterThan(1.1);
  });
});
