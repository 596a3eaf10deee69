import { isObject } from './threshold';

/**
 * One definition of a watch's state, used by the watches panel, the checkpoints and the class
 * board (issue 15): `disabled` = inactive; `error` = the last record failed or an action of it did
 * not succeed; `throttled` = the last record was throttled or acknowledged; `firing` = the last
 * record executed with its condition met; `ok` otherwise. Kibana 7.x shows OK/Firing/Error/Disabled
 * and 8.5+ Active/Inactive/Error; this keeps throttled apart, which Kibana's history blurs
 * (elastic/kibana#59691).
 */

export type WatchState = 'ok' | 'firing' | 'throttled' | 'error' | 'disabled';

export const WATCH_STATES: readonly WatchState[] = ['ok', 'firing', 'throttled', 'error', 'disabled'];

const FAILED_ACTION = new Set(['failure', 'partial_failure']);

/** The `status` of a watch (GET watch, `_query/watches`, a record's `status`). */
export type WatchStatusLike = Record<string, unknown> | undefined;
/** A watch record (`_source` of a `.watcher-history-*` document or `_execute`'s `watch_record`). */
export type WatchRecordLike = Record<string, unknown> | undefined;

function actionsOf(record: Record<string, unknown>): Record<string, unknown>[] {
  const result = isObject(record.result) ? record.result : undefined;
  return result && Array.isArray(result.actions) ? (result.actions.filter(isObject) as Record<string, unknown>[]) : [];
}

/** Whether a record's execution went wrong: failed state, a failed action, or a failed watch transform. */
export function recordFailed(record: Record<string, unknown>): boolean {
  if (record.state === 'failed') return true;
  if (actionsOf(record).some((a) => FAILED_ACTION.has(String(a.status)))) return true;
  const result = isObject(record.result) ? record.result : undefined;
  return !!result && isObject(result.transform) && result.transform.status === 'failure';
}

export function conditionMet(record: Record<string, unknown>): boolean {
  const result = isObject(record.result) ? record.result : undefined;
  return !!result && isObject(result.condition) && result.condition.met === true;
}

export function deriveWatchState(status: WatchStatusLike, latest: WatchRecordLike): WatchState {
  const state = status && isObject(status.state) ? status.state : undefined;
  if (state && state.active === false) return 'disabled';
  if (latest) {
    if (recordFailed(latest)) return 'error';
    if (latest.state === 'throttled' || latest.state === 'acknowledged') return 'throttled';
    if (latest.state === 'executed' && conditionMet(latest)) return 'firing';
    return 'ok';
  }
  // Without a readable history (no `read` on .watcher-history-*), the status tells the same story.
  if (!status) return 'ok';
  const exec = status.execution_state;
  const actions = isObject(status.actions) ? Object.values(status.actions).filter(isObject) : [];
  if (exec === 'failed' || actions.some((a) => isObject(a.last_execution) && a.last_execution.successful === false)) return 'error';
  if (exec === 'throttled' || exec === 'acknowledged') return 'throttled';
  if (exec === 'executed' && status.last_met_condition !== undefined && status.last_met_condition === status.last_checked) return 'firing';
  return 'ok';
}
