import { describe, expect, it } from 'vitest';
import { EsError } from '../../engine/api';
import { compilePainless, JavaDate, javaHashMapOrder, javaToString } from './index';

/** Runs a Watcher-style script: `ctx.payload` and `params`. */
function run(source: string, payload: unknown, params: Record<string, unknown> = {}): unknown {
  return compilePainless(source).execute({ ctx: { payload, metadata: {}, vars: {} }, params });
}

function error(fn: () => unknown): EsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EsError) return e;
    throw e;
  }
  throw new Error('expected a script_exception');
}

const buckets = [
  { key: 'web-1', doc_count: 12, metricAgg: { value: 0.91 } },
  { key: 'web-2', doc_count: 3, metricAgg: { value: 0.2 } },
];

// The 16 script strings Kibana's threshold serializer generates (ES-WATCHER-REFERENCE §13.1), with
// the comparators it substitutes (`>`, `>=`, `<`, `<=`) and `between`.
const COMPARATORS = ['>', '>=', '<', '<='] as const;
const cmp = (op: string, a: number, b: number) => (op === '>' ? a > b : op === '>=' ? a >= b : op === '<' ? a < b : a <= b);

describe('Painless: the conditions Kibana threshold watches carry', () => {
  for (const op of COMPARATORS) {
    it(`count ${op} threshold`, () => {
      const src = `if (ctx.payload.hits.total ${op} params.threshold) { return true; } return false;`;
      for (const total of [0, 5, 10]) expect(run(src, { hits: { total } }, { threshold: 5 })).toBe(cmp(op, total, 5));
    });
    it(`count by term ${op} threshold`, () => {
      const src = `ArrayList arr = ctx.payload.aggregations.bucketAgg.buckets; for (int i = 0; i < arr.length; i++) { if (arr[i].doc_count ${op} params.threshold) { return true; } } return false;`;
      expect(run(src, { aggregations: { bucketAgg: { buckets } } }, { threshold: 10 })).toBe(buckets.some((b) => cmp(op, b.doc_count, 10)));
      expect(run(src, { aggregations: { bucketAgg: { buckets: [] } } }, { threshold: 10 })).toBe(false);
    });
    it(`metric ${op} threshold`, () => {
      const src = `if (ctx.payload.aggregations.metricAgg.value ${op} params.threshold) { return true; } return false;`;
      for (const value of [0.27, 0.5, 0.83]) expect(run(src, { aggregations: { metricAgg: { value } } }, { threshold: 0.5 })).toBe(cmp(op, value, 0.5));
    });
    it(`metric by term ${op} threshold`, () => {
      const src = `ArrayList arr = ctx.payload.aggregations.bucketAgg.buckets; for (int i = 0; i < arr.length; i++) { if (arr[i]['metricAgg'].value ${op} params.threshold) { return true; } } return false;`;
      expect(run(src, { aggregations: { bucketAgg: { buckets } } }, { threshold: 0.5 })).toBe(buckets.some((b) => cmp(op, b.metricAgg.value, 0.5)));
    });
  }

  it('between, for count, count by term, metric and metric by term', () => {
    const p = { threshold: [4, 8] };
    expect(run('if (ctx.payload.hits.total >= params.threshold[0] && ctx.payload.hits.total <= params.threshold[1]) { return true; } return false;', { hits: { total: 6 } }, p)).toBe(true);
    expect(run('if (ctx.payload.hits.total >= params.threshold[0] && ctx.payload.hits.total <= params.threshold[1]) { return true; } return false;', { hits: { total: 9 } }, p)).toBe(false);
    const byTerm = 'ArrayList arr = ctx.payload.aggregations.bucketAgg.buckets; for (int i = 0; i < arr.length; i++) { if (arr[i].doc_count >= params.threshold[0] && arr[i].doc_count <= params.threshold[1]) { return true; } } return false;';
    expect(run(byTerm, { aggregations: { bucketAgg: { buckets } } }, p)).toBe(false);
    expect(run(byTerm, { aggregations: { bucketAgg: { buckets } } }, { threshold: [2, 4] })).toBe(true);
    const metric = 'if (ctx.payload.aggregations.metricAgg.value >= params.threshold[0] && ctx.payload.aggregations.metricAgg.value <= params.threshold[1]) { return true; } return false;';
    expect(run(metric, { aggregations: { metricAgg: { value: 0.6 } } }, { threshold: [0.5, 0.7] })).toBe(true);
    const metricByTerm = "ArrayList arr = ctx.payload.aggregations.bucketAgg.buckets; for (int i = 0; i < arr.length; i++) { if (arr[i]['metricAgg'].value >= params.threshold[0] && arr[i]['metricAgg'].value <= params.threshold[1]) { return true; } } return false;";
    expect(run(metricByTerm, { aggregations: { bucketAgg: { buckets } } }, { threshold: [0.1, 0.3] })).toBe(true);
    expect(run(metricByTerm, { aggregations: { bucketAgg: { buckets } } }, { threshold: [0.3, 0.8] })).toBe(false);
  });
});

