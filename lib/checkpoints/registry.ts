import 'server-only';
import { checkpointIds, type CheckpointId } from '@/content/chapters';
import type { ClusterClient } from '../cluster/adapter';
import type { ErrorCode } from '../errors';
import { parseFilebeatModuleStatus } from '../queries/auth-log';
import type { SearchRequest } from '../queries/common';
import {
  buildRecentAuthRequest,
  buildRecentMetricbeatRequest,
  buildSshAttemptRequest,
  FILEBEAT_AUTH_PIPELINE_PATTERN,
  METRICBEAT_PATTERN,
  parseRecentHost,
  parseSshAttempt,
  SAMPLE_DATA_PATTERN,
} from './requests';

export type CheckpointState = 'pending' | 'done' | 'error';

/** A checkpoint's answer: `detail` is short, language-neutral text (a host, a user and IP). */
export interface CheckpointVerdict {
  state: CheckpointState;
  detail?: string;
  /** Why it is still pending or failed, as an error code the UI can explain with a hint. */
  code?: ErrorCode;
}

export interface CheckpointContext {
  client: ClusterClient;
  /** When the attendee first opened the chapter (epoch ms), for "since you reached chapter 3". */
  reachedChapterAt(chapter: number): Promise<number | null>;
  signal?: AbortSignal;
}

export interface CheckpointDefinition {
  id: CheckpointId;
  chapter: 1 | 2 | 3 | 4 | 5;
  verify(ctx: CheckpointContext): Promise<CheckpointVerdict>;
}

const TIMEOUT_MS = 4_000;

function search(ctx: CheckpointContext, request: SearchRequest): Promise<unknown> {
  return ctx.client.search(request.index, request.body, {
    querystring: { ignore_unavailable: request.ignore_unavailable, allow_no_indices: request.allow_no_indices },
    timeoutMs: TIMEOUT_MS,
    signal: ctx.signal,
  });
}

const LICENCES_WITH_WATCHER_AND_ML = new Set(['trial', 'platinum', 'enterprise']);

const definitions: CheckpointDefinition[] = [
  {
    id: 'cluster-connected',
    chapter: 1,
    async verify({ client, signal }) {
      const info = await client.info({ timeoutMs: TIMEOUT_MS, signal });
      return { state: 'done', detail: `${info.cluster_name} · ${info.version.number}` };
    },
  },
  {
    id: 'ml-node',
    chapter: 1,
    async verify({ client, signal }) {
      const nodes = await client.nodes({ timeoutMs: TIMEOUT_MS, signal });
      const ml = nodes.find((node) => node.roles?.includes('ml') || node.attributes?.['ml.enabled'] === 'true');
      return ml ? { state: 'done', detail: ml.name } : { state: 'pending', code: 'no_ml_node' };
    },
  },
  {
    id: 'licence-ok',
    chapter: 1,
    async verify({ client, signal }) {
      const { license } = await client.license({ timeoutMs: TIMEOUT_MS, signal });
      const ok = LICENCES_WITH_WATCHER_AND_ML.has(license.type) && license.status === 'active';
      return ok ? { state: 'done', detail: license.type } : { state: 'pending', detail: `${license.type} (${license.status})`, code: 'licence_required' };
    },
  },
  {
    id: 'sample-data',
    chapter: 1,
    async verify({ client, signal }) {
      const indices = await client.catIndices(SAMPLE_DATA_PATTERN, { timeoutMs: TIMEOUT_MS, signal, expandWildcards: 'all' });
      const loaded = indices.filter((index) => Number(index['docs.count'] ?? 0) > 0).map((index) => String(index.index).replace(/^\.ds-/, ''));
      return loaded.length > 0 ? { state: 'done', detail: [...new Set(loaded)].sort().join(', ') } : { state: 'pending' };
    },
  },
  {
    id: 'metricbeat-setup',
    chapter: 2,
    async verify({ client, signal }) {
      const options = { timeoutMs: TIMEOUT_MS, signal };
      // 7.x Beats install a legacy template, 8.x a composable one; either proves `metricbeat setup` ran.
      const composable = client.capabilities.composableTemplates ? await client.getIndexTemplate(METRICBEAT_PATTERN, options) : null;
      const name = composable?.index_templates[0]?.name ?? Object.keys((await client.getLegacyTemplate(METRICBEAT_PATTERN, options)) ?? {})[0];
      return name ? { state: 'done', detail: name } : { state: 'pending' };
    },
  },
  {
    id: 'metricbeat-data',
    chapter: 2,
    async verify(ctx) {
      const recent = parseRecentHost(await search(ctx, buildRecentMetricbeatRequest()));
      return recent ? { state: 'done', detail: recent.host } : { state: 'pending' };
    },
  },
  {
    id: 'filebeat-setup',
    chapter: 3,
    async verify({ client, signal }) {
      const status = parseFilebeatModuleStatus(await client.getPipeline(FILEBEAT_AUTH_PIPELINE_PATTERN, { timeoutMs: TIMEOUT_MS, signal }));
      const newest = status.pipelines[0];
      return newest ? { state: 'done', detail: newest.id } : { state: 'pending' };
    },
  },
  {
    id: 'filebeat-auth-data',
    chapter: 3,
    async verify(ctx) {
      const recent = parseRecentHost(await search(ctx, buildRecentAuthRequest()));
      return recent ? { state: 'done', detail: recent.host } : { state: 'pending' };
    },
  },
  {
    id: 'ssh-attempt-seen',
    chapter: 3,
    async verify(ctx) {
      // Only attempts made after the attendee reached chapter 3 count: an internet-facing host
      // collects strangers' attempts all day, and those earlier ones are not the attendee's step.
      const since = await ctx.reachedChapterAt(3);
      if (since === null) return { state: 'pending' };
      const attempt = parseSshAttempt(await search(ctx, buildSshAttemptRequest(since)));
      if (!attempt) return { state: 'pending' };
      return { state: 'done', detail: `${attempt.user ?? '?'} ← ${attempt.sourceIp ?? '?'}` };
    },
  },
];

const byId = new Map(definitions.map((definition) => [definition.id, definition]));

/** The checkpoint's definition, or undefined while its chapter's live checks have not landed (chapters 4-5). */
export function checkpointDefinition(id: CheckpointId): CheckpointDefinition | undefined {
  return byId.get(id);
}

export function chapterCheckpointIds(chapter: number): readonly CheckpointId[] {
  return checkpointIds[chapter as keyof typeof checkpointIds] ?? [];
}
