import type { Engine, EngineOptions, Flavor } from './api';
import { ByQuery } from './by-query';
import { Catalog } from './catalog';
import { Documents } from './documents';
import { catalogDurability, type EngineDurability } from './durability';
import { Metadata } from './metadata';
import { Searcher } from './searcher';

/**
 * One practice deployment's engine: the `Engine` contract over three parts that share one
 * `Catalog` (indices, data streams, templates, pipelines): `Metadata` administers them,
 * `Documents` writes and reads documents, `Searcher` searches.
 */
export class PracticeEngine implements Engine {
  readonly flavor: Flavor;
  private readonly catalog: Catalog;
  private readonly metadata: Metadata;
  private readonly documents: Documents;
  private readonly searcher: Searcher;
  private readonly byQuery: ByQuery;

  constructor(opts: EngineOptions) {
    this.flavor = opts.flavor;
    this.catalog = new Catalog(opts.flavor, opts.now ?? Date.now);
    this.metadata = new Metadata(this.catalog);
    this.documents = new Documents(this.catalog);
    this.searcher = new Searcher(this.catalog, { timeoutMs: opts.searchTimeoutMs, elapsed: opts.elapsed });
    this.byQuery = new ByQuery(this.catalog, this.documents, { timeoutMs: opts.searchTimeoutMs, elapsed: opts.elapsed });
  }

  // Indices
  createIndex(...a: Parameters<Metadata['createIndex']>) {
    return this.changed(this.metadata.createIndex(...a));
  }
  deleteIndex(...a: Parameters<Metadata['deleteIndex']>) {
    return this.changed(this.metadata.deleteIndex(...a));
  }
  indexExists(...a: Parameters<Metadata['indexExists']>) {
    return this.metadata.indexExists(...a);
  }
  getMapping(...a: Parameters<Metadata['getMapping']>) {
    return this.metadata.getMapping(...a);
  }
  putMapping(...a: Parameters<Metadata['putMapping']>) {
    return this.changed(this.metadata.putMapping(...a));
  }
  updateSettings(...a: Parameters<Metadata['updateSettings']>) {
    return this.metadata.updateSettings(...a);
  }
  getSettings(...a: Parameters<Metadata['getSettings']>) {
    return this.metadata.getSettings(...a);
  }
  catIndices(...a: Parameters<Metadata['catIndices']>) {
    return this.metadata.catIndices(...a);
  }
  resolve(...a: Parameters<Metadata['resolve']>) {
    return this.metadata.resolve(...a);
  }
  attachShared(...a: Parameters<Metadata['attachShared']>) {
    return this.changed(this.metadata.attachShared(...a));
  }
  updateAliases(...a: Parameters<Metadata['updateAliases']>) {
    return this.changed(this.metadata.updateAliases(...a));
  }
  getAliases(...a: Parameters<Metadata['getAliases']>) {
    return this.metadata.getAliases(...a);
  }