describe('Painless: the transforms Kibana threshold watches carry', () => {
  it('count', () => {
    expect(run('HashMap result = new HashMap(); result.result = ctx.payload.hits.total; return result;', { hits: { total: 3 } })).toEqual({ result: 3 });
  });
  it('metric', () => {
    expect(run('HashMap result = new HashMap(); result.result = ctx.payload.aggregations.metricAgg.value; return result;', { aggregations: { metricAgg: { value: 0.9866 } } })).toEqual({ result: 0.9866 });
  });
  for (const op of COMPARATORS) {
    it(`count by term ${op}`, () => {
      const src = `HashMap result = new HashMap(); ArrayList arr = ctx.payload.aggregations.bucketAgg.buckets; ArrayList filteredHits = new ArrayList(); for (int i = 0; i < arr.length; i++) { HashMap filteredHit = new HashMap(); filteredHit.key = arr[i].key; filteredHit.value = arr[i].doc_count; if (filteredHit.value ${op} params.threshold) { filteredHits.add(filteredHit); } } result.results = filteredHits; return result;`;
      const expected = buckets.filter((b) => cmp(op, b.doc_count, 5)).map((b) => ({ key: b.key, value: b.doc_count }));
      expect(run(src, { aggregations: { bucketAgg: { buckets } } }, { threshold: 5 })).toEqual({ results: expected });
    });
    it(`metric by term ${op}`, () => {
      const src = `HashMap result = new HashMap(); ArrayList arr = ctx.payload.aggregations.bucketAgg.buckets; ArrayList filteredHits = new ArrayList(); for (int i = 0; i < arr.length; i++) { HashMap filteredHit = new HashMap(); filteredHit.key = arr[i].key; filteredHit.value = arr[i]['metricAgg'].value; if (filteredHit.value ${op} params.threshold) { filteredHits.add(filteredHit); } } result.results = filteredHits; return result;`;
      const expected = buckets.filter((b) => cmp(op, b.metricAgg.value, 0.5)).map((b) => ({ key: b.key, value: b.metricAgg.value }));
      expect(run(src, { aggregations: { bucketAgg: { buckets } } }, { threshold: 0.5 })).toEqual({ results: expected });
    });
  }
  it('between by term, count and metric', () => {
    const count = 'HashMap result = new HashMap(); ArrayList arr = ctx.payload.aggregations.bucketAgg.buckets; ArrayList filteredHits = new ArrayList(); for (int i = 0; i < arr.length; i++) { HashMap filteredHit = new HashMap(); filteredHit.key = arr[i].key; filteredHit.value = arr[i].doc_count; if (filteredHit.value >= params.threshold[0] && filteredHit.value <= params.threshold[1]) { filteredHits.add(filteredHit); } } result.results = filteredHits; return result;';
    expect(run(count, { aggregations: { bucketAgg: { buckets } } }, { threshold: [1, 5] })).toEqual({ results: [{ key: 'web-2', value: 3 }] });
    const metric = "HashMap result = new HashMap(); ArrayList arr = ctx.payload.aggregations.bucketAgg.buckets; ArrayList filteredHits = new ArrayList(); for (int i = 0; i < arr.length; i++) { HashMap filteredHit = new HashMap(); filteredHit.key = arr[i].key; filteredHit.value = arr[i]['metricAgg'].value; if (filteredHit.value >= params.threshold[0] && filteredHit.value <= params.threshold[1]) { filteredHits.add(filteredHit); } } result.results = filteredHits; return result;";
    expect(run(metric, { aggregations: { bucketAgg: { buckets } } }, { threshold: [0.9, 1] })).toEqual({ results: [{ key: 'web-1', value: 0.91 }] });
  });
});

