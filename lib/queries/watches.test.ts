import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../practice/clock';
import { createEngine, type Engine, type Flavor } from '../practice/engine';
import { PracticeWatcher } from '../practice/watcher';
import { sharedFile } from '../testing/shared-files';
import { buildSshWatch, buildThresholdWatch, emailAction, type ThresholdWatchFields } from '../watches';
import { buildPreviewRequest, parseBuilderFields, parsePreview, previewRange } from './watch-builder';
import {
  buildHistoryRequest,
  buildQueryWatchesBody,
  buildWatchesIndexRequest,
  buildWatchRunsRequest,
  describeExecution,
  judgeExecutions,
  kibanaWatchUrl,
  lastFiredOf,
  parseHistory,
  parseQueryWatches,
  parseWatchesIndex,
  parseWatchRuns,
  summariseWatch,
  type StoredWatch,
} from './watches';

/**
 * Chapter 4's reads, run on the practice Watcher in process (history written by real executions
 * with a manual clock, in every flavour) and on the recorded 7.x/8.x history documents.
 */

const fixture = (...p: string[]): Record<string, unknown> => JSON.parse(readFileSync(sharedFile('fixtures', ...p), 'utf8')) as Record<string, unknown>;
const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

const CHAPTER_HIGHCPU: ThresholdWatchFields = {
  name: 'HighCPU',
  index: ['metricbeat-*'],
  timeField: '@timestamp',
  triggerIntervalSize: 10,
  triggerIntervalUnit: 's',
  aggType: 'max',
  aggField: 'system.cpu.total.norm.pct',
  thresholdComparator: '>',
  timeWindowSize: 1,
  timeWindowUnit: 'm',
  threshold: 0.5,
  actions: { email_1: emailAction(['me@example.com']) },
};

function lab(flavor: Flavor) {
  const clock = new ManualClock(T0);
  const engine = createEngine({ flavor, now: () => clock.now() });
  engine.createIndex('metricbeat-lab', { mappings: { properties: { '@timestamp': { type: 'date' }, system: { properties: { cpu: { properties: { total: { properties: { pct: { type: 'scaled_float', scaling_factor: 1000 }, norm: { properties: { pct: { type: 'scaled_float', scaling_factor: 1000 } } } } } } } } } } } });
  engine.createIndex('filebeat-lab', { mappings: { properties: { '@timestamp': { type: 'date' }, message: { type: 'text' } } } });
  const watcher = new PracticeWatcher({ engine, flavor, now: () => clock.now(), nodeId: 'node-1', clusterName: 'lab', licence: () => 'trial' });
  const cpu = (at: number, norm: number) => engine.index('metricbeat-lab', { '@timestamp': new Date(at).toISOString(), system: { cpu: { total: { pct: norm * 4, norm: { pct: norm } } } } }, { refresh: true });
  const ssh = (at: number) => engine.index('filebeat-lab', { '@timestamp': new Date(at).toISOString(), message: 'Invalid user foo from 203.0.113.10 port 52144' }, { refresh: true });
  return { clock, engine, watcher, cpu, ssh };
}

function search(engine: Engine, request: { index: string; body: Record<string, unknown> }): unknown {
  return engine.search(request.index, request.body, { ignoreUnavailable: true, allowNoIndices: true, expandWildcards: 'all' });
}

