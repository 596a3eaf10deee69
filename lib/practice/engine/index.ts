import type { CreateEngine } from './api';
import { PracticeEngine } from './engine';

export type { BulkAction, BulkItemResult, CreateEngine, DataStreamInfo, Engine, EngineOptions, Flavor, IndexInfo, Mappings, SearchParams, SharedIndex } from './api';
export type { EngineDurability } from './durability';
export type { JournalRecord } from './journal';
export { EsError } from './api';
export { esErrorBody, esErrorEnvelope } from './errors';

/** The practice cluster's storage and search engine: one instance per deployment. */
export const createEngine: CreateEngine = (opts) => new PracticeEngine(opts);