describe('Painless: Java semantics the subset keeps', () => {
  it('integer and floating-point arithmetic', () => {
    expect(run('return 7 / 2;', {})).toBe(3);
    expect(run('return 7 / 2.0;', {})).toBe(3.5);
    expect(run('return -7 / 2;', {})).toBe(-3);
    expect(run('return 7 % 3;', {})).toBe(1);
    expect(run('double d = 2; return d / 4;', {})).toBe(0.5);
    expect(run('int i = (int) 3.9; return i;', {})).toBe(3);
    expect(run('int i = 2147483647; i += 1; return i;', {})).toBe(-2147483648);
    expect(run("return 'a' + 1 + 2.0;", {})).toBe('a12.0');
    expect(run('return 1 == 1.0;', {})).toBe(true);
  });
  it('def, typed locals, loops, maps, lists and the methods watch scripts use', () => {
    const src = `
      def hosts = [];
      for (def b : ctx.payload.aggregations.bucketAgg.buckets) {
        if (b.doc_count < 5) { continue; }
        hosts.add(b.key.toUpperCase());
      }
      Map m = ['count': hosts.size(), 'first': hosts.get(0), 'empty': hosts.isEmpty()];
      m.put('last', hosts[-1]);
      long total = 0;
      for (x in ctx.payload.aggregations.bucketAgg.buckets) { total += x.doc_count; }
      int n = 0;
      while (n < 3) { n++; }
      m.total = total + n;
      return m;`;
    expect(run(src, { aggregations: { bucketAgg: { buckets } } })).toEqual({ count: 1, first: 'WEB-1', empty: false, last: 'WEB-1', total: 18 });
  });
  it('a final expression is the result, ternaries, elvis, null-safe access and instanceof', () => {
    expect(run('ctx.payload.hits.total > 0', { hits: { total: 2 } })).toBe(true);
    expect(run("return ctx.payload.missing?.value ?: 'none';", {})).toBe('none');
    expect(run("return ctx.payload.hits.total > 1 ? 'many' : 'few';", { hits: { total: 2 } })).toBe('many');
    expect(run('return ctx.payload.hits.hits instanceof List && params instanceof Map;', { hits: { hits: [] } })).toBe(true);
    expect(run('return Math.max(1, 2.5) + Math.round(2.5) + Integer.parseInt("3");', {})).toBe(8.5);
    expect(run('return ctx.payload.hits.hits.0._source.message.contains("Invalid");', { hits: { hits: [{ _source: { message: 'Invalid user foo' } }] } })).toBe(true);
  });
  it('dates from the watch context', () => {
    const ms = Date.UTC(2024, 4, 1, 10, 5, 0, 15);
    const out = compilePainless('return ctx.trigger.scheduled_time.toInstant().toEpochMilli() - 1000 * 60;').execute({ ctx: { trigger: { scheduled_time: new JavaDate(ms) } }, params: {} });
    expect(out).toBe(ms - 60_000);
  });
});

