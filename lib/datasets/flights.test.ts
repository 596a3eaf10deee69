import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FLIGHTS_HEADER, FLIGHTS_TEST_SLICE, flightDays, flightsCsvChunks, flightsCsvStream, flightsSize, flightsSummary } from './flights';

function sha256(chunks: Iterable<string>): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
}

const full = flightsSummary();
const rowsOn = (date: string) => full.days.find((d) => d.date === date)?.rows ?? NaN;
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

describe('the generated flights.csv (FLIGHTS-CALIBRATION.md §5)', () => {
  it('has the size of the workshop file: 0.90-0.97 M rows, 30-35 MB, 61 days', () => {
    expect(full.rows).toBeGreaterThanOrEqual(900_000);
    expect(full.rows).toBeLessThanOrEqual(970_000);
    expect(full.bytes).toBeGreaterThanOrEqual(30e6);
    expect(full.bytes).toBeLessThanOrEqual(35e6);
    expect(full.days).toHaveLength(61);
    expect(full.days[0]?.date).toBe('2017-10-01');
    expect(full.days.at(-1)?.date).toBe('2017-11-30');
  });

  it('is the same bytes every time (pinned digest)', () => {
    expect(sha256(flightsCsvChunks())).toBe('36d535b6382546f8d202d1f2a0e8fc33f6f89ce48691a94a133323a02cafe15c');
  });

  it('has Saturday at most 0.88 of the weekday mean and the other days within 4 %', () => {
    const normal = full.days.filter((d) => d.date < '2017-11-21' || d.date > '2017-11-26');
    const mean = (wd: number) => {
      const list = normal.filter((d) => weekday(d.date) === wd);
      return list.reduce((a, d) => a + d.rows, 0) / list.length;
    };
    const weekdays = [1, 2, 3, 4, 5].map(mean);
    const weekdayMean = weekdays.reduce((a, b) => a + b, 0) / weekdays.length;
    expect(mean(6)).toBeLessThanOrEqual(0.88 * weekdayMean);
    for (const wd of [0, 1, 2, 3, 4, 5]) expect(Math.abs(mean(wd) / weekdayMean - 1)).toBeLessThanOrEqual(0.04);
  });

  it('has Thanksgiving at most 0.78 of the two previous Thursdays and 11/25 at least 1.10 of the two previous Saturdays', () => {
    expect(rowsOn('2017-11-23')).toBeLessThanOrEqual(0.78 * ((rowsOn('2017-11-16') + rowsOn('2017-11-09')) / 2));
    expect(rowsOn('2017-11-25')).toBeGreaterThanOrEqual(1.1 * ((rowsOn('2017-11-18') + rowsOn('2017-11-11')) / 2));
  });

  it('follows the hour-of-day profile: busy from 06:00 to 20:00, nearly empty at night', () => {
    const byHour = new Array<number>(24).fill(0);
    for (const day of flightDays({ from: '2017-10-02', to: '2017-10-08' })) for (const m of day.minute) byHour[Math.floor(m / 60)] = (byHour[Math.floor(m / 60)] as number) + 1;
    const total = byHour.reduce((a, b) => a + b, 0);
    expect((byHour[3] as number) / total).toBeLessThan(0.001);
    expect((byHour[8] as number) / total).toBeGreaterThan(0.06);
    expect((byHour[17] as number) / total).toBeGreaterThan(0.06);
  });

  it('writes clean CSV rows in time order with the calibrated columns', () => {
    const [header, firstDay] = [...flightsCsvChunks({ from: '2017-10-01', to: '2017-10-01' })];
    expect(header).toBe(`${FLIGHTS_HEADER}\n`);
    const lines = (firstDay as string).trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^2017-10-01 \d{2}:\d{2}:00,[A-Z0-9]{2},[A-Z]{3},[A-Z]{3},-?\d+$/);
    const times = lines.map((l) => l.slice(0, 19));
    expect([...times].sort()).toEqual(times);
    for (const line of lines) {
      const [, , origin, dest] = line.split(',');
      expect(origin).not.toBe(dest);
    }
  });

  it('gives a date slice that equals the matching lines of the whole file', () => {
    const sliceDays = [...flightsCsvChunks(FLIGHTS_TEST_SLICE, { header: false })];
    const wholeDays = [...flightsCsvChunks({}, { header: false })].filter((c) => c.slice(0, 10) >= FLIGHTS_TEST_SLICE.from && c.slice(0, 10) <= FLIGHTS_TEST_SLICE.to);
    expect(sliceDays).toHaveLength(18);
    expect(sha256(sliceDays)).toBe(sha256(wholeDays));
  });

  it('streams bytes that equal the chunks', async () => {
    const range = { from: '2017-11-23', to: '2017-11-23' };
    const parts: Buffer[] = [];
    for await (const b of flightsCsvStream(range)) parts.push(b as Buffer);
    expect(Buffer.concat(parts).toString('utf8')).toBe([...flightsCsvChunks(range)].join(''));
  });

  it('refuses dates outside the data', () => {
    expect(() => [...flightDays({ from: '2017-09-30' })]).toThrow(RangeError);
    expect(() => [...flightDays({ from: '2017-11-02', to: '2017-11-01' })]).toThrow(RangeError);
    expect(() => [...flightDays({ from: '2017-11-31' })]).toThrow(RangeError);
  });
});

describe('flightsSize', () => {
  it('counts the rows and bytes of a range without building its text', () => {
    expect(flightsSize()).toEqual({ rows: full.rows, bytes: full.bytes });
    const slice = flightsSummary(FLIGHTS_TEST_SLICE);
    expect(flightsSize(FLIGHTS_TEST_SLICE)).toEqual({ rows: slice.rows, bytes: slice.bytes });
  });
});
