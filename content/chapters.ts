/** The workshop's five chapters, in handout order. Navigation and routes come from this list only. */
export const chapters = [
  { number: 1, slug: 'cluster', file: '01-cluster' },
  { number: 2, slug: 'metricbeat', file: '02-metricbeat' },
  { number: 3, slug: 'filebeat', file: '03-filebeat' },
  { number: 4, slug: 'alerting', file: '04-alerting' },
  { number: 5, slug: 'machine-learning', file: '05-machine-learning' },
] as const;

export type Chapter = (typeof chapters)[number];
export type ChapterSlug = Chapter['slug'];

export function chapterBySlug(slug: string): Chapter | undefined {
  return chapters.find((c) => c.slug === slug);
}

export function chapterByNumber(n: number): Chapter | undefined {
  return chapters.find((c) => c.number === n);
}

/** Checkpoint ids per chapter: the stable contract of DESIGN.md. */
export const checkpointIds = {
  1: ['cluster-connected', 'ml-node', 'licence-ok', 'sample-data'],
  2: ['metricbeat-setup', 'metricbeat-data'],
  3: ['filebeat-setup', 'filebeat-auth-data', 'ssh-attempt-seen'],
  4: ['highcpu-watch-created', 'highcpu-watch-fired', 'ssh-watch-created', 'ssh-watch-fired'],
  5: ['flights-imported', 'ml-job-created', 'ml-job-ran', 'ml-anomalies-found'],
} as const satisfies Record<Chapter['number'], readonly string[]>;

export type CheckpointId = (typeof checkpointIds)[keyof typeof checkpointIds][number];

export const allCheckpointIds: readonly CheckpointId[] = Object.values(checkpointIds).flat();

/** Panels of DESIGN.md; each one's live implementation lands with its own issue. */
export const panelKinds = [
  'cluster-status',
  'host-metrics',
  'auth-log',
  'watches',
  'ml-anomalies',
] as const;
export type PanelKind = (typeof panelKinds)[number];

/** The chapter a checkpoint belongs to (client-safe: this module has no dependencies). */
export function chapterOfCheckpoint(id: CheckpointId): Chapter['number'] {
  for (const [chapter, ids] of Object.entries(checkpointIds)) {
    if ((ids as readonly string[]).includes(id)) return Number(chapter) as Chapter['number'];
  }
  throw new Error(`unknown checkpoint ${id}`);
}
