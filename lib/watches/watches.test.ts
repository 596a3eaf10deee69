import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../practice/clock';
import { createEngine } from '../practice/engine';
import { compilePainless } from '../practice/script/painless';
import { PracticeWatcher } from '../practice/watcher';
import { sharedFile } from '../testing/shared-files';
import {
  AGG_TYPES,
  COMPARATORS,
  SSH_EMAIL_PLACEHOLDER,
  buildJsonWatch,
  buildSshWatch,
  buildThresholdWatch,
  deriveWatchState,
  emailAction,
  explainRecord,
  recogniseWatch,
  thresholdConditionScript,
  thresholdFieldsOf,
  thresholdTransformScript,
  type ThresholdWatchFields,
} from './index';

const fixture = (...p: string[]): Record<string, unknown> => JSON.parse(readFileSync(sharedFile('fixtures', ...p), 'utf8')) as Record<string, unknown>;

const HIGHCPU_FIELDS: ThresholdWatchFields = {
  name: 'HighCPU',
  index: ['metricbeat-*'],
  timeField: '@timestamp',
  triggerIntervalSize: 1,
  triggerIntervalUnit: 'm',
  aggType: 'avg',
  aggField: 'system.cpu.total.pct',
  termSize: 5,
  thresholdComparator: '>',
  timeWindowSize: 5,
  timeWindowUnit: 'm',
  threshold: 0.5,
  actions: { email_1: emailAction(['attendee@example.com']) },
};

/** The chapter's own HighCPU condition: max of the normalised CPU over the last minute above 0.5. */
const CHAPTER_HIGHCPU: ThresholdWatchFields = { ...HIGHCPU_FIELDS, aggType: 'max', aggField: 'system.cpu.total.norm.pct', timeWindowSize: 1 };

describe('the threshold watch Kibana saves', () => {
  it("equals Kibana's own serializer test output for the same inputs", () => {
    const expected = fixture('watcher', 'kibana-serialize-threshold-watch.test-expected.json');
    const built = buildThresholdWatch({
      name: 'test',
      index: 'myIndex',
      timeField: 'myTimeField',
      triggerIntervalSize: 10,
      triggerIntervalUnit: 's',
      aggType: 'myAggType',
      aggField: 'myAggField',
      termSize: 30,
      termField: 'myTermField',
      thresholdComparator: 'between',
      timeWindowSize: 20,
      timeWindowUnit: 's',
      threshold: 50,
      termOrder: 40,
      actions: {},
    });
    expect(built).toEqual(expected);
    expect(JSON.stringify(built)).toBe(JSON.stringify(expected));
  });

  it('equals the HighCPU body Kibana PUTs', () => {
    const expected = fixture('watcher', 'DERIVED-highcpu-threshold-watch.kibana-put-body.json');
    expect(JSON.stringify(buildThresholdWatch(HIGHCPU_FIELDS))).toBe(JSON.stringify(expected));
    expect(thresholdFieldsOf(expected)).toMatchObject({ name: 'HighCPU', aggType: 'avg', aggField: 'system.cpu.total.pct', thresholdComparator: '>', threshold: 0.5 });
  });

  it('builds term aggregations ordered as Kibana does and scripts the practice Painless runs', () => {
    const byHost = buildThresholdWatch({ ...CHAPTER_HIGHCPU, termField: 'host.name', thresholdComparator: '>=' });
    expect(JSON.stringify((byHost.input as { search: { request: { body: unknown } } }).search.request.body)).toContain('"order":{"metricAgg":"asc"}');
    expect(JSON.stringify(buildThresholdWatch({ ...CHAPTER_HIGHCPU, aggType: 'count', aggField: undefined, termField: 'host.name' }).input)).toContain('"order":{"_count":"desc"}');
    for (const aggType of AGG_TYPES) {
      for (const thresholdComparator of COMPARATORS) {
        for (const termField of [undefined, 'host.name']) {
          const f: ThresholdWatchFields = { ...CHAPTER_HIGHCPU, aggType, thresholdComparator, ...(termField ? { termField } : {}), threshold: thresholdComparator === 'between' ? [0.2, 0.6] : 0.5 };
          expect(() => compilePainless(thresholdConditionScript(f))).not.toThrow();
          expect(() => compilePainless(thresholdTransformScript(f))).not.toThrow();
        }
      }
    }
  });

  it("adds Kibana's JSON-watch metadata", () => {
    expect(buildJsonWatch('test', { foo: 'bar' })).toEqual(fixture('watcher', 'kibana-serialize-json-watch.test-expected.json'));
  });

  for (const flavor of ['7', '8'] as const) {
    it(`the chapter's HighCPU fires on the practice cluster (flavour ${flavor}) and says why`, () => {
      const t0 = Date.UTC(2024, 4, 1, 10, 0, 0);
      const clock = new ManualClock(t0);
      const engine = createEngine({ flavor, now: () => clock.now() });
      const watcher = new PracticeWatcher({ engine, flavor, now: () => clock.now(), nodeId: 'n', clusterName: 'c', licence: () => 'trial' });
      watcher.putWatch('3f1c9e2a-6b1d-4c55-9f0e-8d2f4a7b1c90', {}, buildThresholdWatch(CHAPTER_HIGHCPU));
      engine.index('metricbeat-x', { '@timestamp': new Date(t0 + 30_000).toISOString(), system: { cpu: { total: { norm: { pct: 0.27 } } } } }, { refresh: true });
      clock.set(t0 + 60_000);
      watcher.tick();
      engine.index('metricbeat-x', { '@timestamp': new Date(t0 + 90_000).toISOString(), system: { cpu: { total: { norm: { pct: 0.83 } } } } }, { refresh: true });
      clock.set(t0 + 120_000);
      watcher.tick();
      const records = (engine.search('.watcher-history-*', { sort: [{ 'result.execution_time': 'asc' }] }) as { hits: { hits: { _source: Record<string, unknown> }[] } }).hits.hits.map((h) => h._source);
      expect(records.map((r) => explainRecord(r).lines[0]?.en)).toEqual(['max CPU 0.27 < 0.5', 'max CPU 0.83 > 0.5']);
      expect(deriveWatchState(watcher.getWatch('3f1c9e2a-6b1d-4c55-9f0e-8d2f4a7b1c90').status as Record<string, unknown>, records[1])).toBe('firing');
      expect(watcher.outbox().emails[0]?.subject).toBe('Watch [HighCPU] has exceeded the threshold');
    });
  }
});

