import { describe, expect, it } from 'vitest';
import type { CheckpointId } from '@/content/chapters';
import { doneAmong, orderAttendees } from './board-order';
import type { BoardAttendeeDto, BoardCheckpointDto, StuckReasonDto } from './progress-view';

const checkpoints: BoardCheckpointDto[] = [
  { id: 'cluster-connected', chapter: 1, automatic: true },
  { id: 'ml-node', chapter: 1, automatic: true },
  { id: 'metricbeat-data', chapter: 2, automatic: true },
];

function row(name: string, done: CheckpointId[], stuck: StuckReasonDto | null = null): BoardAttendeeDto {
  const cells = Object.fromEntries(
    checkpoints.map(({ id }) => [id, { state: done.includes(id) ? 'done' : 'pending', at: null, detail: null, code: null }]),
  ) as BoardAttendeeDto['checkpoints'];
  return { id: name, name, currentChapter: 1, joinedAt: '', lastSeenAt: '', connection: null, done: done.length, checkpoints: cells, stuck };
}

const behind: StuckReasonDto = { kind: 'behind', checkpointId: 'ml-node', code: null, since: '' };
const cls = [row('Dana', ['cluster-connected']), row('ana', ['cluster-connected', 'ml-node', 'metricbeat-data']), row('Cy', [], behind), row('Bo', ['cluster-connected', 'ml-node'])];
const names = (rows: BoardAttendeeDto[]) => rows.map((r) => r.name);

describe('orderAttendees', () => {
  it('puts stuck attendees first, then the least progressed, ties in joining order', () => {
    expect(names(orderAttendees(cls, checkpoints, 'stuck'))).toEqual(['Cy', 'Dana', 'Bo', 'ana']);
  });

  it('sorts by progress either way, by name, or keeps joining order', () => {
    expect(names(orderAttendees(cls, checkpoints, 'progressDesc'))).toEqual(['ana', 'Bo', 'Dana', 'Cy']);
    expect(names(orderAttendees(cls, checkpoints, 'progressAsc'))).toEqual(['Cy', 'Dana', 'Bo', 'ana']);
    expect(names(orderAttendees(cls, checkpoints, 'name'))).toEqual(['ana', 'Bo', 'Cy', 'Dana']);
    expect(names(orderAttendees(cls, checkpoints, 'joined'))).toEqual(['Dana', 'ana', 'Cy', 'Bo']);
  });

  it('counts progress among the shown chapter only, and filters by name', () => {
    const chapter2 = checkpoints.filter((c) => c.chapter === 2);
    expect(doneAmong(cls[1]!, chapter2)).toBe(1);
    expect(names(orderAttendees(cls, chapter2, 'progressDesc'))).toEqual(['ana', 'Dana', 'Cy', 'Bo']);
    expect(names(orderAttendees(cls, checkpoints, 'joined', ' AN'))).toEqual(['Dana', 'ana']);
    expect(orderAttendees(cls, checkpoints, 'joined')).not.toBe(cls);
  });
});
