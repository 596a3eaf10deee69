import { describe, expect, it } from 'vitest';
import type { AuthEvent } from '@/lib/panels/auth-log.contract';
import { appendOlder, MAX_HELD_EVENTS, mergeEvents } from './auth-log-events';

const at = (second: number) => new Date(Date.UTC(2026, 10, 24, 12, 0, second)).toISOString();
const event = (id: string, second: number): AuthEvent => ({ id, time: at(second), host: 'lab-host', process: 'sshd', message: id });

describe('mergeEvents', () => {
  it('puts a page of new events on top, newest first', () => {
    const held = [event('b', 2), event('a', 1)];
    expect(mergeEvents(held, [event('d', 4), event('c', 3)]).map((e) => e.id)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('files a late event by its own time and keeps arrival order within one second', () => {
    const held = [event('s2', 5), event('s1', 5), event('a', 1)];
    const merged = mergeEvents(held, [event('next', 9), event('s3', 5), event('late', 3)]);
    expect(merged.map((e) => e.id)).toEqual(['next', 's3', 's2', 's1', 'late', 'a']);
  });

  it('skips ids it already holds and returns the same array when nothing is new', () => {
    const held = [event('a', 1)];
    expect(mergeEvents(held, [event('a', 1)])).toBe(held);
    expect(mergeEvents(held, [])).toBe(held);
    expect(mergeEvents(held, [event('b', 2), event('b', 2)]).map((e) => e.id)).toEqual(['b', 'a']);
  });

  it('keeps at most the newest MAX_HELD_EVENTS through a burst of thousands', () => {
    let held: readonly AuthEvent[] = [];
    for (let page = 0; page < 12; page++) {
      const incoming = Array.from({ length: 500 }, (_, i) => event(`p${page}-${i}`, page * 60 + Math.floor(i / 10))).reverse();
      held = mergeEvents(held, incoming);
    }
    expect(held).toHaveLength(MAX_HELD_EVENTS);
    expect(held[0]!.id).toBe('p11-499');
    expect(held.every((e, i) => i === 0 || held[i - 1]!.time >= e.time)).toBe(true);
  });
});

describe('appendOlder', () => {
  it('puts older events below those shown, shown ones first within one second, no id twice', () => {
    const held = [event('c', 9), event('b2', 5)];
    const appended = appendOlder(held, [event('b2', 5), event('b1', 5), event('a', 1), event('a', 1)]);
    expect(appended.map((e) => e.id)).toEqual(['c', 'b2', 'b1', 'a']);
    expect(appendOlder(held, [event('c', 9)])).toBe(held);
    expect(appendOlder(held, [])).toBe(held);
  });

  it('keeps at most max events, dropping the oldest', () => {
    const held = [event('c', 9), event('b', 5)];
    expect(appendOlder(held, [event('a2', 2), event('a1', 1)], 3).map((e) => e.id)).toEqual(['c', 'b', 'a2']);
  });
});