for (const flavor of ['7', '8', '9'] as const) {
  describe(`the watches panel's reads on a ${flavor}.x practice Watcher`, () => {
    it('lists the watches from _query/watches and from the .watches index alike', () => {
      const { watcher, engine } = lab(flavor);
      watcher.putWatch('cpu-uuid', {}, buildThresholdWatch(CHAPTER_HIGHCPU));
      watcher.putWatch('ssh-login-attempt', {}, buildSshWatch({ email: 'me@example.com', version: flavor === '7' ? '7.17.0' : `${flavor}.1.0` }));
      const viaApi = parseQueryWatches(watcher.queryWatches(buildQueryWatchesBody()));
      const viaIndex = parseWatchesIndex(search(engine, buildWatchesIndexRequest()));
      expect(viaApi.total).toBe(2);
      expect(viaIndex.total).toBe(2);
      expect(viaApi.watches.map((w) => w.id).sort()).toEqual(['cpu-uuid', 'ssh-login-attempt']);
      for (const list of [viaApi, viaIndex]) {
        const cpu = list.watches.find((w) => w.id === 'cpu-uuid') as StoredWatch;
        expect(cpu.watch).toMatchObject({ metadata: { name: 'HighCPU', xpack: { type: 'threshold' } } });
        expect(cpu.watch).not.toHaveProperty('status');
        expect(cpu.status).toMatchObject({ state: { active: true } });
      }
    });

    it('reads each watch\'s recent executions in one bounded search and says what decided them', () => {
      const { watcher, engine, clock, cpu } = lab(flavor);
      watcher.putWatch('cpu-uuid', {}, buildThresholdWatch(CHAPTER_HIGHCPU));
      watcher.putWatch('idle', {}, { trigger: { schedule: { interval: '1h' } }, input: { simple: {} }, actions: {} });
      cpu(T0 + 2_000, 0.27);
      clock.set(T0 + 10_000);
      watcher.tick();
      cpu(T0 + 15_000, 0.83);
      clock.set(T0 + 20_000);
      watcher.tick();
      // The default throttle (5 s) has passed, the condition still holds: a second email.
      clock.set(T0 + 30_000);
      watcher.tick();

      const request = buildHistoryRequest({ watchIds: ['cpu-uuid', 'idle'], now: clock.now() });
      expect(request.index).toBe('.watcher-history-*');
      const history = parseHistory(search(engine, request));
      const cpuHistory = history.get('cpu-uuid');
      expect(cpuHistory).toMatchObject({ executions: 3, met: 2 });
      expect(cpuHistory?.records).toHaveLength(3);
      expect(history.has('idle')).toBe(false);

      const list = parseQueryWatches(watcher.queryWatches(buildQueryWatchesBody()));
      const summary = summariseWatch(list.watches.find((w) => w.id === 'cpu-uuid') as StoredWatch, cpuHistory);
      expect(summary).toMatchObject({
        id: 'cpu-uuid',
        name: 'HighCPU',
        state: 'firing',
        active: true,
        type: 'threshold',
        interval: '10s',
        lastChecked: new Date(T0 + 30_000).toISOString(),
        lastFired: new Date(T0 + 30_000).toISOString(),
        recognition: { kind: 'highcpu', cpuField: 'system.cpu.total.norm.pct', normalised: true },
        executions: 3,
      });
      const [newest, , oldest] = summary.history;
      expect(newest).toMatchObject({ state: 'executed', conditionMet: true, throttled: false, outcome: { key: 'watches.explain.threshold', values: { label: 'max CPU', value: '0.83', sign: '>', threshold: '0.5' } }, actions: [{ id: 'email_1', type: 'email', status: 'success' }], error: null });
      expect(oldest).toMatchObject({ state: 'execution_not_needed', conditionMet: false, outcome: { values: { value: '0.27', sign: '<' } }, actions: [] });
      const idle = summariseWatch(list.watches.find((w) => w.id === 'idle') as StoredWatch, history.get('idle'));
      expect(idle).toMatchObject({ state: 'ok', lastChecked: null, history: [], executions: 0 });
    });

    it('judges a watch for its checkpoint: fired, closest value, no documents, and only after it was stored', () => {
      const { watcher, engine, clock, cpu, ssh } = lab(flavor);
      watcher.putWatch('cpu', {}, buildThresholdWatch(CHAPTER_HIGHCPU));
      const runs = () => parseWatchRuns(search(engine, buildWatchRunsRequest({ watchId: 'cpu', sinceMs: T0 })));
      clock.set(T0 + 10_000);
      watcher.tick();
      // No Metricbeat document yet: the search matched nothing.
      expect(judgeExecutions(runs().records, undefined, T0)).toMatchObject({ runs: 1, fired: null, noHits: true });
      cpu(T0 + 12_000, 0.27);
      clock.set(T0 + 20_000);
      watcher.tick();
      const quiet = judgeExecutions(runs().records, undefined, T0, runs().total);
      expect(quiet).toEqual({ runs: 2, fired: null, closest: 'max CPU 0.27 < 0.5', noHits: false, noValue: false });
      cpu(T0 + 25_000, 0.91);
      clock.set(T0 + 30_000);
      watcher.tick();
      expect(judgeExecutions(runs().records, undefined, T0).fired).toEqual({ at: new Date(T0 + 30_000).toISOString(), outcome: 'max CPU 0.91 > 0.5' });
      // A watch stored after those runs has not fired yet.
      expect(judgeExecutions(runs().records, undefined, T0 + 31_000)).toMatchObject({ runs: 0, fired: null });

      watcher.putWatch('ssh', {}, { ...buildSshWatch({ email: 'me@example.com', version: `${flavor}.0.0` }), trigger: { schedule: { interval: '10s' } } });
      const sshRuns = () => parseWatchRuns(search(engine, buildWatchRunsRequest({ watchId: 'ssh', sinceMs: T0 + 30_000 }))).records;
      clock.set(T0 + 40_000);
      watcher.tick();
      expect(judgeExecutions(sshRuns(), undefined, T0 + 30_000)).toMatchObject({ runs: 1, noHits: true, fired: null });
      ssh(T0 + 45_000);
      clock.set(T0 + 50_000);
      watcher.tick();
      expect(judgeExecutions(sshRuns(), undefined, T0 + 30_000).fired).toEqual({ at: new Date(T0 + 50_000).toISOString(), outcome: 'hits.total 1 > 0' });
    });
  });
}

