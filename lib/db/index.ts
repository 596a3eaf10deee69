import 'server-only';

export { closeDb, createDb, getDb, getDbBackend, IN_MEMORY } from './client';
export type { Database, DbBackend, DbConfig, DbHandle } from './client';
export { InvalidJoinCodeError, isUniqueViolation, JoinCodeTakenError } from './errors';
export { generateJoinCode, JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, normalizeJoinCode } from './join-code';
export * from './repositories/api-keys';
export * from './repositories/board';
export * from './repositories/checkpoint-results';
export * from './repositories/class-board';
export * from './repositories/connections';
export * from './repositories/events';
export * from './repositories/participants';
export * from './repositories/rate-limits';
export * from './repositories/workshops';
export * from './schema';
export * from './repositories/verifier-leases';
