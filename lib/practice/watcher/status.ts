import { esDate } from './time';

/**
 * A watch's status (ES `WatchStatus`, `ActionStatus`; ES-WATCHER-REFERENCE §1.2, §8.3): active
 * state, last check, last time the condition held, and per action the acknowledgement state and
 * the last (successful) execution and throttle. Times are epoch ms; `toJson` writes ES' JSON.
 */

export type AckState = 'awaits_successful_execution' | 'ackable' | 'acked';

export interface ActionStatus {
  ack: { timestamp: number; state: AckState };
  lastExecution?: { timestamp: number; successful: boolean; reason?: string };
  lastSuccessfulExecution?: { timestamp: number };
  lastThrottle?: { timestamp: number; reason: string };
}

export interface WatchStatus {
  state: { active: boolean; timestamp: number };
  lastChecked?: number;
  lastMetCondition?: number;
  actions: Record<string, ActionStatus>;
  executionState?: string;
}

export function newStatus(actionIds: string[], active: boolean, now: number): WatchStatus {
  return {
    state: { active, timestamp: now },
    actions: Object.fromEntries(actionIds.map((id) => [id, { ack: { timestamp: now, state: 'awaits_successful_execution' as AckState } }])),
  };
}

export function cloneStatus(s: WatchStatus): WatchStatus {
  return structuredClone(s);
}

/** `WatchStatus.onCheck`: a false condition re-arms every action's acknowledgement. */
export function onCheck(s: WatchStatus, met: boolean, now: number): void {
  s.lastChecked = now;
  if (met) s.lastMetCondition = now;
  else for (const a of Object.values(s.actions)) a.ack = { timestamp: now, state: 'awaits_successful_execution' };
}

/** `ActionStatus.update` for an action result status. */
export function onActionResult(s: WatchStatus, id: string, now: number, status: string, reason: string | undefined): void {
  const a = s.actions[id];
  if (!a) return;
  switch (status) {
    case 'failure':
      a.lastExecution = { timestamp: now, successful: false, reason: reason ?? '' };
      return;
    case 'throttled':
      a.lastThrottle = { timestamp: now, reason: reason ?? '' };
      return;
    case 'success':
    case 'simulated':
      a.lastExecution = { timestamp: now, successful: true };
      a.lastSuccessfulExecution = { timestamp: now };
      if (a.ack.state === 'awaits_successful_execution') a.ack = { timestamp: now, state: 'ackable' };
  }
}

/** `WatchStatus.toXContent`: fields appear once set; `version` last. */
export function statusJson(s: WatchStatus, version: number): Record<string, unknown> {
  const out: Record<string, unknown> = { state: { active: s.state.active, timestamp: esDate(s.state.timestamp) } };
  if (s.lastChecked !== undefined) out.last_checked = esDate(s.lastChecked);
  if (s.lastMetCondition !== undefined) out.last_met_condition = esDate(s.lastMetCondition);
  const actions: Record<string, unknown> = {};
  for (const [id, a] of Object.entries(s.actions)) {
    const entry: Record<string, unknown> = { ack: { timestamp: esDate(a.ack.timestamp), state: a.ack.state } };
    if (a.lastExecution) {
      entry.last_execution = a.lastExecution.successful
        ? { timestamp: esDate(a.lastExecution.timestamp), successful: true }
        : { timestamp: esDate(a.lastExecution.timestamp), successful: false, reason: a.lastExecution.reason ?? '' };
    }
    if (a.lastSuccessfulExecution) entry.last_successful_execution = { timestamp: esDate(a.lastSuccessfulExecution.timestamp), successful: true };
    if (a.lastThrottle) entry.last_throttle = { timestamp: esDate(a.lastThrottle.timestamp), reason: a.lastThrottle.reason };
    actions[id] = entry;
  }
  out.actions = actions;
  if (s.executionState !== undefined) out.execution_state = s.executionState;
  out.version = version;
  return out;
}

/** Reads a status back from its JSON (the `status` of a `.watches` document), for a restore. */
export function statusFromJson(json: unknown): WatchStatus | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const j = json as Record<string, unknown>;
  const time = (v: unknown): number | undefined => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : undefined);
  const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const state = obj(j.state);
  const status: WatchStatus = { state: { active: state.active !== false, timestamp: time(state.timestamp) ?? 0 }, actions: {} };
  const lastChecked = time(j.last_checked);
  if (lastChecked !== undefined) status.lastChecked = lastChecked;
  const lastMet = time(j.last_met_condition);
  if (lastMet !== undefined) status.lastMetCondition = lastMet;
  if (typeof j.execution_state === 'string') status.executionState = j.execution_state;
  for (const [id, raw] of Object.entries(obj(j.actions))) {
    const a = obj(raw);
    const ack = obj(a.ack);
    const entry: ActionStatus = { ack: { timestamp: time(ack.timestamp) ?? 0, state: (['awaits_successful_execution', 'ackable', 'acked'].includes(String(ack.state)) ? ack.state : 'awaits_successful_execution') as AckState } };
    const last = obj(a.last_execution);
    const lastAt = time(last.timestamp);
    if (lastAt !== undefined) entry.lastExecution = last.successful === false ? { timestamp: lastAt, successful: false, reason: String(last.reason ?? '') } : { timestamp: lastAt, successful: true };
    const lastOk = time(obj(a.last_successful_execution).timestamp);
    if (lastOk !== undefined) entry.lastSuccessfulExecution = { timestamp: lastOk };
    const throttle = obj(a.last_throttle);
    const throttleAt = time(throttle.timestamp);
    if (throttleAt !== undefined) entry.lastThrottle = { timestamp: throttleAt, reason: String(throttle.reason ?? '') };
    status.actions[id] = entry;
  }
  return status;
}