  // Templates, pipelines, data streams
  putIndexTemplate(...a: Parameters<Metadata['putIndexTemplate']>) {
    return this.changed(this.metadata.putIndexTemplate(...a));
  }
  getIndexTemplate(...a: Parameters<Metadata['getIndexTemplate']>) {
    return this.metadata.getIndexTemplate(...a);
  }
  deleteIndexTemplate(...a: Parameters<Metadata['deleteIndexTemplate']>) {
    return this.changed(this.metadata.deleteIndexTemplate(...a));
  }
  putComponentTemplate(...a: Parameters<Metadata['putComponentTemplate']>) {
    return this.changed(this.metadata.putComponentTemplate(...a));
  }
  getComponentTemplate(...a: Parameters<Metadata['getComponentTemplate']>) {
    return this.metadata.getComponentTemplate(...a);
  }
  deleteComponentTemplate(...a: Parameters<Metadata['deleteComponentTemplate']>) {
    return this.changed(this.metadata.deleteComponentTemplate(...a));
  }
  putLegacyTemplate(...a: Parameters<Metadata['putLegacyTemplate']>) {
    return this.changed(this.metadata.putLegacyTemplate(...a));
  }
  getLegacyTemplate(...a: Parameters<Metadata['getLegacyTemplate']>) {
    return this.metadata.getLegacyTemplate(...a);
  }
  deleteLegacyTemplate(...a: Parameters<Metadata['deleteLegacyTemplate']>) {
    return this.changed(this.metadata.deleteLegacyTemplate(...a));
  }
  putPipeline(...a: Parameters<Metadata['putPipeline']>) {
    return this.changed(this.metadata.putPipeline(...a));
  }
  getPipeline(...a: Parameters<Metadata['getPipeline']>) {
    return this.metadata.getPipeline(...a);
  }
  deletePipeline(...a: Parameters<Metadata['deletePipeline']>) {
    return this.changed(this.metadata.deletePipeline(...a));
  }
  createDataStream(...a: Parameters<Metadata['createDataStream']>) {
    return this.changed(this.metadata.createDataStream(...a));
  }
  getDataStream(...a: Parameters<Metadata['getDataStream']>) {
    return this.metadata.getDataStream(...a);
  }
  deleteDataStream(...a: Parameters<Metadata['deleteDataStream']>) {
    return this.changed(this.metadata.deleteDataStream(...a));
  }

  // Documents
  index(...a: Parameters<Documents['index']>) {
    return this.documents.index(...a);
  }
  get(...a: Parameters<Documents['get']>) {
    return this.documents.get(...a);
  }
  delete(...a: Parameters<Documents['delete']>) {
    return this.documents.delete(...a);
  }
  bulk(...a: Parameters<Documents['bulk']>) {
    return this.documents.bulk(...a);
  }
  refresh(...a: Parameters<Documents['refresh']>) {
    return this.documents.refresh(...a);
  }
  mget(...a: Parameters<Documents['mget']>) {
    return this.documents.mget(...a);
  }
  updateByQuery(...a: Parameters<ByQuery['updateByQuery']>) {
    return this.byQuery.updateByQuery(...a);
  }
  deleteByQuery(...a: Parameters<ByQuery['deleteByQuery']>) {
    return this.byQuery.deleteByQuery(...a);
  }
  reindex(...a: Parameters<ByQuery['reindex']>) {
    return this.byQuery.reindex(...a);
  }
  indexStats(...a: Parameters<Searcher['indexStats']>) {
    return this.searcher.indexStats(...a);
  }
  refreshState(...a: Parameters<Documents['refreshState']>) {
    return this.documents.refreshState(...a);
  }
  rollOff(...a: Parameters<Documents['rollOff']>) {
    return this.documents.rollOff(...a);
  }

  // Search
  search(...a: Parameters<Searcher['search']>) {
    return this.searcher.search(...a);
  }
  count(...a: Parameters<Searcher['count']>) {
    return this.searcher.count(...a);
  }
  msearch(...a: Parameters<Searcher['msearch']>) {
    return this.searcher.msearch(...a);
  }
  scroll(...a: Parameters<Searcher['scroll']>) {
    return this.searcher.scroll(...a);
  }
  clearScroll(...a: Parameters<Searcher['clearScroll']>) {
    return this.searcher.clearScroll(...a);
  }
  openPointInTime(...a: Parameters<Searcher['openPointInTime']>) {
    return this.searcher.openPointInTime(...a);
  }
  closePointInTime(...a: Parameters<Searcher['closePointInTime']>) {
    return this.searcher.closePointInTime(...a);
  }

  approximateBytes(): number {
    return this.catalog.approximateBytes();
  }

  private durable?: EngineDurability;

  durability(): EngineDurability {
    this.durable ??= catalogDurability(this.catalog);
    return this.durable;
  }

  /** Metadata changed: the journal writes it before the next document (see journal.ts). */
  private changed<T>(result: T): T {
    this.catalog.journal.touch();
    return result;
  }
}
