import { describe, expect, it } from 'vitest';
import { Coalescer } from '../cluster/coalesce';
import { practiceOutbox } from '../connections/practice-outbox';
import { connectParticipantCluster, connectPracticeCluster } from '../connections/service';
import { createParticipant, getConnection } from '../db';
import { AppError } from '../errors';
import { readPanel } from '../panels/read';
import { watches, watchesQuery } from '../panels/watches';
import { ManualClock } from '../practice/clock';
import type { Flavor } from '../practice/engine/api';
import type { WatcherService } from '../practice/watcher/feature';
import { practiceAppForTests } from '../testing/practice-app';
import { deleteWatch, saveThresholdWatch, saveWatch, simulateWatch, simulationDto, thresholdBodySchema, thresholdFields, type ThresholdBody } from './service';
import { buildSshWatch, buildThresholdWatch, emailAction } from './index';

/**
 * The watch routes' work on the practice cluster through the app's own path (participant,
 * stored connection, cached client): saving from the builder and the editor, the editor's errors
 * with their line, simulation, deletion, the panel read and the practice mailbox.
 */

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const SECOND = 1_000;

/** The chapter's HighCPU as the builder posts it: Kibana's `watcherui` fields, the name and an email. */
const CHAPTER_FORM: ThresholdBody = {
  name: 'HighCPU',
  index: ['metricbeat-*'],
  time_field: '@timestamp',
  trigger_interval_size: 10,
  trigger_interval_unit: 's',
  agg_type: 'max',
  agg_field: 'system.cpu.total.norm.pct',
  threshold_comparator: '>',
  time_window_size: 1,
  time_window_unit: 'm',
  threshold: 0.5,
  email: 'learner@example.com',
};

const clock = new ManualClock(T0);
const app = practiceAppForTests({ clock });

function run(ms: number, step = 5 * SECOND): void {
  for (let moved = 0; moved < ms; moved += step) {
    clock.advance(Math.min(step, ms - moved));
    app.practice.cluster.deployments.tickAll();
  }
}

async function practiceLearner(flavor: Flavor) {
  const participant = await createParticipant(app.ctx.db, { displayName: `learner-${flavor}`, role: 'self_paced' });
  await connectPracticeCluster(app.ctx, participant.id, flavor as '7' | '8' | '9');
  const connection = await getConnection(app.ctx.db, participant.id);
  const deployment = app.practice.cluster.deployments.get(connection?.practiceDeploymentId ?? '');
  if (!deployment) throw new Error('no practice deployment');
  return { participant, deployment };
}

function caught(error: unknown): AppError {
  if (error instanceof AppError) return error;
  throw error;
}

const sshText = (flavor: Flavor) => JSON.stringify(buildSshWatch({ email: 'learner@example.com', version: `${flavor}.0.0` }), null, 2);

