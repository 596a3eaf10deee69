import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckpointId } from '@/content/chapters';
import type { ClusterClient } from '../cluster/adapter';
import { ManualClock } from '../practice/clock';
import { startTestPractice, type TestDeployment, type TestPractice } from '../testing/practice-cluster';
import { buildSshWatch, buildThresholdWatch, emailAction, type ThresholdWatchFields } from '../watches';
import { chapter4 } from './chapter-4';
import type { CheckpointVerdict } from './definition';
import { describeReason, isCheckpointReason } from './reasons';

/**
 * Chapter 4's checkpoints verified for real: a practice deployment of each flavour, the app's own
 * client, the watches stored through the Watcher API, the simulated host's Beats, `dd` and SSH
 * attempt, and a manual clock that the scheduler's ticks follow.
 */

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const SECOND = 1_000;

const HIGHCPU: ThresholdWatchFields = {
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
  actions: { email_1: emailAction(['learner@example.com']) },
};

let clock: ManualClock;
let practice: TestPractice;

beforeAll(async () => {
  clock = new ManualClock(T0);
  practice = await startTestPractice({ clock });
}, 60_000);

afterAll(async () => {
  await practice?.close();
});

describe.each(['9', '8', '7'] as const)('chapter 4 checkpoints on a %s.x practice cluster', (flavor) => {
  let deployment: TestDeployment;
  let client: ClusterClient;

  const verify = (id: CheckpointId): Promise<CheckpointVerdict> => {
    const definition = chapter4.find((d) => d.id === id);
    if (!definition) throw new Error(id);
    return definition.verify({ client, reachedChapterAt: async () => null });
  };

  /** Moves the clock in steps, letting the host's Beats and Watcher's schedule catch up as the scheduler would. */
  function run(ms: number, step = 5 * SECOND): void {
    for (let moved = 0; moved < ms; moved += step) {
      clock.advance(Math.min(step, ms - moved));
      practice.cluster.deployments.tickAll();
    }
  }

  const control = async (path: string, method = 'PUT', body?: unknown) => {
    const auth = Buffer.from(`${deployment.username}:${deployment.password}`).toString('base64');
    const response = await fetch(`${practice.cluster.url}/_practice/deployments/${deployment.id}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Basic ${auth}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return response.json() as Promise<Record<string, unknown>>;
  };

  beforeAll(async () => {
    clock.set(T0);
    deployment = await practice.deploy(flavor);
    client = await practice.connect(deployment);
  });

  afterAll(async () => {
    await client?.close();
  });

  it('without a Watcher licence every check is pending with the translated licence 403', async () => {
    await control('/license', 'PUT', { type: 'basic' });
    for (const id of ['highcpu-watch-created', 'highcpu-watch-fired', 'ssh-watch-created', 'ssh-watch-fired'] as const) {
      expect(await verify(id)).toEqual({ state: 'pending', code: 'licence_required' });
    }
    await control('/license', 'PUT', { type: 'trial' });
  });

  it('HighCPU: missing, created, ran below the threshold (with the one-core hint for a normalised field), inactive, then fired by dd on every core', async () => {
    expect(await verify('highcpu-watch-created')).toEqual({ state: 'pending', code: 'watch_missing' });
    await practice.host(deployment, 'metricbeat-setup');
    await practice.host(deployment, 'metricbeat-start', { backfillMinutes: 2 });
    run(10 * SECOND);

    // A watch on something else is not HighCPU, whatever its name.
    await client.putWatch('HighCPU', { trigger: { schedule: { interval: '1h' } }, input: { simple: { cpu: 1 } }, condition: { always: {} }, actions: {} });
    expect(await verify('highcpu-watch-created')).toEqual({ state: 'pending', code: 'watch_missing' });

    const id = '6c1e0d2a-2f5b-4b9a-9a0e-0d1c2b3a4f5e';
    await client.putWatch(id, buildThresholdWatch(HIGHCPU), { active: true });
    expect(await verify('highcpu-watch-created')).toEqual({ state: 'done', detail: 'HighCPU (max system.cpu.total.norm.pct > 0.5)' });
    expect(await verify('highcpu-watch-fired')).toEqual({ state: 'pending', code: 'watch_not_run', detail: 'HighCPU' });

    run(30 * SECOND);
    const quiet = await verify('highcpu-watch-fired');
    expect(quiet.state).toBe('pending');
    expect(quiet.code).toBe('watch_never_met_normalised');
    expect(quiet.detail).toMatch(/^HighCPU: max CPU 0\.\d+ < 0\.5 ×3$/);

    clock.advance(SECOND);
    await client.request({ method: 'PUT', path: `/_watcher/watch/${id}/_deactivate` });
    expect(await verify('highcpu-watch-created')).toMatchObject({ state: 'pending', code: 'watch_inactive' });
    expect(await verify('highcpu-watch-fired')).toMatchObject({ state: 'pending', code: 'watch_inactive' });
    await client.request({ method: 'PUT', path: `/_watcher/watch/${id}/_activate` });
    // Runs before the watch was (re)activated are another story.
    expect(await verify('highcpu-watch-fired')).toMatchObject({ state: 'pending', code: 'watch_not_run' });

    const host = await control('/host', 'GET');
    await practice.host(deployment, 'cpu-load', { cores: host.cores as number, minutes: 3 });
    run(30 * SECOND);
    const fired = await verify('highcpu-watch-fired');
    expect(fired.state).toBe('done');
    expect(fired.detail).toMatch(/^HighCPU: max CPU (0\.9\d*|1) > 0\.5$/);
    const outbox = await control('/outbox', 'GET');
    expect((outbox.emails as { watch_id: string; subject: string }[])[0]).toMatchObject({ watch_id: id, subject: 'Watch [HighCPU] has exceeded the threshold' });
  });

  it('a threshold on the raw system.cpu.total.pct is HighCPU too, without the one-core hint', async () => {
    await client.putWatch('raw-cpu', buildThresholdWatch({ ...HIGHCPU, name: 'RawCPU', aggField: 'system.cpu.total.pct', threshold: 100 }), { active: true });
    run(10 * SECOND);
    // The dd-fired normalised watch keeps the fired checkpoint done; ask about the raw one on its own.
    await client.request({ method: 'PUT', path: '/_watcher/watch/6c1e0d2a-2f5b-4b9a-9a0e-0d1c2b3a4f5e/_deactivate' });
    const verdict = await verify('highcpu-watch-fired');
    expect(verdict).toMatchObject({ state: 'pending', code: 'watch_never_met', detail: expect.stringMatching(/^RawCPU: max CPU \d+(\.\d+)? < 100 ×1$/) });
    await client.deleteWatch('raw-cpu');
  });

  it('SSH: created from the chapter\'s watch, ran with 0 documents, then fired by an SSH attempt and mailed', async () => {
    expect(await verify('ssh-watch-created')).toEqual({ state: 'pending', code: 'watch_missing' });
    await practice.host(deployment, 'filebeat-setup');
    await practice.host(deployment, 'filebeat-start', { backfillMinutes: 0 });
    run(5 * SECOND);
    const version = flavor === '7' ? '7.17.0' : flavor === '8' ? '8.15.0' : '9.1.3';
    await client.putWatch('ssh-login-attempt', buildSshWatch({ email: 'learner@example.com', version }), { active: true });
    expect(await verify('ssh-watch-created')).toEqual({ state: 'done', detail: 'ssh-login-attempt' });
    run(65 * SECOND);
    expect(await verify('ssh-watch-fired')).toEqual({ state: 'pending', code: 'watch_no_hits', detail: 'ssh-login-attempt: 0 ×1' });

    await practice.host(deployment, 'ssh-attempt', { user: 'foo', sourceIp: '203.0.113.10' });
    run(60 * SECOND);
    const fired = await verify('ssh-watch-fired');
    expect(fired.state).toBe('done');
    expect(fired.detail).toMatch(/^ssh-login-attempt: hits\.total [1-9]\d* > 0$/);
    const outbox = await control('/outbox', 'GET');
    const mail = (outbox.emails as { watch_id: string; subject: string; body: string; to: string[] }[]).find((m) => m.watch_id === 'ssh-login-attempt');
    expect(mail).toMatchObject({ subject: '[Elastic Alert] SSH Login Attempt', to: ['learner@example.com'] });
    expect(mail?.body).toMatch(/^\d+ SSH login attempts have failed:\n/);
    // One line per attempt found, through the mustache section (the pipeline keeps sshd's own text on these lines).
    expect(mail?.body).toMatch(/\n.*invalid user foo.*\n/i);
  });
});

describe('pending reasons', () => {
  it('are explained in both languages', () => {
    for (const reason of ['watch_missing', 'watch_inactive', 'watch_not_run', 'watch_never_met', 'watch_never_met_normalised', 'watch_no_hits', 'watch_no_value'] as const) {
      expect(isCheckpointReason(reason)).toBe(true);
      const en = describeReason(reason, 'en');
      const ko = describeReason(reason, 'ko');
      expect(en.message).not.toBe(ko.message);
      expect(en.hint.length).toBeGreaterThan(10);
      expect(ko.hint.length).toBeGreaterThan(5);
    }
    expect(describeReason('watch_never_met_normalised', 'en').hint).toContain('one dd');
    expect(describeReason('watch_never_met', 'en').hint).not.toContain('dd');
    expect(isCheckpointReason('licence_required')).toBe(false);
  });
});
