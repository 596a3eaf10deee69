import { describe, expect, it } from 'vitest';
import type { ConnectionStatusSnapshot } from '../db/schema';
import { recordedStatus, STATUS_REFRESH_MS, statusWriteDue, storedStatus } from './status-record';

const green: ConnectionStatusSnapshot = { version: '8.17.0', clusterName: 'practice', health: 'green', nodeCount: 1, mlNode: true, licence: { type: 'trial', status: 'active' } };
const T0 = Date.parse('2026-12-07T09:00:00Z');

describe('when the status card writes a connection status for the board', () => {
  it('writes the first status, a changed one at once, and an unchanged one only after its wait', () => {
    expect(statusWriteDue(undefined, green, T0)).toBe(true);
    const last = recordedStatus(green, T0, () => 0.5);
    expect(last.refreshMs).toBe(STATUS_REFRESH_MS * 1.5);
    expect(statusWriteDue(last, green, T0 + 5_000)).toBe(false);
    expect(statusWriteDue(last, { ...green, health: 'yellow' }, T0 + 5_000)).toBe(true);
    expect(statusWriteDue(last, green, T0 + STATUS_REFRESH_MS * 1.5 - 1)).toBe(false);
    expect(statusWriteDue(last, green, T0 + STATUS_REFRESH_MS * 1.5)).toBe(true);
  });

  it('waits between one and two minutes, drawn for each write', () => {
    expect(recordedStatus(green, T0, () => 0).refreshMs).toBe(STATUS_REFRESH_MS);
    expect(recordedStatus(green, T0, () => 0.999_999).refreshMs).toBe(2 * STATUS_REFRESH_MS - 1);
  });

  it('takes what the row stored as recorded, whatever order its keys came back in', () => {
    // PostgreSQL's jsonb gives an object back with its keys in its own order.
    const row = { lastStatus: { licence: { status: 'active', type: 'trial' }, nodeCount: 1, mlNode: true, health: 'green', clusterName: 'practice', version: '8.17.0' } as ConnectionStatusSnapshot, lastStatusAt: new Date(T0) };
    const stored = storedStatus(row, () => 0);
    expect(stored).toMatchObject({ at: T0, refreshMs: STATUS_REFRESH_MS });
    expect(statusWriteDue(stored, green, T0 + 30_000)).toBe(false);
    expect(statusWriteDue(stored, green, T0 + STATUS_REFRESH_MS)).toBe(true);
    expect(storedStatus({ lastStatus: null, lastStatusAt: null })).toBeUndefined();
  });

  it('spreads the rewrites of a class whose statuses were written in the same second over a minute', () => {
    const spread = (i: number) => () => i / 500;
    const dueAt = Array.from({ length: 500 }, (_, i) => {
      const last = recordedStatus(green, T0, spread(i));
      let at = T0;
      while (!statusWriteDue(last, green, at)) at += 1_000;
      return at - T0;
    });
    const perTenSeconds = new Map<number, number>();
    for (const ms of dueAt) perTenSeconds.set(Math.floor(ms / 10_000), (perTenSeconds.get(Math.floor(ms / 10_000)) ?? 0) + 1);
    expect(Math.min(...dueAt)).toBe(STATUS_REFRESH_MS);
    expect(Math.max(...dueAt)).toBeLessThanOrEqual(2 * STATUS_REFRESH_MS);
    // With a fixed minute all 500 fell into one 10 s stretch; now no stretch takes more than a sixth or so.
    expect(Math.max(...perTenSeconds.values())).toBeLessThanOrEqual(90);
  });
});