describe('the watch state, defined once', () => {
  const active = { state: { active: true } };
  it('from the fixtures', () => {
    expect(deriveWatchState(active, fixture('watcher', 'DERIVED-ssh-watch.watcher-history-doc.7x-email-not-configured.json')._source as Record<string, unknown>)).toBe('error');
    expect(deriveWatchState(active, fixture('watcher', 'DERIVED-ssh-watch.watcher-history-doc.8x-email-sent.json')._source as Record<string, unknown>)).toBe('firing');
    expect(deriveWatchState(active, fixture('watcher', 'kibana-watch-history-item.test-upstream.json').watchHistoryItemJson as Record<string, unknown>)).toBe('throttled');
    expect(deriveWatchState(active, (fixture('watcher', 'DERIVED-highcpu-threshold-watch.execute-response.8x.json').watch_record as Record<string, unknown>))).toBe('firing');
  });
  it('each rule', () => {
    const executed = { state: 'executed', result: { condition: { met: true }, actions: [{ status: 'success' }] } };
    expect(deriveWatchState({ state: { active: false } }, executed)).toBe('disabled');
    expect(deriveWatchState(active, { state: 'failed', result: {} })).toBe('error');
    expect(deriveWatchState(active, { state: 'acknowledged', result: { condition: { met: true } } })).toBe('throttled');
    expect(deriveWatchState(active, { state: 'execution_not_needed', result: { condition: { met: false } } })).toBe('ok');
    expect(deriveWatchState(active, { state: 'executed', result: { condition: { met: true }, transform: { status: 'failure' }, actions: [] } })).toBe('error');
    expect(deriveWatchState(active, undefined)).toBe('ok');
    expect(deriveWatchState({ ...active, execution_state: 'executed', last_checked: 'x', last_met_condition: 'x', actions: { a: { last_execution: { successful: false } } } }, undefined)).toBe('error');
    expect(deriveWatchState({ ...active, execution_state: 'throttled' }, undefined)).toBe('throttled');
  });
});