describe('Painless: script_exception for what fails or is outside the subset', () => {
  it('a null metric value in the Kibana condition is a runtime error pointing at the comparison', () => {
    const src = 'if (ctx.payload.aggregations.metricAgg.value > params.threshold) { return true; } return false;';
    const e = error(() => run(src, { aggregations: { metricAgg: { value: null } } }, { threshold: 0.5 }));
    expect(e.status).toBe(400);
    expect(e.type).toBe('script_exception');
    expect(e.reason).toBe('runtime error');
    expect(e.extra).toMatchObject({ script: src, lang: 'painless', position: { offset: 4, start: 0, end: 67 } });
    expect(e.extra.script_stack).toEqual(['if (ctx.payload.aggregations.metricAgg.value > params.threshold) { ', '    ^---- HERE']);
    expect(e.causedBy?.type).toBe('null_pointer_exception');
  });
  it('missing aggregations are a null pointer, not false', () => {
    const e = error(() => run('return ctx.payload.aggregations.metricAgg.value > 1;', { hits: { total: 0 } }));
    expect(e.causedBy?.type).toBe('null_pointer_exception');
  });
  it('runtime failures name their Java exception', () => {
    expect(error(() => run('return 1 / 0;', {})).causedBy).toEqual({ type: 'arithmetic_exception', reason: '/ by zero' });
    expect(error(() => run('return [1, 2][5];', {})).causedBy).toEqual({ type: 'index_out_of_bounds_exception', reason: 'Index 5 out of bounds for length 2' });
    expect(error(() => run('return [1].foo;', {})).causedBy).toEqual({ type: 'illegal_argument_exception', reason: 'Illegal list shortcut value [foo].' });
    expect(error(() => run("return 'a' > 1;", {})).causedBy?.type).toBe('class_cast_exception');
    expect(error(() => run('int x = 1.5; return x;', {})).causedBy?.type).toBe('class_cast_exception');
    expect(error(() => run('while (true) {}', {})).causedBy?.type).toBe('painless_error');
  });
  it('a syntax error is a compile error with the 25-character snippet ES shows', () => {
    const src = 'if (ctx.payload.hits.total > ) { return true; } return false;';
    const e = error(() => compilePainless(src));
    expect(e.reason).toBe('compile error');
    expect(e.extra.position).toEqual({ offset: 29, start: 4, end: 54 });
    expect(e.extra.script_stack).toEqual(['... ctx.payload.hits.total > ) { return true; } return ...', `${' '.repeat(29)}^---- HERE`]);
    expect(e.causedBy).toEqual({ type: 'illegal_argument_exception', reason: "invalid sequence of tokens near [')']." });
  });
  it('unknown names and what the subset leaves out are compile errors that say so', () => {
    expect(error(() => compilePainless('return foo > 1;')).causedBy?.reason).toBe('cannot resolve symbol [foo]');
    expect(error(() => compilePainless('return ctx.payload.hits.hits.stream().anyMatch(h -> h._score > 1);')).causedBy?.reason).toMatch(/lambda is not supported by the practice cluster's Painless/);
    expect(error(() => compilePainless('TreeMap m = new TreeMap(); return m;')).causedBy?.reason).toMatch(/TreeMap\] is not supported/);
    expect(error(() => compilePainless('int x = 1; int x = 2;')).causedBy?.reason).toBe('variable [x] is already defined');
    expect(error(() => run('return ctx.payload.hits.hits.stream();', { hits: { hits: [] } })).causedBy?.reason).toMatch(/stream\/0\] is not supported/);
  });
});

describe('Java toString, as mustache prints non-scalars', () => {
  it('orders map keys as a HashMap does', () => {
    expect(javaHashMapOrder(['_index', '_id', '_score', '_source', 'sort'])).toEqual(['_index', '_source', '_id', 'sort', '_score']);
    expect(javaToString({ _index: 'i', _id: 'a', _score: null, _source: { message: 'm' }, sort: [1] })).toBe('{_index=i, _source={message=m}, _id=a, sort=[1], _score=null}');
  });
  it('prints dates as ZonedDateTime does', () => {
    expect(javaToString(new JavaDate(Date.UTC(2024, 4, 1, 10, 5, 0, 15)))).toBe('2024-05-01T10:05:00.015Z');
    expect(javaToString(new JavaDate(Date.UTC(2024, 4, 1, 10, 5, 0, 0)))).toBe('2024-05-01T10:05Z');
    expect(javaToString(0.5)).toBe('0.5');
    expect(javaToString(1e-5)).toBe('1.0E-5');
  });
});
