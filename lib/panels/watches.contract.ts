/** The chapter 4 watches panel, client-safe: its DTO (see `contract.ts`) and the limits it shows. */
import type { WatchExecution, WatchSummary } from '../queries/watches';
import type { WatchKind } from '../watches';
import { panelContract, type PanelReading } from './contract';

export { HISTORY_PER_WATCH, MAX_WATCHES } from '../queries/watches';
export type { ExplainedLine, WatchExecution } from '../queries/watches';
export type { WatchKind, WatchState } from '../watches';

/** One watch as the panel shows it (DESIGN.md: `id`, `name`, `state`, `lastChecked`, `lastFired`, …). */
export interface WatchPanelItem extends Omit<WatchSummary, 'recognition'> {
  /** What the watch does in the lab's words: the HighCPU threshold, the SSH watch, or another. */
  kind: WatchKind;
  /** HighCPU: the field is a normalised one (a single `dd` on N cores raises it by 1/N only). */
  normalised: boolean;
  /** The watch's status page in the attendee's Kibana, when the connection knows it. */
  kibanaUrl: string | null;
  history: WatchExecution[];
}

export interface WatchesDto extends PanelReading {
  watches: WatchPanelItem[];
  /** How many watches the cluster has (the panel lists at most MAX_WATCHES). */
  total: number;
  /** Whether `.watcher-history-*` could be read (it needs `read` on it); the code says why not. */
  history: { readable: boolean; code: string | null };
  /** The cluster's version: Kibana's state names differ between 7.x and 8.5+. */
  version: { number: string; major: number; minor: number | null };
}

export type WatchesQuery = Record<string, never>;

/** `GET /api/panels/watches`, every 5 s like the other panels. */
export const watchesPanel = panelContract<WatchesQuery, WatchesDto>('watches', 5_000);

/** Kibana's own state names for the version note: OK/Firing/Error/Disabled before 8.5, Active/Inactive/Error after. */
export function kibanaStateStyle(version: { major: number; minor: number | null }): 'classic' | 'active-inactive' {
  return version.major > 8 || (version.major === 8 && (version.minor ?? 0) >= 5) ? 'active-inactive' : 'classic';
}