describe('the reads on recorded history documents', () => {
  it('explains the 7.x record whose email failed for want of an account', () => {
    const doc = fixture('watcher', 'DERIVED-ssh-watch.watcher-history-doc.7x-email-not-configured.json');
    const source = doc._source as Record<string, unknown>;
    const execution = describeExecution(String(doc._id), source);
    expect(execution).toMatchObject({
      at: '2020-04-20T10:15:00.004Z',
      state: 'executed',
      manual: false,
      conditionMet: true,
      throttled: false,
      outcome: { key: 'watches.explain.compare', values: { label: 'hits.total', value: '2', sign: '>', threshold: '0' } },
      actions: [{ id: 'send_email', type: 'email', status: 'failure', reason: 'no accounts of type [email] configured. Please set up an account using the [xpack.notification.email] settings' }],
    });
    expect(execution.error).toContain('send_email: no accounts of type [email]');
    // The panel's state for that watch: the last record's action failed.
    const stored: StoredWatch = { id: 'ssh-login-attempt', watch: { trigger: {}, input: source.input, condition: source.condition, metadata: source.metadata }, status: source.status as Record<string, unknown> };
    expect(summariseWatch(stored, { records: [{ id: String(doc._id), record: source }], executions: 1, met: 1 })).toMatchObject({ state: 'error', recognition: { kind: 'ssh' }, type: 'json', name: 'ssh-login-attempt' });
    expect(judgeExecutions([source], undefined, null).fired).toEqual({ at: '2020-04-20T10:15:00.004Z', outcome: 'hits.total 2 > 0' });
  });

  it('reads the 8.x record whose email was sent, and Kibana\'s "last fired" from the action status', () => {
    const doc = fixture('watcher', 'DERIVED-ssh-watch.watcher-history-doc.8x-email-sent.json');
    const source = doc._source as Record<string, unknown>;
    expect(describeExecution(String(doc._id), source)).toMatchObject({ state: 'executed', conditionMet: true, actions: [{ id: 'send_email', status: 'success' }], error: null });
    expect(lastFiredOf(source.status as Record<string, unknown>)).toBe('2020-04-20T10:15:00.004Z');
    expect(lastFiredOf(undefined)).toBeNull();
  });

  it('reads the HighCPU execute response of 8.x', () => {
    const answer = fixture('watcher', 'DERIVED-highcpu-threshold-watch.execute-response.8x.json');
    const record = answer.watch_record as Record<string, unknown>;
    const execution = describeExecution(String(answer._id), record);
    expect(execution.manual).toBe(true);
    expect(execution.conditionMet).toBe(true);
    expect(execution.outcome?.values).toMatchObject({ label: 'avg CPU', sign: '>', threshold: '0.5' });
  });

  it('lists the watches of a 7.6-7.10 cluster from a .watches search answer, and of 7.11+ from _query/watches', () => {
    const get = fixture('watcher', 'DERIVED-highcpu-threshold-watch.get-response.8x.json');
    const indexAnswer = { hits: { total: { value: 1, relation: 'eq' }, hits: [{ _index: '.watches', _id: get._id, _source: { ...(get.watch as object), status: get.status } }] } };
    const viaIndex = parseWatchesIndex({ body: indexAnswer });
    expect(viaIndex).toEqual({ total: 1, watches: [{ id: get._id, watch: get.watch, status: get.status }] });
    const viaApi = parseQueryWatches({ count: 1, watches: [{ _id: get._id, watch: get.watch, status: get.status, _seq_no: 0, _primary_term: 1 }] });
    expect(viaApi).toEqual(viaIndex);
  });
});