describe.each(['8', '7', '9'] as const)('the watch routes on a %s.x practice deployment', (flavor) => {
  it('saves the builder\'s HighCPU exactly as Kibana\'s threshold form does, and the chapter\'s SSH watch as an advanced watch', async () => {
    clock.set(T0);
    const { participant, deployment } = await practiceLearner(flavor);
    const { id } = await saveThresholdWatch(app.ctx, participant.id, thresholdBodySchema.parse(CHAPTER_FORM));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const stored = deployment.engine.get('.watches', id)._source as Record<string, unknown>;
    const { status: _status, ...watch } = stored;
    const expected = buildThresholdWatch({ ...thresholdFields(thresholdBodySchema.parse(CHAPTER_FORM)), actions: { email_1: emailAction(['learner@example.com']) } });
    // ES stores the normalised form; Kibana's fields are all there for its form to reopen.
    expect((watch.metadata as Record<string, unknown>).watcherui).toEqual((expected.metadata as Record<string, unknown>).watcherui);
    expect(watch.metadata).toMatchObject({ name: 'HighCPU', xpack: { type: 'threshold' } });
    expect(watch.condition).toMatchObject({ script: { source: 'if (ctx.payload.aggregations.metricAgg.value > params.threshold) { return true; } return false;', params: { threshold: 0.5 } } });
    expect(watch.trigger).toEqual({ schedule: { interval: '10s' } });

    const saved = await saveWatch(app.ctx, participant.id, 'ssh-login-attempt', sshText(flavor), { name: 'SSH Login Attempt' });
    expect(saved).toMatchObject({ id: 'ssh-login-attempt', created: true });
    expect((deployment.engine.get('.watches', 'ssh-login-attempt')._source as Record<string, unknown>).metadata).toEqual({ name: 'SSH Login Attempt', xpack: { type: 'json' } });
    expect(await saveWatch(app.ctx, participant.id, 'ssh-login-attempt', sshText(flavor), { name: 'SSH Login Attempt' })).toMatchObject({ created: false });

    const panel = await readPanel(app.ctx, participant.id, watches, watchesQuery.parse({}));
    expect(panel.total).toBe(2);
    expect(panel.history).toEqual({ readable: true, code: null });
    expect(panel.version.major).toBe(Number(flavor));
    expect(panel.watches.map((w) => [w.name, w.kind, w.state, w.type]).sort()).toEqual([
      ['HighCPU', 'highcpu', 'ok', 'threshold'],
      ['SSH Login Attempt', 'ssh', 'ok', 'json'],
    ]);
  });

  it('tells the editor what is wrong and where, and saves nothing', async () => {
    const { participant, deployment } = await practiceLearner(flavor);
    const syntax = caught(await saveWatch(app.ctx, participant.id, 'w', '{\n  "trigger": {\n    "schedule" { "interval": "1m" }\n  }\n}').catch((e) => e));
    expect(syntax.code).toBe('invalid_watch');
    expect(syntax.params).toMatchObject({ line: 3, reason: expect.stringContaining('not valid JSON') });

    const missing = caught(await saveWatch(app.ctx, participant.id, 'w', '{\n  "input": { "simple": {} }\n}').catch((e) => e));
    expect(missing.params).toMatchObject({ reason: 'could not parse watch [w]. missing required field [trigger]', field: 'trigger' });

    const withTypes = sshText(flavor).replace('"indices": [', '"types": ["doc"],\n          "indices": [');
    const types = await saveWatch(app.ctx, participant.id, 'ssh-types', withTypes).catch((e) => e);
    if (flavor === '7') {
      expect(types).toMatchObject({ created: true });
    } else {
      const error = caught(types);
      expect(error.code).toBe('invalid_watch');
      expect(error.params.field).toBe('types');
      expect(error.params.line).toBe(withTypes.split('\n').findIndex((l) => l.includes('"types"')) + 1);
      expect(String(error.params.reason)).toContain(flavor === '8' ? 'unsupported non-empty array field [types]' : 'unexpected array field [types]');
    }

    const operator = caught(await saveWatch(app.ctx, participant.id, 'w', JSON.stringify({ trigger: { schedule: { interval: '1m' } }, condition: { compare: { 'ctx.payload.hits.total': { greater: 0 } } } }, null, 2)).catch((e) => e));
    expect(operator.params).toMatchObject({ field: 'greater', line: 10, column: 9, reason: 'could not parse [compare] condition for watch [w]. unknown comparison operator [greater]' });

    const slack = caught(await saveWatch(app.ctx, participant.id, 'w', JSON.stringify({ trigger: { schedule: { interval: '1m' } }, actions: { notify: { slack: { message: { to: ['#lab'] } } } } }, null, 2)).catch((e) => e));
    expect(slack.params).toMatchObject({ field: 'notify', reason: expect.stringContaining('would send to the internet') });
    const hook = caught(await saveWatch(app.ctx, participant.id, 'w', JSON.stringify({ trigger: { schedule: { interval: '1m' } }, actions: { hook: { webhook: { url: 'https://example.com/alert' } } } })).catch((e) => e));
    expect(hook.params).toMatchObject({ field: 'hook', reason: expect.stringContaining('[example.com]') });
    expect(await saveWatch(app.ctx, participant.id, 'w', JSON.stringify({ trigger: { schedule: { interval: '1m' } }, actions: { hook: { webhook: { url: 'http://localhost:9/x' } } } }))).toMatchObject({ created: true });
    expect(deployment.engine.indexExists('.watches') && deployment.engine.get('.watches', 'ssh-types').found).toBe(flavor === '7');
  });

  it('simulates with every action forced to simulate, on a sample failed SSH login, sending and recording nothing', async () => {
    const { participant, deployment } = await practiceLearner(flavor);
    await saveWatch(app.ctx, participant.id, 'ssh-login-attempt', sshText(flavor));
    const simulated = await simulateWatch(app.ctx, participant.id, 'ssh-login-attempt', { alternativeInput: 'ssh-failed-login' });
    expect(simulated.conditionMet).toBe(true);
    expect(simulated.explanation.lines).toEqual(
      expect.arrayContaining([
        { key: 'watches.explain.compare', values: { label: 'hits.total', value: '1', sign: '>', threshold: '0' } },
        { key: 'watches.explain.simulated', values: { id: 'send_email', type: 'email' } },
      ]),
    );
    expect(simulated.record).toMatchObject({ watch_id: 'ssh-login-attempt', state: 'executed', trigger_event: { type: 'manual' } });
    const quiet = await simulateWatch(app.ctx, participant.id, 'ssh-login-attempt', {});
    expect(quiet.conditionMet).toBe(false);
    expect(quiet.explanation.lines).toContainEqual({ key: 'watches.explain.noHits', values: {} });
    const forced = await simulateWatch(app.ctx, participant.id, 'ssh-login-attempt', { ignoreCondition: true });
    expect(forced.conditionMet).toBe(true);
    expect(deployment.feature<WatcherService>('watcher')?.watcher.outbox().emails).toEqual([]);
    expect(deployment.engine.resolve('.watcher-history-*', { allowNoIndices: true, expandWildcards: 'all' })).toEqual([]);
    expect(caught(await simulateWatch(app.ctx, participant.id, 'nope', {}).catch((e) => e)).code).toBe('not_found');
  });
});