describe('a watch record in plain words', () => {
  it('a compare condition and a sent email (8.x fixture)', () => {
    const e = explainRecord(fixture('watcher', 'DERIVED-ssh-watch.watcher-history-doc.8x-email-sent.json')._source as Record<string, unknown>);
    expect(e.conditionMet).toBe(true);
    expect(e.lines.map((l) => l.en)).toEqual(['hits.total 2 > 0', 'Email sent to YOUR_EMAIL_ADDRESS']);
    expect(e.lines[1]).toMatchObject({ key: 'watches.explain.emailSent', values: { to: 'YOUR_EMAIL_ADDRESS' }, ko: 'YOUR_EMAIL_ADDRESS에게 메일을 보냈습니다' });
  });
  it('a failed email (7.x fixture), a threshold (HighCPU fixture) and a throttled action (Kibana fixture)', () => {
    const failed = explainRecord(fixture('watcher', 'DERIVED-ssh-watch.watcher-history-doc.7x-email-not-configured.json')._source as Record<string, unknown>);
    expect(failed.lines.at(-1)?.en).toBe('Action send_email (email) failed: no accounts of type [email] configured. Please set up an account using the [xpack.notification.email] settings');
    const highcpu = explainRecord(fixture('watcher', 'DERIVED-highcpu-threshold-watch.execute-response.8x.json').watch_record as Record<string, unknown>);
    expect(highcpu.outcome).toEqual({ label: 'avg CPU', value: 0.9866, comparator: '>', threshold: 0.5, met: true });
    expect(highcpu.lines.map((l) => l.en)).toEqual(['avg CPU 0.987 > 0.5', 'Action email_1 (email) simulated: nothing was sent']);
    const throttled = explainRecord(fixture('watcher', 'kibana-watch-history-item.test-upstream.json').watchHistoryItemJson as Record<string, unknown>);
    expect(throttled.lines.map((l) => l.key)).toEqual(['watches.explain.logged', 'watches.explain.throttled']);
  });
  it('no hits, script errors and an inactive watch', () => {
    expect(explainRecord({ state: 'execution_not_needed', result: { input: { type: 'search', status: 'success', payload: { hits: { total: 0 } } }, condition: { type: 'compare', met: false, compare: { resolved_values: { 'ctx.payload.hits.total': 0 } } } }, condition: { compare: { 'ctx.payload.hits.total': { gt: 0 } } } }).lines.map((l) => l.en)).toEqual(['The search matched 0 documents', 'hits.total 0 = 0']);
    const failed = explainRecord({ state: 'failed', result: {}, exception: { type: 'script_exception', reason: 'runtime error', caused_by: { type: 'null_pointer_exception', reason: 'x' } } });
    expect(failed.lines[0]?.en).toBe('The execution failed: runtime error (null_pointer_exception: x)');
    expect(explainRecord({ state: 'execution_not_needed', messages: ['Watch is not active'] }).lines[0]?.key).toBe('watches.explain.inactive');
  });
});

describe('recognising the chapter watches by what they do', () => {
  const handout = fixture('watcher', 'handout-7.6.2-ssh-advanced-watch.json');
  it('HighCPU: Kibana threshold watches on either CPU field and hand-written variants', () => {
    expect(recogniseWatch(fixture('watcher', 'DERIVED-highcpu-threshold-watch.kibana-put-body.json'))).toEqual({ kind: 'highcpu', cpuField: 'system.cpu.total.pct', normalised: false, threshold: 0.5, comparator: '>', aggType: 'avg' });
    expect(recogniseWatch(buildThresholdWatch(CHAPTER_HIGHCPU))).toMatchObject({ kind: 'highcpu', cpuField: 'system.cpu.total.norm.pct', normalised: true });
    expect(recogniseWatch((fixture('watcher', 'DERIVED-highcpu-threshold-watch.get-response.8x.json').watch))).toMatchObject({ kind: 'highcpu' });
    const handWritten = {
      trigger: { schedule: { interval: '1m' } },
      input: { search: { request: { indices: ['metricbeat-*'], body: { size: 0, query: { range: { '@timestamp': { gte: 'now-1m' } } }, aggs: { cpu: { max: { field: 'system.cpu.total.norm.pct' } } } } } } },
      condition: { compare: { 'ctx.payload.aggregations.cpu.value': { gt: 0.5 } } },
    };
    expect(recogniseWatch(handWritten)).toMatchObject({ kind: 'highcpu', normalised: true });
    expect(recogniseWatch(buildThresholdWatch({ ...CHAPTER_HIGHCPU, aggField: 'system.memory.actual.used.pct' })).kind).toBe('other');
  });
  it('SSH: the handout watch, the chapter watch, Kibana threshold and hand-written variants', () => {
    expect(recogniseWatch(handout).kind).toBe('ssh');
    expect(recogniseWatch(buildSshWatch({ email: 'a@b.c', version: '8.15.0' })).kind).toBe('ssh');
    expect(recogniseWatch(buildThresholdWatch({ ...CHAPTER_HIGHCPU, index: ['filebeat-*'], aggType: 'count', aggField: undefined, termField: 'source.ip', threshold: 3 })).kind).toBe('ssh');
    const handWritten = { trigger: { schedule: { interval: '1m' } }, input: { search: { request: { indices: ['filebeat-*'], body: { query: { bool: { filter: [{ term: { 'event.dataset': 'system.auth' } }, { terms: { 'system.auth.ssh.event': ['Failed', 'Invalid'] } }] } } } } } }, condition: { compare: { 'ctx.payload.hits.total': { gt: 5 } } } };
    expect(recogniseWatch(handWritten).kind).toBe('ssh');
    expect(recogniseWatch(fixture('watcher', 'kibana-default-json-watch.json')).kind).toBe('other');
    expect(recogniseWatch({ trigger: {}, input: { simple: {} } }).kind).toBe('other');
  });
});

