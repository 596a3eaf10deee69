import 'server-only';
import { CHECK_TIMEOUT_MS, type CheckpointDefinition } from './definition';

/** Chapter 1 (cluster): connected, a machine learning node, a licence with Watcher and ML, sample data. */

export const SAMPLE_DATA_PATTERN = 'kibana_sample_data_*';

const LICENCES_WITH_WATCHER_AND_ML = new Set(['trial', 'platinum', 'enterprise']);

export const chapter1: CheckpointDefinition[] = [
  {
    id: 'cluster-connected',
    chapter: 1,
    async verify({ client, signal }) {
      const info = await client.info({ timeoutMs: CHECK_TIMEOUT_MS, signal });
      return { state: 'done', detail: `${info.cluster_name} · ${info.version.number}` };
    },
  },
  {
    id: 'ml-node',
    chapter: 1,
    async verify({ client, signal }) {
      const nodes = await client.nodes({ timeoutMs: CHECK_TIMEOUT_MS, signal });
      const ml = nodes.find((node) => node.roles?.includes('ml') || node.attributes?.['ml.enabled'] === 'true');
      return ml ? { state: 'done', detail: ml.name } : { state: 'pending', code: 'no_ml_node' };
    },
  },
  {
    id: 'licence-ok',
    chapter: 1,
    async verify({ client, signal }) {
      const { license } = await client.license({ timeoutMs: CHECK_TIMEOUT_MS, signal });
      const ok = LICENCES_WITH_WATCHER_AND_ML.has(license.type) && license.status === 'active';
      return ok ? { state: 'done', detail: license.type } : { state: 'pending', detail: `${license.type} (${license.status})`, code: 'licence_required' };
    },
  },
  {
    id: 'sample-data',
    chapter: 1,
    async verify({ client, signal }) {
      const indices = await client.catIndices(SAMPLE_DATA_PATTERN, { timeoutMs: CHECK_TIMEOUT_MS, signal, expandWildcards: 'all' });
      const loaded = indices.filter((index) => Number(index['docs.count'] ?? 0) > 0).map((index) => String(index.index).replace(/^\.ds-/, ''));
      return loaded.length > 0 ? { state: 'done', detail: [...new Set(loaded)].sort().join(', ') } : { state: 'pending' };
    },
  },
];
