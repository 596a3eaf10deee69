import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '@/lib/testing/shared-files';
import { ManualClock } from '../clock';
import type { BulkAction, Engine, Flavor } from '../engine/api';
import { beatTemplate, filebeatPipelines } from './beats-assets';
import { createHostIdentity, isPublicIpv4 } from './identity';
import { PracticeHost, RETENTION_MS } from './practice-host';

const FIXTURES = sharedFile('fixtures', 'metricbeat');
const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

/** Records what the host writes; the real engine is exercised by the server tests. */
function recordingEngine() {
  const written: BulkAction[] = [];
  const rolledOff: [string, number][] = [];
  const templates: Record<string, Record<string, unknown>> = {};
  const pipelines: Record<string, Record<string, unknown>> = {};
  const engine = {
    bulk(actions: BulkAction[]) {
      written.push(...actions);
      return { took: 1, errors: false, items: actions.map((a) => ({ [a.op]: { _index: a.index ?? '', _id: 'x', status: 201 } })) };
    },
    putIndexTemplate(name: string, body: Record<string, unknown>) {
      templates[name] = body;
      return { acknowledged: true };
    },
    putLegacyTemplate(name: string, body: Record<string, unknown>) {
      templates[name] = body;
      return { acknowledged: true };
    },
    putPipeline(id: string, body: Record<string, unknown>) {
      pipelines[id] = body;
      return { acknowledged: true };
    },
    rollOff: (pattern: string, cutoff: number) => {
      rolledOff.push([pattern, cutoff]);
      return 0;
    },
    catIndices: () => [],
    deleteIndex: () => ({ acknowledged: true }),
  } as unknown as Engine;
  return { engine, written, templates, pipelines, rolledOff };
}

function setup(flavor: Flavor) {
  const clock = new ManualClock(T0);
  const rec = recordingEngine();
  const host = new PracticeHost('abcdef123456', flavor, rec.engine, clock);
  return { clock, host, ...rec };
}

/** Leaf paths with their JSON type (arrays count as leaves). */
function leaves(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);
  return out;
}

function docsOf(written: BulkAction[], dataset: string) {
  return written.map((a) => a.source as Record<string, unknown>).filter((d) => (d.event as { dataset?: string }).dataset === dataset);
}

function get(doc: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
}

const VERSIONS = { '9': '9.1.3', '8': '8.15.0', '7': '7.17.0' } as const;

