import { defineFeature, type ClusterAction, type EsContext, type PracticeFeature } from '../feature';
import { findStructure, type FindStructureParams } from './find-structure';

/**
 * The structure finder behind Kibana's File Data Visualizer, as a practice-cluster feature with no
 * licence (text structure is a Basic feature) and no state: `POST _text_structure/find_structure`
 * on every flavour (7.13 and later have it), and the older `POST _ml/find_file_structure` on 7.x,
 * which 8.0 removed. The body is the sample text itself.
 */

/** `cluster:monitor/text_structure/findstructure` (7.x: `cluster:monitor/xpack/ml/findfilestructure`). */
const FIND_STRUCTURE: ClusterAction = {
  action: 'cluster:monitor/text_structure/findstructure',
  granting: ['monitor_text_structure', 'monitor_ml', 'manage_ml', 'monitor', 'manage', 'all'],
};

class TextStructure implements PracticeFeature {
  readonly name = 'text-structure';
  readonly active = false;

  approximateBytes(): number {
    return 0;
  }

  dispose(): void {}
}

function params(ctx: EsContext): FindStructureParams {
  const out: Record<string, string> = {};
  for (const [key, value] of ctx.query) if (!(key in out)) out[key] = value;
  return out as FindStructureParams;
}

export const textStructureFeature = defineFeature<TextStructure>({
  name: 'text-structure',
  routes(r, flavor) {
    r.add('POST', '/_text_structure/find_structure', (ctx) => ({ body: findStructure(ctx.body ?? Buffer.alloc(0), params(ctx), { flavor, api: 'find_structure' }) }), { cluster: FIND_STRUCTURE });
    if (flavor === '7') {
      r.add('POST', '/_ml/find_file_structure', (ctx) => ({ body: findStructure(ctx.body ?? Buffer.alloc(0), params(ctx), { flavor, api: 'find_file_structure' }) }), { cluster: FIND_STRUCTURE });
    }
  },
  create: () => new TextStructure(),
});
