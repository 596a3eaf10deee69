import { describe, expect, it } from 'vitest';
import { detectStuck, halfClassTimes, type StuckCell, type StuckInput, type StuckOptions } from './stuck';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);
const ids = ['cluster-connected', 'ml-node', 'metricbeat-setup', 'metricbeat-data'];

const done = (minute: number): StuckCell => ({ state: 'done', at: T0 + minute * MIN, code: null });
const pending = (code: string | null = null, minute = 0): StuckCell => ({ state: 'pending', at: T0 + minute * MIN, code });
const error = (code: string, minute: number): StuckCell => ({ state: 'error', at: T0 + minute * MIN, code });

function attendee(id: string, checkpoints: StuckInput['checkpoints'], extra: Partial<StuckInput> = {}): StuckInput {
  return { id, checkpoints, connectAttempts: [], ...extra };
}

function options(nowMinute: number, overrides: Partial<StuckOptions> = {}): StuckOptions {
  return { now: T0 + nowMinute * MIN, checkpointIds: ids, pendingMs: 10 * MIN, repeats: 3, checkIntervalMs: 15_000, ...overrides };
}

describe('halfClassTimes', () => {
  it('is when the middle attendee got each checkpoint done, and absent while fewer than half have', () => {
    const cls = [
      attendee('a', { 'cluster-connected': done(1), 'ml-node': done(2) }),
      attendee('b', { 'cluster-connected': done(3) }),
      attendee('c', { 'cluster-connected': done(5) }),
      attendee('d', {}),
    ];
    expect(halfClassTimes(cls, ids)).toEqual({ 'cluster-connected': T0 + 3 * MIN });
    expect(halfClassTimes([], ids)).toEqual({});
    expect(halfClassTimes([attendee('solo', { 'ml-node': done(7) })], ids)).toEqual({ 'ml-node': T0 + 7 * MIN });
  });
});