describe('Kibana links and the builder', () => {
  it('opens the watch in Kibana\'s Watcher UI of the connection\'s version', () => {
    expect(kibanaWatchUrl(null, { major: 8, minor: 15 }, 'x')).toBeNull();
    expect(kibanaWatchUrl('https://lab.kb.example.com:9243/', { major: 7, minor: 6 }, 'ssh-login-attempt')).toBe('https://lab.kb.example.com:9243/app/kibana#/management/elasticsearch/watcher/watches/watch/ssh-login-attempt/status');
    expect(kibanaWatchUrl('https://lab.kb.example.com', { major: 8, minor: 15 }, 'a b')).toBe('https://lab.kb.example.com/app/management/insightsAndAlerting/watcher/watches/watch/a%20b/status');
  });

  it('fills the pickers from _field_caps and previews the metric per window on the practice engine', () => {
    const { engine, cpu } = lab('8');
    cpu(T0 - 90_000, 0.2);
    cpu(T0 - 30_000, 0.7);
    cpu(T0 - 25_000, 0.4);
    const fields = parseBuilderFields({
      indices: ['metricbeat-lab'],
      fields: {
        '@timestamp': { date: { type: 'date', searchable: true, aggregatable: true } },
        'system.cpu.total.norm.pct': { scaled_float: { type: 'scaled_float', searchable: true, aggregatable: true } },
        'host.name': { keyword: { type: 'keyword', searchable: true, aggregatable: true } },
        message: { text: { type: 'text', searchable: true, aggregatable: false } },
        system: { object: { type: 'object', searchable: false, aggregatable: false } },
        _id: { _id: { type: '_id', metadata_field: true, searchable: true, aggregatable: false } },
      },
    });
    expect(fields).toEqual({ timeFields: ['@timestamp'], numberFields: ['system.cpu.total.norm.pct'], termFields: ['host.name'], indexCount: 1 });
    const params = { index: ['metricbeat-*'], timeField: '@timestamp', aggType: 'max' as const, aggField: 'system.cpu.total.norm.pct', timeWindowSize: 1, timeWindowUnit: 'm' as const, now: T0 };
    const range = previewRange(params);
    expect(range.to - range.from).toBe(30 * 60_000);
    const preview = parsePreview(engine.search('metricbeat-*', buildPreviewRequest(params).body), params);
    expect(preview.series).toHaveLength(1);
    const points = preview.series[0]?.points ?? [];
    expect(points).toHaveLength(30);
    const values = points.filter(([, v]) => v !== null).map(([, v]) => Math.round((v as number) * 100) / 100);
    expect(values).toEqual([0.2, 0.7]);
  });
});
