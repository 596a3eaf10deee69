import 'server-only';
import { AppError } from '../errors';
import { listWatches } from '../panels/watches';
import { isObject } from '../queries/common';
import { buildWatchRunsRequest, judgeExecutions, parseWatchRuns, type StoredWatch, type WatchList } from '../queries/watches';
import { recogniseWatch, thresholdFieldsOf, type Recognition } from '../watches';
import { CHECK_TIMEOUT_MS, searchFor, sharedWhileInFlight, type CheckpointContext, type CheckpointDefinition, type CheckpointVerdict } from './definition';

/**
 * Chapter 4 (Watcher): the HighCPU threshold watch and the SSH watch exist and are active, and each
 * has fired: its history holds an execution whose condition held after the watch was stored. A
 * watch is recognised by what it does (`recogniseWatch`), never by its id or name. Every pending
 * state says why (`reasons.ts`): no Watcher licence, no such watch, inactive, not run yet, ran but
 * never met its condition (with the closest value it saw), or its search found nothing.
 */

type Kind = 'highcpu' | 'ssh';

/** The four checks of the chapter share one list read. */
const sharedList = sharedWhileInFlight((ctx): Promise<WatchList> => listWatches(ctx.client, { timeoutMs: CHECK_TIMEOUT_MS, signal: ctx.signal }));

interface Candidate {
  stored: StoredWatch;
  recognition: Recognition;
  name: string;
  active: boolean;
  /** When the watch was stored or last activated: executions before that are another watch's. */
  since: number | null;
}

function candidatesOf(list: WatchList, kind: Kind): Candidate[] {
  const out: Candidate[] = [];
  for (const stored of list.watches) {
    const recognition = recogniseWatch(stored.watch);
    if (recognition.kind !== kind) continue;
    const metadata = isObject(stored.watch.metadata) ? stored.watch.metadata : {};
    const state = stored.status && isObject(stored.status.state) ? stored.status.state : {};
    const since = typeof state.timestamp === 'string' ? Date.parse(state.timestamp) : Number.NaN;
    out.push({
      stored,
      recognition,
      name: typeof metadata.name === 'string' && metadata.name !== '' ? metadata.name : stored.id,
      active: state.active !== false,
      since: Number.isNaN(since) ? null : since,
    });
  }
  // Active watches first, then the most recently stored.
  return out.sort((a, b) => Number(b.active) - Number(a.active) || (b.since ?? 0) - (a.since ?? 0));
}

/** "HighCPU (max system.cpu.total.norm.pct > 0.5)", "SSH Login Attempt". */
function describe(c: Candidate): string {
  const fields = thresholdFieldsOf(c.stored.watch);
  if (c.recognition.kind === 'highcpu' && fields) {
    const threshold = Array.isArray(fields.threshold) ? fields.threshold.join('–') : String(fields.threshold);
    return `${c.name} (${fields.aggType} ${fields.aggField ?? c.recognition.cpuField ?? ''} ${fields.thresholdComparator} ${threshold})`;
  }
  if (c.recognition.kind === 'highcpu' && c.recognition.cpuField) return `${c.name} (${c.recognition.cpuField})`;
  return c.name;
}

/** A Basic licence refuses every `_watcher` call with ES' 403: pending, with the "start a trial" hint. */
async function withWatcher(ctx: CheckpointContext, check: (list: WatchList) => Promise<CheckpointVerdict>): Promise<CheckpointVerdict> {
  let list: WatchList;
  try {
    list = await sharedList(ctx);
  } catch (error) {
    if (error instanceof AppError && error.code === 'licence_required') return { state: 'pending', code: 'licence_required' };
    throw error;
  }
  return check(list);
}

function created(kind: Kind): (ctx: CheckpointContext) => Promise<CheckpointVerdict> {
  return (ctx) =>
    withWatcher(ctx, async (list) => {
      const [best] = candidatesOf(list, kind);
      if (!best) return { state: 'pending', code: 'watch_missing' };
      if (!best.active) return { state: 'pending', code: 'watch_inactive', detail: describe(best) };
      return { state: 'done', detail: describe(best) };
    });
}

function fired(kind: Kind): (ctx: CheckpointContext) => Promise<CheckpointVerdict> {
  return (ctx) =>
    withWatcher(ctx, async (list) => {
      const candidates = candidatesOf(list, kind);
      if (candidates.length === 0) return { state: 'pending', code: 'watch_missing' };
      const active = candidates.filter((c) => c.active);
      if (active.length === 0) return { state: 'pending', code: 'watch_inactive', detail: describe(candidates[0] as Candidate) };
      let pending: CheckpointVerdict | null = null;
      for (const c of active) {
        const runs = parseWatchRuns(await searchFor(ctx, buildWatchRunsRequest({ watchId: c.stored.id, sinceMs: c.since })));
        const verdict = judgeExecutions(runs.records, c.stored.watch, c.since, runs.total);
        if (verdict.fired) return { state: 'done', detail: verdict.fired.outcome ? `${c.name}: ${verdict.fired.outcome}` : c.name };
        if (pending) continue;
        // The first (newest active) watch's story is the one the attendee is following.
        if (verdict.runs === 0) pending = { state: 'pending', code: 'watch_not_run', detail: c.name };
        else if (verdict.noHits) pending = { state: 'pending', code: 'watch_no_hits', detail: `${c.name}: 0 ×${verdict.runs}` };
        else if (verdict.noValue) pending = { state: 'pending', code: 'watch_no_value', detail: `${c.name}: ${c.recognition.cpuField ?? '?'} ×${verdict.runs}` };
        else {
          pending = {
            state: 'pending',
            code: c.recognition.normalised ? 'watch_never_met_normalised' : 'watch_never_met',
            detail: verdict.closest ? `${c.name}: ${verdict.closest} ×${verdict.runs}` : `${c.name} ×${verdict.runs}`,
          };
        }
      }
      return pending ?? { state: 'pending' };
    });
}

export const chapter4: CheckpointDefinition[] = [
  { id: 'highcpu-watch-created', chapter: 4, verify: created('highcpu') },
  { id: 'highcpu-watch-fired', chapter: 4, verify: fired('highcpu') },
  { id: 'ssh-watch-created', chapter: 4, verify: created('ssh') },
  { id: 'ssh-watch-fired', chapter: 4, verify: fired('ssh') },
];
