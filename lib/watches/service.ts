import 'server-only';
import { z } from 'zod';
import { invalidateCoalesced } from '../cluster/coalesce';
import { translateClusterError } from '../cluster/errors';
import { connectionKey, participantCluster } from '../connections/service';
import { AppError } from '../errors';
import type { ExplainedLine } from '../queries/watches';
import type { AppContext } from '../server/context';
import { explainRecord } from './explain';
import { sampleEventPayload, SAMPLE_EVENTS, isSampleEvent } from './sample-events';
import { AGG_TYPES, buildJsonWatch, buildThresholdWatch, COMPARATORS, emailAction, newThresholdWatchId, type ThresholdWatchFields } from './threshold';
import { readWatchText, refuseNetworkActions, validateWatch } from './validate';

/**
 * The watch routes' work (DESIGN.md, chapter 4): save a watch from the guide's editor or threshold
 * form on the participant's own cluster, delete it, and simulate it. Every body is validated here
 * (zod, then Watcher's own parser for the cluster's version) before the cluster sees it; on a
 * practice deployment, actions that would reach the network are refused.
 */

const TIMEOUT_MS = 10_000;

/** A watch id as the routes accept it: Kibana's UUIDs and the handout's `ssh-login-attempt`; no spaces or URL specials. */
export const watchIdSchema = z.string().min(1).max(255).regex(/^[^\s/\\?#%]+$/, 'a watch id without spaces or / \\ ? # %');

const intervalUnit = z.enum(['s', 'm', 'h', 'd']);

/** `POST /api/watches/threshold`: Kibana's `metadata.watcherui` fields, the alert's name and optionally an email. */
export const thresholdBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    index: z.union([z.string().trim().min(1).max(500), z.array(z.string().trim().min(1).max(255)).min(1).max(20)]),
    time_field: z.string().trim().min(1).max(255),
    trigger_interval_size: z.number().int().min(1).max(100_000),
    trigger_interval_unit: intervalUnit,
    agg_type: z.enum(AGG_TYPES as [string, ...string[]]),
    agg_field: z.string().trim().min(1).max(255).optional(),
    term_size: z.number().int().min(1).max(100).optional(),
    term_field: z.string().trim().min(1).max(255).optional(),
    threshold_comparator: z.enum(COMPARATORS as [string, ...string[]]),
    time_window_size: z.number().int().min(1).max(100_000),
    time_window_unit: intervalUnit,
    threshold: z.union([z.number().finite(), z.array(z.number().finite()).length(2)]),
    email: z.string().trim().email().max(254).optional(),
  })
  .strict()
  .superRefine((b, issue) => {
    if (b.agg_type !== 'count' && !b.agg_field) issue.addIssue({ code: 'custom', path: ['agg_field'], message: `${b.agg_type}() needs a field` });
    if (b.threshold_comparator === 'between' && !Array.isArray(b.threshold)) issue.addIssue({ code: 'custom', path: ['threshold'], message: 'between needs two values' });
    if (b.threshold_comparator !== 'between' && Array.isArray(b.threshold)) issue.addIssue({ code: 'custom', path: ['threshold'], message: 'one value' });
  });
export type ThresholdBody = z.infer<typeof thresholdBodySchema>;

/** `POST /api/watches/{id}/simulate`. */
export const simulateBodySchema = z
  .object({
    alternativeInput: z.union([z.enum(SAMPLE_EVENTS), z.record(z.unknown())]).optional(),
    ignoreCondition: z.boolean().optional(),
  })
  .strict();
export type SimulateBody = z.infer<typeof simulateBodySchema>;

export interface SimulationDto {
  conditionMet: boolean | null;
  explanation: { state: string; lines: ExplainedLine[] };
  record: Record<string, unknown> | null;
}

async function clusterOf(ctx: AppContext, participantId: string) {
  return participantCluster(ctx, participantId);
}

function refreshPanels(connectionId: string): void {
  // The panel and the checkpoints read the new watch on their next poll, not a cached answer.
  invalidateCoalesced(connectionKey(connectionId));
}