describe('the watch routes, the panel and the mailbox together', () => {
  it('shows the executions, fires by the practice host and delivers to the practice mailbox; the panel reads once per window', async () => {
    clock.set(T0);
    const { participant, deployment } = await practiceLearner('8');
    const host = deployment.host;
    host.act('metricbeat-setup');
    host.act('metricbeat-start', { backfillMinutes: 1 });
    const { id } = await saveThresholdWatch(app.ctx, participant.id, thresholdBodySchema.parse(CHAPTER_FORM));
    run(20 * SECOND);
    host.act('cpu-load', { cores: host.state().cores, minutes: 2 });
    run(20 * SECOND);

    const cache = new Coalescer({ now: () => clock.now() });
    const before = deployment.requestCount;
    const [a, b] = await Promise.all([
      readPanel(app.ctx, participant.id, watches, watchesQuery.parse({}), { cache, now: () => clock.now() }),
      readPanel(app.ctx, participant.id, watches, watchesQuery.parse({}), { cache, now: () => clock.now() }),
    ]);
    expect(b).toBe(a);
    // One list and one history search, however many tabs ask.
    expect(deployment.requestCount - before).toBe(2);
    const highcpu = a.watches.find((w) => w.id === id);
    expect(highcpu).toMatchObject({ name: 'HighCPU', kind: 'highcpu', normalised: true, state: 'firing', kibanaUrl: null, lastFired: expect.any(String) });
    expect(highcpu?.history.length).toBeGreaterThanOrEqual(3);
    expect(highcpu?.history[0]).toMatchObject({ conditionMet: true, outcome: { key: 'watches.explain.threshold', values: { label: 'max CPU', sign: '>' } } });
    expect(highcpu?.history.at(-1)).toMatchObject({ conditionMet: false, outcome: { values: { sign: '<' } } });

    const mail = await practiceOutbox(app.ctx, participant.id);
    expect(mail.emails[0]).toMatchObject({ watch_id: id, action_id: 'email_1', to: ['learner@example.com'], subject: 'Watch [HighCPU] has exceeded the threshold' });

    expect(await deleteWatch(app.ctx, participant.id, id)).toEqual({ id, found: true });
    expect(caught(await deleteWatch(app.ctx, participant.id, id).catch((e) => e)).code).toBe('not_found');
  });

  it('translates the Basic licence\'s 403 into licence_required, and keeps the outbox to practice connections', async () => {
    const { participant, deployment } = await practiceLearner('8');
    deployment.setLicense('basic', clock.now());
    const refused = caught(await saveThresholdWatch(app.ctx, participant.id, thresholdBodySchema.parse(CHAPTER_FORM)).catch((e) => e));
    expect(refused.code).toBe('licence_required');
    expect(refused.params).toMatchObject({ feature: 'watcher' });
    await expect(readPanel(app.ctx, participant.id, watches, watchesQuery.parse({}))).rejects.toMatchObject({ code: 'licence_required' });

    const real = await createParticipant(app.ctx.db, { displayName: 'real', role: 'self_paced' });
    const d = await app.practice.deploy('8');
    await connectParticipantCluster(app.ctx, real.id, { url: d.url, username: d.username, password: d.password });
    expect(caught(await practiceOutbox(app.ctx, real.id).catch((e) => e)).code).toBe('invalid_request');
    // Not a practice connection: the watch's webhook is the attendee's own cluster's business.
    expect(await saveWatch(app.ctx, real.id, 'w', JSON.stringify({ trigger: { schedule: { interval: '1h' } }, actions: { hook: { webhook: { url: 'https://example.com/alert' } } } }))).toMatchObject({ created: true });
  });

  it('says so when an execution answers without a record', () => {
    expect(simulationDto({})).toEqual({ conditionMet: null, explanation: { state: 'empty', lines: [{ key: 'watches.explain.empty', values: {} }] }, record: null });
    expect(simulationDto({ _id: 'x', watch_record: {} }).record).toBeNull();
  });

  it('refuses a threshold form that Kibana would not save', () => {
    expect(thresholdBodySchema.safeParse({ ...CHAPTER_FORM, agg_field: undefined }).success).toBe(false);
    expect(thresholdBodySchema.safeParse({ ...CHAPTER_FORM, threshold_comparator: 'between' }).success).toBe(false);
    expect(thresholdBodySchema.safeParse({ ...CHAPTER_FORM, threshold_comparator: 'between', threshold: [0.2, 0.8] }).success).toBe(true);
    expect(thresholdBodySchema.safeParse({ ...CHAPTER_FORM, agg_type: 'median' }).success).toBe(false);
    expect(thresholdBodySchema.safeParse({ ...CHAPTER_FORM, email: 'not an address' }).success).toBe(false);
    expect(thresholdBodySchema.safeParse({ ...CHAPTER_FORM, extra: 1 }).success).toBe(false);
  });
});
