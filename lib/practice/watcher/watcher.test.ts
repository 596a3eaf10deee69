import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../testing/shared-files';
import { ManualClock } from '../clock';
import { EsError, createEngine, esErrorEnvelope, type Engine, type Flavor } from '../engine';
import { QuartzCron } from './cron';
import { watcherFlavour } from './flavours';
import { parseWatch } from './watch-parser';
import { PracticeWatcher, watcherHttpStatus } from './watcher';

const fixture = <T = Record<string, unknown>>(...p: string[]): T => JSON.parse(readFileSync(sharedFile('fixtures', ...p), 'utf8')) as T;

const T0 = Date.UTC(2024, 4, 1, 10, 0, 0, 0);

function setup(flavor: Flavor, licence = 'trial') {
  const clock = new ManualClock(T0);
  const engine = createEngine({ flavor, now: () => clock.now() });
  let lic = licence;
  const watcher = new PracticeWatcher({ engine, flavor, now: () => clock.now(), nodeId: 'HEcHPmR7QXqI9pX3Yv9o1g', clusterName: 'practice', licence: () => lic });
  return { clock, engine, watcher, setLicence: (l: string) => (lic = l) };
}

function thrown(fn: () => unknown): EsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EsError) return e;
    throw e;
  }
  throw new Error('expected an EsError');
}

function cpuDoc(engine: Engine, at: number, pct: number, norm = pct / 4) {
  engine.index('metricbeat-cpu', { '@timestamp': new Date(at).toISOString(), event: { dataset: 'system.cpu' }, system: { cpu: { total: { pct, norm: { pct: norm } } } } }, { refresh: true });
}

function history(engine: Engine, watchId: string): Record<string, unknown>[] {
  const r = engine.search('.watcher-history-*', { size: 100, query: { term: { watch_id: watchId } }, sort: [{ 'result.execution_time': 'asc' }] }) as { hits: { hits: { _index: string; _source: Record<string, unknown> }[] } };
  return r.hits.hits.map((h) => ({ _index: h._index, ...h._source }));
}

const HIGHCPU = fixture('watcher', 'DERIVED-highcpu-threshold-watch.kibana-put-body.json');
const HIGHCPU_ID = '3f1c9e2a-6b1d-4c55-9f0e-8d2f4a7b1c90';