/** The form's fields as the pure generator takes them, with Kibana's email action when an address is given. */
export function thresholdFields(body: ThresholdBody): ThresholdWatchFields {
  const fields: ThresholdWatchFields = {
    name: body.name,
    index: body.index,
    timeField: body.time_field,
    triggerIntervalSize: body.trigger_interval_size,
    triggerIntervalUnit: body.trigger_interval_unit,
    aggType: body.agg_type,
    thresholdComparator: body.threshold_comparator as ThresholdWatchFields['thresholdComparator'],
    timeWindowSize: body.time_window_size,
    timeWindowUnit: body.time_window_unit,
    threshold: body.threshold,
    actions: body.email ? { email_1: emailAction([body.email]) } : {},
  };
  if (body.agg_field !== undefined && body.agg_type !== 'count') fields.aggField = body.agg_field;
  if (body.term_field !== undefined) fields.termField = body.term_field;
  if (body.term_size !== undefined) fields.termSize = body.term_size;
  return fields;
}

/** `PUT /api/watches/{id}`: the editor's text, checked, saved as given (a `name` makes it Kibana's advanced watch). */
export async function saveWatch(ctx: AppContext, participantId: string, id: string, text: string, options: { name?: string } = {}): Promise<{ id: string; created: boolean; version: number }> {
  const { client, connection } = await clusterOf(ctx, participantId);
  const given = readWatchText(text);
  validateWatch(id, given, { major: client.version.major, text });
  if (connection.kind === 'practice') refuseNetworkActions(given, text);
  const watch = options.name ? buildJsonWatch(options.name, given) : given;
  try {
    const answer = await client.putWatch(id, watch, { active: true, timeoutMs: TIMEOUT_MS });
    refreshPanels(connection.id);
    return { id: answer._id, created: answer.created, version: answer._version };
  } catch (error) {
    throw translateClusterError(error);
  }
}

/** `POST /api/watches/threshold`: the watch Kibana's threshold form saves for the same fields, under a new UUID. */
export async function saveThresholdWatch(ctx: AppContext, participantId: string, body: ThresholdBody): Promise<{ id: string }> {
  const { client, connection } = await clusterOf(ctx, participantId);
  const id = newThresholdWatchId();
  const watch = buildThresholdWatch(thresholdFields(body));
  validateWatch(id, watch, { major: client.version.major });
  try {
    await client.putWatch(id, watch, { active: true, timeoutMs: TIMEOUT_MS });
  } catch (error) {
    throw translateClusterError(error);
  }
  refreshPanels(connection.id);
  return { id };
}

export async function deleteWatch(ctx: AppContext, participantId: string, id: string): Promise<{ id: string; found: boolean }> {
  const { client, connection } = await clusterOf(ctx, participantId);
  let answer;
  try {
    answer = await client.deleteWatch(id, { timeoutMs: TIMEOUT_MS });
  } catch (error) {
    throw translateClusterError(error);
  }
  if (answer === null) throw new AppError('not_found', { detail: `watch ${id} does not exist` });
  refreshPanels(connection.id);
  return { id, found: true };
}

/**
 * `POST /api/watches/{id}/simulate`: runs the stored watch once with every action in
 * `force_simulate` (throttling cannot hide the result; nothing is sent) and without recording it,
 * optionally on a known event instead of its input. An execution that answers without a record
 * (Kibana then shows a blank page, elastic/kibana#177745) is said as such.
 */
export async function simulateWatch(ctx: AppContext, participantId: string, id: string, body: SimulateBody, now = Date.now()): Promise<SimulationDto> {
  const { client } = await clusterOf(ctx, participantId);
  const request: Record<string, unknown> = { action_modes: { _all: 'force_simulate' }, record_execution: false };
  if (body.ignoreCondition) request.ignore_condition = true;
  if (body.alternativeInput !== undefined) request.alternative_input = isSampleEvent(body.alternativeInput) ? sampleEventPayload(body.alternativeInput, now) : body.alternativeInput;
  let answer: unknown;
  try {
    answer = await client.executeWatch(id, request, { timeoutMs: TIMEOUT_MS });
  } catch (error) {
    throw translateClusterError(error);
  }
  return simulationDto(answer);
}

export function simulationDto(answer: unknown): SimulationDto {
  const record = answer !== null && typeof answer === 'object' && 'watch_record' in answer ? (answer as { watch_record: unknown }).watch_record : undefined;
  if (record === null || typeof record !== 'object' || Array.isArray(record) || Object.keys(record).length === 0) {
    return { conditionMet: null, explanation: { state: 'empty', lines: [{ key: 'watches.explain.empty', values: {} }] }, record: null };
  }
  const explained = explainRecord(record as Record<string, unknown>);
  return {
    conditionMet: explained.conditionMet ?? null,
    explanation: { state: explained.state, lines: explained.lines.map((l) => ({ key: l.key, values: l.values })) },
    record: record as Record<string, unknown>,
  };
}
