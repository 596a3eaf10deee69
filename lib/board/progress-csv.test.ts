import { describe, expect, it } from 'vitest';
import { allCheckpointIds, chapterOfCheckpoint, type CheckpointId } from '@/content/chapters';
import { parseCsv } from './csv';
import { progressCsv, type BoardCellDto, type ProgressDto } from './progress-view';

function progressWith(cells: Partial<Record<CheckpointId, BoardCellDto>>): ProgressDto {
  const checkpoints = Object.fromEntries(allCheckpointIds.map((id) => [id, cells[id] ?? { state: 'pending', at: null, detail: null, code: null }])) as Record<CheckpointId, BoardCellDto>;
  return {
    workshop: { id: 'w', name: 'Class', code: 'K7Q2PM', date: null, clusterMode: 'practice', status: 'open', createdAt: '2026-01-01T00:00:00.000Z', closedAt: null },
    generatedAt: '2026-01-01T10:00:00.000Z',
    checkpoints: allCheckpointIds.map((id) => ({ id, chapter: chapterOfCheckpoint(id), automatic: true })),
    attendees: [
      { id: 'a1', name: 'Ana', currentChapter: 1, joinedAt: '', lastSeenAt: '', connection: null, done: 1, checkpoints, stuck: null },
    ],
    stuck: { minutes: 10, groups: [] },
    counts: { attendees: 1, done: {} },
  };
}

describe('the CSV export', () => {
  it('gives a time for done and failed checkpoints, none for a pending one (even one checked before)', () => {
    const rows = parseCsv(
      progressCsv(
        progressWith({
          'cluster-connected': { state: 'done', at: '2026-01-01T09:01:00.000Z', detail: 'lab · 8.15.0', code: null },
          'ml-node': { state: 'error', at: '2026-01-01T09:02:00.000Z', detail: null, code: 'timeout' },
          'sample-data': { state: 'pending', at: '2026-01-01T09:03:00.000Z', detail: 'no sample index yet', code: 'index_missing' },
        }),
      ),
    );
    const row = (id: string) => rows.find((r) => r[3] === id);
    expect(row('cluster-connected')).toEqual(['Ana', 'a1', '1', 'cluster-connected', 'done', '2026-01-01T09:01:00.000Z', 'lab · 8.15.0', '']);
    expect(row('ml-node')?.[5]).toBe('2026-01-01T09:02:00.000Z');
    expect(row('sample-data')).toEqual(['Ana', 'a1', '1', 'sample-data', 'pending', '', 'no sample index yet', 'index_missing']);
  });
});