describe.each(['9', '8', '7'] as const)('practice host, flavour %s', (flavor) => {
  const version = VERSIONS[flavor];

  it.each(['system-cpu', 'system-memory', 'system-load'])('ships %s events with every field of the published sample', (fixture) => {
    const sample = JSON.parse(readFileSync(path.join(FIXTURES, `${fixture}.json`), 'utf8')) as Record<string, unknown>;
    const { host, written } = setup(flavor);
    host.act('metricbeat-start');
    const dataset = (sample.event as { dataset: string }).dataset;
    const docs = docsOf(written, dataset);
    expect(docs.length).toBeGreaterThan(300);
    const generated = leaves(docs[docs.length - 1]);
    for (const [leaf, type] of leaves(sample)) {
      expect(generated.get(leaf), `${fixture}: ${leaf}`).toBe(type);
    }
  });

  it('stamps the fields every shipped event carries', () => {
    const { host, written } = setup(flavor);
    host.act('metricbeat-start');
    host.act('filebeat-start');
    for (const doc of [docsOf(written, 'system.cpu')[0], docsOf(written, 'system.network')[0], docsOf(written, 'system.auth')[0]]) {
      expect(get(doc, 'host.name')).toBe(host.identity.hostname);
      expect(get(doc, 'host.hostname')).toBe(host.identity.hostname);
      expect(get(doc, 'host.os.platform')).toBe('ubuntu');
      expect(get(doc, 'agent.version')).toBe(version);
      expect(get(doc, 'agent.id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(get(doc, 'agent.ephemeral_id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(get(doc, 'ecs.version')).toBe(flavor === '7' ? '1.12.0' : '8.0.0');
      expect(get(doc, 'event.module')).toBe('system');
      expect(get(doc, 'service.type')).toBe('system');
    }
    const cpu = docsOf(written, 'system.cpu')[0];
    expect(get(cpu, 'agent.type')).toBe('metricbeat');
    expect(get(cpu, 'metricset.name')).toBe('cpu');
    expect(get(cpu, 'metricset.period')).toBe(10_000);
    expect(typeof get(cpu, 'event.duration')).toBe('number');
    if (flavor !== '7') expect(get(cpu, 'host.cpu.usage')).toBe(get(cpu, 'system.cpu.total.norm.pct'));
  });

  it('writes to the flavour’s targets and installs its template and pipelines', () => {
    const { host, written, templates, pipelines } = setup(flavor);
    host.act('metricbeat-setup');
    host.act('filebeat-setup');
    expect(host.state().metricbeat).toMatchObject({ setup: true, running: false });
    host.act('metricbeat-start');
    host.act('filebeat-start');
    const indices = new Set(written.map((a) => a.index));
    if (flavor !== '7') {
      expect([...indices].sort()).toEqual([`filebeat-${version}`, `metricbeat-${version}`]);
      expect(templates[`metricbeat-${version}`]).toMatchObject({ index_patterns: [`metricbeat-${version}`], data_stream: {} });
      expect(Object.keys(pipelines)).toEqual([`filebeat-${version}-system-auth-pipeline`, `filebeat-${version}-system-syslog-pipeline`]);
    } else {
      expect([...indices].sort()).toEqual(['filebeat-7.17.0-2026.11.24', 'metricbeat-7.17.0-2026.11.24']);
      expect(templates['metricbeat-7.17.0']).toMatchObject({ index_patterns: ['metricbeat-7.17.0-*'] });
      expect(Object.keys(pipelines)).toEqual(['filebeat-7.17.0-system-auth-pipeline', 'filebeat-7.17.0-system-syslog-pipeline']);
    }
    expect(written.every((a) => a.op === 'create')).toBe(true);
  });

  it('starts without setup as a real Beat does (template loaded on connect), but does not claim setup ran', () => {
    const { host, templates } = setup(flavor);
    const state = host.act('metricbeat-start');
    expect(state.metricbeat).toMatchObject({ setup: false, running: true });
    expect(Object.keys(templates)).toEqual([`metricbeat-${version}`]);
  });
});

describe('practice host metrics over time', () => {
  it('backfills an hour on first start, ships every 10 s, and keeps counters increasing', () => {
    const { host, written, clock } = setup('8');
    host.act('metricbeat-start');
    const cpuBefore = docsOf(written, 'system.cpu');
    expect(cpuBefore.length).toBe(360);
    const first = Date.parse(get(cpuBefore[0], '@timestamp') as string);
    expect(T0 - first).toBeGreaterThanOrEqual(3_590_000);
    clock.advance(60_000);
    host.tick();
    expect(docsOf(written, 'system.cpu').length).toBe(366);
    const eth0 = docsOf(written, 'system.network').filter((d) => get(d, 'system.network.name') === 'eth0');
    for (let i = 1; i < eth0.length; i += 1) {
      expect(get(eth0[i], 'system.network.in.bytes') as number).toBeGreaterThanOrEqual(get(eth0[i - 1], 'system.network.in.bytes') as number);
      expect(get(eth0[i], 'host.network.ingress.bytes') as number).toBeGreaterThan(0);
    }
    const ticks = docsOf(written, 'system.cpu').map((d) => get(d, 'system.cpu.idle.ticks') as number);
    expect(ticks.every((t, i) => i === 0 || t >= (ticks[i - 1] as number))).toBe(true);
    expect(new Set(docsOf(written, 'system.network').map((d) => get(d, 'system.network.name')))).toEqual(new Set(['lo', 'eth0']));
  });

  it('ships less history on a first start told `backfillMinutes` (load tests), and refuses a bad value', () => {
    const { host, written } = setup('8');
    host.act('metricbeat-start', { backfillMinutes: 5 });
    const cpu = docsOf(written, 'system.cpu');
    expect(cpu.length).toBe(30);
    expect(T0 - Date.parse(get(cpu[0], '@timestamp') as string)).toBeLessThan(5 * 60_000 + 10_000);
    host.act('filebeat-start', { backfillMinutes: 0 });
    const shipped = written.filter((action) => String(action.index).startsWith('filebeat'));
    expect(shipped.every((action) => Date.parse(get(action.source, '@timestamp') as string) >= T0 - 1_000)).toBe(true);
    expect(() => setup('8').host.act('metricbeat-start', { backfillMinutes: 61 })).toThrow(/backfillMinutes/);
    expect(() => setup('8').host.act('filebeat-start', { backfillMinutes: -1 })).toThrow(/backfillMinutes/);
  });

  it('rolls data older than the retention (at least 24 h) off every 10 minutes', () => {
    const { host, clock, rolledOff } = setup('8');
    host.act('metricbeat-start');
    expect(RETENTION_MS).toBeGreaterThanOrEqual(24 * 3_600_000);
    rolledOff.length = 0;
    clock.advance(10 * 60_000);
    host.tick();
    expect(rolledOff).toEqual([
      ['metricbeat-*', clock.now() - RETENTION_MS],
      ['filebeat-*', clock.now() - RETENTION_MS],
    ]);
    clock.advance(60_000);
    host.tick();
    expect(rolledOff).toHaveLength(2);
  });

  it('stops shipping on stop and does not backfill the gap on restart', () => {
    const { host, written, clock } = setup('8');
    host.act('metricbeat-start');
    host.act('metricbeat-stop');
    const count = written.length;
    clock.advance(300_000);
    host.tick();
    expect(written.length).toBe(count);
    const beforeRestart = docsOf(written, 'system.cpu').length;
    host.act('metricbeat-start');
    clock.advance(30_000);
    host.tick();
    const cpu = docsOf(written, 'system.cpu');
    const times = cpu.map((d) => Date.parse(get(d, '@timestamp') as string));
    expect(cpu.length - beforeRestart).toBe(3);
    expect((times[beforeRestart] as number) - (times[beforeRestart - 1] as number)).toBeGreaterThan(290_000);
    expect((times[beforeRestart + 1] as number) - (times[beforeRestart] as number)).toBe(10_000);
  });

  it("spreads the hosts' collection over the whole 10 s period, not one second of it", () => {
    // Five hundred hosts in one practice cluster: all collecting in the same second made that second
    // a quarter-second stall every 10 s under a class's load.
    const phases = Array.from({ length: 500 }, (_, i) => createHostIdentity(`deployment-${i}`, T0).phaseMs);
    expect(Math.min(...phases)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...phases)).toBeLessThan(10_000);
    const perSecond = Array.from({ length: 10 }, (_, second) => phases.filter((p) => Math.floor(p / 1_000) === second).length);
    expect(Math.max(...perSecond)).toBeLessThan(500 / 10 * 2);
  });

  it("a restart's first event comes within one period of the start, whatever the host's phase", () => {
    for (const id of ['abcdef123456', 'fedcba654321', '0123456789ab', 'ba9876543210', 'a1b2c3d4e5f6']) {
      const clock = new ManualClock(T0);
      const rec = recordingEngine();
      const host = new PracticeHost(id, '8', rec.engine, clock);
      host.act('metricbeat-start');
      host.act('metricbeat-stop');
      // Off the period's boundary, so a restart that waited for the next boundary and then its phase would show.
      clock.advance(300_000 + 7_300);
      const restartedAt = clock.now();
      const before = docsOf(rec.written, 'system.cpu').length;
      host.act('metricbeat-start');
      clock.advance(10_000);
      host.tick();
      const restarted = docsOf(rec.written, 'system.cpu').slice(before);
      expect(restarted, id).toHaveLength(1);
      const first = Date.parse(get(restarted[0], '@timestamp') as string);
      expect(first - restartedAt, id).toBeGreaterThanOrEqual(0);
      expect(first - restartedAt, id).toBeLessThanOrEqual(10_000);
    }
  });

  it('cpu-load busies cores: normalised CPU rises to about busy/total, load follows', () => {
    const { host, written, clock } = setup('8');
    host.act('metricbeat-start');
    const quiet = docsOf(written, 'system.cpu').slice(-30);
    const quietCpu = quiet.reduce((n, d) => n + (get(d, 'system.cpu.total.norm.pct') as number), 0) / quiet.length;
    const state = host.act('cpu-load', { minutes: 5, cores: 1 });
    expect(state.cpuLoad.cores).toBe(1);
    expect(Date.parse(state.cpuLoad.until as string)).toBe(T0 + 300_000);
    clock.advance(180_000);
    host.tick();
    const busy = docsOf(written, 'system.cpu').slice(-6);
    for (const d of busy) {
      expect(get(d, 'system.cpu.total.norm.pct') as number).toBeGreaterThan(0.5);
      expect(get(d, 'system.cpu.total.pct') as number).toBeGreaterThan(1);
    }
    expect(quietCpu).toBeLessThan(0.4);
    const load = docsOf(written, 'system.load').slice(-1)[0];
    expect(get(load, 'system.load.1') as number).toBeGreaterThan(0.9);
    clock.advance(600_000);
    host.tick();
    const after = docsOf(written, 'system.cpu').slice(-1)[0];
    expect(get(after, 'system.cpu.total.norm.pct') as number).toBeLessThan(0.5);
    expect(host.state().cpuLoad).toEqual({ cores: 0, until: null });
  });
});

describe('practice host auth log', () => {
  it('ssh-attempt writes the sshd lines of a failed login, parsed as the Filebeat pipeline does', () => {
    const { host, written } = setup('8');
    host.act('filebeat-start');
    const before = written.length;
    host.act('ssh-attempt', { user: 'hAx0R', sourceIp: '1.2.3.4' });
    const auth = written.slice(before).map((a) => a.source as Record<string, unknown>).filter((d) => get(d, 'process.name') === 'sshd');
    const invalid = auth.find((d) => get(d, 'system.auth.ssh.event') === 'Invalid');
    expect(invalid).toMatchObject({
      user: { name: 'hAx0R' },
      source: { ip: '1.2.3.4' },
      event: { category: ['authentication'], outcome: 'failure', action: 'ssh_login', type: ['info'], dataset: 'system.auth', module: 'system' },
      process: { name: 'sshd' },
      log: { file: { path: '/var/log/auth.log' } },
      fileset: { name: 'auth' },
      input: { type: 'log' },
      related: { ip: ['1.2.3.4'], hosts: [host.identity.hostname] },
    });
    expect(invalid?.message).toBeUndefined();
    const failed = auth.find((d) => get(d, 'system.auth.ssh.event') === 'Failed');
    expect(failed).toMatchObject({ system: { auth: { ssh: { method: 'password' } } }, source: { ip: '1.2.3.4' }, event: { outcome: 'failure' } });
    // The module's grok keeps the space after "invalid user" (elastic/integrations#12174).
    expect(get(failed, 'user.name')).toBe(' hAx0R');
    expect(typeof get(failed, 'source.port')).toBe('number');
    expect(get(failed, 'source.geo.country_iso_code')).toEqual(expect.any(String));
    expect(get(failed, 'source.geo.location')).toEqual({ lat: expect.any(Number), lon: expect.any(Number) });
    const messages = auth.map((d) => d.message).filter(Boolean);
    expect(messages).toEqual(
      expect.arrayContaining([
        'input_userauth_request: invalid user hAx0R [preauth]',
        expect.stringMatching(/^Connection closed by invalid user hAx0R 1\.2\.3\.4 port \d+ \[preauth\]$/),
      ]),
    );
    expect(host.state().sshAttempts).toBe(1);
  });

  it('logs while Filebeat is stopped and ships the backlog when it starts', () => {
    const { host, written, clock } = setup('7');
    host.act('ssh-attempt', { count: 3 });
    expect(written).toHaveLength(0);
    expect(host.state().filebeat.pendingLines).toBeGreaterThan(18);
    clock.advance(60_000);
    host.act('filebeat-start');
    const failed = written.map((a) => a.source as Record<string, unknown>).filter((d) => get(d, 'system.auth.ssh.event') === 'Failed');
    expect(failed).toHaveLength(3);
    for (const d of failed) {
      expect(isPublicIpv4(get(d, 'source.ip') as string)).toBe(true);
      expect(get(d, 'event.ingested')).toBeUndefined();
    }
    expect(host.state().filebeat.pendingLines).toBe(0);
    const offsets = written.map((a) => get(a.source, 'log.offset') as number);
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(written.some((a) => get(a.source, 'event.dataset') === 'system.syslog' && typeof get(a.source, 'message') === 'string')).toBe(true);
  });

  it('rejects bad action bodies', () => {
    const { host } = setup('8');
    expect(() => host.act('ssh-attempt', { sourceIp: 'not-an-ip' })).toThrow(/sourceIp/);
    expect(() => host.act('cpu-load', { minutes: -1 })).toThrow(/minutes/);
    expect(() => host.act('ssh-attempt', { user: 'a b' })).toThrow(/user/);
  });
});

describe('beats assets', () => {
  it('maps the percentages as scaled floats and @timestamp as a date', () => {
    const template = beatTemplate('metricbeat', '8');
    const props = ((template.body.template as { mappings: { properties: Record<string, unknown> } }).mappings.properties);
    expect(get(props, '@timestamp.type')).toBe('date');
    expect(get(props, 'host.properties.name.type')).toBe('keyword');
    expect(get(props, 'system.properties.cpu.properties.total.properties.norm.properties.pct')).toMatchObject({ type: 'scaled_float' });
    expect(filebeatPipelines('7').map((p) => p.id)).toEqual(['filebeat-7.17.0-system-auth-pipeline', 'filebeat-7.17.0-system-syslog-pipeline']);
  });
});
