import { formatDate } from '../dates';
import { illegalArgument, isPlainObject } from '../errors';
import { makeSortPlan, type SortSpec } from '../hits';
import type { Val } from '../index-state';
import type { AggCtx, AggDef, DocSet, Out, Seg } from './types';
import { fmtValue, slotRange, source, type Source } from './values';

/** Metric aggregations: avg/min/max/sum/stats, value_count/cardinality, percentiles, top_metrics. */

export function numericStats(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  const src = source(def, docs, ctx, 'numeric');
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  const extremes = def.type === 'min' || def.type === 'max';
  for (const seg of docs) {
    const values = src.forSeg(seg);
    const positions = seg.pos;
    if (extremes && values.extent) {
      // min/max of the time field over every slot of a range: read at its ends.
      const range = slotRange(positions);
      const e = range && values.extent(range[0], range[1]);
      if (e) {
        count += e.count;
        if (e.min < min) min = e.min;
        if (e.max > max) max = e.max;
        continue;
      }
    }
    for (let j = 0; j < positions.length; j += 1) {
      const pos = positions[j] as number;
      const one = values.number(pos);
      if (one !== undefined) {
        count += 1;
        sum += one;
        sumSq += one * one;
        if (one < min) min = one;
        if (one > max) max = one;
        continue;
      }
      const vals = values.values(pos);
      for (let i = 0; i < vals.length; i += 1) {
        const v = vals[i] as number;
        count += 1;
        sum += v;
        sumSq += v * v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  }
  const fd = src.def;
  const withString = (o: Out, key: string, v: number | null): Out => {
    o[key] = v;
    if (v !== null) {
      const s = fmtValue(fd, v, def.p.format);
      if (s !== undefined) o[`${key}_as_string`] = s;
    }
    return o;
  };
  switch (def.type) {
    case 'avg':
      return withString({}, 'value', count ? sum / count : null);
    case 'sum':
      return withString({}, 'value', sum);
    case 'min':
      return withString({}, 'value', count ? min : null);
    case 'max':
      return withString({}, 'value', count ? max : null);
  }
  const o: Out = { count };
  withString(o, 'min', count ? min : null);
  withString(o, 'max', count ? max : null);
  withString(o, 'avg', count ? sum / count : null);
  withString(o, 'sum', sum);
  if (def.type === 'extended_stats') {
    const avg = count ? sum / count : NaN;
    const variance = count ? Math.max(0, sumSq / count - avg * avg) : NaN;
    const varianceSampling = count > 1 ? (variance * count) / (count - 1) : NaN;
    const sigma = typeof def.p.sigma === 'number' ? def.p.sigma : 2;
    const nn = (x: number) => (Number.isFinite(x) ? x : null);
    o.sum_of_squares = count ? sumSq : null;
    o.variance = nn(variance);
    o.variance_population = nn(variance);
    o.variance_sampling = nn(varianceSampling);
    o.std_deviation = nn(Math.sqrt(variance));
    o.std_deviation_population = nn(Math.sqrt(variance));
    o.std_deviation_sampling = nn(Math.sqrt(varianceSampling));
    o.std_deviation_bounds = {
      upper: nn(avg + sigma * Math.sqrt(variance)),
      lower: nn(avg - sigma * Math.sqrt(variance)),
      upper_population: nn(avg + sigma * Math.sqrt(variance)),
      lower_population: nn(avg - sigma * Math.sqrt(variance)),
      upper_sampling: nn(avg + sigma * Math.sqrt(varianceSampling)),
      lower_sampling: nn(avg - sigma * Math.sqrt(varianceSampling)),
    };
  }
  return o;
}

export function countValues(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  const src = source(def, docs, ctx, 'any');
  if (def.type === 'value_count') {
    let n = 0;
    for (const seg of docs) for (const pos of seg.pos) n += src.values(seg, pos).length;
    return { value: n };
  }
  const set = new Set<Val>();
  for (const seg of docs) for (const pos of seg.pos) for (const v of src.values(seg, pos)) set.add(v);
  return { value: set.size };
}

function collectNumbers(def: AggDef, docs: DocSet, ctx: AggCtx): { vals: number[]; src: Source } {
  const src = source(def, docs, ctx, 'numeric');
  const vals: number[] = [];
  for (const seg of docs) for (const pos of seg.pos) for (const v of src.values(seg, pos)) vals.push(v as number);
  vals.sort((a, b) => a - b);
  return { vals, src };
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  if (sorted.length === 1) return sorted[0] as number;
  const pos = (q / 100) * sorted.length - 0.5;
  if (pos <= 0) return sorted[0] as number;
  if (pos >= sorted.length - 1) return sorted[sorted.length - 1] as number;
  const lo = Math.floor(pos);
  const f = pos - lo;
  return (sorted[lo] as number) * (1 - f) + (sorted[lo + 1] as number) * f;
}

export function percentiles(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  const { vals, src } = collectNumbers(def, docs, ctx);
  if (def.type === 'median_absolute_deviation') {
    const med = quantile(vals, 50);
    if (med === null) return { value: null };
    const dev = vals.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
    return { value: quantile(dev, 50) };
  }
  const percents = Array.isArray(def.p.percents) ? def.p.percents.map(Number) : [1, 5, 25, 50, 75, 95, 99];
  const keyed = def.p.keyed !== false;
  const entries = percents.map((p) => {
    const v = quantile(vals, p);
    return { key: p, value: v, str: v === null ? undefined : fmtValue(src.def, v, def.p.format) };
  });
  if (keyed) {
    const values: Out = {};
    for (const e of entries) {
      const k = Number.isInteger(e.key) ? `${e.key}.0` : String(e.key);
      values[k] = e.value;
      if (e.str !== undefined) values[`${k}_as_string`] = e.str;
    }
    return { values };
  }
  return { values: entries.map((e) => ({ key: e.key, value: e.value, ...(e.str !== undefined ? { value_as_string: e.str } : {}) })) };
}

export function topMetrics(def: AggDef, docs: DocSet, ctx: AggCtx): Out {
  const metrics = (Array.isArray(def.p.metrics) ? def.p.metrics : [def.p.metrics]).map((m) => {
    if (!isPlainObject(m) || typeof m.field !== 'string') throw illegalArgument('[metrics] must specify a [field]');
    return m.field;
  });
  const size = typeof def.p.size === 'number' ? def.p.size : 1;
  const plan = makeSortPlan(def.sort as SortSpec[], ctx.flavor);
  const rows: { keys: (number | string | null)[]; seg: Seg; pos: number }[] = [];
  for (const seg of docs) {
    const fns = plan.keyFns(seg.ix);
    seg.pos.forEach((pos, i) => rows.push({ keys: fns.map((f) => f(pos, seg.scores?.[i] ?? 1)), seg, pos }));
  }
  rows.sort((a, b) => plan.compare(a.keys, b.keys));
  const top = rows.slice(0, size).map((r) => {
    const m: Out = {};
    for (const f of metrics) {
      const rd = r.seg.ix.reader(f);
      const v = rd.values(r.pos)[0];
      m[f] = v === undefined ? null : rd.def?.family === 'date' ? formatDate(v as number, rd.def.format) : v;
    }
    return { sort: r.keys.map((k, i) => plan.render(i, k, r.seg.ix)), metrics: m };
  });
  return { top };
}