for (const flavor of ['7', '8'] as const) {
  describe(`Watcher (flavour ${flavor})`, () => {
    it('stores a watch in its normalised form and answers GET, re-PUT and DELETE as ES', () => {
      const { watcher, engine } = setup(flavor);
      expect(watcher.putWatch(HIGHCPU_ID, {}, HIGHCPU)).toEqual({ _id: HIGHCPU_ID, _version: 1, _seq_no: 0, _primary_term: 1, created: true });
      const expected = fixture('watcher', 'DERIVED-highcpu-threshold-watch.get-response.8x.json');
      const got = watcher.getWatch(HIGHCPU_ID);
      // Same keys in the same order as ES' Watch.toXContent.
      expect(JSON.stringify(got.watch)).toBe(JSON.stringify(expected.watch));
      expect(got).toMatchObject({ found: true, _id: HIGHCPU_ID, _version: 1, _seq_no: 0, _primary_term: 1 });
      expect(got.status).toEqual({ state: { active: true, timestamp: new Date(T0).toISOString() }, actions: { email_1: { ack: { timestamp: new Date(T0).toISOString(), state: 'awaits_successful_execution' } } }, version: 1 });
      expect(watcherHttpStatus(got)).toBe(200);
      // The watch document is an ordinary hidden index document.
      expect(engine.get('.watches', HIGHCPU_ID)._source).toMatchObject({ metadata: { name: 'HighCPU' }, status: { state: { active: true } } });

      expect(watcher.putWatch(HIGHCPU_ID, { active: 'false' }, HIGHCPU)).toMatchObject({ _version: 2, _seq_no: 1, created: false });
      expect(watcher.getWatch(HIGHCPU_ID).status).toMatchObject({ state: { active: false }, version: 2 });
      expect(() => watcher.putWatch(HIGHCPU_ID, { if_seq_no: 0, if_primary_term: 1 }, HIGHCPU)).toThrow(/version conflict/);

      expect(watcher.deleteWatch(HIGHCPU_ID)).toMatchObject({ _id: HIGHCPU_ID, found: true });
      const missing = watcher.getWatch(HIGHCPU_ID);
      expect(missing).toEqual({ found: false, _id: HIGHCPU_ID });
      expect(watcherHttpStatus(missing)).toBe(404);
      expect(watcherHttpStatus(watcher.deleteWatch(HIGHCPU_ID))).toBe(404);
      expect(thrown(() => watcher.activateWatch('nope')).status).toBe(404);
    });

    it('runs the HighCPU threshold watch on schedule, writes searchable history and mails the practice mailbox', () => {
      const { watcher, engine, clock } = setup(flavor);
      watcher.putWatch(HIGHCPU_ID, {}, HIGHCPU);
      expect(watcher.tick(T0 + 59_000)).toBe(0);
      clock.set(T0 + 50_000);
      cpuDoc(engine, T0 + 40_000, 0.9866);
      clock.set(T0 + 60_004);
      expect(watcher.tick()).toBe(1);

      const [record] = history(engine, HIGHCPU_ID);
      expect(record).toBeDefined();
      const r = record as Record<string, unknown>;
      const expectedKeys = ['_index', 'watch_id', 'node', 'state', ...(flavor === '8' ? ['@timestamp'] : []), 'user', 'status', 'trigger_event', 'input', 'condition', 'metadata', 'result', 'messages'];
      expect(Object.keys(r)).toEqual(expectedKeys);
      expect(r._index).toBe(flavor === '8' ? '.ds-.watcher-history-16-2024.05.01-000001' : '.watcher-history-13-2024.05.01');
      expect(r.state).toBe('executed');
      expect(r.trigger_event).toEqual({ type: 'schedule', triggered_time: '2024-05-01T10:01:00.004Z', schedule: { scheduled_time: '2024-05-01T10:01:00.000Z' } });
      const result = r.result as Record<string, Record<string, unknown>>;
      expect(result.condition).toEqual({ type: 'script', status: 'success', met: true });
      // A dynamically mapped JSON double is a `float` field, so the average comes back as ES' float-to-double value.
      expect(result.transform).toMatchObject({ type: 'script', status: 'success' });
      expect((result.transform as { payload: { result: number } }).payload.result).toBeCloseTo(0.9866, 6);
      const input = result.input as { payload: { hits: { total: unknown } }; search: { request: { body: { query: unknown } } } };
      expect(input.payload.hits.total).toBe(1);
      // The search body was rendered with the scheduled time as Java prints it.
      expect(JSON.stringify(input.search.request.body)).toContain('"gte":"2024-05-01T10:01Z||-5m"');
      expect((result.actions as unknown as Record<string, unknown>[])[0]).toMatchObject({ id: 'email_1', type: 'email', status: 'success', email: { account: 'practice-mailbox', message: { to: ['attendee@example.com'], subject: 'Watch [HighCPU] has exceeded the threshold' } } });
      expect(watcher.outbox().emails).toEqual([{ watch_id: HIGHCPU_ID, action_id: 'email_1', to: ['attendee@example.com'], subject: 'Watch [HighCPU] has exceeded the threshold', body: '', sent_at: '2024-05-01T10:01:00.004Z' }]);

      const status = watcher.getWatch(HIGHCPU_ID).status as Record<string, unknown>;
      expect(status).toMatchObject({ last_checked: '2024-05-01T10:01:00.004Z', last_met_condition: '2024-05-01T10:01:00.004Z', execution_state: 'executed', actions: { email_1: { ack: { state: 'ackable' }, last_execution: { successful: true } } } });
      expect(status.version).toBe(2);
    });

    it('a condition that does not hold records execution_not_needed and re-arms acknowledgement', () => {
      const { watcher, engine, clock } = setup(flavor);
      watcher.putWatch(HIGHCPU_ID, {}, HIGHCPU);
      cpuDoc(engine, T0 + 10_000, 0.27);
      clock.set(T0 + 60_000);
      watcher.tick();
      const [r] = history(engine, HIGHCPU_ID);
      expect(r).toMatchObject({ state: 'execution_not_needed', result: { condition: { met: false }, actions: [] } });
      expect((r as { result: Record<string, unknown> }).result.transform).toBeUndefined();
      expect(watcher.outbox().emails).toEqual([]);
    });

    it('throttles by the watch throttle period and by acknowledgement', () => {
      const { watcher, engine, clock } = setup(flavor);
      watcher.putWatch('w', {}, { ...HIGHCPU, throttle_period: '5m' });
      cpuDoc(engine, T0 + 10_000, 0.9);
      for (let i = 1; i <= 3; i += 1) {
        clock.set(T0 + i * 60_000);
        cpuDoc(engine, T0 + i * 60_000 - 5_000, 0.9);
        watcher.tick();
      }
      const states = history(engine, 'w').map((r) => r.state);
      expect(states).toEqual(['executed', 'throttled', 'throttled']);
      const second = history(engine, 'w')[1] as { result: { actions: { status: string; reason: string }[] } };
      expect(second.result.actions[0]).toMatchObject({ status: 'throttled', reason: 'throttling interval is set to [5m] but time elapsed since last execution is [1m]' });
      expect(watcher.outbox().emails).toHaveLength(1);

      watcher.putWatch('a', {}, HIGHCPU);
      clock.set(T0 + 4 * 60_000);
      cpuDoc(engine, T0 + 4 * 60_000 - 1000, 0.9);
      watcher.tick();
      expect((watcher.ackWatch('a').status as { actions: { email_1: { ack: { state: string } } } }).actions.email_1.ack.state).toBe('acked');
      clock.set(T0 + 5 * 60_000);
      cpuDoc(engine, T0 + 5 * 60_000 - 1000, 0.9);
      watcher.tick();
      const acked = history(engine, 'a').at(-1) as { state: string; result: { actions: { status: string; reason: string }[] } };
      expect(acked.state).toBe('acknowledged');
      expect(acked.result.actions[0]?.reason).toBe(`action [email_1] was acked at [${new Date(T0 + 4 * 60_000).toISOString()}]`);
      // A minute where the condition does not hold re-arms the action.
      clock.set(T0 + 11 * 60_000);
      cpuDoc(engine, T0 + 11 * 60_000 - 1000, 0.1);
      // The late tick runs once for the missed 10:06 boundary (still the high window), the next one sees only the low value.
      watcher.tick();
      clock.set(T0 + 12 * 60_000);
      watcher.tick();
      expect(history(engine, 'a').at(-1)?.state).toBe('execution_not_needed');
      expect((watcher.getWatch('a').status as { actions: { email_1: { ack: { state: string } } } }).actions.email_1.ack.state).toBe('awaits_successful_execution');
    });

    it('_execute: force_simulate without recording, alternative input, ignore_condition and inline watches', () => {
      const { watcher, engine } = setup(flavor);
      watcher.putWatch(HIGHCPU_ID, {}, HIGHCPU);
      const before = watcher.getWatch(HIGHCPU_ID);
      const out = watcher.executeWatch(HIGHCPU_ID, {}, { action_modes: { _all: 'force_simulate' }, record_execution: false, alternative_input: { aggregations: { metricAgg: { value: 0.83 } } } });
      expect(out._id).toMatch(new RegExp(`^${HIGHCPU_ID}_[0-9a-f-]{36}-2024-05-01T10:00:00Z$`));
      const rec = out.watch_record as { state: string; trigger_event: Record<string, unknown>; result: { input: unknown; actions: Record<string, unknown>[] } };
      expect(rec.state).toBe('executed');
      expect(rec.trigger_event).toEqual({ type: 'manual', triggered_time: '2024-05-01T10:00:00.000Z', manual: { schedule: { scheduled_time: '2024-05-01T10:00:00.000Z' } } });
      expect(rec.result.input).toEqual({ type: 'simple', status: 'success', payload: { aggregations: { metricAgg: { value: 0.83 } } } });
      expect(rec.result.actions[0]).toMatchObject({ id: 'email_1', status: 'simulated', email: { message: { subject: 'Watch [HighCPU] has exceeded the threshold' } } });
      expect(watcher.outbox().emails).toEqual([]);
      expect(history(engine, HIGHCPU_ID)).toEqual([]);
      expect(watcher.getWatch(HIGHCPU_ID)).toEqual(before);

      const ignored = watcher.executeWatch(HIGHCPU_ID, { ignore_condition: 'true' }, { alternative_input: { aggregations: { metricAgg: { value: 0.1 } } }, action_modes: { email_1: 'force_simulate' } });
      expect((ignored.watch_record.result as { condition: unknown }).condition).toEqual({ type: 'always', status: 'success', met: true });

      const recorded = watcher.executeWatch(HIGHCPU_ID, {}, { record_execution: true, action_modes: { _all: 'execute' }, alternative_input: { aggregations: { metricAgg: { value: 0.9 } } } });
      expect(recorded.watch_record.state).toBe('executed');
      expect(history(engine, HIGHCPU_ID)).toHaveLength(1);
      expect(watcher.outbox().emails).toHaveLength(1);

      const inline = watcher.executeWatch(undefined, {}, { watch: { trigger: { schedule: { interval: '1m' } }, input: { simple: { n: 3 } }, condition: { compare: { 'ctx.payload.n': { gt: 2 } } }, actions: { log: { logging: { text: 'n is {{ctx.payload.n}}' } } } } });
      expect(inline.watch_record).toMatchObject({ watch_id: '_inlined_', state: 'executed', result: { actions: [{ id: 'log', status: 'simulated', logging: { logged_text: 'n is 3' } }] } });
      expect(thrown(() => watcher.executeWatch(undefined, {}, { watch: HIGHCPU, record_execution: true })).reason).toBe('Validation Failed: 1: the execution of an inline watch cannot be recorded;');
      expect(thrown(() => watcher.executeWatch(HIGHCPU_ID, {}, { simulated_actions: {} })).reason).toBe('could not parse watch execution request. unexpected object field [simulated_actions]');
      expect(thrown(() => watcher.executeWatch('missing', {}, {})).reason).toBe('watch [missing] does not exist');
    });

    it('every condition type, with compare date math and resolved values', () => {
      const { watcher } = setup(flavor);
      const run = (condition: unknown, payload: unknown) => {
        watcher.putWatch('c', {}, { trigger: { schedule: { interval: '1h' } }, input: { simple: payload }, condition, actions: {} });
        return watcher.executeWatch('c', {}, {}).watch_record as { state: string; result: { condition: Record<string, unknown> } };
      };
      expect(run({ always: {} }, {}).state).toBe('executed');
      expect(run({ never: {} }, {}).state).toBe('execution_not_needed');
      const recent = new Date(T0 - 60_000).toISOString();
      const cmp = run({ compare: { 'ctx.payload.last': { gte: '<{now-5m}>' } } }, { last: recent });
      expect(cmp.result.condition).toEqual({ type: 'compare', status: 'success', met: true, compare: { resolved_values: { 'now-5m': new Date(T0 - 300_000).toISOString(), 'ctx.payload.last': recent } } });
      expect(run({ compare: { 'ctx.payload.hits.total': { gt: 0 } } }, { hits: { total: 0 } }).result.condition.met).toBe(false);
      expect(run({ compare: { 'ctx.payload.hits.hits.0.level': { eq: 'error' } } }, { hits: { hits: [{ level: 'error' }] } }).result.condition.met).toBe(true);
      expect(run({ compare: { 'ctx.payload.count': { not_eq: 5 } } }, { count: 'five' }).result.condition.met).toBe(true);
      const arr = run({ array_compare: { 'ctx.payload.buckets': { path: 'doc_count', gte: { value: 10 } } } }, { buckets: [{ doc_count: 3 }, { doc_count: 12 }] });
      expect(arr.result.condition).toMatchObject({ type: 'array_compare', met: true });
      expect(run({ array_compare: { 'ctx.payload.buckets': { path: 'doc_count', gte: { value: 10, quantifier: 'all' } } } }, { buckets: [{ doc_count: 3 }, { doc_count: 12 }] }).result.condition.met).toBe(false);
      expect(run({ script: { source: 'return ctx.payload.n > params.t', params: { t: 1 } } }, { n: 2 }).result.condition.met).toBe(true);
    });

    it('a failing script condition is a failed record carrying the script_exception', () => {
      const { watcher } = setup(flavor);
      watcher.putWatch(HIGHCPU_ID, {}, HIGHCPU);
      const out = watcher.executeWatch(HIGHCPU_ID, {}, { alternative_input: { aggregations: { metricAgg: { value: null } } } });
      const rec = out.watch_record as Record<string, unknown>;
      expect(rec.state).toBe('failed');
      expect(rec.messages).toBeUndefined();
      expect(rec.exception).toMatchObject({ type: 'script_exception', reason: 'runtime error', lang: 'painless', caused_by: { type: 'null_pointer_exception' } });
      expect((rec.result as Record<string, unknown>).condition).toBeUndefined();
    });

    it('a failing search input is a failed record with the input error', () => {
      const { watcher } = setup(flavor);
      watcher.putWatch('s', {}, { trigger: { schedule: { interval: '1m' } }, input: { search: { request: { indices: ['no-such-index'], body: { query: { match_all: {} } } } } } });
      const rec = watcher.executeWatch('s', {}, {}).watch_record as { state: string; messages: string[]; result: { input: Record<string, unknown> } };
      expect(rec.state).toBe('failed');
      expect(rec.messages).toEqual(['failed to execute watch input']);
      expect(rec.result.input).toMatchObject({ type: 'search', status: 'failure', error: { type: 'index_not_found_exception' } });
    });

    it('renders the handout SSH watch body as ES does, and the corrected one with a section', () => {
      const { watcher, engine, clock } = setup(flavor);
      const handout = fixture('watcher', 'handout-7.6.2-ssh-advanced-watch.json') as Record<string, unknown>;
      if (flavor === '8') {
        watcher.putWatch('ssh-login-attempt', {}, handout);
        expect(watcher.takeWarnings()).toEqual(['[types removal] Specifying empty types array in a watcher search request is deprecated.']);
        expect(JSON.stringify(watcher.getWatch('ssh-login-attempt').watch)).not.toContain('types');
      } else {
        watcher.putWatch('ssh-login-attempt', {}, handout);
        expect(((watcher.getWatch('ssh-login-attempt').watch as { input: { search: { request: Record<string, unknown> } } }).input.search.request.types)).toEqual([]);
      }
      for (const [i, message] of ['input_userauth_request: invalid user hAx0R [preauth]', 'Invalid user hAx0R from 203.0.113.7 port 52144'].entries()) {
        engine.index('filebeat-auth', { '@timestamp': new Date(T0 + 20_000 + i * 1000).toISOString(), message, event: { dataset: 'system.auth' } }, { refresh: true });
      }
      clock.set(T0 + 60_000);
      watcher.tick();
      const mail = watcher.outbox().emails[0];
      expect(mail?.subject).toBe('[Elastic Alert] SSH Login Attempt');
      expect(mail?.body).toMatch(/^1 SSH login attempts have failed: \[\{_index=filebeat-auth, (_type=_doc, )?_source=\{message=.*\}, _id=.*, sort=\[\d+\], _score=null\}\]:\[/);
      const rec = history(engine, 'ssh-login-attempt')[0] as { result: { condition: unknown } };
      expect(rec.result.condition).toEqual({ type: 'compare', status: 'success', met: true, compare: { resolved_values: { 'ctx.payload.hits.total': 1 } } });
    });

    it('logging, index and webhook actions: logged, indexed through the engine, recorded but never sent', () => {
      const { watcher, engine } = setup(flavor);
      watcher.putWatch('acts', {}, {
        trigger: { schedule: { interval: '1m' } },
        input: { simple: { host: 'web-1', cpu: 0.9 } },
        actions: {
          log: { logging: { text: 'CPU on {{ctx.payload.host}} is {{ctx.payload.cpu}}' } },
          store: { transform: { script: "return ['host': ctx.payload.host, 'alert': true]" }, index: { index: 'alerts', execution_time_field: 'at' } },
          hook: { webhook: { host: 'example.com', port: 443, scheme: 'https', method: 'post', path: '/alert', body: '{{ctx.payload.host}}' } },
        },
      });
      const rec = watcher.executeWatch('acts', {}, { action_modes: { _all: 'execute' } }).watch_record as { result: { actions: Record<string, unknown>[] } };
      expect(rec.result.actions.map((a) => [a.id, a.status])).toEqual([['log', 'success'], ['store', 'success'], ['hook', 'simulated']]);
      expect(watcher.loggedText()[0]).toMatchObject({ watch_id: 'acts', action_id: 'log', level: 'info', text: 'CPU on web-1 is 0.9' });
      expect(rec.result.actions[1]).toMatchObject({ transform: { type: 'script', status: 'success', payload: { host: 'web-1', alert: true } }, index: { response: { created: true, result: 'created', index: 'alerts' } } });
      // The index action did not ask for a refresh: the document is searchable after the next one.
      expect(engine.get('alerts', (rec.result.actions[1] as { index: { response: { id: string } } }).index.response.id).found).toBe(true);
      engine.refresh('alerts');
      const stored = engine.search('alerts', {}) as { hits: { hits: { _source: unknown }[] } };
      expect(stored.hits.hits[0]?._source).toEqual({ host: 'web-1', alert: true, at: new Date(T0).toISOString() });
      expect(watcher.webhookRequests()[0]?.request).toMatchObject({ scheme: 'https', host: 'example.com', port: 443, method: 'post', path: '/alert', body: 'web-1' });
    });

    it('stats and _query/watches (paged by _seq_no as Kibana does)', () => {
      const { watcher } = setup(flavor);
      for (const id of ['b', 'a', 'c']) watcher.putWatch(id, {}, { trigger: { schedule: { interval: '1m' } }, metadata: { name: id.toUpperCase() } });
      watcher.deactivateWatch('c');
      const stats = watcher.stats();
      expect(stats).toEqual({ _nodes: { total: 1, successful: 1, failed: 0 }, cluster_name: 'practice', manually_stopped: false, stats: [{ node_id: 'HEcHPmR7QXqI9pX3Yv9o1g', watcher_state: 'started', watch_count: 2, execution_thread_pool: { queue_size: 0, max_size: 10 } }] });
      const first = watcher.queryWatches({ size: 2, sort: [{ _seq_no: { order: 'asc' } }] });
      expect(first.count).toBe(3);
      expect(first.watches.map((w) => w._id)).toEqual(['b', 'a']);
      const next = watcher.queryWatches({ size: 2, sort: [{ _seq_no: { order: 'asc' } }], search_after: [first.watches[1]?._seq_no] });
      expect(next.watches.map((w) => w._id)).toEqual(['c']);
      expect(next.watches[0]).toMatchObject({ status: { state: { active: false }, version: -1 }, watch: { metadata: { name: 'C' } } });
      expect(watcher.queryWatches({ query: { term: { _id: 'a' } } }).watches.map((w) => w._id)).toEqual(['a']);
    });

    it('answers every watcher call with the Basic licence 403 of ES issue 23490', () => {
      const { watcher, setLicence } = setup(flavor, 'basic');
      const expected = fixture('errors', 'es-issue-23490.watcher-license-non-compliant.403.json');
      const calls = [() => watcher.putWatch('w', {}, HIGHCPU), () => watcher.getWatch('w'), () => watcher.deleteWatch('w'), () => watcher.executeWatch('w', {}, {}), () => watcher.ackWatch('w'), () => watcher.activateWatch('w'), () => watcher.stats(), () => watcher.queryWatches({})];
      for (const call of calls) expect(esErrorEnvelope(thrown(call))).toEqual(expected);
      setLicence('trial');
      expect(watcher.putWatch('w', {}, HIGHCPU).created).toBe(true);
    });
  });
}

describe('watch parse errors, as ES words them', () => {
  const cases = fixture<{ cases: { request: string; response: unknown }[] }>('errors', 'DERIVED-watcher-parse-errors.json').cases;
  const put = (flavor: string, body: unknown) => {
    const engine = createEngine({ flavor: '8' });
    const w = new PracticeWatcher({ engine, flavor, now: () => T0, nodeId: 'n', clusterName: 'c', licence: () => 'trial' });
    return esErrorEnvelope(thrown(() => w.putWatch('w1', {}, body)));
  };
  const search = (types: string[]) => ({ trigger: { schedule: { interval: '1m' } }, input: { search: { request: { indices: ['filebeat-*'], types, body: {} } } } });
  const bodies: unknown[] = [
    { trigger: { schedule: { interval: '1m' } }, foo: {} },
    { input: { simple: {} } },
    ['8', search(['doc'])],
    ['9', search([])],
    { trigger: { schedule: { interval: '1m' } }, condition: { compare: { 'ctx.payload.hits.total': { greater: 0 } } } },
    { trigger: { schedule: { interval: '1m' } }, actions: { a1: { sms: {} } } },
  ];
  bodies.forEach((body, i) => {
    it(cases[i]?.request ?? String(i), () => {
      const [flavor, b] = Array.isArray(body) ? (body as [string, unknown]) : ['8', body];
      expect(put(flavor, b)).toEqual(cases[i]?.response);
    });
  });
  it(cases[6]?.request ?? 'execute', () => {
    const engine = createEngine({ flavor: '8' });
    const w = new PracticeWatcher({ engine, flavor: '8', now: () => T0, nodeId: 'n', clusterName: 'c', licence: () => 'trial' });
    expect(esErrorEnvelope(thrown(() => w.executeWatch(undefined, {}, { trigger: { schedule: { interval: '1m' } } })))).toEqual(cases[6]?.response);
  });
  it('7.x accepts types with a deprecation; 9.x parses the flavour table', () => {
    const warnings: string[] = [];
    const parsed = parseWatch('w', search(['doc']), { flavour: watcherFlavour('7'), warn: (m) => warnings.push(m) });
    expect(warnings).toEqual(['[types removal] Specifying types in a watcher search request is deprecated.']);
    expect(JSON.stringify(parsed.json)).toContain('"types":["doc"]');
    expect(() => parseWatch('w', { trigger: { schedule: { interval: '500ms' } } }, { flavour: watcherFlavour('8'), warn: () => undefined })).toThrow('could not parse [interval] schedule. could not parse [500m] as a [seconds] duration');
    expect(() => parseWatch('w', { trigger: { schedule: { interval: '0s' } } }, { flavour: watcherFlavour('8'), warn: () => undefined })).toThrow("could not parse schedule: interval can't be lower than 1000 ms, but [0s] was specified");
    expect(thrown(() => parseWatch('w', { trigger: { schedule: { interval: '1m' } }, condition: { script: 'return ctx.payload.hits.total > ' } }, { flavour: watcherFlavour('8'), warn: () => undefined })).type).toBe('script_exception');
  });
});

describe('scheduling with a fake clock', () => {
  it('intervals count from registration; late ticks run once with the missed boundary', () => {
    const { watcher, engine, clock } = setup('8');
    watcher.putWatch('i', {}, { trigger: { schedule: { interval: '10s' } }, input: { simple: {} }, actions: {} });
    clock.set(T0 + 9_999);
    expect(watcher.tick()).toBe(0);
    clock.set(T0 + 10_000);
    expect(watcher.tick()).toBe(1);
    clock.set(T0 + 45_000);
    expect(watcher.tick()).toBe(1);
    expect(watcher.nextDue()).toBe(T0 + 50_000);
    const times = history(engine, 'i').map((r) => (r.trigger_event as { schedule: { scheduled_time: string } }).schedule.scheduled_time);
    expect(times).toEqual([new Date(T0 + 10_000).toISOString(), new Date(T0 + 20_000).toISOString()]);
    watcher.deactivateWatch('i');
    clock.set(T0 + 120_000);
    expect(watcher.tick()).toBe(0);
    watcher.activateWatch('i');
    expect(watcher.nextDue()).toBe(T0 + 130_000);
  });

  it('cron, hourly and daily schedules fire at their wall-clock times', () => {
    const { watcher, clock } = setup('7');
    watcher.putWatch('cron', {}, { trigger: { schedule: { cron: '0 0/5 * * * ?' } }, actions: {} });
    watcher.putWatch('hourly', {}, { trigger: { schedule: { hourly: { minute: [15, 45] } } }, actions: {} });
    watcher.putWatch('daily', {}, { trigger: { schedule: { daily: { at: ['noon', '17:30'] } } }, actions: {} });
    expect(watcher.getWatch('daily').watch).toMatchObject({ trigger: { schedule: { daily: { at: [{ hour: [12], minute: [0] }, { hour: [17], minute: [30] }] } } } });
    expect(watcher.nextDue()).toBe(T0 + 5 * 60_000);
    clock.set(T0 + 15 * 60_000);
    expect(watcher.tick()).toBe(2);
    clock.set(Date.UTC(2024, 4, 1, 12, 0, 0));
    expect(watcher.tick()).toBe(3);
  });

  it('reads Quartz expressions as ES does', () => {
    const at = (expr: string, after: number) => new Date(new QuartzCron(expr).next(after) as number).toISOString();
    const may1 = Date.UTC(2024, 4, 1, 0, 0, 0); // a Wednesday
    expect(at('0 0 12 ? * MON-FRI', may1)).toBe('2024-05-01T12:00:00.000Z');
    expect(at('0 0 12 ? * 1', may1)).toBe('2024-05-05T12:00:00.000Z'); // 1 = Sunday in Quartz
    expect(at('0 15 10 L * ?', may1)).toBe('2024-05-31T10:15:00.000Z');
    expect(at('0 0 0 ? * 6L', may1)).toBe('2024-05-31T00:00:00.000Z'); // last Friday
    expect(at('0 0 9 ? * 2#1', may1)).toBe('2024-05-06T09:00:00.000Z'); // first Monday
    expect(at('0 0 0 15W * ?', Date.UTC(2024, 5, 1))).toBe('2024-06-14T00:00:00.000Z'); // 15 June 2024 is a Saturday
    expect(at('0 0 0 1 1 ? 2026', may1)).toBe('2026-01-01T00:00:00.000Z');
    expect(at('*/20 * * * * ?', may1 + 5_000)).toBe('2024-05-01T00:00:20.000Z');
    expect(() => new QuartzCron('0 0 12 * * MON')).toThrow('Support for specifying both a day-of-week AND a day-of-month parameter is not implemented.');
    expect(() => new QuartzCron('0 0 12 * *')).toThrow('Unexpected end of expression.');
  });
});