describe("the handout's SSH watch, corrected", () => {
  /** The watch JSON the chapter prints (inside a JS template literal in the MDX). */
  function chapterWatch(locale: string): unknown {
    const mdx = readFileSync(path.resolve(__dirname, '..', '..', 'content', locale, '04-alerting.mdx'), 'utf8');
    const block = /<Config file="Watch JSON" language="json">\{`([\s\S]*?)`\}<\/Config>/.exec(mdx)?.[1] ?? '';
    return JSON.parse(block.replace(/\\\\/g, '\\'));
  }
  it('is the JSON the chapter prints, in both languages, with the attendee email', () => {
    for (const locale of ['en', 'ko']) {
      expect(buildSshWatch({ email: SSH_EMAIL_PLACEHOLDER, version: '7.17.0' })).toEqual(chapterWatch(locale));
      expect(buildSshWatch({ email: SSH_EMAIL_PLACEHOLDER, version: '8.15.0' })).toEqual(chapterWatch(locale));
    }
    expect(JSON.stringify(buildSshWatch({ email: 'me@example.com', version: '9.0.0' }))).toContain('"to":["me@example.com"]');
    expect(JSON.stringify(buildSshWatch({ email: 'me@example.com', version: '8.15.0' }))).not.toContain('types');
  });
  for (const flavor of ['7', '8', '9'] as const) {
    it(`is accepted without warnings and lists each attempt in the mail (flavour ${flavor})`, () => {
      const t0 = Date.UTC(2024, 4, 1, 10, 0, 0);
      const clock = new ManualClock(t0);
      const engine = createEngine({ flavor: flavor === '9' ? '8' : flavor, now: () => clock.now() });
      const watcher = new PracticeWatcher({ engine, flavor, now: () => clock.now(), nodeId: 'n', clusterName: 'c', licence: () => 'trial' });
      watcher.putWatch('ssh-login-attempt', {}, buildJsonWatch('SSH Login Attempt', buildSshWatch({ email: 'me@example.com', version: flavor })));
      expect(watcher.takeWarnings()).toEqual([]);
      for (const [i, message] of ['Invalid user foo from 203.0.113.10 port 52144', 'Failed password for invalid user foo from 203.0.113.10 port 52144 ssh2', 'Accepted publickey for ubuntu'].entries()) {
        engine.index('filebeat-x', { '@timestamp': new Date(t0 + 10_000 + i * 1000).toISOString(), message }, { refresh: true });
      }
      clock.set(t0 + 60_000);
      watcher.tick();
      expect(watcher.outbox().emails[0]).toMatchObject({
        to: ['me@example.com'],
        subject: '[Elastic Alert] SSH Login Attempt',
        body: '2 SSH login attempts have failed:\nFailed password for invalid user foo from 203.0.113.10 port 52144 ssh2\nInvalid user foo from 203.0.113.10 port 52144\n',
      });
    });
  }
});