describe('detectStuck', () => {
  const cls = () => [
    attendee('a', { 'cluster-connected': done(0), 'metricbeat-setup': done(10), 'metricbeat-data': done(12) }),
    attendee('b', { 'cluster-connected': done(1), 'metricbeat-setup': done(11), 'metricbeat-data': done(14) }),
    attendee('c', { 'cluster-connected': done(2), 'metricbeat-setup': done(12), 'metricbeat-data': pending() }),
    attendee('d', { 'cluster-connected': done(3), 'metricbeat-setup': done(13), 'metricbeat-data': pending() }),
    attendee('e', { 'cluster-connected': done(4), 'metricbeat-setup': pending(), 'metricbeat-data': pending() }),
  ];

  it('nobody is stuck before half the class passed a checkpoint, or before N minutes after that', () => {
    // metricbeat-data: only 2 of 5 done, not half.
    expect(detectStuck(cls(), options(60)).byAttendee).toEqual({ e: expect.objectContaining({ checkpointId: 'metricbeat-setup' }) });
    // metricbeat-setup: half (3rd of 5) at minute 12; at 21:59 not yet stuck.
    expect(detectStuck(cls(), options(21.99)).byAttendee).toEqual({});
    expect(detectStuck(cls(), options(22)).byAttendee).toEqual({ e: { kind: 'behind', checkpointId: 'metricbeat-setup', code: null, since: T0 + 12 * MIN } });
  });

  it('groups the class by reason, biggest group first, and gives each attendee their earliest checkpoint', () => {
    const group = cls();
    group[1]!.checkpoints = { ...group[1]!.checkpoints, 'metricbeat-data': done(14) };
    group.push(attendee('f', { 'cluster-connected': done(1), 'metricbeat-setup': done(12), 'metricbeat-data': done(15) }));
    // 6 attendees: metricbeat-data done by a, b, f (half at minute 15).
    const report = detectStuck(group, options(26));
    expect(report.byAttendee.e).toMatchObject({ kind: 'behind', checkpointId: 'metricbeat-setup' });
    expect(report.byAttendee.c).toMatchObject({ kind: 'behind', checkpointId: 'metricbeat-data', since: T0 + 15 * MIN });
    expect(report.groups).toEqual([
      { key: 'behind:metricbeat-data', kind: 'behind', code: null, checkpointId: 'metricbeat-data', attendeeIds: ['c', 'd'] },
      { key: 'behind:metricbeat-setup', kind: 'behind', code: null, checkpointId: 'metricbeat-setup', attendeeIds: ['e'] },
    ]);
  });

  it('keeps the pending checkpoint’s own code (why it is still open)', () => {
    const group = [
      attendee('a', { 'ml-node': done(0) }),
      attendee('b', { 'ml-node': done(1) }),
      attendee('c', { 'ml-node': pending('no_ml_node') }),
    ];
    expect(detectStuck(group, options(30)).byAttendee.c).toEqual({ kind: 'behind', checkpointId: 'ml-node', code: 'no_ml_node', since: T0 + MIN });
  });

  it('counts a latecomer’s minutes from their arrival', () => {
    const group = [attendee('a', { 'cluster-connected': done(0) }), attendee('b', { 'cluster-connected': done(1) }), attendee('late', {}, { joinedAt: T0 + 40 * MIN })];
    expect(detectStuck(group, options(45)).byAttendee.late).toBeUndefined();
    expect(detectStuck(group, options(50)).byAttendee.late).toMatchObject({ kind: 'behind', checkpointId: 'cluster-connected', since: T0 + 40 * MIN });
  });

  it('a connect failing with the same error `repeats` times in a row is stuck at once, whatever the class does', () => {
    const failing = (codes: string[], okFirst = false) =>
      attendee('x', {}, {
        connectAttempts: [
          ...(okFirst ? [{ ok: true, code: null, at: T0 }] : []),
          ...codes.map((code, i) => ({ ok: false, code, at: T0 + (i + 1) * MIN })),
        ],
      });
    expect(detectStuck([failing(['unauthorized', 'unauthorized'])], options(3)).byAttendee).toEqual({});
    expect(detectStuck([failing(['unauthorized', 'unauthorized', 'unauthorized'])], options(3)).byAttendee.x).toEqual({
      kind: 'repeated_error',
      code: 'unauthorized',
      checkpointId: null,
      count: 3,
      since: T0 + MIN,
    });
    // A different error in between breaks the run; only the tail after it counts.
    expect(detectStuck([failing(['unauthorized', 'invalid_cloud_id', 'unauthorized', 'unauthorized'])], options(5)).byAttendee).toEqual({});
    // A success ends the run.
    const recovered = failing(['unauthorized', 'unauthorized', 'unauthorized']);
    recovered.connectAttempts = [...recovered.connectAttempts, { ok: true, code: null, at: T0 + 4 * MIN }];
    expect(detectStuck([recovered], options(5)).byAttendee).toEqual({});
    // Long-gone failures no longer count.
    expect(detectStuck([failing(['timeout', 'timeout', 'timeout'])], options(3 + 31)).byAttendee).toEqual({});
  });

  it('an error state that stayed through `repeats` checks is a repeated error on that checkpoint', () => {
    const group = [attendee('y', { 'cluster-connected': done(0), 'ml-node': error('timeout', 10) })];
    expect(detectStuck(group, options(10.4)).byAttendee).toEqual({});
    expect(detectStuck(group, options(10.5)).byAttendee.y).toEqual({ kind: 'repeated_error', code: 'timeout', checkpointId: 'ml-node', count: 3, since: T0 + 10 * MIN });
  });

  it('prefers the repeated error over being behind, and groups errors by code across checkpoints', () => {
    const group = [
      attendee('a', { 'cluster-connected': done(0), 'ml-node': done(0) }),
      attendee('b', { 'cluster-connected': done(0), 'ml-node': done(0) }),
      attendee('c', { 'cluster-connected': done(0), 'ml-node': error('unauthorized', 1) }),
      attendee('d', {}, { connectAttempts: [1, 2, 3].map((m) => ({ ok: false, code: 'unauthorized', at: T0 + m * MIN })) }),
      attendee('e', {}),
    ];
    const report = detectStuck(group, options(20));
    expect(report.groups.map((g) => [g.key, g.attendeeIds])).toEqual([
      ['error:unauthorized', ['c', 'd']],
      ['behind:cluster-connected', ['e']],
    ]);
  });
});
