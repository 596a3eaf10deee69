/**
 * Test support: the practice cluster's own engine, in process, holding Beats documents with the
 * field types `metricbeat setup` / `filebeat setup` give them. The query modules' tests run their
 * built requests on it, so they pass only against behaviour the practice cluster really has.
 */
import { createEngine, type Engine } from '../../practice/engine';
import type { SearchRequest } from '../common';

/** One document to index: `index` is where the Beat writes (a dated 7.x index or an 8.x data stream). */
export interface LabDoc {
  index: string;
  id: string;
  source: Record<string, unknown>;
}

export type LabFlavor = Engine['flavor'];

/** The field types of the Beats templates for the fields the panels and checkpoints read. */
export const BEATS_MAPPINGS = {
  dynamic_templates: [{ strings_as_keyword: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } }],
  properties: {
    '@timestamp': { type: 'date' },
    message: { type: 'text' },
    host: { properties: { name: { type: 'keyword' }, hostname: { type: 'keyword' } } },
    event: { properties: { module: { type: 'keyword' }, dataset: { type: 'keyword' } } },
    user: { properties: { name: { type: 'keyword' } } },
    source: { properties: { ip: { type: 'ip' }, port: { type: 'long' } } },
    log: { properties: { offset: { type: 'long' }, file: { properties: { path: { type: 'keyword' } } } } },
    system: {
      properties: {
        network: {
          properties: {
            name: { type: 'keyword' },
            in: { properties: { bytes: { type: 'long' } } },
            out: { properties: { bytes: { type: 'long' } } },
          },
        },
        auth: { properties: { ssh: { properties: { event: { type: 'keyword' }, method: { type: 'keyword' } } } } },
      },
    },
  },
};

/** 8.x Beats write to data streams (`metricbeat-8.15.0`); everything else is a plain index. */
const DATA_STREAM = /^(metricbeat|filebeat)-(8|9)\./;

export class LabEngine {
  readonly engine: Engine;
  private clock: number;

  constructor(options: { now: number; flavor?: LabFlavor }) {
    this.clock = options.now;
    this.engine = createEngine({ flavor: options.flavor ?? '8', now: () => this.clock });
    if (this.engine.flavor !== '7') {
      this.engine.putIndexTemplate('beats-8', { index_patterns: ['metricbeat-8*', 'filebeat-8*', 'metricbeat-9*', 'filebeat-9*'], data_stream: {}, priority: 150, template: { mappings: BEATS_MAPPINGS } });
      this.engine.putIndexTemplate('beats-7', { index_patterns: ['metricbeat-7*', 'filebeat-7*'], priority: 150, template: { mappings: BEATS_MAPPINGS } });
    } else {
      this.engine.putLegacyTemplate('beats', { index_patterns: ['metricbeat-*', 'filebeat-*'], mappings: BEATS_MAPPINGS });
    }
  }

  /** The engine's `now` (date math such as `now-15m`). */
  setNow(now: number): void {
    this.clock = now;
  }

  add(docs: readonly LabDoc[]): void {
    if (docs.length === 0) return;
    const result = this.engine.bulk(
      docs.map((doc) => ({ op: DATA_STREAM.test(doc.index) ? 'create' : 'index', index: doc.index, id: doc.id, source: doc.source })),
      { refresh: true },
    );
    if (result.errors) throw new Error(`bulk failed: ${JSON.stringify(result.items.find((item) => Object.values(item)[0]?.error))}`);
  }

  search(request: SearchRequest): Record<string, unknown> {
    return this.engine.search(request.index, request.body, { ignoreUnavailable: request.ignore_unavailable, allowNoIndices: request.allow_no_indices });
  }
}

/** An engine at `now` holding `docs`, for a test that searches once. */
export function labEngine(docs: readonly LabDoc[], now: number, flavor: LabFlavor = '8'): LabEngine {
  const lab = new LabEngine({ now, flavor });
  lab.add(docs);
  return lab;
}

/** Runs `request` on an engine holding `docs` at `now`: the real engine's answer. */
export function searchLab(docs: readonly LabDoc[], request: SearchRequest, now: number, flavor: LabFlavor = '8'): Record<string, unknown> {
  return labEngine(docs, now, flavor).search(request);
}
